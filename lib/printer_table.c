/* printer_table.c - the table and table-verbose formats, as Tracee prints them.
 *
 * table: the header line is exactly
 *   TIME(s)        UID    COMM             PID     TID     RET              EVENT                ARGS
 * and each row is what this printf would give (it is built without printf):
 *   "%-14f %-6u %-16s %-7u %-7u %-16lld %-20s " then "name: value" pairs
 *   joined by ", ", then "\n"
 * with TIME = ts / 1e9 (seconds since boot, 6 decimals, rounded to the
 * nearest microsecond), UID, COMM, PID, TID, RET = hdr->retval (a syscall's
 * error with its errno name in the same column: "-2 ENOENT") and
 * EVENT = the event's name.
 *
 * table-verbose: the header line is exactly
 *   TIME(s)        UTS_NAME         MNT_NS       PID_NS       UID    COMM             PID/host        TID/host        PPID/host       RET              EVENT                ARGS
 * and each row:
 *   "%-14f %-16s %-12u %-12u %-6u %-16s %-7u/%-7u %-7u/%-7u %-7u/%-7u %-16lld %-20s "
 *   (TIME, UTS_NAME, MNT_NS, PID_NS, UID, COMM, pid/host_pid, tid/host_tid,
 *   ppid/host_ppid, RET, EVENT) then the arguments as in table.
 *
 * Like printf, a value wider than its column pushes the rest of the row
 * right; nothing is cut. COMM and UTS_NAME (16 bytes from the kernel, maybe
 * without a NUL) keep their byte width: control bytes, C1 controls and bytes
 * that are not UTF-8 are shown as '?'. Argument values are formatted by
 * argfmt_value (strings keep to one line: \n, \t, \r, \xNN).
 */
#include <string.h>
#include "argfmt.h"
#include "printer.h"

static const char header[] =
	"TIME(s)        UID    COMM             PID     TID     RET              EVENT                ARGS\n";
/* In container modes (--trace container:...), as Tracee: the UTS name
 * (Docker sets it to the container id) and pids as "%-7u/%-7u": in the
 * container / on the host. */
static const char header_container[] =
	"TIME(s)        UTS_NAME         UID    COMM             PID/host        TID/host        "
	"RET              EVENT                ARGS\n";
static const char header_verbose[] =
	"TIME(s)        UTS_NAME         MNT_NS       PID_NS       UID    COMM             "
	"PID/host        TID/host        PPID/host       RET              EVENT                ARGS\n";

/* Room for every fixed column of a verbose row, with 20-digit numbers. */
#define ROW_RESERVE 512
#define NAME_MAX_INLINE 128

/* Spaces from p until the column that started at col is width wide. */
static char *pad_to(char *p, const char *col, size_t width)
{
	while ((size_t)(p - col) < width)
		*p++ = ' ';
	return p;
}

static char *col_u64(char *p, uint64_t v, size_t width)
{
	char *col = p;

	p = pad_to(outbuf_fmt_u64(p, v), col, width);
	*p++ = ' ';
	return p;
}

/* RET: "%-16lld ", and for a syscall's error its errno name: "-2 ENOENT". */
static char *col_ret(char *p, const struct event *ev)
{
	int64_t ret = ev->hdr->retval;
	const char *name = ev->def && ev->def->id < TRACEE_EVENT_BASE ? argfmt_errno_name(ret) : NULL;
	char *col = p;

	p = outbuf_fmt_i64(p, ret);
	if (name) {
		size_t n = strlen(name);

		*p++ = ' ';
		memcpy(p, name, n);
		p += n;
	}
	p = pad_to(p, col, 16);
	*p++ = ' ';
	return p;
}

/* "%-7u/%-7u " */
static char *col_pair(char *p, uint32_t ns_id, uint32_t host_id)
{
	char *col = p;

	p = pad_to(outbuf_fmt_u64(p, ns_id), col, 7);
	*p++ = '/';
	col = p;
	p = pad_to(outbuf_fmt_u64(p, host_id), col, 7);
	*p++ = ' ';
	return p;
}

/* "%-14f ": seconds since boot, rounded to microseconds. */
static char *col_time(char *p, uint64_t ns)
{
	uint64_t us = ns / 1000 + (ns % 1000 >= 500);
	uint32_t frac = (uint32_t)(us % 1000000);
	char *col = p;

	p = outbuf_fmt_u64(p, us / 1000000);
	*p++ = '.';
	for (int i = 5; i >= 0; i--) {
		p[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	p = pad_to(p + 6, col, 14);
	*p++ = ' ';
	return p;
}

/* Commit what was written up to p (inside space from outbuf_reserve). */
static void commit_to(struct outbuf *out, char *p)
{
	outbuf_commit(out, (size_t)(p - (out->buf + out->len)));
}

/* "%-16s " of a kernel name of up to max bytes, maybe without a NUL. The
 * common all-printable name is copied in place; anything else goes through
 * outbuf_text, and the row continues in freshly reserved space. */
static char *col_name(struct outbuf *out, char *p, const char *s, size_t max, size_t width)
{
	size_t n = strnlen(s, max);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f) {
			commit_to(out, p);
			outbuf_text(out, s, n, '?');
			outbuf_pad(out, "", 0, (n < width ? width - n : 0) + 1);
			return outbuf_reserve(out, ROW_RESERVE);
		}
		p[i] = (char)c;
	}
	p = pad_to(p + n, p, width);
	*p++ = ' ';
	return p;
}

