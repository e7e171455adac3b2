/* tracee.h - the record format shared by the eBPF program and user space.
 *
 * One ring-buffer record per event: a struct event_header followed by
 * hdr.argnum typed arguments. Each argument is a one-byte wire tag (enum
 * arg_kind) followed by its value:
 *   ARG_INT/ARG_UINT      4 bytes
 *   ARG_LONG/ARG_ULONG/ARG_PTR 8 bytes
 *   ARG_STR/ARG_BYTES     u32 length, then that many bytes (strings carry no NUL)
 *   ARG_STR_ARRAY         u32 count, then count x (u32 length + bytes); when the
 *                         array was cut, the last element is the marker "..."
 *   ARG_SOCKADDR          u32 length (at most TRACEE_SOCKADDR_MAX), then the
 *                         struct sockaddr bytes as the process passed them
 *   ARG_INT_PAIR          8 bytes: two ints (pipe, pipe2, socketpair fds)
 *   ARG_NONE              nothing: the value could not be read
 * All multi-byte values are host-endian and unaligned. User space treats every
 * record as untrusted and bounds-checks each read against hdr.size.
 */
#ifndef TRACEE_RECORD_H
#define TRACEE_RECORD_H

#define TRACEE_COMM_LEN      16
#define TRACEE_UTS_LEN       16
#define TRACEE_MAX_ARGS      8      /* syscalls use 6; other events up to 8 */
#define TRACEE_MAX_EVENTS    2048   /* ids 0..1023 are syscall numbers */
#define TRACEE_EVENT_BASE    1000   /* first id of a non-syscall event */
#define TRACEE_RECORD_MAX    16384  /* largest record; a power of two */
#define TRACEE_STR_MAX       4096   /* one string argument, including the NUL */
#define TRACEE_ARGV_MAX      32     /* argv elements read before the cut marker */
#define TRACEE_SOCKADDR_MAX  128    /* sizeof(struct sockaddr_storage) */

enum arg_kind {
	ARG_NONE = 0,
	ARG_INT,
	ARG_UINT,
	ARG_LONG,
	ARG_ULONG,
	ARG_PTR,
	ARG_STR,
	ARG_STR_ARRAY,
	ARG_BYTES,
	ARG_SOCKADDR,   /* struct sockaddr*; its length is the next argument */
	ARG_INT_PAIR,   /* int[2] the kernel fills: read at exit */
	ARG_KIND_MAX,
};

/* Non-syscall event ids, as later Tracee numbers them. */
enum tracee_event_id {
	EVENT_SYS_ENTER = TRACEE_EVENT_BASE,
	EVENT_SYS_EXIT,
	EVENT_SCHED_PROCESS_FORK,
	EVENT_SCHED_PROCESS_EXEC,
	EVENT_SCHED_PROCESS_EXIT,
	EVENT_CAP_CAPABLE,
	/* security events */
	EVENT_SECURITY_BPRM_CHECK,
	EVENT_SECURITY_FILE_OPEN,
	EVENT_SECURITY_INODE_UNLINK,
	EVENT_VFS_WRITE,
	EVENT_VFS_WRITEV,
	EVENT_MEM_PROT_ALERT,
	EVENT_COMMIT_CREDS,
	EVENT_SWITCH_TASK_NS,
	EVENT_MAGIC_WRITE,
	/* what the detections consume besides (security_ext.bpf.h) */
	EVENT_SECURITY_SOCKET_CONNECT,
	EVENT_SECURITY_INODE_RENAME,
	EVENT_SECURITY_SB_MOUNT,
	EVENT_SECURITY_KERNEL_READ_FILE,
	EVENT_SOCKET_DUP,
	/* internal records of --capture, never printed as events */
	EVENT_CAPTURE_BASE = TRACEE_EVENT_BASE + 20,
};

/* How a non-syscall event is produced on this kernel: chosen at start from
 * the event's ordered probe list (lib/probes.c) and handed to the kernel side
 * in the rodata array event_probe[id - TRACEE_EVENT_BASE]. */
enum probe_kind {
	PROBE_NONE = 0,         /* not selected, or nothing loads */
	PROBE_LSM,              /* BPF LSM hook */
	PROBE_FENTRY,           /* fentry/fexit (BPF trampoline) */
	PROBE_KPROBE,           /* kprobe/kretprobe */
	PROBE_TRACEPOINT,       /* (raw) tracepoint, often a fallback */
	PROBE_KIND_MAX,
};
#define TRACEE_PROBED_EVENTS 32 /* event ids TRACEE_EVENT_BASE.. +31 */

/* Trace modes (--trace); set in the object's rodata before load. "new" is
 * a thread group (for containers: a pid namespace's init) started after
 * tracee; a container is a pid namespace other than the host's. */
enum trace_mode {
	TRACE_PROCESS_NEW = 0,  /* thread groups started after tracee */
	TRACE_PROCESS_ALL,      /* everything but tracee itself */
	TRACE_PROCESS_FOLLOW,   /* tgids in the traced_tgids map and their descendants */
	TRACE_PROCESS_PIDS,     /* exactly the tgids in traced_tgids (process:<pid>,...) */
	TRACE_CONTAINER_NEW,
	TRACE_CONTAINER_ALL,
	TRACE_HOST_NEW,
	TRACE_HOST_ALL,
	TRACE_MODE_MAX,
};

