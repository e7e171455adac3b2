/* flags.h - command line -> struct tracee_config. */
#ifndef TRACEE_FLAGS_H
#define TRACEE_FLAGS_H

#include "libtracee.h"

enum flags_result {
	FLAGS_RUN = 0,      /* config ready: run */
	FLAGS_EXIT_OK,      /* help, version or list printed */
	FLAGS_ERROR,        /* one-line error printed */
};

void flags_defaults(struct tracee_config *cfg);
enum flags_result flags_parse(int argc, char **argv, struct tracee_config *cfg);

#endif
