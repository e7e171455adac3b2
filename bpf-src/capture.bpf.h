/* capture.bpf.h - --capture: the bytes traced processes write to files, the
 * files they execute and the memory they turn from writable to executable,
 * sent to user space as internal records (capture.h) that lib/capture.c turns
 * into artifacts. Nothing here is printed as an event.
 *
 * Writes are taken at the write family's syscall exit, where the return value
 * says how many bytes went out, by reading the process's own buffers in
 * chunks; the file is the one behind the descriptor (vfs.h), so a renamed or
 * replaced path cannot mislead. mprotect is looked at on entry (was the region
 * writable?) and captured at exit. The exit side is a hook of the one
 * sys_exit program (syscalls.bpf.h), verified only when capture_kinds asks
 * for it; the other programs here are loaded only with --capture. User space
 * fills capture_config after load. x86_64 syscall numbers. */
#ifndef TRACEE_CAPTURE_BPF_H
#define TRACEE_CAPTURE_BPF_H

#include "args.h"
#include "filter.h"
#include "vfs.h"
#include "capture_record.h"

#ifndef TRACEE_CORE
#include <linux/version.h>
#endif

#define CAP_NR_WRITE         1
#define CAP_NR_MMAP          9
#define CAP_NR_MPROTECT      10
#define CAP_NR_PWRITE64      18
#define CAP_NR_WRITEV        20
#define CAP_NR_PWRITEV       296
#define CAP_NR_PWRITEV2      328
#define CAP_NR_PKEY_MPROTECT 329

#define CAP_PROT_WRITE  0x2
#define CAP_PROT_EXEC   0x4
#define CAP_VM_WRITE    0x2
#define CAP_VM_EXEC     0x4
#define CAP_O_APPEND    02000
#define CAP_RWF_APPEND  0x10
#define CAP_S_IFBLK     0060000
#define CAP_UIO_MAXIOV  1024

#define CAP_DATA_OFF    (sizeof(struct event_header) + sizeof(struct capture_head))
#define CAP_MEM_LOOPS   (CAPTURE_MEM_MAX / CAPTURE_CHUNK)
/* Rounds of one chunk loop where the verifier walks them all (no bpf_loop):
 * a whole W+X region; a longer write is cut there and the rest counted lost. */
#define CAP_LOOP_MAX    (CAP_MEM_LOOPS + 1)

/* --capture's kinds (CAPTURE_*), set before load. */
const volatile __u32 capture_kinds = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct capture_config);
} capture_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CAPTURE_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} capture_stats SEC(".maps");

/* Records are built here: event_header, capture_head, then the chunk. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} capture_scratch SEC(".maps");

/* Written files already judged by --filter-file-write and announced to user
 * space (value 1: captured, 0: filtered out). The generation tells a reused
 * inode number from the file that had it before. */
struct capture_file_key {
	__u64 ino;
	__u32 dev;
	__u32 gen;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct capture_file_key);
	__type(value, __u8);
} capture_files SEC(".maps");

/* An mprotect that makes a writable region executable, from entry to exit. */
struct capture_mprotect {
	__u64 addr;
	__u64 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);             /* tid */
	__type(value, struct capture_mprotect);
} capture_mprotects SEC(".maps");

static __always_inline const struct capture_config *capture__config(__u32 kind)
{
	__u32 zero = 0;
	const struct capture_config *c = bpf_map_lookup_elem(&capture_config, &zero);

	return c && (c->kinds & kind) ? c : NULL;
}

static __always_inline struct scratch *capture__scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&capture_scratch, &zero);
}

static __always_inline void capture__count(__u32 which, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&capture_stats, &which);

	if (v)
		*v += n;
}

static __always_inline struct capture_head *capture__head(struct scratch *s)
{
	return (struct capture_head *)&s->buf[sizeof(struct event_header)];
}

/* The traced task's context, when the current task is traced. */
static __always_inline struct task_info *capture__traced_task(void)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_info *ti = filter__task_info((__u32)pid_tgid);

	return ti && ti->traced ? ti : NULL;
}

/* Hand the record (head.len data bytes) to the ring buffer. A record that
 * does not fit is a lost write. */
static __always_inline bool capture__submit(void *ctx, struct scratch *s)
{
	__u32 len = capture__head(s)->len, size;

	if (len > TRACEE_STR_MAX + CAPTURE_CHUNK)
		return false;
	size = CAP_DATA_OFF + len;
	((struct event_header *)s->buf)->size = size;
	if (!events__output(ctx, s, s->buf, size)) {
		capture__count(CAPTURE_STAT_LOST, 1);
		return false;
	}
	return true;
}

