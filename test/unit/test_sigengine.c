/* test_sigengine.c - the detection engine without a kernel: dispatch by
 * event id (a detection sees only its base events), the detection event's
 * fields, container scoping, and stdio_over_socket's per-process socket
 * table: what connect, dup, fork, close and exit do to it. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "check.h"
#include "events.h"
#include "signatures/sig_engine.h"

static struct event_header hdr;
static struct event ev;
static struct sockaddr_in peer;

struct raised {
	char name[32];
	char data[128];
	unsigned trigger_id;
	unsigned host_pid;
};
static struct raised got[16];
static int ngot;

static void collect(void *arg, const struct event *d)
{
	struct raised *r = &got[ngot < 16 ? ngot++ : 15];
	size_t o = 0;

	(void)arg;
	snprintf(r->name, sizeof(r->name), "%s", d->def->name);
	r->data[0] = '\0';
	for (unsigned i = 0; i < d->argc; i++) {
		const struct event_arg *a = &d->args[i];

		if (a->kind == ARG_STR)
			o += (size_t)snprintf(r->data + o, sizeof(r->data) - o, "%s%.*s", i ? " " : "",
					      (int)a->len, a->data);
		else
			o += (size_t)snprintf(r->data + o, sizeof(r->data) - o, "%s%lld", i ? " " : "",
					      (long long)a->num);
	}
	r->trigger_id = d->trigger ? d->trigger->hdr->event_id : 0;
	r->host_pid = d->hdr->host_pid;
}

static void event_of(const char *name, unsigned pid, int64_t ret)
{
	memset(&hdr, 0, sizeof(hdr));
	memset(&ev, 0, sizeof(ev));
	ev.def = events_by_name(name);
	hdr.event_id = (unsigned)ev.def->id;
	hdr.pid = hdr.host_pid = hdr.tid = hdr.host_tid = pid;
	hdr.pid_ns = 1;
	hdr.retval = ret;
	memcpy(hdr.comm, "sh", 3);
	ev.hdr = &hdr;
	ev.container_id = "";
	ev.argc = ev.def->argnum;
	for (unsigned i = 0; i < ev.argc; i++) {
		ev.args[i].def = &ev.def->args[i];
		ev.args[i].kind = ev.def->args[i].kind;
	}
}

static void num(const char *name, int64_t v)
{
	for (unsigned i = 0; i < ev.argc; i++)
		if (!strcmp(ev.args[i].def->name, name))
			ev.args[i].num = v;
}

static void addr(const char *ip, int port)
{
	peer = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, ip, &peer.sin_addr);
	for (unsigned i = 0; i < ev.argc; i++)
		if (!strcmp(ev.args[i].def->name, "remote_addr")) {
			ev.args[i].data = (const char *)&peer;
			ev.args[i].len = sizeof(peer);
		}
}

static struct sig_engine *eng;

static void feed(void)
{
	sig_engine_process(eng, &ev);
}

static void socket_of(unsigned pid, int fd)
{
	event_of("socket", pid, fd);
	num("domain", AF_INET);
	feed();
}

static void connect_of(unsigned pid, int fd, const char *ip, int port)
{
	event_of("security_socket_connect", pid, 0);
	num("sockfd", fd);
	addr(ip, port);
	feed();
}

static void dup2_of(unsigned pid, int oldfd, int newfd)
{
	event_of("dup2", pid, newfd);
	num("oldfd", oldfd);
	num("newfd", newfd);
	feed();
}

static void test_stdio(void)
{
	static bool sel[TRACEE_MAX_EVENTS];

	sel[events_by_name("stdio_over_socket")->id] = true;
	eng = sig_engine_new(sel, 1, collect, NULL);
	CHECK(eng != NULL);
	if (!eng)
		return;

	/* a connected socket dup'ed onto stdin */
	ngot = 0;
	socket_of(100, 5);
	connect_of(100, 5, "10.0.0.1", 443);
	CHECK_INT(ngot, 0);
	dup2_of(100, 5, 0);
	CHECK_INT(ngot, 1);
	CHECK_STR(got[0].name, "stdio_over_socket");
	CHECK_STR(got[0].data, "10.0.0.1 443 0");
	CHECK_INT(got[0].trigger_id, 33);       /* dup2 */
	CHECK_INT(got[0].host_pid, 100);

	/* onto fd 7: nothing; fcntl(F_DUPFD) onto 2: raised */
	ngot = 0;
	dup2_of(100, 5, 7);
	CHECK_INT(ngot, 0);
	event_of("fcntl", 100, 2);
	num("fd", 7);
	num("cmd", 0);          /* F_DUPFD */
	feed();
	CHECK_INT(ngot, 1);
	CHECK_STR(got[0].data, "10.0.0.1 443 2");

	/* closed: forgotten */
	ngot = 0;
	event_of("close", 100, 0);
	num("fd", 5);
	feed();
	dup2_of(100, 5, 1);
	CHECK_INT(ngot, 0);

	/* a fork hands the table to the child; the child's dup raises */
	socket_of(200, 9);
	connect_of(200, 9, "192.168.1.2", 4444);
	event_of("sched_process_fork", 200, 0);
	num("parent_pid", 200);
	num("child_pid", 201);
	feed();
	ngot = 0;
	dup2_of(201, 9, 1);
	CHECK_INT(ngot, 1);
	CHECK_STR(got[0].data, "192.168.1.2 4444 1");
	CHECK_INT(got[0].host_pid, 201);

	/* the parent exits: forgotten (the child keeps its own) */
	event_of("sched_process_exit", 200, 0);
	num("process_group_exit", 1);
	feed();
	ngot = 0;
	dup2_of(200, 9, 0);
	dup2_of(201, 9, 0);
	CHECK_INT(ngot, 1);
	CHECK_INT(got[0].host_pid, 201);

	/* a thread's exit is not the process's */
	socket_of(300, 4);
	connect_of(300, 4, "10.1.1.1", 80);
	event_of("sched_process_exit", 300, 0);
	num("process_group_exit", 0);
	feed();
	ngot = 0;
	dup2_of(300, 4, 0);
	CHECK_INT(ngot, 1);

	/* connect on fd 0-2 raises at once; port 0 and fd 3+ do not */
	ngot = 0;
	connect_of(400, 1, "127.0.0.1", 8080);
	connect_of(400, 0, "127.0.0.1", 0);
	connect_of(400, 3, "127.0.0.1", 8080);
	CHECK_INT(ngot, 1);
	CHECK_STR(got[0].data, "127.0.0.1 8080 1");

	/* an unconnected socket dup'ed onto stdio: no peer, nothing */
	ngot = 0;
	socket_of(500, 6);
	dup2_of(500, 6, 0);
	CHECK_INT(ngot, 0);

	sig_engine_free(eng);
}

