/* flags.c - tracee's command line. Every bad input gets one line on stderr
 * naming it and the way out; nothing here traces. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "events.h"
#include "flags.h"
#include "printer.h"

enum long_only {
	OPT_BUILD_POLICY = 256,
	OPT_INSTALL_PATH,
	OPT_BUILD_ONLY,
	OPT_OUTPUT_PATH,
	OPT_PERF_BUFFER_SIZE,
	OPT_DEBUG,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "event", required_argument, NULL, 'e' },
	{ "output", required_argument, NULL, 'o' },
	{ "trace", required_argument, NULL, 't' },
	{ "list", no_argument, NULL, 'l' },
	{ "help", no_argument, NULL, 'h' },
	{ "build-policy", required_argument, NULL, OPT_BUILD_POLICY },
	{ "install-path", required_argument, NULL, OPT_INSTALL_PATH },
	{ "build-only", no_argument, NULL, OPT_BUILD_ONLY },
	{ "output-path", required_argument, NULL, OPT_OUTPUT_PATH },
	{ "perf-buffer-size", required_argument, NULL, OPT_PERF_BUFFER_SIZE },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 },
};

static const char usage[] =
	"Usage: tracee [FLAGS] [-- COMMAND [ARGS...]]\n"
	"Trace system calls of new processes (or of COMMAND and its descendants).\n"
	"\n"
	"  -e, --event NAME[,NAME]    trace these events (repeatable; default: the 'default' set)\n"
	"  -l, --list                 list the events with their sets and arguments\n"
	"  -o, --output FORMAT        table (default), table-verbose or json\n"
	"  -t, --trace MODE           process:new (default, also p, process), process:all\n"
	"      --build-policy POLICY  never | if-needed (default) | always: building the eBPF object\n"
	"      --install-path DIR     where the eBPF object is cached (default /tmp/tracee)\n"
	"      --build-only           locate or build the eBPF object, print its path, exit\n"
	"      --output-path DIR      where tracee.pid and captures go (default /tmp/tracee/out)\n"
	"      --perf-buffer-size N   ring buffer size in pages, a power of two (default 4096)\n"
	"      --debug                say what is built, loaded and attached\n"
	"  -h, --help                 this text\n"
	"      --version              print the version\n"
	"\n"
	"Environment: TRACEE_BPF_FILE (use this eBPF object), KERN_HEADERS (kernel headers to build with).\n";

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

static const struct { const char *text; enum trace_mode mode; } trace_modes[] = {
	{ "p", TRACE_PROCESS_NEW },
	{ "process", TRACE_PROCESS_NEW },
	{ "process:new", TRACE_PROCESS_NEW },
	{ "p:new", TRACE_PROCESS_NEW },
	{ "process:all", TRACE_PROCESS_ALL },
	{ "p:all", TRACE_PROCESS_ALL },
};

static enum flags_result parse_trace(const char *s, struct tracee_config *cfg)
{
	for (size_t i = 0; i < sizeof(trace_modes) / sizeof(trace_modes[0]); i++)
		if (strcmp(s, trace_modes[i].text) == 0) {
			cfg->trace_mode = trace_modes[i].mode;
			return FLAGS_RUN;
		}
	return flag_error("unknown trace mode '%s' (expected process:new or process:all)", s);
}

static enum flags_result parse_pages(const char *s, struct tracee_config *cfg)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (*s == '\0' || *end || n == 0 || (n & (n - 1)) || n > (1ul << 20))
		return flag_error("--perf-buffer-size '%s': expected a power of two number of pages", s);
	cfg->rb_pages = (unsigned)n;
	return FLAGS_RUN;
}

static void print_list(void)
{
	const struct event_def *d;

	printf("%-24s %-40s %s\n", "EVENT", "SETS", "ARGUMENTS");
	for (size_t i = 0; (d = events_at(i)); i++) {
		printf("%-24s %-40s (", d->name, d->sets);
		for (int a = 0; a < d->argnum; a++)
			printf("%s%s %s", a ? ", " : "", d->args[a].type, d->args[a].name);
		printf(")\n");
	}
}

static void select_default_set(struct tracee_config *cfg)
{
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++)
		if (event_in_set(d, "default"))
			cfg->selected[d->id] = true;
}

static enum flags_result parse_one(int opt, struct tracee_config *cfg, bool *any_event)
{
	switch (opt) {
	case 'e':
		return parse_events(optarg, cfg, any_event);
	case 'o':
		if (!printer_by_name(optarg))
			return flag_error("unknown output format '%s' (expected one of: %s)", optarg, printer_names());
		cfg->output_format = optarg;
		return FLAGS_RUN;
	case 't':
		return parse_trace(optarg, cfg);
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
	case OPT_DEBUG:
		cfg->debug = true;
		return FLAGS_RUN;
	default:
		return FLAGS_ERROR;
	}
}

enum flags_result flags_parse(int argc, char **argv, struct tracee_config *cfg)
{
	bool any_event = false;
	int opt, idx = 0;

	optind = 0;     /* glibc: 0 also resets getopt's state from an earlier parse */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:e:o:t:lh", long_opts, &idx)) != -1) {
		enum flags_result r;

		if (opt == '?')
			return flag_error("unknown flag '%s' (see tracee --help)", argv[optind - 1]);
		if (opt == ':')
			return flag_error("flag '%s' needs a value (see tracee --help)", argv[optind - 1]);
		r = parse_one(opt, cfg, &any_event);
		if (r != FLAGS_RUN)
			return r;
	}
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--") != 0)
			return flag_error("unexpected argument '%s' (put a command after --)", argv[optind]);
		cfg->command = &argv[optind];
		cfg->trace_mode = TRACE_PROCESS_FOLLOW;
	}
	if (!any_event)
		select_default_set(cfg);
	return FLAGS_RUN;
}
