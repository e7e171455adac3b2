/* events.c - lookups over the event table: the generated syscall rows
 * (syscalls.c) and, after them, the events that are not syscalls. */
#include <string.h>
#include "events.h"

/* Non-syscall events: ids from TRACEE_EVENT_BASE. */
static const struct event_def other_defs[] = {
	/* --- raw syscall and process life-cycle events (sched.bpf.h) --- */

	/* --- security events (security.bpf.h) --- */

};
static const size_t other_defs_len = sizeof(other_defs) / sizeof(other_defs[0]);

static const struct event_def *by_id[TRACEE_MAX_EVENTS];
static bool indexed;

static void events_index(void)
{
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++)
		if (d->id >= 0 && d->id < TRACEE_MAX_EVENTS)
			by_id[d->id] = d;
	indexed = true;
}

const struct event_def *events_at(size_t i)
{
	if (i < tracee_syscall_defs_len)
		return &tracee_syscall_defs[i];
	i -= tracee_syscall_defs_len;
	return i < other_defs_len ? &other_defs[i] : NULL;
}

const struct event_def *events_by_id(int id)
{
	if (!indexed)
		events_index();
	return id >= 0 && id < TRACEE_MAX_EVENTS ? by_id[id] : NULL;
}

const struct event_def *events_by_name(const char *name)
{
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

/* sets is a comma-separated list; match whole names only. */
bool event_in_set(const struct event_def *def, const char *set)
{
	size_t n = strlen(set);
	const char *p = def->sets;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, set, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

bool events_set_exists(const char *set)
{
	const struct event_def *d;

	for (size_t i = 0; (d = events_at(i)); i++)
		if (event_in_set(d, set))
			return true;
	return false;
}
