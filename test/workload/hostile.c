/* hostile.c - a traced program that does its worst to a tracer: huge argv,
 * megabyte strings, pointers that cannot be read, control and non-UTF-8
 * bytes in paths and in its own name, thousands of threads. Used by
 * test/integration/test_hostile.sh; each mode is one function.
 *   hostile argv N | bigstr | badptr | names DIR | threads N */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* execve /bin/true with n arguments (the first is "true"). */
static int do_argv(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 10000;
	char **args = calloc((size_t)n + 1, sizeof(*args));

	if (!args || n < 1)
		return 1;
	args[0] = "true";
	for (long i = 1; i < n; i++)
		args[i] = "xxxxxxxx";
	execv("/bin/true", args);
	return 1;
}

/* open a 1 MiB path: ENAMETOOLONG, but the tracer has to read it first. */
static int do_bigstr(int argc, char **argv)
{
	size_t n = 1 << 20;
	char *s = malloc(n + 1);

	if (!s)
		return 1;
	memset(s, 'a', n);
	s[0] = '/';
	s[n] = '\0';
	return open(s, O_RDONLY) == -1 && errno == ENAMETOOLONG ? 0 : 1;
}

/* Pointers the kernel refuses: low, kernel-half, unmapped. */
static int do_badptr(int argc, char **argv)
{
	static const unsigned long bad[] = { 1, 0xffffffffff600000ul, 0x7ffffffff000ul, 0xdead0000ul };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		syscall(SYS_openat, AT_FDCWD, bad[i], O_RDONLY, 0);
		syscall(SYS_read, -1, bad[i], 16);
		syscall(SYS_execve, bad[i], bad[i], bad[i]);
	}
	return 0;
}

/* Files whose names hold escapes, newlines, quotes and invalid UTF-8, opened
 * by a process whose comm is no better. */
static int do_names(int argc, char **argv)
{
	static const char *const names[] = {
		"esc\x1b[31mred", "new\nline", "tab\there", "quote\"back\\slash",
		"bad\xff\xfeutf8", "cut\xe2\x82", "del\x7f", "ok-\xc3\xa9t\xc3\xa9",
	};
	char path[4096];

	if (argc < 3 || chdir(argv[2]))
		return 1;
	prctl(PR_SET_NAME, "ev\x1b[1m\n\xff\"il", 0, 0, 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s", names[i]);
		int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

		if (fd < 0)
			return 1;
		close(fd);
	}
	return 0;
}

static void *thread_main(void *arg)
{
	close(-1);
	return arg;
}

/* n threads, each making one failing syscall; at most 256 alive at once. */
static int do_threads(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 2000;
	pthread_t t[256];

	for (long done = 0; done < n; ) {
		long batch = n - done < 256 ? n - done : 256;

		for (long i = 0; i < batch; i++)
			if (pthread_create(&t[i], NULL, thread_main, NULL))
				return 1;
		for (long i = 0; i < batch; i++)
			pthread_join(t[i], NULL);
		done += batch;
	}
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} modes[] = {
	{ "argv", do_argv },
	{ "bigstr", do_bigstr },
	{ "badptr", do_badptr },
	{ "names", do_names },
	{ "threads", do_threads },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			return modes[i].run(argc, argv);
	fprintf(stderr, "usage: hostile argv N | bigstr | badptr | names DIR | threads N\n");
	return 2;
}
