/* probes.c - probe selection: for each selected event, the first probe of its
 * list (lsm -> fentry -> kprobe -> tracepoint fallback) that this kernel
 * loads. The kernel is asked directly: a trivial program of the probe's kind
 * is loaded against the probe's target (kprobes and tracepoints are also
 * opened), because config files and version numbers do not say whether, say,
 * lockdown refuses trampolines. */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "probes.h"

static const char *const kind_names[PROBE_KIND_MAX] = {
	[PROBE_NONE] = "none",
	[PROBE_LSM] = "lsm",
	[PROBE_FENTRY] = "fentry",
	[PROBE_KPROBE] = "kprobe",
	[PROBE_TRACEPOINT] = "tracepoint",
};

int probes_first_working(const struct event_def *def, probe_works_fn works, void *ctx)
{
	for (int i = 0; i < TRACEE_MAX_PROBES; i++) {
		const struct probe_def *p = &def->probes[i];

		if (p->kind == PROBE_NONE)
			break;
		if (works(p, ctx))
			return i;
	}
	return -1;
}

void probes_plan(struct probe_plan *plan, const bool *selected, probe_works_fn works, void *ctx)
{
	const struct event_def *d;

	memset(plan, 0, sizeof(*plan));
	for (size_t i = 0; (d = events_at(i)); i++) {
		int best;

		if (d->id < 0 || d->id >= TRACEE_MAX_EVENTS || !selected[d->id] ||
		    d->probes[0].kind == PROBE_NONE)
			continue;
		best = probes_first_working(d, works, ctx);
		if (best < 0) {
			plan->unserved[d->id] = true;
			continue;
		}
		plan->chosen[d->id] = &d->probes[best];
		if (d->id >= TRACEE_EVENT_BASE && d->id < TRACEE_EVENT_BASE + TRACEE_PROBED_EVENTS)
			plan->event_probe[d->id - TRACEE_EVENT_BASE] = d->probes[best].kind;
	}
}

/* Is item one of the comma-separated entries of list (which may be NULL)? */
bool probes_list_has(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *s = list; s && *s; ) {
		size_t len = strcspn(s, ",");

		if (len == n && strncmp(s, item, n) == 0)
			return true;
		s += len + (s[len] == ',');
	}
	return false;
}

bool probe_has_prog(const struct probe_def *p, const char *prog)
{
	return probes_list_has(p->progs, prog);
}

const char *probes_chosen_for(const struct probe_plan *plan, const char *prog)
{
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++)
		if (d->id >= 0 && d->id < TRACEE_MAX_EVENTS && plan->chosen[d->id] &&
		    probe_has_prog(plan->chosen[d->id], prog))
			return d->name;
	return NULL;
}

bool probes_prog_wanted(const struct probe_plan *plan, const char *prog)
{
	const struct event_def *d;
	bool named = false;

	for (size_t i = 0; (d = events_at(i)); i++) {
		for (int k = 0; k < TRACEE_MAX_PROBES && d->probes[k].kind != PROBE_NONE; k++) {
			if (!probe_has_prog(&d->probes[k], prog))
				continue;
			named = true;
			if (d->id >= 0 && d->id < TRACEE_MAX_EVENTS && plan->chosen[d->id] == &d->probes[k])
				return true;
		}
	}
	return !named;
}

int probe_describe(const struct probe_def *p, char *buf, size_t len)
{
	const char *kind = p->kind < PROBE_KIND_MAX ? kind_names[p->kind] : "unknown";

	return snprintf(buf, len, "%s:%s%s", kind, p->target ? p->target : "",
			p->fallback ? " (fallback)" : "");
}

/* --- asking the kernel ---------------------------------------------------- */

#define PROBE_CACHE_MAX 64

struct probe_result {
	unsigned char kind;
	char target[64];
	bool works;
};

struct probe_kernel {
	struct bpf_object *obj;
	bool debug;
	struct btf *vmlinux;
	bool btf_tried;
	int lsm_bpf;            /* -1: not read yet */
	int kprobe_pmu;         /* perf type of the kprobe PMU; -1: none; -2: not read yet */
	bool off[PROBE_KIND_MAX];       /* TRACEE_PROBES_OFF: kinds treated as refused */
	const char *off_list;           /* ... and KIND:TARGET probes */
	const char *refused_progs;      /* programs the verifier refused in an earlier load */
	struct probe_result cache[PROBE_CACHE_MAX];
	int ncache;
	struct probe_trace_fd trace_fds[PROBE_TRACE_FDS];      /* opened by the checks */
	int ntrace_fds;
};

