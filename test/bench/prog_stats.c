/* prog_stats.c - the kernel's own count of what a process's eBPF programs
 * cost (kernel.bpf_stats_enabled): bench.sh's table of ns per run per program.
 *   prog_stats PID
 * It finds every eBPF program PID holds (the prog_id lines of
 * /proc/PID/fdinfo: program fds and the links that attach them), opens each
 * by id so that it outlives PID, waits until PID exits (or SIGINT/SIGTERM),
 * then prints one line per program on stdout:
 *   prog_stats: ID NAME RUNS RUN_TIME_NS
 * NAME is the program's function name from its BTF, whole (the kernel's own
 * name field keeps 15 characters: tracee_sec_sys_enter and tracee_sec_sys_exit
 * would both be tracee_sec_sys_), or that field when there is no BTF.
 * A program's counters start at 0 when it is loaded and move only while
 * statistics are enabled; once PID is gone its links are closed, so what is
 * printed is every run from load to detach. Holding the programs is what
 * makes the read race-free: they are not freed when PID exits. Once it holds
 * them it says so on stderr ("prog_stats: holding N programs of pid PID"), so
 * that a caller can stop PID without racing the grab. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

struct held {
	int *fds;
	size_t n, cap;
	__u32 *ids;
};

static int held_has(const struct held *h, __u32 id)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->ids[i] == id)
			return 1;
	return 0;
}

/* Opens program ID once (a link and its program name the same id); 0 or -1. */
static int hold_prog(struct held *h, __u32 id)
{
	int fd;

	if (held_has(h, id))
		return 0;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 32;
		int *fds = realloc(h->fds, cap * sizeof(*fds));
		__u32 *ids = fds ? realloc(h->ids, cap * sizeof(*ids)) : NULL;

		if (fds)
			h->fds = fds;
		if (!ids)
			return -1;
		h->ids = ids;
		h->cap = cap;
	}
	if ((fd = bpf_prog_get_fd_by_id(id)) < 0)
		return errno == ENOENT ? 0 : -1;  /* unloaded meanwhile: nothing to count */
	h->ids[h->n] = id;
	h->fds[h->n++] = fd;
	return 0;
}

/* The prog_id named in one /proc/PID/fdinfo/FD file, or 0. */
static __u32 fdinfo_prog_id(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned int id = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "prog_id: %u", &id) == 1)
			break;
	fclose(f);
	return id;
}

static int hold_progs_of(pid_t pid, struct held *h)
{
	char dir[64], path[320];
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fdinfo", (int)pid);
	if (!(dp = opendir(dir))) {
		fprintf(stderr, "prog_stats: cannot read %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((d = readdir(dp))) {
		__u32 id;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if ((id = fdinfo_prog_id(path)) && hold_prog(h, id)) {
			fprintf(stderr, "prog_stats: cannot open program %u: %s%s\n", id, strerror(errno),
				errno == EPERM ? " (run it as root)" : "");
			closedir(dp);
			return -1;
		}
	}
	closedir(dp);
	return 0;
}

/* Until PID exits or SIGINT/SIGTERM arrives. */
static int wait_exit_or_signal(pid_t pid)
{
	sigset_t set;
	int pfd, sfd, rc;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if ((pfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
		return errno == ESRCH ? 0 : -1;  /* already gone */
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
		close(pfd);
		return -1;
	}
	struct pollfd fds[2] = { { .fd = pfd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };

	while ((rc = poll(fds, 2, -1)) < 0 && errno == EINTR)
		;
	close(pfd);
	close(sfd);
	return rc < 0 ? -1 : 0;
}

/* The name of the program's first function in its BTF into buf; 0, or -1 when
 * it has none (a program loaded without BTF, such as empty_exit's). */
static int btf_func_name(int fd, const struct bpf_prog_info *info, char *buf, size_t len)
{
	struct bpf_func_info func = { 0 };
	struct bpf_prog_info one = {
		.nr_func_info = 1,
		.func_info_rec_size = sizeof(func),
		.func_info = (__u64)(unsigned long)&func,
	};
	__u32 one_len = sizeof(one);
	const struct btf_type *t;
	struct btf *btf;
	int rc = -1;

	if (!info->btf_id || !info->nr_func_info || bpf_obj_get_info_by_fd(fd, &one, &one_len))
		return -1;
	if (!(btf = btf__load_from_kernel_by_id(info->btf_id)))
		return -1;
	if ((t = btf__type_by_id(btf, func.type_id)) && t->name_off) {
		snprintf(buf, len, "%s", btf__name_by_offset(btf, t->name_off));
		rc = 0;
	}
	btf__free(btf);
	return rc;
}

static void print_stats(const struct held *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(h->fds[i], &info, &len)) {
			fprintf(stderr, "prog_stats: cannot read program %u: %s\n", h->ids[i], strerror(errno));
			continue;
		}
		char name[128];

		if (btf_func_name(h->fds[i], &info, name, sizeof(name)))
			snprintf(name, sizeof(name), "%s", info.name[0] ? info.name : "-");
		printf("prog_stats: %u %s %llu %llu\n", info.id, name,
		       (unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns);
	}
}

int main(int argc, char **argv)
{
	struct held h = { 0 };
	char *end;
	long pid = argc == 2 ? strtol(argv[1], &end, 10) : 0;

	if (argc != 2 || *end || pid <= 0) {
		fprintf(stderr, "usage: prog_stats PID: prints the kernel's run count and time of "
				"PID's eBPF programs once PID exits\n");
		return 2;
	}
	if (hold_progs_of((pid_t)pid, &h))
		return 1;
	if (!h.n) {
		fprintf(stderr, "prog_stats: pid %ld holds no eBPF program\n", pid);
		return 1;
	}
	fprintf(stderr, "prog_stats: holding %zu programs of pid %ld\n", h.n, pid);
	if (wait_exit_or_signal((pid_t)pid))
		perror("prog_stats: waiting for the process");
	print_stats(&h);
	for (size_t i = 0; i < h.n; i++)
		close(h.fds[i]);
	free(h.fds);
	free(h.ids);
	return 0;
}
