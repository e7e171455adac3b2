/* security.bpf.h - security events. Each event has probes from best to last
 * resort (lib/events.c): an LSM hook, fentry/fexit on the kernel function,
 * kprobe/kretprobe on it, and a tracepoint fallback that reads the same facts
 * from the kernel's own structures at the syscall (or exec) that caused
 * them. User space picks one per event for this kernel (lib/probes.c), loads
 * only that probe's programs and says which in event_probe[], so a program
 * shared by several events emits only the events it was chosen for. */
#ifndef TRACEE_SECURITY_BPF_H
#define TRACEE_SECURITY_BPF_H

#include "args.h"
#include "filter.h"
#include "vfs.h"

#ifndef TRACEE_CORE
#include <linux/cred.h>
#include <linux/ipc_namespace.h>
#include <linux/cgroup.h>
#include <linux/mm_types.h>
#include <net/net_namespace.h>
#include <linux/version.h>
#endif

/* Set before load: enum probe_kind per event id - TRACEE_EVENT_BASE. */
const volatile __u8 event_probe[TRACEE_PROBED_EVENTS] = { 0 };

#define SEC_BIT(id)      (1u << ((id) - TRACEE_EVENT_BASE))
#define SEC_MAGIC_BYTES  32             /* magic_write: header bytes kept */
#define SEC_VM_WRITE     0x2            /* VM_WRITE == PROT_WRITE */
#define SEC_VM_EXEC      0x4            /* VM_EXEC == PROT_EXEC */
#define SEC_WX           (SEC_VM_WRITE | SEC_VM_EXEC)
/* cap_capable's 4th argument: since 5.1 opts, with CAP_OPT_NOAUDIT (0x2) for a
 * check the kernel does not audit; before, int audit, SECURITY_CAP_NOAUDIT
 * (0) for one. (A build from BTF is for a later kernel.) */
#define SEC_CAP_OPT_NOAUDIT 0x2
#ifndef TRACEE_CORE
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 1, 0)
#define SEC_CAP_UNAUDITED(opts) ((opts) == 0)
#endif
#endif
#ifndef SEC_CAP_UNAUDITED
#define SEC_CAP_UNAUDITED(opts) ((opts) & SEC_CAP_OPT_NOAUDIT)
#endif

/* Tracee's mem_prot_alert texts, by alert number - 1. */
const volatile char mem_alert_text[4][40] = {
	"Mmaped region with W+E permissions!",
	"Protection changed to Executable!",
	"Protection changed from E to W+E!",
	"Protection changed from W+E to E!",
};

enum mem_alert {
	ALERT_MMAP_W_X = 1,
	ALERT_MPROT_X_ADD,
	ALERT_MPROT_W_ADD,
	ALERT_MPROT_W_REM,
};

static __always_inline bool probe__serves(__u32 id, __u8 kind)
{
	return event_probe[(id - TRACEE_EVENT_BASE) & (TRACEE_PROBED_EVENTS - 1)] == kind;
}

/* The current task's context when it is traced. */
static __always_inline struct task_info *sec__traced(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_info *ti = filter__task_info((__u32)id);

	return ti && ti->traced ? ti : NULL;
}

/* --- building the records ---------------------------------------------------- */

static __always_inline void sec__submit(void *ctx, struct scratch *s, __u32 off, __u16 argnum)
{
	((struct event_header *)s->buf)->argnum = argnum;
	events__submit(ctx, s, off);
}

static __always_inline __u32 store__path(struct scratch *s, __u32 off, struct path *path)
{
	return store__str(s, off, path ? vfs__path_str(path) : NULL, false);
}

/* The record of an event about file, begun: the header, then the file's
 * path (pathname, the first argument of every such event). */
static __always_inline __u32 sec__file_record(struct scratch *s, struct task_info *ti, __u32 event,
					      struct file *file, __s64 retval)
{
	record__init(s, ti, event, retval);
	return store__path(s, sizeof(struct event_header), vfs__file_path(file));
}

/* A file's identity: (dev, inode). */
static __always_inline __u32 store__file_id(struct scratch *s, __u32 off, struct inode *inode)
{
	off = store__u32(s, off, ARG_UINT, vfs__inode_dev(inode));
	return store__u64(s, off, ARG_ULONG, vfs__inode_ino(inode));
}

/* security_bprm_check (pathname, dev, inode) and security_file_open
 * (pathname, flags, dev, inode) of a file; extra_flags are or'ed in. */
static __always_inline void sec__emit_file_flags(void *ctx, struct task_info *ti, __u32 event,
						 struct file *file, __u32 extra_flags)
{
	struct scratch *s = scratch__get();
	__u32 off;

