/* workload.c - the syscall workload of test_events.sh and test_strace.sh.
 *
 * Usage: syscall_workload DIR
 *
 * Makes more than 40 distinct system calls with known arguments on files
 * under DIR (which it fills), some failing on purpose (ENOENT, EBADF,
 * EACCES, ECONNREFUSED), and forks three children: one exits with 7, one
 * execs /bin/true, one drops to uid 65534 and fails to open a 0600 file.
 *
 * Every call goes through syscall(2), so nothing but the call itself is
 * made between the first call (chdir DIR) and the last expected one. Each
 * call's expectation - name, return value and every argument as tracee's
 * JSON shows it ({"name","type","value"}; an argument whose value cannot be
 * known here has no "value") - is kept in memory and written at the end,
 * one JSON object a line, to DIR/expected.json; the children's pids go to
 * DIR/children.json. Exit status 0 when every call returned what it should.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char expbuf[1 << 16];
static size_t explen;
static int failures;
static const char *dir;
static long my_pid, my_ppid, my_uid;     /* read before the first expected call */

static void put(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(expbuf + explen, sizeof(expbuf) - explen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(expbuf) - explen)
		explen += (size_t)n;
}

/* One call's expectation: args is the inside of the JSON args array. */
static long expect(const char *name, long ret, long want, const char *args, ...)
{
	va_list ap;
	int n;

	if (ret != want) {
		failures++;
		put("{\"error\":\"%s returned %ld, not %ld\"}\n", name, ret, want);
	}
	put("{\"name\":\"%s\",\"ret\":%ld,\"args\":[", name, want);
	va_start(ap, args);
	n = vsnprintf(expbuf + explen, sizeof(expbuf) - explen, args, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(expbuf) - explen)
		explen += (size_t)n;
	put("]}\n");
	return ret;
}

/* Argument spellings. */
#define I(n, v)      "{\"name\":\"" n "\",\"type\":\"int\",\"value\":" v "}"
#define T(n, t, v)   "{\"name\":\"" n "\",\"type\":\"" t "\",\"value\":" v "}"
#define S(n, t)      "{\"name\":\"" n "\",\"type\":\"" t "\",\"value\":\"%s\"}"
#define P(n, t)      "{\"name\":\"" n "\",\"type\":\"" t "\",\"value\":\"%p\"}"
#define ANY(n, t)    "{\"name\":\"" n "\",\"type\":\"" t "\"}"
#define NUL          "\"0x0\""
/* The most common ones. */
#define PATHNAME     S("pathname", "const char*")
#define STATBUF      P("statbuf", "struct stat*")
#define FD3          I("fd", "3")

static long sc(long nr, long a, long b, long c, long d, long e)
{
	long r = syscall(nr, a, b, c, d, e, 0);

	return r < 0 ? -errno : r;
}
#define SC0(nr)                sc(nr, 0, 0, 0, 0, 0)
#define SC1(nr, a)             sc(nr, (long)(a), 0, 0, 0, 0)
#define SC2(nr, a, b)          sc(nr, (long)(a), (long)(b), 0, 0, 0)
#define SC3(nr, a, b, c)       sc(nr, (long)(a), (long)(b), (long)(c), 0, 0)
#define SC4(nr, a, b, c, d)    sc(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0)

static char path_file[512], path_sub[512], path_link[512], path_hard[512], path_renamed[512],
	path_fifo[512], path_noexec[512], path_secret[512], path_sock[512], path_missing[512];

