#!/usr/bin/env bash
# test_capable.sh - cap_capable reports the audited capability checks and
# leaves out those made with CAP_OPT_NOAUDIT, as Tracee did. The workload
# (test/workload/capcheck.c, run as nobody so every check fails) makes two
# audited checks and three kinds of unaudited ones. The kernel's own tracing
# (a tracefs instance with a stack trace per capability:cap_capable) first
# shows that it makes both kinds, named by the functions that called
# cap_capable; then tracee must report exactly the audited ones.
source "$(dirname "$0")/lib.sh"
need_root
CAPCHECK="$(dirname "$TRACEE")/capcheck"
NOBODY=(setpriv --reuid 65534 --regid 65534 --clear-groups)
check "object builds" prebuild

# The kernel's view: "cap caller caller's-caller" for each check the workload
# made after its exec (the events before are setpriv's, as root).
INST=/sys/kernel/tracing/instances/tracee-capable-$$
mkdir "$INST" || bad "a tracefs instance"
if [[ ! -d $INST/events/capability ]]; then
    # before 6.14: no tracepoint; tracee reads opts at fentry/kprobe
    echo "note: no capability:cap_capable tracepoint: the kernel's view is skipped"
    rmdir "$INST"
else
( echo "$BASHPID" >"$INST/set_event_pid"
  echo stacktrace >"$INST/events/capability/cap_capable/trigger"
  echo 1 >"$INST/events/sched/sched_process_exec/enable"
  echo 1 >"$INST/events/capability/cap_capable/enable"
  exec "${NOBODY[@]}" "$CAPCHECK" $$ )
check "the workload's calls end as expected, untraced" test $? = 0
echo 0 >"$INST/events/enable"
echo '!stacktrace' >"$INST/events/capability/cap_capable/trigger"
cat "$INST/trace" >"$WORK/ftrace"
rmdir "$INST"
awk '/sched_process_exec: .*capcheck/ { on = 1; next }
     !on { next }
     / cap_capable: / { n = 0; match($0, /cap [0-9]+/); cap = substr($0, RSTART + 4, RLENGTH - 4); next }
     /^ => / { n++; if ($2 == "cap_capable") at = n; if (n == at + 1) c1 = $2; if (n == at + 2) print cap, c1, $2 }' \
    "$WORK/ftrace" | sort -u >"$WORK/kernel"
has() { grep -qx "$1" "$WORK/kernel"; }
check "kernel: audited CAP_SYS_ADMIN (21) by ns_capable (sethostname)" has "21 security_capable ns_capable"
check "kernel: audited CAP_SETUID (7) by ns_capable_setid (setuid)" has "7 security_capable ns_capable_setid"
check "kernel: unaudited CAP_SYS_PTRACE (19) by ns_capable_noaudit (/proc/PID/stat)" \
    has "19 security_capable ns_capable_noaudit"
check "kernel: unaudited CAP_SYS_ADMIN (21) by ns_capable_noaudit (seccomp)" \
    has "21 security_capable ns_capable_noaudit"
check "kernel: unaudited CAP_SYS_ADMIN (21) by security_vm_enough_memory_mm (mmap)" \
    grep -q "^21 security_vm_enough_memory_mm " "$WORK/kernel"
fi

# tracee's view of the same workload
tracee --debug -o json -e cap_capable -- "${NOBODY[@]}" "$CAPCHECK" $$ >"$WORK/ev.json" 2>"$WORK/ev.err"
check "tracee -- workload exits 0" test $? = 0
check "no event lost" grep -q 'lost: 0, errors: 0' "$WORK/ev.err"
if grep -q 'served by tracepoint:cap_capable' "$WORK/ev.err"; then
    check "--debug: the tracepoint leaves the unaudited checks out" \
        grep -q 'cap_capable: checks made without audit are left out (7 kernel functions' "$WORK/ev.err"
    check "--debug: every function is found" absent 'not in /proc/kallsyms' "$WORK/ev.err"
fi
check "exactly the audited checks, each with its capability and syscall" jq -e -s '
    [.[] | select(.eventName == "cap_capable" and .processName == "capcheck")
     | [.args[0].value, .args[1].value, .userId]]
    == [["CAP_SYS_ADMIN","sethostname",65534], ["CAP_SETUID","setuid",65534]]' "$WORK/ev.json"
# mmap, brk and exec's own mappings check CAP_SYS_ADMIN without audit; an exec
# as nobody may make audited checks too, the path walk's CAP_DAC_* where a
# directory on the way is not nobody's to search (a build in a 0700 mktemp
# directory): those belong.
check "no unaudited check from setpriv either (mmap, brk, execve's mappings)" jq -e -s '
    [.[] | select(.eventName == "cap_capable")
     | select(.args[1].value == "mmap" or .args[1].value == "brk" or
              (.args[1].value == "execve" and (.args[0].value | test("^CAP_DAC_") | not)))] == []' \
    "$WORK/ev.json"
check "setpriv's own audited checks are there (CAP_SETUID in setresuid)" jq -e -s '
    [.[] | select(.eventName == "cap_capable" and .processName == "setpriv") | .args[1].value]
    | index("setresuid")' "$WORK/ev.json"

finish
