/* headers.c - the kernel's types, for the build: a kernel headers tree when
 * there is one (KERN_HEADERS, /lib/modules/<release>/build, /usr/src/
 * linux-headers-<release>), else a vmlinux.h generated in memory from the
 * running kernel's BTF (vmlinux.c; a CO-RE build).
 *
 * A headers tree has two halves that may live apart: the build tree with the
 * generated headers (include/generated/autoconf.h, arch/x86/include/generated)
 * and the source tree (include/linux/kconfig.h, ...). Debian ships them as
 * linux-headers-<release> and linux-headers-<version>-common; the first names
 * the second in its Makefile, and /lib/modules/<release>/source points there. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "bp_internal.h"
#include "clang_frontend.h"

static bool has_file(const char *dir, const char *rel)
{
	char p[PATH_MAX];

	return bp_join(p, sizeof(p), dir, rel) == 0 && access(p, F_OK) == 0;
}

static bool is_build_tree(const char *dir)
{
	return has_file(dir, "include/generated/autoconf.h");
}

static bool is_source_tree(const char *dir)
{
	return has_file(dir, "include/linux/kconfig.h");
}

/* The Makefile names the source tree where the package installs it
 * (/usr/src/linux-headers-<version>-common); both halves unpacked elsewhere
 * (dpkg-deb -x, a container mount) sit side by side: try tree's sibling. */
static bool sibling_source(const char *tree, const char *named, char *src, size_t len)
{
	char t[PATH_MAX], nm[PATH_MAX], p[PATH_MAX];
	const char *base;
	char *slash;
	size_t n;
	int w;

	if (strlen(tree) >= sizeof(t) || strlen(named) >= sizeof(nm))
		return false;
	strcpy(t, tree);
	strcpy(nm, named);
	for (n = strlen(t); n > 1 && t[n - 1] == '/';)
		t[--n] = '\0';
	for (n = strlen(nm); n > 1 && nm[n - 1] == '/';)
		nm[--n] = '\0';
	base = strrchr(nm, '/') ? strrchr(nm, '/') + 1 : nm;
	slash = strrchr(t, '/');
	if (!*base || !slash)
		return false;
	*slash = '\0';
	w = snprintf(p, sizeof(p), "%s/%s", t, base);
	if (w < 0 || (size_t)w >= sizeof(p) || (size_t)w >= len || !is_source_tree(p))
		return false;
	strcpy(src, p);
	return true;
}

/* The source tree a build tree's Makefile names: "include <src>/Makefile"
 * (kbuild's generated Makefile) or "MAKEARGS := -C <src>" (older kbuild). */