static void make_paths(void)
{
	snprintf(path_file, sizeof(path_file), "%s/file", dir);
	snprintf(path_sub, sizeof(path_sub), "%s/sub", dir);
	snprintf(path_link, sizeof(path_link), "%s/link", dir);
	snprintf(path_hard, sizeof(path_hard), "%s/hard", dir);
	snprintf(path_renamed, sizeof(path_renamed), "%s/renamed", dir);
	snprintf(path_fifo, sizeof(path_fifo), "%s/fifo", dir);
	snprintf(path_noexec, sizeof(path_noexec), "%s/noexec", dir);
	snprintf(path_secret, sizeof(path_secret), "%s/secret", dir);
	snprintf(path_sock, sizeof(path_sock), "%s/sock", dir);
	snprintf(path_missing, sizeof(path_missing), "%s/missing", dir);
}

/* Files: create, write, read, stat, link, rename, remove. */
static void files(void)
{
	static char buf[256];
	struct stat st;
	long fd, r;

	expect("chdir", SC1(SYS_chdir, dir), 0, S("path", "const char*"), dir);
	expect("mkdir", SC2(SYS_mkdir, path_sub, 0755), 0,
	       PATHNAME "," T("mode", "mode_t", "\"0755\""), path_sub);
	fd = SC4(SYS_openat, AT_FDCWD, path_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	expect("openat", fd, 3, I("dirfd", "\"AT_FDCWD\"") "," PATHNAME ","
		    I("flags", "\"O_WRONLY|O_CREAT|O_TRUNC\"") "," T("mode", "mode_t", "\"0644\""),
		    path_file);
	expect("write", SC3(SYS_write, fd, "hello\n", 6), 6,
	       FD3 "," ANY("buf", "void*") "," T("count", "size_t", "6"));
	expect("pwrite64", SC4(SYS_pwrite64, fd, "xy", 2, 10), 2,
	       FD3 "," ANY("buf", "const void*") "," T("count", "size_t", "2") ","
	       T("offset", "off_t", "10"));
	expect("fsync", SC1(SYS_fsync, fd), 0, FD3);
	expect("fdatasync", SC1(SYS_fdatasync, fd), 0, FD3);
	expect("ftruncate", SC2(SYS_ftruncate, fd, 4), 0, FD3 "," T("length", "off_t", "4"));
	expect("fchmod", SC2(SYS_fchmod, fd, 0600), 0, FD3 "," T("mode", "mode_t", "\"0600\""));
	expect("close", SC1(SYS_close, fd), 0, FD3);
	expect("close", SC1(SYS_close, fd), -EBADF, FD3);

	fd = expect("open", SC3(SYS_open, path_file, O_RDONLY | O_CLOEXEC, 0), 3,
		    PATHNAME "," I("flags", "\"O_RDONLY|O_CLOEXEC\"") ","
		    T("mode", "mode_t", "\"000\""), path_file);
	expect("read", SC3(SYS_read, fd, buf, 100), 4,
	       FD3 "," P("buf", "void*") "," T("count", "size_t", "100"), buf);
	expect("pread64", SC4(SYS_pread64, fd, buf, 2, 1), 2,
	       FD3 "," P("buf", "void*") "," T("count", "size_t", "2") ","
	       T("offset", "off_t", "1"), buf);
	expect("lseek", SC3(SYS_lseek, fd, 1, SEEK_SET), 1,
	       FD3 "," T("offset", "off_t", "1") ","
	       T("whence", "unsigned int", "\"SEEK_SET\""));
	expect("fstat", SC2(SYS_fstat, fd, &st), 0,
	       FD3 "," STATBUF, (void *)&st);
	expect("dup", SC1(SYS_dup, fd), 4, I("oldfd", "3"));
	expect("dup2", SC2(SYS_dup2, fd, 10), 10, I("oldfd", "3") "," I("newfd", "10"));
	expect("dup3", SC3(SYS_dup3, fd, 11, O_CLOEXEC), 11,
	       I("oldfd", "3") "," I("newfd", "11") "," I("flags", "\"O_CLOEXEC\""));
	expect("fcntl", SC3(SYS_fcntl, 4, F_SETFD, FD_CLOEXEC), 0,
	       I("fd", "4") "," I("cmd", "\"F_SETFD\"") "," T("arg", "unsigned long", "\"FD_CLOEXEC\""));
	expect("close", SC1(SYS_close, 11), 0, I("fd", "11"));
	expect("close", SC1(SYS_close, 10), 0, I("fd", "10"));
	expect("close", SC1(SYS_close, 4), 0, I("fd", "4"));
	expect("close", SC1(SYS_close, 3), 0, FD3);

	expect("stat", SC2(SYS_stat, path_file, &st), 0,
	       PATHNAME "," STATBUF, path_file, (void *)&st);
	expect("stat", SC2(SYS_stat, path_missing, &st), -ENOENT,
	       PATHNAME "," STATBUF, path_missing, (void *)&st);
	expect("access", SC2(SYS_access, path_file, R_OK | W_OK), 0,
	       PATHNAME "," I("mode", "\"R_OK|W_OK\""), path_file);
	expect("access", SC2(SYS_access, path_missing, F_OK), -ENOENT,
	       PATHNAME "," I("mode", "\"F_OK\""), path_missing);
	/* root too needs an execute bit to get X_OK */
	expect("faccessat", SC4(SYS_faccessat, AT_FDCWD, path_file, X_OK, 0), -EACCES,
	       I("dirfd", "\"AT_FDCWD\"") "," PATHNAME "," I("mode", "\"X_OK\"")
	       "," I("flags", "0"), path_file);
	expect("symlink", SC2(SYS_symlink, path_file, path_link), 0,
	       S("target", "const char*") "," S("linkpath", "const char*"), path_file, path_link);
	expect("lstat", SC2(SYS_lstat, path_link, &st), 0,
	       PATHNAME "," STATBUF, path_link, (void *)&st);
	r = (long)strlen(path_file);
	expect("readlink", SC3(SYS_readlink, path_link, buf, sizeof(buf)), r,
	       PATHNAME "," P("buf", "char*") "," T("bufsiz", "size_t", "256"),
	       path_link, buf);
	expect("link", SC2(SYS_link, path_file, path_hard), 0,
	       S("oldpath", "const char*") "," S("newpath", "const char*"), path_file, path_hard);
	expect("rename", SC2(SYS_rename, path_hard, path_renamed), 0,
	       S("oldpath", "const char*") "," S("newpath", "const char*"), path_hard,
	       path_renamed);
	expect("chmod", SC2(SYS_chmod, path_file, 0644), 0,
	       PATHNAME "," T("mode", "mode_t", "\"0644\""), path_file);
	expect("chown", SC3(SYS_chown, path_file, 0, 0), 0,
	       PATHNAME "," T("owner", "uid_t", "0") ","
	       T("group", "gid_t", "0"),
	       path_file);
	expect("truncate", SC2(SYS_truncate, path_file, 2), 0,
	       S("path", "const char*") "," T("length", "off_t", "2"), path_file);
	expect("unlink", SC1(SYS_unlink, path_renamed), 0, PATHNAME,
	       path_renamed);
	expect("unlink", SC1(SYS_unlink, path_renamed), -ENOENT, PATHNAME,
	       path_renamed);
	expect("unlinkat", SC3(SYS_unlinkat, AT_FDCWD, path_sub, AT_REMOVEDIR), 0,
	       I("dirfd", "\"AT_FDCWD\"") "," PATHNAME ","
	       I("flags", "\"AT_REMOVEDIR\""), path_sub);
	expect("rmdir", SC1(SYS_rmdir, path_sub), -ENOENT, PATHNAME, path_sub);
	expect("mknod", SC3(SYS_mknod, path_fifo, S_IFIFO | 0644, 0), 0,
	       PATHNAME "," T("mode", "mode_t", "\"S_IFIFO|0644\"") ","
	       T("dev", "dev_t", "0"), path_fifo);
	expect("getcwd", SC2(SYS_getcwd, buf, sizeof(buf)), (long)strlen(dir) + 1,
	       P("buf", "char*") "," T("size", "size_t", "256"), buf);
	expect("fchdir", SC1(SYS_fchdir, 99), -EBADF, I("fd", "99"));
	expect("umask", SC1(SYS_umask, 022), 022, T("mask", "mode_t", "\"022\""));
	expect("umask", SC1(SYS_umask, 022), 022, T("mask", "mode_t", "\"022\""));
}

/* Sockets: a unix listener, a pair, a refused TCP connect. */
static void sockets(void)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(1),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	static int sv[2];
	long fd;

	if (strlen(path_sock) >= sizeof(un.sun_path)) {
		failures++;
		return;
	}
	memcpy(un.sun_path, path_sock, strlen(path_sock) + 1);
	fd = expect("socket", SC3(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), 3,
		    I("domain", "\"AF_UNIX\"") "," I("type", "\"SOCK_STREAM|SOCK_CLOEXEC\"") ","
		    I("protocol", "0"));
	expect("bind", SC3(SYS_bind, fd, &un, sizeof(un)), 0,
	       I("sockfd", "3") "," ANY("addr", "struct sockaddr*") "," I("addrlen", "110"));
	expect("listen", SC2(SYS_listen, fd, 5), 0, I("sockfd", "3") "," I("backlog", "5"));
	expect("socketpair", SC4(SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0, sv), 0,
	       I("domain", "\"AF_UNIX\"") "," I("type", "\"SOCK_DGRAM\"") "," I("protocol", "0") ","
	       T("sv", "int[2]", "[4,5]"));
	expect("socket", SC3(SYS_socket, AF_INET, SOCK_STREAM, 0), 6,
	       I("domain", "\"AF_INET\"") "," I("type", "\"SOCK_STREAM\"") "," I("protocol", "\"IPPROTO_IP\""));
	expect("connect", SC3(SYS_connect, 6, &in, sizeof(in)), -ECONNREFUSED,
	       I("sockfd", "6") "," ANY("addr", "struct sockaddr*") "," I("addrlen", "16"));
	for (int i = 6; i >= 3; i--)
		expect("close", SC1(SYS_close, i), 0, I("fd", "%d"), i);
}

