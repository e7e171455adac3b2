/* flags.c - tracee's command line. Every bad input gets one line on stderr
 * naming it and the way out; nothing here traces. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "capture.h"
#include "events.h"
#include "flags.h"
#include "metrics.h"
#include "printer.h"
#include "webhook.h"
#include "signatures/rule_file.h"

enum long_only {
	OPT_BUILD_POLICY = 256,
	OPT_INSTALL_PATH,
	OPT_BUILD_ONLY,
	OPT_OUTPUT_PATH,
	OPT_PERF_BUFFER_SIZE,
	OPT_DEBUG,
	OPT_VERSION,
	OPT_CAPTURE,
	OPT_CLEAR_OUTPUT_PATH,
	OPT_FILTER_FILE_WRITE,
	OPT_SECURITY_ALERTS,
	OPT_EXCLUDE_EVENT,
	OPT_SHOW_EXEC_ENV,
	OPT_METRICS,
	OPT_HEALTHZ,
	OPT_LISTEN_ADDR,
	OPT_WEBHOOK,
	OPT_WEBHOOK_FORMAT,
	OPT_RULES,
};

static const struct option long_opts[] = {
	{ "event", required_argument, NULL, 'e' },
	{ "output", required_argument, NULL, 'o' },
	{ "trace", required_argument, NULL, 't' },
	{ "filter", required_argument, NULL, 'f' },
	{ "list", no_argument, NULL, 'l' },
	{ "help", no_argument, NULL, 'h' },
	{ "build-policy", required_argument, NULL, OPT_BUILD_POLICY },
	{ "install-path", required_argument, NULL, OPT_INSTALL_PATH },
	{ "build-only", no_argument, NULL, OPT_BUILD_ONLY },
	{ "output-path", required_argument, NULL, OPT_OUTPUT_PATH },
	{ "perf-buffer-size", required_argument, NULL, OPT_PERF_BUFFER_SIZE },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "capture", required_argument, NULL, OPT_CAPTURE },
	{ "clear-output-path", no_argument, NULL, OPT_CLEAR_OUTPUT_PATH },
	{ "filter-file-write", required_argument, NULL, OPT_FILTER_FILE_WRITE },
	{ "security-alerts", no_argument, NULL, OPT_SECURITY_ALERTS },
	{ "events-set", required_argument, NULL, 's' },
	{ "exclude-event", required_argument, NULL, OPT_EXCLUDE_EVENT },
	{ "show-exec-env", no_argument, NULL, OPT_SHOW_EXEC_ENV },
	{ "metrics", no_argument, NULL, OPT_METRICS },
	{ "healthz", no_argument, NULL, OPT_HEALTHZ },
	{ "listen-addr", required_argument, NULL, OPT_LISTEN_ADDR },
	{ "webhook", required_argument, NULL, OPT_WEBHOOK },
	{ "webhook-format", required_argument, NULL, OPT_WEBHOOK_FORMAT },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ 0 },
};

static const char usage[] =
	"Usage: tracee [FLAGS] [-- COMMAND [ARGS...]]\n"
	"Trace system calls of new processes (or of COMMAND and its descendants).\n"
	"\n"
	"  -e, --event NAME[,NAME]    trace these events (repeatable; default: the 'default' set)\n"
	"  -s, --events-set SET[,SET] trace the events of these sets (repeatable; with -e: both)\n"
	"      --exclude-event NAME[,NAME]  do not trace these events, whatever selected them\n"
	"      --show-exec-env        show execve's environment (envp) instead of its address\n"
	"      --rules FILE           add the detections of a rule file (YAML; README: Rules) and\n"
	"                             trace them (repeatable); a bad file stops tracee: FILE:LINE:COL\n"
	"  -l, --list                 list the events with their sets and arguments, and the\n"
	"                             detections (-s signatures: every default detection)\n"
	"  -o, --output FORMAT[:FILE] table (default), table-verbose or json; to FILE (appended,\n"
	"                             reopened on SIGHUP for logrotate) instead of stdout\n"
	"  -t, --trace MODE           process:new (default), process:all, process:PID[,PID],\n"
	"                             process:follow, container:new|all, host:new|all\n"
	"                             (--trace help explains them)\n"
	"  -f, --filter EXPR          trace only what matches, in the kernel (repeatable, AND-ed):\n"
	"                             uid, pid, mntns, pidns (=, !=, <, >), comm, uts (=, !=);\n"
	"                             e.g. -f uid=0,1000 -f comm!=bash\n"
	"      --build-policy POLICY  never | if-needed (default) | always: building the eBPF object\n"
	"      --install-path DIR     where the eBPF object is cached (default /tmp/tracee)\n"
	"      --build-only           locate or build the eBPF object, print its path, exit\n"
	"      --output-path DIR      where tracee.pid and captures go (default /tmp/tracee/out)\n"
	"      --capture WHAT[,WHAT]  save artifacts under the output path (repeatable): write\n"
	"                             (files written), exec (files executed), mem (W+X memory), all\n"
	"      --clear-output-path    empty the output path first\n"
	"      --filter-file-write P  capture writes only to files whose path starts with P (repeatable)\n"
	"      --perf-buffer-size N   ring buffer size in pages, a power of two (default 2048)\n"
	"      --debug                say what is built, loaded and attached\n"
	"      --security-alerts      also trace mem_prot_alert (W+X memory alerts)\n"
	"      --metrics              serve Prometheus metrics at /metrics and health at /healthz\n"
	"      --healthz              serve /healthz only (OK while tracing, 503 when not)\n"
	"      --listen-addr ADDR     where --metrics/--healthz listen: [HOST]:PORT (default :3366)\n"
	"      --webhook URL          POST each detection there as JSON (batched, retried, never\n"
	"                             blocking tracing; counted in /metrics and at exit)\n"
	"      --webhook-format FMT   json (default: tracee's event, one per line) or falco\n"
	"                             (Falco's http_output body, one per request)\n"
	"  -h, --help                 this text\n"
	"      --version              print the version\n"
	"\n"
	"Environment: TRACEE_BPF_FILE (use this eBPF object), KERN_HEADERS (kernel headers to build with),\n"
	"TRACEE_PROBES_OFF=lsm,fentry,kprobe,tracepoint (treat these probe kinds as refused).\n";

const char *flags_usage(void)
{
	return usage;
}

const struct option *flags_options(void)
{
	return long_opts;
}

static enum flags_result flag_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tracee: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return FLAGS_ERROR;
}

void flags_defaults(struct tracee_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->build_policy = BUILD_IF_NEEDED;
	cfg->install_path = TRACEE_DEFAULT_INSTALL_PATH;
	cfg->output_path = TRACEE_DEFAULT_OUTPUT_PATH;
	cfg->output_format = "table";
	cfg->trace_mode = TRACE_PROCESS_NEW;
	cfg->rb_pages = TRACEE_DEFAULT_RB_PAGES;
}

/* NAME[,NAME...]: each must be in the event table. argv is left as it is. */
static enum flags_result parse_events(const char *list, struct tracee_config *cfg, bool *any)
{
	char name[64];