/* --filter, decided in the kernel per thread (lib/filter.c parses it). A
 * value is traced when, for every active kind: it is none of the '!='
 * values, one of the '=' values (if any were given), above gt and below lt
 * (when set). The values live in the filter_values map, keyed by
 * struct tracee_filter_key, with FILTER_OP_* bits as the value. */
enum tracee_filter_kind {
	FILTER_BY_UID = 0,      /* real uid, as the host sees it */
	FILTER_BY_PID,          /* host tgid */
	FILTER_BY_MNTNS,        /* mount namespace inode */
	FILTER_BY_PIDNS,        /* pid namespace inode */
	FILTER_BY_COMM,         /* task comm, 15 bytes */
	FILTER_BY_UTS,          /* UTS name, first 15 bytes */
	FILTER_BY_MAX,
};
#define FILTER_OP_EQ 1
#define FILTER_OP_NE 2
#define FILTER_STR_LEN 16

struct tracee_filter_key {
	unsigned int kind;
	unsigned int pad;               /* zero */
	union {
		unsigned long long num;
		char str[FILTER_STR_LEN];       /* NUL-padded */
	};
};

/* The filter's rodata (filter_cfg), one bit per enum tracee_filter_kind. */
struct tracee_filter_config {
	unsigned int active;            /* a filter was given for this kind */
	unsigned int need_eq;           /* '=' values given: the value must be one */
	unsigned int has_gt, has_lt;
	unsigned long long gt[FILTER_BY_MAX], lt[FILTER_BY_MAX];
	unsigned int follow_roots;      /* process:follow: a match starts a followed tree */
	unsigned int pad;
};

/* How the kernel side treats one event; the loader fills this per event id
 * from the event table into the event_config map. */
struct event_config {
	unsigned char enabled;
	unsigned char argnum;
	unsigned char at_entry;                 /* emit at syscall entry, not exit */
	unsigned char pad;
	unsigned char kinds[TRACEE_MAX_ARGS];   /* enum arg_kind to read, per argument */
};

/* What tracee_sys_enter and tracee_sys_exit do for one syscall number (x86_64
 * numbering, below TRACEE_NR_SYSCALLS): the rodata array syscall_hooks[],
 * which user space fills before load from the selected events, the probes
 * chosen for them, --capture and --filter (lib/syscall_hooks.c). The
 * programs read it before anything else, so a syscall nobody asked for
 * costs one array read. enter/exit are SYSCALL_HOOK_* bits; sec_enter and
 * sec_exit are the security events (one bit per id - TRACEE_EVENT_BASE)
 * whose syscall fallback runs there. */
#define TRACEE_NR_SYSCALLS 512
enum syscall_hook {
	SYSCALL_HOOK_EVENT     = 1 << 0,  /* the syscall's own event */
	SYSCALL_HOOK_RAW       = 1 << 1,  /* the raw sys_enter / sys_exit event */
	SYSCALL_HOOK_SIGRETURN = 1 << 2,  /* entry: mark rt_sigreturn for its exit */
	SYSCALL_HOOK_SOCKADDR  = 1 << 3,  /* entry: the caller's address buffer size */
	SYSCALL_HOOK_FILTER    = 1 << 4,  /* exit: may change what --filter looks at */
	SYSCALL_HOOK_CAPTURE   = 1 << 5,  /* --capture write or mem */
	SYSCALL_HOOK_UID       = 1 << 6,  /* exit: may change the real uid the header keeps */
};

struct syscall_hooks {
	unsigned int enter, exit;               /* SYSCALL_HOOK_* */
	unsigned int sec_enter, sec_exit;       /* 1 << (event id - TRACEE_EVENT_BASE) */
};

struct event_header {
	unsigned long long ts;          /* ns since boot (bpf_ktime_get_boot_ns) */
	long long retval;
	unsigned int event_id;
	unsigned int pid, tid, ppid;    /* in the task's own pid namespace */
	unsigned int host_pid, host_tid, host_ppid;
	unsigned int uid;
	unsigned int mnt_ns, pid_ns;    /* namespace inode numbers */
	unsigned int size;              /* whole record, header included */
	unsigned short argnum;
	unsigned short flags;
	char comm[TRACEE_COMM_LEN];
	char uts_name[TRACEE_UTS_LEN];
};

/* Where the kernel checks a capability without audit (CAP_OPT_NOAUDIT), for
 * the capability:cap_capable tracepoint, which does not carry the option:
 * text ranges [start, end) of cap_capable itself and of the kernel functions
 * that make only such checks (lib/cap_noaudit.c resolves them from
 * /proc/kallsyms; the rodata cap_noaudit). n == 0: nothing is known, every
 * check is reported. */
#define CAP_NOAUDIT_FUNCS 8
struct cap_noaudit_ranges {
	unsigned long long capable_start, capable_end;
	unsigned long long start[CAP_NOAUDIT_FUNCS], end[CAP_NOAUDIT_FUNCS];
	unsigned int n;
	unsigned int pad;
};

/* Counters kept per CPU by the kernel side. */
enum tracee_stat {
	STAT_LOST = 0,      /* ring buffer full: record dropped */
	STAT_ERRORS,        /* a map update or read failed */
	STAT_MAX,
};

#endif /* TRACEE_RECORD_H */
