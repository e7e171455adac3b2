/* pipeline.h - event source (ring or perf buffers) -> a chain of stages over
 * one struct event (capture records, decode, enrich, print, detect), with
 * batched output. */
#ifndef TRACEE_PIPELINE_H
#define TRACEE_PIPELINE_H

#include "capture.h"
#include "container.h"
#include "printer.h"
#include "event_source.h"
#include "outbuf.h"

struct loader;
struct metrics;
struct webhook;
struct sig_engine;

struct pipeline {
	struct event_source source;
	const struct printer *printer;
	struct outbuf out;
	struct tracee_stats stats;
	struct container_cache containers;      /* containerId enrichment */
	struct capture *capture;                /* --capture: its records, exec digests; or NULL */
	struct loader *loader;                  /* --debug: kernel counters while running; or NULL */
	uint64_t report_ns;                     /* when the counters were last looked at */
	struct tracee_stats reported;           /* and what they were */
	struct sig_engine *sigs;                /* selected detections; or NULL */
	const bool *printed;                    /* event ids the user asked to see; NULL: all */
	bool show_exec_env;                     /* envp read for a detection is shown only if asked */
	bool debug;
	struct metrics *metrics;                /* --metrics/--healthz: counters to store into; or NULL */
	struct webhook *webhook;                /* --webhook: where detections are queued; or NULL */
};

/* events_fd is the object's events map; source_bytes the memory its reader
 * may use (perf buffers; a ring buffer's size was fixed at load). */
int pipeline_init(struct pipeline *p, int events_fd, size_t source_bytes,
		  const struct printer *printer, int out_fd, bool debug);
/* Wait up to timeout_ms for a wake-up, then drain everything waiting and
 * flush. Returns events handled, or -EPIPE once the output reader is gone.
 * With debug and a loader set, prints the counters on stderr at most once a
 * second while they change ("tracee: running: events: N, lost: N, errors: N"). */
int pipeline_poll(struct pipeline *p, int timeout_ms);
/* The detect stage for the selected detections (none selected: no stage).
 * -ENOMEM, or -ENOENT for a detection row without code. */
int pipeline_detect(struct pipeline *p, const bool *selected);
/* The kernel side's counters (loader_read_stats) with the reader's own
 * losses folded in: a perf buffer reports what it dropped, and the kernel
 * side counts the same drops where the kernel tells it, so the larger wins. */
struct tracee_stats pipeline_stats(const struct pipeline *p, const uint64_t kstats[STAT_MAX]);
void pipeline_free(struct pipeline *p);

/* The detection hook: the detection engine hands each detection it makes
 * (an event of the detection id range, already printed like any event) to
 * the pipeline's sinks here: the per-signature metrics counter and the
 * webhook's queue. Pipeline thread only; never waits. */
void pipeline_detection(struct pipeline *p, const struct event *ev);

#endif
