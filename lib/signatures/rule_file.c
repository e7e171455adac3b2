/* rule_file.c - reading rule files (rule_file.h) with libyaml: the document
 * tree gives every node its line and column, so each mistake is reported
 * where it is. Lists and macros are collected first (a rule may use one
 * defined after it), then each rule is compiled once (rule_cond.c) into a
 * detection: its own event table row and a sig_impl the engine calls for
 * the events its condition names. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "rule_cond.h"
#include "rule_file.h"

#define FILE_MAX (4 << 20)
#define OUTPUT_MAX 1024

struct rule_list {
	char *name;
	char **items;
	size_t n;
};

struct rule_macro {
	char *name;
	char *condition;
};

struct rule {
	struct rule_expr *expr;
	char *output;                   /* template; NULL for built-in rows */
	struct sig_impl impl;
	struct event_def row;           /* user rules: their own row */
	struct sig_def sig;
	char *strings[8];               /* what row and sig point to, freed at the end */
};

struct rule_set {
	struct rule_set *next;
	bool builtin;
	struct rule *rules;
	size_t n;
};

static struct rule_set *loaded;
static bool embedded_tried;
static unsigned user_rules;             /* ids handed out from TRACEE_RULE_BASE */

/* The file being read. */
struct reader {
	const char *name;
	const char *src;                /* its text */
	size_t len;
	yaml_document_t doc;
	bool builtin;
	struct rule_list *lists;
	size_t nlists;
	struct rule_macro *macros;
	size_t nmacros;
	char *err;
	size_t errlen;
};

static int fail_mark(struct reader *r, yaml_mark_t m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_node(struct reader *r, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_mark(struct reader *r, yaml_mark_t m, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, r->errlen, "%s:%zu:%zu: ", r->name, m.line + 1, m.column + 1);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < r->errlen)
		vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int fail_node(struct reader *r, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail_mark(r, n->start_mark, "%s", msg);
}

static yaml_node_t *node(struct reader *r, int id)
{
	return yaml_document_get_node(&r->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value of key in a mapping, or NULL. */
static yaml_node_t *map_get(struct reader *r, const yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(r, p->key));

		if (k && !strcmp(k, key))
			return node(r, p->value);
	}
	return NULL;
}

/* Every key of map must be one of allowed. */
static int check_keys(struct reader *r, const yaml_node_t *map, const char *const *allowed, const char *what)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(r, p->key);
		const char *name = scalar(k);
		bool ok = false;

		char keys[256] = "";

		for (const char *const *a = allowed; name && *a; a++)
			ok = ok || !strcmp(*a, name);
		if (ok)
			continue;
		for (const char *const *a = allowed; *a; a++)
			snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys), "%s%s", a == allowed ? "" : ", ", *a);
		return fail_node(r, k, "unknown key '%s' in a %s (its keys: %s)", name ? name : "?", what, keys);
	}
	return 0;
}

/* A required scalar. */
static int need_scalar(struct reader *r, const yaml_node_t *map, const char *key, const char **out)
{
	yaml_node_t *v = map_get(r, map, key);

	if (!v)
		return fail_node(r, map, "missing '%s'", key);
	if (!(*out = scalar(v)) || !**out)
		return fail_node(r, v, "'%s' must be a non-empty text", key);
	return 0;
}

/* --- lists and macros ------------------------------------------------------------- */

static struct rule_list *list_find(struct reader *r, const char *name)
{
	for (size_t i = 0; i < r->nlists; i++)
		if (!strcmp(r->lists[i].name, name))
			return &r->lists[i];
	return NULL;
}

static const char *const *syms_list(void *ctx, const char *name, size_t *n)
{
	struct rule_list *l = list_find(ctx, name);

	if (!l)
		return NULL;
	*n = l->n;
	return (const char *const *)l->items;
}

static const char *syms_macro(void *ctx, const char *name)
{
	struct reader *r = ctx;

	for (size_t i = 0; i < r->nmacros; i++)
		if (!strcmp(r->macros[i].name, name))
			return r->macros[i].condition;
	return NULL;
}

