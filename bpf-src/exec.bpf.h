/* exec.bpf.h - execve and execveat: one event per call, with the arguments
 * the kernel really ran.
 *
 * A call that fails returns: its event is made at syscall exit with the
 * error (syscalls.bpf.h), its arguments read then, once the kernel has
 * faulted in the pages it copied them from. A call that succeeds never
 * returns to the image that held its arguments; and at its entry those may
 * not be readable at all: after fork the child's page tables do not map the
 * parent's file-backed pages (.rodata) until touched, and a BPF read cannot
 * fault them in. So the entry keeps only what the kernel will not copy (the
 * registers, argv's length, argv[0], the caller's comm) in exec_entries, and
 * sched_process_exec makes the event with return value 0 from the kernel's
 * own copies: the file name from linux_binprm (execveat's "/dev/fd/N[/name]"
 * turned back into the name it was given) and argv (and envp) from the new
 * image's argument area.
 *
 * A script (#!, binfmt_misc) has its argv rewritten by the kernel:
 * argv[0] dropped, the interpreter and the script put in front. Its argv[1..]
 * are the area's last argc-1 strings; argv[0] is the one read at entry or,
 * where the kernel has sched_prepare_exec or kprobes, just before the old
 * image goes. */
#ifndef TRACEE_EXEC_BPF_H
#define TRACEE_EXEC_BPF_H

#include "args.h"
#include "filter.h"

#define EXEC_NR_EXECVE     59
#define EXEC_NR_EXECVEAT   322
#define EXEC_AT_FDCWD      -100
#define EXEC_ARGC_UNKNOWN  -1
/* argv is counted at entry up to this many; past it the count is unknown
 * (a script's argv[0] is then not told apart): each pointer costs a read in
 * a context that cannot be preempted, so a hostile argv is not walked far. */
#define EXEC_ARGC_MAX      (1 << 16)
/* ... or, where the verifier walks every round (no bpf_loop), this many */
#if TRACEE_FEAT_BPF_LOOP
#define EXEC_COUNT_ROUNDS  EXEC_ARGC_MAX
#else
#define EXEC_COUNT_ROUNDS  1024
#endif
#define EXEC_SKIP_MAX      16           /* strings a chain of interpreters puts in front */

/* What the entry of an exec call leaves for its sched_process_exec. */
struct exec_entry {
	__u64 args[6];
	__u32 nr;
	__s32 argc;             /* argv's length as passed; EXEC_ARGC_UNKNOWN: unreadable */
	__u8 argv0_read;        /* argv0 holds argv[0] */
	__u8 path_abs;          /* pathname began with '/' (execveat: not dirfd-relative) */
	__u8 pad[2];
	char comm[TRACEE_COMM_LEN];
	char argv0[TRACEE_STR_MAX];
};

/* Keyed by the calling thread's tid; a thread has one exec in flight. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct exec_entry);
} exec_entries SEC(".maps");

static __always_inline bool exec__is_exec(__u32 nr)
{
	return nr == EXEC_NR_EXECVE || nr == EXEC_NR_EXECVEAT;
}

/* argv's pointers, one per round (loop__run); the state is the scratch
 * buffer's cursor: uarr the array, exec_argc the count so far. */
LOOP_BODY(exec__count_one)
{
	struct scratch *s = scratch__get();
	struct loop_cursor *c;
	__u64 p = 0;

	if (!s)
		return 1;
	c = &s->cursor;
	/* (tested on i, not on argc: the verifier then need not follow argc's
	 * every value through the loop) */
	if (i + 1 >= EXEC_COUNT_ROUNDS ||
	    bpf_probe_read_user(&p, sizeof(p), (const __u64 *)c->uarr + i)) {
		c->exec_argc = EXEC_ARGC_UNKNOWN;
		return 1;
	}
	if (!p)
		return 1;
	c->exec_argc++;
	return 0;
}

/* argv's length: the array of pointers is the caller's own (its stack, its
 * heap), readable at entry even when the strings are not. */
