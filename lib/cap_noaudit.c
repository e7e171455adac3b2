/* cap_noaudit.c - where the kernel checks a capability without audit.
 *
 * cap_capable(cred, ns, cap, opts) gets CAP_OPT_NOAUDIT from the callers
 * below; Tracee, reading opts, never reported those checks. The
 * capability:cap_capable tracepoint (6.14+) does not carry opts, so its
 * program looks at who called instead (bpf-src/sched.bpf.h): these functions
 * make no capability check but the unaudited one, so a cap_capable that
 * returns into them (directly, or through security_capable) is one. Their
 * addresses come from /proc/kallsyms, whose kernel symbols are listed in
 * address order: a function ends where the next symbol starts. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "cap_noaudit.h"

static const char *const noaudit_funcs[] = {
	"ns_capable_noaudit",           /* ptrace_may_access(PTRACE_MODE_NOAUDIT): /proc/PID/stat,
					   ...; seccomp filters; sysctl permissions */
	"has_ns_capability_noaudit",
	"has_capability_noaudit",       /* the OOM killer, ... */
	"ptracer_capable",              /* exec of a set-id program under ptrace */
	"kallsyms_show_value",          /* reading /proc/kallsyms, module sections */
	"cap_vm_enough_memory",         /* every private writable mapping, brk, stack growth */
	"security_vm_enough_memory_mm", /* its caller, where that call is a tail call */
};
#define NOAUDIT_NFUNCS (sizeof(noaudit_funcs) / sizeof(noaudit_funcs[0]))
_Static_assert(NOAUDIT_NFUNCS <= CAP_NOAUDIT_FUNCS, "cap_noaudit_ranges holds them all");

#define FUNC_MAX_SIZE (1u << 20)        /* a larger "function" is a gap in the listing */

/* One function being looked for: its start once seen, then its end. */
struct sym_range {
	const char *name;
	unsigned long long start, end;
};

/* A kernel text symbol's line, "ffffffff8136fab0 T ns_capable_noaudit";
 * module symbols ("... [mod]") are not ours. */
static bool parse_line(const char *line, unsigned long long *addr, char *type, char name[128])
{
	char rest[2];

	if (sscanf(line, "%llx %c %127s %1s", addr, type, name, rest) != 3)
		return false;
	return true;
}

static bool is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/* A line's address ends every range that started before it; a text symbol
 * of a wanted name starts its range. Returns how many ranges are open. */
static int scan_line(struct sym_range *r, size_t n, unsigned long long addr, char type, const char *name)
{
	int open = 0;

	for (size_t i = 0; i < n; i++) {
		if (r[i].start && !r[i].end && addr > r[i].start)
			r[i].end = addr;
		if (!r[i].start && addr && is_text(type) && strcmp(name, r[i].name) == 0)
			r[i].start = addr;
		open += !r[i].start || !r[i].end;
	}
	return open;
}

static bool range_ok(const struct sym_range *r)
{
	return r->start && r->end > r->start && r->end - r->start <= FUNC_MAX_SIZE;
}

static void note_missing(char *missing, size_t len, const char *name)
{
	size_t used = strlen(missing);

	if (used + strlen(name) + 3 < len)
		snprintf(missing + used, len - used, "%s%s", used ? ", " : "", name);
}

int cap_noaudit_resolve(const char *kallsyms, struct cap_noaudit_ranges *out, char *missing,
			size_t missing_len)
{
	struct sym_range r[NOAUDIT_NFUNCS + 1] = { { .name = "cap_capable" } };
	char line[512], name[128], type;
	unsigned long long addr, seen = 0;
	FILE *f = fopen(kallsyms, "re");

	memset(out, 0, sizeof(*out));
	if (missing_len)
		missing[0] = '\0';
	if (!f)
		return -errno;
	for (size_t i = 0; i < NOAUDIT_NFUNCS; i++)
		r[i + 1].name = noaudit_funcs[i];
	/* the wanted functions sit early in the kernel's text: stop once all are
	 * closed rather than read the other 100,000 lines */
	while (fgets(line, sizeof(line), f)) {
		if (!parse_line(line, &addr, &type, name))
			continue;
		seen |= addr;
		if (scan_line(r, NOAUDIT_NFUNCS + 1, addr, type, name) == 0)
			break;
	}
	fclose(f);
	if (!seen)
		return -EPERM;  /* every address shown as 0: kernel.kptr_restrict */
	for (size_t i = 0; i < NOAUDIT_NFUNCS + 1; i++) {
		if (!range_ok(&r[i])) {
			note_missing(missing, missing_len, r[i].name);
			continue;
		}
		if (i == 0) {
			out->capable_start = r[0].start;
			out->capable_end = r[0].end;
		} else {
			out->start[out->n] = r[i].start;
			out->end[out->n++] = r[i].end;
		}
	}
	if (!out->capable_start)
		out->n = 0;
	return (int)out->n;
}

void cap_noaudit_prepare(struct cap_noaudit_ranges *out, int debug)
{
	char missing[256];
	int n = cap_noaudit_resolve("/proc/kallsyms", out, missing, sizeof(missing));

	if (n <= 0) {
		fprintf(stderr, "tracee: cap_capable: %s%s: checks made without audit (CAP_OPT_NOAUDIT) "
			"are reported too\n",
			n == -EPERM ? "/proc/kallsyms shows no kernel addresses (kernel.kptr_restrict)" :
			n < 0 ? "cannot read /proc/kallsyms: " : "not in /proc/kallsyms: ",
			n == -EPERM ? "" : n < 0 ? strerror(-n) : missing);
		return;
	}
	if (!debug)
		return;
	fprintf(stderr, "tracee: cap_capable: checks made without audit are left out (%d kernel functions "
		"from /proc/kallsyms)\n", n);
	if (missing[0])
		fprintf(stderr, "tracee: cap_capable: not in /proc/kallsyms: %s: their checks without audit "
			"are reported\n", missing);
}
