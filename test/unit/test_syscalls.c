/* test_syscalls.c - the generated x86_64 syscall table (lib/syscalls.c):
 * its shape, and spot checks of rows from each of its sources (Tracee
 * v0.3.1's table, tracefs, numbers past the 6.1 ABI header). */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "events.h"

static const struct event_def *find(const char *name)
{
	for (size_t i = 0; i < tracee_syscall_defs_len; i++)
		if (strcmp(tracee_syscall_defs[i].name, name) == 0)
			return &tracee_syscall_defs[i];
	fprintf(stderr, "no syscall row named %s\n", name);
	return NULL;
}

/* Checks one argument of a row: type, name, kind and display format. */
static void check_argf(const struct event_def *d, int i, const char *type, const char *name,
		       int kind, int fmt)
{
	CHECK_STR(d->args[i].type, type);
	CHECK_STR(d->args[i].name, name);
	CHECK_INT(d->args[i].kind, kind);
	CHECK_INT(d->args[i].fmt, fmt);
}

static void check_arg(const struct event_def *d, int i, const char *type, const char *name,
		      int kind)
{
	check_argf(d, i, type, name, kind, FMT_DEFAULT);
}

static void test_shape(void)
{
	CHECK(tracee_syscall_defs_len > 360);
	CHECK_INT(tracee_syscall_defs[0].id, 0);
	CHECK_STR(tracee_syscall_defs[0].name, "read");

	int at_entry = 0;
	for (size_t i = 0; i < tracee_syscall_defs_len; i++) {
		const struct event_def *d = &tracee_syscall_defs[i];
		if (i > 0)
			CHECK(d->id > tracee_syscall_defs[i - 1].id);
		CHECK(d->id >= 0 && d->id < TRACEE_EVENT_BASE);
		CHECK(d->name && d->name[0]);
		CHECK(d->sets && strstr(d->sets, "syscalls") != NULL);
		CHECK(d->argnum <= 6);
		for (size_t j = 0; j < i; j++)
			if (strcmp(tracee_syscall_defs[j].name, d->name) == 0) {
				fprintf(stderr, "duplicate name %s\n", d->name);
				CHECK(0);
			}
		for (int a = 0; a < TRACEE_MAX_ARGS; a++) {
			if (a < d->argnum) {
				CHECK(d->args[a].type && d->args[a].name);
				CHECK(d->args[a].kind > ARG_NONE && d->args[a].kind < ARG_KIND_MAX);
			} else {
				CHECK(d->args[a].type == NULL && d->args[a].kind == ARG_NONE);
			}
		}
		at_entry += d->at_entry;
	}
	CHECK_INT(at_entry, 4); /* execve, execveat, exit, exit_group */
}