static __always_inline __s32 exec__count_argv(struct scratch *s, const __u64 *argv)
{
	if (!argv)
		return 0;
	s->cursor.uarr = (__u64)argv;
	s->cursor.exec_argc = 0;
	loop__run(exec__count_one, EXEC_COUNT_ROUNDS, EXEC_COUNT_ROUNDS);
	return s->cursor.exec_argc;
}

/* At an exec's entry, by a traced thread (s: the scratch buffer, free). */
static __always_inline void exec__remember(struct scratch *s, __u32 tid, __u32 nr,
					   const __u64 *args)
{
	struct exec_entry *e = (struct exec_entry *)s->buf;
	const char *argv0 = NULL;
	__u64 upath, uargv;
	char first = 0;

	/* the map value, not the stack, is indexed: older verifiers refuse
	 * the pointer arithmetic a variable stack index compiles to */
	__builtin_memcpy(e->args, args, sizeof(e->args));
	e->nr = nr;
	upath = nr == EXEC_NR_EXECVEAT ? e->args[1] : e->args[0];
	uargv = nr == EXEC_NR_EXECVEAT ? e->args[2] : e->args[1];
	e->argc = exec__count_argv(s, (const __u64 *)uargv);
	e->path_abs = !bpf_probe_read_user(&first, 1, (const void *)upath) && first == '/';
	e->argv0_read = e->argc > 0 &&
			!bpf_probe_read_user(&argv0, sizeof(argv0), (const void *)uargv) &&
			bpf_probe_read_user_str(e->argv0, sizeof(e->argv0), argv0) > 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (bpf_map_update_elem(&exec_entries, &tid, e, BPF_ANY))
		stats__inc(STAT_ERRORS);
}

/* The call came back (it failed) or the thread is gone: nothing to complete. */
static __always_inline void exec__forget(__u32 tid)
{
	bpf_map_delete_elem(&exec_entries, &tid);
}

/* Where the name a relative execveat was given starts in the kernel's
 * "/dev/fd/<dirfd>[/name]": 0 when filename is not that (an absolute
 * name, or AT_FDCWD: the name itself); -1 when the name was "". */
static __always_inline int exec__fd_name_at(const char *filename, int dirfd)
{
	char head[24] = {};
	__u32 v = 0;
	int i;

	if (bpf_probe_read_kernel_str(head, sizeof(head), filename) < 9 ||
	    __builtin_memcmp(head, "/dev/fd/", 8))
		return 0;
	for (i = 8; i < 20; i++) {
		char c = head[i];

		if (c >= '0' && c <= '9') {
			v = v * 10 + (c - '0');
			continue;
		}
		if (i == 8 || v != (__u32)dirfd)
			return 0;
		if (c == '\0')
			return -1;
		return c == '/' ? i + 1 : 0;
	}
	return 0;
}

/* pathname as the caller gave it, from the kernel's copy. */
static __always_inline __u32 exec__store_pathname(struct scratch *s, __u32 off,
						  const struct exec_entry *e,
						  struct linux_binprm *bprm)
{
	const char *filename = READ_KERN(bprm->filename);
	int dirfd = (int)e->args[0], at = 0;
	__u32 len = 0;

	if (e->nr == EXEC_NR_EXECVEAT && dirfd != EXEC_AT_FDCWD && !e->path_abs)
		at = exec__fd_name_at(filename, dirfd);
	if (at >= 0)
		return store__str(s, off, filename + at, false);
	off = off__bound(off);
	s->buf[off] = ARG_STR;
	__builtin_memcpy(&s->buf[off + 1], &len, sizeof(len));
	return off + 5;
}

/* One string of user memory skipped per round (loop__run): the state is
 * the scratch buffer's cursor, [at, end) what is left of the area. */
LOOP_BODY(exec__skip_one)
{
	struct scratch *s = scratch__get();
	struct loop_cursor *c;
	long n;

	if (!s)
		return 1;
	c = &s->cursor;
	if (c->at >= c->end)
		return 1;
	n = bpf_probe_read_user_str(&s->buf[TRACEE_RECORD_MAX], TRACEE_STR_MAX, (const void *)c->at);
	if (n <= 0)
		return 1;
	c->at += n;
	return 0;
}

