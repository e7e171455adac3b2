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
 * valid JSON and UTF-8 whatever bytes a process handed over.
 *
 * A detection (lib/signatures/) prints the same way, with its triggering
 * event's process fields, its name as eventName and its data as args, plus
 * a last argument "triggeredBy" (the triggering event's id, name, args and
 * returnValue) and a "metadata" object, as later Tracee's detection events:
 *   ..."args":[...,{"name":"triggeredBy","type":"unknown","value":{...}}],
 *   "metadata":{"Version":"1","Description":"...","Tags":["linux"],
 *   "Properties":{"Category":"defense-evasion","Severity":1,"Technique":"...",
 *   "external_id":"T1622","signatureID":"TRC-102","signatureName":"..."}} Built directly
 * in the output buffer: no printf, no allocation.
 *
 * Most of a line does not change from one event to the next: the task's
 * fields (processId .. containerId) stay the same for every event of a
 * thread, and the event's name and argument names and types for every event
 * of its kind. Both are formatted once and then copied: the task part is kept
 * per thread in a small cache (checked field by field, so a change is never
 * missed), the event part per event id in a static arena. Only the
 * timestamp, the return value and the argument values are formatted for
 * every event.
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

/* An outbuf over a fixed array that never writes anywhere: formatting past
 * its end fails the (impossible) write and marks it broken. */
static struct outbuf fixed_outbuf(char *buf, size_t cap)
{
	return (struct outbuf){ .fd = -1, .cap = cap, .buf = buf };
}

/* ---- the task's fields: ,"processId":1, ... ,"containerId":"" ---- */

static void task_fields(struct outbuf *out, const struct event_header *h, const char *cid)
{
	char *p = outbuf_reserve(out, HEAD_RESERVE);

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
	json_cstr(out, cid);
}

/* What task_fields reads; two events with equal keys print the same. */
#define CID_MAX 72
struct task_key {
	unsigned int pid, tid, ppid, host_pid, host_tid, host_ppid, uid, mnt_ns, pid_ns;
	char comm[TRACEE_COMM_LEN];
	char uts_name[TRACEE_UTS_LEN];
	char cid[CID_MAX];
};

#define TASK_SLOTS 64           /* by host tid; a power of two */
#define TASK_TEXT_MAX 1024      /* longest possible text is under 700 bytes */
struct task_slot {
	struct task_key key;
	unsigned short len;     /* 0: empty */
	char text[TASK_TEXT_MAX];
};
static struct task_slot task_slots[TASK_SLOTS];

/* The key of h; false when it cannot be one (a container id too long). */
static bool task_key_of(struct task_key *k, const struct event_header *h, const char *cid)
{
	size_t n = cid ? strnlen(cid, CID_MAX) : 0;

	if (n == CID_MAX)
		return false;
	memset(k, 0, sizeof(*k));
	k->pid = h->pid;
	k->tid = h->tid;
	k->ppid = h->ppid;
	k->host_pid = h->host_pid;
	k->host_tid = h->host_tid;
	k->host_ppid = h->host_ppid;
	k->uid = h->uid;
	k->mnt_ns = h->mnt_ns;
	k->pid_ns = h->pid_ns;
	memcpy(k->comm, h->comm, sizeof(k->comm));
	memcpy(k->uts_name, h->uts_name, sizeof(k->uts_name));
	if (n)
		memcpy(k->cid, cid, n);
	return true;
}

/* The task's fields from the cache, formatted into it first when missing. */
static void task_part(struct outbuf *out, const struct event_header *h, const char *cid)
{
	struct task_slot *s = &task_slots[h->host_tid & (TASK_SLOTS - 1)];
	struct task_key k;

	if (!task_key_of(&k, h, cid)) {
		task_fields(out, h, cid);
		return;
	}
	if (!s->len || memcmp(&s->key, &k, sizeof(k)) != 0) {
		struct outbuf t = fixed_outbuf(s->text, sizeof(s->text));

		task_fields(&t, h, cid);
		if (t.broken) {
			s->len = 0;
			task_fields(out, h, cid);
			return;
		}
		s->key = k;
		s->len = (unsigned short)t.len;
	}
	outbuf_put(out, s->text, s->len);
}

/* ---- the event's part: ,"eventId":"257","eventName":"openat" and, per
 * argument, {"name":"dirfd","type":"int","value": (comma-led after the first) ---- */