	if (!s || !file)
		return;
	off = sec__file_record(s, ti, event, file, 0);
	if (event == EVENT_SECURITY_FILE_OPEN)
		off = store__u32(s, off, ARG_INT, READ_KERN(file->f_flags) | extra_flags);
	off = store__file_id(s, off, vfs__file_inode(file));
	sec__submit(ctx, s, off, event == EVENT_SECURITY_FILE_OPEN ? 4 : 3);
}

static __always_inline void sec__emit_file(void *ctx, struct task_info *ti, __u32 event, struct file *file)
{
	sec__emit_file_flags(ctx, ti, event, file, 0);
}

static __always_inline void sec__emit_unlink(void *ctx, struct task_info *ti, const char *path)
{
	struct scratch *s = scratch__get();
	__u32 off;

	if (!s)
		return;
	record__init(s, ti, EVENT_SECURITY_INODE_UNLINK, 0);
	off = store__str(s, sizeof(struct event_header), path, false);
	sec__submit(ctx, s, off, 1);
}

/* vfs_write / vfs_writev (pathname, dev, inode, count or vlen, pos). */
static __always_inline void sec__emit_write(void *ctx, struct task_info *ti, __u32 event, struct file *file,
					    __u64 count, __s64 pos, __s64 ret)
{
	struct scratch *s = scratch__get();
	__u32 off;

	if (!s || !file)
		return;
	off = sec__file_record(s, ti, event, file, ret);
	off = store__file_id(s, off, vfs__file_inode(file));
	off = store__u64(s, off, ARG_ULONG, count);
	off = store__u64(s, off, ARG_LONG, (__u64)pos);
	sec__submit(ctx, s, off, 5);
}

/* magic_write (pathname, bytes, dev, inode): the first bytes written at
 * offset 0 of a regular file, read from the writer's buffer. */
static __always_inline void sec__emit_magic(void *ctx, struct task_info *ti, struct file *file,
					    const void *ubuf, __s64 written)
{
	struct scratch *s = scratch__get();
	struct inode *inode;
	__u32 off, len;

	if (!s || !file || !ubuf || written <= 0)
		return;
	inode = vfs__file_inode(file);
	if (!vfs__inode_is_reg(inode))
		return;
	off = off__bound(sec__file_record(s, ti, EVENT_MAGIC_WRITE, file, 0));
	len = written < SEC_MAGIC_BYTES ? (__u32)written : SEC_MAGIC_BYTES;
	len &= 2 * SEC_MAGIC_BYTES - 1;
	if (len > SEC_MAGIC_BYTES || bpf_probe_read_user(&s->buf[off + 5], len, ubuf)) {
		off = store__none(s, off);
	} else {
		s->buf[off] = ARG_BYTES;
		__builtin_memcpy(&s->buf[off + 1], &len, sizeof(len));
		off += 5 + len;
	}
	off = store__file_id(s, off, inode);
	sec__submit(ctx, s, off, 4);
}

/* magic_write of a writev: the head of the file is the head of its first
 * buffer (iov is the writer's struct iovec array). */
static __always_inline void sec__emit_magic_iov(void *ctx, struct task_info *ti, struct file *file,
						const void *iov, __s64 written)
{
	struct { const void *base; __u64 len; } v;

	if (!iov || bpf_probe_read_user(&v, sizeof(v), iov))
		return;
	sec__emit_magic(ctx, ti, file, v.base, v.len < (__u64)written ? (__s64)v.len : written);
}

static __always_inline void sec__emit_mem_alert(void *ctx, struct task_info *ti, __u32 alert)
{
	struct scratch *s = scratch__get();
	__u32 off;

	if (!s || alert < ALERT_MMAP_W_X || alert > ALERT_MPROT_W_REM)
		return;
	record__init(s, ti, EVENT_MEM_PROT_ALERT, 0);
	off = store__str(s, sizeof(struct event_header),
			 (const char *)mem_alert_text[(alert - 1) & 3], false);
	sec__submit(ctx, s, off, 1);
}

/* What Tracee alerts on when a mapping's protection goes from prev to req. */
static __always_inline __u32 mem__mprotect_alert(__u64 prev, __u64 req)
{
	if (!(prev & SEC_VM_EXEC) && (req & SEC_VM_EXEC))
		return ALERT_MPROT_X_ADD;
	if ((prev & SEC_VM_EXEC) && !(prev & SEC_VM_WRITE) && (req & SEC_WX) == SEC_WX)
		return ALERT_MPROT_W_ADD;
	if ((prev & SEC_WX) == SEC_WX && (req & SEC_VM_EXEC) && !(req & SEC_VM_WRITE))
		return ALERT_MPROT_W_REM;
	return 0;
}