/* Memory, identity, signals, prctl. */
static void process(void)
{
	long pid = my_pid;
	static char uts[512];
	long addr;

	expect("getpid", SC0(SYS_getpid), pid, "");
	expect("getppid", SC0(SYS_getppid), my_ppid, "");
	expect("gettid", SC0(SYS_gettid), pid, "");
	expect("getuid", SC0(SYS_getuid), my_uid, "");
	expect("uname", SC1(SYS_uname, uts), 0, P("buf", "struct utsname*"), uts);
	addr = sc(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	expect("mmap", addr, addr, T("addr", "void*", NUL) "," T("length", "size_t", "4096") ","
	       I("prot", "\"PROT_READ|PROT_WRITE\"") ","
	       I("flags", "\"MAP_PRIVATE|MAP_ANONYMOUS\"") ","
	       I("fd", "-1") "," T("off", "off_t", "0"));
	expect("mprotect", SC3(SYS_mprotect, addr, 4096, PROT_READ), 0,
	       P("addr", "void*") "," T("len", "size_t", "4096") "," I("prot", "\"PROT_READ\""),
	       (void *)addr);
	expect("munmap", SC2(SYS_munmap, addr, 4096), 0,
	       P("addr", "void*") "," T("length", "size_t", "4096"), (void *)addr);
	expect("kill", SC2(SYS_kill, pid, 0), 0,
	       T("pid", "pid_t", "%ld") "," I("sig", "\"0\""), pid);
	expect("prctl", SC2(SYS_prctl, PR_SET_NAME, "wl-main"), 0,
	       I("option", "\"PR_SET_NAME\"") "," ANY("arg2", "unsigned long") ","
	       T("arg3", "unsigned long", "0") "," T("arg4", "unsigned long", "0") ","
	       T("arg5", "unsigned long", "0"));
}

static char *const true_argv[] = { "true", "wl-arg", NULL };
static char *const no_env[] = { NULL };

/* fork as clone(SIGCHLD); the child runs child() and exits with its value. */
static long fork_wait(long (*child)(void), int *status)
{
	long pid = SC2(SYS_clone, SIGCHLD, 0);

	if (pid == 0)
		syscall(SYS_exit_group, child());
	expect("clone", pid, pid, T("flags", "unsigned long", "\"SIGCHLD\"") ","
	       T("stack", "void*", NUL) "," T("parent_tid", "int*", NUL) ","
	       T("child_tid", "int*", NUL) "," T("tls", "unsigned long", "0"));
	expect("wait4", SC4(SYS_wait4, pid, status, 0, 0), pid,
	       T("pid", "pid_t", "%ld") "," P("wstatus", "int*") "," I("options", "0") ","
	       T("rusage", "struct rusage*", NUL), pid, (void *)status);
	return pid;
}

static long child_exit7(void)
{
	return 7;
}

static long child_exec(void)
{
	syscall(SYS_execve, "/bin/true", true_argv, no_env);
	return 127;
}

/* EACCES as root: drop to nobody, then open a 0600 file of root's. */
static long child_nobody(void)
{
	long r = SC1(SYS_setuid, 65534);

	r = r ? r : SC4(SYS_openat, AT_FDCWD, path_secret, O_RDONLY, 0);
	return r == -EACCES ? 0 : 1;
}

/* Children: an exit code, an exec, a failed open as nobody; and a failed exec. */
static void children(long kids[3])
{
	static int status;
	long r;

	/* an exec that fails is one event, at its exit, with its error */
	r = SC3(SYS_execve, path_noexec, true_argv, no_env);
	expect("execve", r, -EACCES,
	       PATHNAME ","
	       T("argv", "const char*const*", "[\"true\",\"wl-arg\"]") ","
	       P("envp", "const char*const*"), path_noexec, (void *)no_env);
	kids[0] = fork_wait(child_exit7, &status);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 7)
		failures++;
	kids[1] = fork_wait(child_exec, &status);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		failures++;
	kids[2] = fork_wait(child_nobody, &status);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		failures++;
}

