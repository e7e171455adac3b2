/* vfs.h - files as the kernel knows them: fd -> struct file, a file's
 * identity (dev, inode, mode) and its full path, built from the dentries and
 * mounts rather than from a name in user memory, so it names the file really
 * used (symlinks resolved, immune to the traced program rewriting its own
 * buffers). Shared by security.bpf.h and capture.bpf.h.
 *
 * dev is the kernel's dev_t (major << 20 | minor), as Tracee prints it. */
#ifndef TRACEE_VFS_H
#define TRACEE_VFS_H

#include "args.h"

#ifndef TRACEE_CORE
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/dcache.h>
/* struct mount is private to fs/ (fs/mount.h); its head has been this since 3.x. */
struct mount {
	struct hlist_node mnt_hash;
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
};
#define mount__of(vfsmnt) \
	((struct mount *)((char *)(vfsmnt) - __builtin_offsetof(struct mount, mnt)))
#else
#define mount__of(vfsmnt) \
	((struct mount *)((char *)(vfsmnt) - bpf_core_field_offset(struct mount, mnt)))
#endif

#define VFS_PATH_MAX   4096     /* a path, NUL included; a power of two */
#define VFS_PATH_DEPTH 32       /* components walked; deeper paths lose their head */
#define VFS_S_IFMT     00170000
#define VFS_S_IFREG    0100000

/* Field offsets, for picking several fields out of one read of an object:
 * one bpf_probe_read_kernel per dentry instead of one per field is most of
 * what a walk saves (a helper call costs tens of ns). */
#ifdef TRACEE_CORE
#define VFS_OFF(type, field) bpf_core_field_offset(type, field)
#else
#define VFS_OFF(type, field) __builtin_offsetof(type, field)
#endif
#define VFS_RAW_MAX 64  /* bytes of one object read at once */

/* A field of type t at offset off of a raw read (off checked by the caller). */
#define VFS_RAW(t, raw, off) (*(t *)((char *)(raw) + (off)))

/* One step of a walk: a dentry or a mount, and what was read from it that
 * the path depends on. A dentry: its parent, its name's hash and length
 * (the hash is salted with the parent), its inode, its name's address, its
 * d_seq (bumped by every rename of it, odd while one is under way). A mount:
 * its parent, its mountpoint, its root (name 0, seq 0). Two walks that read
 * the same steps, in order, built the same path. */
struct vfs_step {
	__u64 obj, a, b, c, name;
	__u32 seq;
	__u32 pad;
};

/* A walk visits at most one step per iteration, plus the first mount. */
#define VFS_MEMO_STEPS (VFS_PATH_DEPTH + 1)

/* The last path resolved on this CPU, with the steps that built it: the
 * common case (a program opening the same files again and again) then costs
 * one read per dentry and mount, no name copied, no path built. The memo is
 * used only when a new walk reads exactly the same steps, so it is never
 * wrong: a rename anywhere on the way changes a d_seq (or a parent, a name
 * hash), a mount moved changes a mount's parent or mountpoint, a dentry
 * freed and reused for another file has another parent, name or inode.
 * Nothing else changes what the walk prints (it prints no " (deleted)", and
 * goes to the top of the mount tree whatever the task's root). */
struct vfs_memo {
	__u64 dentry, mnt;  /* the key; dentry 0 while empty or being filled */
	__u32 nsteps, len;  /* steps recorded; path bytes, NUL excluded */
	struct vfs_step step[VFS_MEMO_STEPS];
	char path[VFS_PATH_MAX];
	/* A walk's working space, here rather than on the stack: a call
	 * chain's frames share 512 bytes, and the sys_exit program's hooks
	 * use most of them. */
	struct {
		struct path at;         /* the path asked for */
		struct vfs_step st, ms; /* the dentry and the mount at hand */
		__u64 raw[VFS_RAW_MAX / 8];
	} w;
};

/* Paths are built backwards from the end of the first half of buf; the
 * second half only keeps the verifier's bounds simple (and holds a
 * user-memory leaf name). The memo shares the per-CPU value. */
struct vfs_path_buf {
	char buf[VFS_PATH_MAX * 2];
	struct vfs_memo memo;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vfs_path_buf);
} vfs_path_map SEC(".maps");

