/* sig_engine.c - dispatch by event id to the selected detections, and the
 * making of a detection event from its trigger. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rule_file.h"
#include "sig_engine.h"

/* One detection listening to one base event. */
struct sig_hook {
	int id;                         /* the detection's event id */
	const struct sig_impl *impl;
	void *state;
	bool container_only;
};

struct sig_engine {
	struct sig_ctx ctx;             /* first: the emit callback finds the engine from it */
	sig_out_fn out;
	void *out_arg;
	uint64_t raised;
	/* hooks[first[id] .. first[id] + count[id]) listen to event id */
	struct sig_hook *hooks;
	uint32_t first[TRACEE_MAX_EVENTS];
	uint16_t count[TRACEE_MAX_EVENTS];
	/* one state per implementation in use, freed at the end */
	struct { const struct sig_impl *impl; void *state; } states[TRACEE_MAX_EVENTS - TRACEE_DETECTION_BASE];
	unsigned nstates;
};

static const struct {
	const struct sig_impl *impls;
	const size_t *len;
} impl_tables[] = {
	{ sig_builtin_files, &sig_builtin_files_len },
	{ sig_builtin_net, &sig_builtin_net_len },
};

/* The C code of a detection, else the rule that implements it (the
 * embedded rule file, or the user's). */
static const struct sig_impl *impl_by_name(const char *name)
{
	for (size_t t = 0; t < sizeof(impl_tables) / sizeof(impl_tables[0]); t++)
		for (size_t i = 0; i < *impl_tables[t].len; i++)
			if (strcmp(impl_tables[t].impls[i].name, name) == 0)
				return &impl_tables[t].impls[i];
	return rules_impl_by_name(name);
}

/* Each base event of detection d, by id (-1 for an unknown name); returns
 * false at the end. pos walks d->sig->events. */
static bool next_base(const struct event_def *d, const char **pos, int *id)
{
	char name[64];
	size_t len;

	if (!*pos)
		*pos = d->sig->events;
	while (**pos == ',')
		(*pos)++;
	if (!**pos)
		return false;
	len = strcspn(*pos, ",");
	snprintf(name, sizeof(name), "%.*s", (int)len, *pos);
	*pos += len;
	const struct event_def *b = events_by_name(name);

	*id = b && !event_is_detection(b) ? b->id : -1;
	return true;
}

static const struct event_def *selected_detection(const bool *selected, int id)
{
	const struct event_def *d = events_by_id(id);

	return selected[id] && event_is_detection(d) ? d : NULL;
}

bool sig_any_selected(const bool *selected)
{
	for (int id = TRACEE_DETECTION_BASE; id < TRACEE_MAX_EVENTS; id++)
		if (selected_detection(selected, id))
			return true;
	return false;
}

void sig_kernel_events(const bool *selected, bool *kernel)
{
	for (int id = 0; id < TRACEE_MAX_EVENTS; id++) {
		const struct event_def *d = events_by_id(id);

		kernel[id] = kernel[id] || (selected[id] && !event_is_detection(d));
	}
	for (int id = TRACEE_DETECTION_BASE; id < TRACEE_MAX_EVENTS; id++) {
		const struct event_def *d = selected_detection(selected, id);
		const char *pos = NULL;
		int base;

		while (d && next_base(d, &pos, &base))
			if (base >= 0)
				kernel[base] = true;
	}
}

bool sig_needs_exec_env(const bool *selected)
{
	static const char *const readers[] = { "ld_preload", "k8s_api_connection" };

	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		const struct event_def *d = events_by_name(readers[i]);

		if (d && selected[d->id])
			return true;
	}
	return false;
}

/* A detection event: the trigger's process fields (its header, with the
 * detection's id), the detection's data, the trigger attached. */
