/* test_buildpolicy.c - finding, trusting and caching the eBPF object, without
 * privileges and without the build plugin: policy names, object names, the
 * search order, trust (modes, owners, symlinks), validity (corrupt, stale,
 * valid objects made here with libelf), atomic writes, vmlinux.h from BTF.
 * Cases that need root (chown) are skipped when not root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bp_internal.h"
#include "check.h"

static char root_dir[] = "/tmp/tracee-unit-bp.XXXXXX";
static char hash[17];

/* --- helpers ----------------------------------------------------------------- */

static const char *path_in(const char *dir, const char *name)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, PATH_MAX, "%s/%s", dir, name);
	return b;
}

static const char *make_dir(const char *name, mode_t mode)
{
	const char *p = path_in(root_dir, name);

	if (mkdir(p, 0700) || chmod(p, mode)) {
		perror(p);
		exit(2);
	}
	return p;
}

/* stderr of the code under test, captured */
static int saved_stderr = -1;
static FILE *capture_file;
static char captured[8192];

static void capture_begin(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	saved_stderr = dup(2);
	dup2(fileno(capture_file), 2);
}

static const char *capture_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	rewind(capture_file);
	n = fread(captured, 1, sizeof(captured) - 1, capture_file);
	captured[n] = '\0';
	fclose(capture_file);
	return captured;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static bool one_tracee_line(const char *s)
{
	return count_lines(s) == 1 && strncmp(s, "tracee: ", 8) == 0;
}

/* A minimal ELF64 relocatable object for machine, with a .text section and,
 * when meta is not NULL, a .tracee.meta section holding meta and its NUL. */
static int write_elf(const char *path, int machine, const char *meta, mode_t mode)
{
	static const char shstrtab[] = "\0.text\0.tracee.meta\0.shstrtab";
	static unsigned char text[16] = { 0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95 }; /* r0 = 0; exit */
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
	Elf_Data *d;
	Elf_Scn *scn;
	Elf *e;
	int fd, err = 0;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -errno;
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!e || !(eh = elf64_newehdr(e)))
		goto fail;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_machine = (Elf64_Half)machine;
	eh->e_type = ET_REL;
	eh->e_version = EV_CURRENT;

	scn = elf_newscn(e);
	d = elf_newdata(scn);
	d->d_buf = text; d->d_size = sizeof(text); d->d_align = 8; d->d_type = ELF_T_BYTE;
	sh = elf64_getshdr(scn);
	sh->sh_name = 1; sh->sh_type = SHT_PROGBITS; sh->sh_flags = SHF_ALLOC | SHF_EXECINSTR;

	if (meta) {
		scn = elf_newscn(e);
		d = elf_newdata(scn);
		d->d_buf = (void *)meta; d->d_size = strlen(meta) + 1; d->d_align = 1; d->d_type = ELF_T_BYTE;
		sh = elf64_getshdr(scn);
		sh->sh_name = 7; sh->sh_type = SHT_PROGBITS; sh->sh_flags = SHF_ALLOC;
	}

	scn = elf_newscn(e);
	d = elf_newdata(scn);
	d->d_buf = (void *)shstrtab; d->d_size = sizeof(shstrtab); d->d_align = 1; d->d_type = ELF_T_BYTE;
	sh = elf64_getshdr(scn);
	sh->sh_name = 20; sh->sh_type = SHT_STRTAB;
	eh->e_shstrndx = (Elf64_Half)elf_ndxscn(scn);

	if (elf_update(e, ELF_C_WRITE) < 0)
		goto fail;
	elf_end(e);
	if (fchmod(fd, mode))
		err = -errno;
	close(fd);
	return err;
fail:
	fprintf(stderr, "libelf: %s\n", elf_errmsg(-1));
	if (e)
		elf_end(e);
	close(fd);
	return -EIO;
}

static const char *meta_for(const char *h)
{
	static char m[64];

	snprintf(m, sizeof(m), BP_META_PREFIX "%s", h);
	return m;
}

static int write_valid(const char *path)
{
	return write_elf(path, EM_BPF, meta_for(hash), 0644);
}

