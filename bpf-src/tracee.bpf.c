/* tracee.bpf.c - the kernel side of tracee.
 *
 * Syscalls: raw_syscalls sys_enter saves the arguments of a traced thread's
 * selected syscall in its task_info; sys_exit emits the event with the return
 * value (execve-like syscalls are emitted at entry, before the old image is
 * gone). sched_process_fork/exec/exit keep the follow set and the task cache
 * current and emit their own events. Nothing is reserved in the ring buffer
 * for a task or an event nobody asked for.
 *
 * Compiled at run time by tracee (see buildpolicy/), from BTF (TRACEE_CORE)
 * or from kernel headers. */
#include "args.h"
#include "filter.h"

#ifndef TRACEE_META
#define TRACEE_META "tracee-meta v1 src=unknown"
#endif

char LICENSE[] SEC("license") = "GPL";
/* Checked by the object cache before this object is trusted (buildpolicy/cache.c). */
const char tracee_meta[] SEC(".tracee.meta") = TRACEE_META;

static __always_inline const struct event_config *event__selected(__u32 id)
{
	const struct event_config *cfg = bpf_map_lookup_elem(&event_config, &id);

	return cfg && cfg->enabled ? cfg : NULL;
}

static __always_inline void syscall__read_args(struct task_info *ti, struct pt_regs *regs)
{
	ti->args[0] = READ_KERN(regs->di);
	ti->args[1] = READ_KERN(regs->si);
	ti->args[2] = READ_KERN(regs->dx);
	ti->args[3] = READ_KERN(regs->r10);
	ti->args[4] = READ_KERN(regs->r8);
	ti->args[5] = READ_KERN(regs->r9);
}

static __always_inline void syscall__emit(struct task_info *ti, const struct event_config *cfg,
					  __u32 nr, __s64 ret)
{
	struct scratch *s = scratch__get();
	__u32 off;

	if (!s)
		return;
	record__init(s, ti, nr, ret);
	off = store__syscall_args(s, sizeof(struct event_header), cfg, ti->args);
	ringbuf__submit(s, off);
}

SEC("raw_tracepoint/sys_enter")
int tracee_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 nr = (__u32)ctx->args[1];
	const struct event_config *cfg;
	struct task_info *ti;

	ti = filter__task_info((__u32)pid_tgid, pid_tgid >> 32);
	if (!ti || !ti->traced)
		return 0;
	cfg = event__selected(nr);
	if (!cfg) {
		ti->syscall = -1;
		return 0;
	}
	ti->syscall = nr;
	syscall__read_args(ti, (struct pt_regs *)ctx->args[0]);
	if (cfg->at_entry)
		syscall__emit(ti, cfg, nr, 0);
	return 0;
}

SEC("raw_tracepoint/sys_exit")
int tracee_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	const struct event_config *cfg;
	struct task_info *ti;
	__s32 nr;

	ti = bpf_map_lookup_elem(&task_info, &tid);
	if (!ti || !ti->traced || ti->syscall < 0)
		return 0;
	nr = ti->syscall;
	ti->syscall = -1;
	cfg = event__selected(nr);
	if (cfg && !cfg->at_entry)
		syscall__emit(ti, cfg, nr, (__s64)ctx->args[1]);
	return 0;
}

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