	for (const char *p = list; *p; ) {
		size_t len = strcspn(p, ",");

		if (len >= sizeof(name))
			return flag_error("unknown event '%.*s' (see tracee --list)", (int)len, p);
		memcpy(name, p, len);
		name[len] = '\0';
		p += len + (p[len] == ',');
		if (len == 0)
			continue;
		const struct event_def *d = events_by_name(name);

		if (!d)
			return flag_error("unknown event '%s' (see tracee --list)", name);
		cfg->selected[d->id] = true;
		*any = true;
	}
	if (!*any)
		return flag_error("--event needs an event name (see tracee --list)");
	return FLAGS_RUN;
}

/* The next non-empty NAME of a NAME[,NAME] list, or false at its end; a name
 * too long to be one is cut (and then unknown). */
static bool next_name(const char **p, char *name, size_t size)
{
	while (**p) {
		size_t len = strcspn(*p, ",");
		size_t n = len < size ? len : size - 1;

		memcpy(name, *p, n);
		name[n] = '\0';
		*p += len + ((*p)[len] == ',');
		if (len)
			return true;
	}
	return false;
}

static void select_set(struct tracee_config *cfg, const char *set)
{
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++)
		if (event_in_set(d, set))
			cfg->selected[d->id] = true;
}

/* -s SET[,SET...]: each must be the set of some event. */
static enum flags_result parse_sets(const char *list, struct tracee_config *cfg, bool *any)
{
	char name[64];

