#!/usr/bin/env bash
# test_modes.sh - --trace process modes with processes this test starts:
# process:new never shows a process that existed before tracee (nor a thread
# it starts later), process:all does, process:PID shows exactly those
# processes, process:follow catches the grandchildren of what --filter picks.
# Modes that see the whole machine are narrowed with a comm filter.
source "$(dirname "$0")/lib.sh"
need_root
check "object builds" prebuild


# process:new: old process (main thread and a new thread) no; its new child and new processes yes
start_late new; old=$LATE_PID
start_tracee "$WORK/new.json" -t process:new -o json -e openat -f comm=latecomer,cat
check "process:new: tracee starts" test $? = 0
act "$old"
cat "$WORK/new.cat" 2>/dev/null
stop_tracee
check "process:new: SIGINT exits 0" test $? = 0
check "process:new: a process started after tracee is traced" opened "$WORK/new.cat" "$WORK/new.json"
check "process:new: an older process's main thread is not" never_opened "$WORK/new.main" "$WORK/new.json"
check "process:new: nor a thread it starts after tracee" never_opened "$WORK/new.thread" "$WORK/new.json"
check "process:new: nothing at all of the older process" \
    jq -e -s --argjson p "$old" 'all(.hostProcessId != $p)' "$WORK/new.json"
check "process:new: the child it forks after tracee is a new process" \
    opened "$WORK/new.child" "$WORK/new.json"
check "process:new: the default mode" bash -c "'$TRACEE' --help | grep -q 'process:new (default)'"

# process:all: the older process, its thread and its child
start_late all; old=$LATE_PID
start_tracee "$WORK/all.json" -t process:all -o json -e openat -f comm=latecomer
act "$old"
stop_tracee
check "process:all: an older process's main thread is traced" opened "$WORK/all.main" "$WORK/all.json"
check "process:all: and its new thread" opened "$WORK/all.thread" "$WORK/all.json"
check "process:all: and its new child" opened "$WORK/all.child" "$WORK/all.json"
check "process:all: the thread's events carry the process's pid and another tid" \
    jq -e -s --argjson p "$old" --arg f "$WORK/all.thread" 'any(.hostProcessId == $p and
        .hostThreadId != $p and (.args[] | select(.name == "pathname") | .value) == $f)' "$WORK/all.json"
check "process:all: the comm filter keeps only latecomer" \
    jq -e -s 'length > 0 and all(.processName == "latecomer")' "$WORK/all.json"

# process:PID: exactly that process (threads included), not its child, not another
start_late pa; pa=$LATE_PID
start_late pb; pb=$LATE_PID
start_tracee "$WORK/pid.json" -t "process:$pa" -o json -e openat
act "$pa"; act "$pb"
stop_tracee
check "process:PID: its main thread" opened "$WORK/pa.main" "$WORK/pid.json"
check "process:PID: its thread" opened "$WORK/pa.thread" "$WORK/pid.json"
check "process:PID: not its child" never_opened "$WORK/pa.child" "$WORK/pid.json"
check "process:PID: not another process" never_opened "$WORK/pb.main" "$WORK/pid.json"
check "process:PID: every event is that process's" \
    jq -e -s --argjson p "$pa" 'length > 0 and all(.hostProcessId == $p)' "$WORK/pid.json"

start_late pc; pc=$LATE_PID
start_late pd; pd=$LATE_PID
start_tracee "$WORK/pids.json" -t "p:$pc,$pd" -o json -e openat
act "$pc"; act "$pd"
stop_tracee
check "process:PID,PID: both processes" bash -c "jq -e -s --arg f '$WORK/pc.main' 'any(.args[].value == \$f)' '$WORK/pids.json' &&
    jq -e -s --arg f '$WORK/pd.thread' 'any(.args[].value == \$f)' '$WORK/pids.json'"
check "process:PID,PID: nothing else" \
    jq -e -s --argjson a "$pc" --argjson b "$pd" 'all(.hostProcessId == $a or .hostProcessId == $b)' "$WORK/pids.json"

# process:follow: the processes --filter picks, with every descendant
cp /bin/sh "$WORK/rootsh"
start_tracee "$WORK/follow.json" -t process:follow -f comm=rootsh -o json -e openat
"$WORK/rootsh" -c "sh -c 'cat $WORK/follow.gc 2>/dev/null; true'; true"
cat "$WORK/follow.other" 2>/dev/null
stop_tracee
check "process:follow: the grandchild of the matching process" opened "$WORK/follow.gc" "$WORK/follow.json"
check "process:follow: a process outside the tree is not traced" \
    never_opened "$WORK/follow.other" "$WORK/follow.json"
check "process:follow: only rootsh and its descendants" \
    jq -e -s 'length > 0 and all(.processName == "rootsh" or .processName == "sh" or .processName == "cat")' \
    "$WORK/follow.json"

# -- COMMAND is process:follow of the command
tracee -o json -e openat -- sh -c "sh -c 'cat $WORK/cmd.gc 2>/dev/null; true'" >"$WORK/cmd.json" 2>/dev/null
check "-- COMMAND: a grandchild is traced" opened "$WORK/cmd.gc" "$WORK/cmd.json"

# a filter matching nothing: no events, clean exit
start_tracee "$WORK/none.json" -t process:all -f comm=nonexistent -o json
cat /etc/hostname >/dev/null
stop_tracee
check "process:all -f comm=nonexistent: exits 0" test $? = 0
check "process:all -f comm=nonexistent: no events" test ! -s "$WORK/none.json"
check "process:all -f comm=nonexistent: counters say so" grep -q 'events: 0, lost: 0, errors: 0' "$WORK/none.json.err"
finish
