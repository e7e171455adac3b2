#!/usr/bin/env bash
# test_exec.sh - exec events are true: one line per exec call (at
# sched_process_exec when it succeeds, at exit with its error when it fails),
# every argument right even where the caller never touched the pages holding
# them (test/workload/execprobe.c: strings in untouched .rodata, through
# fork+execv, execveat AT_EMPTY_PATH, posix_spawn, a memfd, a #! script, a
# second thread, a missing file), in JSON and table, with each probe the
# kernel may have to use; sched_process_exec names the file an fd exec ran.
source "$(dirname "$0")/lib.sh"
need_root
PROBE="$(dirname "$TRACEE")/execprobe"
check "object builds" prebuild

TRUE_REAL=$(realpath /bin/true)
ARGV3='["probe-arg0","rodata argument 1","rodata argument 2"]'

# run NAME [tracee flags...]: execprobe under tracee -o json, env A=1 B=2
run() {
    local name=$1; shift
    mkdir -p "$WORK/$name.d"
    tracee -o json "$@" -- env -i A=1 B=2 "$PROBE" "$WORK/$name.d" >"$WORK/$name.json" 2>"$WORK/$name.err"
}
# pid NAME CASE: the pid of a case of run NAME; fd NAME CASE: its execveat's fd
pid() { jq -r --arg c "$2" 'select(.case == $c) | .pid' "$WORK/$1.d/cases.json"; }
fd() { jq -r --arg c "$2" 'select(.case == $c) | .fd' "$WORK/$1.d/cases.json"; }
# execs NAME CASE: that case's exec events as [event, ret, argument values but envp]
execs() {
    jq -c -s --argjson p "$(pid "$1" "$2")" '[.[] | select(.hostProcessId == $p and
        (.eventName == "execve" or .eventName == "execveat"))
        | [.eventName, .returnValue, [.args[] | select(.name != "envp") | .value]]]' "$WORK/$1.json"
}
# sched NAME CASE: that case's sched_process_exec arguments
sched() {
    jq -c -s --argjson p "$(pid "$1" "$2")" '[.[] | select(.hostProcessId == $p and
        .eventName == "sched_process_exec") | [.args[].value]]' "$WORK/$1.json"
}
is() { [[ $1 == "$2" ]] || { echo "  got:  $1" >&2; echo "  want: $2" >&2; return 1; }; }

# every_case NAME LABEL: each case's exec line(s), exactly
every_case() {
    local n=$1 l=$2 d="$WORK/$1.d"
    check "$l: every case ran with its strings unmapped" jq -e -s \
        'length == 7 and all(.untouched)' "$d/cases.json"
    check "$l: fork+execv: one execve, every argument" is "$(execs "$n" fork)" \
        "[[\"execve\",0,[\"/bin/true\",$ARGV3]]]"
    check "$l: execveat(fd, \"\", AT_EMPTY_PATH): one execveat, every argument" is \
        "$(execs "$n" execveat)" "[[\"execveat\",0,[$(fd "$n" execveat),\"\",$ARGV3,\"AT_EMPTY_PATH\"]]]"
    check "$l: posix_spawn: one execve, every argument" is "$(execs "$n" spawn)" \
        "[[\"execve\",0,[\"/bin/true\",$ARGV3]]]"
    check "$l: memfd execveat: one execveat, every argument" is "$(execs "$n" memfd)" \
        "[[\"execveat\",0,[$(fd "$n" memfd),\"\",$ARGV3,\"AT_EMPTY_PATH\"]]]"
    check "$l: a thread's exec: one execve, every argument" is "$(execs "$n" thread)" \
        '[["execve",0,["/bin/true",["probe-arg0","rodata argument 2"]]]]'
    check "$l: a failed exec: one execve with -ENOENT, every argument" is "$(execs "$n" missing)" \
        '[["execve",-2,["/nonexistent/execprobe",["probe-arg0","rodata argument 1"]]]]'
}

