/* syscall_hooks.c - the per-syscall table the kernel side reads first at
 * every syscall (bpf-src/syscalls.bpf.h): which syscalls have an entry or
 * exit hook, and for what. Everything that runs at a syscall is decided
 * here, before load, from what the user selected: a syscall nobody asked
 * for is skipped before any map lookup, and the sys_enter program is not
 * loaded at all when no syscall needs its entry.
 *
 * The security events whose probe on this kernel is the syscall fallback
 * list the syscalls that cause them below; the kernel side tells the
 * syscalls of one family apart only where their arguments differ. */
#include <string.h>
#include "capture.h"
#include "events.h"
#include "syscall_hooks.h"

#define NR_RT_SIGRETURN 15

enum hook_side { AT_ENTRY = 1, AT_EXIT = 2 };

/* The syscalls each fallback watches, and where it acts. */
static const struct fallback_syscalls {
	int event;
	unsigned side;
	const char *syscalls;
} fallbacks[] = {
	{ EVENT_SECURITY_FILE_OPEN, AT_EXIT, "open,openat,creat,openat2,open_by_handle_at" },
	{ EVENT_SECURITY_INODE_UNLINK, AT_EXIT, "unlink,unlinkat" },
	{ EVENT_VFS_WRITE, AT_EXIT, "write,pwrite64" },
	{ EVENT_VFS_WRITEV, AT_EXIT, "writev,pwritev,pwritev2" },
	{ EVENT_MAGIC_WRITE, AT_EXIT, "write,pwrite64,writev,pwritev,pwritev2" },
	/* the state before the call is compared with the state after */
	{ EVENT_COMMIT_CREDS, AT_ENTRY | AT_EXIT,
	  "setuid,setgid,setreuid,setregid,setresuid,setresgid,setfsuid,setfsgid,capset,execve,execveat" },
	{ EVENT_SWITCH_TASK_NS, AT_ENTRY | AT_EXIT, "setns,unshare" },
	/* the mapping's protection before the call */
	{ EVENT_MEM_PROT_ALERT, AT_ENTRY, "mmap,mprotect,pkey_mprotect" },
	/* the attempt, whatever its outcome, from the arguments still there */
	{ EVENT_SECURITY_SOCKET_CONNECT, AT_EXIT, "connect" },
	{ EVENT_SECURITY_SB_MOUNT, AT_EXIT, "mount" },
	{ EVENT_SECURITY_KERNEL_READ_FILE, AT_EXIT, "finit_module,kexec_file_load" },
	/* when it worked */
	{ EVENT_SECURITY_INODE_RENAME, AT_EXIT, "rename,renameat,renameat2" },
	{ EVENT_SOCKET_DUP, AT_EXIT, "dup,dup2,dup3,fcntl" },
};

/* Whose exits may change what a --filter on uid, mount namespace or host
 * name looks at; and, with a --filter on comm, whose may rename the thread
 * (prctl, a write to /proc/self/comm). */
static const char filter_syscalls[] = "setuid,setreuid,setresuid,sethostname,unshare,setns";
/* Whose exits may change the real uid every record's header shows. */
static const char uid_syscalls[] = "setuid,setreuid,setresuid";
static const char comm_syscalls[] = "prctl,write,writev,pwrite64,pwritev,pwritev2";
static const char capture_write_syscalls[] = "write,pwrite64,writev,pwritev,pwritev2";
static const char capture_mem_exit_syscalls[] = "mmap,mprotect,pkey_mprotect";
static const char capture_mem_entry_syscalls[] = "mprotect,pkey_mprotect";

/* Set bits in field(hooks[nr]) for each syscall nr of the comma-separated list. */
static void each_syscall(struct syscall_hooks *hooks, const char *list, unsigned int *(*field)(struct syscall_hooks *),
			 unsigned int bits)
{
	char name[64];

	for (const char *s = list; *s; ) {
		size_t len = strcspn(s, ",");
		const struct event_def *d;

		if (len < sizeof(name)) {
			memcpy(name, s, len);
			name[len] = '\0';
			d = events_by_name(name);
			if (d && d->id >= 0 && d->id < TRACEE_NR_SYSCALLS)
				*field(&hooks[d->id]) |= bits;
		}
		s += len + (s[len] == ',');
	}
}

static unsigned int *enter_of(struct syscall_hooks *h) { return &h->enter; }
static unsigned int *exit_of(struct syscall_hooks *h) { return &h->exit; }
static unsigned int *sec_enter_of(struct syscall_hooks *h) { return &h->sec_enter; }
static unsigned int *sec_exit_of(struct syscall_hooks *h) { return &h->sec_exit; }

