/* outbuf.c - the printers' buffered writer. Everything is formatted straight
 * into one large buffer (no printf, no allocation after outbuf_init) and
 * written with as few write(2) calls as possible. A failed write (EPIPE when
 * the reader went away, or any other error) marks the buffer broken: from
 * then on output is discarded and outbuf_flush returns an error, so the
 * pipeline can stop cleanly. SIGPIPE is expected to be ignored. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "outbuf.h"

/* "00" "01" ... "99": two digits per lookup. */
#define D10(t) t "0" t "1" t "2" t "3" t "4" t "5" t "6" t "7" t "8" t "9"
static const char digits2[201] =
	D10("0") D10("1") D10("2") D10("3") D10("4")
	D10("5") D10("6") D10("7") D10("8") D10("9");
static const char hexdigits[] = "0123456789abcdef";

int outbuf_init(struct outbuf *ob, int fd, size_t cap)
{
	if (cap == 0)
		cap = OUTBUF_DEFAULT_CAP;
	if (cap < OUTBUF_MIN_CAP)
		cap = OUTBUF_MIN_CAP;
	ob->fd = fd;
	ob->broken = false;
	ob->len = 0;
	ob->buf = malloc(cap);
	ob->cap = ob->buf ? cap : 0;
	return ob->buf ? 0 : -ENOMEM;
}

void outbuf_free(struct outbuf *ob)
{
	free(ob->buf);
	ob->buf = NULL;
	ob->len = ob->cap = 0;
}

/* Write all of p, retrying on EINTR, partial writes and (for a non-blocking
 * descriptor) EAGAIN. Returns 0 or a negative errno. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w == 0)
			return -EIO;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			if (poll(&pfd, 1, -1) >= 0 || errno == EINTR)
				continue;
		}
		return -errno;
	}
	return 0;
}

int outbuf_flush(struct outbuf *ob)
{
	int err = 0;

	if (ob->broken) {
		ob->len = 0;
		return -EPIPE;
	}
	if (ob->len > 0) {
		err = write_all(ob->fd, ob->buf, ob->len);
		ob->len = 0;
		if (err)
			ob->broken = true;
	}
	return err;
}

char *outbuf_reserve_slow(struct outbuf *ob, size_t n)
{
	if (n > ob->cap)
		return NULL;
	if (ob->cap - ob->len < n)
		outbuf_flush(ob);
	return ob->buf + ob->len;
}

void outbuf_put_slow(struct outbuf *ob, const void *p, size_t n)
{
	if (ob->cap - ob->len >= n) {
		memcpy(ob->buf + ob->len, p, n);
		ob->len += n;
		return;
	}
	outbuf_flush(ob);
	if (ob->broken)
		return;
	if (n <= ob->cap) {
		memcpy(ob->buf, p, n);
		ob->len = n;
	} else if (write_all(ob->fd, p, n)) {
		ob->broken = true;
	}
}

void outbuf_puts(struct outbuf *ob, const char *s)
{
	outbuf_put(ob, s, strlen(s));
}

void outbuf_putc_slow(struct outbuf *ob, char c)
{
	if (ob->len == ob->cap)
		outbuf_flush(ob);
	ob->buf[ob->len++] = c;
}

static const uint64_t powers10[20] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
	1000000000000ull, 10000000000000ull, 100000000000000ull,
	1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
	1000000000000000000ull, 10000000000000000000ull,
};

/* Decimal digits of v: log10 estimated from the bit length (1233/4096 is
 * just above log10(2)), then corrected by one comparison. */
static unsigned count_digits(uint64_t v)
{
	unsigned t;

	if (v == 0)
		return 1;
	t = ((64u - (unsigned)__builtin_clzll(v)) * 1233u) >> 12;
	return t + (v >= powers10[t]);
}

/* Four digits per step from the right (the two pairs of a step do not
 * depend on each other), in 32-bit arithmetic once the value fits; the
 * digit count is known first, so digits land in place. */
char *outbuf_fmt_u64(char *p, uint64_t v)
{
	char *end = p + count_digits(v), *q = end;
	uint32_t w;

	while (v > 0xffffffffu) {
		uint32_t lo = (uint32_t)(v % 100000000u);
		uint32_t a = lo / 10000, b = lo % 10000;

		v /= 100000000u;
		q -= 8;
		memcpy(q, digits2 + (a / 100) * 2, 2);
		memcpy(q + 2, digits2 + (a % 100) * 2, 2);
		memcpy(q + 4, digits2 + (b / 100) * 2, 2);
		memcpy(q + 6, digits2 + (b % 100) * 2, 2);
	}
	w = (uint32_t)v;
	while (w >= 10000) {
		uint32_t r = w % 10000;

		w /= 10000;
		q -= 4;
		memcpy(q, digits2 + (r / 100) * 2, 2);
		memcpy(q + 2, digits2 + (r % 100) * 2, 2);
	}
	if (w >= 100) {
		q -= 2;
		memcpy(q, digits2 + (w % 100) * 2, 2);
		w /= 100;
	}
	if (w >= 10) {
		q -= 2;
		memcpy(q, digits2 + w * 2, 2);
	} else {
		*--q = (char)('0' + w);
	}
	return end;
}

char *outbuf_fmt_i64(char *p, int64_t v)
{
	if (v < 0) {
		*p++ = '-';
		return outbuf_fmt_u64(p, 0 - (uint64_t)v);
	}
	return outbuf_fmt_u64(p, (uint64_t)v);
}

