/* args.h - storing typed arguments into a record (the wire format of
 * tracee.h). Every store takes the write offset and returns the next one;
 * offsets are masked so the verifier can prove each write stays inside the
 * scratch buffer, and variable-size values stop once ARGS_ROOM is used, so a
 * record never outgrows TRACEE_RECORD_MAX. A value that cannot be read is
 * stored as ARG_NONE rather than dropped, keeping arguments in table order. */
#ifndef TRACEE_ARGS_H
#define TRACEE_ARGS_H

#include "submit.h"

#define OFF_MASK  (TRACEE_RECORD_MAX - 1)
#define STR_MASK  (TRACEE_STR_MAX - 1)
#define ARGS_ROOM (TRACEE_RECORD_MAX - TRACEE_STR_MAX - 64)

/* Mask an offset in a way the compiler cannot drop as redundant: the verifier
 * does not see the range checks the compiler used to prove it so. */
#define off__bound(off) ({ __u32 __o = (off); barrier_var(__o); __o & OFF_MASK; })

static __always_inline __u32 store__none(struct scratch *s, __u32 off)
{
	off = off__bound(off);
	s->buf[off] = ARG_NONE;
	return off + 1;
}

static __always_inline __u32 store__u32(struct scratch *s, __u32 off, __u8 kind, __u32 v)
{
	off = off__bound(off);
	s->buf[off] = kind;
	__builtin_memcpy(&s->buf[off + 1], &v, sizeof(v));
	return off + 1 + sizeof(v);
}

static __always_inline __u32 store__u64(struct scratch *s, __u32 off, __u8 kind, __u64 v)
{
	off = off__bound(off);
	s->buf[off] = kind;
	__builtin_memcpy(&s->buf[off + 1], &v, sizeof(v));
	return off + 1 + sizeof(v);
}

/* A NUL-terminated string from user (or kernel) memory, stored without its NUL. */
static __always_inline __u32 store__str(struct scratch *s, __u32 off, const void *src, bool user)
{
	long n;
	__u32 len;

	off = off__bound(off);
	if (off > ARGS_ROOM || !src)
		return store__none(s, off);
	n = user ? bpf_probe_read_user_str(&s->buf[off + 5], TRACEE_STR_MAX, src)
		 : bpf_probe_read_kernel_str(&s->buf[off + 5], TRACEE_STR_MAX, src);
	if (n <= 0)
		return store__none(s, off);
	len = (n - 1) & STR_MASK;
	s->buf[off] = ARG_STR;
	__builtin_memcpy(&s->buf[off + 1], &len, sizeof(len));
	return off + 5 + len;
}

/* One array element: u32 length + bytes; 0 when it cannot be read. */
static __always_inline __u32 store__array_elem(struct scratch *s, __u32 off, const char *src)
{
	long n;
	__u32 len;

	off = off__bound(off);
	n = bpf_probe_read_user_str(&s->buf[off + 4], TRACEE_STR_MAX, src);
	if (n <= 0)
		return 0;
	len = (n - 1) & STR_MASK;
	__builtin_memcpy(&s->buf[off], &len, sizeof(len));
	return off + 4 + len;
}

/* One element of a user array of strings per round (loop__run, compat.bpf.h:
 * the body is verified once, not once per element - an unrolled loop made
 * each program that stores argv cost the verifier tens of milliseconds).
 * The state is the scratch buffer's cursor. */
LOOP_BODY(store__str_array_elem)
{
	struct scratch *s = scratch__get();
	struct loop_cursor *c;
	const char *p = NULL;
	__u32 next;

	if (!s)
		return 1;
	c = &s->cursor;
	if (bpf_probe_read_user(&p, sizeof(p), (const char *const *)c->uarr + i) || !p)
		return 1;
	if (i == TRACEE_ARGV_MAX || c->arr_off > ARGS_ROOM) {
		c->arr_cut = 1;
		return 1;
	}
	next = store__array_elem(s, c->arr_off, p);
	if (!next) {
		/* an element that cannot be read ends the array as a cut one:
		 * "..." says that more was there */
		c->arr_cut = 1;
		return 1;
	}
	c->arr_off = next;
	c->arr_count++;
	return 0;
}

/* argv/envp: up to TRACEE_ARGV_MAX elements; a cut array ends with "...".
 * ARGS_ROOM leaves room for one whole element plus the marker. s must be
 * the scratch buffer. */
static __always_inline __u32 store__str_array(struct scratch *s, __u32 off, const char *const *uarr)
{
	struct loop_cursor *c = &s->cursor;
	__u32 start = off__bound(off), len = 3, count;

	if (start > ARGS_ROOM || !uarr)
		return store__none(s, start);
	c->uarr = (__u64)uarr;
	c->arr_off = start + 5;
	c->arr_count = 0;
	c->arr_cut = 0;
	/* one round more than elements kept: an element there means a cut */
	loop__run(store__str_array_elem, TRACEE_ARGV_MAX + 1, TRACEE_ARGV_MAX + 1);
	off = c->arr_off;
	count = c->arr_count;
	if (c->arr_cut) {
		off = off__bound(off);
		__builtin_memcpy(&s->buf[off], &len, sizeof(len));
		__builtin_memcpy(&s->buf[off + 4], "...", 3);
		off += 7;
		count++;
	}
	s->buf[start] = ARG_STR_ARRAY;
	__builtin_memcpy(&s->buf[start + 1], &count, sizeof(count));
	return off;
}

