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
	return NULL;
}

/* Checks one argument of a row: type, name and kind. */
static void check_arg(const struct event_def *d, int i, const char *type, const char *name, int kind)
{
	CHECK_STR(d->args[i].type, type);
	CHECK_STR(d->args[i].name, name);
	CHECK_INT(d->args[i].kind, kind);
	CHECK_INT(d->args[i].fmt, FMT_DEFAULT);
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
	CHECK_INT(at_entry, 2); /* execve and execveat */
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
		check_arg(d, 0, "int", "dirfd", ARG_INT);
		check_arg(d, 1, "const char*", "pathname", ARG_STR);
		check_arg(d, 2, "int", "flags", ARG_INT);
		check_arg(d, 3, "mode_t", "mode", ARG_UINT);
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

	/* an output char* buffer stays a pointer; an input char* path is a string */
	d = find("getcwd");
	CHECK(d != NULL);
	if (d)
		check_arg(d, 0, "char*", "buf", ARG_PTR);
	d = find("utimes");
	CHECK(d != NULL);
	if (d)
		check_arg(d, 0, "char*", "filename", ARG_STR);

	d = find("lseek");
	CHECK(d != NULL);
	if (d)
		check_arg(d, 1, "off_t", "offset", ARG_LONG);

	d = find("pipe");
	CHECK(d != NULL);
	if (d)
		check_arg(d, 0, "int[2]", "pipefd", ARG_PTR);

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
		check_arg(d, 0, "int", "dirfd", ARG_INT);
		check_arg(d, 1, "const char*", "pathname", ARG_STR);
		check_arg(d, 2, "struct open_how*", "how", ARG_PTR);
		check_arg(d, 3, "size_t", "size", ARG_ULONG);
	}

	d = find("fchmodat2"); /* past the 6.1 ABI header */
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->id, 452);
		CHECK_INT(d->argnum, 4);
		check_arg(d, 0, "int", "dirfd", ARG_INT);
		check_arg(d, 1, "const char*", "pathname", ARG_STR);
		CHECK_INT(d->args[2].kind, ARG_UINT);
		CHECK_STR(d->args[2].name, "mode");
		check_arg(d, 3, "unsigned int", "flags", ARG_UINT);
	}

	d = find("file_setattr");
	CHECK(d != NULL);
	if (d)
		CHECK_INT(d->id, 469);
}

int main(void)
{
	test_shape();
	test_v031_rows();
	test_newer_rows();
	return check_report("syscalls");
}
