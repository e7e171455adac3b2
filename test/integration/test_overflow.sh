#!/usr/bin/env bash
# test_overflow.sh - a ring buffer too small for a syscall burst: what does
# not fit is dropped in the kernel and counted, the count is reported (at
# exit, and while running with --debug), every event is either printed or
# counted lost, tracee keeps tracing after the overflow, and it exits with
# the command's status, its output valid JSON throughout.
source "$(dirname "$0")/lib.sh"
need_root
WORKLOAD="$(dirname "$TRACEE")/workload"
check "object builds" prebuild
check "the benchmark workload is built next to tracee" test -x "$WORKLOAD"

# One page of ring buffer; 20000 x (openat, read, close, getppid) as fast as
# they go; then, once tracee has read or dropped every record of the burst
# (its --debug counters add up to 80000), the shell itself opens a file,
# which must be seen: tracing goes on. (The shell's few records fit in the
# page; a new program's start-up would not.) The shell waits on a FIFO.
mkfifo "$WORK/go"
tracee --perf-buffer-size 1 --debug -o json -e openat,read,close,getppid \
    -- sh -c "'$WORKLOAD' 20000; read -r go <'$WORK/go'; read -r h </etc/hostname; exit 7" \
    >"$WORK/burst.json" 2>"$WORK/burst.err" &
tp=$!
# bounded: after it the shell goes on anyway, and the checks say what failed
for _ in $(seq 1200); do
    awk '/^tracee: running: events:/ { e = $4; l = $6; sub(",", "", e); sub(",", "", l);
         if (e + l >= 80000) ok = 1 } END { exit !ok }' "$WORK/burst.err" && break
    sleep 0.1
done
# (opened read-write: never blocks, even if the shell is gone)
exec 3<>"$WORK/go"
echo go >&3
wait "$tp"
rc=$?
exec 3>&-
last=$(grep '^tracee: events:' "$WORK/burst.err" | tail -1)
events=$(grep -Eo 'events: [0-9]+' <<<"$last" | grep -Eo '[0-9]+$')
lost=$(grep -Eo 'lost: [0-9]+' <<<"$last" | grep -Eo '[0-9]+$')
echo "     burst: exit $rc, $last" >&2

check "exit status is the command's (7)" test "$rc" = 7
check "counters printed at exit, no errors" grep -Eq '^tracee: events: [0-9]+, lost: [0-9]+, errors: 0$' "$WORK/burst.err"
check "events were lost (lost: N > 0)" test "${lost:-0}" -gt 0
check "events were printed too" test "${events:-0}" -gt 0
check "every printed line is whole JSON" jq -e -s 'length > 0' "$WORK/burst.json"
check "printed events = lines of JSON" test "${events:-x}" = "$(wc -l <"$WORK/burst.json")"
# 80000 syscalls in the loop, plus the few of the programs' start-up
check "every syscall printed or counted lost" test $((events + lost)) -ge 80000 -a $((events + lost)) -le 80400
check "--debug reported the losses while running" \
    grep -Eq '^tracee: running: events: [0-9]+, lost: [1-9][0-9]*, errors: 0$' "$WORK/burst.err"
check "tracing went on after the overflow (the shell's openat seen)" jq -e -s \
    'map(select(.processName == "sh" and .eventName == "openat" and
                (.args[] | select(.name == "pathname") | .value) == "/etc/hostname")) | length == 1' \
    "$WORK/burst.json"
check "pid file removed" test ! -e "$OUTPUT/tracee.pid"

# A size that is not a power of two is refused.
tracee --perf-buffer-size 3 -o json -- true >/dev/null 2>"$WORK/bad.err"
rc=$?
check "--perf-buffer-size 3: refused with exit 2" test "$rc" = 2
check "--perf-buffer-size 3: says why" grep -q 'power of two' "$WORK/bad.err"
tracee --perf-buffer-size 1048576 -o json -- true >/dev/null 2>"$WORK/huge.err"
rc=$?
check "--perf-buffer-size 1048576 (4 GiB, more than the kernel takes): refused with exit 2" test "$rc" = 2

# The default ring buffer (8 MiB) holds a burst of 40000 records (about
# 5 MiB) even if tracee did not read at all while it lasted: nothing is lost.
tracee -o json -e openat,read,close,getppid -- "$WORKLOAD" 10000 >"$WORK/big.json" 2>"$WORK/big.err"
rc=$?
echo "     default ring: exit $rc, $(grep '^tracee: events:' "$WORK/big.err")" >&2
check "default ring buffer: exit 0, nothing lost" grep -Eq '^tracee: events: [0-9]+, lost: 0, errors: 0$' "$WORK/big.err"
check "default ring buffer: all 10000 getppid printed" test \
    "$(jq -c 'select(.processName == "workload" and .eventName == "getppid")' "$WORK/big.json" | wc -l)" = 10000
finish
