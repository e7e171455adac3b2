/* test_filter.c - --trace modes, --filter expressions and container ids:
 * what is accepted, what it becomes for the kernel, what is refused. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "container.h"
#include "filter.h"
#include "flags.h"
#include "testutil.h"

#define ID_A "3f1c4d1e0b9a8c7d6e5f40312a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
#define ID_B "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define BIT(k) (1u << (k))

static const struct filter_entry *entry_num(const struct tracee_filter *f, unsigned kind, uint64_t v)
{
	for (unsigned i = 0; i < f->nentries; i++)
		if (f->entries[i].key.kind == kind && f->entries[i].key.num == v &&
		    f->entries[i].key.pad == 0)
			return &f->entries[i];
	return NULL;
}

static const struct filter_entry *entry_str(const struct tracee_filter *f, unsigned kind, const char *s)
{
	char want[FILTER_STR_LEN] = { 0 };

	strncpy(want, s, FILTER_STR_LEN - 1);
	for (unsigned i = 0; i < f->nentries; i++)
		if (f->entries[i].key.kind == kind && memcmp(f->entries[i].key.str, want, sizeof(want)) == 0)
			return &f->entries[i];
	return NULL;
}

static void test_trace_modes(void)
{
	static const struct { const char *s; enum trace_mode m; } ok[] = {
		{ "p", TRACE_PROCESS_NEW }, { "process", TRACE_PROCESS_NEW },
		{ "process:new", TRACE_PROCESS_NEW }, { "process:all", TRACE_PROCESS_ALL },
		{ "p:all", TRACE_PROCESS_ALL }, { "process:follow", TRACE_PROCESS_FOLLOW },
		{ "c", TRACE_CONTAINER_NEW }, { "container", TRACE_CONTAINER_NEW },
		{ "container:new", TRACE_CONTAINER_NEW }, { "container:all", TRACE_CONTAINER_ALL },
		{ "h", TRACE_HOST_NEW }, { "host", TRACE_HOST_NEW }, { "host:new", TRACE_HOST_NEW },
		{ "host:all", TRACE_HOST_ALL }, { "h:all", TRACE_HOST_ALL },
	};
	static const char *const bad[] = {
		"", "process:", "process:sometimes", "p:0", "process:12x", "process:1,,2",
		"process:1,", "container:7", "host:follow", "P", "process:99999999999", "help:me",
	};
	struct trace_target t;
	char err[256];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_INT(trace_parse(ok[i].s, &t, err, sizeof(err)), 0);
		CHECK_INT(t.mode, ok[i].m);
	}
	CHECK_INT(trace_parse("process:42,7", &t, err, sizeof(err)), 0);
	CHECK_INT(t.mode, TRACE_PROCESS_PIDS);
	CHECK_INT(t.npids, 2);
	CHECK_INT(t.pids[0], 42);
	CHECK_INT(t.pids[1], 7);
	CHECK_INT(trace_parse("p:1", &t, err, sizeof(err)), 0);
	CHECK_INT(t.mode, TRACE_PROCESS_PIDS);
	CHECK_INT(t.pids[0], 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK_INT(trace_parse(bad[i], &t, err, sizeof(err)), -1);
		/* one line, quoting what was given */
		CHECK(strstr(err, bad[i]) != NULL && strchr(err, '\n') == NULL);
	}
	CHECK_STR(err, "unknown trace mode 'help:me' (see tracee --trace help)");
	CHECK(trace_is_help("help"));
	CHECK(trace_mode_is_container(TRACE_CONTAINER_ALL) && !trace_mode_is_container(TRACE_HOST_ALL));
}