static __always_inline void creds__read(struct sec_creds *c, const struct cred *cred)
{
	c->uid = READ_KERN(cred->uid.val);
	c->gid = READ_KERN(cred->gid.val);
	c->suid = READ_KERN(cred->suid.val);
	c->sgid = READ_KERN(cred->sgid.val);
	c->euid = READ_KERN(cred->euid.val);
	c->egid = READ_KERN(cred->egid.val);
	c->fsuid = READ_KERN(cred->fsuid.val);
	c->fsgid = READ_KERN(cred->fsgid.val);
	c->cap_effective = 0;
	bpf_probe_read_kernel(&c->cap_effective, sizeof(c->cap_effective), &cred->cap_effective);
}

static __always_inline bool creds__differ(const struct sec_creds *a, const struct sec_creds *b)
{
	return a->uid != b->uid || a->gid != b->gid || a->suid != b->suid || a->sgid != b->sgid ||
	       a->euid != b->euid || a->egid != b->egid || a->fsuid != b->fsuid ||
	       a->fsgid != b->fsgid || a->cap_effective != b->cap_effective;
}

/* commit_creds (old_uid, new_uid, old_gid, new_gid, old_euid, new_euid,
 * old_egid, new_egid). */
static __always_inline void sec__emit_creds(void *ctx, struct task_info *ti, const struct sec_creds *o,
					    const struct sec_creds *n)
{
	struct scratch *s = scratch__get();
	__u32 off = sizeof(struct event_header);

	if (!s || !creds__differ(o, n))
		return;
	record__init(s, ti, EVENT_COMMIT_CREDS, 0);
	off = store__u32(s, off, ARG_UINT, o->uid);
	off = store__u32(s, off, ARG_UINT, n->uid);
	off = store__u32(s, off, ARG_UINT, o->gid);
	off = store__u32(s, off, ARG_UINT, n->gid);
	off = store__u32(s, off, ARG_UINT, o->euid);
	off = store__u32(s, off, ARG_UINT, n->euid);
	off = store__u32(s, off, ARG_UINT, o->egid);
	off = store__u32(s, off, ARG_UINT, n->egid);
	sec__submit(ctx, s, off, 8);
}

static __always_inline void ns__read(struct sec_ns *ns, struct nsproxy *nsp)
{
	struct mnt_namespace *mnt = READ_KERN(nsp->mnt_ns);
	struct pid_namespace *pid = READ_KERN(nsp->pid_ns_for_children);
	struct uts_namespace *uts = READ_KERN(nsp->uts_ns);
	struct ipc_namespace *ipc = READ_KERN(nsp->ipc_ns);
	struct net *net = READ_KERN(nsp->net_ns);
	struct cgroup_namespace *cg = READ_KERN(nsp->cgroup_ns);

	ns->mnt = mnt ? READ_KERN(mnt->ns.inum) : 0;
	ns->pid = pid ? READ_KERN(pid->ns.inum) : 0;
	ns->uts = uts ? READ_KERN(uts->ns.inum) : 0;
	ns->ipc = ipc ? READ_KERN(ipc->ns.inum) : 0;
	ns->net = net ? READ_KERN(net->ns.inum) : 0;
	ns->cgroup = cg ? READ_KERN(cg->ns.inum) : 0;
}

/* switch_task_ns (pid, new_mnt, new_pid, new_uts, new_ipc, new_net,
 * new_cgroup): a namespace that did not change is 0. */
static __always_inline void sec__emit_ns(void *ctx, struct task_info *ti, __u32 pid, const struct sec_ns *o,
					 const struct sec_ns *n)
{
	struct scratch *s = scratch__get();
	__u32 off = sizeof(struct event_header);

	if (!s || (o->mnt == n->mnt && o->pid == n->pid && o->uts == n->uts &&
		   o->ipc == n->ipc && o->net == n->net && o->cgroup == n->cgroup))
		return;
	record__init(s, ti, EVENT_SWITCH_TASK_NS, 0);
	off = store__u32(s, off, ARG_INT, pid);
	off = store__u32(s, off, ARG_UINT, o->mnt != n->mnt ? n->mnt : 0);
	off = store__u32(s, off, ARG_UINT, o->pid != n->pid ? n->pid : 0);
	off = store__u32(s, off, ARG_UINT, o->uts != n->uts ? n->uts : 0);
	off = store__u32(s, off, ARG_UINT, o->ipc != n->ipc ? n->ipc : 0);
	off = store__u32(s, off, ARG_UINT, o->net != n->net ? n->net : 0);
	off = store__u32(s, off, ARG_UINT, o->cgroup != n->cgroup ? n->cgroup : 0);
	sec__submit(ctx, s, off, 7);
}