/* Put a kernel string (a path from vfs.h) after the head. */
static __always_inline void capture__put_path(struct scratch *s, const char *path)
{
	long n = path ? bpf_probe_read_kernel_str(&s->buf[CAP_DATA_OFF], TRACEE_STR_MAX, path) : 0;

	capture__head(s)->len = n > 1 ? (__u32)(n - 1) & (TRACEE_STR_MAX - 1) : 0;
}

/* ---- chunked copy of user memory ---------------------------------------- */

struct capture_iovec {
	__u64 base;
	__u64 len;
};

/* Where a loop over the chunks of one syscall stands. The record in the
 * scratch buffer has its header and head filled; each round sets off, len
 * and the data. It lives in a map, not on the stack: the verifier then sees
 * unknown values each round and verifies the round once, instead of
 * following a known length through thousands of rounds. */
struct capture_cursor {
	__u64 src;              /* user address of the next byte */
	__u64 seg_left;         /* bytes left in the current buffer */
	__u64 iov;              /* user address of the next struct iovec */
	__u64 iovs_left;        /* iovecs not yet read */
	__u64 left;             /* bytes still to capture */
	__u64 off;              /* where the next byte goes */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct capture_cursor);
} capture_cursors SEC(".maps");

static __always_inline struct capture_cursor *capture__cursor(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&capture_cursors, &zero);
}

/* A full chunk goes from user memory straight into the ring buffer: one
 * copy instead of two (into the scratch buffer, then out of it). Partial
 * chunks take the scratch path and use only the ring space they need, as
 * every chunk does with perf buffers. */
static __always_inline void capture__submit_full(void *ctx, struct scratch *s, __u64 src)
{
#if TRACEE_FEAT_RINGBUF
	char *rec = bpf_ringbuf_reserve(&events, CAP_DATA_OFF + CAPTURE_CHUNK, 0);

	if (!rec) {
		capture__count(CAPTURE_STAT_LOST, 1);
		return;
	}
	((struct event_header *)s->buf)->size = CAP_DATA_OFF + CAPTURE_CHUNK;
	__builtin_memcpy(rec, s->buf, CAP_DATA_OFF);
	if (bpf_probe_read_user(rec + CAP_DATA_OFF, CAPTURE_CHUNK, (const void *)src)) {
		bpf_ringbuf_discard(rec, BPF_RB_NO_WAKEUP);
		capture__count(CAPTURE_STAT_UNREADABLE, 1);
		return;
	}
	bpf_ringbuf_submit(rec, ringbuf__wakeup(s, CAP_DATA_OFF + CAPTURE_CHUNK));
#else
	if (bpf_probe_read_user(&s->buf[CAP_DATA_OFF], CAPTURE_CHUNK, (const void *)src))
		capture__count(CAPTURE_STAT_UNREADABLE, 1);
	else
		capture__submit(ctx, s);
#endif
}

/* One chunk, or one iovec read, per round (loop__run). */
LOOP_BODY_CTX(capture__next_chunk, struct bpf_raw_tracepoint_args *)
{
	struct capture_cursor *c = capture__cursor();
	struct scratch *s = capture__scratch();
	struct capture_head *h;
	struct capture_iovec v;
	__u64 n;

	if (!s || !c || c->left == 0)
		return 1;
	if (c->seg_left == 0) {
		/* one round per iovec: the loop bound counts them */
		if (c->iovs_left == 0 || bpf_probe_read_user(&v, sizeof(v), (const void *)c->iov))
			return 1;
		c->iov += sizeof(v);
		c->iovs_left--;
		c->src = v.base;
		c->seg_left = v.len;
		return 0;
	}
	n = c->seg_left < c->left ? c->seg_left : c->left;
	if (n > CAPTURE_CHUNK)
		n = CAPTURE_CHUNK;
	h = capture__head(s);
	h->off = c->off;
	h->len = (__u32)n;
	if (n == CAPTURE_CHUNK)
		capture__submit_full(ctx, s, c->src);
	else if (bpf_probe_read_user(&s->buf[CAP_DATA_OFF], n, (const void *)c->src))
		capture__count(CAPTURE_STAT_UNREADABLE, 1);
	else
		capture__submit(ctx, s);
	c->src += n;
	c->seg_left -= n;
	c->left -= n;
	c->off += n;
	return c->left == 0;
}

