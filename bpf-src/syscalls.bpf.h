/* syscalls.bpf.h - syscall events and the raw sys_enter/sys_exit events.
 *
 * A syscall event is made at sys_exit, with the return value, from the
 * registers the task entered with (kern_read.h: they still hold the
 * arguments there). Nothing runs at sys_enter unless the sys_enter event is
 * selected: tracing every syscall costs one program run, one task_info
 * lookup and one record per syscall.
 *
 * execve and execveat make one event per call, as strace shows them: at
 * syscall exit when they fail (with the error), at sched_process_exec when
 * they succeed (return value 0, arguments from the kernel's copies; see
 * exec.bpf.h). Their entry only keeps what that event needs.
 *
 * exit and exit_group never return: they are emitted at entry, as Tracee does.
 * These four (at_entry in the event table) come from their own syscall trace
 * events, or from sys_enter where those do not load.
 *
 * rt_sigreturn restores the registers of the interrupted context, syscall
 * number included (orig_ax becomes -1): its exit cannot tell what it was. Its
 * own syscall trace event (or sys_enter) marks the thread on the way in, and
 * the exit takes the number from the mark. It has no arguments to keep.
 * Likewise accept, accept4, getsockname, getpeername and recvfrom mark the
 * size of the caller's address buffer, which the kernel overwrites with the
 * address's length: the exit reads no more of the buffer than was the caller's.
 *
 * A new task is decided at its fork (sched.bpf.h), so its return from clone
 * is reported. A task older than tracee is first seen at a syscall's exit (or
 * by another probe); the syscall it returns from began before its decision - a
 * followed command's wait for its release, say - and is not reported; nor is
 * one during which the decision changed.
 *
 * sys_enter and sys_exit (event ids EVENT_SYS_ENTER/EXIT) are one record per
 * syscall of a traced thread, whatever syscall events are selected: the
 * syscall number as their argument, the return value in sys_exit's header. */
#ifndef TRACEE_SYSCALLS_BPF_H
#define TRACEE_SYSCALLS_BPF_H

#include "args.h"
#include "capture.bpf.h"
#include "exec.bpf.h"
#include "filter.h"

/* One argument per round (loop__run): the body is verified once, where an
 * unrolled loop had the verifier follow every kind of every argument (60 ms
 * per program that stores arguments). Its state is the scratch buffer's
 * cursor; it finds the event's config itself. */
LOOP_BODY(syscall__store_arg)
{
	struct scratch *s = scratch__get();
	const struct event_config *cfg;
	struct loop_cursor *c;

	if (!s)
		return 1;
	c = &s->cursor;
	cfg = event__selected(c->nr);
	if (!cfg || i >= 6 || i >= cfg->argnum)
		return 1;
	c->off = store__syscall_arg(s, c->off, cfg->kinds[i], c->args[i], i < 5 ? c->args[i + 1] : 0,
				    cfg->kinds[i + 1], c->sockaddr_room);
	((struct event_header *)s->buf)->argnum++;
	return 0;
}

/* The record of syscall nr with its arguments, each read as the event table
 * says, into the scratch buffer. */
static __always_inline void syscall__emit(void *ctx, struct task_info *ti,
					  const struct event_config *cfg, __u32 nr,
					  const __u64 *args, __s64 ret)
{
	struct scratch *s = scratch__get();

	if (!s)
		return;
	record__init(s, ti, nr, ret);
	s->cursor.sockaddr_room = ti->sockaddr_room;
	s->cursor.nr = nr;
	s->cursor.off = sizeof(struct event_header);
	__builtin_memcpy(s->cursor.args, args, sizeof(s->cursor.args));
	loop__run(syscall__store_arg, cfg->argnum, 6);
	events__submit(ctx, s, s->cursor.off);
}