	for (const char *p = list; next_name(&p, name, sizeof(name)); ) {
		if (!events_set_exists(name))
			return flag_error("unknown event set '%s' (see tracee --list)", name);
		select_set(cfg, name);
		*any = true;
	}
	if (!*any)
		return flag_error("--events-set needs a set name (see tracee --list)");
	return FLAGS_RUN;
}

/* --exclude-event NAME[,NAME...]: applied once everything is selected. */
static bool excluded[TRACEE_MAX_EVENTS];

static enum flags_result parse_excludes(const char *list)
{
	char name[64];
	bool any = false;

	for (const char *p = list; next_name(&p, name, sizeof(name)); any = true) {
		const struct event_def *d = events_by_name(name);

		if (!d)
			return flag_error("unknown event '%s' in --exclude-event (see tracee --list)", name);
		excluded[d->id] = true;
	}
	if (!any)
		return flag_error("--exclude-event needs an event name (see tracee --list)");
	return FLAGS_RUN;
}

/* -t MODE (lib/filter.c knows the modes); "help" prints them. */
static enum flags_result parse_trace(const char *s, struct tracee_config *cfg)
{
	struct trace_target t;
	char err[256];

	if (trace_is_help(s)) {
		fputs(trace_help, stdout);
		return FLAGS_EXIT_OK;
	}
	if (trace_parse(s, &t, err, sizeof(err)))
		return flag_error("%s", err);
	cfg->trace_mode = t.mode;
	cfg->trace_npids = t.npids;
	memcpy(cfg->trace_pids, t.pids, sizeof(t.pids[0]) * t.npids);
	return FLAGS_RUN;
}

static enum flags_result parse_filter(const char *s, struct tracee_config *cfg)
{
	char err[256];

	if (filter_add(&cfg->filter, s, err, sizeof(err)))
		return flag_error("%s", err);
	return FLAGS_RUN;
}

static enum flags_result parse_pages(const char *s, struct tracee_config *cfg)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	/* the kernel takes a ring buffer of at most 2 GiB (its size is a u32) */
	if (*s == '\0' || *end || n == 0 || (n & (n - 1)) || n > (1ul << 19))
		return flag_error("--perf-buffer-size '%s': expected a power of two number of pages, "
				  "1 to 524288", s);
	cfg->rb_pages = (unsigned)n;
	return FLAGS_RUN;
}

static enum flags_result parse_capture(const char *s, struct tracee_config *cfg)
{
	if (capture_parse_kinds(s, &cfg->capture))
		return flag_error("--capture '%s': expected write, exec, mem or all (comma-separated)", s);
	return FLAGS_RUN;
}

static enum flags_result parse_file_write_filter(const char *s, struct tracee_config *cfg)
{
	if (cfg->n_write_filters == CAPTURE_FILTERS_MAX)
		return flag_error("--filter-file-write: at most %d prefixes", CAPTURE_FILTERS_MAX);
	if (*s == '\0' || strlen(s) >= CAPTURE_PREFIX_MAX)
		return flag_error("--filter-file-write '%s': expected a path prefix of 1 to %d bytes",
				  s, CAPTURE_PREFIX_MAX - 1);
	cfg->write_filters[cfg->n_write_filters++] = s;
	return FLAGS_RUN;
}

/* -o FORMAT[:FILE] (Tracee's json:/path/file form). The format name is cut
 * out into a buffer that outlives the parse; the path stays in argv. */
static enum flags_result parse_output(const char *s, struct tracee_config *cfg)
{
	static char format[32];
	size_t len = strcspn(s, ":");

	if (len < sizeof(format)) {
		memcpy(format, s, len);
		format[len] = '\0';
	}
	if (len >= sizeof(format) || !printer_by_name(format))
		return flag_error("unknown output format '%.*s' (expected one of: %s, optionally :FILE)",
				  (int)len, s, printer_names());
	if (s[len] == ':' && s[len + 1] == '\0')
		return flag_error("--output '%s': expected a file path after ':'", s);
	cfg->output_format = format;
	cfg->output_file = s[len] == ':' ? s + len + 1 : NULL;
	return FLAGS_RUN;
}

/* Its form only: a name is resolved when the server starts, not while parsing. */
static enum flags_result parse_listen_addr(const char *s, struct tracee_config *cfg)
{
	char err[300];

