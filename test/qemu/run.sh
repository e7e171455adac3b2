#!/usr/bin/env bash
# run.sh - tracee on a second kernel: Debian's 6.1 cloud kernel under QEMU.
#
# Fetches the kernel image and its headers with apt (whatever 6.1 cloud
# kernel the archive's linux-image-cloud-amd64 names), builds the eBPF object
# on the host from those headers (what `make bpf KERN_RELEASE=<rel>
# KERN_HEADERS=<dir>` does), packs tracee, its libraries, busybox and the
# object into an initramfs, boots it with software emulation and runs tracee
# there with --build-policy never (the slim image's path).
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
# Environment: TRACEE_QEMU_CACHE (default /var/cache/tracee-qemu) holds the
# downloaded packages and their unpacked trees; TRACEE_QEMU_REFRESH=1 asks
# apt again which kernel is current. Needs root (apt-get download into the
# cache), qemu-system-x86_64, cpio and busybox-static (./setup.sh test).
set -euo pipefail
shopt -s inherit_errexit

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${TRACEE_QEMU_CACHE:-/var/cache/tracee-qemu}
TRACEE_BIN=${TRACEE:-$SRC_ROOT/dist/tracee}
TIMEOUT=300
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
# The kernel command line. bpf is in the cloud kernel's default LSM list too;
# naming it keeps BPF LSM on whatever the default becomes.
APPEND="console=ttyS0 lsm=lockdown,capability,landlock,yama,apparmor,bpf panic=-1 quiet"
APPEND+=" loglevel=4 rdinit=/init"

die() { echo "tracee-qemu: $*" >&2; exit 2; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

parse_args() {
    while (($#)); do
        case $1 in
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
}

file_is_static() { ! ldd "$1" >/dev/null 2>&1; }

# --- the kernel and its headers --------------------------------------------

# The release (6.1.0-N-cloud-amd64) the archive's meta package names; else
# the newest 6.1 cloud image apt knows of.
current_release() {
    local rel
    rel=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
          sed -n 's/^ *Depends: linux-image-\(6\.1\.0-[0-9]*-cloud-amd64\)$/\1/p' | head -1)
    if [[ -z $rel ]]; then
        rel=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64$' 2>/dev/null |
              sed -n 's/^linux-image-\(6\.1\.0-[0-9]*-cloud-amd64\) .*/\1/p' | sort -V | tail -1)
    fi
    [[ -n $rel ]] || die "apt knows no linux-image-6.1.0-*-cloud-amd64: is bookworm in the apt sources? (apt-get update)"
    echo "$rel"
}

# Downloads and unpacks the image, its headers and their -common half into
# $CACHE/<release>/root, once. Prints the release.
fetch_kernel() {
    local rel abi pkgs p dir
    mkdir -p "$CACHE"
    exec 9>"$CACHE/lock"
    flock 9
    if [[ -s $CACHE/release && ${TRACEE_QEMU_REFRESH:-0} != 1 ]]; then
        rel=$(cat "$CACHE/release")
    else
        rel=$(current_release)
    fi
    dir=$CACHE/$rel
    if [[ ! -e $dir/unpacked ]]; then
        abi=${rel%-cloud-amd64}
        pkgs=(linux-image-$rel linux-headers-$rel linux-headers-$abi-common)
        rm -rf "$dir"
        mkdir -p "$dir/debs"
        echo "tracee-qemu: downloading ${pkgs[*]}" >&2
        (cd "$dir/debs" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}" >&2) ||
            die "apt-get download ${pkgs[*]} failed (apt-get update?)"
        for p in "$dir"/debs/*.deb; do
            dpkg-deb -x "$p" "$dir/root" || die "dpkg-deb -x $p failed"
        done
        [[ -f $dir/root/boot/vmlinuz-$rel ]] || die "no /boot/vmlinuz-$rel in linux-image-$rel"
        touch "$dir/unpacked"
        # an older kernel's files are of no further use
        for p in "$CACHE"/*/unpacked; do
            if [[ -e $p && ${p%/unpacked} != "$dir" ]]; then rm -rf "${p%/unpacked}"; fi
        done
    fi
    echo "$rel" >"$CACHE/release"
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
hostname "$(cat /etc/hostname)"
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

boot() {
    local kernel=$1 initrd=$2 w=$3 accel=(-accel tcg)
    # software emulation here (no /dev/kvm); KVM where there is one
    [[ -w /dev/kvm ]] && accel=(-accel kvm "${accel[@]}")
    : >"$w/console"; : >"$w/serial.tar"
    # the guest's tar archive; sparse, the guest's RAM bounds it anyway
    truncate -s 1G "$w/disk.img"
    timeout --foreground -k 5 "$TIMEOUT" qemu-system-x86_64 -nodefaults -display none \
        -monitor none -no-reboot "${accel[@]}" -m 1G -smp 1 \
        -kernel "$kernel" -initrd "$initrd" -append "$APPEND" \
        -serial "file:$w/console" -serial "file:$w/serial.tar" \
        -drive "file=$w/disk.img,format=raw,if=virtio" \
        </dev/null >"$w/qemu.log" 2>&1
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
    local rel hdr root obj qemu_rc=0 rc=0
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
    boot "$root/boot/vmlinuz-$rel" "$w/initrd.gz" "$w" || qemu_rc=$?
    report "$w" "$qemu_rc" || rc=$?
    if [[ -n $KEEP ]]; then
        mkdir -p "$KEEP" && cp -a "$w"/. "$KEEP"/
    fi
    return "$rc"
}

main "$@"
