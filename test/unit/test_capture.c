/* test_capture.c - --capture without a kernel: sha256 against the FIPS
 * vectors, artifact and directory names, index escaping, --capture parsing,
 * and synthetic capture records turned into artifacts in a temporary output
 * path (offsets, appends, coalescing, the index, refusing planted symlinks,
 * hard links and FIFOs, untrusted record sizes). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "capture.h"
#include "check.h"
#include "flags.h"
#include "sha256.h"

static const char *digest_of(const void *data, size_t len, size_t step)
{
	static char hex[SHA256_HEX_LEN];
	unsigned char d[SHA256_DIGEST_LEN];
	struct sha256 s;

	sha256_init(&s);
	for (size_t o = 0; o < len; o += step)
		sha256_update(&s, (const char *)data + o, len - o < step ? len - o : step);
	sha256_final(&s, d);
	sha256_hex(d, hex);
	return hex;
}

static void test_sha256(void)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = malloc(1000000);

	CHECK_STR(digest_of("", 0, 1),
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_STR(digest_of("abc", 3, 3),
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_STR(digest_of(two_blocks, strlen(two_blocks), 56),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* the same in odd pieces: block boundaries inside an update */
	CHECK_STR(digest_of(two_blocks, strlen(two_blocks), 7),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', 1000000);
	CHECK_STR(digest_of(million, 1000000, 4099),
		  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* 55 and 64 bytes: the padding edge cases */
	CHECK_STR(digest_of(million, 55, 55),
		  "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	CHECK_STR(digest_of(million, 64, 64),
		  "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
	free(million);
}

static void test_names(void)
{
	char buf[CAPTURE_NAME_MAX], small[8];

	CHECK_INT(capture_write_name(buf, sizeof(buf), 2049, 1234567), 28);
	CHECK_STR(buf, "write.dev-2049.inode-1234567");
	CHECK_INT(capture_write_name(small, sizeof(small), 2049, 1), -1);
	CHECK(capture_mem_name(buf, sizeof(buf), 987654321) > 0);
	CHECK_STR(buf, "bin.987654321");
	CHECK(capture_exec_name(buf, sizeof(buf), 42, "/usr/bin/true", 13) > 0);
	CHECK_STR(buf, "exec.42.true");
	/* the name is untrusted: no separators, no control bytes */
	CHECK(capture_exec_name(buf, sizeof(buf), 1, "/x/a b\n..", 9) > 0);
	CHECK_STR(buf, "exec.1.a_b_..");
	CHECK(capture_exec_name(buf, sizeof(buf), 1, "/dir/", 5) > 0);
	CHECK_STR(buf, "exec.1._");
	CHECK(capture_exec_name(buf, sizeof(buf), 1, "noslash", 7) > 0);
	CHECK_STR(buf, "exec.1.noslash");
	CHECK_INT(capture_exec_name(small, sizeof(small), 123456, "/bin/sh", 7), -1);

	CHECK_INT(capture_ctr_name(buf, sizeof(buf), ""), 4);
	CHECK_STR(buf, "host");
	CHECK_INT(capture_ctr_name(buf, sizeof(buf), NULL), 4);
	CHECK_STR(buf, "host");
	CHECK_INT(capture_ctr_name(buf, sizeof(buf), "0123abcd"), 8);
	CHECK_STR(buf, "0123abcd");
	CHECK(capture_ctr_name(buf, sizeof(buf), "../etc") > 0);
	CHECK_STR(buf, ".._etc");
	CHECK(capture_ctr_name(buf, sizeof(buf), "..") > 0);
	CHECK_STR(buf, "host");

	CHECK(capture_dev_matches(8u << 20 | 1, makedev(8, 1)));
	CHECK(capture_dev_matches(259u << 20 | 70000, makedev(259, 70000)));
	CHECK(!capture_dev_matches(8u << 20 | 1, makedev(8, 2)));
	CHECK(!capture_dev_matches(8u << 20 | 1, makedev(1, 8)));
}

static void test_escape(void)
{
	char buf[64];

	CHECK_INT(capture_escape(buf, sizeof(buf), "/tmp/a b", 8), 8);
	CHECK_STR(buf, "/tmp/a b");
	capture_escape(buf, sizeof(buf), "a\tb\nc\\d\x7f", 8);
	CHECK_STR(buf, "a\\x09b\\x0ac\\\\d\\x7f");
	/* cut whole: never half an escape */
	CHECK_INT(capture_escape(buf, 6, "ab\ncd", 5), 2);
	CHECK_STR(buf, "ab");
}

static void test_parse_kinds(void)
{
	unsigned k = 0;

	CHECK_INT(capture_parse_kinds("write", &k), 0);
	CHECK_INT(k, CAPTURE_WRITE);
	CHECK_INT(capture_parse_kinds("exec,mem", &k), 0);
	CHECK_INT(k, CAPTURE_ALL);
	k = 0;
	CHECK_INT(capture_parse_kinds("all", &k), 0);
	CHECK_INT(k, CAPTURE_ALL);
	k = 0;
	CHECK_INT(capture_parse_kinds("mem,", &k), 0);
	CHECK_INT(k, CAPTURE_MEM);
	CHECK_INT(capture_parse_kinds("writes", &k), -EINVAL);
	CHECK_INT(capture_parse_kinds("", &k), -EINVAL);
	CHECK_INT(capture_parse_kinds(",", &k), -EINVAL);
	CHECK_INT(capture_parse_kinds("exec,bogus", &k), -EINVAL);
}

/* ---- synthetic records into a temporary output path ---- */

static char tmpdir[] = "/tmp/test_capture.XXXXXX";
static char outdir[PATH_MAX];

static struct tracee_config test_config(bool clear)
{
	struct tracee_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.output_path = outdir;
	cfg.capture = CAPTURE_ALL;
	cfg.clear_output_path = clear;
	return cfg;
}

/* A record: header, head, data; returns its size. */
static size_t make_record(unsigned char *buf, uint32_t id, uint64_t ts,
			  const struct capture_head *ch, const void *data)
{
	struct event_header h = { .ts = ts, .event_id = id, .host_pid = (unsigned)getpid() };
	size_t size = sizeof(h) + sizeof(*ch) + ch->len;

	h.size = (unsigned)size;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), ch, sizeof(*ch));
	memcpy(buf + sizeof(h) + sizeof(*ch), data, ch->len);
	return size;
}

