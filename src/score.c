/* score.c: profiles and partners as GSL vectors and matrices; scores by BLAS.
 *
 * See score.h for the model and docs/scoring.md for the formulas. The heavy part is two
 * dgemm calls per block of queries; region, goal and keyword terms are cheap per pair.
 */
#include "score.h"

#include <assert.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "ascii.h"
#include "files.h"

#define SEEK_WEIGHT 0.7        /* a sought sector counts 0.7 of a sector the cluster is in */
#define HIER_DECAY 0.5         /* similarity halves with each step to a common ancestor */
#define BM25_K1 1.2
#define BM25_B 0.75

/* ---- keyword index (BM25) ---------------------------------------------------------- */

typedef struct tok { char *s; size_t id, df; UT_hash_handle hh; } tok;
typedef struct posting { size_t id; unsigned tf; } posting;

struct cm_kw_index {
    tok *vocab;
    size_t nvocab;
    posting **post;        /* per token id: (partner, tf) for each partner using it, ascending */
    size_t *npost;
    double *norm;          /* per partner: K1 (1 - B + B len / avglen) */
};

static const char *const stopwords[] = { "and", "the", "of", "for", "in", "with", "to", "a", "an",
    "on", "by", "its", "is", "are", "as", "at", "from", "or", "that", "this", "industrial", "cluster",
    "clusters", "industry", "china", "chinese", NULL };

static bool is_stopword(const char *w)
{
    for (size_t i = 0; stopwords[i]; i++)
        if (stopwords[i][0] == w[0] && !strcmp(stopwords[i], w)) return true;
    return false;
}

/* Split `s` into folded tokens: ASCII letters and digits, lowercased, a plural 's' removed
 * from words longer than 3 letters, stop words dropped. Calls fn for each. */
static void tokenize(const char *s, void (*fn)(const char *t, void *ctx), void *ctx)
{
    char buf[64];
    size_t n = 0;
    for (const char *p = s;; p++) {
        if (*p && cm_is_alnum(*p)) {
            if (n < sizeof buf - 1) buf[n++] = (char)cm_to_lower(*p);
            continue;
        }
        if (n >= 2) {
            buf[n] = '\0';
            bool stop = is_stopword(buf);   /* as written ("this"), then singular */
            if (n > 3 && buf[n - 1] == 's' && buf[n - 2] != 's') buf[n - 1] = '\0';
            if (!stop) stop = is_stopword(buf);
            if (!stop) fn(buf, ctx);
        }
        n = 0;
        if (!*p) break;
    }
}

typedef struct doc_build { cm_kw_index *ix; posting *v; size_t n, cap; size_t len; int oom; } doc_build;

static void add_doc_token(const char *t, void *ctx)
{
    doc_build *b = ctx;
    tok *e = NULL;
    HASH_FIND_STR(b->ix->vocab, t, e);
    if (!e) {
        if (!(e = calloc(1, sizeof *e)) || !(e->s = strdup(t))) { free(e); b->oom = 1; return; }
        e->id = b->ix->nvocab++;
        HASH_ADD_KEYPTR(hh, b->ix->vocab, e->s, strlen(e->s), e);
    }
    b->len++;
    for (size_t i = 0; i < b->n; i++)
        if (b->v[i].id == e->id) { b->v[i].tf++; return; }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        posting *v = realloc(b->v, cap * sizeof *v);
        if (!v) { b->oom = 1; return; }
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = (posting){ e->id, 1 };
    e->df++;
}

static void kw_free(cm_kw_index *ix)
{
    if (!ix) return;
    tok *e, *tmp;
    HASH_ITER(hh, ix->vocab, e, tmp) { HASH_DEL(ix->vocab, e); free(e->s); free(e); }
    if (ix->post)
        for (size_t i = 0; i < ix->nvocab; i++) free(ix->post[i]);
    free(ix->post);
    free(ix->npost);
    free(ix->norm);
    free(ix);
}

