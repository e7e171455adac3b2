/* gen_syscalls.c - writes lib/syscalls.c, the generated x86_64 syscall table.
 *
 * A standalone C11 program, not part of the tracee binary. Regenerate from the
 * repository root, on a machine running the kernel the table should describe
 * (tracefs mounted):
 *
 *   cc -std=c11 -Wall -Wextra -o /tmp/gen_syscalls lib/gen/gen_syscalls.c && /tmp/gen_syscalls /work/shared/reference/tracee-v0.3.1-events.tsv > lib/syscalls.c
 *
 * Usage: gen_syscalls TRACEE_V031_TSV [UNISTD_64_H [TRACEFS_DIR]]
 *   UNISTD_64_H defaults to /usr/include/x86_64-linux-gnu/asm/unistd_64.h,
 *   TRACEFS_DIR to /sys/kernel/tracing.
 *
 * Where each part of a row comes from:
 *   - numbers: the kernel ABI header (linux-libc-dev), plus extra_numbers[]
 *     below for syscalls newer than that header;
 *   - ids 0-334: name, sets and "type name" arguments exactly as Tracee v0.3.1
 *     lists them (its table is a file outside the repository, hence the
 *     argument);
 *   - every other number: argument types from the syscall's tracefs format
 *     file (the fields after __syscall_nr), argument names as the man pages
 *     spell them where they differ from the kernel's (extra_info[]), and the
 *     sets chosen in extra_info[] the way Tracee groups its syscalls;
 *   - kind (what the kernel side reads) from the type, and for a plain char*
 *     from the name: an input path or name is a string, a buffer is a pointer;
 *     socket addresses and returned fd pairs from arg_kinds[];
 *   - fmt (how a number is decoded for display) from arg_fmts[].
 * Notes (name mismatches, argument-count differences against tracefs) go to
 * stderr; any syscall the generator cannot describe is a fatal error.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define MAX_NR       1024
#define MAX_ARGS     6
#define TSV_SYSCALLS 335 /* Tracee v0.3.1: ids below this are syscall numbers */

static const char *regen_cmd =
	"cc -std=c11 -Wall -Wextra -o /tmp/gen_syscalls lib/gen/gen_syscalls.c && "
	"/tmp/gen_syscalls /work/shared/reference/tracee-v0.3.1-events.tsv > lib/syscalls.c";

/* Syscall numbers the ABI header lacks. Debian bookworm's linux-libc-dev is
 * the 6.1 one: it stops at 450 and predates the two uprobe helpers that were
 * placed in the gap after 334. Each number was checked on the 6.18
 * development machine: syscall(nr) with junk arguments fired exactly the
 * tracefs event sys_enter_<name>. map_shadow_stack (453) has no tracepoint
 * there (CONFIG_X86_USER_SHADOW_STACK is off, the number returns ENOSYS) but
 * it is part of the x86_64 ABI, so it is listed with a signature of its own
 * in extra_info[]. 470 and above returned ENOSYS with no tracepoint. */
static const struct { int nr; const char *name; } extra_numbers[] = {
	{ 335, "uretprobe" },         /* 6.11 */
	{ 336, "uprobe" },            /* 6.16 */
	{ 451, "cachestat" },         /* 6.5 */
	{ 452, "fchmodat2" },         /* 6.6 */
	{ 453, "map_shadow_stack" },  /* 6.6 */
	{ 454, "futex_wake" },        /* 6.7 */
	{ 455, "futex_wait" },
	{ 456, "futex_requeue" },
	{ 457, "statmount" },         /* 6.8 */
	{ 458, "listmount" },
	{ 459, "lsm_get_self_attr" },
	{ 460, "lsm_set_self_attr" },
	{ 461, "lsm_list_modules" },
	{ 462, "mseal" },             /* 6.10 */
	{ 463, "setxattrat" },        /* 6.13 */
	{ 464, "getxattrat" },
	{ 465, "listxattrat" },
	{ 466, "removexattrat" },
	{ 467, "open_tree_attr" },    /* 6.15 */
	{ 468, "file_getattr" },      /* 6.17 */
	{ 469, "file_setattr" },
};

/* Syscalls Tracee v0.3.1 does not list. sets: "syscalls" plus the family of
 * the older syscall each one resembles; "default" only for a direct successor
 * of a syscall that v0.3.1 traces by default (openat2 for openat, clone3 for
 * clone, move_mount for mount, pidfd_send_signal for kill, ...).
 * names: the man page's argument names, when they differ from the kernel's
 * (NULL: tracefs names kept). sig: a full "type name; ..." signature, used
 * only when the running kernel has no tracepoint for the syscall. */
struct extra_info {
	const char *name;
	const char *sets;
	const char *names[MAX_ARGS + 1];
	const char *sig;
};

