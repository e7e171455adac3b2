#!/usr/bin/env bash
# test_docker.sh - the Docker images, for real, as the README's Docker section
# runs them: starts an engine if none answers (test/docker/engine.sh), then
# `make docker DOCKER=1` (tracee built in the builder image, then the full
# image) and `make bpf docker-slim DOCKER=1` (the object, then the slim image);
# runs the full image twice (builds the object from BTF into the mounted dir,
# then reuses it), the slim image with the `make bpf` object and with the
# mounted dir, and without an object; checks the events of a command started
# on the host; builds an object from kernel headers mounted into the full image.
#
# Test-private names instead of the README's: image tags tracee-test:full and
# tracee-test:slim (not tracee:latest, tracee:slim), a dir under $WORK mounted
# as /tmp/tracee, a container name per run. Builds are cached: the engine keeps
# the images and their layers; the builder's build and dist dirs and the copy
# of the tree it builds from are under /var/cache/tracee-test.
source "$(dirname "$0")/lib.sh"
need_root

SRC=${TRACEE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
# kept between runs, so that make rebuilds only what changed
DBUILD=/var/cache/tracee-test/docker-build
DIST=/var/cache/tracee-test/docker-dist
FULL=tracee-test:full
SLIM=tracee-test:slim
MNT="$WORK/tracee"        # the container's /tmp/tracee
RUNNING=()                # containers this test started and has not stopped yet

cleanup() {
	local c
	for c in "${RUNNING[@]}"; do docker rm -f "$c" >/dev/null 2>&1; done
	rm -rf "$WORK"
}
trap cleanup EXIT

# the README's run command, detached from this shell; stdout/stderr in $WORK/NAME.{out,err}
# run_tracee NAME [DOCKER_ARGS...] IMAGE [TRACEE_ARGS...]
run_tracee() {
	local name=tracee-test-$$-$1; shift
	rm -f "$MNT/out/tracee.pid"
	RUNNING+=("$name")
	docker run --name "$name" --rm --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
		--pid=host --network none "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	CPID=$!
	CNAME=$name
}

# wait (bounded) until tracee in the container has attached: its pid file appears
wait_attached() {
	local i
	for ((i = 0; i < 1200; i++)); do
		[[ -s $MNT/out/tracee.pid ]] && return 0
		kill -0 "$CPID" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/    /' "$WORK/$CNAME.err" >&2
	return 1
}

# make TARGET ARGS... with its output in $WORK/TARGET.log, shown when it fails
make_logged() {
	local log="$WORK/$1.log"
	make -C "$TREE" "$@" >"$log" 2>&1 && return 0
	grep -E 'error|Error' "$log" | head -10 | sed 's/^/    /' >&2
	return 1
}

# a command with a name of its own, started on the host while tracee runs
CMD="$WORK/dkcat$$"
cp /usr/bin/cat "$CMD"
COMM=$(basename "$CMD")
COMM=${COMM:0:15}

# start the command, wait (bounded) for its openat to be printed, stop the container
trace_host_command() {
	local i out=$WORK/$CNAME.out
	"$CMD" /etc/hostname >/dev/null
	for ((i = 0; i < 200; i++)); do
		grep -q "$COMM" "$out" && break
		sleep 0.1
	done
	docker stop -t 20 "$CNAME" >/dev/null
	wait "$CPID"
	STATUS=$?
	RUNNING=("${RUNNING[@]/$CNAME}")
}

# jq over a run's JSON output: the command's openat of /etc/hostname
has_openat() {
	jq -e -s --arg c "$COMM" 'any(.processName == $c and .eventName == "openat"
		and (.args[] | select(.name == "pathname") | .value) == "/etc/hostname"
		and .returnValue >= 0)' "$1"
}
has_execve() {
	jq -e -s --arg c "$COMM" --arg p "$CMD" 'any(.eventName == "execve"
		and (.args[] | select(.name == "pathname") | .value) == $p)' "$1"
}

# ---- engine, builder, binaries, object, images
BASE=$("$SRC/test/docker/engine.sh")
check "engine answers, base image $BASE exists" docker image inspect "$BASE"
# images from an earlier run must not pass for this run's
docker rmi --no-prune -f "$FULL" "$SLIM" >/dev/null 2>&1
# A copy of the tree, so that the images and the object come from one moment's
# sources even while the tree is being edited (tar keeps the mtimes: make
# rebuilds only what changed since the last run).
TREE=/var/cache/tracee-test/src
rm -rf "$TREE" && mkdir -p "$TREE" "$DBUILD" "$DIST"
tar -C "$SRC" --exclude=./.git --exclude=./build --exclude='./build-*' --exclude=./dist --exclude='./dist-*' -c . | tar -C "$TREE" -x
rm -f "$DIST"/tracee.bpf.*.o
MK=(DOCKER=1 BUILD_DIR="$DBUILD" DIST_DIR="$DIST" JOBS=2 DOCKER_IMAGE="$FULL" DOCKER_IMAGE_SLIM="$SLIM")
check "make docker DOCKER=1: builds tracee in the builder image, then the full image" \
	make_logged docker "${MK[@]}"
