/* compat.bpf.h - one spelling for what kernels offer in different ways.
 *
 * tracee compiles this object where the kernel is (buildpolicy/features.c
 * decides, from the running kernel or from the target's headers), so every
 * choice here is made before compiling: TRACEE_FEAT_<NAME> is 1 when the
 * kernel has the feature and 0 when it has not, and the code for a missing
 * feature is never compiled - an older verifier refuses a helper it does not
 * know even on a path that is never taken.
 *
 *   feature       first kernel  without it
 *   RINGBUF       5.8           per-CPU perf buffers (submit.h, lib/perfbuf.c)
 *   BPF_LOOP      5.17          a bounded loop calling a global function, which
 *                               the verifier checks once, on its own (5.6+)
 *   FIND_VMA      5.17          a walk of the task's VMA tree: the maple tree
 *                               (TRACEE_VMA_MAPLE, 6.1+) or the rbtree before it
 *   TASK_PT_REGS  5.15          the registers at the top of the task's stack
 *   BOOT_NS       5.8           the monotonic clock plus the boot offset user
 *                               space measured at load (clock_offset_ns)
 *
 * Older kernels are more rows of this table, not another program. */
#ifndef TRACEE_COMPAT_BPF_H
#define TRACEE_COMPAT_BPF_H

#include "kern_read.h"

#if !defined(TRACEE_FEAT_RINGBUF) || !defined(TRACEE_FEAT_BPF_LOOP) ||                    \
	!defined(TRACEE_FEAT_FIND_VMA) || !defined(TRACEE_FEAT_TASK_PT_REGS) ||            \
	!defined(TRACEE_FEAT_BOOT_NS) || !defined(TRACEE_VMA_MAPLE)
#error "compiled without the kernel feature decisions (buildpolicy/features.c passes them)"
#endif

/* --- the clock ------------------------------------------------------------------ */

/* CLOCK_BOOTTIME - CLOCK_MONOTONIC when tracing began (monotonic builds). */
const volatile __u64 clock_offset_ns = 0;

static __always_inline __u64 clock__now(void)
{
#if TRACEE_FEAT_BOOT_NS
	return bpf_ktime_get_boot_ns();
#else
	return bpf_ktime_get_ns() + clock_offset_ns;
#endif
}

/* --- loops ---------------------------------------------------------------------- */

/* LOOP_BODY(name) defines a loop body that sees the round number as `i`,
 * run by loop__run(name, rounds, max_rounds): with bpf_loop the verifier
 * checks the body once as a callback; without it, the body is a global
 * function, also checked once, and each round costs the loop a call.
 * Either way a body keeps its state in maps, not on the caller's stack. */
#if TRACEE_FEAT_BPF_LOOP
#define LOOP_BODY(name) static long name(__u64 i, void *loop__unused)
#define loop__run(name, rounds, max_rounds) bpf_loop((rounds), name, NULL, 0)
#else
/* The round number is kept live: a body that ignores it would let the
 * compiler pass garbage, and the verifier checks a global function's
 * arguments at every call. */
#define LOOP_BODY(name)									\
	static __always_inline long name##__round(__u64 i);				\
	__noinline long name(__u64 i)							\
	{										\
		barrier_var(i);								\
		return name##__round(i);						\
	}										\
	static __always_inline long name##__round(__u64 i)
#define loop__run(name, rounds, max_rounds)						\
	({ for (__u32 __i = 0; __i < (max_rounds) && __i < (rounds); __i++)		\
		if (name(__i)) break; })
#endif

/* LOOP_BODY_CTX(name, type) also hands the body the program's context as
 * `ctx`, for a body that submits records: perf buffers are written through
 * it (the ring buffer needs none, and gets NULL). A global function takes it
 * as a typed argument; a bpf_loop callback finds it in loop__data. */
#if TRACEE_FEAT_RINGBUF
#define LOOP_BODY_CTX(name, type)							\
	static __always_inline long name##__body(__u64 i, type ctx);			\
	LOOP_BODY(name)									\
	{										\
		return name##__body(i, NULL);						\
	}										\
	static __always_inline long name##__body(__u64 i, type ctx)
#define loop__run_ctx(name, rounds, max_rounds, c) loop__run(name, rounds, max_rounds)
#elif TRACEE_FEAT_BPF_LOOP
struct loop__data {
	void *ctx;
};
#define LOOP_BODY_CTX(name, type)							\
	static __always_inline long name##__body(__u64 i, type ctx);			\
	static long name(__u64 i, void *data)						\
	{										\
		return name##__body(i, (type)((struct loop__data *)data)->ctx);	\
	}										\
	static __always_inline long name##__body(__u64 i, type ctx)
#define loop__run_ctx(name, rounds, max_rounds, c)					\
	({ struct loop__data __d = { .ctx = (c) }; bpf_loop((rounds), name, &__d, 0); })
#else
#define LOOP_BODY_CTX(name, type) __noinline long name(__u64 i, type ctx)
#define loop__run_ctx(name, rounds, max_rounds, c)					\
	({ for (__u32 __i = 0; __i < (max_rounds) && __i < (rounds); __i++)		\
		if (name(__i, (c))) break; })
#endif

/* --- the current task's registers -------------------------------------------------- */

#if !TRACEE_FEAT_TASK_PT_REGS
/* x86_64 keeps a task's user registers at the top of its kernel stack. */
#ifdef THREAD_SIZE
#define TASK__STACK_SIZE THREAD_SIZE
#else
#define TASK__STACK_SIZE TRACEE_THREAD_SIZE
#endif
#endif

