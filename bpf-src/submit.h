/* submit.h - building a record in the per-CPU scratch buffer and handing it
 * to user space. Records are copied at their real size; the reader is woken
 * only when wakeup_bytes are waiting (it also drains on a timeout), which is
 * what keeps tracing a busy program cheap. Drops are counted.
 *
 * The ring buffer (5.8+) is shared by all CPUs. Without it each CPU has a
 * perf buffer, whose wake-up watermark user space sets (lib/perfbuf.c); the
 * record is the same. A perf buffer is written through the program's context,
 * which is why every function that submits takes ctx. */
#ifndef TRACEE_SUBMIT_H
#define TRACEE_SUBMIT_H

#include "maps.h"

static __always_inline struct scratch *scratch__get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch_map, &zero);
}

/* Fill the header common to every event of the current task. */
static __always_inline struct event_header *record__init(struct scratch *s, const struct task_info *ti,
							 __u32 event_id, __s64 retval)
{
	struct event_header *h = (struct event_header *)s->buf;
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	h->ts = clock__now();
	h->retval = retval;
	h->event_id = event_id;
	h->host_pid = pid_tgid >> 32;
	h->host_tid = (__u32)pid_tgid;
	h->uid = ti->uid;
	h->pid = ti->pid;
	h->tid = ti->tid;
	h->ppid = ti->ppid;
	h->host_ppid = ti->host_ppid;
	h->mnt_ns = ti->mnt_ns;
	h->pid_ns = ti->pid_ns;
	h->argnum = 0;
	h->flags = 0;
	__builtin_memcpy(h->comm, ti->comm, sizeof(h->comm));
	__builtin_memcpy(h->uts_name, ti->uts_name, sizeof(h->uts_name));
	return h;
}

/* Whether this record should wake the reader: when wakeup_bytes wait. The
 * ring's fill level is the consumer position, a cache line the reader keeps
 * writing from another CPU; reading it for every record costs as much as the
 * rest of the submit. So each CPU asks once per wakeup_bytes / 4 of its own
 * records (events and --capture's chunks alike): the reader then wakes at
 * most that late, and a wake-up missed by a dropped record costs at most its
 * poll timeout. */
#if TRACEE_FEAT_RINGBUF
static __always_inline __u64 ringbuf__wakeup(struct scratch *s, __u32 size)
{
	s->unchecked += size;
	if (s->unchecked < wakeup_bytes / 4)
		return BPF_RB_NO_WAKEUP;
	s->unchecked = 0;
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
									       : BPF_RB_NO_WAKEUP;
}

#endif

/* Hand size bytes of data to user space; false when there was no room. */
static __always_inline bool events__output(void *ctx, struct scratch *s, const void *data,
					   __u32 size)
{
#if TRACEE_FEAT_RINGBUF
	return bpf_ringbuf_output(&events, (void *)data, size, ringbuf__wakeup(s, size)) == 0;
#else
	return bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, (void *)data, size) == 0;
#endif
}

static __always_inline void events__submit(void *ctx, struct scratch *s, __u32 size)
{
	size &= TRACEE_RECORD_MAX - 1;
	if (size < sizeof(struct event_header))
		return;
	((struct event_header *)s->buf)->size = size;
	if (!events__output(ctx, s, s->buf, size))
		stats__inc(STAT_LOST);
}

#endif
