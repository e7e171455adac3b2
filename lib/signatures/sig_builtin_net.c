/* sig_builtin_net.c - the detections that follow sockets.
 *
 * stdio_over_socket keeps, per process (host tgid), which descriptors are
 * internet sockets and whom they are connected to: socket() and accept()
 * add one, security_socket_connect records the peer, dup/dup2/dup3/fcntl(F_DUPFD) copy an
 * entry, close() drops it, fork copies the table to the child and the exit
 * of the last thread forgets it. It fires when a connect is made on fd 0-2
 * (on the attempt: the process meant its stdio to talk to that peer), or
 * when a successful dup puts a connected internet socket on fd 0-2; port 0
 * (no peer) never counts. This is the user-space equivalent of Tracee's
 * socket_dup event.
 *
 * k8s_api_connection remembers, per container, the API server address an
 * exec's environment names (KUBERNETES_SERVICE_HOST) and fires on a connect
 * to it. docker_abuse fires on a write-open of docker.sock or a connect to a
 * UNIX socket of that name. */
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "sig.h"

/* A peer as Tracee prints it: the address and the port, both as text. */
struct peer {
	int family;             /* AF_INET, AF_INET6; 0: not an internet address */
	char ip[INET6_ADDRSTRLEN];
	char port[8];
	char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
};

static bool peer_of(const struct event_arg *a, struct peer *p)
{
	struct sockaddr_storage ss = { 0 };

	memset(p, 0, sizeof(*p));
	if (!a || a->kind != ARG_SOCKADDR || a->len < sizeof(sa_family_t))
		return false;
	memcpy(&ss, a->data, a->len < sizeof(ss) ? a->len : sizeof(ss));
	if (ss.ss_family == AF_INET && a->len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &in->sin_addr, p->ip, sizeof(p->ip));
		snprintf(p->port, sizeof(p->port), "%u", ntohs(in->sin_port));
	} else if (ss.ss_family == AF_INET6 && a->len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, p->ip, sizeof(p->ip));
		snprintf(p->port, sizeof(p->port), "%u", ntohs(in6->sin6_port));
	} else if (ss.ss_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)&ss;
		size_t n = a->len - offsetof(struct sockaddr_un, sun_path);

		memcpy(p->unix_path, un->sun_path, n < sizeof(un->sun_path) ? n : sizeof(un->sun_path));
		return true;
	} else {
		return false;
	}
	p->family = ss.ss_family;
	return true;
}

static bool is(const struct event *ev, const char *name)
{
	return strcmp(ev->def->name, name) == 0;
}

/* --- per-process socket tables ------------------------------------------------ */

struct sock_fd {
	int fd;
	struct peer peer;       /* family 0 until connected (or accepted) */
	bool inet;              /* an AF_INET/AF_INET6 socket */
};

struct proc_socks {
	uint32_t tgid;          /* 0: empty slot */
	uint32_t n, cap;
	struct sock_fd *fds;
};

struct sock_tables {
	struct proc_socks *slots;
	size_t cap, used;       /* cap a power of two */
};

static size_t slot_of(const struct sock_tables *t, uint32_t tgid)
{
	size_t i = (tgid * 2654435761u) & (t->cap - 1);

	while (t->slots[i].tgid && t->slots[i].tgid != tgid)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static struct proc_socks *procs_find(struct sock_tables *t, uint32_t tgid)
{
	struct proc_socks *p = &t->slots[slot_of(t, tgid)];

	return p->tgid ? p : NULL;
}

static bool procs_grow(struct sock_tables *t)
{
	struct sock_tables bigger = { .cap = t->cap * 2 };

	if (!(bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots))))
		return false;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].tgid)
			bigger.slots[slot_of(&bigger, t->slots[i].tgid)] = t->slots[i];
	bigger.used = t->used;
	free(t->slots);
	*t = bigger;
	return true;
}

static struct proc_socks *procs_get(struct sock_tables *t, uint32_t tgid)
{
	struct proc_socks *p = procs_find(t, tgid);

