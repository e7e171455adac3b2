#!/usr/bin/env bash
# test_signatures.sh - the built-in detections (-s signatures) on the real
# kernel. A script re-enacts each technique harmlessly (its own children,
# loopback sockets, modules the kernel refuses, /etc and /usr/lib writes in a
# private mount namespace over a tmpfs, "containers" made with unshare -p) and
# the test compares every detection raised, field by field, with the list it
# expects: nothing missing, nothing extra. A benign workload raises none.
source "$(dirname "$0")/lib.sh"
need_root
check "object builds" prebuild
S="$(dirname "$TRACEE")/sigact"
W=$WORK/act
mkdir -p "$W/bin" "$W/c/proc/sys/kernel" "$W/c/m" "$W/c/d/secrets/kubernetes.io/serviceaccount"
cp /bin/sh "$W/nginx"
printf '#!/bin/sh\ntrue\n' >"$W/bin/update-rc.d"
cp "$W/bin/update-rc.d" "$W/bin/crontab"
chmod +x "$W/bin/update-rc.d" "$W/bin/crontab"
# made before tracing: only the opens the re-enactment makes count
touch "$W/c/proc/sys/kernel/core_pattern" "$W/c/release_agent" "$W/c/notify_on_release" \
    "$W/c/docker.sock" "$W/c/proc/kcore" "$W/c/d/secrets/kubernetes.io/serviceaccount/token"

cat >"$W/reenact.sh" <<SCRIPT
set -u
cd "$W"
"$S" stdio_dup "$W/port.dup"
"$S" stdio_connect "$W/port.connect"
"$S" traceme
"$S" poke
"$S" wx
"$S" memfd_exec
"$S" proc_mem
"$S" vm_write
"$S" module
"$S" open_r /proc/sys/kernel/randomize_va_space
env -i LD_PRELOAD= /bin/true
"$W/nginx" -c '/bin/sh -c true; true'
"$W/bin/update-rc.d"
"$W/bin/crontab"
head -c 64 /bin/true >"$W/.hidden"
unshare -m sh -c 'mount -t tmpfs none /etc && mkdir -p /etc/init.d /etc/sudoers.d /etc/kubernetes/pki &&
    echo >/etc/ld.so.preload && echo >/etc/x && mv /etc/x /etc/ld.so.preload &&
    echo >/etc/crontab && echo >/etc/init.d/foo && echo >/etc/sudoers.d/foo &&
    echo >/etc/kubernetes/pki/ca.key && "$S" open_r /etc/kubernetes/pki/ca.key &&
    mount -t tmpfs none /usr/lib && echo >/usr/lib/ld-linux-x86-64.so.2'
unshare -p -f -m --mount-proc sh -c '
    "$S" open_w "$W/c/proc/sys/kernel/core_pattern"
    mount -t tmpfs none /mnt && : >/mnt/sysrq && mkdir -p /mnt/dbg/sched && : >/mnt/dbg/sched/debug &&
    mount --bind /mnt /proc/sys/kernel && mount --bind /mnt/dbg /sys/kernel/debug &&
    "$S" open_w /proc/sys/kernel/sysrq && "$S" open_r /sys/kernel/debug/sched/debug
    "$S" open_w "$W/c/release_agent"
    "$S" open_w "$W/c/notify_on_release"
    "$S" open_w "$W/c/docker.sock"
    "$S" connect_unix "$W/c/docker.sock"
    "$S" open_r "$W/c/proc/kcore"
    "$S" open_r "$W/c/d/secrets/kubernetes.io/serviceaccount/token"
    head -c 64 /bin/true >"$W/c/dropped"
    mount -t tmpfs /dev/sigact-fake "$W/c/m"
    env -i KUBERNETES_SERVICE_HOST=127.0.0.1 "$S" connect_tcp 127.0.0.1 1'
SCRIPT

tracee -o json -s signatures -e k8s_service_account_token -- bash "$W/reenact.sh" \
    >"$WORK/all.json" 2>"$WORK/all.err"
check "tracee -s signatures -- reenact.sh exits 0" test $? = 0
check "nothing lost, no errors" grep -q 'lost: 0, errors: 0' "$WORK/all.err"
check "every line is a detection (no base event printed)" \
    jq -e -s 'all(.[]; (.eventId | tonumber) >= 1700 and .metadata != null)' "$WORK/all.json"

