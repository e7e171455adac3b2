/* ringbuf.h - a BPF ring buffer reader that hands space back in batches
 * (see ringbuf.c for why libbpf's reader is not used). */
#ifndef TRACEE_RINGBUF_H
#define TRACEE_RINGBUF_H

#include <stddef.h>
#include <stdint.h>
#include "event_source.h"

struct ringbuf {
	uint64_t *consumer_pos;         /* ours to write */
	const uint64_t *producer_pos;   /* the kernel's */
	const char *data;               /* mask + 1 bytes, mapped twice */
	uint64_t mask;
	size_t page;
	int epoll_fd;
};

/* Map a BPF_MAP_TYPE_RINGBUF map; -errno on failure. */
int ringbuf_open(struct ringbuf *r, int map_fd);
/* Wait up to timeout_ms for the kernel's wake-up: 1, 0 on timeout, -errno.
 * Records waiting without one do not end the wait: the kernel side wakes us
 * once enough are waiting, so each drain is a batch. */
int ringbuf_wait(struct ringbuf *r, int timeout_ms);
/* Hand every waiting record to fn; returns how many, or fn's non-zero return. */
int ringbuf_drain(struct ringbuf *r, record_fn fn, void *ctx);
void ringbuf_close(struct ringbuf *r);

extern const struct event_source_ops ringbuf_source_ops;

#endif
