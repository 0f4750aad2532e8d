/* suggest.c: folding and did-you-mean (suggest.h). */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "ascii.h"

char *cm_fold(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1), *o = out;
    if (!out) return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == ' ' || *p == '\'' || *p == '-' || *p == '_' || *p == '.' || *p == '\t')
            continue;
        /* U+2019 RIGHT SINGLE QUOTATION MARK, as word processors write Xi'an */
        if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x99) { p += 2; continue; }
        *o++ = (char)cm_to_lower(*p);
    }
    *o = '\0';
    return out;
}

/* Edits between a and b, a swap of two neighbours counting as one ("rnak" -> "rank"): the
 * optimal string alignment distance. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return (size_t)-1;
    size_t pprev[65], prev[65], cur[65];
    for (size_t j = 0; j <= lb; j++) prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pprev[j - 2] + 1 < cur[j])
                cur[j] = pprev[j - 2] + 1;
        }
        memcpy(pprev, prev, (lb + 1) * sizeof *prev);
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

/* People type the first word of a compound id: a candidate starting with the query's stem
 * counts as close. */
size_t cm_name_distance(const char *q, const char *cand)
{
    size_t lq = strlen(q);
    if (lq == 0) return (size_t)-1;
    size_t stem = lq > 4 && q[lq - 1] == 's' ? lq - 1 : lq;
    if (stem >= 4 && strncmp(cand, q, stem) == 0) return 1;
    size_t lc = strlen(cand);
    size_t d = edit_distance(q, cand);
    /* A query that extends a name ("xiaoshang") is 2 away, or less if it is a plain typo:
     * else a neighbour one edit away ("xiaochang") would win. */
    if (lc >= 4 && lq > lc && strncmp(q, cand, lc) == 0) return d < 2 ? d : 2;
    size_t limit = lq <= 4 ? 1 : lq <= 8 ? 2 : 3;
    return d <= limit ? d : (size_t)-1;
}

const char *cm_suggest_among(const char *const *cands, size_t n, const char *name)
{
    char *q = cm_fold(name);
    if (!q) return NULL;
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        char *k = cm_fold(cands[i]);
        if (!k) continue;
        size_t d = cm_name_distance(q, k);
        if (d < bestd || (d == bestd && d != (size_t)-1 && strcmp(cands[i], best) < 0)) {
            bestd = d;
            best = cands[i];
        }
        free(k);
    }
    free(q);
    return best;
}