static bool push_item(struct rule_list *l, const char *s)
{
	char **items = realloc(l->items, (l->n + 1) * sizeof(*items));

	if (!items)
		return false;
	l->items = items;
	return (l->items[l->n] = strdup(s)) && ++l->n;
}

/* A list's items: scalars; an item naming an earlier list adds its items. */
static int read_list(struct reader *r, const yaml_node_t *map)
{
	static const char *const keys[] = { "list", "items", NULL };
	yaml_node_t *items = map_get(r, map, "items");
	struct rule_list l = { 0 }, *grown, *inner;
	const char *name;
	int err;

	if ((err = check_keys(r, map, keys, "list")) || (err = need_scalar(r, map, "list", &name)))
		return err;
	if (!items || items->type != YAML_SEQUENCE_NODE)
		return fail_node(r, items ? items : map, "a list needs 'items: [a, b, ...]'");
	if (list_find(r, name))
		return fail_node(r, map, "list '%s' is defined twice", name);
	if (!(l.name = strdup(name)))
		return -ENOMEM;
	for (yaml_node_item_t *i = items->data.sequence.items.start; i < items->data.sequence.items.top; i++) {
		yaml_node_t *it = node(r, *i);
		const char *s = scalar(it);

		if (!s) {
			err = fail_node(r, it, "list items are plain values");
			break;
		}
		if ((inner = list_find(r, s))) {
			for (size_t k = 0; k < inner->n && !err; k++)
				err = push_item(&l, inner->items[k]) ? 0 : -ENOMEM;
		} else if (!push_item(&l, s)) {
			err = -ENOMEM;
		}
		if (err)
			break;
	}
	if (!err && (grown = realloc(r->lists, (r->nlists + 1) * sizeof(*grown)))) {
		r->lists = grown;
		r->lists[r->nlists++] = l;
		return 0;
	}
	for (size_t k = 0; k < l.n; k++)
		free(l.items[k]);
	free(l.items);
	free(l.name);
	return err ? err : -ENOMEM;
}

static int read_macro(struct reader *r, const yaml_node_t *map)
{
	static const char *const keys[] = { "macro", "condition", NULL };
	const char *name, *cond;
	struct rule_macro *grown;
	int err;

	if ((err = check_keys(r, map, keys, "macro")) || (err = need_scalar(r, map, "macro", &name)) ||
	    (err = need_scalar(r, map, "condition", &cond)))
		return err;
	if (syms_macro(r, name))
		return fail_node(r, map, "macro '%s' is defined twice", name);
	if (!(grown = realloc(r->macros, (r->nmacros + 1) * sizeof(*grown))))
		return -ENOMEM;
	r->macros = grown;
	r->macros[r->nmacros].name = strdup(name);
	r->macros[r->nmacros].condition = strdup(cond);
	r->nmacros++;
	return 0;
}

static void reader_free(struct reader *r)
{
	for (size_t i = 0; i < r->nlists; i++) {
		for (size_t k = 0; k < r->lists[i].n; k++)
			free(r->lists[i].items[k]);
		free(r->lists[i].items);
		free(r->lists[i].name);
	}
	for (size_t i = 0; i < r->nmacros; i++) {
		free(r->macros[i].name);
		free(r->macros[i].condition);
	}
	free(r->lists);
	free(r->macros);
	yaml_document_delete(&r->doc);
}

/* --- exceptions: turned into condition text ---------------------------------------- */

struct text {
	char *s;
	size_t len, cap;
	bool oom;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *g = realloc(t->s, cap);

