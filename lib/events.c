/* events.c - lookups over the event table: the generated syscall rows
 * (syscalls.c), after them the events that are not syscalls, then the
 * detections (built in, and those --rules added). */
#include <errno.h>
#include <string.h>
#include "events.h"

/* Non-syscall events: ids from TRACEE_EVENT_BASE. */
static const struct event_def other_defs[] = {
	/* --- raw syscall and process life-cycle events (sched.bpf.h) --- */
	/* Served by the programs that are always loaded (syscalls.bpf.h,
	 * sched.bpf.h), except sys_enter's; names, argument names and sets as
	 * later Tracee. */
	{ .id = EVENT_SYS_ENTER, .name = "sys_enter", .sets = "", .argnum = 1,
	  .args = { { "int", "syscall", ARG_INT, FMT_SYSCALL } },
	  /* named so that the program, which runs at every syscall, is
	   * loaded only when something needs it */
	  .probes = { { PROBE_TRACEPOINT, false, "sys_enter", "tracee_sys_enter" } } },
	{ .id = EVENT_SYS_EXIT, .name = "sys_exit", .sets = "", .argnum = 1,
	  .args = { { "int", "syscall", ARG_INT, FMT_SYSCALL } } },
	{ .id = EVENT_SCHED_PROCESS_FORK, .name = "sched_process_fork",
	  .sets = "default,proc,proc_life", .argnum = 8,
	  .args = {
		{ "int", "parent_tid", ARG_INT, FMT_DEFAULT },
		{ "int", "parent_ns_tid", ARG_INT, FMT_DEFAULT },
		{ "int", "parent_pid", ARG_INT, FMT_DEFAULT },
		{ "int", "parent_ns_pid", ARG_INT, FMT_DEFAULT },
		{ "int", "child_tid", ARG_INT, FMT_DEFAULT },
		{ "int", "child_ns_tid", ARG_INT, FMT_DEFAULT },
		{ "int", "child_pid", ARG_INT, FMT_DEFAULT },
		{ "int", "child_ns_pid", ARG_INT, FMT_DEFAULT } } },
	{ .id = EVENT_SCHED_PROCESS_EXEC, .name = "sched_process_exec",
	  .sets = "default,proc,proc_life", .argnum = 3,
	  .args = {
		{ "const char*", "pathname", ARG_STR, FMT_DEFAULT },
		{ "const char*", "interpreter", ARG_STR, FMT_DEFAULT },
		{ "const char**", "argv", ARG_STR_ARRAY, FMT_DEFAULT } } },
	{ .id = EVENT_SCHED_PROCESS_EXIT, .name = "sched_process_exit",
	  .sets = "default,proc,proc_life", .argnum = 2,
	  .args = {
		{ "long", "exit_code", ARG_LONG, FMT_DEFAULT },
		{ "bool", "process_group_exit", ARG_INT, FMT_DEFAULT } } },

	/* --- security events (security.bpf.h) --- */
	/* Probes best first: LSM hook, fentry/fexit, kprobe/kretprobe, then a
	 * fallback that reads the same kernel structures at the syscall (or
	 * exec) tracepoint; lib/probes.c keeps the first this kernel loads. */
#define SEC_LSM(hook, progs)    { PROBE_LSM, false, hook, progs }
#define SEC_FENTRY(fn, progs)   { PROBE_FENTRY, false, fn, progs }
#define SEC_KPROBE(fn, progs)   { PROBE_KPROBE, false, fn, progs }
#define SEC_FALLBACK(tp, progs) { PROBE_TRACEPOINT, true, tp, progs }
/* The syscall fallbacks are hooks of the one sys_enter / sys_exit pair
 * (lib/syscall_hooks.c lists the syscalls of each); named here so that the
 * probe check asks whether those tracepoints load. */
#define SEC_AT_EXIT             SEC_FALLBACK("sys_exit", "tracee_sys_exit")
#define SEC_AT_ENTRY            SEC_FALLBACK("sys_enter", "tracee_sys_enter")
#define SEC_AT_BOTH             SEC_FALLBACK("sys_exit", "tracee_sys_enter,tracee_sys_exit")
	/* cap_capable: its tracepoint (capability:cap_capable) where the
	 * kernel has one, else fentry/kprobe (security.bpf.h). The tracepoint
	 * program is the one named here, in any tracepoint section; it is
	 * loaded only when chosen. */
	{ .id = EVENT_CAP_CAPABLE, .name = "cap_capable", .sets = "default", .argnum = 2,
	  .args = {
		{ "int", "cap", ARG_INT, FMT_CAPABILITY },
		{ "int", "syscall", ARG_INT, FMT_SYSCALL } },
	  .probes = {
		{ PROBE_TRACEPOINT, false, "cap_capable", "tracee_cap_capable" },
		SEC_FENTRY("cap_capable", "tracee_fentry_cap_capable"),
		SEC_KPROBE("cap_capable", "tracee_kprobe_cap_capable") } },
	{ .id = EVENT_SECURITY_BPRM_CHECK, .name = "security_bprm_check", .sets = "default",
	  .argnum = 3,
	  .args = {
		{ "const char*", "pathname", ARG_STR, FMT_DEFAULT },
		{ "dev_t", "dev", ARG_UINT, FMT_DEFAULT },
		{ "unsigned long", "inode", ARG_ULONG, FMT_DEFAULT } },
	  .probes = {
		SEC_LSM("bprm_check_security", "tracee_lsm_bprm_check"),
		SEC_FENTRY("security_bprm_check", "tracee_fentry_bprm_check"),
		SEC_KPROBE("security_bprm_check", "tracee_kprobe_bprm_check"),
		SEC_FALLBACK("sched_process_exec", "tracee_sec_sched_process_exec") } },
	{ .id = EVENT_SECURITY_FILE_OPEN, .name = "security_file_open", .sets = "default",
	  .argnum = 4,
	  .args = {
		{ "const char*", "pathname", ARG_STR, FMT_DEFAULT },
		{ "int", "flags", ARG_INT, FMT_OPEN_FLAGS },
		{ "dev_t", "dev", ARG_UINT, FMT_DEFAULT },
		{ "unsigned long", "inode", ARG_ULONG, FMT_DEFAULT } },
	  .probes = {
		SEC_LSM("file_open", "tracee_lsm_file_open"),
		SEC_FENTRY("security_file_open", "tracee_fentry_file_open"),
		SEC_KPROBE("security_file_open", "tracee_kprobe_file_open"),
		SEC_AT_EXIT } },
	{ .id = EVENT_SECURITY_INODE_UNLINK, .name = "security_inode_unlink", .sets = "default",
	  .argnum = 1,
	  .args = {
		{ "const char*", "pathname", ARG_STR, FMT_DEFAULT } },
	  .probes = {
		SEC_LSM("inode_unlink", "tracee_lsm_inode_unlink"),
		SEC_FENTRY("security_inode_unlink", "tracee_fentry_inode_unlink"),
		SEC_KPROBE("security_inode_unlink", "tracee_kprobe_inode_unlink"),
		SEC_AT_EXIT } },
	{ .id = EVENT_VFS_WRITE, .name = "vfs_write", .sets = "default", .argnum = 5,
	  .args = {
		{ "const char*", "pathname", ARG_STR, FMT_DEFAULT },
		{ "dev_t", "dev", ARG_UINT, FMT_DEFAULT },
		{ "unsigned long", "inode", ARG_ULONG, FMT_DEFAULT },
		{ "size_t", "count", ARG_ULONG, FMT_DEFAULT },
		{ "off_t", "pos", ARG_LONG, FMT_DEFAULT } },
	  .probes = {
		SEC_FENTRY("vfs_write", "tracee_fexit_vfs_write"),
		SEC_KPROBE("vfs_write", "tracee_kprobe_vfs_write,tracee_kretprobe_vfs_write"),
		SEC_AT_EXIT } },
	{ .id = EVENT_VFS_WRITEV, .name = "vfs_writev", .sets = "default", .argnum = 5,
	  .args = {
		{ "const char*", "pathname", ARG_STR, FMT_DEFAULT },
		{ "dev_t", "dev", ARG_UINT, FMT_DEFAULT },
		{ "unsigned long", "inode", ARG_ULONG, FMT_DEFAULT },
		{ "unsigned long", "vlen", ARG_ULONG, FMT_DEFAULT },
		{ "off_t", "pos", ARG_LONG, FMT_DEFAULT } },
	  .probes = {
		SEC_FENTRY("vfs_writev", "tracee_fexit_vfs_writev"),
		SEC_KPROBE("vfs_writev", "tracee_kprobe_vfs_writev,tracee_kretprobe_vfs_writev"),
		SEC_AT_EXIT } },
	/* selected by --security-alerts too */
	{ .id = EVENT_MEM_PROT_ALERT, .name = "mem_prot_alert", .sets = "", .argnum = 1,
	  .args = {
		{ "alert_t", "alert", ARG_STR, FMT_DEFAULT } },
	  .probes = {
		SEC_LSM("mmap_file", "tracee_lsm_mmap_file,tracee_lsm_file_mprotect"),
		SEC_FENTRY("security_file_mprotect",
			   "tracee_fentry_mmap_file,tracee_fentry_file_mprotect"),
		SEC_KPROBE("security_file_mprotect",
			   "tracee_kprobe_mmap_file,tracee_kprobe_file_mprotect"),
		SEC_AT_ENTRY } },
	{ .id = EVENT_COMMIT_CREDS, .name = "commit_creds", .sets = "", .argnum = 8,
	  .args = {
		{ "uid_t", "old_uid", ARG_UINT, FMT_DEFAULT },
		{ "uid_t", "new_uid", ARG_UINT, FMT_DEFAULT },
		{ "gid_t", "old_gid", ARG_UINT, FMT_DEFAULT },
		{ "gid_t", "new_gid", ARG_UINT, FMT_DEFAULT },
		{ "uid_t", "old_euid", ARG_UINT, FMT_DEFAULT },
		{ "uid_t", "new_euid", ARG_UINT, FMT_DEFAULT },
		{ "gid_t", "old_egid", ARG_UINT, FMT_DEFAULT },
		{ "gid_t", "new_egid", ARG_UINT, FMT_DEFAULT } },
	  .probes = {
		SEC_FENTRY("commit_creds", "tracee_fentry_commit_creds"),
		SEC_KPROBE("commit_creds", "tracee_kprobe_commit_creds"),
		SEC_AT_BOTH } },
	{ .id = EVENT_SWITCH_TASK_NS, .name = "switch_task_ns", .sets = "", .argnum = 7,
	  .args = {
		{ "pid_t", "pid", ARG_INT, FMT_DEFAULT },
		{ "u32", "new_mnt", ARG_UINT, FMT_DEFAULT },
		{ "u32", "new_pid", ARG_UINT, FMT_DEFAULT },
		{ "u32", "new_uts", ARG_UINT, FMT_DEFAULT },
		{ "u32", "new_ipc", ARG_UINT, FMT_DEFAULT },
		{ "u32", "new_net", ARG_UINT, FMT_DEFAULT },
		{ "u32", "new_cgroup", ARG_UINT, FMT_DEFAULT } },
	  .probes = {
		SEC_FENTRY("switch_task_namespaces", "tracee_fentry_switch_task_ns"),
		SEC_KPROBE("switch_task_namespaces", "tracee_kprobe_switch_task_ns"),
		SEC_AT_BOTH } },
	{ .id = EVENT_MAGIC_WRITE, .name = "magic_write", .sets = "", .argnum = 4,
	  .args = {
		{ "const char*", "pathname", ARG_STR, FMT_DEFAULT },
		{ "bytes", "bytes", ARG_BYTES, FMT_DEFAULT },
		{ "dev_t", "dev", ARG_UINT, FMT_DEFAULT },
		{ "unsigned long", "inode", ARG_ULONG, FMT_DEFAULT } },
	  .probes = {
		SEC_FENTRY("vfs_write", "tracee_fexit_vfs_write,tracee_fexit_vfs_writev"),
		SEC_KPROBE("vfs_write", "tracee_kprobe_vfs_write,tracee_kretprobe_vfs_write,"
			   "tracee_kprobe_vfs_writev,tracee_kretprobe_vfs_writev"),
		SEC_AT_EXIT } },

	/* --- what the detections consume besides (security_ext.bpf.h) --- */
	{ .id = EVENT_SECURITY_SOCKET_CONNECT, .name = "security_socket_connect", .sets = "default",
	  .argnum = 3,
	  .args = {
		{ "int", "sockfd", ARG_INT, FMT_DEFAULT },
		{ "int", "type", ARG_INT, FMT_SOCK_TYPE },
		{ "struct sockaddr*", "remote_addr", ARG_SOCKADDR, FMT_DEFAULT } },
	  .probes = {
		SEC_LSM("socket_connect", "tracee_lsm_socket_connect"),
		SEC_FENTRY("security_socket_connect", "tracee_fentry_socket_connect"),
		SEC_KPROBE("security_socket_connect", "tracee_kprobe_socket_connect"),
		SEC_AT_EXIT } },
	{ .id = EVENT_SECURITY_INODE_RENAME, .name = "security_inode_rename", .sets = "default",
	  .argnum = 2,
	  .args = {
		{ "const char*", "old_path", ARG_STR, FMT_DEFAULT },
		{ "const char*", "new_path", ARG_STR, FMT_DEFAULT } },
	  .probes = {
		SEC_LSM("inode_rename", "tracee_lsm_inode_rename"),
		SEC_FENTRY("security_inode_rename", "tracee_fentry_inode_rename"),
		SEC_KPROBE("security_inode_rename", "tracee_kprobe_inode_rename"),
		SEC_AT_EXIT } },
	{ .id = EVENT_SECURITY_SB_MOUNT, .name = "security_sb_mount", .sets = "default", .argnum = 4,
	  .args = {
		{ "const char*", "dev_name", ARG_STR, FMT_DEFAULT },
		{ "const char*", "path", ARG_STR, FMT_DEFAULT },
		{ "const char*", "type", ARG_STR, FMT_DEFAULT },
		{ "unsigned long", "flags", ARG_ULONG, FMT_HEX } },
	  .probes = {
		SEC_LSM("sb_mount", "tracee_lsm_sb_mount"),
		SEC_FENTRY("security_sb_mount", "tracee_fentry_sb_mount"),
		SEC_KPROBE("security_sb_mount", "tracee_kprobe_sb_mount"),
		SEC_AT_EXIT } },
	{ .id = EVENT_SECURITY_KERNEL_READ_FILE, .name = "security_kernel_read_file", .sets = "default",
	  .argnum = 4,
	  .args = {
		{ "const char*", "pathname", ARG_STR, FMT_DEFAULT },
		{ "dev_t", "dev", ARG_UINT, FMT_DEFAULT },
		{ "unsigned long", "inode", ARG_ULONG, FMT_DEFAULT },
		{ "const char*", "type", ARG_STR, FMT_DEFAULT } },
	  .probes = {
		SEC_LSM("kernel_read_file", "tracee_lsm_kernel_read_file"),
		SEC_FENTRY("security_kernel_read_file", "tracee_fentry_kernel_read_file"),
		SEC_KPROBE("security_kernel_read_file", "tracee_kprobe_kernel_read_file"),
		SEC_AT_EXIT } },
	/* made at the syscall's exit on every kernel, as Tracee does */
	{ .id = EVENT_SOCKET_DUP, .name = "socket_dup", .sets = "net,net_sock", .argnum = 3,
	  .args = {
		{ "int", "oldfd", ARG_INT, FMT_DEFAULT },
		{ "int", "newfd", ARG_INT, FMT_DEFAULT },
		{ "struct sockaddr*", "remote_addr", ARG_SOCKADDR, FMT_DEFAULT } },
	  .probes = {
		{ PROBE_TRACEPOINT, false, "sys_exit", "tracee_sys_exit" } } },

};
static const size_t other_defs_len = sizeof(other_defs) / sizeof(other_defs[0]);

