/* test_flags.c - the command line: what is accepted, what is refused. */
#include "check.h"
#include "events.h"
#include "flags.h"
#include "testutil.h"

static int count_selected(const struct tracee_config *cfg)
{
	int n = 0;

	for (int i = 0; i < TRACEE_MAX_EVENTS; i++)
		n += cfg->selected[i];
	return n;
}

/* --help documents every flag getopt takes, and nothing else: the man page
 * and the bash completion are generated from --help (gen_docs.c). */
static void check_help_matches_options(void)
{
	const char *help = flags_usage();
	int documented = 0;

	for (const struct option *o = flags_options(); o->name; o++) {
		char flag[64];
		const char *at;

		snprintf(flag, sizeof(flag), "--%s", o->name);
		at = strstr(help, flag);
		while (at && (at[strlen(flag)] != ' ' && at[strlen(flag)] != ','))
			at = strstr(at + 1, flag);
		if (!at)
			fprintf(stderr, "--help does not document %s\n", flag);
		CHECK(at != NULL);
	}
	/* one help line per option: as many flag lines as options */
	int options = 0;

	for (const struct option *o = flags_options(); o->name; o++)
		options++;
	for (const char *p = help; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != '\0'))
		documented += strncmp(p, "  -", 3) == 0 || strncmp(p, "      --", 8) == 0;
	CHECK_INT(documented, options);
}

