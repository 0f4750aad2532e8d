/* suggest.h: "did you mean": folding names for comparison and finding the closest of a
 * list of candidates. Generic and low-level (it knows no vocabulary): the YAML field layer
 * (yfield.c) checks keys with it, the taxonomy builds its own lookups on it.
 */
#ifndef CM_SUGGEST_H
#define CM_SUGGEST_H

#include <stddef.h>

/* Fold a name for comparison: ASCII lower case, without spaces, tabs, hyphens,
 * underscores, dots and apostrophes (ASCII and U+2019), so "Xi'an", "xian" and "XI AN" are
 * one key. Caller frees; NULL when out of memory. */
char *cm_fold(const char *s);

/* How far candidate `cand` is from the query `q`, both folded; (size_t)-1 when too far to
 * suggest. The optimal string alignment distance (a swap of neighbours is one edit), within
 * 1 edit for queries up to 4 characters, 2 up to 8, else 3; a candidate that starts with the
 * query's stem ("renewables" -> "renewableenergy") counts 1, and a query that starts with a
 * candidate of 4 or more characters counts 2. */
size_t cm_name_distance(const char *q, const char *cand);

/* The closest of `n` candidate strings to `name`, or NULL if none is close; among equally
 * close candidates the first in byte order. */
const char *cm_suggest_among(const char *const *cands, size_t n, const char *name);

#endif