static __always_inline struct vfs_path_buf *vfs__path_buf(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&vfs_path_map, &zero);
}

/* The file behind descriptor fd of task, NULL when there is none. */
static __always_inline struct file *vfs__file_by_fd(struct task_struct *task, int fd)
{
	struct files_struct *files = READ_KERN(task->files);
	struct fdtable *fdt = READ_KERN(files->fdt);
	struct file **fds = READ_KERN(fdt->fd);

	if (fd < 0 || (unsigned int)fd >= READ_KERN(fdt->max_fds))
		return NULL;
	return READ_KERN(fds[fd]);
}

/* f_path is const in newer kernels; read through a plain pointer to it. */
static __always_inline struct path *vfs__file_path(struct file *file)
{
	return (struct path *)&file->f_path;
}

static __always_inline struct inode *vfs__file_inode(struct file *file)
{
	return READ_KERN(file->f_inode);
}

static __always_inline __u32 vfs__inode_dev(struct inode *inode)
{
	struct super_block *sb = READ_KERN(inode->i_sb);

	return READ_KERN(sb->s_dev);
}

static __always_inline __u64 vfs__inode_ino(struct inode *inode)
{
	return READ_KERN(inode->i_ino);
}

static __always_inline __u16 vfs__inode_mode(struct inode *inode)
{
	return READ_KERN(inode->i_mode);
}

static __always_inline bool vfs__inode_is_reg(struct inode *inode)
{
	return (vfs__inode_mode(inode) & VFS_S_IFMT) == VFS_S_IFREG;
}

/* Put "/" + len bytes of name in front of the path that starts at *pos. */
static __always_inline bool vfs__prepend(struct vfs_path_buf *pb, __u32 *pos, const void *name,
					 __u32 len)
{
	__u32 p = *pos;

	len &= VFS_PATH_MAX - 1;
	if (len + 1 > p)
		return false;
	p = (p - len - 1) & (VFS_PATH_MAX - 1);
	pb->buf[p] = '/';
	if (bpf_probe_read_kernel(&pb->buf[p + 1], len, name))
		return false;
	*pos = p;
	return true;
}

#define VFS_PIPEFS_MAGIC     0x50495045
#define VFS_SOCKFS_MAGIC     0x534F434B
#define VFS_ANON_INODE_MAGIC 0x09041934

/* The pseudo files' prefixes, in read-only data rather than on the stack
 * (vfs__walk's frame is part of the sys_exit program's 512 bytes). */
static const char vfs_pipe_prefix[] = "pipe:[";
static const char vfs_sock_prefix[] = "socket:[";
static const char vfs_anon_prefix[] = "anon_inode:";

/* Put len bytes of s (kernel memory) in front of *pos, no '/'. */
static __always_inline void vfs__prepend_raw(struct vfs_path_buf *pb, __u32 *pos, const char *s,
					     __u32 len)
{
	__u32 p = *pos;

	len &= 15;
	if (len > p)
		return;
	p = (p - len) & (VFS_PATH_MAX - 1);
	if (!bpf_probe_read_kernel(&pb->buf[p], len, s))
		*pos = p;
}

/* A file with no place in any tree (pipe, socket, anon inode), named the way
 * the kernel's d_path names it: "pipe:[1234]", "socket:[1234]",
 * "anon_inode:[eventfd]"; anything else by its own name. */
static __always_inline __u32 vfs__pseudo_name(struct vfs_path_buf *pb, __u32 pos, struct dentry *d)
{
	struct super_block *sb = READ_KERN(d->d_sb);
	unsigned long magic = READ_KERN(sb->s_magic);
	__u64 ino = vfs__inode_ino(READ_KERN(d->d_inode));
	struct qstr *q = (struct qstr *)&d->d_name;
	__u32 len;
	int i;

	if (magic != VFS_PIPEFS_MAGIC && magic != VFS_SOCKFS_MAGIC) {
		len = READ_KERN(q->len) & (VFS_PATH_MAX - 1);
		if (len + 1 > pos)
			return pos;
		pos = (pos - len) & (VFS_PATH_MAX - 1);
		if (bpf_probe_read_kernel(&pb->buf[pos], len, READ_KERN(q->name)))
			return VFS_PATH_MAX - 1;
		if (magic == VFS_ANON_INODE_MAGIC)
			vfs__prepend_raw(pb, &pos, vfs_anon_prefix, sizeof(vfs_anon_prefix) - 1);
		return pos;
	}
	pos = (pos - 1) & (VFS_PATH_MAX - 1);
	pb->buf[pos] = ']';
	for (i = 0; i < 20; i++) {
		pos = (pos - 1) & (VFS_PATH_MAX - 1);
		pb->buf[pos] = '0' + ino % 10;
		ino /= 10;
		if (!ino)
			break;
	}
	if (magic == VFS_PIPEFS_MAGIC)
		vfs__prepend_raw(pb, &pos, vfs_pipe_prefix, sizeof(vfs_pipe_prefix) - 1);
	else
		vfs__prepend_raw(pb, &pos, vfs_sock_prefix, sizeof(vfs_sock_prefix) - 1);
	return pos;
}

