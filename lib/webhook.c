/* webhook.c - detections to an HTTP receiver (see webhook.h). The pipeline
 * side formats and queues under a mutex the sender holds only to take items
 * out, never across a request; the sender owns the libcurl handle, so one
 * connection is kept alive from request to request. */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "event.h"
#include "outbuf.h"
#include "printer.h"
#include "webhook.h"

#define FORMAT_CAP (256u << 10)     /* one formatted detection, at most */

struct item {
	char *body;
	size_t len;
};

struct webhook {
	char *url;
	enum webhook_format format;
	struct webhook_counts counts;

	/* the queue */
	pthread_mutex_t lock;
	pthread_cond_t cond;            /* items queued, or stop */
	struct item items[WEBHOOK_QUEUE_MAX];
	size_t head, count;
	bool stopping;
	uint64_t deadline_ns;           /* once stopping: give up after this */

	/* the pipeline thread's formatting buffers */
	struct outbuf json, falco;
	uint64_t boot_to_real_ns;       /* event times are since boot; Falco's are wall clock */
	char hostname[256];

	/* the sender's */
	pthread_t thread;
	CURL *curl;
	struct curl_slist *json_hdrs, *ndjson_hdrs;
};

int webhook_format_parse(const char *s, enum webhook_format *out)
{
	static const struct { const char *name; enum webhook_format f; } formats[] = {
		{ "json", WEBHOOK_JSON },
		{ "falco", WEBHOOK_FALCO },
	};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(s, formats[i].name) == 0) {
			*out = formats[i].f;
			return 0;
		}
	return -1;
}

bool webhook_url_valid(const char *url)
{
	return (strncmp(url, "http://", 7) == 0 && url[7]) || (strncmp(url, "https://", 8) == 0 && url[8]);
}

