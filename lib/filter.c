/* filter.c - parsing --trace modes and --filter expressions into the
 * configuration the kernel side applies before anything is reserved in the
 * ring buffer. Nothing here touches the kernel; the loader hands the result
 * over (filter_cfg rodata, filter_values and traced_tgids maps). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "filter.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* --- trace modes ----------------------------------------------------------------- */

static const struct { const char *text; enum trace_mode mode; } trace_modes[] = {
	{ "p", TRACE_PROCESS_NEW },
	{ "process", TRACE_PROCESS_NEW },
	{ "p:new", TRACE_PROCESS_NEW },
	{ "process:new", TRACE_PROCESS_NEW },
	{ "p:all", TRACE_PROCESS_ALL },
	{ "process:all", TRACE_PROCESS_ALL },
	{ "p:follow", TRACE_PROCESS_FOLLOW },
	{ "process:follow", TRACE_PROCESS_FOLLOW },
	{ "c", TRACE_CONTAINER_NEW },
	{ "container", TRACE_CONTAINER_NEW },
	{ "c:new", TRACE_CONTAINER_NEW },
	{ "container:new", TRACE_CONTAINER_NEW },
	{ "c:all", TRACE_CONTAINER_ALL },
	{ "container:all", TRACE_CONTAINER_ALL },
	{ "h", TRACE_HOST_NEW },
	{ "host", TRACE_HOST_NEW },
	{ "h:new", TRACE_HOST_NEW },
	{ "host:new", TRACE_HOST_NEW },
	{ "h:all", TRACE_HOST_ALL },
	{ "host:all", TRACE_HOST_ALL },
};

const char trace_help[] =
	"Trace modes (-t, --trace); a container is a pid namespace other than the host's:\n"
	"\n"
	"  Trace new processes (default)           no --trace, p, process or process:new\n"
	"  Trace existing and new processes        process:all (p:all)\n"
	"  Trace specific PIDs                     process:PID[,PID...] (p:PID,...)\n"
	"  Trace filtered processes and their      process:follow (p:follow), with --filter\n"
	"    descendants                           choosing the processes to follow\n"
	"  Trace new containers                    c, container or container:new\n"
	"  Trace existing and new containers       container:all (c:all)\n"
	"  Trace new processes not in a container  h, host or host:new\n"
	"  Trace all processes not in a container  host:all (h:all)\n"
	"\n"
	"-- COMMAND traces COMMAND and its descendants. Every --filter applies on top.\n";

bool trace_is_help(const char *s)
{
	return strcmp(s, "help") == 0;
}

bool trace_mode_is_container(enum trace_mode mode)
{
	return mode == TRACE_CONTAINER_NEW || mode == TRACE_CONTAINER_ALL;
}