/* "name: value, name: value" */
static void args_text(struct outbuf *out, const struct event *ev)
{
	for (unsigned i = 0; i < ev->argc && i < TRACEE_MAX_ARGS; i++) {
		const struct event_arg *a = &ev->args[i];
		const char *an = a->def && a->def->name ? a->def->name : "?";

		if (i > 0)
			outbuf_put(out, ", ", 2);
		outbuf_puts(out, an);
		outbuf_put(out, ": ", 2);
		argfmt_value(out, a, false);
	}
}

/* A detection's ARGS: its id, severity and MITRE data, its own data, then
 * the event that raised it with that event's arguments:
 *   id: TRC-102, severity: 1, mitre: T1622 Debugger Evasion (defense-evasion),
 *   triggeredBy: ptrace {request: PTRACE_TRACEME, pid: 0, ...} */
static void detection_args(struct outbuf *out, const struct event *ev)
{
	const struct sig_def *s = ev->def->sig;
	char sev[2] = { (char)('0' + (s->severity & 3)), '\0' };

	outbuf_puts(out, "id: ");
	outbuf_puts(out, s->trc_id);
	outbuf_puts(out, ", severity: ");
	outbuf_puts(out, sev);
	if (s->mitre_id[0] || s->technique[0]) {
		outbuf_puts(out, ", mitre: ");
		outbuf_puts(out, s->mitre_id);
		if (s->mitre_id[0] && s->technique[0])
			outbuf_putc(out, ' ');
		outbuf_puts(out, s->technique);
	}
	if (s->category[0]) {
		outbuf_puts(out, " (");
		outbuf_puts(out, s->category);
		outbuf_putc(out, ')');
	}
	if (ev->argc) {
		outbuf_put(out, ", ", 2);
		args_text(out, ev);
	}
	if (ev->trigger && ev->trigger->def) {
		outbuf_puts(out, ", triggeredBy: ");
		outbuf_puts(out, ev->trigger->def->name);
		outbuf_puts(out, " {");
		args_text(out, ev->trigger);
		outbuf_putc(out, '}');
	}
}

/* "%-20s " of the event name, then the arguments and the newline. */
static void row_end(struct outbuf *out, char *p, const struct event *ev)
{
	const char *name = ev->def && ev->def->name ? ev->def->name : "unknown";
	size_t n = strlen(name);

	if (n <= NAME_MAX_INLINE) {
		memcpy(p, name, n);
		p = pad_to(p + n, p, 20);
		*p++ = ' ';
		commit_to(out, p);
	} else {
		commit_to(out, p);
		outbuf_pad(out, name, n, 20);
		outbuf_putc(out, ' ');
	}

	if (event_is_detection(ev->def))
		detection_args(out, ev);
	else
		args_text(out, ev);
	outbuf_putc(out, '\n');
}

static int table_open(struct outbuf *out)
{
	outbuf_put(out, header, sizeof(header) - 1);
	return 0;
}

static void table_print(struct outbuf *out, const struct event *ev)
{
	const struct event_header *h = ev->hdr;
	char *p = outbuf_reserve(out, ROW_RESERVE);

	p = col_time(p, h->ts);
	p = col_u64(p, h->uid, 6);
	p = col_name(out, p, h->comm, TRACEE_COMM_LEN, 16);
	p = col_u64(p, h->pid, 7);
	p = col_u64(p, h->tid, 7);
	p = col_ret(p, ev);
	row_end(out, p, ev);
}

static int verbose_open(struct outbuf *out)
{
	outbuf_put(out, header_verbose, sizeof(header_verbose) - 1);
	return 0;
}

static void verbose_print(struct outbuf *out, const struct event *ev)
{
	const struct event_header *h = ev->hdr;
	char *p = outbuf_reserve(out, ROW_RESERVE);

	p = col_time(p, h->ts);
	p = col_name(out, p, h->uts_name, TRACEE_UTS_LEN, 16);
	p = col_u64(p, h->mnt_ns, 12);
	p = col_u64(p, h->pid_ns, 12);
	p = col_u64(p, h->uid, 6);
	p = col_name(out, p, h->comm, TRACEE_COMM_LEN, 16);
	p = col_pair(p, h->pid, h->host_pid);
	p = col_pair(p, h->tid, h->host_tid);
	p = col_pair(p, h->ppid, h->host_ppid);
	p = col_ret(p, ev);
	row_end(out, p, ev);
}

const struct printer printer_table = {
	.name = "table",
	.help = "Tracee's columns: TIME UID COMM PID TID RET EVENT ARGS",
	.open = table_open,
	.print_event = table_print,
	.print_stats = printer_default_stats,
};

const struct printer printer_table_verbose = {
	.name = "table-verbose",
	.help = "table plus UTS_NAME, MNT_NS, PID_NS and PPID, with host pids",
	.open = verbose_open,
	.print_event = verbose_print,
	.print_stats = printer_default_stats,
};

static int container_open(struct outbuf *out)
{
	outbuf_put(out, header_container, sizeof(header_container) - 1);
	return 0;
}

static void container_print(struct outbuf *out, const struct event *ev)
{
	const struct event_header *h = ev->hdr;
	char *p = outbuf_reserve(out, ROW_RESERVE);

	p = col_time(p, h->ts);
	p = col_name(out, p, h->uts_name, TRACEE_UTS_LEN, 16);
	p = col_u64(p, h->uid, 6);
	p = col_name(out, p, h->comm, TRACEE_COMM_LEN, 16);
	p = col_pair(p, h->pid, h->host_pid);
	p = col_pair(p, h->tid, h->host_tid);
	p = col_ret(p, ev);
	row_end(out, p, ev);
}

/* Not chosen by name: tracee uses it for "table" in container modes. */
const struct printer printer_table_container = {
	.name = "table",
	.help = "table in container modes: UTS_NAME, PID/host, TID/host",
	.open = container_open,
	.print_event = container_print,
	.print_stats = printer_default_stats,
};
