/* pipeline.h - ring buffer -> a chain of stages over one struct event
 * (capture records, decode, enrich, detect, print), with batched output. */
#ifndef TRACEE_PIPELINE_H
#define TRACEE_PIPELINE_H

#include "capture.h"
#include "container.h"
#include "printer.h"
#include "ringbuf.h"

struct loader;
struct sig_engine;

struct pipeline {
	struct ringbuf rb;
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
};

int pipeline_init(struct pipeline *p, int events_fd, const struct printer *printer, int out_fd, bool debug);
/* Wait up to timeout_ms for a wake-up, then drain everything waiting and
 * flush. Returns events handled, or -EPIPE once the output reader is gone.
 * With debug and a loader set, prints the counters on stderr at most once a
 * second while they change ("tracee: running: events: N, lost: N, errors: N"). */
int pipeline_poll(struct pipeline *p, int timeout_ms);
/* The detect stage for the selected detections (none selected: no stage).
 * -ENOMEM, or -ENOENT for a detection row without code. */
int pipeline_detect(struct pipeline *p, const bool *selected);
void pipeline_free(struct pipeline *p);

#endif
