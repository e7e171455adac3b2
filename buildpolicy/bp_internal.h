/* bp_internal.h - what the buildpolicy files share with each other and with
 * test/unit/test_buildpolicy.c. Not part of libtracee's interface. */
#ifndef TRACEE_BP_INTERNAL_H
#define TRACEE_BP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buildpolicy.h"

#ifndef TRACEE_VERSION
#error "TRACEE_VERSION must be defined (CMake passes -DTRACEE_VERSION=\"x.y.z\")"
#endif

#define BP_DEFAULT_INSTALL_PATH "/tmp/tracee"
#define BP_VMLINUX_BTF          "/sys/kernel/btf/vmlinux"
#define BP_PLUGIN_NAME          "tracee-build.so"
#define BP_MAX_OBJECT_SIZE      (64u << 20)
#define BP_META_SECTION         ".tracee.meta"
#define BP_META_PREFIX          "tracee-meta v1 src="
#define BP_RELEASE_MAX          128

/* Every message tracee's buildpolicy prints: "tracee: <message>" as one line
 * on stderr. */
void bp_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- locate.c ------------------------------------------------------------ */

enum bp_origin {
	BP_FROM_ENV,        /* $TRACEE_BPF_FILE */
	BP_FROM_EXE_DIR,    /* next to the executable */
	BP_FROM_INSTALL,    /* the install path */
};

struct bp_candidate {
	enum bp_origin origin;
	char path[PATH_MAX];
};

struct bp_location {
	char release[BP_RELEASE_MAX];   /* the kernel the object is for */
	bool running_kernel;            /* release is the running kernel's */
	char name[NAME_MAX + 1];        /* tracee.bpf.<release>.<version>.o */
	char install_dir[PATH_MAX];
	char install_obj[PATH_MAX];     /* install_dir/name */
	struct bp_candidate cand[3];    /* in search order */
	int ncand;
};

/* The kernel release to build for: opts, $KERN_RELEASE, uname -r. */
int bp_kernel_release(const struct buildpolicy_opts *o, char *buf, size_t len, bool *running);
/* dir + "/" + name into buf (no doubled slash); -ENAMETOOLONG. */
int bp_join(char *buf, size_t len, const char *dir, const char *name);
/* Fills loc; prints and fails when $TRACEE_BPF_FILE is set but missing. */
int bp_locate(const struct buildpolicy_opts *o, struct bp_location *loc);

/* --- features.c ---------------------------------------------------------- */

/* What the eBPF program may use on the kernel it is built for
 * (bpf-src/compat.bpf.h says what each one replaces). */
enum bp_feature {
	BP_FEAT_RINGBUF,
	BP_FEAT_BPF_LOOP,
	BP_FEAT_TASK_BTF,
	BP_FEAT_FIND_VMA,
	BP_FEAT_TASK_PT_REGS,
	BP_FEAT_BOOT_NS,
	BP_FEAT_MAX,
};

enum bp_feature_source {
	BP_FEAT_FROM_PROBE,     /* minimal loads into the running kernel */
	BP_FEAT_FROM_BTF,       /* the running kernel's BTF (no privileges to load) */
	BP_FEAT_FROM_HEADERS,   /* the target's uapi bpf.h and mm_types.h */
	BP_FEAT_FROM_VERSION,   /* nothing better: the release's version number */
};

struct bp_features {
	uint32_t have;                  /* 1 << enum bp_feature: present and used */
	uint32_t off;                   /* forced off by TRACEE_FEATURES_OFF */
	bool vma_maple;                 /* VMAs in a maple tree (6.1+), else an rbtree */
	unsigned thread_size;           /* kernel stack size (x86_64: 16 KiB, 32 with KASAN) */
	enum bp_feature_source source;
};

#define BP_DEFINE_MAX   48
#define BP_DEFINES_MAX  (BP_FEAT_MAX + 2)

/* Decides every feature for loc's kernel; --debug prints each decision as
 * "feature NAME=yes|no (how)". Fails only on a bad TRACEE_FEATURES_OFF. */
int bp_features_decide(const struct buildpolicy_opts *o, const struct bp_location *loc,
		       struct bp_features *f);
/* "ringbuf,bpf_loop" or "all" -> bits; unknown names are refused (printed). */
int bp_features_parse_off(const char *list, uint32_t *off);
/* The decisions as compiler flags ("-DTRACEE_FEAT_RINGBUF=1", ...); returns
 * how many (at most BP_DEFINES_MAX). */
