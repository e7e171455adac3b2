#!/usr/bin/env bash
# test_filters.sh - every --filter kind and operator, applied in the kernel,
# on commands this test runs (-- COMMAND, filters AND-ed on top) or, for
# pid filters, on its own latecomer processes under process:all.
source "$(dirname "$0")/lib.sh"
need_root
check "object builds" prebuild

# run_json NAME FILTERS... -- COMMAND: openat events of COMMAND into $WORK/NAME.json
run_json() {
    local name=$1; shift
    tracee -o json -e openat "$@" >"$WORK/$name.json" 2>"$WORK/$name.err"
}
# only NAME FILE...: these files are opened in NAME.json, the others of the run are not.
only() {
    local json="$WORK/$1.json" f; shift
    for f in "$@"; do opened "$WORK/$f" "$json" || return 1; done
    for f in $ALL_FILES; do
        [[ " $* " == *" $f "* ]] || never_opened "$WORK/$f" "$json" || return 1
    done
}

# uid: root opens u.root; setpriv drops to 65534 (a setresuid the kernel side
# re-decides on), then cat opens u.nobody
UID_CMD=(sh -c "cat $WORK/u.root 2>/dev/null; setpriv --reuid=65534 --regid=65534 --clear-groups cat $WORK/u.nobody 2>/dev/null; true")
ALL_FILES="u.root u.nobody"
run_json uid_eq -f uid=65534 -- "${UID_CMD[@]}"
check "uid=65534: only the nobody cat" only uid_eq u.nobody
check "uid=65534: every event has userId 65534" jq -e -s 'length > 0 and all(.userId == 65534)' "$WORK/uid_eq.json"
run_json uid_ne -f uid!=65534 -- "${UID_CMD[@]}"
check "uid!=65534: only root's cat" only uid_ne u.root
check "uid!=65534: no event has userId 65534" jq -e -s 'length > 0 and all(.userId != 65534)' "$WORK/uid_ne.json"
run_json uid_lt -f 'uid<1' -- "${UID_CMD[@]}"
check "uid<1: only root's cat" only uid_lt u.root
run_json uid_gt -f 'uid>0' -- "${UID_CMD[@]}"
check "uid>0: only the nobody cat" only uid_gt u.nobody
run_json uid_list -f uid=0,65534 -- "${UID_CMD[@]}"
check "uid=0,65534: both" only uid_list u.root u.nobody
run_json uid_and -f 'uid>0' -f 'uid<65534' -- "${UID_CMD[@]}"
check "uid>0 AND uid<65534: neither" only uid_and
check "uid>0 AND uid<65534: no events at all" test ! -s "$WORK/uid_and.json"
run_json uid_nelist -f uid!=0,65534 -- "${UID_CMD[@]}"
check "uid!=0,65534: neither" test ! -s "$WORK/uid_nelist.json"
# a process that changes its uid without exec is decided again after setreuid
run_json uid_switch -f uid=65534 -- perl -e "open(F, '<', '$WORK/u.before'); (\$<, \$>) = (65534, 65534); open(F, '<', '$WORK/u.after')"
ALL_FILES="u.before u.after"
check "uid=65534: a process is traced from its setreuid on" only uid_switch u.after
run_json uid_switch_ne -f uid!=65534 -- perl -e "open(F, '<', '$WORK/u.before'); (\$<, \$>) = (65534, 65534); open(F, '<', '$WORK/u.after')"
check "uid!=65534: and untraced from then on" only uid_switch_ne u.before

# comm: cat, head, a grandchild cat, and a shell that renames itself
COMM_CMD=(sh -c "cat $WORK/c.cat 2>/dev/null; head -c0 $WORK/c.head 2>/dev/null; sh -c 'cat $WORK/c.gc 2>/dev/null'; true")
ALL_FILES="c.cat c.head c.gc"
run_json comm_eq -f comm=cat -- "${COMM_CMD[@]}"
check "comm=cat: both cats, not head" only comm_eq c.cat c.gc
check "comm=cat: every event is cat's" jq -e -s 'length > 0 and all(.processName == "cat")' "$WORK/comm_eq.json"
run_json comm_ne -f comm!=cat -- "${COMM_CMD[@]}"
check "comm!=cat: head, no cat" only comm_ne c.head
check "comm!=cat: no event is cat's" jq -e -s 'length > 0 and all(.processName != "cat")' "$WORK/comm_ne.json"
run_json comm_list -f comm=cat,head -- "${COMM_CMD[@]}"
check "comm=cat,head: all three" only comm_list c.cat c.head c.gc
check "comm=cat,head: only those" jq -e -s 'all(.processName == "cat" or .processName == "head")' "$WORK/comm_list.json"
run_json comm_none -f comm=cat -f comm!=cat -- "${COMM_CMD[@]}"
check "comm=cat AND comm!=cat: nothing" test ! -s "$WORK/comm_none.json"
# a comm set by the process itself (/proc/self/comm, like prctl) is seen from then on
run_json comm_rename -f comm=renamed -- sh -c "cat $WORK/r.before 2>/dev/null; printf renamed >/proc/self/comm; exec 3<$WORK/r.after; true" 2>/dev/null
ALL_FILES="r.before r.after"
check "comm=renamed: the shell's open after renaming itself" only comm_rename r.after

