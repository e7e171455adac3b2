#!/usr/bin/env bash
# test_capture.sh - --capture on the real kernel, byte for byte: a file written
# in chunks at scattered offsets (write, pwrite, writev, pwritev, O_APPEND),
# larger than 1 MiB; a pipe's appended data; an executed file's copy and its
# sha256 (also in the exec event); a W+X region's content; --filter-file-write;
# --clear-output-path; planted symlinks and hard links never followed; an
# output path others can write refused.
source "$(dirname "$0")/lib.sh"
need_root
check "object builds" prebuild

DATA="$WORK/data"
mkdir -p "$DATA"
HOSTDIR="$OUTPUT/host"

# The artifact that stands for PATH, from the index ("NAME<TAB>PATH").
artifact_of() {
    awk -F '\t' -v p="$1" '$2 == p { print $1; exit }' "$HOSTDIR/index"
}

# The name a written file's artifact has: write.dev-<kernel dev_t>.inode-<inode>.
write_name() {
    python3 -c 'import os, sys
s = os.stat(sys.argv[1])
print("write.dev-%d.inode-%d" % (os.major(s.st_dev) << 20 | os.minor(s.st_dev), s.st_ino))' "$1"
}

# ---- writes: > 1 MiB at scattered offsets, every write syscall -----------------
cat >"$WORK/writer.py" <<'EOF'
import os, random, sys
random.seed(6)
path, app = sys.argv[1], sys.argv[2]
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, random.randbytes(1536 * 1024))              # one large write: many chunks
for _ in range(300):                                     # small and odd writes anywhere
    os.pwrite(fd, random.randbytes(random.randint(1, 20000)), random.randint(0, 3 << 20))
os.lseek(fd, 2 << 20, os.SEEK_SET)
for _ in range(40):                                      # sequential, at the file position
    os.write(fd, random.randbytes(random.randint(1, 9000)))
os.writev(fd, [random.randbytes(n) for n in (5000, 1, 0, 70000, 333)])
os.pwritev(fd, [random.randbytes(n) for n in (8192, 8193, 17)], 777777)
os.pwrite(fd, b"tail", (4 << 20) + 3)                    # the file's end, past a hole
os.close(fd)
fd = os.open(app, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
for i in range(50):                                      # O_APPEND: at the end, wherever the position
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, b"line %d\n" % i)
os.pwrite(fd, b"pwrite-on-append\n", 0)                  # Linux appends this too
os.close(fd)
r, w = os.pipe()                                         # a stream: appended in order
if os.fork() == 0:
    os.close(w)
    while os.read(r, 65536):
        pass
    os._exit(0)
os.close(r)
for part in (b"one ", b"two ", b"three"):
    os.write(w, part)
os.close(w)
os.wait()
EOF
printf 'old content' >"$DATA/append.txt"
tracee -e exit_group --capture write -- \
    python3 "$WORK/writer.py" "$DATA/big.bin" "$DATA/append.txt" >/dev/null 2>"$WORK/w.err"
check "writer traced, exit 0" test $? = 0
big=$(artifact_of "$DATA/big.bin")
check "index names the big file's artifact" test -n "$big"
check "artifact name is write.dev-<dev>.inode-<inode>" test "$big" = "$(write_name "$DATA/big.bin")"
check "big file is larger than 1 MiB" test "$(stat -c %s "$DATA/big.bin")" -gt 1048576
check "scattered writes: artifact equals the file byte for byte" cmp "$HOSTDIR/$big" "$DATA/big.bin"
app=$(artifact_of "$DATA/append.txt")
check "O_APPEND writes (and pwrite on O_APPEND) land where they did" \
    cmp <(tail -c +12 "$DATA/append.txt") <(tail -c +12 "$HOSTDIR/$app")
pipe=$(grep -l -x 'one two three' "$HOSTDIR"/write.* 2>/dev/null | head -1)
check "pipe writes appended in order" test -n "$pipe"
check "no lost writes, no errors" grep -q 'lost writes: 0, unreadable: 0, errors: 0' "$WORK/w.err"
check "artifacts are private" \
    test "$(stat -c %a "$HOSTDIR" "$HOSTDIR/$big" | tr '\n' ' ')" = "700 600 "

