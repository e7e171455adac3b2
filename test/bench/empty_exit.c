/* empty_exit.c - the limit of the benchmark: what any eBPF program attached
 * at sys_exit costs a syscall, measured with a program that does nothing.
 * It loads two instructions (r0 = 0; exit) as a raw tracepoint program,
 * attaches it at raw_tracepoint/sys_exit, then runs COMMAND and waits for it
 * (or, with no COMMAND, holds the attachment until SIGINT or SIGTERM).
 * Closing the program's fds at exit detaches it. bench.sh runs its workload
 * under it as the "empty program" row.
 *   empty_exit [COMMAND [ARGS...]]
 * On exit it prints, on stderr, the program's kernel run statistics in the
 * format of prog_stats ("empty_exit: ID NAME RUNS RUN_TIME_NS"; both are 0
 * unless kernel.bpf_stats_enabled was on), and exits with COMMAND's status.
 * No compiler is needed: the program is built here from its instructions. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>

#define PROG_NAME "empty_exit"

/* Loads "r0 = 0; exit": one fd, or -1 after saying why. */
static int load_empty(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, PROG_NAME, "GPL", insns,
			       sizeof(insns) / sizeof(insns[0]), NULL);

	if (fd < 0)
		fprintf(stderr, "empty_exit: cannot load the empty program: %s%s\n", strerror(errno),
			errno == EPERM ? " (run it as root)" : "");
	return fd;
}

static int attach_sys_exit(int prog_fd)
{
	int fd = bpf_raw_tracepoint_open("sys_exit", prog_fd);

	if (fd < 0)
		fprintf(stderr, "empty_exit: cannot attach at raw_tracepoint/sys_exit: %s\n",
			strerror(errno));
	return fd;
}

/* Runs argv to its end; returns its exit status as a shell would (128+N for signal N). */
static int run_command(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("empty_exit: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "empty_exit: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("empty_exit: waitpid");
			return 1;
		}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Without a command: hold the attachment until SIGINT or SIGTERM. */
static int hold_until_signalled(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return sigwait(&set, &sig) ? 1 : 0;
}

static void print_run_stats(int prog_fd)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		fprintf(stderr, "empty_exit: cannot read the program's statistics: %s\n", strerror(errno));
		return;
	}
	fprintf(stderr, "empty_exit: %u %s %llu %llu\n", info.id, info.name,
		(unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns);
}

int main(int argc, char **argv)
{
	int prog_fd, link_fd, status;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: empty_exit [COMMAND [ARGS...]]: runs COMMAND with an empty eBPF "
		       "program attached at raw_tracepoint/sys_exit\n");
		return 0;
	}
	if ((prog_fd = load_empty()) < 0)
		return 1;
	if ((link_fd = attach_sys_exit(prog_fd)) < 0) {
		close(prog_fd);
		return 1;
	}
	status = argc > 1 ? run_command(argv + 1) : hold_until_signalled();
	close(link_fd);  /* detached: the statistics stop moving */
	print_run_stats(prog_fd);
	close(prog_fd);
	return status;
}
