/* rule_cond.c - rule conditions: tokens -> a tree (recursive descent, macros
 * and lists expanded while parsing) -> constants bound to the arguments of
 * the events the condition names -> evaluation over one struct event, with
 * no allocation. The language is described in rule_cond.h. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "argfmt.h"
#include "rule_cond.h"

#define MACRO_DEPTH 16
#define TEXT_MAX 4096

/* --- fields --------------------------------------------------------------------- */

enum field_id {
	FLD_EVT_NAME, FLD_EVT_ID, FLD_EVT_RETVAL, FLD_PROC_NAME, FLD_PROC_PID, FLD_PROC_TID,
	FLD_PROC_PPID, FLD_PROC_HOSTPID, FLD_USER_UID, FLD_CONTAINER_ID, FLD_CONTAINER,
	FLD_ARG, FLD_ARG_BASE, FLD_FILE_ELF,
};

static const struct {
	const char *name;
	enum field_id id;
} fixed_fields[] = {
	{ "evt.name", FLD_EVT_NAME }, { "evt.id", FLD_EVT_ID }, { "evt.retval", FLD_EVT_RETVAL },
	{ "proc.name", FLD_PROC_NAME }, { "proc.pid", FLD_PROC_PID }, { "proc.tid", FLD_PROC_TID },
	{ "proc.ppid", FLD_PROC_PPID }, { "proc.hostpid", FLD_PROC_HOSTPID },
	{ "user.uid", FLD_USER_UID }, { "container.id", FLD_CONTAINER_ID },
	{ "container", FLD_CONTAINER }, { "file.elf", FLD_FILE_ELF },
};

struct field {
	enum field_id id;
	char arg[32];           /* FLD_ARG, FLD_ARG_BASE */
};

static bool field_parse(const char *s, size_t n, struct field *f)
{
	for (size_t i = 0; i < sizeof(fixed_fields) / sizeof(fixed_fields[0]); i++)
		if (strlen(fixed_fields[i].name) == n && !strncmp(fixed_fields[i].name, s, n)) {
			f->id = fixed_fields[i].id;
			return true;
		}
	if (n <= 4 || strncmp(s, "arg.", 4))
		return false;
	s += 4;
	n -= 4;
	f->id = FLD_ARG;
	if (n > 5 && !strncmp(s + n - 5, ".base", 5)) {
		f->id = FLD_ARG_BASE;
		n -= 5;
	}
	if (n == 0 || n >= sizeof(f->arg))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	memcpy(f->arg, s, n);
	f->arg[n] = '\0';
	return true;
}

/* A field's value in one event. */
struct fval {
	enum { V_NONE, V_NUM, V_STR, V_STRS } t;
	int64_t num;
	const char *s;
	size_t len;
	const struct event_arg *arr;    /* V_STRS */
};

struct scratch {
	char comm[TRACEE_COMM_LEN + 1];
};

static struct fval num_val(int64_t v)
{
	return (struct fval){ .t = V_NUM, .num = v };
}

static struct fval str_val(const char *s, size_t len)
{
	return (struct fval){ .t = V_STR, .s = s, .len = len };
}

static struct fval arg_val(const struct event *ev, const char *name, bool base)
{
	const struct event_arg *a = sig_arg(ev, name);

	if (!a)
		return (struct fval){ .t = V_NONE };
	switch (a->kind) {
	case ARG_STR: {
		const char *s = a->data, *slash;
		size_t len = a->len;

		if (base && (slash = memrchr(s, '/', len))) {
			len -= (size_t)(slash + 1 - s);
			s = slash + 1;
		}
		return str_val(s, len);
	}
	case ARG_STR_ARRAY:
		return (struct fval){ .t = V_STRS, .arr = a };
	case ARG_INT: case ARG_UINT: case ARG_LONG: case ARG_ULONG: case ARG_PTR:
		return num_val(a->kind == ARG_UINT ? (int64_t)(uint32_t)a->num : a->num);
	default:
		return (struct fval){ .t = V_NONE };
	}
}

static bool magic_elf(const struct event *ev)
{
	const struct event_arg *b = sig_arg(ev, "bytes");

	return b && b->kind == ARG_BYTES && b->len >= 4 && !memcmp(b->data, "\177ELF", 4);
}

