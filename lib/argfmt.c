/* argfmt.c - one argument value as text, shared by the printers.
 *
 * Default formats, by the kind found in the record:
 *   kind           table                        json
 *   ARG_INT/LONG   -100                         -100
 *   ARG_UINT/ULONG 4096                         4096
 *   ARG_PTR        0x7ffd1234                   "0x7ffd1234"
 *   ARG_STR        /etc/hostname (raw; \n \t \r "/etc/hostname" (JSON escapes,
 *                  \xNN for controls and bytes  invalid UTF-8 bytes as \u00XX)
 *                  that are not UTF-8)
 *   ARG_BYTES      as ARG_STR                   as ARG_STR
 *   ARG_STR_ARRAY  [ls -la]                     ["ls","-la"]
 *   ARG_SOCKADDR   {AF_INET 127.0.0.1:80}       {"sa_family":"AF_INET","sin_port":"80",
 *                                                "sin_addr":"127.0.0.1"}
 *   ARG_INT_PAIR   [3 4]                        [3,4]
 *   ARG_NONE       <unreadable>                 null
 *
 * A number whose definition names a format (enum arg_fmt) other than
 * FMT_DEFAULT is decoded by that format's row in fmt_table below, spelled as
 * strace spells it (O_RDONLY|O_CLOEXEC, SIGKILL, 0644, AT_FDCWD); in JSON
 * the decoded value is a string, as in Tracee's parsed arguments - except a
 * dirfd that is not AT_FDCWD, which stays a number. The name tables are in
 * argfmt_flags.c. Nothing here allocates: everything is written straight
 * into the printer's outbuf.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <string.h>
#include "argfmt.h"
#include "printer.h"

#define AT_FDCWD_VALUE  (-100)
#define MAP_TYPE_MASK   0xfu
#define MAP_HUGE_SHIFT  26
#define MAP_HUGE_MASK   0x3fu
#define S_IFMT_MASK     0170000u

/* The number's bits at its own width: an int's -1 is 0xffffffff. */
static uint64_t arg_bits(const struct event_arg *arg)
{
	uint64_t v = (uint64_t)arg->num;

	if (arg->kind == ARG_INT || arg->kind == ARG_UINT)
		v &= 0xffffffffu;
	return v;
}

/* --- one function per format ------------------------------------------------ */

static void fmt_hex(struct outbuf *out, const struct event_arg *arg, bool json)
{
	outbuf_hex(out, arg_bits(arg));
}

static void fmt_open_flags(struct outbuf *out, const struct event_arg *arg, bool json)
{
	uint64_t v = arg_bits(arg);

	outbuf_puts(out, xlat_name(&xt_open_accmode, v & 3));
	xlat_flags(out, &xt_open_flags, v & ~(uint64_t)3, true);
}

/* type, flags, then the huge page size as strace writes it: 21<<MAP_HUGE_SHIFT */
static void fmt_mmap_flags(struct outbuf *out, const struct event_arg *arg, bool json)
{
	uint64_t v = arg_bits(arg);
	uint64_t huge_bits = (uint64_t)MAP_HUGE_MASK << MAP_HUGE_SHIFT;
	uint64_t huge = (v & huge_bits) >> MAP_HUGE_SHIFT;

	xlat_enum(out, &xt_mmap_type, v & MAP_TYPE_MASK);
	xlat_flags(out, &xt_mmap_flags, v & ~(uint64_t)MAP_TYPE_MASK & ~huge_bits, true);
	if (huge) {
		outbuf_putc(out, '|');
		outbuf_u64(out, huge);
		outbuf_puts(out, "<<MAP_HUGE_SHIFT");
	}
}

/* flags, then the exit signal from the low byte: CLONE_VM|CLONE_VFORK|SIGCHLD */
static void fmt_clone_flags(struct outbuf *out, const struct event_arg *arg, bool json)
{
	uint64_t v = arg_bits(arg);
	uint64_t flags = v & ~(uint64_t)0xff, sig = v & 0xff;

	if (flags)
		xlat_flags(out, &xt_clone_flags, flags, false);
	if (sig) {
		if (flags)
			outbuf_putc(out, '|');
		argfmt_signal(out, (int64_t)sig);
	}
	if (!v)
		outbuf_putc(out, '0');
}

