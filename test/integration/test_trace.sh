#!/usr/bin/env bash
# test_trace.sh - end to end: tracee -- COMMAND traces exactly that command,
# in table and JSON, exits with its status, keeps a pid file while it runs.
source "$(dirname "$0")/lib.sh"
need_root
check "object builds" prebuild

# JSON: cat's openat of /etc/hostname, valid lines, exit 0
# cat's own output (the host name) shares stdout with the events: keep the events
tracee -o json -e openat -- cat /etc/hostname >"$WORK/all" 2>"$WORK/json.err"
check "tracee -- cat exits 0" test $? = 0
grep -v -x -F "$(cat /etc/hostname)" "$WORK/all" >"$WORK/json"
check "every line is valid JSON" jq -e . "$WORK/json" >/dev/null
check "openat of /etc/hostname by cat, non-negative return" \
    jq -e -s 'map(select(.eventName == "openat" and .processName == "cat"
        and (.args[] | select(.name == "pathname") | .value) == "/etc/hostname"
        and .returnValue >= 0)) | length == 1' "$WORK/json"
check "only openat events" jq -e -s 'all(.eventName == "openat")' "$WORK/json"
check "JSON fields as Tracee names them" jq -e -s '.[0] | has("timestamp") and has("processId")
    and has("threadId") and has("parentProcessId") and has("hostProcessId") and has("hostThreadId")
    and has("hostParentProcessId") and has("userId") and has("mountNamespace") and has("pidNamespace")
    and has("processName") and has("hostName") and has("containerId") and (.eventId | type == "string")
    and has("eventName") and has("argsNum") and has("returnValue") and (.args | type == "array")' "$WORK/json"
check "openat args are dirfd, pathname, flags, mode with types" jq -e -s \
    '[.[0].args[] | .name + ":" + .type] == ["dirfd:int","pathname:const char*","flags:int","mode:mode_t"]' "$WORK/json"
check "counters on stderr" grep -Eq 'events: [0-9]+, lost: 0, errors: 0' "$WORK/json.err"

# the command's hostProcessId is the one the command reports for itself
tracee -o json -e execve -- sh -c 'echo $$ >'"$WORK/pid"'; exec true' >"$WORK/pidj" 2>/dev/null
check "exit status passes through (0)" test $? = 0
check "hostProcessId is the command's pid" jq -e -s --argjson p "$(cat "$WORK/pid")" \
    'any(.hostProcessId == $p and .eventName == "execve")' "$WORK/pidj"
tracee -e exit_group -- sh -c 'exit 7' >/dev/null 2>&1
check "exit status passes through (7)" test $? = 7

# the command's path is searched before the fork, as strace does: the trace
# begins with the one exec asked for, never with tracee's failed PATH attempts
PATH="$WORK/nowhere:/nonexistent:$PATH" tracee -o json -e execve -- true >"$WORK/launch" 2>/dev/null
check "launch: one execve, of true's path, that succeeded" jq -e -s --arg p "$(type -P true)" \
    'map([.eventName, .returnValue, (.args[] | select(.name == "pathname") | .value)])
     == [["execve", 0, $p]]' "$WORK/launch"
tracee -o json -e execve -- no-such-command-here >"$WORK/nf" 2>"$WORK/nf.err"
check "launch: a command not found exits 127" test $? = 127
check "launch: ... with one line naming it" test "$(cat "$WORK/nf.err")" = \
    "tracee: cannot run no-such-command-here: command not found in PATH (give its path, or add its directory to PATH)"
check "launch: ... and traces nothing" test ! -s "$WORK/nf"
tracee -o json -e execve -- "$WORK/no-such-file" >"$WORK/nf2" 2>"$WORK/nf2.err"
check "launch: a missing path exits 127, one line, nothing traced" test $? = 127 -a ! -s "$WORK/nf2" \
    -a "$(wc -l <"$WORK/nf2.err")" = 1
touch "$WORK/notexec"
tracee -o json -e execve -- "$WORK/notexec" >"$WORK/ne" 2>"$WORK/ne.err"
check "launch: a file that cannot run exits 126, one line, nothing traced" test $? = 126 -a ! -s "$WORK/ne" \
    -a "$(cat "$WORK/ne.err")" = "tracee: cannot run $WORK/notexec: Permission denied"

# follow: a grandchild's events are traced, an unrelated process's are not
# (a shell that opens /etc/hostname itself, over and over, all along)
sh -c 'while :; do read -r h </etc/hostname; done' & other=$!
tracee -o json -e openat -- sh -c 'sh -c "cat /etc/hostname >/dev/null"' >"$WORK/follow" 2>/dev/null
check "grandchild cat traced" jq -e -s 'any(.processName == "cat" and
    (.args[] | select(.name == "pathname") | .value) == "/etc/hostname")' "$WORK/follow"
check "unrelated process not traced" jq -e -s --argjson p "$other" 'all(.hostProcessId != $p)' "$WORK/follow"
kill "$other"; wait "$other" 2>/dev/null

# table: the exact header, and a row in Tracee's layout
tracee -e openat -- sh -c 'cat /etc/hostname >/dev/null' >"$WORK/table" 2>/dev/null
check "table header" test "$(head -1 "$WORK/table")" = \
    "TIME(s)        UID    COMM             PID     TID     RET              EVENT                ARGS"