static struct fval field_value(const struct field *f, const struct sig_ctx *c, const struct event *ev,
			       struct scratch *sc)
{
	const struct event_header *h = ev->hdr;

	switch (f->id) {
	case FLD_EVT_NAME:
		return str_val(ev->def->name, strlen(ev->def->name));
	case FLD_EVT_ID:
		return num_val(h->event_id);
	case FLD_EVT_RETVAL:
		return num_val(h->retval);
	case FLD_PROC_NAME:
		memcpy(sc->comm, h->comm, TRACEE_COMM_LEN);
		sc->comm[TRACEE_COMM_LEN] = '\0';
		return str_val(sc->comm, strlen(sc->comm));
	case FLD_PROC_PID:
		return num_val(h->pid);
	case FLD_PROC_TID:
		return num_val(h->tid);
	case FLD_PROC_PPID:
		return num_val(h->ppid);
	case FLD_PROC_HOSTPID:
		return num_val(h->host_pid);
	case FLD_USER_UID:
		return num_val(h->uid);
	case FLD_CONTAINER_ID:
		return ev->container_id ? str_val(ev->container_id, strlen(ev->container_id)) : str_val("", 0);
	case FLD_CONTAINER:
		return num_val(c && sig_in_container(c, ev));
	case FLD_ARG:
	case FLD_ARG_BASE:
		return arg_val(ev, f->arg, f->id == FLD_ARG_BASE);
	case FLD_FILE_ELF:
		return num_val(magic_elf(ev));
	}
	return (struct fval){ .t = V_NONE };
}

/* --- the tree ------------------------------------------------------------------- */

enum node_op { N_AND, N_OR, N_NOT, N_CMP };
enum cmp_op {
	C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE, C_IN, C_CONTAINS, C_STARTSWITH, C_ENDSWITH, C_GLOB,
	C_HAS, C_SET,
};

struct value {
	char *s;                /* NUL-terminated text */
	size_t len;
	bool has_num;
	bool accmode;           /* O_RDONLY / O_WRONLY / O_RDWR: the O_ACCMODE bits */
	int64_t num;
	bool is_field;          /* val(FIELD) */
	struct field field;
};

struct node {
	enum node_op op;
	struct node *a, *b;
	struct field field;     /* N_CMP */
	enum cmp_op cmp;
	struct value *vals;
	unsigned nvals;
	size_t pos;             /* where it starts, for errors */
};

struct rule_expr {
	struct node *root;
};

static void node_free(struct node *n)
{
	if (!n)
		return;
	node_free(n->a);
	node_free(n->b);
	for (unsigned i = 0; i < n->nvals; i++)
		free(n->vals[i].s);
	free(n->vals);
	free(n);
}

void rule_expr_free(struct rule_expr *e)
{
	if (e)
		node_free(e->root);
	free(e);
}

/* --- tokens --------------------------------------------------------------------- */

enum tok_kind { T_END, T_LPAREN, T_RPAREN, T_COMMA, T_OP, T_WORD, T_STRING };

struct token {
	enum tok_kind kind;
	size_t pos, len;        /* in the text */
	char *text;             /* T_WORD, T_STRING (unescaped), T_OP */
};

struct parser {
	const char *src;        /* the text being parsed (a macro's while inside one) */
	size_t pos;
	struct token tok;
	const struct rule_syms *syms;
	struct rule_error *err;
	size_t err_base;        /* inside a macro: where its name stands in the rule */
	int depth;
	bool failed;
};

