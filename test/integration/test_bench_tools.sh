#!/usr/bin/env bash
# test_bench_tools.sh - the benchmark's two kernel-side helpers do what
# test/bench/bench.sh relies on: empty_exit attaches an empty program at
# raw_tracepoint/sys_exit around a command, passes its status on and detaches
# at exit; prog_stats reads its parent's programs around its command and
# names them whole from their BTF. The figures are the bench's to show, not a test's:
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
check "it says nothing of its own" test ! -s "$WORK/e.err"
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

# prog_stats reads its parent's programs around its command: under empty_exit,
# the empty program; under tracee, tracee's, named whole from their BTF.
"$EMPTY" "$PROG_STATS" sh -c 'exit 4' 2>"$WORK/pe.err"
check "prog_stats passes its command's status on (through empty_exit too)" test $? = 4
check "one line, for the empty program" test "$(grep -Ec '^prog_stats: [0-9]+ empty_exit [0-9]+ [0-9]+$' "$WORK/pe.err")" = 1

prebuild || bad "tracee builds its object"
tracee -o json -e getppid -- "$PROG_STATS" sh -c \
    'grep -h "^prog_id:" /proc/$(awk "/^PPid:/ { print \$2 }" /proc/$PPID/status)/fdinfo/*' \
    >"$WORK/t.out" 2>"$WORK/t.err"
check "tracee -- prog_stats COMMAND exits 0" test $? = 0
awk '/^prog_id:/ { print $2 }' "$WORK/t.out" | sort -un >"$WORK/t.ids"
check "the command saw tracee's programs" test -s "$WORK/t.ids"
grep '^prog_stats: ' "$WORK/t.err" >"$WORK/t.stats"
check "one line per program: id, name, runs, ns" absent -v '^prog_stats: [0-9]+ [a-z_]+ [0-9]+ [0-9]+$' "$WORK/t.stats"
check "the ids are tracee's" diff <(awk '{ print $2 }' "$WORK/t.stats" | sort -un) "$WORK/t.ids"
check "names are whole, past the kernel's 15 characters" grep -Eq '^prog_stats: [0-9]+ [a-z_]{16,} ' "$WORK/t.stats"

"$PROG_STATS" 2>"$WORK/p-usage.err"
check "prog_stats without a pid: status 2" test $? = 2
"$PROG_STATS" $$ 2>"$WORK/p-none.err"
check "a process with no programs: status 1" test $? = 1
check "with one line saying so" test "$(cat "$WORK/p-none.err")" = "prog_stats: pid $$ holds no eBPF program"
finish