check "make docker DOCKER=1: tracee and its plugin land in the dist dir" \
	test -x "$DIST/tracee" -a -f "$DIST/tracee-build.so"
check "make docker DOCKER=1: the full image exists" docker image inspect $FULL
check "make bpf docker-slim DOCKER=1: the object, then the slim image" \
	make_logged bpf docker-slim "${MK[@]}"
KREL_=$(uname -r | tr . _)
OBJNAME=$(cd "$DIST" && ls "tracee.bpf.$KREL_".*.o 2>/dev/null | head -1)
check "make bpf DOCKER=1: the object for this kernel in the dist dir" test -s "$DIST/${OBJNAME:-none}"
check "make docker-slim DOCKER=1: the slim image exists" docker image inspect $SLIM
if ! docker image inspect $FULL $SLIM >/dev/null 2>&1; then
	bad "no images: nothing to run"
	finish; exit
fi
check "the slim image has no build plugin and no LLVM" docker run --rm --network none \
	--entrypoint sh $SLIM -c '! ls /tracee/tracee-build.so /usr/lib/llvm-19 2>/dev/null'
check "the full image has the plugin and libclang" docker run --rm --network none \
	--entrypoint sh $FULL -c 'ls /tracee/tracee-build.so && ldd /tracee/tracee-build.so | grep -q libclang-cpp'
check "a container starts without tracefs; the entrypoint mounts it (debugfs not needed then)" \
	docker run --rm --network none --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
	--entrypoint sh $SLIM -c '! mountpoint -q /sys/kernel/tracing && ! mountpoint -q /sys/kernel/debug &&
		/tracee/entrypoint.sh --version && mountpoint -q /sys/kernel/tracing &&
		! mountpoint -q /sys/kernel/debug'

# ---- full image, the quickstart: builds the object from BTF into the mounted dir
mkdir -m 0700 "$MNT"
run_tracee quick -v "$MNT:/tmp/tracee" $FULL
check "full: tracee attaches (pid file in the mounted dir)" wait_attached
trace_host_command
check "full: stopped by docker stop, exit status 0" test "$STATUS" = 0
check "full: built the object from BTF at start" grep -q "building eBPF object for kernel $(uname -r) from BTF" "$WORK/$CNAME.err"
check "full: the object persists in the mounted dir" test -s "$MNT/$OBJNAME"
check "full: table row for the host command's openat of /etc/hostname" grep -Eq \
	"^[0-9]+\.[0-9]{6} +0 +$COMM +[0-9]+ +[0-9]+ +[0-9]+ +openat +dirfd: AT_FDCWD, pathname: /etc/hostname" \
	"$WORK/$CNAME.out"
check "full: counters on stderr, nothing lost" grep -Eq 'events: [1-9][0-9]*, lost: 0' "$WORK/$CNAME.err"
check "full: tracee.pid removed at exit" test ! -e "$MNT/out/tracee.pid"
stamp=$(stat -c '%i %.9Y' "$MNT/$OBJNAME")

# ---- full image again: the next container reuses the object, JSON output
run_tracee reuse -v "$MNT:/tmp/tracee" $FULL -o json
check "reuse: tracee attaches" wait_attached
trace_host_command
check "reuse: exit status 0" test "$STATUS" = 0
check "reuse: no build (the cached object is used)" bash -c "! grep -q 'building eBPF object' '$WORK/$CNAME.err'"
check "reuse: the object is the same file, unchanged" test "$(stat -c '%i %.9Y' "$MNT/$OBJNAME")" = "$stamp"
check "reuse: every line is JSON" jq -e . "$WORK/$CNAME.out"
check "reuse: the host command's execve" has_execve "$WORK/$CNAME.out"
check "reuse: the host command's openat of /etc/hostname" has_openat "$WORK/$CNAME.out"
check "reuse: hostName is the host's (--pid=host, host command)" jq -e -s --arg c "$COMM" \
	--arg h "$(hostname)" 'map(select(.processName == $c)) | length > 0 and all(.hostName == $h)' \
	"$WORK/$CNAME.out"