static int write_bytes(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	fchmod(fd, mode);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

static void *read_whole(const char *path, size_t *len)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	*len = (size_t)read(fd, buf, (size_t)st.st_size);
	close(fd);
	return buf;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static enum bp_verdict load(const char *path, char *reason)
{
	void *data;
	size_t len;
	enum bp_verdict v = bp_object_load(path, hash, &data, &len, reason, BP_REASON_MAX);

	free(data);
	return v;
}

static int rm_one(const char *p, const struct stat *st, int type, struct FTW *f)
{
	(void)st; (void)type; (void)f;
	return remove(p);
}

/* --- cases ------------------------------------------------------------------- */

static void test_policy_parse(void)
{
	enum build_policy p = BUILD_ALWAYS;

	CHECK_INT(build_policy_parse("never", &p), 0);
	CHECK_INT(p, BUILD_NEVER);
	CHECK_INT(build_policy_parse("if-needed", &p), 0);
	CHECK_INT(p, BUILD_IF_NEEDED);
	CHECK_INT(build_policy_parse("always", &p), 0);
	CHECK_INT(p, BUILD_ALWAYS);
	CHECK_INT(build_policy_parse("sometimes", &p), -EINVAL);
	CHECK_INT(build_policy_parse("", &p), -EINVAL);
	CHECK_INT(build_policy_parse("Never", &p), -EINVAL);
	CHECK_INT(build_policy_parse(NULL, &p), -EINVAL);
	CHECK_INT(p, BUILD_ALWAYS);
}

static void test_object_name(void)
{
	char buf[128];
	struct buildpolicy_opts o = { 0 };
	bool running = false;

	CHECK_INT(bpf_object_name(buf, sizeof(buf), "6.18.44-fc-v782", "0.1.0"), 0);
	CHECK_STR(buf, "tracee.bpf.6_18_44-fc-v782.0_1_0.o");
	CHECK_INT(bpf_object_name(buf, sizeof(buf), "6.1.0-18-amd64", NULL), 0);
	CHECK_STR(buf, "tracee.bpf.6_1_0-18-amd64.0_1_0.o");
	CHECK_INT(bpf_object_name(buf, 20, "6.18.44-fc-v782", "0.1.0"), -ENAMETOOLONG);
	CHECK_INT(bpf_object_name(buf, sizeof(buf), "../../etc", "0.1.0"), -EINVAL);
	CHECK_INT(bpf_object_name(buf, sizeof(buf), "", "0.1.0"), -EINVAL);

	unsetenv("KERN_RELEASE");
	CHECK_INT(bp_kernel_release(&o, buf, sizeof(buf), &running), 0);
	CHECK(running);
	setenv("KERN_RELEASE", "6.1.0-18-amd64", 1);
	CHECK_INT(bp_kernel_release(&o, buf, sizeof(buf), &running), 0);
	CHECK_STR(buf, "6.1.0-18-amd64");
	CHECK(!running);
	o.kern_release = "5.10.0-1";
	CHECK_INT(bp_kernel_release(&o, buf, sizeof(buf), &running), 0);
	CHECK_STR(buf, "5.10.0-1");
	unsetenv("KERN_RELEASE");
}

static void test_locate(void)
{
	const char *exe = make_dir("locate-exe", 0755);
	const char *inst = path_in(root_dir, "locate-install");
	const char *envf = path_in(root_dir, "explicit.o");
	struct buildpolicy_opts o = { .exe_dir = exe, .install_path = inst, .kern_release = "1.2.3-x" };
	struct bp_location loc;
	const char *err;

	unsetenv("TRACEE_BPF_FILE");
	CHECK_INT(bp_locate(&o, &loc), 0);
	CHECK_STR(loc.name, "tracee.bpf.1_2_3-x.0_1_0.o");
	CHECK_STR(loc.release, "1.2.3-x");
	CHECK_INT(loc.ncand, 2);
	CHECK_INT(loc.cand[0].origin, BP_FROM_EXE_DIR);
	CHECK_STR(loc.cand[0].path, path_in(exe, "tracee.bpf.1_2_3-x.0_1_0.o"));
	CHECK_INT(loc.cand[1].origin, BP_FROM_INSTALL);
	CHECK_STR(loc.cand[1].path, path_in(inst, "tracee.bpf.1_2_3-x.0_1_0.o"));
	CHECK_STR(loc.install_obj, loc.cand[1].path);

	/* TRACEE_BPF_FILE first, whatever its name */
	CHECK_INT(write_valid(envf), 0);
	setenv("TRACEE_BPF_FILE", envf, 1);
	CHECK_INT(bp_locate(&o, &loc), 0);
	CHECK_INT(loc.ncand, 3);
	CHECK_INT(loc.cand[0].origin, BP_FROM_ENV);
	CHECK_STR(loc.cand[0].path, envf);
	CHECK_INT(loc.cand[1].origin, BP_FROM_EXE_DIR);
	CHECK_INT(loc.cand[2].origin, BP_FROM_INSTALL);

	/* set but missing: an error naming it */
	setenv("TRACEE_BPF_FILE", path_in(root_dir, "missing.o"), 1);
	capture_begin();
	CHECK_INT(bp_locate(&o, &loc), -ENOENT);
	err = capture_end();
	CHECK(one_tracee_line(err));
	CHECK(strstr(err, "TRACEE_BPF_FILE=") && strstr(err, "missing.o: no such file"));
	unsetenv("TRACEE_BPF_FILE");

	/* the executable's directory as the install path (make bpf): once */
	o.install_path = exe;
	CHECK_INT(bp_locate(&o, &loc), 0);
	CHECK_INT(loc.ncand, 1);
	CHECK_INT(loc.cand[0].origin, BP_FROM_INSTALL);

	/* no exe_dir, default install path */
	o.exe_dir = NULL;
	o.install_path = NULL;
	CHECK_INT(bp_locate(&o, &loc), 0);
	CHECK_INT(loc.ncand, 1);
	CHECK_STR(loc.cand[0].path, "/tmp/tracee/tracee.bpf.1_2_3-x.0_1_0.o");
	unlink(envf);
}

static void test_source_hash(void)
{
	char h2[17];
	size_t n = 0;

	buildpolicy_source_hash(hash);
	buildpolicy_source_hash(h2);
	CHECK_INT(strlen(hash), 16);
	for (const char *c = hash; *c; c++)
		n += (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f');
	CHECK_INT(n, 16);
	CHECK_STR(hash, h2);
	CHECK(tracee_embedded_sources_len > 0);
}

static void test_dir_trust(void)
{
	const char *open_dir = make_dir("dir-0777", 0777);
	const char *group_dir = make_dir("dir-0770", 0770);
	const char *ok_dir = make_dir("dir-0700", 0700);
	const char *ok_dir2 = make_dir("dir-0755", 0755);
	const char *link = path_in(root_dir, "dir-link");
	const char *fresh = path_in(root_dir, "fresh/a/b/install");
	struct stat st;
	const char *err;

	capture_begin();
	CHECK_INT(bp_dir_trusted(open_dir, false), -EPERM);
	err = capture_end();
	CHECK(one_tracee_line(err));
	CHECK(strstr(err, "writable by group or others (mode 0777): refusing to trust it; "
			  "remove it or pass --install-path") != NULL);

	capture_begin();
	CHECK_INT(bp_dir_trusted(group_dir, true), -EPERM);
	CHECK(one_tracee_line(capture_end()));

	CHECK_INT(bp_dir_trusted(ok_dir, false), 0);
	CHECK_INT(bp_dir_trusted(ok_dir2, false), 0);

	CHECK_INT(symlink(ok_dir, link), 0);
	capture_begin();
	CHECK_INT(bp_dir_trusted(link, true), -EPERM);
	err = capture_end();
	CHECK(one_tracee_line(err) && strstr(err, "symbolic link"));

	/* absent: silent -ENOENT, or made 0700 */
	CHECK_INT(bp_dir_trusted(fresh, false), -ENOENT);
	CHECK_INT(bp_dir_trusted(fresh, true), 0);
	CHECK(stat(fresh, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(st.st_mode & 07777, 0700);
	CHECK_INT(bp_dir_trusted(fresh, true), 0);

	/* a file where the directory should be */
	CHECK_INT(write_bytes(path_in(root_dir, "dir-file"), "x", 1, 0600), 0);
	capture_begin();
	CHECK_INT(bp_dir_trusted(path_in(root_dir, "dir-file"), true), -ENOTDIR);
	CHECK(one_tracee_line(capture_end()));

	if (geteuid() == 0) {
		const char *theirs = make_dir("dir-theirs", 0700);

		CHECK_INT(chown(theirs, 65534, 65534), 0);
		capture_begin();
		CHECK_INT(bp_dir_trusted(theirs, true), -EPERM);
		err = capture_end();
		CHECK(one_tracee_line(err));
		CHECK(strstr(err, "is owned by uid 65534, not by you (uid 0): refusing to trust it; "
				  "remove it or pass --install-path") != NULL);
	} else {
		printf("buildpolicy: skip: a directory owned by another user (needs root to chown)\n");
	}
}

static void test_object_trust(void)
{
	const char *dir = make_dir("objects", 0700);
	const char *valid = path_in(dir, "valid.o");
	const char *link = path_in(dir, "link.o");
	const char *gw = path_in(dir, "group-writable.o");
	const char *ow = path_in(dir, "other-writable.o");
	char reason[BP_REASON_MAX];
	void *data, *file;
	size_t len, flen;

	CHECK_INT(write_valid(valid), 0);
	CHECK_INT(bp_object_load(valid, hash, &data, &len, reason, sizeof(reason)), BP_VALID);
	file = read_whole(valid, &flen);
	CHECK(data && file && len == flen && memcmp(data, file, len) == 0);
	free(data);
	free(file);

	CHECK_INT(symlink(valid, link), 0);
	CHECK_INT(load(link, reason), BP_UNTRUSTED);
	CHECK_STR(reason, "is a symbolic link");

	CHECK_INT(write_elf(gw, EM_BPF, meta_for(hash), 0664), 0);
	CHECK_INT(load(gw, reason), BP_UNTRUSTED);
	CHECK_STR(reason, "is writable by group or others (mode 0664)");
	CHECK_INT(write_elf(ow, EM_BPF, meta_for(hash), 0646), 0);
	CHECK_INT(load(ow, reason), BP_UNTRUSTED);

	CHECK_INT(load(path_in(dir, "absent.o"), reason), BP_MISSING);
	CHECK_INT(load(dir, reason), BP_UNTRUSTED);           /* a directory */
	CHECK_STR(reason, "is not a regular file");
	CHECK_INT(mkfifo(path_in(dir, "fifo.o"), 0600), 0);  /* must not hang */
	CHECK_INT(load(path_in(dir, "fifo.o"), reason), BP_UNTRUSTED);

	if (geteuid() == 0) {
		const char *theirs = path_in(dir, "theirs.o");

		CHECK_INT(write_valid(theirs), 0);
		CHECK_INT(chown(theirs, 65534, 65534), 0);
		CHECK_INT(load(theirs, reason), BP_UNTRUSTED);
		CHECK_STR(reason, "is owned by uid 65534, not by you (uid 0)");
	} else {
		printf("buildpolicy: skip: an object owned by another user (needs root to chown)\n");
	}
}

static void test_object_validity(void)
{
	const char *dir = make_dir("validity", 0700);
	const char *p = path_in(dir, "obj.o");
	char reason[BP_REASON_MAX], other[17];
	unsigned char junk[4096];
	void *good;
	size_t glen;

	CHECK_INT(write_valid(p), 0);
	good = read_whole(p, &glen);
	CHECK(good && glen > 64);
	CHECK_INT(bp_object_check(good, glen, hash, reason, sizeof(reason)), BP_VALID);

	/* truncated anywhere: corrupt */
	CHECK_INT(write_bytes(p, good, glen / 2, 0644), 0);
	CHECK_INT(load(p, reason), BP_CORRUPT);
	CHECK(strncmp(reason, "is corrupt (", 12) == 0);
	for (size_t cut = 0; cut < glen; cut += 7)
		CHECK_INT(bp_object_check(good, cut, hash, reason, sizeof(reason)) == BP_VALID, 0);
	CHECK_INT(write_bytes(p, "garbage", 7, 0644), 0);
	CHECK_INT(load(p, reason), BP_CORRUPT);
	CHECK_INT(write_bytes(p, "", 0, 0644), 0);
	CHECK_INT(load(p, reason), BP_CORRUPT);

	/* random bytes, and random bytes behind a valid ELF header */
	srand(42);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)rand();
	CHECK_INT(write_bytes(p, junk, sizeof(junk), 0644), 0);
	CHECK_INT(load(p, reason), BP_CORRUPT);
	memcpy(junk, good, sizeof(Elf64_Ehdr));
	CHECK_INT(bp_object_check(junk, sizeof(junk), hash, reason, sizeof(reason)), BP_CORRUPT);

	/* not eBPF */
	CHECK_INT(write_elf(p, EM_X86_64, meta_for(hash), 0644), 0);
	CHECK_INT(load(p, reason), BP_CORRUPT);
	CHECK(strstr(reason, "not eBPF") != NULL);

	/* an eBPF ELF without the section, or built from other sources */
	CHECK_INT(write_elf(p, EM_BPF, NULL, 0644), 0);
	CHECK_INT(load(p, reason), BP_STALE);
	CHECK(strncmp(reason, "is stale (", 10) == 0);
	snprintf(other, sizeof(other), "%016llx", strtoull(hash, NULL, 16) ^ 1);
	CHECK_INT(write_elf(p, EM_BPF, meta_for(other), 0644), 0);
	CHECK_INT(load(p, reason), BP_STALE);
	CHECK(strstr(reason, other) && strstr(reason, hash));
	CHECK_INT(write_elf(p, EM_BPF, "tracee-meta v1 src=unknown", 0644), 0);
	CHECK_INT(load(p, reason), BP_STALE);
	CHECK_INT(write_elf(p, EM_BPF, "tracee-meta v2 src=0123456789abcdef", 0644), 0);
	CHECK_INT(load(p, reason), BP_STALE);

	CHECK_INT(write_valid(p), 0);
	CHECK_INT(load(p, reason), BP_VALID);
	free(good);
}

static void test_atomic_write(void)
{
	const char *dir = make_dir("atomic", 0700);
	const char *p = path_in(dir, "obj.o");
	const char *err;
	char data[3000];
	struct stat st;
	void *back;
	size_t len;

	memset(data, 'a', sizeof(data));
	CHECK_INT(bp_write_atomic(p, data, sizeof(data)), 0);
	CHECK_INT(count_entries(dir), 1);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0644 && st.st_size == sizeof(data));
	memset(data, 'b', sizeof(data));
	CHECK_INT(bp_write_atomic(p, data, 100), 0);
	back = read_whole(p, &len);
	CHECK(back && len == 100 && memcmp(back, data, 100) == 0);
	free(back);
	CHECK_INT(count_entries(dir), 1);

	capture_begin();
	CHECK_INT(bp_write_atomic(path_in(dir, "no/such/dir.o"), data, 10), -ENOENT);
	err = capture_end();
	CHECK(one_tracee_line(err) && strstr(err, "cannot write"));
	CHECK_INT(count_entries(dir), 1);

	/* several writers at once: every one succeeds, one valid object remains */
	{
		const char *obj = path_in(dir, "shared.o");
		const char *src = path_in(root_dir, "valid-src.o");
		pid_t kids[8];
		int ok = 0, status;
		char reason[BP_REASON_MAX];
		void *img;

		CHECK_INT(write_valid(src), 0);
		img = read_whole(src, &len);
		for (int i = 0; i < 8; i++) {
			kids[i] = fork();
			if (kids[i] == 0) {
				int rc = 0;

				for (int j = 0; j < 50 && !rc; j++)
					rc = bp_write_atomic(obj, img, len);
				_exit(rc ? 1 : 0);
			}
		}
		for (int i = 0; i < 8; i++)
			ok += waitpid(kids[i], &status, 0) == kids[i] && WIFEXITED(status) &&
			      WEXITSTATUS(status) == 0;
		CHECK_INT(ok, 8);
		CHECK_INT(load(obj, reason), BP_VALID);
		CHECK_INT(count_entries(dir), 2);
		free(img);
	}
}

static void test_obtain(void)
{
	const char *exe = make_dir("obtain-exe", 0755);
	const char *inst = path_in(root_dir, "obtain-install");
	const char *name_env = path_in(root_dir, "from-env.o");
	struct buildpolicy_opts o = { .policy = BUILD_NEVER, .exe_dir = exe, .install_path = inst,
				      .plugin_path = "/nonexistent/tracee-build.so" };
	struct bpf_object_file f = { 0 };
	struct bp_location loc;
	const char *err;
	struct stat st;

	unsetenv("TRACEE_BPF_FILE");
	unsetenv("KERN_RELEASE");
	CHECK_INT(bp_locate(&o, &loc), 0);
	/* a valid object is one built for this kernel's feature decisions */
	{
		struct bp_features feat;

		CHECK_INT(bp_features_decide(&o, &loc, &feat), 0);
		bp_object_hash(&feat, hash);
	}

	/* never, nothing anywhere: one line, the paths searched, how to build */
	capture_begin();
	CHECK_INT(buildpolicy_obtain(&o, &f), -ENOENT);
	err = capture_end();
	CHECK(one_tracee_line(err));
	CHECK(strstr(err, loc.cand[0].path) && strstr(err, loc.cand[1].path));
	CHECK(strstr(err, "make bpf") && strstr(err, "--build-policy if-needed"));
	CHECK(f.data == NULL);
	CHECK(access(inst, F_OK) != 0);   /* never does not create the install path */

	/* never, a stale object next to the executable: refused, one line */
	CHECK_INT(write_elf(loc.cand[0].path, EM_BPF, NULL, 0644), 0);
	capture_begin();
	CHECK_INT(buildpolicy_obtain(&o, &f), -ESTALE);
	err = capture_end();
	CHECK(one_tracee_line(err) && strstr(err, "is stale") && strstr(err, "refusing"));

	/* never, a valid one next to the executable */
	CHECK_INT(write_valid(loc.cand[0].path), 0);
	CHECK_INT(buildpolicy_obtain(&o, &f), 0);
	CHECK_STR(f.path, loc.cand[0].path);
	CHECK(f.data && f.len > 64 && !f.built);
	bpf_object_file_free(&f);
	CHECK(f.data == NULL);

	/* TRACEE_BPF_FILE wins */
	CHECK_INT(write_valid(name_env), 0);
	setenv("TRACEE_BPF_FILE", name_env, 1);
	CHECK_INT(buildpolicy_obtain(&o, &f), 0);
	CHECK_STR(f.path, name_env);
	bpf_object_file_free(&f);
	/* ... and is refused, not replaced, when it is corrupt */
	CHECK_INT(write_bytes(name_env, "garbage", 7, 0644), 0);
	o.policy = BUILD_IF_NEEDED;
	capture_begin();
	CHECK_INT(buildpolicy_obtain(&o, &f), -ENOEXEC);
	err = capture_end();
	CHECK(one_tracee_line(err) && strstr(err, "TRACEE_BPF_FILE=") && strstr(err, "is corrupt"));
	unsetenv("TRACEE_BPF_FILE");
	unlink(loc.cand[0].path);

	/* if-needed with a valid cached object: no build, no plugin */
	CHECK_INT(mkdir(inst, 0700), 0);
	CHECK_INT(write_valid(loc.cand[1].path), 0);
	CHECK_INT(buildpolicy_obtain(&o, &f), 0);
	CHECK_STR(f.path, loc.cand[1].path);
	CHECK(!f.built);
	bpf_object_file_free(&f);

	/* never, a corrupt cached object: refused in one line */
	CHECK_INT(write_bytes(loc.cand[1].path, "garbage", 7, 0644), 0);
	o.policy = BUILD_NEVER;
	capture_begin();
	CHECK_INT(buildpolicy_obtain(&o, &f), -ENOEXEC);
	err = capture_end();
	CHECK(one_tracee_line(err) && strstr(err, "is corrupt") && strstr(err, "refusing"));

	/* if-needed, corrupt: rebuilds, which needs the plugin: a slim install */
	o.policy = BUILD_IF_NEEDED;
	capture_begin();
	CHECK_INT(buildpolicy_obtain(&o, &f), -ENOENT);
	err = capture_end();
	CHECK(strstr(err, "rebuilding it") != NULL);
	CHECK(strstr(err, "tracee: cannot build the eBPF object: build plugin "
			  "/nonexistent/tracee-build.so not found (this is a slim install); provide a "
			  "prebuilt object with TRACEE_BPF_FILE or in ") != NULL);
	CHECK_INT(count_lines(err), 2);

	/* if-needed, nothing at all: makes the install dir 0700, then the same */
	rmdir(path_in(root_dir, "obtain-install2"));
	o.install_path = path_in(root_dir, "obtain-install2");
	capture_begin();
	CHECK_INT(buildpolicy_obtain(&o, &f), -ENOENT);
	err = capture_end();
	CHECK(one_tracee_line(err) && strstr(err, "slim install"));
	CHECK(stat(o.install_path, &st) == 0 && (st.st_mode & 07777) == 0700);

	/* an untrusted install path is refused before anything is built */
	o.install_path = make_dir("obtain-0777", 0777);
	capture_begin();
	CHECK_INT(buildpolicy_obtain(&o, &f), -EPERM);
	err = capture_end();
	CHECK(one_tracee_line(err) && strstr(err, "refusing to trust it"));
	o.policy = BUILD_ALWAYS;
	capture_begin();
	CHECK_INT(buildpolicy_obtain(&o, &f), -EPERM);
	CHECK(one_tracee_line(capture_end()));
}

static void test_vmlinux_h(void)
{
	char *text = NULL;
	size_t len = 0;

	if (access(BP_VMLINUX_BTF, R_OK)) {
		printf("buildpolicy: skip: no %s\n", BP_VMLINUX_BTF);
		return;
	}
	CHECK_INT(bp_vmlinux_h(BP_VMLINUX_BTF, &text, &len), 0);
	if (!text)
		return;
	CHECK_INT(strlen(text), len);
	/* the types the sources name, what they are made of, every enum ... */
	CHECK(strstr(text, "struct task_struct {") != NULL);
	CHECK(strstr(text, "struct linux_binprm {") != NULL);
	CHECK(strstr(text, "struct pt_regs {") != NULL);
	CHECK(strstr(text, "struct list_head {") != NULL);
	CHECK(strstr(text, "typedef unsigned int __u32;") != NULL);
	CHECK(strstr(text, "BPF_MAP_TYPE_RINGBUF = ") != NULL);
	/* ... and not the rest of the kernel: a fraction of its 3 MB */
	CHECK(strstr(text, "struct tcp_sock {") == NULL);
	CHECK(len < (1u << 20));
	printf("buildpolicy: vmlinux.h of the sources' types: %zu bytes\n", len);
	CHECK(strstr(text, "#ifndef __VMLINUX_H__") == strstr(text, "#ifndef"));
	CHECK(strstr(text, "#pragma clang attribute push (__attribute__((preserve_access_index)), "
			   "apply_to = record)") != NULL);
	CHECK(strstr(text, "#pragma clang attribute pop") != NULL);
	free(text);

	CHECK(bp_vmlinux_h("/nonexistent/vmlinux", &text, &len) < 0);
	CHECK(text == NULL);
}

static void test_headers(void)
{
	char src[PATH_MAX], obj[PATH_MAX];
	const char *tree = make_dir("headers", 0755);
	const char *common = make_dir("headers-common", 0755);
	const char *err;
	FILE *f;

	/* explicit and not a tree: an error */
	capture_begin();
	CHECK(bp_find_headers(tree, "1.2.3", src, obj, sizeof(src)) < 0);
	err = capture_end();
	CHECK(one_tracee_line(err) && strstr(err, "KERN_HEADERS="));
	/* none for a made-up release: silent -ENOENT */
	CHECK_INT(bp_find_headers(NULL, "0.0.0-none", src, obj, sizeof(src)), -ENOENT);

	/* Debian's split: the build half names the common half in its Makefile */
	{
		char cmd[3 * PATH_MAX];

		snprintf(cmd, sizeof(cmd), "mkdir -p %s/include/generated %s/include/linux && "
			 "touch %s/include/generated/autoconf.h %s/include/linux/kconfig.h",
			 tree, common, tree, common);
		CHECK_INT(system(cmd), 0);
	}
	f = fopen(path_in(tree, "Makefile"), "w");
	CHECK(f != NULL);
	if (f) {
		fprintf(f, "# generated\ninclude %s/Makefile\n", common);
		fclose(f);
	}
	CHECK_INT(bp_find_headers(tree, "1.2.3", src, obj, sizeof(src)), 0);
	CHECK_STR(obj, tree);
	CHECK_STR(src, common);
	/* older kbuild: MAKEARGS := -C <src> */
	f = fopen(path_in(tree, "Makefile"), "w");
	if (f) {
		fprintf(f, "MAKEARGS := -C %s\nMAKEARGS += O=x\n", common);
		fclose(f);
	}
	src[0] = '\0';
	CHECK_INT(bp_find_headers(tree, "1.2.3", src, obj, sizeof(src)), 0);
	CHECK_STR(src, common);
	/* a "source" link wins over the Makefile */
	unlink(path_in(tree, "Makefile"));
	CHECK_INT(symlink(common, path_in(tree, "source")), 0);
	src[0] = '\0';
	CHECK_INT(bp_find_headers(tree, "1.2.3", src, obj, sizeof(src)), 0);
	CHECK_STR(src, path_in(tree, "source"));
}

/* Writes text to dir/rel, making its directories. */
static void write_text(const char *dir, const char *rel, const char *text)
{
	char cmd[2 * PATH_MAX], path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	CHECK_INT(system(cmd), 0);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A headers tree for release with this uapi bpf.h and mm_types.h, decided
 * as make bpf KERN_RELEASE= KERN_HEADERS= would. */
static void decide_headers(const char *tree, const char *release, const char *bpf_h,
			   const char *mm_h, struct bp_features *f)
{
	struct buildpolicy_opts o = { .policy = BUILD_IF_NEEDED, .kern_headers = tree };
	struct bp_location loc = { .running_kernel = false };

	write_text(tree, "include/generated/autoconf.h", "");
	write_text(tree, "include/linux/kconfig.h", "");
	write_text(tree, "include/uapi/linux/bpf.h", bpf_h);
	write_text(tree, "include/linux/mm_types.h", mm_h);
	snprintf(loc.release, sizeof(loc.release), "%s", release);
	CHECK_INT(bp_features_decide(&o, &loc, f), 0);
}

/* Another kernel's features come from its headers: the helpers its uapi
 * bpf.h lists in either spelling of FN(), its map types, its mm_struct. */
static void test_features(void)
{
	const char *old = make_dir("kernel-5.10", 0755), *new = make_dir("kernel-6.1", 0755);
	struct buildpolicy_opts o = { .policy = BUILD_IF_NEEDED };
	struct bp_location loc = { .running_kernel = false };
	char defs[BP_DEFINES_MAX][BP_DEFINE_MAX];
	struct bp_features f;
	uint32_t off;
	const char *err;
	char h1[17], h2[17];

	/* the off list */
	CHECK_INT(bp_features_parse_off("ringbuf,find_vma", &off), 0);
	CHECK_INT(off, (1u << BP_FEAT_RINGBUF) | (1u << BP_FEAT_FIND_VMA));
	CHECK_INT(bp_features_parse_off("all", &off), 0);
	CHECK_INT(off, (1u << BP_FEAT_MAX) - 1);
	CHECK_INT(bp_features_parse_off("", &off), 0);
	CHECK_INT(off, 0);
	capture_begin();
	CHECK_INT(bp_features_parse_off("ringbuf,tp_btf", &off), -EINVAL);
	err = capture_end();
	CHECK(one_tracee_line(err) && strstr(err, "unknown feature 'tp_btf'") &&
	      strstr(err, "known: ringbuf,bpf_loop"));

	/* 5.10: FN(name) without ids, ring buffer yes, bpf_loop no, VMAs in an rbtree */
	decide_headers(old, "5.10.0-32-cloud-amd64",
		       "#define __BPF_FUNC_MAPPER(FN) FN(unspec), FN(ktime_get_boot_ns), FN(ringbuf_output),\\\n"
		       "\tFN(get_current_task),\n"
		       "enum bpf_map_type { BPF_MAP_TYPE_RINGBUF, BPF_MAP_TYPE_RINGBUFX };\n",
		       "struct mm_struct { struct rb_root mm_rb; };\n", &f);
	CHECK_INT(f.source, BP_FEAT_FROM_HEADERS);
	CHECK_INT(f.have, (1u << BP_FEAT_RINGBUF) | (1u << BP_FEAT_BOOT_NS));
	CHECK(!f.vma_maple);
	CHECK_INT((int)bp_features_defines(&f, defs), BP_DEFINES_MAX);
	CHECK_STR(defs[BP_FEAT_RINGBUF], "-DTRACEE_FEAT_RINGBUF=1");
	CHECK_STR(defs[BP_FEAT_BPF_LOOP], "-DTRACEE_FEAT_BPF_LOOP=0");
	CHECK_STR(defs[BP_FEAT_MAX], "-DTRACEE_VMA_MAPLE=0");
	bp_object_hash(&f, h1);

	/* 6.1: FN(name, id, ...), everything, the maple tree */
	decide_headers(new, "6.1.0-56-cloud-amd64",
		       "FN(ktime_get_boot_ns, 125, ##ctx) FN(get_current_task_btf, 158, ##ctx)\n"
		       "FN(task_pt_regs, 175, ##ctx) FN(find_vma, 180, ##ctx) FN(loop, 181, ##ctx)\n"
		       "\tBPF_MAP_TYPE_RINGBUF,\n",
		       "struct mm_struct { struct maple_tree mm_mt; };\n", &f);
	CHECK_INT(f.have, (1u << BP_FEAT_MAX) - 1);
	CHECK(f.vma_maple);
	bp_object_hash(&f, h2);
	CHECK(strcmp(h1, h2) != 0);

	/* forced off, and what needs it goes too: find_vma and task_pt_regs take a BTF task */
	o.kern_headers = new;
	snprintf(loc.release, sizeof(loc.release), "6.1.0-56-cloud-amd64");
	setenv("TRACEE_FEATURES_OFF", "task_btf", 1);
	CHECK_INT(bp_features_decide(&o, &loc, &f), 0);
	unsetenv("TRACEE_FEATURES_OFF");
	CHECK_INT(f.have, (1u << BP_FEAT_RINGBUF) | (1u << BP_FEAT_BPF_LOOP) | (1u << BP_FEAT_BOOT_NS));
	setenv("TRACEE_FEATURES_OFF", "nonsense", 1);
	capture_begin();
	CHECK_INT(bp_features_decide(&o, &loc, &f), -EINVAL);
	capture_end();
	unsetenv("TRACEE_FEATURES_OFF");
}

int main(void)
{
	if (!mkdtemp(root_dir)) {
		perror("mkdtemp");
		return 2;
	}
	umask(022);
	test_policy_parse();
	test_object_name();
	test_source_hash();
	test_locate();
	test_dir_trust();
	test_object_trust();
	test_object_validity();
	test_atomic_write();
	test_features();
	test_obtain();
	test_headers();
	test_vmlinux_h();
	nftw(root_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return check_report("buildpolicy");
}
