/* prog_stats.c - the kernel's own count of what a process's eBPF programs
 * cost while one command runs (kernel.bpf_stats_enabled): bench.sh's table of
 * ns per run per program.
 *   prog_stats [-p PID] COMMAND [ARGS...]
 * It opens every eBPF program PID holds (default: its parent, the tracer
 * that started it), found by the prog_id lines of /proc/PID/fdinfo (program
 * fds and the links that attach them), reads each one's run count and run
 * time, runs COMMAND to its end, reads them again, and prints on stderr one
 * line per program with the difference:
 *   prog_stats: ID NAME RUNS RUN_TIME_NS
 * So the figures cover the command's run, not the tracer's start and stop;
 * they still count every process's syscalls meanwhile. The counters move only
 * while kernel.bpf_stats_enabled is on. NAME is the program's function name
 * from its BTF, whole (the kernel's own name field keeps 15 characters:
 * tracee_sec_sys_enter and tracee_sec_sys_exit would both be
 * tracee_sec_sys_), or that field when there is no BTF. It exits with
 * COMMAND's status. bench.sh runs `tracee ... -- prog_stats workload`. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "run_child.h"

struct prog {
	__u32 id;
	int fd;
	__u64 runs, ns;  /* at the first reading */
};

struct progs {
	struct prog *v;
	size_t n, cap;
};

static int progs_has(const struct progs *p, __u32 id)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].id == id)
			return 1;
	return 0;
}

/* Opens program ID once (a link and its program name the same id); 0 or -1. */
static int open_prog(struct progs *p, __u32 id)
{
	int fd;

	if (progs_has(p, id))
		return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct prog *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	if ((fd = bpf_prog_get_fd_by_id(id)) < 0)
		return errno == ENOENT ? 0 : -1;  /* unloaded meanwhile: nothing to count */
	p->v[p->n++] = (struct prog){ .id = id, .fd = fd };
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

static int open_progs_of(pid_t pid, struct progs *p)
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
		if ((id = fdinfo_prog_id(path)) && open_prog(p, id)) {
			fprintf(stderr, "prog_stats: cannot open program %u: %s%s\n", id, strerror(errno),
				errno == EPERM ? " (run it as root)" : "");
			closedir(dp);
			return -1;
		}
	}
	closedir(dp);
	return 0;
}

static int prog_info(const struct prog *pr, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	if (!bpf_obj_get_info_by_fd(pr->fd, info, &len))
		return 0;
	fprintf(stderr, "prog_stats: cannot read program %u: %s\n", pr->id, strerror(errno));
	return -1;
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

static void read_start(struct progs *p)
{
	struct bpf_prog_info info;

	for (size_t i = 0; i < p->n; i++)
		if (!prog_info(&p->v[i], &info)) {
			p->v[i].runs = info.run_cnt;
			p->v[i].ns = info.run_time_ns;
		}
}

static void print_since_start(const struct progs *p)
{
	struct bpf_prog_info info;
	char name[128];

	for (size_t i = 0; i < p->n; i++) {
		if (prog_info(&p->v[i], &info))
			continue;
		if (btf_func_name(p->v[i].fd, &info, name, sizeof(name)))
			snprintf(name, sizeof(name), "%s", info.name[0] ? info.name : "-");
		fprintf(stderr, "prog_stats: %u %s %llu %llu\n", info.id, name,
			(unsigned long long)(info.run_cnt - p->v[i].runs),
			(unsigned long long)(info.run_time_ns - p->v[i].ns));
	}
}

/* -p PID: the process; 0 and *cmd set, or -1 on a bad argument. */
static int parse_args(int argc, char **argv, pid_t *pid, char ***cmd)
{
	int i = 1;
	char *end;

	*pid = getppid();
	if (i < argc && !strcmp(argv[i], "-p")) {
		long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : 0;

		if (v <= 0 || *end)
			return -1;
		*pid = (pid_t)v;
		i += 2;
	}
	*cmd = argv + i;
	return i < argc ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct progs p = { 0 };
	pid_t pid;
	char **cmd;
	int status;

	if (parse_args(argc, argv, &pid, &cmd)) {
		fprintf(stderr, "usage: prog_stats [-p PID] COMMAND [ARGS...]: the run count and time "
				"of PID's eBPF programs (default: the parent's) while COMMAND runs\n");
		return 2;
	}
	if (open_progs_of(pid, &p))
		return 1;
	if (!p.n) {
		fprintf(stderr, "prog_stats: pid %d holds no eBPF program\n", (int)pid);
		return 1;
	}
	read_start(&p);
	status = run_child("prog_stats", cmd);
	print_since_start(&p);
	for (size_t i = 0; i < p.n; i++)
		close(p.v[i].fd);
	free(p.v);
	return status;
}
