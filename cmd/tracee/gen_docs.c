/* gen_docs.c - the man page tracee(1) and the bash completion, generated at
 * build time from what tracee itself uses: the --help text (flags.c's
 * usage, one entry per flag, which test_flags checks against the getopt
 * table) and the tables behind the flag values (events, sets, output
 * formats, trace modes). A flag added to --help is in both on the next build.
 *   gen_docs man VERSION   roff on stdout
 *   gen_docs bash          a bash completion script on stdout */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "capture.h"
#include "events.h"
#include "filter.h"
#include "flags.h"
#include "printer.h"

/* One flag of the --help text: "-e, --event" "NAME[,NAME]" "trace these ...". */
struct flag_doc {
	char names[64];         /* "-e, --event" */
	char arg[64];           /* "NAME[,NAME]", or "" */
	char text[512];         /* the description, lines joined */
};

#define MAX_FLAGS 64
#define DESC_COL  29        /* where usage's descriptions start */

static bool is_flag_line(const char *l)
{
	return strncmp(l, "  -", 3) == 0 || strncmp(l, "      --", 8) == 0;
}

static bool is_continuation(const char *l)
{
	return strspn(l, " ") >= DESC_COL - 2 && l[strspn(l, " ")];
}

static void append(char *dst, size_t size, const char *s, size_t n)
{
	size_t len = strlen(dst);

	if (len && len + 1 < size)
		dst[len++] = ' ';
	snprintf(dst + len, size - len, "%.*s", (int)n, s);
}

/* "  -e, --event NAME[,NAME]    trace these": the spec ends at two spaces,
 * or at the description column when it fills the columns before it
 * ("  -s, --events-set SET[,SET] trace ..."). */
static void parse_flag_line(const char *l, size_t n, struct flag_doc *d)
{
	const char *spec = l + strspn(l, " "), *end = strstr(spec, "  "), *desc, *arg;

	if (!end || end > l + n)
		end = l + n;
	if (end - l > DESC_COL - 1 && n > DESC_COL && l[DESC_COL - 1] == ' ' && l[DESC_COL - 2] != ' ')
		end = l + DESC_COL - 1;
	desc = end + strspn(end, " ");
	/* the argument is what follows the last --name */
	arg = spec;
	for (const char *p = spec; p < end; p++)
		if (p[0] == '-' && p[1] == '-')
			arg = p;
	arg += strcspn(arg, " ");
	if (arg > end)
		arg = end;
	memset(d, 0, sizeof(*d));
	snprintf(d->names, sizeof(d->names), "%.*s", (int)(arg - spec), spec);
	if (arg < end)
		snprintf(d->arg, sizeof(d->arg), "%.*s", (int)(end - arg - 1), arg + 1);
	if (desc < l + n)
		append(d->text, sizeof(d->text), desc, (size_t)(l + n - desc));
}

/* The flags of --help, in order; *tail is set to the text after them. */
static int parse_usage(struct flag_doc *docs, const char **tail)
{
	const char *p = flags_usage();
	int n = 0;

	*tail = NULL;
	while (*p) {
		size_t len = strcspn(p, "\n");

		if (is_flag_line(p) && n < MAX_FLAGS)
			parse_flag_line(p, len, &docs[n++]);
		else if (n && is_continuation(p))
			append(docs[n - 1].text, sizeof(docs[n - 1].text), p + strspn(p, " "),
			       len - strspn(p, " "));
		else if (n && len && !*tail)
			*tail = p;
		p += len + (p[len] == '\n');
	}
	return n;
}

/* ---- roff ------------------------------------------------------------------ */

/* Text for roff: backslashes escaped, a leading '.' or '\'' defused, and
 * hyphens as minus signs where they are options (-e, --event). */
