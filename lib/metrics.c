/* metrics.c - the /metrics and /healthz endpoints (see metrics.h). The
 * text is made at scrape time from the counters the pipeline stores into
 * and the kernel-side counters read from their maps; libmicrohttpd runs
 * the connections on one thread of its own, polling, with a connection
 * limit and an idle timeout, so clients that never finish a request or
 * never read an answer hold a socket, not a thread, and never the pipeline. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include "capture.h"
#include "events.h"
#include "loader.h"
#include "metrics.h"
#include "webhook.h"

#define CONNECTION_LIMIT 64
#define IDLE_TIMEOUT_S   10

uint64_t metrics_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void metrics_init(struct metrics *m)
{
	memset(m, 0, sizeof(*m));
	m->listen_fd = -1;
}

/* ---- --listen-addr -------------------------------------------------------- */

/* Splits "HOST:PORT" / "[V6]:PORT" / ":PORT" into host (maybe "") and port. */
static int split_host_port(const char *addr, char *host, size_t hlen, const char **port)
{
	const char *colon = strrchr(addr, ':');
	size_t n;

	if (!colon)
		return -1;
	n = (size_t)(colon - addr);
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		addr++;
		n -= 2;
	}
	if (n >= hlen)
		return -1;
	memcpy(host, addr, n);
	host[n] = '\0';
	*port = colon + 1;
	return 0;
}

static bool valid_port(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	return *s >= '0' && *s <= '9' && *end == '\0' && v <= 65535;
}

/* ":PORT" listens on every address, IPv6 and IPv4 (as Tracee's Go server);
 * the caller falls back to IPv4 where IPv6 is off. */
static void any_address(struct sockaddr_storage *ss, socklen_t *len, unsigned port)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	s6->sin6_family = AF_INET6;
	s6->sin6_addr = in6addr_any;
	s6->sin6_port = htons((uint16_t)port);
	*len = sizeof(*s6);
}

int metrics_check_listen(const char *addr, char *err, size_t errlen)
{
	char host[256];
	const char *port;

	if (split_host_port(addr, host, sizeof(host), &port) || !valid_port(port)) {
		snprintf(err, errlen, "--listen-addr '%s': expected [HOST]:PORT, e.g. :3366 or 127.0.0.1:3366",
			 addr);
		return -1;
	}
	return 0;
}