static cm_kw_index *kw_build(const cm_dataset *ds)
{
    cm_kw_index *ix = calloc(1, sizeof *ix);
    size_t np = ds->npartners;
    if (!ix) return NULL;
    /* Per partner first (tokens with their tf), then inverted into one posting list per
     * token, so a query visits only the partners that share a token with it. */
    posting **docs = calloc(np ? np : 1, sizeof *docs);
    size_t *ndocs = calloc(np ? np : 1, sizeof *ndocs), *len = calloc(np ? np : 1, sizeof *len);
    if (!docs || !ndocs || !len) goto fail;
    double total = 0;
    for (size_t j = 0; j < np; j++) {
        const cm_partner *p = &ds->partners[j];
        doc_build b = { .ix = ix };
        tokenize(p->name, add_doc_token, &b);
        tokenize(p->description ? p->description : "", add_doc_token, &b);
        for (size_t k = 0; k < p->nsectors; k++) {
            const cm_sector *s = &ds->tax.sectors[p->sectors[k]];
            tokenize(s->label, add_doc_token, &b);
            for (size_t a = 0; a < s->naliases; a++) tokenize(s->aliases[a], add_doc_token, &b);
        }
        if (b.oom) { free(b.v); goto fail; }
        docs[j] = b.v;
        ndocs[j] = b.n;
        len[j] = b.len;
        total += (double)b.len;
    }
    double avglen = np ? total / (double)np : 1.0;
    if (avglen <= 0) avglen = 1.0;
    ix->post = calloc(ix->nvocab ? ix->nvocab : 1, sizeof *ix->post);
    ix->npost = calloc(ix->nvocab ? ix->nvocab : 1, sizeof *ix->npost);
    ix->norm = malloc((np ? np : 1) * sizeof *ix->norm);
    if (!ix->post || !ix->npost || !ix->norm) goto fail;
    tok *e, *tmp;
    HASH_ITER(hh, ix->vocab, e, tmp)     /* df = the number of partners using the token */
        if (!(ix->post[e->id] = malloc(e->df * sizeof **ix->post))) goto fail;
    for (size_t j = 0; j < np; j++) {
        for (size_t k = 0; k < ndocs[j]; k++) {
            size_t id = docs[j][k].id;
            ix->post[id][ix->npost[id]++] = (posting){ j, docs[j][k].tf };
        }
        ix->norm[j] = BM25_K1 * (1 - BM25_B + BM25_B * (double)len[j] / avglen);
    }
    for (size_t j = 0; j < np; j++) free(docs[j]);
    free(docs); free(ndocs); free(len);
    return ix;
fail:
    if (docs)
        for (size_t j = 0; j < np; j++) free(docs[j]);
    free(docs); free(ndocs); free(len);
    kw_free(ix);
    return NULL;
}

/* ---- model ------------------------------------------------------------------------- */

void cm_model_release(cm_model *m)
{
    if (!m) return;
    gsl_matrix_free(m->S);
    gsl_matrix_free(m->P);
    gsl_matrix_free(m->PS);
    gsl_matrix_free(m->M);
    gsl_matrix_free(m->Pi);
    gsl_vector_free(m->pnorm);
    gsl_matrix_free(m->NS);
    gsl_vector_free(m->nnorm);
    gsl_matrix_free(m->MCS);
    kw_free(m->kw);
    memset(m, 0, sizeof *m);
}

static int gsl_fail(cm_diags *d, const char *what, int status)
{
    return cm_error(d, NULL, 0, 0, "numerical error in %s: %s", what, gsl_strerror(status));
}

