/* secload.c - what test_security.sh traces that the shell cannot do:
 *   secload writev FILE   writev "\x7fELF"+"-rest" at 0, then pwritev "tail" at 100
 *   secload pwrite FILE   pwrite64 "abc" at offset 7
 *   secload wx            an RWX mmap, then mprotect RW -> RX -> RWX -> RX
 * Exits non-zero when a call fails, so the test knows the workload ran. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static int do_writev(const char *path)
{
	struct iovec iov[2] = { { "\x7f" "ELF", 4 }, { "-rest", 5 } };
	struct iovec tail = { "tail", 4 };
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return fail("open");
	if (writev(fd, iov, 2) != 9 || pwritev(fd, &tail, 1, 100) != 4)
		return fail("writev");
	return close(fd);
}

static int do_pwrite(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return fail("open");
	if (pwrite(fd, "abc", 3, 7) != 3)
		return fail("pwrite");
	return close(fd);
}

static int do_wx(void)
{
	size_t len = (size_t)sysconf(_SC_PAGESIZE);
	void *wx = mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (wx == MAP_FAILED || p == MAP_FAILED)
		return fail("mmap");
	if (mprotect(p, len, PROT_READ | PROT_EXEC) ||
	    mprotect(p, len, PROT_READ | PROT_WRITE | PROT_EXEC) ||
	    mprotect(p, len, PROT_READ | PROT_EXEC))
		return fail("mprotect");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "writev") == 0)
		return do_writev(argv[2]);
	if (argc == 3 && strcmp(argv[1], "pwrite") == 0)
		return do_pwrite(argv[2]);
	if (argc == 2 && strcmp(argv[1], "wx") == 0)
		return do_wx();
	fprintf(stderr, "usage: secload writev FILE | pwrite FILE | wx\n");
	return 2;
}
