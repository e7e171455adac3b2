/* sig_bench.c - throughput of the detection engine on one core: every
 * built-in detection selected (rules and C), fed a mix of made-up base
 * events shaped like a busy host's (file opens of ordinary paths, closes,
 * execs with a 30-entry environment, sockets, connects, dups, writes of
 * files, memory alerts, ptrace), timed in thread CPU time. Prints
 *   sig_bench: N events in S s of CPU: R events/s, D detections (K detections selected)
 * test/bench/bench.sh runs it; nothing asserts on its speed.
 *   sig_bench [EVENTS]   (default 5000000) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "events.h"
#include "signatures/sig_engine.h"

#define KINDS 10

static struct event_header hdrs[KINDS];
static struct event evs[KINDS];
static char envp[2048];
static uint64_t raised;

static void count(void *arg, const struct event *d)
{
	(void)arg;
	(void)d;
	raised++;
}

static struct event *make(int k, const char *name, const char *comm)
{
	const struct event_def *d = events_by_name(name);
	struct event *ev = &evs[k];

	hdrs[k].event_id = (unsigned)d->id;
	hdrs[k].pid = hdrs[k].host_pid = hdrs[k].tid = hdrs[k].host_tid = 1000 + (unsigned)k;
	hdrs[k].pid_ns = 1;
	snprintf(hdrs[k].comm, sizeof(hdrs[k].comm), "%s", comm);
	ev->hdr = &hdrs[k];
	ev->def = d;
	ev->container_id = "";
	ev->argc = d->argnum;
	for (unsigned i = 0; i < d->argnum; i++) {
		ev->args[i].def = &d->args[i];
		ev->args[i].kind = d->args[i].kind;
	}
	return ev;
}

static struct event_arg *arg(struct event *ev, const char *name)
{
	for (unsigned i = 0; i < ev->argc; i++)
		if (!strcmp(ev->args[i].def->name, name))
			return &ev->args[i];
	abort();
}

static void str(struct event *ev, const char *name, const char *s)
{
	struct event_arg *a = arg(ev, name);

	a->kind = ARG_STR;
	a->data = s;
	a->len = (uint32_t)strlen(s);
}

static void build(void)
{
	static struct sockaddr_in sin = { .sin_family = AF_INET };
	struct event *ev;
	size_t o = 0;

	ev = make(0, "security_file_open", "nginx");
	str(ev, "pathname", "/usr/share/nginx/html/index.html");
	arg(ev, "flags")->num = 0100000;
	ev = make(1, "security_file_open", "python3");
	str(ev, "pathname", "/var/lib/app/data/cache/entry-0042.json");
	arg(ev, "flags")->num = 01101;
	make(2, "close", "nginx");
	ev = make(3, "execve", "sh");
	str(ev, "pathname", "/usr/bin/git");
	for (int i = 0; i < 30; i++) {
		char var[64];
		uint32_t len = (uint32_t)snprintf(var, sizeof(var), "VARIABLE_%02d=/some/value/%d", i, i);

		memcpy(envp + o, &len, 4);
		memcpy(envp + o + 4, var, len);
		o += 4 + len;
	}
	arg(ev, "envp")->data = envp;
	arg(ev, "envp")->len = (uint32_t)o;
	arg(ev, "envp")->count = 30;
	arg(ev, "argv")->kind = ARG_NONE;
	ev = make(4, "socket", "curl");
	arg(ev, "domain")->num = AF_INET;
	hdrs[4].retval = 5;
	ev = make(5, "connect", "curl");
	arg(ev, "sockfd")->num = 5;
	sin.sin_port = htons(443);
	sin.sin_addr.s_addr = htonl(0x0a000001);
	arg(ev, "addr")->data = (const char *)&sin;
	arg(ev, "addr")->len = sizeof(sin);
	ev = make(6, "dup2", "curl");
	arg(ev, "oldfd")->num = 5;
	arg(ev, "newfd")->num = 9;
	hdrs[6].retval = 9;
	ev = make(7, "magic_write", "cc1");
	str(ev, "pathname", "/tmp/build/obj.o.tmp");
	arg(ev, "bytes")->data = "#!/bin/sh\n";
	arg(ev, "bytes")->len = 10;
	ev = make(8, "mem_prot_alert", "java");
	str(ev, "alert", "Protection changed to Executable!");
	ev = make(9, "ptrace", "gdb");
	arg(ev, "request")->num = 16;
}

/* Out of 100 events: how many of each kind. */
static const int mix[KINDS] = { 25, 15, 25, 5, 5, 5, 5, 8, 5, 2 };

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 5000000;
	static bool selected[TRACEE_MAX_EVENTS];
	int order[100], k = 0, nsel = 0;
	const struct event_def *d;
	struct sig_engine *e;
	struct timespec a, b;
	double s;

	for (size_t i = 0; (d = events_at(i)); i++)
		if (event_is_detection(d)) {
			selected[d->id] = true;
			nsel++;
		}
	build();
	for (int i = 0; i < KINDS; i++)
		for (int j = 0; j < mix[i]; j++)
			order[k++] = i;
	if (!(e = sig_engine_new(selected, 1, count, NULL)))
		return 1;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	for (long i = 0; i < n; i++)
		sig_engine_process(e, &evs[order[i % 100]]);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("sig_bench: %ld events in %.3f s of CPU: %.0f events/s, %llu detections (%d detections selected)\n",
	       n, s, (double)n / s, (unsigned long long)raised, nsel);
	sig_engine_free(e);
	return 0;
}
