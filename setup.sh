#!/usr/bin/env bash
# setup.sh - install what tracee needs to build and test, from Debian's
# packages only. Idempotent and fast when everything is present: apt runs only
# for what is missing. The mirror is whatever the machine's apt sources say.
#   ./setup.sh          build dependencies
#   ./setup.sh test     plus what the test suite uses
#   ./setup.sh bench    plus the peers test/bench/bench.sh compares with
set -euo pipefail

BUILD_PKGS=(make cmake gcc g++ pkg-config libbpf-dev libelf-dev zlib1g-dev
            libclang-cpp19-dev libclang-19-dev llvm-19-dev libclang-common-19-dev)
TEST_PKGS=(jq strace util-linux procps bc time clang-19 libclang-rt-19-dev)
# test/qemu: boots Debian's 6.1 cloud kernel with tracee in an initramfs
TEST_PKGS+=(qemu-system-x86 cpio busybox-static)
# test/docker: a Docker engine and the debootstrap that makes its Debian base image
TEST_PKGS+=(docker.io debootstrap)
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
