/* sha256.h - SHA-256 (FIPS 180-4), for the digests of captured executables. */
#ifndef TRACEE_SHA256_H
#define TRACEE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN    (2 * SHA256_DIGEST_LEN + 1)   /* with the NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;                 /* message length so far */
	unsigned char block[64];
	size_t fill;                    /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char digest[SHA256_DIGEST_LEN]);
/* Lower-case hex of a digest, NUL-terminated. */
void sha256_hex(const unsigned char digest[SHA256_DIGEST_LEN], char hex[SHA256_HEX_LEN]);

#endif
