/* test_probes.c - probe selection over the real event table, with the
 * kernel's answers given by the test: which probe each event gets, which
 * programs load, what --debug calls a probe. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "probes.h"
#include "syscall_hooks.h"

/* A kernel described by the probe kinds it loads, counting the questions. */
struct fake_kernel {
	bool works[PROBE_KIND_MAX];
	const char *missing_target;     /* a function this kernel lacks */
	int asked;
};

static bool fake_works(const struct probe_def *p, void *ctx)
{
	struct fake_kernel *k = ctx;

	k->asked++;
	if (k->missing_target && strcmp(p->target, k->missing_target) == 0)
		return false;
	return k->works[p->kind];
}

static const struct event_def *ev(const char *name)
{
	const struct event_def *d = events_by_name(name);

	if (!d) {
		fprintf(stderr, "event %s missing from the table\n", name);
		exit(1);
	}
	return d;
}

/* The syscall hooks of a plan, for the selection given. */
static struct syscall_hooks *hooks_of(const struct probe_plan *plan, const bool *selected)
{
	static struct tracee_config cfg;
	static struct syscall_hooks hooks[TRACEE_NR_SYSCALLS];

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.selected, selected, sizeof(cfg.selected));
	syscall_hooks_build(hooks, &cfg, plan);
	return hooks;
}

#define SEC_BIT(id) (1u << ((id) - TRACEE_EVENT_BASE))

static const char *chosen(const struct probe_plan *plan, const char *name)
{
	static char buf[128];
	const struct probe_def *p = plan->chosen[ev(name)->id];

	if (!p)
		return "(none)";
	probe_describe(p, buf, sizeof(buf));
	return buf;
}

static const char *const security_events[] = {
	"security_bprm_check", "security_file_open", "security_inode_unlink", "vfs_write",
	"vfs_writev", "mem_prot_alert", "commit_creds", "switch_task_ns", "magic_write",
};
#define N_SECURITY (sizeof(security_events) / sizeof(security_events[0]))

static void test_first_working_in_order(void)
{
	struct fake_kernel k = { .works = { [PROBE_FENTRY] = true, [PROBE_TRACEPOINT] = true } };
	const struct event_def *d = ev("security_file_open");

	CHECK_INT(probes_first_working(d, fake_works, &k), 1);
	CHECK_INT(k.asked, 2);          /* lsm refused, fentry taken: kprobe never asked */
	k = (struct fake_kernel){ .works = { [PROBE_LSM] = true } };
	CHECK_INT(probes_first_working(d, fake_works, &k), 0);
	k = (struct fake_kernel){ 0 };
	CHECK_INT(probes_first_working(d, fake_works, &k), -1);
	CHECK_INT(k.asked, 4);
	/* a syscall has no probe list: nothing to choose, nothing asked */
	k = (struct fake_kernel){ .works = { [PROBE_TRACEPOINT] = true } };
	CHECK_INT(probes_first_working(ev("openat"), fake_works, &k), -1);
	CHECK_INT(k.asked, 0);
}

static void test_describe(void)
{
	struct probe_def lsm = { PROBE_LSM, false, "file_open", "x" };
	struct probe_def fb = { PROBE_TRACEPOINT, true, "sys_exit", "x" };
	struct probe_def kp = { PROBE_KPROBE, false, "vfs_write", "x" };
	char buf[64];

	probe_describe(&lsm, buf, sizeof(buf));
	CHECK_STR(buf, "lsm:file_open");
	probe_describe(&fb, buf, sizeof(buf));
	CHECK_STR(buf, "tracepoint:sys_exit (fallback)");
	probe_describe(&kp, buf, sizeof(buf));
	CHECK_STR(buf, "kprobe:vfs_write");
}

/* This machine: no kprobes, trampolines and LSM refused: every security
 * event still has a probe, its fallback. */
