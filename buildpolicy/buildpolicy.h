/* buildpolicy.h - find, decide, build and cache the eBPF object.
 *
 * locate.c  where an object may be: TRACEE_BPF_FILE, the executable's
 *           directory, the install path (default /tmp/tracee)
 * policy.c  never | if-needed | always, and the one entry point below
 * cache.c   trust checks (owner, mode, no symlinks), metadata (source hash),
 *           atomic writes
 * headers.c kernel types: a headers tree, or vmlinux.h generated from BTF
 * build.c   dlopen the plugin (clang_frontend.h) and compile the embedded sources
 */
#ifndef TRACEE_BUILDPOLICY_H
#define TRACEE_BUILDPOLICY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum build_policy { BUILD_NEVER = 0, BUILD_IF_NEEDED, BUILD_ALWAYS };

/* Parses "never", "if-needed", "always"; -EINVAL otherwise. */
int build_policy_parse(const char *s, enum build_policy *out);

/* The eBPF sources and the BPF-side libbpf headers, embedded at build time
 * (generated bpf_sources.c). name is relative: "tracee.bpf.c", "bpf/bpf_helpers.h". */
struct embedded_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct embedded_file tracee_embedded_sources[];
extern const size_t tracee_embedded_sources_len;

struct buildpolicy_opts {
	enum build_policy policy;
	const char *install_path;   /* NULL: /tmp/tracee */
	const char *exe_dir;        /* directory of the running executable; NULL: skip */
	const char *kern_release;   /* NULL: uname -r */
	const char *kern_headers;   /* NULL: $KERN_HEADERS, then the usual places */
	const char *plugin_path;    /* NULL: <exe_dir>/tracee-build.so */
	const char *output;         /* build to exactly this file (make bpf); NULL: cache */
	bool debug;
};

struct bpf_object_file {
	void *data;                 /* the object's bytes (malloc'ed) */
	size_t len;
	char path[PATH_MAX];        /* where it was found or written */
	bool built;                 /* built by this call */
};

/* Locate or build the object as the policy says. On failure prints one line
 * naming the problem and the fix on stderr and returns a negative errno. */
int buildpolicy_obtain(const struct buildpolicy_opts *o, struct bpf_object_file *out);
void bpf_object_file_free(struct bpf_object_file *f);

/* "tracee.bpf.6_18_44-fc-v782.0_1_0.o" for a release and version. */
int bpf_object_name(char *buf, size_t len, const char *kern_release, const char *version);

/* Hash of the embedded sources plus the build flags: what a cached object
 * must carry to be reused (hex string, 16 chars + NUL). */
void buildpolicy_source_hash(char out[17]);

#endif