		if (!g) {
			t->oom = true;
			return;
		}
		t->s = g;
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void text_puts(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

/* A value as a quoted string of the condition language. */
static void text_quoted(struct text *t, const char *s)
{
	text_add(t, "'", 1);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			text_add(t, "\\", 1);
		text_add(t, s, 1);
	}
	text_add(t, "'", 1);
}

/* FIELD COMP VALUE, where a sequence value is an in-list. */
static int exception_term(struct reader *r, struct text *t, const char *field, const char *comp,
			  const yaml_node_t *value)
{
	text_puts(t, field);
	text_puts(t, " ");
	text_puts(t, comp);
	text_puts(t, " ");
	if (value->type == YAML_SEQUENCE_NODE) {
		text_puts(t, "(");
		for (yaml_node_item_t *i = value->data.sequence.items.start; i < value->data.sequence.items.top; i++) {
			const char *s = scalar(node(r, *i));

			if (!s)
				return fail_node(r, value, "exception values are plain values or lists of them");
			if (i != value->data.sequence.items.start)
				text_puts(t, ", ");
			text_quoted(t, s);
		}
		text_puts(t, ")");
	} else if (scalar(value) && list_find(r, scalar(value))) {
		text_puts(t, "(");      /* a list's name: its items */
		text_puts(t, scalar(value));
		text_puts(t, ")");
	} else if (scalar(value)) {
		text_quoted(t, scalar(value));
	} else {
		return fail_node(r, value, "exception values are plain values or lists of them");
	}
	return 0;
}

/* One exception: fields (one, or a sequence), comps (default =; in when a
 * single field's values are plain), values. */
static int exception_text(struct reader *r, const yaml_node_t *ex, struct text *t)
{
	static const char *const keys[] = { "name", "fields", "comps", "values", NULL };
	yaml_node_t *fields = map_get(r, ex, "fields"), *comps = map_get(r, ex, "comps"),
		*values = map_get(r, ex, "values");
	size_t nf;
	int err;

	if (ex->type != YAML_MAPPING_NODE)
		return fail_node(r, ex, "an exception is a mapping with name, fields, comps and values");
	if ((err = check_keys(r, ex, keys, "exception")))
		return err;
	if (!fields || !values || values->type != YAML_SEQUENCE_NODE)
		return fail_node(r, ex, "an exception needs fields and a list of values");
	nf = fields->type == YAML_SEQUENCE_NODE ? (size_t)(fields->data.sequence.items.top -
							  fields->data.sequence.items.start) : 1;
	/* a list of fields takes a list of comps, one each; one field, one comp */
	if (comps && (comps->type == YAML_SEQUENCE_NODE) != (fields->type == YAML_SEQUENCE_NODE))
		return fail_node(r, comps, "comps is a list exactly when fields is a list");
	if (comps && comps->type == YAML_SEQUENCE_NODE &&
	    (size_t)(comps->data.sequence.items.top - comps->data.sequence.items.start) != nf)
		return fail_node(r, comps, "comps needs one comparison per field");
	for (yaml_node_item_t *v = values->data.sequence.items.start; v < values->data.sequence.items.top; v++) {
		yaml_node_t *tuple = node(r, *v);

		text_puts(t, t->len ? " or (" : "(");
		if (fields->type != YAML_SEQUENCE_NODE) {
			const char *comp = comps && scalar(comps) ? scalar(comps) : "=";

			if (!scalar(fields))
				return fail_node(r, fields, "fields is a field or a list of fields");
			if ((err = exception_term(r, t, scalar(fields), comp, tuple)))
				return err;
		} else {
			if (tuple->type != YAML_SEQUENCE_NODE ||
			    (size_t)(tuple->data.sequence.items.top - tuple->data.sequence.items.start) != nf)
				return fail_node(r, tuple, "each exception value lists one value per field");
			for (size_t i = 0; i < nf; i++) {
				const char *f = scalar(node(r, fields->data.sequence.items.start[i]));
				const char *c = comps ? scalar(node(r, comps->data.sequence.items.start[i])) : "=";

				if (!f || !c)
					return fail_node(r, fields, "fields and comps are plain values");
				if (i)
					text_puts(t, " and ");
				if ((err = exception_term(r, t, f, c, node(r, tuple->data.sequence.items.start[i]))))
					return err;
			}
		}
		text_puts(t, ")");
	}
	return t->oom ? -ENOMEM : 0;
}

/* --- rules ---------------------------------------------------------------------------- */

/* Where offset (in a scalar's value) lands in the file. Plain and quoted
 * scalars keep their characters in place; a block scalar (| or >) starts on
 * the line after its indicator, and each line break of its source is one
 * character of the value (a newline, or the space it folds into). */
static yaml_mark_t mark_at(const struct reader *r, const yaml_node_t *n, size_t offset)
{
	yaml_mark_t m = n->start_mark;
	size_t si = m.index, vi = 0;
	bool block = n->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
		     n->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;

	if (!block) {
		m.column += offset + (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE);
		return m;
	}
	while (si < r->len && r->src[si] != '\n')
		si++;
	while (si < r->len && (vi < offset || r->src[si] == '\n' || r->src[si] == ' ')) {
		if (r->src[si] == '\n') {
			if (si != m.index && vi && vi < offset)
				vi++;           /* the line break's character in the value */
			si++;
			m.line++;
			m.column = 0;
			while (si < r->len && r->src[si] == ' ') {
				si++;
				m.column++;
			}
			continue;
		}
		if (vi == offset)
			break;
		si++;
		vi++;
		m.column++;
	}
	return m;
}

static const struct {
	const char *name;
	unsigned char severity;
} priorities[] = {
	{ "EMERGENCY", 3 }, { "ALERT", 3 }, { "CRITICAL", 3 }, { "ERROR", 2 }, { "WARNING", 2 },
	{ "NOTICE", 1 }, { "INFORMATIONAL", 0 }, { "INFO", 0 }, { "DEBUG", 0 },
	{ "0", 0 }, { "1", 1 }, { "2", 2 }, { "3", 3 },
};

static int read_priority(struct reader *r, const yaml_node_t *map, unsigned char *sev)
{
	yaml_node_t *v = map_get(r, map, "priority");
	const char *s = scalar(v);

	if (!v)
		return fail_node(r, map, "missing 'priority' (EMERGENCY .. DEBUG, or 0-3)");
	for (size_t i = 0; s && i < sizeof(priorities) / sizeof(priorities[0]); i++)
		if (!strcasecmp(s, priorities[i].name)) {
			*sev = priorities[i].severity;
			return 0;
		}
	return fail_node(r, v, "unknown priority '%s' (EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, "
			 "NOTICE, INFORMATIONAL, DEBUG, or 0-3)", s ? s : "?");
}

static int read_bool(struct reader *r, const yaml_node_t *map, const char *key, bool *out)
{
	yaml_node_t *v = map_get(r, map, key);
	const char *s = scalar(v);

	if (!v)
		return 0;
	if (s && (!strcmp(s, "true") || !strcmp(s, "false"))) {
		*out = s[0] == 't';
		return 0;
	}
	return fail_node(r, v, "'%s' is true or false", key);
}

/* tags: [a, b] -> "a,b" */
static int read_tags(struct reader *r, const yaml_node_t *map, char **out)
{
	yaml_node_t *v = map_get(r, map, "tags");
	struct text t = { 0 };

	*out = NULL;
	if (!v)
		return (*out = strdup("")) ? 0 : -ENOMEM;
	if (v->type != YAML_SEQUENCE_NODE)
		return fail_node(r, v, "tags is a list: [a, b]");
	for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
		const char *s = scalar(node(r, *i));

		if (!s || strchr(s, ',')) {
			free(t.s);
			return fail_node(r, node(r, *i), "a tag is a plain value without commas");
		}
		if (t.len)
			text_puts(&t, ",");
		text_puts(&t, s);
	}
	if (!t.s)
		text_puts(&t, "");
	*out = t.s;
	return t.oom ? -ENOMEM : 0;
}

