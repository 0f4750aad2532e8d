/* rank_capacity.c: candidate pools and the capacity trim (rank_capacity.h). */
#include "rank_capacity.h"

#include <stdlib.h>

#include "assign.h"

void cm_capacity_pool_opts(const cm_rank_opts *o, size_t npartners, cm_rank_opts *pool)
{
    size_t k = o->top;
    *pool = *o;
    pool->top = k * 4 + 20 < npartners ? k * 4 + 20 : npartners;
    pool->diversity = 0;
}

int cm_capacity_trim(cm_shortlist *lists, const bool *ok, size_t n, size_t k, size_t capacity,
                     size_t npartners, double *before, double *after)
{
    size_t npairs = 0;
    for (size_t i = 0; i < n; i++) npairs += ok[i] ? lists[i].n : 0;
    cm_assign_pair *pairs = calloc(npairs ? npairs : 1, sizeof *pairs);
    unsigned char *chosen = malloc(npairs ? npairs : 1);
    if (!pairs || !chosen) {
        free(pairs);
        free(chosen);
        return -1;
    }
    int rc = -1;
    *before = *after = 0;
    size_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ok[i]) continue;
        for (size_t h = 0; h < lists[i].n; h++) {
            /* Scores are positive so that keeping a pair always adds; a zero score still
             * counts a little, so a shortlist is filled when it can be. Between equal scores
             * the higher-ranked hit wins (a bonus far below any printed difference), so a
             * limit that never binds changes nothing. */
            pairs[x++] = (cm_assign_pair){ i, lists[i].hits[h].partner,
                                           lists[i].hits[h].score + 1e-6 + 1e-10 * (double)(lists[i].n - h) };
            if (h < k) *before += lists[i].hits[h].score;
        }
    }
    if (cm_assign(pairs, npairs, n, npartners, k, capacity, chosen) != 0) goto out;
    x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ok[i]) continue;
        cm_shortlist *s = &lists[i];
        size_t kept = 0;
        for (size_t h = 0; h < s->n; h++, x++) {
            if (chosen[x] && kept < k) {
                *after += s->hits[h].score;
                s->hits[kept++] = s->hits[h];
            } else {
                free(s->hits[h].member_score);
            }
        }
        s->n = kept;
    }
    rc = 0;
out:
    free(pairs);
    free(chosen);
    return rc;
}
