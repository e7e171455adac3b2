/* loader.c - the libbpf side of tracee: open -> configure -> load ->
 * select events -> attach, with one cleanup path (loader_close). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cap_noaudit.h"
#include "capture.h"
#include "events.h"
#include "loader.h"
#include "probes.h"
#include "syscall_hooks.h"

static bool libbpf_debug;

/* The program the kernel refused in the last load, as libbpf names it in
 * its warning ("prog '%s': failed to load: %d"). */
static char refused_prog[128];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static const char failed[] = "prog '%s': failed to load";

	if (level == LIBBPF_WARN && strstr(fmt, failed)) {
		va_list aq;

		va_copy(aq, ap);
		snprintf(refused_prog, sizeof(refused_prog), "%s", va_arg(aq, const char *));
		va_end(aq);
	}
	if (!libbpf_debug)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void loader_err(const char *what, int err)
{
	fprintf(stderr, "tracee: %s: %s%s\n", what, strerror(-err),
		libbpf_debug ? "" : " (run with --debug for libbpf's log)");
}

static struct bpf_map *map_by_suffix(struct bpf_object *obj, const char *suffix)
{
	size_t n = strlen(suffix);
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t len = strlen(name);

		if (len >= n && strcmp(name + len - n, suffix) == 0)
			return map;
	}
	return NULL;
}

/* Set a `const volatile` global before load, found by name in the .rodata
 * datasec of the object's BTF (we have no skeleton: the object is built at
 * run time). libbpf 1.1 hands the mmaped initial image out as const; it is
 * the skeleton's writable view all the same. */
static int rodata_set(struct bpf_object *obj, const char *name, const void *val, size_t size)
{
	struct bpf_map *map = map_by_suffix(obj, ".rodata");
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	size_t data_size;
	char *data;
	int id;

	if (!map || !btf || !(data = (char *)bpf_map__initial_value(map, &data_size)))
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name) != 0)
			continue;
		if (vs->size != size || vs->offset + size > data_size)
			return -EINVAL;
		memcpy(data + vs->offset, val, size);
		return 0;
	}
	return -ENOENT;
}

/* CLOCK_BOOTTIME - CLOCK_MONOTONIC: what an object built without the boot
 * clock adds to the monotonic one (bpf-src/compat.bpf.h). */
static uint64_t clock_offset_ns(void)
{
	struct timespec mono, boot;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	return (uint64_t)(boot.tv_sec - mono.tv_sec) * 1000000000ull + (uint64_t)boot.tv_nsec -
	       (uint64_t)mono.tv_nsec;
}

/* The kernel's number for the host's pid namespace (PROC_PID_INIT_INO). */
#define HOST_PIDNS_INO 0xEFFFFFFCu

/* tracee's pid namespace inode when it is not the host's (a container run
 * without --pid=host), else 0: the kernel side then numbers the pids it
 * compares (tracee's, the command's, process:PID's) as tracee sees them. */
static uint32_t private_pidns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) || st.st_ino == HOST_PIDNS_INO)
		return 0;
	return (uint32_t)st.st_ino;
}