static bool source_from_makefile(const char *tree, char *src, size_t len)
{
	char mk[PATH_MAX], line[PATH_MAX + 64];
	bool found = false;
	FILE *f;

	if (bp_join(mk, sizeof(mk), tree, "Makefile") || !(f = fopen(mk, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		line[strcspn(line, "\r\n")] = '\0';
		p += strspn(p, " \t");
		if (strncmp(p, "include", 7) == 0 && (p[7] == ' ' || p[7] == '\t')) {
			p += 7 + strspn(p + 7, " \t");
			end = p + strcspn(p, " \t");
			*end = '\0';
			/* <src>/Makefile -> <src> */
			if (end - p > 9 && strcmp(end - 9, "/Makefile") == 0)
				end[-9] = '\0';
			else
				continue;
		} else if ((p = strstr(line, "-C ")) || (p = strstr(line, "-C\t"))) {
			p += 2 + strspn(p + 2, " \t");
			p[strcspn(p, " \t")] = '\0';
		} else {
			continue;
		}
		if (*p == '/' && strlen(p) < len && is_source_tree(p)) {
			strcpy(src, p);
			found = true;
		} else if (*p) {
			found = sibling_source(tree, p, src, len);
		}
	}
	fclose(f);
	return found;
}

/* Whether tree is a usable headers tree; fills src and obj. source_hint: a
 * separate source tree to try (/lib/modules/<release>/source), may be NULL. */
static bool resolve_tree(const char *tree, const char *source_hint, char *src, char *obj, size_t len)
{
	char link[PATH_MAX];

	if (strlen(tree) >= len || !is_build_tree(tree))
		return false;
	strcpy(obj, tree);
	if (is_source_tree(tree)) {
		strcpy(src, tree);
		return true;
	}
	if (source_hint && strlen(source_hint) < len && is_source_tree(source_hint)) {
		strcpy(src, source_hint);
		return true;
	}
	/* kbuild leaves a "source" symlink in a separate build tree */
	if (bp_join(link, sizeof(link), tree, "source") == 0 && strlen(link) < len &&
	    is_source_tree(link)) {
		strcpy(src, link);
		return true;
	}
	return source_from_makefile(tree, src, len);
}

int bp_find_headers(const char *explicit_dir, const char *release, char *src, char *obj, size_t len)
{
	char build[PATH_MAX], source[PATH_MAX], usr[PATH_MAX];

	if (explicit_dir && *explicit_dir) {
		if (resolve_tree(explicit_dir, NULL, src, obj, len))
			return 0;
		if (access(explicit_dir, F_OK))
			bp_err("KERN_HEADERS=%s: %s", explicit_dir, strerror(errno));
		else if (!is_build_tree(explicit_dir))
			bp_err("KERN_HEADERS=%s: not a kernel headers tree (no include/generated/autoconf.h)",
			       explicit_dir);
		else
			bp_err("KERN_HEADERS=%s: cannot find its source half (include/linux/kconfig.h: "
			       "no source link, nothing named in its Makefile)", explicit_dir);
		return -EINVAL;
	}
	snprintf(build, sizeof(build), "/lib/modules/%s/build", release);
	snprintf(source, sizeof(source), "/lib/modules/%s/source", release);
	snprintf(usr, sizeof(usr), "/usr/src/linux-headers-%s", release);
	if (resolve_tree(build, source, src, obj, len) || resolve_tree(usr, NULL, src, obj, len))
		return 0;
	return -ENOENT;
}

/* The release a build tree was configured for: UTS_RELEASE in its
 * include/generated/utsrelease.h (Debian's include/config/kernel.release
 * holds the upstream version instead). False when the tree does not say. */
static bool tree_release(const char *obj, char *rel, size_t len)
{
	char p[PATH_MAX], line[256];
	bool found = false;
	FILE *f;

	if (bp_join(p, sizeof(p), obj, "include/generated/utsrelease.h") || !(f = fopen(p, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *q = strstr(line, "UTS_RELEASE \""), *end;

		if (!q || !(end = strchr(q += 13, '"')) || (size_t)(end - q) >= len)
			continue;
		memcpy(rel, q, (size_t)(end - q));
		rel[end - q] = '\0';
		found = true;
	}
	fclose(f);
	return found;
}

/* Offsets are fixed at build time from the headers: headers of another
 * kernel would build an object that loads and reads the wrong fields. */
static int check_tree_release(const char *obj, const char *release)
{
	char rel[BP_RELEASE_MAX];

	if (!tree_release(obj, rel, sizeof(rel)) || strcmp(rel, release) == 0)
		return 0;
	bp_err("kernel headers %s are for kernel %s, not %s: set KERN_RELEASE=%s to build for "
	       "that kernel, or KERN_HEADERS to headers for %s", obj, rel, release, rel, release);
	return -EINVAL;
}

/* --- what the build uses ------------------------------------------------------ */

int bp_kernel_types(const struct buildpolicy_opts *o, const struct bp_location *loc,
		    struct bp_kernel_types *kt)
{
	const char *explicit_dir = o->kern_headers && *o->kern_headers ? o->kern_headers
									: getenv("KERN_HEADERS");
	const char *rel = loc->release;
	int err;

	memset(kt, 0, sizeof(*kt));
	err = bp_find_headers(explicit_dir, rel, kt->src, kt->obj, sizeof(kt->src));
	if (err == 0) {
		kt->mode = TCF_MODE_HOST_IR;
		return check_tree_release(kt->obj, rel);
	}
	if (err != -ENOENT || (explicit_dir && *explicit_dir))
		return err;
	if (!loc->running_kernel) {
		bp_err("cannot build the eBPF object for kernel %s: no kernel headers for it "
		       "(searched /lib/modules/%s/build, /usr/src/linux-headers-%s) and BTF describes "
		       "only the running kernel; set KERN_HEADERS to its headers", rel, rel, rel);
		return -ENOENT;
	}
	if (access(BP_VMLINUX_BTF, R_OK)) {
		bp_err("cannot build the eBPF object for kernel %s: no kernel headers (searched "
		       "/lib/modules/%s/build, /usr/src/linux-headers-%s) and no BTF (%s: %s); "
		       "install linux-headers-%s or set KERN_HEADERS", rel, rel, rel, BP_VMLINUX_BTF,
		       strerror(errno), rel);
		return -ENOENT;
	}
	kt->mode = TCF_MODE_BPF;
	kt->btf_path = BP_VMLINUX_BTF;
	err = bp_vmlinux_h(BP_VMLINUX_BTF, &kt->vmlinux_h, &kt->vmlinux_len);
	if (err) {
		bp_err("cannot generate vmlinux.h from %s: %s", BP_VMLINUX_BTF, strerror(-err));
		return err;
	}
	return 0;
}

void bp_kernel_types_free(struct bp_kernel_types *kt)
{
	free(kt->vmlinux_h);
	kt->vmlinux_h = NULL;
	kt->vmlinux_len = 0;
}

/* clang's own headers must match the clang inside the plugin: LLVM 19's. */
#define BP_CLANG_RESOURCE_GLOB "/usr/lib/llvm-19/lib/clang/*"

int bp_clang_resource_dir(char *buf, size_t len)
{
	const char *env = getenv("TRACEE_CLANG_RESOURCE_DIR");
	glob_t g;
	int err = -ENOENT;

	if (env && *env) {
		if (!has_file(env, "include/stdarg.h")) {
			bp_err("TRACEE_CLANG_RESOURCE_DIR=%s: no include/stdarg.h there", env);
			return -ENOENT;
		}
		if (strlen(env) >= len)
			return -ENAMETOOLONG;
		strcpy(buf, env);
		return 0;
	}
	if (glob(BP_CLANG_RESOURCE_GLOB, GLOB_ONLYDIR, NULL, &g) == 0) {
		/* glob sorts: the last one is the newest */
		for (size_t i = g.gl_pathc; i-- > 0;)
			if (has_file(g.gl_pathv[i], "include/stdarg.h") && strlen(g.gl_pathv[i]) < len) {
				strcpy(buf, g.gl_pathv[i]);
				err = 0;
				break;
			}
		globfree(&g);
	}
	if (err)
		bp_err("cannot build from kernel headers: clang's builtin headers (stdarg.h) not found "
		       "in %s; install libclang-common-19-dev or set TRACEE_CLANG_RESOURCE_DIR",
		       BP_CLANG_RESOURCE_GLOB);
	return err;
}
