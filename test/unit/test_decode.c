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

int main(void)
{
	test_openat();
	test_truncated();
	test_hostile();
	test_argv();
	return check_report("decode");
}