static void test_fallback_kernel(void)
{
	struct syscall_hooks *hooks;
	struct fake_kernel k = { .works = { [PROBE_TRACEPOINT] = true } };
	static struct probe_plan plan;
	static bool selected[TRACEE_MAX_EVENTS];

	memset(selected, 0, sizeof(selected));
	for (size_t i = 0; i < N_SECURITY; i++)
		selected[ev(security_events[i])->id] = true;
	selected[ev("openat")->id] = true;
	probes_plan(&plan, selected, fake_works, &k);
	CHECK_STR(chosen(&plan, "security_bprm_check"), "tracepoint:sched_process_exec (fallback)");
	CHECK_STR(chosen(&plan, "security_file_open"), "tracepoint:sys_exit (fallback)");
	CHECK_STR(chosen(&plan, "vfs_writev"), "tracepoint:sys_exit (fallback)");
	CHECK_STR(chosen(&plan, "mem_prot_alert"), "tracepoint:sys_enter (fallback)");
	for (size_t i = 0; i < N_SECURITY; i++) {
		int id = ev(security_events[i])->id;

		CHECK(plan.chosen[id] != NULL);
		CHECK(!plan.unserved[id]);
		CHECK_INT(plan.event_probe[id - TRACEE_EVENT_BASE], PROBE_TRACEPOINT);
	}
	CHECK(plan.chosen[ev("openat")->id] == NULL);   /* the always-on tracepoints serve it */
	CHECK(!plan.unserved[ev("openat")->id]);
	/* the fallbacks are hooks of the syscall pair, at the syscalls that
	 * cause their events; no LSM/fentry/kprobe program loads */
	hooks = hooks_of(&plan, selected);
	CHECK_INT(hooks[ev("openat")->id].sec_exit, SEC_BIT(EVENT_SECURITY_FILE_OPEN));
	CHECK_INT(hooks[ev("openat")->id].exit, SYSCALL_HOOK_EVENT);
	CHECK_INT(hooks[ev("writev")->id].sec_exit, SEC_BIT(EVENT_VFS_WRITEV) | SEC_BIT(EVENT_MAGIC_WRITE));
	CHECK_INT(hooks[ev("mprotect")->id].sec_enter, SEC_BIT(EVENT_MEM_PROT_ALERT));
	CHECK_INT(hooks[ev("setns")->id].sec_enter, SEC_BIT(EVENT_SWITCH_TASK_NS));
	CHECK_INT(hooks[ev("setns")->id].sec_exit, SEC_BIT(EVENT_SWITCH_TASK_NS));
	CHECK_INT(hooks[ev("connect")->id].sec_exit, 0);      /* not selected */
	CHECK_INT(hooks[ev("setuid")->id].exit, SYSCALL_HOOK_UID);
	CHECK_INT(hooks[ev("read")->id].exit | hooks[ev("read")->id].sec_exit, 0);
	CHECK_INT(hooks[ev("getppid")->id].enter | hooks[ev("getppid")->id].exit, 0);
	CHECK(syscall_hooks_need_enter(hooks));          /* mem_prot_alert, creds, ns */
	CHECK(probes_prog_wanted(&plan, "tracee_sec_sched_process_exec"));
	CHECK(!probes_prog_wanted(&plan, "tracee_lsm_file_open"));
	CHECK(!probes_prog_wanted(&plan, "tracee_fexit_vfs_write"));
	CHECK(!probes_prog_wanted(&plan, "tracee_kretprobe_vfs_write"));
	/* without the events that need a value from the entry, nothing runs there */
	selected[ev("mem_prot_alert")->id] = selected[ev("commit_creds")->id] = false;
	selected[ev("switch_task_ns")->id] = false;
	probes_plan(&plan, selected, fake_works, &k);
	CHECK(!syscall_hooks_need_enter(hooks_of(&plan, selected)));
}

/* exec and exit are made at syscall entry: from their own syscall trace
 * event, else from the raw sys_enter tracepoint, which then loads. */