/* A decimal number in [min, max], the whole of s[0..len). */
static bool parse_u64(const char *s, size_t len, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* "PID[,PID...]" after "process:" or "p:". */
static int parse_pids(const char *s, const char *list, struct trace_target *t, char *err, size_t errlen)
{
	t->npids = 0;
	for (const char *p = list; ; ) {
		size_t len = strcspn(p, ",");
		uint64_t pid;

		if (!parse_u64(p, len, 1, INT32_MAX, &pid))
			return fail(err, errlen, "bad trace mode '%s': expected process:PID[,PID...] "
				    "with PIDs above 0 (see tracee --trace help)", s);
		if (t->npids == TRACE_MAX_PIDS)
			return fail(err, errlen, "trace mode '%s' names more than %d PIDs: trace fewer",
				    s, TRACE_MAX_PIDS);
		t->pids[t->npids++] = (uint32_t)pid;
		if (!p[len])
			break;
		p += len + 1;
	}
	t->mode = TRACE_PROCESS_PIDS;
	return 0;
}

int trace_parse(const char *s, struct trace_target *t, char *err, size_t errlen)
{
	for (size_t i = 0; i < ARRAY_LEN(trace_modes); i++)
		if (strcmp(s, trace_modes[i].text) == 0) {
			t->mode = trace_modes[i].mode;
			t->npids = 0;
			return 0;
		}
	if (strncmp(s, "process:", 8) == 0 && s[8] >= '0' && s[8] <= '9')
		return parse_pids(s, s + 8, t, err, errlen);
	if (strncmp(s, "p:", 2) == 0 && s[2] >= '0' && s[2] <= '9')
		return parse_pids(s, s + 2, t, err, errlen);
	return fail(err, errlen, "unknown trace mode '%s' (see tracee --trace help)", s);
}

/* --- filters --------------------------------------------------------------------- */

enum filter_op { OP_EQ, OP_NE, OP_LT, OP_GT };

static const struct { const char *text; enum filter_op op; } filter_ops[] = {
	{ "!=", OP_NE }, { "=", OP_EQ }, { "<", OP_LT }, { ">", OP_GT },
};

static const struct {
	const char *name;
	enum tracee_filter_kind kind;
	bool is_str;
	const char *usage;
} filter_kinds[] = {
	{ "uid", FILTER_BY_UID, false, "uid=N[,N...], uid!=N[,N...], uid<N or uid>N" },
	{ "pid", FILTER_BY_PID, false, "pid=N[,N...], pid!=N[,N...], pid<N or pid>N (host pids)" },
	{ "mntns", FILTER_BY_MNTNS, false, "mntns=N[,N...], mntns!=N[,N...], mntns<N or mntns>N" },
	{ "pidns", FILTER_BY_PIDNS, false, "pidns=N[,N...], pidns!=N[,N...], pidns<N or pidns>N" },
	{ "comm", FILTER_BY_COMM, true, "comm=NAME[,NAME...] or comm!=NAME[,NAME...]" },
	{ "uts", FILTER_BY_UTS, true, "uts=NAME[,NAME...] or uts!=NAME[,NAME...]" },
};

bool filter_active(const struct tracee_filter *f)
{
	return f->kernel.active != 0;
}

static int add_entry(struct tracee_filter *f, const struct tracee_filter_key *key, unsigned char ops,
		     const char *expr, char *err, size_t errlen)
{
	for (unsigned i = 0; i < f->nentries; i++)
		if (memcmp(&f->entries[i].key, key, sizeof(*key)) == 0) {
			f->entries[i].ops |= ops;
			return 0;
		}
	if (f->nentries == FILTER_MAX_ENTRIES)
		return fail(err, errlen, "filter '%s': more than %d filter values in all: use fewer",
			    expr, FILTER_MAX_ENTRIES);
	f->entries[f->nentries].key = *key;
	f->entries[f->nentries].ops = ops;
	f->nentries++;
	return 0;
}

/* One '=' or '!=' value; strings are cut to what the kernel keeps (15 bytes). */
static int add_value(struct tracee_filter *f, size_t k, enum filter_op op, const char *v,
		     size_t len, const char *expr, char *err, size_t errlen)
{
	struct tracee_filter_key key;
	uint64_t num;

	memset(&key, 0, sizeof(key));
	key.kind = filter_kinds[k].kind;
	if (filter_kinds[k].is_str) {
		if (len == 0)
			return fail(err, errlen, "bad filter '%s': empty name (expected %s)",
				    expr, filter_kinds[k].usage);
		memcpy(key.str, v, len < FILTER_STR_LEN - 1 ? len : FILTER_STR_LEN - 1);
	} else {
		if (!parse_u64(v, len, 0, UINT32_MAX, &num))
			return fail(err, errlen, "bad filter '%s': '%.*s' is not a number from 0 to %u "
				    "(expected %s)", expr, (int)len, v, UINT32_MAX, filter_kinds[k].usage);
		key.num = num;
	}
	return add_entry(f, &key, op == OP_EQ ? FILTER_OP_EQ : FILTER_OP_NE, expr, err, errlen);
}

static int add_bound(struct tracee_filter *f, size_t k, enum filter_op op, const char *v,
		     const char *expr, char *err, size_t errlen)
{
	enum tracee_filter_kind kind = filter_kinds[k].kind;
	unsigned bit = 1u << kind;
	uint64_t num;

	if (filter_kinds[k].is_str)
		return fail(err, errlen, "bad filter '%s': %s takes only = and != (expected %s)",
			    expr, filter_kinds[k].name, filter_kinds[k].usage);
	if (!parse_u64(v, strlen(v), 0, UINT32_MAX, &num))
		return fail(err, errlen, "bad filter '%s': '%s' is not a number from 0 to %u (expected %s)",
			    expr, v, UINT32_MAX, filter_kinds[k].usage);
	if (op == OP_GT) {
		if (!(f->kernel.has_gt & bit) || num > f->kernel.gt[kind])
			f->kernel.gt[kind] = num;
		f->kernel.has_gt |= bit;
	} else {
		if (!(f->kernel.has_lt & bit) || num < f->kernel.lt[kind])
			f->kernel.lt[kind] = num;
		f->kernel.has_lt |= bit;
	}
	return 0;
}

static int find_kind(const char *expr, size_t len)
{
	for (size_t k = 0; k < ARRAY_LEN(filter_kinds); k++)
		if (strlen(filter_kinds[k].name) == len && strncmp(expr, filter_kinds[k].name, len) == 0)
			return (int)k;
	return -1;
}

int filter_add(struct tracee_filter *f, const char *expr, char *err, size_t errlen)
{
	size_t name_len = strcspn(expr, "!=<>");
	const char *rest = expr + name_len;
	int k = find_kind(expr, name_len);
	enum filter_op op;
	size_t i;

	if (k < 0)
		return fail(err, errlen, "unknown filter '%s' (expected uid, pid, comm, mntns, pidns "
			    "or uts, then =, !=, < or >, e.g. uid=0 or comm!=bash)", expr);
	for (i = 0; i < ARRAY_LEN(filter_ops); i++)
		if (strncmp(rest, filter_ops[i].text, strlen(filter_ops[i].text)) == 0)
			break;
	if (i == ARRAY_LEN(filter_ops))
		return fail(err, errlen, "bad filter '%s': expected %s", expr, filter_kinds[k].usage);
	op = filter_ops[i].op;
	rest += strlen(filter_ops[i].text);
	if (op == OP_LT || op == OP_GT) {
		if (add_bound(f, (size_t)k, op, rest, expr, err, errlen))
			return -1;
	} else {
		for (const char *p = rest; ; ) {
			size_t len = strcspn(p, ",");

			if (add_value(f, (size_t)k, op, p, len, expr, err, errlen))
				return -1;
			if (!p[len])
				break;
			p += len + 1;
		}
		if (op == OP_EQ)
			f->kernel.need_eq |= 1u << filter_kinds[k].kind;
	}
	f->kernel.active |= 1u << filter_kinds[k].kind;
	return 0;
}