/* Many processes: the table grows, and every second process of 400 exits
 * (removals shift others in the table): exactly the 200 left raise. */
static int counted;
static void count_only(void *arg, const struct event *d)
{
	(void)arg;
	(void)d;
	counted++;
}

static void test_forgetting_counts(void)
{
	static bool sel[TRACEE_MAX_EVENTS];

	sel[events_by_name("stdio_over_socket")->id] = true;
	eng = sig_engine_new(sel, 1, count_only, NULL);
	for (unsigned p = 1000; p < 1400; p++) {
		socket_of(p, 3);
		connect_of(p, 3, "10.9.9.9", 22);
	}
	for (unsigned p = 1000; p < 1400; p += 2) {
		event_of("sched_process_exit", p, 0);
		num("process_group_exit", 1);
		feed();
	}
	counted = 0;
	for (unsigned p = 1000; p < 1400; p++)
		dup2_of(p, 3, 0);
	CHECK_INT(counted, 200);
	sig_engine_free(eng);
}

/* A detection sees only its base events; container-scoped ones only
 * processes outside the host's pid namespace. */
static void test_dispatch(void)
{
	static bool sel[TRACEE_MAX_EVENTS], kernel[TRACEE_MAX_EVENTS];

	sel[events_by_name("anti_debugging")->id] = true;
	sel[events_by_name("core_pattern_modification")->id] = true;
	sig_kernel_events(sel, kernel);
	CHECK(kernel[events_by_name("ptrace")->id]);
	CHECK(kernel[events_by_name("security_file_open")->id]);
	CHECK(!kernel[events_by_name("anti_debugging")->id]);
	CHECK(!kernel[events_by_name("openat")->id]);
	CHECK(!sig_needs_exec_env(sel));
	eng = sig_engine_new(sel, 1, collect, NULL);
	ngot = 0;
	event_of("openat", 10, 0);      /* not a base event: never looked at */
	feed();
	event_of("ptrace", 10, 0);
	num("request", 0);              /* PTRACE_TRACEME */
	feed();
	CHECK_INT(ngot, 1);
	CHECK_STR(got[0].name, "anti_debugging");
	event_of("security_file_open", 10, 0);
	ev.args[0].kind = ARG_STR;
	ev.args[0].data = "/proc/sys/kernel/core_pattern";
	ev.args[0].len = 29;
	num("flags", 1);
	feed();
	CHECK_INT(ngot, 1);             /* on the host: not raised */
	hdr.pid_ns = 2;                 /* another pid namespace */
	feed();
	CHECK_INT(ngot, 2);
	CHECK_STR(got[1].name, "core_pattern_modification");
	CHECK_INT(sig_engine_raised(eng), 2);
	sig_engine_free(eng);
}

int main(void)
{
	test_stdio();
	test_forgetting_counts();
	test_dispatch();
	return check_report("sigengine");
}
