/* events.h - the event table: the single source of truth for every event's
 * id, name, sets and argument signature. --list, the loader (which kinds the
 * kernel side reads), the decoder and the printers all read it. */
#ifndef TRACEE_EVENTS_H
#define TRACEE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include "../bpf-src/tracee.h"

/* How a number argument is shown once decoded, spelled as strace spells it.
 * Each format is one row of argfmt.c's fmt_table, most of them a name table
 * in argfmt_flags.c. The generator (lib/gen/gen_syscalls.c) assigns them. */
enum arg_fmt {
	FMT_DEFAULT = 0,        /* by kind: number, hex pointer, string, [argv] */
	FMT_HEX,                /* 0x22 */
	FMT_OPEN_FLAGS,         /* O_RDONLY|O_CLOEXEC */
	FMT_FD_FLAGS,           /* pipe2, dup3: O_CLOEXEC, 0 */
	FMT_ACCESS_MODE,        /* F_OK, R_OK|W_OK */
	FMT_MMAP_PROT,          /* PROT_READ|PROT_EXEC, PROT_NONE */
	FMT_MMAP_FLAGS,         /* MAP_PRIVATE|MAP_ANONYMOUS */
	FMT_CLONE_FLAGS,        /* CLONE_VM|...|SIGCHLD: exit signal in the low byte */
	FMT_NS_FLAGS,           /* unshare, setns: CLONE_NEWNS|CLONE_NEWUSER */
	FMT_AT_FLAGS,           /* AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH */
	FMT_ACCESS_AT_FLAGS,    /* faccessat2: AT_EACCESS */
	FMT_STATX_FLAGS,        /* AT_STATX_SYNC_AS_STAT */
	FMT_DIRFD,              /* AT_FDCWD for -100, else the number */
	FMT_MODE,               /* 0644 */
	FMT_MKNOD_MODE,         /* S_IFIFO|0644 */
	FMT_SOCK_DOMAIN,        /* AF_INET */
	FMT_SOCK_TYPE,          /* SOCK_STREAM|SOCK_CLOEXEC */
	FMT_SOCK_FLAGS,         /* accept4: SOCK_CLOEXEC|SOCK_NONBLOCK */
	FMT_PTRACE_REQUEST,     /* PTRACE_ATTACH */
	FMT_PRCTL_OPTION,       /* PR_SET_NAME */
	FMT_BPF_CMD,            /* BPF_PROG_LOAD */
	FMT_CAPABILITY,         /* CAP_SYS_ADMIN */
	FMT_SIGNAL,             /* SIGKILL */
	FMT_SIGPROCMASK_HOW,    /* SIG_BLOCK */
	FMT_FCNTL_CMD,          /* F_SETFD */
	FMT_FCNTL_ARG,          /* by the cmd before it: FD_CLOEXEC, O_NONBLOCK, else a number */
	FMT_SOCK_PROTO,         /* IPPROTO_TCP for AF_INET/AF_INET6 (the domain before it) */
	FMT_SEEK_WHENCE,        /* SEEK_SET */
	FMT_SYSCALL,            /* a syscall number by its name: openat (sys_enter, cap_capable) */
	FMT_MAX,
};

struct arg_def {
	const char *type;   /* C type as Tracee names it: "const char*" */
	const char *name;   /* argument name as Tracee names it: "pathname" */
	unsigned char kind; /* enum arg_kind the kernel side reads */
	unsigned char fmt;  /* enum arg_fmt */
};

/* One way to produce an event: a kind of hook (enum probe_kind), what it
 * attaches to, and the eBPF programs it needs loaded. An event lists its
 * probes best first (lsm -> fentry -> kprobe -> tracepoint fallback); the
 * loader keeps the first one this kernel loads (lib/probes.c). */
struct probe_def {
	unsigned char kind;     /* enum probe_kind; PROBE_NONE ends the list */
	bool fallback;          /* a stand-in hook: --debug says "(fallback)" */
	const char *target;     /* LSM hook, kernel function or tracepoint name */
	const char *progs;      /* eBPF program names, comma-separated */
};

#define TRACEE_MAX_PROBES 4

/* Detections are events too: ids from TRACEE_DETECTION_BASE, built-in ones
 * first (lib/signatures/sig_catalog.c), then the user's rules (--rules). They
 * are made in user space from the base events they name; the kernel never
 * sees their ids. */
#define TRACEE_DETECTION_BASE   1700
#define TRACEE_RULE_BASE        1800    /* first id of a --rules detection */

/* What a detection row carries besides its name and data arguments: Tracee's
 * signature metadata. */
struct sig_def {
	const char *trc_id;             /* "TRC-102" */
	const char *title;              /* Tracee's signatureName: "Anti-Debugging detected" */
	const char *description;
	unsigned char severity;         /* 0 (info) .. 3 (high) */
	const char *mitre_id;           /* "T1622", or "" */
	const char *technique;          /* "Debugger Evasion" */
	const char *category;           /* "defense-evasion" */
	const char *tags;               /* comma-separated, or "" */
	const char *events;             /* the base events it consumes, comma-separated */
	bool container_only;            /* fires only for processes in containers */
};

struct event_def {
	int id;
	const char *name;
	const char *sets;   /* comma-separated, as in Tracee: "default,syscalls,fs" */
	unsigned char argnum;
	bool at_entry;      /* syscall emitted at entry (execve) */
	struct arg_def args[TRACEE_MAX_ARGS];
	/* Events with no probes come from the programs that are always loaded
	 * (the syscall and sched tracepoints). */
	struct probe_def probes[TRACEE_MAX_PROBES];
	const struct sig_def *sig;      /* detections only: NULL for kernel events */
};

/* The generated syscall rows (syscalls.c), the other events (events.c) and
 * the built-in detections (signatures/sig_catalog.c). */
extern const struct event_def tracee_syscall_defs[];
extern const size_t tracee_syscall_defs_len;
extern const struct event_def tracee_detection_defs[];
extern const size_t tracee_detection_defs_len;

/* Rows added at start (--rules detections), after the static ones; they
 * must stay alive while tracee runs. -ENOSPC when the id range is full. */
int events_add_rows(const struct event_def *rows, size_t n);
void events_clear_added_rows(void);

const struct event_def *events_by_id(int id);
const struct event_def *events_by_name(const char *name);
/* Iterate: i from 0 while events_at(i) != NULL. */
const struct event_def *events_at(size_t i);
bool event_in_set(const struct event_def *def, const char *set);
bool events_set_exists(const char *set);
static inline bool event_is_detection(const struct event_def *d)
{
	return d && d->sig;
}

#endif
