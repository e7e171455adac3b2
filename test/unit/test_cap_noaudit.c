/* test_cap_noaudit.c - reading the functions that check without audit out of
 * a kallsyms listing (lib/cap_noaudit.c): ranges end at the next symbol,
 * module symbols and data do not start one, hidden addresses and a missing
 * cap_capable leave nothing to filter by. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "cap_noaudit.h"
#include "check.h"

static char path[] = "/tmp/test_cap_noaudit.XXXXXX";

static void write_listing(const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static const char full[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff8136f900 T has_capability_noaudit\n"
	"ffffffff8136f9d0 T ns_capable\n"
	"ffffffff8136fab0 T ns_capable_noaudit\n"
	"ffffffff8136fac0 t ns_capable_noaudit.cold\n"
	"ffffffff8136fc20 T has_ns_capability_noaudit\n"
	"ffffffff8136fc90 T has_ns_capability_noaudit_alias\n"
	"ffffffff8136fdb0 T ptracer_capable\n"
	"ffffffff8136fe40 T other\n"
	"ffffffff813a4040 T kallsyms_show_value\n"
	"ffffffff813a40c0 t next\n"
	"ffffffff81abd6b0 T cap_capable\n"
	"ffffffff81abd7a0 T cap_settime\n"
	"ffffffff81abd8c0 T cap_vm_enough_memory\n"
	"ffffffff81abd900 T cap_mmap_addr\n"
	"ffffffff81ac2600 T security_capable\n"
	"ffffffff81ac2680 T security_vm_enough_memory_mm\n"
	"ffffffff81ac2700 T security_x\n"
	"ffffffff83000000 D some_data\n"
	"ffffffffc0000000 t ns_capable_noaudit\t[fake_module]\n";

static void test_full_listing(void)
{
	struct cap_noaudit_ranges r;
	char missing[256];

	write_listing(full);
	CHECK_INT(cap_noaudit_resolve(path, &r, missing, sizeof(missing)), 7);
	CHECK_STR(missing, "");
	CHECK(r.capable_start == 0xffffffff81abd6b0ull && r.capable_end == 0xffffffff81abd7a0ull);
	/* in the order of the table; each ends at the next symbol (a ".cold" part is one) */
	CHECK(r.start[0] == 0xffffffff8136fab0ull && r.end[0] == 0xffffffff8136fac0ull);
	CHECK(r.start[1] == 0xffffffff8136fc20ull && r.end[1] == 0xffffffff8136fc90ull);
	CHECK(r.start[2] == 0xffffffff8136f900ull && r.end[2] == 0xffffffff8136f9d0ull);
	CHECK(r.start[4] == 0xffffffff813a4040ull && r.end[4] == 0xffffffff813a40c0ull);
	CHECK(r.start[6] == 0xffffffff81ac2680ull && r.end[6] == 0xffffffff81ac2700ull);
}

static void test_missing_functions(void)
{
	struct cap_noaudit_ranges r;
	char missing[256];

	write_listing("ffffffff81abd6b0 T cap_capable\n"
		      "ffffffff81abd7a0 T cap_settime\n"
		      "ffffffff81abd8c0 T cap_vm_enough_memory\n"
		      "ffffffff81abd900 T cap_mmap_addr\n"
		      "ffffffff83000000 d ptracer_capable\n"           /* data: not a function */
		      "ffffffffc0000000 t kallsyms_show_value\t[mod]\n"); /* a module's */
	CHECK_INT(cap_noaudit_resolve(path, &r, missing, sizeof(missing)), 1);
	CHECK_STR(missing, "ns_capable_noaudit, has_ns_capability_noaudit, has_capability_noaudit, "
		  "ptracer_capable, kallsyms_show_value, security_vm_enough_memory_mm");
	CHECK(r.start[0] == 0xffffffff81abd8c0ull && r.end[0] == 0xffffffff81abd900ull);
}

static void test_nothing_to_filter_by(void)
{
	struct cap_noaudit_ranges r;
	char missing[256];

	/* no cap_capable: its frame cannot be found, so nothing is filtered */
	write_listing("ffffffff8136fab0 T ns_capable_noaudit\nffffffff8136fac0 T x\n");
	CHECK_INT(cap_noaudit_resolve(path, &r, missing, sizeof(missing)), 0);
	CHECK_STR(missing, "cap_capable, has_ns_capability_noaudit, has_capability_noaudit, "
		  "ptracer_capable, kallsyms_show_value, cap_vm_enough_memory, security_vm_enough_memory_mm");
	/* kernel.kptr_restrict: every address reads 0 */
	write_listing("0000000000000000 T cap_capable\n0000000000000000 T ns_capable_noaudit\n");
	CHECK_INT(cap_noaudit_resolve(path, &r, missing, sizeof(missing)), -EPERM);
	CHECK_INT(r.n, 0);
	unlink(path);
	CHECK_INT(cap_noaudit_resolve(path, &r, missing, sizeof(missing)), -ENOENT);
}

int main(void)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return 1;
	close(fd);
	test_full_listing();
	test_missing_functions();
	test_nothing_to_filter_by();
	unlink(path);
	return check_report("cap_noaudit");
}