static void fail_at(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail_at(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	p->err->offset = p->depth ? p->err_base : pos;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool ends_word(char c)
{
	return !c || is_space(c) || strchr("(),'\"=<>!", c);
}

/* A quoted string, its escapes undone. */
static char *lex_string(struct parser *p, size_t start)
{
	char q = p->src[p->pos++], *out = malloc(TEXT_MAX);
	size_t n = 0;

	if (!out) {
		fail_at(p, start, "out of memory");
		return NULL;
	}
	while (p->src[p->pos] && p->src[p->pos] != q) {
		char ch = p->src[p->pos++];

		if (ch == '\\' && p->src[p->pos])
			ch = p->src[p->pos++];
		if (n + 1 >= TEXT_MAX) {
			fail_at(p, start, "string longer than %d bytes", TEXT_MAX - 1);
			free(out);
			return NULL;
		}
		out[n++] = ch;
	}
	if (p->src[p->pos] != q) {
		fail_at(p, start, "unterminated string: add the closing %c", q);
		free(out);
		return NULL;
	}
	p->pos++;
	out[n] = '\0';
	return out;
}

static void next(struct parser *p)
{
	const char *s = p->src;
	size_t start;

	free(p->tok.text);
	p->tok = (struct token){ .kind = T_END };
	while (is_space(s[p->pos]))
		p->pos++;
	start = p->tok.pos = p->pos;
	if (!s[p->pos])
		return;
	if (strchr("(),", s[p->pos])) {
		p->tok.kind = s[p->pos] == '(' ? T_LPAREN : s[p->pos] == ')' ? T_RPAREN : T_COMMA;
		p->pos++;
	} else if (s[p->pos] == '\'' || s[p->pos] == '"') {
		p->tok.kind = T_STRING;
		p->tok.text = lex_string(p, start);
	} else if (strchr("=<>!", s[p->pos])) {
		p->tok.kind = T_OP;
		p->pos++;
		if (s[p->pos] == '=')
			p->pos++;
		p->tok.text = strndup(s + start, p->pos - start);
	} else {
		p->tok.kind = T_WORD;
		while (!ends_word(s[p->pos]))
			p->pos++;
		p->tok.text = strndup(s + start, p->pos - start);
	}
	p->tok.len = p->pos - start;
}

static bool tok_is_word(const struct parser *p, const char *w)
{
	return p->tok.kind == T_WORD && !strcmp(p->tok.text, w);
}

/* --- parsing ---------------------------------------------------------------------- */

static struct node *parse_or(struct parser *p);

static struct node *new_node(struct parser *p, enum node_op op, size_t pos)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		fail_at(p, pos, "out of memory");
	else {
		n->op = op;
		n->pos = pos;
	}
	return n;
}

static const struct {
	const char *word;
	enum cmp_op op;
} cmp_words[] = {
	{ "=", C_EQ }, { "==", C_EQ }, { "!=", C_NE }, { "<", C_LT }, { "<=", C_LE }, { ">", C_GT },
	{ ">=", C_GE }, { "in", C_IN }, { "contains", C_CONTAINS }, { "startswith", C_STARTSWITH },
	{ "endswith", C_ENDSWITH }, { "glob", C_GLOB }, { "has", C_HAS },
};

static bool cmp_of(const struct token *t, enum cmp_op *op)
{
	if (t->kind != T_OP && t->kind != T_WORD)
		return false;
	for (size_t i = 0; i < sizeof(cmp_words) / sizeof(cmp_words[0]); i++)
		if (!strcmp(cmp_words[i].word, t->text)) {
			*op = cmp_words[i].op;
			return true;
		}
	return false;
}

static bool add_value(struct parser *p, struct node *n, const char *text, size_t pos)
{
	struct value *v = realloc(n->vals, (n->nvals + 1) * sizeof(*v));

	if (!v) {
		fail_at(p, pos, "out of memory");
		return false;
	}
	n->vals = v;
	v = &n->vals[n->nvals++];
	memset(v, 0, sizeof(*v));
	v->s = strdup(text);
	v->len = strlen(text);
	if (!v->s) {
		fail_at(p, pos, "out of memory");
		return false;
	}
	return true;
}

/* val(FIELD) */
static bool parse_val_field(struct parser *p, struct node *n)
{
	size_t pos = p->tok.pos;
	struct value *v;

	next(p);
	if (p->tok.kind != T_LPAREN) {
		fail_at(p, p->tok.pos, "expected ( after val");
		return false;
	}
	next(p);
	if (p->tok.kind != T_WORD || !add_value(p, n, p->tok.text, p->tok.pos))
		return fail_at(p, p->tok.pos, "expected a field inside val()"), false;
	v = &n->vals[n->nvals - 1];
	if (!field_parse(p->tok.text, strlen(p->tok.text), &v->field))
		return fail_at(p, p->tok.pos, "unknown field '%s'", p->tok.text), false;
	v->is_field = true;
	next(p);
	if (p->tok.kind != T_RPAREN)
		return fail_at(p, pos, "expected ) to close val("), false;
	next(p);
	return true;
}

/* A bare value runs to a space, a parenthesis or a comma: LD_PRELOAD= and
 * a=b are one value (a field name before an operator stops at '='). */
static void extend_word(struct parser *p)
{
	size_t end = p->pos;

	while (p->src[end] && !is_space(p->src[end]) && !strchr("(),", p->src[end]))
		end++;
	if (end == p->pos)
		return;
	free(p->tok.text);
	p->pos = end;
	p->tok.len = end - p->tok.pos;
	p->tok.text = strndup(p->src + p->tok.pos, p->tok.len);
}

/* One value, or (in a list) a list name that adds its items. */
static bool parse_value(struct parser *p, struct node *n, bool in_list)
{
	const char *const *items;
	size_t count;

	if (p->failed)
		return false;
	if (p->tok.kind == T_WORD)
		extend_word(p);
	if (p->tok.kind == T_STRING)
		return add_value(p, n, p->tok.text, p->tok.pos) && (next(p), true);
	if (p->tok.kind != T_WORD) {
		fail_at(p, p->tok.pos, "expected a value");
		return false;
	}
	if (!strcmp(p->tok.text, "val") && p->src[p->pos] == '(')
		return parse_val_field(p, n);
	if (in_list && p->syms && p->syms->list &&
	    (items = p->syms->list(p->syms->ctx, p->tok.text, &count))) {
		for (size_t i = 0; i < count; i++)
			if (!add_value(p, n, items[i], p->tok.pos))
				return false;
		next(p);
		return true;
	}
	return add_value(p, n, p->tok.text, p->tok.pos) && (next(p), true);
}

static bool parse_list(struct parser *p, struct node *n)
{
	size_t pos = p->tok.pos;
	const char *const *items;
	size_t count;

	if (p->tok.kind == T_WORD && p->syms && p->syms->list &&
	    (items = p->syms->list(p->syms->ctx, p->tok.text, &count))) {
		for (size_t i = 0; i < count; i++)
			if (!add_value(p, n, items[i], pos))
				return false;
		next(p);
		return true;
	}
	if (p->tok.kind != T_LPAREN) {
		fail_at(p, pos, "expected ( or a list name after in");
		return false;
	}
	next(p);
	while (p->tok.kind != T_RPAREN) {
		if (!parse_value(p, n, true))
			return false;
		if (p->tok.kind == T_COMMA)
			next(p);
		else if (p->tok.kind != T_RPAREN)
			return fail_at(p, p->tok.pos, "expected , or ) in the list"), false;
	}
	next(p);
	return true;
}

static struct node *parse_macro(struct parser *p, const char *name, const char *text, size_t pos)
{
	struct parser sub = { .src = text, .syms = p->syms, .err = p->err, .depth = p->depth + 1,
			      .err_base = p->depth ? p->err_base : pos };
	struct node *n;

	if (sub.depth > MACRO_DEPTH) {
		fail_at(p, pos, "macros nest deeper than %d: does one refer to itself?", MACRO_DEPTH);
		return NULL;
	}
	next(&sub);
	n = parse_or(&sub);
	if (!sub.failed && sub.tok.kind != T_END)
		fail_at(&sub, sub.tok.pos, "unexpected '%.*s'", (int)sub.tok.len, text + sub.tok.pos);
	free(sub.tok.text);
	if (sub.failed) {
		char inner[sizeof(p->err->msg)];

		memcpy(inner, p->err->msg, sizeof(inner));
		if (strncmp(inner, "in macro ", 9))     /* the innermost macro names the place */
			snprintf(p->err->msg, sizeof(p->err->msg), "in macro %.60s: %.180s", name, inner);
		p->err->offset = p->depth ? p->err_base : pos;
		p->failed = true;
		node_free(n);
		return NULL;
	}
	next(p);
	return n;
}

static struct node *parse_primary(struct parser *p)
{
	size_t pos = p->tok.pos;
	const char *macro;
	struct node *n;

	if (p->failed)
		return NULL;
	if (p->tok.kind == T_LPAREN) {
		next(p);
		n = parse_or(p);
		if (!p->failed && p->tok.kind != T_RPAREN)
			fail_at(p, pos, "unbalanced (: add the closing )");
		next(p);
		return n;
	}
	if (p->tok.kind != T_WORD) {
		fail_at(p, pos, p->tok.kind == T_END ? "condition ends too early" : "expected a field, a macro or (");
		return NULL;
	}
	if (p->syms && p->syms->macro && (macro = p->syms->macro(p->syms->ctx, p->tok.text))) {
		char name[128];

		snprintf(name, sizeof(name), "%s", p->tok.text);
		return parse_macro(p, name, macro, pos);
	}
	if (!(n = new_node(p, N_CMP, pos)))
		return NULL;
	if (!field_parse(p->tok.text, strlen(p->tok.text), &n->field)) {
		fail_at(p, pos, "unknown field or macro '%s'", p->tok.text);
		node_free(n);
		return NULL;
	}
	next(p);
	if (!cmp_of(&p->tok, &n->cmp)) {
		n->cmp = C_SET;         /* a field alone: is it set? */
		return n;
	}
	next(p);
	/* any comparison takes a list: it holds when it holds for one item */
	if (n->cmp == C_IN || p->tok.kind == T_LPAREN ? !parse_list(p, n) : !parse_value(p, n, false)) {
		node_free(n);
		return NULL;
	}
	return n;
}

static struct node *parse_not(struct parser *p)
{
	size_t pos = p->tok.pos;
	struct node *n;

	if (!tok_is_word(p, "not"))
		return parse_primary(p);
	next(p);
	if (!(n = new_node(p, N_NOT, pos)))
		return NULL;
	n->a = parse_not(p);
	return n;
}

static struct node *parse_binary(struct parser *p, const char *word, enum node_op op,
				 struct node *(*sub)(struct parser *))
{
	struct node *left = sub(p);

	while (!p->failed && tok_is_word(p, word)) {
		struct node *n = new_node(p, op, p->tok.pos);

		next(p);
		if (!n)
			break;
		n->a = left;
		n->b = sub(p);
		left = n;
	}
	return left;
}

static struct node *parse_and(struct parser *p)
{
	return parse_binary(p, "and", N_AND, parse_not);
}

static struct node *parse_or(struct parser *p)
{
	return parse_binary(p, "or", N_OR, parse_and);
}

/* --- which events, and binding values to them -------------------------------------- */

/* Is the subtree limited to some events (set filled), or could it hold for
 * any event? */
static bool node_events(const struct node *n, bool *set)
{
	bool *other;
	bool ra, rb;

	switch (n->op) {
	case N_CMP:
		if (n->field.id != FLD_EVT_NAME || (n->cmp != C_EQ && n->cmp != C_IN))
			return false;
		for (unsigned i = 0; i < n->nvals; i++)
			if (n->vals[i].has_num)
				set[n->vals[i].num] = true;
		return true;
	case N_AND:
	case N_OR:
		if (!(other = calloc(TRACEE_MAX_EVENTS, sizeof(bool))))
			return false;
		ra = node_events(n->a, set);
		rb = node_events(n->b, other);
		for (int id = 0; id < TRACEE_MAX_EVENTS; id++) {
			if (n->op == N_OR)
				set[id] = set[id] || other[id];
			else if (ra && rb)
				set[id] = set[id] && other[id];
			else if (rb)
				set[id] = other[id];
		}
		free(other);
		return n->op == N_OR ? ra && rb : ra || rb;
	default:
		return false;
	}
}

/* The definition of argument name in one of the events; with a constant
 * name, the first whose format knows it (*v gets its value). */
static const struct arg_def *arg_def_in(const bool *events, const char *name, const char *constant,
					uint64_t *v)
{
	const struct arg_def *first = NULL;

	for (int id = 0; id < TRACEE_MAX_EVENTS; id++) {
		const struct event_def *d = events[id] ? events_by_id(id) : NULL;

		for (int i = 0; d && i < d->argnum; i++) {
			if (strcmp(d->args[i].name, name))
				continue;
			if (!constant || argfmt_name_value(d->args[i].fmt, constant, v))
				return &d->args[i];
			if (!first)
				first = &d->args[i];
		}
	}
	return first;
}

static bool parse_number(const char *s, int64_t *v)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return !*end && !errno;
}