static void engine_emit(struct sig_ctx *c, int id, const struct event *trigger,
			const struct event_arg *data, unsigned n)
{
	struct sig_engine *e = (struct sig_engine *)c;
	struct event_header h = *trigger->hdr;
	struct event d = { 0 };

	h.event_id = (unsigned)id;
	h.argnum = (unsigned short)n;
	h.size = sizeof(h);
	d.hdr = &h;
	d.def = events_by_id(id);
	d.container_id = trigger->container_id;
	d.trigger = trigger;
	d.argc = n < TRACEE_MAX_ARGS ? n : TRACEE_MAX_ARGS;
	for (unsigned i = 0; i < d.argc; i++) {
		d.args[i] = data[i];
		if (!d.args[i].def)
			d.args[i].def = i < d.def->argnum ? &d.def->args[i] : NULL;
		d.args[i].index = (uint8_t)i;
	}
	e->raised++;
	e->out(e->out_arg, &d);
}

/* The state of impl, made once however many events it listens to. */
static int impl_state(struct sig_engine *e, const struct sig_impl *impl, void **state)
{
	for (unsigned i = 0; i < e->nstates; i++)
		if (e->states[i].impl == impl) {
			*state = e->states[i].state;
			return 0;
		}
	*state = impl->init ? impl->init() : NULL;
	if (impl->init && !*state)
		return -ENOMEM;
	e->states[e->nstates].impl = impl;
	e->states[e->nstates++].state = *state;
	return 0;
}

/* Count (hooks NULL) or place the hooks of every selected detection. */
static int engine_hooks(struct sig_engine *e, const bool *selected, uint32_t *fill)
{
	for (int id = TRACEE_DETECTION_BASE; id < TRACEE_MAX_EVENTS; id++) {
		const struct event_def *d = selected_detection(selected, id);
		const struct sig_impl *impl;
		const char *pos = NULL;
		void *state = NULL;
		int base;

		if (!d)
			continue;
		if (!(impl = impl_by_name(d->name))) {
			fprintf(stderr, "tracee: detection %s has no implementation\n", d->name);
			return -ENOENT;
		}
		if (fill && impl_state(e, impl, &state))
			return -ENOMEM;
		while (next_base(d, &pos, &base)) {
			if (base < 0) {
				fprintf(stderr, "tracee: detection %s names an unknown base event\n", d->name);
				return -ENOENT;
			}
			if (!fill) {
				e->count[base]++;
				continue;
			}
			e->hooks[e->first[base] + fill[base]++] = (struct sig_hook){
				.id = id, .impl = impl, .state = state,
				.container_only = d->sig->container_only };
		}
	}
	return 0;
}

struct sig_engine *sig_engine_new(const bool *selected, uint32_t host_pidns, sig_out_fn out, void *arg)
{
	struct sig_engine *e = calloc(1, sizeof(*e));
	uint32_t *fill = calloc(TRACEE_MAX_EVENTS, sizeof(*fill));
	size_t total = 0;

	if (!e || !fill)
		goto fail;
	e->ctx = (struct sig_ctx){ .emit = engine_emit, .emit_arg = e, .host_pidns = host_pidns };
	e->out = out;
	e->out_arg = arg;
	if (engine_hooks(e, selected, NULL))
		goto fail;
	for (int id = 0; id < TRACEE_MAX_EVENTS; id++) {
		e->first[id] = (uint32_t)total;
		total += e->count[id];
	}
	if (!(e->hooks = calloc(total ? total : 1, sizeof(*e->hooks))) || engine_hooks(e, selected, fill))
		goto fail;
	free(fill);
	return e;
fail:
	free(fill);
	sig_engine_free(e);
	return NULL;
}

void sig_engine_process(struct sig_engine *e, const struct event *ev)
{
	unsigned id = ev->hdr->event_id;
	bool container = false, known = false;

	if (id >= TRACEE_MAX_EVENTS || !ev->def)
		return;
	for (uint32_t i = e->first[id], end = i + e->count[id]; i < end; i++) {
		const struct sig_hook *h = &e->hooks[i];

		if (h->container_only) {
			if (!known) {
				container = sig_in_container(&e->ctx, ev);
				known = true;
			}
			if (!container)
				continue;
		}
		h->impl->on_event(&e->ctx, h->impl->data, h->state, h->id, ev);
	}
}

uint64_t sig_engine_raised(const struct sig_engine *e)
{
	return e ? e->raised : 0;
}

void sig_engine_free(struct sig_engine *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->nstates; i++)
		if (e->states[i].impl->free)
			e->states[i].impl->free(e->states[i].state);
	free(e->hooks);
	free(e);
}
