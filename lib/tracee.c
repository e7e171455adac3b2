/* tracee.c - one run of tracee: privileges -> eBPF object (buildpolicy) ->
 * command started paused -> loader -> pid file -> command released ->
 * pipeline until a signal or the command's exit -> drain, counters, cleanup. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "capture.h"
#include "libtracee.h"
#include "loader.h"
#include "metrics.h"
#include "output_file.h"
#include "pipeline.h"
#include "service_notify.h"
#include "webhook.h"
#include "signatures/sig_engine.h"

#define POLL_MS 50

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reopen_requested;     /* SIGHUP: reopen the -o FORMAT:FILE file */

static void on_stop(int sig)
{
	stop_requested = sig;
}

static void on_hangup(int sig)
{
	reopen_requested = sig;
}

static void on_child(int sig)
{
	(void)sig;  /* only interrupts poll; waitpid tells the rest */
}

/* SIGHUP reopens the output file when there is one; otherwise it stops
 * tracee as SIGTERM does (a closed terminal), counters and all. */
static void install_signals(bool reopen_on_hangup)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = reopen_on_hangup ? on_hangup : on_stop;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static bool has_cap(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

/* Loading and attaching needs CAP_BPF + CAP_PERFMON (or CAP_SYS_ADMIN);
 * say so in one line rather than fail deep inside libbpf. */
static int check_privileges(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return 0;
	if (has_cap(d, CAP_SYS_ADMIN) || (has_cap(d, CAP_BPF) && has_cap(d, CAP_PERFMON)))
		return 0;
	fprintf(stderr, "tracee: tracing needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN), "
		"and CAP_SYS_RESOURCE on older kernels: run as root or grant them "
		"(building with --build-only needs none)\n");
	return -EPERM;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The command is forked now but blocked on a pipe until tracing is attached,
 * so its first traced syscall is its execve. */
struct command {
	pid_t pid;
	int release_fd;
	char path[PATH_MAX];    /* argv[0] resolved through PATH before the fork */
};

/* Is path a file this process may execute? 0 or the errno execve would give. */
static int command_runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return errno;
	if (!S_ISREG(st.st_mode))
		return EACCES;
	return access(path, X_OK) ? errno : 0;
}

/* argv[0] as execvp would find it, searched here before the fork (as strace
 * does), so the trace holds the command's one exec and not the search's
 * failed attempts. 0, ENOENT (nowhere) or the error of the first entry
 * that exists but cannot run. */
static int command_resolve(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *dir;
	int first_err = 0, err;

	if (strchr(name, '/')) {
		if (snprintf(out, len, "%s", name) >= (int)len)
			return ENAMETOOLONG;
		return command_runnable(out);
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (dir = path; ; ) {
		size_t n = strcspn(dir, ":");

		if (snprintf(out, len, "%.*s%s%s", (int)n, n ? dir : ".", "/", name) < (int)len) {
			err = command_runnable(out);
			if (!err)
				return 0;
			if (err != ENOENT && err != ENOTDIR && !first_err)
				first_err = err;
		}
		if (!dir[n])
			break;
		dir += n + 1;
	}
	return first_err ? first_err : ENOENT;
}

/* One line naming the problem, and the shell's status for it: 127 for a
 * command that is not there, 126 for one that cannot run. */
static int command_refuse(const char *name, int err)
{
	if (err == ENOENT && !strchr(name, '/'))
		fprintf(stderr, "tracee: cannot run %s: command not found in PATH (give its path, "
			"or add its directory to PATH)\n", name);
	else
		fprintf(stderr, "tracee: cannot run %s: %s\n", name, strerror(err));
	return err == ENOENT || err == ENOTDIR || err == ENAMETOOLONG ? 127 : 126;
}

static int command_fork(struct command *c, char **argv)
{
	int fds[2];
	char go;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	c->pid = fork();
	if (c->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (c->pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		close(fds[1]);
		if (read(fds[0], &go, 1) != 1)
			_exit(127);
		execv(c->path, argv);
		fprintf(stderr, "tracee: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	c->release_fd = fds[1];
	return 0;
}

static void command_release(struct command *c)
{
	if (write(c->release_fd, "g", 1) != 1)
		perror("tracee: releasing the command");
	close(c->release_fd);
	c->release_fd = -1;
}

/* Abandon a command that never started (tracing failed to attach). */
static void command_abort(struct command *c)
{
	close(c->release_fd);
	waitpid(c->pid, NULL, 0);
}

static int exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	return WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) : 1;
}

static int pidfile_write(const char *dir, char *path, size_t len)
{
	char text[32];
	int fd, n;

	if (capture_mkdir_p(dir, 0755) || snprintf(path, len, "%s/tracee.pid", dir) >= (int)len)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(text, sizeof(text), "%d\n", (int)getpid());
	if (write(fd, text, (size_t)n) != n) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

static void print_stats(const struct pipeline *p, struct loader *l)
{
	uint64_t kstats[STAT_MAX] = { 0 };
	struct tracee_stats st;

	loader_read_stats(l, kstats);
	st = pipeline_stats(p, kstats);
	p->printer->print_stats(stderr, &st);
}

/* SIGHUP with -o FORMAT:FILE: what was printed goes to the old file, what is
 * drained from now on to a new one at the same path (with the table header). */
static void reopen_output(struct pipeline *p, struct output_file *of)
{
	reopen_requested = 0;
	if (of->fd < 0)
		return;
	outbuf_flush(&p->out);
	if (output_file_reopen(of) == 0 && p->printer->open)
		p->printer->open(&p->out);
}

/* Poll until asked to stop, the output reader goes away, or the command
 * exits; returns the command's exit status (0 without a command). */
static int trace_loop(struct pipeline *p, const struct command *c, struct output_file *of)
{
	int wstatus, status = 0;

	while (!stop_requested) {
		if (reopen_requested)
			reopen_output(p, of);
		if (pipeline_poll(p, POLL_MS) == -EPIPE)
			return 0;
		if (c->pid > 0 && waitpid(c->pid, &wstatus, WNOHANG) == c->pid) {
			status = exit_status(wstatus);
			break;
		}
	}
	/* Everything the command did was submitted before it was reaped. */
	pipeline_poll(p, 0);
	return status;
}

/* --metrics / --healthz: serving starts before the object is found or
 * built, so /healthz says "not attached" until tracing is live. */
static int metrics_open(struct metrics **out, const struct tracee_config *cfg, const struct webhook *w)
{
	struct metrics *m;

	*out = NULL;
	if (!cfg->metrics && !cfg->healthz)
		return 0;
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	metrics_init(m);
	m->selected = cfg->selected;
	m->capture_on = cfg->capture != 0;
	m->ring_size = (uint64_t)cfg->rb_pages * (uint64_t)sysconf(_SC_PAGESIZE);
	m->webhook = w;
	if (metrics_start(m, cfg->listen_addr ? cfg->listen_addr : METRICS_DEFAULT_LISTEN, cfg->metrics)) {
		free(m);
		return -1;
	}
	*out = m;
	return 0;
}

static void metrics_close(struct metrics *m)
{
	if (!m)
		return;
	metrics_stop(m);
	free(m);
}

/* What the kernel produces: what the user selected, plus the base events
 * of the selected detections (read, not printed); never a detection's id. */
static struct tracee_config *kernel_config(const struct tracee_config *cfg)
{
	struct tracee_config *k = malloc(sizeof(*k));

	if (!k)
		return NULL;
	*k = *cfg;
	memset(k->selected, 0, sizeof(k->selected));
	sig_kernel_events(cfg->selected, k->selected);
	k->show_exec_env = cfg->show_exec_env || sig_needs_exec_env(cfg->selected);
	return k;
}

static int obtain_object(const struct tracee_config *cfg, struct bpf_object_file *obj)
{
	struct buildpolicy_opts o = {
		.policy = cfg->build_policy,
		.install_path = cfg->install_path,
		.exe_dir = cfg->exe_dir,
		.debug = cfg->debug,
	};

	return buildpolicy_obtain(&o, obj);
}

int tracee_run(const struct tracee_config *cfg)
{
	const struct printer *printer = printer_by_name(cfg->output_format);
	struct bpf_object_file obj = { 0 };
	struct command cmd = { .pid = -1, .release_fd = -1 };
	struct pipeline pipe = { 0 };
	struct loader l = { 0 };
	struct capture *capture = NULL;
	struct output_file of = { .fd = -1 };
	struct metrics *metrics = NULL;
	struct webhook *webhook = NULL;
	struct tracee_config *kcfg = NULL;
	char pidfile[PATH_MAX] = "";
	uint64_t start_ns = monotonic_ns();
	int status = 1, err;

	if (!cfg->build_only && check_privileges())
		return 1;
	service_notify_init();
	if (printer == &printer_table && trace_mode_is_container(cfg->trace_mode))
		printer = &printer_table_container;
	if (cfg->command && !cfg->build_only &&
	    (err = command_resolve(cfg->command[0], cmd.path, sizeof(cmd.path))))
		return command_refuse(cfg->command[0], err);
	if (!cfg->build_only && cfg->webhook_url &&
	    !(webhook = webhook_open(cfg->webhook_url, (enum webhook_format)cfg->webhook_format)))
		return 1;
	if (!cfg->build_only && metrics_open(&metrics, cfg, webhook))
		goto out;
	if (obtain_object(cfg, &obj))
		goto out;
	if (metrics) {
		atomic_store(&metrics->object_built, obj.built);
		metrics_set(&metrics->object_ns, monotonic_ns() - start_ns);
	}
	if (cfg->build_only) {
		printf("%s\n", obj.path);
		bpf_object_file_free(&obj);
		return 0;
	}
	install_signals(cfg->output_file != NULL);
	if (!(kcfg = kernel_config(cfg)))
		goto out;
	if (cfg->capture && capture_open(&capture, cfg))
		goto out;
	if (cfg->command && command_fork(&cmd, cfg->command)) {
		perror("tracee: cannot start the command");
		goto out;
	}
	if (loader_start(&l, obj.data, obj.len, kcfg, start_ns))
		goto out;
	if (metrics)
		atomic_store(&metrics->loader, &l);
	if (cmd.pid > 0 && loader_follow(&l, cmd.pid)) {
		fprintf(stderr, "tracee: cannot follow pid %d\n", (int)cmd.pid);
		goto out;
	}
	if (cfg->output_file && output_file_open(&of, cfg->output_file))
		goto out;
	if ((err = pipeline_init(&pipe, l.events_fd, (size_t)cfg->rb_pages * 4096, printer,
				 of.fd >= 0 ? of.fd : STDOUT_FILENO, cfg->debug))) {
		fprintf(stderr, "tracee: cannot read the events buffer: %s\n", strerror(-err));
		goto out;
	}
	if (cfg->debug)
		fprintf(stderr, "tracee: reading events from %s\n", pipe.source.ops->name);
	pipe.capture = capture;
	pipe.loader = &l;
	pipe.metrics = metrics;
	pipe.webhook = webhook;
	pipe.printed = cfg->selected;
	pipe.show_exec_env = cfg->show_exec_env;
	if (pipeline_detect(&pipe, cfg->selected)) {
		fprintf(stderr, "tracee: cannot set up the detections\n");
		goto out;
	}
	if (pidfile_write(cfg->output_path, pidfile, sizeof(pidfile)))
		fprintf(stderr, "tracee: warning: cannot write %s/tracee.pid\n", cfg->output_path);
	if (cfg->debug)
		fprintf(stderr, "tracee: ready\n");
	if (metrics) {
		metrics_set(&metrics->heartbeat_ns, metrics_now_ns());
		atomic_store(&metrics->state, METRICS_ATTACHED);
	}
	service_notify("READY=1\nSTATUS=tracing\n");  /* systemd's Type=notify */
	if (cmd.pid > 0)
		command_release(&cmd);
	status = trace_loop(&pipe, &cmd, &of);
	service_notify("STOPPING=1\n");
	if (metrics)
		atomic_store(&metrics->state, METRICS_STOPPING);
	print_stats(&pipe, &l);
	metrics_close(metrics);         /* it reads the webhook's counters */
	metrics = NULL;
	pipe.webhook = NULL;
	webhook_close(webhook, stderr); /* delivers what is queued, in bounded time */
	webhook = NULL;
	capture_close(capture, l.obj, stderr);
	capture = NULL;
out:
	if (cmd.release_fd >= 0)
		command_abort(&cmd);
	if (pidfile[0])
		unlink(pidfile);
	metrics_close(metrics);         /* before what it reads is freed */
	webhook_close(webhook, NULL);
	if (pipe.source.ops)
		pipeline_free(&pipe);
	free(kcfg);
	capture_close(capture, NULL, NULL);
	output_file_close(&of);
	loader_close(&l);
	bpf_object_file_free(&obj);
	return status;
}
