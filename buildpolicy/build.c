/* build.c - compiles the embedded eBPF sources with the build plugin
 * (tracee-build.so, clang_frontend.h), loaded with dlopen() only here, so a
 * run from a cached object never maps LLVM.
 *
 * The compiler sees the sources in memory: tracee's under /virtual/src, the
 * BPF-side libbpf headers under /virtual/include/bpf, and in a CO-RE build
 * the generated /virtual/include/vmlinux.h. A headers build adds the kernel
 * trees in kbuild's include order and is parsed for x86_64 (clang_frontend.h).
 * The object carries "tracee-meta v1 src=<hash>" in .tracee.meta (the
 * sources define it from TRACEE_META), which the cache checks before reuse. */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bp_internal.h"
#include "clang_frontend.h"

#define VSRC "/virtual/src/"
#define VINC "/virtual/include/"
#define MAIN_SOURCE "tracee.bpf.c"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- the plugin -------------------------------------------------------------- */

struct plugin {
	void *handle;
	tcf_compile_fn compile;
	tcf_free_fn free;
};

/* opts->plugin_path, else <exe_dir>/tracee-build.so, else $TRACEE_BUILD_PLUGIN.
 * The plugin is never unloaded: LLVM does not survive dlclose() reliably. */
static int plugin_load(const struct buildpolicy_opts *o, const struct bp_location *loc,
		       struct plugin *pl)
{
	const char *env = getenv("TRACEE_BUILD_PLUGIN");
	char path[PATH_MAX] = BP_PLUGIN_NAME;

	if (o->plugin_path && *o->plugin_path) {
		snprintf(path, sizeof(path), "%s", o->plugin_path);
	} else {
		bool next_to_exe = o->exe_dir && *o->exe_dir &&
				   bp_join(path, sizeof(path), o->exe_dir, BP_PLUGIN_NAME) == 0;

		if ((!next_to_exe || access(path, F_OK)) && env && *env)
			snprintf(path, sizeof(path), "%s", env);
	}
	if (access(path, F_OK)) {
		bp_err("cannot build the eBPF object: build plugin %s not found (this is a slim install); "
		       "provide a prebuilt object with TRACEE_BPF_FILE or in %s (make bpf)",
		       path, loc->install_dir);
		return -ENOENT;
	}
	pl->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!pl->handle) {
		bp_err("cannot build the eBPF object: cannot load build plugin %s: %s", path, dlerror());
		return -ENOEXEC;
	}
	*(void **)&pl->compile = dlsym(pl->handle, TCF_ENTRY_SYMBOL);
	*(void **)&pl->free = dlsym(pl->handle, TCF_FREE_SYMBOL);
	if (!pl->compile || !pl->free) {
		bp_err("cannot build the eBPF object: %s is not a tracee build plugin (no %s)",
		       path, pl->compile ? TCF_FREE_SYMBOL : TCF_ENTRY_SYMBOL);
		return -ENOEXEC;
	}
	if (o->debug)
		bp_err("using build plugin %s", path);
	return 0;
}

/* --- the request ------------------------------------------------------------- */

struct request {
	struct tcf_file *files;
	size_t nfiles;
	char **owned;               /* strings to free */
	size_t nowned;
	const char **args;
	size_t nargs;
	char resource_dir[PATH_MAX];
	const char *main_path;
};

static void request_free(struct request *r)
{
	for (size_t i = 0; i < r->nowned; i++)
		free(r->owned[i]);
	free(r->owned);
	free(r->files);
	free(r->args);
}

/* Formats a string the request keeps; NULL on ENOMEM. */
static char *own(struct request *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *own(struct request *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s)
		r->owned[r->nowned++] = s;
	return s;
}

static int add_arg(struct request *r, const char *a)
{
	if (!a)
		return -ENOMEM;
	r->args[r->nargs++] = a;
	return 0;
}