/* r0 = 0; exit: accepted by every program type used here. */
static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

struct probe_kernel *probe_kernel_new(struct bpf_object *obj, bool debug)
{
	struct probe_kernel *pk = calloc(1, sizeof(*pk));

	if (!pk)
		return NULL;
	pk->obj = obj;
	pk->debug = debug;
	pk->lsm_bpf = -1;
	pk->kprobe_pmu = -2;
	pk->off_list = getenv("TRACEE_PROBES_OFF");
	probes_kinds_off(pk->off_list, pk->off);
	return pk;
}

bool probes_target_off(const char *list, unsigned char kind, const char *target)
{
	char item[128];

	return kind < PROBE_KIND_MAX &&
	       snprintf(item, sizeof(item), "%s:%s", kind_names[kind], target) < (int)sizeof(item) &&
	       probes_list_has(list, item);
}

void probes_kinds_off(const char *list, bool off[PROBE_KIND_MAX])
{
	memset(off, 0, PROBE_KIND_MAX * sizeof(off[0]));
	for (const char *s = list; s && *s; ) {
		size_t len = strcspn(s, ",");

		for (int k = PROBE_NONE + 1; k < PROBE_KIND_MAX; k++)
			if (strlen(kind_names[k]) == len && strncmp(s, kind_names[k], len) == 0)
				off[k] = true;
		s += len + (s[len] == ',');
	}
}

void probe_kernel_free(struct probe_kernel *pk)
{
	if (!pk)
		return;
	for (int i = 0; i < pk->ntrace_fds; i++)
		close(pk->trace_fds[i].fd);
	btf__free(pk->vmlinux);
	free(pk);
}

int probes_take_trace_fd(struct probe_plan *plan, const char *target)
{
	for (int i = 0; i < plan->ntrace_fds; i++) {
		struct probe_trace_fd *t = &plan->trace_fds[i];

		if (t->fd >= 0 && strcmp(t->target, target) == 0) {
			int fd = t->fd;

			t->fd = -1;
			return fd;
		}
	}
	return -1;
}

void probes_plan_release(struct probe_plan *plan)
{
	for (int i = 0; i < plan->ntrace_fds; i++)
		if (plan->trace_fds[i].fd >= 0)
			close(plan->trace_fds[i].fd);
	plan->ntrace_fds = 0;
}

static int read_small_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	return 0;
}

/* An LSM program that loads is not enough: unless "bpf" is among the active
 * LSMs (lsm= on the kernel command line), its hooks are never called. The
 * list is in securityfs, mounted here if nobody has (only on kernels where
 * LSM programs load at all). */
static bool lsm_bpf_active(struct probe_kernel *pk)
{
	static const char path[] = "/sys/kernel/security/lsm";
	char list[512], *save = NULL;

	if (pk->lsm_bpf >= 0)
		return pk->lsm_bpf;
	if (read_small_file(path, list, sizeof(list)) &&
	    (mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL) ||
	     read_small_file(path, list, sizeof(list)))) {
		pk->lsm_bpf = 0;
		if (pk->debug)
			fprintf(stderr, "tracee: cannot read %s: lsm probes not used\n", path);
		return false;
	}
	pk->lsm_bpf = 0;
	for (char *tok = strtok_r(list, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save))
		if (strcmp(tok, "bpf") == 0)
			pk->lsm_bpf = 1;
	return pk->lsm_bpf;
}

static int vmlinux_func_id(struct probe_kernel *pk, const char *prefix, const char *name)
{
	char fn[128];

	if (!pk->btf_tried) {
		pk->btf_tried = true;
		pk->vmlinux = btf__load_vmlinux_btf();
		if (!pk->vmlinux)
			pk->vmlinux = NULL;
	}
	if (!pk->vmlinux || snprintf(fn, sizeof(fn), "%s%s", prefix, name) >= (int)sizeof(fn))
		return -ENOENT;
	return btf__find_by_name_kind(pk->vmlinux, fn, BTF_KIND_FUNC);
}

static bool fd_close_ok(int fd)
{
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool btf_prog_loads(struct probe_kernel *pk, enum bpf_prog_type type,
			   enum bpf_attach_type attach, const char *prefix, const char *target)
{
	int id = vmlinux_func_id(pk, prefix, target);
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach);

	if (id < 0)
		return false;
	opts.attach_btf_id = (unsigned)id;
	return fd_close_ok(bpf_prog_load(type, NULL, "GPL", ret0, 2, &opts));
}

