/* pipeline.c - ring buffer -> decode -> printer. The kernel side wakes us
 * only when enough data is waiting, so each poll drains a batch; output goes
 * through one large buffer, flushed once per batch. */
#include <errno.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "decode.h"
#include "pipeline.h"

#define OUTBUF_SIZE (1 << 20)

static int handle_record(void *ctx, void *data, size_t len)
{
	struct pipeline *p = ctx;
	struct event ev;

	if (decode_record(data, len, &ev)) {
		p->stats.errors++;
		if (p->debug)
			fprintf(stderr, "tracee: dropped a malformed record of %zu bytes\n", len);
		return 0;
	}
	p->printer->print_event(&p->out, &ev);
	p->stats.events++;
	return p->out.broken ? -EPIPE : 0;
}

int pipeline_init(struct pipeline *p, int events_fd, const struct printer *printer, int out_fd, bool debug)
{
	int err;

	p->printer = printer;
	p->debug = debug;
	p->stats = (struct tracee_stats){ 0 };
	if ((err = outbuf_init(&p->out, out_fd, OUTBUF_SIZE)))
		return err;
	p->rb = ring_buffer__new(events_fd, handle_record, p, NULL);
	if (!p->rb) {
		err = -errno;
		outbuf_free(&p->out);
		return err;
	}
	if (printer->open)
		printer->open(&p->out);
	return 0;
}

int pipeline_poll(struct pipeline *p, int timeout_ms)
{
	int n = ring_buffer__poll(p->rb, timeout_ms);

	/* Records submitted without a wake-up are only found by consuming. */
	if (n >= 0) {
		int m = ring_buffer__consume(p->rb);

		n = m < 0 ? m : n + m;
	}
	outbuf_flush(&p->out);
	if (p->out.broken)
		return -EPIPE;
	return n == -EINTR ? 0 : n;
}

void pipeline_free(struct pipeline *p)
{
	if (p->printer && p->printer->close)
		p->printer->close(&p->out);
	outbuf_flush(&p->out);
	ring_buffer__free(p->rb);
	p->rb = NULL;
	outbuf_free(&p->out);
}