static void test_entry_events(void)
{
	struct fake_kernel k = { .works = { [PROBE_TRACEPOINT] = true } };
	static struct probe_plan plan;
	static bool selected[TRACEE_MAX_EVENTS];

	memset(selected, 0, sizeof(selected));
	selected[ev("execve")->id] = selected[ev("exit_group")->id] = true;
	selected[ev("openat")->id] = true;
	probes_plan(&plan, selected, fake_works, &k);
	CHECK_STR(chosen(&plan, "execve"), "tracepoint:syscalls/sys_enter_execve");
	CHECK_STR(chosen(&plan, "exit_group"), "tracepoint:syscalls/sys_enter_exit_group");
	CHECK(probes_prog_wanted(&plan, "tracee_entry_execve"));
	CHECK(!probes_prog_wanted(&plan, "tracee_entry_execveat"));    /* not selected */
	CHECK(!syscall_hooks_need_enter(hooks_of(&plan, selected)));

	k.missing_target = "syscalls/sys_enter_execve";
	probes_plan(&plan, selected, fake_works, &k);
	CHECK_STR(chosen(&plan, "execve"), "tracepoint:sys_enter (fallback)");
	CHECK(!probes_prog_wanted(&plan, "tracee_entry_execve"));
	CHECK(probes_prog_wanted(&plan, "tracee_entry_exit_group"));
	CHECK_INT(hooks_of(&plan, selected)[ev("execve")->id].enter, SYSCALL_HOOK_EVENT);
	CHECK_INT(hooks_of(&plan, selected)[ev("exit_group")->id].enter, 0);

	k.missing_target = NULL;
	memset(selected, 0, sizeof(selected));
	selected[ev("sys_enter")->id] = true;
	probes_plan(&plan, selected, fake_works, &k);
	CHECK_STR(chosen(&plan, "sys_enter"), "tracepoint:sys_enter");
	CHECK_INT(hooks_of(&plan, selected)[ev("getppid")->id].enter, SYSCALL_HOOK_RAW);
	CHECK_INT(hooks_of(&plan, selected)[ev("getppid")->id].exit, 0);
}

/* A 6.1-like kernel with BPF LSM, trampolines and kprobes, but lacking
 * vfs_writev as a function (inlined): LSM where there is a hook, fentry
 * otherwise, and vfs_writev alone drops to its fallback. */
static void test_full_kernel(void)
{
	struct fake_kernel k = {
		.works = { [PROBE_LSM] = true, [PROBE_FENTRY] = true, [PROBE_KPROBE] = true,
			   [PROBE_TRACEPOINT] = true },
		.missing_target = "vfs_writev",
	};
	static struct probe_plan plan;
	static bool selected[TRACEE_MAX_EVENTS];

	memset(selected, 0, sizeof(selected));
	for (size_t i = 0; i < N_SECURITY; i++)
		selected[ev(security_events[i])->id] = true;
	probes_plan(&plan, selected, fake_works, &k);
	CHECK_STR(chosen(&plan, "security_bprm_check"), "lsm:bprm_check_security");
	CHECK_STR(chosen(&plan, "security_file_open"), "lsm:file_open");
	CHECK_STR(chosen(&plan, "security_inode_unlink"), "lsm:inode_unlink");
	CHECK_STR(chosen(&plan, "mem_prot_alert"), "lsm:mmap_file");
	CHECK_STR(chosen(&plan, "vfs_write"), "fentry:vfs_write");
	CHECK_STR(chosen(&plan, "magic_write"), "fentry:vfs_write");
	CHECK_STR(chosen(&plan, "commit_creds"), "fentry:commit_creds");
	CHECK_STR(chosen(&plan, "switch_task_ns"), "fentry:switch_task_namespaces");
	CHECK_STR(chosen(&plan, "vfs_writev"), "tracepoint:sys_exit (fallback)");
	CHECK_INT(plan.event_probe[EVENT_SECURITY_FILE_OPEN - TRACEE_EVENT_BASE], PROBE_LSM);
	CHECK_INT(plan.event_probe[EVENT_VFS_WRITEV - TRACEE_EVENT_BASE], PROBE_TRACEPOINT);
	CHECK(probes_prog_wanted(&plan, "tracee_lsm_file_open"));
	CHECK(probes_prog_wanted(&plan, "tracee_lsm_file_mprotect"));
	CHECK(probes_prog_wanted(&plan, "tracee_fexit_vfs_write"));
	/* magic_write's fentry probe covers writev too (its checks here are by target) */
	CHECK(probes_prog_wanted(&plan, "tracee_fexit_vfs_writev"));
	CHECK(!probes_prog_wanted(&plan, "tracee_kretprobe_vfs_writev"));
	CHECK(!probes_prog_wanted(&plan, "tracee_fentry_file_open"));
	CHECK(!probes_prog_wanted(&plan, "tracee_kprobe_file_open"));
	CHECK(!probes_prog_wanted(&plan, "tracee_sec_sched_process_exec"));
	/* vfs_writev's fallback is a hook at sys_exit; mem_prot_alert's did not
	 * win, so nothing needs the entry */
	CHECK_INT(hooks_of(&plan, selected)[ev("writev")->id].sec_exit, SEC_BIT(EVENT_VFS_WRITEV));
	CHECK_INT(hooks_of(&plan, selected)[ev("write")->id].sec_exit, 0);
	CHECK(!syscall_hooks_need_enter(hooks_of(&plan, selected)));
}

