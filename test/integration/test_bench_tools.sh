#!/usr/bin/env bash
# test_bench_tools.sh - the benchmark's two kernel-side helpers do what
# test/bench/bench.sh relies on: empty_exit attaches an empty program at
# raw_tracepoint/sys_exit around a command, passes its status on and detaches
# at exit; prog_stats holds a process's programs past its exit and names
# them whole from their BTF. The figures are the bench's to show, not a test's:
# nothing here depends on speed or on kernel.bpf_stats_enabled.
source "$(dirname "$0")/lib.sh"
need_root
DIST=$(dirname "$TRACEE")
EMPTY=$DIST/empty_exit
PROG_STATS=$DIST/prog_stats
BPFGONE=$DIST/bpfgone

# While the command runs, empty_exit's link is at raw_tracepoint sys_exit.
"$EMPTY" sh -c 'cat /proc/$PPID/fdinfo/*; exit 3' >"$WORK/e.fdinfo" 2>"$WORK/e.err"
check "empty_exit passes its command's exit status on" test $? = 3
check "its link is a raw tracepoint" grep -Eq '^link_type:[[:space:]]+raw_tracepoint$' "$WORK/e.fdinfo"
check "attached at sys_exit" grep -Eq '^tp_name:[[:space:]]+sys_exit$' "$WORK/e.fdinfo"
check "it prints its program's statistics line at exit" \
    grep -Eq '^empty_exit: [0-9]+ empty_exit [0-9]+ [0-9]+$' "$WORK/e.err"
id=$(awk '/^empty_exit: [0-9]/ { print $2 }' "$WORK/e.err")
check "the line names the attached program" grep -Eq "^prog_id:[[:space:]]+${id:-none}$" "$WORK/e.fdinfo"
# The link goes at once when closed (the program's own memory may wait for
# an RCU grace period: not checked).
detached() { [[ -n $1 ]] && "$BPFGONE" "link:$1"; }
check "and it detached at exit" detached "$(awk '/^link_id:/ { print $2 }' "$WORK/e.fdinfo")"

"$EMPTY" /nonexistent/cmd 2>"$WORK/e-missing.err"
check "a missing command: status 127" test $? = 127
check "with one line naming it" grep -q '^empty_exit: cannot run /nonexistent/cmd: No such file or directory$' "$WORK/e-missing.err"

setpriv --reuid=65534 --regid=65534 --clear-groups "$EMPTY" true 2>"$WORK/e-user.err"
check "not root: status 1" test $? = 1
check "with one line saying why" test "$(cat "$WORK/e-user.err")" = \
    "empty_exit: cannot load the empty program: Operation not permitted (run it as root)"

# prog_stats on an idle tracee (its filter matches no process): it holds the
# programs, tracee exits, the line of each program comes after.
prebuild || bad "tracee builds its object"
if start_tracee "$WORK/t.out" -e getppid -f comm=nomatch; then
    pid=$(cat "$OUTPUT/tracee.pid")
    grep -h '^prog_id:' /proc/"$pid"/fdinfo/* | awk '{ print $2 }' | sort -un >"$WORK/t.ids"
    "$PROG_STATS" "$pid" >"$WORK/p.out" 2>"$WORK/p.err" & PS=$!
    for _ in $(seq 300); do grep -q '^prog_stats: holding' "$WORK/p.err" && break; sleep 0.1; done
    stop_tracee
    wait "$PS"
    check "prog_stats exits 0 once tracee is gone" test $? = 0
    check "it held tracee's programs" grep -Eq "^prog_stats: holding $(grep -c '' "$WORK/t.ids") programs of pid $pid$" "$WORK/p.err"
    check "one line per program: id, name, runs, ns" absent -v '^prog_stats: [0-9]+ [a-z_]+ [0-9]+ [0-9]+$' "$WORK/p.out"
    check "the ids are tracee's" diff <(awk '{ print $2 }' "$WORK/p.out" | sort -un) "$WORK/t.ids"
    check "names are whole, past the kernel's 15 characters" \
        grep -Eq '^prog_stats: [0-9]+ tracee_sched_process_fork ' "$WORK/p.out"
else
    bad "tracee started"; cat "$WORK/t.out.err"
fi

"$PROG_STATS" 2>"$WORK/p-usage.err"
check "prog_stats without a pid: status 2" test $? = 2
"$PROG_STATS" $$ 2>"$WORK/p-none.err"
check "a process with no programs: status 1" test $? = 1
check "with one line saying so" test "$(cat "$WORK/p-none.err")" = "prog_stats: pid $$ holds no eBPF program"
finish
