/* event.h - one decoded event, as the pipeline hands it to a printer.
 * Strings point into the ring-buffer record; they live until print returns. */
#ifndef TRACEE_EVENT_H
#define TRACEE_EVENT_H

#include <stdint.h>
#include "events.h"

struct event_arg {
	const struct arg_def *def;  /* name, type, format */
	unsigned char kind;         /* enum arg_kind as found in the record */
	int64_t num;                /* ARG_INT.. ARG_PTR */
	const char *data;           /* ARG_STR, ARG_BYTES, ARG_SOCKADDR: bytes; ARG_INT_PAIR: two
				     * ints; ARG_STR_ARRAY: encoded elements */
	uint32_t len;               /* bytes of data; for ARG_STR_ARRAY, encoded length */
	uint32_t count;             /* ARG_STR_ARRAY: number of elements */
	uint8_t index;              /* position in event.args: a format may read the
				     * arguments before it (fcntl's arg by its cmd) */
};

struct event {
	const struct event_header *hdr;
	const struct event_def *def;
	const char *container_id;   /* "" on the host */
	const char *sha256;         /* --capture exec: an exec event's file digest; or NULL */
	const struct event *trigger; /* a detection: the event that raised it; else NULL */
	unsigned argc;
	struct event_arg args[TRACEE_MAX_ARGS];
};

/* Walk an ARG_STR_ARRAY: returns the element at *pos and advances, or NULL
 * at the end. */
const char *event_arg_str_next(const struct event_arg *arg, uint32_t *pos, uint32_t *len);

#endif
