#!/usr/bin/env bash
# run.sh - tracee on another kernel: one of Debian's cloud kernels under QEMU.
#
# Fetches a Debian suite's cloud kernel image and its headers with apt
# (whatever release the suite's linux-image-cloud-amd64 names), builds the
# eBPF object on the host from those headers (what `make bpf
# KERN_RELEASE=<rel> KERN_HEADERS=<dir>` does), packs tracee, its libraries,
# busybox and the object into an initramfs, boots it (KVM when a probe guest
# boots with it, else software emulation) and runs tracee there with
# --build-policy never (the slim image's path).
#
#   test/qemu/run.sh [OPTIONS] [-- TRACEE_ARGS...]
#       runs `tracee --build-policy never --install-path /obj TRACEE_ARGS` in
#       the guest; default args: -o json -e openat,execve -- /usr/bin/cat /etc/hostname
#   test/qemu/run.sh [OPTIONS] --script FILE
#       runs the sh script FILE in the guest instead (busybox sh; tracee is
#       /usr/bin/tracee, the object in /obj; files it leaves in /out come
#       back with --out)
#
# The guest's stdout and stderr come out on run.sh's stdout and stderr (once
# it is done: the output travels back on a virtio disk at the end); the
# exit status is the guest command's (124: the guest did not finish in time;
# 2 with a "tracee-qemu:" line: run.sh itself could not go on).
#
# Options:
#   --kernel SUITE    the Debian suite whose cloud kernel boots: bullseye
#                     (5.10), bookworm (6.1, the default) or trixie (6.12)
#   --lsm LIST        the kernel's lsm= list (default: the LSMs Debian
#                     enables, with bpf); "default" leaves lsm= out, so the
#                     kernel's built-in list applies (bullseye's lacks bpf)
#   --tracee PATH     tracee binary (default $TRACEE, else dist/tracee); its
#                     build plugin must sit next to it for the host build
#   --object FILE     use this prebuilt object instead of building one
#   --add PATH        also pack this host program (and its libraries) at the
#                     same path in the guest; repeatable (/usr/bin/cat and
#                     /usr/bin/true always are; the rest is busybox)
#   --file SRC:DEST   also pack a file at DEST; repeatable
#   --release-info    print the guest kernel release and headers dir, then exit
#   --console         copy the guest's console (kernel log) to stderr
#   --timeout SEC     give up on the guest after SEC seconds (default 300)
#   --out DIR         copy what the guest command left in /out to DIR
#   --keep DIR        keep the work files (initramfs, console log) in DIR
#
# The packages come from the Debian mirror the machine's apt sources name,
# with the suite name changed, through an apt state of run.sh's own (its
# sources list, lists, package cache and trusted keys: Debian's archive
# keyring only), so the machine's apt setup is neither used nor changed.
#
# Environment: TRACEE_QEMU_CACHE (default /var/cache/tracee-qemu) holds that
# apt state, the downloaded packages and their unpacked trees (per release;
# a newer release of a suite replaces the older one) and the KVM verdict;
# TRACEE_QEMU_REFRESH=1 asks apt again which kernel is current;
# TRACEE_QEMU_ACCEL=kvm|tcg skips the KVM probe; TRACEE_QEMU_KEYRING names
# another keyring to trust instead of Debian's. Needs root (the cache),
# qemu-system-x86_64, cpio, busybox-static and debian-archive-keyring
# (./setup.sh test).
set -euo pipefail
shopt -s inherit_errexit

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${TRACEE_QEMU_CACHE:-/var/cache/tracee-qemu}
TRACEE_BIN=${TRACEE:-$SRC_ROOT/dist/tracee}
TIMEOUT=300
SUITE=bookworm
OBJECT=
SCRIPT=
KEEP=
OUT=
SHOW_CONSOLE=0
INFO_ONLY=0
# Host programs packed by default: workloads that behave as they do here.
ADD=(/usr/bin/cat /usr/bin/true)
FILES=()
GUEST_ARGS=()
# The suites run.sh boots, and the kernel series each one's cloud image has.
declare -A SERIES=([bullseye]=5.10 [bookworm]=6.1 [trixie]=6.12)
# Debian's archive keyring: the only keys the private apt state trusts.
KEYRING=${TRACEE_QEMU_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# The kernel's LSM list: Debian's, with bpf (not in bullseye's built-in
# default; naming it keeps BPF LSM on whatever a default becomes). Names a
# kernel lacks (landlock before 5.13) are skipped by the kernel.
LSM=lockdown,capability,landlock,yama,apparmor,bpf
# How long a KVM probe guest may take before KVM counts as broken.
KVM_PROBE_SECONDS=30

die() { echo "tracee-qemu: $*" >&2; exit 2; }
say() { echo "tracee-qemu: $*" >&2; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

parse_args() {
    while (($#)); do
        case $1 in
        --kernel) SUITE=${2:?}; shift 2 ;;
        --lsm) LSM=${2?}; shift 2 ;;
        --tracee) TRACEE_BIN=${2:?}; shift 2 ;;
        --object) OBJECT=${2:?}; shift 2 ;;
        --script) SCRIPT=${2:?}; shift 2 ;;
        --add) ADD+=("${2:?}"); shift 2 ;;
        --file) FILES+=("${2:?}"); shift 2 ;;
        --timeout) TIMEOUT=${2:?}; shift 2 ;;
        --keep) KEEP=${2:?}; shift 2 ;;
        --out) OUT=${2:?}; shift 2 ;;
        --console) SHOW_CONSOLE=1; shift ;;
        --release-info) INFO_ONLY=1; shift ;;
        -h|--help) usage ;;
        --) shift; GUEST_ARGS=("$@"); break ;;
        *) die "unknown option $1: see $0 --help" ;;
        esac
    done
    [[ -n ${SERIES[$SUITE]:-} ]] || die "--kernel $SUITE: not a suite run.sh boots (bullseye, bookworm, trixie)"
    [[ $LSM =~ ^[a-z,]+$ ]] || die "--lsm '$LSM': want a comma-separated list of LSM names, or default"
    [[ -n $SCRIPT && ${#GUEST_ARGS[@]} -gt 0 ]] && die "--script and -- TRACEE_ARGS exclude each other"
    ((${#GUEST_ARGS[@]})) || GUEST_ARGS=(-o json -e openat,execve -- /usr/bin/cat /etc/hostname)
    return 0
}

need_tools() {
    local t
    for t in qemu-system-x86_64 cpio gzip busybox dpkg-deb apt-get ldd timeout flock; do
        command -v "$t" >/dev/null || die "$t not found: run ./setup.sh test"
    done
    [[ $(busybox 2>&1 | head -1) == BusyBox* ]] || die "busybox not found: run ./setup.sh test"
    file_is_static "$(command -v busybox)" || die "$(command -v busybox) is not static: install busybox-static"
    [[ -s $KEYRING ]] || die "$KEYRING not found: install debian-archive-keyring (./setup.sh test)"
}

file_is_static() { ! ldd "$1" >/dev/null 2>&1; }

# --- the suite's apt state ------------------------------------------------------

# The Debian archives of the machine's apt sources, one "URI SUFFIX" line
# each, for the host's own suite and its -updates and -security (SUFFIX "",
# -updates, -security; backports would name a newer kernel). Reads both the
# deb822 .sources files and one-line .list files.
host_archives() {
    local codename f
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [[ -n $codename ]] || die "/etc/os-release names no VERSION_CODENAME: the Debian mirror cannot be told from the apt sources"
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        awk -v cn="$codename" '
            function flush(  n, m, i, j, u, s) {
                if (types ~ /(^| )deb( |$)/ && enabled != "no") {
                    n = split(uris, u, " "); m = split(suites, s, " ")
                    for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
                        if (s[j] == cn || s[j] == cn "-updates" || s[j] == cn "-security")
                            print u[i], substr(s[j], length(cn) + 1)
                }
                types = uris = suites = enabled = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^#/ { next }
            { key = tolower($1); $1 = "" }
            key == "types:" { types = $0 }
            key == "uris:" { uris = $0 }
            key == "suites:" { suites = $0 }
            key == "enabled:" { enabled = tolower($1 $2) }
            END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
            awk -v cn="$codename" '$1 == "deb" && ($3 == cn || $3 == cn "-updates" || $3 == cn "-security") {
                print $2, substr($3, length(cn) + 1) }'
    done
}

# The private apt state of a suite: $CACHE/apt/<suite>/{sources.list,state,cache}.
apt_dir() { echo "$CACHE/apt/$SUITE"; }

# apt-get / apt-cache with the private state: none of the machine's sources,
# pins, trusted keys, package lists or dpkg status; unsigned never trusted.
apt_private() {
    local tool=$1 a; shift
    a=$(apt_dir)
    "$tool" -q -o Dir::Etc::SourceList="$a/sources.list" -o Dir::Etc::SourceParts="$a/none.d" \
        -o Dir::State="$a/state" -o Dir::State::status="$a/state/status" -o Dir::Cache="$a/cache" \
        -o Dir::Etc::Preferences="$a/none" -o Dir::Etc::PreferencesParts="$a/none.d" \
        -o Dir::Etc::Trusted="$a/none" -o Dir::Etc::TrustedParts="$a/none.d" \
        -o APT::Architecture=amd64 -o APT::Architectures=amd64 -o Acquire::Languages=none \
        -o Acquire::AllowInsecureRepositories=false -o APT::Get::AllowUnauthenticated=false \
        -o Acquire::AllowDowngradeToInsecureRepositories=false -o APT::Sandbox::User=root "$@"
}

# Writes the suite's sources list (the host's archives, the suite renamed,
# checked with Debian's keyring) and reads the suite's package lists. A
# suite whose Release no key of the keyring signs stops here.
update_suite() {
    local a arch suffix out unsigned='NO_PUBKEY|EXPKEYSIG|REVKEYSIG|BADSIG|not signed|GPG error'
    a=$(apt_dir)
    mkdir -p "$a"/{none.d,state/lists/partial,cache/archives/partial}
    : >"$a/state/status"
    : >"$a/sources.list.new"
    while read -r arch suffix; do
        echo "deb [signed-by=$KEYRING] $arch $SUITE$suffix main" >>"$a/sources.list.new"
    done < <(host_archives | sort -u)
    [[ -s $a/sources.list.new ]] ||
        die "no Debian archive for $(. /etc/os-release && echo "$VERSION_CODENAME") in /etc/apt/sources.list{,.d}: run.sh takes the kernel from the Debian mirror the machine uses"
    mv "$a/sources.list.new" "$a/sources.list"
    say "reading $SUITE's package lists ($(wc -l <"$a/sources.list") archives of the machine's mirror)"
    out=$(apt_private apt-get update 2>&1) || true
    if grep -Eq "$unsigned" <<<"$out"; then
        grep -E "$unsigned" <<<"$out" | head -3 >&2
        die "no key of $KEYRING verifies $SUITE's Release files: install a debian-archive-keyring that has $SUITE's keys (apt-get install debian-archive-keyring); run.sh does not use unsigned packages"
    fi
    if grep -q '^E:' <<<"$out"; then
        grep '^E:' <<<"$out" >&2
        die "apt-get update for $SUITE failed (above)"
    fi
}

# The release (5.10.0-N-cloud-amd64, 6.12.N+deb13-cloud-amd64) the suite's
# meta package names; else the newest cloud image of the suite's series.
current_release() {
    local rel series=${SERIES[$SUITE]}
    rel=$(apt_private apt-cache depends linux-image-cloud-amd64 2>/dev/null |
          sed -n 's/^ *Depends: linux-image-\([0-9.]*[-+][^ ]*-cloud-amd64\)$/\1/p' | head -1)
    if [[ -z $rel ]]; then
        rel=$(apt_private apt-cache search --names-only "^linux-image-${series//./\\.}\\..*-cloud-amd64\$" 2>/dev/null |
              sed -n 's/^linux-image-\([^ ]*-cloud-amd64\) .*/\1/p' | sort -V | tail -1)
    fi
    [[ -n $rel ]] || die "$SUITE's archive has no linux-image-cloud-amd64 or linux-image-$series*-cloud-amd64"
    [[ $rel == "$series".* ]] || die "$SUITE's cloud kernel is $rel, not $series: run.sh's table of suites is out of date"
    echo "$rel"
}

# The packages a release takes: its image, its headers and the -common half
# the headers depend on (named linux-headers-<abi>-common in every suite so
# far; asked of apt rather than guessed).
kernel_packages() {
    local rel=$1 common
    common=$(apt_private apt-cache depends "linux-headers-$rel" 2>/dev/null |
             sed -n 's/^ *Depends: \(linux-headers-[^ ]*-common\)$/\1/p' | head -1)
    [[ -n $common ]] || die "apt names no linux-headers-*-common for linux-headers-$rel"
    echo "linux-image-$rel linux-headers-$rel $common"
}

# Downloads and unpacks the image, its headers and their -common half into
# $CACHE/<release>/root, once. Prints the release. A suite's older release is
# removed; other suites' kernels stay.
fetch_kernel() {
    local rel pkgs line p dir old
    mkdir -p "$CACHE"
    exec 9>"$CACHE/lock"
    flock 9
    if [[ -s $CACHE/release.$SUITE && ${TRACEE_QEMU_REFRESH:-0} != 1 ]]; then
        rel=$(cat "$CACHE/release.$SUITE")
    else
        update_suite
        rel=$(current_release)
    fi
    dir=$CACHE/$rel
    if [[ ! -e $dir/unpacked ]]; then
        [[ -s $(apt_dir)/sources.list ]] || update_suite
        line=$(kernel_packages "$rel")
        read -ra pkgs <<<"$line"
        rm -rf "$dir"
        mkdir -p "$dir/debs"
        say "downloading ${pkgs[*]}"
        (cd "$dir/debs" && apt_private apt-get download "${pkgs[@]}" >&2) ||
            die "apt-get download ${pkgs[*]} failed (TRACEE_QEMU_REFRESH=1 reads the package lists again)"
        for p in "$dir"/debs/*.deb; do
            dpkg-deb -x "$p" "$dir/root" || die "dpkg-deb -x $p failed"
        done
        [[ -f $dir/root/boot/vmlinuz-$rel ]] || die "no /boot/vmlinuz-$rel in linux-image-$rel"
        touch "$dir/unpacked"
    fi
    # (a tree unpacked before run.sh knew suites has no suite file yet)
    echo "$SUITE" >"$dir/suite"
    # the suite's older kernel is of no further use
    for p in "$CACHE"/*/suite; do
        old=${p%/suite}
        if [[ $old != "$dir" && $(cat "$p") == "$SUITE" ]]; then rm -rf "$old"; fi
    done
    echo "$rel" >"$CACHE/release.$SUITE"
    flock -u 9
    echo "$rel"
}

# --- the object ----------------------------------------------------------------

# Builds the object for rel from its headers into dir (make bpf's command).
build_object() {
    local rel=$1 hdr=$2 dir=$3
    [[ -x $TRACEE_BIN ]] || die "$TRACEE_BIN not found: make build, or pass --tracee"
    mkdir -p -m 0700 "$dir"
    KERN_RELEASE=$rel KERN_HEADERS=$hdr "$TRACEE_BIN" --build-only --build-policy always \
        --install-path "$dir" >"$dir/.path" || die "building the object for $rel failed (above)"
    cat "$dir/.path"
}

# --- the initramfs ---------------------------------------------------------------

# Copies a host file into root at the path it really has, and makes the
# path it was named by a symlink to it where that differs (/lib64/ld-linux*),
# so that paths in the guest are the host's.
pack_path() {
    local root=$1 path=$2 real
    real=$(readlink -f "$path")
    [[ -e $root$real ]] || install -D -m 0755 "$real" "$root$real"
    if [[ $(readlink -f "$root$path") != "$root$real" ]]; then
        mkdir -p "$(dirname "$root$path")"
        ln -sfn "$real" "$root$path"
    fi
}

# The libraries ldd names for a host program.
pack_libs() {
    local root=$1 prog=$2 lib
    file_is_static "$prog" && return 0
    for lib in $(ldd "$prog" | grep -o '/[^ ]*'); do
        pack_path "$root" "$lib"
    done
}

pack_program() {
    [[ -f $2 ]] || die "--add $2: no such file"
    pack_path "$1" "$2"
    pack_libs "$1" "$2"
}

# Quotes each word for sh (busybox's, in the guest).
sh_quote() {
    local a out=
    for a in "$@"; do out+=" '${a//\'/\'\\\'\'}'"; done
    echo "${out# }"
}

# The virtio-blk driver and what it needs, in load order: the cloud kernel
# has them as modules. The results travel back on a virtio disk; the serial
# port (about 40 KB/s under emulation) is the fallback.
VIRTIO_MODULES=(virtio/virtio_ring virtio/virtio virtio/virtio_pci_legacy_dev
                virtio/virtio_pci_modern_dev virtio/virtio_pci block/virtio_blk)

pack_modules() {
    local root=$1 mods=$2 m
    mkdir -p "$root/modules"
    for m in "${VIRTIO_MODULES[@]}"; do
        if [[ -f $mods/kernel/drivers/$m.ko ]]; then
            install -m 0644 "$mods/kernel/drivers/$m.ko" "$root/modules/"
            echo "${m##*/}.ko" >>"$root/modules/order"
        fi
    done
}

write_init() {
    cat >"$1/init" <<'EOF'
#!/bin/sh
# /init of tracee's QEMU guest: mount what tracee needs, run /guest.sh, then
# send its stdout, stderr, exit status and what it left in /out back as a tar
# archive on the virtio disk (the serial port ttyS1 without one), report on
# the console, power off.
export PATH=/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
mount -t tracefs nodev /sys/kernel/tracing
mount -t debugfs nodev /sys/kernel/debug
mount -t bpf bpf /sys/fs/bpf
mount -t securityfs securityfs /sys/kernel/security
hostname "$(cat /etc/hostname)"
ip link set lo up
for m in $(cat /modules/order); do insmod /modules/$m; done
mkdir -p /out /result
echo "@@TRACEE-QEMU-BEGIN $(uname -r)@@"
sh /guest.sh >/result/stdout 2>/result/stderr </dev/null
echo $? >/result/rc
mv /out /result/out
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 0.2; done
if [ -b /dev/vda ]; then
    tar -C /result -cf /dev/vda . && sync && echo "@@TRACEE-QEMU-DONE disk@@"
else
    stty -F /dev/ttyS1 raw -echo
    tar -C /result -cf /dev/ttyS1 . && echo "@@TRACEE-QEMU-DONE serial@@"
fi
poweroff -f
EOF
    chmod 0755 "$1/init"
}

write_guest_script() {
    local root=$1
    if [[ -n $SCRIPT ]]; then
        install -m 0755 "$SCRIPT" "$root/guest.sh"
    else
        printf '#!/bin/sh\nexec tracee --build-policy never --install-path /obj %s\n' \
            "$(sh_quote "${GUEST_ARGS[@]}")" >"$root/guest.sh"
    fi
}

# The guest's tree: merged /usr like Debian, busybox's applets in /usr/bin
# unless a packed host program takes the name.
make_root() {
    local root=$1 obj=$2 mods=$3 a f
    mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,proc,sys,dev,tmp,etc,root,obj}
    chmod 1777 "$root/tmp"
    ln -s usr/bin "$root/bin"; ln -s usr/sbin "$root/sbin"
    ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"
    install -m 0755 "$(command -v busybox)" "$root/usr/bin/busybox"
    for a in $(busybox --list); do
        [[ $a == busybox ]] || ln -s busybox "$root/usr/bin/$a"
    done
    install -m 0755 "$TRACEE_BIN" "$root/usr/bin/tracee"
    pack_libs "$root" "$TRACEE_BIN"
    for a in "${ADD[@]}"; do
        rm -f "$root$a"
        pack_program "$root" "$a"
    done
    for f in "${FILES[@]}"; do
        [[ $f == *:/* ]] || die "--file $f: want SRC:/DEST"
        install -D -m 0644 "${f%%:/*}" "$root/${f#*:/}"
    done
    pack_modules "$root" "$mods"
    install -m 0600 "$obj" "$root/obj/$(basename "$obj")"
    chmod 0700 "$root/obj"
    echo tracee-guest >"$root/etc/hostname"
    echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
    echo 'root:x:0:' >"$root/etc/group"
    # the loader finds libraries as on the host, without probing every directory
    ldconfig -r "$root" 2>/dev/null || true
    write_init "$root"
    write_guest_script "$root"
}

make_initramfs() {
    local root=$1 out=$2
    (cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
        gzip -1 >"$out"
}

# --- the boot ----------------------------------------------------------------------

# The kernel command line; lsm= as --lsm says.
kernel_cmdline() {
    local c="console=ttyS0 panic=-1 quiet loglevel=4 rdinit=/init"
    [[ $LSM == default ]] || c+=" lsm=$LSM"
    echo "$c"
}

# Sets QEMU to the qemu-system-x86_64 command line: the accelerator in
# $ACCEL, the kernel and initrd, the console to a file, then the rest.
qemu_cmd() {
    local kernel=$1 initrd=$2 console=$3; shift 3
    QEMU=(qemu-system-x86_64 -nodefaults -display none -monitor none -no-reboot -accel "$ACCEL"
          -m 1G -smp 1 -kernel "$kernel" -initrd "$initrd" -append "$(kernel_cmdline)"
          -serial "file:$console" "$@")
}

# A guest that only says it is up and powers off: busybox as /init.
make_probe_initramfs() {
    local d=$1
    mkdir -p "$d/root"
    install -m 0755 "$(command -v busybox)" "$d/root/busybox"
    printf '#!/busybox sh\n/busybox echo @@TRACEE-QEMU-KVM-OK@@\n/busybox poweroff -f\n' >"$d/root/init"
    chmod 0755 "$d/root/init"
    make_initramfs "$d/root" "$d/initrd.gz"
}

# Boots the probe guest with KVM; prints "kvm WHY" when it came up and
# powered off, else "tcg WHY". On some machines (nested virtualisation) a
# KVM guest stops at an internal error or never gets anywhere, and qemu
# does not exit: the probe gives up at the first such line or after
# KVM_PROBE_SECONDS, whichever comes first.
probe_kvm() {
    local kernel=$1 d=$2 pid start waited=0 rc
    make_probe_initramfs "$d"
    : >"$d/console"
    start=$SECONDS
    ACCEL=kvm qemu_cmd "$kernel" "$d/initrd.gz" "$d/console"
    "${QEMU[@]}" </dev/null >"$d/qemu.log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if grep -q 'KVM internal error\|emulation failure' "$d/qemu.log" ||
            ((waited >= KVM_PROBE_SECONDS * 2)); then
            kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
            if grep -q 'KVM internal error' "$d/qemu.log"; then
                echo "tcg a KVM guest stops at \"$(grep -m1 'KVM internal error' "$d/qemu.log")\""
            else
                echo "tcg a KVM guest did not boot in ${KVM_PROBE_SECONDS}s"
            fi
            return 0
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    rc=0; wait "$pid" || rc=$?
    if ((rc == 0)) && grep -q '@@TRACEE-QEMU-KVM-OK@@' "$d/console"; then
        echo "kvm a probe guest booted with it in $((SECONDS - start))s"
    else
        echo "tcg a KVM guest failed (qemu exit $rc: $(grep -m1 . "$d/qemu.log" || echo no message))"
    fi
}

# Sets ACCEL to kvm or tcg and says which and why on stderr. The probe's
# verdict is kept per release until the host reboots ($CACHE/kvm/<release>
# holds the boot id it was made in).
choose_accel() {
    local kernel=$1 rel=$2 w=$3 f boot_id id verdict why
    case ${TRACEE_QEMU_ACCEL:-} in
    kvm|tcg) ACCEL=$TRACEE_QEMU_ACCEL; say "accelerator $ACCEL (TRACEE_QEMU_ACCEL)"; return 0 ;;
    '') ;;
    *) die "TRACEE_QEMU_ACCEL=$TRACEE_QEMU_ACCEL: want kvm or tcg (or unset: probe KVM)" ;;
    esac
    if [[ ! -w /dev/kvm ]]; then
        ACCEL=tcg; say "accelerator tcg (software emulation): no writable /dev/kvm"; return 0
    fi
    boot_id=$(cat /proc/sys/kernel/random/boot_id)
    f=$CACHE/kvm/$rel
    if [[ -s $f ]] && read -r id verdict why <"$f" && [[ $id == "$boot_id" ]]; then
        why="$why (the probe's verdict since this host booted, $f)"
    else
        read -r verdict why < <(probe_kvm "$kernel" "$w/kvm-probe")
        mkdir -p "$CACHE/kvm"
        echo "$boot_id $verdict $why" >"$f.new" && mv "$f.new" "$f"
    fi
    ACCEL=$verdict
    if [[ $ACCEL == kvm ]]; then
        say "accelerator kvm: $why"
    else
        say "accelerator tcg (software emulation): $why"
    fi
}

boot() {
    local kernel=$1 initrd=$2 w=$3
    : >"$w/console"; : >"$w/serial.tar"
    # the guest's tar archive; sparse, the guest's RAM bounds it anyway
    truncate -s 1G "$w/disk.img"
    qemu_cmd "$kernel" "$initrd" "$w/console" \
        -serial "file:$w/serial.tar" -drive "file=$w/disk.img,format=raw,if=virtio"
    timeout --foreground -k 5 "$TIMEOUT" "${QEMU[@]}" </dev/null >"$w/qemu.log" 2>&1
}

# Unpacks the guest's archive into $w/result; false when none arrived.
take_result() {
    local w=$1 via
    via=$(sed -n 's/.*@@TRACEE-QEMU-DONE \([a-z]*\)@@.*/\1/p' "$w/console" | tail -1)
    [[ -n $via ]] || return 1
    mkdir -p "$w/result"
    if [[ $via == disk ]]; then
        tar -C "$w/result" -xf "$w/disk.img"
    else
        tar -C "$w/result" -xf "$w/serial.tar"
    fi
}

report() {
    local w=$1 qemu_rc=$2 rc
    ((SHOW_CONSOLE)) && { echo "--- guest console ---"; cat "$w/console"; } >&2
    if ! take_result "$w" || [[ ! -s $w/result/rc ]]; then
        if ((qemu_rc == 124)); then
            echo "tracee-qemu: the guest did not finish in ${TIMEOUT}s; its console ends:" >&2
        else
            echo "tracee-qemu: the guest stopped without a result (qemu exit $qemu_rc); its console ends:" >&2
        fi
        tail -n 30 "$w/console" "$w/qemu.log" >&2
        return 124
    fi
    cat "$w/result/stdout"
    cat "$w/result/stderr" >&2
    if [[ -n $OUT ]]; then
        mkdir -p "$OUT"
        cp -a "$w/result/out/." "$OUT/"
    fi
    rc=$(cat "$w/result/rc")
    return "$rc"
}

main() {
    local rel hdr root obj start qemu_rc=0 rc=0
    parse_args "$@"
    [[ $(id -u) == 0 ]] || die "needs root (the package cache $CACHE)"
    need_tools
    rel=$(fetch_kernel)
    root=$CACHE/$rel/root
    hdr=$root/usr/src/linux-headers-$rel
    if ((INFO_ONLY)); then
        echo "release $rel"; echo "kernel $root/boot/vmlinuz-$rel"; echo "headers $hdr"
        return 0
    fi
    WD=$(mktemp -d /tmp/tracee-qemu.XXXXXX)
    trap 'rm -rf "$WD"' EXIT
    local w=$WD
    if [[ -n $OBJECT ]]; then
        obj=$OBJECT
    else
        obj=$(build_object "$rel" "$hdr" "$w/obj")
    fi
    make_root "$w/root" "$obj" "$root/lib/modules/$rel"
    make_initramfs "$w/root" "$w/initrd.gz"
    choose_accel "$root/boot/vmlinuz-$rel" "$rel" "$w"
    start=$SECONDS
    boot "$root/boot/vmlinuz-$rel" "$w/initrd.gz" "$w" || qemu_rc=$?
    say "$rel ($(kernel_cmdline | grep -o 'lsm=[^ ]*' || echo "its built-in LSM list")) under $ACCEL: the guest ran $((SECONDS - start))s"
    report "$w" "$qemu_rc" || rc=$?
    if [[ -n $KEEP ]]; then
        mkdir -p "$KEEP" && cp -a "$w"/. "$KEEP"/
    fi
    return "$rc"
}

main "$@"