/* Send c->left bytes in chunks; what the loop bound cuts off is lost. */
static __always_inline void capture__chunks(struct bpf_raw_tracepoint_args *ctx,
					    const struct capture_cursor *start, __u32 rounds)
{
	struct capture_cursor *c = capture__cursor();

	if (!c)
		return;
	*c = *start;
	loop__run_ctx(capture__next_chunk, rounds, CAP_LOOP_MAX, ctx);
	if (c->left)
		capture__count(CAPTURE_STAT_LOST, (c->left + CAPTURE_CHUNK - 1) / CAPTURE_CHUNK);
}

/* ---- write, pwrite64, writev, pwritev, pwritev2 ------------------------- */

/* --filter-file-write: does the path start with one of the prefixes? */
static __always_inline bool capture__path_wanted(const struct capture_config *conf,
						 const char *path)
{
	__u64 words[CAPTURE_PREFIX_WORDS];

	if (conf->nfilters == 0)
		return true;
	if (!path || bpf_probe_read_kernel(words, sizeof(words), path))
		return false;
	for (int i = 0; i < CAPTURE_FILTERS_MAX; i++) {
		const struct capture_filter *f = &conf->filters[i];
		__u64 diff = 0;

		if (i >= conf->nfilters)
			break;
		for (int w = 0; w < CAPTURE_PREFIX_WORDS; w++)
			diff |= (words[w] ^ f->word[w]) & f->mask[w];
		if (!diff)
			return true;
	}
	return false;
}

/* Is this file captured? Judged once per file: the path is walked and
 * filtered, and user space told the path (for the index), on first sight. */
static __always_inline bool capture__file_wanted(struct bpf_raw_tracepoint_args *ctx, struct scratch *s,
						 const struct capture_config *conf,
						 struct file *file, struct inode *inode)
{
	struct capture_head *h = capture__head(s);
	struct capture_file_key k = { .ino = h->ino, .dev = h->dev };
	struct event_header *hdr = (struct event_header *)s->buf;
	const char *path;
	__u8 *known, wanted;

	k.gen = READ_KERN(inode->i_generation);
	known = bpf_map_lookup_elem(&capture_files, &k);
	if (known)
		return *known;
	path = vfs__path_str(vfs__file_path(file));
	wanted = capture__path_wanted(conf, path);
	if (wanted) {
		hdr->event_id = CAPTURE_REC_FILE;
		capture__put_path(s, path);
		if (!capture__submit(ctx, s))
			return true;    /* not remembered: announced again next time */
	}
	bpf_map_update_elem(&capture_files, &k, &wanted, BPF_ANY);
	return wanted;
}

/* Where the bytes of a write that returned ret went: the offset given
 * (pwrite), or the file position before the write; appended data went to
 * the end (even pwrite's); a stream has no offset at all. */
static __always_inline void capture__write_offset(struct capture_head *h, struct file *file,
						  struct inode *inode, __s64 pos_arg, bool append,
						  __s64 ret)
{
	__u16 type = vfs__inode_mode(inode) & VFS_S_IFMT;
	__s64 f_pos = READ_KERN(file->f_pos);

	h->flags = 0;
	h->off = 0;
	if (type != VFS_S_IFREG && type != CAP_S_IFBLK) {
		h->flags = CAPTURE_F_APPEND;
		return;
	}
	if (append || (READ_KERN(file->f_flags) & CAP_O_APPEND)) {
		__s64 size = READ_KERN(inode->i_size);

		h->off = size >= ret ? size - ret : 0;
		return;
	}
	if (pos_arg >= 0) {
		h->off = pos_arg;
		return;
	}
	if (f_pos < ret)
		h->flags = CAPTURE_F_APPEND;    /* a file without a position */
	else
		h->off = f_pos - ret;
}

