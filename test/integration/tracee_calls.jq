# tracee_calls.jq - used by test_strace.sh: the syscall events of process $pid
# (tracee -o json, slurped), from its first chdir($dir) on, in the form of
# strace_calls.awk: name|return|path|FLAG FLAG ... (an exec is one line, as
# strace shows it). $errnos maps "N" to the errno name of -N.
def flags: [.args[] | select((.type | test("char\\*") | not) and (.value | type) == "string")
             | .value | [scan("[A-Z][A-Z0-9_]+")] | .[]] | sort | join(" ");
def path: [.args[] | select(.type == "const char*") | .value][0] // "" | gsub("\\|"; "%7C");
def ret: if .returnValue < 0 and .returnValue >= -4095 then $errnos[(-.returnValue | tostring)]
         else .returnValue | tostring end;
[.[] | select(.hostProcessId == $pid and .eventId != null and (.eventId | tonumber) < 1000)] as $all
| ($all | map(.eventName == "chdir" and .args[0].value == $dir) | index(true)) as $start
| $all[$start:] as $ev
| $ev[]
| "\(.eventName)|\(ret)|\(path)|\(flags)"
