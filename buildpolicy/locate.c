/* locate.c - where the eBPF object may be, in the order tracee looks:
 * $TRACEE_BPF_FILE (a file), the executable's directory, the install path
 * (default /tmp/tracee). The object's name carries the kernel release and
 * tracee's version: tracee.bpf.<release>.<version>.o, dots as underscores. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "bp_internal.h"

void bp_err(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One line, whatever the pieces (dlerror(), paths) contain. */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	fprintf(stderr, "tracee: %s\n", msg);
}

/* Copies s to buf with every '.' turned into '_'. */
static int underscored(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n >= len)
		return -ENAMETOOLONG;
	for (size_t i = 0; i <= n; i++)
		buf[i] = s[i] == '.' ? '_' : s[i];
	return 0;
}

/* A release or version goes into a file name: nothing that leaves it. */
static bool name_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ' ' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int bpf_object_name(char *buf, size_t len, const char *kern_release, const char *version)
{
	char rel[BP_RELEASE_MAX], ver[64];
	int n;

	if (!buf || !kern_release)
		return -EINVAL;
	if (!version)
		version = TRACEE_VERSION;
	if (!name_safe(kern_release) || !name_safe(version))
		return -EINVAL;
	if (underscored(rel, sizeof(rel), kern_release) || underscored(ver, sizeof(ver), version))
		return -ENAMETOOLONG;
	n = snprintf(buf, len, "tracee.bpf.%s.%s.o", rel, ver);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int bp_kernel_release(const struct buildpolicy_opts *o, char *buf, size_t len, bool *running)
{
	const char *want = o->kern_release;
	struct utsname u;

	if (uname(&u))
		return -errno;
	if (!want || !*want)
		want = getenv("KERN_RELEASE");
	if (!want || !*want)
		want = u.release;
	if (!name_safe(want) || strlen(want) >= len || strlen(want) >= BP_RELEASE_MAX) {
		bp_err("KERN_RELEASE=%s: not a kernel release", want);
		return -EINVAL;
	}
	strcpy(buf, want);
	if (running)
		*running = strcmp(want, u.release) == 0;
	return 0;
}

int bp_join(char *buf, size_t len, const char *dir, const char *name)
{
	size_t d = strlen(dir);
	int n;

	while (d > 1 && dir[d - 1] == '/')
		d--;
	n = snprintf(buf, len, "%.*s%s%s", (int)d, dir, d && dir[d - 1] == '/' ? "" : "/", name);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int add_candidate(struct bp_location *loc, enum bp_origin origin, const char *dir)
{
	struct bp_candidate *c = &loc->cand[loc->ncand];

	if (bp_join(c->path, sizeof(c->path), dir, loc->name)) {
		bp_err("%s/%s: path too long", dir, loc->name);
		return -ENAMETOOLONG;
	}
	/* make bpf puts the object next to the executable and uses that
	 * directory as the install path: look there once, as the install path. */
	for (int i = 0; i < loc->ncand; i++)
		if (loc->cand[i].origin != BP_FROM_ENV && strcmp(loc->cand[i].path, c->path) == 0) {
			loc->cand[i].origin = origin;
			return 0;
		}
	c->origin = origin;
	loc->ncand++;
	return 0;
}

int bp_locate(const struct buildpolicy_opts *o, struct bp_location *loc)
{
	const char *env = getenv("TRACEE_BPF_FILE");
	const char *install = o->install_path && *o->install_path ? o->install_path
								  : BP_DEFAULT_INSTALL_PATH;
	struct stat st;
	int err;

	memset(loc, 0, sizeof(*loc));
	err = bp_kernel_release(o, loc->release, sizeof(loc->release), &loc->running_kernel);
	if (err)
		return err;
	err = bpf_object_name(loc->name, sizeof(loc->name), loc->release, TRACEE_VERSION);
	if (err) {
		bp_err("cannot name the eBPF object for kernel %s: %s", loc->release, strerror(-err));
		return err;
	}
	if (strlen(install) >= sizeof(loc->install_dir) ||
	    bp_join(loc->install_obj, sizeof(loc->install_obj), install, loc->name)) {
		bp_err("%s: install path too long", install);
		return -ENAMETOOLONG;
	}
	strcpy(loc->install_dir, install);

	if (env && *env) {
		struct bp_candidate *c = &loc->cand[loc->ncand++];

		if (lstat(env, &st)) {
			err = -errno;
			if (err == -ENOENT)
				bp_err("TRACEE_BPF_FILE=%s: no such file", env);
			else
				bp_err("TRACEE_BPF_FILE=%s: %s", env, strerror(-err));
			return err;
		}
		if (strlen(env) >= sizeof(c->path)) {
			bp_err("TRACEE_BPF_FILE=%s: path too long", env);
			return -ENAMETOOLONG;
		}
		c->origin = BP_FROM_ENV;
		strcpy(c->path, env);
	}
	if (o->exe_dir && *o->exe_dir && (err = add_candidate(loc, BP_FROM_EXE_DIR, o->exe_dir)))
		return err;
	return add_candidate(loc, BP_FROM_INSTALL, install);
}