const struct webhook_counts *webhook_counts(const struct webhook *w)
{
	return &w->counts;
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void count(_Atomic uint64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* ---- formatting (pipeline thread) ------------------------------------------ */

/* "2026-11-29T15:05:01.123456789Z" */
static void rfc3339(char *buf, size_t len, uint64_t wall_ns)
{
	time_t s = (time_t)(wall_ns / 1000000000ull);
	struct tm tm;
	size_t n;

	gmtime_r(&s, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09lluZ", (unsigned long long)(wall_ns % 1000000000ull));
}

static void put_str_field(struct outbuf *o, const char *key, const char *s, size_t n)
{
	outbuf_puts(o, key);
	outbuf_json_str(o, s, n);
}

static void put_u64_field(struct outbuf *o, const char *key, uint64_t v)
{
	outbuf_puts(o, key);
	outbuf_u64(o, v);
}

/* A detection's severity (0 info .. 3 high) as a Falco priority. */
static const char *const falco_priority[4] = { "Informational", "Notice", "Warning", "Critical" };

/* Falco's http_output body: what Falcosidekick and other Falco receivers
 * read. The whole tracee event rides along in output_fields. */
static void falco_body(struct webhook *w, const struct event *ev, const char *json, size_t json_len)
{
	const struct event_header *h = ev->hdr;
	struct outbuf *o = &w->falco;
	const char *cid = ev->container_id && *ev->container_id ? ev->container_id : "host";
	size_t comm_len = strnlen(h->comm, sizeof(h->comm));
	uint64_t wall = w->boot_to_real_ns + h->ts;
	const char *priority = ev->def->sig ? falco_priority[ev->def->sig->severity & 3] : "Warning";
	char when[48], msg[512];

	rfc3339(when, sizeof(when), wall);
	snprintf(msg, sizeof(msg), "%s: %s %s (proc.name=%.*s proc.pid=%u container.id=%s)",
		 when, priority, ev->def->name, (int)comm_len, h->comm, h->host_pid, cid);
	put_str_field(o, "{\"output\":", msg, strlen(msg));
	put_str_field(o, ",\"priority\":", priority, strlen(priority));
	put_str_field(o, ",\"rule\":", ev->def->name, strlen(ev->def->name));
	put_str_field(o, ",\"time\":", when, strlen(when));
	outbuf_puts(o, ",\"source\":\"tracee\"");
	put_str_field(o, ",\"hostname\":", w->hostname, strlen(w->hostname));
	outbuf_puts(o, ",\"tags\":[\"tracee\"]");
	put_u64_field(o, ",\"output_fields\":{\"evt.time\":", wall);
	put_str_field(o, ",\"evt.type\":", ev->def->name, strlen(ev->def->name));
	put_str_field(o, ",\"proc.name\":", h->comm, comm_len);
	put_u64_field(o, ",\"proc.pid\":", h->host_pid);
	put_u64_field(o, ",\"proc.ppid\":", h->host_ppid);
	put_u64_field(o, ",\"thread.tid\":", h->host_tid);
	put_u64_field(o, ",\"user.uid\":", h->uid);
	put_str_field(o, ",\"container.id\":", cid, strlen(cid));
	outbuf_puts(o, ",\"tracee.event\":");
	outbuf_put(o, json, json_len);
	outbuf_puts(o, "}}\n");
}

/* The detection as the receiver will get it, malloc'ed; NULL if it does not
 * fit FORMAT_CAP (the buffers never flush: their fd is -1, a flush breaks them). */
static char *format(struct webhook *w, const struct event *ev, size_t *len)
{
	struct outbuf *o = &w->json;
	char *body;

	w->json.len = w->falco.len = 0;
	w->json.broken = w->falco.broken = false;
	printer_json.print_event(&w->json, ev);
	if (w->format == WEBHOOK_FALCO && !w->json.broken) {
		falco_body(w, ev, w->json.buf, w->json.len - (w->json.len && w->json.buf[w->json.len - 1] == '\n'));
		o = &w->falco;
	}
	if (w->json.broken || o->broken || !(body = malloc(o->len)))
		return NULL;
	memcpy(body, o->buf, o->len);
	*len = o->len;
	return body;
}

void webhook_send_event(struct webhook *w, const struct event *ev)
{
	size_t len = 0;
	char *body = format(w, ev, &len);

	if (!body) {
		count(&w->counts.failed, 1);
		return;
	}
	pthread_mutex_lock(&w->lock);
	if (w->count == WEBHOOK_QUEUE_MAX || w->stopping) {
		pthread_mutex_unlock(&w->lock);
		free(body);
		count(&w->counts.dropped, 1);
		return;
	}
	w->items[(w->head + w->count) % WEBHOOK_QUEUE_MAX] = (struct item){ body, len };
	w->count++;
	atomic_store(&w->counts.queued, w->count);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* ---- delivery (sender thread) ------------------------------------------------- */

enum post_result { POST_OK, POST_RETRY, POST_REFUSED };

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* Past the exit deadline, a request in flight is abandoned. */
static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	struct webhook *w = ctx;
	bool stopping;
	uint64_t deadline;

	(void)a, (void)b, (void)c, (void)d;
	pthread_mutex_lock(&w->lock);
	stopping = w->stopping;
	deadline = w->deadline_ns;
	pthread_mutex_unlock(&w->lock);
	return stopping && clock_ns(CLOCK_MONOTONIC) > deadline;
}

/* 2xx: taken. 408, 429, 5xx and no answer at all: worth another try. Other
 * answers (400, 404, ...) will not change by asking again. */
static enum post_result post(struct webhook *w, const char *body, size_t len, size_t n)
{
	long status = 0;
	CURLcode rc;

	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, n > 1 ? w->ndjson_hdrs : w->json_hdrs);
	rc = curl_easy_perform(w->curl);
	if (rc != CURLE_OK)
		return POST_RETRY;
	curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300)
		return POST_OK;
	if (status == 408 || status == 429 || status >= 500)
		return POST_RETRY;
	return POST_REFUSED;
}

/* Wait before a retry; false when the exit deadline does not leave time. */
static bool backoff(struct webhook *w, unsigned attempt)
{
	uint64_t ms = (uint64_t)WEBHOOK_BACKOFF_MS << attempt, until;
	struct timespec ts;
	bool go = true;

	if (ms > WEBHOOK_BACKOFF_MAX_MS)
		ms = WEBHOOK_BACKOFF_MAX_MS;
	until = clock_ns(CLOCK_MONOTONIC) + ms * 1000000ull;
	ts.tv_sec = (time_t)(until / 1000000000ull);
	ts.tv_nsec = (long)(until % 1000000000ull);
	pthread_mutex_lock(&w->lock);
	if (w->stopping && until > w->deadline_ns)
		go = false;
	/* woken early only by the stop, which moves the deadline up */
	while (go && pthread_cond_timedwait(&w->cond, &w->lock, &ts) != ETIMEDOUT)
		if (w->stopping && until > w->deadline_ns)
			go = false;
	pthread_mutex_unlock(&w->lock);
	return go;
}

static void deliver(struct webhook *w, const char *body, size_t len, size_t n)
{
	for (unsigned attempt = 0; attempt < WEBHOOK_ATTEMPTS; attempt++) {
		enum post_result r;

		if (attempt) {
			if (!backoff(w, attempt - 1))
				break;
			count(&w->counts.retries, 1);
		}
		r = post(w, body, len, n);
		if (r == POST_OK) {
			count(&w->counts.sent, n);
			return;
		}
		if (r == POST_REFUSED)
			break;
	}
	count(&w->counts.failed, n);
}

/* Take a batch: every waiting JSON detection up to WEBHOOK_BATCH_MAX, one
 * line each, or one Falco body. Returns how many (0: stop). */
static size_t take(struct webhook *w, char **body, size_t *len)
{
	size_t n, total = 0, max;

	pthread_mutex_lock(&w->lock);
	while (w->count == 0 && !w->stopping)
		pthread_cond_wait(&w->cond, &w->lock);
	max = w->format == WEBHOOK_FALCO ? 1 : WEBHOOK_BATCH_MAX;
	n = w->count < max ? w->count : max;
	for (size_t i = 0; i < n; i++)
		total += w->items[(w->head + i) % WEBHOOK_QUEUE_MAX].len;
	*body = n ? malloc(total) : NULL;
	*len = 0;
	for (size_t i = 0; i < n; i++) {
		struct item *it = &w->items[(w->head + i) % WEBHOOK_QUEUE_MAX];

		if (*body)
			memcpy(*body + *len, it->body, it->len);
		*len += it->len;
		free(it->body);
	}
	w->head = (w->head + n) % WEBHOOK_QUEUE_MAX;
	w->count -= n;
	atomic_store(&w->counts.queued, w->count);
	pthread_mutex_unlock(&w->lock);
	return n;
}

static bool past_deadline(struct webhook *w)
{
	bool past;

	pthread_mutex_lock(&w->lock);
	past = w->stopping && clock_ns(CLOCK_MONOTONIC) > w->deadline_ns;
	pthread_mutex_unlock(&w->lock);
	return past;
}

static void *sender(void *arg)
{
	struct webhook *w = arg;
	char *body;
	size_t len, n;

	while ((n = take(w, &body, &len))) {
		if (!body || past_deadline(w))
			count(&w->counts.failed, n);
		else
			deliver(w, body, len, n);
		free(body);
	}
	return NULL;
}

/* ---- life ----------------------------------------------------------------------- */

static int curl_setup(struct webhook *w)
{
	w->curl = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	w->curl = curl_easy_init();
	w->json_hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	w->ndjson_hdrs = curl_slist_append(NULL, "Content-Type: application/x-ndjson");
	if (!w->curl || !w->json_hdrs || !w->ndjson_hdrs)
		return -1;
	curl_easy_setopt(w->curl, CURLOPT_URL, w->url);
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_USERAGENT, "tracee/" TRACEE_VERSION);
	curl_easy_setopt(w->curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(w->curl, CURLOPT_TIMEOUT_MS, (long)WEBHOOK_TIMEOUT_MS);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(w->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(w->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(w->curl, CURLOPT_XFERINFODATA, w);
	curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	return 0;
}

static void webhook_free(struct webhook *w)
{
	if (w->curl)
		curl_easy_cleanup(w->curl);
	curl_slist_free_all(w->json_hdrs);
	curl_slist_free_all(w->ndjson_hdrs);
	curl_global_cleanup();
	outbuf_free(&w->json);
	outbuf_free(&w->falco);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w->url);
	free(w);
}

static int sync_init(struct webhook *w)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

struct webhook *webhook_open(const char *url, enum webhook_format format)
{
	struct webhook *w = calloc(1, sizeof(*w));
	sigset_t all, old;
	int err;

	if (!w || !(w->url = strdup(url))) {
		free(w);
		fprintf(stderr, "tracee: webhook: out of memory\n");
		return NULL;
	}
	w->format = format;
	sync_init(w);
	w->boot_to_real_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	if (gethostname(w->hostname, sizeof(w->hostname) - 1))
		strcpy(w->hostname, "unknown");
	if (outbuf_init(&w->json, -1, FORMAT_CAP) || outbuf_init(&w->falco, -1, FORMAT_CAP) || curl_setup(w)) {
		fprintf(stderr, "tracee: webhook: cannot set up libcurl for %s\n", url);
		webhook_free(w);
		return NULL;
	}
	/* the sender takes no signals: they are the main thread's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&w->thread, NULL, sender, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		fprintf(stderr, "tracee: webhook: cannot start its thread: %s\n", strerror(err));
		webhook_free(w);
		return NULL;
	}
	return w;
}

void webhook_close(struct webhook *w, FILE *err)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	w->deadline_ns = clock_ns(CLOCK_MONOTONIC) + WEBHOOK_DRAIN_MS * 1000000ull;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	if (err)
		fprintf(err, "tracee: webhook: sent: %llu, failed: %llu, dropped: %llu, retries: %llu\n",
			(unsigned long long)atomic_load(&w->counts.sent),
			(unsigned long long)atomic_load(&w->counts.failed),
			(unsigned long long)atomic_load(&w->counts.dropped),
			(unsigned long long)atomic_load(&w->counts.retries));
	webhook_free(w);
}
