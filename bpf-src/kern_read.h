/* kern_read.h - reading kernel memory in either build mode.
 *
 * The object is built from BTF (TRACEE_CORE: vmlinux.h, CO-RE relocations)
 * or from the kernel's own headers (no CO-RE, offsets fixed at build time).
 * READ_KERN(expr) reads one field the right way in both, so the rest of the
 * program is written once. The task__* helpers extract what an event header
 * needs from a task_struct.
 *
 * READ_KERN's temporary is of the field's type without its qualifiers: a
 * field read through a const pointer (a struct cred) would otherwise land in
 * a const local, which the compiler may assume still holds its initial 0
 * after the helper wrote it. */
#ifndef TRACEE_KERN_READ_H
#define TRACEE_KERN_READ_H

#ifdef TRACEE_CORE
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#define READ_KERN(expr) ({ __typeof_unqual__(expr) __v = 0; \
	bpf_core_read(&__v, sizeof(__v), &(expr)); __v; })
/* size bytes of the kernel object obj (an array field, say) into dst. */
#define READ_KERN_INTO(dst, size, obj) bpf_core_read((dst), (size), &(obj))
/* The same for a string, up to its NUL. */
#define READ_KERN_STR_INTO(dst, size, obj) bpf_core_read_str((dst), (size), &(obj))
#else
#include <linux/types.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/mount.h>
#include <linux/utsname.h>
#include <linux/binfmts.h>
#include <linux/ptrace.h>
#include <linux/fs.h>
#include <uapi/linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#define READ_KERN(expr) ({ __typeof_unqual__(expr) __v = 0; \
	bpf_probe_read_kernel(&__v, sizeof(__v), &(expr)); __v; })
#define READ_KERN_INTO(dst, size, obj) bpf_probe_read_kernel((dst), (size), &(obj))
#define READ_KERN_STR_INTO(dst, size, obj) bpf_probe_read_kernel_str((dst), (size), &(obj))
/* The kernel's compiler_attributes.h makes noinline a macro, which breaks
 * libbpf's __noinline (__attribute__((noinline))); spell it the safe way. */
#undef __noinline
#define __noinline __attribute__((__noinline__))
/* mnt_namespace is private to fs/; its ns member comes first. */
struct mnt_namespace { struct ns_common ns; };
#endif

#include "tracee.h"

static __always_inline struct task_struct *task__current(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

/* The task's pid number as its own pid namespace sees it. */
static __always_inline __u32 task__ns_pid(struct task_struct *task)
{
	struct pid *pid = READ_KERN(task->thread_pid);
	unsigned int level = READ_KERN(pid->level);

	return READ_KERN(pid->numbers[level].nr);
}

static __always_inline __u32 task__pid_ns_inum(struct task_struct *task)
{
	struct pid *pid = READ_KERN(task->thread_pid);
	unsigned int level = READ_KERN(pid->level);
	struct pid_namespace *ns = READ_KERN(pid->numbers[level].ns);

	return READ_KERN(ns->ns.inum);
}

static __always_inline __u32 task__mnt_ns_inum(struct task_struct *task)
{
	struct nsproxy *nsp = READ_KERN(task->nsproxy);
	struct mnt_namespace *mnt = READ_KERN(nsp->mnt_ns);

	return READ_KERN(mnt->ns.inum);
}

static __always_inline void task__uts_name(struct task_struct *task, char *dst, __u32 len)
{
	struct nsproxy *nsp = READ_KERN(task->nsproxy);
	struct uts_namespace *uts = READ_KERN(nsp->uts_ns);

	bpf_probe_read_kernel_str(dst, len, &uts->name.nodename);
}

/* A syscall's registers as x86_64 struct pt_regs keeps them: r10, r9, r8,
 * ax, cx, dx, si, di, orig_ax in a row (the ptrace ABI), so one read gets the
 * six arguments and the syscall number. They still hold the arguments at the
 * syscall's exit: the kernel only writes ax (the return value) before
 * sys_exit, except for an exec that succeeded or a sigreturn. */
struct syscall_regs { __u64 r10, r9, r8, ax, cx, dx, si, di, orig_ax; };

/* The six arguments into args; returns the syscall number. */
static __always_inline __u32 syscall__read_regs(__u64 args[6], struct pt_regs *regs)
{
	struct syscall_regs r;

	if (bpf_probe_read_kernel(&r, sizeof(r), &regs->r10))
		__builtin_memset(&r, 0xff, sizeof(r));
	args[0] = r.di;
	args[1] = r.si;
	args[2] = r.dx;
	args[3] = r.r10;
	args[4] = r.r8;
	args[5] = r.r9;
	return (__u32)r.orig_ax;
}

/* The syscall number alone: what decides whether anything else is read (a
 * copy of 8 bytes costs less than one of the 72 above). */
static __always_inline __u32 syscall__read_nr(struct pt_regs *regs)
{
	__u64 nr;

	if (bpf_probe_read_kernel(&nr, sizeof(nr), &regs->orig_ax))
		return (__u32)-1;
	return (__u32)nr;
}

/* The task's real uid, as the host numbers it. */
static __always_inline __u32 task__uid(struct task_struct *task)
{
	const struct cred *cred = READ_KERN(task->cred);

	return READ_KERN(cred->uid.val);
}

/* Thread-group start: what process:new compares against tracee's start. */
static __always_inline __u64 task__group_start_time(struct task_struct *task)
{
	struct task_struct *leader = READ_KERN(task->group_leader);

	return READ_KERN(leader->start_time);
}

#endif