int main(void)
{
	static struct tracee_config cfg;

	check_help_matches_options();

	CHECK_INT(parse(&cfg, ARGV("-e", "openat,close", "--event", "read")), FLAGS_RUN);
	CHECK_INT(count_selected(&cfg), 3);
	CHECK(cfg.selected[257] && cfg.selected[3] && cfg.selected[0]);
	CHECK_INT(cfg.trace_mode, TRACE_PROCESS_NEW);
	CHECK(cfg.command == NULL);

	CHECK_INT(parse(&cfg, ARGV("-e", "nosuchevent")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("--bogus")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-x")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-o")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-o", "xml")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-o", "json")), FLAGS_RUN);
	CHECK_STR(cfg.output_format, "json");
	CHECK(cfg.output_file == NULL);
	CHECK_INT(parse(&cfg, ARGV("-o", "json:/var/log/tracee/events.json")), FLAGS_RUN);
	CHECK_STR(cfg.output_format, "json");
	CHECK_STR(cfg.output_file, "/var/log/tracee/events.json");
	CHECK_INT(parse(&cfg, ARGV("-o", "table:")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-o", "xml:/tmp/x")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-o", ":/tmp/x")), FLAGS_ERROR);

	CHECK_INT(parse(&cfg, ARGV("--metrics", "--listen-addr", "127.0.0.1:9000")), FLAGS_RUN);
	CHECK(cfg.metrics && !cfg.healthz);
	CHECK_STR(cfg.listen_addr, "127.0.0.1:9000");
	CHECK_INT(parse(&cfg, ARGV("--healthz")), FLAGS_RUN);
	CHECK(cfg.healthz && !cfg.metrics && cfg.listen_addr == NULL);
	CHECK_INT(parse(&cfg, ARGV("--metrics", "--listen-addr", "3366")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-o", "table-verbose")), FLAGS_RUN);

	CHECK_INT(parse(&cfg, ARGV("--build-policy", "sometimes")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("--build-policy", "never", "--install-path", "/x")), FLAGS_RUN);
	CHECK_INT(cfg.build_policy, BUILD_NEVER);
	CHECK_STR(cfg.install_path, "/x");
	CHECK_INT(parse(&cfg, ARGV("--build-only")), FLAGS_RUN);
	CHECK(cfg.build_only);

	CHECK_INT(parse(&cfg, ARGV("-t", "process:all")), FLAGS_RUN);
	CHECK_INT(cfg.trace_mode, TRACE_PROCESS_ALL);
	CHECK_INT(parse(&cfg, ARGV("-t", "p")), FLAGS_RUN);
	CHECK_INT(cfg.trace_mode, TRACE_PROCESS_NEW);
	CHECK_INT(parse(&cfg, ARGV("-t", "process:sometimes")), FLAGS_ERROR);

	CHECK_INT(parse(&cfg, ARGV("--perf-buffer-size", "3")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("--perf-buffer-size", "8")), FLAGS_RUN);
	CHECK_INT(cfg.rb_pages, 8);

	/* -- COMMAND: follow it; its own flags are not ours */
	char **cmdline = ARGV("-e", "openat", "--", "cat", "-n", "/etc/hostname"); /* outlives the check */

	CHECK_INT(parse(&cfg, cmdline), FLAGS_RUN);
	CHECK_INT(cfg.trace_mode, TRACE_PROCESS_FOLLOW);
	CHECK_STR(cfg.command[0], "cat");
	CHECK_STR(cfg.command[1], "-n");
	CHECK_INT(parse(&cfg, ARGV("stray")), FLAGS_ERROR);

	/* no -e: the default set, as Tracee */
	CHECK_INT(parse(&cfg, ARGV("-o", "json")), FLAGS_RUN);
	CHECK(count_selected(&cfg) > 50);
	CHECK(cfg.selected[257]);        /* openat is in default */
	CHECK(!cfg.selected[0]);         /* read is not */

	/* -s SET[,SET]: every event of the sets; with -e, both */
	CHECK_INT(parse(&cfg, ARGV("-s", "proc_life")), FLAGS_RUN);
	CHECK(cfg.selected[59] && cfg.selected[EVENT_SCHED_PROCESS_EXEC]);  /* execve */
	CHECK(cfg.selected[EVENT_SCHED_PROCESS_FORK] && cfg.selected[EVENT_SCHED_PROCESS_EXIT]);
	CHECK(!cfg.selected[257]);      /* openat is fs, not proc_life */
	int proc_life = count_selected(&cfg);

	CHECK_INT(parse(&cfg, ARGV("--events-set", "proc_life,net", "-e", "read")), FLAGS_RUN);
	CHECK(cfg.selected[41] && cfg.selected[0] && cfg.selected[EVENT_SCHED_PROCESS_EXEC]);
	CHECK(count_selected(&cfg) > proc_life + 1);
	CHECK_INT(parse(&cfg, ARGV("-s", "fs")), FLAGS_RUN);
	CHECK(cfg.selected[257] && !cfg.selected[41] && !cfg.selected[EVENT_SCHED_PROCESS_EXEC]);
	CHECK(!cfg.selected[EVENT_SYS_ENTER]);
	CHECK_INT(parse(&cfg, ARGV("-s", "nosuchset")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-s", "fs,nosuchset")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-s", ",")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("-s")), FLAGS_ERROR);

	/* --exclude-event: after everything, the default set too */
	CHECK_INT(parse(&cfg, ARGV("--exclude-event", "openat,sched_process_exec")), FLAGS_RUN);
	CHECK(!cfg.selected[257] && !cfg.selected[EVENT_SCHED_PROCESS_EXEC]);
	CHECK(cfg.selected[EVENT_SCHED_PROCESS_FORK] && cfg.selected[59]);
	CHECK_INT(parse(&cfg, ARGV("--exclude-event", "close", "-s", "fs", "-e", "close")), FLAGS_RUN);
	CHECK(!cfg.selected[3] && cfg.selected[257]);
	CHECK_INT(parse(&cfg, ARGV("-s", "fs")), FLAGS_RUN);    /* an earlier parse's excludes are gone */
	CHECK(cfg.selected[3]);
	CHECK_INT(parse(&cfg, ARGV("--exclude-event", "nosuchevent")), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, ARGV("--exclude-event", "")), FLAGS_ERROR);

	/* the non-syscall events by name */
	CHECK_INT(parse(&cfg, ARGV("-e", "sys_enter,sys_exit,cap_capable")), FLAGS_RUN);
	CHECK_INT(count_selected(&cfg), 3);
	CHECK(cfg.selected[EVENT_SYS_ENTER] && cfg.selected[EVENT_SYS_EXIT] && cfg.selected[EVENT_CAP_CAPABLE]);

	/* --show-exec-env */
	CHECK_INT(parse(&cfg, ARGV("-e", "execve")), FLAGS_RUN);
	CHECK(!cfg.show_exec_env);
	CHECK_INT(parse(&cfg, ARGV("-e", "execve", "--show-exec-env")), FLAGS_RUN);
	CHECK(cfg.show_exec_env);

	/* the event table: sets and ids of the life-cycle events, as later Tracee */
	const struct event_def *d = events_by_name("sched_process_exec");

	CHECK(d && d->id == EVENT_SCHED_PROCESS_EXEC && event_in_set(d, "proc_life"));
	CHECK(d && event_in_set(d, "default") && !event_in_set(d, "proc_lif"));
	d = events_by_name("sys_exit");
	CHECK(d && d->id == EVENT_SYS_EXIT && d->sets[0] == '\0' && d->args[0].fmt == FMT_SYSCALL);
	d = events_by_name("execve");
	CHECK(d && d->at_entry);
	return check_report("flags");
}
