/* syscalls.bpf.h - syscall events, the raw sys_enter/sys_exit events, and
 * the one program pair every other syscall hook runs in.
 *
 * One program runs at a syscall's exit, and one at its entry only when some
 * selected event needs an entry value. What they do for syscall nr is
 * syscall_hooks[nr] (tracee.h), read before anything else: a syscall nobody
 * asked for costs that read and no map lookup. The hooks are this file's
 * events, --capture's (capture.bpf.h) and the security events' syscall
 * fallbacks (security.bpf.h, security_ext.bpf.h).
 *
 * A syscall event is made at sys_exit, with the return value, from the
 * registers the task entered with (kern_read.h: they still hold the
 * arguments there).
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
 * is reported. A task older than tracee is decided where it is first seen
 * (syscall__exit_task says which of its syscalls that reports); one during
 * which the decision changed is not reported.
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
#include "security_ext.bpf.h"

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
	if (cfg->argnum)
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
static __always_inline void syscall__entry_event(void *ctx, struct task_info *ti, __u32 nr, const __u64 *args)
{
	const struct event_config *cfg = event__selected(nr);
	struct scratch *s;

	if (!cfg)
		return;
	if (!exec__is_exec(nr))
		syscall__emit(ctx, ti, cfg, nr, args, 0);
	else if ((s = scratch__get()))
		exec__remember(s, (__u32)bpf_get_current_pid_tgid(), nr, args);
}

/* The same from a syscall's own trace event, which runs for every task. */
static __always_inline void syscall__emit_at_entry(void *ctx, __u32 nr, const __u64 *args)
{
	struct task_info *ti;

	if (!event__selected(nr))
		return;
	ti = filter__task_info((__u32)bpf_get_current_pid_tgid());
	if (ti && ti->traced)
		syscall__entry_event(ctx, ti, nr, args);
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
static __always_inline void syscall__mark_sockaddr_room(struct task_info *ti, const void *addrlen)
{
	__s32 len = -1;

	if (addrlen && !bpf_probe_read_user(&len, sizeof(len), addrlen) && len >= 0)
		ti->sockaddr_room = (__u32)len + 1;
	else
		ti->sockaddr_room = 0;
}

/* The traced thread's task_info, for a syscall's own trace event. */
static __always_inline struct task_info *syscall__traced_thread(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_info *ti = bpf_map_lookup_elem(&task_info, &tid);

	return ti && ti->traced ? ti : NULL;
}

/* Their syscall trace events: args[i] is the int* addrlen (reading past the
 * syscall's own arguments is refused). */
#define SOCKADDR_ENTRY_EVENT(name, i)						\
	SEC("tracepoint/syscalls/sys_enter_" #name)				\
	int tracee_entry_##name(struct syscall_enter_record *ctx)		\
	{									\
		struct task_info *ti = syscall__traced_thread();		\
										\
		if (ti)								\
			syscall__mark_sockaddr_room(ti, (const void *)ctx->args[i]); \
		return 0;							\
	}

/* rt_sigreturn's entry: mark the thread for its exit. */
SEC("tracepoint/syscalls/sys_enter_rt_sigreturn")
int tracee_entry_rt_sigreturn(void *ctx)
{
	struct task_info *ti = syscall__traced_thread();

	if (ti)
		ti->in_sigreturn = 1;
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

/* The pair's programs attach as tp_btf where the object is built from BTF
 * and records go to the ring buffer: the tracepoint's registers are then a
 * typed pointer, read with plain loads rather than a helper call at every
 * syscall. Elsewhere they are raw tracepoints (and a perf buffer is written
 * through the program's context, which a global function can take as an
 * argument only there). */
#if defined(TRACEE_CORE) && TRACEE_FEAT_RINGBUF
#define SYSCALL_TP_BTF 1
#define SYSCALL_SEC(tp) SEC("tp_btf/" tp)
#else
#define SYSCALL_TP_BTF 0
#define SYSCALL_SEC(tp) SEC("raw_tracepoint/" tp)
#endif

/* The syscall number, from the registers the tracepoint passes. */
static __always_inline __u32 syscall__nr(struct bpf_raw_tracepoint_args *ctx)
{
#if SYSCALL_TP_BTF
	return (__u32)((struct pt_regs *)ctx->args[0])->orig_ax;
#else
	return syscall__read_nr((struct pt_regs *)ctx->args[0]);
#endif
}

/* The six arguments into args. */
static __always_inline void syscall__args(struct bpf_raw_tracepoint_args *ctx, __u64 args[6])
{
#if SYSCALL_TP_BTF
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];

	args[0] = regs->di;
	args[1] = regs->si;
	args[2] = regs->dx;
	args[3] = regs->r10;
	args[4] = regs->r8;
	args[5] = regs->r9;
#else
	syscall__read_regs(args, (struct pt_regs *)ctx->args[0]);
#endif
}

/* The hooks of other files, each a global function: the verifier checks it
 * once, on its own, rather than once per combination of the hooks before
 * it, which exceeds its budget. So each finds the thread's task_info and
 * the syscall's arguments again (a global function takes no pointer but
 * its context on older kernels, and none at all in a tp_btf program); they
 * run only for the syscalls they watch. hook__run(name, ctx, ...) calls one. */
#if SYSCALL_TP_BTF
#define SYSCALL_HOOK_PARAMS __u32 nr, __s64 ret, __u32 events
#define SYSCALL_HOOK_CTX NULL
#define SYSCALL_HOOK_KEEP_CTX
#define hook__run(name, ctx, nr, ret, events) name((nr), (ret), (events))
#else
#define SYSCALL_HOOK_PARAMS struct bpf_raw_tracepoint_args *ctx, __u32 nr, __s64 ret, __u32 events
#define SYSCALL_HOOK_CTX ctx
#define SYSCALL_HOOK_KEEP_CTX barrier_var(ctx);
#define hook__run(name, ctx, nr, ret, events) name((ctx), (nr), (ret), (events))
#endif
#define SYSCALL_HOOK(name)								\
	static __always_inline int name##__body(void *ctx, __u32 nr, __s64 ret, __u32 events); \
	__noinline int name(SYSCALL_HOOK_PARAMS)					\
	{										\
		/* kept live: the compiler passes garbage for an argument the	\
		 * body ignores, and the verifier checks every one */		\
		barrier_var(nr);							\
		barrier_var(ret);							\
		barrier_var(events);							\
		SYSCALL_HOOK_KEEP_CTX							\
		return name##__body(SYSCALL_HOOK_CTX, nr, ret, events);		\
	}										\
	static __always_inline int name##__body(void *ctx, __u32 nr, __s64 ret, __u32 events)

/* The current thread's task_info, which its caller found traced. */
static __always_inline struct task_info *syscall__hook_task(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	return bpf_map_lookup_elem(&task_info, &tid);
}

/* A hook for the traced thread: with its task_info ti and the syscall's
 * arguments args, it runs call. */
#define SYSCALL_THREAD_HOOK(name, call)						\
	SYSCALL_HOOK(name)							\
	{									\
		struct task_info *ti = syscall__hook_task();			\
		__u64 args[6];							\
										\
		if (!ti)							\
			return 0;						\
		syscall__read_regs(args, task__pt_regs());			\
		call;								\
		return 0;							\
	}

SYSCALL_THREAD_HOOK(hook__security_enter, sec__sys_enter(ctx, ti, nr, args, events))
/* Two hooks at exit, each within the verifier's budget: both resolve paths. */
SYSCALL_THREAD_HOOK(hook__security_exit, sec__sys_exit(ctx, ti, nr, args, ret, events))
SYSCALL_THREAD_HOOK(hook__security_ext_exit, ext__sys_exit(ctx, ti, nr, args, ret, events))
SYSCALL_THREAD_HOOK(hook__capture_exit, capture__sys_exit(ctx, ti, args, nr, ret))

SYSCALL_HOOK(hook__capture_enter)
{
	__u64 args[6];

	syscall__read_regs(args, task__pt_regs());
	capture__sys_enter(args);
	return 0;
}

/* The hooks of syscall nr (tracee.h), 0 for a number past the table. At
 * exit rt_sigreturn's number reads as -1 (orig_ax of the restored
 * registers): it has rt_sigreturn's hooks, and syscall__exit_task tells. */
static __always_inline __u32 syscall__hooks_index(__u32 nr)
{
	if (nr == (__u32)-1)
		return SYSCALL_NR_RT_SIGRETURN;
	return nr < TRACEE_NR_SYSCALLS ? nr : TRACEE_NR_SYSCALLS;
}

/* The one program at every syscall's entry, loaded only when some syscall
 * has an entry hook: events made at entry where their own trace event did
 * not load, the marks their exits need, --capture mem's mprotect, the
 * security fallbacks that act at entry, and the sys_enter event. */
SYSCALL_SEC("sys_enter")
int tracee_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 nr = (__u32)ctx->args[1], hooks, sec;
	struct task_info *ti;
	__u64 args[6];
	int addrlen;

	if (nr >= TRACEE_NR_SYSCALLS)
		return 0;
	hooks = syscall_hooks[nr].enter;
	sec = syscall_hooks[nr].sec_enter;
	if (!hooks && !sec)
		return 0;
	ti = filter__task_info((__u32)bpf_get_current_pid_tgid());
	if (!ti || !ti->traced)
		return 0;
	syscall__args(ctx, args);
	if (hooks & SYSCALL_HOOK_EVENT)
		syscall__entry_event(ctx, ti, nr, args);
	if (hooks & SYSCALL_HOOK_SIGRETURN)
		ti->in_sigreturn = 1;
	if ((hooks & SYSCALL_HOOK_SOCKADDR) && (addrlen = syscall__addrlen_arg(nr)) >= 0)
		syscall__mark_sockaddr_room(ti, (const void *)args[addrlen & 7]);
	if (hooks & SYSCALL_HOOK_CAPTURE)
		hook__run(hook__capture_enter, ctx, nr, 0, 0);
	if (sec)
		hook__run(hook__security_enter, ctx, nr, 0, sec);
	if (hooks & SYSCALL_HOOK_RAW)
		syscall__emit_raw(ctx, ti, EVENT_SYS_ENTER, (__s32)nr, 0);
	return 0;
}

/* The thread's task_info when its syscall is to be reported. A first sight
 * decides the thread; in follow mode it reports nothing (the followed
 * command's first sight is its wait for tracee's release, which began
 * before). Nor is a syscall reported during which the decision changed
 * (a rename, a uid or namespace the filter looks at). */
static __always_inline struct task_info *syscall__exit_task(__u32 *nr, __u32 hooks)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_info *ti = bpf_map_lookup_elem(&task_info, &tid);
	bool traced;

	if (!ti) {
		ti = filter__task_info(tid);
		return ti && ti->traced && trace_mode != TRACE_PROCESS_FOLLOW ? ti : NULL;
	}
	if (!ti->traced && !ti->recheck && !(filter_cfg.active & FILTER_SYSCALL_DYNAMIC))
		return NULL;
	if (ti->in_sigreturn) {
		ti->in_sigreturn = 0;
		if (*nr == (__u32)-1)
			*nr = SYSCALL_NR_RT_SIGRETURN;
	}
	if (ti->recheck || (hooks & SYSCALL_HOOK_FILTER)) {
		traced = ti->traced;
		filter__decide(ti);
		if (!traced)
			return NULL;
	}
	return ti->traced ? ti : NULL;
}

