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
 *                       execve was given it (for an exec by descriptor, the
 *                       executed file's path), bprm->interp (differs for a
 *                       script: the interpreter run), and the new image's
 *                       argv read from its mm (arg_start..arg_end)
 *   sched_process_exit  (exit_code, process_group_exit): the wait(2) status
 *                       (exit(1) -> 256, SIGKILL -> 9), and 1 when the last
 *                       thread of the group exits
 *   cap_capable         (cap, syscall): every audited capability check of a
 *                       traced task (those made with CAP_OPT_NOAUDIT are left
 *                       out, as Tracee does); syscall is the one in progress
 *                       (-1: none)
 */
#ifndef TRACEE_SCHED_BPF_H
#define TRACEE_SCHED_BPF_H

#include "args.h"
#include "exec.bpf.h"
#include "filter.h"
#include "vfs.h"

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

/* A new task's trace decision, made at its fork: its first syscall exit
 * (its return from clone) is then reported like any other. */
static __always_inline void sched__decide_child(struct task_struct *child)
{
	struct task_info fresh = {};
	__u32 tid = READ_KERN(child->pid);

	filter__decide_child(&fresh, child);
	if (bpf_map_update_elem(&task_info, &tid, &fresh, BPF_NOEXIST) && !bpf_map_lookup_elem(&task_info, &tid))
		stats__inc(STAT_ERRORS);
}

/* Follow mode: a followed thread group's children are followed too; every
 * child is decided now (sched__decide_child). */
SEC("raw_tracepoint/sched_process_fork")
int tracee_sched_process_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx->args[0];
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	struct task_info *ti;
	__u32 ptgid, ctgid;
	__u8 one = 1;

	if (trace_mode == TRACE_PROCESS_FOLLOW) {
		ptgid = task__caller_tgid(parent);
		ctgid = task__caller_tgid(child);
		if (ctgid && ptgid != ctgid && filter__tgid_followed(ptgid))
			bpf_map_update_elem(&traced_tgids, &ctgid, &one, BPF_ANY);
	}
	sched__decide_child(child);
	if ((ti = sched__traced(EVENT_SCHED_PROCESS_FORK)))
		sched__emit_fork(ctx, ti, parent, child);
	return 0;
}

/* Is name the kernel's "/dev/fd/N..." of an exec by descriptor (execveat,
 * fexecve)? Such a name says nothing of the file. */
static __always_inline bool sched__fd_name(const char *name)
{
	char head[8];

	return !bpf_probe_read_kernel(head, sizeof(head), name) &&
	       !__builtin_memcmp(head, "/dev/fd/", sizeof(head));
}

/* The executed file's own path, as security_bprm_check reports it. */
static __always_inline __u32 sched__store_file_path(struct scratch *s, __u32 off,
						    struct linux_binprm *bprm)
{
	struct file *file = READ_KERN(bprm->file);

	return store__str(s, off, file ? vfs__path_str(vfs__file_path(file)) : NULL, false);
}

/* pathname: the name exec was given, or for an exec by descriptor the
 * executed file's path (a memfd's "memfd:NAME" rather than "/dev/fd/3");
 * interpreter: a script's interpreter, else the same as pathname. At this
 * point bprm->file is the file last loaded: a script's interpreter, so a
 * script run by descriptor keeps its "/dev/fd/N" name. */
static __always_inline void sched__emit_exec(void *ctx, struct task_info *ti, struct linux_binprm *bprm)
{
	struct scratch *s = scratch__get();
	struct mm_struct *mm = READ_KERN(task__current()->mm);
	const char *filename = READ_KERN(bprm->filename), *interp = READ_KERN(bprm->interp);
	bool by_fd = interp == filename && sched__fd_name(filename);
	__u32 off = sizeof(struct event_header);

	if (!s)
		return;
	record__init(s, ti, EVENT_SCHED_PROCESS_EXEC, 0);
	if (by_fd) {
		off = sched__store_file_path(s, off, bprm);
		off = sched__store_file_path(s, off, bprm);
	} else {
		off = store__str(s, off, filename, false);
		off = store__str(s, off, interp, false);
	}
	off = store__str_area(s, off, NULL, READ_KERN(mm->arg_start), READ_KERN(mm->arg_end));
	sched__submit(ctx, s, off, 3);
}

/* args: (task, old_pid, bprm). The caller's execve/execveat event first
 * (exec.bpf.h: made here when the call succeeded); then, as the task may be
 * in a new world (comm, credentials), the trace decision again. */