static const struct extra_info extra_info[] = {
	{ "uretprobe", "syscalls", { NULL }, NULL },
	{ "uprobe", "syscalls", { NULL }, NULL },
	{ "pidfd_send_signal", "default,syscalls,signals", { NULL }, NULL },
	{ "io_uring_setup", "syscalls,fs,fs_async_io", { "entries", "p" }, NULL },
	{ "io_uring_enter", "syscalls,fs,fs_async_io",
	  { "fd", "to_submit", "min_complete", "flags", "sig", "sz" }, NULL },
	{ "io_uring_register", "syscalls,fs,fs_async_io", { NULL }, NULL },
	{ "open_tree", "syscalls,fs", { "dirfd", "path", "flags" }, NULL },
	{ "move_mount", "default,syscalls,fs",
	  { "from_dirfd", "from_path", "to_dirfd", "to_path", "flags" }, NULL },
	{ "fsopen", "syscalls,fs", { "fsname", "flags" }, NULL },
	{ "fsconfig", "syscalls,fs", { "fd", "cmd", "key", "value", "aux" }, NULL },
	{ "fsmount", "syscalls,fs", { "fsfd", "flags", "attr_flags" }, NULL },
	{ "fspick", "syscalls,fs", { "dirfd", "path", "flags" }, NULL },
	{ "pidfd_open", "syscalls,proc", { NULL }, NULL },
	{ "clone3", "default,syscalls,proc,proc_life", { "cl_args", "size" }, NULL },
	{ "close_range", "default,syscalls,fs,fs_file_ops", { "first", "last", "flags" }, NULL },
	{ "openat2", "default,syscalls,fs,fs_file_ops", { "dirfd", "pathname", "how", "size" }, NULL },
	{ "pidfd_getfd", "syscalls,proc", { "pidfd", "targetfd", "flags" }, NULL },
	{ "faccessat2", "default,syscalls,fs,fs_file_attr", { "dirfd", "pathname", "mode", "flags" }, NULL },
	{ "process_madvise", "syscalls,proc,proc_mem",
	  { "pidfd", "iovec", "vlen", "advice", "flags" }, NULL },
	{ "epoll_pwait2", "syscalls,fs,fs_mux_io", { NULL }, NULL },
	{ "mount_setattr", "syscalls,fs", { "dirfd", "path", "flags", "attr", "size" }, NULL },
	{ "quotactl_fd", "syscalls,system", { NULL }, NULL },
	{ "landlock_create_ruleset", "syscalls,proc", { NULL }, NULL },
	{ "landlock_add_rule", "syscalls,proc", { NULL }, NULL },
	{ "landlock_restrict_self", "syscalls,proc", { NULL }, NULL },
	{ "memfd_secret", "syscalls,proc,proc_mem", { NULL }, NULL },
	{ "process_mrelease", "syscalls,proc,proc_mem", { NULL }, NULL },
	{ "futex_waitv", "syscalls,ipc,ipc_futex", { NULL }, NULL },
	{ "set_mempolicy_home_node", "syscalls,system,system_numa", { NULL }, NULL },
	{ "cachestat", "syscalls,fs,fs_info", { NULL }, NULL },
	{ "fchmodat2", "default,syscalls,fs,fs_file_attr", { "dirfd", "pathname", "mode", "flags" }, NULL },
	{ "map_shadow_stack", "syscalls,proc,proc_mem", { NULL },
	  "unsigned long addr; unsigned long size; unsigned int flags" },
	{ "futex_wake", "syscalls,ipc,ipc_futex", { NULL }, NULL },
	{ "futex_wait", "syscalls,ipc,ipc_futex", { NULL }, NULL },
	{ "futex_requeue", "syscalls,ipc,ipc_futex", { NULL }, NULL },
	{ "statmount", "syscalls,fs,fs_info", { "req", "smbuf", "bufsize", "flags" }, NULL },
	{ "listmount", "syscalls,fs,fs_info", { NULL }, NULL },
	{ "lsm_get_self_attr", "syscalls,proc", { NULL }, NULL },
	{ "lsm_set_self_attr", "syscalls,proc", { NULL }, NULL },
	{ "lsm_list_modules", "syscalls,proc", { NULL }, NULL },
	{ "mseal", "syscalls,proc,proc_mem", { "addr", "len", "flags" }, NULL },
	{ "setxattrat", "syscalls,fs,fs_file_attr",
	  { "dirfd", "path", "at_flags", "name", "args", "size" }, NULL },
	{ "getxattrat", "syscalls,fs,fs_file_attr",
	  { "dirfd", "path", "at_flags", "name", "args", "size" }, NULL },
	{ "listxattrat", "syscalls,fs,fs_file_attr", { "dirfd", "path", "at_flags", "list", "size" }, NULL },
	{ "removexattrat", "syscalls,fs,fs_file_attr", { "dirfd", "path", "at_flags", "name" }, NULL },
	{ "open_tree_attr", "syscalls,fs", { "dirfd", "path", "flags", "attr", "size" }, NULL },
	{ "file_getattr", "syscalls,fs,fs_file_attr", { "dirfd", "path", "fattr", "size", "at_flags" }, NULL },
	{ "file_setattr", "syscalls,fs,fs_file_attr", { "dirfd", "path", "fattr", "size", "at_flags" }, NULL },
};