# namespaces: the host's, and an unshared mount + uts + pid namespace
host_mnt=$(stat -L -c %i /proc/self/ns/mnt)
host_pidns=$(stat -L -c %i /proc/self/ns/pid)
NS_CMD=(sh -c "cat $WORK/n.host 2>/dev/null; unshare --mount --uts --pid --fork sh -c 'hostname filter-uts; cat $WORK/n.inner 2>/dev/null'; true")
ALL_FILES="n.host n.inner"
run_json mnt_ne -f "mntns!=$host_mnt" -- "${NS_CMD[@]}"
check "mntns!=host: only the unshared cat" only mnt_ne n.inner
run_json mnt_eq -f "mntns=$host_mnt" -- "${NS_CMD[@]}"
check "mntns=host: only the host cat" only mnt_eq n.host
check "mntns=host: every event in that namespace" \
    jq -e -s --argjson n "$host_mnt" 'length > 0 and all(.mountNamespace == $n)' "$WORK/mnt_eq.json"
run_json pidns_ne -f "pidns!=$host_pidns" -- "${NS_CMD[@]}"
check "pidns!=host: only the unshared cat" only pidns_ne n.inner
check "pidns!=host: pids as the new namespace sees them" \
    jq -e -s 'length > 0 and all(.processId != .hostProcessId)' "$WORK/pidns_ne.json"
run_json pidns_eq -f "pidns=$host_pidns" -- "${NS_CMD[@]}"
check "pidns=host: only the host cat" only pidns_eq n.host
run_json pidns_gt -f "pidns>$host_pidns" -- "${NS_CMD[@]}"
# a new namespace's inode is not necessarily above the host's: compare with what was seen
inner_pidns=$(jq -s 'map(.pidNamespace) | max // 0' "$WORK/pidns_ne.json")
if [[ ! $inner_pidns =~ ^[1-9][0-9]*$ ]]; then
    bad "pidns>host: the unshared namespace's inode is unknown"
elif ((inner_pidns > host_pidns)); then
    check "pidns>host: the unshared cat (its inode is higher)" only pidns_gt n.inner
else
    check "pidns>host: nothing (the new inode is lower)" only pidns_gt
fi
run_json uts_eq -f uts=filter-uts -- "${NS_CMD[@]}"
check "uts=filter-uts: only the cat inside" only uts_eq n.inner
check "uts=filter-uts: its hostName" jq -e -s 'length > 0 and all(.hostName == "filter-uts")' "$WORK/uts_eq.json"
run_json uts_ne -f uts!=filter-uts -- "${NS_CMD[@]}"
check "uts!=filter-uts: only the host cat" only uts_ne n.host

# pid (host pids) under process:all, narrowed to this test's latecomers
pid_run() { # NAME FILTERS...: two latecomers, lo and hi (by pid), traced with the filters
    local name=$1; shift
    start_late "$name.a"; local a=$LATE_PID
    start_late "$name.b"; local b=$LATE_PID
    if ((a < b)); then LO=$name.a; HI=$name.b; LO_PID=$a; HI_PID=$b
    else LO=$name.b; HI=$name.a; LO_PID=$b; HI_PID=$a; fi
    local filters=()
    for f in "$@"; do filters+=(-f "${f//LO/$LO_PID}"); done
    for i in "${!filters[@]}"; do filters[i]=${filters[i]//HI/$HI_PID}; done
    tracee -t process:all -f comm=latecomer "${filters[@]}" -o json -e openat \
        >"$WORK/$name.json" 2>"$WORK/$name.err" & local tp=$!
    for _ in $(seq 300); do [[ -e $OUTPUT/tracee.pid ]] && break; sleep 0.1; done
    act "$a"; act "$b"
    kill -INT "$(cat "$OUTPUT/tracee.pid")"; wait $tp
    ALL_FILES="$LO.main $LO.thread $LO.child $HI.main $HI.thread $HI.child"
}
pid_run pid_eq 'pid=LO'
check "pid=PID: that process, its thread, not its child nor the other" only pid_eq "$LO.main" "$LO.thread"
pid_run pid_ne 'pid!=LO'
check "pid!=PID: everything but that process" only pid_ne "$LO.child" "$HI.main" "$HI.thread" "$HI.child"
pid_run pid_gt 'pid>LO'
check "pid>LO: the higher process and the children (pids above)" only pid_gt "$LO.child" "$HI.main" "$HI.thread" "$HI.child"
pid_run pid_lt 'pid<HI'
check "pid<HI: the lower process only" only pid_lt "$LO.main" "$LO.thread"
pid_run pid_list 'pid=LO,HI'
check "pid=LO,HI: both processes, no children" only pid_list "$LO.main" "$LO.thread" "$HI.main" "$HI.thread"

# bad syntax: one line quoting it, exit 2, nothing traced
bad_syntax() { # TEXT ARGS...
    local want=$1; shift
    "$TRACEE" "$@" >"$WORK/bad.out" 2>"$WORK/bad.err"
    [[ $? == 2 && $(wc -l <"$WORK/bad.err") == 1 && ! -s $WORK/bad.out ]] && grep -qF -- "$want" "$WORK/bad.err"
}
check "bad filter value" bad_syntax "'uid=abc'" -f uid=abc
check "bad filter operator for a name" bad_syntax "'comm<ls'" -f 'comm<ls'
check "unknown filter" bad_syntax "'gid=0'" --filter gid=0
check "bad pid list" bad_syntax "'process:1,x'" -t process:1,x
check "process:follow without a filter" bad_syntax "process:follow needs a --filter" -t process:follow
check "--trace help prints the modes" bash -c "'$TRACEE' --trace help | grep -q 'container:new'"
finish