int cm_model_init(cm_model *m, const cm_dataset *ds, cm_diags *d)
{
    const cm_taxonomy *t = &ds->tax;
    int st;
    memset(m, 0, sizeof *m);
    m->ds = ds;
    m->ns = t->nsectors;
    m->np = ds->npartners;
    m->nq = t->npriorities;
    size_t ns = m->ns, np = m->np, nq = m->nq;
    if (!ns || !np || !nq) return cm_error(d, ds->dir, 0, 0, "the data has no sectors, partners or priorities");
    m->S = gsl_matrix_calloc(ns, ns);
    m->P = gsl_matrix_calloc(np, ns);
    m->PS = gsl_matrix_calloc(np, ns);
    m->M = gsl_matrix_calloc(nq, ns);
    m->Pi = gsl_matrix_calloc(np, nq);
    m->pnorm = gsl_vector_calloc(np);
    if (!m->S || !m->P || !m->PS || !m->M || !m->Pi || !m->pnorm) goto oom;

    /* S[i][j] = max over common ancestors c of DECAY^(dist(i,c) + dist(j,c)). Only the
     * few ancestors of i can be common ones: listing them first makes this nS^2 x depth
     * instead of nS^3. */
    size_t *up = malloc(ns * sizeof *up);
    if (!up) goto oom;
    for (size_t i = 0; i < ns; i++) {
        size_t nup = 0;
        for (size_t c = 0; c < ns; c++)
            if (cm_sector_ancestor_dist(t, i, c) >= 0) up[nup++] = c;
        for (size_t j = i; j < ns; j++) {
            int best = -1;
            for (size_t k = 0; k < nup; k++) {
                int di = cm_sector_ancestor_dist(t, i, up[k]), dj = cm_sector_ancestor_dist(t, j, up[k]);
                if (dj >= 0 && (best < 0 || di + dj < best)) best = di + dj;
            }
            double v = best < 0 ? 0.0 : pow(HIER_DECAY, best);
            gsl_matrix_set(m->S, i, j, v);
            gsl_matrix_set(m->S, j, i, v);
        }
    }
    free(up);
    for (size_t p = 0; p < np; p++) {
        const cm_partner *pa = &ds->partners[p];
        for (size_t k = 0; k < pa->nsectors; k++) gsl_matrix_set(m->P, p, pa->sectors[k], pa->sector_w[k]);
    }
    for (size_t q = 0; q < nq; q++) {
        const cm_priority *pr = &t->priorities[q];
        for (size_t k = 0; k < pr->nsectors; k++) gsl_matrix_set(m->M, q, pr->sectors[k], pr->weights[k]);
    }
    /* PS = P S; the soft norm of each partner is sqrt(p' S p). */
    if ((st = gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, m->P, m->S, 0.0, m->PS)))
        return gsl_fail(d, "partner sector matrix", st);
    for (size_t p = 0; p < np; p++) {
        gsl_vector_const_view a = gsl_matrix_const_row(m->P, p), b = gsl_matrix_const_row(m->PS, p);
        double dot;
        if ((st = gsl_blas_ddot(&a.vector, &b.vector, &dot))) return gsl_fail(d, "partner norms", st);
        gsl_vector_set(m->pnorm, p, sqrt(dot));
    }
    /* MS = M S: how much each priority wants each sector through the hierarchy. M is
     * sparse (a priority names a few sectors), which the dgemm's zero test exploits. */
    gsl_matrix *MS = gsl_matrix_alloc(nq, ns);
    if (!MS) goto oom;
    if ((st = gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, m->M, m->S, 0.0, MS))) {
        gsl_matrix_free(MS);
        return gsl_fail(d, "priority sector matrix", st);
    }
    /* Partner priority vectors: Pi = P S M' = P (M S)', summed over each partner's few
     * sectors; explicit links raised to the row maximum, then each row scaled to unit
     * length. */
    for (size_t p = 0; p < np; p++) {
        const cm_partner *pa = &ds->partners[p];
        gsl_vector_view row = gsl_matrix_row(m->Pi, p);
        for (size_t k = 0; k < pa->nsectors; k++) {
            gsl_vector_const_view col = gsl_matrix_const_column(MS, pa->sectors[k]);
            if ((st = gsl_blas_daxpy(pa->sector_w[k], &col.vector, &row.vector))) {
                gsl_matrix_free(MS);
                return gsl_fail(d, "partner priority matrix", st);
            }
        }
        double mx = gsl_vector_max(&row.vector);
        if (mx <= 0) mx = 1.0;
        for (size_t k = 0; k < pa->npriorities; k++)
            if (gsl_vector_get(&row.vector, pa->priorities[k]) < mx) gsl_vector_set(&row.vector, pa->priorities[k], mx);
        double nrm = gsl_blas_dnrm2(&row.vector);
        if (nrm > 0) gsl_vector_scale(&row.vector, 1.0 / nrm);
    }
    /* Only Chinese and jointly agreed programmes state the Chinese side's needs: MCS is MS
     * with the EU's own programmes (ESCP-4i) zeroed. */
    m->MCS = MS;
    bool *eu = calloc(nq, sizeof *eu);
    if (!eu) goto oom;
    for (size_t q = 0; q < nq; q++)
        if (t->programmes[t->priorities[q].programme].origin == CM_ORIGIN_EU) {
            eu[q] = true;
            gsl_vector_view row = gsl_matrix_row(m->MCS, q);
            gsl_vector_set_zero(&row.vector);
        }
    /* Needs: what each partner seeks, else what its policy priorities favour: N_j =
     * sum_q Pi_jq M_q over the Chinese priorities, each of which names a few sectors. */
    gsl_matrix *N = gsl_matrix_calloc(np, ns);
    m->NS = gsl_matrix_calloc(np, ns);
    m->nnorm = gsl_vector_calloc(np);
    if (!N || !m->NS || !m->nnorm) { gsl_matrix_free(N); free(eu); goto oom; }
    for (size_t p = 0; p < np; p++)
        for (size_t q = 0; q < nq; q++) {
            double piq = gsl_matrix_get(m->Pi, p, q);
            if (eu[q] || piq == 0) continue;
            const cm_priority *pr = &t->priorities[q];
            for (size_t k = 0; k < pr->nsectors; k++) {
                size_t s = pr->sectors[k], e = 0;
                while (e < k && pr->sectors[e] != s) e++;
                if (e == k)   /* a sector listed twice counts once, as in M */
                    *gsl_matrix_ptr(N, p, s) += piq * gsl_matrix_get(m->M, q, s);
            }
        }
    free(eu);
    /* NS = N S = Pi (MC S) = Pi MCS for partners whose needs come from their priorities
     * (half the work of N S); a partner that states `seeks` has N_j = its seeks and
     * NS_j = the sum of their rows of S. */
    if ((st = gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, m->Pi, m->MCS, 0.0, m->NS))) {
        gsl_matrix_free(N);
        return gsl_fail(d, "partner needs matrix", st);
    }
    for (size_t p = 0; p < np; p++) {
        const cm_partner *pa = &ds->partners[p];
        if (!pa->nseeks) continue;
        gsl_vector_view row = gsl_matrix_row(N, p), nsrow = gsl_matrix_row(m->NS, p);
        gsl_vector_set_zero(&row.vector);
        gsl_vector_set_zero(&nsrow.vector);
        for (size_t k = 0; k < pa->nseeks; k++) {
            if (gsl_vector_get(&row.vector, pa->seeks[k]) != 0) continue;   /* listed twice */
            gsl_vector_set(&row.vector, pa->seeks[k], 1.0);
            gsl_vector_const_view srow = gsl_matrix_const_row(m->S, pa->seeks[k]);
            gsl_vector_add(&nsrow.vector, &srow.vector);
        }
    }
    for (size_t p = 0; p < np; p++) {
        gsl_vector_const_view a = gsl_matrix_const_row(N, p), b = gsl_matrix_const_row(m->NS, p);
        double dot = 0;
        gsl_blas_ddot(&a.vector, &b.vector, &dot);
        gsl_vector_set(m->nnorm, p, sqrt(dot > 0 ? dot : 0));
    }
    gsl_matrix_free(N);
    if (!(m->kw = kw_build(ds))) goto oom;
    return 0;