/* AT_FDCWD by name; any other dirfd is a plain number, in JSON too. */
static void fmt_dirfd(struct outbuf *out, const struct event_arg *arg, bool json)
{
	if ((int32_t)arg_bits(arg) != AT_FDCWD_VALUE) {
		outbuf_i64(out, arg->kind == ARG_UINT ? (int32_t)arg_bits(arg) : arg->num);
		return;
	}
	if (json)
		outbuf_put(out, "\"AT_FDCWD\"", 10);
	else
		outbuf_put(out, "AT_FDCWD", 8);
}

static void fmt_mode(struct outbuf *out, const struct event_arg *arg, bool json)
{
	argfmt_octal(out, arg_bits(arg));
}

/* S_IFIFO|S_ISUID|0644; a type strace does not name leaves the whole mode octal */
static void fmt_mknod_mode(struct outbuf *out, const struct event_arg *arg, bool json)
{
	uint64_t v = arg_bits(arg);
	const char *type = v <= 0177777 ? xlat_name(&xt_mknod_type, v & S_IFMT_MASK) : NULL;

	if (!type) {
		argfmt_octal(out, v);
		return;
	}
	outbuf_puts(out, type);
	xlat_flags(out, &xt_mode_bits, v & 07000, true);
	outbuf_putc(out, '|');
	argfmt_octal(out, v & 0777);
}

/* the base type (type & 0xf) by name, then SOCK_CLOEXEC|SOCK_NONBLOCK */
static void fmt_sock_type(struct outbuf *out, const struct event_arg *arg, bool json)
{
	uint64_t v = arg_bits(arg);
	const char *base = xlat_name(&xt_sock_type, v & 0xf);

	if (!base) {
		xlat_flags(out, &xt_sock_flags, v, false);
		return;
	}
	outbuf_puts(out, base);
	if (v & ~(uint64_t)0xf) {
		outbuf_putc(out, '|');
		xlat_flags(out, &xt_sock_flags, v & ~(uint64_t)0xf, false);
	}
}

static void fmt_signal(struct outbuf *out, const struct event_arg *arg, bool json)
{
	argfmt_signal(out, arg->kind == ARG_UINT ? (int32_t)arg_bits(arg) : arg->num);
}

/* An argument before this one (arg->index counts from the event's first), or
 * NULL: formats only look back, at arguments decoded before theirs. */
static const struct event_arg *arg_earlier(const struct event_arg *arg, unsigned i)
{
	return i < arg->index ? arg - arg->index + i : NULL;
}

static bool arg_is(const struct event_arg *a, uint64_t v)
{
	return a && a->kind != ARG_NONE && arg_bits(a) == v;
}

/* The formats below decode only in some contexts and leave a plain number
 * otherwise, so they quote their own JSON strings. */
static void quote_if(struct outbuf *out, bool json)
{
	if (json)
		outbuf_putc(out, '"');
}

/* fcntl(fd, cmd, arg): strace names arg by cmd; the rest stay numbers. */
static void fmt_fcntl_arg(struct outbuf *out, const struct event_arg *arg, bool json)
{
	const struct event_arg *cmd = arg_earlier(arg, 1);
	bool setfd = arg_is(cmd, F_SETFD), setfl = arg_is(cmd, F_SETFL);

	if (!setfd && !setfl) {
		outbuf_u64(out, arg_bits(arg));
		return;
	}
	quote_if(out, json);
	if (setfd)
		xlat_flags(out, &xt_fd_flags, arg_bits(arg), false);
	else
		fmt_open_flags(out, arg, json);
	quote_if(out, json);
}