SEC("raw_tracepoint/sched_process_exec")
int tracee_sched_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
	struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
	__u32 old_tid = (__u32)ctx->args[1];
	__u64 id = bpf_get_current_pid_tgid();
	struct task_info *ti;

	barrier_var(old_tid);
	if (!(ti = filter__task_info((__u32)id)))
		return 0;
	exec__emit_done(ctx, ti, old_tid, bprm);
	filter__decide(ti);
	if (ti->traced && event__selected(EVENT_SCHED_PROCESS_EXEC))
		sched__emit_exec(ctx, ti, bprm);
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
	__u32 tid = (__u32)pid_tgid;
	struct task_struct *task = task__current();
	__u32 tgid = filter__current_tgid(task);
	struct signal_struct *signal = READ_KERN(task->signal);
	bool group_dead = READ_KERN(signal->live.counter) == 0;
	struct task_info *ti;

	if ((ti = sched__traced(EVENT_SCHED_PROCESS_EXIT)))
		sched__emit_exit(ctx, ti, task, group_dead);
	bpf_map_delete_elem(&task_info, &tid);
	exec__forget(tid);
	if (group_dead)
		bpf_map_delete_elem(&traced_tgids, &tgid);
	return 0;
}

/* Text ranges of cap_capable and of the kernel functions that check only
 * without audit (tracee.h); set before load where the tracepoint serves
 * cap_capable (lib/cap_noaudit.c). */
const volatile struct cap_noaudit_ranges cap_noaudit = {};

/* The kernel stack from here up: this program, the tracepoint's glue
 * (bpf_trace_run5 and the like, a frame more when several programs share
 * the tracepoint), cap_capable, then its callers. Six frames reach the
 * callers here; the helper costs the same for 16, which leaves room. */
#define CAP_STACK_FRAMES 16

/* ip is a return address: it lies just past its call, so it can be its
 * function's end (a call that is the last instruction) but never its start. */
static __always_inline bool cap__returns_into(__u64 ip, __u64 start, __u64 end)
{
	return ip > start && ip <= end;
}

static __always_inline bool cap__noaudit_caller(__u64 ip)
{
	for (__u32 i = 0; i < CAP_NOAUDIT_FUNCS; i++)
		if (i < cap_noaudit.n && cap__returns_into(ip, cap_noaudit.start[i], cap_noaudit.end[i]))
			return true;
	return false;
}

/* The tracepoint does not carry cap_capable's opts. A check was made with
 * CAP_OPT_NOAUDIT when cap_capable's caller (cap_vm_enough_memory's caller
 * where that is a tail call), or security_capable's caller above it, is one
 * of the functions that never audit: they call nothing else that checks a
 * capability, so no audited check can have them on its stack there. */
static __noinline bool cap__noaudit(void *ctx)
{
	__u64 ips[CAP_STACK_FRAMES];
	long len;

	if (!cap_noaudit.n)
		return false;
	len = bpf_get_stack(ctx, ips, sizeof(ips), 0);
	for (__u32 i = 0; i + 1 < CAP_STACK_FRAMES; i++) {
		if ((long)((i + 2) * sizeof(__u64)) > len)
			break;
		if (!cap__returns_into(ips[i], cap_noaudit.capable_start, cap_noaudit.capable_end))
			continue;
		if (cap__noaudit_caller(ips[i + 1]))
			return true;
		return i + 2 < CAP_STACK_FRAMES && (long)((i + 3) * sizeof(__u64)) <= len &&
		       cap__noaudit_caller(ips[i + 2]);
	}
	return false;
}

/* capability:cap_capable (cred, target_ns, capable_ns, cap, ret), on kernels
 * that have it; elsewhere the event comes from security.bpf.h's fentry or
 * kprobe (lib/events.c lists the probes), which read opts themselves. */
SEC("raw_tracepoint/cap_capable")
int tracee_cap_capable(struct bpf_raw_tracepoint_args *ctx)
{
	struct scratch *s;
	struct task_info *ti;
	struct pt_regs *regs;
	__u32 off = sizeof(struct event_header);

	if (!(ti = sched__traced(EVENT_CAP_CAPABLE)) || cap__noaudit(ctx) || !(s = scratch__get()))
		return 0;
	regs = task__pt_regs();
	record__init(s, ti, EVENT_CAP_CAPABLE, 0);
	off = store__u32(s, off, ARG_INT, (__u32)ctx->args[3]);
	off = store__u32(s, off, ARG_INT, (__u32)READ_KERN(regs->orig_ax));
	sched__submit(ctx, s, off, 2);
	return 0;
}

#endif