/* tracefs names its events after the kernel's entry points, which differ
 * from the syscall names for a few old syscalls. Used for the cross-check of
 * v0.3.1 rows against the running kernel. */
static const struct { const char *name, *event; } tracefs_alias[] = {
	{ "stat", "newstat" }, { "fstat", "newfstat" }, { "lstat", "newlstat" },
	{ "uname", "newuname" }, { "sendfile", "sendfile64" },
};

/* A plain (non-const) char* is read as a string only when it is an input
 * path or name; output buffers (getcwd's buf, getsockopt's optval, ...) stay
 * pointers. */
static const char *const str_names[] = {
	"pathname", "filename", "path", "name", "oldpath", "newpath", "target",
	"linkpath", "specialfile", "special", "type", "library", "new_root",
	"put_old", "source", "filesystemtype", "fsname", "key", NULL,
};

/* How an argument is decoded for display (enum arg_fmt in lib/events.h), by
 * syscall and argument name; "*" matches any syscall. The first match wins. */
static const struct { const char *syscall, *arg, *fmt; } arg_fmts[] = {
	{ "*", "dirfd", "FMT_DIRFD" }, { "*", "olddirfd", "FMT_DIRFD" },
	{ "*", "newdirfd", "FMT_DIRFD" }, { "*", "from_dirfd", "FMT_DIRFD" },
	{ "*", "to_dirfd", "FMT_DIRFD" },
	{ "open", "flags", "FMT_OPEN_FLAGS" }, { "openat", "flags", "FMT_OPEN_FLAGS" },
	{ "open", "mode", "FMT_MODE" }, { "openat", "mode", "FMT_MODE" },
	{ "creat", "mode", "FMT_MODE" }, { "mkdir", "mode", "FMT_MODE" },
	{ "mkdirat", "mode", "FMT_MODE" }, { "chmod", "mode", "FMT_MODE" },
	{ "fchmod", "mode", "FMT_MODE" }, { "fchmodat", "mode", "FMT_MODE" },
	{ "fchmodat2", "mode", "FMT_MODE" }, { "umask", "mask", "FMT_MODE" },
	{ "mknod", "mode", "FMT_MKNOD_MODE" }, { "mknodat", "mode", "FMT_MKNOD_MODE" },
	{ "pipe2", "flags", "FMT_FD_FLAGS" }, { "dup3", "flags", "FMT_FD_FLAGS" },
	{ "access", "mode", "FMT_ACCESS_MODE" }, { "faccessat", "mode", "FMT_ACCESS_MODE" },
	{ "faccessat2", "mode", "FMT_ACCESS_MODE" },
	{ "faccessat2", "flags", "FMT_ACCESS_AT_FLAGS" },
	{ "unlinkat", "flags", "FMT_AT_FLAGS" }, { "newfstatat", "flags", "FMT_AT_FLAGS" },
	{ "fchownat", "flags", "FMT_AT_FLAGS" }, { "linkat", "flags", "FMT_AT_FLAGS" },
	{ "utimensat", "flags", "FMT_AT_FLAGS" }, { "execveat", "flags", "FMT_AT_FLAGS" },
	{ "fchmodat2", "flags", "FMT_AT_FLAGS" }, { "statx", "flags", "FMT_STATX_FLAGS" },
	{ "mmap", "prot", "FMT_MMAP_PROT" }, { "mprotect", "prot", "FMT_MMAP_PROT" },
	{ "pkey_mprotect", "prot", "FMT_MMAP_PROT" }, { "mmap", "flags", "FMT_MMAP_FLAGS" },
	{ "clone", "flags", "FMT_CLONE_FLAGS" }, { "unshare", "flags", "FMT_NS_FLAGS" },
	{ "setns", "nstype", "FMT_NS_FLAGS" },
	{ "socket", "domain", "FMT_SOCK_DOMAIN" }, { "socket", "type", "FMT_SOCK_TYPE" },
	{ "socketpair", "domain", "FMT_SOCK_DOMAIN" }, { "socketpair", "type", "FMT_SOCK_TYPE" },
	{ "accept4", "flags", "FMT_SOCK_FLAGS" },
	{ "ptrace", "request", "FMT_PTRACE_REQUEST" }, { "prctl", "option", "FMT_PRCTL_OPTION" },
	{ "bpf", "cmd", "FMT_BPF_CMD" },
	{ "kill", "sig", "FMT_SIGNAL" }, { "tkill", "sig", "FMT_SIGNAL" },
	{ "tgkill", "sig", "FMT_SIGNAL" }, { "rt_sigaction", "signum", "FMT_SIGNAL" },
	{ "rt_sigqueueinfo", "sig", "FMT_SIGNAL" }, { "rt_tgsigqueueinfo", "sig", "FMT_SIGNAL" },
	{ "pidfd_send_signal", "sig", "FMT_SIGNAL" },
	{ "rt_sigprocmask", "how", "FMT_SIGPROCMASK_HOW" },
	{ "fcntl", "cmd", "FMT_FCNTL_CMD" }, { "fcntl", "arg", "FMT_FCNTL_ARG" },
	{ "socket", "protocol", "FMT_SOCK_PROTO" }, { "lseek", "whence", "FMT_SEEK_WHENCE" },
};

