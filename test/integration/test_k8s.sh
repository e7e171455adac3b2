#!/usr/bin/env bash
# test_k8s.sh - the Kubernetes DaemonSet (docker/tracee-daemonset.yaml),
# without a cluster (none runs on these machines): the manifest validates
# against the Kubernetes API schema offline (npm's kubernetes-models and
# js-yaml, installed under this test's temp dir); the fields operators rely
# on are asserted; its image and args are the ones the full image's
# entrypoint takes; and the same container - args, host mounts,
# capabilities, seccomp, host pid namespace - runs in Docker, where its
# /healthz answers, its /metrics counts, and the events of a command started
# in another container reach its stdout.
source "$(dirname "$0")/lib.sh"
need_root
SRC=${TRACEE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
DIST=$(dirname "$TRACEE")
MANIFEST="$SRC/docker/tracee-daemonset.yaml"
NAME=tracee-test-k8s-$$
IMAGE=tracee-test:k8s-$$
cleanup() {
    docker rm -f "$NAME" >/dev/null 2>&1
    docker rmi -f "$IMAGE" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

# ---- schema validation, offline ------------------------------------------------
NPMDIR="$WORK/npm"
mkdir -p "$NPMDIR"
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "skip: schema validation needs node and npm (./setup.sh test installs them)"
    finish; exit
fi
(cd "$NPMDIR" && timeout 300 npm install --no-audit --no-fund --silent kubernetes-models@5 js-yaml@4 \
    >"$WORK/npm.log" 2>&1)
check "npm install kubernetes-models js-yaml" test -d "$NPMDIR/node_modules/kubernetes-models"
cp "$SRC/test/integration/k8s_validate.mjs" "$NPMDIR/"
validate() { (cd "$NPMDIR" && node k8s_validate.mjs "$1"); }
validate "$MANIFEST" >"$WORK/docs.json" 2>"$WORK/validate.err"
check "the manifest validates against the Kubernetes schema" test -s "$WORK/docs.json"
cat "$WORK/validate.err" >&2
# the validator is not a rubber stamp: a wrongly typed field is refused
sed 's/hostPID: true/hostPID: "yes"/' "$MANIFEST" >"$WORK/bad.yaml"
validate "$WORK/bad.yaml" >/dev/null 2>"$WORK/bad.err"
check "the validator refuses hostPID: \"yes\"" grep -q 'hostPID must be boolean' "$WORK/bad.err"
sed 's/containerPort: 3366/containerPort: "3366"/' "$MANIFEST" >"$WORK/bad2.yaml"
validate "$WORK/bad2.yaml" >/dev/null 2>"$WORK/bad2.err"
check "the validator refuses a string containerPort" grep -q 'containerPort must be integer' "$WORK/bad2.err"

# ---- the fields ---------------------------------------------------------------------
ds() { jq -e "(.[] | select(.kind == \"DaemonSet\")) | $1" "$WORK/docs.json" >/dev/null; }
pod='.spec.template.spec'
ctr="$pod.containers[0]"
check "kind DaemonSet, apps/v1" ds '.apiVersion == "apps/v1"'
check "hostPID" ds "$pod.hostPID == true"
check "not privileged, no privilege escalation" ds "$ctr.securityContext.privileged == false and $ctr.securityContext.allowPrivilegeEscalation == false"
check "capabilities: all dropped, three added (SYS_ADMIN, SYS_PTRACE, DAC_READ_SEARCH)" ds \
    "($ctr.securityContext.capabilities | .drop == [\"ALL\"] and (.add | sort) == [\"DAC_READ_SEARCH\", \"SYS_ADMIN\", \"SYS_PTRACE\"])"
check "seccomp: Unconfined (bpf and perf_event_open)" ds "$ctr.securityContext.seccompProfile.type == \"Unconfined\""
for m in /sys/kernel/tracing /sys/fs/bpf /sys/kernel/btf /lib/modules /usr/src; do
    check "read-only hostPath mount $m" ds \
        "([$ctr.volumeMounts[] | select(.mountPath == \"$m\" and .readOnly == true)] | length == 1) and
         ([$pod.volumes[] | select(.hostPath.path == \"$m\")] | length == 1)"
done
check "object cache on a hostPath, the install path" ds \
    "([$pod.volumes[] | select(.name == \"cache\" and .hostPath.path == \"/var/cache/tracee\")] | length == 1) and
     ([$ctr.volumeMounts[] | select(.name == \"cache\" and .mountPath == \"/var/cache/tracee\")] | length == 1) and
     (($ctr.args | index(\"--install-path\") as \$i | .[\$i + 1]) == \"/var/cache/tracee\")"
for p in livenessProbe readinessProbe startupProbe; do
    check "$p on /healthz, the metrics port" ds "$ctr.$p.httpGet.path == \"/healthz\" and $ctr.$p.httpGet.port == \"metrics\""
done
check "metrics port 3366" ds "$ctr.ports[0].name == \"metrics\" and $ctr.ports[0].containerPort == 3366"
check "Prometheus scrape annotations" ds \
    '.spec.template.metadata.annotations | ."prometheus.io/scrape" == "true" and ."prometheus.io/port" == "3366" and ."prometheus.io/path" == "/metrics"'
check "memory request and limit set" ds "$ctr.resources.requests.memory and $ctr.resources.limits.memory"
check "output: JSON on stdout (no file)" ds "$ctr.args | index(\"--output\") as \$i | .[\$i + 1] == \"json\""
check "metrics served on :3366" ds "$ctr.args | index(\"--metrics\") and (index(\"--listen-addr\") as \$i | .[\$i + 1] == \":3366\")"

# ---- image and args against the image's entrypoint ------------------------------------
mapfile -t ARGS < <(jq -r ".[] | select(.kind == \"DaemonSet\") | $ctr.args[]" "$WORK/docs.json")
check "image is the one make docker builds ($(sed -n 's/^DOCKER_IMAGE ?= //p' "$SRC/Makefile"))" ds \
    "$ctr.image == \"$(sed -n 's/^DOCKER_IMAGE ?= //p' "$SRC/Makefile")\""
check "no command: the image's ENTRYPOINT runs" ds "$ctr.command == null"
check "the image's entrypoint passes its args to tracee" grep -q 'exec /tracee/tracee "\$@"' "$SRC/docker/entrypoint.sh"
check "tracee takes every arg (parsed, object found, no tracing)" \
    "$TRACEE" "${ARGS[@]}" --install-path "$INSTALL" --build-only

# ---- the same container in Docker ------------------------------------------------------
. "$SRC/test/docker/engine.sh"
[[ -n ${DOCKER_BASE_IMAGE:-} ]] || { bad "a Docker engine and the base image"; finish; exit; }
check "the full image builds (docker/build.sh full)" bash -c \
    "BASE_IMAGE='$DOCKER_BASE_IMAGE' DIST_DIR='$DIST' '$SRC/docker/build.sh' full '$IMAGE' >'$WORK/image.log' 2>&1"
# docker run flags from the manifest: capabilities, seccomp, host pid, mounts
DFLAGS=(--pid=host --network none --cap-drop ALL --security-opt seccomp=unconfined --security-opt no-new-privileges)
for c in $(jq -r ".[] | select(.kind == \"DaemonSet\") | $ctr.securityContext.capabilities.add[]" "$WORK/docs.json"); do
    DFLAGS+=(--cap-add "$c")
done
CACHE="$WORK/node-cache"; mkdir -p "$CACHE"; chmod 0755 "$CACHE"
while read -r vname mpath ro; do
    hpath=$(jq -r ".[] | select(.kind == \"DaemonSet\") | $pod.volumes[] | select(.name == \"$vname\") | .hostPath.path" "$WORK/docs.json")
    [[ $vname == cache ]] && hpath=$CACHE        # the node's /var/cache/tracee: this test's own
    if [[ ! -e $hpath ]]; then
        echo "     this host has no $hpath: not mounted (a node would have it)" >&2
        continue
    fi
    DFLAGS+=(--mount "type=bind,source=$hpath,target=$mpath$([[ $ro == true ]] && echo ,readonly)")
done < <(jq -r ".[] | select(.kind == \"DaemonSet\") | $ctr.volumeMounts[] | \"\(.name) \(.mountPath) \(.readOnly // false)\"" "$WORK/docs.json")
echo "     docker run ${DFLAGS[*]} $IMAGE ${ARGS[*]}" >&2
docker run --name "$NAME" --rm "${DFLAGS[@]}" "$IMAGE" "${ARGS[@]}" >"$WORK/k8s.out" 2>"$WORK/k8s.err" &
DPID=$!
cpid=""
for _ in $(seq 300); do
    cpid=$(docker inspect -f '{{.State.Pid}}' "$NAME" 2>/dev/null)
    [[ -n $cpid && $cpid != 0 ]] && break
    kill -0 "$DPID" 2>/dev/null || break
    sleep 0.1
done
# what the kubelet's probes do: GET /healthz on the pod's network
probe() { [[ -n $cpid && $cpid != 0 ]] || return 1; nsenter -t "$cpid" -n curl -s -o "$WORK/probe.body" -w '%{http_code}' --max-time 5 "http://127.0.0.1:3366$1"; }
code=""
for _ in $(seq 600); do
    code=$(probe /healthz 2>/dev/null)
    [[ $code == 200 ]] && break
    kill -0 "$DPID" 2>/dev/null || break
    sleep 0.2
done
check "in Docker: /healthz 200 once attached (startup/readiness/liveness would pass)" test "$code" = 200
[[ $code == 200 ]] || sed 's/^/    /' "$WORK/k8s.err" >&2
check "in Docker: the object was built into the cache hostPath" bash -c "ls '$CACHE'/tracee.bpf.*.o"
check "in Docker: no mount was needed (tracefs from the host)" absent 'cannot mount' "$WORK/k8s.err"

# a command in another container, with a name of its own
CMD="$WORK/k8scat$$"; cp /usr/bin/cat "$CMD"; COMM=$(basename "$CMD"); COMM=${COMM:0:15}
docker run --rm --network none -v "$CMD:/$COMM:ro" "$DOCKER_BASE_IMAGE" "/$COMM" /etc/os-release >/dev/null
for _ in $(seq 300); do grep -q "\"processName\":\"$COMM\"" "$WORK/k8s.out" && break; sleep 0.1; done
check "in Docker: the other container's events on stdout, with its containerId" bash -c \
    "jq -e -s --arg c '$COMM' 'any(.processName == \$c and .eventName == \"openat\" and (.containerId | length) == 64 and
        ((.args[] | select(.name == \"pathname\") | .value) == \"/etc/os-release\"))' '$WORK/k8s.out'"
code=$(probe /metrics)
code=${code:-none}
check "in Docker: /metrics counts the events" bash -c \
    "test $code = 200 && awk '\$1 == \"tracee_ebpf_events_total\" && \$2 > 0 { f = 1 } END { exit !f }' '$WORK/probe.body'"
docker stop -t 30 "$NAME" >/dev/null; wait "$DPID"; rc=$?
check "in Docker: docker stop ends tracee with exit 0 and its counters" bash -c \
    "test $rc = 0 && grep -q '^tracee: events: [0-9]*, lost: 0, errors: 0$' '$WORK/k8s.err'"
finish
