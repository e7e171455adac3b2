/* pipeline.c - event source (ring or perf buffers) -> stages -> printer.
 * Each record goes through a chain of stages over one struct event: capture
 * (its own records), decode, enrich (container id, exec digest), print (only
 * what the user asked to see: base events a detection needed are not),
 * detect (signatures/: detections are events too, printed by the same
 * printer right after the event that raised them). The kernel side wakes us
 * only when enough data is waiting, so each poll drains a batch; buffer
 * space is handed back and output flushed once per batch (ringbuf.c,
 * perfbuf.c, outbuf.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "decode.h"
#include "loader.h"
#include "metrics.h"
#include "pipeline.h"
#include "webhook.h"
#include "signatures/sig_engine.h"

#define REPORT_NS 1000000000ull

#define OUTBUF_SIZE (1 << 20)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* --capture's own records end here. */
static bool stage_capture(struct pipeline *p, const void *data, size_t len)
{
	return p->capture && capture_record(p->capture, data, len, &p->containers);
}

static bool stage_decode(struct pipeline *p, const void *data, size_t len, struct event *ev)
{
	if (!decode_record(data, len, ev))
		return true;
	p->stats.errors++;
	if (p->debug)
		fprintf(stderr, "tracee: dropped a malformed record of %zu bytes\n", len);
	return false;
}

static void stage_enrich(struct pipeline *p, struct event *ev)
{
	ev->container_id = container_cache_id(&p->containers, ev->hdr);
	if (p->capture)
		capture_annotate(p->capture, ev);
}

static void print_one(struct pipeline *p, const struct event *ev)
{
	p->printer->print_event(&p->out, ev);
	p->stats.events++;
	if (p->metrics)
		metrics_add(&p->metrics->by_event[ev->def->id], 1);
}

static void hide_exec_env(struct event *ev);

/* A detection raised by the detect stage goes straight to the printer; the
 * environment of the exec that raised it stays private unless asked for. */
static void print_detection(void *arg, const struct event *detection)
{
	struct pipeline *p = arg;
	struct event d, t;

	pipeline_detection(p, detection);
	if (p->show_exec_env || !detection->trigger) {
		print_one(p, detection);
		return;
	}
	d = *detection;
	t = *detection->trigger;
	hide_exec_env(&t);
	d.trigger = &t;
	print_one(p, &d);
}

int pipeline_detect(struct pipeline *p, const bool *selected)
{
	if (!sig_any_selected(selected))
		return 0;
	p->sigs = sig_engine_new(selected, p->containers.host_pid_ns, print_detection, p);
	return p->sigs ? 0 : -ENOMEM;
}

static void stage_detect(struct pipeline *p, const struct event *ev)
{
	if (p->sigs)
		sig_engine_process(p->sigs, ev);
}

/* The environment a detection had the kernel read stays private unless
 * --show-exec-env asked for it: the envp argument, where one was read. */
static int exec_env_arg(const struct event *ev)
{
	for (unsigned i = 0; i < ev->argc && i < TRACEE_MAX_ARGS; i++)
		if (ev->args[i].kind == ARG_STR_ARRAY && ev->args[i].def &&
		    strcmp(ev->args[i].def->name, "envp") == 0)
			return (int)i;
	return -1;
}

static void hide_exec_env(struct event *ev)
{
	int i = exec_env_arg(ev);

	if (i >= 0)
		ev->args[i].kind = ARG_NONE;
}

static void stage_print(struct pipeline *p, const struct event *ev)
{
	unsigned id = ev->hdr->event_id;
	struct event shown;

	if (p->printed && (id >= TRACEE_MAX_EVENTS || !p->printed[id]))
		return;
	if (!p->sigs || p->show_exec_env || exec_env_arg(ev) < 0) {
		print_one(p, ev);
		return;
	}
	shown = *ev;    /* the detections after this still read the environment */
	hide_exec_env(&shown);
	print_one(p, &shown);
}

static int handle_record(void *ctx, const void *data, size_t len)
{
	struct pipeline *p = ctx;
	struct event ev;

	if (stage_capture(p, data, len) || !stage_decode(p, data, len, &ev))
		return 0;
	stage_enrich(p, &ev);
	stage_print(p, &ev);
	stage_detect(p, &ev);
	return p->out.broken ? -EPIPE : 0;
}

