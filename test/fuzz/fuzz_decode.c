/* fuzz_decode.c - libFuzzer target: any bytes as a ring-buffer record, decoded
 * and printed in every output format. The decoder treats records as untrusted;
 * this holds it (and the printers behind it) to that. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "decode.h"
#include "printer.h"

static struct outbuf out;

static void print_all(const struct event *ev)
{
	static const char *const formats[] = { "table", "table-verbose", "json" };

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		const struct printer *p = printer_by_name(formats[i]);

		if (p)
			p->print_event(&out, ev);
	}
	outbuf_flush(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Records arrive 8-byte aligned from the ring buffer; keep that. */
	static uint64_t rec[(TRACEE_RECORD_MAX + 64) / sizeof(uint64_t)];
	struct event ev;

	if (!out.buf && outbuf_init(&out, open("/dev/null", O_WRONLY | O_CLOEXEC), 0))
		return 0;
	if (size > sizeof(rec))
		size = sizeof(rec);
	memcpy(rec, data, size);
	if (decode_record(rec, size, &ev) == 0)
		print_all(&ev);
	return 0;
}