static int configure(struct bpf_object *obj, const struct tracee_config *cfg, uint64_t start_time_ns)
{
	uint32_t tgid = (uint32_t)getpid(), mode = cfg->trace_mode, pidns = private_pidns();
	uint64_t clock_offset = clock_offset_ns();
	uint64_t wakeup = (uint64_t)cfg->rb_pages * 4096 / 16;
	struct bpf_map *rb = bpf_object__find_map_by_name(obj, "events");
	int err;

	if ((err = rodata_set(obj, "tracee_tgid", &tgid, sizeof(tgid))) ||
	    (err = rodata_set(obj, "tracee_pidns", &pidns, sizeof(pidns))) ||
	    (err = rodata_set(obj, "trace_mode", &mode, sizeof(mode))) ||
	    (err = rodata_set(obj, "start_time_ns", &start_time_ns, sizeof(start_time_ns))) ||
	    (err = rodata_set(obj, "wakeup_bytes", &wakeup, sizeof(wakeup))) ||
	    (err = rodata_set(obj, "clock_offset_ns", &clock_offset, sizeof(clock_offset))) ||
	    (err = rodata_set(obj, "capture_kinds", &cfg->capture, sizeof(cfg->capture))) ||
	    (err = rodata_set(obj, "filter_cfg", &cfg->filter.kernel, sizeof(cfg->filter.kernel))))
		return err;
	if (!rb)
		return -ENOENT;
	/* perf buffers are sized when user space opens them (perfbuf.c) */
	if (bpf_map__type(rb) != BPF_MAP_TYPE_RINGBUF)
		return 0;
	return bpf_map__set_max_entries(rb, cfg->rb_pages * 4096);
}

/* The environment is private and large: read only its address unless
 * --show-exec-env asks for it. */
static unsigned char arg_kind_to_read(const struct arg_def *a, bool show_env)
{
	if (a->kind == ARG_STR_ARRAY && strcmp(a->name, "envp") == 0 && !show_env)
		return ARG_PTR;
	return a->kind;
}

/* The kernel side reads each selected event's arguments as the table says. */
static int select_events(int fd, const struct tracee_config *cfg)
{
	for (uint32_t id = 0; id < TRACEE_MAX_EVENTS; id++) {
		const struct event_def *d = events_by_id((int)id);
		struct event_config ec = { 0 };

		if (!cfg->selected[id] || !d)
			continue;
		ec.enabled = 1;
		ec.argnum = d->argnum;
		ec.at_entry = d->at_entry;
		for (int i = 0; i < d->argnum && i < TRACEE_MAX_ARGS; i++)
			ec.kinds[i] = arg_kind_to_read(&d->args[i], cfg->show_exec_env);
		if (bpf_map_update_elem(fd, &id, &ec, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The cap_capable tracepoint cannot see CAP_OPT_NOAUDIT: its program tells
 * such checks by their callers, whose addresses it gets here (read once per
 * start, and only when that program serves the event). */
static int set_cap_noaudit(struct loader *l, const struct tracee_config *cfg)
{
	if (l->plan->event_probe[EVENT_CAP_CAPABLE - TRACEE_EVENT_BASE] != PROBE_TRACEPOINT)
		return 0;
	if (!l->cap_noaudit_ready)
		cap_noaudit_prepare(&l->cap_noaudit, cfg->debug);
	l->cap_noaudit_ready = true;
	return rodata_set(l->obj, "cap_noaudit", &l->cap_noaudit, sizeof(l->cap_noaudit));
}

/* Each selected event that has a probe list gets the first probe this kernel
 * loads; the kernel side learns the choice from the event_probe rodata. */
static int select_probes(struct loader *l, const struct tracee_config *cfg)
{
	int err;

	if (!(l->plan = calloc(1, sizeof(*l->plan))))
		return -ENOMEM;
	err = probes_apply(l->obj, cfg->selected, l->refused, cfg->debug, l->plan);
	if (!err)
		err = rodata_set(l->obj, "event_probe", l->plan->event_probe, sizeof(l->plan->event_probe));
	if (!err)
		err = set_cap_noaudit(l, cfg);
	return err;
}

/* What the syscall program pair does for each syscall, from the choices
 * made; sys_enter's program is loaded only when some syscall needs it. */
static int select_syscall_hooks(struct loader *l, const struct tracee_config *cfg)
{
	static struct syscall_hooks hooks[TRACEE_NR_SYSCALLS];
	struct bpf_program *enter = bpf_object__find_program_by_name(l->obj, "tracee_sys_enter");
	int err;

	syscall_hooks_build(hooks, cfg, l->plan);
	if ((err = rodata_set(l->obj, "syscall_hooks", hooks, sizeof(hooks))))
		return err;
	return enter ? bpf_program__set_autoload(enter, syscall_hooks_need_enter(hooks)) : -ENOENT;
}

/* --filter values and process:PID,... tgids, in place before anything is
 * attached (no thread decides without them). */
static int fill_filters(struct loader *l, const struct tracee_config *cfg)
{
	int fd = bpf_object__find_map_fd_by_name(l->obj, "filter_values");
	uint8_t one = 1;

	for (unsigned i = 0; i < cfg->filter.nentries; i++)
		if (bpf_map_update_elem(fd, &cfg->filter.entries[i].key, &cfg->filter.entries[i].ops, BPF_ANY))
			return -errno;
	for (unsigned i = 0; i < cfg->trace_npids; i++)
		if (bpf_map_update_elem(l->traced_fd, &cfg->trace_pids[i], &one, BPF_ANY))
			return -errno;
	return 0;
}

/* A trace event program goes on the perf event its probe check opened. */
static struct bpf_link *attach_one(struct loader *l, struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);
	struct bpf_link *link;
	int fd;

	if (bpf_program__type(prog) != BPF_PROG_TYPE_TRACEPOINT || strncmp(sec, "tracepoint/", 11) ||
	    (fd = probes_take_trace_fd(l->plan, sec + 11)) < 0)
		return bpf_program__attach(prog);
	link = bpf_program__attach_perf_event(prog, fd);
	if (!link) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return link;
}

static int attach_all(struct loader *l)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, l->obj) {
		struct bpf_link *link;

		if (!bpf_program__autoload(prog))
			continue;
		if (l->nlinks == LOADER_MAX_LINKS)
			return -E2BIG;
		link = attach_one(l, prog);
		if (!link)
			return -errno;
		l->links[l->nlinks++] = link;
		if (libbpf_debug)
			fprintf(stderr, "tracee: attached %s (%s)\n", bpf_program__name(prog),
				bpf_program__section_name(prog));
	}
	return 0;
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	return bpf_object__find_map_fd_by_name(obj, name);
}

/* TRACEE_BREAK_PROGS=prog[,prog], for tests: these programs go to the kernel
 * as socket filters, whose verifier refuses the helpers they call - a real
 * refusal of a program whose probe's own check passed, as an older verifier
 * gives, so that the retry below runs on any kernel. */
static void break_progs(struct bpf_object *obj)
{
	const char *list = getenv("TRACEE_BREAK_PROGS");
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj)
		if (list && probes_list_has(list, bpf_program__name(prog)))
			bpf_program__set_type(prog, BPF_PROG_TYPE_SOCKET_FILTER);
}