/* socket(domain, type, protocol): IP protocols by name, others a number. */
static void fmt_sock_proto(struct outbuf *out, const struct event_arg *arg, bool json)
{
	const struct event_arg *domain = arg_earlier(arg, 0);

	if (!arg_is(domain, AF_INET) && !arg_is(domain, AF_INET6)) {
		outbuf_i64(out, (int32_t)arg_bits(arg));
		return;
	}
	quote_if(out, json);
	xlat_enum(out, &xt_ip_proto, arg_bits(arg));
	quote_if(out, json);
}

/* A syscall number by its event name; a number no syscall has stays a number. */
static void fmt_syscall(struct outbuf *out, const struct event_arg *arg, bool json)
{
	const struct event_def *d = arg->num >= 0 && arg->num < TRACEE_EVENT_BASE ?
				    events_by_id((int)arg->num) : NULL;

	(void)json;
	if (d)
		outbuf_puts(out, d->name);
	else
		outbuf_i64(out, arg->num);
}

typedef void (*fmt_fn)(struct outbuf *out, const struct event_arg *arg, bool json);

/* enum arg_fmt -> how to show it: a name table read as bit flags or as an
 * enumeration, or a function of its own. quoted: in JSON the text is a
 * string (the formatter writes no characters that need escaping). */
static const struct {
	fmt_fn fn;
	const struct xlat_table *flags;     /* NAME|NAME|0xrest */
	const struct xlat_table *names;     /* one NAME, else hex */
	bool quoted;
} fmt_table[FMT_MAX] = {
	[FMT_DEFAULT] = { 0 },          /* by kind, below */
	[FMT_HEX] = { .fn = fmt_hex, .quoted = true },
	[FMT_OPEN_FLAGS] = { .fn = fmt_open_flags, .quoted = true },
	[FMT_FD_FLAGS] = { .flags = &xt_open_flags, .quoted = true },
	[FMT_ACCESS_MODE] = { .flags = &xt_access_mode, .quoted = true },
	[FMT_MMAP_PROT] = { .flags = &xt_mmap_prot, .quoted = true },
	[FMT_MMAP_FLAGS] = { .fn = fmt_mmap_flags, .quoted = true },
	[FMT_CLONE_FLAGS] = { .fn = fmt_clone_flags, .quoted = true },
	[FMT_NS_FLAGS] = { .flags = &xt_ns_flags, .quoted = true },
	[FMT_AT_FLAGS] = { .flags = &xt_at_flags, .quoted = true },
	[FMT_ACCESS_AT_FLAGS] = { .flags = &xt_access_at_flags, .quoted = true },
	[FMT_STATX_FLAGS] = { .flags = &xt_statx_flags, .quoted = true },
	[FMT_DIRFD] = { .fn = fmt_dirfd, .quoted = false },
	[FMT_MODE] = { .fn = fmt_mode, .quoted = true },
	[FMT_MKNOD_MODE] = { .fn = fmt_mknod_mode, .quoted = true },
	[FMT_SOCK_DOMAIN] = { .names = &xt_sock_domain, .quoted = true },
	[FMT_SOCK_TYPE] = { .fn = fmt_sock_type, .quoted = true },
	[FMT_SOCK_FLAGS] = { .flags = &xt_sock_flags, .quoted = true },
	[FMT_PTRACE_REQUEST] = { .names = &xt_ptrace_request, .quoted = true },
	[FMT_PRCTL_OPTION] = { .names = &xt_prctl_option, .quoted = true },
	[FMT_BPF_CMD] = { .names = &xt_bpf_cmd, .quoted = true },
	[FMT_CAPABILITY] = { .names = &xt_capability, .quoted = true },
	[FMT_SIGNAL] = { .fn = fmt_signal, .quoted = true },
	[FMT_SIGPROCMASK_HOW] = { .names = &xt_sigprocmask_how, .quoted = true },
	[FMT_FCNTL_CMD] = { .names = &xt_fcntl_cmd, .quoted = true },
	[FMT_FCNTL_ARG] = { .fn = fmt_fcntl_arg, .quoted = false },
	[FMT_SOCK_PROTO] = { .fn = fmt_sock_proto, .quoted = false },
	[FMT_SEEK_WHENCE] = { .names = &xt_seek_whence, .quoted = true },
	[FMT_SYSCALL] = { .fn = fmt_syscall, .quoted = true },
};

