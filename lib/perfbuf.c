/* perfbuf.c - reading per-CPU perf buffers, the BPF output of kernels
 * without the ring buffer (before 5.8), as one stream in timestamp order.
 *
 * Each CPU gets a PERF_COUNT_SW_BPF_OUTPUT event whose mmap'ed ring the
 * kernel side writes with bpf_perf_event_output (bpf-src/submit.h). As with
 * the ring buffer, the reader is not woken per record: the event's wake-up
 * watermark wakes it once a CPU has that many bytes waiting (the pipeline
 * also drains on a timeout), and space is handed back once per batch.
 *
 * Each CPU's records are in order; a drain merges the CPUs' heads by the
 * timestamp every record starts with (struct event_header.ts), so output is
 * ordered as the ring buffer's is. A record that wraps around the end of a
 * ring is copied whole into that CPU's bounce buffer first.
 *
 * The mmap layout is kernel ABI (include/uapi/linux/perf_event.h): one
 * struct perf_event_mmap_page, then the data pages. Records: a struct
 * perf_event_header, then for PERF_RECORD_SAMPLE with PERF_SAMPLE_RAW a u32
 * size and the data; PERF_RECORD_LOST carries the count of dropped records. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "perfbuf.h"

#define PERFBUF_MIN_PAGES   1
#define PERFBUF_WAKEUP_DIV  8       /* wake the reader once 1/8 of a CPU's ring waits */
#define PERFBUF_RECORD_MAX  65536   /* a perf record's size is 16 bits */

struct perfbuf_cpu {
	int cpu, fd;
	struct perf_event_mmap_page *meta;
	const char *data;
	uint64_t head;                  /* the kernel's position at this drain's start */
	uint64_t tail;                  /* ours: the next record to read */
	/* the record at tail, once peeked */
	const char *rec;
	size_t rec_len;
	uint64_t rec_ts;
	uint64_t rec_next;              /* tail after it */
	char *bounce;                   /* PERFBUF_RECORD_MAX bytes for a record that wraps */
};

static int perf_open_cpu(int cpu, size_t wakeup_bytes)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		.watermark = 1,
		.wakeup_watermark = (uint32_t)wakeup_bytes,
	};

	return (int)syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Pages of each CPU's ring: an equal share of bytes, a power of two. */
static size_t pages_per_cpu(size_t bytes, int ncpus, size_t page)
{
	size_t want = bytes / (size_t)ncpus / page, pages = PERFBUF_MIN_PAGES;

	while (pages * 2 <= want)
		pages *= 2;
	return pages;
}

static int cpu_open(struct perfbuf *pb, struct perfbuf_cpu *c, int cpu, int map_fd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	void *base;

	c->cpu = cpu;
	c->fd = perf_open_cpu(cpu, pb->data_size / PERFBUF_WAKEUP_DIV);
	if (c->fd < 0)
		return -errno;
	base = mmap(NULL, pb->page + pb->data_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	c->meta = base;
	c->data = (const char *)base + pb->page;
	c->tail = c->meta->data_tail;
	if (!(c->bounce = malloc(PERFBUF_RECORD_MAX)))
		return -ENOMEM;
	ev.data.u32 = (uint32_t)(c - pb->cpus);
	if (bpf_map_update_elem(map_fd, &cpu, &c->fd, BPF_ANY) ||
	    ioctl(c->fd, PERF_EVENT_IOC_ENABLE, 0) ||
	    epoll_ctl(pb->epoll_fd, EPOLL_CTL_ADD, c->fd, &ev))
		return -errno;
	return 0;
}

int perfbuf_open(struct perfbuf *pb, int map_fd, size_t bytes)
{
	int ncpus = libbpf_num_possible_cpus(), err;

	memset(pb, 0, sizeof(*pb));
	pb->epoll_fd = -1;
	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	pb->page = (size_t)sysconf(_SC_PAGESIZE);
	pb->data_size = pages_per_cpu(bytes, ncpus, pb->page) * pb->page;
	pb->cpus = calloc((size_t)ncpus, sizeof(*pb->cpus));
	pb->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (!pb->cpus || pb->epoll_fd < 0) {
		err = pb->cpus ? -errno : -ENOMEM;
		perfbuf_close(pb);
		return err;
	}
	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct perfbuf_cpu *c = &pb->cpus[pb->ncpus];

		c->fd = -1;
		err = cpu_open(pb, c, cpu, map_fd);
		if (err == -ENODEV) {           /* an offline CPU writes nothing */
			free(c->bounce);
			memset(c, 0, sizeof(*c));
			continue;
		}
		pb->ncpus++;
		if (err) {
			perfbuf_close(pb);
			return err;
		}
	}
	return 0;
}

int perfbuf_wait(struct perfbuf *pb, int timeout_ms)
{
	struct epoll_event ev[16];
	int n = epoll_wait(pb->epoll_fd, ev, 16, timeout_ms);

	return n < 0 ? -errno : n > 0;
}

