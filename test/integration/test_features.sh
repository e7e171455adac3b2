#!/usr/bin/env bash
# test_features.sh - kernel feature decisions (buildpolicy/features.c) and
# every fallback of bpf-src/compat.bpf.h, on this kernel: the decisions
# --debug prints, a bad TRACEE_FEATURES_OFF, the decisions as part of the
# object's identity, and the event, security, capture, hostile, overflow, exec
# and signature suites with each feature forced off, then with all of them off.
source "$(dirname "$0")/lib.sh"
need_root

FEATURES=(ringbuf bpf_loop task_btf find_vma task_pt_regs boot_ns)
SUITES=(events security capture hostile overflow exec signatures)
HERE=$(cd "$(dirname "$0")" && pwd)

# --- the decisions ---------------------------------------------------------------------
tracee --build-only --debug >/dev/null 2>"$WORK/debug"
check "--build-only --debug exits 0" test $? = 0
for f in "${FEATURES[@]}"; do
    check "--debug: feature $f decided by probing the running kernel" \
        grep -qE "^tracee: feature $f=(yes|no) \(probed\)" "$WORK/debug"
done
check "--debug: the VMA tree's shape" grep -qE '^tracee: feature vma_tree=(maple|rbtree)' "$WORK/debug"
check "the decisions become compiler macros" grep -q -- '-DTRACEE_FEAT_RINGBUF=' "$WORK/debug"

TRACEE_FEATURES_OFF=ringbuf,nope tracee --build-only >/dev/null 2>"$WORK/bad"
check "TRACEE_FEATURES_OFF with an unknown name: exit 1" test $? = 1
check "... one line naming it and the known ones" \
    grep -qx "tracee: TRACEE_FEATURES_OFF: unknown feature 'nope' (known: ringbuf,bpf_loop,task_btf,find_vma,task_pt_regs,boot_ns, or all)" "$WORK/bad"
check "... and nothing else" test "$(wc -l <"$WORK/bad")" = 1

TRACEE_FEATURES_OFF=find_vma tracee --build-only --debug >/dev/null 2>"$WORK/off"
check "forced off: says so and what replaces it" \
    grep -qx "tracee: feature find_vma=no (TRACEE_FEATURES_OFF): a walk of the task's VMA tree" "$WORK/off"
TRACEE_FEATURES_OFF=task_btf tracee --build-only --debug >/dev/null 2>"$WORK/dep"
check "what needs a feature goes with it (task_pt_regs needs task_btf)" \
    grep -q "^tracee: feature task_pt_regs=no" "$WORK/dep"

# Unprivileged: no loads, the running kernel's BTF says.
NOBODY_DIR=$(mktemp -d /tmp/tracee-features-nobody.XXXXXX)
chmod 0755 "$NOBODY_DIR"
cp "$TRACEE" "$(dirname "$TRACEE")/tracee-build.so" "$NOBODY_DIR/"
chmod 0755 "$NOBODY_DIR"/*
su nobody -s /bin/sh -c "'$NOBODY_DIR/tracee' --install-path '$NOBODY_DIR/obj' --build-only --debug" \
    >/dev/null 2>"$WORK/nobody"
check "as nobody: decided from the kernel's BTF" grep -qE "^tracee: feature ringbuf=(yes|no) \(kernel BTF\)" "$WORK/nobody"
rm -rf "$NOBODY_DIR"

# Root without CAP_BPF and CAP_SYS_ADMIN (a container's root, make bpf
# DOCKER=1): libbpf's probes would answer wrongly there; the BTF answers, and
# the object is the one a privileged run decides for and loads.
setpriv --bounding-set -sys_admin,-bpf,-perfmon --inh-caps -sys_admin,-bpf,-perfmon \
    "$TRACEE" --install-path "$WORK/unpriv" --build-only --debug >/dev/null 2>"$WORK/unpriv.err"
check "root without BPF privileges: decided from the kernel's BTF" \
    grep -qE "^tracee: feature ringbuf=yes \(kernel BTF\)" "$WORK/unpriv.err"
"$TRACEE" --install-path "$WORK/unpriv" --build-policy never -e getpid -- true >/dev/null 2>"$WORK/unpriv-run.err"
check "... and a privileged run loads that object (the same decisions)" test $? = 0

# --- identity: an object built with other decisions is not loaded ---------------------
prebuild
TRACEE_FEATURES_OFF=ringbuf tracee --build-policy never -e getpid -- true >/dev/null 2>"$WORK/never"
check "never: the object built with the ring buffer is refused for a perf-buffer build" test $? != 0
check "... as stale, in one line" grep -q "is stale" "$WORK/never"
TRACEE_FEATURES_OFF=ringbuf tracee --debug -e getpid -- true >/dev/null 2>"$WORK/ifneeded"
check "if-needed: rebuilt for the other decisions" grep -q "is stale.*rebuilding it" "$WORK/ifneeded"
check "... and read from perf buffers" grep -qx "tracee: reading events from perf buffers" "$WORK/ifneeded"
tracee --debug -e getpid -- true >/dev/null 2>"$WORK/back"
check "the default decisions rebuild again, and read the ring buffer" \
    grep -qx "tracee: reading events from ring buffer" "$WORK/back"

# --- every fallback, through the suites -------------------------------------------------
run_suites() {
    local off=$1 s rc
    for s in "${SUITES[@]}"; do
        TRACEE_FEATURES_OFF=$off bash "$HERE/test_$s.sh" >"$WORK/$off-$s.log" 2>&1
        rc=$?
        check "TRACEE_FEATURES_OFF=$off: test_$s passes ($(tail -1 "$WORK/$off-$s.log"))" test $rc = 0
        ((rc == 0)) || grep '^FAIL' "$WORK/$off-$s.log" | sed 's/^/     /'
    done
}
for f in "${FEATURES[@]}" all; do
    run_suites "$f"
done

finish
