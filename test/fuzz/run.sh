#!/usr/bin/env bash
# run.sh - build the libFuzzer targets with clang-19 (ASan + UBSan) and run each
# for a bounded time from its seed corpus in test/fuzz/corpus/<target>. New
# inputs go to a scratch directory, so the repository is not modified; a crash
# leaves its input in $FUZZ_OUT for the record.
#   FUZZ_SECONDS=20 test/fuzz/run.sh [target...]
set -uo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${FUZZ_BUILD:-$SRC/build-fuzz}
FUZZ_OUT=${FUZZ_OUT:-$(mktemp -d /tmp/tracee-fuzz.XXXXXX)}
SECONDS_EACH=${FUZZ_SECONDS:-20}
targets=("$@")
((${#targets[@]})) || targets=(decode flags filter rules)

command -v clang-19 >/dev/null || { echo "fuzz: clang-19 missing: run ./setup.sh test"; exit 1; }
CC=clang-19 CXX=clang++-19 cmake -S "$SRC" -B "$BUILD" -DTRACEE_FUZZ=ON \
    -DTRACEE_DIST_DIR="$BUILD/dist" >/dev/null || exit 1
cmake --build "$BUILD" -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null || exit 1

passed=0 failed=0
for t in "${targets[@]}"; do
    mkdir -p "$FUZZ_OUT/$t"
    if (cd "$FUZZ_OUT" && "$BUILD/dist/fuzz_$t" -max_total_time="$SECONDS_EACH" \
            -max_len=20000 -print_final_stats=1 -close_fd_mask=3 "$FUZZ_OUT/$t" "$SRC/test/fuzz/corpus/$t" \
            >"$FUZZ_OUT/$t.log" 2>&1); then
        passed=$((passed + 1))
        echo "ok   - fuzz_$t: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$FUZZ_OUT/$t.log" | grep -o '[0-9]*$') runs, no crash"
    else
        failed=$((failed + 1))
        echo "FAIL - fuzz_$t (log and crash input in $FUZZ_OUT)"
        grep -m5 -E 'ERROR|SUMMARY' "$FUZZ_OUT/$t.log"
    fi
done
echo "$passed passed, $failed failed"
((failed == 0))
