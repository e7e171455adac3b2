/* syscalls.bpf.h - syscall events: raw_syscalls sys_enter saves the
 * arguments of a traced thread's selected syscall in its task_info; sys_exit
 * emits the event with the return value. execve-like syscalls are emitted at
 * entry, before the old image is gone. */
#ifndef TRACEE_SYSCALLS_BPF_H
#define TRACEE_SYSCALLS_BPF_H

#include "args.h"
#include "filter.h"

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

#endif
