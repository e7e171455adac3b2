/* identity.c - what makes an eBPF object this tracee's object for a kernel:
 * the embedded sources, the compiler flags that do not depend on the
 * machine, and the kernel feature decisions (features.c). Their hash is what
 * the object carries in .tracee.meta and what the cache (cache.c) compares
 * before it trusts an object; a build (build.c) writes it. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bp_internal.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Changing one of these invalidates every cached object. */
static const char build_flags_rev[] = "tracee build flags 1: plugin -O2 -g (BTF), x86_64";

const char *const bp_core_flags[] = {
	"-I/virtual/include", "-I/virtual/src",
	"-D__TARGET_ARCH_x86", "-DTRACEE_CORE=1",
	"-Wno-unused-value", "-Wno-pointer-sign", "-Wno-compare-distinct-pointer-types",
	"-Wno-address-of-packed-member", "-Wno-unknown-warning-option",
};
const size_t bp_core_flags_len = ARRAY_LEN(bp_core_flags);

/* After the include paths, which depend on where the trees are. The cc1
 * spellings of -nostdinc and -fno-stack-protector are used. */
const char *const bp_headers_flags[] = {
	"-D__KERNEL__", "-D__BPF_TRACING__", "-D__TARGET_ARCH_x86",
	"-stack-protector", "0",
	"-Wno-unused-value", "-Wno-pointer-sign", "-Wno-compare-distinct-pointer-types",
	"-Wno-gnu-variable-sized-type-not-at-end", "-Wno-address-of-packed-member",
	"-Wno-tautological-compare", "-Wno-unknown-warning-option",
};
const size_t bp_headers_flags_len = ARRAY_LEN(bp_headers_flags);

uint64_t bp_fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t fnv_u64(uint64_t h, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return bp_fnv1a(h, b, sizeof(b));
}

static uint64_t hash_strings(uint64_t h, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = bp_fnv1a(h, v[i], strlen(v[i]) + 1);
	return bp_fnv1a(h, "|", 1);
}

static uint64_t source_hash(void)
{
	uint64_t h = BP_FNV_OFFSET;

	/* Names and lengths too: moving bytes between files changes the hash. */
	for (size_t i = 0; i < tracee_embedded_sources_len; i++) {
		const struct embedded_file *f = &tracee_embedded_sources[i];

		h = bp_fnv1a(h, f->name, strlen(f->name) + 1);
		h = fnv_u64(h, f->len);
		h = bp_fnv1a(h, f->data, f->len);
	}
	h = bp_fnv1a(h, TRACEE_VERSION, sizeof(TRACEE_VERSION));
	h = bp_fnv1a(h, build_flags_rev, sizeof(build_flags_rev));
	h = hash_strings(h, bp_core_flags, bp_core_flags_len);
	return hash_strings(h, bp_headers_flags, bp_headers_flags_len);
}

void buildpolicy_source_hash(char out[17])
{
	snprintf(out, 17, "%016" PRIx64, source_hash());
}

void bp_object_hash(const struct bp_features *f, char out[17])
{
	char defs[BP_DEFINES_MAX][BP_DEFINE_MAX];
	size_t n = bp_features_defines(f, defs);
	uint64_t h = source_hash();

	for (size_t i = 0; i < n; i++)
		h = bp_fnv1a(h, defs[i], strlen(defs[i]) + 1);
	snprintf(out, 17, "%016" PRIx64, h);
}
