#!/usr/bin/env bash
# test_webhook.sh - --webhook against real loopback receivers (a libmicrohttpd
# server, test/workload/webhook_receiver.c): one that takes everything, one
# that answers 500 before it recovers, one that refuses (404), one that holds
# its answer (slow), one that never answers, and none at all (down). The
# detections are handed to the pipeline's detection hook by webhook_drive
# (no detection engine is on this branch yet); delivery, batching, retries,
# the bounded queue and the counters are the real ones. Then tracee itself
# with --webhook: flags, metrics series, exit line.
source "$(dirname "$0")/lib.sh"
need_root
BIN=$(dirname "$TRACEE")
RECV=()
cleanup() {
    local p
    for p in "${RECV[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# receiver NAME MODE: start one; sets PORT, its files in $WORK/NAME/
receiver() {
    mkdir -p "$WORK/$1"
    "$BIN/webhook_receiver" "$WORK/$1/port" "$WORK/$1" "$2" & RECV+=($!)
    for _ in $(seq 100); do [[ -s $WORK/$1/port ]] && break; sleep 0.05; done
    PORT=$(cat "$WORK/$1/port")
}
# drive NAME URL FORMAT N [now]: hand N detections over; output in $WORK/NAME.{out,err}
drive() {
    timeout 120 "$BIN/webhook_drive" "$2" "$3" "$4" "$WORK/$1.handed" ${5:+"$5"} >"$WORK/$1.out" 2>"$WORK/$1.err"
}
metric() { awk -v k="$2" '$1 == k { print $2 }' "$WORK/$1.out"; }
exitline() { grep -q "^tracee: webhook: $2$" "$WORK/$1.err"; }
requests() { wc -l <"$WORK/$1/log"; }

# ---- up: everything taken, in batches ----------------------------------------------
# The receiver holds its first answer until all 250 are handed over: the
# hand-over never waits for the network, and the rest queue up into batches.
receiver up "hold:$WORK/up.handed"
drive up "http://127.0.0.1:$PORT/alerts" json 250
check "up: all 250 handed over while the receiver held its first answer" grep -qx 'handed over: 250' "$WORK/up.out"
check "up: exit line counts 250 sent" exitline up 'sent: 250, failed: 0, dropped: 0, retries: 0'
check "up: /metrics text counts them" bash -c \
    "test '$(metric up tracee_webhook_sent_total)' = 250 && test '$(metric up tracee_webhook_failed_total)' = 0 && test '$(metric up tracee_webhook_queue_length)' = 0"
check "up: the receiver got 250 detections, one JSON object per line" bash -c \
    "cat '$WORK'/up/req-* | jq -e -s 'length == 250 and all(.eventName == \"mem_prot_alert\" and .processName == \"webhook_drive\")'"
n=$(requests up)
max=$(for f in "$WORK"/up/req-*; do wc -l <"$f"; done | sort -n | tail -1)
check "up: batched: $n requests for 250, none over 100 (largest $max)" bash -c "test $n -ge 3 && test $n -le 4 && test $max -le 100"
check "up: a batch is NDJSON, a single detection plain JSON" bash -c \
    "while read -r i st ct len; do
         lines=\$(wc -l <'$WORK/up/req-'\$i)
         if test \$lines = 1; then test \$ct = application/json; else test \$ct = application/x-ndjson; fi || exit 1
     done <'$WORK/up/log'"

# ---- Falco's body -------------------------------------------------------------------
receiver falco ok
drive falco "http://127.0.0.1:$PORT/" falco 3
check "falco: 3 sent" exitline falco 'sent: 3, failed: 0, dropped: 0, retries: 0'
check "falco: one detection per request" test "$(requests falco)" = 3
check "falco: Falco's fields, the tracee event inside" bash -c \
    "jq -e -s 'length == 3 and all(.rule == \"mem_prot_alert\" and .priority == \"Warning\" and .source == \"tracee\"
        and (.time | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\\\.[0-9]{9}Z$\"))
        and (.output | contains(\"Warning mem_prot_alert (proc.name=webhook_drive\"))
        and .output_fields.\"proc.name\" == \"webhook_drive\" and .output_fields.\"container.id\" == \"host\"
        and .output_fields.\"tracee.event\".eventName == \"mem_prot_alert\")' '$WORK'/falco/req-*"

# ---- 500, then recovery: retried with backoff -------------------------------------------
receiver flaky fail:2
drive flaky "http://127.0.0.1:$PORT/" json 1
check "500 twice: retried, then sent" exitline flaky 'sent: 1, failed: 0, dropped: 0, retries: 2'
check "500 twice: the receiver saw 500, 500, 200 for the same body" bash -c \
    "test \"\$(cut -d' ' -f2 '$WORK/flaky/log' | paste -sd,)\" = 500,500,200 && cmp -s '$WORK/flaky/req-1' '$WORK/flaky/req-3'"
check "500 twice: /metrics counts the retries" test "$(metric flaky tracee_webhook_retries_total)" = 2

# ---- refused (404): not retried, counted -----------------------------------------------
receiver refuse refuse
drive refuse "http://127.0.0.1:$PORT/" json 1
check "404: failed at once, no retry" exitline refuse 'sent: 0, failed: 1, dropped: 0, retries: 0'

# ---- down: nobody listens ---------------------------------------------------------------
receiver gone ok
dead=$PORT
kill "${RECV[-1]}"; wait "${RECV[-1]}" 2>/dev/null
drive down "http://127.0.0.1:$dead/" json 3; rc=$?
check "down: harmless, exit 0" test "$rc" = 0
check "down: all 3 counted failed, retried with backoff" bash -c \
    "grep -Eq '^tracee: webhook: sent: 0, failed: 3, dropped: 0, retries: [1-9]$' '$WORK/down.err'"
check "down: /metrics counts them failed" test "$(metric down tracee_webhook_failed_total)" = 3

# ---- slow, and the queue bound: never answers its first request ----------------------------
# While the first request hangs, 1300 detections are handed over: the queue
# keeps 1024, the rest are dropped and counted; at exit what is left is given
# up within the drain time and counted failed. The hand-over never waits.
receiver hung hold:never
drive hung "http://127.0.0.1:$PORT/" json 1300 now; rc=$?
check "hung receiver: all 1300 handed over" grep -qx 'handed over: 1300' "$WORK/hung.out"
check "hung receiver: exits (bounded drain), exit 0" test "$rc" = 0
read -r sent failed dropped < <(sed -n 's/^tracee: webhook: sent: \([0-9]*\), failed: \([0-9]*\), dropped: \([0-9]*\),.*/\1 \2 \3/p' "$WORK/hung.err")
echo "     hung receiver: sent $sent, failed $failed, dropped $dropped" >&2
check "hung receiver: the queue bound dropped what did not fit" bash -c "test '${dropped:-0}' -ge $((1300 - 1024 - 100)) && test '${dropped:-0}' -le $((1300 - 1024))"
check "hung receiver: nothing sent, the rest given up at exit" test "${sent:-x}:$((failed + dropped))" = "0:1300"

# ---- tracee itself ------------------------------------------------------------------------
receiver tracee ok
tracee --webhook "http://127.0.0.1:$PORT/" --webhook-format falco --metrics --listen-addr 127.0.0.1:0 \
    -o json -e chdir -- sh -c "cd /; while [ ! -e $WORK/tracee.go ]; do sleep 0.1; done" \
    >"$WORK/tracee.json" 2>"$WORK/tracee.err" & TP=$!
mport=""
for _ in $(seq 300); do
    mport=$(sed -n 's/^tracee: serving .* on .*:\([0-9]*\)$/\1/p' "$WORK/tracee.err"); [[ -n $mport ]] && break; sleep 0.1
done
for _ in $(seq 300); do [[ -e $OUTPUT/tracee.pid ]] && break; sleep 0.1; done
curl -s --max-time 10 "http://127.0.0.1:$mport/metrics" >"$WORK/tracee.metrics"
check "tracee --webhook: /metrics has the webhook series" bash -c \
    "grep -qx 'tracee_webhook_sent_total 0' '$WORK/tracee.metrics' && grep -qx 'tracee_webhook_failed_total 0' '$WORK/tracee.metrics' &&
     grep -qx 'tracee_webhook_dropped_total 0' '$WORK/tracee.metrics' && grep -qx 'tracee_webhook_queue_length 0' '$WORK/tracee.metrics'"
touch "$WORK/tracee.go"; wait "$TP"; rc=$?
check "tracee --webhook: traces as usual, exit 0" bash -c "test $rc = 0 && jq -e -s 'any(.eventName == \"chdir\")' '$WORK/tracee.json'"
check "tracee --webhook: exit line after the counters" bash -c \
    "tail -1 '$WORK/tracee.err' | grep -qx 'tracee: webhook: sent: 0, failed: 0, dropped: 0, retries: 0'"
check "tracee --webhook: no detection, nothing posted" test ! -e "$WORK/tracee/log"
# ---- a real detection, end to end -----------------------------------------------------
receiver detect ok
tracee --webhook "http://127.0.0.1:$PORT/" -s signatures -o json -- "$BIN/sigact" traceme \
    >"$WORK/detect.json" 2>"$WORK/detect.err"
check "a real detection: sigact traceme raises anti_debugging, printed once" \
    test "$(jq -s '[.[] | select(.eventName == "anti_debugging")] | length' "$WORK/detect.json")" = 1
check "... and posted once, with its metadata" bash -c \
    "cat '$WORK'/detect/req-* | jq -e -s 'length == 1 and .[0].eventName == \"anti_debugging\" and .[0].metadata.Properties.signatureID == \"TRC-102\" and .[0].processName == \"sigact\"'"
check "... the exit line counts it sent" grep -qx 'tracee: webhook: sent: 1, failed: 0, dropped: 0, retries: 0' "$WORK/detect.err"
receiver detectfalco ok
tracee --webhook "http://127.0.0.1:$PORT/" --webhook-format falco -e anti_debugging -- "$BIN/sigact" traceme \
    >/dev/null 2>&1
check "falco body: the rule, and the severity (1) as priority Notice" bash -c \
    "cat '$WORK'/detectfalco/req-* | jq -e -s 'length == 1 and .[0].rule == \"anti_debugging\" and .[0].priority == \"Notice\"'"

tracee --webhook ftp://x -- true 2>"$WORK/bad1.err"; rc1=$?
tracee --webhook http://x --webhook-format xml -- true 2>"$WORK/bad2.err"; rc2=$?
check "bad --webhook URL: exit 2, one line" bash -c "test $rc1 = 2 && test \$(wc -l <'$WORK/bad1.err') = 1 && grep -q 'expected an http:// or https:// URL' '$WORK/bad1.err'"
check "bad --webhook-format: exit 2, one line" bash -c "test $rc2 = 2 && grep -q 'expected json or falco' '$WORK/bad2.err'"
finish