/* open -> configure -> choose probes -> load, once; *at_load says the
 * kernel's load was what failed. */
static int load_once(struct loader *l, const void *obj, size_t len, const struct tracee_config *cfg,
		     uint64_t start_time_ns, bool *at_load)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "tracee");
	int err;

	l->obj = bpf_object__open_mem(obj, len, &opts);
	if (!l->obj) {
		err = -errno;
		l->obj = NULL;
		loader_err("cannot open the eBPF object", err);
		return err;
	}
	if ((err = configure(l->obj, cfg, start_time_ns))) {
		loader_err("the eBPF object lacks tracee's configuration (stale object? rebuild with --build-policy always)", err);
		return err;
	}
	if ((err = select_probes(l, cfg))) {
		loader_err("choosing the probes for the selected events failed", err);
		return err;
	}
	if ((err = select_syscall_hooks(l, cfg))) {
		loader_err("choosing the syscall hooks failed", err);
		return err;
	}
	if ((err = capture_prepare(l->obj, cfg))) {
		loader_err("choosing the --capture programs failed", err);
		return err;
	}
	break_progs(l->obj);
	refused_prog[0] = '\0';
	*at_load = true;
	return bpf_object__load(l->obj);
}

/* After a failed load: is the refused program one a chosen probe needs?
 * Then it joins l->refused, and the load is tried again without that probe:
 * its events fall back to their next probe. */
