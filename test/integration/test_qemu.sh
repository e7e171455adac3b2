#!/usr/bin/env bash
# test_qemu.sh - tracee on Debian's other kernels, booted under QEMU
# (test/qemu/run.sh): bullseye's 5.10 (once with bpf in lsm=, once with its
# built-in LSM list, which lacks it), bookworm's 6.1 and trixie's 6.12. Each
# kernel gets an object built on the host from its own headers (no CO-RE),
# loaded in the guest with --build-policy never. In every guest the same
# commands give the same events and arguments as here: syscalls, the events
# test's workload, the security events (with the probe kind that served
# each), the file and write events. One boot per kernel runs every guest
# command. What each kernel used goes to a summary printed at the end (and
# kept in build/qemu-matrix.txt, or $TRACEE_QEMU_SUMMARY).
# TRACEE_QEMU_SUITES=bookworm,trixie boots only those suites' kernels.
source "$(dirname "$0")/lib.sh"
need_root
RUN=$(cd "$(dirname "$0")/../qemu" && pwd)/run.sh
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SUMMARY=${TRACEE_QEMU_SUMMARY:-${TRACEE_SRC:-$SRC}/build/qemu-matrix.txt}
WL="$(dirname "$TRACEE")/syscall_workload"
JQ_EXPECTED="$(dirname "$0")/events_expected.jq"

# The boots: suite, kernel series, lsm= (default: the kernel's own list).
BOOTS=("bullseye 5.10 lockdown,capability,yama,apparmor,bpf"
       "bullseye 5.10 default"
       "bookworm 6.1 lockdown,capability,landlock,yama,apparmor,bpf"
       "trixie 6.12 lockdown,capability,landlock,yama,apparmor,bpf")
# The events with a BPF LSM probe (lib/events.c): served by it wherever bpf
# is an active LSM, by fentry or kprobe where it is not.
LSM_EVENTS=" security_bprm_check security_file_open security_inode_unlink mem_prot_alert "
LSM_EVENTS+="security_socket_connect security_inode_rename security_sb_mount security_kernel_read_file "

# The workloads use files at the same paths on every kernel.
KNOWN=$WORK/known-file
echo "known contents" >"$KNOWN"
ln -s /usr/bin/cat "$WORK/cat-link"
WRITTEN=$WORK/written
WRITE_CMD="echo hi >$WRITTEN; /usr/bin/rm $WRITTEN"
D=$WORK/wl
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
    vfs_write vfs_writev mem_prot_alert commit_creds switch_task_ns magic_write cap_capable \
    security_socket_connect security_inode_rename security_sb_mount security_kernel_read_file)