/* Arguments read as more than their type says: a socket address (its length
 * is the next argument) and the int pair a pipe or socketpair returns. */
static const struct { const char *syscall, *arg, *kind; } arg_kinds[] = {
	{ "connect", "addr", "ARG_SOCKADDR" }, { "bind", "addr", "ARG_SOCKADDR" },
	{ "sendto", "dest_addr", "ARG_SOCKADDR" }, { "recvfrom", "src_addr", "ARG_SOCKADDR" },
	{ "accept", "addr", "ARG_SOCKADDR" }, { "accept4", "addr", "ARG_SOCKADDR" },
	{ "getsockname", "addr", "ARG_SOCKADDR" }, { "getpeername", "addr", "ARG_SOCKADDR" },
	{ "pipe", "pipefd", "ARG_INT_PAIR" }, { "pipe2", "pipefd", "ARG_INT_PAIR" },
	{ "socketpair", "sv", "ARG_INT_PAIR" },
};

enum source { SRC_NONE = 0, SRC_TSV, SRC_TRACEFS, SRC_SIG };

struct arg {
	char type[96];
	char name[48];
};

struct row {
	bool present;
	enum source src;
	char name[48];
	char sets[128];
	int argnum;
	struct arg args[MAX_ARGS];
};

static struct row rows[MAX_NR];
static const char *tracefs_dir = "/sys/kernel/tracing";

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen_syscalls: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen_syscalls: note: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void copy(char *dst, size_t n, const char *src, size_t len)
{
	if (len >= n)
		die("string too long: %.*s", (int)len, src);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* "const char *" -> "const char*", "void *const" -> "void*const",
 * runs of blanks -> one space, a bare "unsigned" -> "unsigned int". */
static void norm_type(char *dst, size_t n, const char *src)
{
	char buf[128];
	size_t o = 0;
	for (const char *p = src; *p; p++) {
		if (isspace((unsigned char)*p)) {
			const char *q = p;
			while (isspace((unsigned char)*q))
				q++;
			if (o == 0 || *q == '\0' || *q == '*' || buf[o - 1] == '*') {
				p = q - 1;
				continue;
			}
			p = q - 1;
			if (o + 1 >= sizeof buf)
				die("type too long: %s", src);
			buf[o++] = ' ';
			continue;
		}
		if (o + 1 >= sizeof buf)
			die("type too long: %s", src);
		buf[o++] = *p;
	}
	buf[o] = '\0';
	if (strcmp(buf, "unsigned") == 0)
		strcpy(buf, "unsigned int");
	copy(dst, n, buf, strlen(buf));
}

/* "type name" -> type and name, split at the last blank or '*'. */
static void split_arg(struct arg *a, const char *decl)
{
	char tmp[160];
	copy(tmp, sizeof tmp, decl, strlen(decl));
	char *s = trim(tmp);
	size_t n = strlen(s);
	size_t i = n;
	while (i && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_'))
		i--;
	if (i == 0 || i == n)
		die("cannot split argument \"%s\"", decl);
	copy(a->name, sizeof a->name, s + i, n - i);
	s[i] = '\0';
	norm_type(a->type, sizeof a->type, s);
	if (!a->type[0])
		die("no type in argument \"%s\"", decl);
}

/* "type name; type name" -> args; returns the count. */
static int parse_sig(struct arg *args, const char *sig, const char *who)
{
	int n = 0;
	const char *p = sig;
	while (*p) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char decl[160];
		copy(decl, sizeof decl, p, len);
		char *d = trim(decl);
		if (*d) {
			if (n == MAX_ARGS)
				die("%s: more than %d arguments", who, MAX_ARGS);
			split_arg(&args[n++], d);
		}
		p = e ? e + 1 : p + len;
	}
	return n;
}

static bool name_is_str(const char *name)
{
	for (int i = 0; str_names[i]; i++)
		if (strcmp(name, str_names[i]) == 0)
			return true;
	return false;
}

static const char *kind_of(const char *type, const char *name, const char *who)
{
	static const char *const ints[] = {
		"int", "pid_t", "uid_t", "gid_t", "clockid_t", "key_t", "mqd_t",
		"key_serial_t", "timer_t", NULL,
	};
	static const char *const uints[] = {
		"unsigned int", "u32", "__u32", "mode_t", "umode_t", "qid_t", NULL,
	};
	static const char *const longs[] = { "long", "off_t", "loff_t", NULL };
	static const char *const ulongs[] = {
		"unsigned long", "size_t", "dev_t", "u64", "__u64", "aio_context_t",
		"io_context_t", NULL,
	};
	static const char *const ptr_typedefs[] = {
		"cap_user_header_t", "cap_user_data_t", NULL,
	};
	const char *t = type;
	if (strncmp(t, "const ", 6) == 0)
		t += 6;

	if (strcmp(t, "char*const*") == 0)
		return "ARG_STR_ARRAY";
	if (strcmp(t, "char*") == 0) {
		if (t != type || name_is_str(name))
			return "ARG_STR";
		return "ARG_PTR";
	}
	if (strchr(t, '*') || strchr(t, '['))
		return "ARG_PTR";
	if (strncmp(t, "struct ", 7) == 0 || strncmp(t, "union ", 6) == 0)
		return "ARG_PTR";
	if (strncmp(t, "enum ", 5) == 0)
		return "ARG_INT";
	for (int i = 0; ptr_typedefs[i]; i++)
		if (strcmp(t, ptr_typedefs[i]) == 0)
			return "ARG_PTR";
	for (int i = 0; ints[i]; i++)
		if (strcmp(t, ints[i]) == 0)
			return "ARG_INT";
	for (int i = 0; uints[i]; i++)
		if (strcmp(t, uints[i]) == 0)
			return "ARG_UINT";
	for (int i = 0; longs[i]; i++)
		if (strcmp(t, longs[i]) == 0)
			return "ARG_LONG";
	for (int i = 0; ulongs[i]; i++)
		if (strcmp(t, ulongs[i]) == 0)
			return "ARG_ULONG";
	die("%s: no kind for type \"%s\" (argument %s); add it to kind_of()", who, type, name);
	return NULL;
}

static const char *fmt_of(const char *syscall, const char *arg)
{
	for (size_t i = 0; i < sizeof arg_fmts / sizeof arg_fmts[0]; i++)
		if ((strcmp(arg_fmts[i].syscall, "*") == 0 ||
		     strcmp(arg_fmts[i].syscall, syscall) == 0) && strcmp(arg_fmts[i].arg, arg) == 0)
			return arg_fmts[i].fmt;
	return "FMT_DEFAULT";
}

/* The kind the kernel side reads: an override from arg_kinds[], else by type. */
static const char *kind_for(const char *syscall, const struct arg *a)
{
	for (size_t i = 0; i < sizeof arg_kinds / sizeof arg_kinds[0]; i++)
		if (strcmp(arg_kinds[i].syscall, syscall) == 0 &&
		    strcmp(arg_kinds[i].arg, a->name) == 0)
			return arg_kinds[i].kind;
	return kind_of(a->type, a->name, syscall);
}

/* Every row of arg_fmts[] and arg_kinds[] must name a real argument: a typo
 * would silently leave it undecoded. A sockaddr's length must follow it. */
static void check_overrides(void)
{
	for (size_t i = 0; i < sizeof arg_fmts / sizeof arg_fmts[0]; i++) {
		bool used = false;
		for (int nr = 0; nr < MAX_NR && !used; nr++) {
			const struct row *r = &rows[nr];
			if (!r->present || (strcmp(arg_fmts[i].syscall, "*") != 0 &&
					    strcmp(arg_fmts[i].syscall, r->name) != 0))
				continue;
			for (int a = 0; a < r->argnum; a++)
				used |= strcmp(r->args[a].name, arg_fmts[i].arg) == 0;
		}
		if (!used)
			die("arg_fmts[]: %s has no argument %s",
			    arg_fmts[i].syscall, arg_fmts[i].arg);
	}
	for (size_t i = 0; i < sizeof arg_kinds / sizeof arg_kinds[0]; i++) {
		bool used = false;
		for (int nr = 0; nr < MAX_NR; nr++) {
			const struct row *r = &rows[nr];
			if (!r->present || strcmp(arg_kinds[i].syscall, r->name) != 0)
				continue;
			for (int a = 0; a < r->argnum; a++) {
				if (strcmp(r->args[a].name, arg_kinds[i].arg) != 0)
					continue;
				used = true;
				if (strcmp(arg_kinds[i].kind, "ARG_SOCKADDR") == 0 &&
				    (a + 1 >= r->argnum || !strstr(r->args[a + 1].name, "len")))
					die("%s: sockaddr %s is not followed by its length",
					    r->name, r->args[a].name);
			}
		}
		if (!used)
			die("arg_kinds[]: %s has no argument %s",
			    arg_kinds[i].syscall, arg_kinds[i].arg);
	}
}

static void read_unistd(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char line[256];
	int count = 0;
	while (fgets(line, sizeof line, f)) {
		char name[64];
		int nr;
		if (sscanf(line, "#define __NR_%63s %d", name, &nr) != 2)
			continue;
		if (nr < 0 || nr >= MAX_NR)
			die("%s: __NR_%s = %d out of range", path, name, nr);
		if (rows[nr].present)
			die("%s: number %d defined twice", path, nr);
		rows[nr].present = true;
		copy(rows[nr].name, sizeof rows[nr].name, name, strlen(name));
		count++;
	}
	fclose(f);
	if (count < 300)
		die("%s: only %d syscall numbers; is this the x86_64 unistd_64.h?", path, count);
}

static void add_extra_numbers(void)
{
	for (size_t i = 0; i < sizeof extra_numbers / sizeof extra_numbers[0]; i++) {
		int nr = extra_numbers[i].nr;
		const char *name = extra_numbers[i].name;
		if (rows[nr].present) {
			if (strcmp(rows[nr].name, name) != 0)
				die("number %d is %s in the ABI header but %s in extra_numbers[]",
				    nr, rows[nr].name, name);
			continue; /* a newer header already has it */
		}
		rows[nr].present = true;
		copy(rows[nr].name, sizeof rows[nr].name, name, strlen(name));
	}
}

/* Splits a TSV line in place into up to max fields. */
static int split_tabs(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		fields[n++] = p;
		char *t = strchr(p, '\t');
		if (!t)
			break;
		*t = '\0';
		p = t + 1;
	}
	return n;
}

