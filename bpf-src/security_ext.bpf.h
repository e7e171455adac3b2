/* security_ext.bpf.h - the security events the detections consume besides
 * security.bpf.h's, with the same probe ladder (lib/events.c lists it):
 * LSM hook, fentry, kprobe, then a fallback at the syscall that causes them.
 *
 *   security_socket_connect   (sockfd, type, remote_addr): a connect asked
 *                             for; the fallback reads the address the
 *                             process passed, at the syscall's exit (its
 *                             arguments and the socket are still there),
 *                             whatever the outcome
 *   security_inode_rename     (old_path, new_path): the LSM/fentry/kprobe
 *                             paths are within their file system; the
 *                             fallback's (at exit, when the rename worked)
 *                             are whole, resolved against the cwd or dirfd
 *   security_sb_mount         (dev_name, path, type, flags)
 *   security_kernel_read_file (pathname, dev, inode, type): a file the
 *                             kernel is asked to read as a module (finit_module)
 *                             or a kexec image; type as Tracee names it
 *   socket_dup                (oldfd, newfd, remote_addr): a dup, dup2, dup3 or
 *                             fcntl(F_DUPFD*) of an internet socket that
 *                             worked, with the peer the kernel's socket holds;
 *                             from the syscall tracepoints, as Tracee makes it
 *
 * Each probe kind calls one shared helper with its kind, so only the probe
 * user space chose (event_probe[]) reports. */
#ifndef TRACEE_SECURITY_EXT_BPF_H
#define TRACEE_SECURITY_EXT_BPF_H

#include "security.bpf.h"

#ifndef TRACEE_CORE
/* 5.10's net/sock.h reaches flow_offload.h, which names the module it is
 * built into. */
#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "tracee"
#endif
#include <net/sock.h>
#endif

#define EXT_S_IFSOCK 0140000
#define EXT_AF_INET  2
#define EXT_AF_INET6 10

/* enum kernel_read_file_id, by number, as Tracee spells it. */
const volatile char read_file_type[8][20] = {
	"unknown", "firmware", "kernel-module", "kexec-image", "kexec-initramfs",
	"security-policy", "x509-certificate", "unknown",
};

/* A sockaddr from kernel memory (what the LSM hook sees), stored as the
 * ARG_SOCKADDR of the record format. */
static __always_inline __u32 store__ksockaddr(struct scratch *s, __u32 off, const void *kaddr, int klen)
{
	__u32 len = klen < 0 ? 0 : (__u32)klen;

	off = off__bound(off);
	if (!kaddr || off > ARGS_ROOM)
		return store__none(s, off);
	if (len > TRACEE_SOCKADDR_MAX)
		len = TRACEE_SOCKADDR_MAX;
	barrier_var(len);
	len &= 2 * TRACEE_SOCKADDR_MAX - 1;
	if (len > TRACEE_SOCKADDR_MAX || bpf_probe_read_kernel(&s->buf[off + 5], len, kaddr))
		return store__none(s, off);
	s->buf[off] = ARG_SOCKADDR;
	__builtin_memcpy(&s->buf[off + 1], &len, sizeof(len));
	return off + 5 + len;
}

/* The current syscall's first argument (the LSM and kprobe hooks run inside it). */
static __always_inline __u64 ext__syscall_arg0(void)
{
	struct pt_regs *regs = task__pt_regs();
	__u64 args[6];

	if (!regs)
		return (__u64)-1;
	syscall__read_regs(args, regs);
	return args[0];
}

/* --- the records ------------------------------------------------------------------ */

static __always_inline void ext__emit_connect(void *ctx, struct task_info *ti, int fd, int type,
					      const void *addr, __u64 len, bool user)
{
	struct scratch *s = scratch__get();
	__u32 off;

	if (!s)
		return;
	record__init(s, ti, EVENT_SECURITY_SOCKET_CONNECT, 0);
	off = store__u32(s, sizeof(struct event_header), ARG_INT, (__u32)fd);
	off = store__u32(s, off, ARG_INT, (__u32)type);
	off = user ? store__sockaddr(s, off, addr, len, false, 0, 0) : store__ksockaddr(s, off, addr, (int)len);
	sec__submit(ctx, s, off, 3);
}

