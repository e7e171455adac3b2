/* capture.h - --capture: artifacts from the kernel side's capture records
 * (bpf-src/capture_record.h), written under the output path. The loader calls
 * capture_prepare/capture_configure around the load; the pipeline hands every
 * record to capture_record first and gives decoded events to
 * capture_annotate; tracee_run opens and closes. */
#ifndef TRACEE_CAPTURE_LIB_H
#define TRACEE_CAPTURE_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "libtracee.h"
#include "container.h"
#include "event.h"

#define CAPTURE_NAME_MAX 256    /* an artifact or container directory name */

struct capture;
struct bpf_object;

/* --capture LIST: write, exec, mem, all (comma-separated) added to *kinds.
 * Returns 0, or -EINVAL naming nothing (the caller reports). */
int capture_parse_kinds(const char *list, unsigned *kinds);

/* mkdir -p: path's missing parents 0755, path itself mode (the output path
 * and the pid file's directory). Returns 0 or -errno. */
int capture_mkdir_p(const char *path, mode_t mode);

/* A --filter-file-write prefix as the kernel side compares it. */
void capture_filter_make(struct capture_filter *f, const char *prefix);
/* Before load: the capture programs load only for what was asked. */
int capture_prepare(struct bpf_object *obj, const struct tracee_config *cfg);
/* After load: what to capture, and the --filter-file-write prefixes. */
int capture_configure(struct bpf_object *obj, const struct tracee_config *cfg);

/* Open (create, and with --clear-output-path empty) the output path. On
 * failure one line is printed and -errno returned. */
int capture_open(struct capture **out, const struct tracee_config *cfg);
/* Is this ring-buffer record a capture record? It is consumed if so; cc
 * (may be NULL: everything is "host") names the container's directory. */
bool capture_record(struct capture *c, const void *data, size_t len, struct container_cache *cc);
/* A sched_process_exec event gets the sha256 of the file executed. */
void capture_annotate(struct capture *c, struct event *ev);
/* End of a batch: pending data and index lines reach the files. */
void capture_flush(struct capture *c);
/* Flush, print "tracee: capture: ..., lost writes: N, errors: N" to err
 * (obj: the loaded object, for the kernel-side counters; may be NULL), free. */
void capture_close(struct capture *c, struct bpf_object *obj, FILE *err);

/* Counters, for tests. */
struct capture_counts {
	uint64_t files;         /* write artifacts created */
	uint64_t execs;         /* executables copied */
	uint64_t regions;       /* memory regions saved */
	uint64_t errors;        /* artifacts refused or failed (see stderr) */
};
void capture_get_counts(const struct capture *c, struct capture_counts *out);

/* Naming, exposed for unit tests. Each returns the length written, or -1
 * when it does not fit. */
int capture_write_name(char *buf, size_t len, uint32_t dev, uint64_t ino);
int capture_exec_name(char *buf, size_t len, uint64_t ts, const char *path, size_t path_len);
int capture_mem_name(char *buf, size_t len, uint64_t ts);
/* The directory of a container: "host" for "" (or NULL), else the id with
 * any byte that does not belong in a file name made '_'. */
int capture_ctr_name(char *buf, size_t len, const char *container_id);
/* Index field escaping: \\ and \xHH for control bytes; NUL-terminated. */
size_t capture_escape(char *dst, size_t cap, const char *src, size_t len);
/* Does the kernel's dev_t (major << 20 | minor) name st_dev? */
bool capture_dev_matches(uint32_t kdev, dev_t st_dev);

#endif
