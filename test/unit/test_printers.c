/* test_printers.c - the output side: outbuf, argument formatting, and the
 * table, table-verbose and json printers, byte for byte. snprintf is the
 * oracle for the table rows (the printers themselves never use printf). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "printer.h"
#include "testutil.h"

static struct outbuf ob;
static int memfd;
static char got[1 << 17];

/* Flush ob and return everything written since the last take(). */
static const char *take(void)
{
	return memfd_take(&ob, memfd, got, sizeof(got));
}

/* --- test events ---------------------------------------------------------- */

static const struct event_def def_openat = {
	.id = 257, .name = "openat", .sets = "default,syscalls,fs", .argnum = 4,
	.args = {
		{ "int", "dirfd", ARG_INT, FMT_DEFAULT },
		{ "const char*", "pathname", ARG_STR, FMT_DEFAULT },
		{ "int", "flags", ARG_INT, FMT_DEFAULT },
		{ "mode_t", "mode", ARG_UINT, FMT_DEFAULT },
	},
};

static const struct event_def def_execve = {
	.id = 59, .name = "execve", .sets = "default,syscalls,proc", .argnum = 3,
	.args = {
		{ "const char*", "pathname", ARG_STR, FMT_DEFAULT },
		{ "const char*const*", "argv", ARG_STR_ARRAY, FMT_DEFAULT },
		{ "const char*const*", "envp", ARG_STR_ARRAY, FMT_DEFAULT },
	},
};

static const struct event_def def_misc = {
	.id = 9, .name = "mmap", .sets = "syscalls", .argnum = 6,
	.args = {
		{ "void*", "addr", ARG_PTR, FMT_DEFAULT },
		{ "size_t", "length", ARG_ULONG, FMT_DEFAULT },
		{ "int", "prot", ARG_INT, FMT_HEX },
		{ "int", "flags", ARG_INT, FMT_HEX },
		{ "const char*", "name", ARG_STR, FMT_DEFAULT },
		{ "void*", "buf", ARG_BYTES, FMT_DEFAULT },
	},
};

static struct event_header hdr(void)
{
	return sample_hdr(14727);
}

static void set_num(struct event *ev, unsigned i, unsigned char kind, int64_t v)
{
	ev->args[i].def = &ev->def->args[i];
	ev->args[i].kind = kind;
	ev->args[i].num = v;
}

static void set_data(struct event *ev, unsigned i, unsigned char kind, const char *s, uint32_t len)
{
	ev->args[i].def = &ev->def->args[i];
	ev->args[i].kind = kind;
	ev->args[i].data = s;
	ev->args[i].len = len;
}

/* Encode an ARG_STR_ARRAY as the decoder leaves it: count x (u32 len + bytes). */
static uint32_t encode_array(char *buf, const char *const *elems, uint32_t n)
{
	uint32_t off = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t l = (uint32_t)strlen(elems[i]);

		memcpy(buf + off, &l, sizeof(l));
		memcpy(buf + off + 4, elems[i], l);
		off += 4 + l;
	}
	return off;
}

static struct event openat_event(const struct event_header *h)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.hdr = h;
	ev.def = &def_openat;
	ev.container_id = "";
	ev.argc = 4;
	set_num(&ev, 0, ARG_INT, -100);
	set_data(&ev, 1, ARG_STR, "/etc/hostname", 13);
	set_num(&ev, 2, ARG_INT, 0);
	set_num(&ev, 3, ARG_UINT, 0);
	return ev;
}

/* --- outbuf ----------------------------------------------------------------- */

