/* printer.h - the printer interface. Each output format is one file and one
 * row in the printers[] table of printer.c; --output NAME picks the row. */
#ifndef TRACEE_PRINTER_H
#define TRACEE_PRINTER_H

#include <stdio.h>
#include "event.h"
#include "outbuf.h"

struct tracee_stats {
	uint64_t events;    /* printed */
	uint64_t lost;      /* dropped in the kernel: ring buffer full */
	uint64_t errors;    /* kernel-side read/update failures + undecodable records */
};

struct printer {
	const char *name;
	const char *help;
	int (*open)(struct outbuf *out);                     /* e.g. the table header */
	void (*print_event)(struct outbuf *out, const struct event *ev);
	void (*print_stats)(FILE *err, const struct tracee_stats *st);
	void (*close)(struct outbuf *out);
};

/* The formats, one file each, registered in printers[] of printer.c. */
extern const struct printer printer_table, printer_table_verbose, printer_json;
/* "table" in container trace modes (Tracee's layout with UTS_NAME and host pids). */
extern const struct printer printer_table_container;
/* The shared print_stats: "tracee: events: N, lost: N, errors: N\n". */
void printer_default_stats(FILE *err, const struct tracee_stats *st);

const struct printer *printer_by_name(const char *name);
/* Comma-separated names, for help and errors. */
const char *printer_names(void);

/* Shared formatting of one argument value, used by table and json printers. */
void argfmt_value(struct outbuf *out, const struct event_arg *arg, bool json);

#endif