	if (metrics_check_listen(s, err, sizeof(err)))
		return flag_error("%s", err);
	cfg->listen_addr = s;
	return FLAGS_RUN;
}

/* --list, laid out as Tracee's: the syscalls, then the other events, then
 * the detections; each "name  [set set]  (type name, ...)" in columns. */
enum list_group { LIST_SYSCALLS, LIST_OTHER, LIST_SIGNATURES };

static enum list_group group_of(const struct event_def *d)
{
	if (event_is_detection(d))
		return LIST_SIGNATURES;
	return d->id < TRACEE_EVENT_BASE ? LIST_SYSCALLS : LIST_OTHER;
}

/* The name and sets columns; returns the width printed. */
static int print_list_name(const struct event_def *d)
{
	int n = printf("  %s", d->name);

	n += printf("%*s[", n < 26 ? 26 - n : 1, "");
	for (const char *p = d->sets; p && *p; p++)
		n += printf("%c", *p == ',' ? ' ' : *p);
	n += printf("]");
	return n;
}

static void print_list_row(const struct event_def *d)
{
	int n = print_list_name(d);

	printf("%*s(", n < 70 ? 70 - n : 1, "");
	for (int a = 0; a < d->argnum; a++)
		printf("%s%s %s", a ? ", " : "", d->args[a].type, d->args[a].name);
	printf(")\n");
}

/* A detection: its TRC id, severity, MITRE technique and base events. */
static void print_signature_row(const struct event_def *d)
{
	const struct sig_def *s = d->sig;
	int n = print_list_name(d);

	printf("%*s%-9s %-9s %-10s %s%s\n", n < 48 ? 48 - n : 1, "", s->trc_id,
	       (const char *[]){ "info", "low", "medium", "high" }[s->severity & 3],
	       s->mitre_id[0] ? s->mitre_id : "-", s->container_only ? "(containers) " : "", s->events);
}

static void print_list_group(const char *title, enum list_group group)
{
	const struct event_def *d;

	if (group == LIST_SIGNATURES) {
		printf("%-48s%-10s%-10s%-11s%s\n", title, "ID:", "Severity:", "MITRE:", "Base events:");
		printf("%-48s%-10s%-10s%-11s%s\n\n", "____________", "___", "_________", "______", "____________");
	} else {
		printf("%-26s%-44s%s\n", title, "Sets:", "Arguments:");
		printf("%-26s%-44s%s\n\n", "____________", "____", "_________");
	}
	for (size_t i = 0; (d = events_at(i)); i++) {
		if (group_of(d) != group)
			continue;
		if (group == LIST_SIGNATURES)
			print_signature_row(d);
		else
			print_list_row(d);
	}
}

static void print_list(void)
{
	print_list_group("System Calls:", LIST_SYSCALLS);
	printf("\n\n");
	print_list_group("Other Events:", LIST_OTHER);
	printf("\n\n");
	print_list_group("Signatures:", LIST_SIGNATURES);
}

static void select_default_set(struct tracee_config *cfg)
{
	select_set(cfg, "default");
}

