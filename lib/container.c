/* container.c - the container id of an event, from the cgroup path of its
 * process. Runtimes name a container's cgroup after its 64-hex id:
 *   Docker      /docker/<id> (cgroupfs), /system.slice/docker-<id>.scope (systemd)
 *   containerd  .../cri-containerd-<id>.scope, or .../<id> under kubepods
 *   CRI-O       .../crio-<id>.scope (crio-conmon-<id>.scope is the monitor, on the host)
 *   Podman      .../libpod-<id>.scope, /libpod_parent/libpod-<id>
 * The kernel side says which events come from a container (pid namespace
 * not the host's); /proc/PID/cgroup is read once per such process. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "container.h"

#define SLOTS    4096   /* processes, direct-mapped */
#define NS_SLOTS 256    /* pid namespaces, direct-mapped */
#define CGROUP_FILE_MAX 16384

struct container_slot {
	uint32_t host_pid, pid_ns, mnt_ns;
	bool used;
	char id[CONTAINER_ID_LEN + 1];
};

/* Longest first: "" (a bare id) must come last. */
static const char *const id_prefixes[] = { "cri-containerd-", "docker-", "crio-", "libpod-", "" };

static bool is_hex_id(const char *s, size_t len)
{
	if (len != CONTAINER_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* One path component: PREFIX<id> or PREFIX<id>.scope. */
static bool component_id(const char *s, size_t len, char id[CONTAINER_ID_LEN + 1])
{
	for (size_t i = 0; i < sizeof(id_prefixes) / sizeof(id_prefixes[0]); i++) {
		size_t plen = strlen(id_prefixes[i]), rest;

		if (len < plen || strncmp(s, id_prefixes[i], plen) != 0)
			continue;
		rest = len - plen;
		if (rest == CONTAINER_ID_LEN + 6 && memcmp(s + len - 6, ".scope", 6) == 0)
			rest -= 6;
		if (!is_hex_id(s + plen, rest))
			continue;
		memcpy(id, s + plen, CONTAINER_ID_LEN);
		id[CONTAINER_ID_LEN] = '\0';
		return true;
	}
	return false;
}

bool container_id_from_path(const char *path, size_t len, char id[CONTAINER_ID_LEN + 1])
{
	bool found = false;

	for (size_t i = 0; i < len; ) {
		size_t n = 0;

		while (i + n < len && path[i + n] != '/')
			n++;
		if (n && component_id(path + i, n, id))
			found = true;   /* keep going: the deepest wins */
		i += n + 1;
	}
	return found;
}

bool container_id_from_cgroup_file(const char *text, size_t len, char id[CONTAINER_ID_LEN + 1])
{
	bool found = false;

	for (size_t i = 0; i < len; ) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i;
		const char *c1 = memchr(line, ':', n), *c2;

		i += n + 1;
		if (!c1 || !(c2 = memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - line))))
			continue;
		c2++;
		if (!found)
			found = container_id_from_path(c2, n - (size_t)(c2 - line), id);
	}
	return found;
}

static uint32_t ns_inode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint32_t)st.st_ino : 0;
}

int container_cache_init(struct container_cache *c, const char *proc)
{
	char path[256];

	memset(c, 0, sizeof(*c));
	c->proc = proc ? proc : "/proc";
	snprintf(path, sizeof(path), "%s/1/ns/pid", c->proc);
	c->host_pid_ns = ns_inode(path);
	if (!c->host_pid_ns) {
		snprintf(path, sizeof(path), "%s/self/ns/pid", c->proc);
		c->host_pid_ns = ns_inode(path);
	}
	c->slots = calloc(SLOTS, sizeof(*c->slots));
	c->by_ns = calloc(NS_SLOTS, sizeof(*c->by_ns));
	if (!c->slots || !c->by_ns) {
		container_cache_free(c);
		return -ENOMEM;
	}
	return 0;
}

void container_cache_free(struct container_cache *c)
{
	free(c->slots);
	free(c->by_ns);
	c->slots = c->by_ns = NULL;
}

/* Is /proc/PID still the process of that pid namespace (pids are reused)? */
static bool pid_in_ns(const struct container_cache *c, uint32_t pid, uint32_t pid_ns)
{
	char path[256], link[64], want[32];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/ns/pid", c->proc, pid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	snprintf(want, sizeof(want), "pid:[%u]", pid_ns);
	return strcmp(link, want) == 0;
}

/* 1: id found, 0: process read but no id in its cgroups, -1: cannot read. */
static int read_process_id(const struct container_cache *c, uint32_t pid, uint32_t pid_ns,
			   char id[CONTAINER_ID_LEN + 1])
{
	char path[256], *buf;
	ssize_t n;
	int fd, found;

	if (!pid || !pid_in_ns(c, pid, pid_ns))
		return -1;
	snprintf(path, sizeof(path), "%s/%u/cgroup", c->proc, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	buf = malloc(CGROUP_FILE_MAX);
	n = buf ? read(fd, buf, CGROUP_FILE_MAX) : -1;
	close(fd);
	if (n < 0) {
		free(buf);
		return -1;
	}
	found = container_id_from_cgroup_file(buf, (size_t)n, id);
	free(buf);
	if (!found)
		id[0] = '\0';
	return found;
}

static uint32_t slot_of(uint32_t pid, uint32_t pid_ns, uint32_t n)
{
	return (pid * 2654435761u ^ pid_ns) & (n - 1);
}

/* The process itself, else its parent when in the same namespace (a
 * short-lived process may be gone), else the last id of its namespace. */
static void resolve(struct container_cache *c, const struct event_header *h, struct container_slot *s)
{
	struct container_slot *ns = &c->by_ns[h->pid_ns & (NS_SLOTS - 1)];
	int r = read_process_id(c, h->host_pid, h->pid_ns, s->id);

	if (r < 0)
		r = read_process_id(c, h->host_ppid, h->pid_ns, s->id);
	if (r >= 0) {
		ns->used = true;
		ns->pid_ns = h->pid_ns;
		memcpy(ns->id, s->id, sizeof(ns->id));
	} else if (ns->used && ns->pid_ns == h->pid_ns) {
		memcpy(s->id, ns->id, sizeof(s->id));
	} else {
		s->id[0] = '\0';
	}
}

const char *container_cache_id(struct container_cache *c, const struct event_header *h)
{
	struct container_slot *s;

	if (h->pid_ns == c->host_pid_ns || !c->slots)
		return "";
	s = &c->slots[slot_of(h->host_pid, h->pid_ns, SLOTS)];
	if (s->used && s->host_pid == h->host_pid && s->pid_ns == h->pid_ns && s->mnt_ns == h->mnt_ns)
		return s->id;
	s->used = true;
	s->host_pid = h->host_pid;
	s->pid_ns = h->pid_ns;
	s->mnt_ns = h->mnt_ns;
	resolve(c, h, s);
	return s->id;
}
