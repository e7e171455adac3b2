#!/usr/bin/env bash
# test_programs.sh - real programs under strace and under tracee in the same
# run (tracee -s syscalls -- strace -f -o FILE -- PROGRAM): a compiler (gcc
# -c), an archiver (tar), git, python3 and a shell script that handles
# signals. For every syscall name, the number of calls strace shows for the
# program's threads must be the number of events tracee shows for them.
# Where they may differ for a reason the README names, the name is listed in
# KNOWN_DIFF (program:syscall); any other difference fails. A new task's own
# return from clone/clone3/fork/vfork (0) is an event in tracee, and no call
# in strace (which shows the call once, in the parent): those are counted
# apart, one per task the program created.
source "$(dirname "$0")/lib.sh"
need_root
command -v strace >/dev/null || { bad "strace is installed (./setup.sh test)"; finish; exit; }
check "object builds" prebuild
KNOWN_DIFF=""

SRC="$WORK/src"
mkdir -p "$SRC"
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >"$SRC/t.c"
printf 'one\n' >"$SRC/a.txt"
printf 'two\n' >"$SRC/b.txt"
# a shell that handles signals: each kill runs a trap, then rt_sigreturn
cat >"$SRC/signals.sh" <<'EOF'
n=0
trap 'n=$((n + 1))' USR1
for i in 1 2 3 4 5 6 7 8 9 10; do kill -USR1 $$; done
[ "$n" = 10 ]
EOF

# counts FILE.strace: "name count" per syscall of the program's threads
strace_counts() {
    # "PID name(" starts a call ("<unfinished ...>" too); "<... name resumed>"
    # continues one; signals and exits are not calls
    awk '$2 ~ /^[a-z_0-9]+\(/ { sub(/\(.*/, "", $2); n[$2]++ }
         END { for (k in n) print k, n[k] }' "$1" | sort
}
# The program's events in tracee's JSON (slurped): those of strace's tids,
# the first tid (the program) from its first execve on; $tids, $root given.
PROGRAM='def forks: .eventName | IN("clone", "clone3", "fork", "vfork");
    def is_child_return: forks and .returnValue == 0;
    def program:
        [.[] | select(.eventId != null and (.eventId | tonumber) < 1000
                      and (.hostThreadId | IN($tids[])))]
        | ([.[] | select(.hostThreadId == $root)] | map(.eventName == "execve") | index(true)) as $first
        | [.[] | select(.hostThreadId == $root)][$first:] + [.[] | select(.hostThreadId != $root)];'
# program_jq JSON STRACE FILTER: jq -s over the program's events
program_jq() {
    jq -s --argjson tids "[$(awk '{ print $1 }' "$2" | sort -u | paste -sd, -)]" \
        --argjson root "$(awk 'NR == 1 { print $1 }' "$2")" "$PROGRAM $3" "$1"
}
# tracee_counts JSON STRACE: "name count" per syscall, but a new task's return
tracee_counts() {
    program_jq "$1" "$2" 'program | map(select(is_child_return | not))
        | group_by(.eventName)[] | "\(.[0].eventName) \(length)"' | jq -r . | sort
}
# children_ok JSON STRACE: every task the program created has its return from
# clone (one per successful clone in the parent), and no other task has one
children_ok() {
    program_jq "$1" "$2" 'program
        | (map(select(forks and .returnValue > 0) | .returnValue) | sort)
          == (map(select(is_child_return) | .hostThreadId) | sort)' | grep -qx true
}

# compare NAME COMMAND...: per-name counts of strace and tracee over one run
compare() {
    local name=$1; shift
    (cd "$SRC" && "$TRACEE" --install-path "$INSTALL" --output-path "$OUTPUT" -o json -s syscalls \
        -- strace -f -qq -o "$WORK/$name.strace" "$@") >"$WORK/$name.json" 2>"$WORK/$name.err"
    check "$name: runs under both, exit 0" test $? = 0
    check "$name: no event lost" grep -q 'lost: 0, errors: 0' "$WORK/$name.err"
    grep '^{' "$WORK/$name.json" >"$WORK/$name.events"
    strace_counts "$WORK/$name.strace" >"$WORK/$name.s"
    tracee_counts "$WORK/$name.events" "$WORK/$name.strace" >"$WORK/$name.t"
    local diffs="" known="" sname scount tcount
    while read -r sname scount; do
        tcount=$(awk -v n="$sname" '$1 == n { print $2 }' "$WORK/$name.t")
        [[ ${tcount:-0} == "$scount" ]] && continue
        if [[ " $KNOWN_DIFF " == *" $name:$sname "* ]]; then known="$known $sname"
        else diffs="$diffs $sname:strace=$scount,tracee=${tcount:-0}"; fi
    done < <(join -a1 -a2 -e 0 -o 0,1.2,2.2 "$WORK/$name.s" "$WORK/$name.t" | awk '{ print $1, $2 }')
    # names only tracee shows
    while read -r tname tcount; do
        grep -q "^$tname " "$WORK/$name.s" || diffs="$diffs $tname:strace=0,tracee=$tcount"
    done <"$WORK/$name.t"
    check "$name: each task created has its own return from clone, and no other" \
        children_ok "$WORK/$name.events" "$WORK/$name.strace"
    check "$name: $(wc -l <"$WORK/$name.s") syscall names, $(awk '{ s += $2 } END { print s }' \
        "$WORK/$name.s") calls: the same count per name${known:+ (known:$known)}" test -z "$diffs"
    [[ -n $diffs ]] && echo "  differences:$diffs"
}

compare gcc gcc -c -o "$WORK/t.o" t.c
compare tar tar -cf "$WORK/t.tar" a.txt b.txt
if command -v git >/dev/null; then
    git -C "$SRC" init -q && compare git git -C "$SRC" status --porcelain
fi
PY=$(command -v python3)
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3
[[ -n $PY ]] && compare python3 "$PY" -c 'import json, os, signal; signal.signal(signal.SIGUSR1, lambda *a: None); [os.kill(os.getpid(), signal.SIGUSR1) for _ in range(20)]'
compare signals sh "$SRC/signals.sh"
check "signals: the shell's 10 handled signals show as 10 rt_sigreturn in both" \
    grep -qx 'rt_sigreturn 10' "$WORK/signals.t"
finish