static void roff(const char *s, size_t n, bool minus)
{
	for (size_t i = 0; i < n; i++) {
		if (i == 0 && (s[i] == '.' || s[i] == '\''))
			fputs("\\&", stdout);
		if (s[i] == '\\')
			fputs("\\e", stdout);
		else if (s[i] == '-' && (minus || (i + 1 < n && (s[i + 1] == '-' || s[i + 1] == ' ' ||
							      (i > 0 && s[i - 1] == ' ')))))
			fputs("\\-", stdout);
		else
			fputc(s[i], stdout);
	}
}

static void roff_str(const char *s, bool minus)
{
	roff(s, strlen(s), minus);
}

static void man_flag(const struct flag_doc *d)
{
	fputs(".TP\n\\fB", stdout);
	roff_str(d->names, true);
	fputs("\\fR", stdout);
	if (d->arg[0]) {
		fputs(" \\fI", stdout);
		roff_str(d->arg, false);
		fputs("\\fR", stdout);
	}
	fputc('\n', stdout);
	roff_str(d->text, false);
	fputc('\n', stdout);
}

/* "Environment: A (x), B (y).\n" after the flags: one paragraph. */
static void man_tail(const char *tail)
{
	const char *p = tail;

	while (p && *p) {
		size_t len = strcspn(p, "\n");

		if (len) {
			roff(p, len, false);
			fputc('\n', stdout);
		}
		p += len + (p[len] == '\n');
	}
}

static const char man_description[] =
	".SH DESCRIPTION\n"
	"tracee traces system calls and kernel events of processes and containers with eBPF.\n"
	"Its eBPF program is compiled on the host at run time, in\\-process with libclang, against\n"
	"the running kernel's types (kernel headers, or BTF from /sys/kernel/btf/vmlinux), cached,\n"
	"and loaded with libbpf. Building needs the plugin /usr/lib/tracee/tracee\\-build.so and\n"
	"its LLVM libraries; a prebuilt object (TRACEE_BPF_FILE, or one in the install path)\n"
	"needs neither.\n"
	".PP\n"
	"Without \\fB\\-\\-\\fR \\fICOMMAND\\fR tracee runs until SIGINT or SIGTERM; with one, it\n"
	"traces COMMAND and its descendants and exits with its status. At exit it prints its\n"
	"counters (events, lost events, errors) on standard error.\n";

static const char man_rest[] =
	".SH SIGNALS\n"
	".TP\n.B SIGINT, SIGTERM\n"
	"Drain the ring buffer, print the counters, detach and exit 0.\n"
	".TP\n.B SIGHUP\n"
	"With \\fB\\-o\\fR \\fIFORMAT\\fR:\\fIFILE\\fR, open FILE again (after logrotate moved it);\n"
	"otherwise stop as SIGTERM does.\n"
	".SH FILES\n"
	".TP\n.I /tmp/tracee\n"
	"Default install path: the cached eBPF object, tracee.bpf.<release>.<version>.o.\n"
	"The packaged service uses /var/cache/tracee.\n"
	".TP\n.I /tmp/tracee/out\n"
	"Default output path: tracee.pid and captured artifacts. The packaged service uses\n"
	"/var/lib/tracee/out.\n"
	".TP\n.I /usr/lib/tracee/tracee\\-build.so\n"
	"The build plugin, loaded only when an object must be built.\n"
	".SH EXIT STATUS\n"
	"0 on success (or the status of COMMAND), 1 when tracing could not start, 2 for a bad\n"
	"command line.\n"
	".SH SEE ALSO\n"
	"\\fBstrace\\fR(1), \\fBbpftool\\fR(8)\n";

static int gen_man(const char *version)
{
	static struct flag_doc docs[MAX_FLAGS];
	const char *tail;
	int n = parse_usage(docs, &tail);

	printf(".\\\" Generated by gen_docs from tracee --help: do not edit.\n");
	printf(".TH TRACEE 1 \"\" \"tracee %s\" \"User Commands\"\n", version);
	printf(".SH NAME\ntracee \\- trace system calls and kernel events with eBPF\n");
	printf(".SH SYNOPSIS\n.B tracee\n[\\fIFLAGS\\fR] [\\fB\\-\\-\\fR \\fICOMMAND\\fR [\\fIARGS\\fR...]]\n");
	fputs(man_description, stdout);
	printf(".SH OPTIONS\n");
	for (int i = 0; i < n; i++)
		man_flag(&docs[i]);
	if (tail) {
		printf(".SH ENVIRONMENT\n");
		man_tail(tail);
	}
	fputs(man_rest, stdout);
	return n > 0 ? 0 : 1;
}

