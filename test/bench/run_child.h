/* run_child.h - one helper of the bench's C tools (empty_exit, prog_stats):
 * run a command to its end while the caller keeps something in place around
 * it (an attached program, a snapshot of counters). Header-only: each tool is
 * one source file. */
#ifndef RUN_CHILD_H
#define RUN_CHILD_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs argv to its end; returns its exit status as a shell would (128+N for
 * signal N, 127 when it cannot be run). who prefixes the error lines. */
static int run_child(const char *who, char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "%s: cannot fork: %s\n", who, strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", who, argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "%s: waiting for %s: %s\n", who, argv[0], strerror(errno));
			return 1;
		}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#endif