static bool feed(struct capture *c, uint32_t id, uint64_t ts, struct capture_head ch,
		 const void *data)
{
	static unsigned char buf[sizeof(struct event_header) + sizeof(struct capture_head) + 8192 + 4096];
	size_t n = make_record(buf, id, ts, &ch, data);

	return capture_record(c, buf, n, NULL);
}

static char *read_file(const char *path, size_t *len)
{
	static char buf[1 << 20];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

	if (fd >= 0)
		close(fd);
	*len = n < 0 ? 0 : (size_t)n;
	return n < 0 ? NULL : buf;
}

static bool file_is(const char *path, const void *want, size_t want_len)
{
	size_t len;
	char *got = read_file(path, &len);

	return got && len == want_len && memcmp(got, want, len) == 0;
}

static void path_in(char *buf, size_t len, const char *name)
{
	if (snprintf(buf, len, "%s/host/%s", outdir, name) >= (int)len)
		buf[0] = '\0';
}

static void test_write_records(void)
{
	static unsigned char expect[50000], chunk[8192];
	struct capture_counts counts;
	struct capture *c;
	struct tracee_config cfg = test_config(true);
	struct capture_head ch = { .dev = 8u << 20 | 1, .ino = 77 };
	char p[PATH_MAX], bad_size[sizeof(struct event_header) + sizeof(struct capture_head) + 16];
	static const unsigned offs[] = { 40000, 0, 8192, 20000, 100, 45000 };

	CHECK_INT(capture_open(&c, &cfg), 0);
	if (!c)
		return;
	ch.len = 8;
	CHECK(feed(c, CAPTURE_REC_FILE, 1, ch, "/tmp/a\tb"));
	/* scattered, overlapping chunks: later ones win, as in the file */
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		size_t n = i == 5 ? 5000 : 8192;

		for (size_t j = 0; j < n; j++)
			chunk[j] = (unsigned char)(i * 31 + j);
		memcpy(expect + offs[i], chunk, n);
		ch.off = offs[i];
		ch.len = (unsigned)n;
		CHECK(feed(c, CAPTURE_REC_WRITE, 2 + i, ch, chunk));
	}
	/* a stream: appended whatever the offset says */
	struct capture_head st = { .dev = 15, .ino = 9, .flags = CAPTURE_F_APPEND, .off = 123 };

	st.len = 4;
	CHECK(feed(c, CAPTURE_REC_WRITE, 10, st, "one "));
	st.len = 3;
	CHECK(feed(c, CAPTURE_REC_WRITE, 11, st, "two"));
	/* untrusted: a head claiming more than the record holds, a short record */
	ch.len = 16;
	make_record((unsigned char *)bad_size, CAPTURE_REC_WRITE, 12, &ch, "0123456789abcdef");
	((struct capture_head *)(bad_size + sizeof(struct event_header)))->len = 1000;
	CHECK(capture_record(c, bad_size, sizeof(bad_size), NULL));
	CHECK(capture_record(c, bad_size, sizeof(struct event_header) + 4, NULL));
	((struct event_header *)bad_size)->event_id = 257;
	CHECK(!capture_record(c, bad_size, sizeof(bad_size), NULL));
	capture_flush(c);

	path_in(p, sizeof(p), "write.dev-8388609.inode-77");
	CHECK(file_is(p, expect, 50000));
	path_in(p, sizeof(p), "write.dev-15.inode-9");
	CHECK(file_is(p, "one two", 7));
	path_in(p, sizeof(p), "index");
	CHECK(file_is(p, "write.dev-8388609.inode-77\t/tmp/a\\x09b\n", 39));
	capture_get_counts(c, &counts);
	CHECK_INT(counts.files, 2);
	CHECK_INT(counts.errors, 0);
	capture_close(c, NULL, NULL);
}