static int kprobe_pmu_type(struct probe_kernel *pk)
{
	char text[32];

	if (pk->kprobe_pmu == -2) {
		pk->kprobe_pmu = -1;
		if (!read_small_file("/sys/bus/event_source/devices/kprobe/type", text, sizeof(text)))
			pk->kprobe_pmu = atoi(text);
	}
	return pk->kprobe_pmu;
}

/* A kprobe program loads wherever BPF does; whether the function can be
 * probed is known only by registering a kprobe on it. */
static bool kprobe_works(struct probe_kernel *pk, const char *target)
{
	struct perf_event_attr attr = { .size = sizeof(attr) };
	int type = kprobe_pmu_type(pk), fd;

	if (type < 0 || !fd_close_ok(bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", ret0, 2, NULL)))
		return false;
	attr.type = (unsigned)type;
	attr.config1 = (unsigned long)target;
	fd = (int)syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	return fd_close_ok(fd);
}

static bool raw_tracepoint_works(const char *target)
{
	int prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL, "GPL", ret0, 2, NULL);
	int link;

	if (prog < 0)
		return false;
	link = bpf_raw_tracepoint_open(target, prog);
	close(prog);
	return fd_close_ok(link);
}

/* A trace event (CATEGORY/NAME, as under tracefs events/) takes a program
 * through a perf event opened on its id. */
static int trace_event_open(const char *target)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	struct perf_event_attr attr = { .size = sizeof(attr), .type = PERF_TYPE_TRACEPOINT };
	char path[256], text[32] = "";
	int fd;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]) && !text[0]; i++)
		if (snprintf(path, sizeof(path), "%s/events/%s/id", roots[i], target) >= (int)sizeof(path) ||
		    read_small_file(path, text, sizeof(text)))
			text[0] = '\0';
	if (!text[0])
		return -ENOENT;
	attr.config = strtoull(text, NULL, 10);
	fd = (int)syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The perf event opened is kept for the attach (probes_take_trace_fd):
 * closing one has the kernel unregister the trace event and wait for every
 * CPU to leave it, about 50 ms here, each. */
static bool trace_event_works(struct probe_kernel *pk, const char *target)
{
	int prog = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, NULL, "GPL", ret0, 2, NULL);
	int fd = prog < 0 ? -1 : trace_event_open(target);

	if (prog >= 0)
		close(prog);
	if (fd < 0)
		return false;
	if (pk->ntrace_fds == PROBE_TRACE_FDS || strlen(target) >= sizeof(pk->trace_fds[0].target)) {
		close(fd);
		return true;
	}
	strcpy(pk->trace_fds[pk->ntrace_fds].target, target);
	pk->trace_fds[pk->ntrace_fds++].fd = fd;
	return true;
}