/* kbuild's include order: arch, arch generated, include, (build tree
 * include), arch uapi, arch generated uapi, uapi, generated uapi. */
static int add_header_args(struct request *r, const struct bp_kernel_types *kt)
{
	const char *s = kt->src, *b = kt->obj;
	int err = 0;

	err |= add_arg(r, "-nostdsysteminc");
	err |= add_arg(r, "-nobuiltininc");
	err |= add_arg(r, "-isystem");
	err |= add_arg(r, own(r, "%s/include", r->resource_dir));
	err |= add_arg(r, "-I/virtual/include");
	err |= add_arg(r, "-I/virtual/src");
	err |= add_arg(r, own(r, "-I%s/arch/x86/include", s));
	err |= add_arg(r, own(r, "-I%s/arch/x86/include/generated", b));
	err |= add_arg(r, own(r, "-I%s/include", s));
	if (strcmp(s, b) != 0)
		err |= add_arg(r, own(r, "-I%s/include", b));
	err |= add_arg(r, own(r, "-I%s/arch/x86/include/uapi", s));
	err |= add_arg(r, own(r, "-I%s/arch/x86/include/generated/uapi", b));
	err |= add_arg(r, own(r, "-I%s/include/uapi", s));
	err |= add_arg(r, own(r, "-I%s/include/generated/uapi", b));
	err |= add_arg(r, "-include");
	err |= add_arg(r, own(r, "%s/include/linux/kconfig.h", s));
	for (size_t i = 0; i < bp_headers_flags_len; i++)
		err |= add_arg(r, bp_headers_flags[i]);
	return err ? -ENOMEM : 0;
}

static int request_make(struct request *r, const struct bp_kernel_types *kt,
			const struct bp_features *feat, const char *hash)
{
	char defs[BP_DEFINES_MAX][BP_DEFINE_MAX];
	size_t ndefs = bp_features_defines(feat, defs);
	size_t n = tracee_embedded_sources_len;
	int err = 0;

	memset(r, 0, sizeof(*r));
	r->files = calloc(n + 1, sizeof(*r->files));
	r->owned = calloc(n + BP_DEFINES_MAX + 32, sizeof(*r->owned));
	r->args = calloc(bp_core_flags_len + bp_headers_flags_len + BP_DEFINES_MAX + 32, sizeof(*r->args));
	if (!r->files || !r->owned || !r->args)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct embedded_file *f = &tracee_embedded_sources[i];
		bool lib = strncmp(f->name, "bpf/", 4) == 0;
		char *path = own(r, "%s%s", lib ? VINC : VSRC, f->name);

		if (!path)
			return -ENOMEM;
		r->files[r->nfiles++] = (struct tcf_file){ path, (const char *)f->data, f->len };
		if (strcmp(f->name, MAIN_SOURCE) == 0)
			r->main_path = path;
	}
	if (!r->main_path) {
		bp_err("cannot build the eBPF object: %s is not among the embedded sources", MAIN_SOURCE);
		return -ENOENT;
	}
	if (kt->mode == TCF_MODE_BPF) {
		r->files[r->nfiles++] = (struct tcf_file){ VINC "vmlinux.h", kt->vmlinux_h, kt->vmlinux_len };
		for (size_t i = 0; i < bp_core_flags_len; i++)
			err |= add_arg(r, bp_core_flags[i]);
	} else {
		if ((err = bp_clang_resource_dir(r->resource_dir, sizeof(r->resource_dir))))
			return err;
		err = add_header_args(r, kt);
	}
	/* The kernel feature decisions (features.c, bpf-src/compat.bpf.h). */
	for (size_t i = 0; i < ndefs; i++)
		err |= add_arg(r, own(r, "%s", defs[i]));
	/* One argv element with literal quotes: the macro is a string literal. */
	err |= add_arg(r, own(r, "-DTRACEE_META=\"" BP_META_PREFIX "%s\"", hash));
	return err ? -ENOMEM : 0;
}

