/* capture_record.h - the internal records of --capture, shared by the eBPF program
 * (capture.bpf.h) and lib/capture.c. They travel in the events ring buffer
 * like events but are never printed: each is a struct event_header (event_id
 * from CAPTURE_REC_FIRST), a struct capture_head, then head.len bytes:
 *
 *   CAPTURE_REC_FILE   a written file seen first: dev, ino; bytes = its path
 *   CAPTURE_REC_WRITE  bytes written to file dev/ino at off (or appended)
 *   CAPTURE_REC_EXEC   a file executed: dev, ino, mtime, size; bytes = its path
 *   CAPTURE_REC_MEM    bytes of a region turned executable, at off in it
 *
 * User space treats them as untrusted, like every record. */
#ifndef TRACEE_CAPTURE_H
#define TRACEE_CAPTURE_H

#include "tracee.h"

/* What --capture asks for. */
enum capture_kind {
	CAPTURE_WRITE = 1 << 0,
	CAPTURE_EXEC  = 1 << 1,
	CAPTURE_MEM   = 1 << 2,
	CAPTURE_ALL   = CAPTURE_WRITE | CAPTURE_EXEC | CAPTURE_MEM,
};

enum capture_record_id {
	CAPTURE_REC_FILE = EVENT_CAPTURE_BASE,
	CAPTURE_REC_WRITE,
	CAPTURE_REC_EXEC,
	CAPTURE_REC_MEM,
	CAPTURE_REC_END,
};
#define CAPTURE_REC_FIRST CAPTURE_REC_FILE

#define CAPTURE_CHUNK        8192           /* data bytes in one record */
#define CAPTURE_MEM_MAX      (16u << 20)    /* a region is captured up to this size */
#define CAPTURE_WRITE_MAX    (256u << 20)   /* one write syscall is captured up to this */
#define CAPTURE_FILTERS_MAX  8              /* --filter-file-write prefixes */
#define CAPTURE_PREFIX_MAX   128            /* a prefix, NUL included */

/* head.flags */
#define CAPTURE_F_APPEND     1u     /* a pipe, socket or character device: no offset */

struct capture_head {
	unsigned long long ino;         /* FILE, WRITE, EXEC */
	unsigned long long off;         /* WRITE: file offset; MEM: offset in the region */
	unsigned long long total;       /* MEM: region length; EXEC: file size */
	unsigned long long addr;        /* MEM: region start */
	long long mtime_sec;            /* EXEC: the file's modification time */
	unsigned int mtime_nsec;
	unsigned int dev;               /* kernel dev_t: major << 20 | minor */
	unsigned int flags;             /* CAPTURE_F_* */
	unsigned int len;               /* bytes that follow the head */
};

/* A path prefix as 8-byte words and a mask of the bytes that count, so the
 * kernel side compares without a byte loop: a path starts with the prefix
 * when ((path word ^ word) & mask) is 0 for every word. */
#define CAPTURE_PREFIX_WORDS (CAPTURE_PREFIX_MAX / 8)
struct capture_filter {
	unsigned long long word[CAPTURE_PREFIX_WORDS];
	unsigned long long mask[CAPTURE_PREFIX_WORDS];
};

/* The one entry of the capture_config map, filled by user space after load. */
struct capture_config {
	unsigned int kinds;             /* enum capture_kind */
	unsigned int nfilters;
	struct capture_filter filters[CAPTURE_FILTERS_MAX];
};

/* Per-CPU counters of the capture_stats map. */
enum capture_stat {
	CAPTURE_STAT_LOST = 0,          /* records the ring buffer refused, or never sent */
	CAPTURE_STAT_UNREADABLE,        /* chunks whose user memory could not be read */
	CAPTURE_STAT_MAX,
};

#endif /* TRACEE_CAPTURE_H */
