/* rank_capacity.h: the ranking policy of `batch --capacity N` (each partner in at most N
 * shortlists), beside rank.h.
 *
 * Every profile is first ranked by score alone for a pool of 4k+20 candidates (diversity
 * off: the assignment maximises total score, so candidates must come in score order).
 * Then an exact assignment (assign.h) chooses which profiles keep which partners, and each
 * shortlist is trimmed to its chosen hits, in their ranked order, at most k of them.
 * docs/scoring.md gives the model.
 */
#ifndef CM_RANK_CAPACITY_H
#define CM_RANK_CAPACITY_H

#include <stdbool.h>
#include <stddef.h>
#include "rank.h"

/* The options the candidate pools are ranked with: `o` with top = min(4k+20, npartners)
 * and diversity 0. */
void cm_capacity_pool_opts(const cm_rank_opts *o, size_t npartners, cm_rank_opts *pool);

/* Trim the pools lists[i] (those with ok[i]) to the assignment that maximises the total
 * score with at most k hits a list and each partner in at most `capacity` lists. Hits
 * dropped are released. *before receives the total score of the plain top k of every pool,
 * *after that of the trimmed lists. Returns 0, or -1 when out of memory (lists unchanged). */
int cm_capacity_trim(cm_shortlist *lists, const bool *ok, size_t n, size_t k, size_t capacity,
                     size_t npartners, double *before, double *after);

#endif
