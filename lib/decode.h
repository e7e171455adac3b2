/* decode.h - raw ring-buffer record -> struct event. Records are untrusted:
 * every read is bounds-checked against the record's length. */
#ifndef TRACEE_DECODE_H
#define TRACEE_DECODE_H

#include <stddef.h>
#include "event.h"

/* 0 on success, -EINVAL for a malformed record or unknown event. */
int decode_record(const void *data, size_t len, struct event *ev);

#endif
