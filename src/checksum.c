/* checksum.c: cm_compiled_hash (compiled.h): XXH3-64, the AVX2 build where the CPU has it
 * (checksum.h). XXH3 is a fast non-cryptographic hash: it catches truncation, flipped
 * bits and torn writes; it is not a MAC. */
#include "checksum.h"
#include "compiled.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

unsigned long long cm_compiled_hash(const void *buf, size_t len)
{
#ifdef CM_CHECKSUM_AVX2
    if (__builtin_cpu_supports("avx2")) return cm_checksum_avx2(buf, len);
#endif
    return XXH3_64bits(buf, len);
}
