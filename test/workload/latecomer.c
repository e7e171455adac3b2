/* latecomer.c - a process that exists before tracee and acts after it:
 *   latecomer PREFIX
 * waits (blocked, no polling) for SIGUSR1, then opens PREFIX.main from its
 * main thread, PREFIX.thread from a new thread and PREFIX.child from a new
 * child process, and exits. The files need not exist: the openat calls are
 * what the trace-mode tests look for. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *prefix;

static void open_suffix(const char *suffix)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s.%s", prefix, suffix);
	fd = open(path, O_RDONLY);
	if (fd >= 0)
		close(fd);
}

static void *thread_main(void *arg)
{
	(void)arg;
	open_suffix("thread");
	return NULL;
}

int main(int argc, char **argv)
{
	sigset_t set;
	pthread_t t;
	pid_t child;
	int sig;

	if (argc != 2) {
		fprintf(stderr, "usage: latecomer PREFIX\n");
		return 2;
	}
	prefix = argv[1];
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* tell the test we are blocked and ready */
	printf("ready\n");
	fflush(stdout);
	if (sigwait(&set, &sig))
		return 1;
	open_suffix("main");
	if (pthread_create(&t, NULL, thread_main, NULL) || pthread_join(t, NULL))
		return 1;
	child = fork();
	if (child == 0) {
		open_suffix("child");
		_exit(0);
	}
	if (child < 0 || waitpid(child, NULL, 0) != child)
		return 1;
	return 0;
}
