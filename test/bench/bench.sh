#!/usr/bin/env bash
# bench.sh - what tracing costs the traced program: tracee side by side with
# strace, perf trace and bpftrace on one syscall-bound workload, plus tracee's
# saturation rate, cold build, warm start and memory.
#
#   sudo test/bench/bench.sh [--rounds N] [--iterations N] [--peer-iterations N]
#                            [--json PATH] [--no-peers] [--no-event-rows]
#                            [--no-prog-stats]
#   sudo test/bench/bench.sh --soak SECONDS    (soak.sh: RSS over a long run)
#
# The workload (test/bench/workload.c, built next to tracee) loops over
# openat/read/close/getppid and prints its loop's own duration; every row's
# ratio is that duration under the tracer over the untraced one, so a
# tracer's start-up is not counted against it. Every tracer prints every
# syscall with its arguments to a file; tracee traces only the workload
# (follow mode: `-- workload`), all its syscalls, as JSON. Rows run round by
# round, interleaved, and the median of the rounds is reported. The peers are
# installed from Debian by `setup.sh bench` when missing.
#
# Two more rows compare the default event set with the detections: -s signatures
# traces the base events the detections need, prints only detections (none
# here), and runs the detection engine on every base event in user space.
#
# The limit: an empty eBPF program (r0 = 0; exit) attached at
# raw_tracepoint/sys_exit around the same workload (empty_exit, next to
# tracee). No tracer that hooks every syscall exit can cost less.
#
# Each event alone: one row per non-syscall event of the default set (read
# from tracee --list: the security_* hooks, vfs_write, cap_capable, the
# sched_process_* events), `tracee -o json -e EVENT -- workload`. They run in
# the same interleaved rounds, at the same iterations, as the other rows:
# about 13 rows of 1-2 s each per round; --no-event-rows leaves them out.
#
# Kernel time per program: after the timed rounds, one more pass over the
# tracee rows and the empty program with kernel.bpf_stats_enabled=1 (the
# timed rounds do not pay for the statistics unless they were on already; the
# script says so then, and restores the setting at exit). In that pass the
# workload runs under prog_stats (next to tracee: `tracee ... -- prog_stats
# workload`), which reads the run count and run time of its parent's programs
# before and after the workload; the table shows runs and ns per run per
# program, and ns per syscall: the programs' time over the workload's
# syscalls. Runs also count the other processes' syscalls during the loop, so
# they exceed the workload's a little on a quiet machine, and ns per syscall
# is an upper bound. --no-prog-stats skips the pass.
#
# Other figures:
#   engine       the detection engine alone on one core (sig_bench, next to
#                tracee): base events per second of CPU with every built-in
#                detection selected
#   saturation   one workload per CPU under one tracee: events printed per
#                second of the longest workload loop, and whether any were lost
#   cold build   --build-only --build-policy always into a fresh install path
#   warm start   launch to <output-path>/tracee.pid, from a cached object
#   memory       tracee's VmHWM, which includes the ring buffer: the kernel
#                maps its data pages twice, all at once, so the default 8 MiB
#                ring is 16 MiB of RSS (a row with a 16 MiB ring shows the
#                difference); and its peak RssAnon (heap and stacks only),
#                sampled while tracing
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
TRACEE=${TRACEE:-$SRC/dist/tracee}
WORKLOAD=${WORKLOAD:-$(dirname "$TRACEE")/workload}
ROUNDS=3
ITER=200000
PEER_ITER=
JSON_OUT=$HERE/results.json
PEERS=1
EVENT_ROWS=1
PROG_STATS_PASS=1

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-2}"; }
while (($#)); do
    case $1 in
    --rounds) ROUNDS=$2; shift ;;
    --iterations) ITER=$2; shift ;;
    --peer-iterations) PEER_ITER=$2; shift ;;
    --json) JSON_OUT=$2; shift ;;
    --no-peers) PEERS=0 ;;
    --no-event-rows) EVENT_ROWS=0 ;;
    --no-prog-stats) PROG_STATS_PASS=0 ;;
    --soak) exec "$(dirname "$0")/soak.sh" --seconds "$2" ;;
    -h|--help) usage 0 ;;
    *) echo "bench: unknown argument '$1'" >&2; usage ;;
    esac
    shift
done
PEER_ITER=${PEER_ITER:-$ITER}

