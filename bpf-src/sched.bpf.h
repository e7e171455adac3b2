/* sched.bpf.h - process life-cycle events from the sched tracepoints, and
 * cap_capable from the capability tracepoint where the kernel has one.
 *
 * Besides their events, fork keeps the follow set current, exec decides
 * again whether the new image is traced (and refreshes its context), exit
 * forgets the task. Each event is built only when selected.
 *
 *   sched_process_fork  (parent_tid, parent_ns_tid, parent_pid, parent_ns_pid,
 *                        child_tid, child_ns_tid, child_pid, child_ns_pid):
 *                       emitted by the parent; tids and pids as the host
 *                       sees them, *_ns_* in the task's own pid namespace
 *   sched_process_exec  (pathname, interpreter, argv): bprm->filename as
 *                       execve was given it, bprm->interp (differs for a
 *                       script: the interpreter run), and the new image's
 *                       argv read from its mm (arg_start..arg_end)
 *   sched_process_exit  (exit_code, process_group_exit): the wait(2) status
 *                       (exit(1) -> 256, SIGKILL -> 9), and 1 when the last
 *                       thread of the group exits
 *   cap_capable         (cap, syscall): every capability check of a traced
 *                       task; syscall is the one in progress (-1: none)
 */
#ifndef TRACEE_SCHED_BPF_H
#define TRACEE_SCHED_BPF_H

#include "args.h"
#include "filter.h"

/* The current thread's context when it is traced and the event selected. */
static __always_inline struct task_info *sched__traced(__u32 event)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_info *ti;

	if (!event__selected(event))
		return NULL;
	ti = filter__task_info((__u32)id);
	return ti && ti->traced ? ti : NULL;
}

/* A NUL-separated string area of user memory (a new image's argv, from
 * mm->arg_start to arg_end) stored as ARG_STR_ARRAY, cut as argv is. */
static __always_inline __u32 store__str_area(struct scratch *s, __u32 off, __u64 start, __u64 end)
{
	__u32 at = off__bound(off), count = 0, len;
	bool cut = false;
	long n;
	int i;

	if (at > ARGS_ROOM || !start || end <= start)
		return store__none(s, at);
	off = at + 5;
	for (i = 0; i < TRACEE_ARGV_MAX && start < end; i++) {
		if (off > ARGS_ROOM) {
			cut = true;
			break;
		}
		off = off__bound(off);
		n = bpf_probe_read_user_str(&s->buf[off + 4], TRACEE_STR_MAX, (const void *)start);
		if (n <= 0)
			break;
		len = (n - 1) & STR_MASK;
		__builtin_memcpy(&s->buf[off], &len, sizeof(len));
		off += 4 + len;
		start += n;
		count++;
	}
	if (i == TRACEE_ARGV_MAX && start < end)
		cut = true;
	if (cut) {
		len = 3;
		off = off__bound(off);
		__builtin_memcpy(&s->buf[off], &len, sizeof(len));
		__builtin_memcpy(&s->buf[off + 4], "...", 3);
		off += 7;
		count++;
	}
	s->buf[at] = ARG_STR_ARRAY;
	__builtin_memcpy(&s->buf[at + 1], &count, sizeof(count));
	return off;
}

static __always_inline void sched__submit(void *ctx, struct scratch *s, __u32 off, __u16 argnum)
{
	((struct event_header *)s->buf)->argnum = argnum;
	events__submit(ctx, s, off);
}

static __always_inline void sched__emit_fork(void *ctx, struct task_info *ti, struct task_struct *parent,
					     struct task_struct *child)
{
	struct scratch *s = scratch__get();
	__u32 off = sizeof(struct event_header);

	if (!s)
		return;
	record__init(s, ti, EVENT_SCHED_PROCESS_FORK, 0);
	off = store__u32(s, off, ARG_INT, READ_KERN(parent->pid));
	off = store__u32(s, off, ARG_INT, task__ns_pid(parent));
	off = store__u32(s, off, ARG_INT, READ_KERN(parent->tgid));
	off = store__u32(s, off, ARG_INT, task__ns_pid(READ_KERN(parent->group_leader)));
	off = store__u32(s, off, ARG_INT, READ_KERN(child->pid));
	off = store__u32(s, off, ARG_INT, task__ns_pid(child));
	off = store__u32(s, off, ARG_INT, READ_KERN(child->tgid));
	off = store__u32(s, off, ARG_INT, task__ns_pid(READ_KERN(child->group_leader)));
	sched__submit(ctx, s, off, 8);
}