static void test_v031_rows(void)
{
	const struct event_def *d = find("openat");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->id, 257);
		CHECK_STR(d->sets, "default,syscalls,fs,fs_file_ops");
		CHECK_INT(d->argnum, 4);
		CHECK(!d->at_entry);
		check_argf(d, 0, "int", "dirfd", ARG_INT, FMT_DIRFD);
		check_arg(d, 1, "const char*", "pathname", ARG_STR);
		check_argf(d, 2, "int", "flags", ARG_INT, FMT_OPEN_FLAGS);
		check_argf(d, 3, "mode_t", "mode", ARG_UINT, FMT_MODE);
	}

	d = find("execve");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->id, 59);
		CHECK(d->at_entry);
		CHECK_INT(d->argnum, 3);
		check_arg(d, 0, "const char*", "pathname", ARG_STR);
		check_arg(d, 1, "const char*const*", "argv", ARG_STR_ARRAY);
		check_arg(d, 2, "const char*const*", "envp", ARG_STR_ARRAY);
	}

	d = find("execveat");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->id, 322);
		CHECK(d->at_entry);
		CHECK_INT(d->args[2].kind, ARG_STR_ARRAY);
	}

	d = find("read");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->id, 0);
		CHECK_STR(d->sets, "syscalls,fs,fs_read_write");
		check_arg(d, 1, "void*", "buf", ARG_PTR);
		check_arg(d, 2, "size_t", "count", ARG_ULONG);
	}

	/* one argument of a row: an output char* buffer stays a pointer, an input
	 * char* path is a string, off_t is signed, int[2] a pair */
	static const struct {
		const char *syscall;
		int i;
		const char *type, *name;
		int kind;
	} one_arg[] = {
		{ "getcwd", 0, "char*", "buf", ARG_PTR },
		{ "utimes", 0, "char*", "filename", ARG_STR },
		{ "lseek", 1, "off_t", "offset", ARG_LONG },
		{ "pipe", 0, "int[2]", "pipefd", ARG_INT_PAIR },
	};
	for (size_t k = 0; k < sizeof(one_arg) / sizeof(one_arg[0]); k++) {
		d = find(one_arg[k].syscall);
		CHECK(d != NULL);
		if (d)
			check_arg(d, one_arg[k].i, one_arg[k].type, one_arg[k].name, one_arg[k].kind);
	}

	d = find("rt_sigreturn"); /* no arguments */
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->id, 15);
		CHECK_INT(d->argnum, 0);
	}

	d = find("rseq"); /* the last v0.3.1 syscall */
	CHECK(d != NULL);
	if (d)
		CHECK_INT(d->id, 334);
}

static void test_newer_rows(void)
{
	const struct event_def *d = find("clone3");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->id, 435);
		CHECK(strstr(d->sets, "proc_life") != NULL);
		CHECK_INT(d->argnum, 2);
		check_arg(d, 0, "struct clone_args*", "cl_args", ARG_PTR);
		check_arg(d, 1, "size_t", "size", ARG_ULONG);
	}

	d = find("openat2");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->id, 437);
		CHECK_STR(d->sets, "default,syscalls,fs,fs_file_ops");
		CHECK_INT(d->argnum, 4);
		check_argf(d, 0, "int", "dirfd", ARG_INT, FMT_DIRFD);
		check_arg(d, 1, "const char*", "pathname", ARG_STR);
		check_arg(d, 2, "struct open_how*", "how", ARG_PTR);
		check_arg(d, 3, "size_t", "size", ARG_ULONG);
	}

	d = find("fchmodat2"); /* past the 6.1 ABI header */
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->id, 452);
		CHECK_INT(d->argnum, 4);
		check_argf(d, 0, "int", "dirfd", ARG_INT, FMT_DIRFD);
		check_arg(d, 1, "const char*", "pathname", ARG_STR);
		CHECK_INT(d->args[2].kind, ARG_UINT);
		CHECK_STR(d->args[2].name, "mode");
		check_argf(d, 3, "unsigned int", "flags", ARG_UINT, FMT_AT_FLAGS);
	}

	d = find("file_setattr");
	CHECK(d != NULL);
	if (d)
		CHECK_INT(d->id, 469);
}

