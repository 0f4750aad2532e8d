/* test_assign.c: the capacity assignment against brute force on small random instances. */
#include <stdlib.h>

#include "assign.h"
#include "testhelp.h"

/* Best total over every subset of pairs that respects the limits. */
static double brute(const cm_assign_pair *p, size_t n, size_t np, size_t nq, size_t k, size_t cap)
{
    double best = 0;
    for (unsigned long mask = 0; mask < (1ul << n); mask++) {
        size_t per_prof[8] = { 0 }, per_part[8] = { 0 };
        double tot = 0;
        int ok = 1;
        for (size_t i = 0; i < n && ok; i++) {
            if (!(mask >> i & 1)) continue;
            if (++per_prof[p[i].profile] > k || ++per_part[p[i].partner] > cap) ok = 0;
            tot += p[i].score;
        }
        if (ok && tot > best) best = tot;
    }
    (void)np; (void)nq;
    return best;
}

int main(void)
{
    srand(7);
    for (int round = 0; round < 200; round++) {
        size_t np = 1 + (size_t)rand() % 3, nq = 1 + (size_t)rand() % 4;
        size_t k = 1 + (size_t)rand() % 2, cap = 1 + (size_t)rand() % 2;
        cm_assign_pair pairs[12];
        size_t n = 0;
        for (size_t i = 0; i < np; i++)
            for (size_t j = 0; j < nq; j++)
                if (rand() % 4) pairs[n++] = (cm_assign_pair){ i, j, 1 + rand() % 100 };
        unsigned char chosen[12];
        CHECK(cm_assign(pairs, n, np, nq, k, cap, chosen) == 0);
        double tot = 0;
        size_t per_prof[8] = { 0 }, per_part[8] = { 0 };
        int ok = 1;
        for (size_t i = 0; i < n; i++)
            if (chosen[i]) {
                tot += pairs[i].score;
                if (++per_prof[pairs[i].profile] > k || ++per_part[pairs[i].partner] > cap) ok = 0;
            }
        CHECK(ok);
        double b = brute(pairs, n, np, nq, k, cap);
        CHECK(tot > b - 1e-9 && tot < b + 1e-9);
        if (!(tot > b - 1e-9 && tot < b + 1e-9))
            fprintf(stderr, "round %d: assign %.1f, brute force %.1f\n", round, tot, b);
    }
    /* No pairs: nothing chosen, no crash. */
    unsigned char none[1];
    CHECK(cm_assign(NULL, 0, 0, 0, 3, 1, none) == 0);
    return TEST_REPORT("test_assign");
}