oom:
    cm_model_release(m);
    return cm_ioerror(d, ds->dir, "out of memory building the scoring model");
}

/* ---- queries ----------------------------------------------------------------------- */

typedef struct qtok_ctx { const cm_kw_index *ix; char **v; size_t n, cap; int oom; cm_nameset seen; } qtok_ctx;

static void add_query_token(const char *t, void *ctx)
{
    qtok_ctx *q = ctx;
    /* Duplicates by a hash set, not a scan of the tokens so far: a 1 MiB profile holds
     * some 200,000 distinct tokens, and the scan took minutes (issue 17, class 2). */
    int fresh = cm_nameset_take(&q->seen, t);
    if (fresh < 0) { q->oom = 1; return; }
    if (!fresh) return;
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 8;
        char **v = realloc(q->v, cap * sizeof *v);
        if (!v) { q->oom = 1; return; }
        q->v = v;
        q->cap = cap;
    }
    if (!(q->v[q->n] = strdup(t))) { q->oom = 1; return; }
    q->n++;
}

void cm_query_release(cm_query *q)
{
    if (!q) return;
    gsl_vector_free(q->a);
    gsl_vector_free(q->u);
    gsl_vector_free(q->pi);
    gsl_vector_free(q->o);
    for (size_t i = 0; i < q->nkw; i++) free(q->kwtokens[i]);
    free(q->kwtokens);
    memset(q, 0, sizeof *q);
}

