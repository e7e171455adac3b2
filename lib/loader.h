/* loader.h - libbpf side: open the object from memory, set its rodata
 * configuration, size the ring buffer, load, select events, attach. */
#ifndef TRACEE_LOADER_H
#define TRACEE_LOADER_H

#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>
#include "cap_noaudit.h"
#include "libtracee.h"

#define LOADER_MAX_LINKS 64     /* every program of every chosen probe, plus the always-on ones */

struct probe_plan;

struct loader {
	struct bpf_object *obj;
	struct probe_plan *plan;        /* which probe serves each event; until attached */
	struct bpf_link *links[LOADER_MAX_LINKS];
	size_t nlinks;
	int events_fd, stats_fd, traced_fd, task_fd;
	char refused[512];              /* programs the verifier refused: their probes are skipped */
	struct cap_noaudit_ranges cap_noaudit;  /* for the cap_capable tracepoint, once read */
	bool cap_noaudit_ready;
};

/* open -> configure -> load -> select events -> attach. On failure prints one
 * line and returns a negative errno; loader_close is still safe to call. */
int loader_start(struct loader *l, const void *obj, size_t len, const struct tracee_config *cfg,
		 uint64_t start_time_ns);
/* Follow mode: trace this process and everything it starts from now on. */
int loader_follow(struct loader *l, pid_t pid);
/* Sum of the kernel-side per-CPU counters (enum tracee_stat). */
int loader_read_stats(struct loader *l, uint64_t out[STAT_MAX]);
void loader_close(struct loader *l);

#endif