/* vfs__walk's result: the position the path starts at, with this bit set
 * when the walk reached the top of the mount tree (and, checking, read
 * every step of the memo): a path worth remembering, or remembered. */
#define VFS_WALK_TOP  0x80000000u
#define VFS_WALK_POS  (VFS_PATH_MAX - 1)

/* What a walk does with the memo. */
enum vfs_walk_mode {
	VFS_WALK_BUILD,   /* build the path only */
	VFS_WALK_RECORD,  /* build it and record the steps in the memo */
	VFS_WALK_CHECK,   /* build nothing: do the steps match the memo's? */
};

/* Read mnt's parent, mountpoint and root into st, in one read. */
static __always_inline void vfs__read_mount(struct vfs_step *st, __u64 *raw, struct mount *mnt)
{
	__u32 base = VFS_OFF(struct mount, mnt_parent);
	__u32 span = VFS_OFF(struct mount, mnt) + VFS_OFF(struct vfsmount, mnt_root) + 8 - base;
	__u32 o_mp = VFS_OFF(struct mount, mnt_mountpoint) - base;
	__u32 o_root = VFS_OFF(struct mount, mnt) + VFS_OFF(struct vfsmount, mnt_root) - base;

	st->obj = (__u64)mnt;
	st->a = st->b = st->c = st->name = 0;
	st->seq = 0;  /* even: a mount has no seqcount of its own */
	if (span > VFS_RAW_MAX || o_mp > VFS_RAW_MAX - 8 || o_root > VFS_RAW_MAX - 8)
		return;  /* a layout this code does not know: no crossing, no memo */
	if (bpf_probe_read_kernel(raw, span, (char *)mnt + base))
		return;
	st->a = raw[0];
	st->b = VFS_RAW(__u64, raw, o_mp);
	st->c = VFS_RAW(__u64, raw, o_root);
}

/* Read d's parent, name hash and length, inode, name's address and d_seq
 * into st, in one read. */
static __always_inline void vfs__read_dentry(struct vfs_step *st, __u64 *raw, struct dentry *d)
{
	__u32 o_seq = VFS_OFF(struct dentry, d_seq);
	__u32 o_parent = VFS_OFF(struct dentry, d_parent);
	__u32 o_hash = VFS_OFF(struct dentry, d_name);
	__u32 o_name = VFS_OFF(struct dentry, d_name.name);
	__u32 o_inode = VFS_OFF(struct dentry, d_inode);

	st->obj = (__u64)d;
	st->a = st->b = st->c = st->name = 0;
	st->seq = 1;  /* odd, never remembered, until read */
	if (o_seq > VFS_RAW_MAX - 4 || o_parent > VFS_RAW_MAX - 8 || o_hash > VFS_RAW_MAX - 8 ||
	    o_name > VFS_RAW_MAX - 8 || o_inode > VFS_RAW_MAX - 8)
		return;
	if (bpf_probe_read_kernel(raw, o_inode + 8, d))
		return;
	st->a = VFS_RAW(__u64, raw, o_parent);
	st->b = VFS_RAW(__u64, raw, o_hash);
	st->c = VFS_RAW(__u64, raw, o_inode);
	st->name = VFS_RAW(__u64, raw, o_name);
	st->seq = VFS_RAW(__u32, raw, o_seq);
}

/* The name's length, from the hash_len read with it (struct qstr). */
static __always_inline __u32 vfs__name_len(const struct vfs_step *st)
{
	return ((const __u32 *)&st->b)[VFS_OFF(struct qstr, len) / 4 & 1];
}

