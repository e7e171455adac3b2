/* test_json.c - the JSON printer's caches (the task's fields per thread, the
 * event's names per event id) never change a byte of output: every line is
 * compared with the same event printed through a copy of its table row,
 * which the printer does not cache. */
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "printer.h"
#include "testutil.h"

static char buf[1 << 16];
static struct outbuf ob = { .fd = -1, .cap = sizeof(buf), .buf = buf };
static char line[2][1 << 15];

/* The output so far as a string in line[which]; empties the buffer. */
static const char *take(int which)
{
	size_t n = ob.len < sizeof(line[0]) - 1 ? ob.len : sizeof(line[0]) - 1;

	memcpy(line[which], buf, n);
	line[which][n] = '\0';
	ob.len = 0;
	return line[which];
}

/* openat as the decoder makes it, its arguments pointing into def. */
static struct event openat(const struct event_header *h, const struct event_def *def, unsigned argc)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.hdr = h;
	ev.def = def;
	ev.container_id = "";
	ev.argc = argc;
	for (unsigned i = 0; i < 4; i++)
		ev.args[i].def = &def->args[i];
	ev.args[0].kind = ARG_INT;
	ev.args[0].num = -100;
	ev.args[1].kind = ARG_STR;
	ev.args[1].data = "/etc/hostname";
	ev.args[1].len = 13;
	ev.args[2].kind = ARG_INT;
	ev.args[2].num = 0x80000;
	ev.args[3].kind = ARG_UINT;
	ev.args[3].num = 0644;
	return ev;
}

/* Print ev as it is (cached when its def is the table's row) and through
 * copy (never cached); both lines must be equal. Returns the line. */
static const char *same_both_ways(const struct event *ev, const struct event_def *copy)
{
	struct event other = *ev;

	other.def = copy;
	for (unsigned i = 0; i < TRACEE_MAX_ARGS; i++)
		other.args[i].def = &copy->args[i];
	printer_json.print_event(&ob, ev);
	take(0);
	printer_json.print_event(&ob, &other);
	take(1);
	CHECK_STR(line[0], line[1]);
	return line[0];
}

static void test_cached_lines(void)
{
	const struct event_def *row = events_by_id(257);
	static struct event_def copy;
	struct event_header h = sample_hdr(14727), h2 = sample_hdr(14727 + 64);
	struct event ev;

	CHECK(row != NULL && row->argnum == 4);
	if (!row)
		return;
	copy = *row;
	ev = openat(&h, row, 4);
	CHECK(strstr(same_both_ways(&ev, &copy), "\"eventId\":\"257\",\"eventName\":\"openat\","
		     "\"argsNum\":4,\"returnValue\":3,\"args\":[{\"name\":\"dirfd\"") != NULL);
	CHECK(strstr(line[0], "{\"name\":\"pathname\",\"type\":\"const char*\",\"value\":"
		     "\"/etc/hostname\"}") != NULL);
	same_both_ways(&ev, &copy);     /* from the caches this time */

	/* each field of the task, changed under the same thread */
	h.pid = 7;
	CHECK(strstr(same_both_ways(&ev, &copy), "\"processId\":7,") != NULL);
	memcpy(h.comm, "\"quoted\xff\x01zzzzzzzz", 16);
	CHECK(strstr(same_both_ways(&ev, &copy), "\"processName\":\"\\\"quoted\\u00ff\\u0001zzzzzzz\"") != NULL);
	memcpy(h.uts_name, "host2", 6);
	CHECK(strstr(same_both_ways(&ev, &copy), "\"hostName\":\"host2\"") != NULL);
	h.uid = 0;
	h.mnt_ns = 1;
	h.pid_ns = 2;
	h.ppid = 3;
	h.host_ppid = 4;
	h.host_pid = 5;
	h.tid = 6;
	CHECK(strstr(same_both_ways(&ev, &copy), "\"processId\":7,\"threadId\":6,\"parentProcessId\":3,"
		     "\"hostProcessId\":5,\"hostThreadId\":14727,\"hostParentProcessId\":4,\"userId\":0,"
		     "\"mountNamespace\":1,\"pidNamespace\":2,") != NULL);
	ev.container_id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	CHECK(strstr(same_both_ways(&ev, &copy), "\"containerId\":\"0123456789abcdef") != NULL);
	ev.container_id = NULL;
	CHECK(strstr(same_both_ways(&ev, &copy), "\"containerId\":\"\",") != NULL);
	/* longer than any container id: printed, not cached */
	char long_id[200];
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	ev.container_id = long_id;
	same_both_ways(&ev, &copy);
	ev.container_id = "";

	/* two threads sharing a cache slot, in turns */
	struct event ev2 = openat(&h2, row, 4);
	for (int i = 0; i < 3; i++) {
		CHECK(strstr(same_both_ways(&ev, &copy), "\"hostThreadId\":14727,") != NULL);
		CHECK(strstr(same_both_ways(&ev2, &copy), "\"hostThreadId\":14791,") != NULL);
	}

	/* fewer arguments than the row has; other values, other return */
	ev.argc = 2;
	h.retval = -2;
	h.ts = 1;
	CHECK(strstr(same_both_ways(&ev, &copy), "\"timestamp\":1,") != NULL);
	CHECK(strstr(line[0], "\"argsNum\":2,\"returnValue\":-2,") != NULL);
	CHECK(strstr(line[0], "\"flags\"") == NULL);
	ev.argc = 0;
	CHECK(strstr(same_both_ways(&ev, &copy), "\"args\":[]}\n") != NULL);

	/* an event id whose def is not the table's row: the row's names are not used */
	ev.argc = 4;
	copy.name = "not_openat";
	printer_json.print_event(&ob, &ev);
	CHECK(strstr(take(0), "\"eventName\":\"openat\"") != NULL);
	struct event fake = ev;
	fake.def = &copy;
	printer_json.print_event(&ob, &fake);
	CHECK(strstr(take(0), "\"eventName\":\"not_openat\"") != NULL);
}

/* Every event of the table, each argument count: cached and uncached agree. */
static void test_every_event(void)
{
	const struct event_def *d;
	static struct event_def copy;
	struct event_header h = sample_hdr(100);
	size_t n = 0, same = 0;

	for (size_t i = 0; (d = events_at(i)); i++) {
		struct event ev;

		memset(&ev, 0, sizeof(ev));
		copy = *d;
		h.event_id = (unsigned)d->id;
		ev.hdr = &h;
		ev.def = d;
		ev.container_id = "";
		ev.argc = d->argnum;
		for (unsigned a = 0; a < d->argnum && a < TRACEE_MAX_ARGS; a++) {
			ev.args[a].def = &d->args[a];
			ev.args[a].kind = ARG_NONE;
		}
		for (int twice = 0; twice < 2; twice++) {
			struct event other = ev;

			other.def = &copy;
			for (unsigned a = 0; a < TRACEE_MAX_ARGS; a++)
				other.args[a].def = &copy.args[a];
			printer_json.print_event(&ob, &ev);
			take(0);
			printer_json.print_event(&ob, &other);
			take(1);
			n++;
			same += strcmp(line[0], line[1]) == 0;
		}
	}
	CHECK(n > 600);
	CHECK_INT(same, n);
}

int main(void)
{
	test_cached_lines();
	test_every_event();
	return check_report("json");
}