static void test_mem_records(void)
{
	static unsigned char data[8192];
	struct capture_counts counts;
	struct tracee_config cfg = test_config(true);
	struct capture_head ch = { .addr = 0x7f0000000000, .total = 20000 };
	struct capture *c;
	char p[PATH_MAX], want[128];
	size_t len;

	CHECK_INT(capture_open(&c, &cfg), 0);
	if (!c)
		return;
	memset(data, 'X', sizeof(data));
	ch.len = 8192;
	ch.off = 8192;     /* the first chunk was unreadable: a hole of zeros stays */
	CHECK(feed(c, CAPTURE_REC_MEM, 555, ch, data));
	ch.off = 16384;
	ch.len = 20000 - 16384;
	CHECK(feed(c, CAPTURE_REC_MEM, 555, ch, data));
	ch.off = 19999;    /* past the region: ignored */
	ch.len = 2;
	CHECK(feed(c, CAPTURE_REC_MEM, 555, ch, data));
	capture_flush(c);
	path_in(p, sizeof(p), "bin.555");
	char *got = read_file(p, &len);

	CHECK_INT(len, 20000);
	CHECK(got && got[0] == 0 && got[8191] == 0 && got[8192] == 'X' && got[19999] == 'X');
	capture_get_counts(c, &counts);
	CHECK_INT(counts.regions, 1);
	path_in(p, sizeof(p), "index");
	snprintf(want, sizeof(want), "bin.555\tpid %u addr 0x7f0000000000 len 20000\n",
		 (unsigned)getpid());
	CHECK(file_is(p, want, strlen(want)));
	capture_close(c, NULL, NULL);
}

static void test_planted(void)
{
	struct tracee_config cfg = test_config(false);
	struct capture_head ch = { .dev = 1, .ino = 2, .len = 5 };
	struct capture_counts counts;
	struct capture *c;
	char p[PATH_MAX], target[PATH_MAX], hard[PATH_MAX];

	snprintf(target, sizeof(target), "%s/precious", tmpdir);
	snprintf(hard, sizeof(hard), "%s/precious2", tmpdir);
	FILE *f = fopen(target, "w");

	if (f) {
		fputs("keep", f);
		fclose(f);
	}
	f = fopen(hard, "w");
	if (f) {
		fputs("keep2", f);
		fclose(f);
	}
	path_in(p, sizeof(p), "write.dev-1.inode-2");
	unlink(p);
	CHECK_INT(symlink(target, p), 0);
	path_in(p, sizeof(p), "write.dev-1.inode-3");
	unlink(p);
	CHECK_INT(link(hard, p), 0);
	CHECK_INT(capture_open(&c, &cfg), 0);
	if (!c)
		return;
	CHECK(feed(c, CAPTURE_REC_WRITE, 1, ch, "HACK!"));
	ch.ino = 3;
	CHECK(feed(c, CAPTURE_REC_WRITE, 2, ch, "HACK!"));
	capture_flush(c);
	CHECK(file_is(target, "keep", 4));
	CHECK(file_is(hard, "keep2", 5));
	capture_get_counts(c, &counts);
	CHECK_INT(counts.errors, 2);
	CHECK_INT(counts.files, 0);
	capture_close(c, NULL, NULL);

	/* --clear-output-path removes the planted links, not what they point to */
	cfg = test_config(true);
	CHECK_INT(capture_open(&c, &cfg), 0);
	capture_close(c, NULL, NULL);
	path_in(p, sizeof(p), "");
	CHECK(access(p, F_OK) != 0);
	CHECK(file_is(target, "keep", 4));
	CHECK(file_is(hard, "keep2", 5));
}

