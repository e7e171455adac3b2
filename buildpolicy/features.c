/* features.c - which mechanism each need of the eBPF program gets on the
 * kernel it is built for, decided before compiling (bpf-src/compat.bpf.h).
 *
 * tracee builds where the kernel is, so it can know the kernel first, as BCC
 * does: the running kernel is asked with minimal program and map loads when
 * we may load (a trivial program loads), and read from its BTF when we may
 * not (libbpf's probes then answer wrongly: no map type, every helper); another kernel (make bpf KERN_RELEASE=
 * KERN_HEADERS=) is read from its headers: the helpers its uapi bpf.h lists,
 * its map types, its structures. The kernel version is the guess of last
 * resort only: distributions backport.
 *
 * The decisions become compiler macros and part of the object's identity
 * (identity.c): an object built with other decisions is rebuilt, not
 * loaded. TRACEE_FEATURES_OFF=name,... (or "all") builds as if the kernel
 * lacked those features, so every fallback runs on one kernel. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bp_internal.h"

#define KV(a, b) ((a) << 16 | (b) << 8)

struct feature_def {
	const char *name;       /* TRACEE_FEATURES_OFF's spelling */
	const char *macro;      /* what the sources test */
	const char *helper;     /* the BPF helper it is (bpf_func_id without BPF_FUNC_), or NULL */
	int helper_id;
	const char *map;        /* or the map type it is */
	int map_type;
	unsigned since;         /* first mainline kernel (KV) */
	uint32_t needs;         /* BP_FEAT_ bits it cannot go without */
	const char *fallback;   /* what the program does without it */
};

static const struct feature_def features[BP_FEAT_MAX] = {
	[BP_FEAT_RINGBUF] = { "ringbuf", "TRACEE_FEAT_RINGBUF", NULL, 0, "BPF_MAP_TYPE_RINGBUF",
			      BPF_MAP_TYPE_RINGBUF, KV(5, 8), 0, "per-CPU perf buffers" },
	[BP_FEAT_BPF_LOOP] = { "bpf_loop", "TRACEE_FEAT_BPF_LOOP", "loop", BPF_FUNC_loop, NULL, 0,
			       KV(5, 17), 0, "bounded loops calling global functions" },
	[BP_FEAT_TASK_BTF] = { "task_btf", "TRACEE_FEAT_TASK_BTF", "get_current_task_btf",
			       BPF_FUNC_get_current_task_btf, NULL, 0, KV(5, 11), 0,
			       "bpf_get_current_task and probe reads" },
	[BP_FEAT_FIND_VMA] = { "find_vma", "TRACEE_FEAT_FIND_VMA", "find_vma", BPF_FUNC_find_vma,
			       NULL, 0, KV(5, 17), 1u << BP_FEAT_TASK_BTF,
			       "a walk of the task's VMA tree" },
	[BP_FEAT_TASK_PT_REGS] = { "task_pt_regs", "TRACEE_FEAT_TASK_PT_REGS", "task_pt_regs",
				   BPF_FUNC_task_pt_regs, NULL, 0, KV(5, 15), 1u << BP_FEAT_TASK_BTF,
				   "the registers at the top of the task's kernel stack" },
	[BP_FEAT_BOOT_NS] = { "boot_ns", "TRACEE_FEAT_BOOT_NS", "ktime_get_boot_ns",
			      BPF_FUNC_ktime_get_boot_ns, NULL, 0, KV(5, 8), 0,
			      "bpf_ktime_get_ns plus the boot offset measured at start" },
};

static const char *const source_names[] = {
	[BP_FEAT_FROM_PROBE] = "probed",
	[BP_FEAT_FROM_BTF] = "kernel BTF",
	[BP_FEAT_FROM_HEADERS] = "kernel headers",
	[BP_FEAT_FROM_VERSION] = "kernel version",
};

const char *bp_feature_name(int i)
{
	return i >= 0 && i < BP_FEAT_MAX ? features[i].name : NULL;
}

/* --- TRACEE_FEATURES_OFF -------------------------------------------------------- */

static int feature_by_name(const char *name, size_t len)
{
	for (int i = 0; i < BP_FEAT_MAX; i++)
		if (strlen(features[i].name) == len && strncmp(features[i].name, name, len) == 0)
			return i;
	return -1;
}