/* The name tables of the formats that have a function of their own. */
static const struct xlat_table *const fmt_extra_names[FMT_MAX][3] = {
	[FMT_OPEN_FLAGS] = { &xt_open_accmode, &xt_open_flags },
	[FMT_MMAP_FLAGS] = { &xt_mmap_type, &xt_mmap_flags },
	[FMT_CLONE_FLAGS] = { &xt_clone_flags, &xt_signal },
	[FMT_SOCK_TYPE] = { &xt_sock_type, &xt_sock_flags },
	[FMT_SOCK_PROTO] = { &xt_ip_proto },
	[FMT_SIGNAL] = { &xt_signal },
	[FMT_MKNOD_MODE] = { &xt_mknod_type },
};

static bool table_value(const struct xlat_table *t, const char *name, uint64_t *v)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (strcmp(t->names[i].name, name) == 0) {
			*v = t->names[i].value;
			return true;
		}
	return false;
}

bool argfmt_name_value(unsigned fmt, const char *name, uint64_t *v)
{
	if (fmt >= FMT_MAX)
		return false;
	if (table_value(fmt_table[fmt].flags, name, v) || table_value(fmt_table[fmt].names, name, v))
		return true;
	for (int i = 0; i < 3; i++)
		if (table_value(fmt_extra_names[fmt][i], name, v))
			return true;
	return false;
}

bool argfmt_has_names(unsigned fmt)
{
	return fmt < FMT_MAX && (fmt_table[fmt].flags || fmt_table[fmt].names || fmt_extra_names[fmt][0]);
}

/* --- socket addresses ----------------------------------------------------------- */

/* The parts of a struct sockaddr that its length covers; the record's bytes
 * are unaligned, so every field is copied out. */
struct sockaddr_view {
	const unsigned char *p;
	uint32_t len;
	uint16_t family;
};

static uint16_t view_u16(const struct sockaddr_view *sa, uint32_t off)
{
	uint16_t v;

	memcpy(&v, sa->p + off, sizeof(v));
	return v;
}

static uint32_t view_u32(const struct sockaddr_view *sa, uint32_t off)
{
	uint32_t v;

	memcpy(&v, sa->p + off, sizeof(v));
	return v;
}

/* sun_path: up to the first NUL; an abstract name (leading NUL) is every
 * byte the length covers, shown with a leading '@'. Returns the length put
 * in buf (at most TRACEE_SOCKADDR_MAX). */
static uint32_t unix_path(const struct sockaddr_view *sa, char *buf)
{
	const char *path = (const char *)sa->p + 2;
	uint32_t n = sa->len - 2;

	if (n == 0)
		return 0;
	if (path[0] != '\0') {
		n = (uint32_t)strnlen(path, n);
		memcpy(buf, path, n);
		return n;
	}
	buf[0] = '@';
	memcpy(buf + 1, path + 1, n - 1);
	return n;
}

static void json_field(struct outbuf *out, const char *key, const char *val, size_t n)
{
	outbuf_puts(out, key);
	outbuf_json_str(out, val, n);
}

static void json_u64_field(struct outbuf *out, const char *key, uint64_t v)
{
	outbuf_puts(out, key);
	outbuf_putc(out, '"');
	outbuf_u64(out, v);
	outbuf_putc(out, '"');
}

/* {"sa_family":"AF_INET","sin_port":"80","sin_addr":"127.0.0.1"}: the
 * fields the length covers, values as strings, as Tracee writes them. */
