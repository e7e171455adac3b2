/* sigact.c - harmless re-enactments of the techniques the built-in
 * detections look for (test_signatures.sh traces them), and a benign
 * workload that must raise none. Every target is the program's own child,
 * a loopback socket or a path the test made; nothing is really modified.
 *
 *   sigact stdio_dup PORTFILE     a loopback connection dup2'ed onto fd 0 (PORTFILE:
 *                                 the port, then the connecting socket's fd)
 *   sigact stdio_connect PORTFILE fd 0 closed, a socket takes it, connects
 *   sigact traceme                ptrace(PTRACE_TRACEME)
 *   sigact poke                   PTRACE_POKEDATA into its own stopped child
 *   sigact wx                     RWX anonymous memory made RX
 *   sigact memfd_exec             /bin/true copied into a memfd and executed
 *   sigact proc_mem               /proc/CHILD/mem opened read-only, then write-only
 *   sigact vm_write               process_vm_writev into its own child
 *   sigact module                 finit_module and init_module of non-modules (fail)
 *   sigact open_r PATH            open for reading, close
 *   sigact open_w PATH            open for writing (no O_TRUNC, nothing written), close
 *   sigact connect_unix PATH      connect an AF_UNIX socket to PATH (may fail)
 *   sigact connect_tcp IP PORT    connect to IP:PORT (may fail)
 *   sigact benign DIR             file reads and writes, an exec, a loopback
 *                                 connection, ordinary mappings
 * Exits non-zero when a step that must work fails. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(const char *what)
{
	perror(what);
	return 1;
}

/* A listener on 127.0.0.1, port chosen by the kernel; its port goes to path. */
static int listen_loopback(const char *path, struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	FILE *f;

	*addr = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (s < 0 || bind(s, (struct sockaddr *)addr, sizeof(*addr)) || listen(s, 4) ||
	    getsockname(s, (struct sockaddr *)addr, &len))
		return -1;
	if (path && (f = fopen(path, "w"))) {
		fprintf(f, "%u\n", ntohs(addr->sin_port));
		fclose(f);
	}
	return s;
}

static int stdio_dup(const char *portfile)
{
	struct sockaddr_in addr;
	int l = listen_loopback(portfile, &addr), c;
	FILE *f;

	if (l < 0 || (c = socket(AF_INET, SOCK_STREAM, 0)) < 0 || !(f = fopen(portfile, "a")))
		return fail("socket");
	fprintf(f, "%d\n", c);
	fclose(f);
	if (connect(c, (struct sockaddr *)&addr, sizeof(addr)))
		return fail("loopback connect");
	if (dup2(c, 0) != 0)
		return fail("dup2");
	close(c);
	close(0);
	return close(l);
}

static int stdio_connect(const char *portfile)
{
	struct sockaddr_in addr;
	int l = listen_loopback(portfile, &addr), c;

	close(0);
	if (l < 0 || (c = socket(AF_INET, SOCK_STREAM, 0)) != 0 ||
	    connect(c, (struct sockaddr *)&addr, sizeof(addr)))
		return fail("connect on fd 0");
	close(c);
	return close(l);
}

static int traceme(void)
{
	return ptrace(PTRACE_TRACEME, 0, NULL, NULL) ? fail("PTRACE_TRACEME") : 0;
}

/* A child that waits to be killed. */
static pid_t child_waiting(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void child_end(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static long poke_target = 1;

static int poke(void)
{
	pid_t pid = child_waiting();
	int rc = 0;

	if (pid < 0 || ptrace(PTRACE_ATTACH, pid, NULL, NULL) || waitpid(pid, NULL, 0) != pid)
		return fail("PTRACE_ATTACH");
	if (ptrace(PTRACE_POKEDATA, pid, &poke_target, (void *)2L))
		rc = fail("PTRACE_POKEDATA");
	child_end(pid);
	return rc;
}

static int wx(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p, 4096, PROT_READ | PROT_EXEC))
		return fail("mmap/mprotect");
	return munmap(p, 4096);
}

static int memfd_exec(void)
{
	char buf[65536], *argv[] = { "true", NULL }, *envp[] = { NULL };
	int in = open("/bin/true", O_RDONLY), fd = (int)syscall(SYS_memfd_create, "sigact", 0);
	ssize_t n;

	if (in < 0 || fd < 0)
		return fail("memfd");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return fail("write memfd");
	close(in);
	fexecve(fd, argv, envp);
	return fail("fexecve");
}

