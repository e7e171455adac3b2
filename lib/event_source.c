/* event_source.c - picks the reader for the events map and forwards to it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include "event_source.h"
#include "perfbuf.h"
#include "ringbuf.h"

int event_source_open(struct event_source *s, int map_fd, size_t bytes)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	int err;

	memset(s, 0, sizeof(*s));
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	switch (info.type) {
	case BPF_MAP_TYPE_RINGBUF:
		s->ops = &ringbuf_source_ops;
		s->impl = calloc(1, sizeof(struct ringbuf));
		if (!s->impl)
			return -ENOMEM;
		err = ringbuf_open(s->impl, map_fd);
		break;
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
		s->ops = &perfbuf_source_ops;
		s->impl = calloc(1, sizeof(struct perfbuf));
		if (!s->impl)
			return -ENOMEM;
		err = perfbuf_open(s->impl, map_fd, bytes);
		break;
	default:
		return -EINVAL;
	}
	if (err) {
		free(s->impl);
		memset(s, 0, sizeof(*s));
	}
	return err;
}

int event_source_wait(struct event_source *s, int timeout_ms)
{
	return s->ops->wait(s->impl, timeout_ms);
}

int event_source_drain(struct event_source *s, record_fn fn, void *ctx)
{
	return s->ops->drain(s->impl, fn, ctx);
}

uint64_t event_source_lost(const struct event_source *s)
{
	return s->ops ? s->ops->lost(s->impl) : 0;
}

void event_source_close(struct event_source *s)
{
	if (s->ops)
		s->ops->close(s->impl);
	free(s->impl);
	memset(s, 0, sizeof(*s));
}