/* sys_enter / sys_exit: (int syscall), only when selected. */
static __always_inline void syscall__emit_raw(void *ctx, struct task_info *ti, __u32 event,
					      __s32 nr, __s64 ret)
{
	struct scratch *s;
	struct event_header *h;

	if (!event__selected(event) || !(s = scratch__get()))
		return;
	h = record__init(s, ti, event, ret);
	h->argnum = 1;
	events__submit(ctx, s, store__u32(s, sizeof(struct event_header), ARG_INT, (__u32)nr));
}

/* The traced thread's record of a syscall made at its entry (exit), or
 * what an exec's event will need (exec.bpf.h). */
static __always_inline void syscall__emit_at_entry(void *ctx, __u32 nr, const __u64 *args)
{
	const struct event_config *cfg = event__selected(nr);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_info *ti;
	struct scratch *s;

	if (!cfg)
		return;
	ti = filter__task_info((__u32)pid_tgid);
	if (!ti || !ti->traced)
		return;
	if (!exec__is_exec(nr))
		syscall__emit(ctx, ti, cfg, nr, args, 0);
	else if ((s = scratch__get()))
		exec__remember(s, (__u32)pid_tgid, nr, args);
}

#define SYSCALL_NR_RT_SIGRETURN 15

/* The argument holding the int* addrlen of a syscall whose address the
 * kernel fills in (accept, accept4, getsockname, getpeername, recvfrom); -1
 * for any other. */
static __always_inline int syscall__addrlen_arg(__u32 nr)
{
	switch (nr) {
	case 43: case 288: case 51: case 52:
		return 2;
	case 45:
		return 5;
	default:
		return -1;
	}
}

/* Such a syscall's entry: how much of the address buffer is the caller's,
 * for its exit (store__sockaddr). */
static __always_inline void syscall__mark_sockaddr_room(const void *addrlen)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_info *ti = bpf_map_lookup_elem(&task_info, &tid);
	__s32 len = -1;

	if (!ti || !ti->traced)
		return;
	if (addrlen && !bpf_probe_read_user(&len, sizeof(len), addrlen) && len >= 0)
		ti->sockaddr_room = (__u32)len + 1;
	else
		ti->sockaddr_room = 0;
}

/* Their syscall trace events: args[i] is the int* addrlen (reading past the
 * syscall's own arguments is refused). */
#define SOCKADDR_ENTRY_EVENT(name, i)						\
	SEC("tracepoint/syscalls/sys_enter_" #name)				\
	int tracee_entry_##name(struct syscall_enter_record *ctx)		\
	{									\
		syscall__mark_sockaddr_room((const void *)ctx->args[i]);	\
		return 0;							\
	}

/* rt_sigreturn's entry: mark the thread for its exit. */
static __always_inline void syscall__mark_sigreturn(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_info *ti = bpf_map_lookup_elem(&task_info, &tid);

	if (ti && ti->traced)
		ti->in_sigreturn = 1;
}

SEC("tracepoint/syscalls/sys_enter_rt_sigreturn")
int tracee_entry_rt_sigreturn(void *ctx)
{
	syscall__mark_sigreturn();
	return 0;
}

/* Runs at every syscall, so it is loaded only for the sys_enter event, or
 * for an event whose own trace event the kernel refused (exec, exit,
 * rt_sigreturn). */
SEC("raw_tracepoint/sys_enter")
int tracee_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 nr = (__u32)ctx->args[1];
	const struct event_config *cfg = event__selected(nr);
	__u64 pid_tgid = bpf_get_current_pid_tgid(), args[6];
	struct task_info *ti;

	if (cfg && cfg->entry_sys_enter) {
		syscall__read_regs(args, (struct pt_regs *)ctx->args[0]);
		syscall__emit_at_entry(ctx, nr, args);
	}
	if (cfg && nr == SYSCALL_NR_RT_SIGRETURN)
		syscall__mark_sigreturn();
	if (cfg && syscall__addrlen_arg(nr) >= 0) {
		syscall__read_regs(args, (struct pt_regs *)ctx->args[0]);
		syscall__mark_sockaddr_room((const void *)(nr == 45 ? args[5] : args[2]));
	}
	if (!event__selected(EVENT_SYS_ENTER))
		return 0;
	ti = filter__task_info((__u32)pid_tgid);
	if (ti && ti->traced)
		syscall__emit_raw(ctx, ti, EVENT_SYS_ENTER, (__s32)nr, 0);
	return 0;
}