static int read_tsv(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char line[2048];
	int count = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || !isdigit((unsigned char)line[0]))
			continue; /* comments and the column header */
		char *fld[5];
		if (split_tabs(line, fld, 5) < 4)
			die("%s: short line for id %s", path, fld[0]);
		char *end;
		long id = strtol(fld[0], &end, 10);
		if (*end)
			die("%s: bad id \"%s\"", path, fld[0]);
		if (id >= TSV_SYSCALLS)
			continue; /* not a syscall */
		struct row *r = &rows[id];
		if (!r->present)
			die("%s: syscall %ld (%s) is not in the ABI", path, id, fld[1]);
		if (r->src != SRC_NONE)
			die("%s: id %ld listed twice", path, id);
		if (strcmp(r->name, fld[1]) != 0)
			note("%ld: ABI name %s, Tracee v0.3.1 name %s (kept)", id, r->name, fld[1]);
		copy(r->name, sizeof r->name, fld[1], strlen(fld[1]));
		copy(r->sets, sizeof r->sets, fld[2], strlen(fld[2]));
		r->argnum = parse_sig(r->args, fld[3], r->name);
		r->src = SRC_TSV;
		count++;
	}
	fclose(f);
	for (int nr = 0; nr < TSV_SYSCALLS; nr++)
		if (rows[nr].present && rows[nr].src != SRC_TSV)
			die("%s: syscall %d (%s) missing", path, nr, rows[nr].name);
	return count;
}