/* The condition with its exceptions: "(COND)\n and not (EXC or EXC)";
 * *shift is where COND starts in it. */
static int full_condition(struct reader *r, const yaml_node_t *map, const char *cond, struct text *t,
			  size_t *shift)
{
	yaml_node_t *ex = map_get(r, map, "exceptions");
	struct text e = { 0 };
	int err = 0;

	*shift = 0;
	if (ex && ex->type != YAML_SEQUENCE_NODE)
		return fail_node(r, ex, "exceptions is a list");
	for (yaml_node_item_t *i = ex ? ex->data.sequence.items.start : NULL;
	     ex && i < ex->data.sequence.items.top && !err; i++)
		err = exception_text(r, node(r, *i), &e);
	if (!err && e.len) {
		*shift = 1;
		text_puts(t, "(");
		text_puts(t, cond);
		text_puts(t, ")\n and not (");
		text_puts(t, e.s);
		text_puts(t, ")");
	} else if (!err) {
		text_puts(t, cond);
	}
	free(e.s);
	return err ? err : t->oom ? -ENOMEM : 0;
}

/* "a,b,c" of the events a condition names. */
static char *event_names(const bool *events)
{
	struct text t = { 0 };

	for (int id = 0; id < TRACEE_MAX_EVENTS; id++) {
		const struct event_def *d = events[id] ? events_by_id(id) : NULL;

		if (!d)
			continue;
		if (t.len)
			text_puts(&t, ",");
		text_puts(&t, d->name);
	}
	return t.s;
}

