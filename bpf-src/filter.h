/* filter.h - which tasks are traced, decided in the kernel before any
 * ring-buffer space is spent. The decision (trace mode AND every --filter)
 * is made once per thread and cached in task_info. It is made again when
 * what it looked at may have changed: at exec, after a syscall that changes
 * the uid, the namespaces or the host name, and after the comm changes.
 * fork and exit keep traced_tgids (follow modes) current. All the
 * configuration is rodata, so the verifier drops every test not asked for. */
#ifndef TRACEE_FILTER_H
#define TRACEE_FILTER_H

#include "maps.h"

#define FILTER_BIT(kind) (1u << (kind))
/* Filters on what a thread can change about itself with a syscall. */
#define FILTER_SYSCALL_DYNAMIC (FILTER_BIT(FILTER_BY_UID) | FILTER_BIT(FILTER_BY_MNTNS) | FILTER_BIT(FILTER_BY_UTS))

#define FILTER_PIDNS_DEPTH 8      /* pid namespaces nested below the host's, at most */

/* The task's thread-group id as tracee's pid namespace numbers it: the
 * caller's pids, as the user gave them and as waitpid sees them. 0 for a
 * task outside that namespace (it has no number there). */
static __always_inline __u32 task__caller_tgid(struct task_struct *task)
{
	struct task_struct *leader;
	struct pid *pid;
	unsigned int level;
	int i;

	if (!tracee_pidns)
		return READ_KERN(task->tgid);
	leader = READ_KERN(task->group_leader);
	pid = READ_KERN(leader->thread_pid);
	level = READ_KERN(pid->level);
	for (i = 0; i < FILTER_PIDNS_DEPTH; i++) {
		struct pid_namespace *ns;

		if (i > (int)level)
			break;
		ns = READ_KERN(pid->numbers[i].ns);
		if (READ_KERN(ns->ns.inum) == tracee_pidns)
			return READ_KERN(pid->numbers[i].nr);
	}
	return 0;
}

/* The current task's, the cheap way when tracee sees the host's numbers. */
static __always_inline __u32 filter__current_tgid(struct task_struct *task)
{
	return tracee_pidns ? task__caller_tgid(task) : bpf_get_current_pid_tgid() >> 32;
}

static __always_inline bool filter__tgid_followed(__u32 tgid)
{
	return bpf_map_lookup_elem(&traced_tgids, &tgid) != NULL;
}

/* A container is a pid namespace other than the host's (init_pid_ns, level 0). */
static __always_inline bool task__in_container(struct task_struct *task)
{
	struct pid *pid = READ_KERN(task->thread_pid);

	return READ_KERN(pid->level) != 0;
}

/* When the task's pid namespace came to life: the start of its init. */
static __always_inline __u64 task__pid_ns_start_time(struct task_struct *task)
{
	struct pid *pid = READ_KERN(task->thread_pid);
	unsigned int level = READ_KERN(pid->level);
	struct pid_namespace *ns = READ_KERN(pid->numbers[level].ns);
	struct task_struct *reaper = READ_KERN(ns->child_reaper);

	return reaper ? task__group_start_time(reaper) : 0;
}

/* The trace mode's part of the decision. */
static __always_inline bool filter__in_scope(struct task_struct *task, __u32 tgid)
{
	switch (trace_mode) {
	case TRACE_PROCESS_ALL:
		return true;
	case TRACE_PROCESS_FOLLOW:
	case TRACE_PROCESS_PIDS:
		return filter__tgid_followed(tgid);
	case TRACE_CONTAINER_NEW:
		return task__in_container(task) && task__pid_ns_start_time(task) >= start_time_ns;
	case TRACE_CONTAINER_ALL:
		return task__in_container(task);
	case TRACE_HOST_NEW:
		return !task__in_container(task) && task__group_start_time(task) >= start_time_ns;
	case TRACE_HOST_ALL:
		return !task__in_container(task);
	default: /* TRACE_PROCESS_NEW: thread groups started after tracee */
		return task__group_start_time(task) >= start_time_ns;
	}
}

/* One kind of --filter against the key's value (kind is a constant here). */
static __always_inline bool filter__value_ok(__u32 kind, const struct tracee_filter_key *key)
{
	__u8 *ops, found;

	if (!(filter_cfg.active & FILTER_BIT(kind)))
		return true;
	ops = bpf_map_lookup_elem(&filter_values, key);
	found = ops ? *ops : 0;
	if (found & FILTER_OP_NE)
		return false;
	if ((filter_cfg.need_eq & FILTER_BIT(kind)) && !(found & FILTER_OP_EQ))
		return false;
	if ((filter_cfg.has_gt & FILTER_BIT(kind)) && key->num <= filter_cfg.gt[kind])
		return false;
	if ((filter_cfg.has_lt & FILTER_BIT(kind)) && key->num >= filter_cfg.lt[kind])
		return false;
	return true;
}

static __always_inline bool filter__num_ok(struct tracee_filter_key *key, __u32 kind, __u64 num)
{
	if (!(filter_cfg.active & FILTER_BIT(kind)))
		return true;
	key->kind = kind;
	key->num = num;
	return filter__value_ok(kind, key);
}