static __always_inline void ext__emit_mount(void *ctx, struct task_info *ti, const char *dev,
					    const char *path, const char *type, __u64 flags, bool user)
{
	struct scratch *s = scratch__get();
	__u32 off;

	if (!s)
		return;
	record__init(s, ti, EVENT_SECURITY_SB_MOUNT, 0);
	off = store__str(s, sizeof(struct event_header), dev, user);
	off = store__str(s, off, path, false);
	off = store__str(s, off, type, user);
	off = store__u64(s, off, ARG_ULONG, flags);
	sec__submit(ctx, s, off, 4);
}

static __always_inline void ext__emit_read_file(void *ctx, struct task_info *ti, struct file *file, __u32 id)
{
	struct scratch *s = scratch__get();
	__u32 off;

	if (!s || !file)
		return;
	off = sec__file_record(s, ti, EVENT_SECURITY_KERNEL_READ_FILE, file, 0);
	off = store__file_id(s, off, vfs__file_inode(file));
	off = store__str(s, off, (const char *)read_file_type[id & 7], false);
	sec__submit(ctx, s, off, 4);
}

/* --- one helper per hook --------------------------------------------------------- */

static __noinline void ext__connect(void *ctx, __u8 kind, struct socket *sock, struct sockaddr *addr, int len)
{
	struct task_info *ti;

	if (probe__serves(EVENT_SECURITY_SOCKET_CONNECT, kind) && (ti = sec__traced()))
		ext__emit_connect(ctx, ti, (int)ext__syscall_arg0(), READ_KERN(sock->type), addr, (__u64)len,
				  false);
}

static __noinline void ext__rename(void *ctx, __u8 kind, struct dentry *old, struct dentry *new)
{
	struct scratch *s;
	struct task_info *ti;
	__u32 off;

	if (!probe__serves(EVENT_SECURITY_INODE_RENAME, kind) || !(ti = sec__traced()) || !(s = scratch__get()))
		return;
	record__init(s, ti, EVENT_SECURITY_INODE_RENAME, 0);
	off = store__str(s, sizeof(struct event_header), vfs__dentry_str(old), false);
	off = store__str(s, off, vfs__dentry_str(new), false);
	sec__submit(ctx, s, off, 2);
}

/* Inlined: with the context a perf buffer needs it would take six
 * arguments, one more than a BPF call passes in registers. */
static __always_inline void ext__mount(void *ctx, __u8 kind, const char *dev,
				       const struct path *path, const char *type, unsigned long flags)
{
	struct task_info *ti;

	if (probe__serves(EVENT_SECURITY_SB_MOUNT, kind) && (ti = sec__traced()))
		ext__emit_mount(ctx, ti, dev, vfs__path_str((struct path *)path), type, flags, false);
}

static __noinline void ext__read_file(void *ctx, __u8 kind, struct file *file, int id)
{
	struct task_info *ti;

	if (probe__serves(EVENT_SECURITY_KERNEL_READ_FILE, kind) && (ti = sec__traced()))
		ext__emit_read_file(ctx, ti, file, (__u32)id);
}

/* --- LSM hooks ------------------------------------------------------------------ */

SEC("lsm/socket_connect")
int BPF_PROG(tracee_lsm_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen)
{
	ext__connect(ctx, PROBE_LSM, sock, address, addrlen);
	return 0;
}

SEC("lsm/inode_rename")
int BPF_PROG(tracee_lsm_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry)
{
	ext__rename(ctx, PROBE_LSM, old_dentry, new_dentry);
	return 0;
}

SEC("lsm/sb_mount")
int BPF_PROG(tracee_lsm_sb_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags)
{
	ext__mount(ctx, PROBE_LSM, dev_name, path, type, flags);
	return 0;
}

SEC("lsm/kernel_read_file")
int BPF_PROG(tracee_lsm_kernel_read_file, struct file *file, int id)
{
	ext__read_file(ctx, PROBE_LSM, file, id);
	return 0;
}

/* --- fentry ---------------------------------------------------------------------- */

SEC("fentry/security_socket_connect")
int BPF_PROG(tracee_fentry_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen)
{
	ext__connect(ctx, PROBE_FENTRY, sock, address, addrlen);
	return 0;
}

SEC("fentry/security_inode_rename")
int BPF_PROG(tracee_fentry_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry)
{
	ext__rename(ctx, PROBE_FENTRY, old_dentry, new_dentry);
	return 0;
}

SEC("fentry/security_sb_mount")
int BPF_PROG(tracee_fentry_sb_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags)
{
	ext__mount(ctx, PROBE_FENTRY, dev_name, path, type, flags);
	return 0;
}