static __always_inline void capture__write(struct bpf_raw_tracepoint_args *ctx, struct task_info *ti, const __u64 *args, __u32 nr,
					   __s64 ret)
{
	const struct capture_config *conf = capture__config(CAPTURE_WRITE);
	struct capture_cursor c = { 0 };
	bool vec = nr == CAP_NR_WRITEV || nr == CAP_NR_PWRITEV || nr == CAP_NR_PWRITEV2;
	__s64 pos = -1;
	struct capture_head *h;
	struct scratch *s;
	struct inode *inode;
	struct file *file;
	bool append = false;
	__u64 iovcnt = 0;

	if (!conf || !(s = capture__scratch()))
		return;
	file = vfs__file_by_fd(task__current(), (int)args[0]);
	if (!file || !(inode = vfs__file_inode(file)))
		return;
	record__init(s, ti, CAPTURE_REC_WRITE, ret);
	h = capture__head(s);
	__builtin_memset(h, 0, sizeof(*h));
	h->dev = vfs__inode_dev(inode);
	h->ino = vfs__inode_ino(inode);
	if (!capture__file_wanted(ctx, s, conf, file, inode))
		return;
	((struct event_header *)s->buf)->event_id = CAPTURE_REC_WRITE;
	/* pwrite64's pos, pwritev's pos_l (pos_h is unused on 64-bit) */
	if (nr == CAP_NR_PWRITE64 || nr == CAP_NR_PWRITEV || nr == CAP_NR_PWRITEV2)
		pos = (__s64)args[3];
	if (nr == CAP_NR_PWRITEV2)
		append = args[5] & CAP_RWF_APPEND;
	capture__write_offset(h, file, inode, pos, append, ret);
	c.left = ret;
	c.off = h->off;
	if (vec) {
		c.iov = args[1];
		iovcnt = args[2];
		c.iovs_left = iovcnt < CAP_UIO_MAXIOV ? iovcnt : CAP_UIO_MAXIOV;
	} else {
		c.src = args[1];
		c.seg_left = ret;
	}
	if (c.left > CAPTURE_WRITE_MAX) {
		capture__count(CAPTURE_STAT_LOST, (c.left - CAPTURE_WRITE_MAX) / CAPTURE_CHUNK + 1);
		c.left = CAPTURE_WRITE_MAX;
	}
	/* a round per full chunk, and per iovec one to read it and one for its
	 * partial chunk */
	capture__chunks(ctx, &c, (__u32)(c.left / CAPTURE_CHUNK + 1 + 2 * c.iovs_left));
}

/* ---- W+X memory ---------------------------------------------------------- */

/* Send up to CAPTURE_MEM_MAX bytes of [addr, addr + len). */
static __always_inline void capture__region(struct bpf_raw_tracepoint_args *ctx, struct task_info *ti, __u64 addr, __u64 len)
{
	struct capture_cursor c = { 0 };
	struct capture_head *h;
	struct scratch *s = capture__scratch();

	if (!s || len == 0)
		return;
	if (len > CAPTURE_MEM_MAX)
		len = CAPTURE_MEM_MAX;
	record__init(s, ti, CAPTURE_REC_MEM, 0);
	h = capture__head(s);
	__builtin_memset(h, 0, sizeof(*h));
	h->addr = addr;
	h->total = len;
	c.src = addr;
	c.seg_left = len;
	c.left = len;
	capture__chunks(ctx, &c, CAP_MEM_LOOPS + 1);
}

/* mprotect entry (a hook of syscalls.bpf.h's sys_enter, for a traced
 * thread): remember a region that is writable now and is to become
 * executable (PROT_EXEC added to a writable mapping, or W+X at once). */
static __always_inline void capture__sys_enter(const __u64 *args)
{
	struct capture_mprotect m;
	__u64 flags;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 prot = (__u32)args[2];

	if (!(prot & CAP_PROT_EXEC) || !capture__config(CAPTURE_MEM))
		return;
	m.addr = args[0];
	m.len = args[1];
	if (!vma__flags_at(m.addr, &flags) || (flags & CAP_VM_EXEC))
		return;
	if ((flags & CAP_VM_WRITE) || (prot & CAP_PROT_WRITE))
		bpf_map_update_elem(&capture_mprotects, &tid, &m, BPF_ANY);
}

static __always_inline void capture__mprotect_exit(struct bpf_raw_tracepoint_args *ctx, struct task_info *ti, __s64 ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct capture_mprotect *m = bpf_map_lookup_elem(&capture_mprotects, &tid);
	struct capture_mprotect copy;

	if (!m)
		return;
	copy = *m;
	bpf_map_delete_elem(&capture_mprotects, &tid);
	if (ret == 0)
		capture__region(ctx, ti, copy.addr, copy.len);
}

static __always_inline void capture__mmap_exit(struct bpf_raw_tracepoint_args *ctx, struct task_info *ti, const __u64 *args,
					       __s64 ret)
{
	__u32 prot = (__u32)args[2];

	if ((prot & (CAP_PROT_WRITE | CAP_PROT_EXEC)) != (CAP_PROT_WRITE | CAP_PROT_EXEC))
		return;
	if (ret < 0 && ret > -4096)
		return;
	if (capture__config(CAPTURE_MEM))
		capture__region(ctx, ti, (__u64)ret, args[1]);
}