/* The step a walk has just read is step n: record it, or compare it with
 * the memo's. false: the check failed. */
static __always_inline bool vfs__step(struct vfs_memo *memo, enum vfs_walk_mode mode, __u32 n,
				      const struct vfs_step *st)
{
	struct vfs_step *m;

	if (mode == VFS_WALK_BUILD)
		return true;
	if (n >= VFS_MEMO_STEPS)
		return false;
	m = &memo->step[n];
	if (mode == VFS_WALK_RECORD) {
		*m = *st;
		return true;
	}
	/* an odd d_seq (a rename under way) never matches: what the walk
	 * that recorded it read may be torn */
	return m->obj == st->obj && m->a == st->a && m->b == st->b && m->c == st->c &&
	       m->name == st->name && m->seq == st->seq && !(st->seq & 1);
}

/* Walk from dentry up to the root of everything, crossing mounts through
 * struct mount, prepending names in front of pos in the per-CPU path buffer
 * (not when checking) and doing with the memo what mode (enum
 * vfs_walk_mode) says. With mnt NULL the walk stops at the dentry's
 * file-system root (an LSM inode hook has no mount). Returns pos,
 * VFS_WALK_TOP or'ed in as said above.
 * A global function: the verifier checks it once for the whole program, not
 * once per caller (a program that resolves several paths would exceed its
 * budget). So it takes its pointers as numbers and finds the buffer itself. */
__noinline __u32 vfs__walk(__u32 pos, __u64 dentry, __u64 mount, __u32 mode)
{
	struct vfs_path_buf *pb = vfs__path_buf();
	struct dentry *d = (struct dentry *)dentry;
	struct vfsmount *vfsmnt = (struct vfsmount *)mount;
	struct mount *mnt = vfsmnt ? mount__of(vfsmnt) : NULL;
	struct vfs_memo *memo;
	struct vfs_step *st, *ms;
	int i;

	if (!pb)
		return pos;
	memo = &pb->memo;
	st = &memo->w.st;
	ms = &memo->w.ms;
	pos &= VFS_PATH_MAX - 1;

	ms->c = 0;
	/* Step 0 is the file's mount, step i + 1 what round i reads: one
	 * counter, so the verifier sees one state per round. */
	if (mnt) {
		vfs__read_mount(ms, memo->w.raw, mnt);
		if (!vfs__step(memo, mode, 0, ms))
			return pos;
	}
	for (i = 0; i < VFS_PATH_DEPTH; i++) {
		if (mnt && (__u64)d == ms->c) {
			struct mount *up = (struct mount *)ms->a;

			if (!up || up == mnt) {
				if (mode == VFS_WALK_RECORD)
					memo->nsteps = i + 1;
				if (mode != VFS_WALK_BUILD && memo->nsteps == i + 1)
					pos |= VFS_WALK_TOP;
				break;
			}
			d = (struct dentry *)ms->b;
			mnt = up;
			vfs__read_mount(ms, memo->w.raw, mnt);
			if (!vfs__step(memo, mode, i + 1, ms))
				break;
			continue;
		}
		if (!d)
			break;
		vfs__read_dentry(st, memo->w.raw, d);
		if (!vfs__step(memo, mode, i + 1, st))
			break;
		if ((__u64)d == st->a) {
			if (mode != VFS_WALK_CHECK && ms->c && pos == VFS_PATH_MAX - 1)
				pos = vfs__pseudo_name(pb, pos, d);
			break;
		}
		if (mode != VFS_WALK_CHECK &&
		    !vfs__prepend(pb, &pos, (const void *)st->name, vfs__name_len(st)))
			break;
		d = (struct dentry *)st->a;
	}
	return pos;
}

/* Where a path built at pos starts: "/" alone when nothing was prepended. */
static __always_inline __u32 vfs__path_start(struct vfs_path_buf *pb, __u32 pos)
{
	if (pos >= VFS_PATH_MAX - 1) {
		pos = VFS_PATH_MAX - 2;
		pb->buf[pos] = '/';
	}
	return pos & (VFS_PATH_MAX - 1);
}

static __always_inline const char *vfs__path_done(struct vfs_path_buf *pb, __u32 pos)
{
	return &pb->buf[vfs__path_start(pb, pos)];
}

