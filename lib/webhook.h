/* webhook.h - --webhook URL: detections POSTed as JSON, as tracee-rules did,
 * by libcurl on a thread of its own.
 *
 * The pipeline thread formats each detection and puts it in a bounded queue
 * (webhook_send_event, reached through pipeline_detection); it never waits
 * for the network: a full queue drops the detection and counts it. The
 * sender thread takes what is queued in batches, POSTs, and retries a failed
 * request with exponential backoff; what it finally gives up on is counted.
 * The counters are read by /metrics and printed at exit. */
#ifndef TRACEE_WEBHOOK_H
#define TRACEE_WEBHOOK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct event;
struct webhook;

enum webhook_format {
	WEBHOOK_JSON = 0,       /* tracee's JSON event; a batch is one object per line (NDJSON) */
	WEBHOOK_FALCO,          /* Falco's http_output body, one detection per request */
};

#define WEBHOOK_QUEUE_MAX   1024    /* detections waiting; more are dropped */
#define WEBHOOK_BATCH_MAX   100     /* detections in one JSON request */
#define WEBHOOK_ATTEMPTS    5       /* tries of one request before giving up */
#define WEBHOOK_BACKOFF_MS  250     /* first retry's wait, doubled each time */
#define WEBHOOK_BACKOFF_MAX_MS 5000
#define WEBHOOK_TIMEOUT_MS  10000   /* one request, connect to answer */
#define WEBHOOK_DRAIN_MS    5000    /* at exit: time left to deliver what is queued */

struct webhook_counts {
	_Atomic uint64_t sent;          /* detections the receiver took (2xx) */
	_Atomic uint64_t failed;        /* given up: out of attempts, refused (4xx), or at exit */
	_Atomic uint64_t dropped;       /* the queue was full */
	_Atomic uint64_t retries;       /* requests tried again */
	_Atomic uint64_t queued;        /* waiting now */
};

/* "json" or "falco"; -1 otherwise. */
int webhook_format_parse(const char *s, enum webhook_format *out);
/* http:// or https:// URL; false otherwise. */
bool webhook_url_valid(const char *url);

/* Start the sender thread. One line on stderr and NULL on failure. */
struct webhook *webhook_open(const char *url, enum webhook_format format);
/* The detection hook's sink: format ev and queue it. Pipeline thread only. */
void webhook_send_event(struct webhook *w, const struct event *ev);
/* Deliver what is queued (for at most WEBHOOK_DRAIN_MS), stop the thread,
 * print "tracee: webhook: sent: N, failed: N, dropped: N, retries: N" on
 * err (may be NULL) and free. NULL is a no-op. */
void webhook_close(struct webhook *w, FILE *err);
const struct webhook_counts *webhook_counts(const struct webhook *w);

#endif