static enum flags_result parse_one(int opt, struct tracee_config *cfg, bool *any_event)
{
	switch (opt) {
	case 'e':
		return parse_events(optarg, cfg, any_event);
	case 's':
		return parse_sets(optarg, cfg, any_event);
	case OPT_EXCLUDE_EVENT:
		return parse_excludes(optarg);
	case OPT_SHOW_EXEC_ENV:
		cfg->show_exec_env = true;
		return FLAGS_RUN;
	case OPT_RULES:         /* loaded before the other flags: load_rule_files */
		select_set(cfg, "rules");
		*any_event = true;
		return FLAGS_RUN;
	case 'o':
		return parse_output(optarg, cfg);
	case 't':
		return parse_trace(optarg, cfg);
	case 'f':
		return parse_filter(optarg, cfg);
	case 'l':
		print_list();
		return FLAGS_EXIT_OK;
	case 'h':
		fputs(usage, stdout);
		return FLAGS_EXIT_OK;
	case OPT_VERSION:
		printf("tracee %s\n", TRACEE_VERSION);
		return FLAGS_EXIT_OK;
	case OPT_BUILD_POLICY:
		if (build_policy_parse(optarg, &cfg->build_policy))
			return flag_error("unknown build policy '%s' (expected never, if-needed or always)", optarg);
		return FLAGS_RUN;
	case OPT_INSTALL_PATH:
		cfg->install_path = optarg;
		return FLAGS_RUN;
	case OPT_BUILD_ONLY:
		cfg->build_only = true;
		return FLAGS_RUN;
	case OPT_OUTPUT_PATH:
		cfg->output_path = optarg;
		return FLAGS_RUN;
	case OPT_PERF_BUFFER_SIZE:
		return parse_pages(optarg, cfg);
	case OPT_CAPTURE:
		return parse_capture(optarg, cfg);
	case OPT_CLEAR_OUTPUT_PATH:
		cfg->clear_output_path = true;
		return FLAGS_RUN;
	case OPT_FILTER_FILE_WRITE:
		return parse_file_write_filter(optarg, cfg);
	case OPT_DEBUG:
		cfg->debug = true;
		return FLAGS_RUN;
	case OPT_SECURITY_ALERTS:
		cfg->security_alerts = true;
		return FLAGS_RUN;
	case OPT_METRICS:
		cfg->metrics = true;
		return FLAGS_RUN;
	case OPT_HEALTHZ:
		cfg->healthz = true;
		return FLAGS_RUN;
	case OPT_LISTEN_ADDR:
		return parse_listen_addr(optarg, cfg);
	case OPT_WEBHOOK:
		if (!webhook_url_valid(optarg))
			return flag_error("--webhook '%s': expected an http:// or https:// URL", optarg);
		cfg->webhook_url = optarg;
		return FLAGS_RUN;
	case OPT_WEBHOOK_FORMAT: {
		enum webhook_format f;

		if (webhook_format_parse(optarg, &f))
			return flag_error("--webhook-format '%s': expected json or falco", optarg);
		cfg->webhook_format = (int)f;
		return FLAGS_RUN;
	}
	default:
		return FLAGS_ERROR;
	}
}

/* --rules FILE, read before the other flags so that -e can name a rule
 * whichever comes first. A bad file: its FILE:LINE:COL: message, alone. */
static enum flags_result load_rule_files(int argc, char **argv)
{
	char err[512];

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *path = NULL;

		if (!strcmp(argv[i], "--rules") && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--rules=", 8))
			path = argv[i] + 8;
		if (path && rules_load_file(path, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return FLAGS_ERROR;
		}
	}
	return FLAGS_RUN;
}

enum flags_result flags_parse(int argc, char **argv, struct tracee_config *cfg)
{
	bool any_event = false, mode_given = false;
	int opt, idx = 0;

	memset(excluded, 0, sizeof(excluded));
	if (load_rule_files(argc, argv) != FLAGS_RUN)
		return FLAGS_ERROR;
	optind = 0;     /* glibc: 0 also resets getopt's state from an earlier parse */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:e:s:o:t:f:lh", long_opts, &idx)) != -1) {
		enum flags_result r;

		if (opt == '?')
			return flag_error("unknown flag '%s' (see tracee --help)", argv[optind - 1]);
		if (opt == ':')
			return flag_error("flag '%s' needs a value (see tracee --help)", argv[optind - 1]);
		r = parse_one(opt, cfg, &any_event);
		if (r != FLAGS_RUN)
			return r;
		mode_given |= opt == 't';
	}
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--") != 0)
			return flag_error("unexpected argument '%s' (put a command after --)", argv[optind]);
		/* never override the user's mode silently */
		if (mode_given)
			return flag_error("--trace and -- COMMAND do not combine: -- COMMAND traces the "
					  "command and its descendants; drop --trace, or start the command "
					  "yourself and trace it with --trace");
		cfg->command = &argv[optind];
		cfg->trace_mode = TRACE_PROCESS_FOLLOW;     /* the command's pid; filters still apply */
	} else if (cfg->trace_mode == TRACE_PROCESS_FOLLOW) {
		if (!filter_active(&cfg->filter))
			return flag_error("--trace process:follow needs a --filter choosing the processes "
					  "to follow (or a -- COMMAND)");
		cfg->filter.kernel.follow_roots = 1;
	}
	if (!any_event)
		select_default_set(cfg);
	if (cfg->security_alerts)
		cfg->selected[EVENT_MEM_PROT_ALERT] = true;
	for (int id = 0; id < TRACEE_MAX_EVENTS; id++)
		if (excluded[id])
			cfg->selected[id] = false;
	return FLAGS_RUN;
}