/* A kernel where nothing loads: every selected event is named as unserved,
 * no probe program loads, unselected events are not named. */
static void test_nothing_loads(void)
{
	struct fake_kernel k = { 0 };
	static struct probe_plan plan;
	static bool selected[TRACEE_MAX_EVENTS];

	memset(selected, 0, sizeof(selected));
	selected[EVENT_SECURITY_FILE_OPEN] = true;
	probes_plan(&plan, selected, fake_works, &k);
	CHECK(plan.unserved[EVENT_SECURITY_FILE_OPEN]);
	CHECK(!plan.unserved[EVENT_VFS_WRITE]);
	CHECK(plan.chosen[EVENT_SECURITY_FILE_OPEN] == NULL);
	CHECK_INT(plan.event_probe[EVENT_SECURITY_FILE_OPEN - TRACEE_EVENT_BASE], PROBE_NONE);
	CHECK_INT(hooks_of(&plan, selected)[ev("openat")->id].sec_exit, 0);
	CHECK(!probes_prog_wanted(&plan, "tracee_lsm_file_open"));
}

static void test_prog_lists(void)
{
	struct probe_def p = { PROBE_KPROBE, false, "vfs_write",
			       "tracee_kprobe_vfs_write,tracee_kretprobe_vfs_write" };

	CHECK(probe_has_prog(&p, "tracee_kprobe_vfs_write"));
	CHECK(probe_has_prog(&p, "tracee_kretprobe_vfs_write"));
	CHECK(!probe_has_prog(&p, "tracee_kprobe_vfs"));
	CHECK(!probe_has_prog(&p, "vfs_write"));
	CHECK(!probe_has_prog(&p, ""));
}

/* Every probe list is well formed: known kinds, a target and programs, at
 * most one fallback and it comes last. */
static void test_table_probes(void)
{
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++) {
		int n = 0;

		for (; n < TRACEE_MAX_PROBES && d->probes[n].kind != PROBE_NONE; n++) {
			const struct probe_def *p = &d->probes[n];

			CHECK(p->kind < PROBE_KIND_MAX);
			CHECK(p->target && *p->target);
			CHECK(p->progs && *p->progs);
			if (p->fallback)
				CHECK(n + 1 == TRACEE_MAX_PROBES || d->probes[n + 1].kind == PROBE_NONE);
		}
	}
	for (size_t i = 0; i < N_SECURITY; i++) {
		d = ev(security_events[i]);
		CHECK(d->probes[0].kind != PROBE_NONE);
	}
}

static void test_kinds_off(void)
{
	bool off[PROBE_KIND_MAX];

	probes_kinds_off("lsm,fentry", off);
	CHECK(off[PROBE_LSM] && off[PROBE_FENTRY]);
	CHECK(!off[PROBE_KPROBE] && !off[PROBE_TRACEPOINT] && !off[PROBE_NONE]);
	probes_kinds_off("tracepoint,bogus,,kprob", off);
	CHECK(off[PROBE_TRACEPOINT] && !off[PROBE_KPROBE] && !off[PROBE_LSM]);
	probes_kinds_off(NULL, off);
	CHECK(!off[PROBE_LSM] && !off[PROBE_TRACEPOINT]);
	/* one probe: KIND:TARGET, which turns no kind off */
	probes_kinds_off("tracepoint:syscalls/sys_enter_execve", off);
	CHECK(!off[PROBE_TRACEPOINT]);
	CHECK(probes_target_off("lsm,tracepoint:syscalls/sys_enter_execve", PROBE_TRACEPOINT,
				"syscalls/sys_enter_execve"));
	CHECK(!probes_target_off("tracepoint:syscalls/sys_enter_execve", PROBE_TRACEPOINT,
				 "syscalls/sys_enter_exit"));
	CHECK(!probes_target_off("tracepoint:syscalls/sys_enter_exit", PROBE_TRACEPOINT,
				 "syscalls/sys_enter_exit_group"));
	CHECK(!probes_target_off("kprobe:sys_enter", PROBE_TRACEPOINT, "sys_enter"));
	CHECK(!probes_target_off(NULL, PROBE_TRACEPOINT, "sys_enter"));
}

int main(void)
{
	test_kinds_off();
	test_first_working_in_order();
	test_describe();
	test_fallback_kernel();
	test_entry_events();
	test_full_kernel();
	test_nothing_loads();
	test_prog_lists();
	test_table_probes();
	return check_report("probes");
}