/* cap_capable (cap, syscall), for the capability checks that are audited. */
static __always_inline void sec__emit_cap(void *ctx, struct task_info *ti, int cap, unsigned int opts)
{
	struct scratch *s = scratch__get();
	struct pt_regs *regs;
	__u32 off = sizeof(struct event_header);

	if (!s || SEC_CAP_UNAUDITED(opts))
		return;
	regs = task__pt_regs();
	record__init(s, ti, EVENT_CAP_CAPABLE, 0);
	off = store__u32(s, off, ARG_INT, cap);
	off = store__u32(s, off, ARG_INT, (__u32)READ_KERN(regs->orig_ax));
	sec__submit(ctx, s, off, 2);
}

static __always_inline __u64 vma__flags(struct vm_area_struct *vma)
{
	unsigned long *flags = (unsigned long *)&vma->vm_flags;

	return READ_KERN(*flags);
}

/* One helper per hook, shared by its LSM, fentry, kprobe and tracepoint programs;
 * kind says which of them is running, so that only the selected one reports.
 * Each is compiled once, not into each of its programs. */

static __noinline void bprm__check(void *ctx, __u8 kind, struct linux_binprm *bprm)
{
	struct task_info *ti;

	if (probe__serves(EVENT_SECURITY_BPRM_CHECK, kind) && (ti = sec__traced()))
		sec__emit_file(ctx, ti, EVENT_SECURITY_BPRM_CHECK, READ_KERN(bprm->file));
}

static __noinline void file__open(void *ctx, __u8 kind, struct file *file)
{
	struct task_info *ti;

	if (probe__serves(EVENT_SECURITY_FILE_OPEN, kind) && (ti = sec__traced()))
		sec__emit_file(ctx, ti, EVENT_SECURITY_FILE_OPEN, file);
}

static __noinline void inode__unlink(void *ctx, __u8 kind, struct dentry *dentry)
{
	struct task_info *ti;

	if (probe__serves(EVENT_SECURITY_INODE_UNLINK, kind) && (ti = sec__traced()))
		sec__emit_unlink(ctx, ti, vfs__dentry_str(dentry));
}

static __noinline void mmap__check(void *ctx, __u8 kind, unsigned long prot)
{
	struct task_info *ti;

	if (probe__serves(EVENT_MEM_PROT_ALERT, kind) && (prot & SEC_WX) == SEC_WX &&
	    (ti = sec__traced()))
		sec__emit_mem_alert(ctx, ti, ALERT_MMAP_W_X);
}

static __noinline void mprotect__check(void *ctx, __u8 kind, struct vm_area_struct *vma,
					    unsigned long reqprot)
{
	struct task_info *ti;
	__u32 alert;

	if (!probe__serves(EVENT_MEM_PROT_ALERT, kind))
		return;
	alert = mem__mprotect_alert(vma__flags(vma), reqprot);
	if (alert && (ti = sec__traced()))
		sec__emit_mem_alert(ctx, ti, alert);
}

static __noinline void cap__check(void *ctx, __u8 kind, int cap, unsigned int opts)
{
	struct task_info *ti;

	if (probe__serves(EVENT_CAP_CAPABLE, kind) && (ti = sec__traced()))
		sec__emit_cap(ctx, ti, cap, opts);
}

/* --- LSM hooks ------------------------------------------------------------------ */