static void rule_on_event(struct sig_ctx *c, const void *data, void *state, int id, const struct event *ev)
{
	const struct rule *rule = data;
	char out[OUTPUT_MAX];
	struct event_arg arg;

	if (!rule_expr_eval(rule->expr, c, ev))
		return;
	if (!rule->output) {
		sig_raise(c, id, ev);
		return;
	}
	arg = (struct event_arg){ .kind = ARG_STR, .data = out };
	arg.len = (uint32_t)rule_output_render(rule->output, c, ev, out, sizeof(out));
	c->emit(c, id, ev, &arg, 1);
}

static void rule_free(struct rule *rule)
{
	rule_expr_free(rule->expr);
	free(rule->output);
	for (size_t i = 0; i < sizeof(rule->strings) / sizeof(rule->strings[0]); i++)
		free(rule->strings[i]);
}

static const struct event_def *builtin_row(const char *name)
{
	const struct event_def *d = events_by_name(name);

	return d && d->id >= TRACEE_DETECTION_BASE && d->id < TRACEE_RULE_BASE ? d : NULL;
}

/* A user rule's row: its metadata from the rule's keys. */
static int user_row(struct reader *r, const yaml_node_t *map, struct rule *rule, const char *name,
		    const bool *events)
{
	static const struct arg_def output_arg = { "const char*", "output", ARG_STR, FMT_DEFAULT };
	const char *desc, *opt;
	int err;

	if ((err = need_scalar(r, map, "desc", &desc)) || (err = read_priority(r, map, &rule->sig.severity)) ||
	    (err = read_tags(r, map, &rule->strings[0])))
		return err;
	rule->strings[1] = strdup(desc);
	rule->strings[2] = strdup((opt = scalar(map_get(r, map, "id"))) ? opt : name);
	rule->strings[3] = strdup((opt = scalar(map_get(r, map, "mitre"))) ? opt : "");
	rule->strings[4] = strdup((opt = scalar(map_get(r, map, "technique"))) ? opt : "");
	rule->strings[5] = strdup((opt = scalar(map_get(r, map, "category"))) ? opt : "");
	rule->strings[7] = strdup(name);
	for (int i = 1; i < 8; i++)
		if (!rule->strings[i])
			return -ENOMEM;
	rule->sig.trc_id = rule->strings[2];
	rule->sig.title = rule->strings[7];
	rule->sig.description = rule->strings[1];
	rule->sig.mitre_id = rule->strings[3];
	rule->sig.technique = rule->strings[4];
	rule->sig.category = rule->strings[5];
	rule->sig.tags = rule->strings[0];
	rule->sig.events = rule->strings[6];
	rule->row.name = rule->strings[7];
	rule->row.argnum = 1;
	rule->row.args[0] = output_arg;
	return 0;
}

