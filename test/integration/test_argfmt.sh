#!/usr/bin/env bash
# test_argfmt.sh - decoded arguments end to end: the argprobe workload makes
# one syscall per decoded format; tracee's JSON and table output must show the
# expected spelling, and strace, tracing the same program, must spell it the
# same way (the decoders follow strace). Socket addresses and fd pairs are
# read by the kernel side (at syscall exit for what the kernel fills in).
source "$(dirname "$0")/lib.sh"
need_root
PROBE=$(dirname "$TRACEE")/argprobe
check "argprobe built" test -x "$PROBE"
check "strace present" command -v strace
check "object builds" prebuild

mkdir -p "$WORK/j" "$WORK/t" "$WORK/s"
tracee -o json -e openat,fcntl,lseek,faccessat,access,mkdirat,unlinkat,mknodat,mmap,mprotect,pipe2,socketpair,socket,connect,bind,getsockname,kill,rt_sigprocmask,ptrace,prctl,clone \
    -- "$PROBE" "$WORK/j" >"$WORK/json" 2>"$WORK/json.err"
check "tracee -- argprobe exits 0" test $? = 0
check "no lost events or errors" grep -Eq 'lost: 0, errors: 0' "$WORK/json.err"
tracee -o table -e openat,connect,pipe2,getsockname,clone -- "$PROBE" "$WORK/t" >"$WORK/table" 2>/dev/null
strace -f -qq -o "$WORK/strace" "$PROBE" "$WORK/s" >/dev/null 2>&1
check "strace ran" test -s "$WORK/strace"

# value: the JSON value of argument ARG of the probe's EVENT events, one per line
values() {
    jq -r --arg e "$1" --arg a "$2" 'select(.eventName == $e and .processName == "argprobe")
        | .args[] | select(.name == $a) | .value | if type == "string" then . else tojson end' "$WORK/json"
}
# EVENT ARG VALUE: tracee shows VALUE and strace's EVENT line spells it the same
same() {
    local e=$1 a=$2 v=$3
    check "$e $a = $v (tracee)" grep -qxF -- "$v" <(values "$e" "$a")
    # a whole argument: after "(", ", " or "flags=", before "," or ")" (or
    # " <unfinished ...>", where strace -f split the call around a switch)
    check "$e $a = $v (strace)" grep -qF -e "($v," -e "($v)" -e ", $v," -e ", $v)" -e "=$v," \
        -e "=$v)" -e "=$v <unfinished" -e ", $v <unfinished" <(grep -E "^[0-9]+ +$e\(" "$WORK/strace")
}
same openat dirfd AT_FDCWD
same openat flags 'O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC'
same openat mode 0640
same openat flags O_RDONLY
same fcntl cmd F_DUPFD_CLOEXEC
same lseek whence SEEK_END
same faccessat mode 'R_OK|W_OK'
same access mode X_OK
same mkdirat mode 0750
same unlinkat flags AT_REMOVEDIR
same mknodat mode 'S_IFIFO|0600'
same mmap prot 'PROT_READ|PROT_WRITE'
same mmap flags 'MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE'
same mprotect prot PROT_READ
same pipe2 flags 'O_NONBLOCK|O_CLOEXEC'
same socketpair domain AF_UNIX
same socketpair type 'SOCK_STREAM|SOCK_CLOEXEC'
same socket type 'SOCK_DGRAM|SOCK_NONBLOCK'
same kill sig 0
same kill sig SIGURG
same rt_sigprocmask how SIG_UNBLOCK
same ptrace request PTRACE_PEEKDATA
same prctl option PR_GET_DUMPABLE
same clone flags 'CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD'

# fd pairs: the numbers the kernel returned, the same in both tools
pair=$(values pipe2 pipefd)
check "pipe2 pipefd is a pair of fds" grep -Eqx '\[[0-9]+,[0-9]+\]' <<<"$pair"
check "strace shows the same pipe2 fds" grep -qF "pipe2([${pair:1:-1}" <(sed 's/, /,/' "$WORK/strace")
pair=$(values socketpair sv)
check "socketpair sv is a pair of fds" grep -Eqx '\[[0-9]+,[0-9]+\]' <<<"$pair"
check "strace shows the same socketpair fds" grep -qF "[${pair:1:-1}])" <(sed 's/\[\([0-9]*\), /[\1,/' "$WORK/strace")

# socket addresses, as Tracee writes them; strace spells the same parts
check "connect AF_INET address" jq -e -s 'any(.eventName == "connect" and (.args[1].value ==
    {"sa_family":"AF_INET","sin_port":"9","sin_addr":"127.0.0.1"}))' "$WORK/json"
