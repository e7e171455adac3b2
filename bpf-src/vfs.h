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

/* Paths are built backwards from the end of the first half; the second half
 * only keeps the verifier's bounds simple (and holds a user-memory leaf name). */
struct vfs_path_buf {
	char buf[VFS_PATH_MAX * 2];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vfs_path_buf);
} vfs_path_map SEC(".maps");

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

static __always_inline struct vfs_path_buf *vfs__path_buf(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&vfs_path_map, &zero);
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

static __always_inline bool vfs__prepend_dentry(struct vfs_path_buf *pb, __u32 *pos,
						struct dentry *d)
{
	struct qstr *q = (struct qstr *)&d->d_name;

	return vfs__prepend(pb, pos, READ_KERN(q->name), READ_KERN(q->len));
}

#define VFS_PIPEFS_MAGIC     0x50495045
#define VFS_SOCKFS_MAGIC     0x534F434B
#define VFS_ANON_INODE_MAGIC 0x09041934

/* Put len bytes of s (kernel or stack memory) in front of *pos, no '/'. */
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
	char pipe[] = "pipe:[", sock[] = "socket:[", anon[] = "anon_inode:";
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
			vfs__prepend_raw(pb, &pos, anon, sizeof(anon) - 1);
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
		vfs__prepend_raw(pb, &pos, pipe, sizeof(pipe) - 1);
	else
		vfs__prepend_raw(pb, &pos, sock, sizeof(sock) - 1);
	return pos;
}

/* Walk from dentry up to the root of everything, crossing mounts through
 * struct mount, prepending names in front of pos in the per-CPU path
 * buffer. With mnt NULL the walk stops at the dentry's file-system root (an
 * LSM inode hook has no mount). A global function: the verifier checks it
 * once for the whole program, not once per caller (a program that resolves
 * several paths would exceed its budget). So it takes its pointers as
 * numbers and finds the buffer itself. */
__noinline __u32 vfs__walk(__u32 pos, __u64 dentry, __u64 mount)
{
	struct vfs_path_buf *pb = vfs__path_buf();
	struct dentry *d = (struct dentry *)dentry;
	struct vfsmount *vfsmnt = (struct vfsmount *)mount;
	struct mount *mnt = vfsmnt ? mount__of(vfsmnt) : NULL;
	int i;

	if (!pb)
		return pos;
	pos &= VFS_PATH_MAX - 1;

	for (i = 0; i < VFS_PATH_DEPTH; i++) {
		struct dentry *parent = READ_KERN(d->d_parent);
		struct dentry *mnt_root = vfsmnt ? READ_KERN(vfsmnt->mnt_root) : NULL;
		struct mount *up;

		if (d == mnt_root) {
			up = READ_KERN(mnt->mnt_parent);
			if (!up || up == mnt)
				break;
			d = READ_KERN(mnt->mnt_mountpoint);
			mnt = up;
			vfsmnt = (struct vfsmount *)&up->mnt;
			continue;
		}
		if (!d || d == parent) {
			if (d && mnt_root && pos == VFS_PATH_MAX - 1)
				pos = vfs__pseudo_name(pb, pos, d);
			break;
		}
		if (!vfs__prepend_dentry(pb, &pos, d))
			break;
		d = parent;
	}
	return pos;
}

/* Finish a path built at pos: "/" alone when nothing was prepended. */
static __always_inline const char *vfs__path_done(struct vfs_path_buf *pb, __u32 pos)
{
	if (pos >= VFS_PATH_MAX - 1) {
		pos = VFS_PATH_MAX - 2;
		pb->buf[pos] = '/';
	}
	return &pb->buf[pos & (VFS_PATH_MAX - 1)];
}

/* The full path of path (a struct path in kernel memory), NUL-terminated in
 * the per-CPU buffer; NULL when there is no buffer. */
static __always_inline const char *vfs__path_str(struct path *path)
{
	struct vfs_path_buf *pb = vfs__path_buf();

	if (!pb)
		return NULL;
	pb->buf[VFS_PATH_MAX - 1] = '\0';
	return vfs__path_done(pb, vfs__walk(VFS_PATH_MAX - 1, (__u64)READ_KERN(path->dentry),
					    (__u64)READ_KERN(path->mnt)));
}

/* The path of a dentry within its file system (no mount known). */
static __always_inline const char *vfs__dentry_str(struct dentry *d)
{
	struct vfs_path_buf *pb = vfs__path_buf();

	if (!pb)
		return NULL;
	pb->buf[VFS_PATH_MAX - 1] = '\0';
	return vfs__path_done(pb, vfs__walk(VFS_PATH_MAX - 1, (__u64)d, 0));
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
	return vfs__path_done(pb, vfs__walk(pos, (__u64)READ_KERN(dir->dentry), (__u64)READ_KERN(dir->mnt)));
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
