/* cache.c - what tracee trusts and keeps. tracee loads the object into the
 * kernel, usually as root, from a shared place like /tmp: a directory or file
 * that someone else owns or can write, or that is reached through a symlink,
 * is never trusted. A trusted object is valid when it is a complete ELF64
 * eBPF object whose .tracee.meta section names the hash of the sources and
 * build flags of this tracee; otherwise it is stale or corrupt. Objects are
 * written atomically, so a concurrent tracee sees the old object or the new
 * one, never half of one. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bp_internal.h"

/* --- validity ------------------------------------------------------------ */

static bool libelf_ready(void)
{
	static int ready = -1;

	if (ready < 0)
		ready = elf_version(EV_CURRENT) != EV_NONE;
	return ready;
}

static bool in_image(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

#define CORRUPT(...) do { snprintf(reason, rlen, "is corrupt (" __VA_ARGS__); \
	v = BP_CORRUPT; goto out; } while (0)

/* Is the .tracee.meta content "tracee-meta v1 src=<want_hash>\0"? */
static bool meta_matches(const char *p, size_t size, const char *want_hash, char *found, size_t flen)
{
	const size_t plen = strlen(BP_META_PREFIX);
	const char *nul = memchr(p, '\0', size);

	snprintf(found, flen, "%.*s", (int)(nul ? (size_t)(nul - p) : size > 64 ? 64 : size), p);
	for (char *c = found; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '?';
	if (!nul || (size_t)(nul - p) != plen + 16 || strncmp(p, BP_META_PREFIX, plen) != 0)
		return false;
	return strncmp(p + plen, want_hash, 16) == 0;
}

enum bp_verdict bp_object_check(const void *data, size_t len, const char *want_hash,
				char *reason, size_t rlen)
{
	enum bp_verdict v = BP_STALE;
	Elf64_Ehdr eh;
	Elf *e = NULL;
	Elf_Scn *scn = NULL;
	size_t shnum, shstrndx;
	bool have_meta = false;
	char found[80] = "";

	reason[0] = '\0';
	if (len < sizeof(eh))
		CORRUPT("%zu bytes: too short for an ELF header)", len);
	memcpy(&eh, data, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
		CORRUPT("not an ELF file)");
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		CORRUPT("not a 64-bit ELF file)");
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
#else
	if (eh.e_ident[EI_DATA] != ELFDATA2MSB)
#endif
		CORRUPT("ELF of the other byte order)");
	if (eh.e_machine != EM_BPF)
		CORRUPT("ELF for machine %u, not eBPF)", eh.e_machine);
	if (eh.e_shoff == 0 || eh.e_shentsize != sizeof(Elf64_Shdr))
		CORRUPT("no section headers)");
	if (eh.e_shnum && !in_image(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr), len))
		CORRUPT("truncated: section headers beyond the end)");
	if (!libelf_ready())
		CORRUPT("libelf: %s)", elf_errmsg(-1));
	e = elf_memory((char *)data, len);
	if (!e || elf_kind(e) != ELF_K_ELF)
		CORRUPT("libelf: %s)", elf_errmsg(-1));
	if (elf_getshdrnum(e, &shnum) || elf_getshdrstrndx(e, &shstrndx))
		CORRUPT("libelf: %s)", elf_errmsg(-1));
	if (shnum > len / sizeof(Elf64_Shdr) || !in_image(eh.e_shoff, shnum * sizeof(Elf64_Shdr), len))
		CORRUPT("truncated: section headers beyond the end)");
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			CORRUPT("libelf: %s)", elf_errmsg(-1));
		if (sh.sh_type != SHT_NOBITS && !in_image(sh.sh_offset, sh.sh_size, len))
			CORRUPT("truncated: section %zu beyond the end)", elf_ndxscn(scn));
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name)
			CORRUPT("section %zu has no name)", elf_ndxscn(scn));
		if (strcmp(name, BP_META_SECTION) != 0 || have_meta)
			continue;
		have_meta = true;
		if (sh.sh_type == SHT_PROGBITS && sh.sh_size > 0 &&
		    meta_matches((const char *)data + sh.sh_offset, sh.sh_size, want_hash,
				 found, sizeof(found)))
			v = BP_VALID;
	}
	if (v == BP_VALID)
		goto out;
	if (!have_meta)
		snprintf(reason, rlen, "is stale (no " BP_META_SECTION " section: not built by this tracee)");
	else
		snprintf(reason, rlen, "is stale (built from other sources or by another tracee version: "
			 "'%s', expected src=%.16s)", found, want_hash);
out:
	if (e)
		elf_end(e);
	return v;
}

/* --- trust ---------------------------------------------------------------- */

/* The running user, or root (who can replace anything of ours anyway). */
static bool owner_trusted(uid_t uid)
{
	return uid == geteuid() || uid == 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;   /* shrank under us */
		done += (size_t)n;
	}
	return 0;
}

