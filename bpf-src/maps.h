/* maps.h - the maps and the load-time configuration of the eBPF program.
 * User space sets the const volatile globals before load (rodata) and fills
 * event_config and traced_tgids after load. */
#ifndef TRACEE_MAPS_H
#define TRACEE_MAPS_H

#include "compat.bpf.h"

/* Configuration, frozen at load. */
const volatile __u32 tracee_tgid = 0;           /* never trace ourselves */
/* tracee's pid namespace (inode) when it is not the host's (a container
 * without --pid=host): the tgids the decision uses (tracee's own, -- COMMAND's,
 * process:PID's, --filter pid='s, traced_tgids' keys) are numbered there. */
const volatile __u32 tracee_pidns = 0;
const volatile __u32 trace_mode = TRACE_PROCESS_NEW;
const volatile __u64 start_time_ns = 0;         /* CLOCK_MONOTONIC at start */
const volatile __u64 wakeup_bytes = 1 << 20;    /* wake the reader past this much data */
const volatile struct tracee_filter_config filter_cfg = {};    /* --filter; see tracee.h */

/* What each syscall number needs at entry and exit (tracee.h), set before load. */
const volatile struct syscall_hooks syscall_hooks[TRACEE_NR_SYSCALLS] = {};

/* The credential ids commit_creds compares; caps as raw bits (their layout
 * changed in 6.3, their size did not). */
struct sec_creds {
	__u32 uid, gid, suid, sgid, euid, egid, fsuid, fsgid;
	__u64 cap_effective;
};

/* The namespaces switch_task_ns reports, by inode number. */
struct sec_ns {
	__u32 mnt, pid, uts, ipc, net, cgroup;
};

/* What a task is and whether we trace it, decided once per thread and kept
 * until it exits (or execs). */
struct task_info {
	__u8 traced;
	__u8 recheck;           /* decide again at the next syscall exit (comm changed) */
	__u8 in_sigreturn;      /* in rt_sigreturn, whose exit sees the restored registers */
	__u8 pad;
	__u32 sockaddr_room;    /* 1 + the caller's *addrlen at the entry of accept,
				 * getsockname...: how much of the buffer is its (0: unknown) */
	__u32 pid, tid, ppid;   /* in the task's pid namespace */
	__u32 host_ppid;
	__u32 mnt_ns, pid_ns;
	char uts_name[TRACEE_UTS_LEN];
	/* What every record's header shows that changes only at known points,
	 * kept here rather than read at every event: the real uid (decision,
	 * exec, the setuid family's exits) and comm (task_rename). */
	__u32 uid;
	char comm[TRACEE_COMM_LEN];
	/* A security fallback's state from the syscall's entry for its exit
	 * (security.bpf.h): which events it is for, and what they compare. */
	__u32 sec_pending;
	union {
		struct sec_creds creds;
		struct sec_ns ns;
	} sec_before;
};

/* Every record goes here: a ring buffer shared by all CPUs, or one perf
 * buffer per CPU where the kernel has no ring buffer (submit.h). */
#if TRACEE_FEAT_RINGBUF
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);   /* resized by --perf-buffer-size */
} events SEC(".maps");
#else
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));        /* CPU */
	__uint(value_size, sizeof(__u32));      /* its perf event (lib/perfbuf.c) */
} events SEC(".maps");
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TRACEE_MAX_EVENTS);
	__type(key, __u32);
	__type(value, struct event_config);
} event_config SEC(".maps");

/* Not preallocated: 65536 entries up front cost tens of ms at every start;
 * an entry is created once per thread, lookups cost the same. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);             /* tid */
	__type(value, struct task_info);
} task_info SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);             /* tgid */
	__type(value, __u8);
} traced_tgids SEC(".maps");

/* --filter values: struct tracee_filter_key -> FILTER_OP_* bits. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct tracee_filter_key);
	__type(value, __u8);
} filter_values SEC(".maps");

/* Where the loops over a record's arguments stand: a loop body keeps its
 * state here, never on its caller's stack (compat.bpf.h). Both can run at
 * once: argv is one of a syscall's arguments. */
struct loop_cursor {
	__u64 args[6];                  /* syscall__store_arg: the syscall's arguments */
	__u32 nr;                       /* its number */
	__u32 off;                      /* where its next argument goes */
	__u64 uarr;                     /* store__str_array_elem: the user's array */
	__u32 arr_off;                  /* where its next element goes */
	__u32 arr_count;
	__u8 arr_cut;
	__u32 sockaddr_room;            /* syscall__store_arg: the caller's address buffer */
	__s32 exec_argc;                /* exec__count_one: argv's pointers so far */
	__u64 at, end;                  /* exec__skip_one: what is left of an argument area */
};

/* A record is built here, then copied into the ring buffer at its real size. */
struct scratch {
	char buf[TRACEE_RECORD_MAX + TRACEE_STR_MAX + 64];
	__u64 unchecked;        /* bytes this CPU submitted since it last asked the ring */
	struct loop_cursor cursor;      /* the state of a loop over this record's data */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void stats__inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &which);

	if (v)
		*v += 1;
}

#endif