/* Reads the arguments of sys_enter_<event> from tracefs: the fields after
 * __syscall_nr. Returns -1 when the kernel has no such tracepoint. */
static int read_tracefs(const char *event, struct arg *args)
{
	char path[512];
	snprintf(path, sizeof path, "%s/events/syscalls/sys_enter_%s/format", tracefs_dir, event);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[512];
	bool after_nr = false;
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		char *p = strstr(line, "field:");
		if (!p)
			continue;
		p += 6;
		char *semi = strchr(p, ';');
		if (!semi)
			die("%s: bad field line", path);
		*semi = '\0';
		if (!after_nr) {
			if (strstr(p, "__syscall_nr"))
				after_nr = true;
			continue;
		}
		if (n == MAX_ARGS)
			die("%s: more than %d arguments", path, MAX_ARGS);
		split_arg(&args[n++], p);
	}
	fclose(f);
	if (!after_nr)
		die("%s: no __syscall_nr field", path);
	return n;
}

static const struct extra_info *find_extra(const char *name)
{
	for (size_t i = 0; i < sizeof extra_info / sizeof extra_info[0]; i++)
		if (strcmp(extra_info[i].name, name) == 0)
			return &extra_info[i];
	return NULL;
}

static int fill_extras(void)
{
	int count = 0;
	for (int nr = 0; nr < MAX_NR; nr++) {
		struct row *r = &rows[nr];
		if (!r->present || r->src != SRC_NONE)
			continue;
		const struct extra_info *x = find_extra(r->name);
		if (!x)
			die("syscall %d (%s): not in Tracee v0.3.1 and no entry in extra_info[]", nr, r->name);
		copy(r->sets, sizeof r->sets, x->sets, strlen(x->sets));
		int n = read_tracefs(r->name, r->args);
		if (n >= 0) {
			r->src = SRC_TRACEFS;
		} else if (x->sig) {
			n = parse_sig(r->args, x->sig, r->name);
			r->src = SRC_SIG;
			note("%d %s: no tracepoint on this kernel; signature from extra_info[]", nr, r->name);
		} else {
			die("%d %s: no %s/events/syscalls/sys_enter_%s and no fallback signature",
			    nr, r->name, tracefs_dir, r->name);
		}
		r->argnum = n;
		if (x->names[0]) {
			int m = 0;
			while (m < MAX_ARGS && x->names[m])
				m++;
			if (m != n)
				die("%d %s: extra_info[] names %d arguments, the kernel has %d", nr, r->name, m, n);
			for (int i = 0; i < n; i++)
				copy(r->args[i].name, sizeof r->args[i].name, x->names[i], strlen(x->names[i]));
		}
		count++;
	}
	for (size_t i = 0; i < sizeof extra_info / sizeof extra_info[0]; i++) {
		bool used = false;
		for (int nr = 0; nr < MAX_NR && !used; nr++)
			used = rows[nr].present && rows[nr].src >= SRC_TRACEFS &&
			       strcmp(rows[nr].name, extra_info[i].name) == 0;
		if (!used)
			note("extra_info[] entry %s matches no syscall number", extra_info[i].name);
	}
	return count;
}

