# lib.sh - shared by the integration tests: root, the real kernel, dist/tracee.
# Each test script sources this, calls check/ok/bad, and ends with finish,
# which prints "N passed, N failed" and sets the exit status.
set -uo pipefail

TRACEE=${TRACEE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/dist/tracee}
PASSED=0
FAILED=0
WORK=$(mktemp -d /tmp/tracee-test.XXXXXX)
chmod 0700 "$WORK"
# Every test gets its own install and output paths: no test sees another's cache.
INSTALL="$WORK/install"
OUTPUT="$WORK/out"
trap 'rm -rf "$WORK"' EXIT

ok()  { PASSED=$((PASSED + 1)); echo "ok   - $*"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL - $*"; }

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds (a predicate: its stdout is dropped).
check() {
    local what=$1; shift
    if "$@" >/dev/null; then ok "$what"; else bad "$what"; fi
}

# absent ERE FILE: no line of FILE matches (for check).
absent() { ! grep -Eq "$1" "$2"; }

need_root() {
    if [[ $(id -u) != 0 ]]; then
        echo "skip: $0 needs root"; echo "0 passed, 0 failed"; exit 0
    fi
    mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
}

# tracee with this test's paths; extra flags follow.
tracee() {
    "$TRACEE" --install-path "$INSTALL" --output-path "$OUTPUT" "$@"
}

# Build the object once for the tests that only need one.
prebuild() {
    tracee --build-only >/dev/null 2>"$WORK/prebuild.err" || { cat "$WORK/prebuild.err"; return 1; }
}

# The helper program the trace-mode tests start before tracee (test/workload).
LATE="$(dirname "$TRACEE")/latecomer"

# start_tracee OUT ARGS...: tracee in the background until stop_tracee (sets TP).
start_tracee() {
    local out=$1; shift
    tracee "$@" >"$out" 2>"$out.err" & TP=$!
    for _ in $(seq 300); do
        [[ -e $OUTPUT/tracee.pid ]] && return 0
        kill -0 "$TP" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
stop_tracee() {
    kill -INT "$(cat "$OUTPUT/tracee.pid")"
    wait "$TP"
}

# start_late NAME: a latecomer blocked until act PID; sets LATE_PID.
start_late() {
    "$LATE" "$WORK/$1" >"$WORK/$1.ready" & LATE_PID=$!
    for _ in $(seq 100); do grep -q ready "$WORK/$1.ready" && return 0; sleep 0.05; done
    return 1
}
act() { kill -USR1 "$1"; wait "$1"; }

# opened FILE JSON: some openat names FILE; never_opened FILE JSON: none does.
opened() {
    jq -e -s --arg f "$1" 'any(.eventName == "openat" and
        (.args[] | select(.name == "pathname") | .value) == $f)' "$2"
}
never_opened() {
    jq -e -s --arg f "$1" 'all((.args[]? | select(.name == "pathname") | .value) != $f)' "$2"
}

finish() {
    echo "$PASSED passed, $FAILED failed"
    [[ $FAILED == 0 ]]
}
