/* vmlinux.c - the vmlinux.h of a CO-RE build, generated in memory from the
 * running kernel's BTF with libbpf's btf_dump.
 *
 * Only the types the eBPF sources can name are written: every struct or
 * union tracee's sources spell "struct X" or "union X", every typedef one of
 * their identifiers names, and every enum (libbpf's headers use BPF_*
 * constants, which BTF keeps in anonymous enums). btf_dump adds what those
 * types are made of and forward-declares what they only point to. The
 * structs libbpf's headers name (helper prototypes: sockets, skbs) are only
 * declared: nothing of ours looks inside them. The whole of the kernel's BTF
 * as C is about 3 MB, and parsing it was most of clang's time; the sources'
 * share is a small fraction. A type the sources name but the kernel lacks
 * is simply not there, as with the whole dump. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "bp_internal.h"

/* --- the names the sources use ---------------------------------------------- */

/* A sorted set of identifiers, each NUL-terminated in one buffer. */
struct names {
	char **v;
	size_t n, cap;
};

static int names_add(struct names *s, const char *id, size_t len)
{
	char *copy;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	if (!(copy = strndup(id, len)))
		return -ENOMEM;
	s->v[s->n++] = copy;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool names_has(const struct names *s, const char *name)
{
	return name && *name && bsearch(&name, s->v, s->n, sizeof(*s->v), cmp_str);
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static bool is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/* Every identifier of the text into words; the one after "struct" or
 * "union" also into tags. Comments and strings are scanned too: a name in
 * one at worst adds a type nobody uses. */
static int scan_names(const char *p, size_t len, struct names *words, struct names *tags)
{
	const char *end = p + len, *prev = NULL;
	size_t prev_len = 0;
	int err = 0;

	while (p < end && !err) {
		const char *id;

		if (!is_ident((unsigned char)*p) || isdigit((unsigned char)*p)) {
			while (p < end && is_ident((unsigned char)*p))  /* a number: skip it whole */
				p++;
			p += p < end;
			continue;
		}
		for (id = p; p < end && is_ident((unsigned char)*p); p++)
			;
		err = names_add(words, id, (size_t)(p - id));
		if (!err && prev && ((prev_len == 6 && !strncmp(prev, "struct", 6)) ||
				     (prev_len == 5 && !strncmp(prev, "union", 5))))
			err = names_add(tags, id, (size_t)(p - id));
		prev = id;
		prev_len = (size_t)(p - id);
	}
	return err;
}

/* tags: named by tracee's own sources; lib_tags: by libbpf's (bpf/...). */
static int source_names(struct names *words, struct names *tags, struct names *lib_tags)
{
	int err = 0;

	for (size_t i = 0; i < tracee_embedded_sources_len && !err; i++) {
		const struct embedded_file *f = &tracee_embedded_sources[i];

		err = scan_names((const char *)f->data, f->len, words,
				 strncmp(f->name, "bpf/", 4) ? tags : lib_tags);
	}
	qsort(words->v, words->n, sizeof(*words->v), cmp_str);
	qsort(tags->v, tags->n, sizeof(*tags->v), cmp_str);
	qsort(lib_tags->v, lib_tags->n, sizeof(*lib_tags->v), cmp_str);
	return err;
}

/* --- the text --------------------------------------------------------------- */

struct text {
	char *p;
	size_t len, cap;
	int err;
};

__attribute__((format(printf, 2, 0)))
static void text_vprintf(void *ctx, const char *fmt, va_list ap)
{
	struct text *t = ctx;
	va_list aq;
	int n;

	if (t->err)
		return;
	va_copy(aq, ap);
	n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, aq);
	va_end(aq);
	if (n < 0) {
		t->err = -EINVAL;
		return;
	}
	if ((size_t)n >= t->cap - t->len) {
		size_t cap = t->cap * 2;
		char *p;

		while (cap - t->len <= (size_t)n)
			cap *= 2;
		p = realloc(t->p, cap);
		if (!p) {
			t->err = -ENOMEM;
			return;
		}
		t->p = p;
		t->cap = cap;
		vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	}
	t->len += (size_t)n;
}

__attribute__((format(printf, 2, 3)))
static void text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vprintf(t, fmt, ap);
	va_end(ap);
}

/* --- the dump --------------------------------------------------------------- */

static bool wanted(const struct btf *btf, const struct btf_type *t, const struct names *words,
		   const struct names *tags)
{
	const char *name = btf__name_by_offset(btf, t->name_off);

	switch (btf_kind(t)) {
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return true;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return names_has(tags, name);
	case BTF_KIND_TYPEDEF:
		return names_has(words, name);
	default:
		return false;
	}
}

/* "struct X;" for the structs and unions only libbpf's headers name. */
static void declare_lib_types(const struct btf *btf, struct text *t, const struct names *lib_tags)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *type = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, type->name_off);

		if ((btf_is_struct(type) || btf_is_union(type)) && names_has(lib_tags, name))
			text_printf(t, "%s %s;\n", btf_is_union(type) ? "union" : "struct", name);
	}
	text_printf(t, "\n");
}

static int dump_types(struct btf *btf, struct text *t)
{
	struct names words = { 0 }, tags = { 0 }, lib_tags = { 0 };
	struct btf_dump *d;
	__u32 n = btf__type_cnt(btf);
	int err = source_names(&words, &tags, &lib_tags);

	if (err)
		goto out;
	declare_lib_types(btf, t, &lib_tags);
	d = btf_dump__new(btf, text_vprintf, t, NULL);
	if (!d) {
		err = errno ? -errno : -EINVAL;
		goto out;
	}
	for (__u32 id = 1; id < n && !err && !t->err; id++)
		if (wanted(btf, btf__type_by_id(btf, id), &words, &tags))
			err = btf_dump__dump_type(d, id);
	btf_dump__free(d);
out:
	names_free(&words);
	names_free(&tags);
	names_free(&lib_tags);
	return err;
}

int bp_vmlinux_h(const char *btf_path, char **out, size_t *out_len)
{
	struct text t = { .cap = 1u << 20 };
	struct btf *btf;
	int err;

	*out = NULL;
	*out_len = 0;
	btf = btf__parse(btf_path, NULL);
	if (!btf)
		return errno ? -errno : -EINVAL;
	t.p = malloc(t.cap);
	if (!t.p) {
		btf__free(btf);
		return -ENOMEM;
	}
	text_printf(&t, "/* vmlinux.h: generated by tracee from %s, the types its sources name */\n"
		    "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n"
		    "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
		    "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
		    "#endif\n\n", btf_path);
	err = dump_types(btf, &t);
	text_printf(&t, "\n#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n"
		    "#endif /* __VMLINUX_H__ */\n");
	btf__free(btf);
	if (!err)
		err = t.err;
	if (err) {
		free(t.p);
		return err;
	}
	*out = t.p;
	*out_len = t.len;
	return 0;
}