# --- JSON, the probes this kernel serves best -------------------------------
run best -e execve,execveat,sched_process_exec,security_bprm_check
check "tracee -- execprobe exits 0" grep -q 'lost: 0, errors: 0' "$WORK/best.err"
every_case best "json"
check "json: a #! script: one execve, its own argv[0] too" is "$(execs best script)" \
    "[[\"execve\",0,[\"$WORK/best.d/script\",[\"probe-arg0\",\"rodata argument 1\"]]]]"
check "json: lines count execs: 9 calls (tracee's launch of env, env's, 7 cases), 9 lines" jq -e -s \
    'map(select(.eventName == "execve" or .eventName == "execveat")) | length == 9' "$WORK/best.json"
check "json: a successful exec is followed by its sched_process_exec" jq -e -s '
    [.[] | select(.eventName | test("^(execve|execveat|sched_process_exec)$"))] as $e
    | [range(0; $e | length) | select($e[.].returnValue == 0 and $e[.].eventName != "sched_process_exec")
       | $e[. + 1].eventName] | length == 8 and all(. == "sched_process_exec")' "$WORK/best.json"
check "sched_process_exec: fork+execv: the name given, the argv" is "$(sched best fork)" \
    "[[\"/bin/true\",\"/bin/true\",$ARGV3]]"
check "sched_process_exec: execveat of a file by fd: the file's own path, not /dev/fd/3" is \
    "$(sched best execveat)" "[[\"$TRUE_REAL\",\"$TRUE_REAL\",$ARGV3]]"
check "sched_process_exec: memfd: memfd:payload, as security_bprm_check names it" is \
    "$(sched best memfd)" "[[\"memfd:payload\",\"memfd:payload\",$ARGV3]]"
check "security_bprm_check of the memfd: memfd:payload" jq -e -s --argjson p "$(pid best memfd)" \
    '[.[] | select(.hostProcessId == $p and .eventName == "security_bprm_check") | .args[0].value]
     == ["memfd:payload"]' "$WORK/best.json"
check "sched_process_exec: a script: its path, its interpreter, the interpreter's argv" is \
    "$(sched best script)" \
    "[[\"$WORK/best.d/script\",\"/bin/sh\",[\"/bin/sh\",\"$WORK/best.d/script\",\"rodata argument 1\"]]]"
check "sched_process_exec: none for the failed exec" is "$(sched best missing)" "[]"

# --- the environment, from the new image's own copy --------------------------
run env -e execve,execveat --show-exec-env
check "--show-exec-env: envp of every exec is A=1 B=2" jq -e -s --argjson p "$(pid env fork)" \
    '[.[] | select(.hostProcessId >= $p) | .args[] | select(.name == "envp") | .value]
     | length == 7 and all(. == ["A=1","B=2"])' "$WORK/env.json"

# --- each fallback: the raw sys_enter entry; no sched_prepare_exec (< 6.10) ---
TRACEE_PROBES_OFF=tracepoint:syscalls/sys_enter_execve,tracepoint:syscalls/sys_enter_execveat \
    run rawenter --debug -e execve,execveat
check "sys_enter fallback: served by it" grep -qx \
    'tracee: event execveat served by tracepoint:sys_enter (fallback)' "$WORK/rawenter.err"
every_case rawenter "sys_enter fallback"
TRACEE_PROBES_OFF=tracepoint:sched_prepare_exec run noprep -e execve,execveat
every_case noprep "without sched_prepare_exec"

# --- table: one line per exec call -----------------------------------------
mkdir -p "$WORK/table.d"
tracee -o table -e execve,execveat -- "$PROBE" "$WORK/table.d" >"$WORK/table" 2>/dev/null
check "table: 8 exec lines for 8 calls" test "$(grep -Ec ' (execve|execveat) ' "$WORK/table")" = 8
check "table: one failed exec line, with its errno" test \
    "$(grep -Ec ' -2 ENOENT +execve +pathname: /nonexistent/execprobe, argv: \[probe-arg0 rodata argument 1\]' \
    "$WORK/table")" = 1
check "table: no exec line has an unreadable or empty argument" absent \
    '(execve|execveat) .*(<unreadable>|argv: \[\])' "$WORK/table"
finish
