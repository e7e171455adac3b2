/* sig_builtin_files.c - the detections that look at one file event: a file
 * opened (security_file_open, as the kernel resolved the path), renamed
 * (the rename syscalls, new or old path made absolute), written with an ELF
 * header (magic_write), or executed (security_bprm_check for the file that
 * really ran; execve at entry for the name asked for, the caller's comm and
 * environment).
 *
 * Most are one row of path_sigs: which opens count (for writing, for
 * reading), which rename path, the patterns, the programs that are allowed,
 * the programs whose execution counts. Opens and renames count when they
 * succeeded (the failed ones changed nothing); execs when asked for. */
#include <limits.h>
#include <string.h>
#include "sig.h"

enum { OPEN_NONE, OPEN_W, OPEN_R };
enum { RENAME_NONE, RENAME_NEW, RENAME_OLD };

struct path_sig {
	unsigned char open;             /* which security_file_open count */
	unsigned char rename;           /* which path of a rename counts */
	const char *const *paths;       /* sig_glob patterns on the whole path */
	const char *const *basenames;   /* or exact last components */
	const char *const *execs;       /* executed programs, by basename */
	const char *const *allowed;     /* comms that never raise it */
};

#define LIST(...) (const char *const[]){ __VA_ARGS__, NULL }

static bool name_in(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static bool path_hit(const struct path_sig *r, const char *path)
{
	return (r->paths && sig_glob_any(r->paths, path)) ||
	       (r->basenames && name_in(r->basenames, sig_basename(path)));
}

static bool comm_allowed(const struct path_sig *r, const struct event *ev)
{
	char comm[TRACEE_COMM_LEN + 1];

	memcpy(comm, ev->hdr->comm, TRACEE_COMM_LEN);
	comm[TRACEE_COMM_LEN] = '\0';
	return name_in(r->allowed, comm);
}

static bool open_hit(const struct path_sig *r, const struct event *ev)
{
	char path[PATH_MAX];
	int64_t flags = sig_num(ev, "flags");

	if (r->open == OPEN_NONE || (r->open == OPEN_W ? !sig_open_writes(flags) : !sig_open_reads(flags)))
		return false;
	return sig_str(ev, "pathname", path, sizeof(path)) && path_hit(r, path);
}

static bool rename_hit(const struct path_sig *r, const struct event *ev)
{
	char path[PATH_MAX];

	return r->rename != RENAME_NONE && ev->hdr->retval == 0 &&
	       sig_rename_path(ev, r->rename == RENAME_NEW, path, sizeof(path)) && path_hit(r, path);
}

static bool exec_hit(const struct path_sig *r, const struct event *ev)
{
	char path[PATH_MAX];

	return r->execs && sig_exec_entry(ev) && sig_str(ev, "pathname", path, sizeof(path)) &&
	       name_in(r->execs, sig_basename(path));
}

/* Which kind of base event ev is, by its table name. */
static bool is(const struct event *ev, const char *name)
{
	return strcmp(ev->def->name, name) == 0;
}

static bool is_rename(const struct event *ev)
{
	return is(ev, "rename") || is(ev, "renameat") || is(ev, "renameat2");
}

static bool is_exec(const struct event *ev)
{
	return is(ev, "execve") || is(ev, "execveat");
}

static bool path_sig_hit(const struct path_sig *r, const struct event *ev)
{
	if (r->allowed && comm_allowed(r, ev))
		return false;
	if (is(ev, "security_file_open"))
		return open_hit(r, ev);
	if (is_rename(ev))
		return rename_hit(r, ev);
	if (is_exec(ev))
		return exec_hit(r, ev);
	return false;
}

static void path_sig_on_event(struct sig_ctx *c, const void *data, void *state, int id,
			      const struct event *ev)
{
	if (path_sig_hit(data, ev))
		sig_raise(c, id, ev);
}

/* --- rows: Tracee's paths, with its quirks fixed (an anacron path that
 * lacked its leading '/', flags matched as text) --- */

static const struct path_sig notify_on_release = {
	.open = OPEN_W, .basenames = LIST("notify_on_release"),
};
static const struct path_sig service_account_token = {
	.open = OPEN_R, .paths = LIST("*secrets/kubernetes.io/serviceaccount?*token"),
	.allowed = LIST("flanneld", "kube-proxy", "etcd", "kube-apiserver", "coredns",
			"kube-controller", "kubectl"),
};
static const struct path_sig aslr = {
	.open = OPEN_R, .paths = LIST("/proc/sys/kernel/randomize_va_space"),
};
static const struct path_sig release_agent = {
	.open = OPEN_W, .rename = RENAME_NEW, .basenames = LIST("release_agent"),
};
static const struct path_sig core_pattern = {
	.open = OPEN_W, .paths = LIST("*/proc/sys/kernel/core_pattern"),
};
static const struct path_sig default_loader = {
	.open = OPEN_W, .rename = RENAME_NEW, .paths = LIST("/lib*/ld*.so*", "/usr/lib*/ld*.so*"),
};
static const struct path_sig k8s_certs = {
	.open = OPEN_R, .rename = RENAME_OLD, .paths = LIST("/etc/kubernetes/pki/*"),
	.allowed = LIST("kube-apiserver", "kubelet", "kube-controller", "etcd"),
};
static const struct path_sig kcore = {
	.open = OPEN_R, .paths = LIST("*/proc/kcore"),
};
static const struct path_sig rcd = {
	.open = OPEN_W, .rename = RENAME_NEW,
	.paths = LIST("/etc/rc.local", "/etc/init.d/*", "/etc/rc?.d/*", "/etc/rcS.d/*",
		      "/etc/rc.d/*"),
	.execs = LIST("update-rc.d"),
};
static const struct path_sig cron = {
	.open = OPEN_W, .rename = RENAME_NEW,
	.paths = LIST("/etc/crontab", "/etc/anacrontab", "/etc/cron.deny", "/etc/cron.allow",
		      "/etc/cron.hourly/*", "/etc/cron.daily/*", "/etc/cron.weekly/*",
		      "/etc/cron.monthly/*", "/etc/cron.d/*", "/var/spool/cron/*",
		      "/var/spool/anacron/*"),
	.execs = LIST("crontab", "at", "batch"),
};
static const struct path_sig sudoers = {
	.open = OPEN_W, .rename = RENAME_NEW,
	.paths = LIST("/etc/sudoers", "/etc/sudoers.d/*", "/private/etc/sudoers",
		      "/private/etc/sudoers.d/*"),
};
static const struct path_sig sched_debug = {
	.open = OPEN_R, .paths = LIST("/proc/sched_debug", "/sys/kernel/debug/sched/debug"),
};
static const struct path_sig sysrq = {
	.open = OPEN_W, .paths = LIST("/proc/sys/kernel/sysrq", "/proc/sysrq-trigger"),
};

/* --- the ones with more than a path ---------------------------------------- */

static const struct path_sig preload_file = {
	.open = OPEN_W, .rename = RENAME_NEW, .paths = LIST("*/etc/ld.so.preload"),
};

/* The first environment entry that preloads: "LD_PRELOAD=..." or
 * "LD_LIBRARY_PATH=...", as the data argument named after the variable. */
static bool preload_env(const struct event *ev, struct event_arg *out, struct arg_def *def)
{
	static const char *const vars[] = { "LD_PRELOAD", "LD_LIBRARY_PATH" };
	const struct event_arg *env = sig_arg(ev, "envp");
	uint32_t pos = 0, len;
	const char *s;

	if (!env || env->kind != ARG_STR_ARRAY)
		return false;
	while ((s = event_arg_str_next(env, &pos, &len))) {
		for (size_t v = 0; v < 2; v++) {
			size_t n = strlen(vars[v]);

			if (len > n && memcmp(s, vars[v], n) == 0 && s[n] == '=') {
				*def = (struct arg_def){ "const char*", vars[v], ARG_STR, FMT_DEFAULT };
				*out = (struct event_arg){ .def = def, .kind = ARG_STR, .data = s, .len = len };
				return true;
			}
		}
	}
	return false;
}

static void ld_preload_on_event(struct sig_ctx *c, const void *data, void *state, int id,
				const struct event *ev)
{
	struct event_arg arg;
	struct arg_def def;

	if (is_exec(ev)) {
		if (sig_exec_entry(ev) && preload_env(ev, &arg, &def))
			c->emit(c, id, ev, &arg, 1);
	} else if (path_sig_hit(&preload_file, ev)) {
		sig_raise(c, id, ev);
	}
}

/* The file the kernel executed (security_bprm_check: the real file, so a
 * symlink or /proc/self/fd path cannot hide it) lives in memory. A memfd's
 * path reads "/memfd:NAME (deleted)" from the kernel, "memfd:NAME" in
 * Tracee's own events: both count. */
static void fileless_on_event(struct sig_ctx *c, const void *data, void *state, int id,
			      const struct event *ev)
{
	static const char *const mem[] = { "memfd:*", "/memfd:*", "/dev/shm/*", "/run/shm/*", NULL };
	char path[PATH_MAX];

	if (sig_str(ev, "pathname", path, sizeof(path)) && sig_glob_any(mem, path))
		sig_raise(c, id, ev);
}

static bool magic_is_elf(const struct event *ev)
{
	const struct event_arg *b = sig_arg(ev, "bytes");

	return b && b->kind == ARG_BYTES && b->len >= 4 && memcmp(b->data, "\177ELF", 4) == 0;
}

static void hidden_file_on_event(struct sig_ctx *c, const void *data, void *state, int id,
				 const struct event *ev)
{
	char path[PATH_MAX];

	if (magic_is_elf(ev) && sig_str(ev, "pathname", path, sizeof(path)) && strstr(path, "/."))
		sig_raise(c, id, ev);
}

static void dropped_exe_on_event(struct sig_ctx *c, const void *data, void *state, int id,
				 const struct event *ev)
{
	static const char *const mem[] = { "memfd:*", "/memfd:*", "/dev/shm/*", "/run/shm/*", NULL };
	const struct event_arg *p = sig_arg(ev, "pathname");
	char path[PATH_MAX];

	if (!magic_is_elf(ev) || !sig_str(ev, "pathname", path, sizeof(path)) || sig_glob_any(mem, path))
		return;
	c->emit(c, id, ev, &(struct event_arg){ .kind = ARG_STR, .data = p->data, .len = p->len }, 1);
}

/* A web server's process (its comm before the exec) executing a shell. */
static void illegitimate_shell_on_event(struct sig_ctx *c, const void *data, void *state, int id,
					const struct event *ev)
{
	static const char *const servers[] = { "nginx", "httpd", "httpd-foregroun", "http-nio",
					       "lighttpd", "apache", "apache2", NULL };
	static const char *const shells[] = { "ash", "bash", "csh", "ksh", "sh", "tcsh", "zsh",
					      "dash", NULL };
	char comm[TRACEE_COMM_LEN + 1], path[PATH_MAX];

	memcpy(comm, ev->hdr->comm, TRACEE_COMM_LEN);
	comm[TRACEE_COMM_LEN] = '\0';
	if (sig_exec_entry(ev) && name_in(servers, comm) &&
	    sig_str(ev, "pathname", path, sizeof(path)) && name_in(shells, sig_basename(path)))
		sig_raise(c, id, ev);
}

/* /proc/PID/mem or /proc/PID/task/TID/mem of a process other than the
 * opener (the pid as the opener's /proc shows it, or as the host does);
 * any number of digits. */
static bool other_proc_mem(const struct event *ev, int64_t *flags)
{
	char path[PATH_MAX];
	const char *p;
	unsigned long pid = 0;

	if (!sig_str(ev, "pathname", path, sizeof(path)) || !sig_has_prefix(path, "/proc/") ||
	    !sig_has_suffix(path, "/mem"))
		return false;
	p = path + 6;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9' && pid < 1u << 30)
		pid = pid * 10 + (unsigned long)(*p++ - '0');
	if (*p != '/')
		return false;
	*flags = sig_num(ev, "flags");
	return pid != ev->hdr->pid && pid != ev->hdr->host_pid;
}

static void proc_mem_read_on_event(struct sig_ctx *c, const void *data, void *state, int id,
				   const struct event *ev)
{
	int64_t flags;

	if (other_proc_mem(ev, &flags) && sig_open_reads(flags))
		sig_raise(c, id, ev);
}

static void proc_mem_write_on_event(struct sig_ctx *c, const void *data, void *state, int id,
				    const struct event *ev)
{
	int64_t flags;

	if (other_proc_mem(ev, &flags) && sig_open_writes(flags))
		sig_raise(c, id, ev);
}

#define PATH_SIG(nm, row) { .name = nm, .on_event = path_sig_on_event, .data = &(row) }

const struct sig_impl sig_builtin_files[] = {
	PATH_SIG("cgroup_notify_on_release", notify_on_release),
	PATH_SIG("k8s_service_account_token", service_account_token),
	PATH_SIG("aslr_inspection", aslr),
	PATH_SIG("cgroup_release_agent", release_agent),
	PATH_SIG("core_pattern_modification", core_pattern),
	PATH_SIG("default_loader_mod", default_loader),
	PATH_SIG("k8s_cert_theft", k8s_certs),
	PATH_SIG("proc_kcore_read", kcore),
	PATH_SIG("rcd_modification", rcd),
	PATH_SIG("scheduled_task_mod", cron),
	PATH_SIG("sudoers_modification", sudoers),
	PATH_SIG("sched_debug_recon", sched_debug),
	PATH_SIG("system_request_key_mod", sysrq),
	{ .name = "ld_preload", .on_event = ld_preload_on_event },
	{ .name = "fileless_execution", .on_event = fileless_on_event },
	{ .name = "hidden_file_created", .on_event = hidden_file_on_event },
	{ .name = "dropped_executable", .on_event = dropped_exe_on_event },
	{ .name = "illegitimate_shell", .on_event = illegitimate_shell_on_event },
	{ .name = "proc_mem_access", .on_event = proc_mem_read_on_event },
	{ .name = "proc_mem_code_injection", .on_event = proc_mem_write_on_event },
};
const size_t sig_builtin_files_len = sizeof(sig_builtin_files) / sizeof(sig_builtin_files[0]);
