/* test_decode.c - the record decoder against well-formed and hostile records. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "check.h"
#include "decode.h"

struct rec {
	unsigned char buf[1024];
	size_t len;
};

static struct event_header *rec_init(struct rec *r, uint32_t id, int64_t ret)
{
	struct event_header *h = (struct event_header *)r->buf;

	memset(r, 0, sizeof(*r));
	h->event_id = id;
	h->retval = ret;
	h->host_pid = 42;
	memcpy(h->comm, "cat", 3);
	r->len = sizeof(*h);
	return h;
}

static void rec_put(struct rec *r, const void *p, size_t n)
{
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

static void rec_u8(struct rec *r, uint8_t v) { rec_put(r, &v, 1); }
static void rec_u32(struct rec *r, uint32_t v) { rec_put(r, &v, 4); }

static void rec_str(struct rec *r, const char *s)
{
	rec_u8(r, ARG_STR);
	rec_u32(r, (uint32_t)strlen(s));
	rec_put(r, s, strlen(s));
}

static void rec_done(struct rec *r, uint16_t argnum)
{
	struct event_header *h = (struct event_header *)r->buf;

	h->argnum = argnum;
	h->size = (uint32_t)r->len;
}

/* openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0) = 3 */
static void build_openat(struct rec *r)
{
	rec_init(r, 257, 3);
	rec_u8(r, ARG_INT);
	rec_u32(r, (uint32_t)-100);
	rec_str(r, "/etc/hostname");
	rec_u8(r, ARG_INT);
	rec_u32(r, 0);
	rec_u8(r, ARG_UINT);
	rec_u32(r, 0);
	rec_done(r, 4);
}

static void test_openat(void)
{
	struct rec r;
	struct event ev;

	build_openat(&r);
	CHECK_INT(decode_record(r.buf, r.len, &ev), 0);
	CHECK_STR(ev.def->name, "openat");
	CHECK_INT(ev.argc, 4);
	CHECK_INT(ev.hdr->retval, 3);
	CHECK_STR(ev.args[0].def->name, "dirfd");
	CHECK_INT(ev.args[0].num, -100);
	CHECK_INT(ev.args[1].kind, ARG_STR);
	CHECK_INT(ev.args[1].len, 13);
	CHECK(memcmp(ev.args[1].data, "/etc/hostname", 13) == 0);
	CHECK_STR(ev.args[1].def->name, "pathname");
}

static void test_truncated(void)
{
	struct rec r;
	struct event ev;

	build_openat(&r);
	for (size_t cut = 0; cut < r.len; cut++) {
		/* a record claiming more than it has, or cut short */
		int rc = decode_record(r.buf, cut, &ev);

		if (rc != -EINVAL) {
			CHECK_INT(rc, -EINVAL);
			return;
		}
	}
	CHECK(1);
	((struct event_header *)r.buf)->size = (uint32_t)r.len - 3;
	CHECK_INT(decode_record(r.buf, r.len, &ev), -EINVAL);
}

static void test_hostile(void)
{
	struct rec r;
	struct event ev;
	struct event_header *h;

	h = rec_init(&r, 257, 0);      /* string length past the end */
	rec_u8(&r, ARG_INT);
	rec_u32(&r, 1);
	rec_u8(&r, ARG_STR);
	rec_u32(&r, 0xffffffffu);
	rec_done(&r, 2);
	CHECK_INT(decode_record(r.buf, r.len, &ev), -EINVAL);

	h = rec_init(&r, 257, 0);      /* unknown kind */
	rec_u8(&r, 200);
	rec_done(&r, 1);
	CHECK_INT(decode_record(r.buf, r.len, &ev), -EINVAL);

	h = rec_init(&r, 257, 0);      /* more arguments than the event has */
	rec_done(&r, 7);
	CHECK_INT(decode_record(r.buf, r.len, &ev), -EINVAL);

	h = rec_init(&r, 999999, 0);   /* unknown event */
	rec_done(&r, 0);
	CHECK_INT(decode_record(r.buf, r.len, &ev), -EINVAL);

	h = rec_init(&r, 59, 0);       /* execve: argv count larger than present */
	rec_str(&r, "/bin/ls");
	rec_u8(&r, ARG_STR_ARRAY);
	rec_u32(&r, 1000);
	rec_u32(&r, 2);
	rec_put(&r, "ls", 2);
	rec_done(&r, 2);
	CHECK_INT(decode_record(r.buf, r.len, &ev), -EINVAL);
	(void)h;
}

static void test_argv(void)
{
	struct rec r;
	struct event ev;
	uint32_t pos = 0, len = 0;
	const char *s;

	rec_init(&r, 59, 0);
	rec_str(&r, "/bin/ls");
	rec_u8(&r, ARG_STR_ARRAY);
	rec_u32(&r, 2);
	rec_u32(&r, 2);
	rec_put(&r, "ls", 2);
	rec_u32(&r, 3);
	rec_put(&r, "-la", 3);
	rec_u8(&r, ARG_NONE);
	rec_done(&r, 3);
	CHECK_INT(decode_record(r.buf, r.len, &ev), 0);
	CHECK_INT(ev.args[1].count, 2);
	s = event_arg_str_next(&ev.args[1], &pos, &len);
	CHECK(s && len == 2 && memcmp(s, "ls", 2) == 0);
	s = event_arg_str_next(&ev.args[1], &pos, &len);
	CHECK(s && len == 3 && memcmp(s, "-la", 3) == 0);
	CHECK(event_arg_str_next(&ev.args[1], &pos, &len) == NULL);
	CHECK_INT(ev.args[2].kind, ARG_NONE);
}

