# events_expected.jq - used by test_events.sh: pairs the calls test/workload/workload.c
# expected (--slurpfile exp DIR/expected.json) with the traced syscall events of its
# main process (--argjson pid), in order from its first call (chdir --arg dir); one
# line per expected call: "ok ..." or "bad ..." saying what differs.
def arg_ok($e; $g): $g != null and $e.name == $g.name and $e.type == $g.type
	and (($e | has("value") | not) or $e.value == $g.value);
($exp | map(.name) | unique) as $names
| [.[] | select(.hostProcessId == $pid and (.eventName as $n | $names | index($n)))] as $all
| ($all | map(.eventName == "chdir" and .args[0].value == $dir) | index(true)) as $start
| $all[$start:] as $got
| range(0; $exp | length) as $i
| $exp[$i] as $e | $got[$i] as $g
| if $g == null then "bad \($i) \($e.name): not traced"
  elif $g.eventName != $e.name then "bad \($i) \($e.name): traced \($g.eventName) instead"
  elif $g.returnValue != $e.ret then "bad \($i) \($e.name): returnValue \($g.returnValue), want \($e.ret)"
  elif $g.argsNum != ($e.args | length) or ($g.args | length) != ($e.args | length) then
	"bad \($i) \($e.name): \($g.args | length) args, want \($e.args | length)"
  elif ([range(0; $e.args | length) as $k | arg_ok($e.args[$k]; $g.args[$k])] | all | not) then
	"bad \($i) \($e.name): args \($g.args | tojson), want \($e.args | tojson)"
  else "ok \($i) \($e.name) = \($e.ret)" end
