/* perfbuf.h - per-CPU perf buffers read as one stream in timestamp order,
 * for kernels without the BPF ring buffer (see perfbuf.c). */
#ifndef TRACEE_PERFBUF_H
#define TRACEE_PERFBUF_H

#include <stddef.h>
#include <stdint.h>
#include "event_source.h"

struct perfbuf_cpu;

struct perfbuf {
	struct perfbuf_cpu *cpus;
	int ncpus;                      /* CPUs with a buffer (online ones) */
	size_t page;
	size_t data_size;               /* bytes of each CPU's ring, a power of two */
	int epoll_fd;
	uint64_t lost;                  /* PERF_RECORD_LOST: records the kernel dropped */
};

/* One perf event per online CPU, each with a ring of about bytes / CPUs,
 * entered into the BPF_MAP_TYPE_PERF_EVENT_ARRAY map_fd; -errno on failure. */
int perfbuf_open(struct perfbuf *pb, int map_fd, size_t bytes);
int perfbuf_wait(struct perfbuf *pb, int timeout_ms);
/* Every record waiting on every CPU, oldest first (by the event header's
 * timestamp); returns how many, or fn's non-zero return. */
int perfbuf_drain(struct perfbuf *pb, record_fn fn, void *ctx);
void perfbuf_close(struct perfbuf *pb);

extern const struct event_source_ops perfbuf_source_ops;

#endif