static void event_head(struct outbuf *out, const struct event *ev)
{
	char *p = outbuf_reserve(out, GLUE_RESERVE);

	LIT(p, ",\"eventId\":\"");
	p = outbuf_fmt_u64(p, ev->hdr->event_id);
	LIT(p, "\",\"eventName\":");
	commit_to(out, p);
	json_cstr(out, ev->def ? ev->def->name : NULL);
}

static void arg_head(struct outbuf *out, const struct arg_def *a, unsigned i)
{
	char *p = outbuf_reserve(out, GLUE_RESERVE);

	if (i > 0)
		*p++ = ',';
	LIT(p, "{\"name\":");
	commit_to(out, p);
	json_cstr(out, a ? a->name : NULL);
	p = outbuf_reserve(out, GLUE_RESERVE);
	LIT(p, ",\"type\":");
	commit_to(out, p);
	json_cstr(out, a ? a->type : NULL);
	p = outbuf_reserve(out, GLUE_RESERVE);
	LIT(p, ",\"value\":");
	commit_to(out, p);
}

/* text[0..off[0]) is the head; argument i's part is text[off[i]..off[i+1]),
 * for i below the event's argnum. */
struct event_text {
	unsigned short off[TRACEE_MAX_ARGS + 1];
	char text[];
};

#define EVENT_ARENA (256 * 1024)        /* all of them take about 150 KiB */
#define EVENT_TEXT_MAX 4096
static _Alignas(struct event_text) char event_arena[EVENT_ARENA];
static size_t event_arena_used;
static struct event_text *event_texts[TRACEE_MAX_EVENTS];
static bool event_text_failed[TRACEE_MAX_EVENTS];

/* Format an event kind's part once, into the arena; NULL when it does not
 * fit (the caller formats it every time instead). */
static struct event_text *event_text_make(const struct event *ev)
{
	char tmp[EVENT_TEXT_MAX];
	struct outbuf t = fixed_outbuf(tmp, sizeof(tmp));
	const struct event_def *d = ev->def;
	size_t need, align = _Alignof(struct event_text);
	struct event_text *et;
	unsigned short off[TRACEE_MAX_ARGS + 1];

	memset(off, 0, sizeof(off));
	event_head(&t, ev);
	off[0] = (unsigned short)t.len;
	for (unsigned i = 0; i < d->argnum; i++) {
		arg_head(&t, &d->args[i], i);
		off[i + 1] = (unsigned short)t.len;
	}
	need = (sizeof(*et) + t.len + align - 1) & ~(align - 1);
	if (t.broken || EVENT_ARENA - event_arena_used < need)
		return NULL;
	et = (struct event_text *)(event_arena + event_arena_used);
	event_arena_used += need;
	memcpy(et->off, off, sizeof(off));
	memcpy(et->text, tmp, t.len);
	return et;
}

/* Only the table's own rows are kept: an event made up elsewhere (a test,
 * a fuzzer) may reuse an id with other names. */
static const struct event_text *event_text_of(const struct event *ev)
{
	unsigned id = ev->hdr->event_id;

	if (id >= TRACEE_MAX_EVENTS || !ev->def || ev->def != events_by_id((int)id) ||
	    ev->def->argnum > TRACEE_MAX_ARGS)
		return NULL;
	if (!event_texts[id] && !event_text_failed[id]) {
		event_texts[id] = event_text_make(ev);
		event_text_failed[id] = !event_texts[id];
	}
	return event_texts[id];
}

static bool arg_def_is_table_row(const struct event *ev, unsigned i)
{
	return i < ev->def->argnum && ev->args[i].def == &ev->def->args[i];
}

/* The argument objects, each {"name":..,"type":..,"value":..}. */
static void json_args(struct outbuf *out, const struct event *ev, const struct event_text *et,
		      unsigned argc)
{
	for (unsigned i = 0; i < argc; i++) {
		const struct event_arg *a = &ev->args[i];

		if (et && arg_def_is_table_row(ev, i))
			outbuf_put(out, et->text + et->off[i], et->off[i + 1] - et->off[i]);
		else
			arg_head(out, a->def, i);
		argfmt_value(out, a, true);
		outbuf_putc(out, '}');
	}
}

/* A detection's last argument, as later Tracee: the event that raised it,
 * {"name":"triggeredBy","type":"unknown","value":{"id":..,"name":..,
 * "args":[..],"returnValue":..}}. */
