#!/usr/bin/env bash
# test_output_file.sh - -o FORMAT:FILE writes the events to FILE, and SIGHUP
# after the file was moved (logrotate's rename + postrotate kill -HUP) makes
# tracee open FILE anew: what came before the signal is in the moved file,
# what came after it in the new one, nothing lost, nothing twice.
source "$(dirname "$0")/lib.sh"
need_root
check "object builds" prebuild

LOG="$WORK/log"
mkdir -p "$LOG"
ev="$LOG/events.json"

# The traced command rotates its own trace: it opens markers 1-100, moves
# the file away, signals tracee, waits (bounded) until tracee has made the
# file anew, then opens markers 101-200. Only openat of the markers counts.
cat >"$WORK/rotate.sh" <<SCRIPT
for i in \$(seq 1 100); do true <"$WORK/marker-\$i" 2>/dev/null; done
mv "$ev" "$ev.1"
kill -HUP "\$(cat "$OUTPUT/tracee.pid")"
for _ in \$(seq 600); do [ -e "$ev" ] && break; sleep 0.05; done
for i in \$(seq 101 200); do true <"$WORK/marker-\$i" 2>/dev/null; done
exit 0
SCRIPT

tracee -o "json:$ev" -e openat -- sh "$WORK/rotate.sh" >"$WORK/stdout" 2>"$WORK/err"
rc=$?
echo "     exit $rc, $(tail -1 "$WORK/err"), $(wc -l <"$ev.1" 2>/dev/null) + $(wc -l <"$ev" 2>/dev/null) lines" >&2

# markers FILE: the marker numbers FILE's openat events name, one a line, sorted
markers() {
    jq -r --arg d "$WORK/marker-" 'select(.eventName == "openat") | .args[]
        | select(.name == "pathname") | .value | select(startswith($d)) | ltrimstr($d)' "$1" | sort -n
}
check "exit 0" test "$rc" = 0
check "nothing on stdout" test ! -s "$WORK/stdout"
check "the file was made anew after SIGHUP" test -s "$ev"
check "the moved file holds markers 1-100, each once" cmp -s <(markers "$ev.1") <(seq 1 100)
check "the new file holds markers 101-200, each once" cmp -s <(markers "$ev") <(seq 101 200)
check "every line of both files is whole JSON" jq -e -s 'length > 0' "$ev.1" "$ev"
check "counted events are the lines of both files" test \
    "$(grep -Eo 'events: [0-9]+' "$WORK/err" | grep -Eo '[0-9]+')" = "$(cat "$ev.1" "$ev" | wc -l)"
check "the new file is not readable by others" test "$(stat -c %a "$ev")" = 640

# The table format starts the new file with its header too.
tracee -o "table:$LOG/t.txt" -e openat -- sh -c \
    "mv $LOG/t.txt $LOG/t.txt.1; kill -HUP \$(cat $OUTPUT/tracee.pid);
     for _ in \$(seq 600); do [ -e $LOG/t.txt ] && break; sleep 0.05; done; true <$WORK/after-table" 2>/dev/null
check "table: both files start with the header" bash -c \
    "head -1 '$LOG/t.txt.1' | grep -q '^TIME' && head -1 '$LOG/t.txt' | grep -q '^TIME'"
check "table: the event after SIGHUP is in the new file" grep -q "$WORK/after-table" "$LOG/t.txt"

# Bad paths: one line naming the file, non-zero exit, no trace started.
tracee -o "json:$WORK/no/such/dir/x.json" -e openat -- true >/dev/null 2>"$WORK/bad.err"
rc=$?
check "unwritable file: non-zero exit" test "$rc" != 0
check "unwritable file: one line naming it" bash -c \
    "test \$(wc -l <'$WORK/bad.err') = 1 && grep -q 'cannot open output file $WORK/no/such/dir/x.json' '$WORK/bad.err'"
ln -s /etc/hostname "$WORK/link.json"
tracee -o "json:$WORK/link.json" -e openat -- true >/dev/null 2>"$WORK/link.err"
rc=$?
check "a symlink is not followed: non-zero exit" test "$rc" != 0
check "a symlink is not followed: said so" grep -q "cannot open output file $WORK/link.json" "$WORK/link.err"

# Without a file, SIGHUP stops tracee cleanly, counters printed.
start_tracee "$WORK/hup.out" -o json -e openat
kill -HUP "$(cat "$OUTPUT/tracee.pid")"; wait "$TP"; rc=$?
check "no file: SIGHUP stops tracee with exit 0" test "$rc" = 0
check "no file: counters printed" grep -q '^tracee: events:' "$WORK/hup.out.err"
finish
