#!/usr/bin/env bash
# setup.sh - install what tracee needs to build and test, from Debian's
# packages only. Idempotent and fast when everything is present: apt runs only
# for what is missing. The mirror is whatever the machine's apt sources say.
#   ./setup.sh          build dependencies
#   ./setup.sh test     plus what the test suite uses
#   ./setup.sh bench    plus the peers test/bench/bench.sh compares with
set -euo pipefail

BUILD_PKGS=(make cmake gcc g++ pkg-config libbpf-dev libelf-dev zlib1g-dev libyaml-dev
            libclang-cpp19-dev libclang-19-dev llvm-19-dev libclang-common-19-dev
            libmicrohttpd-dev libcurl4-openssl-dev)
TEST_PKGS=(jq strace util-linux procps bc time clang-19 libclang-rt-19-dev)
# test/qemu: boots Debian's cloud kernels (5.10, 6.1, 6.12) with tracee in an initramfs;
# the archive keyring checks the packages from the suites it fetches
TEST_PKGS+=(qemu-system-x86 cpio busybox-static debian-archive-keyring)
# test/docker: a Docker engine and the debootstrap that makes its Debian base image
TEST_PKGS+=(docker.io debootstrap)
# test_metrics.sh: a real Prometheus scrapes tracee; curl is the plain client
TEST_PKGS+=(prometheus curl iproute2)
# test_deb.sh: the package's lint, its man page, its systemd unit
TEST_PKGS+=(lintian man-db systemd)
# test_service_notify.sh: listens where systemd would for READY=1
TEST_PKGS+=(socat)
# test_programs.sh: real programs traced by strace and tracee side by side
TEST_PKGS+=(tar git python3)

# test/bench/bench.sh: the tracers tracee is measured against, and a profiler
BENCH_PKGS=(strace linux-perf bpftrace time valgrind)

want=("${BUILD_PKGS[@]}")
[[ "${1:-}" == test ]] && want+=("${TEST_PKGS[@]}")
[[ "${1:-}" == bench ]] && want+=("${BENCH_PKGS[@]}")

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
# test_k8s.sh validates the DaemonSet with npm packages: Debian's npm (and
# nodejs) unless a node with its own npm is already there
[[ "${1:-}" == test ]] && ! command -v npm >/dev/null && missing+=(npm)
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# tracee reads tracepoints through tracefs; mount it where it is missing.
if [[ $(id -u) == 0 ]] && ! mountpoint -q /sys/kernel/tracing 2>/dev/null; then
    mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi
echo "setup: ok"
