#!/usr/bin/env bash
# test_containers.sh - container and host trace modes. A container is a pid
# namespace other than the host's: one made with unshare, and a real Docker
# container (test/docker/engine.sh starts the engine and makes the image).
# container:new sees a container's events with its UTS name (and, from
# Docker, its id) and nothing of the host; host:new the opposite.
source "$(dirname "$0")/lib.sh"
need_root
check "object builds" prebuild
SRC=${TRACEE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
host_pidns=$(stat -L -c %i /proc/self/ns/pid)

# One container and one host process, both started after tracee.
workload() { # TAG
    unshare --pid --mount --uts --fork sh -c "hostname ctest-uts; cat $WORK/$1.inner 2>/dev/null; true"
    cat "$WORK/$1.host" 2>/dev/null
}

# container:new
start_tracee "$WORK/cnew.json" -t container:new -o json -e openat
check "container:new: tracee starts" test $? = 0
workload cnew
stop_tracee
check "container:new: SIGINT exits 0" test $? = 0
check "container:new: the container's cat" opened "$WORK/cnew.inner" "$WORK/cnew.json"
check "container:new: with its UTS name, its own pids and no runtime id" \
    jq -e -s --arg f "$WORK/cnew.inner" 'any((.args[] | select(.name == "pathname") | .value) == $f
        and .hostName == "ctest-uts" and .processId != .hostProcessId and .containerId == "")' "$WORK/cnew.json"
check "container:new: not the host's cat" never_opened "$WORK/cnew.host" "$WORK/cnew.json"
check "container:new: nothing from the host pid namespace" \
    jq -e -s --argjson h "$host_pidns" 'length > 0 and all(.pidNamespace != $h)' "$WORK/cnew.json"

# host:new (narrowed to cat: other new host processes are none of our business)
start_tracee "$WORK/hnew.json" -t host:new -f comm=cat -o json -e openat
workload hnew
stop_tracee
check "host:new: the host's cat" opened "$WORK/hnew.host" "$WORK/hnew.json"
check "host:new: not the container's cat" never_opened "$WORK/hnew.inner" "$WORK/hnew.json"
check "host:new: everything in the host pid namespace" \
    jq -e -s --argjson h "$host_pidns" 'length > 0 and all(.pidNamespace == $h)' "$WORK/hnew.json"

# a container started before tracee: container:all sees it, container:new does not
old_container() { # TAG: blocks on a fifo until go TAG
    mkfifo "$WORK/$1.fifo"
    unshare --pid --uts --fork sh -c "hostname old-uts; : >$WORK/$1.up; read x <$WORK/$1.fifo; cat $WORK/$1.inner 2>/dev/null; true" &
    OLD=$!
    # the container's init must exist before tracee starts, or it is a new one
    for _ in $(seq 100); do [[ -e $WORK/$1.up ]] && break; sleep 0.05; done
}
go() { echo go >"$WORK/$1.fifo"; wait "$OLD"; }
old_container call
start_tracee "$WORK/call.json" -t container:all -o json -e openat
go call
stop_tracee
check "container:all: a container older than tracee" opened "$WORK/call.inner" "$WORK/call.json"
check "container:all: nothing from the host pid namespace" \
    jq -e -s --argjson h "$host_pidns" 'all(.pidNamespace != $h)' "$WORK/call.json"
old_container cold
start_tracee "$WORK/cold.json" -t c -o json -e openat
go cold
stop_tracee
check "container:new (c): not a container older than tracee" never_opened "$WORK/cold.inner" "$WORK/cold.json"

# host:all sees a host process older than tracee, host:new does not
"$LATE" "$WORK/hall" >"$WORK/hall.ready" & old=$!
for _ in $(seq 100); do grep -q ready "$WORK/hall.ready" && break; sleep 0.05; done
start_tracee "$WORK/hall.json" -t host:all -f comm=latecomer -o json -e openat
kill -USR1 "$old"; wait "$old"
stop_tracee
check "host:all: a host process older than tracee" opened "$WORK/hall.main" "$WORK/hall.json"
"$LATE" "$WORK/hold" >"$WORK/hold.ready" & old=$!
for _ in $(seq 100); do grep -q ready "$WORK/hold.ready" && break; sleep 0.05; done
start_tracee "$WORK/hold.json" -t h -f comm=latecomer -o json -e openat
kill -USR1 "$old"; wait "$old"
stop_tracee
check "host:new (h): not a host process older than tracee" never_opened "$WORK/hold.main" "$WORK/hold.json"
check "host:new (h): but the child it forks now" opened "$WORK/hold.child" "$WORK/hold.json"

# the table in container modes: Tracee's layout with UTS_NAME and host pids
start_tracee "$WORK/ctable" -t container:new -e openat
workload ctable
stop_tracee
check "container table header" test "$(head -1 "$WORK/ctable")" = \
    "TIME(s)        UTS_NAME         UID    COMM             PID/host        TID/host        RET              EVENT                ARGS"
check "container table row: UTS name, pid in the container / on the host" grep -Eq \
    "^[0-9]+\.[0-9]{6} +ctest-uts +0 +cat +[0-9]+ */[0-9]+ +[0-9]+ */[0-9]+ +-?[0-9]+( E[A-Z]+)? +openat +dirfd: [^,]+, pathname: $WORK/ctable.inner" \
    "$WORK/ctable"

# Docker: a real container's events carry its id (as docker inspect says) and UTS name
if [[ ${TRACEE_TEST_NO_DOCKER:-} == 1 ]]; then
    echo "skip: docker part (TRACEE_TEST_NO_DOCKER=1)"
elif ! image=$(bash "$SRC/test/docker/engine.sh" 2>"$WORK/engine.err"); then
    cat "$WORK/engine.err"
    bad "docker engine and base image (test/docker/engine.sh)"
else
    name=tracee-test-modes-$$
    start_tracee "$WORK/docker.json" -t container:new -o json -e openat,execve
    docker run --name "$name" --network none --hostname dock-uts "$image" \
        sh -c 'cat /etc/hostname >/dev/null' >/dev/null 2>"$WORK/docker.err"
    check "docker run succeeds" test $? = 0
    id=$(docker inspect -f '{{.Id}}' "$name")
    docker rm "$name" >/dev/null
    stop_tracee
    check "docker: container:new sees the container's cat with its 64-hex id and UTS name" \
        jq -e -s --arg id "$id" 'any(.eventName == "openat" and .processName == "cat"
            and (.args[] | select(.name == "pathname") | .value) == "/etc/hostname"
            and .containerId == $id and .hostName == "dock-uts")' "$WORK/docker.json"
    check "docker: the id is 64 hex digits" grep -Eq '^[0-9a-f]{64}$' <<<"$id"
    check "docker: every event of that namespace has the id" \
        jq -e -s --arg id "$id" 'map(select(.hostName == "dock-uts")) | length > 0 and all(.containerId == $id)' \
        "$WORK/docker.json"
    check "docker: nothing from the host pid namespace" \
        jq -e -s --argjson h "$host_pidns" 'all(.pidNamespace != $h)' "$WORK/docker.json"
fi
finish
