/* rule_cond.h - the condition language of rule files, after Falco's:
 *
 *   evt.name in (security_file_open, openat) and arg.flags has O_WRONLY
 *     and not proc.name in (allowed_writers) and arg.pathname startswith /etc/
 *
 * Fields: evt.name, evt.id, evt.retval, proc.name (comm), proc.pid,
 * proc.tid, proc.ppid (in the process's pid namespace), proc.hostpid,
 * user.uid, container.id ("" on the host), container (true in a container:
 * a container id, or a pid namespace other than the host's), arg.NAME (an
 * argument by its name), arg.NAME.base (a path argument's last component),
 * file.elf (a magic_write of an ELF header).
 * Operators: = (==), !=, <, <=, >, >=, in (...), contains, startswith,
 * endswith, glob ('*' and '?'), has (flag bits: arg.flags has O_CREAT; the
 * access modes O_RDONLY, O_WRONLY, O_RDWR compare the O_ACCMODE bits); a
 * field alone tests that it is set (non-zero, non-empty). Values are bare
 * words, 'quoted' or "quoted" strings (\\ escapes), numbers, constant names
 * of the argument's format (O_CREAT, PTRACE_TRACEME, AF_INET), or
 * val(FIELD); any operator also takes a list, (a, b), and holds when it
 * holds for one item (in is = over a list). and, or, not, parentheses; a
 * list name inside (...) adds its items; a macro name stands for its condition. On a string array
 * (argv, envp) a comparison holds when it holds for some element.
 *
 * A condition must name its events (evt.name = X, evt.name in (...) in
 * every branch): the engine runs a rule only on those. */
#ifndef TRACEE_RULE_COND_H
#define TRACEE_RULE_COND_H

#include <stdbool.h>
#include <stddef.h>
#include "sig.h"

/* Lists and macros by name, from the rule file being read; NULL: none. */
struct rule_syms {
	const char *const *(*list)(void *ctx, const char *name, size_t *n);
	const char *(*macro)(void *ctx, const char *name);
	void *ctx;
};

struct rule_error {
	size_t offset;          /* in the condition text */
	char msg[256];
};

struct rule_expr;

/* Compile text. events (TRACEE_MAX_EVENTS entries) gets the events the
 * condition can hold for. NULL on error, with err filled. */
struct rule_expr *rule_expr_compile(const char *text, const struct rule_syms *syms, bool *events,
				    struct rule_error *err);
bool rule_expr_eval(const struct rule_expr *e, const struct sig_ctx *c, const struct event *ev);
void rule_expr_free(struct rule_expr *e);

/* An output template ("%proc.name read %arg.pathname"): check its fields
 * (false with err), and render it for one event. */
bool rule_output_check(const char *tmpl, struct rule_error *err);
size_t rule_output_render(const char *tmpl, const struct sig_ctx *c, const struct event *ev,
			  char *buf, size_t size);

#endif
