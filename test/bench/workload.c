/* workload.c - the benchmark's traced program: a tight loop of
 * open/read/close/getppid, four syscalls an iteration, so that the cost of
 * tracing each syscall dominates. Usage: workload [ITERATIONS] [PATH]
 * (default 200000 iterations, about 800k syscalls, reading /etc/hostname).
 * Each syscall is made directly so that libc adds none of its own. At the
 * end it prints the loop's own duration on stderr ("workload: 800000
 * syscalls in 1.234567 s"): the time a tracer adds to the traced program,
 * without the tracer's own start-up. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long iterations = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
	const char *path = argc > 2 ? argv[2] : "/etc/hostname";
	double start = now();
	char buf[64];

	for (long i = 0; i < iterations; i++) {
		long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);

		if (fd < 0) {
			perror(path);
			return 1;
		}
		syscall(SYS_read, fd, buf, sizeof(buf));
		syscall(SYS_close, fd);
		syscall(SYS_getppid);
	}
	fprintf(stderr, "workload: %ld syscalls in %.6f s\n", iterations * 4, now() - start);
	return 0;
}
