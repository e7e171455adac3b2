# strace_calls.awk - used by test_strace.sh: one line per finished syscall of
# process PID in `strace -f -o FILE` output, from the first chdir(DIR) on:
#     name|return|path|FLAG FLAG ...
# return: the number, or the errno name of a failed call (hex and octal
# returns in decimal); path: the first string argument outside a struct;
# flags: the symbolic names strace decoded outside structs and strings
# (NULL excepted), sorted. A '|' in a path is written %7C. Variables: pid, dir, and errno_file=FILE lines
# of "#define ENAME N" (the kernel's errno headers) to name negative returns.
function hex2dec(s,    v, i, c) {
	v = 0
	s = tolower(substr(s, 3))
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1
		v = v * 16 + c
	}
	return sprintf("%.0f", v)
}
function oct2dec(s,    v, i) {
	v = 0
	for (i = 2; i <= length(s); i++)
		v = v * 8 + substr(s, i, 1)
	return v
}
function norm_ret(r) {
	if (r ~ /^-1 E[A-Z0-9]+/) {
		split(r, w, " ")
		return w[2]
	}
	if (r ~ /^0x[0-9a-f]+/)
		return hex2dec(r)
	if (r ~ /^0[0-7]+$/)
		return oct2dec(r)
	sub(/ .*/, "", r)
	return r
}
function sort_words(s,    n, a, i, j, t, out) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	out = ""
	for (i = 1; i <= n; i++)
		out = out (i > 1 ? " " : "") a[i]
	return out
}
$1 != pid { next }
{
	line = substr($0, length($1) + 2)
	sub(/^ +/, "", line)            # strace pads short pids
	if (line ~ /^(---|\+\+\+)/)
		next
	# a call interrupted by another process's lines: join its two halves
	if (sub(/ *<unfinished \.\.\.>$/, "", line)) {
		pending = line
		next
	}
	if (match(line, /^<\.\.\. [a-z0-9_]+ resumed>/))
		line = pending substr(line, RLENGTH + 1)
	name = line
	sub(/\(.*/, "", name)
	args = substr(line, length(name) + 2)
	if (!match(args, / += [^=]*$/))
		next
	ret = substr(args, RSTART, RLENGTH)
	sub(/^ += /, "", ret)
	args = substr(args, 1, RSTART - 1)
	if (ret == "?")
		next
	if (!started) {
		if (name != "chdir" || args !~ ("^\"" dir "\"\\)$"))
			next
		started = 1
	}
	# strings out (kept aside, in order), then structs and comments
	n = 0
	rest = ""
	while (match(args, /"([^"\\]|\\.)*"/)) {
		str[++n] = substr(args, RSTART + 1, RLENGTH - 2)
		rest = rest substr(args, 1, RSTART - 1) "@" n "@"
		args = substr(args, RSTART + RLENGTH)
	}
	args = rest args
	while (gsub(/\{[^{}]*\}/, "", args))
		;
	gsub(/\/\*[^*]*\*\//, "", args)
	path = ""
	if (match(args, /@[0-9]+@/))
		path = str[substr(args, RSTART + 1, RLENGTH - 2) + 0]
	flags = ""
	t = args
	while (match(t, /[A-Z][A-Z0-9_]+/)) {
		tok = substr(t, RSTART, RLENGTH)
		if (tok != "NULL")
			flags = flags " " tok
		t = substr(t, RSTART + RLENGTH)
	}
	gsub(/\|/, "%7C", path)
	print name "|" norm_ret(ret) "|" path "|" sort_words(flags)
}