int metrics_parse_listen(const char *addr, struct sockaddr_storage *ss, socklen_t *len,
			 char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res;
	char host[256];
	const char *port;
	int rc;

	if (metrics_check_listen(addr, err, errlen))
		return -1;
	split_host_port(addr, host, sizeof(host), &port);
	if (host[0] == '\0') {
		any_address(ss, len, (unsigned)strtoul(port, NULL, 10));
		return 0;
	}
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "--listen-addr '%s': cannot resolve '%s': %s", addr, host, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* ---- health --------------------------------------------------------------- */

int metrics_health(struct metrics *m, uint64_t now_ns, char *why, size_t len)
{
	int state = atomic_load_explicit(&m->state, memory_order_relaxed);
	uint64_t beat = atomic_load_explicit(&m->heartbeat_ns, memory_order_relaxed);

	if (state == METRICS_STARTING) {
		snprintf(why, len, "not attached: the eBPF object is not loaded yet");
		return -1;
	}
	if (state == METRICS_STOPPING) {
		snprintf(why, len, "not attached: stopping");
		return -1;
	}
	if (now_ns > beat && now_ns - beat > METRICS_STALL_NS) {
		snprintf(why, len, "reader stalled: no ring buffer poll for %llu s",
			 (unsigned long long)((now_ns - beat) / 1000000000ull));
		return -1;
	}
	snprintf(why, len, "OK");
	return 0;
}

/* ---- the exposition --------------------------------------------------------- */

/* One metric's HELP and TYPE lines. */
static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A metric with one unlabelled sample. */
static void metric(FILE *f, const char *name, const char *type, const char *help, uint64_t v)
{
	family(f, name, type, help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

static uint64_t load(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* A label value as the text format wants it: \\, \" and \n escaped. */
static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

static void labelled(FILE *f, const char *name, const char *label, const char *value, uint64_t v)
{
	fprintf(f, "%s{%s=\"", name, label);
	label_value(f, value);
	fprintf(f, "\"} %llu\n", (unsigned long long)v);
}

static const char *event_name(int id)
{
	const struct event_def *d = events_by_id(id);

	return d ? d->name : "unknown";
}

static void render_pipeline(FILE *f, struct metrics *m)
{
	uint64_t k[STAT_MAX] = { 0 };
	struct loader *l = atomic_load(&m->loader);

	uint64_t reader_lost = load(&m->reader_lost);

	if (l)
		loader_read_stats(l, k);
	metric(f, "tracee_ebpf_events_total", "counter", "Events delivered to the output.", load(&m->events));
	/* the kernel side and a perf buffer count the same drops: the larger wins (pipeline_stats) */
	metric(f, "tracee_ebpf_lostevents_total", "counter",
	       "Events dropped in the kernel because the ring or perf buffer was full.",
	       k[STAT_LOST] > reader_lost ? k[STAT_LOST] : reader_lost);
	metric(f, "tracee_ebpf_errors_total", "counter",
	       "Kernel-side read or map update failures, plus records that did not decode.", k[STAT_ERRORS] + load(&m->errors));
	family(f, "tracee_ebpf_event_type_total", "counter", "Events delivered, by event name.");
	for (int id = 0; id < TRACEE_MAX_EVENTS; id++) {
		uint64_t n = load(&m->by_event[id]);

		if (n || (m->selected && m->selected[id]))
			labelled(f, "tracee_ebpf_event_type_total", "event", event_name(id), n);
	}
}

static void render_detections(FILE *f, struct metrics *m)
{
	family(f, "tracee_rules_detections_total", "counter", "Detections, by signature.");
	for (int id = 0; id < TRACEE_MAX_EVENTS; id++) {
		uint64_t n = load(&m->detections[id]);

		if (n)
			labelled(f, "tracee_rules_detections_total", "signature", event_name(id), n);
	}
}

static void render_capture(FILE *f, struct metrics *m)
{
	uint64_t k[CAPTURE_STAT_MAX] = { 0 };
	struct loader *l = atomic_load(&m->loader);

	if (!m->capture_on)
		return;
	if (l)
		capture_kernel_stats(l->obj, k);
	metric(f, "tracee_ebpf_capture_files_total", "counter", "Written files captured (--capture write).", load(&m->capture_files));
	metric(f, "tracee_ebpf_capture_execs_total", "counter", "Executed files copied (--capture exec).", load(&m->capture_execs));
	metric(f, "tracee_ebpf_capture_regions_total", "counter", "W+X memory regions saved (--capture mem).", load(&m->capture_regions));
	metric(f, "tracee_ebpf_capture_errors_total", "counter", "Artifacts refused or not written.", load(&m->capture_errors));
	metric(f, "tracee_ebpf_write_lostevents_total", "counter",
	       "Captured write data the ring buffer refused.", k[CAPTURE_STAT_LOST]);
	metric(f, "tracee_ebpf_capture_unreadable_total", "counter",
	       "Captured chunks whose user memory could not be read.", k[CAPTURE_STAT_UNREADABLE]);
}

static void render_webhook(FILE *f, struct metrics *m)
{
	const struct webhook_counts *c;

	if (!m->webhook)
		return;
	c = webhook_counts(m->webhook);
	metric(f, "tracee_webhook_sent_total", "counter", "Detections the webhook receiver took.", atomic_load(&c->sent));
	metric(f, "tracee_webhook_failed_total", "counter",
	       "Detections given up on: out of retries, refused by the receiver, or left at exit.", atomic_load(&c->failed));
	metric(f, "tracee_webhook_dropped_total", "counter", "Detections dropped: the webhook queue was full.", atomic_load(&c->dropped));
	metric(f, "tracee_webhook_retries_total", "counter", "Webhook requests tried again.", atomic_load(&c->retries));
	metric(f, "tracee_webhook_queue_length", "gauge", "Detections waiting for the webhook.", atomic_load(&c->queued));
}

static void render_state(FILE *f, struct metrics *m)
{
	char why[128];

	metric(f, "tracee_ebpf_ringbuf_size_bytes", "gauge", "Size of the ring buffer.", m->ring_size);
	metric(f, "tracee_ebpf_ringbuf_used_bytes", "gauge",
	       "Bytes waiting in the ring buffer when the reader last woke.", load(&m->ring_used));
	metric(f, "tracee_ebpf_object_built", "gauge",
	       "1 if this run built the eBPF object, 0 if it found one cached.", atomic_load(&m->object_built));
	family(f, "tracee_ebpf_object_seconds", "gauge", "Seconds spent finding or building the eBPF object.");
	fprintf(f, "tracee_ebpf_object_seconds %.6f\n", (double)load(&m->object_ns) / 1e9);
	metric(f, "tracee_healthy", "gauge", "1 while /healthz answers OK.", metrics_health(m, metrics_now_ns(), why, sizeof(why)) == 0);
}

char *metrics_render(struct metrics *m, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	render_pipeline(f, m);
	render_detections(f, m);
	render_capture(f, m);
	render_webhook(f, m);
	render_state(f, m);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/* ---- the server ----------------------------------------------------------- */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, char *body, size_t len,
			     const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	char *body;
	int n = asprintf(&body, "%s\n", text);

	return n < 0 ? MHD_NO : reply(c, status, body, (size_t)n, "text/plain; charset=utf-8");
}

static enum MHD_Result serve_health(struct metrics *m, struct MHD_Connection *c)
{
	char why[128];
	int rc = metrics_health(m, metrics_now_ns(), why, sizeof(why));

	return reply_text(c, rc ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK, why);
}

static enum MHD_Result serve_metrics(struct metrics *m, struct MHD_Connection *c)
{
	size_t len = 0;
	char *text = metrics_render(m, &len);

	if (!text)
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return reply(c, MHD_HTTP_OK, text, len, "text/plain; version=0.0.4; charset=utf-8");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_len, void **state)
{
	struct metrics *m = cls;

	(void)version;
	(void)upload;
	if (*upload_len) {      /* a GET has no body: take none */
		*upload_len = 0;
		return MHD_YES;
	}
	(void)state;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET");
	if (strcmp(url, "/healthz") == 0)
		return serve_health(m, c);
	if (m->serve_metrics && strcmp(url, "/metrics") == 0)
		return serve_metrics(m, c);
	return reply_text(c, MHD_HTTP_NOT_FOUND, m->serve_metrics ? "try /metrics or /healthz" : "try /healthz");
}

/* A socket listening on ss; ":PORT" falls back to IPv4 where IPv6 is off. */
static int listen_socket(struct sockaddr_storage *ss, socklen_t len)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, zero = 0;

	if (fd < 0 && ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)ss)->sin6_addr)) {
		struct sockaddr_in s4 = { .sin_family = AF_INET,
					  .sin_port = ((struct sockaddr_in6 *)ss)->sin6_port };

		memcpy(ss, &s4, sizeof(s4));
		return listen_socket(ss, sizeof(s4));
	}
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)ss, len) || listen(fd, 64)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void say_where(int fd, bool with_metrics)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
			port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		} else {
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
			port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		}
	}
	fprintf(stderr, "tracee: serving %s on %s%s%s:%u\n", with_metrics ? "/metrics and /healthz" : "/healthz",
		ss.ss_family == AF_INET6 ? "[" : "", host, ss.ss_family == AF_INET6 ? "]" : "", port);
}