# One line per detection: name, TRC id, severity, MITRE id, the process,
# and the triggering event with the argument that made it fire.
jq -r 'def A($n): ((.args[] | select(.name == "triggeredBy") | .value.args[]
        | select(.name == $n) | .value) // "");
    def D($n): ((.args[] | select(.name == $n) | .value) // "");
    (.args[] | select(.name == "triggeredBy") | .value) as $t |
    [.eventName, .metadata.Properties.signatureID, (.metadata.Properties.Severity | tostring),
     .metadata.Properties.external_id, .processName, $t.name,
     (if $t.name == "ptrace" then A("request")
      elif $t.name == "mem_prot_alert" then A("alert")
      elif $t.name == "security_socket_connect" then (A("remote_addr") | tostring)
      elif $t.name == "security_inode_rename" then A("new_path")
      elif $t.name == "security_sb_mount" then A("dev_name")
      elif $t.name == "init_module" then $t.name
      elif $t.name == "security_kernel_read_file" then A("pathname") + " " + A("type")
      elif $t.name == "process_vm_writev" then "pid"
      else A("pathname") end),
     ([D("IP address"), D("Port"), (D("File descriptor") | tostring), D("LD_PRELOAD"), D("path")]
      | map(select(. != "")) | join(" "))] | join("|")' "$WORK/all.json" | sort >"$WORK/got"

P1=$(sed -n 1p "$W/port.dup"); P2=$(sed -n 1p "$W/port.connect")
sort >"$WORK/want" <<WANT
stdio_over_socket|TRC-101|3|T1059.004|sigact|dup2||127.0.0.1 $P1 0
stdio_over_socket|TRC-101|3|T1059.004|sigact|security_socket_connect|{"sa_family":"AF_INET","sin_port":"$P2","sin_addr":"127.0.0.1"}|127.0.0.1 $P2 0
anti_debugging|TRC-102|1|T1622|sigact|ptrace|PTRACE_TRACEME|
ptrace_code_injection|TRC-103|3|T1055.008|sigact|ptrace|PTRACE_POKEDATA|
dynamic_code_loading|TRC-104|2|T1027.002|sigact|mem_prot_alert|Protection changed from W+E to E!|
fileless_execution|TRC-105|3|T1620|memfd:sigact|security_bprm_check|memfd:sigact|
proc_mem_access|TRC-1023|3|T1003.007|sigact|security_file_open|/proc/PID/mem|
proc_mem_code_injection|TRC-1024|3|T1055.009|sigact|security_file_open|/proc/PID/mem|
process_vm_write_inject|TRC-1025|3|T1055|sigact|process_vm_writev|pid|
kernel_module_loading|TRC-1017|2|T1547.006|sigact|security_kernel_read_file|$(readlink -f /bin/true) kernel-module|
kernel_module_loading|TRC-1017|2|T1547.006|sigact|init_module|init_module|
aslr_inspection|TRC-109|0|T1068|sigact|security_file_open|/proc/sys/kernel/randomize_va_space|
ld_preload|TRC-107|2|T1574|env|execve|/bin/true|LD_PRELOAD=
illegitimate_shell|TRC-1016|2|T1190|nginx|execve|/bin/sh|
rcd_modification|TRC-1026|2|T1037.004|bash|execve|$W/bin/update-rc.d|
scheduled_task_mod|TRC-1027|2|T1053.003|bash|execve|$W/bin/crontab|
hidden_file_created|TRC-1015|2|T1564.001|head|magic_write|$W/.hidden|
ld_preload|TRC-107|2|T1574|sh|security_file_open|/etc/ld.so.preload|
ld_preload|TRC-107|2|T1574|mv|security_inode_rename|/etc/ld.so.preload|
scheduled_task_mod|TRC-1027|2|T1053.003|sh|security_file_open|/etc/crontab|
rcd_modification|TRC-1026|2|T1037.004|sh|security_file_open|/etc/init.d/foo|
sudoers_modification|TRC-1028|2|T1548.003|sh|security_file_open|/etc/sudoers.d/foo|
k8s_cert_theft|TRC-1018|3|T1528|sigact|security_file_open|/etc/kubernetes/pki/ca.key|
default_loader_mod|TRC-1012|3|T1574|sh|security_file_open|/usr/lib/ld-linux-x86-64.so.2|
core_pattern_modification|TRC-1011|3|T1611|sigact|security_file_open|$W/c/proc/sys/kernel/core_pattern|
system_request_key_mod|TRC-1031|3|T1611|sigact|security_file_open|/proc/sys/kernel/sysrq|
sched_debug_recon|TRC-1029|1|T1613|sigact|security_file_open|/sys/kernel/debug/sched/debug|
cgroup_release_agent|TRC-1010|3|T1611|sigact|security_file_open|$W/c/release_agent|
cgroup_notify_on_release|TRC-106|3|T1611|sigact|security_file_open|$W/c/notify_on_release|
docker_abuse|TRC-1019|2|T1068|sigact|security_file_open|$W/c/docker.sock|
docker_abuse|TRC-1019|2|T1068|sigact|security_socket_connect|{"sa_family":"AF_UNIX","sun_path":"$W/c/docker.sock"}|
proc_kcore_read|TRC-1021|2|T1611|sigact|security_file_open|$W/c/proc/kcore|
k8s_service_account_token|TRC-108|0|T1212|sigact|security_file_open|$W/c/d/secrets/kubernetes.io/serviceaccount/token|
dropped_executable|TRC-1022|2|T1036|head|magic_write|$W/c/dropped|$W/c/dropped
disk_mount|TRC-1014|3|T1611|mount|security_sb_mount|/dev/sigact-fake|
k8s_api_connection|TRC-1013|1||sigact|security_socket_connect|{"sa_family":"AF_INET","sin_port":"1","sin_addr":"127.0.0.1"}|
WANT
sed -i -E 's#\|/proc/[0-9]+/mem\|#|/proc/PID/mem|#' "$WORK/got"
if diff "$WORK/want" "$WORK/got" >"$WORK/diff"; then
    ok "every technique raised its detection once, with its id, severity, MITRE id and trigger"
else
    bad "detections differ from the expected list (< expected, > raised):"; cat "$WORK/diff"
fi

# The JSON of one detection, whole: the triggering process's fields, the
# detection as eventName, its data as args, and Tracee's metadata object.
check "stdio_over_socket's JSON: data args, triggeredBy and metadata as later Tracee" \
    jq -e -s --arg p "$P1" 'map(select(.eventName == "stdio_over_socket" and
        (.args[0].value == "127.0.0.1") and (.args[1].value == $p)))[0] |
    .eventId == "1700" and .argsNum == 4 and
    ([.args[] | [.name, .type]] == [["IP address","const char*"],["Port","const char*"],
        ["File descriptor","int"],["triggeredBy","unknown"]]) and
    .args[2].value == 0 and .args[3].value.name == "dup2" and .args[3].value.id == 33 and
    .args[3].value.returnValue == 0 and
    .metadata.Version == "1" and (.metadata.Description | length > 20) and
    .metadata.Tags == ["linux","container"] and
    .metadata.Properties == {"Category":"execution","Severity":3,"Technique":"Unix Shell",
        "external_id":"T1059.004","signatureID":"TRC-101",
        "signatureName":"Standard input/output of a process over a socket"} and
    .processName == "sigact" and .hostProcessId > 0' "$WORK/all.json"