/* Files the calls need, made before the first traced call with libc. */
static int prepare(void)
{
	int fd;

	make_paths();
	unlink(path_noexec);
	unlink(path_secret);
	unlink(path_fifo);
	unlink(path_sock);
	if ((fd = open(path_noexec, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return -1;
	close(fd);
	if ((fd = open(path_secret, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return -1;
	close(fd);
	umask(022);
	return 0;
}

static int write_file(const char *name, const char *data, size_t len)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		return -1;
	return close(fd);
}

int main(int argc, char **argv)
{
	static char kidbuf[256];
	long kids[3];
	int n;

	if (argc != 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: %s /ABSOLUTE/DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	/* stdin stays open; the calls' fds count from 3 */
	for (int fd = 3; fd < 64; fd++)
		close(fd);
	my_pid = getpid();
	my_ppid = getppid();
	my_uid = getuid();
	if (prepare()) {
		perror("workload: prepare");
		return 1;
	}
	files();
	sockets();
	process();
	children(kids);
	n = snprintf(kidbuf, sizeof(kidbuf),
		     "{\"pid\":%d,\"exit7\":%ld,\"exec\":%ld,\"nobody\":%ld}\n", (int)my_pid,
		     kids[0], kids[1], kids[2]);
	if (write_file("expected.json", expbuf, explen) ||
	    write_file("children.json", kidbuf, (size_t)n))
		return 1;
	if (failures)
		fprintf(stderr, "workload: %d calls did not return what they should "
			"(see expected.json)\n", failures);
	return failures ? 1 : 0;
}
