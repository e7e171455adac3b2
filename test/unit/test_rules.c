/* test_rules.c - the rule language without a kernel: conditions compiled
 * and evaluated over made-up events (operators, flags as bits, lists,
 * macros, string arrays, val(), exceptions, output templates), rule files
 * refused with FILE:LINE:COL, and the embedded built-in rules in step with
 * their event table rows. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "events.h"
#include "signatures/rule_cond.h"
#include "signatures/rule_file.h"

static struct event_header hdr;
static struct event ev;

/* An event of the table called name; args are set with the helpers below. */
static void event_of(const char *name, const char *comm)
{
	memset(&hdr, 0, sizeof(hdr));
	memset(&ev, 0, sizeof(ev));
	ev.def = events_by_name(name);
	hdr.event_id = ev.def ? (unsigned)ev.def->id : 0;
	hdr.pid = 42;
	hdr.host_pid = 4242;
	snprintf(hdr.comm, sizeof(hdr.comm), "%s", comm);
	ev.hdr = &hdr;
	ev.container_id = "";
	ev.argc = ev.def ? ev.def->argnum : 0;
	for (unsigned i = 0; i < ev.argc; i++) {
		ev.args[i].def = &ev.def->args[i];
		ev.args[i].kind = ARG_NONE;
	}
}

static struct event_arg *arg(const char *name)
{
	for (unsigned i = 0; i < ev.argc; i++)
		if (!strcmp(ev.args[i].def->name, name))
			return &ev.args[i];
	return NULL;
}

static void set_num(const char *name, int64_t v)
{
	struct event_arg *a = arg(name);

	a->kind = a->def->kind;
	a->num = v;
}

static void set_str(const char *name, const char *s)
{
	struct event_arg *a = arg(name);

	a->kind = ARG_STR;
	a->data = s;
	a->len = (uint32_t)strlen(s);
}

/* An ARG_STR_ARRAY as the decoder leaves it: count x (u32 length + bytes). */
static char strs_buf[512];
static void set_strs(const char *name, const char *const *items, unsigned n)
{
	struct event_arg *a = arg(name);
	size_t o = 0;

	for (unsigned i = 0; i < n; i++) {
		uint32_t len = (uint32_t)strlen(items[i]);

		memcpy(strs_buf + o, &len, 4);
		memcpy(strs_buf + o + 4, items[i], len);
		o += 4 + len;
	}
	a->kind = ARG_STR_ARRAY;
	a->data = strs_buf;
	a->len = (uint32_t)o;
	a->count = n;
}

/* Does text compile and hold for ev? -1 when it does not compile. */
static int holds(const char *text)
{
	static bool events[TRACEE_MAX_EVENTS];
	struct rule_error err;
	struct sig_ctx c = { .host_pidns = 1 };
	struct rule_expr *e = rule_expr_compile(text, NULL, events, &err);
	int r;

	if (!e) {
		fprintf(stderr, "  (%s: %s at %zu)\n", text, err.msg, err.offset);
		return -1;
	}
	hdr.pid_ns = 1;
	r = rule_expr_eval(e, &c, &ev);
	rule_expr_free(e);
	return r;
}

/* The error a condition gets: "OFFSET: message". */
static const char *error_of(const char *text)
{
	static char out[300];
	static bool events[TRACEE_MAX_EVENTS];
	struct rule_error err;
	struct rule_expr *e = rule_expr_compile(text, NULL, events, &err);

	if (e) {
		rule_expr_free(e);
		return "compiled";
	}
	snprintf(out, sizeof(out), "%zu: %s", err.offset, err.msg);
	return out;
}