static bool kernel_check(struct probe_kernel *pk, unsigned char kind, const char *target)
{
	switch (kind) {
	case PROBE_LSM:
		return btf_prog_loads(pk, BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_", target) &&
		       lsm_bpf_active(pk);
	case PROBE_FENTRY:
		return btf_prog_loads(pk, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "", target);
	case PROBE_KPROBE:
		return kprobe_works(pk, target);
	case PROBE_TRACEPOINT:
		return strchr(target, '/') ? trace_event_works(pk, target) : raw_tracepoint_works(target);
	default:
		return false;
	}
}

static bool cached_check(struct probe_kernel *pk, unsigned char kind, const char *target)
{
	struct probe_result *r;
	bool works;

	if (kind >= PROBE_KIND_MAX)
		return false;

	for (int i = 0; i < pk->ncache; i++)
		if (pk->cache[i].kind == kind && strcmp(pk->cache[i].target, target) == 0)
			return pk->cache[i].works;
	works = !pk->off[kind] && !probes_target_off(pk->off_list, kind, target) &&
		kernel_check(pk, kind, target);
	if (pk->debug)
		fprintf(stderr, "tracee: probe %s:%s %s on this kernel\n",
			kind < PROBE_KIND_MAX ? kind_names[kind] : "unknown", target,
			works ? "loads" : "does not load");
	if (pk->ncache < PROBE_CACHE_MAX && strlen(target) < sizeof(r->target)) {
		r = &pk->cache[pk->ncache++];
		r->kind = kind;
		strcpy(r->target, target);
		r->works = works;
	}
	return works;
}

/* What a program attaches to, from its section name: "fexit/vfs_writev" is
 * a trampoline on vfs_writev, "tp/capability/cap_capable" a tracepoint. */
static bool section_hook(const char *sec, unsigned char *kind, const char **target)
{
	static const struct { const char *prefix; unsigned char kind; } hooks[] = {
		{ "lsm/", PROBE_LSM }, { "fentry/", PROBE_FENTRY }, { "fexit/", PROBE_FENTRY },
		{ "kprobe/", PROBE_KPROBE }, { "kretprobe/", PROBE_KPROBE },
		{ "raw_tracepoint/", PROBE_TRACEPOINT }, { "raw_tp/", PROBE_TRACEPOINT },
		{ "tp_btf/", PROBE_TRACEPOINT }, { "tracepoint/", PROBE_TRACEPOINT },
		{ "tp/", PROBE_TRACEPOINT },
	};

	for (size_t i = 0; sec && i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		size_t n = strlen(hooks[i].prefix);

		if (strncmp(sec, hooks[i].prefix, n) != 0)
			continue;
		*kind = hooks[i].kind;
		*target = sec + n;      /* tracepoint/CATEGORY/NAME keeps CATEGORY/NAME */
		return **target != '\0';
	}
	return false;
}

/* Every program of the probe is in the object and its own hook loads here:
 * a probe made of several programs (entry and return, mmap and mprotect)
 * works only when all of them do. */
static bool progs_work(struct probe_kernel *pk, const struct probe_def *p)
{
	char name[128];

	if (!p->progs || !*p->progs)
		return false;
	for (const char *s = p->progs; *s; ) {
		size_t len = strcspn(s, ",");
		const struct bpf_program *prog;
		const char *target;
		unsigned char kind;

		if (len == 0 || len >= sizeof(name))
			return false;
		memcpy(name, s, len);
		name[len] = '\0';
		prog = bpf_object__find_program_by_name(pk->obj, name);
		if (!prog || !section_hook(bpf_program__section_name(prog), &kind, &target) ||
		    !cached_check(pk, kind, target))
			return false;
		s += len + (s[len] == ',');
	}
	return true;
}

/* Does p need a program the verifier refused? */
static bool probe_refused(const struct probe_kernel *pk, const struct probe_def *p)
{
	for (const char *s = pk->refused_progs; s && *s; ) {
		size_t len = strcspn(s, ",");
		char name[128];

		if (len < sizeof(name)) {
			memcpy(name, s, len);
			name[len] = '\0';
			if (probe_has_prog(p, name))
				return true;
		}
		s += len + (s[len] == ',');
	}
	return false;
}

bool probe_kernel_works(const struct probe_def *p, void *ctx)
{
	struct probe_kernel *pk = ctx;

	if (!p->target || probe_refused(pk, p))
		return false;
	if (!pk->obj)
		return cached_check(pk, p->kind, p->target);
	return progs_work(pk, p);
}

/* --- the loader's entry point --------------------------------------------- */

static void report(const struct probe_plan *plan, const bool *selected, bool debug)
{
	const struct event_def *d;
	char what[96];

	for (size_t i = 0; (d = events_at(i)); i++) {
		if (d->id < 0 || d->id >= TRACEE_MAX_EVENTS || !selected[d->id])
			continue;
		if (plan->unserved[d->id]) {
			fprintf(stderr, "tracee: event %s has no probe that loads on this kernel; "
				"not traced\n", d->name);
		} else if (debug && plan->chosen[d->id]) {
			probe_describe(plan->chosen[d->id], what, sizeof(what));
			fprintf(stderr, "tracee: event %s served by %s\n", d->name, what);
		}
	}
}

int probes_apply(struct bpf_object *obj, const bool *selected, const char *refused_progs, bool debug,
		 struct probe_plan *plan)
{
	struct probe_kernel *pk = probe_kernel_new(obj, debug);
	struct bpf_program *prog;
	int err;

	if (!pk)
		return -ENOMEM;
	pk->refused_progs = refused_progs;
	probes_plan(plan, selected, probe_kernel_works, pk);
	memcpy(plan->trace_fds, pk->trace_fds, sizeof(plan->trace_fds));
	plan->ntrace_fds = pk->ntrace_fds;
	pk->ntrace_fds = 0;
	probe_kernel_free(pk);
	bpf_object__for_each_program(prog, obj) {
		/* the syscall pair runs every syscall hook: the loader decides
		 * (lib/syscall_hooks.c) */
		if (probes_prog_wanted(plan, bpf_program__name(prog)) ||
		    !strcmp(bpf_program__name(prog), "tracee_sys_enter") ||
		    !strcmp(bpf_program__name(prog), "tracee_sys_exit"))
			continue;
		if ((err = bpf_program__set_autoload(prog, false)))
			return err;
	}
	report(plan, selected, debug);
	return 0;
}
