/* probes.h - which probe serves each selected event on this kernel. Every
 * event that has a probe list (lib/events.h) gets the first probe of its list
 * that this kernel loads; the programs of every other probe are left unloaded
 * (autoload off), so nothing the kernel refuses is ever loaded. */
#ifndef TRACEE_PROBES_H
#define TRACEE_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include "events.h"

struct bpf_object;

#define PROBE_TRACE_FDS 16

/* A trace event (CATEGORY/NAME) the check opened as a perf event. */
struct probe_trace_fd {
	char target[64];
	int fd;                 /* -1 once taken */
};

/* What the loader does with the choice. */
struct probe_plan {
	const struct probe_def *chosen[TRACEE_MAX_EVENTS];     /* NULL: no choice made */
	bool unserved[TRACEE_MAX_EVENTS];       /* selected, has probes, none loads */
	unsigned char event_probe[TRACEE_PROBED_EVENTS];        /* rodata: enum probe_kind */
	struct probe_trace_fd trace_fds[PROBE_TRACE_FDS];       /* kept for the attach */
	int ntrace_fds;
};

/* Does this kernel load probe p? ctx is the caller's. */
typedef bool (*probe_works_fn)(const struct probe_def *p, void *ctx);

/* Index of the first probe of def that works, -1 when none does (or def has
 * no probes). */
int probes_first_working(const struct event_def *def, probe_works_fn works, void *ctx);
/* A plan for the selected events (selected is indexed by event id). */
void probes_plan(struct probe_plan *plan, const bool *selected, probe_works_fn works, void *ctx);
/* Is item one of the comma-separated entries of list (which may be NULL)? */
bool probes_list_has(const char *list, const char *item);
/* The name of an event whose chosen probe needs prog; NULL when none does. */
const char *probes_chosen_for(const struct probe_plan *plan, const char *prog);
/* Is prog one of the comma-separated programs of p? */
bool probe_has_prog(const struct probe_def *p, const char *prog);
/* Load this program? No when some probe names it but no chosen probe does;
 * programs no probe names (the always-on tracepoints) always load. */
bool probes_prog_wanted(const struct probe_plan *plan, const char *prog);
/* "lsm:file_open", "tracepoint:sys_exit (fallback)". */
int probe_describe(const struct probe_def *p, char *buf, size_t len);

/* The real kernel: every program of the probe must be in obj, and for the
 * hook each one attaches to (read from its section name) a trivial program
 * of that kind must load (kprobes and tracepoints: and open). With obj NULL
 * the probe's own kind and target are checked. Cached per kind and target. */
struct probe_kernel;
struct probe_kernel *probe_kernel_new(struct bpf_object *obj, bool debug);
/* TRACEE_PROBES_OFF=KIND[,KIND] (lsm, fentry, kprobe, tracepoint) makes the
 * probe check treat those kinds as refused, and KIND:TARGET one probe
 * (tracepoint:syscalls/sys_enter_execve): how a test on a kernel that has
 * them exercises the next probe in line, or an event left with none. */
void probes_kinds_off(const char *list, bool off[PROBE_KIND_MAX]);
bool probes_target_off(const char *list, unsigned char kind, const char *target);
bool probe_kernel_works(const struct probe_def *p, void *probe_kernel);
void probe_kernel_free(struct probe_kernel *pk);

/* The perf event the check opened on trace event target, now the caller's
 * to attach a program to (closing one costs the kernel an unregister and a
 * wait); -1 when there is none. */
int probes_take_trace_fd(struct probe_plan *plan, const char *target);
/* Close the ones nobody took. */
void probes_plan_release(struct probe_plan *plan);

/* All of it for the loader: plan, autoload set on obj's programs, --debug
 * lines ("tracee: event X served by KIND:TARGET") and one warning per event
 * that nothing serves. A probe that needs one of refused_progs (comma-
 * separated: programs the verifier refused in an earlier load) counts as not
 * loading. Returns 0, or -errno. */
int probes_apply(struct bpf_object *obj, const bool *selected, const char *refused_progs, bool debug,
		 struct probe_plan *plan);

#endif