static void sockaddr_json(struct outbuf *out, const struct sockaddr_view *sa)
{
	char text[INET6_ADDRSTRLEN > TRACEE_SOCKADDR_MAX ? INET6_ADDRSTRLEN : TRACEE_SOCKADDR_MAX];
	uint32_t n;

	outbuf_putc(out, '{');
	if (sa->len < 2) {
		outbuf_putc(out, '}');
		return;
	}
	outbuf_puts(out, "\"sa_family\":\"");
	xlat_enum(out, &xt_sock_domain, sa->family);
	outbuf_putc(out, '"');
	switch (sa->family) {
	case AF_INET:
		if (sa->len >= 4)
			json_u64_field(out, ",\"sin_port\":", ntohs(view_u16(sa, 2)));
		if (sa->len >= 8 && inet_ntop(AF_INET, sa->p + 4, text, sizeof(text)))
			json_field(out, ",\"sin_addr\":", text, strlen(text));
		break;
	case AF_INET6:
		if (sa->len >= 4)
			json_u64_field(out, ",\"sin6_port\":", ntohs(view_u16(sa, 2)));
		if (sa->len >= 24 && inet_ntop(AF_INET6, sa->p + 8, text, sizeof(text)))
			json_field(out, ",\"sin6_addr\":", text, strlen(text));
		if (sa->len >= 8)
			json_u64_field(out, ",\"sin6_flowinfo\":", ntohl(view_u32(sa, 4)));
		if (sa->len >= 28)
			json_u64_field(out, ",\"sin6_scope_id\":", view_u32(sa, 24));
		break;
	case AF_UNIX:
		n = unix_path(sa, text);
		if (n)
			json_field(out, ",\"sun_path\":", text, n);
		break;
	default:
		break;
	}
	outbuf_putc(out, '}');
}

/* {AF_INET 127.0.0.1:80}, {AF_INET6 [fe80::1%2]:443}, {AF_UNIX @name}; an
 * address cut short shows its family only. */
static void sockaddr_text(struct outbuf *out, const struct sockaddr_view *sa)
{
	char text[INET6_ADDRSTRLEN > TRACEE_SOCKADDR_MAX ? INET6_ADDRSTRLEN : TRACEE_SOCKADDR_MAX];
	uint32_t n;

	outbuf_putc(out, '{');
	if (sa->len < 2) {
		outbuf_putc(out, '}');
		return;
	}
	xlat_enum(out, &xt_sock_domain, sa->family);
	switch (sa->family) {
	case AF_INET:
		if (sa->len < 8 || !inet_ntop(AF_INET, sa->p + 4, text, sizeof(text)))
			break;
		outbuf_putc(out, ' ');
		outbuf_puts(out, text);
		outbuf_putc(out, ':');
		outbuf_u64(out, ntohs(view_u16(sa, 2)));
		break;
	case AF_INET6:
		if (sa->len < 24 || !inet_ntop(AF_INET6, sa->p + 8, text, sizeof(text)))
			break;
		outbuf_put(out, " [", 2);
		outbuf_puts(out, text);
		if (sa->len >= 28 && view_u32(sa, 24)) {
			outbuf_putc(out, '%');
			outbuf_u64(out, view_u32(sa, 24));
		}
		outbuf_put(out, "]:", 2);
		outbuf_u64(out, ntohs(view_u16(sa, 2)));
		break;
	case AF_UNIX:
		n = unix_path(sa, text);
		if (n) {
			outbuf_putc(out, ' ');
			outbuf_text(out, text, n, 0);
		}
		break;
	default:
		break;
	}
	outbuf_putc(out, '}');
}

static void sockaddr_value(struct outbuf *out, const struct event_arg *arg, bool json)
{
	struct sockaddr_view sa = {
		.p = (const unsigned char *)arg->data,
		.len = arg->data && arg->len <= TRACEE_SOCKADDR_MAX ? arg->len : 0,
	};

	if (sa.len >= 2)
		sa.family = view_u16(&sa, 0);
	if (json)
		sockaddr_json(out, &sa);
	else
		sockaddr_text(out, &sa);
}