# ---- exec: a copy of the file executed, once per version, sha256 in the event --
# Run it twice, wait for its copy (made after the fact: a new version before
# that would not be what ran, and is refused), make a new version (mtime), run
# it again; a chmod alone makes no new version.
cp /usr/bin/echo "$DATA/my-echo"
E="$DATA/my-echo"
tracee -o json -e security_bprm_check --capture exec --clear-output-path -- sh -c \
    "'$E' a >/dev/null; '$E' b >/dev/null; chmod 0700 '$E'
     for i in \$(seq 300); do ls '$HOSTDIR'/exec.*.my-echo >/dev/null 2>&1 && break; sleep 0.05; done
     touch -m -d @1000000000 '$E'; '$E' c >/dev/null" >"$WORK/exec.json" 2>"$WORK/exec.err"
check "exec run exit 0" test $? = 0
sum=$(sha256sum "$DATA/my-echo" | cut -d' ' -f1)
copies=("$HOSTDIR"/exec.*.my-echo)
check "two versions (mtime): two copies, not three" test ${#copies[@]} = 2
check "copy's sha256 equals the binary's" test "$(sha256sum "${copies[0]}" | cut -d' ' -f1)" = "$sum"
check "index: exec artifact, path, sha256" \
    grep -q -P "^exec\.[0-9]+\.my-echo\t$DATA/my-echo\tsha256:$sum\$" "$HOSTDIR/index"
check "exec event carries the sha256, all three times" jq -e -s --arg p "$DATA/my-echo" --arg s "$sum" \
    '[.[] | select((.args[] | select(.name == "pathname") | .value) == $p) | .sha256] == [$s, $s, $s]' \
    "$WORK/exec.json"
check "--clear-output-path emptied the output path" test -z "$(artifact_of "$DATA/big.bin")"
check "no exec errors" grep -q 'errors: 0$' "$WORK/exec.err"

# ---- mem: a W+X region with a known pattern ------------------------------------
cat >"$WORK/wx.c" <<'EOF'
#include <string.h>
#include <sys/mman.h>
int main(void)
{
	size_t len = 5 * 4096 + 123;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < len; i++)
		p[i] = "W+X-PATTERN:"[i % 12] ^ (unsigned char)(i >> 12);
	return mprotect(p, len, PROT_READ | PROT_EXEC) ? 2 : 0;
}
EOF
cc -O2 -o "$WORK/wx" "$WORK/wx.c"
python3 -c 'import sys
n = 5 * 4096 + 123
sys.stdout.buffer.write(bytes(b"W+X-PATTERN:"[i % 12] ^ ((i >> 12) & 255) for i in range(n)))' >"$WORK/wx.expected"
tracee -e mprotect --capture mem --clear-output-path -- "$WORK/wx" >/dev/null 2>"$WORK/mem.err"
check "W+X program exit 0" test $? = 0
bins=("$HOSTDIR"/bin.*)
check "one region saved (the loader's RELRO mprotects are not W->X)" test ${#bins[@]} = 1
check "region artifact is the pattern, byte for byte" cmp "${bins[0]}" "$WORK/wx.expected"
check "index: region with pid, address and length" \
    grep -q -P "^bin\.[0-9]+\tpid [0-9]+ addr 0x[0-9a-f]+ len 20603\$" "$HOSTDIR/index"

# ---- --filter-file-write --------------------------------------------------------
mkdir -p "$DATA/keep" "$DATA/skip"
tracee -e exit_group --capture write --clear-output-path --filter-file-write "$DATA/keep/" -- \
    sh -c "echo kept >'$DATA/keep/a'; echo dropped >'$DATA/skip/b'; echo kept2 >'$DATA/keep/c'" \
    >/dev/null 2>"$WORK/f.err"
check "filtered file captured" cmp "$HOSTDIR/$(artifact_of "$DATA/keep/a")" "$DATA/keep/a"
check "second filtered file captured" cmp "$HOSTDIR/$(artifact_of "$DATA/keep/c")" "$DATA/keep/c"
check "other file not in the index" test -z "$(artifact_of "$DATA/skip/b")"
check "other file not captured" test ! -e "$HOSTDIR/$(write_name "$DATA/skip/b")"

# ---- planted symlink / hard link at an artifact's path -------------------------
echo precious >"$WORK/precious"
echo precious2 >"$WORK/precious2"
before=$(stat -c '%s %.9Y %i' "$WORK/precious" "$WORK/precious2")
name_a=$(artifact_of "$DATA/keep/a")
name_c=$(artifact_of "$DATA/keep/c")
rm -f "$HOSTDIR/$name_a" "$HOSTDIR/$name_c"
ln -s "$WORK/precious" "$HOSTDIR/$name_a"
ln "$WORK/precious2" "$HOSTDIR/$name_c"
tracee -e exit_group --capture write --filter-file-write "$DATA/keep/" -- \
    sh -c "echo again >>'$DATA/keep/a'; echo again >>'$DATA/keep/c'" >/dev/null 2>"$WORK/s.err"
check "symlink target untouched" test "$(cat "$WORK/precious")" = precious
check "hard-linked file untouched" test "$(cat "$WORK/precious2")" = precious2
check "sizes, times (to the ns), inodes unchanged" test "$(stat -c '%s %.9Y %i' "$WORK/precious" "$WORK/precious2")" = "$before"
check "symlink still a symlink" test -L "$HOSTDIR/$name_a"
check "symlink refusal reported" grep -q "cannot write host/$name_a: it is a symlink, not followed" "$WORK/s.err"
check "hard link refusal reported" grep -q "cannot write host/$name_c: not a regular file of ours" "$WORK/s.err"
check "both counted as errors" grep -q 'errors: 2$' "$WORK/s.err"

# ---- a full file system: the cause said once when it occurs, and again at exit ----
mkdir -m 0700 "$WORK/full"
if mount -t tmpfs -o size=64k,mode=0700 tracee-test-full "$WORK/full"; then
    "$TRACEE" --install-path "$INSTALL" --output-path "$WORK/full/out" --capture write -e openat \
        -- sh -c "head -c 300000 /dev/zero >'$WORK/big1'; head -c 300000 /dev/zero >'$WORK/big2'" \
        >/dev/null 2>"$WORK/full.err"
    check "full file system: tracee still exits with the command's status" test $? = 0
    check "full file system: errors counted" grep -Eq 'capture: .*errors: [2-9][0-9]*$' "$WORK/full.err"
    check "full file system: the cause named once while running" test \
        "$(grep -c '^tracee: capture: writing an artifact failed: No space left on device$' "$WORK/full.err")" = 1
    check "full file system: and named again at exit" grep -qx \
        'tracee: capture: the first error: writing an artifact failed: No space left on device' "$WORK/full.err"
    umount "$WORK/full"
else
    bad "a small tmpfs mounts (for the full file system case)"
fi
rm -f "$WORK/big1" "$WORK/big2"

# ---- output path checks and flags ------------------------------------------------
mkdir -m 0777 "$WORK/open-dir"
"$TRACEE" --install-path "$INSTALL" --output-path "$WORK/open-dir" --capture write -e exit_group \
    -- true >/dev/null 2>"$WORK/o.err"
check "output path writable by others: refused (exit 1)" test $? = 1
check "refusal says why" grep -q "only it can write" "$WORK/o.err"
ln -s "$WORK/open-dir" "$WORK/link-dir"
"$TRACEE" --install-path "$INSTALL" --output-path "$WORK/link-dir" --capture write -e exit_group \
    -- true >/dev/null 2>"$WORK/l.err"
check "output path that is a symlink: refused" test $? = 1
"$TRACEE" --capture bogus -- true >/dev/null 2>"$WORK/b.err"
check "--capture bogus: exit 2" test $? = 2
check "--capture bogus: one line" test "$(wc -l <"$WORK/b.err")" = 1
finish
