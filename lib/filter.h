/* filter.h - --trace modes and --filter expressions, parsed into what the
 * kernel side applies (bpf-src/filter.h): the trace mode and pid list, the
 * filter_cfg rodata, and the entries of the filter_values map. */
#ifndef TRACEE_LIB_FILTER_H
#define TRACEE_LIB_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../bpf-src/tracee.h"

#define FILTER_MAX_ENTRIES 256  /* distinct '=' / '!=' values, all kinds together */
#define TRACE_MAX_PIDS     64   /* process:PID,PID,... */

struct filter_entry {
	struct tracee_filter_key key;
	unsigned char ops;      /* FILTER_OP_EQ | FILTER_OP_NE */
};

struct tracee_filter {
	struct tracee_filter_config kernel;    /* the rodata filter_cfg */
	unsigned nentries;
	struct filter_entry entries[FILTER_MAX_ENTRIES];
};

struct trace_target {
	enum trace_mode mode;
	unsigned npids;
	uint32_t pids[TRACE_MAX_PIDS];  /* TRACE_PROCESS_PIDS */
};

/* "-t MODE": fills t, or returns -1 with a one-line reason in err. "help"
 * is not a mode: check trace_is_help first. */
int trace_parse(const char *s, struct trace_target *t, char *err, size_t errlen);
bool trace_is_help(const char *s);
/* The table of modes, as --trace help prints it. */
extern const char trace_help[];
/* Container modes: the table printer shows UTS_NAME and host pids. */
bool trace_mode_is_container(enum trace_mode mode);

/* "-f EXPR" (uid=0,1000 / uid!=0 / uid<1000 / uid>0 / comm=ls / ...): adds
 * to f, or returns -1 with a one-line reason in err. Different kinds and
 * repeated flags are AND-ed; a list of '=' values matches any of them, '!='
 * values none of them; the strictest '<' and '>' are kept. */
int filter_add(struct tracee_filter *f, const char *expr, char *err, size_t errlen);
/* Is any filter given? */
bool filter_active(const struct tracee_filter *f);

#endif
