#!/usr/bin/env bash
# test_deb.sh - the Debian package (`make deb`, docker/deb.sh): lintian finds
# nothing it does not have an override with a reason for; its dependencies
# are the libraries tracee links (LLVM only recommended, for the plugin); the
# man page renders cleanly and documents every flag of --help; the systemd
# unit verifies and its capability set is enough to trace; the installed
# layout finds its plugin in /usr/lib/tracee. Then, in a bare Debian
# container (the Docker test's debootstrap base), `apt-get install
# ./tracee_*.deb` without Recommends gives a tracee that lists events and
# says why it cannot build, and with Recommends one that builds the object.
source "$(dirname "$0")/lib.sh"
need_root
SRC=${TRACEE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
DIST=$(dirname "$TRACEE")
RUNNING_IMAGES=()
cleanup() {
    local i
    for i in "${RUNNING_IMAGES[@]}"; do docker rmi -f "$i" >/dev/null 2>&1; done
    rm -rf "$WORK"
}
trap cleanup EXIT

deb=$(DIST_DIR="$DIST" bash "$SRC/docker/deb.sh" 2>"$WORK/deb.err")
check "make deb: dist/tracee_<version>_<arch>.deb" bash -c \
    "[[ '$deb' == '$DIST/tracee_$("$TRACEE" --version | awk '{print $2}')_$(dpkg --print-architecture).deb' && -s '$deb' ]]"
[[ -s $deb ]] || { cat "$WORK/deb.err"; finish; exit; }
field() { dpkg-deb -f "$deb" "$1"; }

# ---- lintian ---------------------------------------------------------------
if command -v lintian >/dev/null; then
    lintian --pedantic -I --show-overrides "$deb" >"$WORK/lintian.txt" 2>&1
    echo "     lintian: $(grep -c '^O:' "$WORK/lintian.txt") overridden, $(grep -Ec '^[EWIPX]:' "$WORK/lintian.txt") other tags" >&2
    check "lintian (pedantic): no tag without an override" absent '^[EWIPX]:' "$WORK/lintian.txt"
    check "lintian: each override carries a reason" bash -c \
        "awk '/^#/ { c = 1; next } /^tracee:/ { if (!c) exit 1; next } /^\$/ { c = 0 }' '$SRC/docker/deb/lintian-overrides'"
else
    echo "skip: lintian not installed (./setup.sh test installs it)"
fi

# ---- dependencies ------------------------------------------------------------
for lib in libbpf1 libelf1 libmicrohttpd12 libcurl4 libc6; do
    check "Depends: $lib (tracee links it)" bash -c "dpkg-deb -f '$deb' Depends | grep -q '\\b$lib\\b'"
done
check "Depends: no LLVM or clang" bash -c "! dpkg-deb -f '$deb' Depends | grep -Eq 'llvm|clang'"
check "Recommends: libclang-cpp19 and libllvm19 (the plugin's)" bash -c \
    "dpkg-deb -f '$deb' Recommends | grep -q libclang-cpp19 && dpkg-deb -f '$deb' Recommends | grep -q libllvm19"
check "conffiles: /etc/default/tracee" bash -c "dpkg-deb -I '$deb' conffiles | grep -qx /etc/default/tracee"

# ---- contents -----------------------------------------------------------------
ROOT="$WORK/root"
dpkg-deb -x "$deb" "$ROOT"
for f in usr/bin/tracee usr/lib/tracee/tracee-build.so usr/share/man/man1/tracee.1.gz \
         usr/share/bash-completion/completions/tracee lib/systemd/system/tracee.service \
         etc/default/tracee etc/logrotate.d/tracee usr/share/doc/tracee/copyright; do
    check "contains /$f" test -s "$ROOT/$f"
done
check "the plugin has no RUNPATH" bash -c "! readelf -d '$ROOT/usr/lib/tracee/tracee-build.so' | grep -q 'RUNPATH\|RPATH'"

# ---- the man page is --help -----------------------------------------------------
if command -v man >/dev/null; then
    MANWIDTH=200 man --warnings -E UTF-8 -l "$ROOT/usr/share/man/man1/tracee.1.gz" >"$WORK/man.txt" 2>"$WORK/man.err"
    check "man page renders without warnings" test ! -s "$WORK/man.err"
    "$TRACEE" --help | grep -Eo -- '--[a-z][a-z-]+' | sort -u >"$WORK/help.flags"
    missing=$(while read -r f; do grep -q -- "$f" "$WORK/man.txt" || echo "$f"; done <"$WORK/help.flags")
    check "man page documents every flag of --help ($(wc -l <"$WORK/help.flags"))" test -z "$missing"
    [[ -n $missing ]] && echo "     missing: $missing" >&2
fi
check "completion completes flags and events" bash -c \
    "source '$ROOT/usr/share/bash-completion/completions/tracee'
     COMP_WORDS=(tracee --metr); COMP_CWORD=1; _tracee; [[ \${COMPREPLY[*]} == --metrics ]] || exit 1
     COMP_WORDS=(tracee -e read,opena); COMP_CWORD=2; _tracee; [[ \" \${COMPREPLY[*]} \" == *' read,openat '* ]]"

# ---- the systemd unit ----------------------------------------------------------------
UNIT="$ROOT/lib/systemd/system/tracee.service"
if command -v systemd-analyze >/dev/null; then
    # tracee itself is not installed on this host: that one complaint is expected
    systemd-analyze verify --man=no "$UNIT" 2>&1 | grep -v 'Command /usr/bin/tracee is not executable' >"$WORK/verify.txt"
    check "systemd-analyze verify: nothing else to say" test ! -s "$WORK/verify.txt"
    cat "$WORK/verify.txt" >&2
fi
check "unit: restarts on failure" grep -qx 'Restart=on-failure' "$UNIT"
check "unit: object cache in /var/cache/tracee, output in /var/lib/tracee" bash -c \
    "grep -q -- '--install-path /var/cache/tracee --output-path /var/lib/tracee/out' '$UNIT' &&
     grep -qx CacheDirectory=tracee '$UNIT' && grep -qx StateDirectory=tracee '$UNIT'"
check "unit: no CAP_SYS_ADMIN" bash -c "! grep '^CapabilityBoundingSet=' '$UNIT' | grep -q SYS_ADMIN"
# The unit's capability set, nothing more (what systemd leaves root), traces.
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
setpriv --bounding-set="-all,$caps" -- "$ROOT/usr/bin/tracee" --install-path "$INSTALL" --output-path "$OUTPUT" \
    -o "json:$WORK/caps.json" -e openat -- cat /etc/hostname >/dev/null 2>"$WORK/caps.err"
rc=$?
check "the unit's capabilities ($caps) are enough to trace" bash -c \
    "test $rc = 0 && jq -e -s 'any(.eventName == \"openat\" and (.args[] | select(.name == \"pathname\") | .value) == \"/etc/hostname\")' '$WORK/caps.json'"
setpriv --bounding-set="-all,+bpf" -- "$ROOT/usr/bin/tracee" --install-path "$INSTALL" --output-path "$OUTPUT" \
    -e openat -- true >/dev/null 2>"$WORK/nocaps.err"
check "fewer (CAP_BPF alone): refused with one line saying what is needed" bash -c \
    "test \$(wc -l <'$WORK/nocaps.err') = 1 && grep -q 'tracing needs CAP_BPF and CAP_PERFMON' '$WORK/nocaps.err'"

# ---- the installed layout finds its plugin ---------------------------------------------
"$ROOT/usr/bin/tracee" --build-only --build-policy always --install-path "$WORK/built" --debug \
    >"$WORK/layout.out" 2>"$WORK/layout.err"
check "/usr/bin/tracee uses /usr/lib/tracee/tracee-build.so" grep -q "using build plugin $ROOT/usr/lib/tracee/tracee-build.so" "$WORK/layout.err"
check "... and builds the object" bash -c "test -s \"\$(cat '$WORK/layout.out')\""

# ---- bare Debian: apt-get install ./tracee_*.deb ------------------------------------------
if ! command -v docker >/dev/null && ! "$SRC/setup.sh" test >/dev/null; then
    echo "skip: no Docker engine"; finish; exit
fi
. "$SRC/test/docker/engine.sh"
[[ -n ${DOCKER_BASE_IMAGE:-} ]] || { bad "a Docker engine and the base image"; finish; exit; }
ctx="$WORK/ctx"; mkdir -p "$ctx"; cp "$deb" "$ctx/"
name=$(basename "$deb")
# install_image TAG APT_FLAGS: the base image with the package installed by apt
install_image() {
    printf 'FROM %s\nWORKDIR /tmp\nCOPY %s ./\nRUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq %s ./%s >/dev/null && rm -rf /var/lib/apt/lists/*\n' \
        "$DOCKER_BASE_IMAGE" "$name" "$2" "$name" >"$ctx/Dockerfile"
    RUNNING_IMAGES+=("$1")
    docker build -q --network host -t "$1" "$ctx" >"$WORK/build-$1.log" 2>&1 || { tail -5 "$WORK/build-$1.log" >&2; return 1; }
}
drun() { docker run --rm --network none "$@"; }

SLIMI=tracee-test-deb:slim-$$
check "bare Debian: apt-get install --no-install-recommends ./$name" install_image "$SLIMI" --no-install-recommends
drun "$SLIMI" tracee --list >"$WORK/slim.list" 2>&1
check "bare Debian (no Recommends): tracee --list runs" bash -c \
    "grep -q '^System Calls:' '$WORK/slim.list' && grep -qE '^  openat +\\[' '$WORK/slim.list'"
check "bare Debian (no Recommends): no LLVM installed" bash -c "! docker run --rm --network none '$SLIMI' sh -c 'ls /usr/lib/x86_64-linux-gnu/libLLVM*' 2>/dev/null"
drun "$SLIMI" tracee --build-only --install-path /tmp/obj >"$WORK/slim.build" 2>&1; rc=$?
check "bare Debian (no Recommends): --build-only fails, saying why" bash -c \
    "test $rc != 0 && grep -q 'cannot load build plugin /usr/lib/tracee/tracee-build.so' '$WORK/slim.build'"
check "bare Debian: the man page and completion are installed" bash -c \
    "docker run --rm --network none '$SLIMI' sh -c 'test -s /usr/share/man/man1/tracee.1.gz && test -s /usr/share/bash-completion/completions/tracee'"

FULLI=tracee-test-deb:full-$$
check "bare Debian: apt-get install ./$name (with Recommends)" install_image "$FULLI" ""
drun "$FULLI" sh -c 'tracee --build-only --install-path /tmp/obj && head -c 4 /tmp/obj/tracee.bpf.*.o | od -An -c' \
    >"$WORK/full.build" 2>&1; rc=$?
check "bare Debian (with Recommends): tracee --build-only builds the object" bash -c \
    "test $rc = 0 && grep -q '^/tmp/obj/tracee.bpf\\..*\\.o$' '$WORK/full.build' && grep -q '177   E   L   F' '$WORK/full.build'"
[[ $rc == 0 ]] || sed 's/^/    /' "$WORK/full.build" >&2
finish
