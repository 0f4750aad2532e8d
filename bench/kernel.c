/* kernel.c: the scoring kernel alone: cm_score_block over many queries.
 *
 *   kernel --data DIR --profiles DIR [--queries N] [--chunk C] [--runs R]
 *          [--loop-queries L] [--pair-queries K --pair-partners J] [--dump FILE]
 *
 * Loads the data directory and builds the model once, loads the first N profile files of
 * the directory (in name order) and turns them into queries, then R times, side by side
 * (C, default 256, is the dgemm's block of queries):
 *   block    cm_score_block on the N queries, one at a time (as rank and batch run it: a
 *            profile's scores are selected before the next profile is scored);
 *   dgemm    the two dense dgemm calls of the same shapes and nothing else (sector: C x nS
 *            by nS x nP; policy: C x nQ by nQ x nP), on whatever CBLAS the program is linked
 *            with: GSL's own, or OpenBLAS (the build with -lopenblas). The kernel computed
 *            these two products until round 3 of issue #14; it now sums each partner's few
 *            sectors (P is sparse), so this is the yardstick the target names, with P and Pi
 *            expanded to dense matrices here for it;
 *   loop     the same two products as plain loops, one pair at a time, on the first L queries.
 * Once, after that: cm_score_pair_loop, the reference per-pair path, on K queries x J
 * partners, with the largest difference from cm_score_block's totals.
 * FLOPs count the two dense dgemms only: 2 N nS nP + 2 N nQ nP; the kernel's "rate" is
 * that count over its time, so a rate above the dgemm's means less time than the dgemm. Prints key=value lines (medians
 * over the R runs for the timed passes) for bench/run.sh, and `digest`, a hash of every
 * component and total of the first block pass: equal digests mean bit-identical scores, so
 * an optimisation of src/score.c can be checked against the code before it.
 */
#include <dirent.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "profile.h"
#include "score.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_dbl);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* FNV-1a over the bit patterns of every score: equal digests mean bit-identical results. */
static unsigned long long digest_add(unsigned long long h, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned long long bits;
        memcpy(&bits, &v[i], sizeof bits);
        h = (h ^ bits) * 0x100000001b3ull;
    }
    return h;
}

static void die(cm_diags *d, const char *what)
{
    fprintf(stderr, "kernel: %s\n", what);
    if (d) cm_diags_print(d, stderr, 0);
    exit(1);
}

/* The first `max` *.yaml files of `dir`, in name order. */
static char **list_profiles(const char *dir, size_t max, size_t *n)
{
    DIR *dp = opendir(dir);
    if (!dp) { perror(dir); exit(1); }
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || strcmp(dot, ".yaml")) continue;
        if (*n == cap) v = realloc(v, (cap = cap ? cap * 2 : 1024) * sizeof *v);
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        v[*n] = malloc(len);
        snprintf(v[(*n)++], len, "%s/%s", dir, e->d_name);
    }
    closedir(dp);
    qsort(v, *n, sizeof *v, cmp_str);
    if (*n > max) {
        for (size_t i = max; i < *n; i++) free(v[i]);
        *n = max;
    }
    return v;
}