static __always_inline struct pt_regs *task__pt_regs(void)
{
#if TRACEE_FEAT_TASK_PT_REGS
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
#else
	char *stack = READ_KERN(task__current()->stack);

	return stack ? (struct pt_regs *)(stack + TASK__STACK_SIZE) - 1 : NULL;
#endif
}

/* --- the mapping at an address ------------------------------------------------------ */

/* vm_flags of the current task's mapping that holds addr; false when none does. */
static __always_inline bool vma__flags_at(__u64 addr, __u64 *flags);

#if TRACEE_FEAT_FIND_VMA
struct vma__lookup {
	__u64 flags;
	bool found;
};

static long vma__lookup_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct vma__lookup *l = data;
	unsigned long *flags = (unsigned long *)&vma->vm_flags;

	l->flags = READ_KERN(*flags);
	l->found = true;
	return 0;
}

static __always_inline bool vma__flags_at(__u64 addr, __u64 *flags)
{
	struct vma__lookup l = { 0 };

	if (bpf_find_vma(bpf_get_current_task_btf(), addr, vma__lookup_cb, &l, 0) || !l.found)
		return false;
	*flags = l.flags;
	return true;
}
#else /* !TRACEE_FEAT_FIND_VMA */

#define VMA__TREE_DEPTH 8       /* maple tree levels; millions of VMAs need fewer */
#define VMA__RB_DEPTH   48      /* an rbtree of 2^24 VMAs is at most this deep */

#if TRACEE_VMA_MAPLE
/* The maple tree (6.1+) as lib/maple_tree.c lays it out: the root is a node
 * when its low bits are 0b10 and it is past the first page; a node pointer
 * carries the node's type in bits 3-6 (and the root marker in bit 1);
 * internal nodes hold such pointers to their children, leaves the VMAs.
 * Slot i covers addresses up to pivot[i]; a pivot of 0 past the first slot
 * means the node's data ended before it, and that slot runs to the node's end. */
#define MAPLE__NODE_MASK 255UL
#define MAPLE__RANGE64_SLOTS 16
#define MAPLE__ARANGE64_SLOTS 10
enum { MAPLE__RANGE_64 = 2, MAPLE__ARANGE_64 = 3 };

static __always_inline __u32 maple__pick(const unsigned long *pivot, __u32 npivots, __u64 addr)
{
	__u32 i;

	for (i = 0; i < MAPLE__RANGE64_SLOTS - 1; i++) {
		if (i >= npivots || pivot[i] >= addr || (i > 0 && pivot[i] == 0))
			break;
	}
	return i;
}

static __always_inline struct vm_area_struct *vma__find(struct mm_struct *mm, __u64 addr)
{
	unsigned long entry = (unsigned long)READ_KERN(mm->mm_mt.ma_root);
	unsigned long pivot[MAPLE__RANGE64_SLOTS - 1];

	if ((entry & 3) != 2 || entry <= 4096)
		return NULL;
	for (int depth = 0; depth < VMA__TREE_DEPTH; depth++) {
		struct maple_node *node = (struct maple_node *)(entry & ~MAPLE__NODE_MASK);
		__u32 type = (entry >> 3) & 0xf, i;

		if (entry <= 4096)
			return NULL;
		__builtin_memset(pivot, 0, sizeof(pivot));
		if (type == MAPLE__ARANGE_64) {
			READ_KERN_INTO(pivot, (MAPLE__ARANGE64_SLOTS - 1) * sizeof(long), node->ma64.pivot);
			i = maple__pick(pivot, MAPLE__ARANGE64_SLOTS - 1, addr);
			entry = (unsigned long)READ_KERN(node->ma64.slot[i & 15]);
			continue;
		}
		READ_KERN_INTO(pivot, sizeof(pivot), node->mr64.pivot);
		i = maple__pick(pivot, MAPLE__RANGE64_SLOTS - 1, addr);
		entry = (unsigned long)READ_KERN(node->mr64.slot[i & 15]);
		if (type < MAPLE__RANGE_64)     /* a leaf: the entry is the VMA */
			return (struct vm_area_struct *)entry;
	}
	return NULL;
}
#else
#ifdef TRACEE_CORE
#define vma__of_rb(n) \
	((struct vm_area_struct *)((char *)(n) - bpf_core_field_offset(struct vm_area_struct, vm_rb)))
#else
#define vma__of_rb(n) \
	((struct vm_area_struct *)((char *)(n) - __builtin_offsetof(struct vm_area_struct, vm_rb)))
#endif

/* Before 6.1: a binary search of the rbtree ordered by address. */
static __always_inline struct vm_area_struct *vma__find(struct mm_struct *mm, __u64 addr)
{
	struct rb_node *n = READ_KERN(mm->mm_rb.rb_node);

	for (int depth = 0; depth < VMA__RB_DEPTH && n; depth++) {
		struct vm_area_struct *vma = vma__of_rb(n);

		if (addr < READ_KERN(vma->vm_start))
			n = READ_KERN(n->rb_left);
		else if (addr >= READ_KERN(vma->vm_end))
			n = READ_KERN(n->rb_right);
		else
			return vma;
	}
	return NULL;
}
#endif

static __always_inline bool vma__flags_at(__u64 addr, __u64 *flags)
{
	struct mm_struct *mm = READ_KERN(task__current()->mm);
	struct vm_area_struct *vma = mm ? vma__find(mm, addr) : NULL;
	unsigned long *f;

	/* a walk that went astray finds nothing rather than a wrong mapping */
	if (!vma || addr < READ_KERN(vma->vm_start) || addr >= READ_KERN(vma->vm_end))
		return false;
	f = (unsigned long *)&vma->vm_flags;
	*flags = READ_KERN(*f);
	return true;
}
#endif /* TRACEE_FEAT_FIND_VMA */

#endif