SEC("lsm/bprm_check_security")
int BPF_PROG(tracee_lsm_bprm_check, struct linux_binprm *bprm)
{
	bprm__check(ctx, PROBE_LSM, bprm);
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(tracee_lsm_file_open, struct file *file)
{
	file__open(ctx, PROBE_LSM, file);
	return 0;
}

SEC("lsm/inode_unlink")
int BPF_PROG(tracee_lsm_inode_unlink, struct inode *dir, struct dentry *dentry)
{
	inode__unlink(ctx, PROBE_LSM, dentry);
	return 0;
}

SEC("lsm/mmap_file")
int BPF_PROG(tracee_lsm_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags)
{
	mmap__check(ctx, PROBE_LSM, reqprot);
	return 0;
}

SEC("lsm/file_mprotect")
int BPF_PROG(tracee_lsm_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot)
{
	mprotect__check(ctx, PROBE_LSM, vma, reqprot);
	return 0;
}

/* --- fentry/fexit --------------------------------------------------------------- */

SEC("fentry/security_bprm_check")
int BPF_PROG(tracee_fentry_bprm_check, struct linux_binprm *bprm)
{
	bprm__check(ctx, PROBE_FENTRY, bprm);
	return 0;
}

SEC("fentry/security_file_open")
int BPF_PROG(tracee_fentry_file_open, struct file *file)
{
	file__open(ctx, PROBE_FENTRY, file);
	return 0;
}

SEC("fentry/security_inode_unlink")
int BPF_PROG(tracee_fentry_inode_unlink, struct inode *dir, struct dentry *dentry)
{
	inode__unlink(ctx, PROBE_FENTRY, dentry);
	return 0;
}

/* Where a write started: *pos has moved past what was written. */
static __always_inline __s64 write__start(loff_t *pos, __s64 ret)
{
	__s64 end = pos ? READ_KERN(*pos) : 0;

	return ret > 0 && end >= ret ? end - ret : end;
}

/* vfs_write(v)'s loff_t *pos, from the trampoline's saved arguments: before
 * 5.13 the verifier refuses a direct load of an argument that points to an
 * integer ("arg3 type INT is not a struct"), so it is probe-read. */
static __always_inline loff_t *fexit__pos_arg(unsigned long long *ctx)
{
	loff_t *pos = NULL;

	bpf_probe_read_kernel(&pos, sizeof(pos), &ctx[3]);
	return pos;
}

SEC("fexit/vfs_write")
int BPF_PROG(tracee_fexit_vfs_write, struct file *file, const char *buf, size_t count)
{
	ssize_t ret = (ssize_t)ctx[4];
	struct task_info *ti;
	__s64 start;

	if (!(ti = sec__traced()))
		return 0;
	start = write__start(fexit__pos_arg(ctx), ret);
	if (probe__serves(EVENT_VFS_WRITE, PROBE_FENTRY))
		sec__emit_write(ctx, ti, EVENT_VFS_WRITE, file, count, start, ret);
	if (probe__serves(EVENT_MAGIC_WRITE, PROBE_FENTRY) && start == 0)
		sec__emit_magic(ctx, ti, file, buf, ret);
	return 0;
}

SEC("fexit/vfs_writev")
int BPF_PROG(tracee_fexit_vfs_writev, struct file *file, const struct iovec *vec,
	     unsigned long vlen)
{
	ssize_t ret = (ssize_t)ctx[5];
	struct task_info *ti;
	__s64 start;

	if (!(ti = sec__traced()))
		return 0;
	start = write__start(fexit__pos_arg(ctx), ret);
	if (probe__serves(EVENT_VFS_WRITEV, PROBE_FENTRY))
		sec__emit_write(ctx, ti, EVENT_VFS_WRITEV, file, vlen, start, ret);
	if (probe__serves(EVENT_MAGIC_WRITE, PROBE_FENTRY) && start == 0)
		sec__emit_magic_iov(ctx, ti, file, vec, ret);
	return 0;
}

SEC("fentry/security_mmap_file")
int BPF_PROG(tracee_fentry_mmap_file, struct file *file, unsigned long prot, unsigned long flags)
{
	mmap__check(ctx, PROBE_FENTRY, prot);
	return 0;
}

SEC("fentry/security_file_mprotect")
int BPF_PROG(tracee_fentry_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot)
{
	mprotect__check(ctx, PROBE_FENTRY, vma, reqprot);
	return 0;
}

static __always_inline void creds__commit(void *ctx, __u8 kind, const struct cred *new)
{
	struct sec_creds o, n;
	struct task_info *ti;

	if (!probe__serves(EVENT_COMMIT_CREDS, kind) || !(ti = sec__traced()))
		return;
	creds__read(&o, READ_KERN(task__current()->real_cred));
	creds__read(&n, new);
	sec__emit_creds(ctx, ti, &o, &n);
}

SEC("fentry/commit_creds")
int BPF_PROG(tracee_fentry_commit_creds, struct cred *new)
{
	creds__commit(ctx, PROBE_FENTRY, new);
	return 0;
}

static __always_inline void ns__switch(void *ctx, __u8 kind, struct task_struct *p, struct nsproxy *new)
{
	struct sec_ns o, n;
	struct task_info *ti;
	struct nsproxy *old;

	if (!probe__serves(EVENT_SWITCH_TASK_NS, kind) || !new || !(ti = sec__traced()))
		return;
	old = READ_KERN(p->nsproxy);
	if (!old)
		return;
	ns__read(&o, old);
	ns__read(&n, new);
	sec__emit_ns(ctx, ti, READ_KERN(p->pid), &o, &n);
}

SEC("fentry/switch_task_namespaces")
int BPF_PROG(tracee_fentry_switch_task_ns, struct task_struct *p, struct nsproxy *new)
{
	ns__switch(ctx, PROBE_FENTRY, p, new);
	return 0;
}

SEC("fentry/cap_capable")
int BPF_PROG(tracee_fentry_cap_capable, const struct cred *cred, struct user_namespace *ns,
	     int cap, unsigned int opts)
{
	cap__check(ctx, PROBE_FENTRY, cap, opts);
	return 0;
}

/* --- kprobes ------------------------------------------------------------------- */

SEC("kprobe/security_bprm_check")
int BPF_KPROBE(tracee_kprobe_bprm_check, struct linux_binprm *bprm)
{
	bprm__check(ctx, PROBE_KPROBE, bprm);
	return 0;
}

SEC("kprobe/security_file_open")
int BPF_KPROBE(tracee_kprobe_file_open, struct file *file)
{
	file__open(ctx, PROBE_KPROBE, file);
	return 0;
}

SEC("kprobe/security_inode_unlink")
int BPF_KPROBE(tracee_kprobe_inode_unlink, struct inode *dir, struct dentry *dentry)
{
	inode__unlink(ctx, PROBE_KPROBE, dentry);
	return 0;
}

/* vfs_write(v) entry arguments, kept for the kretprobe. */
struct sec_write_args {
	struct file *file;
	const void *buf;        /* vfs_write: the data; vfs_writev: the iovec array */
	__u64 count;            /* vfs_write: bytes; vfs_writev: vlen */
	loff_t *pos;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);             /* pid_tgid */
	__type(value, struct sec_write_args);
} sec_write_args SEC(".maps");

