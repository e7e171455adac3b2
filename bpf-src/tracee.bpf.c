/* tracee.bpf.c - the kernel side of tracee: one translation unit made of one
 * file per event family (syscalls, sched, security, capture). Nothing is
 * reserved in the ring buffer for a task or an event nobody asked for.
 *
 * Compiled at run time by tracee (see buildpolicy/), from BTF (TRACEE_CORE)
 * or from kernel headers. */
#include "args.h"
#include "filter.h"

#ifndef TRACEE_META
#define TRACEE_META "tracee-meta v1 src=unknown"
#endif

char LICENSE[] SEC("license") = "GPL";
/* Checked by the object cache before this object is trusted (buildpolicy/cache.c). */
const char tracee_meta[] SEC(".tracee.meta") = TRACEE_META;

#include "syscalls.bpf.h"
#include "sched.bpf.h"
#include "security.bpf.h"
#include "security_ext.bpf.h"
#include "capture.bpf.h"
