/* capture.bpf.h - capture of written files, executed binaries and W+X memory. */
#ifndef TRACEE_CAPTURE_BPF_H
#define TRACEE_CAPTURE_BPF_H

#include "args.h"
#include "filter.h"

#endif