/* Notes where v0.3.1's argument count differs from the running kernel's. */
static void cross_check_tsv(void)
{
	for (int nr = 0; nr < TSV_SYSCALLS; nr++) {
		struct row *r = &rows[nr];
		if (!r->present)
			continue;
		const char *event = r->name;
		for (size_t i = 0; i < sizeof tracefs_alias / sizeof tracefs_alias[0]; i++)
			if (strcmp(tracefs_alias[i].name, r->name) == 0)
				event = tracefs_alias[i].event;
		struct arg args[MAX_ARGS];
		int n = read_tracefs(event, args);
		if (n < 0)
			continue;
		if (n != r->argnum)
			note("%d %s: Tracee v0.3.1 lists %d arguments, tracefs %d (v0.3.1 kept)",
			     nr, r->name, r->argnum, n);
	}
}

static const char *src_comment(enum source s)
{
	switch (s) {
	case SRC_TSV: return "from Tracee v0.3.1's table";
	case SRC_TRACEFS: return "not in Tracee v0.3.1: types from tracefs, names from the man pages";
	case SRC_SIG: return "not in Tracee v0.3.1, no tracepoint here: signature from the generator";
	default: return "";
	}
}

/* Emitted at the syscall's entry (bpf-src/syscalls.bpf.h): an exec, whose
 * arguments a successful call replaces, and the calls that never return. */
