/* filter.h - which tasks are traced, decided in the kernel before any
 * ring-buffer space is spent. The decision is made once per thread and cached
 * in task_info; fork and exit keep traced_tgids (follow mode) current. */
#ifndef TRACEE_FILTER_H
#define TRACEE_FILTER_H

#include "maps.h"

static __always_inline bool filter__tgid_followed(__u32 tgid)
{
	return bpf_map_lookup_elem(&traced_tgids, &tgid) != NULL;
}

static __always_inline bool filter__task_traced(struct task_struct *task, __u32 tgid)
{
	if (tgid == tracee_tgid)
		return false;
	switch (trace_mode) {
	case TRACE_PROCESS_ALL:
		return true;
	case TRACE_PROCESS_FOLLOW:
		return filter__tgid_followed(tgid);
	default: /* TRACE_PROCESS_NEW: thread groups started after tracee */
		return task__group_start_time(task) >= start_time_ns;
	}
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
}

/* This thread's task_info, created (with its trace decision) on first sight.
 * NULL when the map is full: the thread goes untraced and an error is counted. */
static __always_inline struct task_info *filter__task_info(__u32 tid, __u32 tgid)
{
	struct task_info *ti = bpf_map_lookup_elem(&task_info, &tid);
	struct task_struct *task;
	struct task_info fresh = { .syscall = -1 };

	if (ti)
		return ti;
	task = task__current();
	fresh.traced = filter__task_traced(task, tgid);
	if (fresh.traced)
		filter__fill_context(&fresh, task);
	if (bpf_map_update_elem(&task_info, &tid, &fresh, BPF_NOEXIST) && bpf_map_lookup_elem(&task_info, &tid) == NULL) {
		stats__inc(STAT_ERRORS);
		return NULL;
	}
	return bpf_map_lookup_elem(&task_info, &tid);
}

/* The event's kernel-side configuration when someone asked for it. */
static __always_inline const struct event_config *event__selected(__u32 id)
{
	const struct event_config *cfg = bpf_map_lookup_elem(&event_config, &id);

	return cfg && cfg->enabled ? cfg : NULL;
}

#endif