check "the exec environment a detection read stays hidden without --show-exec-env" \
    jq -e -s 'map(select(.eventName == "ld_preload" and .args[0].name == "LD_PRELOAD"))[0] |
        (.args[1].value.args[] | select(.name == "envp") | .value) == null' "$WORK/all.json"

# --- the table: a detection's line carries its fields -------------------------------
tracee -s signatures -- "$S" traceme >"$WORK/table" 2>/dev/null
check "table: one anti_debugging line with id, severity, MITRE and the trigger" \
    grep -Eq '^[0-9.]+ +0 +sigact +[0-9]+ +[0-9]+ +0 +anti_debugging +id: TRC-102, severity: 1, mitre: T1622 Debugger Evasion \(defense-evasion\), triggeredBy: ptrace \{request: PTRACE_TRACEME, pid: 0, addr: 0x0, data: 0x0\}$' "$WORK/table"
check "table: nothing but the header and that line" test "$(wc -l <"$WORK/table")" = 2

# --- selection ------------------------------------------------------------------------
tracee -o json -e ld_preload -- sh -c "env -i LD_PRELOAD= /bin/true; '$S' traceme" \
    >"$WORK/one.json" 2>/dev/null
check "-e ld_preload: that detection only, and no base event" \
    jq -e -s 'map(.eventName) == ["ld_preload"]' "$WORK/one.json"
tracee -o json -s signatures -e ptrace --show-exec-env -- "$S" traceme >"$WORK/both.json" 2>/dev/null
check "-s signatures -e ptrace: the ptrace event is printed too, the detection after it" \
    jq -e -s 'map(.eventName) == ["ptrace","anti_debugging"]' "$WORK/both.json"
tracee -o json -e execve,ld_preload -- env -i LD_PRELOAD= /bin/true >"$WORK/env.json" 2>/dev/null
check "execve selected with ld_preload: its envp is not shown (not asked for)" \
    jq -e -s '[.[] | select(.eventName == "execve") | .args[] | select(.name == "envp") | .value]
        | length > 1 and all(. == null)' "$WORK/env.json"
tracee -o json -e execve,ld_preload --show-exec-env -- env -i LD_PRELOAD= /bin/true \
    >"$WORK/env2.json" 2>/dev/null
check "... and shown with --show-exec-env" \
    jq -e -s 'any(.[]; .eventName == "execve" and
        (.args[] | select(.name == "envp") | .value) == ["LD_PRELOAD="])' "$WORK/env2.json"

