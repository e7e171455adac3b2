/* container.h - which container an event comes from. A process is in a
 * container when its pid namespace is not the host's; the container's id
 * is the one its cgroup path carries (Docker, containerd, CRI-O, Podman). */
#ifndef TRACEE_CONTAINER_H
#define TRACEE_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../bpf-src/tracee.h"

#define CONTAINER_ID_LEN 64     /* hex digits */

/* The id in one cgroup path, e.g. "/system.slice/docker-<id>.scope",
 * "/docker/<id>", ".../cri-containerd-<id>.scope", ".../crio-<id>.scope",
 * ".../libpod-<id>.scope"; the deepest one when several. False when none. */
bool container_id_from_path(const char *path, size_t len, char id[CONTAINER_ID_LEN + 1]);
/* The same over the lines of /proc/PID/cgroup ("N:controllers:path"). */
bool container_id_from_cgroup_file(const char *text, size_t len, char id[CONTAINER_ID_LEN + 1]);

/* Ids by process, read from /proc on first sight of a process in a
 * container and kept; host processes cost one comparison. */
struct container_slot;
struct container_cache {
	uint32_t host_pid_ns;           /* 0: unknown, everything is looked up */
	const char *proc;               /* "/proc" */
	struct container_slot *slots;   /* by process */
	struct container_slot *by_ns;   /* last id seen in each pid namespace */
};

int container_cache_init(struct container_cache *c, const char *proc);
/* "" on the host, or when no id can be found. */
const char *container_cache_id(struct container_cache *c, const struct event_header *h);
void container_cache_free(struct container_cache *c);

#endif