/* Remember the path built in pb from start (by a walk that recorded its
 * steps in memo) as the path of (d, mnt); the key goes in last, so a
 * half-filled memo never matches. */
static __always_inline void vfs__memo_fill(struct vfs_memo *memo, struct path *p,
					   struct vfs_path_buf *pb, __u32 start)
{
	__u32 len = (VFS_PATH_MAX - 1 - start) & (VFS_PATH_MAX - 1);

	if (bpf_probe_read_kernel(memo->path, len + 1, &pb->buf[start & (VFS_PATH_MAX - 1)]))
		return;
	memo->len = len;
	memo->mnt = (__u64)p->mnt;
	memo->dentry = (__u64)p->dentry;
}

/* The full path of path (a struct path in kernel memory), NUL-terminated in
 * the per-CPU memo or buffer; NULL when there is no buffer. */
static __always_inline const char *vfs__path_str(struct path *path)
{
	struct vfs_path_buf *pb = vfs__path_buf();
	struct vfs_memo *memo;
	struct path *p;
	__u32 pos, start;

	if (!pb)
		return NULL;
	memo = &pb->memo;
	p = &memo->w.at;
	if (READ_KERN_INTO(p, sizeof(*p), *path))
		return NULL;
	if (p->dentry && memo->dentry == (__u64)p->dentry && memo->mnt == (__u64)p->mnt &&
	    (vfs__walk(0, (__u64)p->dentry, (__u64)p->mnt, VFS_WALK_CHECK) & VFS_WALK_TOP))
		return memo->path;
	memo->dentry = 0;
	pb->buf[VFS_PATH_MAX - 1] = '\0';
	pos = vfs__walk(VFS_PATH_MAX - 1, (__u64)p->dentry, (__u64)p->mnt, VFS_WALK_RECORD);
	start = vfs__path_start(pb, pos & VFS_WALK_POS);
	if ((pos & VFS_WALK_TOP) && p->dentry)
		vfs__memo_fill(memo, p, pb, start);
	return &pb->buf[start];
}

/* The path of a dentry within its file system (no mount known). */
static __always_inline const char *vfs__dentry_str(struct dentry *d)
{
	struct vfs_path_buf *pb = vfs__path_buf();

	if (!pb)
		return NULL;
	pb->buf[VFS_PATH_MAX - 1] = '\0';
	return vfs__path_done(pb, vfs__walk(VFS_PATH_MAX - 1, (__u64)d, 0, VFS_WALK_BUILD) &
				      VFS_WALK_POS);
}

/* dir's path + "/" + name, name from user memory (a relative name of a
 * *at() syscall); an absolute name is returned as it is. */
static __always_inline const char *vfs__path_join_user(struct path *dir, const char *uname)
{
	struct vfs_path_buf *pb = vfs__path_buf();
	__u32 pos = VFS_PATH_MAX - 1;
	long n;

	if (!pb)
		return NULL;
	n = bpf_probe_read_user_str(&pb->buf[VFS_PATH_MAX], VFS_PATH_MAX, uname);
	if (n <= 1)
		return NULL;
	if (pb->buf[VFS_PATH_MAX] == '/')
		return &pb->buf[VFS_PATH_MAX];
	pb->buf[VFS_PATH_MAX - 1] = '\0';
	if (!vfs__prepend(pb, &pos, &pb->buf[VFS_PATH_MAX], (__u32)(n - 1)))
		return &pb->buf[VFS_PATH_MAX];
	return vfs__path_done(pb, vfs__walk(pos, (__u64)READ_KERN(dir->dentry), (__u64)READ_KERN(dir->mnt),
					    VFS_WALK_BUILD) & VFS_WALK_POS);
}

/* Where a *at() syscall resolves a relative name: dirfd's file, or the cwd. */
static __always_inline struct path *vfs__at_dir(struct task_struct *task, int dirfd)
{
	struct fs_struct *fs;
	struct file *file;

	if (dirfd == -100 /* AT_FDCWD */) {
		fs = READ_KERN(task->fs);
		return fs ? &fs->pwd : NULL;
	}
	file = vfs__file_by_fd(task, dirfd);
	return file ? vfs__file_path(file) : NULL;
}

#endif