int pipeline_init(struct pipeline *p, int events_fd, size_t source_bytes,
		  const struct printer *printer, int out_fd, bool debug)
{
	int err;

	p->printer = printer;
	p->debug = debug;
	p->capture = NULL;
	p->loader = NULL;
	p->metrics = NULL;
	p->webhook = NULL;
	p->sigs = NULL;
	p->printed = NULL;
	p->show_exec_env = false;
	p->report_ns = now_ns();
	p->stats = p->reported = (struct tracee_stats){ 0 };
	if ((err = container_cache_init(&p->containers, "/proc")))
		return err;
	if ((err = outbuf_init(&p->out, out_fd, OUTBUF_SIZE))) {
		container_cache_free(&p->containers);
		return err;
	}
	if ((err = event_source_open(&p->source, events_fd, source_bytes))) {
		outbuf_free(&p->out);
		container_cache_free(&p->containers);
		return err;
	}
	if (printer->open)
		printer->open(&p->out);
	return 0;
}

/* --debug: drops show up while they happen, not only at exit. */
static void report_running(struct pipeline *p)
{
	uint64_t k[STAT_MAX] = { 0 }, t = now_ns();
	struct tracee_stats st;

	if (t - p->report_ns < REPORT_NS)
		return;
	p->report_ns = t;
	if (loader_read_stats(p->loader, k))
		return;
	st = pipeline_stats(p, k);
	if (st.events == p->reported.events && st.lost == p->reported.lost &&
	    st.errors == p->reported.errors)
		return;
	p->reported = st;
	fprintf(stderr, "tracee: running: events: %" PRIu64 ", lost: %" PRIu64 ", errors: %" PRIu64 "\n",
		st.events, st.lost, st.errors);
}

/* Once a batch: what /metrics and /healthz read (metrics.h). */
static void publish_metrics(struct pipeline *p)
{
	struct metrics *m = p->metrics;

	metrics_set(&m->heartbeat_ns, metrics_now_ns());
	metrics_set(&m->events, p->stats.events);
	metrics_set(&m->errors, p->stats.errors);
	metrics_set(&m->reader_lost, event_source_lost(&p->source));
	if (p->capture) {
		struct capture_counts c;

		capture_get_counts(p->capture, &c);
		metrics_set(&m->capture_files, c.files);
		metrics_set(&m->capture_execs, c.execs);
		metrics_set(&m->capture_regions, c.regions);
		metrics_set(&m->capture_errors, c.errors);
	}
}

int pipeline_poll(struct pipeline *p, int timeout_ms)
{
	/* records submitted without a wake-up are found by draining anyway */
	int n = event_source_wait(&p->source, timeout_ms);

	if (p->metrics)
		metrics_set(&p->metrics->ring_used, event_source_waiting(&p->source));
	if (n >= 0 || n == -EINTR)
		n = event_source_drain(&p->source, handle_record, p);
	if (p->capture)
		capture_flush(p->capture);
	outbuf_flush(&p->out);
	if (p->out.broken)
		return -EPIPE;
	if (p->debug && p->loader)
		report_running(p);
	if (p->metrics)
		publish_metrics(p);
	return n == -EINTR ? 0 : n;
}

struct tracee_stats pipeline_stats(const struct pipeline *p, const uint64_t kstats[STAT_MAX])
{
	struct tracee_stats st = p->stats;
	uint64_t reader_lost = event_source_lost(&p->source);

	st.lost = kstats[STAT_LOST] > reader_lost ? kstats[STAT_LOST] : reader_lost;
	st.errors += kstats[STAT_ERRORS];
	return st;
}

void pipeline_detection(struct pipeline *p, const struct event *ev)
{
	if (p->metrics)
		metrics_add(&p->metrics->detections[ev->def->id], 1);
	if (p->webhook)
		webhook_send_event(p->webhook, ev);
}

void pipeline_free(struct pipeline *p)
{
	if (p->printer && p->printer->close)
		p->printer->close(&p->out);
	outbuf_flush(&p->out);
	event_source_close(&p->source);
	outbuf_free(&p->out);
	container_cache_free(&p->containers);
	sig_engine_free(p->sigs);
	p->sigs = NULL;
}