/* connect(3, {AF_INET 127.0.0.1:80}, 16) */
static void build_connect(struct rec *r, uint32_t salen, uint32_t claimed)
{
	static const unsigned char sa[TRACEE_SOCKADDR_MAX + 8] = { 2, 0, 0, 80, 127, 0, 0, 1 };

	rec_init(r, 42, -111);
	rec_u8(r, ARG_INT);
	rec_u32(r, 3);
	rec_u8(r, ARG_SOCKADDR);
	rec_u32(r, claimed);
	rec_put(r, sa, salen);
	rec_u8(r, ARG_INT);
	rec_u32(r, 16);
	rec_done(r, 3);
}

/* pipe2([5, 6], O_CLOEXEC) */
static void build_pipe2(struct rec *r)
{
	int32_t fds[2] = { 5, 6 };

	rec_init(r, 293, 0);
	rec_u8(r, ARG_INT_PAIR);
	rec_put(r, fds, sizeof(fds));
	rec_u8(r, ARG_INT);
	rec_u32(r, 02000000);
	rec_done(r, 2);
}

static void test_new_kinds(void)
{
	struct rec r;
	struct event ev;
	int32_t fds[2];

	build_connect(&r, 16, 16);
	CHECK_INT(decode_record(r.buf, r.len, &ev), 0);
	CHECK_STR(ev.def->name, "connect");
	CHECK_INT(ev.args[1].kind, ARG_SOCKADDR);
	CHECK_INT(ev.args[1].len, 16);
	CHECK(ev.args[1].data && memcmp(ev.args[1].data, "\2\0\0\120\177\0\0\1", 8) == 0);
	CHECK_INT(ev.args[2].num, 16);
	for (size_t cut = sizeof(struct event_header); cut < r.len; cut++) {
		((struct event_header *)r.buf)->size = (uint32_t)cut;
		if (decode_record(r.buf, cut, &ev) != -EINVAL) {
			CHECK_INT(cut, 0);      /* a cut record must be refused */
			break;
		}
	}

	build_connect(&r, TRACEE_SOCKADDR_MAX, TRACEE_SOCKADDR_MAX);   /* the largest */
	CHECK_INT(decode_record(r.buf, r.len, &ev), 0);
	CHECK_INT(ev.args[1].len, TRACEE_SOCKADDR_MAX);
	build_connect(&r, 0, 0);                                         /* empty: a value */
	CHECK_INT(decode_record(r.buf, r.len, &ev), 0);
	CHECK_INT(ev.args[1].len, 0);
	build_connect(&r, TRACEE_SOCKADDR_MAX + 1, TRACEE_SOCKADDR_MAX + 1);
	CHECK_INT(decode_record(r.buf, r.len, &ev), -EINVAL);           /* longer than any */
	build_connect(&r, 16, 0xffffffffu);
	CHECK_INT(decode_record(r.buf, r.len, &ev), -EINVAL);           /* length past the end */
	build_connect(&r, 16, 40);
	CHECK_INT(decode_record(r.buf, r.len, &ev), -EINVAL);           /* swallows the next arg */

	build_pipe2(&r);
	CHECK_INT(decode_record(r.buf, r.len, &ev), 0);
	CHECK_INT(ev.args[0].kind, ARG_INT_PAIR);
	CHECK_INT(ev.args[0].len, 8);
	if (ev.args[0].data) {
		memcpy(fds, ev.args[0].data, sizeof(fds));
		CHECK(fds[0] == 5 && fds[1] == 6);
	}
	CHECK_INT(ev.args[1].num, 02000000);
	for (size_t cut = sizeof(struct event_header); cut < r.len; cut++) {
		((struct event_header *)r.buf)->size = (uint32_t)cut;
		if (decode_record(r.buf, cut, &ev) != -EINVAL) {
			CHECK_INT(cut, 0);
			break;
		}
	}

	/* a pair cut after its tag, as the last argument */
	rec_init(&r, 22, 0);
	rec_u8(&r, ARG_INT_PAIR);
	rec_u32(&r, 5);
	rec_done(&r, 1);
	CHECK_INT(decode_record(r.buf, r.len, &ev), -EINVAL);

	/* a failed accept: the kernel side keeps the pointer (ARG_PTR) */
	rec_init(&r, 43, -11);
	rec_u8(&r, ARG_INT);
	rec_u32(&r, 3);
	rec_u8(&r, ARG_PTR);
	rec_put(&r, &(uint64_t){ 0x7ffc0010 }, 8);
	rec_u8(&r, ARG_PTR);
	rec_put(&r, &(uint64_t){ 0x7ffc000c }, 8);
	rec_done(&r, 3);
	CHECK_INT(decode_record(r.buf, r.len, &ev), 0);
	CHECK_INT(ev.args[1].kind, ARG_PTR);
	CHECK_INT(ev.args[1].num, 0x7ffc0010);
}

int main(void)
{
	test_openat();
	test_truncated();
	test_hostile();
	test_argv();
	test_new_kinds();
	return check_report("decode");
}
