/* argfmt.h - decoding numbers into names, as strace spells them: the name
 * tables of argfmt_flags.c and the two functions that read every one of them
 * (one for bit flags, one for enumerations), plus the pieces argfmt.c and
 * the table printer share. Writes go straight to an outbuf: no allocation. */
#ifndef TRACEE_ARGFMT_H
#define TRACEE_ARGFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "outbuf.h"

struct xlat {
	uint64_t value;
	const char *name;
};

/* One family of names. For flags, a name matches when all of its bits are
 * set; names are tried in order (composites such as O_SYNC first) and the
 * order is strace's output order. */
struct xlat_table {
	const struct xlat *names;
	size_t n;
	const char *zero;       /* shown for 0 when no name is 0 ("PROT_NONE"); NULL: "0" */
	const char *unknown;    /* strace's AF_??? comment, after a value with nothing known */
};

/* The families, defined in argfmt_flags.c. */
extern const struct xlat_table xt_open_accmode, xt_open_flags, xt_access_mode, xt_mmap_prot,
	xt_mmap_type, xt_mmap_flags, xt_clone_flags, xt_ns_flags, xt_at_flags,
	xt_access_at_flags, xt_statx_flags, xt_mknod_type, xt_mode_bits, xt_sock_domain,
	xt_sock_type, xt_sock_flags, xt_ptrace_request, xt_prctl_option, xt_bpf_cmd,
	xt_capability, xt_signal, xt_sigprocmask_how, xt_fcntl_cmd, xt_fd_flags, xt_ip_proto,
	xt_seek_whence;

/* The exact name of v, or NULL. */
const char *xlat_name(const struct xlat_table *t, uint64_t v);
/* v as a name, else as hex with the table's unknown comment. */
void xlat_enum(struct outbuf *out, const struct xlat_table *t, uint64_t v);
/* v as NAME|NAME|0xrest; with nothing known "0xrest" plus the unknown comment;
 * 0 as the table's zero name or "0". When cont is true the output continues
 * a value already started: each part is preceded by '|' and 0 prints nothing. */
void xlat_flags(struct outbuf *out, const struct xlat_table *t, uint64_t v, bool cont);

/* Signal names: SIGKILL, SIGRTMIN, SIGRT_1 ... SIGRT_32; others in decimal. */
void argfmt_signal(struct outbuf *out, int64_t sig);
/* An octal file mode as strace shows it: 0644, 000, 04755. */
void argfmt_octal(struct outbuf *out, uint64_t v);
/* The value a name stands for in format fmt's tables (enum arg_fmt), as a
 * rule condition spells it: arg.flags has O_CREAT, arg.request =
 * PTRACE_TRACEME. False when fmt has no such name. */
bool argfmt_name_value(unsigned fmt, const char *name, uint64_t *v);
/* Does format fmt have names at all? */
bool argfmt_has_names(unsigned fmt);
/* The errno name of a syscall return value in -4095..-1, or NULL. */
const char *argfmt_errno_name(int64_t ret);

#endif
