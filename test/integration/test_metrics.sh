#!/usr/bin/env bash
# test_metrics.sh - --metrics and --healthz against real clients: Debian's
# Prometheus scrapes tracee and the series are read back through its query
# API; /healthz answers OK while tracing and 503 once the reader is stuck
# behind an output nobody reads; hostile scrapers (requests never finished,
# answers never read, a client that never pauses) cost the traced events
# nothing. Every wait is a bounded poll for a state, never a timed assertion.
source "$(dirname "$0")/lib.sh"
need_root
WL="$(dirname "$TRACEE")/workload"
check "object builds" prebuild

# serving_port ERRFILE: the port tracee said it serves on (waits for the line).
serving_port() {
    local p
    for _ in $(seq 300); do
        p=$(sed -n 's/^tracee: serving .* on .*:\([0-9]*\)$/\1/p' "$1")
        [[ -n $p ]] && { echo "$p"; return 0; }
        sleep 0.1
    done
    return 1
}
# wait_file FILE: bounded wait for FILE to exist.
wait_file() { for _ in $(seq 600); do [[ -e $1 ]] && return 0; sleep 0.1; done; return 1; }
get() { curl -s --max-time 10 "http://127.0.0.1:$1$2"; }
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$1$2"; }

# ---- Prometheus scrapes tracee ---------------------------------------------
# The traced command changes directory 37 times (cd is a shell builtin: one
# chdir each, and nothing else it runs does), then waits for the test.
tracee --metrics --listen-addr 127.0.0.1:0 -o json -e chdir -- sh -c \
    "i=0; while [ \$i -lt 37 ]; do cd /; i=\$((i+1)); done; while [ ! -e $WORK/done ]; do sleep 0.1; done" \
    >"$WORK/prom.json" 2>"$WORK/prom.err" & TP=$!
port=$(serving_port "$WORK/prom.err")
check "tracee says where it serves" test -n "$port"
wait_file "$OUTPUT/tracee.pid"
check "/healthz: 200 OK while tracing" test "$(status "$port" /healthz)" = 200
check "/healthz: body OK" test "$(get "$port" /healthz)" = OK
check "/metrics: Prometheus text content type" bash -c \
    "curl -s -D - -o /dev/null http://127.0.0.1:$port/metrics | grep -qi '^content-type: text/plain; version=0.0.4'"
check "unknown path: 404" test "$(status "$port" /nope)" = 404
tracee --metrics --listen-addr "127.0.0.1:$port" -- true >/dev/null 2>"$WORK/inuse.err"; rc=$?
check "port in use: exit 1, one line saying so" bash -c \
    "test $rc = 1 && test \$(wc -l <'$WORK/inuse.err') = 1 && grep -q 'cannot listen on 127.0.0.1:$port: Address already in use' '$WORK/inuse.err'"
check "POST: 405" test "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "http://127.0.0.1:$port/metrics")" = 405

if ! command -v prometheus >/dev/null; then
    echo "skip: the prometheus package is not installed (./setup.sh test installs it)"
else
    cat >"$WORK/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: tracee
    static_configs:
      - targets: ['127.0.0.1:$port']
YML
    prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
        --web.listen-address=127.0.0.1:0 >"$WORK/prometheus.log" 2>&1 & PP=$!
    pport=""
    for _ in $(seq 300); do
        pport=$(ss -Hltnp 2>/dev/null | awk -v p="pid=$PP," '$0 ~ p { n = split($4, a, ":"); print a[n]; exit }')
        [[ -n $pport ]] && break
        kill -0 "$PP" 2>/dev/null || break
        sleep 0.1
    done
    check "prometheus listens" test -n "$pport"
    # q EXPR: the value of the query's first sample, or nothing.
    q() {
        curl -s --max-time 10 "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" |
            jq -r '.data.result[0].value[1] // empty'
    }
    # Prometheus scrapes once a second; wait (bounded) for the settled count.
    for _ in $(seq 240); do
        [[ $(q 'tracee_ebpf_event_type_total{event="chdir"}') == 37 ]] && break
        sleep 0.25
    done
    echo "     prometheus on :$pport scraped tracee on :$port: chdir $(q 'tracee_ebpf_event_type_total{event="chdir"}')" >&2
    check "prometheus: target up" test "$(q 'up{job="tracee"}')" = 1
    check "prometheus: per-event count chdir = 37" test "$(q 'tracee_ebpf_event_type_total{event="chdir"}')" = 37
    check "prometheus: tracee_ebpf_events_total = 37" test "$(q tracee_ebpf_events_total)" = 37
    check "prometheus: tracee_ebpf_lostevents_total = 0" test "$(q tracee_ebpf_lostevents_total)" = 0
    check "prometheus: tracee_ebpf_errors_total = 0" test "$(q tracee_ebpf_errors_total)" = 0
    check "prometheus: tracee_healthy = 1" test "$(q tracee_healthy)" = 1
    check "prometheus: ring buffer size 8 MiB" test "$(q tracee_ebpf_ringbuf_size_bytes)" = 8388608
    check "prometheus: ring buffer fill present" test -n "$(q tracee_ebpf_ringbuf_used_bytes)"
    check "prometheus: object found in the cache, not built" test "$(q tracee_ebpf_object_built)" = 0
    check "prometheus: object seconds present" test -n "$(q tracee_ebpf_object_seconds)"
    check "prometheus: only the traced event is listed" test "$(q 'count(tracee_ebpf_event_type_total)')" = 1
    check "prometheus: no detections, no detection series" test -z "$(q tracee_rules_detections_total)"
    check "prometheus: the target's metadata has the counter's type" bash -c \
        "curl -s 'http://127.0.0.1:$pport/api/v1/targets/metadata?metric=tracee_ebpf_events_total' | jq -e '.data[0].type == \"counter\"'"
    kill "$PP"; wait "$PP" 2>/dev/null