/* sys_exit of a traced thread (syscalls.bpf.h): writes, mprotect, mmap. */
static __always_inline void capture__sys_exit(struct bpf_raw_tracepoint_args *ctx, struct task_info *ti, const __u64 *args, __u32 nr,
					      __s64 ret)
{
	if (!(capture_kinds & (CAPTURE_WRITE | CAPTURE_MEM)))
		return;
	switch (nr) {
	case CAP_NR_WRITE:
	case CAP_NR_PWRITE64:
	case CAP_NR_WRITEV:
	case CAP_NR_PWRITEV:
	case CAP_NR_PWRITEV2:
		if (ret > 0)
			capture__write(ctx, ti, args, nr, ret);
		return;
	case CAP_NR_MPROTECT:
	case CAP_NR_PKEY_MPROTECT:
		capture__mprotect_exit(ctx, ti, ret);
		return;
	case CAP_NR_MMAP:
		capture__mmap_exit(ctx, ti, args, ret);
		return;
	default:
		return;
	}
}

/* ---- executed files ------------------------------------------------------ */

#ifdef TRACEE_CORE
/* i_mtime has had three shapes; CO-RE picks the running kernel's. */
struct inode___mtime_split {
	__s64 i_mtime_sec;
	__u32 i_mtime_nsec;
} __attribute__((preserve_access_index));

struct inode___mtime_private {
	struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));

struct inode___mtime_old {
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

static __always_inline void capture__inode_mtime(struct inode *inode, struct capture_head *h)
{
	struct inode___mtime_split *split = (void *)inode;
	struct inode___mtime_private *priv = (void *)inode;
	struct inode___mtime_old *old = (void *)inode;

	if (bpf_core_field_exists(split->i_mtime_sec)) {
		h->mtime_sec = BPF_CORE_READ(split, i_mtime_sec);
		h->mtime_nsec = BPF_CORE_READ(split, i_mtime_nsec);
	} else if (bpf_core_field_exists(priv->__i_mtime)) {
		h->mtime_sec = BPF_CORE_READ(priv, __i_mtime.tv_sec);
		h->mtime_nsec = BPF_CORE_READ(priv, __i_mtime.tv_nsec);
	} else {
		h->mtime_sec = BPF_CORE_READ(old, i_mtime.tv_sec);
		h->mtime_nsec = BPF_CORE_READ(old, i_mtime.tv_nsec);
	}
}
#else
static __always_inline void capture__inode_mtime(struct inode *inode, struct capture_head *h)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	h->mtime_sec = READ_KERN(inode->i_mtime_sec);
	h->mtime_nsec = READ_KERN(inode->i_mtime_nsec);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	h->mtime_sec = READ_KERN(inode->__i_mtime.tv_sec);
	h->mtime_nsec = READ_KERN(inode->__i_mtime.tv_nsec);
#else
	h->mtime_sec = READ_KERN(inode->i_mtime.tv_sec);
	h->mtime_nsec = READ_KERN(inode->i_mtime.tv_nsec);
#endif
}
#endif

/* The file the kernel is executing: its identity and content version (dev,
 * inode, mtime, size), and its path for user space to find it by. */
static __always_inline int capture__exec(struct bpf_raw_tracepoint_args *ctx, struct linux_binprm *bprm)
{
	struct file *file = READ_KERN(bprm->file);
	struct capture_head *h;
	struct task_info *ti;
	struct inode *inode;
	struct scratch *s;

	if (!capture__config(CAPTURE_EXEC) || !(ti = capture__traced_task()))
		return 0;
	if (!file || !(inode = vfs__file_inode(file)) || !(s = capture__scratch()))
		return 0;
	record__init(s, ti, CAPTURE_REC_EXEC, 0);
	h = capture__head(s);
	__builtin_memset(h, 0, sizeof(*h));
	h->dev = vfs__inode_dev(inode);
	h->ino = vfs__inode_ino(inode);
	h->total = READ_KERN(inode->i_size);
	capture__inode_mtime(inode, h);
	capture__put_path(s, vfs__path_str(vfs__file_path(file)));
	capture__submit(ctx, s);
	return 0;
}

/* Before the old image is flushed (6.10 and later): the copy is recorded
 * ahead of the sched_process_exec event, which can then carry its sha256. */
SEC("raw_tracepoint/sched_prepare_exec")
int tracee_capture_prepare_exec(struct bpf_raw_tracepoint_args *ctx)
{
	return capture__exec(ctx, (struct linux_binprm *)ctx->args[1]);
}

/* Older kernels. */
SEC("raw_tracepoint/sched_process_exec")
int tracee_capture_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
	return capture__exec(ctx, (struct linux_binprm *)ctx->args[2]);
}

#endif