/* Every --filter, AND-ed, for the current task. */
static __always_inline bool filter__match(struct task_struct *task, __u32 tgid)
{
	struct tracee_filter_key key;

	if (!filter_cfg.active)
		return true;
	__builtin_memset(&key, 0, sizeof(key));
	/* numbers first: they leave the upper half of the union zero */
	if (!filter__num_ok(&key, FILTER_BY_UID, (__u32)bpf_get_current_uid_gid()) ||
	    !filter__num_ok(&key, FILTER_BY_PID, tgid) ||
	    !filter__num_ok(&key, FILTER_BY_MNTNS, task__mnt_ns_inum(task)) ||
	    !filter__num_ok(&key, FILTER_BY_PIDNS, task__pid_ns_inum(task)))
		return false;
	if (filter_cfg.active & FILTER_BIT(FILTER_BY_COMM)) {
		key.kind = FILTER_BY_COMM;
		__builtin_memset(key.str, 0, sizeof(key.str));
		bpf_get_current_comm(key.str, sizeof(key.str));
		if (!filter__value_ok(FILTER_BY_COMM, &key))
			return false;
	}
	if (filter_cfg.active & FILTER_BIT(FILTER_BY_UTS)) {
		key.kind = FILTER_BY_UTS;
		__builtin_memset(key.str, 0, sizeof(key.str));
		task__uts_name(task, key.str, sizeof(key.str));
		if (!filter__value_ok(FILTER_BY_UTS, &key))
			return false;
	}
	return true;
}

static __always_inline bool filter__task_traced(struct task_struct *task, __u32 tgid)
{
	__u8 one = 1;

	if (tgid == tracee_tgid || (tracee_pidns && !tgid && trace_mode == TRACE_PROCESS_FOLLOW))
		return false;
	/* process:follow: a match roots a followed tree; descendants need no match */
	if (trace_mode == TRACE_PROCESS_FOLLOW && filter_cfg.follow_roots) {
		if (filter__tgid_followed(tgid))
			return true;
		if (!filter__match(task, tgid))
			return false;
		bpf_map_update_elem(&traced_tgids, &tgid, &one, BPF_ANY);
		return true;
	}
	return filter__in_scope(task, tgid) && filter__match(task, tgid);
}

/* The event-header fields that only change with the task's namespaces or
 * parent; read once here instead of on every event. */
static __always_inline void filter__fill_context(struct task_info *ti, struct task_struct *task)
{
	struct task_struct *leader = READ_KERN(task->group_leader);
	struct task_struct *parent = READ_KERN(task->real_parent);

	ti->tid = task__ns_pid(task);
	ti->pid = task__ns_pid(leader);
	ti->ppid = task__ns_pid(parent);
	ti->host_ppid = READ_KERN(parent->tgid);
	ti->mnt_ns = task__mnt_ns_inum(task);
	ti->pid_ns = task__pid_ns_inum(task);
	task__uts_name(task, ti->uts_name, sizeof(ti->uts_name));
	ti->uid = task__uid(task);
	READ_KERN_STR_INTO(ti->comm, sizeof(ti->comm), task->comm);
}

/* The decision (and, when traced, the header context) for the current
 * thread, into ti: a map value (deciding again, after an exec or a change
 * of comm, uid or namespace) or a fresh one on the stack. One copy for
 * every program that calls it, rather than one inlined into each: the
 * decision is the biggest code in the object and runs once per thread. */
static __noinline int filter__decide(struct task_info *ti)
{
	struct task_struct *task = task__current();

	ti->recheck = 0;
	ti->traced = filter__task_traced(task, filter__current_tgid(task));
	if (ti->traced)
		filter__fill_context(ti, task);
	return 0;
}

/* The same for a child at fork, run by its parent (the child has the
 * parent's credentials and comm, which the filter reads from the current
 * task), so that the child's first syscall exit - its return from clone -
 * is already decided. */
static __noinline int filter__decide_child(struct task_info *ti, struct task_struct *child)
{
	ti->recheck = 0;
	ti->traced = filter__task_traced(child, task__caller_tgid(child));
	if (ti->traced)
		filter__fill_context(ti, child);
	return 0;
}

/* This thread's task_info, created (with its trace decision) on first sight.
 * NULL when the map is full: the thread goes untraced and an error is counted. */
static __always_inline struct task_info *filter__task_info(__u32 tid)
{
	struct task_info *ti = bpf_map_lookup_elem(&task_info, &tid);
	struct task_info fresh = {};

	if (ti)
		return ti;
	filter__decide(&fresh);
	if (bpf_map_update_elem(&task_info, &tid, &fresh, BPF_NOEXIST) && bpf_map_lookup_elem(&task_info, &tid) == NULL) {
		stats__inc(STAT_ERRORS);
		return NULL;
	}
	return bpf_map_lookup_elem(&task_info, &tid);
}

/* args: (task, comm). The comm is about to change (prctl, /proc/PID/comm,
 * exec): the records' header takes the new one from here on; with a
 * --filter on comm, the renamed thread decides again at its next syscall
 * exit, when the new name is set. */
SEC("raw_tracepoint/task_rename")
int tracee_filter_task_rename(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	__u32 tid = READ_KERN(task->pid);
	struct task_info *ti = bpf_map_lookup_elem(&task_info, &tid);

	if (!ti)
		return 0;
	bpf_probe_read_kernel_str(ti->comm, sizeof(ti->comm), (const void *)ctx->args[1]);
	if (filter_cfg.active & FILTER_BIT(FILTER_BY_COMM))
		ti->recheck = 1;
	return 0;
}

/* The event's kernel-side configuration when someone asked for it. */
static __always_inline const struct event_config *event__selected(__u32 id)
{
	const struct event_config *cfg = bpf_map_lookup_elem(&event_config, &id);

	return cfg && cfg->enabled ? cfg : NULL;
}

#endif