csv() { local IFS=,; echo "$*"; }
# A string as an ERE matching just itself (releases have dots and pluses).
ere() { sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$1"; }

# The workload's syscalls, from an untraced run.
mkdir -p "$D"
"$WL" "$D" || bad "the workload runs untraced"
WL_NAMES=$(jq -r .name "$D/expected.json" | sort -u | paste -sd, -)
rm -f "$D"/*

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
cat /sys/kernel/security/lsm >/out/lsm
mkdir -m 0700 /tmp/empty
run noobj tracee --build-policy never --install-path /tmp/empty -e execve -- /usr/bin/true
run noplugin tracee --install-path /tmp/empty -e execve -- /usr/bin/true
GUEST
    echo "ln -s /usr/bin/cat $WORK/cat-link"
    echo "mkdir -p $D"
    echo "run syscalls \$T --debug -o json -e openat,execve -- /usr/bin/cat $KNOWN"
    echo "run workload \$T -o json -e $WL_NAMES -- $WL $D"
    echo "cp $D/expected.json /out/workload.expected; cp $D/children.json /out/workload.children"
    echo "mkdir -p $EXECDIR"
    echo "run exec \$T -o json -e execve,execveat,sched_process_exec -- $EXECPROBE $EXECDIR"
    echo "cp $EXECDIR/cases.json /out/exec.cases"
    # the security events as the kernel serves them best, then with lsm and
    # fentry refused: from kprobes
    for kp in "" "-kprobe"; do
        [[ -n $kp ]] && echo "export TRACEE_PROBES_OFF=lsm,fentry"
        for e in "${FILE_EVENTS[@]}"; do
            echo "run $e$kp \$T -o json -e $e -- $WORK/cat-link $KNOWN"
        done
        ((${#SEC_EVENTS[@]})) &&
            echo "run security$kp \$T --debug -e $(csv "${SEC_EVENTS[@]}") -- /usr/bin/true"
        ((${#WRITE_EVENTS[@]})) &&
            echo "run writes$kp \$T -o json -e $(csv "${WRITE_EVENTS[@]}") -- /usr/bin/sh -c '$WRITE_CMD'"
    done
} >"$WORK/guest.sh"

# --- the same commands here, with this kernel's (CO-RE) object ------------------

# Selections compared must be non-empty JSON arrays: an empty one on both
# sides would compare equal.
same_sel() {
    jq -e 'type == "array" and length > 0' "$1" >/dev/null && cmp "$1" "$2"
}
# The syscall events of cat: the same arguments but envp (a pointer).
syscall_events() {
    jq -c -s --arg f "$KNOWN" 'map(select(
          (.eventName == "execve" and any(.args[]; .name == "pathname" and .value == "/usr/bin/cat"))
          or (.eventName == "openat" and any(.args[]; .name == "pathname" and .value == $f))))
        | map({eventName, processName, ok: (.returnValue >= 0),
               args: [.args[] | select(.name != "envp")]})' "$1"
}
# The file events of cat run through a symlink: the same names and arguments
# but dev and inode (other file systems); exec'ing through the link names the
# real file. Compared: the exec check and cat's open of the known file. (The
# process name differs: an LSM hook runs before exec renames the task, the
# host's fallback after. The LSM hook also sees exec's own open of the
# program, which no syscall shows the host.)
file_events() {
    jq -c -s --arg f "$KNOWN" 'map(select(
            (.eventName == "security_bprm_check" and .args[0].value == "/usr/bin/cat")
            or (.eventName == "security_file_open" and .args[0].value == $f)))
        | map({eventName, args: [.args[] | select(.name != "dev" and .name != "inode")]})' "$1"
}
# A write and an unlink: the same events and arguments but dev and inode.
write_events() {
    jq -c -s --arg f "$WRITTEN" 'map(select(any(.args[]; .name == "pathname" and .value == $f)))
        | map([.eventName, (.args[] | select(.name != "dev" and .name != "inode") | .value)])
        | sort' "$1"
}
# The workload's calls compared with what it expected, one line per call
# ("ok N name = ret" or "bad ..."): $1 tracee's JSON, $2 the workload's
# expected.json, $3 its children.json.
workload_verdicts() {
    [[ -s $2 && -s $3 ]] || { echo "bad the workload left no expected.json"; return 0; }
    jq -r -s --slurpfile exp "$2" --argjson pid "$(jq .pid "$3")" --arg dir "$D" \
        -f "$JQ_EXPECTED" "$1" 2>&1
}
# The verdicts without the return values (pids, fds differ between kernels).
verdict_names() { cut -d' ' -f1-3 "$1"; }

check "host object builds" prebuild
H=$WORK/host
mkdir -p "$H"
tracee -o json -e openat,execve -- /usr/bin/cat "$KNOWN" 2>/dev/null | grep -vx "known contents" \
    >"$H/syscalls.json"
syscall_events "$H/syscalls.json" >"$H/syscalls.sel"
tracee -o json -e "$WL_NAMES" -- "$WL" "$D" >"$H/workload.json" 2>/dev/null
workload_verdicts "$H/workload.json" "$D/expected.json" "$D/children.json" >"$H/workload.cmp"
check "host workload: every expected call as expected" test -z "$(grep -v '^ok ' "$H/workload.cmp")"
for e in "${FILE_EVENTS[@]}"; do
    tracee -o json -e "$e" -- "$WORK/cat-link" "$KNOWN" 2>/dev/null | grep -vx "known contents" \
        >"$H/$e.json"
    file_events "$H/$e.json" >"$H/$e.sel"
done
if ((${#WRITE_EVENTS[@]})); then
    tracee -o json -e "$(csv "${WRITE_EVENTS[@]}")" -- /usr/bin/sh -c "$WRITE_CMD" \
        >"$H/writes.json" 2>/dev/null
    write_events "$H/writes.json" >"$H/writes.sel"
fi

# Execs of never-touched strings (where the kernel lacks sched_prepare_exec,
# a kprobe instead): per case its one exec event and its sched_process_exec,
# every argument the same (but envp, a pointer, and dirfd, a number the
# run's inherited descriptors decide: each is checked against its case's).
exec_events() { # JSON CASES: per case, its exec events
    jq -c -s --slurpfile c "$2" '. as $ev | [$c[] | . as $k | [$ev[] | select(.hostProcessId == $k.pid)
        | [.eventName, .returnValue, (.args[] | select(.name == "dirfd") | .value == $k.fd),
           [.args[] | select(.name != "envp" and .name != "dirfd") | .value]]]]' "$1"
}
mkdir -p "$EXECDIR"
tracee -o json -e execve,execveat,sched_process_exec -- "$EXECPROBE" "$EXECDIR" >"$H/exec.json" 2>/dev/null
exec_events "$H/exec.json" "$EXECDIR/cases.json" >"$H/exec.sel"

# --- per kernel --------------------------------------------------------------------

# build_for SUITE SERIES: the object from that kernel's own headers, built
# here (--debug: the build's decisions), into $WORK/SUITE.
build_for() {
    local suite=$1 series=$2 rel hdr s=$WORK/$1
    mkdir -p -m 0700 "$s"
    "$RUN" --kernel "$suite" --release-info >"$s/info" 2>"$s/info.err" || { cat "$s/info.err"; return 1; }
    rel=$(sed -n 's/^release //p' "$s/info")
    hdr=$(sed -n 's/^headers //p' "$s/info")
    echo "$rel" >"$s/release"
    check "[$suite] its cloud kernel, $rel, is a $series kernel" test "${rel#"$series".}" != "$rel"
    KERN_RELEASE=$rel KERN_HEADERS=$hdr "$TRACEE" --debug --build-only --build-policy always \
        --install-path "$s/obj" >"$s/objpath" 2>"$s/build.err"
    check "[$suite] object built from $rel's headers" test $? = 0
    check "[$suite] from that kernel's headers, not BTF" grep -Eq \
        "building eBPF object for kernel $(ere "$rel") from kernel headers \(.*/linux-headers-$(ere "$rel"), .*/linux-headers-.*-common\)" \
        "$s/build.err"
}

