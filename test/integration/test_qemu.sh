#!/usr/bin/env bash
# test_qemu.sh - tracee on a second kernel: Debian's 6.1 cloud kernel booted
# under QEMU (test/qemu/run.sh). The object is built on the host from that
# kernel's headers (no CO-RE) and loaded in the guest with --build-policy
# never; the same workload gives the same events and arguments as here. One
# boot runs every guest command.
source "$(dirname "$0")/lib.sh"
need_root
RUN=$(cd "$(dirname "$0")/../qemu" && pwd)/run.sh

# The workloads use files at the same paths on both kernels.
KNOWN=$WORK/known-file
echo "known contents" >"$KNOWN"
ln -s /usr/bin/cat "$WORK/cat-link"
WRITTEN=$WORK/written
WRITE_CMD="echo hi >$WRITTEN; /usr/bin/rm $WRITTEN"
# execs of strings the caller never touched (test/workload/execprobe.c)
EXECPROBE="$(dirname "$TRACEE")/execprobe"
EXECDIR=$WORK/exec

# Which security events this tracee has (they came with probe selection):
# the file events get a run of their own, every one is checked for its probe.
"$TRACEE" --list 2>/dev/null | awk '{print $1}' >"$WORK/events"
has_event() { grep -qx "$1" "$WORK/events"; }
pick() { local e; for e in "$@"; do has_event "$e" && echo "$e"; done; }
mapfile -t FILE_EVENTS < <(pick security_file_open security_bprm_check)
mapfile -t WRITE_EVENTS < <(pick vfs_write magic_write security_inode_unlink)
mapfile -t SEC_EVENTS < <(pick security_bprm_check security_file_open security_inode_unlink \
    vfs_write vfs_writev mem_prot_alert commit_creds switch_task_ns magic_write cap_capable)
csv() { local IFS=,; echo "$*"; }

