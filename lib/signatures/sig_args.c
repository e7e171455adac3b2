/* sig_args.c - reading a base event the way detections need it: arguments
 * by name, open flags as bits, paths matched as text or patterns, the
 * container test. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "sig.h"

const struct event_arg *sig_arg(const struct event *ev, const char *name)
{
	for (unsigned i = 0; i < ev->argc && i < TRACEE_MAX_ARGS; i++) {
		const struct event_arg *a = &ev->args[i];

		if (a->def && a->def->name && a->kind != ARG_NONE && strcmp(a->def->name, name) == 0)
			return a;
	}
	return NULL;
}

int64_t sig_num(const struct event *ev, const char *name)
{
	const struct event_arg *a = sig_arg(ev, name);

	return a && a->kind >= ARG_INT && a->kind <= ARG_PTR ? a->num : 0;
}

bool sig_str(const struct event *ev, const char *name, char *buf, size_t size)
{
	const struct event_arg *a = sig_arg(ev, name);
	size_t n;

	if (!a || a->kind != ARG_STR || size == 0)
		return false;
	n = a->len < size - 1 ? a->len : size - 1;
	memcpy(buf, a->data, n);
	buf[n] = '\0';
	return true;
}

bool sig_open_writes(int64_t flags)
{
	int acc = (int)(flags & O_ACCMODE);

	return acc == O_WRONLY || acc == O_RDWR;
}

bool sig_open_reads(int64_t flags)
{
	int acc = (int)(flags & O_ACCMODE);

	return acc == O_RDONLY || acc == O_RDWR;
}

bool sig_in_container(const struct sig_ctx *c, const struct event *ev)
{
	return (ev->container_id && ev->container_id[0]) ||
	       (c->host_pidns && ev->hdr->pid_ns != c->host_pidns);
}

/* Iterative, with one backtrack point: the last '*' seen. */
bool sig_glob_n(const char *p, const char *s, size_t len)
{
	const char *end = s + len, *star = NULL, *resume = NULL;

	while (s < end) {
		if (*p == '*') {
			star = ++p;
			resume = s;
		} else if (*p && (*p == '?' || *p == *s)) {
			p++;
			s++;
		} else if (star) {
			p = star;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

bool sig_glob(const char *pattern, const char *s)
{
	return sig_glob_n(pattern, s, strlen(s));
}

bool sig_glob_any(const char *const *patterns, const char *s)
{
	for (; *patterns; patterns++)
		if (sig_glob(*patterns, s))
			return true;
	return false;
}

bool sig_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool sig_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

const char *sig_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool sig_exec_entry(const struct event *ev)
{
	return ev->hdr->retval == 0;
}