	if (p)
		return p;
	if ((t->used + 1) * 2 > t->cap && !procs_grow(t))
		return NULL;
	p = &t->slots[slot_of(t, tgid)];
	*p = (struct proc_socks){ .tgid = tgid };
	t->used++;
	return p;
}

/* Remove with backward shift: later entries of the probe run move up. */
static void procs_remove(struct sock_tables *t, uint32_t tgid)
{
	size_t i = slot_of(t, tgid), j = i;

	if (!t->slots[i].tgid)
		return;
	free(t->slots[i].fds);
	t->slots[i] = (struct proc_socks){ 0 };
	t->used--;
	for (;;) {
		size_t home;

		j = (j + 1) & (t->cap - 1);
		if (!t->slots[j].tgid)
			return;
		home = (t->slots[j].tgid * 2654435761u) & (t->cap - 1);
		/* j stays when its home lies cyclically in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		t->slots[i] = t->slots[j];
		t->slots[j] = (struct proc_socks){ 0 };
		i = j;
	}
}

static struct sock_fd *fd_find(struct proc_socks *p, int fd)
{
	for (uint32_t i = 0; p && i < p->n; i++)
		if (p->fds[i].fd == fd)
			return &p->fds[i];
	return NULL;
}

static void fd_drop(struct proc_socks *p, int fd)
{
	struct sock_fd *s = fd_find(p, fd);

	if (s)
		*s = p->fds[--p->n];
}

static struct sock_fd *fd_put(struct sock_tables *t, uint32_t tgid, int fd)
{
	struct proc_socks *p = procs_get(t, tgid);
	struct sock_fd *s;

	if (!p)
		return NULL;
	if ((s = fd_find(p, fd)))
		return s;
	if (p->n == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 4;
		struct sock_fd *fds = realloc(p->fds, cap * sizeof(*fds));

		if (!fds)
			return NULL;
		p->fds = fds;
		p->cap = cap;
	}
	s = &p->fds[p->n++];
	*s = (struct sock_fd){ .fd = fd };
	return s;
}

static void *sock_tables_new(void)
{
	struct sock_tables *t = calloc(1, sizeof(*t));

	if (t && !(t->slots = calloc(t->cap = 64, sizeof(*t->slots)))) {
		free(t);
		t = NULL;
	}
	return t;
}

static void sock_tables_free(void *state)
{
	struct sock_tables *t = state;

	for (size_t i = 0; t && i < t->cap; i++)
		if (t->slots[i].tgid)
			free(t->slots[i].fds);
	if (t)
		free(t->slots);
	free(t);
}

/* --- stdio_over_socket ---------------------------------------------------------- */

static void stdio_raise(struct sig_ctx *c, int id, const struct event *ev, const struct peer *p, int fd)
{
	struct event_arg data[3] = {
		{ .kind = ARG_STR, .data = p->ip, .len = (uint32_t)strlen(p->ip) },
		{ .kind = ARG_STR, .data = p->port, .len = (uint32_t)strlen(p->port) },
		{ .kind = ARG_INT, .num = fd },
	};

	c->emit(c, id, ev, data, 3);
}

static bool peer_counts(const struct peer *p)
{
	return (p->family == AF_INET || p->family == AF_INET6) && p->port[0] && strcmp(p->port, "0");
}

static void on_socket(struct sock_tables *t, uint32_t tgid, const struct event *ev)
{
	int64_t fd = ev->hdr->retval, domain = sig_num(ev, "domain");
	struct sock_fd *s;

	if (fd < 0)
		return;
	if (domain != AF_INET && domain != AF_INET6) {
		fd_drop(procs_find(t, tgid), (int)fd);
		return;
	}
	if ((s = fd_put(t, tgid, (int)fd)))
		*s = (struct sock_fd){ .fd = (int)fd, .inet = true };
}

static void on_connect(struct sig_ctx *c, int id, struct sock_tables *t, uint32_t tgid,
		       const struct event *ev)
{
	int fd = (int)sig_num(ev, "sockfd");
	struct peer p;
	struct sock_fd *s;

	if (!peer_of(sig_arg(ev, "remote_addr"), &p) || !p.family)
		return;
	if (fd >= 0 && fd <= 2 && peer_counts(&p))
		stdio_raise(c, id, ev, &p, fd);
	if ((s = fd_put(t, tgid, fd))) {
		s->inet = true;
		s->peer = p;
	}
}

static void on_accept(struct sock_tables *t, uint32_t tgid, const struct event *ev)
{
	int64_t fd = ev->hdr->retval;
	struct peer p;
	struct sock_fd *s;

	if (fd < 0 || !peer_of(sig_arg(ev, "addr"), &p) || !p.family)
		return;
	if ((s = fd_put(t, tgid, (int)fd)))
		*s = (struct sock_fd){ .fd = (int)fd, .inet = true, .peer = p };
}

/* The (old, new) descriptors of a successful dup, dup2, dup3 or fcntl(F_DUPFD*). */
static bool dup_fds(const struct event *ev, int *oldfd, int *newfd)
{
	enum { F_DUPFD_CMD = 0, F_DUPFD_CLOEXEC_CMD = 1030 };
	int64_t ret = ev->hdr->retval;

	if (ret < 0)
		return false;
	*newfd = (int)ret;
	if (is(ev, "fcntl")) {
		int64_t cmd = sig_num(ev, "cmd");

		*oldfd = (int)sig_num(ev, "fd");
		return cmd == F_DUPFD_CMD || cmd == F_DUPFD_CLOEXEC_CMD;
	}
	*oldfd = (int)sig_num(ev, "oldfd");
	return true;
}

static void on_dup(struct sig_ctx *c, int id, struct sock_tables *t, uint32_t tgid,
		   const struct event *ev)
{
	struct proc_socks *p = procs_find(t, tgid);
	struct sock_fd *from, copy, *to;
	int oldfd, newfd;

	if (!dup_fds(ev, &oldfd, &newfd) || oldfd == newfd)
		return;
	if (!(from = fd_find(p, oldfd))) {
		fd_drop(p, newfd);      /* whatever newfd was, it is not a known socket now */
		return;
	}
	copy = *from;
	copy.fd = newfd;
	if ((to = fd_put(t, tgid, newfd)))
		*to = copy;
	if (newfd <= 2 && copy.inet && peer_counts(&copy.peer))
		stdio_raise(c, id, ev, &copy.peer, newfd);
}

/* A forked process starts with its parent's descriptors. */
static void on_fork(struct sock_tables *t, const struct event *ev)
{
	uint32_t parent = (uint32_t)sig_num(ev, "parent_pid"), child = (uint32_t)sig_num(ev, "child_pid");
	struct proc_socks *p = procs_find(t, parent), *q;

	if (!p || !p->n || child == parent || !(q = procs_get(t, child)))
		return;
	p = procs_find(t, parent);      /* procs_get may have moved it */
	q = procs_find(t, child);
	free(q->fds);
	q->n = q->cap = 0;
	if (!(q->fds = malloc(p->n * sizeof(*q->fds))))
		return;
	memcpy(q->fds, p->fds, p->n * sizeof(*q->fds));
	q->n = q->cap = p->n;
}

static void stdio_on_event(struct sig_ctx *c, const void *data, void *state, int id,
			   const struct event *ev)
{
	struct sock_tables *t = state;
	uint32_t tgid = ev->hdr->host_pid;

	if (is(ev, "socket"))
		on_socket(t, tgid, ev);
	else if (is(ev, "security_socket_connect"))
		on_connect(c, id, t, tgid, ev);
	else if (is(ev, "accept") || is(ev, "accept4"))
		on_accept(t, tgid, ev);
	else if (is(ev, "close"))
		fd_drop(procs_find(t, tgid), (int)sig_num(ev, "fd"));
	else if (is(ev, "sched_process_fork"))
		on_fork(t, ev);
	else if (is(ev, "sched_process_exit")) {
		if (sig_num(ev, "process_group_exit"))
			procs_remove(t, tgid);
	} else
		on_dup(c, id, t, tgid, ev);
}

/* --- k8s_api_connection --------------------------------------------------------- */

#define K8S_CONTAINERS 256

struct k8s_hosts {
	struct {
		char key[72];           /* container id, or "pidns:N" */
		char ip[INET6_ADDRSTRLEN];
	} slot[K8S_CONTAINERS];
	unsigned next;          /* round robin once full */
};

static void container_key(const struct event *ev, char *key, size_t size)
{
	if (ev->container_id && ev->container_id[0])
		snprintf(key, size, "%s", ev->container_id);
	else
		snprintf(key, size, "pidns:%u", ev->hdr->pid_ns);
}

static int k8s_find(struct k8s_hosts *h, const char *key)
{
	for (int i = 0; i < K8S_CONTAINERS; i++)
		if (h->slot[i].key[0] && strcmp(h->slot[i].key, key) == 0)
			return i;
	return -1;
}

static void k8s_remember(struct k8s_hosts *h, const char *key, const char *ip, size_t len)
{
	int i = k8s_find(h, key);

	if (i < 0) {
		i = (int)(h->next++ % K8S_CONTAINERS);
		snprintf(h->slot[i].key, sizeof(h->slot[i].key), "%s", key);
	}
	snprintf(h->slot[i].ip, sizeof(h->slot[i].ip), "%.*s", (int)len, ip);
}

static void k8s_on_exec(struct k8s_hosts *h, const struct event *ev)
{
	static const char var[] = "KUBERNETES_SERVICE_HOST=";
	const struct event_arg *env = sig_arg(ev, "envp");
	uint32_t pos = 0, len;
	const char *s;
	char key[72];

	if (!env || env->kind != ARG_STR_ARRAY || !sig_exec_entry(ev))
		return;
	while ((s = event_arg_str_next(env, &pos, &len)))
		if (len > sizeof(var) - 1 && memcmp(s, var, sizeof(var) - 1) == 0) {
			container_key(ev, key, sizeof(key));
			k8s_remember(h, key, s + sizeof(var) - 1, len - (sizeof(var) - 1));
			return;
		}
}

static void k8s_on_event(struct sig_ctx *c, const void *data, void *state, int id,
			 const struct event *ev)
{
	struct k8s_hosts *h = state;
	struct peer p;
	char key[72];
	int i;

	if (!is(ev, "security_socket_connect")) {
		k8s_on_exec(h, ev);
		return;
	}
	if (!peer_of(sig_arg(ev, "remote_addr"), &p) || !p.family)
		return;
	container_key(ev, key, sizeof(key));
	if ((i = k8s_find(h, key)) >= 0 && strcmp(h->slot[i].ip, p.ip) == 0)
		sig_raise(c, id, ev);
}

static void *k8s_hosts_new(void)
{
	return calloc(1, sizeof(struct k8s_hosts));
}

/* --- docker_abuse ----------------------------------------------------------------- */

static void docker_on_event(struct sig_ctx *c, const void *data, void *state, int id,
			    const struct event *ev)
{
	char path[PATH_MAX];
	struct peer p;

	if (is(ev, "security_socket_connect")) {
		if (peer_of(sig_arg(ev, "remote_addr"), &p) && !p.family &&
		    sig_has_suffix(p.unix_path, "docker.sock"))
			sig_raise(c, id, ev);
	} else if (sig_open_writes(sig_num(ev, "flags")) && sig_str(ev, "pathname", path, sizeof(path)) &&
		   sig_has_suffix(path, "docker.sock")) {
		sig_raise(c, id, ev);
	}
}

const struct sig_impl sig_builtin_net[] = {
	{ .name = "stdio_over_socket", .on_event = stdio_on_event, .init = sock_tables_new,
	  .free = sock_tables_free },
	{ .name = "k8s_api_connection", .on_event = k8s_on_event, .init = k8s_hosts_new, .free = free },
	{ .name = "docker_abuse", .on_event = docker_on_event },
};
const size_t sig_builtin_net_len = sizeof(sig_builtin_net) / sizeof(sig_builtin_net[0]);
