/* files.h: lists of paths and names for commands that handle many files.
 *
 *   cm_strvec    a growable vector of owned strings
 *   cm_nameset   a set of names kept as 64-bit fingerprints (16 bytes a name)
 *   cm_profile_files  the profile files under a list of operands, in a fixed order
 *
 * Nothing here prints: problems go to a cm_diags.
 */
#ifndef CM_FILES_H
#define CM_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"

typedef struct cm_strvec { char **v; size_t n, cap; } cm_strvec;

/* Append `s`, which the vector owns from now on (it is freed if the vector cannot grow;
 * a NULL `s`, a failed strdup, is refused). Returns 0 or -1 (out of memory). */
int cm_strvec_push(cm_strvec *sv, char *s);
/* Free the strings and the vector; it is empty and reusable afterwards. */
void cm_strvec_release(cm_strvec *sv);

/* Names as 64-bit FNV-1a fingerprints in an open-addressing table: 16 bytes a name instead
 * of a hash node and a copy (the batch of 100,000 profiles this was measured on went from
 * 36.9 to 27.3 MB peak RSS with it, docs/performance.md). Two different names share a
 * fingerprint with probability about n^2 / 2^65 (3e-8 for a million names); a caller must
 * treat a false "taken" as harmless. Zero-initialise; release with cm_nameset_release. */
typedef struct cm_nameset { uint64_t *slot; size_t n, cap; } cm_nameset;

/* 1 if `name` was free and is now taken, 0 if it was taken already, -1 out of memory. */
int cm_nameset_take(cm_nameset *set, const char *name);
void cm_nameset_release(cm_nameset *set);

/* "dir/name" without doubled slashes; NULL if out of memory. Caller frees. */
char *cm_path_join(const char *dir, const char *name);

/* The profile files named by `paths`, appended to `out` in order: an operand that is not a
 * directory as given (a missing one too: loading it reports the problem); a directory
 * walked recursively for *.yaml and *.yml, its files sorted by path (byte order). Hidden
 * entries, symbolic links to directories and directories named `members` (a partnership's
 * member files) are not walked into, nor directories nested more than 64 deep. Any other
 * entry named *.yaml is listed, a dangling or looping link or a FIFO too, so that loading
 * it reports it. Unreadable directories are reported in `d` as I/O errors and the walk
 * goes on.
 * Returns 0, or -1 only when memory ran out. */
int cm_profile_files(char *const *paths, size_t n, cm_strvec *out, cm_diags *d);

#endif
