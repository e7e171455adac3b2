#!/usr/bin/env bash
# soak.sh - tracee at a high event rate for a long time (default 10 minutes):
# the benchmark workload runs in a loop under `tracee -o json -s syscalls`
# (output to /dev/null: the point is tracee's own memory, not the disk), and
# tracee's RSS is sampled every few seconds. Memory must stay flat: no growth
# from one minute to the last beyond a small slack.
#
#   sudo test/bench/soak.sh [--seconds N] [--json PATH]     (bench.sh --soak N runs it)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
TRACEE=${TRACEE:-$SRC/dist/tracee}
WORKLOAD=${WORKLOAD:-$(dirname "$TRACEE")/workload}
SECONDS_TOTAL=600
JSON_OUT=$HERE/soak.json
SAMPLE_EVERY=5
SLACK_KB=1024           # allowed growth of RssAnon after the first minute

while (($#)); do
    case $1 in
    --seconds) SECONDS_TOTAL=$2; shift ;;
    --json) JSON_OUT=$2; shift ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
[[ $(id -u) == 0 ]] || { echo "soak: tracing needs root: run it with sudo" >&2; exit 1; }
[[ -x $TRACEE && -x $WORKLOAD ]] || { echo "soak: build first (make build)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/tracee-soak.XXXXXX)
chmod 0700 "$WORK"
trap 'rm -rf "$WORK"' EXIT
"$TRACEE" --install-path "$WORK/install" --build-only >/dev/null || exit 1

"$TRACEE" --install-path "$WORK/install" --output-path "$WORK/out" -o json -s syscalls \
    -- sh -c "while :; do '$WORKLOAD' 200000 2>/dev/null; done" >/dev/null 2>"$WORK/err" &
BG=$!
for _ in $(seq 200); do [[ -s $WORK/out/tracee.pid ]] && break; sleep 0.05; done
PID=$(cat "$WORK/out/tracee.pid" 2>/dev/null) || { echo "soak: tracee did not start" >&2; cat "$WORK/err" >&2; exit 1; }

# t rss anon (kB), one line per sample
echo "soak: tracing for ${SECONDS_TOTAL}s, sampling tracee (pid $PID) every ${SAMPLE_EVERY}s" >&2
start=$(date +%s)
while (( $(date +%s) - start < SECONDS_TOTAL )) && kill -0 "$PID" 2>/dev/null; do
    awk -v t=$(( $(date +%s) - start )) '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 }
        END { print t, r, a }' "/proc/$PID/status" >>"$WORK/samples"
    sleep "$SAMPLE_EVERY"
done
# the loop outlives tracee (its command is not killed on SIGINT): end it, ours by pid
LOOP=$(pgrep -P "$BG" -x sh)
kill -INT "$PID"; wait "$BG"
[[ -n $LOOP ]] && kill "$LOOP" 2>/dev/null

read -r events lost < <(grep -Eo 'events: [0-9]+, lost: [0-9]+' "$WORK/err" | tail -1 | grep -Eo '[0-9]+' | paste -sd' ')
awk -v slack="$SLACK_KB" -v secs="$SECONDS_TOTAL" -v ev="${events:-0}" -v lost="${lost:-0}" -v out="$JSON_OUT" '
    { t[NR] = $1; r[NR] = $2; a[NR] = $3; if ($2 > maxr) maxr = $2 }
    $1 >= 60 && !base { base = NR }
    END {
        if (!base) base = 1
        grow = a[NR] - a[base]
        flat = grow <= slack
        printf "soak: %d s, %d events (%.0f/s), %d lost\n", secs, ev, ev / secs, lost
        printf "soak: RssAnon %d kB at %d s, %d kB at %d s (growth %d kB, slack %d): %s\n",
            a[base], t[base], a[NR], t[NR], grow, slack, flat ? "flat" : "GROWING"
        printf "soak: VmRSS max %d kB\n", maxr
        printf "{\"seconds\":%d,\"events\":%d,\"lost\":%d,\"rss_anon_kb_start\":%d,\"rss_anon_kb_end\":%d,\"vmrss_kb_max\":%d,\"flat\":%s}\n",
            secs, ev, lost, a[base], a[NR], maxr, flat ? "true" : "false" > out
        exit !flat
    }' "$WORK/samples"
