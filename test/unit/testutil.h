/* testutil.h - fixtures several unit tests share: the command line parsed from
 * a literal argv, output captured through a memfd, and a sample event header.
 * Header-only (static inline) so that each test stays one source file. */
#ifndef TRACEE_TESTUTIL_H
#define TRACEE_TESTUTIL_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "flags.h"
#include "printer.h"

/* A NULL-terminated argv that starts with the program name. */
#define ARGV(...) ((char *[]){ "tracee", __VA_ARGS__, NULL })

/* flags_parse on fresh defaults, argc counted from the NULL-terminated argv. */
static inline enum flags_result parse(struct tracee_config *cfg, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	flags_defaults(cfg);
	return flags_parse(argc, argv, cfg);
}

/* Flush ob into memfd and return, as a string in got, everything written since
 * the last call; empties memfd. */
static inline const char *memfd_take(struct outbuf *ob, int memfd, char *got, size_t size)
{
	off_t n;
	ssize_t r;

	outbuf_flush(ob);
	n = lseek(memfd, 0, SEEK_CUR);
	if (n < 0 || (size_t)n >= size)
		n = 0;
	r = pread(memfd, got, (size_t)n, 0);
	got[r > 0 ? r : 0] = '\0';
	if (ftruncate(memfd, 0) || lseek(memfd, 0, SEEK_SET))
		perror("memfd");
	return got;
}

/* The header of an openat by "cat" (pid 1, host pid 14726) in uts "box",
 * on host thread host_tid. */
static inline struct event_header sample_hdr(unsigned host_tid)
{
	struct event_header h;

	memset(&h, 0, sizeof(h));
	h.ts = 176751746515123ull;
	h.retval = 3;
	h.event_id = 257;
	h.pid = 1;
	h.tid = 2;
	h.host_pid = 14726;
	h.host_tid = host_tid;
	h.host_ppid = 14700;
	h.uid = 1000;
	h.mnt_ns = 4026531840u;
	h.pid_ns = 4026531836u;
	memcpy(h.comm, "cat", 4);
	memcpy(h.uts_name, "box", 4);
	return h;
}

#endif
