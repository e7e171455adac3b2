#!/usr/bin/env bash
# test_errors.sh - bad input: one line naming the problem, non-zero exit.
source "$(dirname "$0")/lib.sh"

one_line_error() { # expected-text args...
    local want=$1; shift
    "$TRACEE" "$@" >"$WORK/out" 2>"$WORK/err"
    local rc=$?
    [[ $rc != 0 && $(wc -l <"$WORK/err") == 1 ]] && grep -qF -- "$want" "$WORK/err" && [[ ! -s $WORK/out ]]
}
check "unknown flag" one_line_error "--bogus" --bogus
check "unknown short flag" one_line_error "-x" -x
check "unknown event" one_line_error "nosuchevent" -e openat,nosuchevent
check "unknown output format" one_line_error "xml" -o xml
check "unknown build policy" one_line_error "sometimes" --build-policy sometimes
check "unknown trace mode" one_line_error "process:sometimes" -t process:sometimes
check "missing flag value" one_line_error "--output" --output
check "--trace with -- COMMAND: refused, never overridden" \
    one_line_error "--trace and -- COMMAND do not combine" -t container:new -- true
check "-t process:all with -- COMMAND: refused too" \
    one_line_error "--trace and -- COMMAND do not combine" -t process:all -e openat -- true
check "--help exits 0" "$TRACEE" --help
check "--version" bash -c "'$TRACEE' --version | grep -Eq '^tracee [0-9]+\.[0-9]+\.[0-9]+$'"
finish
