/* empty_exit.c - the limit of the benchmark: what any eBPF program attached
 * at sys_exit costs a syscall, measured with a program that does nothing.
 * It loads two instructions (r0 = 0; exit) as a raw tracepoint program,
 * attaches it at raw_tracepoint/sys_exit, then runs COMMAND and waits for it
 * (or, with no COMMAND, holds the attachment until SIGINT or SIGTERM).
 * Closing the program's fds at exit detaches it. bench.sh runs its workload
 * under it as the "empty program" row, and `empty_exit prog_stats workload`
 * for the program's kernel run time.
 *   empty_exit [COMMAND [ARGS...]]
 * It exits with COMMAND's status.
 * No compiler is needed: the program is built here from its instructions. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "run_child.h"

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
	status = argc > 1 ? run_child("empty_exit", argv + 1) : hold_until_signalled();
	close(link_fd);  /* detached */
	close(prog_fd);
	return status;
}