int cm_query_init(cm_query *q, const cm_model *m, const cm_profile *p, const double w[CM_NCOMP], cm_diags *d)
{
    int st;
    memset(q, 0, sizeof *q);
    q->profile = p;
    q->a = gsl_vector_calloc(m->ns);
    q->u = gsl_vector_calloc(m->ns);
    q->pi = gsl_vector_calloc(m->nq);
    q->o = gsl_vector_calloc(m->ns);
    if (!q->a || !q->u || !q->pi || !q->o) goto oom;
    /* What the profile offers: its `offers` sectors, else its own sectors. */
    if (p->noffers)
        for (size_t i = 0; i < p->noffers; i++) gsl_vector_set(q->o, p->offers[i].idx, 1.0);
    else
        for (size_t i = 0; i < p->nsectors; i++) gsl_vector_set(q->o, p->sectors[i].idx, p->sectors[i].w);
    {
        gsl_vector *so = gsl_vector_calloc(m->ns);
        if (!so) goto oom;
        double oo = 0;
        st = 0;
        for (size_t i = 0; i < m->ns && !st; i++) {   /* so = S o over o's few sectors */
            double oi = gsl_vector_get(q->o, i);
            if (oi == 0) continue;
            gsl_vector_const_view col = gsl_matrix_const_row(m->S, i);
            st = gsl_blas_daxpy(oi, &col.vector, so);
        }
        if (st || (st = gsl_blas_ddot(q->o, so, &oo))) {
            gsl_vector_free(so);
            cm_query_release(q);
            return gsl_fail(d, "profile offer vector", st);
        }
        q->onorm = sqrt(oo);
        gsl_vector_free(so);
    }
    for (size_t i = 0; i < p->nseeks; i++) {
        double v = SEEK_WEIGHT * p->seeks[i].w;
        if (v > gsl_vector_get(q->a, p->seeks[i].idx)) gsl_vector_set(q->a, p->seeks[i].idx, v);
    }
    for (size_t i = 0; i < p->nsectors; i++)
        if (p->sectors[i].w > gsl_vector_get(q->a, p->sectors[i].idx))
            gsl_vector_set(q->a, p->sectors[i].idx, p->sectors[i].w);
    /* u = S a over a's few non-zero sectors: a profile names a handful of the sectors. */
    for (size_t i = 0; i < m->ns; i++) {
        double ai = gsl_vector_get(q->a, i);
        if (ai == 0) continue;
        gsl_vector_const_view col = gsl_matrix_const_row(m->S, i);   /* S is symmetric */
        if ((st = gsl_blas_daxpy(ai, &col.vector, q->u))) return gsl_fail(d, "profile sector vector", st);
    }
    double aa;
    if ((st = gsl_blas_ddot(q->a, q->u, &aa))) return gsl_fail(d, "profile sector norm", st);
    q->anorm = sqrt(aa);
    if (p->npriorities) {
        for (size_t i = 0; i < p->npriorities; i++) gsl_vector_set(q->pi, p->priorities[i], 1.0);
    } else if ((st = gsl_blas_dgemv(CblasNoTrans, 1.0, m->M, q->u, 0.0, q->pi))) {
        return gsl_fail(d, "profile priority vector", st);
    }
    double nrm = gsl_blas_dnrm2(q->pi);
    /* Divide rather than scale by 1/nrm: a subnormal norm has no finite reciprocal, while
     * |pi_i| <= nrm keeps every quotient in [0, 1]. */
    if (nrm > 0)
        for (size_t i = 0; i < m->nq; i++) gsl_vector_set(q->pi, i, gsl_vector_get(q->pi, i) / nrm);

    qtok_ctx qt = { .ix = m->kw };
    for (size_t i = 0; i < p->nkeywords; i++) tokenize(p->keywords[i], add_query_token, &qt);
    for (size_t i = 0; i < p->nterms; i++) tokenize(p->terms[i], add_query_token, &qt);
    cm_nameset_release(&qt.seen);
    q->kwtokens = qt.v;
    q->nkw = qt.n;
    if (qt.oom) goto oom;

    q->active[CM_C_SECTOR] = q->anorm > 0;
    q->active[CM_C_REGION] = p->nregions > 0;
    q->active[CM_C_POLICY] = nrm > 0;
    q->active[CM_C_GOAL] = p->ngoals > 0;
    /* Keywords no partner's text contains leave the component out, rather than scoring
     * every partner 0 and capping all totals below 100. */
    size_t known = 0;
    for (size_t k = 0; k < q->nkw; k++) {
        tok *e = NULL;
        HASH_FIND_STR(m->kw->vocab, q->kwtokens[k], e);
        known += e != NULL;
    }
    q->active[CM_C_KEYWORD] = known > 0;
    double sum = 0;
    for (int c = 0; c < CM_NCOMP; c++)
        if (q->active[c] && w[c] > 0) sum += w[c];
    if (!(sum > 0)) {
        cm_query_release(q);
        return cm_error(d, p->file, p->line, 1, "every weight that applies to profile '%s' is zero", p->id);
    }
    for (int c = 0; c < CM_NCOMP; c++) {
        q->w[c] = q->active[c] && w[c] > 0 ? w[c] / sum : 0.0;
        if (q->w[c] == 0) q->active[c] = false;
    }
    return 0;
oom:
    cm_query_release(q);
    return cm_ioerror(d, p->file, "out of memory");
}

