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
 *   ARG_NONE       <unreadable>                 null
 *
 * An argument whose definition names a format (enum arg_fmt) other than
 * FMT_DEFAULT is shown by that format's row in fmt_table below: decoded
 * flags, modes and the like are one function and one row each. A format
 * applies to numbers only; anything else falls back to the default.
 */
#include <string.h>
#include "printer.h"

static void fmt_hex(struct outbuf *out, const struct event_arg *arg, bool json)
{
	uint64_t v = (uint64_t)arg->num;

	if (arg->kind == ARG_INT || arg->kind == ARG_UINT)
		v &= 0xffffffffu;
	if (json)
		outbuf_putc(out, '"');
	outbuf_hex(out, v);
	if (json)
		outbuf_putc(out, '"');
}

typedef void (*fmt_fn)(struct outbuf *out, const struct event_arg *arg, bool json);

/* enum arg_fmt -> formatter; NULL (and FMT_DEFAULT) means by kind. */
static const fmt_fn fmt_table[] = {
	[FMT_DEFAULT] = NULL,
	[FMT_HEX] = fmt_hex,
	/* decoded flags (open flags, access modes, ...) are added here */
};

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

void argfmt_value(struct outbuf *out, const struct event_arg *arg, bool json)
{
	unsigned fmt = arg->def ? arg->def->fmt : FMT_DEFAULT;

	switch (arg->kind) {
	case ARG_INT:
	case ARG_UINT:
	case ARG_LONG:
	case ARG_ULONG:
	case ARG_PTR:
		if (fmt < sizeof(fmt_table) / sizeof(fmt_table[0]) && fmt_table[fmt]) {
			fmt_table[fmt](out, arg, json);
			return;
		}
		break;
	default:
		break;
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
	default:    /* ARG_NONE, or a kind this build does not know */
		if (json)
			outbuf_put(out, "null", 4);
		else
			outbuf_put(out, "<unreadable>", 12);
		break;
	}
}
