/* cap_noaudit.h - the kernel functions that check capabilities only without
 * audit (CAP_OPT_NOAUDIT), resolved to text ranges for the cap_capable
 * tracepoint program, which cannot see the option itself. */
#ifndef TRACEE_CAP_NOAUDIT_H
#define TRACEE_CAP_NOAUDIT_H

#include <stddef.h>
#include "../bpf-src/tracee.h"

/* Reads kallsyms (normally /proc/kallsyms) into *out. Returns how many of the
 * functions were found (out->n), 0 when cap_capable itself is not there,
 * -EPERM when every address is hidden (kernel.kptr_restrict), -errno when
 * the file cannot be read. The names not found go, comma-separated, into missing. */
int cap_noaudit_resolve(const char *kallsyms, struct cap_noaudit_ranges *out, char *missing,
			size_t missing_len);

/* Resolve from /proc/kallsyms and say what is left out: under debug which
 * functions were found; always, when nothing can be told apart. */
void cap_noaudit_prepare(struct cap_noaudit_ranges *out, int debug);

#endif
