/* sig_engine.h - the detection stage of the pipeline. Built once at start
 * from the selected detections: each base event id gets the list of
 * detections that consume it, so an event is shown only to those (never
 * every detection to every event). A detection it raises is an event of the
 * detection's own id, handed to the caller's output function with the
 * triggering event attached. */
#ifndef TRACEE_SIG_ENGINE_H
#define TRACEE_SIG_ENGINE_H

#include <stdbool.h>
#include "event.h"
#include "sig.h"

struct sig_engine;

typedef void (*sig_out_fn)(void *arg, const struct event *detection);

/* Is any detection selected? */
bool sig_any_selected(const bool *selected);
/* What the kernel must produce for selected (indexed by event id): the
 * selected kernel events and the base events of the selected detections;
 * never a detection's own id. */
void sig_kernel_events(const bool *selected, bool *kernel);
/* Does a selected detection read the exec environment (envp)? */
bool sig_needs_exec_env(const bool *selected);

/* host_pidns: the host's pid namespace (others are containers), as
 * container.c found it. NULL with a message on stderr when a selected
 * detection has no code or a base event it names is unknown (a table
 * error), or memory runs out. */
struct sig_engine *sig_engine_new(const bool *selected, uint32_t host_pidns, sig_out_fn out, void *arg);
/* Show ev to the detections that consume its id. */
void sig_engine_process(struct sig_engine *e, const struct event *ev);
/* Detections raised so far. */
uint64_t sig_engine_raised(const struct sig_engine *e);
void sig_engine_free(struct sig_engine *e);

#endif