static void test_numbers(void)
{
	static const uint64_t u[] = { 0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000,
		12345, 4026531840u, 99999999999ull, 18446744073709551615ull };
	static const int64_t s[] = { 0, -1, 1, -100, 4096, INT64_MAX, INT64_MIN };
	char want[64];

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		outbuf_u64(&ob, u[i]);
		snprintf(want, sizeof(want), "%llu", (unsigned long long)u[i]);
		CHECK_STR(take(), want);
		outbuf_hex(&ob, u[i]);
		snprintf(want, sizeof(want), "0x%llx", (unsigned long long)u[i]);
		CHECK_STR(take(), want);
	}
	/* every digit-count boundary */
	int bad = 0;
	for (uint64_t p10 = 1, i = 0; i < 20; i++, p10 *= 10) {
		uint64_t vals[3] = { p10 - 1, p10, p10 + 1 };

		for (int k = 0; k < 3; k++) {
			outbuf_u64(&ob, vals[k]);
			snprintf(want, sizeof(want), "%llu", (unsigned long long)vals[k]);
			bad += strcmp(take(), want) != 0;
		}
	}
	CHECK_INT(bad, 0);
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		outbuf_i64(&ob, s[i]);
		snprintf(want, sizeof(want), "%lld", (long long)s[i]);
		CHECK_STR(take(), want);
	}
}

static void test_pad_put(void)
{
	outbuf_pad(&ob, "ab", 2, 5);
	outbuf_putc(&ob, '|');
	outbuf_pad(&ob, "abcdef", 6, 3);
	outbuf_putc(&ob, '|');
	outbuf_pad(&ob, "", 0, 0);
	outbuf_pad(&ob, "xyz", 3, 3);
	outbuf_puts(&ob, "|end");
	CHECK_STR(take(), "ab   |abcdef|xyz|end");

	char *p = outbuf_reserve(&ob, 4);
	CHECK(p != NULL);
	memcpy(p, "abcd", 4);
	outbuf_commit(&ob, 3);
	CHECK_STR(take(), "abc");
	CHECK(outbuf_reserve(&ob, ob.cap + 1) == NULL);
}

static void json(const char *s, size_t n, const char *want)
{
	outbuf_json_str(&ob, s, n);
	CHECK_STR(take(), want);
}