/* --- the build ------------------------------------------------------------------ */

int bp_build(const struct buildpolicy_opts *o, const struct bp_location *loc,
	     const struct bp_features *f, const char *target, struct bpf_object_file *out)
{
	struct bp_kernel_types kt = { 0 };
	struct tcf_request req = { 0 };
	struct tcf_result res = { 0 };
	struct request r = { 0 };
	struct plugin pl = { 0 };
	char hash[17], reason[BP_REASON_MAX];
	double start = now_s(), t_plugin, t_types, t_compile;
	int err;

	memset(out, 0, sizeof(*out));
	if (strlen(target) >= sizeof(out->path)) {
		bp_err("%s: path too long", target);
		return -ENAMETOOLONG;
	}
	if ((err = plugin_load(o, loc, &pl)))
		return err;
	t_plugin = now_s();
	if ((err = bp_kernel_types(o, loc, &kt)))
		return err;
	t_types = now_s();
	bp_object_hash(f, hash);
	if ((err = request_make(&r, &kt, f, hash))) {
		if (err == -ENOMEM)
			bp_err("cannot build the eBPF object: %s", strerror(ENOMEM));
		goto out;
	}
	if (kt.mode == TCF_MODE_BPF)
		bp_err("building eBPF object for kernel %s from BTF (%s)...", loc->release, kt.btf_path);
	else if (strcmp(kt.src, kt.obj) == 0)
		bp_err("building eBPF object for kernel %s from kernel headers (%s)...", loc->release, kt.obj);
	else
		bp_err("building eBPF object for kernel %s from kernel headers (%s, %s)...",
		       loc->release, kt.obj, kt.src);

	req = (struct tcf_request){
		.abi = TCF_ABI_VERSION,
		.mode = kt.mode,
		.main_path = r.main_path,
		.files = r.files,
		.nfiles = r.nfiles,
		.args = r.args,
		.nargs = r.nargs,
		.resource_dir = kt.mode == TCF_MODE_HOST_IR ? r.resource_dir : NULL,
		.debug = o->debug,
	};
	err = pl.compile(&req, &res);
	t_compile = now_s();
	if (err || !res.obj || !res.obj_len) {
		if (res.diagnostics && *res.diagnostics) {
			fputs(res.diagnostics, stderr);
			if (res.diagnostics[strlen(res.diagnostics) - 1] != '\n')
				fputc('\n', stderr);
		}
		bp_err("cannot build the eBPF object for kernel %s: %s", loc->release,
		       res.diagnostics && *res.diagnostics ? "the compiler reported errors (above)"
							    : "the build plugin failed");
		err = err ? err : -EIO;
		goto out;
	}
	if (o->debug && res.diagnostics && *res.diagnostics)
		fputs(res.diagnostics, stderr);
	/* What the cache will check next time must hold now, or it would
	 * rebuild on every start. */
	if (bp_object_check(res.obj, res.obj_len, hash, reason, sizeof(reason)) != BP_VALID) {
		bp_err("cannot build the eBPF object for kernel %s: the compiled object %s", loc->release,
		       reason);
		err = -ENOEXEC;
		goto out;
	}
	if ((err = bp_write_atomic(target, res.obj, res.obj_len)))
		goto out;
	out->data = res.obj;
	out->len = res.obj_len;
	res.obj = NULL;
	strcpy(out->path, target);
	out->built = true;
	bp_err("built %s in %.2f s", target, now_s() - start);
	if (o->debug)
		bp_err("build time: plugin %.2f s, kernel types %.2f s, compile %.2f s, check and write %.2f s",
		       t_plugin - start, t_types - t_plugin, t_compile - t_types, now_s() - t_compile);
out:
	if (pl.free)
		pl.free(&res);
	request_free(&r);
	bp_kernel_types_free(&kt);
	return err;
}