/* Follow mode: a followed thread group's children are followed too. */
SEC("raw_tracepoint/sched_process_fork")
int tracee_sched_process_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx->args[0];
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	__u32 ptgid = READ_KERN(parent->tgid), ctgid = READ_KERN(child->tgid);
	struct task_info *ti;
	__u8 one = 1;

	if (trace_mode == TRACE_PROCESS_FOLLOW && ptgid != ctgid && filter__tgid_followed(ptgid))
		bpf_map_update_elem(&traced_tgids, &ctgid, &one, BPF_ANY);
	if ((ti = sched__traced(EVENT_SCHED_PROCESS_FORK)))
		sched__emit_fork(ctx, ti, parent, child);
	return 0;
}

static __always_inline void sched__emit_exec(void *ctx, struct task_info *ti, struct linux_binprm *bprm)
{
	struct scratch *s = scratch__get();
	struct mm_struct *mm = READ_KERN(task__current()->mm);
	__u32 off = sizeof(struct event_header);

	if (!s)
		return;
	record__init(s, ti, EVENT_SCHED_PROCESS_EXEC, 0);
	off = store__str(s, off, READ_KERN(bprm->filename), false);
	off = store__str(s, off, READ_KERN(bprm->interp), false);
	off = store__str_area(s, off, READ_KERN(mm->arg_start), READ_KERN(mm->arg_end));
	sched__submit(ctx, s, off, 3);
}

/* After exec the task may be in a new world (comm, credentials); decide again. */
SEC("raw_tracepoint/sched_process_exec")
int tracee_sched_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_info *ti = filter__task_info((__u32)id);

	if (!ti)
		return 0;
	filter__decide(ti);
	if (ti->traced && event__selected(EVENT_SCHED_PROCESS_EXEC))
		sched__emit_exec(ctx, ti, (struct linux_binprm *)ctx->args[2]);
	return 0;
}

static __always_inline void sched__emit_exit(void *ctx, struct task_info *ti, struct task_struct *task,
					     bool group_dead)
{
	struct scratch *s = scratch__get();
	__u32 off = sizeof(struct event_header);

	if (!s)
		return;
	record__init(s, ti, EVENT_SCHED_PROCESS_EXIT, 0);
	off = store__u64(s, off, ARG_LONG, (__s64)READ_KERN(task->exit_code));
	off = store__u32(s, off, ARG_INT, group_dead);
	sched__submit(ctx, s, off, 2);
}

SEC("raw_tracepoint/sched_process_exit")
int tracee_sched_process_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, tgid = pid_tgid >> 32;
	struct task_struct *task = task__current();
	struct signal_struct *signal = READ_KERN(task->signal);
	bool group_dead = READ_KERN(signal->live.counter) == 0;
	struct task_info *ti;

	if ((ti = sched__traced(EVENT_SCHED_PROCESS_EXIT)))
		sched__emit_exit(ctx, ti, task, group_dead);
	bpf_map_delete_elem(&task_info, &tid);
	if (group_dead)
		bpf_map_delete_elem(&traced_tgids, &tgid);
	return 0;
}

/* capability:cap_capable (cred, target_ns, capable_ns, cap, ret), on kernels
 * that have it; elsewhere the event comes from security.bpf.h's fentry or
 * kprobe (lib/events.c lists the probes). */
SEC("raw_tracepoint/cap_capable")
int tracee_cap_capable(struct bpf_raw_tracepoint_args *ctx)
{
	struct scratch *s;
	struct task_info *ti;
	struct pt_regs *regs;
	__u32 off = sizeof(struct event_header);

	if (!(ti = sched__traced(EVENT_CAP_CAPABLE)) || !(s = scratch__get()))
		return 0;
	regs = task__pt_regs();
	record__init(s, ti, EVENT_CAP_CAPABLE, 0);
	off = store__u32(s, off, ARG_INT, (__u32)ctx->args[3]);
	off = store__u32(s, off, ARG_INT, (__u32)READ_KERN(regs->orig_ax));
	sched__submit(ctx, s, off, 2);
	return 0;
}

#endif
