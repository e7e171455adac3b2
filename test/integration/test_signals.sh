#!/usr/bin/env bash
# test_signals.sh - stopping under load: SIGINT and SIGTERM drain the ring
# buffer, print the counters, flush capture files, and detach (no program, link or map of tracee's
# left in the kernel); a closed output pipe (tracee | head) ends tracee cleanly.
source "$(dirname "$0")/lib.sh"
need_root
BPFGONE="$(dirname "$TRACEE")/bpfgone"
check "object builds" prebuild

# bpf_ids PID: the BPF objects a process holds, as prog:ID link:ID map:ID.
bpf_ids() {
    grep -hE '^(prog_id|link_id|map_id):' /proc/"$1"/fdinfo/* 2>/dev/null |
        sed -E 's/^(prog|link|map)_id:[[:space:]]*/\1:/' | sort -u
}

wait_ready() {
    for _ in $(seq 100); do [[ -s $OUTPUT/tracee.pid ]] && return 0; sleep 0.1; done
    return 1
}

# wait_for_data FILE: until FILE holds something (events are flowing, the
# capture has written), bounded: a check after it fails rather than hang.
wait_for_data() {
    for _ in $(seq 600); do [[ -s $1 ]] && return 0; sleep 0.1; done
    return 1
}

# stop_under_load SIGNAL: trace a syscall storm, stop tracee with SIGNAL.
stop_under_load() {
    local sig=$1 out="$WORK/$1"
    tracee -o json -e read,write -- dd if=/dev/zero of=/dev/null bs=1 >"$out.json" 2>"$out.err" &
    local wrapper=$!
    wait_ready || return 1
    local tp; tp=$(cat "$OUTPUT/tracee.pid")
    wait_for_data "$out.json"
    bpf_ids "$tp" >"$out.ids"
    kill -"$sig" "$tp"
    wait $wrapper; echo $? >"$out.rc"
    # dd was tracee's child; it is ours to end
    local dd; dd=$(head -1 "$out.json" | jq -r .hostProcessId)
    [[ $dd =~ ^[0-9]+$ ]] && kill "$dd" 2>/dev/null
    echo "     $sig: exit $(cat "$out.rc"), $(tail -1 "$out.err"), $(wc -l <"$out.ids") BPF objects held" >&2
}

for sig in INT TERM; do
    stop_under_load $sig
    check "SIG$sig under load: exit 0" test "$(cat "$WORK/$sig.rc")" = 0
    check "SIG$sig under load: counters printed" grep -Eq '^tracee: events: [1-9][0-9]*, lost: [0-9]+, errors: 0$' "$WORK/$sig.err"
    check "SIG$sig under load: every printed line is whole JSON" jq -e -s 'length > 0' "$WORK/$sig.json"
    check "SIG$sig under load: counted events were all printed" test \
        "$(grep -Eo 'events: [0-9]+' "$WORK/$sig.err" | grep -Eo '[0-9]+')" = "$(wc -l <"$WORK/$sig.json")"
    check "SIG$sig under load: tracee held programs, links and maps" bash -c \
        "grep -q '^prog:' '$WORK/$sig.ids' && grep -q '^link:' '$WORK/$sig.ids' && grep -q '^map:' '$WORK/$sig.ids'"
    check "SIG$sig under load: none of them is left in the kernel" "$BPFGONE" $(cat "$WORK/$sig.ids")
    check "SIG$sig under load: pid file removed" test ! -e "$OUTPUT/tracee.pid"
done

# SIGINT while capturing writes: what was captured is on disk, a prefix of the file
mkdir -p "$WORK/cap"
tracee -o json -e write --capture write --output-path "$WORK/capout" \
    -- sh -c "while :; do echo 0123456789abcdef; done >$WORK/cap/f" >/dev/null 2>"$WORK/cap.err" &
wrapper=$!
for _ in $(seq 100); do [[ -s $WORK/capout/tracee.pid ]] && break; sleep 0.1; done
tp=$(cat "$WORK/capout/tracee.pid"); loop=$(pgrep -P "$tp" -x sh)
for _ in $(seq 600); do
    art=$(find "$WORK/capout/host" -name 'write.dev-*' -size +0 2>/dev/null | head -1)
    [[ -n $art ]] && break
    sleep 0.1
done
kill -INT "$tp"; wait $wrapper; capture_rc=$?
[[ -n $loop ]] && kill "$loop" 2>/dev/null
art=$(find "$WORK/capout/host" -name 'write.dev-*' 2>/dev/null | head -1)
echo "     capture: exit $capture_rc, $(grep 'capture:' "$WORK/cap.err"), artifact $(stat -c %s "$art" 2>/dev/null) bytes" >&2
check "SIGINT while capturing: exit 0" test "$capture_rc" = 0
check "SIGINT while capturing: the artifact holds data" test -s "$art"
check "SIGINT while capturing: the artifact is exactly the file's first bytes" \
    cmp -s "$art" <(head -c "$(stat -c %s "$art")" "$WORK/cap/f")

# tracee | head: the reader goes away while a command keeps making events
timeout 60 "$TRACEE" --install-path "$INSTALL" --output-path "$OUTPUT" -o json -e read,write \
    -- dd if=/dev/zero of=/dev/null bs=1 2>"$WORK/head.err" | head -3 >"$WORK/head.json"
rcs=("${PIPESTATUS[@]}")
echo "     head: tracee exit ${rcs[0]}, $(tail -1 "$WORK/head.err")" >&2
dd=$(head -1 "$WORK/head.json" | jq -r .hostProcessId); [[ $dd =~ ^[0-9]+$ ]] && kill "$dd" 2>/dev/null
check "tracee | head: tracee ends by itself, exit 0" test "${rcs[0]}" = 0
check "tracee | head: head got three whole lines" bash -c "test \$(jq -c . '$WORK/head.json' | wc -l) = 3"
check "tracee | head: no error printed" bash -c "! grep -vq '^tracee: events' '$WORK/head.err'"
finish
