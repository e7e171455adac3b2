#!/usr/bin/env bash
# test_hostile.sh - traced programs that do their worst (test/workload/hostile.c):
# huge argv, 1 MiB strings, unreadable pointers, control and non-UTF-8 bytes in
# paths and comm, thousands of threads. Every JSON line stays valid, the table
# stays aligned, memory stays bounded, nothing crashes, nothing is lost.
source "$(dirname "$0")/lib.sh"
need_root
HOSTILE="$(dirname "$TRACEE")/hostile"
check "object builds" prebuild

# run NAME TRACEE-ARGS... -- CMD: tracee's stdout, stderr and peak RSS (KiB) in $WORK/NAME.*
run() {
    local name=$1; shift
    /usr/bin/time -f %M -o "$WORK/$name.rss" "$TRACEE" --install-path "$INSTALL" \
        --output-path "$OUTPUT" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    local rc=$?
    echo "     $name: exit $rc, $(tail -1 "$WORK/$name.err"), peak RSS $(cat "$WORK/$name.rss") KiB" >&2
    return $rc
}
valid_json() { jq -e -s 'length > 0' "$1"; }
no_loss() { grep -Eq 'lost: 0, errors: 0' "$1"; }

# 10,000 arguments: argv is cut with a marker, the line stays valid
check "argv 10000: tracee exits with the command's status" run argv -o json -e execve -- "$HOSTILE" argv 10000
check "argv 10000: valid JSON" valid_json "$WORK/argv.out"
check "argv 10000: argv cut at 32 elements plus the marker" jq -e -s \
    'any(.args[1].value | length == 33 and .[0] == "true" and .[-1] == "...")' "$WORK/argv.out"

# a 1 MiB path: read up to the string limit, ENAMETOOLONG returned
check "1 MiB path: runs" run bigstr -o json -e openat -- "$HOSTILE" bigstr
check "1 MiB path: cut at 4095 bytes, ENAMETOOLONG" jq -e -s \
    'any(.returnValue == -36 and (.args[1].value | length == 4095 and startswith("/aaa")))' "$WORK/bigstr.out"

# unreadable pointers: the value is null (JSON) / <unreadable> (table), never garbage
check "bad pointers: runs" run badptr -o json -e openat,read -- "$HOSTILE" badptr
check "bad pointers: valid JSON" valid_json "$WORK/badptr.out"
check "bad pointers: four unreadable pathnames, EFAULT" jq -e -s \
    '[.[] | select(.eventName == "openat" and .args[1].value == null and .returnValue == -14)] | length == 4' \
    "$WORK/badptr.out"
check "bad pointers: read's buffer shown as a pointer" jq -e -s \
    'any(.eventName == "read" and .args[1].value == "0xdead0000")' "$WORK/badptr.out"
check "bad pointers: table says <unreadable>" bash -c "'$TRACEE' --install-path '$INSTALL' --output-path '$OUTPUT' \
    -e openat -- '$HOSTILE' badptr 2>/dev/null | grep -q 'pathname: <unreadable>'"

# control bytes and invalid UTF-8 in paths and in comm
mkdir -p "$WORK/names"
check "odd names: runs" run names -o json -e openat -- "$HOSTILE" names "$WORK/names"
check "odd names: valid JSON" valid_json "$WORK/names.out"
check "odd names: all eight files, newline and escape kept" jq -e -s \
    '[.[] | select(.eventName == "openat" and .returnValue >= 0 and (.args[1].value | test("^(esc|new|tab|quote|bad|cut|del|ok-)")))]
     | length == 8 and any(.args[1].value == "new\nline") and any(.args[1].value == "esc\u001b[31mred")' "$WORK/names.out"
check "odd names: comm with escapes survives in JSON" jq -e -s \
    'any(.processName | startswith("ev\u001b[1m\n"))' "$WORK/names.out"
rm -rf "$WORK/names"/*
check "odd names: table runs" run names-table -e openat -- "$HOSTILE" names "$WORK/names"
# aligned: every row has its event name exactly under the header's EVENT
check "odd names: table rows hold no raw control bytes" bash -c "! LC_ALL=C grep -q \$'[\\x01-\\x08\\x0b-\\x1f\\x7f]' '$WORK/names-table.out'"
check "odd names: table stays aligned" awk -v want=openat '
    NR == 1 { col = index($0, "EVENT"); next }
    { n++; if (substr($0, col, length(want)) != want || substr($0, col - 1, 1) != " ") bad++ }
    END { exit !(n >= 8 && bad == 0) }' "$WORK/names-table.out"

# thousands of threads, each one traced, memory bounded
check "3000 threads: runs" run threads -o json -e close -- "$HOSTILE" threads 3000
check "3000 threads: every close seen" jq -e -s \
    '[.[] | select(.eventName == "close" and .returnValue == -9)] | length == 3000' "$WORK/threads.out"
check "3000 threads: as many distinct threads" jq -e -s \
    '[.[] | select(.eventName == "close" and .returnValue == -9) | .hostThreadId] | unique | length == 3000' "$WORK/threads.out"
check "3000 threads: nothing lost" no_loss "$WORK/threads.err"
# against a one-thread run of the same build: what the threads cost, whatever
# the build's own baseline (a sanitizer build starts at about 70 MiB)
grow=$(( $(cat "$WORK/threads.rss") - $(cat "$WORK/badptr.rss") ))
check "3000 threads: peak RSS at most 32 MiB above a one-thread run (+$grow KiB)" test "$grow" -lt 32768
finish
