/* clang_frontend.h - the C interface of the build plugin (tracee-build.so).
 *
 * The plugin is the only C++ in tracee: it drives clang's C++ API in-process
 * to turn in-memory eBPF sources into an ELF object in memory. tracee
 * dlopen()s it only when an object must be built, so a cached run never maps
 * LLVM. Look the entry point up by TCF_ENTRY_SYMBOL and check abi first. */
#ifndef TRACEE_CLANG_FRONTEND_H
#define TRACEE_CLANG_FRONTEND_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TCF_ABI_VERSION   1
#define TCF_ENTRY_SYMBOL  "tracee_clang_compile"
#define TCF_FREE_SYMBOL   "tracee_clang_free"

/* A file that exists only in memory, seen by the compiler at `path`
 * (absolute, e.g. "/virtual/include/bpf/bpf_helpers.h"). */
struct tcf_file {
	const char *path;
	const char *data;
	size_t len;
};

enum tcf_mode {
	/* CO-RE: parse and emit with -triple bpf (sources include vmlinux.h). */
	TCF_MODE_BPF = 0,
	/* Kernel headers: parse for the host triple (x86 inline asm in the
	 * headers needs it), emit LLVM IR, run the BPF back end on the module. */
	TCF_MODE_HOST_IR = 1,
};

struct tcf_request {
	int abi;                        /* TCF_ABI_VERSION */
	int mode;                       /* enum tcf_mode */
	const char *main_path;          /* one of files[].path: the translation unit */
	const struct tcf_file *files;   /* every in-memory file, main included */
	size_t nfiles;
	const char *const *args;        /* extra cc1 arguments: -I, -D, -include, -W... */
	size_t nargs;
	const char *resource_dir;       /* clang builtin headers (stdarg.h); NULL: none */
	int debug;                      /* print the full cc1 command line on stderr */
};

struct tcf_result {
	void *obj;            /* ELF object (malloc'ed), NULL on failure */
	size_t obj_len;
	char *diagnostics;    /* clang's warnings and errors as text (malloc'ed), may be NULL */
};

/* Returns 0 on success, -errno-style negative on failure (diagnostics says why). */
typedef int (*tcf_compile_fn)(const struct tcf_request *req, struct tcf_result *res);
typedef void (*tcf_free_fn)(struct tcf_result *res);

int tracee_clang_compile(const struct tcf_request *req, struct tcf_result *res);
void tracee_clang_free(struct tcf_result *res);

#ifdef __cplusplus
}
#endif
#endif
