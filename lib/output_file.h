/* output_file.h - --output FORMAT:PATH: the events go to a file that is
 * reopened, at the same path, on SIGHUP (what logrotate expects). */
#ifndef TRACEE_OUTPUT_FILE_H
#define TRACEE_OUTPUT_FILE_H

#include <stdbool.h>

struct output_file {
	const char *path;
	int fd;             /* stays the same number across reopens */
};

/* Open (append, create 0640) path; -errno on failure, with one line on stderr. */
int output_file_open(struct output_file *of, const char *path);
/* Open path again and put the new file under the same fd; the old file keeps
 * everything written before. The caller flushes its buffer first.
 * Returns 0 or -errno (the old file stays in use then, after one line on stderr). */
int output_file_reopen(struct output_file *of);
void output_file_close(struct output_file *of);

#endif