static bool field_is_num(enum field_id id)
{
	return id == FLD_EVT_ID || id == FLD_EVT_RETVAL || id == FLD_PROC_PID || id == FLD_PROC_TID ||
	       id == FLD_PROC_PPID || id == FLD_PROC_HOSTPID || id == FLD_USER_UID ||
	       id == FLD_CONTAINER || id == FLD_FILE_ELF;
}

/* evt.name's values become event ids; it compares by =, != and in only. */
static bool bind_event_names(struct node *n, struct parser *p)
{
	if (n->op != N_CMP)
		return (!n->a || bind_event_names(n->a, p)) && (!n->b || bind_event_names(n->b, p));
	if (n->field.id != FLD_EVT_NAME)
		return true;
	if (n->cmp != C_EQ && n->cmp != C_NE && n->cmp != C_IN) {
		fail_at(p, n->pos, "evt.name compares with =, != or in only");
		return false;
	}
	for (unsigned i = 0; i < n->nvals; i++) {
		struct value *v = &n->vals[i];
		const struct event_def *d = v->is_field ? NULL : events_by_name(v->s);

		if (!d || event_is_detection(d)) {
			fail_at(p, n->pos, "unknown event '%s' (see tracee --list)", v->s);
			return false;
		}
		v->has_num = true;
		v->num = d->id;
	}
	return true;
}

