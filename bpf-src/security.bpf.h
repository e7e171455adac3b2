/* security.bpf.h - security events (LSM hooks, fentry/kprobe probes and their
 * tracepoint fallbacks). */
#ifndef TRACEE_SECURITY_BPF_H
#define TRACEE_SECURITY_BPF_H

#include "args.h"
#include "filter.h"

#endif
