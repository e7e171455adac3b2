/* printer.c - the output formats, one row each; --output NAME picks one.
 * A new format is one file (defining a struct printer) and one row here. */
#include <inttypes.h>
#include <string.h>
#include "printer.h"

static const struct printer *const printers[] = {
	&printer_table,
	&printer_table_verbose,
	&printer_json,
};

/* Keep in the order of printers[]; test_printers checks they agree. */
static const char names[] = "table, table-verbose, json";

const struct printer *printer_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(printers) / sizeof(printers[0]); i++)
		if (strcmp(printers[i]->name, name) == 0)
			return printers[i];
	return NULL;
}

const char *printer_names(void)
{
	return names;
}

/* Once, at exit, on stderr:
 *   tracee: events: 12, lost: 0, errors: 0
 * events: printed; lost: dropped in the kernel (ring buffer full); errors:
 * kernel-side read/update failures plus records that did not decode. */
void printer_default_stats(FILE *err, const struct tracee_stats *st)
{
	fprintf(err, "tracee: events: %" PRIu64 ", lost: %" PRIu64 ", errors: %" PRIu64 "\n",
		st->events, st->lost, st->errors);
	fflush(err);
}
