/* argprobe.c - makes one syscall for each decoded argument format, with
 * values chosen so that the decoded text is known (test_argfmt.sh traces it
 * with tracee and with strace and compares both with the expected spelling).
 * Usage: argprobe DIR   (DIR: an empty, writable directory) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

static char path[256];

static const char *in_dir(const char *dir, const char *name)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void sockets(const char *dir)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_un got;
	socklen_t len = sizeof(got);
	int sv[2], fd;

	syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	fd = (int)syscall(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
	syscall(SYS_connect, fd, &in, sizeof(in));
	close(fd);

	/* an abstract name nobody listens on: ECONNREFUSED */
	fd = (int)syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	memcpy(un.sun_path, "\0tracee-argprobe", 16);
	syscall(SYS_connect, fd, &un, offsetof(struct sockaddr_un, sun_path) + 16);
	close(fd);

	/* a path name, read back by getsockname at syscall exit */
	fd = (int)syscall(SYS_socket, AF_UNIX, SOCK_DGRAM, 0);
	in_dir(dir, "sock");
	memset(un.sun_path, 0, sizeof(un.sun_path));
	memcpy(un.sun_path, path, strnlen(path, sizeof(un.sun_path) - 1));
	syscall(SYS_bind, fd, &un, sizeof(un));
	syscall(SYS_getsockname, fd, &got, &len);
	close(fd);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	int fds[2], fd;
	pid_t child;
	void *p;

	fd = (int)syscall(SYS_openat, AT_FDCWD, in_dir(dir, "f"),
			  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 10);
	syscall(SYS_lseek, fd, 0, SEEK_END);
	close(fd);
	syscall(SYS_openat, AT_FDCWD, "/nonexistent-argprobe", O_RDONLY);
	syscall(SYS_faccessat, AT_FDCWD, in_dir(dir, "f"), R_OK | W_OK);
	syscall(SYS_access, in_dir(dir, "f"), X_OK);
	syscall(SYS_mkdirat, AT_FDCWD, in_dir(dir, "d"), 0750);
	syscall(SYS_unlinkat, AT_FDCWD, in_dir(dir, "d"), AT_REMOVEDIR);
	syscall(SYS_mknodat, AT_FDCWD, in_dir(dir, "fifo"), S_IFIFO | 0600, 0);

	p = (void *)syscall(SYS_mmap, NULL, 8192, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	syscall(SYS_mprotect, p, 4096, PROT_READ);
	syscall(SYS_munmap, p, 8192);

	syscall(SYS_pipe2, fds, O_NONBLOCK | O_CLOEXEC);
	sockets(dir);

	signal(SIGURG, SIG_IGN);
	syscall(SYS_kill, getpid(), 0);
	syscall(SYS_kill, getpid(), SIGURG);
	syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, NULL, NULL, 8);
	syscall(SYS_ptrace, PTRACE_PEEKDATA, 1, NULL, NULL);    /* ESRCH: not our tracee */
	syscall(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);

	child = fork();     /* clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD) */
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	return 0;
}
