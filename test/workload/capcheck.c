/* capcheck.c - capability checks of both kinds, for test_capable.sh. Run it
 * as an unprivileged user (setpriv --reuid 65534): it holds no capability,
 * so every check fails and each call's outcome is known.
 *   audited (the kernel passes no CAP_OPT_NOAUDIT):
 *     sethostname          -> ns_capable: CAP_SYS_ADMIN, EPERM
 *     setuid(0)            -> ns_capable_setid: CAP_SETUID, EPERM
 *   not audited (CAP_OPT_NOAUDIT):
 *     mmap, private and writable -> cap_vm_enough_memory: CAP_SYS_ADMIN
 *     read of /proc/PID/stat, PID a root process (the test's shell) ->
 *                             ptrace_may_access(PTRACE_MODE_NOAUDIT) ->
 *                             ns_capable_noaudit: CAP_SYS_PTRACE
 *     seccomp filter without no_new_privs -> ns_capable_noaudit:
 *                             CAP_SYS_ADMIN, EACCES
 * Usage: capcheck PID. Exits non-zero, naming the call, when one did not
 * end as it should. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static int audited_checks(void)
{
	if (sethostname("capcheck", 8) == 0 || errno != EPERM)
		return fail("sethostname (expected EPERM)");
	if (setuid(0) == 0 || errno != EPERM)
		return fail("setuid(0) (expected EPERM)");
	return 0;
}

static int mapping_check(void)
{
	void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return fail("mmap");
	return munmap(p, 1 << 20) ? fail("munmap") : 0;
}

static int proc_stat_check(const char *pid)
{
	char path[64], buf[1024];
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return fail(path);
	if (read(fd, buf, sizeof(buf)) <= 0)
		return fail(path);
	return close(fd);
}

static int seccomp_check(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0 || errno != EACCES)
		return fail("seccomp without no_new_privs (expected EACCES)");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: capcheck PID (a process of another user: root)\n");
		return 2;
	}
	if (getuid() == 0) {
		fprintf(stderr, "capcheck must run unprivileged (setpriv --reuid 65534)\n");
		return 2;
	}
	return audited_checks() || mapping_check() || proc_stat_check(argv[1]) || seccomp_check();
}