/* Does the probe chosen for event id run in prog? */
static bool served_by(const struct probe_plan *plan, int id, const char *prog)
{
	return plan->chosen[id] && probe_has_prog(plan->chosen[id], prog);
}

static void add_syscall_events(struct syscall_hooks *hooks, const struct tracee_config *cfg,
			       const struct probe_plan *plan)
{
	for (int nr = 0; nr < TRACEE_NR_SYSCALLS; nr++) {
		const struct event_def *d = events_by_id(nr);

		if (!cfg->selected[nr] || !d)
			continue;
		hooks[nr].exit |= SYSCALL_HOOK_EVENT;
		if (!served_by(plan, nr, "tracee_sys_enter"))
			continue;
		if (nr == NR_RT_SIGRETURN)
			hooks[nr].enter |= SYSCALL_HOOK_SIGRETURN;
		else if (d->at_entry)
			hooks[nr].enter |= SYSCALL_HOOK_EVENT;
		else    /* accept, getsockname...: lib/syscalls.c's sys_enter fallback */
			hooks[nr].enter |= SYSCALL_HOOK_SOCKADDR;
	}
}

static void add_raw_events(struct syscall_hooks *hooks, const struct tracee_config *cfg)
{
	for (int nr = 0; nr < TRACEE_NR_SYSCALLS; nr++) {
		if (cfg->selected[EVENT_SYS_ENTER])
			hooks[nr].enter |= SYSCALL_HOOK_RAW;
		if (cfg->selected[EVENT_SYS_EXIT])
			hooks[nr].exit |= SYSCALL_HOOK_RAW;
	}
}

static void add_fallbacks(struct syscall_hooks *hooks, const struct probe_plan *plan)
{
	for (size_t i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++) {
		const struct fallback_syscalls *f = &fallbacks[i];
		unsigned int bit = 1u << (f->event - TRACEE_EVENT_BASE);

		if (!served_by(plan, f->event, "tracee_sys_enter") &&
		    !served_by(plan, f->event, "tracee_sys_exit"))
			continue;
		if (f->side & AT_ENTRY)
			each_syscall(hooks, f->syscalls, sec_enter_of, bit);
		if (f->side & AT_EXIT)
			each_syscall(hooks, f->syscalls, sec_exit_of, bit);
	}
}

static void add_capture_and_filter(struct syscall_hooks *hooks, const struct tracee_config *cfg)
{
	const struct tracee_filter_config *fc = &cfg->filter.kernel;
	unsigned dynamic = 1u << FILTER_BY_UID | 1u << FILTER_BY_MNTNS | 1u << FILTER_BY_UTS;

	if (cfg->capture & CAPTURE_WRITE)
		each_syscall(hooks, capture_write_syscalls, exit_of, SYSCALL_HOOK_CAPTURE);
	if (cfg->capture & CAPTURE_MEM) {
		each_syscall(hooks, capture_mem_exit_syscalls, exit_of, SYSCALL_HOOK_CAPTURE);
		each_syscall(hooks, capture_mem_entry_syscalls, enter_of, SYSCALL_HOOK_CAPTURE);
	}
	each_syscall(hooks, uid_syscalls, exit_of, SYSCALL_HOOK_UID);
	if (fc->active & dynamic)
		each_syscall(hooks, filter_syscalls, exit_of, SYSCALL_HOOK_FILTER);
	if (fc->active & (1u << FILTER_BY_COMM))
		each_syscall(hooks, comm_syscalls, exit_of, SYSCALL_HOOK_FILTER);
}

void syscall_hooks_build(struct syscall_hooks hooks[TRACEE_NR_SYSCALLS], const struct tracee_config *cfg,
			 const struct probe_plan *plan)
{
	memset(hooks, 0, sizeof(struct syscall_hooks) * TRACEE_NR_SYSCALLS);
	add_syscall_events(hooks, cfg, plan);
	add_raw_events(hooks, cfg);
	add_fallbacks(hooks, plan);
	add_capture_and_filter(hooks, cfg);
}

bool syscall_hooks_need_enter(const struct syscall_hooks hooks[TRACEE_NR_SYSCALLS])
{
	for (int nr = 0; nr < TRACEE_NR_SYSCALLS; nr++)
		if (hooks[nr].enter || hooks[nr].sec_enter)
			return true;
	return false;
}