die() { echo "bench: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || die "tracing needs root: run it with sudo"
[[ -x $TRACEE ]] || die "no tracee at $TRACEE: build it (make build) or set TRACEE"
[[ -x $WORKLOAD ]] || die "no workload at $WORKLOAD: it is built with tracee (make build)"
EMPTY_EXIT=$(dirname "$TRACEE")/empty_exit
PROG_STATS=$(dirname "$TRACEE")/prog_stats
[[ -x $EMPTY_EXIT ]] || die "no empty_exit at $EMPTY_EXIT: it is built with tracee (make build)"
if ((PROG_STATS_PASS)); then
    [[ -x $PROG_STATS ]] || die "no prog_stats at $PROG_STATS: it is built with tracee (make build), or use --no-prog-stats"
    [[ -w /proc/sys/kernel/bpf_stats_enabled ]] ||
        die "this kernel has no kernel.bpf_stats_enabled (5.1+): use --no-prog-stats"
fi
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
if ((PEERS)) && ! { command -v strace && command -v perf && command -v bpftrace; } >/dev/null; then
    "$SRC/setup.sh" bench >&2 || die "installing the peers failed (setup.sh bench)"
fi

WORK=$(mktemp -d /tmp/tracee-bench.XXXXXX)
chmod 0700 "$WORK"
INSTALL=$WORK/install
# kernel.bpf_stats_enabled as found, put back at exit (the stats pass sets it).
BPF_STATS_WAS=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo "")
restore_bpf_stats() {
    [[ -n $BPF_STATS_WAS ]] && echo "$BPF_STATS_WAS" >/proc/sys/kernel/bpf_stats_enabled
}
trap 'restore_bpf_stats; rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { printf '%s\n' "$EPOCHREALTIME"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a - b }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.6f", a / b; else print "null" }'; }
# ratio LOOP ITERATIONS BASE_LOOP BASE_ITERATIONS: time per syscall over the untraced one
ratio() {
    awk -v l="$1" -v n="$2" -v b="$3" -v m="$4" \
        'BEGIN { if (l > 0 && n > 0 && b > 0 && m > 0) printf "%.3f", (l / n) / (b / m); else print "null" }'
}
# median of the arguments ("null" when there are none)
median() {
    (($#)) || { echo null; return; }
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
loop_time() { grep -Eo 'workload: [0-9]+ syscalls in [0-9.]+ s' "$1" | tail -1 | awk '{ print $5 }'; }
tracee_count() { grep -Eo "$2: [0-9]+" "$1" | tail -1 | grep -Eo '[0-9]+$'; }

# Every syscall tracee knows: the syscalls set, or each of them by name.
if "$TRACEE" --help 2>&1 | grep -q -- '--events-set'; then
    ALL_SYSCALLS=(-s syscalls)
else
    ALL_SYSCALLS=(-e "$("$TRACEE" --list | awk '$0 ~ /[[ ,]syscalls[] ,]/ { print $1 }' | paste -sd,)")
    [[ ${ALL_SYSCALLS[1]} ]] || die "tracee --list shows no syscalls"
fi
# The non-syscall events of the default set, one row each: in --list, the
# "Other Events" section's rows whose sets (the first [...]) name default.
DEFAULT_EVENTS=()
if ((EVENT_ROWS)); then
    mapfile -t DEFAULT_EVENTS < <("$TRACEE" --list | awk '
        /^[A-Z]/ { other = ($0 ~ /^Other Events:/); next }
        other && index($0, "[") {
            sets = substr($0, index($0, "[") + 1); sets = substr(sets, 1, index(sets, "]") - 1)
            if ((" " sets " ") ~ / default /) print $1
        }')
fi
HAVE_FILTER=0
"$TRACEE" --help 2>&1 | grep -q -- '--filter' && HAVE_FILTER=1

echo "bench: building the eBPF object once into $INSTALL" >&2
"$TRACEE" --install-path "$INSTALL" --build-only >/dev/null || die "tracee cannot build its object"
# The perf-buffer build (what kernels before 5.8 get), in its own install path.
INSTALL_PERF=$WORK/install-perf
TRACEE_FEATURES_OFF=ringbuf "$TRACEE" --install-path "$INSTALL_PERF" --build-only >/dev/null 2>&1 ||
    die "tracee cannot build its perf-buffer object"

# The watcher runs beside the traced workload on a machine with few CPUs:
# it forks nothing. nap is a sleep (a read that times out on a FIFO nobody
# writes); the memory figures are read with builtins.
mkfifo "$WORK/nap"
exec {NAP}<>"$WORK/nap"
nap() { read -rt "$1" -u "$NAP" _ || true; }

# sample_memory PID: raises HWM and ANON (kB) to the process's current
# VmHWM and RssAnon; fails once the process is gone.
sample_memory() {
    local key val _
    [[ -r /proc/$1/status ]] || return 1
    while read -r key val _; do
        case $key in
        VmHWM:) ((val > HWM)) && HWM=$val ;;
        RssAnon:) ((val > ANON)) && ANON=$val ;;
        esac
    done 2>/dev/null <"/proc/$1/status" || return 1
}

# wait_ready OUTPUT_PATH: until tracee wrote its pid file; sets PID ("" if
# tracee ($BG) exited first).
wait_ready() {
    local n
    PID=""
    for ((n = 0; n < 3000; n++)); do
        [[ -s $1/tracee.pid ]] && { read -r PID <"$1/tracee.pid"; return; }
        kill -0 "$BG" 2>/dev/null || return
        nap 0.005
    done
}

# In the stats pass the workload runs under prog_stats (STATS_WRAP), which
# prints the run count and time of its parent's (or -p PID's) programs over
# the workload's run on stderr; ERR names the file that stderr went to.
STATS_PASS=0 STATS_WRAP=() ERR=""

# watch_tracee OUTPUT_PATH START: waits for the pid file, then samples the
# process's memory until it exits. Sets READY (s after START), HWM, ANON (kB).
watch_tracee() {
    READY=null HWM=0 ANON=0
    wait_ready "$1"
    [[ -n $PID ]] || return
    READY=$(sub "$(now)" "$2")
    while sample_memory "$PID"; do nap 0.1; done
}

# tracee ARGS... in the background, watched; sets LOOP WALL EVENTS LOST READY HWM ANON.
run_tracee() {
    local tag=$1; shift
    local out=$WORK/out-$tag start end
    rm -rf "$out"
    start=$(now)
    ERR=$WORK/$tag.err
    "$TRACEE" --install-path "${RUN_INSTALL:-$INSTALL}" --output-path "$out" "$@" \
        >"$WORK/$tag.out" 2>"$ERR" &
    BG=$!
    watch_tracee "$out" "$start"
    wait "$BG"
    end=$(now)
    WALL=$(sub "$end" "$start")
    LOOP=$(loop_time "$WORK/$tag.err")
    EVENTS=$(tracee_count "$WORK/$tag.err" events)
    LOST=$(tracee_count "$WORK/$tag.err" lost)
}

# One row, one round: sets LOOP WALL EVENTS LOST (empty when not counted).
row_untraced() {
    local start; start=$(now)
    "$WORKLOAD" "$ITER" 2>"$WORK/u.err"
    WALL=$(sub "$(now)" "$start") LOOP=$(loop_time "$WORK/u.err") EVENTS="" LOST=""
}

# The limit: an empty program at sys_exit.
row_empty() {
    local start; start=$(now)
    ERR=$WORK/e.err
    "$EMPTY_EXIT" "${STATS_WRAP[@]}" "$WORKLOAD" "$ITER" 2>"$ERR"
    WALL=$(sub "$(now)" "$start") LOOP=$(loop_time "$ERR") EVENTS="" LOST=""
    grep -E '^empty_exit: ' "$ERR" >&2
    return 0
}

row_tracee() {
    run_tracee t -o json "${ALL_SYSCALLS[@]}" -- "${STATS_WRAP[@]}" "$WORKLOAD" "$ITER"
    ((STATS_PASS)) || { T_READY+=("$READY"); T_HWM+=("$HWM"); T_ANON+=("$ANON"); }
    rm -f "$WORK/t.out"
}

# The same with a ring buffer twice the default (16 MiB): what it costs in memory.
row_tracee16() {
    run_tracee t16 -o json "${ALL_SYSCALLS[@]}" --perf-buffer-size 4096 -- "${STATS_WRAP[@]}" "$WORKLOAD" "$ITER"
    ((STATS_PASS)) || { T_READY+=("$READY"); T16_HWM+=("$HWM"); T_ANON+=("$ANON"); }
    rm -f "$WORK/t16.out"
}

# The same through per-CPU perf buffers (TRACEE_FEATURES_OFF=ringbuf).
row_tracee_perf() {
    RUN_INSTALL=$INSTALL_PERF TRACEE_FEATURES_OFF=ringbuf \
        run_tracee tp -o json "${ALL_SYSCALLS[@]}" -- "${STATS_WRAP[@]}" "$WORKLOAD" "$ITER"
    rm -f "$WORK/tp.out"
}

# The default event set, and the detections instead: what -s signatures costs.
row_default() {
    run_tracee d -o json -- "${STATS_WRAP[@]}" "$WORKLOAD" "$ITER"
    rm -f "$WORK/d.out"
}

row_signatures() {
    run_tracee g -o json -s signatures -- "${STATS_WRAP[@]}" "$WORKLOAD" "$ITER"
    rm -f "$WORK/g.out"
}

# One event of the default set alone (row name event:NAME).
row_event() {
    run_tracee "e-$1" -o json -e "$1" -- "${STATS_WRAP[@]}" "$WORKLOAD" "$ITER"
    rm -f "$WORK/e-$1.out"
}

# A filter that matches nothing: the cost every other process pays.
row_nomatch() {
    local out=$WORK/out-n start
    rm -rf "$out"
    start=$(now)
    "$TRACEE" --install-path "$INSTALL" --output-path "$out" -t process:all -f comm=nomatch \
        -o json "${ALL_SYSCALLS[@]}" >"$WORK/n.out" 2>"$WORK/n.err" &
    BG=$!
    wait_ready "$out"
    ERR=$WORK/n.werr
    "${STATS_WRAP[@]}" ${STATS_WRAP:+-p "$PID"} "$WORKLOAD" "$ITER" 2>"$ERR"
    kill -INT "$BG"; wait "$BG"
    WALL=$(sub "$(now)" "$start")
    LOOP=$(loop_time "$WORK/n.werr")
    EVENTS=$(tracee_count "$WORK/n.err" events)
    LOST=$(tracee_count "$WORK/n.err" lost)
}

row_strace() {
    local start; start=$(now)
    strace -f -o "$WORK/s.out" "$WORKLOAD" "$PEER_ITER" 2>"$WORK/s.err"
    WALL=$(sub "$(now)" "$start") LOOP=$(loop_time "$WORK/s.err")
    EVENTS=$(grep -c '' "$WORK/s.out") LOST=0
    rm -f "$WORK/s.out"
}

row_perf() {
    local start; start=$(now)
    perf trace -o "$WORK/p.out" -- "$WORKLOAD" "$PEER_ITER" 2>"$WORK/p.err"
    WALL=$(sub "$(now)" "$start") LOOP=$(loop_time "$WORK/p.err")
    EVENTS=$(grep -vc 'LOST' "$WORK/p.out")
    LOST=$(cat "$WORK/p.out" "$WORK/p.err" | grep -Eo 'LOST [0-9]+' | awk '{ n += $2 } END { print n + 0 }')
    rm -f "$WORK/p.out"
}

row_bpftrace() {
    local start; start=$(now)
    bpftrace -o "$WORK/b.out" -c "$WORKLOAD $PEER_ITER" -e 'tracepoint:raw_syscalls:sys_enter /pid == cpid/ {
        printf("%s %d %d %ld 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx\n", comm, pid, tid, args->id,
               args->args[0], args->args[1], args->args[2], args->args[3], args->args[4], args->args[5]); }' \
        2>"$WORK/b.err" >/dev/null  # it prints blank lines of its own on stdout
    WALL=$(sub "$(now)" "$start") LOOP=$(loop_time "$WORK/b.err")
    EVENTS=$(grep -Evc '^(Attaching|Lost) ' "$WORK/b.out")
    LOST=$(cat "$WORK/b.out" "$WORK/b.err" | grep -Eo 'Lost [0-9]+' | awk '{ n += $2 } END { print n + 0 }')
    rm -f "$WORK/b.out"
}

ROWS=(untraced empty tracee tracee16 tracee_perf default signatures)
declare -A LABEL=(
    [untraced]="untraced"
    [empty]="empty program at sys_exit (the limit)"
    [tracee]="tracee -o json, all syscalls, -- workload"
    [tracee16]="the same, --perf-buffer-size 4096 (16 MiB)"
    [tracee_perf]="the same through perf buffers (ringbuf off)"
    [default]="tracee -o json, default set, -- workload"
    [signatures]="tracee -o json -s signatures, -- workload"
    [nomatch]="tracee -t process:all -f comm=nomatch"
    [strace]="strace -f -o FILE"
    [perf]="perf trace -o FILE"
    [bpftrace]="bpftrace, printf per sys_enter"
)
declare -A ITERS=([untraced]=$ITER [empty]=$ITER [tracee]=$ITER [tracee16]=$ITER [tracee_perf]=$ITER [default]=$ITER [signatures]=$ITER [nomatch]=$ITER
    [strace]=$PEER_ITER [perf]=$PEER_ITER [bpftrace]=$PEER_ITER)
NOTES=()
for ev in "${DEFAULT_EVENTS[@]}"; do
    ROWS+=("event:$ev") LABEL[event:$ev]="tracee -o json -e $ev" ITERS[event:$ev]=$ITER
done
((EVENT_ROWS)) && ! ((${#DEFAULT_EVENTS[@]})) && NOTES+=("tracee --list shows no default non-syscall event: no event rows")
if ((HAVE_FILTER)); then ROWS+=(nomatch); else NOTES+=("no -f in this tracee: the comm=nomatch row is skipped"); fi
((PEERS)) && ROWS+=(strace perf bpftrace)
# The rows that run no tracee (the others print events and lost), and the
# rows whose programs the stats pass measures: tracee's and the empty one.
declare -A NOT_TRACEE=([untraced]=1 [empty]=1 [strace]=1 [perf]=1 [bpftrace]=1)
STAT_ROWS=()
for row in "${ROWS[@]}"; do [[ ${NOT_TRACEE[$row]:-} && $row != empty ]] || STAT_ROWS+=("$row"); done
declare -A R_LOOP R_WALL R_EVENTS R_LOST
T_READY=() T_HWM=() T16_HWM=() T_ANON=()

run_row() {
    case $1 in
    event:*) row_event "${1#event:}" ;;
    *) "row_$1" ;;
    esac
}

if [[ $BPF_STATS_WAS == 1 ]]; then
    NOTES+=("kernel.bpf_stats_enabled was on already: every program run in the timed rounds paid for its statistics")
fi
for ((r = 1; r <= ROUNDS; r++)); do
    for row in "${ROWS[@]}"; do
        echo "bench: round $r/$ROUNDS: $row" >&2
        run_row "$row"
        R_LOOP[$row]+="${LOOP:-} " R_WALL[$row]+="$WALL "
        R_EVENTS[$row]+="${EVENTS:-} " R_LOST[$row]+="${LOST:-} "
    done
done

# The stats pass: each row once more with kernel.bpf_stats_enabled=1. P_PROGS
# holds the row's programs that ran, "NAME RUNS RUN_TIME_NS" a line, most runs
# first (programs of one name summed); P_NS the sum of their times.
declare -A P_PROGS P_NS
if ((PROG_STATS_PASS)); then
    echo 1 >/proc/sys/kernel/bpf_stats_enabled || die "cannot set kernel.bpf_stats_enabled"
    STATS_PASS=1 STATS_WRAP=("$PROG_STATS")
    for row in "${STAT_ROWS[@]}"; do
        echo "bench: kernel statistics: $row" >&2
        run_row "$row"
        grep -E '^prog_stats: [^0-9]' "$ERR" >&2
        P_PROGS[$row]=$(awk '/^prog_stats: [0-9]+ / { runs[$3] += $4; ns[$3] += $5 }
            END { for (p in runs) if (runs[p] > 0) print p, runs[p], ns[p] }' "$ERR" | sort -k2,2nr -k1,1)
        P_NS[$row]=$(awk '{ t += $3 } END { print t + 0 }' <<<"${P_PROGS[$row]}")
        [[ -n ${P_PROGS[$row]} ]] || NOTES+=("no kernel statistics for $row: see prog_stats's errors above")
    done
    STATS_PASS=0 STATS_WRAP=()
    restore_bpf_stats
fi

# Saturation: one workload per CPU, all traced by one tracee. The rate is the
# events tracee printed over the longest workload loop: what it absorbed while
# the loops ran (the ring buffer holds a few percent of it), lost none.
NCPU=$(nproc)
echo "bench: saturation, $NCPU workloads" >&2
SAT_CMD=$(printf '"%s" %s & ' $(for ((i = 0; i < NCPU; i++)); do echo "$WORKLOAD $ITER"; done))
SAT_RATE=() SAT_LOST=()
for ((r = 1; r <= ROUNDS; r++)); do
    run_tracee sat -o json "${ALL_SYSCALLS[@]}" -- sh -c "${SAT_CMD}wait"
    longest=$(grep -Eo 'workload: [0-9]+ syscalls in [0-9.]+ s' "$WORK/sat.err" | awk '$5 > m { m = $5 } END { print m + 0 }')
    SAT_RATE+=("$(div "$EVENTS" "$longest")")
    SAT_LOST+=("$LOST")
    T_HWM+=("$HWM"); T_ANON+=("$ANON")
    rm -f "$WORK/sat.out"
done

# Cold build: a fresh install path each time.
BUILD=()
for ((r = 1; r <= ROUNDS; r++)); do
    start=$(now)
    "$TRACEE" --install-path "$WORK/cold$r" --build-only --build-policy always >/dev/null 2>&1 &&
        BUILD+=("$(sub "$(now)" "$start")")
done

# The detection engine alone: base events per second of one core's CPU time.
ENGINE=()
SIG_BENCH=$(dirname "$TRACEE")/sig_bench
for ((r = 1; r <= ROUNDS; r++)); do
    [[ -x $SIG_BENCH ]] && ENGINE+=("$("$SIG_BENCH" | grep -Eo '[0-9]+ events/s' | grep -Eo '^[0-9]+')")
done
engine=$( ((${#ENGINE[@]})) && median "${ENGINE[@]}" || echo null)

# ---- report ----
num() { [[ $1 == null || -z $1 ]] && echo null || echo "$1"; }
base=$(median ${R_LOOP[untraced]})
printf '\n%-44s %9s %10s %8s %11s %8s\n' "run (median of $ROUNDS)" syscalls "loop (s)" ratio events lost
declare -A M_LOOP M_RATIO M_EVENTS M_LOST M_WALL
for row in "${ROWS[@]}"; do
    M_LOOP[$row]=$(median ${R_LOOP[$row]})
    M_WALL[$row]=$(median ${R_WALL[$row]})
    M_EVENTS[$row]=$(median ${R_EVENTS[$row]})
    M_LOST[$row]=$(printf '%s\n' ${R_LOST[$row]} | sort -g | tail -1)   # worst round
    M_LOST[$row]=${M_LOST[$row]:-null}
    # the peers may run fewer iterations: compare time per syscall
    M_RATIO[$row]=$(ratio "${M_LOOP[$row]}" "${ITERS[$row]}" "$base" "$ITER")
    printf '%-44s %9s %10.3f %7.1fx %11s %8s\n' "${LABEL[$row]}" "$((ITERS[$row] * 4))" \
        "${M_LOOP[$row]}" "${M_RATIO[$row]}" "${M_EVENTS[$row]/null/-}" "${M_LOST[$row]/null/-}"
    if [[ ${M_LOST[$row]} != null ]] && ((M_LOST[$row] > 0)); then
        NOTES+=("$row lost events: ${M_LOST[$row]} in its worst round")
    elif [[ ${M_LOST[$row]} == null && -z ${NOT_TRACEE[$row]:-} ]]; then
        NOTES+=("$row: tracee printed no lost count (it failed in some round?)")
    fi
done

# ns per syscall ROW: the row's programs' time over the workload's syscalls.
ns_per_syscall() { div "${P_NS[$1]:-0}" "$((ITERS[$1] * 4))"; }
if ((PROG_STATS_PASS)); then
    printf '\n%s\n' "kernel time per program run (kernel.bpf_stats_enabled, one pass; runs include other processes' syscalls)"
    printf '%-44s %-28s %9s %8s\n' run program runs ns/run
    # A program that ran for under 1% of the syscalls (exec, fork, exit
    # hooks) is summed into one "others" line here; results.json has each.
    for row in "${STAT_ROWS[@]}"; do
        label=${LABEL[$row]} o_n=0 o_runs=0 o_ns=0
        while read -r prog runs ns; do
            [[ -n $prog ]] || continue
            if ((runs * 100 < ITERS[$row] * 4)); then
                ((o_n += 1, o_runs += runs, o_ns += ns))
                continue
            fi
            printf '%-44s %-28s %9s %8.1f\n' "$label" "$prog" "$runs" "$(div "$ns" "$runs")"
            label=""
        done <<<"${P_PROGS[$row]:-}"
        if ((o_n)); then
            printf '%-44s %-28s %9s %8.1f\n' "$label" "$o_n others, each <1% of runs" "$o_runs" "$(div "$o_ns" "$o_runs")"
            label=""
        fi
        printf '%-44s %-28s %9s %8.1f\n' "$label" "= ns per syscall" "$((ITERS[$row] * 4))" "$(ns_per_syscall "$row")"
    done
fi
sat=$(median "${SAT_RATE[@]}")
sat_lost=$(printf '%s\n' "${SAT_LOST[@]}" | sort -g | tail -1)
ready=$(median "${T_READY[@]}")
build=$(median "${BUILD[@]}")
hwm=$(printf '%s\n' "${T_HWM[@]}" | sort -g | tail -1)
hwm16=$(printf '%s\n' "${T16_HWM[@]}" | sort -g | tail -1)
anon=$(printf '%s\n' "${T_ANON[@]}" | sort -g | tail -1)
printf '\n%-44s %s\n' "saturation ($NCPU workloads), events/s" "$(printf '%.0f' "$sat") (lost: $sat_lost)"
printf '%-44s %s\n' "detection engine, one core, events/s" "$(printf '%.0f' "$engine")"
printf '%-44s %.3f s\n' "cold build (--build-policy always)" "$build"
printf '%-44s %.3f s\n' "warm start to ready (tracee.pid)" "$ready"
printf '%-44s %.1f MiB\n' "peak RSS, VmHWM (default 8 MiB ring)" "$(div "$hwm" 1024)"
printf '%-44s %.1f MiB\n' "peak RSS, VmHWM (16 MiB ring)" "$(div "$hwm16" 1024)"
printf '%-44s %.1f MiB\n' "peak RssAnon (heap and stacks)" "$(div "$anon" 1024)"
for n in "${NOTES[@]}"; do echo "note: $n"; done
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $NCPU CPUs"

# programs_json ROW: {"NAME": {"runs": N, "ns_per_run": X}, ...}, or null
# when the stats pass did not measure the row.
programs_json() {
    [[ -v P_PROGS[$1] ]] || { echo null; return; }
    awk 'NF == 3 { printf "%s\"%s\": {\"runs\": %d, \"ns_per_run\": %.1f}", sep, $1, $2, $3 / $2; sep = ", " }
        BEGIN { printf "{" } END { printf "}" }' <<<"${P_PROGS[$1]}"
}

{
    printf '{\n  "machine": {"cpus": %s, "kernel": "%s", "loadavg": "%s"},\n' \
        "$NCPU" "$(uname -r)" "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf '  "rounds": %s, "iterations": %s, "peer_iterations": %s, "bpf_stats_was_on": %s,\n' \
        "$ROUNDS" "$ITER" "$PEER_ITER" "$([[ $BPF_STATS_WAS == 1 ]] && echo true || echo false)"
    printf '  "rows": [\n'
    sep=""
    for row in "${ROWS[@]}"; do
        printf '%s    {"name": "%s", "run": "%s", "syscalls": %s, "loop_s": %s, "wall_s": %s, "ratio": %s, "events": %s, "lost": %s, "programs": %s, "ns_per_syscall": %s}' \
            "$sep" "$row" "${LABEL[$row]}" "$((ITERS[$row] * 4))" "$(num "${M_LOOP[$row]}")" \
            "$(num "${M_WALL[$row]}")" "$(num "${M_RATIO[$row]}")" "$(num "${M_EVENTS[$row]}")" \
            "$(num "${M_LOST[$row]}")" "$(programs_json "$row")" \
            "$([[ -v P_PROGS[$row] ]] && ns_per_syscall "$row" || echo null)"
        sep=$',\n'
    done
    printf '\n  ],\n'
    printf '  "saturation": {"workloads": %s, "events_per_s": %s, "lost": %s},\n' "$NCPU" "$(num "$sat")" "$(num "$sat_lost")"
    printf '  "engine_events_per_s": %s,\n' "$(num "$engine")"
    printf '  "cold_build_s": %s, "warm_start_s": %s,\n' "$(num "$build")" "$(num "$ready")"
    printf '  "rss_hwm_kib": %s, "rss_hwm_16mib_ring_kib": %s, "rss_anon_kib": %s,\n' \
        "$(num "$hwm")" "$(num "$hwm16")" "$(num "$anon")"
    printf '  "notes": [%s]\n}\n' "$(for n in "${NOTES[@]}"; do printf '"%s",' "$n"; done | sed 's/,$//')"
} >"$JSON_OUT"
echo "bench: figures written to $JSON_OUT" >&2
