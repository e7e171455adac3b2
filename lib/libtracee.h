/* libtracee.h - the one public header of libtracee: what the CLI (or any
 * other front end) configures and runs. */
#ifndef LIBTRACEE_H
#define LIBTRACEE_H

#include <stdbool.h>
#include <stdint.h>
#include "buildpolicy.h"
#include "../bpf-src/tracee.h"

#define TRACEE_DEFAULT_INSTALL_PATH "/tmp/tracee"
#define TRACEE_DEFAULT_OUTPUT_PATH  "/tmp/tracee/out"
#define TRACEE_DEFAULT_RB_PAGES     4096    /* 16 MiB ring buffer */

struct tracee_config {
	enum build_policy build_policy;
	const char *install_path;
	const char *output_path;
	const char *output_format;      /* a printer name: table, table-verbose, json */
	const char *exe_dir;            /* where the binary (and its plugin) live */
	bool build_only;
	bool debug;
	enum trace_mode trace_mode;
	unsigned rb_pages;              /* ring buffer size in pages, a power of two */
	bool selected[TRACEE_MAX_EVENTS];
	char **command;                 /* -- COMMAND [ARGS...], NULL-terminated; NULL: none */
};

/* Runs tracee as configured; returns the process exit status. */
int tracee_run(const struct tracee_config *cfg);

#endif