int metrics_start(struct metrics *m, const char *listen_addr, bool with_metrics)
{
	struct sockaddr_storage ss;
	socklen_t len;
	sigset_t all, old;
	char err[300];

	if (metrics_parse_listen(listen_addr, &ss, &len, err, sizeof(err))) {
		fprintf(stderr, "tracee: %s\n", err);
		return -EINVAL;
	}
	m->serve_metrics = with_metrics;
	m->listen_fd = listen_socket(&ss, len);
	if (m->listen_fd < 0) {
		fprintf(stderr, "tracee: cannot listen on %s: %s (choose another --listen-addr)\n",
			listen_addr, strerror(-m->listen_fd));
		return m->listen_fd;
	}
	/* The server's thread takes no signals: they are the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	m->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL,
				     on_request, m,
				     MHD_OPTION_LISTEN_SOCKET, m->listen_fd,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
				     MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!m->daemon) {
		fprintf(stderr, "tracee: cannot start the metrics server on %s\n", listen_addr);
		close(m->listen_fd);
		m->listen_fd = -1;
		return -EIO;
	}
	say_where(m->listen_fd, with_metrics);
	return 0;
}

/* Joins the server's thread; libmicrohttpd closes the listening socket it
 * was given. */
void metrics_stop(struct metrics *m)
{
	if (m->daemon)
		MHD_stop_daemon(m->daemon);
	m->daemon = NULL;
	m->listen_fd = -1;
}