static bool refuse_probe(struct loader *l, bool debug)
{
	size_t used = strlen(l->refused);
	const char *who;

	if (!refused_prog[0] || !(who = probes_chosen_for(l->plan, refused_prog)) ||
	    used + strlen(refused_prog) + 2 > sizeof(l->refused))
		return false;
	snprintf(l->refused + used, sizeof(l->refused) - used, "%s%s", used ? "," : "", refused_prog);
	if (debug)
		fprintf(stderr, "tracee: the kernel refused program %s of the probe serving %s: "
			"trying the next probe\n", refused_prog, who);
	return true;
}

static void unload(struct loader *l)
{
	if (l->plan)
		probes_plan_release(l->plan);
	free(l->plan);
	l->plan = NULL;
	bpf_object__close(l->obj);
	l->obj = NULL;
}

int loader_start(struct loader *l, const void *obj, size_t len, const struct tracee_config *cfg,
		 uint64_t start_time_ns)
{
	bool at_load = false;
	int err;

	memset(l, 0, sizeof(*l));
	libbpf_debug = cfg->debug;
	libbpf_set_print(libbpf_print);
	while ((err = load_once(l, obj, len, cfg, start_time_ns, &at_load))) {
		if (!at_load)
			return err;
		if (!refuse_probe(l, cfg->debug)) {
			loader_err("loading the eBPF object into the kernel failed", err);
			return err;
		}
		unload(l);
		at_load = false;
	}
	l->events_fd = map_fd(l->obj, "events");
	l->stats_fd = map_fd(l->obj, "stats");
	l->traced_fd = map_fd(l->obj, "traced_tgids");
	l->task_fd = map_fd(l->obj, "task_info");
	if ((err = select_events(map_fd(l->obj, "event_config"), cfg))) {
		loader_err("selecting events failed", err);
		return err;
	}
	if ((err = fill_filters(l, cfg))) {
		loader_err("setting up --filter and --trace in the kernel failed", err);
		return err;
	}
	if ((err = capture_configure(l->obj, cfg))) {
		loader_err("configuring --capture in the kernel failed", err);
		return err;
	}
	if ((err = attach_all(l))) {
		loader_err("attaching the eBPF programs failed", err);
		return err;
	}
	return 0;
}

/* Mark the process followed, and forget any decision its threads were given
 * before (they may have made syscalls before we got here). */
int loader_follow(struct loader *l, pid_t pid)
{
	uint32_t key = (uint32_t)pid;
	uint8_t one = 1;

	if (bpf_map_update_elem(l->traced_fd, &key, &one, BPF_ANY))
		return -errno;
	bpf_map_delete_elem(l->task_fd, &key);
	return 0;
}

int loader_read_stats(struct loader *l, uint64_t out[STAT_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu > 0 ? ncpu : 1];

	if (ncpu <= 0)
		return ncpu;
	for (uint32_t k = 0; k < STAT_MAX; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(l->stats_fd, &k, vals))
			return -errno;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	return 0;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/* Detaching from a trace event has the kernel wait until no CPU can be in
 * it (about 50 ms here, each): one thread per link makes the waits overlap. */
static void destroy_links(struct bpf_link **links, size_t n)
{
	pthread_t threads[LOADER_MAX_LINKS];
	bool started[LOADER_MAX_LINKS];

	for (size_t i = 0; i < n; i++) {
		started[i] = pthread_create(&threads[i], NULL, destroy_link, links[i]) == 0;
		if (!started[i])
			bpf_link__destroy(links[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (started[i])
			pthread_join(threads[i], NULL);
}

void loader_close(struct loader *l)
{
	if (l->plan)
		probes_plan_release(l->plan);
	free(l->plan);
	l->plan = NULL;
	destroy_links(l->links, l->nlinks);
	l->nlinks = 0;
	bpf_object__close(l->obj);
	l->obj = NULL;
}
