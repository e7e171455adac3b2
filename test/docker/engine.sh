#!/usr/bin/env bash
# engine.sh - make sure a Docker engine answers and a Debian base image exists;
# print the base image's name on stdout (everything else goes to stderr).
#
# Nothing can be pulled from a registry here, so the base image is made with
# debootstrap from the mirror the machine's apt sources name, then `docker
# import`ed. Idempotent and cheap when all is in place: the image is kept by the
# engine and its root file system is cached as a tarball for the next engine.
# An engine that already answers is used as it is; one started here keeps
# running for the next caller. Needs root.
#   test/docker/engine.sh            -> tracee-test-base:<codename>
#   BASE_IMAGE=name:tag engine.sh    -> use that image name instead
#   . test/docker/engine.sh          -> the same, run as a child; sets DOCKER_BASE_IMAGE
if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
	# shellcheck disable=SC2034 # for the script that sourced this one
	DOCKER_BASE_IMAGE=$(bash "${BASH_SOURCE[0]}")
	return
fi
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. /etc/os-release
SUITE=${SUITE:-$VERSION_CODENAME}
BASE_IMAGE=${BASE_IMAGE:-tracee-test-base:$SUITE}
CACHE=${TRACEE_DOCKER_CACHE:-/var/cache/tracee-test}
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/tracee-test-dockerd.log}

say() { echo "engine: $*" >&2; }
die() { echo "engine: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "needs root: run it with sudo"

# Two tests may ask at once: one of them does the work, the other waits for it.
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

have_tools() { command -v dockerd >/dev/null && command -v debootstrap >/dev/null; }
if ! have_tools; then
	say "installing docker.io and debootstrap"
	"$here/../../setup.sh" test >&2
fi

engine_answers() { docker info >/dev/null 2>&1; }

# The engine this machine allows: no bridge and no iptables (see DESIGN.md).
# A dockerd that is still starting is waited for; the pid file of one that died
# would stop a new one from starting.
start_engine() {
	local pidfile=/var/run/docker.pid pid i
	pid=$(cat "$pidfile" 2>/dev/null || true)
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		say "waiting for the running dockerd ($pid) to answer"
	else
		rm -f "$pidfile"
		say "starting dockerd (log: $DOCKERD_LOG)"
		setsid dockerd --bridge=none --iptables=false </dev/null >>"$DOCKERD_LOG" 2>&1 9>&- &
		pid=$!
	fi
	for ((i = 0; i < 60; i++)); do
		engine_answers && return 0
		kill -0 "$pid" 2>/dev/null || die "dockerd exited: see $DOCKERD_LOG"
		sleep 1
	done
	die "dockerd does not answer after 60 s: see $DOCKERD_LOG"
}

# The first "deb" mirror of this release, as apt itself resolved the sources.
apt_mirror() {
	apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Identifier: Packages' |
		awk -v s="$SUITE" '$1 == s { print $2; exit }'
}

make_rootfs_tarball() {
	local mirror root
	mirror=$(apt_mirror)
	[[ -n $mirror ]] || die "no apt source for $SUITE in /etc/apt: cannot debootstrap"
	root=$(mktemp -d /var/tmp/tracee-base.XXXXXX)
	say "debootstrap $SUITE into $root (a few minutes, once)"
	if ! debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >"$CACHE/debootstrap.log" 2>&1; then
		rm -rf "$root"
		die "debootstrap failed: see $CACHE/debootstrap.log"
	fi
	# Images install packages in layers: keep no downloaded .debs or lists in them.
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/*
	tar -C "$root" -cf "$CACHE/base-$SUITE.tar.tmp" .
	mv "$CACHE/base-$SUITE.tar.tmp" "$CACHE/base-$SUITE.tar"
	rm -rf "$root"
}

engine_answers || start_engine
if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
	[[ -s $CACHE/base-$SUITE.tar ]] || make_rootfs_tarball
	say "importing $BASE_IMAGE"
	docker import "$CACHE/base-$SUITE.tar" "$BASE_IMAGE" >/dev/null
fi
echo "$BASE_IMAGE"
