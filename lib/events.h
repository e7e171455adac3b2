/* events.h - the event table: the single source of truth for every event's
 * id, name, sets and argument signature. --list, the loader (which kinds the
 * kernel side reads), the decoder and the printers all read it. */
#ifndef TRACEE_EVENTS_H
#define TRACEE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include "../bpf-src/tracee.h"

/* How an argument's value is shown once decoded (issue: full decoding adds
 * flag tables here; each is a row in argfmt.c). */
enum arg_fmt {
	FMT_DEFAULT = 0,  /* by kind: number, hex pointer, string, [argv] */
	FMT_HEX,
};

struct arg_def {
	const char *type;   /* C type as Tracee names it: "const char*" */
	const char *name;   /* argument name as Tracee names it: "pathname" */
	unsigned char kind; /* enum arg_kind the kernel side reads */
	unsigned char fmt;  /* enum arg_fmt */
};

struct event_def {
	int id;
	const char *name;
	const char *sets;   /* comma-separated, as in Tracee: "default,syscalls,fs" */
	unsigned char argnum;
	bool at_entry;      /* syscall emitted at entry (execve) */
	struct arg_def args[TRACEE_MAX_ARGS];
};

/* The generated syscall rows (syscalls.c) and the other events (events.c). */
extern const struct event_def tracee_syscall_defs[];
extern const size_t tracee_syscall_defs_len;

const struct event_def *events_by_id(int id);
const struct event_def *events_by_name(const char *name);
/* Iterate: i from 0 while events_at(i) != NULL. */
const struct event_def *events_at(size_t i);
bool event_in_set(const struct event_def *def, const char *set);
bool events_set_exists(const char *set);

#endif
