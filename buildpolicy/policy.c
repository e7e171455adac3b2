/* policy.c - the one entry point: find the eBPF object, or build it, as
 * --build-policy says.
 *
 *   never      use the first valid object found; none -> fail, naming the
 *              paths searched and how to build one; found but stale,
 *              corrupt or untrusted -> refused with the reason
 *   if-needed  use the first valid object found, else build one into the
 *              install path (the default)
 *   always     build into the install path every time
 *
 * $TRACEE_BPF_FILE names the object explicitly: it is used, or refused, but
 * never replaced by another object (except under always). opts->output
 * (make bpf) builds to exactly that file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_internal.h"

int build_policy_parse(const char *s, enum build_policy *out)
{
	static const struct { const char *name; enum build_policy p; } names[] = {
		{ "never", BUILD_NEVER }, { "if-needed", BUILD_IF_NEEDED }, { "always", BUILD_ALWAYS },
	};

	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].p;
			return 0;
		}
	return -EINVAL;
}

void bpf_object_file_free(struct bpf_object_file *f)
{
	if (!f)
		return;
	free(f->data);
	memset(f, 0, sizeof(*f));
}

static int verdict_errno(enum bp_verdict v)
{
	switch (v) {
	case BP_VALID: return 0;
	case BP_MISSING: return -ENOENT;
	case BP_UNTRUSTED: return -EPERM;
	case BP_CORRUPT: return -ENOEXEC;
	case BP_STALE: return -ESTALE;
	}
	return -EINVAL;
}

static const char *origin_name(enum bp_origin o)
{
	switch (o) {
	case BP_FROM_ENV: return "TRACEE_BPF_FILE";
	case BP_FROM_EXE_DIR: return "next to the executable";
	case BP_FROM_INSTALL: return "in the install path";
	}
	return "";
}

static int build_into_install(const struct buildpolicy_opts *o, const struct bp_location *loc,
			      const struct bp_features *f, struct bpf_object_file *out)
{
	int err = bp_dir_trusted(loc->install_dir, true);

	return err ? err : bp_build(o, loc, f, loc->install_obj, out);
}

/* "searched a, b" for the not-found message */
static void searched(const struct bp_location *loc, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < loc->ncand && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", loc->cand[i].path);
}

int buildpolicy_obtain(const struct buildpolicy_opts *o, struct bpf_object_file *out)
{
	struct bp_location loc;
	struct bp_features feat;
	struct { const struct bp_candidate *c; enum bp_verdict v; char reason[BP_REASON_MAX]; } rej = { 0 };
	char hash[17], reason[BP_REASON_MAX], list[3 * PATH_MAX + 8];
	int err;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!o)
		return -EINVAL;

	if (o->output && *o->output) {
		/* The location only names the kernel; the target is given. */
		memset(&loc, 0, sizeof(loc));
		if ((err = bp_kernel_release(o, loc.release, sizeof(loc.release), &loc.running_kernel)))
			return err;
		snprintf(loc.install_dir, sizeof(loc.install_dir), "%s",
			 o->install_path && *o->install_path ? o->install_path : BP_DEFAULT_INSTALL_PATH);
		if ((err = bp_features_decide(o, &loc, &feat)))
			return err;
		return bp_build(o, &loc, &feat, o->output, out);
	}

	if ((err = bp_locate(o, &loc)) || (err = bp_features_decide(o, &loc, &feat)))
		return err;
	if (o->policy == BUILD_ALWAYS)
		return build_into_install(o, &loc, &feat, out);

	bp_object_hash(&feat, hash);
	for (int i = 0; i < loc.ncand; i++) {
		const struct bp_candidate *c = &loc.cand[i];
		enum bp_verdict v;

		if (c->origin == BP_FROM_INSTALL) {
			err = bp_dir_trusted(loc.install_dir, false);
			if (err == -ENOENT)
				continue;
			if (err)
				return err;
		}
		v = bp_object_load(c->path, hash, &out->data, &out->len, reason, sizeof(reason));
		if (v == BP_VALID) {
			if (rej.c)
				bp_err("%s %s: ignoring it", rej.c->path, rej.reason);
			if (o->debug)
				bp_err("using %s (%s)", c->path, origin_name(c->origin));
			strcpy(out->path, c->path);
			return 0;
		}
		if (v == BP_MISSING) {
			if (c->origin != BP_FROM_ENV)
				continue;
			bp_err("TRACEE_BPF_FILE=%s: no such file", c->path);
			return -ENOENT;
		}
		if (c->origin == BP_FROM_ENV) {
			bp_err("TRACEE_BPF_FILE=%s %s: refusing to load it; build a new one with `make bpf` "
			       "or unset TRACEE_BPF_FILE", c->path, reason);
			return verdict_errno(v);
		}
		if (o->policy == BUILD_IF_NEEDED) {
			bp_err("%s %s: %s", c->path, reason,
			       c->origin == BP_FROM_INSTALL ? "rebuilding it" : "ignoring it");
		} else if (!rej.c) {
			rej.c = c;
			rej.v = v;
			strcpy(rej.reason, reason);
		}
	}

	if (o->policy == BUILD_IF_NEEDED)
		return build_into_install(o, &loc, &feat, out);
	if (rej.c) {
		bp_err("%s %s: refusing to load it; build a new one with `make bpf` or "
		       "--build-policy if-needed", rej.c->path, rej.reason);
		return verdict_errno(rej.v);
	}
	searched(&loc, list, sizeof(list));
	bp_err("no eBPF object found (searched %s); build one with `make bpf` or run with "
	       "--build-policy if-needed", list);
	return -ENOENT;
}