static __always_inline void write__save(struct file *file, const void *buf, __u64 count, loff_t *pos)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct sec_write_args a = { .file = file, .buf = buf, .count = count, .pos = pos };

	if (sec__traced())
		bpf_map_update_elem(&sec_write_args, &id, &a, BPF_ANY);
}

static __always_inline void write__done(void *ctx, __u32 event, __s64 ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct sec_write_args *a = bpf_map_lookup_elem(&sec_write_args, &id);
	struct task_info *ti;
	__s64 start;

	if (!a)
		return;
	ti = sec__traced();
	if (ti) {
		start = write__start(a->pos, ret);
		if (probe__serves(event, PROBE_KPROBE))
			sec__emit_write(ctx, ti, event, a->file, a->count, start, ret);
		if (probe__serves(EVENT_MAGIC_WRITE, PROBE_KPROBE) && start == 0) {
			if (event == EVENT_VFS_WRITE)
				sec__emit_magic(ctx, ti, a->file, a->buf, ret);
			else
				sec__emit_magic_iov(ctx, ti, a->file, a->buf, ret);
		}
	}
	bpf_map_delete_elem(&sec_write_args, &id);
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(tracee_kprobe_vfs_write, struct file *file, const char *buf, size_t count,
	       loff_t *pos)
{
	write__save(file, buf, count, pos);
	return 0;
}

SEC("kretprobe/vfs_write")
int BPF_KRETPROBE(tracee_kretprobe_vfs_write, long ret)
{
	write__done(ctx, EVENT_VFS_WRITE, ret);
	return 0;
}

SEC("kprobe/vfs_writev")
int BPF_KPROBE(tracee_kprobe_vfs_writev, struct file *file, const struct iovec *vec,
	       unsigned long vlen, loff_t *pos)
{
	write__save(file, vec, vlen, pos);
	return 0;
}

SEC("kretprobe/vfs_writev")
int BPF_KRETPROBE(tracee_kretprobe_vfs_writev, long ret)
{
	write__done(ctx, EVENT_VFS_WRITEV, ret);
	return 0;
}

SEC("kprobe/security_mmap_file")
int BPF_KPROBE(tracee_kprobe_mmap_file, struct file *file, unsigned long prot)
{
	mmap__check(ctx, PROBE_KPROBE, prot);
	return 0;
}

SEC("kprobe/security_file_mprotect")
int BPF_KPROBE(tracee_kprobe_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot)
{
	mprotect__check(ctx, PROBE_KPROBE, vma, reqprot);
	return 0;
}

SEC("kprobe/commit_creds")
int BPF_KPROBE(tracee_kprobe_commit_creds, struct cred *new)
{
	creds__commit(ctx, PROBE_KPROBE, new);
	return 0;
}

SEC("kprobe/switch_task_namespaces")
int BPF_KPROBE(tracee_kprobe_switch_task_ns, struct task_struct *p, struct nsproxy *new)
{
	ns__switch(ctx, PROBE_KPROBE, p, new);
	return 0;
}

SEC("kprobe/cap_capable")
int BPF_KPROBE(tracee_kprobe_cap_capable, const struct cred *cred, struct user_namespace *ns,
	       int cap, unsigned int opts)
{
	cap__check(ctx, PROBE_KPROBE, cap, opts);
	return 0;
}

/* --- tracepoint fallbacks ---------------------------------------------------------- */

/* The executed file, from the kernel's exec state rather than the name the
 * program passed: what really runs, a symlink already resolved. */
SEC("raw_tracepoint/sched_process_exec")
int tracee_sec_sched_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
	struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
	bprm__check(ctx, PROBE_TRACEPOINT, bprm);
	return 0;
}