static void test_exec_records(void)
{
	static const char body[] = "#!/bin/sh\necho not really executed\n";
	struct tracee_config cfg = test_config(true);
	struct capture_counts counts;
	struct capture_head ch = { 0 };
	struct capture *c;
	struct stat st;
	char bin[PATH_MAX], p[PATH_MAX], name[CAPTURE_NAME_MAX];
	struct event_header h = { .event_id = EVENT_SECURITY_BPRM_CHECK, .host_pid = (unsigned)getpid() };
	struct event ev = { .hdr = &h };
	const char *sum = digest_of(body, sizeof(body) - 1, 64);
	char want[SHA256_HEX_LEN];

	memcpy(want, sum, sizeof(want));
	snprintf(bin, sizeof(bin), "%s/some-prog", tmpdir);
	FILE *f = fopen(bin, "w");

	if (!f)
		return;
	fputs(body, f);
	fclose(f);
	CHECK_INT(stat(bin, &st), 0);
	ch.dev = major(st.st_dev) << 20 | minor(st.st_dev);
	ch.ino = st.st_ino;
	ch.mtime_sec = st.st_mtim.tv_sec;
	ch.mtime_nsec = (unsigned)st.st_mtim.tv_nsec;
	ch.total = (unsigned long long)st.st_size;
	ch.len = (unsigned)strlen(bin);
	CHECK_INT(capture_open(&c, &cfg), 0);
	if (!c)
		return;
	/* /proc/<us>/exe is this test, not the file: found by its path instead */
	CHECK(feed(c, CAPTURE_REC_EXEC, 100, ch, bin));
	CHECK(feed(c, CAPTURE_REC_EXEC, 101, ch, bin));         /* same version: no copy */
	capture_annotate(c, &ev);
	CHECK_STR(ev.sha256, want);
	h.event_id = EVENT_SCHED_PROCESS_EXEC;
	capture_annotate(c, &ev);
	CHECK_STR(ev.sha256, want);
	capture_annotate(c, &ev);                               /* taken: not twice */
	CHECK(ev.sha256 == NULL);
	h.event_id = 257;
	capture_annotate(c, &ev);
	CHECK(ev.sha256 == NULL);
	ch.mtime_nsec ^= 1;                                     /* not the version executed */
	CHECK(feed(c, CAPTURE_REC_EXEC, 102, ch, bin));
	capture_flush(c);
	capture_exec_name(name, sizeof(name), 100, bin, strlen(bin));
	path_in(p, sizeof(p), name);
	CHECK(file_is(p, body, sizeof(body) - 1));
	capture_exec_name(name, sizeof(name), 101, bin, strlen(bin));
	path_in(p, sizeof(p), name);
	CHECK(access(p, F_OK) != 0);
	capture_get_counts(c, &counts);
	CHECK_INT(counts.execs, 1);
	CHECK_INT(counts.errors, 1);
	capture_close(c, NULL, NULL);
	unlink(bin);
}