static void test_filters(void)
{
	static struct tracee_filter f;
	const struct filter_entry *e;
	char err[256];

	memset(&f, 0, sizeof(f));
	CHECK(!filter_active(&f));
	CHECK_INT(filter_add(&f, "uid=0,1000", err, sizeof(err)), 0);
	CHECK_INT(filter_add(&f, "uid!=1000", err, sizeof(err)), 0);
	CHECK_INT(filter_add(&f, "uid>5", err, sizeof(err)), 0);
	CHECK_INT(filter_add(&f, "uid>3", err, sizeof(err)), 0);     /* the stricter stays */
	CHECK_INT(filter_add(&f, "uid<70000", err, sizeof(err)), 0);
	CHECK_INT(filter_add(&f, "uid<65535", err, sizeof(err)), 0);
	CHECK(filter_active(&f));
	CHECK_INT(f.kernel.active, BIT(FILTER_BY_UID));
	CHECK_INT(f.kernel.need_eq, BIT(FILTER_BY_UID));
	CHECK_INT(f.kernel.has_gt, BIT(FILTER_BY_UID));
	CHECK_INT(f.kernel.has_lt, BIT(FILTER_BY_UID));
	CHECK_INT(f.kernel.gt[FILTER_BY_UID], 5);
	CHECK_INT(f.kernel.lt[FILTER_BY_UID], 65535);
	CHECK_INT(f.nentries, 2);
	CHECK((e = entry_num(&f, FILTER_BY_UID, 0)) && e->ops == FILTER_OP_EQ);
	/* 1000 is both '=' and '!=': the kernel refuses it (NE wins) */
	CHECK((e = entry_num(&f, FILTER_BY_UID, 1000)) && e->ops == (FILTER_OP_EQ | FILTER_OP_NE));

	CHECK_INT(filter_add(&f, "comm=ls,cat", err, sizeof(err)), 0);
	CHECK_INT(filter_add(&f, "comm!=bash", err, sizeof(err)), 0);
	CHECK_INT(filter_add(&f, "comm=averyveryverylongname", err, sizeof(err)), 0);
	CHECK((e = entry_str(&f, FILTER_BY_COMM, "ls")) && e->ops == FILTER_OP_EQ);
	CHECK((e = entry_str(&f, FILTER_BY_COMM, "cat")) && e->ops == FILTER_OP_EQ);
	CHECK((e = entry_str(&f, FILTER_BY_COMM, "bash")) && e->ops == FILTER_OP_NE);
	/* cut to the 15 bytes the kernel keeps of a comm */
	CHECK((e = entry_str(&f, FILTER_BY_COMM, "averyveryverylo")) && e->key.str[15] == '\0');
	CHECK_INT(filter_add(&f, "uts!=box", err, sizeof(err)), 0);
	CHECK_INT(filter_add(&f, "pid=1", err, sizeof(err)), 0);
	CHECK_INT(filter_add(&f, "mntns=4026531841", err, sizeof(err)), 0);
	CHECK_INT(filter_add(&f, "pidns>4026531835", err, sizeof(err)), 0);
	CHECK_INT(f.kernel.active, BIT(FILTER_BY_UID) | BIT(FILTER_BY_COMM) | BIT(FILTER_BY_UTS) |
		  BIT(FILTER_BY_PID) | BIT(FILTER_BY_MNTNS) | BIT(FILTER_BY_PIDNS));
	CHECK_INT(f.kernel.need_eq, BIT(FILTER_BY_UID) | BIT(FILTER_BY_COMM) | BIT(FILTER_BY_PID) |
		  BIT(FILTER_BY_MNTNS));
	CHECK((e = entry_num(&f, FILTER_BY_MNTNS, 4026531841u)) && e->ops == FILTER_OP_EQ);
	CHECK((e = entry_str(&f, FILTER_BY_UTS, "box")) && e->ops == FILTER_OP_NE);
	CHECK_INT(f.kernel.gt[FILTER_BY_PIDNS], 4026531835u);

	static const struct { const char *expr, *err; } bad[] = {
		{ "uid=abc", "bad filter 'uid=abc': 'abc' is not a number from 0 to 4294967295 "
		  "(expected uid=N[,N...], uid!=N[,N...], uid<N or uid>N)" },
		{ "uid", "bad filter 'uid': expected uid=N[,N...], uid!=N[,N...], uid<N or uid>N" },
		{ "uid=", NULL }, { "uid=1,", NULL }, { "uid<", NULL }, { "uid>-1", NULL },
		{ "uid=4294967296", NULL }, { "uid>=5", NULL }, { "pid=1x", NULL },
		{ "comm<ls", "bad filter 'comm<ls': comm takes only = and != "
		  "(expected comm=NAME[,NAME...] or comm!=NAME[,NAME...])" },
		{ "comm=", NULL }, { "comm=ls,", NULL }, { "uts>a", NULL },
		{ "gid=0", "unknown filter 'gid=0' (expected uid, pid, comm, mntns, pidns or uts, "
		  "then =, !=, < or >, e.g. uid=0 or comm!=bash)" },
		{ "", NULL }, { "=0", NULL }, { "UID=0", NULL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK_INT(filter_add(&f, bad[i].expr, err, sizeof(err)), -1);
		CHECK(strstr(err, bad[i].expr) && !strchr(err, '\n'));
		if (bad[i].err)
			CHECK_STR(err, bad[i].err);
	}
}

static void test_flags(void)
{
	static struct tracee_config cfg;

	CHECK_INT(parse(&cfg, ARGV("-f", "uid=0", "--filter", "comm=ls", "-t", "process:all")), FLAGS_RUN);
	CHECK_INT(cfg.trace_mode, TRACE_PROCESS_ALL);
	CHECK_INT(cfg.filter.kernel.active, BIT(FILTER_BY_UID) | BIT(FILTER_BY_COMM));
	CHECK_INT(cfg.filter.kernel.follow_roots, 0);
	CHECK_INT(parse(&cfg, ARGV("-t", "p:10,20,30")), FLAGS_RUN);
	CHECK_INT(cfg.trace_mode, TRACE_PROCESS_PIDS);
	CHECK_INT(cfg.trace_npids, 3);
	CHECK_INT(cfg.trace_pids[2], 30);
	CHECK_INT(parse(&cfg, ARGV("-t", "container:all")), FLAGS_RUN);
	CHECK_INT(cfg.trace_mode, TRACE_CONTAINER_ALL);
	CHECK_INT(parse(&cfg, ARGV("--trace", "help")), FLAGS_EXIT_OK);
	/* follow roots come from the filter, and it needs one */
	CHECK_INT(parse(&cfg, ARGV("-t", "process:follow")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-t", "process:follow", "-f", "comm=make")), FLAGS_RUN);
	CHECK_INT(cfg.trace_mode, TRACE_PROCESS_FOLLOW);
	CHECK_INT(cfg.filter.kernel.follow_roots, 1);
	/* -- COMMAND: the command is the root, filters AND-ed on top */
	char **cmdline = ARGV("-f", "comm=cat", "--", "sh", "-c", "cat /dev/null");

	CHECK_INT(parse(&cfg, cmdline), FLAGS_RUN);
	CHECK_INT(cfg.trace_mode, TRACE_PROCESS_FOLLOW);
	CHECK_INT(cfg.filter.kernel.follow_roots, 0);
	CHECK_INT(parse(&cfg, ARGV("-f", "uid=x")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-f")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-t", "process:x")), FLAGS_ERROR);
}

static bool id_of_path(const char *path, char *id)
{
	return container_id_from_path(path, strlen(path), id);
}

static void test_cgroup_paths(void)
{
	char id[CONTAINER_ID_LEN + 1];

	CHECK(id_of_path("/system.slice/docker-" ID_A ".scope", id));
	CHECK_STR(id, ID_A);
	CHECK(id_of_path("/docker/" ID_B, id));
	CHECK_STR(id, ID_B);
	CHECK(id_of_path("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1a2b.slice/"
			 "cri-containerd-" ID_A ".scope", id));
	CHECK_STR(id, ID_A);
	CHECK(id_of_path("/kubepods/burstable/pod7c9e1d2a-1b2c-4d5e-8f90-0a1b2c3d4e5f/" ID_B, id));
	CHECK_STR(id, ID_B);
	CHECK(id_of_path("/kubepods.slice/kubepods-burstable.slice/crio-" ID_B ".scope", id));
	CHECK_STR(id, ID_B);
	CHECK(id_of_path("/machine.slice/libpod-" ID_A ".scope/container", id));
	CHECK_STR(id, ID_A);
	CHECK(id_of_path("/libpod_parent/libpod-" ID_B, id));
	CHECK_STR(id, ID_B);
	/* docker in docker: the innermost container */
	CHECK(id_of_path("/docker/" ID_A "/docker/" ID_B, id));
	CHECK_STR(id, ID_B);
	/* not containers: the monitors, short or upper-case hex, other units */
	CHECK(!id_of_path("/machine.slice/libpod-conmon-" ID_A ".scope", id));
	CHECK(!id_of_path("/system.slice/crio-conmon-" ID_B ".scope", id));
	CHECK(!id_of_path("/", id));
	CHECK(!id_of_path("/user.slice/user-1000.slice/session-2.scope", id));
	CHECK(!id_of_path("/process_api/cfcfaecc6a2a4f3d821db479a140bd55", id));
	CHECK(!id_of_path("/docker/3F1C4D1E0B9A8C7D6E5F40312A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D", id));
	CHECK(!id_of_path("/docker/" ID_A "0", id));
	CHECK(!id_of_path("/system.slice/docker-" ID_A ".service", id));
	CHECK(!id_of_path("/system.slice/docker.service", id));

	static const char v1[] =
		"12:pids:/docker/" ID_A "\n"
		"4:memory:/docker/" ID_A "\n"
		"1:name=systemd:/docker/" ID_A "\n"
		"0::/\n";
	static const char v2[] = "0::/system.slice/docker-" ID_B ".scope\n";
	static const char host[] = "0::/user.slice/user-0.slice/session-1.scope\n";
	static const char junk[] = "garbage\n::\n1:x\n";

	CHECK(container_id_from_cgroup_file(v1, sizeof(v1) - 1, id));
	CHECK_STR(id, ID_A);
	CHECK(container_id_from_cgroup_file(v2, sizeof(v2) - 1, id));
	CHECK_STR(id, ID_B);
	CHECK(!container_id_from_cgroup_file(host, sizeof(host) - 1, id));
	CHECK(!container_id_from_cgroup_file(junk, sizeof(junk) - 1, id));
	/* the last line without its newline, and a length that cuts the text */
	CHECK(container_id_from_cgroup_file(v2, sizeof(v2) - 2, id));
	CHECK(!container_id_from_cgroup_file(v2, 30, id));
}

/* A fake /proc: PID/ns/pid links and PID/cgroup files. */
static void fake_process(const char *proc, unsigned pid, unsigned pid_ns, const char *cgroup)
{
	char path[512], link[64];
	int fd;

	snprintf(path, sizeof(path), "%s/%u", proc, pid);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%u/ns", proc, pid);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%u/ns/pid", proc, pid);
	snprintf(link, sizeof(link), "pid:[%u]", pid_ns);
	unlink(path);
	CHECK(symlink(link, path) == 0);
	snprintf(path, sizeof(path), "%s/%u/cgroup", proc, pid);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, cgroup, strlen(cgroup)) == (ssize_t)strlen(cgroup));
	close(fd);
}