/* ---- per-pair components ------------------------------------------------------------ */

/* How well partner region (city or province) matches one profile region, in [0,1]. */
static double region_match(const cm_taxonomy *t, size_t r, const cm_partner *p)
{
    size_t loc = p->city != CM_NONE ? p->city : p->province;
    if (cm_region_within(t, loc, r) || cm_region_within(t, p->province, r)) return 1.0;
    const cm_region *R = &t->regions[r];
    if (R->level == CM_REG_CITY && R->province == p->province) return 0.5;
    size_t pmacro = t->regions[p->province].macro;
    if (R->level == CM_REG_CLUSTER)      /* any member's macro-region, not only the first's */
        for (size_t k = 0; k < R->nmembers; k++)
            if (t->regions[R->members[k]].macro == pmacro) return 0.25;
    if (R->macro != CM_NONE && R->macro == pmacro && R->level != CM_REG_MACRO) return 0.25;
    return 0.0;
}

double cm_region_affinity(const cm_taxonomy *t, const cm_query *q, const cm_partner *p, size_t *matched)
{
    const cm_profile *pr = q->profile;
    double best = 0.0;
    size_t which = CM_NONE;
    for (size_t i = 0; i < pr->nregions; i++) {
        double v = pr->regions[i].w * region_match(t, pr->regions[i].idx, p);
        if (v > best) { best = v; which = pr->regions[i].idx; }
    }
    if (matched) *matched = which;
    return best;
}

double cm_goal_fit(const cm_taxonomy *t, const cm_profile *prof, cm_kind kind)
{
    if (!prof->ngoals) return 0.0;
    double s = 0;
    for (size_t i = 0; i < prof->ngoals; i++) s += t->goal_fit[prof->goals[i]][kind];
    return s / (double)prof->ngoals;
}

/* Query token ids and idf weights; ids of unknown tokens are (size_t)-1. */
static void query_ids(const cm_kw_index *ix, size_t np, const cm_query *q, size_t *ids, double *idf)
{
    for (size_t k = 0; k < q->nkw; k++) {
        tok *e = NULL;
        HASH_FIND_STR(ix->vocab, q->kwtokens[k], e);
        ids[k] = e ? e->id : (size_t)-1;
        idf[k] = e ? log(1.0 + ((double)np - (double)e->df + 0.5) / ((double)e->df + 0.5)) : 0.0;
    }
}

/* BM25 of every partner for one query, scaled by the best partner's so the best match is 1.
 * The posting lists of the query's tokens are walked in query order, so each partner's sum
 * adds the same terms in the same order as a loop over partners would. */
