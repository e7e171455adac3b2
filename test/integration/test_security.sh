#!/usr/bin/env bash
# test_security.sh - the security events on this kernel, where kprobes are not
# built in and fentry/LSM programs are refused: every event comes from its
# tracepoint fallback (--debug says so), with the exact paths, flags, device
# and inode numbers, ids and alert texts of the workloads the test starts.
# test/workload/secload.c does what the shell cannot (writev, pwrite, W+X).
source "$(dirname "$0")/lib.sh"
need_root
check "object builds" prebuild
SECLOAD="$(dirname "$TRACEE")/secload"
D=$WORK/files
mkdir -p "$D"

# dev as Tracee prints it: the kernel's dev_t (major << 20 | minor); stat
# prints the user-space encoding (major << 8 | minor, minor's high bits << 12).
kdev() {
    local d
    d=$(stat -L -c %d "$1")
    echo $(( (((d >> 8) & 0xfff) << 20) | (d & 0xff) | ((d >> 12) & 0xfff00) ))
}
ino() { stat -L -c %i "$1"; }

# has FILE EVENT JQ-CONDITION: some EVENT in FILE satisfies the condition,
# where A(name) is the value of argument name.
has() {
    jq -e -s "def A(\$n): (.args[] | select(.name == \$n) | .value);
        any(.[]; .eventName == \"$2\" and ($3))" "$1" >/dev/null
}
count() {
    jq -s "def A(\$n): (.args[] | select(.name == \$n) | .value);
        map(select(.eventName == \"$2\" and ($3))) | length" "$1"
}

ALL=security_bprm_check,security_file_open,security_inode_unlink,vfs_write,vfs_writev,commit_creds,switch_task_ns,magic_write,mem_prot_alert

# --- probe selection --------------------------------------------------------------
tracee --debug -e "$ALL" -- true >/dev/null 2>"$WORK/debug"
check "tracee --debug -- true exits 0" test $? = 0
for e in security_file_open security_inode_unlink vfs_write vfs_writev commit_creds \
         switch_task_ns magic_write; do
    check "$e served by its sys_exit fallback" \
        grep -qx "tracee: event $e served by tracepoint:sys_exit (fallback)" "$WORK/debug"
done
check "security_bprm_check served by its sched_process_exec fallback" grep -qx \
    "tracee: event security_bprm_check served by tracepoint:sched_process_exec (fallback)" "$WORK/debug"
check "mem_prot_alert served by its sys_enter fallback" \
    grep -qx "tracee: event mem_prot_alert served by tracepoint:sys_enter (fallback)" "$WORK/debug"
check "no LSM, fentry or kprobe program attached here" \
    bash -c "! grep -E 'attached .*(lsm|fentry|fexit|kprobe|kretprobe)/' '$WORK/debug'"
check "no event named as unserved" bash -c "! grep -q 'has no probe' '$WORK/debug'"

# An event whose every probe is refused is named in one warning; the rest are
# traced. TRACEE_PROBES_OFF makes the probe check refuse a kind (here the
# tracepoint fallbacks) the way a kernel without it would.
echo data >"$D/known"
TRACEE_PROBES_OFF=tracepoint "$TRACEE" --install-path "$INSTALL" --output-path "$OUTPUT" -o json \
    -e security_file_open,openat -- cat "$D/known" >"$WORK/unserved" 2>"$WORK/unserved.err"
check "tracee still runs the command (exit 0)" test $? = 0
check "one warning line names the event left without a probe" test "$(grep -c 'has no probe' "$WORK/unserved.err")" = 1
check "the warning, word for word" grep -qx \
    "tracee: event security_file_open has no probe that loads on this kernel; not traced" "$WORK/unserved.err"
check "the other events are traced (openat of the file)" jq -e -R -s --arg p "$D/known" \
    '[split("\n")[] | fromjson? | select(.eventName == "openat" and .args[1].value == $p)] | length == 1' \
    "$WORK/unserved"
check "and no security_file_open at all" bash -c "! grep -q '\"security_file_open\"' '$WORK/unserved'"

# --- security_bprm_check: the file really executed --------------------------------
cp "$(type -P true)" "$D/prog"
ln -s prog "$D/prog-link"
tracee -o json -e security_bprm_check -- sh -c "$D/prog-link" >"$WORK/bprm" 2>/dev/null
check "exec through a symlink exits 0" test $? = 0
check "security_bprm_check names the real file, with its dev and inode" has "$WORK/bprm" \
    security_bprm_check "A(\"pathname\") == \"$D/prog\" and A(\"dev\") == $(kdev "$D/prog")
    and A(\"inode\") == $(ino "$D/prog")"
check "no pathname is the symlink's (only comm, which the kernel takes from the name run)" \
    test "$(count "$WORK/bprm" security_bprm_check "A(\"pathname\") | contains(\"prog-link\")")" = 0
check "sh's own exec is there too, as the real file" has "$WORK/bprm" security_bprm_check \
    "A(\"pathname\") == \"$(readlink -f "$(type -P sh)")\""

# --- security_file_open: the file behind the new descriptor -----------------------
echo data >"$D/data"
ln -s data "$D/data-link"
tracee -o json -e security_file_open -- sh -c "cat $D/data-link >/dev/null; echo x >$D/out; cd $D && cat data >/dev/null" \
    >"$WORK/open" 2>/dev/null
check "security_file_open through a symlink: the real file, O_RDONLY|O_LARGEFILE, dev, inode" \
    has "$WORK/open" security_file_open "A(\"pathname\") == \"$D/data\"
    and A(\"flags\") == \"O_RDONLY|O_LARGEFILE\" and A(\"dev\") == $(kdev "$D/data")
    and A(\"inode\") == $(ino "$D/data")"
check "a relative open gets the full path (two opens of data)" \
    test "$(count "$WORK/open" security_file_open "A(\"pathname\") == \"$D/data\"")" = 2
check "the shell's redirection: O_CREAT and O_TRUNC as the LSM hook sees them" \
    has "$WORK/open" security_file_open "A(\"pathname\") == \"$D/out\"
    and A(\"flags\") == \"O_WRONLY|O_CREAT|O_TRUNC|O_LARGEFILE\" and A(\"inode\") == $(ino "$D/out")"
check "no security_file_open names the symlink" \
    test "$(count "$WORK/open" security_file_open "A(\"pathname\") | contains(\"data-link\")")" = 0

# --- security_file_open: a path that changes between two opens ----------------------
# The kernel side remembers the last path it resolved on each CPU; these opens
# must each carry the path the file had at that moment. One process, pinned to
# one CPU, makes every open and change itself (no other open in between): it
# opens a file, renames a directory above it, opens the same file (the same
# dentry) again, renames the file, opens it again, then alternates two files.
mkdir -p "$D/ren/old/sub"; echo r >"$D/ren/old/sub/f"; echo 1 >"$D/alt1"; echo 2 >"$D/alt2"
tracee -o json -e security_file_open -- taskset -c 0 python3 -c '
import os, sys
d = sys.argv[1]
def opened(p): open(p).close()
opened(d + "/ren/old/sub/f")
os.rename(d + "/ren/old", d + "/ren/new")
opened(d + "/ren/new/sub/f")
os.rename(d + "/ren/new/sub/f", d + "/ren/new/sub/g")
opened(d + "/ren/new/sub/g")
for i in range(3):
    opened(d + "/alt1"); opened(d + "/alt2")
' "$D" >"$WORK/renamed" 2>/dev/null
check "rename workload exits 0" test $? = 0
check "old path, new path after the directory's rename, new name after the file's, alternating files" \
    jq -e -s --arg d "$D" '[.[] | select(.eventName == "security_file_open") | .args[0].value
        | select(startswith($d + "/"))] == [$d + "/ren/old/sub/f", $d + "/ren/new/sub/f",
        $d + "/ren/new/sub/g", $d + "/alt1", $d + "/alt2", $d + "/alt1", $d + "/alt2",
        $d + "/alt1", $d + "/alt2"]' "$WORK/renamed"
check "the three opens of the renamed file name its inode" test "$(count "$WORK/renamed" \
    security_file_open "(A(\"pathname\") | startswith(\"$D/ren/\")) and A(\"inode\") == $(ino "$D/ren/new/sub/g")")" = 3

# The same for a mount moved between two opens (a private mount namespace: the
# tmpfs goes from m1 to m2 with MS_MOVE, the file's dentry and mount unchanged).
mkdir -p "$D/m1" "$D/m2"
tracee -o json -e security_file_open -- unshare -m --propagation private taskset -c 0 python3 -c '
import ctypes, os, sys
d = sys.argv[1].encode()
libc = ctypes.CDLL(None, use_errno=True)
def mount(src, dst, fs, flags):
    if libc.mount(src, dst, fs, ctypes.c_ulong(flags), None):
        sys.exit("mount: " + os.strerror(ctypes.get_errno()))
mount(b"none", d + b"/m1", b"tmpfs", 0)
open(d + b"/m1/f", "w").close()
open(d + b"/m1/f").close()
mount(d + b"/m1", d + b"/m2", None, 8192)  # MS_MOVE
open(d + b"/m2/f").close()
' "$D" >"$WORK/moved" 2>/dev/null
check "mount-move workload exits 0" test $? = 0
check "the file's path before and after its mount moved" \
    jq -e -s --arg d "$D" '[.[] | select(.eventName == "security_file_open") | .args[0].value
        | select(startswith($d + "/m"))] == [$d + "/m1/f", $d + "/m1/f", $d + "/m2/f"]' "$WORK/moved"

# --- security_inode_unlink -----------------------------------------------------------
echo a >"$D/gone1"; echo b >"$D/gone2"; mkdir "$D/adir"
tracee -o json -e security_inode_unlink -- sh -c "rm $D/gone1; cd $D && rm gone2 && rmdir adir" \
    >"$WORK/unlink" 2>/dev/null
check "unlink of an absolute name" has "$WORK/unlink" security_inode_unlink "A(\"pathname\") == \"$D/gone1\""
check "unlinkat of a name relative to the cwd: the full path" has "$WORK/unlink" \
    security_inode_unlink "A(\"pathname\") == \"$D/gone2\""
check "rmdir is not an unlink; exactly two events" \
    test "$(count "$WORK/unlink" security_inode_unlink true)" = 2

# --- vfs_write, vfs_writev, magic_write -------------------------------------------------
tracee -o json -e vfs_write,vfs_writev,magic_write -- sh -c \
    "printf hello >$D/w; printf world >>$D/w; $SECLOAD writev $D/v; $SECLOAD pwrite $D/p" \
    >"$WORK/write" 2>/dev/null
check "write workload exits 0" test $? = 0
W="A(\"pathname\") == \"$D/w\" and A(\"dev\") == $(kdev "$D/w") and A(\"inode\") == $(ino "$D/w")"
check "vfs_write at 0: count 5, pos 0, returns 5" has "$WORK/write" vfs_write \
    "$W and A(\"count\") == 5 and A(\"pos\") == 0 and .returnValue == 5"
check "appending vfs_write: pos 5" has "$WORK/write" vfs_write "$W and A(\"count\") == 5 and A(\"pos\") == 5"
check "pwrite64 at 7: vfs_write count 3, pos 7" has "$WORK/write" vfs_write \
    "A(\"pathname\") == \"$D/p\" and A(\"count\") == 3 and A(\"pos\") == 7 and A(\"inode\") == $(ino "$D/p")"
check "writev of 2 buffers: vfs_writev vlen 2, pos 0, returns 9" has "$WORK/write" vfs_writev \
    "A(\"pathname\") == \"$D/v\" and A(\"vlen\") == 2 and A(\"pos\") == 0 and .returnValue == 9
    and A(\"dev\") == $(kdev "$D/v") and A(\"inode\") == $(ino "$D/v")"
check "pwritev at 100: vlen 1, pos 100" has "$WORK/write" vfs_writev \
    "A(\"pathname\") == \"$D/v\" and A(\"vlen\") == 1 and A(\"pos\") == 100"
check "magic_write: the first bytes written at 0" has "$WORK/write" magic_write \
    "$W and A(\"bytes\") == \"hello\""
check "magic_write of writev: the head of its first buffer" has "$WORK/write" magic_write \
    "A(\"pathname\") == \"$D/v\" and A(\"bytes\") == \"\\u007fELF\" and A(\"inode\") == $(ino "$D/v")"
check "no magic_write for writes past 0 (2 in all: w and v; none for p, written at 7)" \
    test "$(count "$WORK/write" magic_write true)" = 2

tracee -o json -e vfs_write -- sh -c 'echo hi | cat >/dev/null' >"$WORK/pipe" 2>/dev/null
check "a pipe is named as the kernel names it: pipe:[inode]" has "$WORK/pipe" vfs_write \
    "A(\"pathname\") == \"pipe:[\\(A(\"inode\"))]\" and A(\"count\") == 3"

# --- commit_creds ---------------------------------------------------------------------
tracee -o json -e commit_creds -- setpriv --reuid=65534 --regid=65534 --clear-groups true \
    >"$WORK/creds" 2>/dev/null
check "setpriv exits 0" test $? = 0
check "commit_creds: uid and euid 0 -> 65534" has "$WORK/creds" commit_creds \
    "A(\"old_uid\") == 0 and A(\"new_uid\") == 65534 and A(\"old_euid\") == 0 and A(\"new_euid\") == 65534"
check "commit_creds: gid and egid 0 -> 65534" has "$WORK/creds" commit_creds \
    "A(\"old_gid\") == 0 and A(\"new_gid\") == 65534 and A(\"old_egid\") == 0 and A(\"new_egid\") == 65534"
tracee -o json -e commit_creds -- sh -c 'true' >"$WORK/nocreds" 2>/dev/null
check "no commit_creds when nothing changes" test "$(count "$WORK/nocreds" commit_creds true)" = 0

# --- switch_task_ns ------------------------------------------------------------------
ns_of() { readlink "/proc/self/ns/$1" | tr -dc 0-9; }
tracee -o json -e switch_task_ns -- unshare -m -u true >"$WORK/ns" 2>/dev/null
check "unshare -m -u exits 0" test $? = 0
check "switch_task_ns: new mnt and uts namespaces, the others unchanged (0), pid is the caller" \
    has "$WORK/ns" switch_task_ns "A(\"new_mnt\") > 0 and A(\"new_mnt\") != $(ns_of mnt)
    and A(\"new_uts\") > 0 and A(\"new_uts\") != $(ns_of uts) and A(\"new_pid\") == 0
    and A(\"new_ipc\") == 0 and A(\"new_net\") == 0 and A(\"new_cgroup\") == 0
    and A(\"pid\") == .hostThreadId and .processName == \"unshare\""

# --- mem_prot_alert, with --security-alerts --------------------------------------------
tracee -o json --security-alerts -e openat -- "$SECLOAD" wx >"$WORK/alerts" 2>/dev/null
check "W+X workload exits 0" test $? = 0
check "the four alerts, in Tracee's words and order" jq -e -s \
    '[.[] | select(.eventName == "mem_prot_alert") | .args[0].value] == [
        "Mmaped region with W+E permissions!", "Protection changed to Executable!",
        "Protection changed from E to W+E!", "Protection changed from W+E to E!"]' "$WORK/alerts"
check "--security-alerts adds to the selected events" has "$WORK/alerts" openat true
tracee -o json -e openat -- "$SECLOAD" wx >"$WORK/noalerts" 2>/dev/null
check "no mem_prot_alert without --security-alerts" \
    test "$(count "$WORK/noalerts" mem_prot_alert true)" = 0

# --- table output: Tracee's layout --------------------------------------------------------
tracee -e security_file_open -- cat "$D/data" >"$WORK/table" 2>/dev/null
check "table row for security_file_open" grep -Eq \
    " security_file_open +pathname: $D/data, flags: O_RDONLY\|O_LARGEFILE, dev: $(kdev "$D/data"), inode: $(ino "$D/data")\$" \
    "$WORK/table"
finish
