#!/usr/bin/env bash
# test_service_notify.sh - Type=notify (docker/deb/tracee.service): with
# $NOTIFY_SOCKET set, as systemd sets it, tracee sends READY=1 once tracing is
# attached and STOPPING=1 when it stops, and the traced command does not
# inherit the variable. socat listens where systemd would.
source "$(dirname "$0")/lib.sh"
need_root
if ! command -v socat >/dev/null; then
    echo "skip: socat not installed (./setup.sh test installs it)"; echo "0 passed, 0 failed"; exit 0
fi
check "object builds" prebuild
SOCK="$WORK/notify.sock"
socat -u "UNIX-RECV:$SOCK" "OPEN:$WORK/notify.out,creat,append" & SP=$!
trap 'kill $SP 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [[ -S $SOCK ]] && break; sleep 0.05; done

NOTIFY_SOCKET="$SOCK" tracee -o json -e chdir -- sh -c \
    "env >$WORK/child.env; cd /; while [ ! -e $WORK/stop ]; do sleep 0.1; done" >"$WORK/out.json" 2>"$WORK/err" & TP=$!
for _ in $(seq 300); do grep -q 'READY=1' "$WORK/notify.out" 2>/dev/null && break; sleep 0.1; done
check "READY=1 sent" grep -qx 'READY=1' "$WORK/notify.out"
check "READY=1 came once attached (the pid file is there)" test -s "$OUTPUT/tracee.pid"
check "STOPPING=1 not yet" absent 'STOPPING=1' "$WORK/notify.out"
for _ in $(seq 100); do [[ -s $WORK/child.env ]] && break; sleep 0.05; done
check "the traced command does not inherit NOTIFY_SOCKET" absent '^NOTIFY_SOCKET=' "$WORK/child.env"
touch "$WORK/stop"; wait "$TP"; rc=$?
for _ in $(seq 100); do grep -q 'STOPPING=1' "$WORK/notify.out" && break; sleep 0.05; done
check "exit 0, events as usual" bash -c "test $rc = 0 && jq -e -s 'any(.eventName == \"chdir\")' '$WORK/out.json'"
check "STOPPING=1 sent at the end" grep -qx 'STOPPING=1' "$WORK/notify.out"

# Without NOTIFY_SOCKET nothing is sent and nothing changes.
: >"$WORK/notify.out"
tracee -o json -e chdir -- sh -c 'cd /' >/dev/null 2>&1
check "without NOTIFY_SOCKET: nothing sent" test ! -s "$WORK/notify.out"
finish