/* A syscalls:sys_enter_NAME record: the common trace_entry header, the
 * syscall number, then one slot per argument the syscall takes - no more:
 * the kernel refuses a program that reads past the record. */
struct syscall_enter_record {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__u64 args[6];
};

/* exec and exit at their entry, from their own syscall trace events: the
 * kernel runs these programs for those syscalls alone. */
#define SYSCALL_ENTRY_EVENT(name, nargs)					\
	SEC("tracepoint/syscalls/sys_enter_" #name)				\
	int tracee_entry_##name(struct syscall_enter_record *ctx)		\
	{									\
		__u64 args[6] = {};						\
										\
		__builtin_memcpy(args, ctx->args, (nargs) * sizeof(__u64));	\
		syscall__emit_at_entry(ctx, (__u32)ctx->nr, args);			\
		return 0;							\
	}

SOCKADDR_ENTRY_EVENT(accept, 2)
SOCKADDR_ENTRY_EVENT(accept4, 2)
SOCKADDR_ENTRY_EVENT(getsockname, 2)
SOCKADDR_ENTRY_EVENT(getpeername, 2)
SOCKADDR_ENTRY_EVENT(recvfrom, 5)

SYSCALL_ENTRY_EVENT(execve, 3)
SYSCALL_ENTRY_EVENT(execveat, 5)
SYSCALL_ENTRY_EVENT(exit, 1)
SYSCALL_ENTRY_EVENT(exit_group, 1)

/* The thread's task_info when its syscall is to be reported; *nr and args
 * are read for it. A first sight or a changed decision reports nothing. */
static __always_inline struct task_info *syscall__exit_task(struct pt_regs *regs, __u32 *nr,
							    __u64 *args)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct task_info *ti = bpf_map_lookup_elem(&task_info, &tid);
	bool traced;

	if (!ti) {
		filter__task_info(tid);
		return NULL;
	}
	if (!ti->traced && !ti->recheck && !(filter_cfg.active & FILTER_SYSCALL_DYNAMIC))
		return NULL;
	*nr = syscall__read_regs(args, regs);
	if (ti->in_sigreturn) {
		ti->in_sigreturn = 0;
		if (*nr == (__u32)-1)
			*nr = SYSCALL_NR_RT_SIGRETURN;
	}
	if (ti->recheck || filter__changed_by(*nr)) {
		traced = ti->traced;
		filter__decide(ti);
		if (!traced)
			return NULL;
	}
	return ti->traced ? ti : NULL;
}

/* The one program at every syscall's exit: events, then --capture's hook. */
SEC("raw_tracepoint/sys_exit")
int tracee_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__s64 ret = (__s64)ctx->args[1];
	const struct event_config *cfg;
	struct task_info *ti;
	__u64 args[6];
	__u32 nr;

	ti = syscall__exit_task((struct pt_regs *)ctx->args[0], &nr, args);
	if (!ti)
		return 0;
	if (event__selected(EVENT_SYS_EXIT))
		syscall__emit_raw(ctx, ti, EVENT_SYS_EXIT, (__s32)nr, ret);
	cfg = event__selected(nr);
	/* an exec comes back here only when it failed: its one event, with the
	 * arguments the kernel has faulted in by now */
	if (cfg && exec__is_exec(nr) && ret < 0)
		exec__forget((__u32)bpf_get_current_pid_tgid());
	if (cfg && (!cfg->at_entry || ret < 0))
		syscall__emit(ctx, ti, cfg, nr, args, ret);
	if (ti->sockaddr_room)
		ti->sockaddr_room = 0;  /* its entry's, used once */
	capture__sys_exit(ctx, ti, args, nr, ret);
	return 0;
}

#endif
