#!/bin/sh
# entrypoint.sh - start tracee in a container: mount tracefs and debugfs where
# the container has none (tracee attaches to tracepoints through them), then
# exec tracee with the container's arguments, so signals reach it directly.
set -e

mount_if_missing() {
	mountpoint -q "$2" 2>/dev/null && return 0
	mount -t "$1" nodev "$2" 2>/dev/null ||
		echo "tracee: cannot mount $1 on $2: run the container with --cap-add SYS_ADMIN" >&2
}

mount_if_missing tracefs /sys/kernel/tracing
# debugfs only where tracefs could not be had: libbpf then looks for the
# trace events under /sys/kernel/debug/tracing. A host's tracefs mounted into
# the container (the Kubernetes DaemonSet) needs no mount and no CAP_SYS_ADMIN.
[ -d /sys/kernel/tracing/events ] || mount_if_missing debugfs /sys/kernel/debug
exec /tracee/tracee "$@"
