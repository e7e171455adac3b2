/* sig.h - what a detection's code sees: the event that reached it (by its
 * base event id), readers for its arguments, and a way to raise the
 * detection. The engine (sig_engine.c) calls a detection only for the event
 * ids it names, and only for processes in containers when it is scoped to
 * them. */
#ifndef TRACEE_SIG_H
#define TRACEE_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event.h"

struct sig_ctx;

/* Raise detection id for trigger, with data args (each arg's def names it;
 * NULL defs take the detection row's own args in order). */
typedef void (*sig_emit_fn)(struct sig_ctx *c, int id, const struct event *trigger,
			    const struct event_arg *data, unsigned n);

struct sig_ctx {
	sig_emit_fn emit;
	void *emit_arg;                 /* the engine's */
	uint32_t host_pidns;            /* the host's pid namespace: others are containers */
};

static inline void sig_raise(struct sig_ctx *c, int id, const struct event *trigger)
{
	c->emit(c, id, trigger, NULL, 0);
}

/* One detection's code: on_event sees every base event it named; id is the
 * detection's own id, data the implementation's constant table row, state
 * what init returned (NULL without init). */
struct sig_impl {
	const char *name;               /* the event table row it raises */
	void (*on_event)(struct sig_ctx *c, const void *data, void *state, int id,
			 const struct event *ev);
	const void *data;
	void *(*init)(void);
	void (*free)(void *state);
};

/* The implementations in C, one table per file: files and execs, sockets
 * (stateful). The other built-in detections are rules (rules_builtin.yaml). */
extern const struct sig_impl sig_builtin_files[], sig_builtin_net[];
extern const size_t sig_builtin_files_len, sig_builtin_net_len;

/* --- reading a base event ---------------------------------------------------- */

/* The argument named name, or NULL (also when it was not read: ARG_NONE). */
const struct event_arg *sig_arg(const struct event *ev, const char *name);
/* A number argument (0 when missing). */
int64_t sig_num(const struct event *ev, const char *name);
/* A string argument copied NUL-terminated into buf (cut to size - 1);
 * false when missing. */
bool sig_str(const struct event *ev, const char *name, char *buf, size_t size);

/* Open flags as bits (O_ACCMODE), never as text. */
bool sig_open_writes(int64_t flags);
bool sig_open_reads(int64_t flags);

/* The process is in a container: a container id, or a pid namespace other
 * than the host's. */
bool sig_in_container(const struct sig_ctx *c, const struct event *ev);

/* Shell-style pattern against a path: '*' any run of bytes ('/' too), '?'
 * one byte; nothing else is special. */
bool sig_glob(const char *pattern, const char *s);
/* The same over len bytes of s (no NUL needed). */
bool sig_glob_n(const char *pattern, const char *s, size_t len);
bool sig_glob_any(const char *const *patterns, const char *s);
bool sig_has_prefix(const char *s, const char *prefix);
bool sig_has_suffix(const char *s, const char *suffix);
const char *sig_basename(const char *path);

/* An execve/execveat at entry (the record made when the exec was asked for,
 * not the one repeating it when it failed). */
bool sig_exec_entry(const struct event *ev);

#endif