int bp_features_parse_off(const char *list, uint32_t *off)
{
	char known[256] = "";
	size_t used = 0;

	*off = 0;
	if (!list || !*list)
		return 0;
	if (strcmp(list, "all") == 0) {
		*off = (1u << BP_FEAT_MAX) - 1;
		return 0;
	}
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		int i = feature_by_name(p, len);

		if (i < 0 && len) {
			for (int k = 0; k < BP_FEAT_MAX; k++)
				used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
							 k ? "," : "", features[k].name);
			bp_err("TRACEE_FEATURES_OFF: unknown feature '%.*s' (known: %s, or all)",
			       (int)len, p, known);
			return -EINVAL;
		}
		if (i >= 0)
			*off |= 1u << i;
		p += len + (p[len] == ',');
	}
	return 0;
}

/* --- the running kernel ----------------------------------------------------------- */

/* Whether we may load programs at all: libbpf's probes answer "no" (map
 * types) or "yes" (helpers) when the load is refused for want of privilege,
 * as it is for root in a container without CAP_BPF or CAP_SYS_ADMIN. */
static bool may_load(void)
{
	static const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL, "GPL", ret0, 2, NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* 1 has it, 0 has not, < 0 cannot tell. */
static int probe_feature(const struct feature_def *d)
{
	if (d->map)
		return libbpf_probe_bpf_map_type(d->map_type, NULL);
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, d->helper_id, NULL);
}

/* Whether an enum of the kernel's BTF has a value of this name. */
static bool btf_has_enum_value(const struct btf *btf, const char *enum_name, const char *value)
{
	int id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);
	const struct btf_type *t;
	const struct btf_enum *e;

	if (id < 0)
		return false;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++)
		if (strcmp(btf__name_by_offset(btf, e->name_off), value) == 0)
			return true;
	return false;
}

static bool btf_feature(const struct btf *btf, const struct feature_def *d)
{
	char name[96];

	if (d->map)
		return btf_has_enum_value(btf, "bpf_map_type", d->map);
	snprintf(name, sizeof(name), "BPF_FUNC_%s", d->helper);
	return btf_has_enum_value(btf, "bpf_func_id", name);
}

static bool btf_struct_has_member(const struct btf *btf, const char *sname, const char *member)
{
	int id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	const struct btf_type *t;
	const struct btf_member *m;

	if (id < 0)
		return false;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++)
		if (strcmp(btf__name_by_offset(btf, m->name_off), member) == 0)
			return true;
	/* mm_struct keeps most members in an anonymous struct */
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const struct btf_type *mt = btf__type_by_id(btf, m->type);

		if (m->name_off || !btf_is_composite(mt))
			continue;
		for (int k = 0; k < btf_vlen(mt); k++)
			if (strcmp(btf__name_by_offset(btf, btf_members(mt)[k].name_off), member) == 0)
				return true;
	}
	return false;
}

/* --- another kernel's headers --------------------------------------------------- */