static void test_open_flags(void)
{
	event_of("security_file_open", "cat");
	set_str("pathname", "/etc/shadow");
	set_num("flags", 0);    /* O_RDONLY */
	CHECK_INT(holds("evt.name = security_file_open and arg.flags has O_RDONLY"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.flags has O_WRONLY"), 0);
	set_num("flags", 01101);        /* O_WRONLY|O_CREAT|O_TRUNC */
	CHECK_INT(holds("evt.name = security_file_open and arg.flags has O_WRONLY"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.flags has O_RDONLY"), 0);
	CHECK_INT(holds("evt.name = security_file_open and arg.flags has O_CREAT"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.flags has O_APPEND"), 0);
	CHECK_INT(holds("evt.name = security_file_open and arg.flags has 0100"), 1);
	set_num("flags", 02);   /* O_RDWR: both reads and writes */
	CHECK_INT(holds("evt.name = security_file_open and arg.flags has O_RDWR"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.flags has O_WRONLY"), 0);
}

static void test_strings(void)
{
	event_of("security_file_open", "cat");
	set_str("pathname", "/etc/cron.d/job");
	set_num("flags", 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname = /etc/cron.d/job"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname == '/etc/cron.d/job'"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname != /etc/cron.d/job"), 0);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname startswith /etc/"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname endswith /job"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname contains cron"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname contains crontab"), 0);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname glob '/etc/cron.*/*'"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname glob '/etc/cron.?/j?b'"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname glob '/etc/*.x'"), 0);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname glob ('/x/*', '/etc/*')"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname.base = job"), 1);
	CHECK_INT(holds("evt.name = security_file_open and arg.pathname in (/a, /etc/cron.d/job)"), 1);
	CHECK_INT(holds("evt.name = security_file_open and proc.name = cat and not proc.name = dog"), 1);
	CHECK_INT(holds("evt.name = security_file_open and proc.name = \"c\\at\""), 1);
}

static void test_numbers(void)
{
	event_of("ptrace", "gdb");
	set_num("request", 16);         /* PTRACE_ATTACH */
	set_num("pid", 42);
	hdr.retval = -1;
	CHECK_INT(holds("evt.name = ptrace and arg.request = PTRACE_ATTACH"), 1);
	CHECK_INT(holds("evt.name = ptrace and arg.request in (PTRACE_TRACEME, PTRACE_SEIZE)"), 0);
	CHECK_INT(holds("evt.name = ptrace and arg.pid = val(proc.pid)"), 1);
	CHECK_INT(holds("evt.name = ptrace and arg.pid != val(proc.hostpid)"), 1);
	CHECK_INT(holds("evt.name = ptrace and evt.retval < 0 and proc.pid >= 42 and proc.pid <= 42"), 1);
	CHECK_INT(holds("evt.name = ptrace and evt.retval > 0"), 0);
	CHECK_INT(holds("evt.name = ptrace and (evt.retval = 0 or arg.pid = 0x2a)"), 1);
	CHECK_INT(holds("evt.name != openat and evt.name = ptrace"), 1);
	CHECK_INT(holds("evt.name in (openat, ptrace) and not container"), 1);
	hdr.pid_ns = 7;         /* not the host's (holds sets it back to 1) */
}

static void test_arrays(void)
{
	static const char *const env[] = { "HOME=/root", "LD_PRELOAD=/x.so" };

	event_of("execve", "sh");
	set_str("pathname", "/bin/true");
	set_strs("envp", env, 2);
	CHECK_INT(holds("evt.name = execve and arg.envp startswith LD_PRELOAD="), 1);
	CHECK_INT(holds("evt.name = execve and arg.envp = HOME=/root"), 1);
	CHECK_INT(holds("evt.name = execve and arg.envp != HOME=/root"), 0);
	CHECK_INT(holds("evt.name = execve and arg.envp contains PATH="), 0);
	CHECK_INT(holds("evt.name = execve and arg.envp"), 1);
	CHECK_INT(holds("evt.name = execve and arg.argv"), 0);   /* not read: unset */
}

static void test_errors(void)
{
	CHECK_STR(error_of("proc.name = bash"), "0: the condition does not name its events in every branch "
		  "(evt.name = NAME or evt.name in (...)): it would run on every event");
	CHECK_STR(error_of("evt.name = openat or proc.name = bash"), "0: the condition does not name its "
		  "events in every branch (evt.name = NAME or evt.name in (...)): it would run on every event");
	CHECK_STR(error_of("evt.name = nope"), "0: unknown event 'nope' (see tracee --list)");
	CHECK_STR(error_of("evt.name = openat and proc.nam = x"), "22: unknown field or macro 'proc.nam'");
	CHECK_STR(error_of("evt.name = openat and"), "21: condition ends too early");
	CHECK_STR(error_of("(evt.name = openat"), "0: unbalanced (: add the closing )");
	CHECK_STR(error_of("evt.name = openat proc.name = x"), "18: unexpected 'proc.name' (missing and/or?)");
	CHECK_STR(error_of("evt.name = openat and arg.flags has O_NOPE"),
		  "22: 'O_NOPE' is neither a number nor a name flags takes");
	CHECK_STR(error_of("evt.name = openat and arg.nothere = 1"),
		  "22: no event of this condition has an argument 'nothere'");
	CHECK_STR(error_of("evt.name = openat and proc.pid = abc"), "22: 'abc' is not a number");
	CHECK_STR(error_of("evt.name = openat and proc.name < abc"),
		  "22: <, <=, > and >= compare numbers; this field is text");
	CHECK_STR(error_of("evt.name = openat and proc.name = 'abc"), "34: unterminated string: add the closing '");
	CHECK_STR(error_of("evt.name startswith open"), "0: evt.name compares with =, != or in only");
	CHECK_STR(error_of("evt.name = anti_debugging"), "0: unknown event 'anti_debugging' (see tracee --list)");
}

static void test_output(void)
{
	struct rule_error err;
	char buf[128];

	event_of("security_file_open", "vi");
	set_str("pathname", "/etc/motd");
	set_num("flags", 1);
	rule_output_render("%proc.name (pid %proc.pid) wrote %arg.pathname, flags %arg.flags; %arg.nope.",
			   NULL, &ev, buf, sizeof(buf));
	CHECK_STR(buf, "vi (pid 42) wrote /etc/motd, flags 1; <NA>.");
	CHECK(!rule_output_check("a %proc.nme b", &err));
	CHECK_INT(err.offset, 2);
	CHECK(rule_output_check("100% sure: %evt.name", &err));
}

static const char good_file[] =
	"- list: editors\n"
	"  items: [vi, vim]\n"
	"- macro: writes\n"
	"  condition: evt.name = security_file_open and (arg.flags has O_WRONLY or arg.flags has O_RDWR)\n"
	"- rule: unit_motd\n"
	"  desc: motd written\n"
	"  condition: writes and arg.pathname = /etc/motd\n"
	"  output: \"%proc.name wrote %arg.pathname\"\n"
	"  priority: WARNING\n"
	"  tags: [files, T1]\n"
	"  mitre: T1\n"
	"  exceptions:\n"
	"    - name: editors\n"
	"      fields: [proc.name, arg.pathname]\n"
	"      comps: [in, startswith]\n"
	"      values: [[editors, /etc/]]\n"
	"- rule: unit_off\n"
	"  desc: off\n"
	"  condition: evt.name = openat\n"
	"  output: o\n"
	"  priority: 1\n"
	"  enabled: false\n";

static int raised;
static void count_emit(struct sig_ctx *c, int id, const struct event *t, const struct event_arg *d, unsigned n)
{
	raised++;
	if (n == 1 && d[0].len == 14 && !memcmp(d[0].data, "sh wrote /etc/motd", 14))
		raised += 100;
}

static void test_file(void)
{
	char err[512];
	const struct event_def *d;
	const struct sig_impl *impl;
	struct sig_ctx c = { .emit = count_emit };

	CHECK_INT(rules_load_buffer("unit.yaml", good_file, sizeof(good_file) - 1, false, err, sizeof(err)), 0);
	d = events_by_name("unit_motd");
	CHECK(d && d->id == TRACEE_RULE_BASE && event_is_detection(d));
	if (!d)
		return;
	CHECK_STR(d->sets, "rules");
	CHECK_STR(d->sig->trc_id, "unit_motd");
	CHECK_STR(d->sig->tags, "files,T1");
	CHECK_STR(d->sig->mitre_id, "T1");
	CHECK_STR(d->sig->events, "security_file_open");
	CHECK_INT(d->sig->severity, 2);
	CHECK_STR(events_by_name("unit_off")->sets, "");
	impl = rules_impl_by_name("unit_motd");
	CHECK(impl != NULL);
	event_of("security_file_open", "sh");
	set_str("pathname", "/etc/motd");
	set_num("flags", 01101);
	raised = 0;
	impl->on_event(&c, impl->data, NULL, d->id, &ev);
	CHECK_INT(raised, 1);           /* (the output is longer than 14: no +100) */
	snprintf(hdr.comm, sizeof(hdr.comm), "vim");
	raised = 0;
	impl->on_event(&c, impl->data, NULL, d->id, &ev);
	CHECK_INT(raised, 0);           /* the exception */
	CHECK(rules_load_buffer("again.yaml", good_file, sizeof(good_file) - 1, false, err, sizeof(err)) != 0);
	CHECK_STR(err, "again.yaml:5:9: 'unit_motd' is already an event or detection name");
	rules_unload_all();
	CHECK(events_by_name("unit_motd") == NULL);
}

static const char *load_error(const char *text)
{
	static char err[512];

	if (!rules_load_buffer("bad.yaml", text, strlen(text), false, err, sizeof(err)))
		return "loaded";
	return err;
}

static void test_file_errors(void)
{
	CHECK_STR(load_error("- rule: r\n  desc: d\n  condition: evt.name = openat and proc.x = 1\n"
			     "  output: o\n  priority: INFO\n"),
		  "bad.yaml:3:36: unknown field or macro 'proc.x'");
	CHECK_STR(load_error("- rule: r\n  desc: d\n  condition: >\n    evt.name = openat\n    and proc.x = 1\n"
			     "  output: o\n  priority: INFO\n"),
		  "bad.yaml:5:9: unknown field or macro 'proc.x'");
	CHECK_STR(load_error("- rule: r\n  desc: d\n  condition: evt.name = openat\n  output: o\n"),
		  "bad.yaml:1:3: missing 'priority' (EMERGENCY .. DEBUG, or 0-3)");
	CHECK_STR(load_error("- rule: r\n  desc: d\n  condition: evt.name = openat\n  output: o\n"
			     "  priority: INFO\n  enabled: maybe\n"),
		  "bad.yaml:6:12: 'enabled' is true or false");
	CHECK_STR(load_error("- macro: m\n  condition: m\n- rule: r\n  desc: d\n  condition: evt.name = openat and m\n"
			     "  output: o\n  priority: INFO\n"),
		  "bad.yaml:5:36: in macro m: macros nest deeper than 16: does one refer to itself?");
	CHECK_STR(load_error("- list: l\n  items: x\n"), "bad.yaml:2:10: a list needs 'items: [a, b, ...]'");
	CHECK_STR(load_error("- foo: bar\n"), "bad.yaml:1:3: an item needs a 'rule', 'macro' or 'list' key");
	CHECK_STR(load_error(""), "bad.yaml:1:1: the file is empty: expected a list of rules, macros and lists");
	CHECK_STR(load_error("- rule: r\n  desc: d\n  condition: evt.name = openat\n  output: o\n  priority: INFO\n"
			     "  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[a, b]]\n"),
		  "bad.yaml:9:16: each exception value lists one value per field");
	rules_unload_all();
}

/* Each built-in row that a rule implements runs on the events its row names
 * (the loader selects those in the kernel; the engine dispatches by them). */
static bool same_set(const char *a, const char *b)
{
	char x[512], y[512];
	char *save, *t;
	int na = 0, nb = 0;

	snprintf(x, sizeof(x), "%s", a);
	snprintf(y, sizeof(y), ",%s,", b);
	for (t = strtok_r(x, ",", &save); t; t = strtok_r(NULL, ",", &save), na++) {
		char w[80];

		snprintf(w, sizeof(w), ",%s,", t);
		if (!strstr(y, w))
			return false;
	}
	for (const char *p = b; *p; p++)
		nb += *p == ',';
	return na == nb + 1;
}

static void test_builtin_rows(void)
{
	const struct event_def *d;
	int rules = 0;

	for (size_t i = 0; (d = events_at(i)); i++) {
		const char *ev_names;

		if (!event_is_detection(d) || !(ev_names = rules_events_of(d->name)))
			continue;
		rules++;
		if (!same_set(ev_names, d->sig->events))
			fprintf(stderr, "  %s: rule runs on %s, row names %s\n", d->name, ev_names, d->sig->events);
		CHECK(same_set(ev_names, d->sig->events));
	}
	CHECK_INT(rules, 22);
}

int main(void)
{
	test_open_flags();
	test_strings();
	test_numbers();
	test_arrays();
	test_errors();
	test_output();
	test_file();
	test_file_errors();
	test_builtin_rows();
	return check_report("rules");
}