/* argv as the caller passed it, from the new image's argument area (which
 * holds bprm->argc strings): its last argc strings, or for a script the
 * entry's argv[0] and the last argc-1. */
static __always_inline __u32 exec__store_argv(struct scratch *s, __u32 off,
					      const struct exec_entry *e,
					      struct linux_binprm *bprm, struct mm_struct *mm)
{
	struct loop_cursor *c = &s->cursor;
	bool script = READ_KERN(bprm->interp) != READ_KERN(bprm->filename);
	__s32 now = READ_KERN(bprm->argc), skip = 0;
	const char *first = NULL;

	if (e->argc != EXEC_ARGC_UNKNOWN && (!script || e->argc > 0)) {
		skip = now - e->argc + script;
		if (script && e->argv0_read)
			first = e->argv0;
	}
	c->at = READ_KERN(mm->arg_start);
	c->end = READ_KERN(mm->arg_end);
	if (skip > 0)
		loop__run(exec__skip_one, skip < EXEC_SKIP_MAX ? skip : EXEC_SKIP_MAX, EXEC_SKIP_MAX);
	return store__str_area(s, off, first, c->at, c->end);
}

/* Just before the old image goes (begin_new_exec), the kernel has copied -
 * so faulted in - every argument: argv[0], which a script's argument area
 * loses, is read again here if the entry could not. */
static __noinline int exec__reread_argv0(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct exec_entry *e = bpf_map_lookup_elem(&exec_entries, &tid);
	const char *argv0 = NULL;
	__u32 argv_at;

	if (!e || e->argv0_read || e->argc <= 0)
		return 0;
	argv_at = e->nr == EXEC_NR_EXECVEAT ? 2 : 1;
	if (!bpf_probe_read_user(&argv0, sizeof(argv0), (const void *)e->args[argv_at]) &&
	    bpf_probe_read_user_str(e->argv0, sizeof(e->argv0), argv0) > 0)
		e->argv0_read = 1;
	return 0;
}

/* The tracepoint there (6.10 and later) or, before it, a kprobe on the
 * function; loaded with the entry programs where the kernel has either. */
SEC("raw_tracepoint/sched_prepare_exec")
int tracee_exec_prepare(struct bpf_raw_tracepoint_args *ctx)
{
	return exec__reread_argv0();
}

SEC("kprobe/begin_new_exec")
int tracee_exec_prepare_kprobe(struct pt_regs *ctx)
{
	return exec__reread_argv0();
}

/* execve (pathname, argv, envp) / execveat (dirfd, pathname, argv, envp,
 * flags) of a call that succeeded, at sched_process_exec; old_tid is the
 * caller's tid (a thread that execs takes its group leader's). */
static __always_inline void exec__emit_done(void *ctx, struct task_info *ti, __u32 old_tid,
					    struct linux_binprm *bprm)
{
	struct exec_entry *e = bpf_map_lookup_elem(&exec_entries, &old_tid);
	const struct event_config *cfg;
	struct mm_struct *mm;
	struct event_header *h;
	struct scratch *s;
	__u32 off = sizeof(struct event_header), at;

	if (!e)
		return;
	if (!(cfg = event__selected(e->nr)) || !(s = scratch__get()))
		goto out;
	mm = READ_KERN(task__current()->mm);
	at = e->nr == EXEC_NR_EXECVEAT;
	h = record__init(s, ti, e->nr, 0);
	__builtin_memcpy(h->comm, e->comm, sizeof(h->comm));
	if (at)
		off = store__u32(s, off, ARG_INT, (__u32)e->args[0]);
	off = exec__store_pathname(s, off, e, bprm);
	off = exec__store_argv(s, off, e, bprm, mm);
	if (cfg->kinds[at + 2] == ARG_STR_ARRAY)
		off = store__str_area(s, off, NULL, READ_KERN(mm->env_start), READ_KERN(mm->env_end));
	else
		off = store__u64(s, off, ARG_PTR, e->args[at + 2]);
	if (at)
		off = store__u32(s, off, ARG_INT, (__u32)e->args[4]);
	h->argnum = at ? 5 : 3;
	events__submit(ctx, s, off);
out:
	exec__forget(old_tid);
}

#endif