/* --- syscall fallbacks ---------------------------------------------------
 * Hooks of the one sys_enter / sys_exit pair (syscalls.bpf.h), run for the
 * syscalls whose syscall_hooks[] entry names the event (lib/syscall_hooks.c
 * keeps the list of syscalls per event). They read what they need from the
 * syscall's arguments, which the registers still hold at exit; only
 * commit_creds and switch_task_ns keep the state from before the call, in
 * the thread's task_info. */

/* x86_64 numbers of the syscalls whose arguments differ within a family. */
enum sec_syscall {
	NR_open = 2, NR_mmap = 9, NR_pwrite64 = 18, NR_writev = 20, NR_creat = 85,
	NR_openat = 257, NR_unlinkat = 263, NR_pwritev = 296, NR_pwritev2 = 328, NR_openat2 = 437,
};

#define SEC_STATE_EVENTS (SEC_BIT(EVENT_COMMIT_CREDS) | SEC_BIT(EVENT_SWITCH_TASK_NS))

/* mmap/mprotect at entry: what Tracee's LSM-side checks would alert on. */
static __always_inline void mem__check_entry(void *ctx, struct task_info *ti, __u32 nr, const __u64 *args)
{
	__u64 flags;
	__u32 alert = 0;

	if (nr == NR_mmap) {
		if ((args[2] & SEC_WX) == SEC_WX)
			alert = ALERT_MMAP_W_X;
	} else if (vma__flags_at(args[0], &flags)) {
		alert = mem__mprotect_alert(flags, args[2]);
	}
	if (alert)
		sec__emit_mem_alert(ctx, ti, alert);
}

/* At the entry of a syscall that may produce the events: the alert, or the
 * credentials or namespaces to compare at exit. */
static __always_inline void sec__sys_enter(void *ctx, struct task_info *ti, __u32 nr, const __u64 *args,
					   __u32 events)
{
	struct task_struct *task;

	if (events & SEC_BIT(EVENT_MEM_PROT_ALERT)) {
		mem__check_entry(ctx, ti, nr, args);
		return;
	}
	if (!(events & SEC_STATE_EVENTS))
		return;
	task = task__current();
	ti->sec_pending = events & SEC_STATE_EVENTS;
	if (events & SEC_BIT(EVENT_COMMIT_CREDS))
		creds__read(&ti->sec_before.creds, READ_KERN(task->real_cred));
	else
		ns__read(&ti->sec_before.ns, READ_KERN(task->nsproxy));
}

/* The open flags that only matter while opening: the kernel drops them from
 * f_flags right after security_file_open, where the LSM probe reads them. */
#define SEC_OPEN_ONLY_FLAGS (0100 | 0200 | 0400 | 01000) /* O_CREAT O_EXCL O_NOCTTY O_TRUNC */

static __always_inline __u32 open__requested_flags(__u32 nr, const __u64 *args)
{
	__u64 flags = 0;

	switch (nr) {
	case NR_open:
		return (__u32)args[1];
	case NR_openat:
		return (__u32)args[2];
	case NR_creat:
		return 01 | 0100 | 01000;       /* O_WRONLY|O_CREAT|O_TRUNC */
	case NR_openat2:                        /* struct open_how starts with u64 flags */
		if (bpf_probe_read_user(&flags, sizeof(flags), (const void *)args[2]))
			return 0;
		return (__u32)flags;
	default:
		return 0;
	}
}

/* open family: the file the new descriptor refers to, with the flags as
 * security_file_open saw them. */
static __always_inline void fallback__open(void *ctx, struct task_info *ti, struct task_struct *task,
					   __u32 nr, const __u64 *args, __s64 ret)
{
	if (ret >= 0)
		sec__emit_file_flags(ctx, ti, EVENT_SECURITY_FILE_OPEN, vfs__file_by_fd(task, (int)ret),
				     open__requested_flags(nr, args) & SEC_OPEN_ONLY_FLAGS);
}