/* The generator's argument formats and read-more kinds (arg_fmts[], arg_kinds[]). */
static void test_decoding(void)
{
	static const struct {
		const char *syscall;
		int i;
		const char *type, *name;
		int kind, fmt;
	} want[] = {
		{ "connect", 1, "struct sockaddr*", "addr", ARG_SOCKADDR, FMT_DEFAULT },
		{ "bind", 1, "struct sockaddr*", "addr", ARG_SOCKADDR, FMT_DEFAULT },
		{ "accept", 1, "struct sockaddr*", "addr", ARG_SOCKADDR, FMT_DEFAULT },
		{ "accept", 2, "int*", "addrlen", ARG_PTR, FMT_DEFAULT },
		{ "accept4", 3, "int", "flags", ARG_INT, FMT_SOCK_FLAGS },
		{ "sendto", 4, "struct sockaddr*", "dest_addr", ARG_SOCKADDR, FMT_DEFAULT },
		{ "sendto", 5, "int", "addrlen", ARG_INT, FMT_DEFAULT },
		{ "getsockname", 1, "struct sockaddr*", "addr", ARG_SOCKADDR, FMT_DEFAULT },
		{ "getpeername", 1, "struct sockaddr*", "addr", ARG_SOCKADDR, FMT_DEFAULT },
		{ "pipe2", 0, "int*", "pipefd", ARG_INT_PAIR, FMT_DEFAULT },
		{ "pipe2", 1, "int", "flags", ARG_INT, FMT_FD_FLAGS },
		{ "socketpair", 3, "int[2]", "sv", ARG_INT_PAIR, FMT_DEFAULT },
		{ "socket", 0, "int", "domain", ARG_INT, FMT_SOCK_DOMAIN },
		{ "socket", 1, "int", "type", ARG_INT, FMT_SOCK_TYPE },
		{ "socket", 2, "int", "protocol", ARG_INT, FMT_SOCK_PROTO },
		{ "access", 1, "int", "mode", ARG_INT, FMT_ACCESS_MODE },
		{ "faccessat2", 3, "int", "flags", ARG_INT, FMT_ACCESS_AT_FLAGS },
		{ "mmap", 2, "int", "prot", ARG_INT, FMT_MMAP_PROT },
		{ "mmap", 3, "int", "flags", ARG_INT, FMT_MMAP_FLAGS },
		{ "mmap", 4, "int", "fd", ARG_INT, FMT_DEFAULT },
		{ "mprotect", 2, "int", "prot", ARG_INT, FMT_MMAP_PROT },
		{ "clone", 0, "unsigned long", "flags", ARG_ULONG, FMT_CLONE_FLAGS },
		{ "unlinkat", 2, "int", "flags", ARG_INT, FMT_AT_FLAGS },
		{ "mknodat", 2, "mode_t", "mode", ARG_UINT, FMT_MKNOD_MODE },
		{ "chmod", 1, "mode_t", "mode", ARG_UINT, FMT_MODE },
		{ "ptrace", 0, "long", "request", ARG_LONG, FMT_PTRACE_REQUEST },
		{ "prctl", 0, "int", "option", ARG_INT, FMT_PRCTL_OPTION },
		{ "bpf", 0, "int", "cmd", ARG_INT, FMT_BPF_CMD },
		{ "kill", 1, "int", "sig", ARG_INT, FMT_SIGNAL },
		{ "tgkill", 2, "int", "sig", ARG_INT, FMT_SIGNAL },
		{ "rt_sigaction", 0, "int", "signum", ARG_INT, FMT_SIGNAL },
		{ "rt_sigprocmask", 0, "int", "how", ARG_INT, FMT_SIGPROCMASK_HOW },
		{ "fcntl", 1, "int", "cmd", ARG_INT, FMT_FCNTL_CMD },
		{ "fcntl", 2, "unsigned long", "arg", ARG_ULONG, FMT_FCNTL_ARG },
		{ "renameat2", 2, "int", "newdirfd", ARG_INT, FMT_DIRFD },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct event_def *d = find(want[i].syscall);

		CHECK(d != NULL);
		if (d)
			check_argf(d, want[i].i, want[i].type, want[i].name, want[i].kind,
				   want[i].fmt);
	}

	/* the kernel side takes a sockaddr's length from the next argument */
	int sockaddrs = 0, formats = 0;
	for (size_t i = 0; i < tracee_syscall_defs_len; i++) {
		const struct event_def *d = &tracee_syscall_defs[i];

		for (int a = 0; a < d->argnum; a++) {
			formats += d->args[a].fmt != FMT_DEFAULT;
			CHECK(d->args[a].fmt < FMT_MAX);
			if (d->args[a].kind != ARG_SOCKADDR)
				continue;
			sockaddrs++;
			CHECK(a + 1 < d->argnum && strstr(d->args[a + 1].name, "len") != NULL);
		}
	}
	CHECK_INT(sockaddrs, 8);
	CHECK(formats > 80);
}

int main(void)
{
	test_shape();
	test_v031_rows();
	test_newer_rows();
	test_decoding();
	return check_report("syscalls");
}