static void json_trigger(struct outbuf *out, const struct event *t, unsigned i)
{
	static const struct arg_def trig = { "unknown", "triggeredBy", ARG_NONE, FMT_DEFAULT };
	unsigned argc = t->argc < TRACEE_MAX_ARGS ? t->argc : TRACEE_MAX_ARGS;
	char *p;

	arg_head(out, &trig, i);
	p = outbuf_reserve(out, GLUE_RESERVE);
	LIT(p, "{\"id\":");
	p = outbuf_fmt_u64(p, t->hdr->event_id);
	LIT(p, ",\"name\":");
	commit_to(out, p);
	json_cstr(out, t->def ? t->def->name : NULL);
	outbuf_puts(out, ",\"args\":[");
	json_args(out, t, event_text_of(t), argc);
	p = outbuf_reserve(out, GLUE_RESERVE);
	LIT(p, "],\"returnValue\":");
	p = outbuf_fmt_i64(p, t->hdr->retval);
	LIT(p, "}}");
	commit_to(out, p);
}

/* "key":"value" after a comma (first: no comma). */
static void json_kv(struct outbuf *out, const char *key, const char *value, bool first)
{
	if (!first)
		outbuf_putc(out, ',');
	json_cstr(out, key);
	outbuf_putc(out, ':');
	json_cstr(out, value);
}

/* ,"metadata":{...} of a detection, shaped as later Tracee's: Version,
 * Description, Tags, and Properties with the signature's id, name,
 * severity and MITRE ATT&CK data. */
static void json_metadata(struct outbuf *out, const struct sig_def *s)
{
	char *p;

	outbuf_puts(out, ",\"metadata\":{");
	json_kv(out, "Version", "1", true);
	json_kv(out, "Description", s->description, false);
	outbuf_puts(out, ",\"Tags\":[");
	for (const char *t = s->tags; t && *t; ) {
		size_t n = strcspn(t, ",");

		if (t != s->tags)
			outbuf_putc(out, ',');
		outbuf_json_str(out, t, n);
		t += n + (t[n] == ',');
	}
	outbuf_puts(out, "],\"Properties\":{");
	json_kv(out, "Category", s->category, true);
	p = outbuf_reserve(out, GLUE_RESERVE);
	LIT(p, ",\"Severity\":");
	p = outbuf_fmt_u64(p, s->severity);
	commit_to(out, p);
	json_kv(out, "Technique", s->technique, false);
	json_kv(out, "external_id", s->mitre_id, false);
	json_kv(out, "signatureID", s->trc_id, false);
	json_kv(out, "signatureName", s->title, false);
	outbuf_puts(out, "}}");
}

static void json_print(struct outbuf *out, const struct event *ev)
{
	const struct event_header *h = ev->hdr;
	const struct event_text *et = event_text_of(ev);
	unsigned argc = ev->argc < TRACEE_MAX_ARGS ? ev->argc : TRACEE_MAX_ARGS;
	char *p = outbuf_reserve(out, GLUE_RESERVE);

	LIT(p, "{\"timestamp\":");
	p = outbuf_fmt_u64(p, h->ts);
	commit_to(out, p);
	task_part(out, h, ev->container_id);
	if (et)
		outbuf_put(out, et->text, et->off[0]);
	else
		event_head(out, ev);

	p = outbuf_reserve(out, GLUE_RESERVE);
	LIT(p, ",\"argsNum\":");
	p = outbuf_fmt_u64(p, argc + (ev->trigger != NULL));
	LIT(p, ",\"returnValue\":");
	p = outbuf_fmt_i64(p, h->retval);
	LIT(p, ",\"args\":[");
	commit_to(out, p);

	json_args(out, ev, et, argc);
	if (ev->trigger)
		json_trigger(out, ev->trigger, argc);
	p = outbuf_reserve(out, GLUE_RESERVE);
	*p++ = ']';
	commit_to(out, p);
	if (event_is_detection(ev->def))
		json_metadata(out, ev->def->sig);
	p = outbuf_reserve(out, GLUE_RESERVE);
	if (ev->sha256) {       /* --capture exec: the executed file's digest */
		LIT(p, ",\"sha256\":\"");
		for (const char *s = ev->sha256; *s && s < ev->sha256 + 64; s++)
			*p++ = *s;
		*p++ = '"';
	}
	LIT(p, "}\n");
	commit_to(out, p);
}

const struct printer printer_json = {
	.name = "json",
	.help = "one JSON object per line, with Tracee's field names",
	.print_event = json_print,
	.print_stats = printer_default_stats,
};
