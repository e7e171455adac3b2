/* flags.h - command line -> struct tracee_config. */
#ifndef TRACEE_FLAGS_H
#define TRACEE_FLAGS_H

#include <getopt.h>
#include "libtracee.h"

enum flags_result {
	FLAGS_RUN = 0,      /* config ready: run */
	FLAGS_EXIT_OK,      /* help, version or list printed */
	FLAGS_ERROR,        /* one-line error printed */
};

void flags_defaults(struct tracee_config *cfg);
enum flags_result flags_parse(int argc, char **argv, struct tracee_config *cfg);

/* What --help prints, and the options getopt takes ({0}-terminated): the
 * man page and the bash completion are generated from these (gen_docs.c). */
const char *flags_usage(void);
const struct option *flags_options(void);

#endif