static int read_rule(struct reader *r, const yaml_node_t *map, struct rule *rule)
{
	static const char *const keys[] = { "rule", "desc", "condition", "output", "priority", "tags",
					     "enabled", "exceptions", "id", "mitre", "technique",
					     "category", NULL };
	struct rule_syms syms = { syms_list, syms_macro, r };
	bool events[TRACEE_MAX_EVENTS], enabled = true;
	const char *name, *cond, *output = NULL;
	yaml_node_t *cond_node;
	struct rule_error e;
	struct text full = { 0 };
	size_t shift;
	int err;

	if ((err = check_keys(r, map, keys, "rule")) || (err = need_scalar(r, map, "rule", &name)) ||
	    (err = need_scalar(r, map, "condition", &cond)) || (err = read_bool(r, map, "enabled", &enabled)))
		return err;
	if (strchr(name, ','))
		return fail_node(r, map_get(r, map, "rule"), "a rule's name has no commas (it is an event name)");
	if (r->builtin && !builtin_row(name))
		return fail_node(r, map, "'%s' is not a built-in detection", name);
	if (!r->builtin && events_by_name(name))
		return fail_node(r, map_get(r, map, "rule"), "'%s' is already an event or detection name", name);
	if (!r->builtin && (err = need_scalar(r, map, "output", &output)))
		return err;
	cond_node = map_get(r, map, "condition");
	if ((err = full_condition(r, map, cond, &full, &shift))) {
		free(full.s);
		return err;
	}
	rule->expr = rule_expr_compile(full.s, &syms, events, &e);
	free(full.s);
	if (!rule->expr) {
		if (shift && e.offset >= strlen(cond) + shift)
			return fail_node(r, map_get(r, map, "exceptions"), "in exceptions: %s", e.msg);
		return fail_mark(r, mark_at(r, cond_node, e.offset >= shift ? e.offset - shift : 0), "%s", e.msg);
	}
	if (!(rule->strings[6] = event_names(events)))
		return -ENOMEM;
	if (output && !rule_output_check(output, &e))
		return fail_mark(r, mark_at(r, map_get(r, map, "output"), e.offset), "%s", e.msg);
	if (output && !(rule->output = strdup(output)))
		return -ENOMEM;
	if (!r->builtin && (err = user_row(r, map, rule, name, events)))
		return err;
	rule->row.sets = enabled ? "rules" : "";
	rule->row.sig = &rule->sig;
	rule->impl = (struct sig_impl){ .name = r->builtin ? builtin_row(name)->name : rule->row.name,
					.on_event = rule_on_event, .data = rule };
	return 0;
}

/* --- files ------------------------------------------------------------------------------ */

static int kind_of(struct reader *r, const yaml_node_t *item, const char **kind)
{
	static const char *const kinds[] = { "rule", "macro", "list" };

	if (item->type != YAML_MAPPING_NODE)
		return fail_node(r, item, "each item is a mapping with a rule, macro or list key");
	for (size_t i = 0; i < 3; i++)
		if (map_get(r, item, kinds[i])) {
			*kind = kinds[i];
			return 0;
		}
	if (map_get(r, item, "required_engine_version")) {
		*kind = "ignore";
		return 0;
	}
	return fail_node(r, item, "an item needs a 'rule', 'macro' or 'list' key");
}

/* Pass 1: lists and macros; pass 2: rules. */
static int read_items(struct reader *r, const yaml_node_t *root, struct rule_set *set)
{
	const char *kind = NULL;
	int err;

	for (int pass = 0; pass < 2; pass++)
		for (yaml_node_item_t *i = root->data.sequence.items.start; i < root->data.sequence.items.top; i++) {
			yaml_node_t *item = node(r, *i);

			if ((err = kind_of(r, item, &kind)))
				return err;
			if (pass == 0 && !strcmp(kind, "list"))
				err = read_list(r, item);
			else if (pass == 0 && !strcmp(kind, "macro"))
				err = read_macro(r, item);
			else if (pass == 1 && !strcmp(kind, "rule"))
				err = read_rule(r, item, &set->rules[set->n++]);
			if (err)
				return err;
		}
	return 0;
}

static int parse_document(struct reader *r, const char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_node_t *root;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &r->doc)) {
		err = fail_mark(r, parser.problem_mark, "%s%s%s", parser.problem ? parser.problem : "bad YAML",
				parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		memset(&r->doc, 0, sizeof(r->doc));
		return err;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&r->doc);
	if (!root)
		return fail_mark(r, (yaml_mark_t){ 0 }, "the file is empty: expected a list of rules, macros and lists");
	if (root->type != YAML_SEQUENCE_NODE)
		return fail_node(r, root, "expected a list of rules, macros and lists (items starting with '- ')");
	return 0;
}