# Each guest command leaves NAME.out, NAME.err and NAME.rc in /out.
{
    cat <<'GUEST'
#!/bin/sh
run() {
    name=$1; shift
    "$@" >/out/$name.out 2>/out/$name.err
    echo $? >/out/$name.rc
}
T="tracee --build-policy never --install-path /obj"
uname -r >/out/uname
mkdir -m 0700 /tmp/empty
run noobj tracee --build-policy never --install-path /tmp/empty -e execve -- /usr/bin/true
run noplugin tracee --install-path /tmp/empty -e execve -- /usr/bin/true
GUEST
    echo "ln -s /usr/bin/cat $WORK/cat-link"
    echo "run syscalls \$T --debug -o json -e openat,execve -- /usr/bin/cat $KNOWN"
    echo "mkdir -p $EXECDIR"
    echo "run exec \$T -o json -e execve,execveat,sched_process_exec -- $EXECPROBE $EXECDIR"
    echo "cp $EXECDIR/cases.json /out/exec.cases"
    for e in "${FILE_EVENTS[@]}"; do
        echo "run $e \$T -o json -e $e -- $WORK/cat-link $KNOWN"
    done
    ((${#SEC_EVENTS[@]})) && echo "run security \$T --debug -e $(csv "${SEC_EVENTS[@]}") -- /usr/bin/true"
    ((${#WRITE_EVENTS[@]})) && echo "run writes \$T -o json -e $(csv "${WRITE_EVENTS[@]}") -- /usr/bin/sh -c '$WRITE_CMD'"
} >"$WORK/guest.sh"

"$RUN" --timeout 300 --script "$WORK/guest.sh" --out "$WORK/guest" --file "$KNOWN:$KNOWN" \
    --add /usr/bin/rm --add "$EXECPROBE" >"$WORK/run.out" 2>"$WORK/run.err"
rc=$?
check "guest booted and ran its commands (run.sh exit 0)" test $rc = 0
if [[ $rc != 0 ]]; then tail -n 40 "$WORK/run.err"; fi
G=$WORK/guest

check "guest kernel is Debian's 6.1 cloud kernel" grep -Eqx '6\.1\.0-[0-9]+-cloud-amd64' "$G/uname"
check "object built on the host from that kernel's headers, not BTF" grep -Eq \
    "building eBPF object for kernel 6\.1\.0-[0-9]+-cloud-amd64 from kernel headers \(.*/linux-headers-6\.1\.0-[0-9]+-cloud-amd64, .*/linux-headers-6\.1\.0-[0-9]+-common\)" \
    "$WORK/run.err"
check "guest tracee exits 0" grep -qx 0 "$G/syscalls.rc"
check "guest tracee loads the prebuilt object with --build-policy never" grep -Eq \
    '^tracee: using /obj/tracee\.bpf\.6_1_0-[0-9]+-cloud-amd64\.[0-9_]+\.o \(in the install path\)$' \
    "$G/syscalls.err"
check "guest tracee builds nothing" test -s "$G/syscalls.err" -a -z "$(grep building "$G/syscalls.err")"
check "guest tracee attaches its programs" grep -q '^tracee: attached tracee_sys_exit ' "$G/syscalls.err"
check "guest: execve comes from its own syscall trace event" grep -qx \
    'tracee: event execve served by tracepoint:syscalls/sys_enter_execve' "$G/syscalls.err"
check "guest counters: events, none lost" grep -Eq 'events: [1-9][0-9]*, lost: 0, errors: 0' "$G/syscalls.err"

# The slim install: no object, no build plugin - each said in one line.
check "guest without an object: tracee fails" grep -Eqx '[1-9][0-9]*' "$G/noobj.rc"
check "guest without an object: says so" grep -q '^tracee: no eBPF object found' "$G/noobj.err"
check "guest without the build plugin: says it cannot build" grep -q \
    '^tracee: cannot build the eBPF object: build plugin .* not found (this is a slim install)' \
    "$G/noplugin.err"

# Headers of one kernel never build an object named for another.
HEADERS=$("$RUN" --release-info | sed -n 's/^headers //p')
KERN_HEADERS=$HEADERS "$TRACEE" --build-only --build-policy always --install-path "$WORK/mismatch" \
    >/dev/null \
    2>"$WORK/mismatch.err"
check "6.1 headers for this kernel's release: refused" test $? != 0
check "6.1 headers for this kernel's release: says which release they are for" grep -Eq \
    "^tracee: kernel headers .* are for kernel 6\.1\.0-[0-9]+-cloud-amd64, not $(uname -r | sed 's/\./\\./g'): set KERN_RELEASE=" \
    "$WORK/mismatch.err"

# The same command here, with this kernel's (CO-RE) object: the same events
# with the same arguments (but envp, a pointer).
prebuild
tracee -o json -e openat,execve -- /usr/bin/cat "$KNOWN" 2>/dev/null | grep -vx "known contents" \
    >"$WORK/host.json"
grep -vx "known contents" "$G/syscalls.out" >"$WORK/guest.json"
# Selections compared must be non-empty JSON arrays: an empty one on both
# sides would compare equal.
same_sel() {
    jq -e 'type == "array" and length > 0' "$1" >/dev/null && cmp "$1" "$2"
}
syscall_events() {
    jq -c -s --arg f "$KNOWN" 'map(select(
          (.eventName == "execve" and any(.args[]; .name == "pathname" and .value == "/usr/bin/cat"))
          or (.eventName == "openat" and any(.args[]; .name == "pathname" and .value == $f))))
        | map({eventName, processName, ok: (.returnValue >= 0),
               args: [.args[] | select(.name != "envp")]})' "$1"
}
syscall_events "$WORK/host.json" >"$WORK/host.sel"
syscall_events "$WORK/guest.json" >"$WORK/guest.sel"
check "guest: execve of /usr/bin/cat with its argv" jq -e --arg f "$KNOWN" 'map(select(.eventName
    == "execve" and (.args[] | select(.name == "argv") | .value) == ["/usr/bin/cat", $f])) | length == 1' \
    "$WORK/guest.sel"
# (values as numbers or as names: AT_FDCWD, O_RDONLY)
check "guest: openat of the known file by cat, O_RDONLY, succeeded" jq -e 'map(select(.eventName
    == "openat" and .processName == "cat" and .ok and
    (.args | map({(.name): .value}) | add) as $a | ($a.dirfd | tostring | test("^(-100|AT_FDCWD)$"))
    and ($a.flags | tostring | test("^(0|O_RDONLY)$")))) | length == 1' "$WORK/guest.sel"
check "host and guest: the same syscall events with the same arguments" \
    same_sel "$WORK/host.sel" "$WORK/guest.sel"

