#!/usr/bin/env bash
# test_cache_attacks.sh - planted, corrupt and foreign eBPF objects in the
# cache. Loading an object as root hands the kernel to whoever wrote it, so
# each case must be refused (--build-policy never: one line, non-zero exit) or
# replaced by a fresh build (if-needed), and never loaded as found.
source "$(dirname "$0")/lib.sh"
need_root
OBJ_NAME="tracee.bpf.$(uname -r | tr . _).$("$TRACEE" --version | awk '{print $2}' | tr . _).o"
check "object builds" prebuild
GOOD="$WORK/good.o"
cp "$INSTALL/$OBJ_NAME" "$GOOD"

# refused DIR LABEL: --build-policy never with DIR as install path refuses in one line.
refused() {
    "$TRACEE" --install-path "$1" --build-policy never --build-only >"$WORK/$2.out" 2>"$WORK/$2.err"
    local rc=$?
    echo "     $2: $(head -c 300 "$WORK/$2.err")" >&2
    [[ $rc != 0 && $(wc -l <"$WORK/$2.err") == 1 && ! -s "$WORK/$2.out" ]]
}

# rebuilt DIR: if-needed replaces the planted object with one equal in
# validity to a fresh build: a regular file, ours, not writable by others,
# that `never` then accepts.
rebuilt() {
    "$TRACEE" --install-path "$1" --build-only >/dev/null 2>"$WORK/rebuilt.err" || return 1
    local obj="$1/$OBJ_NAME"
    [[ -f $obj && ! -L $obj && $(stat -c %u "$obj") == 0 ]] || return 1
    [[ $(( 0$(stat -c %a "$obj") & 022 )) == 0 ]] || return 1
    "$TRACEE" --install-path "$1" --build-policy never --build-only >/dev/null 2>&1
}

# plant NAME: a fresh install dir holding a copy of the good object.
plant() {
    local d="$WORK/$1"
    mkdir -m 0700 "$d" && cp "$GOOD" "$d/$OBJ_NAME" && echo "$d"
}

# an install directory that another user owns, or that others can write
d=$(plant foreign-dir); chown 65534:65534 "$d"
check "install dir owned by another user: refused" refused "$d" foreign-dir
d=$(plant group-writable-dir); chmod 0770 "$d"
check "install dir writable by group: refused" refused "$d" group-writable-dir
d=$(plant other-writable-dir); chmod 0703 "$d"
check "install dir writable by others: refused" refused "$d" other-writable-dir

# a symlink in place of the object (to a valid object, even)
d=$(plant symlink); rm "$d/$OBJ_NAME"; ln -s "$GOOD" "$d/$OBJ_NAME"
check "symlinked object: refused" refused "$d" symlink
check "symlinked object: if-needed replaces the link, not its target" rebuilt "$d"
check "the link's target is untouched" cmp -s "$GOOD" "$INSTALL/$OBJ_NAME"

# an object others can write, or another user owns
d=$(plant object-writable); chmod 0666 "$d/$OBJ_NAME"
check "object writable by others: refused" refused "$d" object-writable
d=$(plant object-foreign); chown 65534:65534 "$d/$OBJ_NAME"
check "object owned by another user: refused" refused "$d" object-foreign

# corrupt objects
d=$(plant truncated); head -c 4096 "$GOOD" >"$d/$OBJ_NAME"
check "truncated object: refused" refused "$d" truncated
check "truncated object: rebuilt under if-needed" rebuilt "$d"
d=$(plant random); head -c 200000 /dev/urandom >"$d/$OBJ_NAME"
check "random bytes: refused" refused "$d" random
check "random bytes: rebuilt under if-needed" rebuilt "$d"
d=$(plant empty); : >"$d/$OBJ_NAME"
check "empty file: refused" refused "$d" empty

# a valid object from other sources (or another version: the version is part
# of the source hash), made by rewriting the hash in its .tracee.meta
d=$(plant stale)
python3 - "$d/$OBJ_NAME" <<'PY'
import re, sys
p = sys.argv[1]
b = open(p, 'rb').read()
m = re.search(rb'tracee-meta v1 src=([0-9a-f]{16})', b)
assert m
b = b[:m.start(1)] + b'0123456789abcdef' + b[m.end(1):]
open(p, 'wb').write(b)
PY
check "object from other sources: refused" refused "$d" stale
check "the refusal says it is stale" grep -Eqi 'other sources|stale|different' "$WORK/stale.err"
check "object from other sources: rebuilt under if-needed" rebuilt "$d"

# two instances building at once into an empty directory
mkdir -m 0700 "$WORK/race"
"$TRACEE" --install-path "$WORK/race" --build-policy always --build-only >/dev/null 2>"$WORK/race1.err" & p1=$!
"$TRACEE" --install-path "$WORK/race" --build-policy always --build-only >/dev/null 2>"$WORK/race2.err" & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
check "two builds at once: both succeed" test "$r1$r2" = 00
check "two builds at once: one object, no leftovers" test "$(ls -A "$WORK/race")" = "$OBJ_NAME"
check "two builds at once: the object is valid" \
    "$TRACEE" --install-path "$WORK/race" --build-policy never --build-only

# nothing planted was ever loaded: a traced run from the rebuilt cache works
check "a rebuilt cache traces" bash -c "'$TRACEE' --install-path '$WORK/random' --output-path '$OUTPUT' \
    --build-policy never -o json -e openat -- cat /etc/hostname | grep -q '\"eventName\":\"openat\"'"
finish