enum bp_verdict bp_object_load(const char *path, const char *want_hash, void **data,
			       size_t *len, char *reason, size_t rlen)
{
	enum bp_verdict v;
	struct stat st;
	void *buf = NULL;
	int fd, err;

	*data = NULL;
	*len = 0;
	reason[0] = '\0';
	/* O_NONBLOCK: a FIFO planted under the name must not hang us. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT)
			return BP_MISSING;
		if (err == ELOOP)
			snprintf(reason, rlen, "is a symbolic link");
		else
			snprintf(reason, rlen, "cannot be opened (%s)", strerror(err));
		return BP_UNTRUSTED;
	}
	v = BP_UNTRUSTED;
	if (fstat(fd, &st)) {
		snprintf(reason, rlen, "cannot be examined (%s)", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(reason, rlen, "is not a regular file");
		goto out;
	}
	if (!owner_trusted(st.st_uid)) {
		snprintf(reason, rlen, "is owned by uid %u, not by you (uid %u)",
			 (unsigned)st.st_uid, (unsigned)geteuid());
		goto out;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(reason, rlen, "is writable by group or others (mode %04o)",
			 (unsigned)(st.st_mode & 07777));
		goto out;
	}
	v = BP_CORRUPT;
	if (st.st_size == 0) {
		snprintf(reason, rlen, "is corrupt (empty)");
		goto out;
	}
	if (st.st_size > (off_t)BP_MAX_OBJECT_SIZE) {
		snprintf(reason, rlen, "is corrupt (%lld bytes: too large for an eBPF object)",
			 (long long)st.st_size);
		goto out;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		snprintf(reason, rlen, "cannot be read (%s)", strerror(ENOMEM));
		goto out;
	}
	if ((err = read_full(fd, buf, (size_t)st.st_size))) {
		snprintf(reason, rlen, "is corrupt (cannot be read whole: %s)",
			 err == -EIO ? "it shrank while read" : strerror(-err));
		goto out;
	}
	v = bp_object_check(buf, (size_t)st.st_size, want_hash, reason, rlen);
	if (v == BP_VALID) {
		*data = buf;
		*len = (size_t)st.st_size;
		buf = NULL;
	}
out:
	free(buf);
	close(fd);
	return v;
}

/* mkdir -p for dir's parents (0755, subject to the umask). */
static int make_parents(const char *dir)
{
	char p[PATH_MAX];

	if (strlen(dir) >= sizeof(p))
		return -ENAMETOOLONG;
	strcpy(p, dir);
	for (char *s = p + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			int err = -errno;

			*s = '/';
			return err;
		}
		*s = '/';
		while (s[1] == '/')
			s++;
	}
	return 0;
}

int bp_dir_trusted(const char *dir, bool create)
{
	const char *fix = "remove it or pass --install-path";
	struct stat st;
	int err;

	if (lstat(dir, &st)) {
		err = -errno;
		if (err == -ENOENT && create) {
			err = make_parents(dir);
			if (!err && mkdir(dir, 0700) && errno != EEXIST)
				err = -errno;
			if (err) {
				bp_err("cannot create %s: %s", dir, strerror(-err));
				return err;
			}
			if (lstat(dir, &st))
				err = -errno;
		}
		if (err == -ENOENT && !create)
			return err;
		if (err) {
			bp_err("cannot use %s: %s", dir, strerror(-err));
			return err;
		}
	}
	if (S_ISLNK(st.st_mode)) {
		bp_err("%s is a symbolic link: refusing to trust it; %s", dir, fix);
		return -EPERM;
	}
	if (!S_ISDIR(st.st_mode)) {
		bp_err("%s is not a directory; %s", dir, fix);
		return -ENOTDIR;
	}
	if (!owner_trusted(st.st_uid)) {
		bp_err("%s is owned by uid %u, not by you (uid %u): refusing to trust it; %s",
		       dir, (unsigned)st.st_uid, (unsigned)geteuid(), fix);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		bp_err("%s is writable by group or others (mode %04o): refusing to trust it; %s",
		       dir, (unsigned)(st.st_mode & 07777), fix);
		return -EPERM;
	}
	return 0;
}

/* --- atomic writes -------------------------------------------------------- */

static int write_full(int fd, const void *data, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

int bp_write_atomic(const char *path, const void *data, size_t len)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX], tmp[PATH_MAX];
	int fd, dfd, err = 0, n;

	if (slash)
		n = snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	else
		n = snprintf(dir, sizeof(dir), ".");
	if (n < 0 || (size_t)n >= sizeof(dir) ||
	    (n = snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, slash ? slash + 1 : path)) < 0 ||
	    (size_t)n >= sizeof(tmp)) {
		bp_err("cannot write %s: path too long", path);
		return -ENAMETOOLONG;
	}
	fd = mkostemp(tmp, O_CLOEXEC);   /* 0600 until it is complete */
	if (fd < 0) {
		err = -errno;
		bp_err("cannot write %s: %s", path, strerror(-err));
		return err;
	}
	if ((err = write_full(fd, data, len)) || (fchmod(fd, 0644) && (err = -errno)) ||
	    (fsync(fd) && (err = -errno))) {
		close(fd);
		goto fail;
	}
	if (close(fd) && (err = -errno))
		goto fail;
	if (rename(tmp, path) && (err = -errno))
		goto fail;
	/* The rename itself, durably. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	unlink(tmp);
	bp_err("cannot write %s: %s", path, strerror(-err));
	return err;
}
