/* decode.c - raw record -> struct event, without copying: argument strings
 * point into the record. See bpf-src/tracee.h for the wire format. */
#include <errno.h>
#include <string.h>
#include "decode.h"

struct cursor {
	const unsigned char *p, *end;
};

static int cursor_take(struct cursor *c, void *dst, size_t n)
{
	if ((size_t)(c->end - c->p) < n)
		return -EINVAL;
	memcpy(dst, c->p, n);
	c->p += n;
	return 0;
}

/* u32 length + bytes; returns the bytes in place. */
static int cursor_blob(struct cursor *c, const char **data, uint32_t *len)
{
	if (cursor_take(c, len, sizeof(*len)) || (size_t)(c->end - c->p) < *len)
		return -EINVAL;
	*data = (const char *)c->p;
	c->p += *len;
	return 0;
}

static int decode_str_array(struct cursor *c, struct event_arg *a)
{
	const unsigned char *start;
	const char *elem;
	uint32_t n;

	if (cursor_take(c, &a->count, sizeof(a->count)))
		return -EINVAL;
	start = c->p;
	for (uint32_t i = 0; i < a->count; i++)
		if (cursor_blob(c, &elem, &n))
			return -EINVAL;
	a->data = (const char *)start;
	a->len = (uint32_t)(c->p - start);
	return 0;
}

static int decode_arg(struct cursor *c, struct event_arg *a)
{
	int32_t i32;
	int64_t i64;
	uint32_t u32;

	if (cursor_take(c, &a->kind, 1))
		return -EINVAL;
	switch (a->kind) {
	case ARG_NONE:
		return 0;
	case ARG_INT:
		if (cursor_take(c, &i32, sizeof(i32)))
			return -EINVAL;
		a->num = i32;
		return 0;
	case ARG_UINT:
		if (cursor_take(c, &u32, sizeof(u32)))
			return -EINVAL;
		a->num = u32;
		return 0;
	case ARG_LONG:
	case ARG_ULONG:
	case ARG_PTR:
		if (cursor_take(c, &i64, sizeof(i64)))
			return -EINVAL;
		a->num = i64;
		return 0;
	case ARG_STR:
	case ARG_BYTES:
		return cursor_blob(c, &a->data, &a->len);
	case ARG_STR_ARRAY:
		return decode_str_array(c, a);
	case ARG_SOCKADDR:
		if (cursor_blob(c, &a->data, &a->len) || a->len > TRACEE_SOCKADDR_MAX)
			return -EINVAL;
		return 0;
	case ARG_INT_PAIR:
		/* two ints, left in place: argfmt reads them */
		if ((size_t)(c->end - c->p) < 2 * sizeof(int32_t))
			return -EINVAL;
		a->data = (const char *)c->p;
		a->len = 2 * sizeof(int32_t);
		c->p += a->len;
		return 0;
	default:
		return -EINVAL;
	}
}

int decode_record(const void *data, size_t len, struct event *ev)
{
	const struct event_header *h = data;
	struct cursor c;

	if (len < sizeof(*h) || h->size < sizeof(*h) || h->size > len)
		return -EINVAL;
	ev->hdr = h;
	ev->def = events_by_id((int)h->event_id);
	ev->container_id = "";
	ev->sha256 = NULL;
	ev->trigger = NULL;
	if (!ev->def || h->argnum > TRACEE_MAX_ARGS || h->argnum > ev->def->argnum)
		return -EINVAL;
	c.p = (const unsigned char *)data + sizeof(*h);
	c.end = (const unsigned char *)data + h->size;
	ev->argc = h->argnum;
	for (unsigned i = 0; i < ev->argc; i++) {
		memset(&ev->args[i], 0, sizeof(ev->args[i]));
		ev->args[i].def = &ev->def->args[i];
		ev->args[i].index = (uint8_t)i;
		if (decode_arg(&c, &ev->args[i]))
			return -EINVAL;
	}
	return 0;
}