static void set_free(struct rule_set *set)
{
	for (size_t i = 0; set && i < set->n; i++)
		rule_free(&set->rules[i]);
	if (set)
		free(set->rules);
	free(set);
}

/* Hand the user rules their ids and rows. */
static int add_rows(struct rule_set *set)
{
	size_t i;
	int err;

	if (set->n > (size_t)(TRACEE_MAX_EVENTS - TRACEE_RULE_BASE) - user_rules)
		return -ENOSPC;
	for (i = 0; i < set->n; i++)
		set->rules[i].row.id = TRACEE_RULE_BASE + (int)(user_rules + i);
	/* rows are added one by one: they sit inside the rules */
	for (i = 0; i < set->n; i++)
		if ((err = events_add_rows(&set->rules[i].row, 1)))
			return err;
	user_rules += (unsigned)set->n;
	return 0;
}

int rules_load_buffer(const char *name, const char *data, size_t len, bool builtin, char *err, size_t errlen)
{
	struct reader r = { .name = name, .src = data, .len = len, .builtin = builtin, .err = err,
			    .errlen = errlen };
	yaml_node_t *root;
	struct rule_set *set = calloc(1, sizeof(*set));
	int rc;

	if (!set)
		return -ENOMEM;
	set->builtin = builtin;
	rc = parse_document(&r, data, len);
	if (!rc) {
		root = yaml_document_get_root_node(&r.doc);
		set->rules = calloc((size_t)(root->data.sequence.items.top - root->data.sequence.items.start) + 1,
				    sizeof(*set->rules));
		rc = set->rules ? read_items(&r, root, set) : -ENOMEM;
	}
	if (!rc && !builtin && (rc = add_rows(set)) == -ENOSPC)
		snprintf(err, errlen, "%s: more rules than tracee has detection ids for (%d)", name,
			 TRACEE_MAX_EVENTS - TRACEE_RULE_BASE);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", name);
	reader_free(&r);
	if (rc) {
		set_free(set);
		return rc;
	}
	set->next = loaded;
	loaded = set;
	return 0;
}

int rules_load_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *data;
	size_t n;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: cannot read the rule file: %s", path, strerror(errno));
		return -errno;
	}
	data = malloc(FILE_MAX);
	n = data ? fread(data, 1, FILE_MAX, f) : 0;
	if (data && n == FILE_MAX) {
		fclose(f);
		free(data);
		snprintf(err, errlen, "%s: larger than %d MiB: not a rule file?", path, FILE_MAX >> 20);
		return -EFBIG;
	}
	fclose(f);
	if (!data)
		return -ENOMEM;
	rc = rules_load_buffer(path, data, n, false, err, errlen);
	free(data);
	return rc;
}

/* The embedded rules, read once; a mistake in them is tracee's bug. */
static void load_embedded(void)
{
	char err[512];

	embedded_tried = true;
	for (size_t i = 0; i < tracee_embedded_rules_len; i++)
		if (rules_load_buffer(tracee_embedded_rules[i].name, (const char *)tracee_embedded_rules[i].data,
				      tracee_embedded_rules[i].len, true, err, sizeof(err)))
			fprintf(stderr, "tracee: the built-in rules do not compile: %s\n", err);
}

const struct sig_impl *rules_impl_by_name(const char *name)
{
	if (!embedded_tried)
		load_embedded();
	for (struct rule_set *s = loaded; s; s = s->next)
		for (size_t i = 0; i < s->n; i++)
			if (!strcmp(s->rules[i].impl.name, name))
				return &s->rules[i].impl;
	return NULL;
}

const char *rules_events_of(const char *name)
{
	const struct sig_impl *impl = rules_impl_by_name(name);

	return impl && impl->on_event == rule_on_event ? ((const struct rule *)impl->data)->strings[6] : NULL;
}

void rules_unload_all(void)
{
	while (loaded) {
		struct rule_set *next = loaded->next;

		set_free(loaded);
		loaded = next;
	}
	embedded_tried = false;
	user_rules = 0;
	events_clear_added_rows();
}