/* unlink/unlinkat (not AT_REMOVEDIR: that is rmdir): the name resolved
 * against dirfd or the cwd, which still exist after the name is gone. */
static __always_inline void fallback__unlink(void *ctx, struct task_info *ti, struct task_struct *task,
					     __u32 nr, const __u64 *args, __s64 ret)
{
	int dirfd = -100;
	const char *name = (const char *)args[0];

	if (ret != 0)
		return;
	if (nr == NR_unlinkat) {
		if (args[2] & 0x200 /* AT_REMOVEDIR */)
			return;
		dirfd = (int)args[0];
		name = (const char *)args[1];
	}
	sec__emit_unlink(ctx, ti, vfs__path_join_user(vfs__at_dir(task, dirfd), name));
}

/* write family: the descriptor's file; pos from the offset argument for the
 * positional calls, else from where the file position ended. */
static __always_inline void fallback__write(void *ctx, struct task_info *ti, struct task_struct *task,
					    __u32 nr, const __u64 *args, __s64 ret, __u32 events)
{
	struct file *file = vfs__file_by_fd(task, (int)args[0]);
	bool vec = nr == NR_writev || nr == NR_pwritev || nr == NR_pwritev2;
	bool positional = nr == NR_pwrite64 ||
			  ((nr == NR_pwritev || nr == NR_pwritev2) && (__s64)args[3] != -1);
	const void *data = (const void *)args[1];
	__s64 start;

	if (!file)
		return;
	if (positional)
		start = (__s64)args[3];
	else
		start = write__start(&file->f_pos, ret);
	if (events & SEC_BIT(EVENT_VFS_WRITE))
		sec__emit_write(ctx, ti, EVENT_VFS_WRITE, file, args[2], start, ret);
	if (events & SEC_BIT(EVENT_VFS_WRITEV))
		sec__emit_write(ctx, ti, EVENT_VFS_WRITEV, file, args[2], start, ret);
	if (!(events & SEC_BIT(EVENT_MAGIC_WRITE)) || start != 0 || ret <= 0)
		return;
	if (vec)
		sec__emit_magic_iov(ctx, ti, file, data, ret);
	else
		sec__emit_magic(ctx, ti, file, data, ret);
}

/* The state kept at entry, against the task's now. */
static __always_inline void fallback__state(void *ctx, struct task_info *ti, struct task_struct *task,
					    __u32 events)
{
	struct sec_creds n;
	struct sec_ns ns;

	events &= ti->sec_pending;
	ti->sec_pending = 0;
	if (events & SEC_BIT(EVENT_COMMIT_CREDS)) {
		creds__read(&n, READ_KERN(task->real_cred));
		sec__emit_creds(ctx, ti, &ti->sec_before.creds, &n);
	} else if (events & SEC_BIT(EVENT_SWITCH_TASK_NS)) {
		ns__read(&ns, READ_KERN(task->nsproxy));
		sec__emit_ns(ctx, ti, READ_KERN(task->pid), &ti->sec_before.ns, &ns);
	}
}

#define SEC_WRITE_EVENTS (SEC_BIT(EVENT_VFS_WRITE) | SEC_BIT(EVENT_VFS_WRITEV) | SEC_BIT(EVENT_MAGIC_WRITE))
/* The events whose fallback acts at exit here. */
#define SEC_EXIT_EVENTS (SEC_BIT(EVENT_SECURITY_FILE_OPEN) | SEC_BIT(EVENT_SECURITY_INODE_UNLINK) | \
			 SEC_WRITE_EVENTS | SEC_STATE_EVENTS)

/* At the exit of a syscall that may have produced the events. A syscall is
 * of one family (open, unlink, write, credentials or namespaces): one
 * branch, which is also all the verifier follows. */
static __always_inline void sec__sys_exit(void *ctx, struct task_info *ti, __u32 nr, const __u64 *args,
					  __s64 ret, __u32 events)
{
	struct task_struct *task = task__current();

	if (events & SEC_BIT(EVENT_SECURITY_FILE_OPEN))
		fallback__open(ctx, ti, task, nr, args, ret);
	else if (events & SEC_BIT(EVENT_SECURITY_INODE_UNLINK))
		fallback__unlink(ctx, ti, task, nr, args, ret);
	else if (events & SEC_WRITE_EVENTS)
		fallback__write(ctx, ti, task, nr, args, ret, events);
	else if (events & SEC_STATE_EVENTS)
		fallback__state(ctx, ti, task, events);
}

#endif
