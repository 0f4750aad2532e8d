/* checksum_avx2.c: XXH3-64 built for AVX2 (see checksum.h). GCC's target pragma compiles
 * the header's functions for AVX2 in this file only; checksum.c calls it only when the
 * CPU has AVX2. */
#include "checksum.h"

#ifdef CM_CHECKSUM_AVX2
#pragma GCC push_options
#pragma GCC target("avx2")
#define XXH_INLINE_ALL
#define XXH_VECTOR 2     /* XXH_AVX2 */
#include <xxhash.h>

uint64_t cm_checksum_avx2(const void *p, size_t n) { return XXH3_64bits(p, n); }
#pragma GCC pop_options
#else
typedef int cm_checksum_avx2_unused;   /* ISO C: a translation unit declares something */
#endif