# --- a benign workload raises none -------------------------------------------------------
tracee -o json -s signatures -- sh -c "
    '$S' benign '$WORK'
    cat /etc/hostname /etc/passwd >'$WORK/copy'; cp '$WORK/copy' '$WORK/copy2'; mv '$WORK/copy2' '$WORK/copy3'
    ls -la / /proc/self/ >/dev/null; grep -c root /etc/passwd >/dev/null; sort '$WORK/copy' >/dev/null
    head -c 64 /bin/true >'$WORK/plain-elf'; python3 -c 'import mmap, socket' 2>/dev/null
    unshare -p -f -m --mount-proc sh -c 'cat /etc/hostname >/dev/null; ls /proc >/dev/null'
" >"$WORK/benign.json" 2>"$WORK/benign.err"
check "benign workload exits 0" test $? = 0
check "benign workload: no detection at all" test ! -s "$WORK/benign.json"

# --- the kernel events the detections consume, selected as events -------------------------
K=$WORK/kev
mkdir -p "$K/m" "$K/d"
tracee --debug -o json -e security_socket_connect,security_inode_rename,security_sb_mount,security_kernel_read_file,socket_dup \
    -- sh -c "cd '$K' && '$S' stdio_dup '$K/port' && '$S' module && echo >a && mv a b && mv b d/c &&
              unshare -m mount -t tmpfs /dev/sigact-fake m" >"$K/ev.json" 2>"$K/ev.err"
check "kernel events: tracee exits 0" test $? = 0
for e in security_socket_connect security_sb_mount security_kernel_read_file; do
    check "$e served by its sys_exit fallback here" \
        grep -qx "tracee: event $e served by tracepoint:sys_exit (fallback)" "$K/ev.err"
done
check "socket_dup made at sys_exit" \
    grep -qx "tracee: event socket_dup served by tracepoint:sys_exit" "$K/ev.err"
check "security_inode_rename served by its sys_exit fallback here" \
    grep -qx "tracee: event security_inode_rename served by tracepoint:sys_exit (fallback)" "$K/ev.err"
P3=$(sed -n 1p "$K/port") FD3=$(sed -n 2p "$K/port")
check "security_socket_connect: the client socket, its type and the listener's address" \
    jq -e -s --arg p "$P3" --argjson fd "$FD3" '[.[] | select(.eventName == "security_socket_connect")] |
        length == 1 and (.[0].args | map({(.name): .value}) | add) ==
        {"sockfd":$fd,"type":"SOCK_STREAM","remote_addr":{"sa_family":"AF_INET","sin_port":$p,"sin_addr":"127.0.0.1"}}' \
    "$K/ev.json"
check "socket_dup: the connected socket onto fd 0, with its peer from the kernel" \
    jq -e -s --arg p "$P3" --argjson fd "$FD3" '[.[] | select(.eventName == "socket_dup")] |
        length == 1 and .[0].returnValue == 0 and (.[0].args | map({(.name): .value}) | add) ==
        {"oldfd":$fd,"newfd":0,"remote_addr":{"sa_family":"AF_INET","sin_port":$p,"sin_addr":"127.0.0.1"}}' \
    "$K/ev.json"
TRUE=$(readlink -f /bin/true)
check "security_kernel_read_file: the file finit_module was handed, as a kernel module" \
    jq -e -s --arg f "$TRUE" --argjson i "$(stat -L -c %i "$TRUE")" \
    '[.[] | select(.eventName == "security_kernel_read_file")] | length == 1 and
        (.[0].args | map({(.name): .value}) | add | .pathname == $f and .inode == $i and .type == "kernel-module")' \
    "$K/ev.json"
check "security_inode_rename: two renames, whole paths (relative names resolved)" \
    jq -e -s --arg k "$K" '[.[] | select(.eventName == "security_inode_rename") | .args | map(.value)] ==
        [[$k + "/a", $k + "/b"], [$k + "/b", $k + "/d/c"]]' "$K/ev.json"
check "security_sb_mount: the device name, the resolved target, the type and flags" \
    jq -e -s --arg k "$K" '[.[] | select(.eventName == "security_sb_mount" and .args[0].value == "/dev/sigact-fake")
        | .args | map({(.name): .value}) | add] == [{"dev_name":"/dev/sigact-fake","path":($k + "/m"),"type":"tmpfs","flags":"0x0"}]' \
    "$K/ev.json"

# --- --list -----------------------------------------------------------------------------
"$TRACEE" --list >"$WORK/list"
check "--list has a Signatures section" grep -q '^Signatures:' "$WORK/list"
check "--list: anti_debugging's row (set, id, severity, MITRE, base events)" grep -Eq \
    '^  anti_debugging +\[signatures\] +TRC-102 +low +T1622 +ptrace$' "$WORK/list"
check "--list: k8s_service_account_token is off by default (no set)" grep -Eq \
    '^  k8s_service_account_token +\[\] +TRC-108 ' "$WORK/list"
finish
