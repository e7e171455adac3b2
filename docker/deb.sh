#!/usr/bin/env bash
# deb.sh - make dist/tracee_<version>_<arch>.deb from a built tree (`make deb`):
#   /usr/bin/tracee                           the tracer (Depends: the libraries it links)
#   /usr/lib/tracee/tracee-build.so           the build plugin, found from /usr/bin/tracee
#                                             (Recommends: LLVM/clang, its libraries only)
#   /usr/share/man/man1/tracee.1.gz           generated from --help (cmd/tracee/gen_docs.c)
#   /usr/share/bash-completion/completions/tracee   generated likewise
#   /lib/systemd/system/tracee.service, /etc/default/tracee, /etc/logrotate.d/tracee
# Built with dpkg-deb alone (no debhelper): dependencies come from
# dpkg-shlibdeps on the two binaries, so they name the libraries really linked.
# Environment: DIST_DIR (default dist/).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
dist=${DIST_DIR:-$src/dist}
for f in tracee tracee-build.so tracee.1 tracee.bash-completion; do
	[[ -f $dist/$f ]] || { echo "deb: $dist/$f not found: run \`make build\` first" >&2; exit 1; }
done

version=$("$dist/tracee" --version | awk '{ print $2 }')
arch=$(dpkg --print-architecture)
out="$dist/tracee_${version}_${arch}.deb"
work=$(mktemp -d /tmp/tracee-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
root="$work/root"
doc="$root/usr/share/doc/tracee"

# Reproducible: file times and the changelog date are the last commit's.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || date +%s)}

install -D -m 0755 "$dist/tracee" "$root/usr/bin/tracee"
install -D -m 0644 "$dist/tracee-build.so" "$root/usr/lib/tracee/tracee-build.so"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/tracee" \
	"$root/usr/lib/tracee/tracee-build.so"
install -d "$root/usr/share/man/man1" "$doc"
gzip -9n <"$dist/tracee.1" >"$root/usr/share/man/man1/tracee.1.gz"
install -D -m 0644 "$dist/tracee.bash-completion" "$root/usr/share/bash-completion/completions/tracee"
install -D -m 0644 "$here/deb/tracee.service" "$root/lib/systemd/system/tracee.service"
install -D -m 0644 "$here/deb/tracee.default" "$root/etc/default/tracee"
install -D -m 0644 "$here/deb/tracee.logrotate" "$root/etc/logrotate.d/tracee"
install -D -m 0644 "$here/deb/lintian-overrides" "$root/usr/share/lintian/overrides/tracee"
install -m 0644 "$here/deb/copyright" "$doc/copyright"
{
	printf 'tracee (%s) unstable; urgency=medium\n\n' "$version"
	printf '  * Built from the tracee source tree, commit %s.\n\n' \
		"$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	printf ' -- tracee maintainers <tracee@example.org>  %s\n' "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.gz"

# Depends / Recommends from the libraries each binary links.
mkdir -p "$work/src/debian"
printf 'Source: tracee\n\nPackage: tracee\nArchitecture: any\n' >"$work/src/debian/control"
shlibs() {  # FILE: its shared-library dependencies, as a Depends value
	(cd "$work/src" && dpkg-shlibdeps -O --warnings=0 "$1" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
}
depends=$(shlibs "$root/usr/bin/tracee")
recommends=$(shlibs "$root/usr/lib/tracee/tracee-build.so" |
	tr ',' '\n' | sed 's/^ *//' | grep -Ev '^(libc6|libgcc-s1|libstdc\+\+6)( |$)' | paste -sd, - | sed 's/,/, /g')
[[ -n $depends && -n $recommends ]] || { echo "deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

install -d "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: tracee
Version: $version
Architecture: $arch
Maintainer: tracee maintainers <tracee@example.org>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Recommends: $recommends
Suggests: libclang-common-19-dev
Section: admin
Priority: optional
Homepage: https://github.com/aquasecurity/tracee
Description: eBPF system and container tracer, compiled at run time
 tracee traces system calls and kernel events of processes and containers
 with eBPF, as Aqua Security's Tracee did in its runtime-compiled era: its
 eBPF program is compiled on the host at start, in-process with libclang,
 against the running kernel's types, cached in /var/cache/tracee and loaded
 with libbpf. It prints Tracee's table or JSON events, captures written and
 executed files, and serves Prometheus metrics.
 .
 Building the eBPF object needs the LLVM/clang libraries (Recommends); a
 slim install runs from a prebuilt object without them. Building from
 kernel headers rather than BTF also needs clang's builtin headers
 (libclang-common-19-dev).
CONTROL
printf '/etc/default/tracee\n/etc/logrotate.d/tracee\n' >"$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort |
	xargs md5sum) >"$root/DEBIAN/md5sums"
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
chmod -R go-w "$root"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