/* Give each other value its number where it has one: a number, or a
 * constant name of the argument's format. */
static bool bind_values(struct node *n, const bool *events, struct parser *p);

/* The events each side of an and can see are those the other side allows. */
static bool bind_and(struct node *n, const bool *events, struct parser *p)
{
	bool *sa = calloc(TRACEE_MAX_EVENTS, sizeof(bool)), *sb = calloc(TRACEE_MAX_EVENTS, sizeof(bool));
	bool ok = false, ra, rb;

	if (sa && sb) {
		ra = node_events(n->a, sa);
		rb = node_events(n->b, sb);
		for (int id = 0; id < TRACEE_MAX_EVENTS; id++) {
			bool a = events[id] && (!rb || sb[id]), b = events[id] && (!ra || sa[id]);

			sa[id] = a;
			sb[id] = b;
		}
		ok = bind_values(n->a, sa, p) && bind_values(n->b, sb, p);
	} else {
		fail_at(p, n->pos, "out of memory");
	}
	free(sa);
	free(sb);
	return ok;
}

static bool bind_values(struct node *n, const bool *events, struct parser *p)
{
	const struct arg_def *def = NULL;

	if (n->op == N_AND)
		return bind_and(n, events, p);
	if (n->op != N_CMP)
		return (!n->a || bind_values(n->a, events, p)) && (!n->b || bind_values(n->b, events, p));
	if (n->field.id == FLD_ARG || n->field.id == FLD_ARG_BASE) {
		if (!(def = arg_def_in(events, n->field.arg, NULL, NULL))) {
			fail_at(p, n->pos, "no event of this condition has an argument '%s'", n->field.arg);
			return false;
		}
	}
	for (unsigned i = 0; i < n->nvals; i++) {
		struct value *v = &n->vals[i];
		const struct arg_def *named;
		uint64_t u;

		if (v->is_field || n->field.id == FLD_EVT_NAME)
			continue;
		if (parse_number(v->s, &v->num)) {
			v->has_num = true;
		} else if (def && (named = arg_def_in(events, n->field.arg, v->s, &u)) &&
			   argfmt_name_value(named->fmt, v->s, &u)) {
			def = named;
			v->has_num = true;
			v->num = (int64_t)u;
			v->accmode = def->fmt == FMT_OPEN_FLAGS &&
				     (!strcmp(v->s, "O_RDONLY") || !strcmp(v->s, "O_WRONLY") || !strcmp(v->s, "O_RDWR"));
		} else if (def && def->kind != ARG_STR && def->kind != ARG_STR_ARRAY) {
			fail_at(p, n->pos, "'%s' is neither a number nor a name %s takes", v->s, def->name);
			return false;
		}
	}
	if (field_is_num(n->field.id)) {
		for (unsigned i = 0; i < n->nvals; i++)
			if (!n->vals[i].is_field && !n->vals[i].has_num) {
				fail_at(p, n->pos, "'%s' is not a number", n->vals[i].s);
				return false;
			}
	} else if (!def && n->cmp >= C_LT && n->cmp <= C_GE) {
		fail_at(p, n->pos, "<, <=, > and >= compare numbers; this field is text");
		return false;
	}
	if (n->cmp == C_HAS && (n->nvals != 1 || !n->vals[0].has_num)) {
		fail_at(p, n->pos, "has takes one flag name or number");
		return false;
	}
	return true;
}