# check_boot SUITE SERIES LSM: boots, runs the guest commands, compares.
check_boot() {
    local suite=$1 series=$2 lsm=$3 b rel obj g kind rc
    b="$suite $series, lsm= with bpf"
    [[ $lsm == default ]] && b="$suite $series, built-in LSM list"
    g=$WORK/$suite-${lsm//,/-}
    mkdir -p "$g"
    rel=$(cat "$WORK/$suite/release")
    obj=$(cat "$WORK/$suite/objpath")
    "$RUN" --kernel "$suite" --lsm "$lsm" --object "$obj" --script "$WORK/guest.sh" --out "$g" \
        --file "$KNOWN:$KNOWN" --add /usr/bin/rm --add "$WL" --add "$EXECPROBE" \
        >"$g/run.out" 2>"$g/run.err"
    rc=$?
    check "[$b] guest booted and ran its commands (run.sh exit 0)" test $rc = 0
    if [[ $rc != 0 ]]; then tail -n 40 "$g/run.err"; fi
    check "[$b] guest kernel is $rel" grep -qx "$rel" "$g/uname"
    if [[ $lsm == default ]]; then
        check "[$b] bpf is not an active LSM" absent '(^|,)bpf(,|$)' "$g/lsm"
    else
        check "[$b] bpf is an active LSM" grep -Eq '(^|,)bpf(,|$)' "$g/lsm"
    fi

    check "[$b] guest tracee exits 0" grep -qx 0 "$g/syscalls.rc"
    check "[$b] guest tracee loads the prebuilt object with --build-policy never" grep -Eq \
        "^tracee: using /obj/tracee\.bpf\.$(ere "${rel//./_}")\.[0-9_]+\.o \(in the install path\)$" \
        "$g/syscalls.err"
    check "[$b] guest tracee builds nothing" test -s "$g/syscalls.err" -a -z "$(grep building "$g/syscalls.err")"
    check "[$b] guest tracee attaches its programs" grep -q '^tracee: attached tracee_sys_exit ' "$g/syscalls.err"
    check "[$b] execve comes from its own syscall trace event" grep -qx \
        'tracee: event execve served by tracepoint:syscalls/sys_enter_execve' "$g/syscalls.err"
    check "[$b] counters: events, none lost" grep -Eq 'events: [1-9][0-9]*, lost: 0, errors: 0' "$g/syscalls.err"
    check "[$b] without an object: tracee fails" grep -Eqx '[1-9][0-9]*' "$g/noobj.rc"
    check "[$b] without an object: says so" grep -q '^tracee: no eBPF object found' "$g/noobj.err"
    check "[$b] without the build plugin: says it cannot build" grep -q \
        '^tracee: cannot build the eBPF object: build plugin .* not found (this is a slim install)' \
        "$g/noplugin.err"

    grep -vx "known contents" "$g/syscalls.out" | syscall_events /dev/stdin >"$g/syscalls.sel"
    check "[$b] execve of /usr/bin/cat with its argv" jq -e --arg f "$KNOWN" 'map(select(.eventName
        == "execve" and (.args[] | select(.name == "argv") | .value) == ["/usr/bin/cat", $f])) | length == 1' \
        "$g/syscalls.sel"
    check "[$b] host and guest: the same syscall events with the same arguments" \
        same_sel "$H/syscalls.sel" "$g/syscalls.sel"

    # the events test's workload: every call as the workload expected it,
    # the same verdicts (names, return values, decoded arguments) as here
    check "[$b] workload: tracee exits 0" grep -qx 0 "$g/workload.rc"
    workload_verdicts "$g/workload.out" "$g/workload.expected" "$g/workload.children" >"$g/workload.cmp"
    check "[$b] workload: one comparison per expected call" \
        test "$(wc -l <"$g/workload.cmp")" = "$(wc -l <"$g/workload.expected")"
    check "[$b] workload: every call with its return value and decoded arguments" \
        test -z "$(grep -v '^ok ' "$g/workload.cmp")"
    grep -v '^ok ' "$g/workload.cmp" | head -5
    check "[$b] workload: the same calls as on the host, one by one" \
        cmp -s <(verdict_names "$H/workload.cmp") <(verdict_names "$g/workload.cmp")

    check "[$b] exec workload: exits 0, every case run with its strings unmapped" \
        test "$(cat "$g/exec.rc")" = 0 -a "$(jq -s 'length == 7 and all(.untouched)' "$g/exec.cases")" = true
    grep '^{' "$g/exec.out" | exec_events /dev/stdin "$g/exec.cases" >"$g/exec.sel"
    check "[$b] exec workload: every argument of every exec, as on the host" \
        same_sel "$H/exec.sel" "$g/exec.sel"
    check "[$b] exec workload: the script's execve has its own argv[0]" jq -e \
        '.[4][0] == ["execve", 0, ["'"$EXECDIR"'/script", ["probe-arg0", "rodata argument 1"]]]' \
        "$g/exec.sel"

    check_security "$b" "$g" "" "$(grep -Eq '(^|,)bpf(,|$)' "$g/lsm" && echo lsm)"
    check_security "$b" "$g" -kprobe kprobe
}

