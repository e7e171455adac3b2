/* test_metrics.c - the /metrics text, the /healthz decision, --listen-addr
 * parsing, and the detection hook's counter (no server, no privileges). */
#include <stdlib.h>
#include "check.h"
#include "events.h"
#include "metrics.h"
#include "pipeline.h"

static struct metrics m;

/* Does the exposition hold this exact line? */
static int has_line(const char *line)
{
	size_t len;
	char *text = metrics_render(&m, &len), *p = text;
	size_t n = strlen(line);
	int found = 0;

	while (p && *p && !found) {
		char *end = strchr(p, '\n');

		found = end && (size_t)(end - p) == n && strncmp(p, line, n) == 0;
		p = end ? end + 1 : NULL;
	}
	free(text);
	return found;
}

static void test_render(void)
{
	static bool selected[TRACEE_MAX_EVENTS];
	static struct pipeline p;
	struct event ev = { .def = events_by_id(EVENT_MEM_PROT_ALERT) };

	metrics_init(&m);
	selected[257] = selected[0] = true;     /* openat, read */
	m.selected = selected;
	m.ring_size = 8 << 20;
	metrics_set(&m.events, 12);
	metrics_add(&m.by_event[257], 5);
	metrics_add(&m.by_event[257], 7);
	metrics_add(&m.by_event[59], 1);        /* execve: not selected, counted all the same */
	CHECK(has_line("# TYPE tracee_ebpf_events_total counter"));
	CHECK(has_line("tracee_ebpf_events_total 12"));
	CHECK(has_line("tracee_ebpf_lostevents_total 0"));
	CHECK(has_line("tracee_ebpf_errors_total 0"));
	CHECK(has_line("tracee_ebpf_event_type_total{event=\"openat\"} 12"));
	CHECK(has_line("tracee_ebpf_event_type_total{event=\"read\"} 0"));
	CHECK(has_line("tracee_ebpf_event_type_total{event=\"execve\"} 1"));
	CHECK(!has_line("tracee_ebpf_event_type_total{event=\"close\"} 0"));
	CHECK(has_line("tracee_ebpf_ringbuf_size_bytes 8388608"));
	CHECK(has_line("tracee_ebpf_object_built 0"));
	CHECK(!has_line("tracee_ebpf_capture_files_total 0"));  /* no --capture, no capture series */
	m.capture_on = true;
	CHECK(has_line("tracee_ebpf_capture_files_total 0"));

	/* the detection hook feeds the per-signature counter */
	CHECK(has_line("# TYPE tracee_rules_detections_total counter"));
	CHECK(!has_line("tracee_rules_detections_total{signature=\"mem_prot_alert\"} 1"));
	p.metrics = &m;
	pipeline_detection(&p, &ev);
	CHECK(has_line("tracee_rules_detections_total{signature=\"mem_prot_alert\"} 1"));
	pipeline_detection(&p, &ev);
	CHECK(has_line("tracee_rules_detections_total{signature=\"mem_prot_alert\"} 2"));
	p.metrics = NULL;
	pipeline_detection(&p, &ev);            /* no metrics: nothing to count, no crash */
}

static void test_health(void)
{
	char why[128];
	uint64_t t = 100ull * 1000000000ull;

	metrics_init(&m);
	CHECK_INT(metrics_health(&m, t, why, sizeof(why)), -1);
	CHECK(strstr(why, "not attached") != NULL);
	atomic_store(&m.state, METRICS_ATTACHED);
	metrics_set(&m.heartbeat_ns, t);
	CHECK_INT(metrics_health(&m, t + 1000000000ull, why, sizeof(why)), 0);
	CHECK_STR(why, "OK");
	CHECK_INT(metrics_health(&m, t + METRICS_STALL_NS, why, sizeof(why)), 0);
	CHECK_INT(metrics_health(&m, t + METRICS_STALL_NS + 2000000000ull, why, sizeof(why)), -1);
	CHECK_STR(why, "reader stalled: no ring buffer poll for 7 s");
	CHECK(!has_line("tracee_healthy 1"));
	atomic_store(&m.state, METRICS_STOPPING);
	CHECK_INT(metrics_health(&m, t, why, sizeof(why)), -1);
	CHECK_STR(why, "not attached: stopping");
}

static void test_listen(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[300];

	CHECK_INT(metrics_parse_listen(":3366", &ss, &len, err, sizeof(err)), 0);
	CHECK_INT(ss.ss_family, AF_INET6);      /* every address, v6 and v4 */
	CHECK_INT(metrics_parse_listen("127.0.0.1:0", &ss, &len, err, sizeof(err)), 0);
	CHECK_INT(ss.ss_family, AF_INET);
	CHECK_INT(metrics_parse_listen("[::1]:9000", &ss, &len, err, sizeof(err)), 0);
	CHECK_INT(ss.ss_family, AF_INET6);
	CHECK_INT(metrics_parse_listen("3366", &ss, &len, err, sizeof(err)), -1);
	CHECK(strstr(err, "expected [HOST]:PORT") != NULL);
	CHECK_INT(metrics_parse_listen(":65536", &ss, &len, err, sizeof(err)), -1);
	CHECK_INT(metrics_parse_listen(":", &ss, &len, err, sizeof(err)), -1);
	CHECK_INT(metrics_parse_listen(":-1", &ss, &len, err, sizeof(err)), -1);
	CHECK_INT(metrics_check_listen("no.such.host.invalid:80", err, sizeof(err)), 0);   /* form only */
	CHECK_INT(metrics_check_listen(":99999", err, sizeof(err)), -1);
	CHECK_INT(metrics_parse_listen("no.such.host.invalid:80", &ss, &len, err, sizeof(err)), -1);
	CHECK(strstr(err, "cannot resolve") != NULL);
}

int main(void)
{
	test_render();
	test_health();
	test_listen();
	return check_report("metrics");
}
