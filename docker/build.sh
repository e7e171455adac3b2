#!/usr/bin/env bash
# build.sh - build one of tracee's images: what `make docker`, `make docker-slim`
# and `make ... DOCKER=1` run. The build context is a small directory holding
# only what the Dockerfile copies, not the source tree and its build dirs.
#   docker/build.sh full    [TAG]   docker/Dockerfile       (default tag tracee:latest)
#   docker/build.sh slim    [TAG]   docker/Dockerfile.slim  (default tag tracee:slim)
#   docker/build.sh builder [TAG]   docker/Dockerfile.builder (default tag tracee-builder:latest)
# Environment: DIST_DIR (where tracee and tracee-build.so are; default dist/),
# BASE_IMAGE (the Debian image to build on; default: the one
# test/docker/engine.sh makes, which also starts an engine if none answers).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
kind=${1:-}
dist=${DIST_DIR:-$src/dist}

case $kind in
full)    file=Dockerfile;         tag=${2:-tracee:latest}; files=("$dist/tracee" "$dist/tracee-build.so") ;;
slim)    file=Dockerfile.slim;    tag=${2:-tracee:slim};   files=("$dist/tracee") ;;
builder) file=Dockerfile.builder; tag=${2:-tracee-builder:latest}; files=("$src/setup.sh") ;;
*) echo "usage: docker/build.sh full|slim|builder [TAG]" >&2; exit 2 ;;
esac
[[ $kind == builder ]] || files+=("$here/entrypoint.sh")

for f in "${files[@]}"; do
	[[ -f $f ]] || { echo "tracee: $f not found: run \`make build\` (or \`make build DOCKER=1\`) first" >&2; exit 1; }
done

base=${BASE_IMAGE:-$("$src/test/docker/engine.sh")}
ctx=$(mktemp -d /tmp/tracee-docker-ctx.XXXXXX)
trap 'rm -rf "$ctx"' EXIT
cp "${files[@]}" "$here/$file" "$ctx/"
# Nothing can be pulled; the network is only for apt inside the build.
docker build -q --network host --build-arg BASE="$base" -f "$ctx/$file" -t "$tag" "$ctx" >&2
echo "$tag"