# check_security LABEL DIR SUFFIX KIND: the security runs of one boot (NAME
# SUFFIX in DIR): each event served by KIND (lsm: the events with an LSM
# probe by it, the rest by fentry or kprobe; empty: fentry or kprobe), the
# file and write events the same as here.
check_security() {
    local b="$1${3:+, lsm and fentry refused}" g=$2 kp=$3 want=$4 e kind
    if ((${#SEC_EVENTS[@]})); then
        check "[$b] tracee with every security event exits 0" grep -qx 0 "$g/security$kp.rc"
    fi
    for e in "${SEC_EVENTS[@]}"; do
        case $want in
        kprobe) kind=kprobe ;;
        lsm) kind='(fentry|kprobe)'; [[ $LSM_EVENTS == *" $e "* ]] && kind=lsm ;;
        *) kind='(fentry|kprobe)' ;;
        esac
        check "[$b] $e: served by $kind" grep -Eq "^tracee: event $e served by $kind:" "$g/security$kp.err"
    done
    for e in "${FILE_EVENTS[@]}"; do
        check "[$b] $e: tracee exits 0" grep -qx 0 "$g/$e$kp.rc"
        grep -vx "known contents" "$g/$e$kp.out" | file_events /dev/stdin >"$g/$e$kp.sel"
        check "[$b] host and guest $e: the same events with the same arguments" \
            same_sel "$H/$e.sel" "$g/$e$kp.sel"
    done
    if ((${#WRITE_EVENTS[@]})); then
        check "[$b] writes: tracee exits 0" grep -qx 0 "$g/writes$kp.rc"
        write_events "$g/writes$kp.out" >"$g/writes$kp.sel"
        check "[$b] writes: every write event seen" jq -e --argjson n "${#WRITE_EVENTS[@]}" \
            'map(.[0]) | unique | length == $n' "$g/writes$kp.sel"
        check "[$b] host and guest writes: the same events with the same arguments" \
            same_sel "$H/writes.sel" "$g/writes$kp.sel"
    fi
}

# served FILE: "event kind:target" per --debug line of FILE, sorted.
served() {
    sed -n 's/^tracee: event \([a-z_]*\) served by \(.*\)/\1 \2/p
            s/^tracee: event \([a-z_]*\) has no probe .*/\1 none/p' "$1" 2>/dev/null | sort
}

# summarize SUITE LSM PASSED FAILED: what the boot used, for the summary:
# the kernel, its active LSMs, the accelerator and the time the guest ran,
# per security event the probe that served it (and with lsm and fentry
# refused), the build's feature decisions.
summarize() {
    local suite=$1 lsm=$2 g=$WORK/$1-${2//,/-}
    echo "$(cat "$WORK/$suite/release") ($suite), active LSMs $(cat "$g/lsm" 2>/dev/null || echo '?'):" \
        "$3 passed, $4 failed"
    sed -n 's/^tracee-qemu: \(accelerator .*\)/  \1/p; s/^tracee-qemu: .* the guest \(ran .*\)/  guest \1/p' \
        "$g/run.err"
    join -a 1 <(served "$g/security.err") <(served "$g/security-kprobe.err") |
        awk '{ printf "  %-22s %s%s\n", $1, $2, ($3 == "" ? "" : "  (lsm,fentry off: " $3 ")") }'
    sed -En 's/^(tracee: )?(feature.*)/  build: \2/p' "$WORK/$suite/build.err"
    sed -En 's/^(tracee: )?(feature.*)/  guest: \2/p' "$g/security.err" 2>/dev/null
}

: >"$WORK/summary"
built=" "
for boot in "${BOOTS[@]}"; do
    read -r suite series lsm <<<"$boot"
    [[ ,${TRACEE_QEMU_SUITES:-$suite}, == *,$suite,* ]] || continue
    if [[ $built != *" $suite "* ]]; then
        build_for "$suite" "$series" || { bad "[$suite] kernel $series and its headers fetched"; continue; }
        built+="$suite "
    fi
    p0=$PASSED; f0=$FAILED
    check_boot "$suite" "$series" "$lsm"
    summarize "$suite" "$lsm" $((PASSED - p0)) $((FAILED - f0)) >>"$WORK/summary"
done

# Headers of one kernel never build an object named for another.
KERN_HEADERS=$("$RUN" --kernel bookworm --release-info | sed -n 's/^headers //p') \
    "$TRACEE" --build-only --build-policy always --install-path "$WORK/mismatch" >/dev/null \
    2>"$WORK/mismatch.err"
check "6.1 headers for this kernel's release: refused" test $? != 0
check "6.1 headers for this kernel's release: says which release they are for" grep -Eq \
    "^tracee: kernel headers .* are for kernel 6\.1\.0-[0-9]+-cloud-amd64, not $(uname -r | sed 's/\./\\./g'): set KERN_RELEASE=" \
    "$WORK/mismatch.err"

mkdir -p "$(dirname "$SUMMARY")" && cp "$WORK/summary" "$SUMMARY"
echo "--- kernels (also in $SUMMARY) ---"
cat "$WORK/summary"
finish