/* ---- bash completion ---------------------------------------------------------- */

/* Every long and short flag name of --help, space-separated. */
static void print_flag_names(const struct flag_doc *docs, int n)
{
	for (int i = 0; i < n; i++) {
		const char *p = docs[i].names;

		while (*p) {
			size_t len = strcspn(p, ", ");

			if (len)
				printf(" %.*s", (int)len, p);
			p += len;
			p += strspn(p, ", ");
		}
	}
}

static void print_events(void)
{
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++)
		printf(" %s", d->name);
}

/* The sets, each once, in the order first seen. */
static void print_sets(void)
{
	static char seen[4096] = " ";
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++) {
		for (const char *p = d->sets; p && *p; ) {
			size_t len = strcspn(p, ",");
			char word[64];

			snprintf(word, sizeof(word), " %.*s ", (int)len, p);
			if (len && !strstr(seen, word) && strlen(seen) + len + 2 < sizeof(seen)) {
				strcat(seen, word + 1);
				printf(" %.*s", (int)len, p);
			}
			p += len + (p[len] == ',');
		}
	}
}

/* Values listed here are checked against the parsers, so a renamed one
 * fails the build rather than completing to something tracee refuses. */
static const char *const trace_modes[] = { "process:new", "process:all", "process:follow",
	"container:new", "container:all", "host:new", "host:all", "help" };
