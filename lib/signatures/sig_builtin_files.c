/* sig_builtin_files.c - the file and exec detections that do more than a
 * rule can (the rest are rules: rules_builtin.yaml):
 *   ld_preload: the environment variable that preloads is the detection's
 *     data (an argument named after it), besides a write to, or a rename
 *     onto, /etc/ld.so.preload;
 *   dropped_executable: the path as data;
 *   proc_mem_access / proc_mem_code_injection: /proc/PID/mem of a process
 *     other than the opener, PID of any number of digits.
 * Opens count when they succeeded, renames as security_inode_rename
 * reports them, execs when asked for. */
#include <limits.h>
#include <string.h>
#include "sig.h"

static bool is(const struct event *ev, const char *name)
{
	return strcmp(ev->def->name, name) == 0;
}

static bool is_exec(const struct event *ev)
{
	return is(ev, "execve") || is(ev, "execveat");
}

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

/* A write-open of, or a rename onto, .../etc/ld.so.preload. */
static bool preload_file(const struct event *ev)
{
	char path[PATH_MAX];

	if (is(ev, "security_file_open"))
		return sig_open_writes(sig_num(ev, "flags")) && sig_str(ev, "pathname", path, sizeof(path)) &&
		       sig_has_suffix(path, "/etc/ld.so.preload");
	return sig_str(ev, "new_path", path, sizeof(path)) && sig_has_suffix(path, "/etc/ld.so.preload");
}

static void ld_preload_on_event(struct sig_ctx *c, const void *data, void *state, int id,
				const struct event *ev)
{
	struct event_arg arg;
	struct arg_def def;

	if (is_exec(ev)) {
		if (sig_exec_entry(ev) && preload_env(ev, &arg, &def))
			c->emit(c, id, ev, &arg, 1);
	} else if (preload_file(ev)) {
		sig_raise(c, id, ev);
	}
}

static bool magic_is_elf(const struct event *ev)
{
	const struct event_arg *b = sig_arg(ev, "bytes");

	return b && b->kind == ARG_BYTES && b->len >= 4 && memcmp(b->data, "\177ELF", 4) == 0;
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

/* /proc/PID/mem or /proc/PID/task/TID/mem of a process other than the
 * opener (the pid as the opener's /proc shows it, or as the host does). */
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

const struct sig_impl sig_builtin_files[] = {
	{ .name = "ld_preload", .on_event = ld_preload_on_event },
	{ .name = "dropped_executable", .on_event = dropped_exe_on_event },
	{ .name = "proc_mem_access", .on_event = proc_mem_read_on_event },
	{ .name = "proc_mem_code_injection", .on_event = proc_mem_write_on_event },
};
const size_t sig_builtin_files_len = sizeof(sig_builtin_files) / sizeof(sig_builtin_files[0]);
