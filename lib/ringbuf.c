/* ringbuf.c - reading the BPF ring buffer, releasing space in batches.
 *
 * libbpf's reader hands each record's space back to the kernel as soon as
 * the record is handled: a store to the consumer position for every record.
 * The producer reads that position on every reserve, from another CPU, so
 * each store costs the traced program a cache-line transfer. This reader
 * releases space once per RINGBUF_RELEASE_DIV-th of the ring and at the end
 * of each drain, which keeps that line quiet while tracing a busy program.
 *
 * The map's mmap layout is kernel ABI (kernel/bpf/ringbuf.c): one writable
 * page holding the consumer position, then one read-only page holding the
 * producer position, followed by the data pages mapped twice in a row, so a
 * record that wraps around the end can be read in one piece. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include "ringbuf.h"

#define RINGBUF_RELEASE_DIV 16

static void ringbuf_unmap(struct ringbuf *r)
{
	if (r->consumer_pos && r->consumer_pos != MAP_FAILED)
		munmap((void *)r->consumer_pos, r->page);
	if (r->producer_pos && r->producer_pos != MAP_FAILED)
		munmap((void *)r->producer_pos, r->page + 2 * (r->mask + 1));
	r->consumer_pos = NULL;
	r->producer_pos = NULL;
}

int ringbuf_open(struct ringbuf *r, int map_fd)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	/* edge-triggered: wait for the kernel's wake-up, not for any data */
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	int err;

	memset(r, 0, sizeof(*r));
	r->epoll_fd = -1;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries ||
	    (info.max_entries & (info.max_entries - 1)))
		return -EINVAL;
	r->page = (size_t)sysconf(_SC_PAGESIZE);
	r->mask = info.max_entries - 1;
	r->consumer_pos = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	r->producer_pos = mmap(NULL, r->page + 2 * (size_t)info.max_entries, PROT_READ, MAP_SHARED,
			       map_fd, (off_t)r->page);
	if (r->consumer_pos == MAP_FAILED || r->producer_pos == MAP_FAILED) {
		err = -errno;
		ringbuf_unmap(r);
		return err;
	}
	r->data = (const char *)r->producer_pos + r->page;
	r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epoll_fd < 0 || epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD, map_fd, &ev)) {
		err = -errno;
		ringbuf_close(r);
		return err;
	}
	return 0;
}

int ringbuf_wait(struct ringbuf *r, int timeout_ms)
{
	struct epoll_event ev;
	int n = epoll_wait(r->epoll_fd, &ev, 1, timeout_ms);

	return n < 0 ? -errno : n;
}

static void ringbuf_release(struct ringbuf *r, uint64_t pos)
{
	__atomic_store_n(r->consumer_pos, pos, __ATOMIC_RELEASE);
}

/* A record's header: its length with the kernel's busy and discard bits,
 * then the page offset the kernel uses to find the ring; the data follows,
 * and the next record starts at the next multiple of 8. */
int ringbuf_drain(struct ringbuf *r, record_fn fn, void *ctx)
{
	uint64_t cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
	uint64_t released = cons, prod, step = (r->mask + 1) / RINGBUF_RELEASE_DIV;
	uint64_t end = cons + r->mask + 1;     /* a busy producer cannot keep us here */
	int n = 0, err = 0;

	while (cons < end && (prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE)) != cons) {
		while (cons < prod) {
			const uint32_t *hdr = (const uint32_t *)(r->data + (cons & r->mask));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

			if (len & BPF_RINGBUF_BUSY_BIT)
				goto out;       /* still being written: the next drain gets it */
			cons += (BPF_RINGBUF_HDR_SZ + (len & ~BPF_RINGBUF_DISCARD_BIT) + 7) & ~7ull;
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				err = fn(ctx, (const char *)hdr + BPF_RINGBUF_HDR_SZ, len);
				n++;
				if (err)
					goto out;
			}
			if (cons - released >= step) {
				ringbuf_release(r, cons);
				released = cons;
			}
		}
	}
out:
	if (cons != released)
		ringbuf_release(r, cons);
	return err ? err : n;
}

void ringbuf_close(struct ringbuf *r)
{
	if (r->epoll_fd >= 0)
		close(r->epoll_fd);
	r->epoll_fd = -1;
	ringbuf_unmap(r);
}

/* --- as an event source (event_source.h) ---------------------------------------- */

static int source_wait(void *impl, int timeout_ms)
{
	return ringbuf_wait(impl, timeout_ms);
}

static int source_drain(void *impl, record_fn fn, void *ctx)
{
	return ringbuf_drain(impl, fn, ctx);
}

/* The ring buffer counts no losses of its own: the kernel side does (STAT_LOST). */
static uint64_t source_lost(void *impl)
{
	(void)impl;
	return 0;
}

static void source_close(void *impl)
{
	ringbuf_close(impl);
}

const struct event_source_ops ringbuf_source_ops = {
	.name = "ring buffer",
	.wait = source_wait,
	.drain = source_drain,
	.lost = source_lost,
	.close = source_close,
};