/* [3,4] in JSON, [3 4] in a table */
static void int_pair(struct outbuf *out, const struct event_arg *arg, bool json)
{
	int32_t fds[2];

	if (!arg->data || arg->len != sizeof(fds)) {
		outbuf_put(out, json ? "null" : "<unreadable>", json ? 4 : 12);
		return;
	}
	memcpy(fds, arg->data, sizeof(fds));
	outbuf_putc(out, '[');
	outbuf_i64(out, fds[0]);
	outbuf_putc(out, json ? ',' : ' ');
	outbuf_i64(out, fds[1]);
	outbuf_putc(out, ']');
}

/* --- string arrays ------------------------------------------------------------- */

const char *event_arg_str_next(const struct event_arg *arg, uint32_t *pos, uint32_t *len)
{
	uint32_t p = *pos, n;

	if (arg->kind != ARG_STR_ARRAY || !arg->data || p >= arg->len ||
	    arg->len - p < sizeof(n))
		return NULL;
	memcpy(&n, arg->data + p, sizeof(n));
	p += sizeof(n);
	if (n > arg->len - p)
		return NULL;
	*len = n;
	*pos = p + n;
	return arg->data + p;
}

static void str_array(struct outbuf *out, const struct event_arg *arg, bool json)
{
	uint32_t pos = 0, len;
	const char *s;
	bool first = true;

	outbuf_putc(out, '[');
	while ((s = event_arg_str_next(arg, &pos, &len))) {
		if (!first)
			outbuf_putc(out, json ? ',' : ' ');
		first = false;
		if (json)
			outbuf_json_str(out, s, len);
		else
			outbuf_text(out, s, len, 0);
	}
	outbuf_putc(out, ']');
}

/* --- the entry point ------------------------------------------------------------- */

static bool is_number(unsigned char kind)
{
	return kind == ARG_INT || kind == ARG_UINT || kind == ARG_LONG || kind == ARG_ULONG ||
	       kind == ARG_PTR;
}

void argfmt_value(struct outbuf *out, const struct event_arg *arg, bool json)
{
	unsigned fmt = arg->def ? arg->def->fmt : FMT_DEFAULT;

	if (is_number(arg->kind) && fmt < FMT_MAX && fmt != FMT_DEFAULT) {
		bool quote = json && fmt_table[fmt].quoted;

		if (quote)
			outbuf_putc(out, '"');
		if (fmt_table[fmt].fn)
			fmt_table[fmt].fn(out, arg, json);
		else if (fmt_table[fmt].flags)
			xlat_flags(out, fmt_table[fmt].flags, arg_bits(arg), false);
		else if (fmt_table[fmt].names)
			xlat_enum(out, fmt_table[fmt].names, arg_bits(arg));
		if (quote)
			outbuf_putc(out, '"');
		return;
	}

	switch (arg->kind) {
	case ARG_INT:
	case ARG_LONG:
		outbuf_i64(out, arg->num);
		break;
	case ARG_UINT:
	case ARG_ULONG:
		outbuf_u64(out, (uint64_t)arg->num);
		break;
	case ARG_PTR:
		if (json)
			outbuf_putc(out, '"');
		outbuf_hex(out, (uint64_t)arg->num);
		if (json)
			outbuf_putc(out, '"');
		break;
	case ARG_STR:
	case ARG_BYTES:
		if (json)
			outbuf_json_str(out, arg->data, arg->data ? arg->len : 0);
		else if (arg->data)
			outbuf_text(out, arg->data, arg->len, 0);
		break;
	case ARG_STR_ARRAY:
		str_array(out, arg, json);
		break;
	case ARG_SOCKADDR:
		sockaddr_value(out, arg, json);
		break;
	case ARG_INT_PAIR:
		int_pair(out, arg, json);
		break;
	default:    /* ARG_NONE, or a kind this build does not know */
		if (json)
			outbuf_put(out, "null", 4);
		else
			outbuf_put(out, "<unreadable>", 12);
		break;
	}
}
