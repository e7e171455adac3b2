#!/usr/bin/env bash
# test_buildpolicy.sh - the eBPF object's life: built once and cached, loaded
# from the cache without LLVM, governed by --build-policy and TRACEE_BPF_FILE.
source "$(dirname "$0")/lib.sh"
need_root
OBJ_NAME="tracee.bpf.$(uname -r | tr . _).$("$TRACEE" --version | awk '{print $2}' | tr . _).o"

# never, with nothing to find
tracee --build-policy never --build-only >/dev/null 2>"$WORK/never.err"
check "never with nothing found exits non-zero" test $? != 0
check "never names the paths searched and make bpf" grep -q "$INSTALL/$OBJ_NAME" "$WORK/never.err"
check "never says how to build one" grep -q 'make bpf' "$WORK/never.err"
check "never's error is one line" test "$(wc -l <"$WORK/never.err")" = 1

# first start builds and caches (times are shown, not asserted: speed is
# measured by test/bench/bench.sh, not by tests on a shared machine)
start=$(date +%s.%N)
tracee --build-only >"$WORK/path" 2>"$WORK/build.err"
check "first start builds" test $? = 0
took=$(echo "$(date +%s.%N) - $start" | bc)
echo "     build took ${took}s"
check "object cached in the install path" test -f "$INSTALL/$OBJ_NAME"
check "--build-only prints the object's path" test "$(cat "$WORK/path")" = "$INSTALL/$OBJ_NAME"
check "install dir is 0700" test "$(stat -c %a "$INSTALL")" = 700
check "build says what and how long" grep -q 'built' "$WORK/build.err"

# second start: cached, no LLVM mapped, ready fast. The object's identity:
# its inode (a build renames a new file into place) and its mtime to the
# nanosecond.
identity() { stat -c '%i %.9Y' "$INSTALL/$OBJ_NAME"; }
before=$(identity)
tracee --debug -e openat -- sh -c 'cat /proc/$PPID/maps' >"$WORK/maps" 2>"$WORK/warm.err"
check "warm start does not rebuild" test "$(identity)" = "$before"
check "warm start maps no LLVM or clang" bash -c "! grep -Eiq 'libLLVM|libclang|tracee-build' '$WORK/maps'"
check "warm start mapped libbpf" grep -q 'libbpf' "$WORK/maps"
ready=$(/usr/bin/time -f %e -o /dev/stdout "$TRACEE" --install-path "$INSTALL" --output-path "$OUTPUT" -e openat -- true 2>/dev/null | tail -1)
echo "     warm start to exit: ${ready}s"
check "warm start says nothing of building" bash -c "! grep -q build '$WORK/warm.err'"

# always rebuilds: a new file, however fast (the old inode is still in use
# while the new one is written, so the two never share a number)
tracee --build-policy always --build-only >/dev/null 2>&1
check "always rebuilds" test "$(stat -c %i "$INSTALL/$OBJ_NAME")" != "${before%% *}"

# a stale object (other sources) is rebuilt under if-needed, refused under never
printf 'garbage' >"$INSTALL/$OBJ_NAME"
tracee --build-policy never --build-only >/dev/null 2>"$WORK/corrupt.err"
check "never refuses a corrupt object" test $? != 0
check "the refusal is one line" test "$(wc -l <"$WORK/corrupt.err")" = 1
tracee --build-only >/dev/null 2>&1
check "if-needed rebuilds a corrupt object" test "$(stat -c %s "$INSTALL/$OBJ_NAME")" -gt 1000

# TRACEE_BPF_FILE wins over the rest; set but missing is an error
cp "$INSTALL/$OBJ_NAME" "$WORK/other.o"
out=$(TRACEE_BPF_FILE="$WORK/other.o" "$TRACEE" --install-path "$WORK/none" --build-policy never --build-only 2>&1)
check "TRACEE_BPF_FILE wins" test "$out" = "$WORK/other.o"
TRACEE_BPF_FILE="$WORK/missing.o" "$TRACEE" --install-path "$INSTALL" --build-only >/dev/null 2>"$WORK/missing.err"
check "TRACEE_BPF_FILE missing is an error" test $? != 0
check "the error names it" grep -q 'missing.o' "$WORK/missing.err"

# untrusted install path
mkdir -p "$WORK/shared" && chmod 0777 "$WORK/shared"
"$TRACEE" --install-path "$WORK/shared" --build-only >/dev/null 2>"$WORK/shared.err"
check "a world-writable install path is refused" test $? != 0
check "the refusal is one line" test "$(wc -l <"$WORK/shared.err")" = 1

# unprivileged: --build-only works with a writable path; tracing is refused in one line
# (a copy of tracee and its plugin that nobody can reach: the checkout may
# sit below a directory only root can enter, such as mktemp -d's)
nobody_dir=$(mktemp -d /tmp/tracee-nobody.XXXXXX)
mkdir "$nobody_dir/bin"
cp "$TRACEE" "$(dirname "$TRACEE")/tracee-build.so" "$nobody_dir/bin/"
chown 65534:65534 "$nobody_dir"; chmod 0755 "$nobody_dir" "$nobody_dir/bin" "$WORK"
setpriv --reuid=65534 --regid=65534 --clear-groups "$nobody_dir/bin/tracee" --install-path "$nobody_dir/i" --build-only >/dev/null 2>"$WORK/nobody.err"
check "--build-only as nobody" test $? = 0
setpriv --reuid=65534 --regid=65534 --clear-groups "$nobody_dir/bin/tracee" --install-path "$nobody_dir/i" --output-path "$nobody_dir/o" -e openat -- true >/dev/null 2>"$WORK/nobody2.err"
check "tracing as nobody fails" test $? != 0
check "naming the capabilities in one line" bash -c "grep -q CAP_BPF '$WORK/nobody2.err' && test \$(wc -l <'$WORK/nobody2.err') = 1"
rm -rf "$nobody_dir"; chmod 0700 "$WORK"
finish