check "strace: same AF_INET address" grep -qF 'sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")' "$WORK/strace"
check "connect abstract AF_UNIX address, ECONNREFUSED" jq -e -s 'any(.eventName == "connect" and
    .args[1].value == {"sa_family":"AF_UNIX","sun_path":"@tracee-argprobe"} and .returnValue == -111)' "$WORK/json"
check "strace: same abstract address" grep -qF 'sun_path=@"tracee-argprobe"}' "$WORK/strace"
check "getsockname: address filled in by the kernel, read at exit" jq -e -s --arg p "$WORK/j/sock" \
    'any(.eventName == "getsockname" and .args[1].value == {"sa_family":"AF_UNIX","sun_path":$p})' "$WORK/json"
check "bind: address with its path" jq -e -s --arg p "$WORK/j/sock" \
    'any(.eventName == "bind" and .args[1].value.sun_path == $p)' "$WORK/json"
check "returnValue stays a number" jq -e -s 'all(.returnValue | type == "number")' "$WORK/json"

# the table form
check "table: openat flags and mode" grep -qF 'dirfd: AT_FDCWD, pathname: '"$WORK/t/f"', flags: O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, mode: 0640' "$WORK/table"
check "table: RET column with errno name" grep -Eq ' -2 ENOENT +openat +dirfd: AT_FDCWD, pathname: /nonexistent-argprobe, flags: O_RDONLY' "$WORK/table"
check "table: AF_INET address" grep -qF 'addr: {AF_INET 127.0.0.1:9}, addrlen: 16' "$WORK/table"
check "table: abstract address and ECONNREFUSED" grep -Eq ' -111 ECONNREFUSED connect +sockfd: [0-9]+, addr: \{AF_UNIX @tracee-argprobe\}' "$WORK/table"
check "table: getsockname path" grep -qF "addr: {AF_UNIX $WORK/t/sock}" "$WORK/table"
check "table: pipe2 pair" grep -Eq 'pipe2 +pipefd: \[[0-9]+ [0-9]+\], flags: O_NONBLOCK\|O_CLOEXEC' "$WORK/table"
check "table: an errno name keeps EVENT in its column" awk '
    NR == 1 { col = index($0, "EVENT") }
    / -2 ENOENT / { found = 1; if (index($0, "openat") != col) bad = 1 }
    END { exit !found || bad }' "$WORK/table"

# names the running kernel has and strace 6.1's tables do not (strace prints
# these as numbers): tracee decodes them
cat >"$WORK/newer.py" <<'EOF'
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(0x53564d41, 0, 0, 0, 0)
libc.prctl(0x41555856, 0, 0, 0, 0)
libc.prctl(66, 0, 0, 0, 0)
libc.syscall(321, 36, 0, 0)
libc.mmap(None, 4096, 3, 0x08 | 0x20, -1, 0)
EOF
if command -v python3 >/dev/null; then
    "$TRACEE" --install-path "$INSTALL" --output-path "$OUTPUT" -o json -e prctl,bpf,mmap \
        -- python3 "$WORK/newer.py" >"$WORK/newer.json" 2>/dev/null
    newer() { jq -e -s --arg e "$1" --arg v "$2" \
        'any(.eventName == $e and any(.args[]; (.value | tostring) | contains($v)))' "$WORK/newer.json"; }
    check "newer names: prctl PR_SET_VMA" newer prctl PR_SET_VMA
    check "newer names: prctl PR_GET_AUXV" newer prctl PR_GET_AUXV
    check "newer names: prctl PR_GET_MDWE" newer prctl PR_GET_MDWE
    check "newer names: bpf BPF_TOKEN_CREATE" newer bpf BPF_TOKEN_CREATE
    check "newer names: mmap MAP_DROPPABLE" newer mmap "MAP_DROPPABLE|MAP_ANONYMOUS"
    # an address the kernel fills in, into a buffer smaller than the address:
    # read as far as the kernel wrote (6 bytes: family and "/tmp"), never the
    # caller's bytes after it
    cat >"$WORK/small.py" <<'EOF'
import ctypes, socket, sys
libc = ctypes.CDLL(None)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
buf = ctypes.create_string_buffer(b"\xee" * 128, 128)
for size in (6, 128):
    n = ctypes.c_uint(size)
    libc.getsockname(s.fileno(), buf, ctypes.byref(n))
EOF
    "$TRACEE" --install-path "$INSTALL" --output-path "$OUTPUT" -o json -e getsockname \
        -- python3 "$WORK/small.py" "$WORK/t/small-sock" >"$WORK/small.json" 2>/dev/null
    check "getsockname into 6 bytes: the address as far as the kernel wrote it" jq -e -s \
        '[.[] | .args[1].value.sun_path] | .[0] == "/tmp" and .[1] == "'"$WORK/t/small-sock"'"' \
        "$WORK/small.json"
else
    bad "python3 is installed (./setup.sh test)"
fi
finish
