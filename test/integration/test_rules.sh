#!/usr/bin/env bash
# test_rules.sh - user rule files (--rules): the README's three examples, taken
# from the README itself, each fire on the workload that fits them and stay
# quiet otherwise; bad rule files are refused at start with FILE:LINE:COL, and
# tracee then traces nothing.
source "$(dirname "$0")/lib.sh"
need_root
check "object builds" prebuild
S="$(dirname "$TRACEE")/sigact"
README="${TRACEE_SRC:-$(dirname "$0")/../..}/README.md"
W=$WORK/r
mkdir -p "$W"

# The ```yaml blocks of the README's "## Rules" section, in order.
awk -v dir="$W" '/^## /{rules = ($0 == "## Rules")}
    rules && /^```yaml/{inb = 1; n++; next} inb && /^```/{inb = 0; next}
    inb {print > (dir "/ex" n ".yaml")}' "$README"
check "the README has three rule examples" test "$(ls "$W"/ex*.yaml | wc -l)" = 3
cat "$W"/ex*.yaml >"$W/all.yaml"
cp /bin/true "$W/curl"
cp /bin/sh "$W/vim"

tracee -o json --rules "$W/all.yaml" -- sh -c "
    echo hi >'$W/motd'                      # example 1: fires
    '$W/vim' -c \"echo again >'$W/motd'\"   # an editor: the exception
    cat '$W/motd' >/dev/null                # a read
    '$W/curl'                               # example 2: on the host, not in a container
    unshare -p -f -m --mount-proc '$W/curl' # example 2: fires
    '$S' poke                               # example 3: fires (PTRACE_ATTACH)
" >"$W/out.json" 2>"$W/out.err"
check "tracee --rules README examples exits 0" test $? = 0
jq -r '[.eventName, .metadata.Properties.signatureID, (.metadata.Properties.Severity | tostring),
        .metadata.Properties.external_id, .processName, .args[0].name,
        (.args[0].value | gsub("[0-9]+"; "N")), .args[1].value.name] | join("|")' \
    "$W/out.json" >"$W/got"
cat >"$W/want" <<WANT
motd_written|motd_written|2||sh|output|sh (pid N) opened $W/motd for writing|security_file_open
downloader_in_container|downloader_in_container|1|T1105|unshare|output|$W/curl started in a container (host pid N)|execve
ptrace_attach|LOCAL-3|3||sigact|output|sigact attached to pid N|ptrace
WANT
sed -i 's/[0-9]\+/N/g' "$W/want"; sed -i 's/[0-9]\+/N/g' "$W/got"
if diff "$W/want" "$W/got" >"$W/diff"; then
    ok "each example fired once, with its metadata and rendered output"
else
    bad "the examples' detections differ (< expected, > raised):"; cat "$W/diff"
fi
check "example 2's metadata carries its MITRE keys" jq -e -s \
    'map(select(.eventName == "downloader_in_container"))[0].metadata.Properties |
     .Technique == "Ingress Tool Transfer" and .Category == "command-and-control"' "$W/out.json"

# -e names a rule whichever flag comes first; a disabled rule is loaded, not traced
cat >"$W/two.yaml" <<'YAML'
- rule: quiet_rule
  desc: never on unless asked
  condition: evt.name = ptrace and arg.request = PTRACE_TRACEME
  output: "%proc.name asked to be traced"
  priority: 1
  enabled: false
YAML
tracee -o json -e quiet_rule --rules "$W/two.yaml" -- "$S" traceme >"$W/two.json" 2>/dev/null
check "-e before --rules selects a disabled rule" jq -e -s 'map(.eventName) == ["quiet_rule"]' "$W/two.json"
tracee -o json --rules "$W/two.yaml" -e anti_debugging -- "$S" traceme >"$W/three.json" 2>/dev/null
check "a disabled rule stays off; a built-in beside it fires" \
    jq -e -s 'map(.eventName) == ["anti_debugging"]' "$W/three.json"

# --- bad files: one line FILE:LINE:COL: message, exit 2, nothing traced ------------------
refused() {     # refused NAME 'YAML' 'EXPECTED LINE'
    printf '%s' "$2" >"$W/$1.yaml"
    tracee --rules "$W/$1.yaml" -- true >"$W/$1.out" 2>"$W/$1.err"
    local rc=$?
    if [[ $rc == 2 && ! -s $W/$1.out && "$(cat "$W/$1.err")" == "$3" ]]; then
        ok "refused: $3"
    else
        bad "$1: rc $rc, stdout $(wc -c <"$W/$1.out") bytes, stderr: $(cat "$W/$1.err") (expected: $3)"
    fi
}
refused badfield $'- rule: r\n  desc: d\n  condition: evt.name = openat and proc.nmae = x\n  output: o\n  priority: INFO\n' \
    "$W/badfield.yaml:3:36: unknown field or macro 'proc.nmae'"
refused noevents $'- rule: r\n  desc: d\n  condition: proc.name = bash\n  output: o\n  priority: INFO\n' \
    "$W/noevents.yaml:3:14: the condition does not name its events in every branch (evt.name = NAME or evt.name in (...)): it would run on every event"
refused badkey $'- rule: r\n  desc: d\n  conditon: evt.name = openat\n' \
    "$W/badkey.yaml:3:3: unknown key 'conditon' in a rule (its keys: rule, desc, condition, output, priority, tags, enabled, exceptions, id, mitre, technique, category)"
refused badflag $'- rule: r\n  desc: d\n  condition: evt.name = security_file_open and arg.flags has O_BOGUS\n  output: o\n  priority: INFO\n' \
    "$W/badflag.yaml:3:48: 'O_BOGUS' is neither a number nor a name flags takes"
refused badyaml $'- rule: r\n  desc: [unclosed\n' \
    "$W/badyaml.yaml:3:1: did not find expected ',' or ']' while parsing a flow sequence"
refused badprio $'- rule: r\n  desc: d\n  condition: evt.name = openat\n  output: o\n  priority: LOUD\n' \
    "$W/badprio.yaml:5:13: unknown priority 'LOUD' (EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL, DEBUG, or 0-3)"
refused badoutput $'- rule: r\n  desc: d\n  condition: evt.name = openat\n  output: "%proc.nam here"\n  priority: INFO\n' \
    "$W/badoutput.yaml:4:12: unknown field '%proc.nam' in output"
refused taken $'- rule: openat\n  desc: d\n  condition: evt.name = openat\n  output: o\n  priority: INFO\n' \
    "$W/taken.yaml:1:9: 'openat' is already an event or detection name"
# fields a list, comps one value (the fuzzer's heap overflow): refused
refused mixedcomps $'- rule: r\n  desc: d\n  condition: evt.name = openat\n  output: o\n  priority: INFO\n  exceptions:\n    - name: e\n      fields: [proc.name, fd.name]\n      comps: =\n      values: [[a, b]]\n' \
    "$W/mixedcomps.yaml:9:14: comps is a list exactly when fields is a list"
tracee --rules "$W/nonexistent.yaml" -- true >"$W/none.out" 2>"$W/none.err"
check "a missing file: exit 2 and one line naming it" \
    test $? = 2 -a "$(cat "$W/none.err")" = "$W/nonexistent.yaml: cannot read the rule file: No such file or directory"
finish
