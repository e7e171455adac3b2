#!/usr/bin/env bash
# test_events.sh - every decoded event of a known workload, field by field
# (test/workload/workload.c: more than 40 distinct syscalls, some failing on
# purpose), the process life-cycle events, sys_enter/sys_exit, cap_capable,
# event sets, --exclude-event, --show-exec-env, --list, table-verbose and
# the errors for unknown event and set names.
source "$(dirname "$0")/lib.sh"
need_root
WL="$(dirname "$TRACEE")/syscall_workload"
JQ_EXPECTED="$(dirname "$0")/events_expected.jq"
check "object builds" prebuild

# The workload's calls, and the events tracee has besides.
D="$WORK/wl"
mkdir -p "$D"
"$WL" "$D" || bad "the workload runs untraced"
NAMES=$(jq -r .name "$D/expected.json" | sort -u | paste -sd, -)
check "the workload makes at least 40 distinct syscalls" test "$(tr , '\n' <<<"$NAMES" | wc -l)" -ge 40
check "some fail with ENOENT, EBADF, EACCES" jq -e -s \
    '[.[].ret] | index(-2) and index(-9) and index(-13)' "$D/expected.json"
rm -f "$D"/*

tracee -o json -e "$NAMES,setuid,sched_process_exec,sched_process_fork,sched_process_exit,cap_capable" \
    -- "$WL" "$D" >"$WORK/ev.json" 2>"$WORK/ev.err"
check "tracee -- workload exits 0 (every call returned what it should)" test $? = 0
check "no event lost" grep -q 'lost: 0, errors: 0' "$WORK/ev.err"
PID=$(jq .pid "$D/children.json")
K7=$(jq .exit7 "$D/children.json")
KX=$(jq .exec "$D/children.json")
KN=$(jq .nobody "$D/children.json")

# every expected call: name, return value, and each argument's name, type and value
jq -r -s --slurpfile exp "$D/expected.json" --argjson pid "$PID" --arg dir "$D" \
    -f "$JQ_EXPECTED" "$WORK/ev.json" >"$WORK/cmp" 2>&1
check "one comparison per expected call" test "$(wc -l <"$WORK/cmp")" = "$(wc -l <"$D/expected.json")"
while read -r verdict rest; do
    if [[ $verdict == ok ]]; then ok "event $rest"; else bad "event $rest"; fi
done <"$WORK/cmp"

# process life cycle
ev() { jq -e -s "$1" "$WORK/ev.json"; }
check "sched_process_fork per child: parent and child tids/pids, host and namespace" ev "
    [.[] | select(.eventName == \"sched_process_fork\" and .hostProcessId == $PID) | [.args[].value]]
    == [[$PID,$PID,$PID,$PID,$K7,$K7,$K7,$K7], [$PID,$PID,$PID,$PID,$KX,$KX,$KX,$KX],
        [$PID,$PID,$PID,$PID,$KN,$KN,$KN,$KN]]"
check "sched_process_fork argument names and types" ev '
    [first(.[] | select(.eventName == "sched_process_fork")) | .args[] | .name + ":" + .type]
    == ["parent_tid:int","parent_ns_tid:int","parent_pid:int","parent_ns_pid:int",
        "child_tid:int","child_ns_tid:int","child_pid:int","child_ns_pid:int"]'
check "sched_process_exec of /bin/true: pathname, interpreter, the new argv" ev "
    [.[] | select(.eventName == \"sched_process_exec\" and .hostProcessId == $KX) | .args]
    == [[{name:\"pathname\",type:\"const char*\",value:\"/bin/true\"},
         {name:\"interpreter\",type:\"const char*\",value:\"/bin/true\"},
         {name:\"argv\",type:\"const char**\",value:[\"true\",\"wl-arg\"]}]]"
check "sched_process_exec of the workload itself, by processName after the exec" ev "
    [.[] | select(.eventName == \"sched_process_exec\" and .hostProcessId == $PID)
     | [.processName, .args[0].value, .args[2].value]]
    == [[\"syscall_workloa\", \"$WL\", [\"$WL\", \"$D\"]]]"
check "sched_process_exit: wait status and group exit per process (exit 7 -> 1792)" ev "
    [.[] | select(.eventName == \"sched_process_exit\") | [.hostProcessId, .args[0].value, .args[1].value]]
    | sort == ([[$K7,1792,1],[$KX,0,1],[$KN,0,1],[$PID,0,1]] | sort)"
check "sched_process_exit argument names and types" ev '
    [first(.[] | select(.eventName == "sched_process_exit")) | .args[] | .name + ":" + .type]
    == ["exit_code:long","process_group_exit:bool"]'
# (the syscall events are made at exit: setuid's already shows the new uid)
check "the nobody child: setuid(65534) = 0, then openat of a 0600 file = -EACCES" ev "
    [.[] | select(.hostProcessId == $KN and (.eventName == \"setuid\" or .eventName == \"openat\"))
     | [.eventName, .returnValue, .args[1].value // .args[0].value, .userId]]
    == [[\"setuid\",0,65534,65534],[\"openat\",-13,\"$D/secret\",65534]]"
check "cap_capable: CAP_SETUID in setuid, CAP_DAC_OVERRIDE in openat, by the nobody child" ev "
    [.[] | select(.eventName == \"cap_capable\" and .hostProcessId == $KN)
     | [.args[0].value, .args[1].value]] as \$c
    | (\$c | index([[\"CAP_SETUID\",\"setuid\"]])) and (\$c | index([[\"CAP_DAC_OVERRIDE\",\"openat\"]]))"
check "cap_capable argument names and types" ev '
    [first(.[] | select(.eventName == "cap_capable")) | .args[] | .name + ":" + .type]
    == ["cap:int","syscall:int"]'

# sys_enter / sys_exit: one each per syscall, by name; sys_exit with the return value
rm -f "$D"/*
tracee -o json -e sys_enter,sys_exit -- "$WL" "$D" >"$WORK/raw.json" 2>/dev/null
check "tracee -e sys_enter,sys_exit -- workload exits 0" test $? = 0
PID=$(jq .pid "$D/children.json")
# the calls as the workload made them
jq -c -s '[.[] | [.name, .ret]]' "$D/expected.json" >"$WORK/calls"
raw() {
    jq -c -s --argjson pid "$PID" --arg dir "$D" --arg ev "$1" '
        [.[] | select(.hostProcessId == $pid and .eventName == $ev)] as $all
        | ($all | map(.args[0].value) | index("chdir")) as $start
        | $all[$start:] | map([.args[0].value, .returnValue])' "$WORK/raw.json"
}
raw sys_exit | jq -c --slurpfile want "$WORK/calls" '.[: ($want[0] | length)]' >"$WORK/exits"
check "sys_exit: the workload's syscalls by name, with their return values, in order" \
    cmp -s "$WORK/exits" "$WORK/calls"
raw sys_enter | jq -c --slurpfile want "$WORK/calls" '.[: ($want[0] | length)] | map([.[0], 0])' >"$WORK/enters"
jq -c 'map([.[0], 0])' "$WORK/calls" >"$WORK/calls0"
check "sys_enter: the same syscalls by name, in order" cmp -s "$WORK/enters" "$WORK/calls0"
check "sys_enter argument: syscall (int), a name" jq -e -s \
    '[.[] | select(.eventName == "sys_enter")][0].args == [{name:"syscall",type:"int",value:.[0].args[0].value}]
     and ([.[] | .args[0].value | type] | unique == ["string"])' "$WORK/raw.json"
check "only sys_enter and sys_exit were traced" jq -e -s \
    'map(.eventName) | unique == ["sys_enter","sys_exit"]' "$WORK/raw.json"

# sets: -s fs traces only the fs set; --exclude-event removes one
tracee --list >"$WORK/list"
grep -E '^  [a-z0-9_]+ +\[([^]]* )?fs( [^]]*)?\]' "$WORK/list" | awk '{print $1}' | sort >"$WORK/fs_set"
rm -f "$D"/*
tracee -o json -s fs -- "$WL" "$D" >"$WORK/fs.json" 2>/dev/null
jq -r .eventName "$WORK/fs.json" | sort -u >"$WORK/fs_seen"
check "-s fs: some fs events (openat, close, stat)" grep -qx -e openat "$WORK/fs_seen"
check "-s fs: only events of the fs set" test -z "$(comm -23 "$WORK/fs_seen" "$WORK/fs_set")"
check "-s fs: no socket, no sched_process_exec" test -z "$(grep -x -e socket -e sched_process_exec "$WORK/fs_seen")"
rm -f "$D"/*
tracee -o json -s fs --exclude-event close,stat -- "$WL" "$D" >"$WORK/fsx.json" 2>/dev/null
check "--exclude-event close,stat: neither traced, openat still is" jq -e -s \
    'map(.eventName) | (index("close") or index("stat") | not) and index("openat")' "$WORK/fsx.json"
rm -f "$D"/*
tracee -o json -e openat,close -s proc_life --exclude-event sched_process_fork -- "$WL" "$D" \
    >"$WORK/mix.json" 2>/dev/null
check "-e and -s add up; --exclude-event wins over both" jq -e -s \
    'map(.eventName) | unique == ["clone","close","execve","exit_group","openat","sched_process_exec",
                                  "sched_process_exit","wait4"]' "$WORK/mix.json"
rm -f "$D"/*
tracee -o json -- "$WL" "$D" >"$WORK/def.json" 2>/dev/null
check "no -e, no -s: the default set (openat, sched_process_exec; not read, not sys_enter)" jq -e -s \
    'map(.eventName) | index("openat") and index("sched_process_exec") and (index("read") | not)
     and (index("sys_enter") | not)' "$WORK/def.json"

# --show-exec-env: envp as strings instead of its address
tracee -o json -e execve --show-exec-env -- env -i WL_VAR=1 /bin/true >"$WORK/env.json" 2>/dev/null
check "--show-exec-env: envp of env -i WL_VAR=1 is [\"WL_VAR=1\"]" jq -e -s \
    'map(select(.args[0].value == "/bin/true")) | .[0].args[2] == {name:"envp",type:"const char*const*",value:["WL_VAR=1"]}' \
    "$WORK/env.json"
tracee -o json -e execve -- env -i WL_VAR=1 /bin/true >"$WORK/noenv.json" 2>/dev/null
check "without it: envp is an address" jq -e -s \
    'map(select(.args[0].value == "/bin/true")) | .[0].args[2].value | test("^0x[0-9a-f]+$")' "$WORK/noenv.json"

# --list: a header, then every syscall, then the other events: name [sets] (signature)
check "--list: System Calls header first" \
    test "$(head -1 "$WORK/list" | tr -s ' ')" = "System Calls: Sets: Arguments:"
check "--list: more than 360 syscalls before Other Events" test \
    "$(sed '/^Other Events:/q' "$WORK/list" | grep -c '^  [a-z]')" -gt 360
check "--list: openat with its sets and signature" grep -Eq \
    '^  openat +\[default syscalls fs fs_file_ops\] +\(int dirfd, const char\* pathname, int flags, mode_t mode\)$' "$WORK/list"
check "--list: sched_process_exec under Other Events" sh -c "sed -n '/^Other Events:/,\$p' '$WORK/list' | grep -Eq \
    '^  sched_process_exec +\[default proc proc_life\] +\(const char\* pathname, const char\* interpreter, const char\*\* argv\)$'"
check "--list: sys_enter in no set" grep -Eq '^  sys_enter +\[\] +\(int syscall\)$' "$WORK/list"
check "--list: cap_capable" grep -Eq '^  cap_capable +\[default\] +\(int cap, int syscall\)$' "$WORK/list"

# table-verbose: UTS_NAME, MNT_NS, PID_NS, PPID columns with the workload's values; pids
# as later Tracee prints them, "%-7d/%-7d": in the task's pid namespace / on the host
rm -f "$D"/*
"$TRACEE" --install-path "$INSTALL" --output-path "$OUTPUT" -o table-verbose -e chdir -- "$WL" "$D" \
    >"$WORK/verbose" 2>/dev/null &
TPID=$!
wait $TPID
check "table-verbose header" test "$(head -1 "$WORK/verbose" | tr -s ' ')" = \
    "TIME(s) UTS_NAME MNT_NS PID_NS UID COMM PID/host TID/host PPID/host RET EVENT ARGS"
PID=$(jq .pid "$D/children.json")
row="$(grep ' chdir ' "$WORK/verbose" | tr -s ' ')"
want="$(uname -n | cut -c1-15) $(stat -L -c %i /proc/self/ns/mnt) $(stat -L -c %i /proc/self/ns/pid)"
want="$want 0 syscall_workloa $PID /$PID $PID /$PID $TPID /$TPID 0 chdir path: $D"
check "table-verbose row: uts name, mount and pid namespaces, uid, comm, pids, ppid (tracee)" \
    test "$(cut -d' ' -f2- <<<"$row")" = "$want"

# The header's uid and comm are kept per thread and updated where they change:
# setresuid's own event already shows the new uid; after a rename (a write to
# /proc/self/comm) the shell's next syscall shows the new comm.
tracee -o json -e openat,setresuid -- setpriv --reuid 65534 --regid 65534 --clear-groups -- \
    sh -c 'printf renamed > /proc/self/comm; : < /etc/hostname' >"$WORK/ids.json" 2>/dev/null
check "setresuid: its event shows the new uid (65534), comm setpriv" \
    test "$(jq -r 'select(.eventName == "setresuid") | "\(.userId) \(.processName)"' "$WORK/ids.json")" = "65534 setpriv"
check "after the rename: openat of /etc/hostname shows uid 65534, comm renamed" \
    test "$(jq -r 'select(.eventName == "openat" and .args[1].value == "/etc/hostname") |
        "\(.userId) \(.processName)"' "$WORK/ids.json")" = "65534 renamed"

# unknown names: one line naming them, exit 2
for args in "-e nosuchevent" "-e openat,nosuchevent" "-s nosuchset" "-s fs,nosuchset" \
    "--exclude-event nosuchevent"; do
    # shellcheck disable=SC2086
    "$TRACEE" $args >"$WORK/err.out" 2>"$WORK/err"
    rc=$?
    name=${args##*[ ,]}
    got="$rc:$(wc -l <"$WORK/err"):$(grep -c "'$name'" "$WORK/err")"
    check "tracee $args: exit 2, one line naming '$name'" test "$got" = "2:1:1"
done

finish
