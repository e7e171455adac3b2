/* syscalls.bpf.h - syscall events and the raw sys_enter/sys_exit events.
 *
 * raw_syscalls:sys_enter saves the arguments of a traced thread's selected
 * syscall in its task_info; sys_exit emits the event with the return value.
 *
 * execve and execveat (at_entry in the event table) are emitted at entry,
 * with returnValue 0, as Tracee did: a successful exec replaces the image
 * that held pathname and argv, so only the entry can read them. A failed
 * exec returns to the old image, and gets a second record at exit with the
 * same arguments and the error as its return value. So: one execve event
 * per successful call, two (ret 0, then -errno) per failed one.
 *
 * exit and exit_group never return: they are emitted at entry, as Tracee does.
 *
 * sys_enter and sys_exit (event ids EVENT_SYS_ENTER/EXIT) are one record per
 * syscall of a traced thread, whatever syscall events are selected: the
 * syscall number as their argument, the return value in sys_exit's header. */
#ifndef TRACEE_SYSCALLS_BPF_H
#define TRACEE_SYSCALLS_BPF_H

#include "args.h"
#include "filter.h"

/* x86_64 numbers of the syscalls that never return. */
enum { SYSCALL_NR_EXIT = 60, SYSCALL_NR_EXIT_GROUP = 231 };

/* x86_64 struct pt_regs keeps r10, r9, r8, ax, cx, dx, si, di together and
 * in this order (the ptrace ABI): one read on every syscall instead of six. */
struct syscall_regs { __u64 r10, r9, r8, ax, cx, dx, si, di; };

static __always_inline void syscall__read_args(struct task_info *ti, struct pt_regs *regs)
{
	struct syscall_regs r;

	if (bpf_probe_read_kernel(&r, sizeof(r), &regs->r10))
		__builtin_memset(&r, 0, sizeof(r));
	ti->args[0] = r.di;
	ti->args[1] = r.si;
	ti->args[2] = r.dx;
	ti->args[3] = r.r10;
	ti->args[4] = r.r8;
	ti->args[5] = r.r9;
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

/* sys_enter / sys_exit: (int syscall), only when selected. */
static __always_inline void syscall__emit_raw(struct task_info *ti, __u32 event, __s32 nr,
					      __s64 ret)
{
	struct scratch *s;
	struct event_header *h;

	if (!event__selected(event) || !(s = scratch__get()))
		return;
	h = record__init(s, ti, event, ret);
	h->argnum = 1;
	ringbuf__submit(s, store__u32(s, sizeof(struct event_header), ARG_INT, (__u32)nr));
}

SEC("raw_tracepoint/sys_enter")
int tracee_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 nr = (__u32)ctx->args[1];
	const struct event_config *cfg;
	struct task_info *ti;

	ti = filter__task_info((__u32)pid_tgid, pid_tgid >> 32);
	if (!ti)
		return 0;
	filter__note_syscall(ti, nr);
	if (!ti->traced)
		return 0;
	syscall__emit_raw(ti, EVENT_SYS_ENTER, (__s32)nr, 0);
	cfg = event__selected(nr);
	if (!cfg) {
		ti->syscall = -1;
		return 0;
	}
	ti->syscall = nr;
	syscall__read_args(ti, (struct pt_regs *)ctx->args[0]);
	if (cfg->at_entry || nr == SYSCALL_NR_EXIT || nr == SYSCALL_NR_EXIT_GROUP)
		syscall__emit(ti, cfg, nr, 0);
	return 0;
}

SEC("raw_tracepoint/sys_exit")
int tracee_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s64 ret = (__s64)ctx->args[1];
	const struct event_config *cfg;
	struct task_info *ti;
	__s32 nr;

	ti = bpf_map_lookup_elem(&task_info, &tid);
	if (ti && ti->recheck)
		filter__redecide(ti);
	if (!ti || !ti->traced)
		return 0;
	if (event__selected(EVENT_SYS_EXIT)) {
		struct pt_regs *regs = (struct pt_regs *)ctx->args[0];

		syscall__emit_raw(ti, EVENT_SYS_EXIT, (__s32)READ_KERN(regs->orig_ax), ret);
	}
	if (ti->syscall < 0)
		return 0;
	nr = ti->syscall;
	ti->syscall = -1;
	cfg = event__selected(nr);
	/* an exec emitted at entry comes back here only when it failed */
	if (cfg && (!cfg->at_entry || ret < 0))
		syscall__emit(ti, cfg, nr, ret);
	return 0;
}

#endif