static const struct event_def *by_id[TRACEE_MAX_EVENTS];
static bool indexed;

/* --rules detections: rows owned by the rules loader. */
#define ADDED_MAX (TRACEE_MAX_EVENTS - TRACEE_RULE_BASE)
static const struct event_def *added[ADDED_MAX];
static size_t added_len;

int events_add_rows(const struct event_def *rows, size_t n)
{
	if (n > ADDED_MAX - added_len)
		return -ENOSPC;
	for (size_t i = 0; i < n; i++)
		added[added_len++] = &rows[i];
	indexed = false;
	return 0;
}

void events_clear_added_rows(void)
{
	added_len = 0;
	memset(by_id, 0, sizeof(by_id));
	indexed = false;
}

static void events_index(void)
{
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++)
		if (d->id >= 0 && d->id < TRACEE_MAX_EVENTS)
			by_id[d->id] = d;
	indexed = true;
}

const struct event_def *events_at(size_t i)
{
	if (i < tracee_syscall_defs_len)
		return &tracee_syscall_defs[i];
	i -= tracee_syscall_defs_len;
	if (i < other_defs_len)
		return &other_defs[i];
	i -= other_defs_len;
	if (i < tracee_detection_defs_len)
		return &tracee_detection_defs[i];
	i -= tracee_detection_defs_len;
	return i < added_len ? added[i] : NULL;
}

const struct event_def *events_by_id(int id)
{
	if (!indexed)
		events_index();
	return id >= 0 && id < TRACEE_MAX_EVENTS ? by_id[id] : NULL;
}

const struct event_def *events_by_name(const char *name)
{
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

/* sets is a comma-separated list; match whole names only. */
bool event_in_set(const struct event_def *def, const char *set)
{
	size_t n = strlen(set);
	const char *p = def->sets;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, set, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

bool events_set_exists(const char *set)
{
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++)
		if (event_in_set(d, set))
			return true;
	return false;
}
