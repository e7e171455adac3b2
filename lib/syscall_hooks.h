/* syscall_hooks.h - what the one sys_enter / sys_exit program pair does for
 * each syscall number (the rodata syscall_hooks[], bpf-src/tracee.h). */
#ifndef TRACEE_SYSCALL_HOOKS_H
#define TRACEE_SYSCALL_HOOKS_H

#include <stdbool.h>
#include "libtracee.h"
#include "probes.h"

/* The hooks of every syscall number, from the selected events, the probes
 * chosen for them (plan), --capture and --filter. */
void syscall_hooks_build(struct syscall_hooks hooks[TRACEE_NR_SYSCALLS], const struct tracee_config *cfg,
			 const struct probe_plan *plan);
/* Does any syscall need the sys_enter program? */
bool syscall_hooks_need_enter(const struct syscall_hooks hooks[TRACEE_NR_SYSCALLS]);

#endif
