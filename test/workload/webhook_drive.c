/* webhook_drive.c - drives the webhook sink the way the detection engine
 * will: N detections handed to pipeline_detection (the pipeline's detection
 * hook) with a real webhook (lib/webhook.c, libcurl) behind it, against a
 * real receiver (test_webhook.sh starts one). The detections are made here,
 * as mem_prot_alert events of this process, since no detection engine is on
 * this branch yet. Once all N are handed over it creates MARKER (so a
 * receiver holding its first answer until then shows that handing over never
 * waited for the network), waits (bounded) until each is sent or given up,
 * prints the /metrics text of the webhook counters, then closes the webhook
 * (which prints its exit line on stderr). With "now" it closes right after
 * the hand-over, as tracee does at exit with detections still queued.
 * Usage: webhook_drive URL json|falco N MARKER [now] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "events.h"
#include "metrics.h"
#include "pipeline.h"
#include "webhook.h"

static void make_detection(struct event *ev, struct event_header *h)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	memset(h, 0, sizeof(*h));
	h->ts = (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
	h->event_id = EVENT_MEM_PROT_ALERT;
	h->pid = h->tid = h->host_pid = h->host_tid = (unsigned)getpid();
	h->ppid = h->host_ppid = (unsigned)getppid();
	h->uid = (unsigned)getuid();
	strcpy(h->comm, "webhook_drive");
	memset(ev, 0, sizeof(*ev));
	ev->hdr = h;
	ev->def = events_by_id(EVENT_MEM_PROT_ALERT);
	ev->container_id = "";
}

/* Done when every detection is sent or given up (bounded: 60 s). */
static void wait_settled(const struct webhook_counts *c, uint64_t n)
{
	for (int i = 0; i < 6000; i++) {
		if (atomic_load(&c->queued) == 0 &&
		    atomic_load(&c->sent) + atomic_load(&c->failed) + atomic_load(&c->dropped) == n)
			return;
		usleep(10000);
	}
}

static void print_webhook_metrics(struct metrics *m)
{
	size_t len;
	char *text = metrics_render(m, &len), *line;

	for (line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n"))
		if (strncmp(line, "tracee_webhook_", 15) == 0)
			puts(line);
	free(text);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static struct metrics m;
	static struct pipeline p;
	enum webhook_format format;
	struct event_header h;
	struct event ev;
	struct webhook *w;
	long n = argc == 5 || argc == 6 ? strtol(argv[3], NULL, 10) : -1;
	bool now = argc == 6 && strcmp(argv[5], "now") == 0;
	FILE *marker;

	if (n < 0 || webhook_format_parse(argv[2], &format)) {
		fprintf(stderr, "usage: webhook_drive URL json|falco N MARKER [now]\n");
		return 2;
	}
	if (!(w = webhook_open(argv[1], format)))
		return 1;
	metrics_init(&m);
	m.webhook = w;
	p.metrics = &m;
	p.webhook = w;
	for (long i = 0; i < n; i++) {
		make_detection(&ev, &h);
		pipeline_detection(&p, &ev);
	}
	printf("handed over: %ld\n", n);
	fflush(stdout);
	if ((marker = fopen(argv[4], "w")))
		fclose(marker);
	if (!now) {
		wait_settled(webhook_counts(w), (uint64_t)n);
		print_webhook_metrics(&m);
	}
	webhook_close(w, stderr);
	return 0;
}
