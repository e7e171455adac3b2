#!/usr/bin/env bash
# test_pidns.sh - tracee in a pid namespace of its own, as in a container run
# without --pid=host (here: unshare --pid --fork --mount-proc, so /proc shows
# that namespace only): -- COMMAND, process:PID (pids as that namespace
# numbers them) and process:new see their processes; processId and
# threadId are namespace numbers, hostProcessId the host's. (test_docker.sh
# runs the image without --pid=host too.)
source "$(dirname "$0")/lib.sh"
need_root
command -v unshare >/dev/null || { bad "unshare is installed (util-linux)"; finish; exit; }
check "object builds" prebuild
HOSTNS=$(stat -L -c %i /proc/self/ns/pid)

# inside ARGS...: run in a new pid namespace with its own /proc
inside() { unshare --pid --fork --mount-proc "$@"; }

# -- COMMAND: tracee is pid 1 there, cat pid 2
inside "$TRACEE" --install-path "$INSTALL" --output-path "$OUTPUT" -o json -e openat \
    -- cat /etc/hostname >"$WORK/cmd.all" 2>"$WORK/cmd.err"
check "-- COMMAND: exits 0" test $? = 0
grep '^{' "$WORK/cmd.all" >"$WORK/cmd.json"
check "-- COMMAND: cat's openat of /etc/hostname" opened /etc/hostname "$WORK/cmd.json"
check "-- COMMAND: processId and threadId 2 (the namespace's), hostProcessId the host's" jq -e -s \
    'length > 0 and all(.processId == 2 and .threadId == 2 and .parentProcessId == 1
        and .hostProcessId > 2 and .hostThreadId == .hostProcessId)' "$WORK/cmd.json"
check "-- COMMAND: pidNamespace is not the host's" jq -e -s --argjson h "$HOSTNS" \
    'all(.pidNamespace != $h)' "$WORK/cmd.json"
check "-- COMMAND: only the command's events, never tracee's own" jq -e -s \
    'all(.processName == "cat")' "$WORK/cmd.json"
inside "$TRACEE" --install-path "$INSTALL" --output-path "$OUTPUT" -o table -e openat \
    -- cat /etc/hostname >"$WORK/cmd.table" 2>/dev/null
check "-- COMMAND, table: PID and TID columns are the namespace's" grep -Eq \
    '^[0-9]+\.[0-9]{6} +0 +cat +2 +2 +[0-9-]+ +openat +dirfd: AT_FDCWD, pathname: /etc/hostname' \
    "$WORK/cmd.table"

# process:PID and process:new, by a script run inside the namespace
cat >"$WORK/inner.sh" <<EOF
T() { "$TRACEE" --install-path "$INSTALL" --output-path "$OUTPUT" "\$@"; }
# tracee.pid holds tracee's pid, as the namespace numbers it; removed at exit
ready() { for _ in \$(seq 300); do [ -e "$OUTPUT/tracee.pid" ] && return 0; sleep 0.1; done; return 1; }
"$LATE" "$WORK/pid" >"$WORK/pid.ready" & late=\$!
echo \$late >"$WORK/pid.late"
for _ in \$(seq 100); do grep -q ready "$WORK/pid.ready" && break; sleep 0.05; done
T -t process:\$late -o json -e openat >"$WORK/pid.json" 2>"$WORK/pid.err" & tp=\$!
ready || exit 1
cat "$WORK/pid.other" 2>/dev/null
kill -USR1 \$late; wait \$late
stop() { kill -INT "\$(cat "$OUTPUT/tracee.pid")"; wait \$tp; }
stop || exit 1
T -t process:new -o json -e openat -f comm=cat >"$WORK/new.json" 2>"$WORK/new.err" & tp=\$!
ready || exit 1
cat "$WORK/new.cat" 2>/dev/null
stop
EOF
inside bash "$WORK/inner.sh"
check "process:PID and process:new inside the namespace: both run and stop cleanly" test $? = 0
LATE_NS=$(cat "$WORK/pid.late")
check "process:PID (the namespace's pid $LATE_NS, as in test_modes.sh): its main thread" opened "$WORK/pid.main" "$WORK/pid.json"
check "process:PID: its new thread" opened "$WORK/pid.thread" "$WORK/pid.json"
check "process:PID: not its child" never_opened "$WORK/pid.child" "$WORK/pid.json"
check "process:PID: its events carry that pid as processId" jq -e -s --argjson p "$LATE_NS" \
    '[.[] | select((.args[] | select(.name == "pathname") | .value) == "'"$WORK/pid.main"'")]
     | length == 1 and all(.processId == $p and .hostProcessId != $p)' "$WORK/pid.json"
check "process:PID: another process is not traced" never_opened "$WORK/pid.other" "$WORK/pid.json"
check "process:new: a process started after tracee is traced" opened "$WORK/new.cat" "$WORK/new.json"
finish
