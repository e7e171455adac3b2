/* outbuf.h - a large buffered writer for printers: one write(2) per flush,
 * no per-event allocation. A closed pipe (EPIPE) marks the buffer broken so
 * that the pipeline can stop cleanly. */
#ifndef TRACEE_OUTBUF_H
#define TRACEE_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct outbuf {
	int fd;
	bool broken;        /* write failed: the reader is gone */
	size_t len, cap;
	char *buf;
};

/* cap 0 means OUTBUF_DEFAULT_CAP; smaller than OUTBUF_MIN_CAP is raised to it.
 * Returns 0 or -ENOMEM. */
#define OUTBUF_DEFAULT_CAP (1u << 20)
#define OUTBUF_MIN_CAP     4096u
int outbuf_init(struct outbuf *ob, int fd, size_t cap);
void outbuf_free(struct outbuf *ob);
int outbuf_flush(struct outbuf *ob);
/* Make room for n more bytes (flushing if needed); returns the write pointer
 * or NULL if n exceeds the capacity. Commit with outbuf_commit. */
char *outbuf_reserve_slow(struct outbuf *ob, size_t n);
static inline char *outbuf_reserve(struct outbuf *ob, size_t n)
{
	if (__builtin_expect(ob->cap - ob->len >= n, 1))
		return ob->buf + ob->len;
	return outbuf_reserve_slow(ob, n);
}
static inline void outbuf_commit(struct outbuf *ob, size_t n) { ob->len += n; }
/* The slow paths of outbuf_put and outbuf_putc: flush first. */
void outbuf_put_slow(struct outbuf *ob, const void *p, size_t n);
void outbuf_putc_slow(struct outbuf *ob, char c);

/* Inline: the printers call these several times per event. */
static inline void outbuf_put(struct outbuf *ob, const void *p, size_t n)
{
	if (__builtin_expect(ob->cap - ob->len >= n, 1)) {
		__builtin_memcpy(ob->buf + ob->len, p, n);
		ob->len += n;
		return;
	}
	outbuf_put_slow(ob, p, n);
}

static inline void outbuf_putc(struct outbuf *ob, char c)
{
	if (__builtin_expect(ob->len < ob->cap, 1)) {
		ob->buf[ob->len++] = c;
		return;
	}
	outbuf_putc_slow(ob, c);
}

void outbuf_puts(struct outbuf *ob, const char *s);
void outbuf_u64(struct outbuf *ob, uint64_t v);
void outbuf_i64(struct outbuf *ob, int64_t v);
void outbuf_hex(struct outbuf *ob, uint64_t v);          /* 0x1f */
/* printf-style padding without printf: value left-aligned in width. */
void outbuf_pad(struct outbuf *ob, const char *s, size_t n, size_t width);
void outbuf_json_str(struct outbuf *ob, const char *s, size_t n); /* "quoted, escaped" */
/* Text kept on one table line: printable ASCII and valid UTF-8 pass; control
 * bytes, DEL, C1 controls and invalid bytes become \n \t \r \xNN, or, when
 * subst is not 0, one subst byte each (so the width stays n bytes). */
void outbuf_text(struct outbuf *ob, const char *s, size_t n, char subst);
/* Decimal digits at p (no NUL; at most 20 bytes); returns the end. For
 * writing into space from outbuf_reserve. */
char *outbuf_fmt_u64(char *p, uint64_t v);
char *outbuf_fmt_i64(char *p, int64_t v);

#endif