check "table row for cat" grep -Eq \
    '^[0-9]+\.[0-9]{6} +0 +cat +[0-9]+ +[0-9]+ +[0-9]+ +openat +dirfd: AT_FDCWD, pathname: /etc/hostname, flags: O_RDONLY, ' "$WORK/table"

# exec and exit are made at syscall entry, by their own syscall trace events:
# the raw sys_enter program, which would run at every syscall, stays out.
# With those trace events refused, sys_enter serves them: the same records.
entry_records() { # OUT: execve and exit_group of sh -c 'exec sh -c "exit 3"' (as JSON)
    tracee --debug -o json -e execve,exit_group -- /bin/sh -c 'exec /bin/sh -c "exit 3"' >"$WORK/$1.json" \
        2>"$WORK/$1.err"
    jq -c -s 'map([.eventName, .returnValue, (.args | map(.value) | del(.[2]))])' "$WORK/$1.json" \
        >"$WORK/$1.sel"
}
entry_records entry
check "execve and exit_group: from their syscall trace events" grep -qx \
    'tracee: event exit_group served by tracepoint:syscalls/sys_enter_exit_group' "$WORK/entry.err"
check "execve and exit_group: sys_enter not attached" absent '^tracee: attached tracee_sys_enter ' \
    "$WORK/entry.err"
check "execve and exit_group: two execs, then exit_group(3)" jq -e '. == [
    ["execve", 0, ["/bin/sh", ["/bin/sh", "-c", "exec /bin/sh -c \"exit 3\""]]],
    ["execve", 0, ["/bin/sh", ["/bin/sh", "-c", "exit 3"]]], ["exit_group", 0, [3]]]' "$WORK/entry.sel"
TRACEE_PROBES_OFF=tracepoint:syscalls/sys_enter_execve,tracepoint:syscalls/sys_enter_exit_group \
    entry_records fallback
check "with their trace events refused: served by sys_enter" grep -qx \
    'tracee: event execve served by tracepoint:sys_enter (fallback)' "$WORK/fallback.err"
check "with their trace events refused: the same records" cmp "$WORK/entry.sel" "$WORK/fallback.sel"

# A probe whose own check passes but whose program the kernel refuses at load
# (as an older verifier does): the event is retried with its next probe.
# TRACEE_BREAK_PROGS has the kernel refuse the named programs for real.
TRACEE_BREAK_PROGS=tracee_entry_execve,tracee_entry_exit_group entry_records refused
check "program refused at load: --debug says so and what happens" grep -qx \
    'tracee: the kernel refused program tracee_entry_execve of the probe serving execve: trying the next probe' \
    "$WORK/refused.err"
check "program refused at load: the next probe serves the event" grep -qx \
    'tracee: event execve served by tracepoint:sys_enter (fallback)' "$WORK/refused.err"
check "program refused at load: the same records" cmp "$WORK/entry.sel" "$WORK/refused.sel"
# a program no probe can stand in for: one line, exit 1, nothing traced
TRACEE_BREAK_PROGS=tracee_sys_exit tracee -e getpid -- true >"$WORK/broken.out" 2>"$WORK/broken.err"
check "always-on program refused: exit 1" test $? = 1
check "... one line saying the load failed" bash -c "test \$(wc -l <'$WORK/broken.err') = 1 &&
    grep -Eq '^tracee: loading the eBPF object into the kernel failed: .+ \\(run with --debug' '$WORK/broken.err'"
check "... nothing printed" test ! -s "$WORK/broken.out"

# a new task's trace decision is taken at its fork: its first syscall exit,
# its own return from clone (0), is reported too
tracee -o json -e clone,clone3 -- sh -c '/bin/true & wait' >"$WORK/fork.json" 2>/dev/null
check "fork: the parent's clone returns the child's pid, the child's own clone returns 0" jq -e -s '
    map(select(.returnValue > 0)) as $p | map(select(.returnValue == 0)) as $c
    | ($p | length) == 1 and ($c | length) == 1 and $c[0].hostThreadId == $p[0].returnValue
      and $c[0].eventName == $p[0].eventName' "$WORK/fork.json"

# pid file exists while tracing, removed at exit
tracee -e openat -- sh -c "cat $OUTPUT/tracee.pid >$WORK/pidfile" >/dev/null 2>&1
check "tracee.pid written while tracing" grep -Eq '^[0-9]+$' "$WORK/pidfile"
check "tracee.pid removed at exit" test ! -e "$OUTPUT/tracee.pid"

# no command: trace until SIGINT; process:new sees a process started after it
tracee -o json -e openat >"$WORK/new" 2>/dev/null & tp=$!
for _ in $(seq 50); do [[ -e $OUTPUT/tracee.pid ]] && break; sleep 0.1; done
# (cat's openat is in the ring buffer before cat exits; tracee drains the
# ring before it exits on SIGINT)
cat /etc/hostname >/dev/null
# $tp is the subshell running the tracee function; signal tracee itself
kill -INT "$(cat "$OUTPUT/tracee.pid")"; wait $tp
check "SIGINT exits 0" test $? = 0
check "process:new sees a new process" jq -e -s 'any(.processName == "cat" and
    (.args[] | select(.name == "pathname") | .value) == "/etc/hostname")' "$WORK/new"
finish