static void test_output_dir_checks(void)
{
	struct tracee_config cfg = test_config(false);
	struct capture *c = NULL;
	char dir[PATH_MAX], link_path[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/shared", tmpdir);
	mkdir(dir, 0700);
	chmod(dir, 0777);
	cfg.output_path = dir;
	CHECK_INT(capture_open(&c, &cfg), -EPERM);
	CHECK(c == NULL);
	snprintf(link_path, sizeof(link_path), "%s/link", tmpdir);
	CHECK_INT(symlink(dir, link_path), 0);
	chmod(dir, 0700);
	cfg.output_path = link_path;
	CHECK(capture_open(&c, &cfg) < 0);
	unlink(link_path);
	rmdir(dir);
}

static void test_filter_make(void)
{
	struct capture_filter f;

	capture_filter_make(&f, "/tmp/abcdefghi");
	CHECK(memcmp(f.word, "/tmp/abcdefghi", 14) == 0);
	CHECK(((unsigned char *)f.word)[14] == 0);
	CHECK(((unsigned char *)f.mask)[13] == 0xff && ((unsigned char *)f.mask)[14] == 0);
	CHECK(f.mask[2] == 0);
}

/* The command line: flags_parse as tracee's main calls it. */
static enum flags_result parse(struct tracee_config *cfg, const char *const *args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)"tracee";
	for (; *args && argc < 31; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	flags_defaults(cfg);
	return flags_parse(argc, argv, cfg);
}

static void test_flags(void)
{
	static struct tracee_config cfg;
	static const char *long_prefix[] = { "--filter-file-write", NULL, NULL };
	char big[CAPTURE_PREFIX_MAX + 1];

	CHECK_INT(parse(&cfg, (const char *[]){ "-e", "openat", NULL }), FLAGS_RUN);
	CHECK_INT(cfg.capture, 0);
	CHECK(!cfg.clear_output_path);
	CHECK_STR(cfg.output_path, "/tmp/tracee/out");
	CHECK_INT(parse(&cfg, (const char *[]){ "--capture", "write", "--capture", "exec,mem",
		  "--clear-output-path", "--output-path", "/o", "--filter-file-write", "/tmp/",
		  "--filter-file-write", "/var/log", NULL }), FLAGS_RUN);
	CHECK_INT(cfg.capture, CAPTURE_ALL);
	CHECK(cfg.clear_output_path);
	CHECK_STR(cfg.output_path, "/o");
	CHECK_INT(cfg.n_write_filters, 2);
	CHECK_STR(cfg.write_filters[0], "/tmp/");
	CHECK_STR(cfg.write_filters[1], "/var/log");
	CHECK_INT(parse(&cfg, (const char *[]){ "--capture", "all", NULL }), FLAGS_RUN);
	CHECK_INT(cfg.capture, CAPTURE_ALL);
	CHECK_INT(parse(&cfg, (const char *[]){ "--capture", "write,nope", NULL }), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, (const char *[]){ "--capture", NULL }), FLAGS_ERROR);
	CHECK_INT(parse(&cfg, (const char *[]){ "--filter-file-write", "", NULL }), FLAGS_ERROR);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	long_prefix[1] = big;
	CHECK_INT(parse(&cfg, long_prefix), FLAGS_ERROR);
	big[CAPTURE_PREFIX_MAX - 1] = '\0';
	CHECK_INT(parse(&cfg, long_prefix), FLAGS_RUN);
	const char *nine[2 * CAPTURE_FILTERS_MAX + 3];
	int n = 0;

	for (int i = 0; i <= CAPTURE_FILTERS_MAX; i++) {
		nine[n++] = "--filter-file-write";
		nine[n++] = "/x";
	}
	nine[n] = NULL;
	CHECK_INT(parse(&cfg, nine), FLAGS_ERROR);
	nine[n - 2] = NULL;
	CHECK_INT(parse(&cfg, nine), FLAGS_RUN);
	CHECK_INT(cfg.n_write_filters, CAPTURE_FILTERS_MAX);
}

int main(void)
{
	test_sha256();
	test_names();
	test_escape();
	test_parse_kinds();
	test_filter_make();
	test_flags();
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(outdir, sizeof(outdir), "%s/out", tmpdir);
	test_write_records();
	test_mem_records();
	test_planted();
	test_exec_records();
	test_output_dir_checks();
	/* what the tests left: artifacts (cleared), the link targets, the output path */
	struct tracee_config cfg = test_config(true);
	struct capture *c;

	if (capture_open(&c, &cfg) == 0)
		capture_close(c, NULL, NULL);
	static const char *const left[] = { "precious", "precious2", "out" };

	for (size_t i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/%s", tmpdir, left[i]);
		if (unlink(p))
			rmdir(p);
	}
	CHECK_INT(rmdir(tmpdir), 0);
	return check_report("capture");
}