/* A NUL-separated string area of user memory (a new image's argv or envp,
 * from mm->arg_start to arg_end) stored as ARG_STR_ARRAY, cut as argv is.
 * first (kernel memory, may be NULL) is put in front of the area's strings. */
static __always_inline __u32 store__str_area(struct scratch *s, __u32 off, const char *first,
					     __u64 start, __u64 end)
{
	__u32 at = off__bound(off), count = 0, len;
	bool cut = false;
	long n;
	int i;

	if (at > ARGS_ROOM || (!first && (!start || end <= start)))
		return store__none(s, at);
	off = at + 5;
	if (first) {
		n = bpf_probe_read_kernel_str(&s->buf[off + 4], TRACEE_STR_MAX, first);
		len = n > 0 ? (n - 1) & STR_MASK : 0;
		__builtin_memcpy(&s->buf[off], &len, sizeof(len));
		off += 4 + len;
		count++;
	}
	for (i = count; i < TRACEE_ARGV_MAX && start < end; i++) {
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

/* A struct sockaddr of up to TRACEE_SOCKADDR_MAX bytes. Its length is the
 * next argument: a value (connect, bind, sendto) or a pointer to one for an
 * address the kernel fills in (accept, getsockname, recvfrom). Records are
 * made at syscall exit, so a filled-in address is there to read - but only
 * when the call succeeded; otherwise the pointer is kept, as strace shows it.
 * A filled-in address is read no further than the kernel wrote: the length
 * it returned, and no more than the caller's buffer (room: 1 + its size, as
 * the entry saw it; 0 when unknown). */
static __always_inline __u32 store__sockaddr(struct scratch *s, __u32 off, const void *uaddr,
					     __u64 lenarg, bool filled, __s64 ret, __u32 room)
{
	__s32 ulen = (__s32)lenarg;
	__u32 len;

	off = off__bound(off);
	if (!uaddr || (filled && ret < 0))
		return store__u64(s, off, ARG_PTR, (__u64)uaddr);
	if (off > ARGS_ROOM)
		return store__none(s, off);
	if (filled && (!lenarg || bpf_probe_read_user(&ulen, sizeof(ulen), (const void *)lenarg)))
		return store__none(s, off);
	len = ulen < 0 ? 0 : (__u32)ulen;
	if (filled && room && len > room - 1)
		len = room - 1;
	if (len > TRACEE_SOCKADDR_MAX)
		len = TRACEE_SOCKADDR_MAX;
	barrier_var(len);
	len &= 2 * TRACEE_SOCKADDR_MAX - 1;
	if (len > TRACEE_SOCKADDR_MAX)
		return store__none(s, off);
	if (bpf_probe_read_user(&s->buf[off + 5], len, uaddr))
		return store__none(s, off);
	s->buf[off] = ARG_SOCKADDR;
	__builtin_memcpy(&s->buf[off + 1], &len, sizeof(len));
	return off + 5 + len;
}

/* An int[2] the kernel fills (pipe, pipe2, socketpair): read at exit, when
 * the call succeeded; otherwise the pointer is kept. */
static __always_inline __u32 store__int_pair(struct scratch *s, __u32 off, const void *uptr,
					     __s64 ret)
{
	off = off__bound(off);
	if (!uptr || ret < 0)
		return store__u64(s, off, ARG_PTR, (__u64)uptr);
	if (bpf_probe_read_user(&s->buf[off + 1], 2 * sizeof(__s32), uptr))
		return store__none(s, off);
	s->buf[off] = ARG_INT_PAIR;
	return off + 1 + 2 * sizeof(__s32);
}

/* One syscall argument, read as its kind says. A sockaddr's length is the
 * argument after it (next), a pointer when the kernel fills the address in
 * (room: see store__sockaddr). */
static __always_inline __u32 store__syscall_arg(struct scratch *s, __u32 off, __u8 kind, __u64 v,
						__u64 next, __u8 next_kind, __u32 room)
{
	__s64 ret = ((struct event_header *)s->buf)->retval;

	switch (kind) {
	case ARG_INT:
	case ARG_UINT:
		return store__u32(s, off, kind, (__u32)v);
	case ARG_LONG:
	case ARG_ULONG:
	case ARG_PTR:
		return store__u64(s, off, kind, v);
	case ARG_STR:
		return store__str(s, off, (const void *)v, true);
	case ARG_STR_ARRAY:
		return store__str_array(s, off, (const char *const *)v);
	case ARG_SOCKADDR:
		return store__sockaddr(s, off, (const void *)v, next, next_kind == ARG_PTR, ret, room);
	case ARG_INT_PAIR:
		return store__int_pair(s, off, (const void *)v, ret);
	default:
		return store__none(s, off);
	}
}

#endif
