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

finish() {
    echo "$PASSED passed, $FAILED failed"
    [[ $FAILED == 0 ]]
}
