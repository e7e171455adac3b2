/* libtracee.h - the one public header of libtracee: what the CLI (or any
 * other front end) configures and runs. */
#ifndef LIBTRACEE_H
#define LIBTRACEE_H

#include <stdbool.h>
#include <stdint.h>
#include "buildpolicy.h"
#include "../bpf-src/tracee.h"
#include "../bpf-src/capture_record.h"
#include "filter.h"

#define TRACEE_DEFAULT_INSTALL_PATH "/tmp/tracee"
#define TRACEE_DEFAULT_OUTPUT_PATH  "/tmp/tracee/out"
#define TRACEE_DEFAULT_RB_PAGES     2048    /* 8 MiB ring buffer (mapped twice: 16 MiB of RSS) */

struct tracee_config {
	enum build_policy build_policy;
	const char *install_path;
	const char *output_path;
	const char *output_format;      /* a printer name: table, table-verbose, json */
	const char *exe_dir;            /* where the binary (and its plugin) live */
	bool build_only;
	bool debug;
	bool security_alerts;           /* --security-alerts: mem_prot_alert too */
	bool show_exec_env;             /* --show-exec-env: envp read as strings */
	enum trace_mode trace_mode;
	unsigned trace_npids;           /* process:PID,... */
	uint32_t trace_pids[TRACE_MAX_PIDS];
	struct tracee_filter filter;    /* --filter, AND-ed */
	unsigned rb_pages;              /* ring buffer size in pages, a power of two */
	bool selected[TRACEE_MAX_EVENTS];
	unsigned capture;               /* enum capture_kind bits: --capture */
	bool clear_output_path;         /* --clear-output-path */
	unsigned n_write_filters;       /* --filter-file-write PREFIX */
	const char *write_filters[CAPTURE_FILTERS_MAX];
	char **command;                 /* -- COMMAND [ARGS...], NULL-terminated; NULL: none */
};

/* Runs tracee as configured; returns the process exit status. */
int tracee_run(const struct tracee_config *cfg);

#endif