struct rule_expr *rule_expr_compile(const char *text, const struct rule_syms *syms, bool *events,
				    struct rule_error *err)
{
	struct parser p = { .src = text, .syms = syms, .err = err };
	struct rule_expr *e = NULL;
	struct node *root;

	memset(err, 0, sizeof(*err));
	memset(events, 0, TRACEE_MAX_EVENTS * sizeof(bool));
	next(&p);
	root = parse_or(&p);
	if (!p.failed && p.tok.kind != T_END)
		fail_at(&p, p.tok.pos, "unexpected '%.*s' (missing and/or?)", (int)p.tok.len, text + p.tok.pos);
	free(p.tok.text);
	/* evt.name values first: the events decide what argument names mean */
	if (!p.failed)
		bind_event_names(root, &p);
	if (!p.failed && !node_events(root, events))
		fail_at(&p, 0, "the condition does not name its events in every branch "
			"(evt.name = NAME or evt.name in (...)): it would run on every event");
	if (!p.failed)
		bind_values(root, events, &p);
	if (p.failed || !(e = calloc(1, sizeof(*e)))) {
		if (!p.failed)
			snprintf(err->msg, sizeof(err->msg), "out of memory");
		node_free(root);
		return NULL;
	}
	e->root = root;
	return e;
}