static int proc_mem(void)
{
	pid_t pid = child_waiting();
	char path[64];
	int r, w;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	r = open(path, O_RDONLY);
	w = open(path, O_WRONLY);
	child_end(pid);
	if (r < 0 || w < 0)
		return fail(path);
	close(r);
	return close(w);
}

static int vm_write(void)
{
	pid_t pid = child_waiting();
	long v = 3;
	struct iovec local = { &v, sizeof(v) }, remote = { &poke_target, sizeof(poke_target) };
	ssize_t n = process_vm_writev(pid, &local, 1, &remote, 1, 0);

	child_end(pid);
	return n == sizeof(v) ? 0 : fail("process_vm_writev");
}

/* Neither is a module: the kernel refuses both (ENOEXEC, EINVAL or EPERM). */
static int module(void)
{
	static const char junk[64] = "not a kernel module";
	int fd = open("/bin/true", O_RDONLY);

	if (fd < 0)
		return fail("open");
	if (syscall(SYS_finit_module, fd, "", 0) == 0 || syscall(SYS_init_module, junk, sizeof(junk), "") == 0)
		return fail("a module loaded");
	return close(fd);
}

static int open_close(const char *path, int flags)
{
	int fd = open(path, flags);

	return fd < 0 ? fail(path) : close(fd);
}

static int open_r(const char *path)
{
	return open_close(path, O_RDONLY);
}

static int open_w(const char *path)
{
	return open_close(path, O_WRONLY);
}

static int connect_unix(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (s < 0)
		return fail("socket");
	connect(s, (struct sockaddr *)&a, sizeof(a));
	return close(s);
}

static int connect_tcp(const char *ip, const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || inet_pton(AF_INET, ip, &a.sin_addr) != 1)
		return fail("socket");
	connect(s, (struct sockaddr *)&a, sizeof(a));
	return close(s);
}

/* What ordinary programs do all day. */
static int benign(const char *dir)
{
	char path[4096], buf[256];
	struct sockaddr_in addr;
	int l, c, a, fd, st;
	void *m;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/benign.txt", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) < 0 || write(fd, "hello\n", 6) != 6)
		return fail("write");
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED || munmap(m, 4096))
		return fail("mmap file");
	close(fd);
	if ((fd = open("/etc/hostname", O_RDONLY)) < 0 || read(fd, buf, sizeof(buf)) < 0)
		return fail("read");
	close(fd);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m, 4096, PROT_READ) || munmap(m, 8192))
		return fail("mmap anon");
	if ((l = listen_loopback(NULL, &addr)) < 0 || (c = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(c, (struct sockaddr *)&addr, sizeof(addr)) || (a = accept(l, NULL, NULL)) < 0 ||
	    write(c, "x", 1) != 1 || read(a, buf, 1) != 1)
		return fail("loopback");
	if ((fd = dup(a)) < 0 || dup2(fd, 10) != 10)
		return fail("dup");
	close(fd);
	close(10);
	close(a);
	close(c);
	close(l);
	if ((pid = fork()) == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		return fail("exec");
	return 0;
}

/* Each re-enactment by name; arg: how many words follow it (ARG, IP PORT). */
static const struct act {
	const char *name;
	int nargs;
	int (*run0)(void);
	int (*run1)(const char *arg);
	int (*run2)(const char *a, const char *b);
} acts[] = {
	{ "stdio_dup", 1, .run1 = stdio_dup },
	{ "stdio_connect", 1, .run1 = stdio_connect },
	{ "traceme", 0, .run0 = traceme },
	{ "poke", 0, .run0 = poke },
	{ "wx", 0, .run0 = wx },
	{ "memfd_exec", 0, .run0 = memfd_exec },
	{ "proc_mem", 0, .run0 = proc_mem },
	{ "vm_write", 0, .run0 = vm_write },
	{ "module", 0, .run0 = module },
	{ "open_r", 1, .run1 = open_r },
	{ "open_w", 1, .run1 = open_w },
	{ "connect_unix", 1, .run1 = connect_unix },
	{ "connect_tcp", 2, .run2 = connect_tcp },
	{ "benign", 1, .run1 = benign },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && i < sizeof(acts) / sizeof(acts[0]); i++) {
		const struct act *a = &acts[i];

		if (strcmp(argv[1], a->name) || argc - 2 != a->nargs)
			continue;
		return a->nargs == 0 ? a->run0() : a->nargs == 1 ? a->run1(argv[2]) : a->run2(argv[2], argv[3]);
	}
	fprintf(stderr, "usage: sigact WHAT [ARG] (see sigact.c)\n");
	return 2;
}