void outbuf_u64(struct outbuf *ob, uint64_t v)
{
	char *p = outbuf_reserve(ob, 20);

	outbuf_commit(ob, (size_t)(outbuf_fmt_u64(p, v) - p));
}

void outbuf_i64(struct outbuf *ob, int64_t v)
{
	char *p = outbuf_reserve(ob, 21);

	outbuf_commit(ob, (size_t)(outbuf_fmt_i64(p, v) - p));
}

void outbuf_hex(struct outbuf *ob, uint64_t v)
{
	char *p = outbuf_reserve(ob, 18);
	unsigned n = 1;

	while (n < 16 && (v >> (4 * n)))
		n++;
	p[0] = '0';
	p[1] = 'x';
	for (unsigned i = 0; i < n; i++)
		p[2 + n - 1 - i] = hexdigits[(v >> (4 * i)) & 0xf];
	outbuf_commit(ob, 2 + n);
}

void outbuf_pad(struct outbuf *ob, const char *s, size_t n, size_t width)
{
	outbuf_put(ob, s, n);
	for (size_t k = n < width ? width - n : 0; k > 0;) {
		size_t c = k < 256 ? k : 256;
		char *p = outbuf_reserve(ob, c);

		memset(p, ' ', c);
		outbuf_commit(ob, c);
		k -= c;
	}
}

/* Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF) starting at s, or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Bytes that pass unescaped: printable ASCII; in JSON not " or \ either. */
#define ROW0 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define ROW1 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const unsigned char text_plain[256] = {
	ROW0, ROW0, ROW1, ROW1, ROW1, ROW1, ROW1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,         /* 0x7f */
};
static const unsigned char json_plain[256] = {
	ROW0, ROW0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,         /* 0x22 " */
	ROW1, ROW1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,         /* 0x5c backslash */
	ROW1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,         /* 0x7f */
};

/* Copy the run of plain bytes at *in (at least one), at most room bytes. */
static char *copy_run(char *p, const unsigned char **in, const unsigned char *end,
		      size_t room, const unsigned char *plain)
{
	const unsigned char *s = *in, *stop = (size_t)(end - s) < room ? end : s + room;
	const unsigned char *run = s + 1;

	while (run < stop && plain[*run])
		run++;
	memcpy(p, s, (size_t)(run - s));
	*in = run;
	return p + (run - s);
}

/* The longest any one input unit expands to (\u00XX), plus a closing quote. */
#define ESC_MAX 8

void outbuf_json_str(struct outbuf *ob, const char *s, size_t n)
{
	const unsigned char *in = (const unsigned char *)s, *end = in + n;
	char *p = outbuf_reserve(ob, ESC_MAX);
	char *lim = ob->buf + ob->cap - ESC_MAX;

	*p++ = '"';
	while (in < end) {
		unsigned char c = *in;
		size_t k;

		if (p > lim) {
			ob->len = (size_t)(p - ob->buf);
			outbuf_flush(ob);
			p = ob->buf + ob->len;
		}
		if (json_plain[c]) {
			p = copy_run(p, &in, end, (size_t)(lim - p) + 1, json_plain);
			continue;
		}
		if (c >= 0x80 && (k = utf8_len(in, (size_t)(end - in)))) {
			memcpy(p, in, k);
			p += k;
			in += k;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"':  *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\n': *p++ = 'n'; break;
		case '\t': *p++ = 't'; break;
		case '\r': *p++ = 'r'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		default:
			/* other controls, DEL, and bytes that are not UTF-8: the
			 * byte's value as a code point keeps the JSON valid */
			memcpy(p, "u00", 3);
			p[3] = hexdigits[c >> 4];
			p[4] = hexdigits[c & 0xf];
			p += 5;
		}
		in++;
	}
	*p++ = '"';
	ob->len = (size_t)(p - ob->buf);
}

void outbuf_text(struct outbuf *ob, const char *s, size_t n, char subst)
{
	const unsigned char *in = (const unsigned char *)s, *end = in + n;
	char *p = outbuf_reserve(ob, ESC_MAX);
	char *lim = ob->buf + ob->cap - ESC_MAX;

	while (in < end) {
		unsigned char c = *in;
		size_t k;

		if (p > lim) {
			ob->len = (size_t)(p - ob->buf);
			outbuf_flush(ob);
			p = ob->buf + ob->len;
		}
		if (text_plain[c]) {
			p = copy_run(p, &in, end, (size_t)(lim - p) + 1, text_plain);
			continue;
		}
		/* valid UTF-8 passes, except C1 controls (U+0080..U+009F),
		 * which some terminals obey */
		if (c >= 0x80 && (k = utf8_len(in, (size_t)(end - in))) &&
		    !(c == 0xc2 && in[1] < 0xa0)) {
			memcpy(p, in, k);
			p += k;
			in += k;
			continue;
		}
		in++;
		if (subst) {
			*p++ = subst;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '\n': *p++ = 'n'; break;
		case '\t': *p++ = 't'; break;
		case '\r': *p++ = 'r'; break;
		default:
			*p++ = 'x';
			*p++ = hexdigits[c >> 4];
			*p++ = hexdigits[c & 0xf];
		}
	}
	ob->len = (size_t)(p - ob->buf);
}