/* The one program at every syscall's exit: what syscall_hooks[] says this
 * syscall needs - its event, the sys_exit event, --capture, the security
 * fallbacks - for a traced thread. */
SYSCALL_SEC("sys_exit")
int tracee_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__s64 ret = (__s64)ctx->args[1];
	const struct event_config *cfg;
	__u32 nr, h, hooks, sec;
	struct task_info *ti;
	__u64 args[6];

	nr = syscall__nr(ctx);
	h = syscall__hooks_index(nr);
	if (h >= TRACEE_NR_SYSCALLS)
		return 0;
	hooks = syscall_hooks[h].exit;
	sec = syscall_hooks[h].sec_exit;
	if (!hooks && !sec)
		return 0;
	if (!(ti = syscall__exit_task(&nr, hooks)))
		return 0;
	if (hooks & SYSCALL_HOOK_UID)
		ti->uid = (__u32)bpf_get_current_uid_gid();
	syscall__args(ctx, args);
	if (hooks & SYSCALL_HOOK_RAW)
		syscall__emit_raw(ctx, ti, EVENT_SYS_EXIT, (__s32)nr, ret);
	if ((hooks & SYSCALL_HOOK_EVENT) && (cfg = event__selected(nr))) {
		/* an exec comes back here only when it failed: its one event,
		 * with the arguments the kernel has faulted in by now */
		if (exec__is_exec(nr) && ret < 0)
			exec__forget((__u32)bpf_get_current_pid_tgid());
		if (!cfg->at_entry || ret < 0)
			syscall__emit(ctx, ti, cfg, nr, args, ret);
	}
	if (ti->sockaddr_room)
		ti->sockaddr_room = 0;  /* its entry's, used once */
	if (hooks & SYSCALL_HOOK_CAPTURE)
		hook__run(hook__capture_exit, ctx, nr, ret, 0);
	if (sec & SEC_EXIT_EVENTS)
		hook__run(hook__security_exit, ctx, nr, ret, sec);
	else if (sec)
		hook__run(hook__security_ext_exit, ctx, nr, ret, sec);
	return 0;
}

#endif