static int keyword_scores(const cm_model *m, const cm_query *q, double *out)
{
    size_t np = m->np;
    const cm_kw_index *ix = m->kw;
    memset(out, 0, np * sizeof *out);
    if (!q->nkw) return 0;
    size_t *ids = malloc(q->nkw * sizeof *ids);
    double *idf = malloc(q->nkw * sizeof *idf);
    if (!ids || !idf) { free(ids); free(idf); return -1; }
    query_ids(ix, np, q, ids, idf);
    for (size_t k = 0; k < q->nkw; k++) {
        if (ids[k] == (size_t)-1) continue;
        const posting *v = ix->post[ids[k]];
        for (size_t i = 0; i < ix->npost[ids[k]]; i++) {
            double tf = v[i].tf;
            out[v[i].id] += idf[k] * (tf * (BM25_K1 + 1) / (tf + ix->norm[v[i].id]));
        }
    }
    double mx = 0;
    for (size_t j = 0; j < np; j++)
        if (out[j] > mx) mx = out[j];
    for (size_t j = 0; j < np; j++) out[j] = mx > 0 ? out[j] / mx : 0.0;
    free(ids);
    free(idf);
    return 0;
}

double cm_keyword_score(const cm_model *m, const cm_query *q, size_t partner)
{
    double *all = malloc(m->np * sizeof *all);
    if (!all || keyword_scores(m, q, all)) { free(all); return 0.0; }
    double v = all[partner];
    free(all);
    return v;
}

/* NaN goes to 0, so a component is in [0, 1] whatever its inputs: every score is finite
 * by construction (the weights sum to 1). */
static double clamp01(double x) { return x > 0 ? (x < 1 ? x : 1) : 0; }

static double total_of(const cm_query *q, const double *comp)
{
    double s = 0;
    for (int c = 0; c < CM_NCOMP; c++) s += q->w[c] * comp[c];
    assert(isfinite(s));
    return 100.0 * s;
}

int cm_score_block(const cm_model *m, const cm_query *q, size_t nq, double *comp, double *total, cm_diags *d)
{
    size_t np = m->np, ns = m->ns, nqp = m->nq;
    int st, rc = -1;
    gsl_matrix *U = gsl_matrix_alloc(nq, ns), *SC = gsl_matrix_alloc(nq, np);
    gsl_matrix *PQ = gsl_matrix_alloc(nq, nqp), *PO = gsl_matrix_alloc(nq, np);
    double *kw = malloc(np * sizeof *kw);
    size_t nr = m->ds->tax.nregions;
    double *raff = malloc((nr ? nr : 1) * sizeof *raff);
    size_t *place = malloc((np ? np : 1) * sizeof *place);
    unsigned char *kind = malloc(np ? np : 1);
    if (!U || !SC || !PQ || !PO || !kw || !raff || !place || !kind) { cm_ioerror(d, NULL, "out of memory scoring %zu profiles", nq); goto out; }
    for (size_t i = 0; i < nq; i++) {
        gsl_vector_view ur = gsl_matrix_row(U, i), pr = gsl_matrix_row(PQ, i);
        gsl_vector_memcpy(&ur.vector, q[i].u);
        gsl_vector_memcpy(&pr.vector, q[i].pi);
    }
    /* Sector: (S a)' p for every pair in one dgemm; policy likewise on priority vectors. */
    if ((st = gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, U, m->P, 0.0, SC))) { gsl_fail(d, "sector scores", st); goto out; }
    if ((st = gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, PQ, m->Pi, 0.0, PO))) { gsl_fail(d, "policy scores", st); goto out; }
    /* The region term depends on a partner only through its place (city, else province: a
     * city fixes its province, the data check makes sure) and the goal term only through
     * its kind, so each is computed once per query and place or kind, the first time a
     * partner needs it (-1: not yet). Places and kinds are copied out of the partner
     * records first, so the loop over pairs reads two small arrays, not 20k structs. */
    for (size_t j = 0; j < np; j++) {
        const cm_partner *p = &m->ds->partners[j];
        place[j] = p->city != CM_NONE ? p->city : p->province;
        kind[j] = (unsigned char)p->kind;
    }
    for (size_t i = 0; i < nq; i++) {
        const cm_query *qi = &q[i];
        if (keyword_scores(m, qi, kw)) { cm_ioerror(d, NULL, "out of memory"); goto out; }
        double goal[CM_NKINDS];
        for (int k = 0; k < CM_NKINDS; k++)
            goal[k] = qi->active[CM_C_GOAL] ? cm_goal_fit(&m->ds->tax, qi->profile, (cm_kind)k) : 0.0;
        for (size_t r = 0; r < nr; r++) raff[r] = -1;
        const double *sc = SC->data + i * SC->tda, *po = PO->data + i * PO->tda;
        for (size_t j = 0; j < np; j++) {
            double *c = comp + (i * np + j) * CM_NCOMP;
            double den = qi->anorm * m->pnorm->data[j * m->pnorm->stride];
            c[CM_C_SECTOR] = den > 0 ? clamp01(sc[j] / den) : 0.0;
            c[CM_C_REGION] = 0.0;
            if (qi->active[CM_C_REGION]) {
                size_t loc = place[j];
                if (raff[loc] < 0) raff[loc] = cm_region_affinity(&m->ds->tax, qi, &m->ds->partners[j], NULL);
                c[CM_C_REGION] = raff[loc];
            }
            c[CM_C_POLICY] = clamp01(po[j]);
            c[CM_C_GOAL] = goal[kind[j]];
            c[CM_C_KEYWORD] = clamp01(kw[j]);
            total[i * np + j] = total_of(qi, c);
        }
    }
    rc = 0;
