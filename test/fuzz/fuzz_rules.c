/* fuzz_rules.c - libFuzzer target: rule files and conditions. The input is
 * read as a rule file; whatever loads is run against a few made-up events
 * (a file open, an exec with an environment, a ptrace) of every kind, and
 * the input is also compiled as one condition and evaluated. A file may be
 * refused, always with a terminated message; nothing may crash or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "events.h"
#include "signatures/rule_cond.h"
#include "signatures/rule_file.h"

static void noop_emit(struct sig_ctx *c, int id, const struct event *t, const struct event_arg *d, unsigned n)
{
	(void)c; (void)id; (void)t; (void)d; (void)n;
}

/* Three events with their arguments set; envp is an encoded string array. */
static void make_events(struct event ev[3], struct event_header hdr[3])
{
	static const char envp[] = "\x0a\x00\x00\x00LD_PRELOAD\x04\x00\x00\x00HOME";
	static const char *const names[3] = { "security_file_open", "execve", "ptrace" };

	for (int i = 0; i < 3; i++) {
		const struct event_def *d = events_by_name(names[i]);

		memset(&hdr[i], 0, sizeof(hdr[i]));
		memset(&ev[i], 0, sizeof(ev[i]));
		hdr[i].event_id = (unsigned)d->id;
		hdr[i].pid = 7;
		memcpy(hdr[i].comm, "fuzz", 5);
		ev[i].hdr = &hdr[i];
		ev[i].def = d;
		ev[i].container_id = "";
		ev[i].argc = d->argnum;
		for (unsigned a = 0; a < d->argnum; a++) {
			ev[i].args[a].def = &d->args[a];
			ev[i].args[a].kind = d->args[a].kind;
			ev[i].args[a].num = 0101;
			if (d->args[a].kind == ARG_STR) {
				ev[i].args[a].data = "/etc/ld.so.preload";
				ev[i].args[a].len = 18;
			} else if (d->args[a].kind == ARG_STR_ARRAY) {
				ev[i].args[a].data = envp;
				ev[i].args[a].len = sizeof(envp) - 1;
				ev[i].args[a].count = 2;
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool events[TRACEE_MAX_EVENTS];
	struct sig_ctx c = { .emit = noop_emit, .host_pidns = 1 };
	struct event_header hdr[3];
	struct event ev[3];
	struct rule_error rerr;
	struct rule_expr *e;
	char err[512], *text = malloc(size + 1);
	const struct event_def *d;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	make_events(ev, hdr);
	err[0] = '\0';
	if (rules_load_buffer("fuzz.yaml", text, size, false, err, sizeof(err)) && !memchr(err, '\0', sizeof(err)))
		abort();
	for (size_t i = 0; (d = events_at(i)); i++) {
		const struct sig_impl *impl = d->id >= TRACEE_RULE_BASE ? rules_impl_by_name(d->name) : NULL;

		for (int k = 0; impl && k < 3; k++)
			impl->on_event(&c, impl->data, NULL, d->id, &ev[k]);
	}
	rules_unload_all();
	if ((e = rule_expr_compile(text, NULL, events, &rerr))) {
		for (int k = 0; k < 3; k++)
			rule_expr_eval(e, &c, &ev[k]);
		rule_expr_free(e);
	} else if (!memchr(rerr.msg, '\0', sizeof(rerr.msg)) || rerr.offset > size) {
		abort();
	}
	free(text);
	return 0;
}