# Security events: the guest serves each with an lsm, fentry or kprobe probe,
# this kernel (no kprobes, trampolines refused) with a tracepoint fallback or,
# where there is none (cap_capable), names it as not traced.
if ((${#SEC_EVENTS[@]})); then
    check "guest: tracee with every security event exits 0" grep -qx 0 "$G/security.rc"
    tracee --debug -e "$(csv "${SEC_EVENTS[@]}")" -- /usr/bin/true >/dev/null 2>"$WORK/host-security.err"
fi
for e in "${SEC_EVENTS[@]}"; do
    check "guest $e: served by an lsm, fentry or kprobe probe" grep -Eq \
        "^tracee: event $e served by (lsm|fentry|kprobe):" "$G/security.err"
    check "host $e: served by a tracepoint (or said to have none)" grep -Eq \
        "^tracee: event $e (served by tracepoint:|has no probe that loads on this kernel)" \
        "$WORK/host-security.err"
done

# The file events of cat run through a symlink, on both kernels: the same
# names and arguments but dev and inode (other file systems); exec'ing
# through the link names the real file. Compared: the exec check and cat's
# open of the known file. (The process name differs: an LSM hook runs before
# exec renames the task, the host's fallback after. The LSM hook also sees
# exec's own open of the program, which no syscall shows the host.)
file_events() {
    jq -c -s --arg f "$KNOWN" 'map(select(
            (.eventName == "security_bprm_check" and .args[0].value == "/usr/bin/cat")
            or (.eventName == "security_file_open" and .args[0].value == $f)))
        | map({eventName, args: [.args[] | select(.name != "dev" and .name != "inode")]})' "$1"
}
for e in "${FILE_EVENTS[@]}"; do
    check "guest $e: tracee exits 0" grep -qx 0 "$G/$e.rc"
    tracee -o json -e "$e" -- "$WORK/cat-link" "$KNOWN" 2>/dev/null | grep -vx "known contents" \
        >"$WORK/host-$e.json"
    file_events "$WORK/host-$e.json" >"$WORK/host-$e.sel"
    grep -vx "known contents" "$G/$e.out" >"$WORK/guest-$e.json"
    file_events "$WORK/guest-$e.json" >"$WORK/guest-$e.sel"
    check "host and guest $e: the same events with the same arguments" \
        same_sel "$WORK/host-$e.sel" "$WORK/guest-$e.sel"
done
if has_event security_file_open; then
    check "guest security_file_open: cat opens the known file read-only" jq -e --arg f "$KNOWN" \
        'map(select(.eventName == "security_file_open" and .args[0].value == $f
        and (.args[1].value | if type == "number" then . % 4 == 0 else test("^O_RDONLY") end)))
        | length == 1' \
        "$WORK/guest-security_file_open.sel"
fi
if has_event security_bprm_check; then
    check "guest security_bprm_check through a symlink: the real file" jq -e 'map(select(
        .eventName == "security_bprm_check" and .args[0].value == "/usr/bin/cat")) | length == 1' \
        "$WORK/guest-security_bprm_check.sel"
fi

# Execs of never-touched strings: on both kernels (6.1: no sched_prepare_exec,
# a kprobe instead) each case's one exec event and its sched_process_exec,
# every argument the same (but envp, a pointer, and dirfd, a number the
# run's inherited descriptors decide: each is checked against its case's).
exec_events() { # JSON CASES: per case, its exec events
    jq -c -s --slurpfile c "$2" '. as $ev | [$c[] | . as $k | [$ev[] | select(.hostProcessId == $k.pid)
        | [.eventName, .returnValue, (.args[] | select(.name == "dirfd") | .value == $k.fd),
           [.args[] | select(.name != "envp" and .name != "dirfd") | .value]]]]' "$1"
}
check "guest exec workload: exits 0, every case run with its strings unmapped" \
    test "$(cat "$G/exec.rc")" = 0 -a "$(jq -s 'length == 7 and all(.untouched)' "$G/exec.cases")" = true
mkdir -p "$EXECDIR"
tracee -o json -e execve,execveat,sched_process_exec -- "$EXECPROBE" "$EXECDIR" >"$WORK/host-exec.json" 2>/dev/null
grep '^{' "$G/exec.out" >"$WORK/guest-exec.json"
exec_events "$WORK/host-exec.json" "$EXECDIR/cases.json" >"$WORK/host-exec.sel"
exec_events "$WORK/guest-exec.json" "$G/exec.cases" >"$WORK/guest-exec.sel"
check "guest exec workload: every argument of every exec, as on this kernel" \
    same_sel "$WORK/host-exec.sel" "$WORK/guest-exec.sel"
check "guest exec workload: the script's execve has its own argv[0]" jq -e \
    '.[4][0] == ["execve", 0, ["'"$EXECDIR"'/script", ["probe-arg0", "rodata argument 1"]]]' \
    "$WORK/guest-exec.sel"

# A write and an unlink by the same commands: the same events and arguments
# (but dev and inode) on both kernels.
write_events() {
    jq -c -s --arg f "$WRITTEN" 'map(select(any(.args[]; .name == "pathname" and .value == $f)))
        | map([.eventName, (.args[] | select(.name != "dev" and .name != "inode") | .value)])
        | sort' "$1"
}
if ((${#WRITE_EVENTS[@]})); then
    check "guest writes: tracee exits 0" grep -qx 0 "$G/writes.rc"
    tracee -o json -e "$(csv "${WRITE_EVENTS[@]}")" -- /usr/bin/sh -c "$WRITE_CMD" \
        >"$WORK/host-writes.json" 2>/dev/null
    write_events "$WORK/host-writes.json" >"$WORK/host-writes.sel"
    write_events "$G/writes.out" >"$WORK/guest-writes.sel"
    check "guest writes: every write event seen" jq -e --argjson n "${#WRITE_EVENTS[@]}" \
        'map(.[0]) | unique | length == $n' "$WORK/guest-writes.sel"
    check "host and guest writes: the same events with the same arguments" \
        same_sel "$WORK/host-writes.sel" "$WORK/guest-writes.sel"
fi
finish
