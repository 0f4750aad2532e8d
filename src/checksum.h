/* checksum.h: the compiled file's checksum (compiled.h, cm_compiled_hash), private.
 *
 * XXH3-64 (xxHash 0.8, libxxhash-dev, used header-only so no library is loaded at run
 * time). A compiled file is hashed whole at every load (7 MB with the scoring model), so
 * on x86-64 built by GCC an AVX2 build of the same function is chosen at run time where
 * the CPU has it: 2.3M instructions instead of 7.5M for the SSE2 build, same result. */
#ifndef CM_CHECKSUM_H
#define CM_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CM_CHECKSUM_AVX2 1
uint64_t cm_checksum_avx2(const void *p, size_t n);   /* only where the CPU has AVX2 */
#endif

#endif