static const char *const policies[] = { "never", "if-needed", "always" };
static const char *const capture_kinds[] = { "write", "exec", "mem", "all" };
static const char *const filter_fields[] = { "uid=", "pid=", "mntns=", "pidns=", "comm=", "uts=" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int check_values(void)
{
	struct trace_target t;
	enum build_policy bp;
	char err[256];
	unsigned kinds = 0;

	for (size_t i = 0; i < COUNT(trace_modes); i++)
		if (!trace_is_help(trace_modes[i]) && trace_parse(trace_modes[i], &t, err, sizeof(err)))
			return fprintf(stderr, "gen_docs: trace mode %s: %s\n", trace_modes[i], err), 1;
	for (size_t i = 0; i < COUNT(policies); i++)
		if (build_policy_parse(policies[i], &bp))
			return fprintf(stderr, "gen_docs: build policy %s refused\n", policies[i]), 1;
	for (size_t i = 0; i < COUNT(capture_kinds); i++)
		if (capture_parse_kinds(capture_kinds[i], &kinds))
			return fprintf(stderr, "gen_docs: capture kind %s refused\n", capture_kinds[i]), 1;
	for (size_t i = 0; i < COUNT(filter_fields); i++) {
		static struct tracee_filter f;
		char expr[32];

		snprintf(expr, sizeof(expr), "%s%s", filter_fields[i], i < 4 ? "1" : "x");
		memset(&f, 0, sizeof(f));
		if (filter_add(&f, expr, err, sizeof(err)))
			return fprintf(stderr, "gen_docs: filter %s: %s\n", expr, err), 1;
	}
	return 0;
}

static void print_words(const char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf(" %s", w[i]);
}

static void print_formats(void)
{
	for (const char *p = printer_names(); *p; ) {
		size_t len = strcspn(p, ", ");

		if (len)
			printf(" %.*s", (int)len, p);
		p += len;
		p += strspn(p, ", ");
	}
}

static const char bash_body[] =
	"# _tracee_list WORDS: complete the last element of a comma list\n"
	"_tracee_list()\n"
	"{\n"
	"    local head=\"\" tail=$cur\n"
	"    [[ $cur == *,* ]] && head=${cur%,*}, && tail=${cur##*,}\n"
	"    COMPREPLY=($(compgen -W \"$1\" -P \"$head\" -- \"$tail\"))\n"
	"    compopt -o nospace 2>/dev/null\n"
	"}\n"
	"\n"
	"_tracee()\n"
	"{\n"
	"    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} i\n"
	"    for ((i = 1; i < COMP_CWORD; i++)); do\n"
	"        if [[ ${COMP_WORDS[i]} == -- ]]; then\n"
	"            if ((i == COMP_CWORD - 1)); then COMPREPLY=($(compgen -c -- \"$cur\"));\n"
	"            else COMPREPLY=($(compgen -f -- \"$cur\")); fi\n"
	"            return\n"
	"        fi\n"
	"    done\n"
	"    case $prev in\n"
	"    -e | --event | --exclude-event) _tracee_list \"$_tracee_events\"; return ;;\n"
	"    -s | --events-set) _tracee_list \"$_tracee_sets\"; return ;;\n"
	"    --capture) _tracee_list \"$_tracee_capture\"; return ;;\n"
	"    -o | --output)\n"
	"        if [[ $cur == *:* ]]; then COMPREPLY=($(compgen -f -P \"${cur%%:*}:\" -- \"${cur#*:}\"));\n"
	"        else COMPREPLY=($(compgen -W \"$_tracee_formats\" -- \"$cur\")); fi\n"
	"        return ;;\n"
	"    -t | --trace) COMPREPLY=($(compgen -W \"$_tracee_modes\" -- \"$cur\")); return ;;\n"
	"    -f | --filter) COMPREPLY=($(compgen -W \"$_tracee_filters\" -- \"$cur\")); compopt -o nospace 2>/dev/null; return ;;\n"
	"    --build-policy) COMPREPLY=($(compgen -W \"$_tracee_policies\" -- \"$cur\")); return ;;\n"
	"    --install-path | --output-path) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
	"    --filter-file-write) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	"    --perf-buffer-size) COMPREPLY=($(compgen -W \"512 1024 2048 4096 8192\" -- \"$cur\")); return ;;\n"
	"    --listen-addr) COMPREPLY=($(compgen -W \":3366 127.0.0.1:3366\" -- \"$cur\")); return ;;\n"
	"    esac\n"
	"    COMPREPLY=($(compgen -W \"$_tracee_flags\" -- \"$cur\"))\n"
	"}\n"
	"complete -F _tracee tracee\n";

static int gen_bash(void)
{
	static struct flag_doc docs[MAX_FLAGS];
	const char *tail;
	int n = parse_usage(docs, &tail);

	if (n == 0 || check_values())
		return 1;
	printf("# bash completion for tracee -*- shell-script -*-\n");
	printf("# Generated by gen_docs from tracee --help and its event table: do not edit.\n\n");
	printf("_tracee_flags=\"");
	print_flag_names(docs, n);
	printf(" --\"\n_tracee_events=\"");
	print_events();
	printf("\"\n_tracee_sets=\"");
	print_sets();
	printf("\"\n_tracee_formats=\"");
	print_formats();
	printf("\"\n_tracee_modes=\"");
	print_words(trace_modes, COUNT(trace_modes));
	printf("\"\n_tracee_policies=\"");
	print_words(policies, COUNT(policies));
	printf("\"\n_tracee_capture=\"");
	print_words(capture_kinds, COUNT(capture_kinds));
	printf("\"\n_tracee_filters=\"");
	print_words(filter_fields, COUNT(filter_fields));
	printf("\"\n\n");
	fputs(bash_body, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "man") == 0)
		return gen_man(argv[2]);
	if (argc == 2 && strcmp(argv[1], "bash") == 0)
		return gen_bash();
	fprintf(stderr, "usage: gen_docs man VERSION | gen_docs bash\n");
	return 2;
}
