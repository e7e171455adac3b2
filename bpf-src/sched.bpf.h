/* sched.bpf.h - process life-cycle events from the sched tracepoints: fork
 * keeps the follow set current, exec refreshes the cached task context, exit
 * forgets the task. */
#ifndef TRACEE_SCHED_BPF_H
#define TRACEE_SCHED_BPF_H

#include "args.h"
#include "filter.h"

/* Follow mode: a followed thread group's children are followed too. */
SEC("raw_tracepoint/sched_process_fork")
int tracee_sched_process_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx->args[0];
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	__u32 ptgid = READ_KERN(parent->tgid), ctgid = READ_KERN(child->tgid);
	__u8 one = 1;

	if (trace_mode == TRACE_PROCESS_FOLLOW && ptgid != ctgid && filter__tgid_followed(ptgid))
		bpf_map_update_elem(&traced_tgids, &ctgid, &one, BPF_ANY);
	return 0;
}

/* After exec the task may be in a new world (comm, credentials); decide again. */
SEC("raw_tracepoint/sched_process_exec")
int tracee_sched_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_info *ti = bpf_map_lookup_elem(&task_info, &tid);

	if (ti && ti->traced)
		filter__fill_context(ti, task__current());
	return 0;
}

SEC("raw_tracepoint/sched_process_exit")
int tracee_sched_process_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, tgid = pid_tgid >> 32;
	struct task_struct *task = task__current();
	struct signal_struct *signal = READ_KERN(task->signal);

	bpf_map_delete_elem(&task_info, &tid);
	if (READ_KERN(signal->live.counter) == 0)
		bpf_map_delete_elem(&traced_tgids, &tgid);
	return 0;
}

#endif