static void test_cache(void)
{
	char proc[] = "/tmp/test_filter.XXXXXX", cmd[600];
	struct container_cache c;
	struct event_header h = { 0 };

	CHECK(mkdtemp(proc) != NULL);
	fake_process(proc, 1, 100, "0::/init.scope\n");
	fake_process(proc, 500, 200, "0::/system.slice/docker-" ID_A ".scope\n");
	fake_process(proc, 600, 300, "0::/user.slice\n");        /* unshare: no id */
	CHECK_INT(container_cache_init(&c, proc), 0);
	CHECK_INT(c.host_pid_ns, 0);    /* a fake ns link is no inode: nothing is "the host" */
	c.host_pid_ns = 100;

	h.pid_ns = 100;
	h.host_pid = 1;
	CHECK_STR(container_cache_id(&c, &h), "");
	h.pid_ns = 200;
	h.host_pid = 500;
	CHECK_STR(container_cache_id(&c, &h), ID_A);
	/* kept: the file can go (the process exited) */
	snprintf(cmd, sizeof(cmd), "%s/500/cgroup", proc);
	unlink(cmd);
	CHECK_STR(container_cache_id(&c, &h), ID_A);
	/* a gone process of the same namespace: its parent, then the namespace's last id */
	h.host_pid = 501;
	h.host_ppid = 777;
	CHECK_STR(container_cache_id(&c, &h), ID_A);
	/* a pid now in another namespace is not trusted */
	h.pid_ns = 300;
	h.host_pid = 500;
	CHECK_STR(container_cache_id(&c, &h), "");
	h.host_pid = 600;
	CHECK_STR(container_cache_id(&c, &h), "");
	container_cache_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", proc);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	test_trace_modes();
	test_filters();
	test_flags();
	test_cgroup_paths();
	test_cache();
	return check_report("filter");
}