static bool is_at_entry(const char *name)
{
	static const char *const names[] = { "execve", "execveat", "exit", "exit_group" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* Their entry comes from the syscall's own trace event (syscalls:
 * sys_enter_NAME), whose handler tests one bit for every other syscall; the
 * raw sys_enter tracepoint, which would run a program for every syscall, is
 * the fallback. An exec also takes the sched_prepare_exec tracepoint, or a
 * kprobe at the same place, where the kernel has one (bpf-src/exec.bpf.h:
 * a script's argv[0]). */
static void emit_entry_probes(const char *name)
{
	static const char *const prepare[] = { ",tracee_exec_prepare", ",tracee_exec_prepare_kprobe" };
	bool exec = strncmp(name, "execve", 6) == 0;

	printf(",\n\t  .probes = {\n");
	for (size_t i = 0; exec && i < sizeof prepare / sizeof prepare[0]; i++)
		printf("\t\t{ PROBE_TRACEPOINT, false, \"syscalls/sys_enter_%s\", \"tracee_entry_%s%s\" },\n",
		       name, name, prepare[i]);
	printf("\t\t{ PROBE_TRACEPOINT, false, \"syscalls/sys_enter_%s\", \"tracee_entry_%s\" },\n",
	       name, name);
	printf("\t\t{ PROBE_TRACEPOINT, true, \"sys_enter\", \"tracee_sys_enter\" } }");
}

/* What an exit cannot know, its entry marks on the thread (bpf-src/
 * syscalls.bpf.h), from the syscall's own trace event or, as a fallback,
 * from sys_enter: rt_sigreturn's number (its exit sees the restored
 * registers), and the size of the buffer the kernel fills with an address. */
static bool is_marked_at_entry(const char *name)
{
	static const char *const names[] = {
		"rt_sigreturn", "accept", "accept4", "getsockname", "getpeername", "recvfrom",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static void emit_mark_probes(const char *name)
{
	printf(",\n\t  .probes = {\n"
	       "\t\t{ PROBE_TRACEPOINT, false, \"syscalls/sys_enter_%s\", \"tracee_entry_%s\" },\n"
	       "\t\t{ PROBE_TRACEPOINT, true, \"sys_enter\", \"tracee_sys_enter\" } }",
	       name, name);
}

static void emit(int total, int n_tsv, int n_tracefs, int n_sig)
{
	struct utsname u;
	if (uname(&u) != 0)
		strcpy(u.release, "unknown");

	printf("/* Generated by lib/gen/gen_syscalls.c; do not edit. Regenerate: %s */\n", regen_cmd);
	printf("/* syscalls.c - the x86_64 syscall table, one row per syscall number,\n"
	       " * sorted by number: %d rows (%d from Tracee v0.3.1's table, %d from tracefs\n"
	       " * of kernel %s, %d from the generator's own signatures). */\n",
	       total, n_tsv, n_tracefs, u.release, n_sig);
	printf("#include <stdbool.h>\n#include <stddef.h>\n\n#include \"events.h\"\n\n");
	printf("const struct event_def tracee_syscall_defs[] = {\n");

	enum source last = SRC_NONE;
	for (int nr = 0; nr < MAX_NR; nr++) {
		const struct row *r = &rows[nr];
		if (!r->present)
			continue;
		if (r->src != last) {
			printf("%s\t/* %s */\n", last == SRC_NONE ? "" : "\n", src_comment(r->src));
			last = r->src;
		}
		bool at_entry = is_at_entry(r->name);
		printf("\t{ .id = %d, .name = \"%s\", .sets = \"%s\", .argnum = %d%s",
		       nr, r->name, r->sets, r->argnum, at_entry ? ", .at_entry = true" : "");
		if (at_entry)
			emit_entry_probes(r->name);
		else if (is_marked_at_entry(r->name))
			emit_mark_probes(r->name);
		if (r->argnum == 0) {
			printf(" },\n");
			continue;
		}
		printf(",\n\t  .args = {");
		for (int i = 0; i < r->argnum; i++) {
			const struct arg *a = &r->args[i];
			printf("%s\n\t\t{ \"%s\", \"%s\", %s, %s }", i ? "," : "",
			       a->type, a->name, kind_for(r->name, a), fmt_of(r->name, a->name));
		}
		printf(" } },\n");
	}
	printf("};\n\n");
	printf("const size_t tracee_syscall_defs_len = sizeof tracee_syscall_defs / sizeof tracee_syscall_defs[0];\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s TRACEE_V031_TSV [UNISTD_64_H [TRACEFS_DIR]] > lib/syscalls.c\n",
		        argv[0]);
		return 2;
	}
	const char *unistd = argc > 2 ? argv[2] : "/usr/include/x86_64-linux-gnu/asm/unistd_64.h";
	if (argc > 3)
		tracefs_dir = argv[3];

	char probe[512];
	struct stat st;
	snprintf(probe, sizeof probe, "%s/events/syscalls", tracefs_dir);
	if (stat(probe, &st) != 0 || !S_ISDIR(st.st_mode))
		die("%s: %s (mount tracefs: mount -t tracefs nodev /sys/kernel/tracing)", probe, strerror(errno));

	read_unistd(unistd);
	add_extra_numbers();
	int n_tsv = read_tsv(argv[1]);
	fill_extras();
	cross_check_tsv();
	check_overrides();

	int total = 0, n_tracefs = 0, n_sig = 0;
	for (int nr = 0; nr < MAX_NR; nr++) {
		if (!rows[nr].present)
			continue;
		total++;
		n_tracefs += rows[nr].src == SRC_TRACEFS;
		n_sig += rows[nr].src == SRC_SIG;
		/* names must be unique: the table is looked up by name too */
		for (int j = 0; j < nr; j++)
			if (rows[j].present && strcmp(rows[j].name, rows[nr].name) == 0)
				die("name %s used by %d and %d", rows[nr].name, j, nr);
	}
	emit(total, n_tsv, n_tracefs, n_sig);
	fprintf(stderr, "gen_syscalls: %d rows: %d from Tracee v0.3.1, %d from tracefs, %d from own signatures\n",
	        total, n_tsv, n_tracefs, n_sig);
	return 0;
}
