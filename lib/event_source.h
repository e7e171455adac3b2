/* event_source.h - where the pipeline's records come from: the BPF ring
 * buffer (ringbuf.c) or, on kernels without one, per-CPU perf buffers
 * (perfbuf.c). The object's events map says which (bpf-src/maps.h); the
 * records are the same either way. */
#ifndef TRACEE_EVENT_SOURCE_H
#define TRACEE_EVENT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

/* Called for each record; a non-zero return stops the drain and is returned. */
typedef int (*record_fn)(void *ctx, const void *data, size_t len);

struct event_source_ops {
	const char *name;
	/* Wait up to timeout_ms for the kernel's wake-up: 1, 0 on timeout, -errno. */
	int (*wait)(void *impl, int timeout_ms);
	/* Hand every waiting record to fn; how many, or fn's non-zero return. */
	int (*drain)(void *impl, record_fn fn, void *ctx);
	/* Records the kernel could not write and told the reader about. */
	uint64_t (*lost)(void *impl);
	void (*close)(void *impl);
};

struct event_source {
	const struct event_source_ops *ops;
	void *impl;
};

/* Open the reader the map's type calls for; bytes is the memory to give it
 * (the ring's own size is fixed at load; perf buffers share bytes among the
 * CPUs). -errno on failure. */
int event_source_open(struct event_source *s, int map_fd, size_t bytes);
int event_source_wait(struct event_source *s, int timeout_ms);
int event_source_drain(struct event_source *s, record_fn fn, void *ctx);
uint64_t event_source_lost(const struct event_source *s);
void event_source_close(struct event_source *s);

#endif