SEC("fentry/security_kernel_read_file")
int BPF_PROG(tracee_fentry_kernel_read_file, struct file *file, int id)
{
	ext__read_file(ctx, PROBE_FENTRY, file, id);
	return 0;
}

/* --- kprobes --------------------------------------------------------------------- */

SEC("kprobe/security_socket_connect")
int BPF_KPROBE(tracee_kprobe_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen)
{
	ext__connect(ctx, PROBE_KPROBE, sock, address, addrlen);
	return 0;
}

SEC("kprobe/security_inode_rename")
int BPF_KPROBE(tracee_kprobe_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	       struct inode *new_dir, struct dentry *new_dentry)
{
	ext__rename(ctx, PROBE_KPROBE, old_dentry, new_dentry);
	return 0;
}

SEC("kprobe/security_sb_mount")
int BPF_KPROBE(tracee_kprobe_sb_mount, const char *dev_name, const struct path *path, const char *type,
	       unsigned long flags)
{
	ext__mount(ctx, PROBE_KPROBE, dev_name, path, type, flags);
	return 0;
}

SEC("kprobe/security_kernel_read_file")
int BPF_KPROBE(tracee_kprobe_kernel_read_file, struct file *file, int id)
{
	ext__read_file(ctx, PROBE_KPROBE, file, id);
	return 0;
}

/* --- socket_dup -------------------------------------------------------------------- */

/* The peer of an internet socket as a struct sockaddr_in or _in6, built in
 * the record from the kernel's socket; false for other families. */
static __always_inline bool ext__store_peer(struct scratch *s, __u32 *off, struct sock *sk)
{
	__u16 family = READ_KERN(sk->__sk_common.skc_family);
	__u16 port = READ_KERN(sk->__sk_common.skc_dport);
	__u32 o = off__bound(*off), len;

	if (o > ARGS_ROOM)
		return false;
	if (family == EXT_AF_INET) {
		struct { __u16 family, port; __u32 addr; __u8 zero[8]; } in = {
			.family = family, .port = port, .addr = READ_KERN(sk->__sk_common.skc_daddr) };

		len = sizeof(in);
		__builtin_memcpy(&s->buf[o + 5], &in, sizeof(in));
	} else if (family == EXT_AF_INET6) {
		struct { __u16 family, port; __u32 flow; __u8 addr[16]; __u32 scope; } in6 = {
			.family = family, .port = port };

		bpf_probe_read_kernel(in6.addr, sizeof(in6.addr), &sk->__sk_common.skc_v6_daddr);
		len = sizeof(in6);
		__builtin_memcpy(&s->buf[o + 5], &in6, sizeof(in6));
	} else {
		return false;
	}
	s->buf[o] = ARG_SOCKADDR;
	__builtin_memcpy(&s->buf[o + 1], &len, sizeof(len));
	*off = o + 5 + len;
	return true;
}

/* After a dup that worked: oldfd still names the file. */
static __always_inline void ext__socket_dup(void *ctx, struct task_info *ti, int oldfd, int newfd)
{
	struct file *file = vfs__file_by_fd(task__current(), oldfd);
	struct scratch *s;
	struct socket *sock;
	struct sock *sk;
	__u32 off;

	if (!file || (vfs__inode_mode(vfs__file_inode(file)) & VFS_S_IFMT) != EXT_S_IFSOCK)
		return;
	sock = (struct socket *)READ_KERN(file->private_data);
	sk = sock ? READ_KERN(sock->sk) : NULL;
	if (!sk || !(s = scratch__get()))
		return;
	record__init(s, ti, EVENT_SOCKET_DUP, newfd);
	off = store__u32(s, sizeof(struct event_header), ARG_INT, (__u32)oldfd);
	off = store__u32(s, off, ARG_INT, (__u32)newfd);
	if (ext__store_peer(s, &off, sk))
		sec__submit(ctx, s, off, 3);
}

/* --- syscall fallbacks ----------------------------------------------------------- */

/* x86_64 numbers of the syscalls whose arguments differ within a family. */
enum ext_syscall {
	EXT_NR_fcntl = 72, EXT_NR_rename = 82, EXT_NR_finit_module = 313,
};

#define EXT_F_DUPFD 0
#define EXT_F_DUPFD_CLOEXEC 1030

#define EXT_KEXEC_FILE_NO_INITRAMFS 4
#define EXT_READING_MODULE 2
#define EXT_READING_KEXEC_IMAGE 3
#define EXT_READING_KEXEC_INITRAMFS 4