/* --- evaluation ------------------------------------------------------------------- */

static bool str_cmp1(enum cmp_op op, const char *s, size_t len, const struct value *v)
{
	switch (op) {
	case C_EQ:
	case C_IN:
		return len == v->len && !memcmp(s, v->s, len);
	case C_NE:
		return !(len == v->len && !memcmp(s, v->s, len));
	case C_CONTAINS:
		return v->len <= len && memmem(s, len, v->s, v->len);
	case C_STARTSWITH:
		return v->len <= len && !memcmp(s, v->s, v->len);
	case C_ENDSWITH:
		return v->len <= len && !memcmp(s + len - v->len, v->s, v->len);
	case C_GLOB:
		return sig_glob_n(v->s, s, len);
	default:
		return false;
	}
}

static bool num_cmp1(enum cmp_op op, int64_t x, const struct value *v, int64_t y)
{
	switch (op) {
	case C_EQ: case C_IN: return x == y;
	case C_NE: return x != y;
	case C_LT: return x < y;
	case C_LE: return x <= y;
	case C_GT: return x > y;
	case C_GE: return x >= y;
	case C_HAS:
		return v->accmode ? (x & 3) == y : (x & y) == y;
	default: return false;
	}
}

/* One value against a string: a number-only value never equals a string. */
static bool str_cmp(enum cmp_op op, const char *s, size_t len, const struct value *v,
		    const struct fval *rhs)
{
	if (rhs) {
		struct value tmp = { .s = (char *)rhs->s, .len = rhs->len };

		return rhs->t == V_STR && str_cmp1(op, s, len, &tmp);
	}
	return str_cmp1(op, s, len, v);
}

static bool value_holds(enum cmp_op op, const struct fval *x, const struct value *v,
			const struct fval *rhs)
{
	uint32_t pos = 0, len;
	const char *s;

	switch (x->t) {
	case V_NUM:
		if (rhs)
			return rhs->t == V_NUM && num_cmp1(op, x->num, v, rhs->num);
		return v->has_num && num_cmp1(op, x->num, v, v->num);
	case V_STR:
		return str_cmp(op, x->s, x->len, v, rhs);
	case V_STRS:
		if (op == C_NE) {
			while ((s = event_arg_str_next(x->arr, &pos, &len)))
				if (str_cmp(C_EQ, s, len, v, rhs))
					return false;
			return true;
		}
		while ((s = event_arg_str_next(x->arr, &pos, &len)))
			if (str_cmp(op, s, len, v, rhs))
				return true;
		return false;
	default:
		return false;
	}
}