static void test_json_escape(void)
{
	json("", 0, "\"\"");
	json("/etc/hostname", 13, "\"/etc/hostname\"");
	json("a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"");
	json("\n\t\r\b\f", 5, "\"\\n\\t\\r\\b\\f\"");
	json("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	json("a\0b", 3, "\"a\\u0000b\"");
	json("\xff", 1, "\"\\u00ff\"");
	json("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");                    /* é passes */
	json("\xe2\x82\xac\xf0\x9f\x98\x80", 7, "\"\xe2\x82\xac\xf0\x9f\x98\x80\"");  /* € 😀 */
	json("x\xc3", 2, "\"x\\u00c3\"");                             /* cut sequence */
	json("\xc3(", 2, "\"\\u00c3(\"");                              /* bad continuation */
	json("\xc0\xaf", 2, "\"\\u00c0\\u00af\"");                     /* overlong */
	json("\xe0\x80\xaf", 3, "\"\\u00e0\\u0080\\u00af\"");         /* overlong */
	json("\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"");         /* surrogate */
	json("\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\""); /* > U+10FFFF */
	json("\x80", 1, "\"\\u0080\"");                               /* lone continuation */
}

static void text(const char *s, size_t n, char subst, const char *want)
{
	outbuf_text(&ob, s, n, subst);
	CHECK_STR(take(), want);
}

static void test_text(void)
{
	text("plain /path\\x", 13, 0, "plain /path\\x");
	text("a\nb\tc\rd\x01\x7f", 9, 0, "a\\nb\\tc\\rd\\x01\\x7f");
	text("a\0b", 3, 0, "a\\x00b");
	text("caf\xc3\xa9 \xff", 7, 0, "caf\xc3\xa9 \\xff");
	text("\x1b[31m", 5, 0, "\\x1b[31m");
	text("\xc2\x9b" "1m", 4, 0, "\\xc2\\x9b1m");          /* C1 CSI */
	text("\xc2\xa0", 2, 0, "\xc2\xa0");                  /* U+00A0 passes */
	text("a\nb\xff\xc2\x9b", 6, '?', "a?b???");
}

/* Output bigger than the buffer: flushes in the middle of an escaped string
 * and a put larger than the whole buffer still give the exact bytes. */
static void test_big(void)
{
	static char in[30000], want[1 << 17];
	size_t w = 0;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)(i % 7 == 0 ? '\n' : 'a' + i % 26);
	outbuf_put(&ob, "x", 1);
	want[w++] = 'x';
	outbuf_json_str(&ob, in, sizeof(in));
	want[w++] = '"';
	for (size_t i = 0; i < sizeof(in); i++) {
		if (in[i] == '\n') {
			want[w++] = '\\';
			want[w++] = 'n';
		} else {
			want[w++] = in[i];
		}
	}
	want[w++] = '"';
	outbuf_put(&ob, in, sizeof(in));
	memcpy(want + w, in, sizeof(in));
	w += sizeof(in);
	want[w] = '\0';
	CHECK(ob.cap == OUTBUF_MIN_CAP);
	CHECK(strcmp(take(), want) == 0);
	CHECK(!ob.broken);

	/* table text across flushes: every byte 0x01 becomes \x01 */
	w = 0;
	for (size_t i = 0; i < sizeof(in); i++) {
		in[i] = (char)(i % 5 == 0 ? 1 : 'a' + i % 26);
		if (in[i] == 1) {
			memcpy(want + w, "\\x01", 4);
			w += 4;
		} else {
			want[w++] = in[i];
		}
	}
	want[w] = '\0';
	outbuf_text(&ob, in, sizeof(in), 0);
	CHECK(strcmp(take(), want) == 0);
}

/* A reader that went away: EPIPE marks the buffer broken, nothing crashes,
 * and further output is discarded. */
static void test_broken_pipe(void)
{
	struct outbuf b;
	int fds[2];

	signal(SIGPIPE, SIG_IGN);
	CHECK_INT(pipe(fds), 0);
	close(fds[0]);
	CHECK_INT(outbuf_init(&b, fds[1], 0), 0);
	CHECK_INT(b.cap, OUTBUF_DEFAULT_CAP);
	outbuf_puts(&b, "hello\n");
	CHECK(!b.broken);
	CHECK_INT(outbuf_flush(&b), -EPIPE);
	CHECK(b.broken);
	CHECK_INT(b.len, 0);
	outbuf_puts(&b, "more");
	outbuf_json_str(&b, "x\n", 2);
	struct event_header h = hdr();
	struct event ev = openat_event(&h);
	for (int i = 0; i < 5000; i++)
		printer_json.print_event(&b, &ev);
	CHECK(b.broken);
	CHECK(outbuf_flush(&b) < 0);
	close(fds[1]);
	outbuf_free(&b);
}

/* A slow reader on a non-blocking pipe: partial writes and EAGAIN are
 * retried until every byte is through. */
static void test_slow_reader(void)
{
	struct outbuf b;
	int fds[2], res[2], status;
	unsigned long long sum = 0, n = 0, got_sum = 0, got_n = 0;
	pid_t pid;

	CHECK_INT(pipe(fds), 0);
	CHECK_INT(pipe(res), 0);
	pid = fork();
	if (pid == 0) {
		char buf[1000];
		ssize_t r;

		close(fds[1]);
		close(res[0]);
		usleep(50000);
		while ((r = read(fds[0], buf, sizeof(buf))) > 0) {
			for (ssize_t i = 0; i < r; i++)
				sum = sum * 31 + (unsigned char)buf[i];
			n += (unsigned long long)r;
		}
		if (write(res[1], &sum, sizeof(sum)) < 0 || write(res[1], &n, sizeof(n)) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[0]);
	close(res[1]);
	fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
	CHECK_INT(outbuf_init(&b, fds[1], 1 << 18), 0);
	for (unsigned i = 0; i < 100000; i++) {
		char digits[24];
		int len = snprintf(digits, sizeof(digits), "%u\n", i);

		outbuf_u64(&b, i);
		outbuf_putc(&b, '\n');
		for (int k = 0; k < len; k++)
			sum = sum * 31 + (unsigned char)digits[k];
		n += (unsigned long long)len;
	}
	CHECK_INT(outbuf_flush(&b), 0);
	CHECK(!b.broken);
	close(fds[1]);
	CHECK(read(res[0], &got_sum, sizeof(got_sum)) == sizeof(got_sum));
	CHECK(read(res[0], &got_n, sizeof(got_n)) == sizeof(got_n));
	CHECK(got_n == n);
	CHECK(got_sum == sum);
	waitpid(pid, &status, 0);
	close(res[0]);
	outbuf_free(&b);
}

/* --- arguments --------------------------------------------------------------- */

static void value(const struct event_arg *a, bool as_json, const char *want)
{
	argfmt_value(&ob, a, as_json);
	CHECK_STR(take(), want);
}

static void test_argfmt(void)
{
	static const char *const argv[] = { "ls", "-la", "a b\n", "\"q\"" };
	char enc[256];
	struct event ev;
	uint32_t pos = 0, len = 0;

	memset(&ev, 0, sizeof(ev));
	ev.def = &def_misc;
	set_num(&ev, 0, ARG_PTR, 0x7ffd1234abcdll);
	value(&ev.args[0], false, "0x7ffd1234abcd");
	value(&ev.args[0], true, "\"0x7ffd1234abcd\"");
	set_num(&ev, 0, ARG_PTR, 0);
	value(&ev.args[0], false, "0x0");
	set_num(&ev, 1, ARG_ULONG, -1);
	value(&ev.args[1], false, "18446744073709551615");
	value(&ev.args[1], true, "18446744073709551615");
	set_num(&ev, 2, ARG_INT, 0x22);
	value(&ev.args[2], false, "0x22");             /* FMT_HEX */
	value(&ev.args[2], true, "\"0x22\"");
	set_num(&ev, 3, ARG_INT, -1);
	value(&ev.args[3], false, "0xffffffff");
	set_num(&ev, 3, ARG_NONE, 0);
	value(&ev.args[3], false, "<unreadable>");
	value(&ev.args[3], true, "null");
	set_data(&ev, 4, ARG_STR, "a\tb\n\"c\"\\", 8);
	value(&ev.args[4], false, "a\\tb\\n\"c\"\\");
	value(&ev.args[4], true, "\"a\\tb\\n\\\"c\\\"\\\\\"");
	set_data(&ev, 5, ARG_BYTES, "\x00\x01hi\xff", 5);
	value(&ev.args[5], false, "\\x00\\x01hi\\xff");
	value(&ev.args[5], true, "\"\\u0000\\u0001hi\\u00ff\"");
	set_data(&ev, 4, ARG_STR, "", 0);
	value(&ev.args[4], false, "");
	value(&ev.args[4], true, "\"\"");

	/* ARG_STR_ARRAY, walked and formatted */
	ev.def = &def_execve;
	set_data(&ev, 1, ARG_STR_ARRAY, enc, encode_array(enc, argv, 4));
	ev.args[1].count = 4;
	value(&ev.args[1], false, "[ls -la a b\\n \"q\"]");
	value(&ev.args[1], true, "[\"ls\",\"-la\",\"a b\\n\",\"\\\"q\\\"\"]");
	const char *s = event_arg_str_next(&ev.args[1], &pos, &len);
	CHECK(s && len == 2 && memcmp(s, "ls", 2) == 0);
	s = event_arg_str_next(&ev.args[1], &pos, &len);
	CHECK(s && len == 3 && memcmp(s, "-la", 3) == 0);
	set_data(&ev, 1, ARG_STR_ARRAY, enc, 0);
	value(&ev.args[1], false, "[]");
	value(&ev.args[1], true, "[]");

	/* malformed encodings stop the walk, never read past len */
	uint32_t big = 1000;
	memcpy(enc, &big, 4);
	set_data(&ev, 1, ARG_STR_ARRAY, enc, 10);
	pos = 0;
	CHECK(event_arg_str_next(&ev.args[1], &pos, &len) == NULL);
	value(&ev.args[1], true, "[]");
	set_data(&ev, 1, ARG_STR_ARRAY, enc, encode_array(enc, argv, 2) + 2);  /* 2 stray bytes */
	value(&ev.args[1], false, "[ls -la]");
	set_data(&ev, 1, ARG_STR_ARRAY, enc, encode_array(enc, argv, 2) - 1);  /* cut element */
	value(&ev.args[1], false, "[ls]");
	pos = 0;
	set_data(&ev, 1, ARG_STR, enc, 10);
	CHECK(event_arg_str_next(&ev.args[1], &pos, &len) == NULL);     /* wrong kind */
}

/* --- printers ---------------------------------------------------------------- */

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void test_table(void)
{
	struct event_header h = hdr();
	struct event ev = openat_event(&h);
	char want[1024];

	printer_table.open(&ob);
	CHECK_STR(take(), "TIME(s)        UID    COMM             PID     TID     RET              EVENT                ARGS\n");

	printer_table.print_event(&ob, &ev);
	snprintf(want, sizeof(want), "%-14f %-6d %-16s %-7d %-7d %-16lld %-20s %s\n",
		 (double)h.ts / 1e9, (int)h.uid, "cat", (int)h.pid, (int)h.tid, (long long)h.retval,
		 "openat", "dirfd: -100, pathname: /etc/hostname, flags: 0, mode: 0");
	CHECK_STR(take(), want);
	CHECK(starts_with(want, "176751.746515  1000   cat              1       2       3                openat               dirfd: -100,"));

	/* negative return, a 16-byte comm without NUL, tiny time, no args */
	h.retval = -2;
	memcpy(h.comm, "abcdefghijklmnop", 16);
	h.ts = 5000;
	h.uid = 0;
	ev.argc = 0;
	printer_table.print_event(&ob, &ev);
	snprintf(want, sizeof(want), "%-14f %-6d %-16.16s %-7d %-7d %-16s %-20s \n",
		 (double)h.ts / 1e9, 0, h.comm, (int)h.pid, (int)h.tid, "-2 ENOENT", "openat");
	CHECK_STR(take(), want);
	/* a return below -4095 is no errno; a number the kernel never names stays bare */
	h.retval = -4096;
	printer_table.print_event(&ob, &ev);
	CHECK(strstr(take(), " -4096            openat ") != NULL);
	h.retval = -41;
	printer_table.print_event(&ob, &ev);
	CHECK(strstr(take(), " -41              openat ") != NULL);
	h.retval = -512;    /* seen at a syscall exit interrupted by a signal */
	printer_table.print_event(&ob, &ev);
	CHECK(strstr(take(), " -512 ERESTARTSYS openat ") != NULL);

	/* rounding to the microsecond carries into the seconds; wide values
	 * push the row right, as printf does */
	h.ts = 1999999600;
	h.retval = INT64_MIN;
	h.pid = 4294967295u;
	memcpy(h.comm, "ls\0", 3);
	printer_table.print_event(&ob, &ev);
	snprintf(want, sizeof(want), "%-14f %-6d %-16s %-7u %-7d %-16lld %-20s \n",
		 (double)h.ts / 1e9, 0, "ls", h.pid, (int)h.tid, (long long)h.retval, "openat");
	CHECK_STR(take(), want);
	CHECK(starts_with(want, "2.000000       0      ls               4294967295 2       -9223372036854775808 openat "));

	/* control bytes in comm become '?', keeping the column */
	memcpy(h.comm, "a\nb\x1b[", 6);
	h.comm[6] = '\0';
	h.ts = 1000;
	h.retval = 0;
	h.pid = 7;
	printer_table.print_event(&ob, &ev);
	CHECK_STR(take(), "0.000001       0      a?b?[            7       2       0                openat               \n");

	/* execve with argv */
	static const char *const argv[] = { "ls", "-la" };
	char enc[64];
	memcpy(h.comm, "zsh", 4);
	h.ts = 176751746772000ull;
	h.uid = 1000;
	h.pid = h.tid = 14726;
	memset(&ev, 0, sizeof(ev));
	ev.hdr = &h;
	ev.def = &def_execve;
	ev.container_id = "";
	ev.argc = 3;
	set_data(&ev, 0, ARG_STR, "/usr/bin/ls", 11);
	set_data(&ev, 1, ARG_STR_ARRAY, enc, encode_array(enc, argv, 2));
	ev.args[1].count = 2;
	set_num(&ev, 2, ARG_NONE, 0);
	printer_table.print_event(&ob, &ev);
	CHECK_STR(take(), "176751.746772  1000   zsh              14726   14726   0                execve               "
		  "pathname: /usr/bin/ls, argv: [ls -la], envp: <unreadable>\n");
}

static void test_table_verbose(void)
{
	struct event_header h = hdr();
	struct event ev = openat_event(&h);
	char want[1024];

	printer_table_verbose.open(&ob);
	CHECK_STR(take(), "TIME(s)        UTS_NAME         MNT_NS       PID_NS       UID    COMM             "
		  "PID/host        TID/host        PPID/host       RET              EVENT                ARGS\n");

	printer_table_verbose.print_event(&ob, &ev);
	snprintf(want, sizeof(want),
		 "%-14f %-16s %-12u %-12u %-6u %-16s %-7u/%-7u %-7u/%-7u %-7u/%-7u %-16lld %-20s %s\n",
		 (double)h.ts / 1e9, "box", h.mnt_ns, h.pid_ns, h.uid, "cat", h.pid, h.host_pid,
		 h.tid, h.host_tid, h.ppid, h.host_ppid, (long long)h.retval, "openat",
		 "dirfd: -100, pathname: /etc/hostname, flags: 0, mode: 0");
	CHECK_STR(take(), want);

	/* columns line up with the header */
	const char *hdr_line = "TIME(s)        UTS_NAME         MNT_NS       PID_NS       UID    COMM             "
		"PID/host        TID/host        PPID/host       RET              ";
	CHECK(strlen(hdr_line) == (size_t)(strstr(want, "openat") - want));
	CHECK(strstr(want, "box              4026531840   4026531836   1000   cat              "
		      "1      /14726   2      /14727   0      /14700   3                openat               dirfd") != NULL);

	memcpy(h.uts_name, "0123456789abcdef", 16);     /* no NUL */
	h.retval = -13;
	h.ts = 999999;
	printer_table_verbose.print_event(&ob, &ev);
	snprintf(want, sizeof(want),
		 "%-14f %-16.16s %-12u %-12u %-6u %-16s %-7u/%-7u %-7u/%-7u %-7u/%-7u %-16s %-20s %s\n",
		 (double)h.ts / 1e9, h.uts_name, h.mnt_ns, h.pid_ns, h.uid, "cat", h.pid, h.host_pid,
		 h.tid, h.host_tid, h.ppid, h.host_ppid, "-13 EACCES", "openat",
		 "dirfd: -100, pathname: /etc/hostname, flags: 0, mode: 0");
	CHECK_STR(take(), want);
}

static void test_json_printer(void)
{
	struct event_header h = hdr();
	struct event ev = openat_event(&h);

	CHECK(printer_json.open == NULL || printer_json.open(&ob) == 0);
	CHECK_STR(take(), "");
	printer_json.print_event(&ob, &ev);
	CHECK_STR(take(),
		"{\"timestamp\":176751746515123,\"processId\":1,\"threadId\":2,\"parentProcessId\":0,"
		"\"hostProcessId\":14726,\"hostThreadId\":14727,\"hostParentProcessId\":14700,"
		"\"userId\":1000,\"mountNamespace\":4026531840,\"pidNamespace\":4026531836,"
		"\"processName\":\"cat\",\"hostName\":\"box\",\"containerId\":\"\",\"eventId\":\"257\","
		"\"eventName\":\"openat\",\"argsNum\":4,\"returnValue\":3,\"args\":["
		"{\"name\":\"dirfd\",\"type\":\"int\",\"value\":-100},"
		"{\"name\":\"pathname\",\"type\":\"const char*\",\"value\":\"/etc/hostname\"},"
		"{\"name\":\"flags\",\"type\":\"int\",\"value\":0},"
		"{\"name\":\"mode\",\"type\":\"mode_t\",\"value\":0}]}\n");

	/* hostile strings, 16-byte names without NUL, negative return, argv,
	 * container id, an unreadable argument */
	static const char *const argv[] = { "sh", "-c", "echo \"hi\"\\\n\t\x01\xff\xc3\xa9" };
	char enc[128];
	memcpy(h.comm, "\"q\\\x7f\xff\xc3\xa9zzzzzzzzzz", 16);
	memcpy(h.uts_name, "0123456789abcdef", 16);
	h.retval = -2;
	h.event_id = 59;
	memset(&ev, 0, sizeof(ev));
	ev.hdr = &h;
	ev.def = &def_execve;
	ev.container_id = "abc123";
	ev.argc = 3;
	set_data(&ev, 0, ARG_STR, "/bin/\0sh", 8);
	set_data(&ev, 1, ARG_STR_ARRAY, enc, encode_array(enc, argv, 3));
	ev.args[1].count = 3;
	set_num(&ev, 2, ARG_NONE, 0);
	printer_json.print_event(&ob, &ev);
	CHECK_STR(take(),
		"{\"timestamp\":176751746515123,\"processId\":1,\"threadId\":2,\"parentProcessId\":0,"
		"\"hostProcessId\":14726,\"hostThreadId\":14727,\"hostParentProcessId\":14700,"
		"\"userId\":1000,\"mountNamespace\":4026531840,\"pidNamespace\":4026531836,"
		"\"processName\":\"\\\"q\\\\\\u007f\\u00ff\xc3\xa9zzzzzzzzz\",\"hostName\":\"0123456789abcdef\","
		"\"containerId\":\"abc123\",\"eventId\":\"59\","
		"\"eventName\":\"execve\",\"argsNum\":3,\"returnValue\":-2,\"args\":["
		"{\"name\":\"pathname\",\"type\":\"const char*\",\"value\":\"/bin/\\u0000sh\"},"
		"{\"name\":\"argv\",\"type\":\"const char*const*\",\"value\":[\"sh\",\"-c\","
		"\"echo \\\"hi\\\"\\\\\\n\\t\\u0001\\u00ff\xc3\xa9\"]},"
		"{\"name\":\"envp\",\"type\":\"const char*const*\",\"value\":null}]}\n");

	/* a NULL container id is "" */
	ev.container_id = NULL;
	ev.argc = 0;
	printer_json.print_event(&ob, &ev);
	CHECK(strstr(take(), "\"containerId\":\"\",\"eventId\":\"59\",\"eventName\":\"execve\",\"argsNum\":0,"
		     "\"returnValue\":-2,\"args\":[]}\n") != NULL);
}

static void test_registry(void)
{
	const char *names[] = { "table", "table-verbose", "json" };
	const char *list = printer_names();
	const char *at = list;

	CHECK_STR(list, "table, table-verbose, json");
	for (size_t i = 0; i < 3; i++) {
		const struct printer *p = printer_by_name(names[i]);

		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK_STR(p->name, names[i]);
		CHECK(p->print_event != NULL && p->print_stats != NULL && p->help != NULL);
		at = at ? strstr(at, names[i]) : NULL;     /* listed, in table order */
		CHECK(at != NULL);
	}
	CHECK(printer_by_name("table") == &printer_table);
	CHECK(printer_by_name("table-verbose") == &printer_table_verbose);
	CHECK(printer_by_name("json") == &printer_json);
	CHECK(printer_by_name("xml") == NULL);
	CHECK(printer_by_name("Table") == NULL);
	CHECK(printer_by_name("") == NULL);
	CHECK(printer_by_name(NULL) == NULL);
}

static void test_stats(void)
{
	struct tracee_stats st = { .events = 12, .lost = 3, .errors = 1 };
	char buf[256] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	printer_table.print_stats(f, &st);
	fclose(f);
	CHECK_STR(buf, "tracee: events: 12, lost: 3, errors: 1\n");
}

int main(void)
{
	memfd = memfd_create("test_printers", 0);
	if (memfd < 0 || outbuf_init(&ob, memfd, 64)) {
		perror("setup");
		return 1;
	}
	test_numbers();
	test_pad_put();
	test_json_escape();
	test_text();
	test_big();
	test_broken_pipe();
	test_slow_reader();
	test_argfmt();
	test_table();
	test_table_verbose();
	test_json_printer();
	test_registry();
	test_stats();
	outbuf_free(&ob);
	close(memfd);
	return check_report("printers");
}
