/* assign.h: capacity-constrained assignment of partners to profiles.
 *
 * When many profiles are ranked at once (a whole partnership's SMEs, every cluster of a
 * region), the same few partners can top every list. `batch --capacity N` keeps each
 * partner in at most N shortlists. Choosing which profiles keep which partners is an
 * assignment problem: maximise the total score of all shortlists subject to
 *   - each profile gets at most k partners, each at most once;
 *   - each partner is given to at most N profiles.
 * It is solved exactly as a min-cost flow (source -> profile, capacity k; profile ->
 * partner, capacity 1, cost -score; partner -> sink, capacity N) by successive shortest
 * paths with Johnson potentials and Dijkstra, in O(F E log V) for a flow F <= profiles x k.
 * Every candidate pair has a positive score, so the flow is pushed while it still
 * lowers the cost, that is, as long as another pair adds score.
 */
#ifndef CM_ASSIGN_H
#define CM_ASSIGN_H

#include <stddef.h>

typedef struct cm_assign_pair {
    size_t profile;      /* 0 .. nprofiles-1 */
    size_t partner;      /* 0 .. npartners-1 */
    double score;        /* > 0 */
} cm_assign_pair;

/* Choose a subset of `pairs` (the candidates) maximising the total score under the limits
 * above. On return chosen[i] is 1 for the kept pairs and 0 otherwise. Returns 0, or -1 when
 * out of memory. */
int cm_assign(const cm_assign_pair *pairs, size_t npairs, size_t nprofiles, size_t npartners,
              size_t k, size_t capacity, unsigned char *chosen);

#endif
