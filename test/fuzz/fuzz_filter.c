/* fuzz_filter.c - libFuzzer target: -f filter expressions and -t trace modes.
 * The input is split at NUL bytes; each piece is added to one filter (as
 * repeated -f flags are) and parsed as a mode. Either may refuse with a
 * reason; neither may crash, overflow its tables or leave err unterminated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tracee_filter f;
	struct trace_target t;
	char *copy = malloc(size + 1), err[256];

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	memset(&f, 0, sizeof(f));
	for (char *p = copy; p < copy + size; p += strlen(p) + 1) {
		err[0] = '\0';
		if (filter_add(&f, p, err, sizeof(err)) && !memchr(err, '\0', sizeof(err)))
			abort();
		if (f.nentries > FILTER_MAX_ENTRIES)
			abort();
		if (!trace_is_help(p) && trace_parse(p, &t, err, sizeof(err)) == 0 &&
		    t.npids > TRACE_MAX_PIDS)
			abort();
	}
	filter_active(&f);
	free(copy);
	return 0;
}