/* connect: only on a socket (the LSM hook runs for nothing else). */
static __always_inline void fallback__connect(void *ctx, struct task_info *ti, const __u64 *args)
{
	struct file *file = vfs__file_by_fd(task__current(), (int)args[0]);
	struct socket *sock;

	if (!file || (vfs__inode_mode(vfs__file_inode(file)) & VFS_S_IFMT) != EXT_S_IFSOCK)
		return;
	sock = (struct socket *)READ_KERN(file->private_data);
	ext__emit_connect(ctx, ti, (int)args[0], sock ? READ_KERN(sock->type) : 0, (const void *)args[1],
			  args[2], true);
}

/* mount: the target resolved against the cwd. */
static __always_inline void fallback__mount(void *ctx, struct task_info *ti, const __u64 *args)
{
	const char *target = vfs__path_join_user(vfs__at_dir(task__current(), -100), (const char *)args[1]);

	ext__emit_mount(ctx, ti, (const char *)args[0], target, (const char *)args[2], args[3], true);
}

/* finit_module and kexec_file_load: the files the kernel is asked to read. */
static __always_inline void fallback__read_file(void *ctx, struct task_info *ti, __u32 nr, const __u64 *args)
{
	struct task_struct *task = task__current();

	if (nr == EXT_NR_finit_module) {
		ext__emit_read_file(ctx, ti, vfs__file_by_fd(task, (int)args[0]), EXT_READING_MODULE);
		return;
	}
	ext__emit_read_file(ctx, ti, vfs__file_by_fd(task, (int)args[0]), EXT_READING_KEXEC_IMAGE);
	if (!(args[4] & EXT_KEXEC_FILE_NO_INITRAMFS))
		ext__emit_read_file(ctx, ti, vfs__file_by_fd(task, (int)args[1]), EXT_READING_KEXEC_INITRAMFS);
}

/* A rename that worked: both names resolved against the directories the
 * process named (which still exist; the old name no longer does). */
static __always_inline void fallback__rename(void *ctx, struct task_info *ti, __u32 nr, const __u64 *args)
{
	struct task_struct *task = task__current();
	const char *oldname = (const char *)args[0], *newname = (const char *)args[1];
	int olddir = -100, newdir = -100;
	struct scratch *s = scratch__get();
	__u32 off;

	if (!s)
		return;
	if (nr != EXT_NR_rename) {
		olddir = (int)args[0];
		oldname = (const char *)args[1];
		newdir = (int)args[2];
		newname = (const char *)args[3];
	}
	record__init(s, ti, EVENT_SECURITY_INODE_RENAME, 0);
	off = store__str(s, sizeof(struct event_header),
			 vfs__path_join_user(vfs__at_dir(task, olddir), oldname), false);
	off = store__str(s, off, vfs__path_join_user(vfs__at_dir(task, newdir), newname), false);
	sec__submit(ctx, s, off, 2);
}

/* A hook of the sys_exit program (syscalls.bpf.h), for the syscalls
 * syscall_hooks[] names for these events, each in one family: one branch.
 * Their fallbacks act at exit, when the syscall's arguments are still in its
 * registers: an attempt is reported whatever its outcome (connect, mount,
 * the kernel reading a file), a change when it worked (dup, rename). */
static __always_inline void ext__sys_exit(void *ctx, struct task_info *ti, __u32 nr, const __u64 *args,
					  __s64 ret, __u32 events)
{
	if (events & SEC_BIT(EVENT_SOCKET_DUP)) {
		if (ret >= 0 && (nr != EXT_NR_fcntl || args[1] == EXT_F_DUPFD || args[1] == EXT_F_DUPFD_CLOEXEC))
			ext__socket_dup(ctx, ti, (int)args[0], (int)ret);
	} else if (events & SEC_BIT(EVENT_SECURITY_INODE_RENAME)) {
		if (ret == 0)
			fallback__rename(ctx, ti, nr, args);
	} else if (events & SEC_BIT(EVENT_SECURITY_SOCKET_CONNECT)) {
		fallback__connect(ctx, ti, args);
	} else if (events & SEC_BIT(EVENT_SECURITY_SB_MOUNT)) {
		fallback__mount(ctx, ti, args);
	} else if (events & SEC_BIT(EVENT_SECURITY_KERNEL_READ_FILE)) {
		fallback__read_file(ctx, ti, nr, args);
	}
}

#endif