int main(int argc, char **argv)
{
    const char *data = NULL, *pdir = NULL, *dump = NULL;
    size_t nq = 10000, chunk = 256, runs = 3, loopq = 200, pairq = 2, pairp = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--data")) data = v;
        else if (!strcmp(a, "--profiles")) pdir = v;
        else if (!strcmp(a, "--queries")) nq = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--chunk")) chunk = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--runs")) runs = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--loop-queries")) loopq = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--pair-queries")) pairq = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--pair-partners")) pairp = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--dump")) dump = v;
        else { fprintf(stderr, "kernel: unknown option '%s'\n", a); return 2; }
    }
    if (!data || !pdir || !chunk || !runs) {
        fprintf(stderr, "usage: kernel --data DIR --profiles DIR [--queries N] [--chunk C] [--runs R]\n"
                        "              [--loop-queries L] [--pair-queries K --pair-partners J]\n");
        return 2;
    }
    gsl_set_error_handler_off();
    cm_dataset ds;
    cm_model m;
    cm_diags d;
    cm_profile_set set;
    cm_dataset_init(&ds);
    cm_diags_init(&d);
    cm_profile_set_init(&set);

    double t0 = now();
    if (cm_dataset_load(&ds, data, &d)) die(&d, "cannot load the data");
    double t1 = now();
    if (cm_model_init(&m, &ds, &d)) die(&d, "cannot build the model");
    double t2 = now();
    size_t nfiles;
    char **files = list_profiles(pdir, nq, &nfiles);
    for (size_t i = 0; i < nfiles; i++)
        if (cm_profile_load(&set, files[i], &ds, &d) != 0) die(&d, "invalid profile");
    double t3 = now();
    nq = set.n;
    if (!nq) die(NULL, "no profiles");
    cm_query *q = calloc(nq, sizeof *q);
    for (size_t i = 0; i < nq; i++)
        if (cm_query_init(&q[i], &m, &set.v[i], ds.weights, &d)) die(&d, "cannot make a query");
    double t4 = now();

    size_t np = m.np, ns = m.ns, nqp = m.nq;
    if (chunk > nq) chunk = nq;
    double *comp = malloc(chunk * np * CM_NCOMP * sizeof *comp), *total = malloc(chunk * np * sizeof *total);
    gsl_matrix *U = gsl_matrix_alloc(nq, ns), *PQ = gsl_matrix_alloc(nq, nqp);
    gsl_matrix *SC = gsl_matrix_alloc(chunk, np), *PO = gsl_matrix_alloc(chunk, np);
    gsl_matrix *P = gsl_matrix_calloc(np, ns), *Pi = gsl_matrix_calloc(np, nqp);
    if (!comp || !total || !U || !PQ || !SC || !PO || !P || !Pi) die(NULL, "out of memory");
    for (size_t j = 0; j < np; j++) {
        for (uint32_t t = m.p_off[j]; t < m.p_off[j + 1]; t++) gsl_matrix_set(P, j, m.p_idx[t], m.p_w[t]);
        gsl_vector_view row = gsl_matrix_row(Pi, j);
        if (cm_priority_row(&m, j, row.vector.data)) die(NULL, "cannot compute Pi");
    }
    for (size_t i = 0; i < nq; i++) {
        gsl_vector_view ur = gsl_matrix_row(U, i), pr = gsl_matrix_row(PQ, i);
        gsl_vector_memcpy(&ur.vector, q[i].u);
        gsl_vector_memcpy(&pr.vector, q[i].pi);
    }
    if (loopq > nq) loopq = nq;
    double *tb = calloc(runs, sizeof *tb), *tg = calloc(runs, sizeof *tg), *tl = calloc(runs, sizeof *tl);
    unsigned long long digest = 0xcbf29ce484222325ull;
    double sink = 0;
    for (size_t r = 0; r < runs; r++) {
        double a = now(), hashing = 0;
        for (size_t i = 0; i < nq; i++) {   /* one query at a time, as cm_rank_block scores */
            if (cm_score_block(&m, q + i, 1, comp, total, &d)) die(&d, "cm_score_block failed");
            if (r == 0) {     /* not timed */
                double h0 = now();
                digest = digest_add(digest_add(digest, comp, np * CM_NCOMP), total, np);
                hashing += now() - h0;
            }
        }
        double b = now();
        for (size_t i = 0; i < nq; i += chunk) {
            size_t n = nq - i < chunk ? nq - i : chunk;
            gsl_matrix_view u = gsl_matrix_submatrix(U, i, 0, n, ns), pq = gsl_matrix_submatrix(PQ, i, 0, n, nqp);
            gsl_matrix_view sc = gsl_matrix_submatrix(SC, 0, 0, n, np), po = gsl_matrix_submatrix(PO, 0, 0, n, np);
            if (gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &u.matrix, P, 0.0, &sc.matrix) ||
                gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &pq.matrix, Pi, 0.0, &po.matrix))
                die(NULL, "dgemm failed");
            sink += gsl_matrix_get(SC, 0, 0);
        }
        double c = now();
        for (size_t i = 0; i < loopq; i++)
            for (size_t j = 0; j < np; j++) {
                double sc = 0, po = 0;
                for (size_t k = 0; k < ns; k++) sc += gsl_vector_get(q[i].u, k) * gsl_matrix_get(P, j, k);
                for (size_t k = 0; k < nqp; k++) po += gsl_vector_get(q[i].pi, k) * gsl_matrix_get(Pi, j, k);
                sink += sc + po;
            }
        double e = now();
        tb[r] = b - a - hashing;
        tg[r] = c - b;
        tl[r] = e - c;
    }

    /* The reference path on a sample, and how far it is from the block's totals. */
    if (pairq > nq) pairq = nq;
    if (pairp > np) pairp = np;
    double maxdiff = 0, tp = 0;
    if (pairq && pairp) {
        if (cm_score_block(&m, q, pairq, comp, total, &d)) die(&d, "cm_score_block failed");
        double a = now();
        for (size_t i = 0; i < pairq; i++)
            for (size_t j = 0; j < pairp; j++) {
                double c5[CM_NCOMP], tot;
                cm_score_pair_loop(&m, &q[i], j, c5, &tot);
                double diff = fabs(tot - total[i * np + j]);
                if (diff > maxdiff) maxdiff = diff;
            }
        tp = now() - a;
    }

    /* --dump FILE: the first chunk's components and totals as raw doubles, to find where two
     * builds differ when their digests do. */
    if (dump) {
        size_t n = nq < chunk ? nq : chunk;
        FILE *f = fopen(dump, "wb");
        if (!f || cm_score_block(&m, q, n, comp, total, &d) ||
            fwrite(comp, sizeof *comp, n * np * CM_NCOMP, f) != n * np * CM_NCOMP ||
            fwrite(total, sizeof *total, n * np, f) != n * np || fclose(f))
            die(&d, "cannot write the dump");
    }
    double flops = 2.0 * (double)nq * (double)ns * (double)np + 2.0 * (double)nq * (double)nqp * (double)np;
    double loopflops = flops * (double)loopq / (double)nq;
    double mb = median(tb, runs), mg = median(tg, runs), ml = median(tl, runs);
    printf("partners=%zu\nsectors=%zu\npriorities=%zu\nqueries=%zu\nchunk=%zu\nruns=%zu\n", np, ns, nqp, nq, chunk, runs);
    printf("load_s=%.4f\nmodel_s=%.4f\nprofiles_s=%.4f\nqueries_s=%.4f\n", t1 - t0, t2 - t1, t3 - t2, t4 - t3);
    printf("gflop=%.3f\n", flops * 1e-9);
    printf("block_s=%.4f\nblock_gflops=%.3f\n", mb, flops / mb * 1e-9);
    printf("dgemm_s=%.4f\ndgemm_gflops=%.3f\n", mg, flops / mg * 1e-9);
    printf("block_vs_dgemm=%.4f\n", mg / mb);
    printf("loop_queries=%zu\nloop_s=%.4f\nloop_gflops=%.3f\n", loopq, ml, loopq ? loopflops / ml * 1e-9 : 0.0);
    printf("pairloop_pairs=%zu\npairloop_us_per_pair=%.3f\npairloop_maxdiff=%.3g\n", pairq * pairp,
           pairq && pairp ? tp / (double)(pairq * pairp) * 1e6 : 0.0, maxdiff);
    printf("block_us_per_pair=%.5f\n", mb / ((double)nq * (double)np) * 1e6);
    printf("digest=%016llx\nsink=%g\n", digest, sink > 0 ? 1.0 : 0.0);

    for (size_t i = 0; i < nq; i++) cm_query_release(&q[i]);
    free(q);
    for (size_t i = 0; i < nfiles; i++) free(files[i]);
    free(files);
    free(comp); free(total); free(tb); free(tg); free(tl);
    gsl_matrix_free(U); gsl_matrix_free(PQ); gsl_matrix_free(SC); gsl_matrix_free(PO);
    gsl_matrix_free(P); gsl_matrix_free(Pi);
    cm_model_release(&m);
    cm_profile_set_release(&set);
    cm_dataset_release(&ds);
    cm_diags_release(&d);
    return 0;
}
