/* execprobe.c - execs whose arguments sit in pages the execing task never
 * touched (test_exec.sh traces it): the way daemons, supervisors and
 * posix_spawn exec. After fork the child's page tables do not map the
 * parent's file-backed pages until touched, and an exec's arguments are
 * often constant strings in .rodata.
 *
 * Usage: execprobe DIR     (DIR: an empty, writable directory)
 *
 * The strings live in one 64 KiB-aligned, 64 KiB-sized block of .rodata, so
 * that no fault elsewhere maps it on the way (the kernel maps up to 64 KiB
 * around a faulting address). Each case runs in its own child:
 *   fork      fork, then execv("/bin/true", argv)
 *   execveat  fork, then execveat(fd of /bin/true, "", argv, envp, AT_EMPTY_PATH)
 *   spawn     fork, then posix_spawn("/bin/true", argv) (the spawned child
 *             shares the forked one's mm until its exec)
 *   memfd     fork, then execveat(memfd "payload" holding /bin/true, "", ...)
 *   script    fork, then execv(DIR/script, argv): a #!/bin/sh script
 *   thread    fork, then a second thread execv("/bin/true", argv) (the kernel
 *             gives it the group leader's pid)
 *   missing   fork, then execv("/nonexistent/execprobe", argv): fails, ENOENT
 * Before each exec the case checks, in /proc/self/pagemap, that the block is
 * not mapped, and writes the result with the child's pid to DIR/cases.json
 * ({"case","pid","untouched","fd"} a line; fd: the execveat's descriptor). Exit status 0 when every child
 * exited 0 (missing: its execv returned ENOENT). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define BLOCK 65536

/* Everything an exec below is given, in a block nothing else shares. */
struct untouched {
	char true_path[16];
	char missing_path[32];
	char empty[8];
	char arg0[16];
	char arg1[32];
	char arg2[32];
	char pad[BLOCK - 136];
};

static const struct untouched U __attribute__((aligned(BLOCK))) = {
	.true_path = "/bin/true",
	.missing_path = "/nonexistent/execprobe",
	.empty = "",
	.arg0 = "probe-arg0",
	.arg1 = "rodata argument 1",
	.arg2 = "rodata argument 2",
};

static const char *dir;

/* Is the page at addr mapped in this process? (pagemap bit 63: present) */
static int page_present(const void *addr)
{
	uint64_t entry = 0;
	long page = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	off_t at = (off_t)((uintptr_t)addr / (uintptr_t)page) * (off_t)sizeof(entry);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &entry, sizeof(entry), at);
	close(fd);
	return n == (ssize_t)sizeof(entry) ? (int)(entry >> 63) : -1;
}

static int exec_fd = -1;        /* the descriptor an execveat case runs */

/* One line of cases.json: the case, the pid that execs, whether the block
 * was unmapped just before, and the descriptor of an execveat (-1: none). */
static void report_as(const char *name, pid_t pid, bool untouched)
{
	char line[160];
	int fd, n;

	n = snprintf(line, sizeof(line), "{\"case\":\"%s\",\"pid\":%d,\"untouched\":%s,\"fd\":%d}\n",
		     name, (int)pid, untouched ? "true" : "false", exec_fd);
	fd = open("cases.json", O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, line, (size_t)n) != n)
			perror("execprobe: cases.json");
		close(fd);
	}
}

/* Written by the child itself, just before its exec. */
static void report(const char *name)
{
	report_as(name, getpid(), page_present(&U) == 0);
}

static int wait_ok(pid_t pid, const char *name)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "execprobe: case %s failed\n", name);
		return 1;
	}
	return 0;
}

static void run_fork(void)
{
	char *const argv[] = { (char *)U.arg0, (char *)U.arg1, (char *)U.arg2, NULL };

	report("fork");
	execv(U.true_path, argv);
	_exit(126);
}

static void run_execveat(int fd, const char *name)
{
	char *const argv[] = { (char *)U.arg0, (char *)U.arg1, (char *)U.arg2, NULL };

	exec_fd = fd;
	report(name);
	syscall(SYS_execveat, fd, U.empty, argv, environ, AT_EMPTY_PATH);
	_exit(126);
}

/* posix_spawn from a fresh child, whose mm the spawned process shares
 * until its exec (this process's own pages are mapped by now). */
static int run_spawn(void)
{
	char *const argv[] = { (char *)U.arg0, (char *)U.arg1, (char *)U.arg2, NULL };
	bool untouched = page_present(&U) == 0;
	pid_t pid;

	if (posix_spawn(&pid, U.true_path, NULL, NULL, argv, environ))
		return 1;
	report_as("spawn", pid, untouched);
	return wait_ok(pid, "spawn");
}

static void run_script(const char *path)
{
	char *const argv[] = { (char *)U.arg0, (char *)U.arg1, NULL };

	report("script");
	execv(path, argv);
	_exit(126);
}

static void *thread_exec(void *arg)
{
	char *const argv[] = { (char *)U.arg0, (char *)U.arg2, NULL };

	(void)arg;
	report("thread");
	execv(U.true_path, argv);
	_exit(126);
}

static void run_thread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_exec, NULL) == 0)
		pthread_join(t, NULL);
	_exit(126);
}

static void run_missing(void)
{
	char *const argv[] = { (char *)U.arg0, (char *)U.arg1, NULL };

	report("missing");
	execv(U.missing_path, argv);
	_exit(errno == ENOENT ? 0 : 126);
}

/* /bin/true's bytes in a memfd named "payload". */
static int memfd_true(void)
{
	int src = open("/bin/true", O_RDONLY | O_CLOEXEC);
	int fd = memfd_create("payload", MFD_CLOEXEC);
	char buf[65536];
	ssize_t n;

	if (src < 0 || fd < 0)
		return -1;
	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return -1;
	close(src);
	return n == 0 ? fd : -1;
}

static int write_script(char *path, size_t len)
{
	static const char text[] = "#!/bin/sh\nexit 0\n";
	int fd;

	snprintf(path, len, "%s/script", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0 || write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1))
		return -1;
	return close(fd);
}

int main(int argc, char **argv)
{
	char script[4096];
	int fails = 0, true_fd, mem_fd, fd;
	pid_t pid;

	if (argc != 2) {
		fprintf(stderr, "usage: execprobe DIR\n");
		return 2;
	}
	dir = argv[1];
	if ((uintptr_t)&U % BLOCK) {
		fprintf(stderr, "execprobe: the string block is not %d-aligned\n", BLOCK);
		return 2;
	}
	if (chdir(dir) || (fd = open("cases.json", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    close(fd) || write_script(script, sizeof(script)) ||
	    (true_fd = open("/bin/true", O_RDONLY)) < 0 || (mem_fd = memfd_true()) < 0) {
		perror("execprobe: setting up");
		return 2;
	}
	if ((pid = fork()) == 0)
		run_fork();
	fails += wait_ok(pid, "fork");
	if ((pid = fork()) == 0)
		run_execveat(true_fd, "execveat");
	fails += wait_ok(pid, "execveat");
	if ((pid = fork()) == 0)
		_exit(run_spawn());
	fails += wait_ok(pid, "spawn");
	if ((pid = fork()) == 0)
		run_execveat(mem_fd, "memfd");
	fails += wait_ok(pid, "memfd");
	if ((pid = fork()) == 0)
		run_script(script);
	fails += wait_ok(pid, "script");
	if ((pid = fork()) == 0)
		run_thread();
	fails += wait_ok(pid, "thread");
	if ((pid = fork()) == 0)
		run_missing();
	fails += wait_ok(pid, "missing");
	return fails ? 1 : 0;
}