fi
touch "$WORK/done"
wait "$TP"; rc=$?
check "tracee exit 0" test "$rc" = 0
check "37 chdir events printed, counted at exit" bash -c \
    "test \$(jq -s 'map(select(.eventName == \"chdir\")) | length' '$WORK/prom.json') = 37 && grep -q '^tracee: events: 37, lost: 0, errors: 0$' '$WORK/prom.err'"

# ---- /healthz: a stalled reader ---------------------------------------------
# tracee writes into a FIFO that the test holds open and never reads: once
# the pipe is full the reader is stuck in write(2), and /healthz must say so
# (the server keeps answering: it is not on the pipeline's thread).
mkfifo "$WORK/fifo"
exec 3<>"$WORK/fifo"
tracee --healthz --listen-addr 127.0.0.1:0 -o json -e read,write -- dd if=/dev/zero of=/dev/null bs=1 \
    >"$WORK/fifo" 2>"$WORK/stall.err" & TP=$!
hport=$(serving_port "$WORK/stall.err")
wait_file "$OUTPUT/tracee.pid"
code=""
for _ in $(seq 300); do code=$(status "$hport" /healthz); [[ $code == 503 ]] && break; sleep 0.1; done
check "stalled reader: /healthz 503" test "$code" = 503
check "stalled reader: says why" bash -c "curl -s http://127.0.0.1:$hport/healthz | grep -q '^reader stalled: no ring buffer poll for [0-9]* s$'"
check "--healthz alone: no /metrics" test "$(status "$hport" /metrics)" = 404
cat <&3 >/dev/null & CAT=$!
for _ in $(seq 300); do code=$(status "$hport" /healthz); [[ $code == 200 ]] && break; sleep 0.1; done
check "reader drained again: /healthz 200" test "$code" = 200
dd_pid=$(pgrep -P "$(cat "$OUTPUT/tracee.pid")" -x dd)
kill -INT "$(cat "$OUTPUT/tracee.pid")"; wait "$TP"; rc=$?
[[ -n $dd_pid ]] && kill "$dd_pid" 2>/dev/null
kill "$CAT" 2>/dev/null; wait "$CAT" 2>/dev/null; exec 3<&-
check "stalled reader: tracee still stops with exit 0" test "$rc" = 0

# ---- hostile scrapers cost the pipeline nothing ------------------------------
N=100000
tracee --metrics --listen-addr 127.0.0.1:0 -o json -e getppid -f comm=workload -- sh -c \
    "while [ ! -e $WORK/go ]; do sleep 0.1; done; $WL $N 2>/dev/null; while [ ! -e $WORK/end ]; do sleep 0.1; done" \
    >"$WORK/host.json" 2>"$WORK/host.err" & TP=$!
sport=$(serving_port "$WORK/host.err")
wait_file "$OUTPUT/tracee.pid"
hostile=()
for i in $(seq 16); do      # requests begun and never finished
    exec {fd}<>"/dev/tcp/127.0.0.1/$sport" && printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&"$fd" && hostile+=("$fd")
done
for i in $(seq 8); do       # fifty requests each, answers never read
    exec {fd}<>"/dev/tcp/127.0.0.1/$sport" && hostile+=("$fd")
    for _ in $(seq 50); do printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'; done >&"$fd" &
done
( while [[ ! -e $WORK/end ]]; do curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$sport/metrics"; done ) & HAMMER=$!
check "hostile clients connected" test "${#hostile[@]}" = 24
check "while they hold connections, /healthz answers OK" test "$(get "$sport" /healthz)" = OK
touch "$WORK/go"
val=""
for _ in $(seq 600); do
    val=$(get "$sport" /metrics | awk '$1 == "tracee_ebpf_event_type_total{event=\"getppid\"}" { print $2 }')
    [[ $val == "$N" ]] && break
    sleep 0.1
done
lost=$(get "$sport" /metrics | awk '$1 == "tracee_ebpf_lostevents_total" { print $2 }')
check "under hostile scrapers: /metrics counted all $N events" test "$val" = "$N"
check "under hostile scrapers: none lost" test "$lost" = 0
touch "$WORK/end"
wait "$TP"; rc=$?
wait "$HAMMER"
for fd in "${hostile[@]}"; do exec {fd}>&-; done
echo "     hostile: $(tail -1 "$WORK/host.err")" >&2
check "under hostile scrapers: exit 0" test "$rc" = 0
check "under hostile scrapers: every getppid printed" test "$(grep -c '"eventName":"getppid"' "$WORK/host.json")" = "$N"
check "under hostile scrapers: counters at exit" grep -q "^tracee: events: $N, lost: 0, errors: 0$" "$WORK/host.err"

# Bad --listen-addr: one line, non-zero exit, before anything is loaded.
tracee --metrics --listen-addr nonsense -- true 2>"$WORK/badaddr.err"; rc=$?
check "bad --listen-addr: exit 2 with one line" bash -c \
    "test $rc = 2 && test \$(wc -l <'$WORK/badaddr.err') = 1 && grep -q 'expected \[HOST\]:PORT' '$WORK/badaddr.err'"
tracee --metrics --listen-addr "127.0.0.1:$sport" -o json -e chdir -- sh -c 'cd /' >"$WORK/again.json" 2>/dev/null
check "the port is free again once tracee exited" test "$(jq -r .eventName "$WORK/again.json")" = chdir
finish