out:
    gsl_matrix_free(U);
    gsl_matrix_free(SC);
    gsl_matrix_free(PQ);
    gsl_matrix_free(PO);
    free(kw);
    free(raff);
    free(place);
    free(kind);
    return rc;
}

double cm_reciprocity(const cm_model *m, const cm_query *q, size_t j)
{
    double den = q->onorm * gsl_vector_get(m->nnorm, j);
    if (!(den > 0)) return 0.0;
    gsl_vector_const_view row = gsl_matrix_const_row(m->NS, j);
    double dot = 0;
    gsl_blas_ddot(q->o, &row.vector, &dot);
    return clamp01(dot / den);
}

bool cm_keyword_matches(const cm_model *m, const char *token, size_t partner)
{
    tok *e = NULL;
    HASH_FIND_STR(m->kw->vocab, token, e);
    if (!e) return false;
    const posting *v = m->kw->post[e->id];
    size_t lo = 0, hi = m->kw->npost[e->id];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].id < partner) lo = mid + 1; else hi = mid;
    }
    return lo < m->kw->npost[e->id] && v[lo].id == partner;
}

double cm_partner_similarity(const cm_model *m, size_t a, size_t b)
{
    const cm_dataset *ds = m->ds;
    const cm_partner *pa = &ds->partners[a], *pb = &ds->partners[b];
    double den = gsl_vector_get(m->pnorm, a) * gsl_vector_get(m->pnorm, b), sec = 0;
    if (den > 0) {
        /* p_a' S p_b over a's few sectors, reading row b of PS = P S. */
        double dot = 0;
        for (size_t k = 0; k < pa->nsectors; k++)
            dot += pa->sector_w[k] * gsl_matrix_get(m->PS, b, pa->sectors[k]);
        sec = clamp01(dot / den);
    }
    double reg = 0;
    if (pa->city != CM_NONE && pa->city == pb->city) reg = 1.0;
    else if (pa->province == pb->province) reg = 0.7;
    else if (ds->tax.regions[pa->province].macro == ds->tax.regions[pb->province].macro) reg = 0.3;
    return 0.5 * sec + 0.3 * reg + 0.2 * (pa->kind == pb->kind);
}

void cm_score_pair_loop(const cm_model *m, const cm_query *q, size_t j, double comp[CM_NCOMP], double *total)
{
    size_t ns = m->ns, nqp = m->nq;
    const cm_partner *p = &m->ds->partners[j];
    double sc = 0, po = 0;
    for (size_t k = 0; k < ns; k++) sc += gsl_vector_get(q->u, k) * gsl_matrix_get(m->P, j, k);
    for (size_t k = 0; k < nqp; k++) po += gsl_vector_get(q->pi, k) * gsl_matrix_get(m->Pi, j, k);
    double den = q->anorm * gsl_vector_get(m->pnorm, j);
    comp[CM_C_SECTOR] = den > 0 ? clamp01(sc / den) : 0.0;
    comp[CM_C_REGION] = q->active[CM_C_REGION] ? cm_region_affinity(&m->ds->tax, q, p, NULL) : 0.0;
    comp[CM_C_POLICY] = clamp01(po);
    comp[CM_C_GOAL] = q->active[CM_C_GOAL] ? cm_goal_fit(&m->ds->tax, q->profile, p->kind) : 0.0;
    comp[CM_C_KEYWORD] = clamp01(cm_keyword_score(m, q, j));
    *total = total_of(q, comp);
}
