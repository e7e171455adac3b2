/* metrics.h - --metrics and --healthz: Prometheus text at /metrics and a
 * liveness answer at /healthz, served by libmicrohttpd on its own thread.
 *
 * The pipeline thread is the only writer of the counters below and only
 * stores into them (relaxed atomics: plain moves on x86, no lock, no wait);
 * the server thread reads them when scraped. Nothing the server or a client
 * does can make the pipeline wait: a slow or hostile scraper costs it
 * nothing. */
#ifndef TRACEE_METRICS_H
#define TRACEE_METRICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "libtracee.h"

#define METRICS_DEFAULT_LISTEN ":3366"
/* /healthz fails once the reader has not come back to the ring for this
 * long (it comes back at least every 50 ms when it is well). */
#define METRICS_STALL_NS (5ull * 1000000000ull)

enum metrics_state {
	METRICS_STARTING = 0,   /* the object is not loaded or not attached yet */
	METRICS_ATTACHED,       /* tracing */
	METRICS_STOPPING,       /* draining, detaching */
};

struct loader;
struct webhook;
struct MHD_Daemon;

struct metrics {
	/* Written by the pipeline thread only. */
	_Atomic uint64_t events;                /* delivered to the output */
	_Atomic uint64_t errors;                /* records that did not decode */
	_Atomic uint64_t reader_lost;           /* drops the perf buffers reported to the reader */
	_Atomic uint64_t by_event[TRACEE_MAX_EVENTS];
	_Atomic uint64_t detections[TRACEE_MAX_EVENTS];   /* by the detection's event id */
	_Atomic uint64_t capture_files, capture_execs, capture_regions, capture_errors;
	_Atomic uint64_t ring_used;             /* bytes waiting at the last wake-up */
	_Atomic uint64_t heartbeat_ns;          /* CLOCK_MONOTONIC of the reader's last poll */
	_Atomic int state;                      /* enum metrics_state */

	/* Set before serving, read-only after (the object's two above are set
	 * while serving: it is found or built after the server starts). */
	const bool *selected;                   /* events listed even at 0 */
	uint64_t ring_size;
	_Atomic bool object_built;              /* built by this run, not found */
	_Atomic uint64_t object_ns;             /* spent finding or building it */
	_Atomic(struct loader *) loader;        /* kernel-side counters; NULL until loaded */
	bool capture_on;
	const struct webhook *webhook;          /* --webhook: its delivery counters; or NULL */

	/* The server. */
	struct MHD_Daemon *daemon;
	int listen_fd;
	bool serve_metrics;                     /* --metrics; --healthz alone serves /healthz */
};

/* The single writer's increment: no read-modify-write instruction needed. */
static inline void metrics_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n, memory_order_relaxed);
}
static inline void metrics_set(_Atomic uint64_t *c, uint64_t v)
{
	atomic_store_explicit(c, v, memory_order_relaxed);
}

/* --listen-addr's form, checked without resolving anything (flags.c):
 * ":PORT" (every address), "HOST:PORT", "[V6]:PORT". 0 or -1 with one line in err. */
int metrics_check_listen(const char *addr, char *err, size_t errlen);
/* The same, HOST (a name or a number) resolved into ss. */
int metrics_parse_listen(const char *addr, struct sockaddr_storage *ss, socklen_t *len,
			 char *err, size_t errlen);

void metrics_init(struct metrics *m);
/* Listen and serve on a thread of libmicrohttpd's; says where on stderr. */
int metrics_start(struct metrics *m, const char *listen_addr, bool serve_metrics);
void metrics_stop(struct metrics *m);

/* 0 when live; otherwise -1 and why ("not attached", "reader stalled for 7 s"). */
int metrics_health(struct metrics *m, uint64_t now_ns, char *why, size_t len);
/* The Prometheus text exposition, malloc'ed; NULL without memory. */
char *metrics_render(struct metrics *m, size_t *len);

uint64_t metrics_now_ns(void);

#endif