# ---- slim image with the object from `make bpf DOCKER=1`, named by TRACEE_BPF_FILE
mkdir -m 0700 "$WORK/empty"
MNT_SAVE=$MNT; MNT="$WORK/empty"
run_tracee slimobj -v "$MNT:/tmp/tracee" -v "$DIST/$OBJNAME:/tracee.bpf.o:ro" \
	-e TRACEE_BPF_FILE=/tracee.bpf.o $SLIM -o json
check "slim + make bpf object: tracee attaches" wait_attached
trace_host_command
check "slim + make bpf object: exit status 0" test "$STATUS" = 0
check "slim + make bpf object: no build" bash -c "! grep -q 'building' '$WORK/$CNAME.err'"
check "slim + make bpf object: the host command's execve" has_execve "$WORK/$CNAME.out"
check "slim + make bpf object: the host command's openat" has_openat "$WORK/$CNAME.out"
check "slim + make bpf object: nothing written to its /tmp/tracee but out/" \
	test "$(ls "$MNT")" = out

# ---- slim image with the mounted /tmp/tracee the full image filled
MNT=$MNT_SAVE
run_tracee slimcache -v "$MNT:/tmp/tracee" $SLIM -o json
check "slim + mounted cache: tracee attaches" wait_attached
trace_host_command
check "slim + mounted cache: exit status 0" test "$STATUS" = 0
check "slim + mounted cache: the host command's openat" has_openat "$WORK/$CNAME.out"

# ---- without --pid=host (CI jobs, dev containers): tracee in the container's
# own pid namespace traces the command it is given, numbered as it sees it
name=tracee-test-$$-ownpid
docker run --name "$name" --rm --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
	--network none -v "$MNT:/tmp/tracee" $SLIM -o json -e openat -- cat /etc/hostname \
	>"$WORK/ownpid.out" 2>"$WORK/ownpid.err"
check "no --pid=host: tracee -- cat exits 0" test $? = 0
grep '^{' "$WORK/ownpid.out" >"$WORK/ownpid.json"
check "no --pid=host: cat's openat of /etc/hostname" jq -e -s 'any(.processName == "cat"
	and .eventName == "openat" and .returnValue >= 0
	and (.args[] | select(.name == "pathname") | .value) == "/etc/hostname")' "$WORK/ownpid.json"
check "no --pid=host: processId is the container's, hostProcessId the host's" jq -e -s \
	'length > 0 and all(.processName == "cat" and .processId < .hostProcessId and .processId < 100)' \
	"$WORK/ownpid.json"
check "no --pid=host: counters, nothing lost" grep -Eq 'events: [1-9][0-9]*, lost: 0' "$WORK/ownpid.err"

# ---- slim image without an object: one line saying why, non-zero exit
MNT="$WORK/empty"
name=tracee-test-$$-noobj
docker run --name "$name" --rm --cap-add SYS_ADMIN --security-opt seccomp=unconfined --pid=host \
	--network none -v "$MNT:/tmp/tracee" $SLIM >"$WORK/noobj.out" 2>"$WORK/noobj.err"
st=$?
check "slim without object: non-zero exit" test "$st" != 0
check "slim without object: exactly one line on stderr" test "$(wc -l <"$WORK/noobj.err")" = 1
check "slim without object: it says no plugin (slim) and how to provide an object" grep -Eq \
	'^tracee: .*build plugin .* not found \(this is a slim install\).*TRACEE_BPF_FILE.*make bpf' \
	"$WORK/noobj.err"
check "slim without object: no events on stdout" test ! -s "$WORK/noobj.out"

# ---- full image, kernel headers mounted: builds for the QEMU test's 6.1 kernel
if info=$("$SRC/test/qemu/run.sh" --release-info 2>"$WORK/qemu.err"); then
	rel=$(awk '$1 == "release" {print $2}' <<<"$info")
	hdr=$(awk '$1 == "headers" {print $2}' <<<"$info")
	mkdir -m 0700 "$WORK/hdrobj"
	docker run --rm --network none -v "$(dirname "$hdr"):/headers:ro" \
		-e KERN_HEADERS="/headers/$(basename "$hdr")" -e KERN_RELEASE="$rel" \
		-v "$WORK/hdrobj:/tmp/tracee" $FULL --build-only >"$WORK/hdr.out" 2>"$WORK/hdr.err"
	check "full + mounted headers: builds for $rel from the headers" grep -q \
		"building eBPF object for kernel $rel from kernel headers" "$WORK/hdr.err"
	check "full + mounted headers: the object is in the mounted dir" \
		compgen -G "$WORK/hdrobj/tracee.bpf.${rel//./_}.*.o"
else
	bad "full + mounted headers: test/qemu/run.sh --release-info failed: $(tail -1 "$WORK/qemu.err")"
fi

finish