/* Copies len bytes at ring position pos, wrapping at the end. */
static void ring_copy(const struct perfbuf *pb, const struct perfbuf_cpu *c, uint64_t pos,
		      void *dst, size_t len)
{
	size_t off = pos & (pb->data_size - 1), first = pb->data_size - off;

	if (first >= len) {
		memcpy(dst, c->data + off, len);
	} else {
		memcpy(dst, c->data + off, first);
		memcpy((char *)dst + first, c->data, len - first);
	}
}

/* Finds the next sample at or after tail, counting the losses the kernel
 * reports on the way; false when the CPU has none left in this drain. */
static bool cpu_peek(struct perfbuf *pb, struct perfbuf_cpu *c)
{
	while (c->tail < c->head) {
		struct perf_event_header h;
		size_t off = c->tail & (pb->data_size - 1);
		uint32_t raw_len;

		ring_copy(pb, c, c->tail, &h, sizeof(h));
		if (h.size < sizeof(h) || c->tail + h.size > c->head) {
			c->tail = c->head;      /* cannot happen; never read past the kernel */
			return false;
		}
		if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
			uint64_t lost;

			ring_copy(pb, c, c->tail + sizeof(h) + 8, &lost, sizeof(lost));
			pb->lost += lost;
		}
		if (h.type != PERF_RECORD_SAMPLE || h.size < sizeof(h) + sizeof(raw_len)) {
			c->tail += h.size;
			continue;
		}
		ring_copy(pb, c, c->tail + sizeof(h), &raw_len, sizeof(raw_len));
		if (raw_len > h.size - sizeof(h) - sizeof(raw_len))
			raw_len = (uint32_t)(h.size - sizeof(h) - sizeof(raw_len));
		if (off + h.size <= pb->data_size) {
			c->rec = c->data + off + sizeof(h) + sizeof(raw_len);
		} else {
			ring_copy(pb, c, c->tail + sizeof(h) + sizeof(raw_len), c->bounce, raw_len);
			c->rec = c->bounce;
		}
		c->rec_len = raw_len;
		c->rec_ts = 0;
		if (raw_len >= sizeof(c->rec_ts))
			memcpy(&c->rec_ts, c->rec, sizeof(c->rec_ts));
		c->rec_next = c->tail + h.size;
		return true;
	}
	return false;
}

static void cpu_release(struct perfbuf_cpu *c)
{
	__atomic_store_n(&c->meta->data_tail, c->tail, __ATOMIC_RELEASE);
}

/* The CPU whose next record is oldest; NULL when none has one. */
static struct perfbuf_cpu *oldest(struct perfbuf *pb)
{
	struct perfbuf_cpu *best = NULL;

	for (int i = 0; i < pb->ncpus; i++) {
		struct perfbuf_cpu *c = &pb->cpus[i];

		if (c->rec && (!best || c->rec_ts < best->rec_ts))
			best = c;
	}
	return best;
}

int perfbuf_drain(struct perfbuf *pb, record_fn fn, void *ctx)
{
	struct perfbuf_cpu *c;
	int n = 0, err = 0;

	for (int i = 0; i < pb->ncpus; i++) {
		c = &pb->cpus[i];
		c->head = __atomic_load_n(&c->meta->data_head, __ATOMIC_ACQUIRE);
		c->rec = cpu_peek(pb, c) ? c->rec : NULL;
	}
	while ((c = oldest(pb))) {
		err = fn(ctx, c->rec, c->rec_len);
		n++;
		c->tail = c->rec_next;
		c->rec = NULL;
		if (err)
			break;
		if (cpu_peek(pb, c) == false)
			c->rec = NULL;
	}
	for (int i = 0; i < pb->ncpus; i++) {
		pb->cpus[i].rec = NULL;
		cpu_release(&pb->cpus[i]);
	}
	return err ? err : n;
}

void perfbuf_close(struct perfbuf *pb)
{
	for (int i = 0; pb->cpus && i < pb->ncpus; i++) {
		struct perfbuf_cpu *c = &pb->cpus[i];

		if (c->meta)
			munmap(c->meta, pb->page + pb->data_size);
		if (c->fd >= 0)
			close(c->fd);
		free(c->bounce);
	}
	free(pb->cpus);
	if (pb->epoll_fd >= 0)
		close(pb->epoll_fd);
	memset(pb, 0, sizeof(*pb));
	pb->epoll_fd = -1;
}

/* --- as an event source (event_source.h) ---------------------------------------- */

static int source_wait(void *impl, int timeout_ms)
{
	return perfbuf_wait(impl, timeout_ms);
}

static int source_drain(void *impl, record_fn fn, void *ctx)
{
	return perfbuf_drain(impl, fn, ctx);
}

static uint64_t source_lost(void *impl)
{
	return ((struct perfbuf *)impl)->lost;
}

static void source_close(void *impl)
{
	perfbuf_close(impl);
}

const struct event_source_ops perfbuf_source_ops = {
	.name = "perf buffers",
	.wait = source_wait,
	.drain = source_drain,
	.lost = source_lost,
	.close = source_close,
};
