/* pipeline.h - ring buffer -> decode -> printer, with batched output. */
#ifndef TRACEE_PIPELINE_H
#define TRACEE_PIPELINE_H

#include "printer.h"

struct pipeline {
	struct ring_buffer *rb;
	const struct printer *printer;
	struct outbuf out;
	struct tracee_stats stats;
	bool debug;
};

int pipeline_init(struct pipeline *p, int events_fd, const struct printer *printer, int out_fd, bool debug);
/* Wait up to timeout_ms for a wake-up, then drain everything waiting and
 * flush. Returns events handled, or -EPIPE once the output reader is gone. */
int pipeline_poll(struct pipeline *p, int timeout_ms);
void pipeline_free(struct pipeline *p);

#endif