static char *read_text(const char *dir, const char *rel)
{
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (bp_join(path, sizeof(path), dir, rel) || !(f = fopen(path, "re")))
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* "FN(loop" followed by ',' (6.1+: FN(loop, 181, ##ctx)) or ')' (before). */
static bool uapi_has_helper(const char *uapi, const char *helper)
{
	size_t n = strlen(helper);

	for (const char *p = uapi; (p = strstr(p, "FN(")); p += 3)
		if (strncmp(p + 3, helper, n) == 0 && (p[3 + n] == ',' || p[3 + n] == ')'))
			return true;
	return false;
}

static bool uapi_has_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = text; (p = strstr(p, word)); p += n)
		if ((p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
		    !(isalnum((unsigned char)p[n]) || p[n] == '_'))
			return true;
	return false;
}

/* LINUX_VERSION_CODE of a release string ("5.10.0-32-cloud-amd64"). */
static unsigned release_version(const char *release)
{
	unsigned a = 0, b = 0;

	if (sscanf(release, "%u.%u", &a, &b) < 2)
		return 0;
	return KV(a, b);
}

/* --- deciding -------------------------------------------------------------------- */

static void decide_by_version(struct bp_features *f, const char *release)
{
	unsigned v = release_version(release);

	for (int i = 0; i < BP_FEAT_MAX; i++)
		if (v >= features[i].since)
			f->have |= 1u << i;
	f->vma_maple = v >= KV(6, 1);
	f->source = BP_FEAT_FROM_VERSION;
}

static void decide_from_btf(struct bp_features *f, const struct btf *btf)
{
	for (int i = 0; i < BP_FEAT_MAX; i++)
		if (btf_feature(btf, &features[i]))
			f->have |= 1u << i;
	f->source = BP_FEAT_FROM_BTF;
}

/* The running kernel: probes as root, else its BTF, else its version. The
 * structures come from BTF (headers builds take them from the headers). */
static void decide_running(struct bp_features *f, const char *release)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool probed = may_load();

	if (libbpf_get_error(btf))
		btf = NULL;
	for (int i = 0; probed && i < BP_FEAT_MAX; i++) {
		int r = probe_feature(&features[i]);

		if (r < 0) {
			probed = false;
			f->have = 0;
		} else if (r > 0) {
			f->have |= 1u << i;
		}
	}
	if (probed)
		f->source = BP_FEAT_FROM_PROBE;
	else if (btf)
		decide_from_btf(f, btf);
	else
		decide_by_version(f, release);
	if (btf) {
		f->vma_maple = btf_struct_has_member(btf, "mm_struct", "mm_mt");
		if (btf__find_by_name_kind(btf, "kasan_report", BTF_KIND_FUNC) > 0)
			f->thread_size = 32768;
	} else {
		f->vma_maple = release_version(release) >= KV(6, 1);
	}
	btf__free(btf);
}

static int decide_from_headers(struct bp_features *f, const char *src, const char *release)
{
	char *uapi = read_text(src, "include/uapi/linux/bpf.h");
	char *mm = read_text(src, "include/linux/mm_types.h");

	if (!uapi || !mm) {
		free(uapi);
		free(mm);
		decide_by_version(f, release);
		return 0;
	}
	for (int i = 0; i < BP_FEAT_MAX; i++) {
		const struct feature_def *d = &features[i];

		if (d->map ? uapi_has_word(uapi, d->map) : uapi_has_helper(uapi, d->helper))
			f->have |= 1u << i;
	}
	f->vma_maple = uapi_has_word(mm, "mm_mt");
	f->source = BP_FEAT_FROM_HEADERS;
	free(uapi);
	free(mm);
	return 0;
}

/* A feature whose prerequisite is gone goes too (find_vma takes a BTF task). */
static void apply_off(struct bp_features *f)
{
	f->have &= ~f->off;
	for (int i = 0; i < BP_FEAT_MAX; i++)
		if ((f->have & features[i].needs) != features[i].needs)
			f->have &= ~(1u << i);
}

static void print_decisions(const struct bp_features *f, const char *release)
{
	for (int i = 0; i < BP_FEAT_MAX; i++) {
		const struct feature_def *d = &features[i];
		bool on = f->have & (1u << i);

		if (on)
			bp_err("feature %s=yes (%s)", d->name, source_names[f->source]);
		else
			bp_err("feature %s=no (%s): %s", d->name,
			       f->off & (1u << i) ? "TRACEE_FEATURES_OFF" : source_names[f->source],
			       d->fallback);
	}
	bp_err("feature vma_tree=%s (kernel %s)", f->vma_maple ? "maple" : "rbtree", release);
}

int bp_features_decide(const struct buildpolicy_opts *o, const struct bp_location *loc,
		       struct bp_features *f)
{
	const char *explicit_dir = o->kern_headers && *o->kern_headers ? o->kern_headers
									: getenv("KERN_HEADERS");
	char src[PATH_MAX], obj[PATH_MAX];
	int err;

	memset(f, 0, sizeof(*f));
	f->thread_size = 16384;
	if ((err = bp_features_parse_off(getenv("TRACEE_FEATURES_OFF"), &f->off)))
		return err;
	if (loc->running_kernel && !(explicit_dir && *explicit_dir)) {
		decide_running(f, loc->release);
	} else if (bp_find_headers(explicit_dir, loc->release, src, obj, sizeof(src)) == 0) {
		decide_from_headers(f, src, loc->release);
	} else if (loc->running_kernel) {
		decide_running(f, loc->release);
	} else {
		decide_by_version(f, loc->release);
	}
	apply_off(f);
	if (o->debug)
		print_decisions(f, loc->release);
	return 0;
}

size_t bp_features_defines(const struct bp_features *f, char out[][BP_DEFINE_MAX])
{
	size_t n = 0;

	for (int i = 0; i < BP_FEAT_MAX; i++)
		snprintf(out[n++], BP_DEFINE_MAX, "-D%s=%d", features[i].macro, !!(f->have & (1u << i)));
	snprintf(out[n++], BP_DEFINE_MAX, "-DTRACEE_VMA_MAPLE=%d", f->vma_maple);
	snprintf(out[n++], BP_DEFINE_MAX, "-DTRACEE_THREAD_SIZE=%u", f->thread_size);
	return n;
}