static bool cmp_eval(const struct node *n, const struct sig_ctx *c, const struct event *ev,
		     struct scratch *sc)
{
	struct fval x = field_value(&n->field, c, ev, sc), rhs;

	if (n->field.id == FLD_EVT_NAME) {      /* by id, not by text */
		x = num_val(ev->hdr->event_id);
	}
	if (x.t == V_NONE)
		return false;
	if (n->cmp == C_SET)
		return x.t == V_NUM ? x.num != 0 : x.t == V_STR ? x.len > 0 : x.arr->count > 0;
	for (unsigned i = 0; i < n->nvals; i++) {
		const struct value *v = &n->vals[i];
		bool held;

		if (v->is_field) {
			struct scratch sc2;

			rhs = field_value(&v->field, c, ev, &sc2);
			held = value_holds(n->cmp, &x, v, &rhs);
		} else {
			held = value_holds(n->cmp, &x, v, NULL);
		}
		if (held)
			return true;
	}
	return false;
}

static bool node_eval(const struct node *n, const struct sig_ctx *c, const struct event *ev,
		      struct scratch *sc)
{
	switch (n->op) {
	case N_AND:
		return node_eval(n->a, c, ev, sc) && node_eval(n->b, c, ev, sc);
	case N_OR:
		return node_eval(n->a, c, ev, sc) || node_eval(n->b, c, ev, sc);
	case N_NOT:
		return !node_eval(n->a, c, ev, sc);
	case N_CMP:
		return cmp_eval(n, c, ev, sc);
	}
	return false;
}

bool rule_expr_eval(const struct rule_expr *e, const struct sig_ctx *c, const struct event *ev)
{
	struct scratch sc;

	return e && ev->def && node_eval(e->root, c, ev, &sc);
}

/* --- output templates -------------------------------------------------------------- */

/* The field named at s ("%proc.name ..."): its length, 0 if none. */
static size_t field_len(const char *s)
{
	size_t n = 0;

	while (s[n] && (s[n] == '.' || s[n] == '_' || (s[n] >= 'a' && s[n] <= 'z') ||
			(s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9')))
		n++;
	while (n && s[n - 1] == '.')    /* a sentence's full stop is not part of it */
		n--;
	return n;
}

bool rule_output_check(const char *tmpl, struct rule_error *err)
{
	struct field f;

	for (const char *p = tmpl; (p = strchr(p, '%')); p++) {
		size_t n = field_len(p + 1);

		if (n && !field_parse(p + 1, n, &f)) {
			err->offset = (size_t)(p - tmpl);
			snprintf(err->msg, sizeof(err->msg), "unknown field '%%%.*s' in output", (int)n, p + 1);
			return false;
		}
	}
	return true;
}

size_t rule_output_render(const char *tmpl, const struct sig_ctx *c, const struct event *ev,
			  char *buf, size_t size)
{
	size_t o = 0;

	if (!size)
		return 0;
	for (const char *p = tmpl; *p && o + 1 < size; ) {
		struct scratch sc;
		struct field f;
		struct fval v;
		size_t n;

		if (*p != '%' || !(n = field_len(p + 1)) || !field_parse(p + 1, n, &f)) {
			buf[o++] = *p++;
			continue;
		}
		p += 1 + n;
		v = field_value(&f, c, ev, &sc);
		if (v.t == V_NUM)
			o += (size_t)snprintf(buf + o, size - o, "%lld", (long long)v.num);
		else if (v.t == V_STR)
			o += (size_t)snprintf(buf + o, size - o, "%.*s", (int)v.len, v.s);
		else
			o += (size_t)snprintf(buf + o, size - o, "<NA>");
		if (o >= size)
			o = size - 1;
	}
	buf[o] = '\0';
	return o;
}