size_t bp_features_defines(const struct bp_features *f, char out[][BP_DEFINE_MAX]);
const char *bp_feature_name(int feature);

/* --- identity.c ---------------------------------------------------------- */

/* The compiler flags that do not depend on the machine: part of the
 * object's identity. */
extern const char *const bp_core_flags[];
extern const size_t bp_core_flags_len;
extern const char *const bp_headers_flags[];
extern const size_t bp_headers_flags_len;

/* FNV-1a 64 */
#define BP_FNV_OFFSET 0xcbf29ce484222325ULL
uint64_t bp_fnv1a(uint64_t h, const void *data, size_t len);

/* The hash an object built from these sources, flags and feature decisions
 * carries in .tracee.meta (hex string, 16 chars + NUL). */
void bp_object_hash(const struct bp_features *f, char out[17]);

/* --- cache.c ------------------------------------------------------------- */

enum bp_verdict {
	BP_VALID = 0,
	BP_MISSING,         /* no such file */
	BP_UNTRUSTED,       /* symlink, not ours, writable by others, unreadable */
	BP_CORRUPT,         /* not a complete ELF64 BPF object */
	BP_STALE,           /* a BPF object, but not from these sources */
};

/* reason completes "<path> ...": "is stale (...)", "is a symbolic link", ... */
#define BP_REASON_MAX 256

/* Checks an ELF image in memory: ELF64, EM_BPF, every section inside the
 * image, and a .tracee.meta carrying want_hash. BP_VALID, BP_CORRUPT or
 * BP_STALE, with reason set for the latter two. */
enum bp_verdict bp_object_check(const void *data, size_t len, const char *want_hash,
				char *reason, size_t rlen);

/* Opens path without following a symlink, checks the open file (regular,
 * ours, not writable by others, size), reads it from that descriptor and
 * checks it with bp_object_check. On BP_VALID *data (malloc'ed) and *len are
 * set; otherwise reason says why. */
enum bp_verdict bp_object_load(const char *path, const char *want_hash, void **data,
			       size_t *len, char *reason, size_t rlen);

/* Whether a directory may hold objects tracee loads: a real directory (not
 * a symlink) owned by the running user (or root) and writable by no one
 * else. With create, makes it (0700; missing parents 0755). Prints one line
 * and returns a negative errno when it cannot be trusted; -ENOENT (silent)
 * when it is absent and create is false. */
int bp_dir_trusted(const char *dir, bool create);

/* Writes data to path atomically: a temporary file in the same directory
 * (0600 while written, 0644 once complete), fsync, rename over path.
 * Prints one line and returns a negative errno on failure. */
int bp_write_atomic(const char *path, const void *data, size_t len);

/* --- headers.c ----------------------------------------------------------- */

struct bp_kernel_types {
	int mode;                       /* enum tcf_mode */
	char src[PATH_MAX];             /* headers: the source tree (include/linux/...) */
	char obj[PATH_MAX];             /* headers: the build tree (include/generated/...) */
	char *vmlinux_h;                /* BTF: the generated vmlinux.h (malloc'ed) */
	size_t vmlinux_len;
	const char *btf_path;
};

/* Finds a kernel headers tree for release: explicit (opts or $KERN_HEADERS,
 * an error when it is not a headers tree), /lib/modules/<release>/build
 * (+ source), /usr/src/linux-headers-<release>. 0 found; -ENOENT none
 * (silent); other negative errno: explicit and unusable (printed). */
int bp_find_headers(const char *explicit_dir, const char *release, char *src, char *obj,
		    size_t len);

/* vmlinux.h for the BTF at btf_path, in memory (malloc'ed, NUL-terminated). */
int bp_vmlinux_h(const char *btf_path, char **text, size_t *len);

/* Headers when there are some, else BTF when building for the running kernel. */
int bp_kernel_types(const struct buildpolicy_opts *o, const struct bp_location *loc,
		    struct bp_kernel_types *kt);
void bp_kernel_types_free(struct bp_kernel_types *kt);

/* clang's builtin headers (stdarg.h, ...): $TRACEE_CLANG_RESOURCE_DIR or
 * /usr/lib/llvm-19/lib/clang/<version>. */
int bp_clang_resource_dir(char *buf, size_t len);

/* --- build.c ------------------------------------------------------------- */

/* Compiles the embedded sources for loc->release with the feature decisions
 * f and writes the object to target (atomically); out gets the bytes,
 * target and built = true. */
int bp_build(const struct buildpolicy_opts *o, const struct bp_location *loc,
	     const struct bp_features *f, const char *target, struct bpf_object_file *out);

#endif
