/* printer_json.c - one JSON object per line, with Tracee's field names:
 *
 * {"timestamp":176751746515000,"processId":1,"threadId":1,"parentProcessId":0,
 *  "hostProcessId":14726,"hostThreadId":14726,"hostParentProcessId":14700,
 *  "userId":1000,"mountNamespace":4026531840,"pidNamespace":4026531836,
 *  "processName":"cat","hostName":"myhost","containerId":"","eventId":"257",
 *  "eventName":"openat","argsNum":4,"returnValue":3,
 *  "args":[{"name":"dirfd","type":"int","value":-100},
 *          {"name":"pathname","type":"const char*","value":"/etc/hostname"},...]}
 *
 * (one line, no spaces). timestamp is in ns since boot; eventId is a string,
 * as Tracee's Go struct tagged it; hostName is the UTS name; argument values
 * are formatted by argfmt_value. Strings are escaped so that every line is
 * valid JSON and UTF-8 whatever bytes a process handed over. Built directly
 * in the output buffer: no printf, no allocation.
 */
#include <string.h>
#include "printer.h"

/* Copy a string literal at p and advance p. */
#define LIT(p, s) ((p) = (char *)memcpy((p), (s), sizeof(s) - 1) + sizeof(s) - 1)

/* Room for the keys and numbers written between two escaped strings. */
#define HEAD_RESERVE 512
#define GLUE_RESERVE 128

static void json_cstr(struct outbuf *out, const char *s)
{
	outbuf_json_str(out, s ? s : "", s ? strlen(s) : 0);
}

/* Commit what was written up to p (inside space from outbuf_reserve). */
static void commit_to(struct outbuf *out, char *p)
{
	outbuf_commit(out, (size_t)(p - (out->buf + out->len)));
}

static void json_print(struct outbuf *out, const struct event *ev)
{
	const struct event_header *h = ev->hdr;
	unsigned argc = ev->argc < TRACEE_MAX_ARGS ? ev->argc : TRACEE_MAX_ARGS;
	char *p = outbuf_reserve(out, HEAD_RESERVE);

	LIT(p, "{\"timestamp\":");
	p = outbuf_fmt_u64(p, h->ts);
	LIT(p, ",\"processId\":");
	p = outbuf_fmt_u64(p, h->pid);
	LIT(p, ",\"threadId\":");
	p = outbuf_fmt_u64(p, h->tid);
	LIT(p, ",\"parentProcessId\":");
	p = outbuf_fmt_u64(p, h->ppid);
	LIT(p, ",\"hostProcessId\":");
	p = outbuf_fmt_u64(p, h->host_pid);
	LIT(p, ",\"hostThreadId\":");
	p = outbuf_fmt_u64(p, h->host_tid);
	LIT(p, ",\"hostParentProcessId\":");
	p = outbuf_fmt_u64(p, h->host_ppid);
	LIT(p, ",\"userId\":");
	p = outbuf_fmt_u64(p, h->uid);
	LIT(p, ",\"mountNamespace\":");
	p = outbuf_fmt_u64(p, h->mnt_ns);
	LIT(p, ",\"pidNamespace\":");
	p = outbuf_fmt_u64(p, h->pid_ns);
	LIT(p, ",\"processName\":");
	commit_to(out, p);
	outbuf_json_str(out, h->comm, strnlen(h->comm, TRACEE_COMM_LEN));

	p = outbuf_reserve(out, GLUE_RESERVE);
	LIT(p, ",\"hostName\":");
	commit_to(out, p);
	outbuf_json_str(out, h->uts_name, strnlen(h->uts_name, TRACEE_UTS_LEN));

	p = outbuf_reserve(out, GLUE_RESERVE);
	LIT(p, ",\"containerId\":");
	commit_to(out, p);
	json_cstr(out, ev->container_id);

	p = outbuf_reserve(out, GLUE_RESERVE);
	LIT(p, ",\"eventId\":\"");
	p = outbuf_fmt_u64(p, h->event_id);
	LIT(p, "\",\"eventName\":");
	commit_to(out, p);
	json_cstr(out, ev->def ? ev->def->name : NULL);

	p = outbuf_reserve(out, GLUE_RESERVE);
	LIT(p, ",\"argsNum\":");
	p = outbuf_fmt_u64(p, argc);
	LIT(p, ",\"returnValue\":");
	p = outbuf_fmt_i64(p, h->retval);
	LIT(p, ",\"args\":[");
	commit_to(out, p);

	for (unsigned i = 0; i < argc; i++) {
		const struct event_arg *a = &ev->args[i];

		p = outbuf_reserve(out, GLUE_RESERVE);
		if (i > 0)
			*p++ = ',';
		LIT(p, "{\"name\":");
		commit_to(out, p);
		json_cstr(out, a->def ? a->def->name : NULL);
		p = outbuf_reserve(out, GLUE_RESERVE);
		LIT(p, ",\"type\":");
		commit_to(out, p);
		json_cstr(out, a->def ? a->def->type : NULL);
		p = outbuf_reserve(out, GLUE_RESERVE);
		LIT(p, ",\"value\":");
		commit_to(out, p);
		argfmt_value(out, a, true);
		outbuf_putc(out, '}');
	}
	p = outbuf_reserve(out, GLUE_RESERVE);
	LIT(p, "]}\n");
	commit_to(out, p);
}

const struct printer printer_json = {
	.name = "json",
	.help = "one JSON object per line, with Tracee's field names",
	.print_event = json_print,
	.print_stats = printer_default_stats,
};
