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
#define BROAD_PENALTY 0.5      /* evidence from a partner's broader sector halves per step up */
#define BREADTH_FREE 3.0       /* partners with up to this many effective fields keep full
                                * sector evidence; broader ones get sqrt(3 / n) of it */
#define BACKING_MIN 0.5        /* a place-bound plan covers a partner when it names one of
                                * its sectors, a parent or a child (S >= 0.5) */
#define CONTACT_FACTOR 0.5     /* an organisation's or programme's sector evidence when the
                                * profile wants counterparts; it rises to 1 with the square
                                * of the share of the profile's goals that are
                                * business-support */
#define REGION_FIT 0.5         /* region points count in full from this sector value up, in
                                * proportion below it: a place without the trade is no partner */
#define WEIGHT_CONFIDENCE 0.6  /* the sector value scales with (strongest weight)^0.6 */
#define TRADE_FUNCTION 0.5     /* a customs or border-trade zone's tags under logistics and
                                * business services: functions of the customs regime (bonded
                                * warehousing, trade), not an industry of the zone */
#define NAMED_BACKING 0.6      /* a plan naming a cluster or zone is support, not proof of fit */
#define AREA_BACKING 0.5       /* an area plan that covers a partner without naming it backs it
                                * half as strongly as one that names it */
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
    size_t **seq;          /* per partner: its token ids in text order, CM_NONE between
                            * fields and at punctuation, so a phrase never spans them */
    size_t *nseq;
    double idf_ref;        /* idf of a word in 1% of the partners: KW_FULL_TERMS such words
                            * matched once each give full keyword points */
};

static const char *const stopwords[] = { "and", "the", "of", "for", "in", "with", "to", "a", "an",
    "on", "by", "its", "is", "are", "as", "at", "from", "or", "that", "this", "industrial", "cluster",
    "clusters", "industry", "china", "chinese", NULL };

/* Words too general to be evidence on their own (folded forms): a keyword that is only one
 * of these gives no term, and one joined by a hyphen to a real word is dropped
 * ("paper-based" is 'paper'). Inside a phrase they stay: "cold chain", "climate control". */
static const char *const generic_words[] = { "based", "related", "driven", "oriented", "chain",
    "control", "system", "solution", "technology", "technologie", "product", "service",
    "management", "development", "application", "process", "component", "tool", "material",
    "high", "new", "advanced", "innovation", "innovative", "integration", "supply", "quality",
    "sustainable", "international", "market", "business", "partner", "cooperation", "network",
    "platform", "smart", "support", "equipment", "production", "manufacturing", "engineering",
    "center", "centre", "park", "zone", "group", "association", "company", "firm", "sme",
    "project", "programme", "program", "initiative", "design", "test", "site", "transition",
    "economy", "efficient", "efficiency", "operation", "maker", "builder", "user", "provider",
    "other", "general", "various", "modern", "green", "global", NULL };

static bool in_list(const char *const *list, const char *w)
{
    for (size_t i = 0; list[i]; i++)
        if (list[i][0] == w[0] && !strcmp(list[i], w)) return true;
    return false;
}

static bool is_stopword(const char *w) { return in_list(stopwords, w); }

/* Fold one word in place (lowercase done by the caller): a plural 's' removed from words
 * longer than 3 letters; returns false for a stop word (as written or singular). */
static bool fold_word(char *buf, size_t n)
{
    buf[n] = '\0';
    if (is_stopword(buf)) return false;   /* as written ("this"), then singular */
    if (n > 3 && buf[n - 1] == 's' && buf[n - 2] != 's') buf[n - 1] = '\0';
    return !is_stopword(buf);
}

/* Split `s` into folded tokens: ASCII letters and digits, lowercased, a plural 's' removed
 * from words longer than 3 letters, stop words dropped. Calls fn for each, and fn(NULL) at
 * punctuation that ends a phrase (. , ; : ! ? ( ) /). */
static void tokenize(const char *s, void (*fn)(const char *t, void *ctx), void *ctx)
{
    char buf[64];
    size_t n = 0;
    for (const char *p = s;; p++) {
        if (*p && cm_is_alnum(*p)) {
            if (n < sizeof buf - 1) buf[n++] = (char)cm_to_lower(*p);
            continue;
        }
        if (n >= 2 && fold_word(buf, n)) fn(buf, ctx);
        n = 0;
        if (*p && strchr(".,;:!?()/", *p)) fn(NULL, ctx);
        if (!*p) break;
    }
}

typedef struct doc_build {
    cm_kw_index *ix; posting *v; size_t n, cap; size_t len; int oom;
    size_t *seq; size_t nseq, seqcap;
} doc_build;

static void doc_push(doc_build *b, size_t id)
{
    if (id == CM_NONE && (!b->nseq || b->seq[b->nseq - 1] == CM_NONE)) return;
    if (b->nseq == b->seqcap) {
        size_t cap = b->seqcap ? b->seqcap * 2 : 32;
        size_t *v = realloc(b->seq, cap * sizeof *v);
        if (!v) { b->oom = 1; return; }
        b->seq = v;
        b->seqcap = cap;
    }
    b->seq[b->nseq++] = id;
}

static void add_doc_token(const char *t, void *ctx)
{
    doc_build *b = ctx;
    if (!t) { doc_push(b, CM_NONE); return; }
    tok *e = NULL;
    HASH_FIND_STR(b->ix->vocab, t, e);
    if (!e) {
        if (!(e = calloc(1, sizeof *e)) || !(e->s = strdup(t))) { free(e); b->oom = 1; return; }
        e->id = b->ix->nvocab++;
        HASH_ADD_KEYPTR(hh, b->ix->vocab, e->s, strlen(e->s), e);
    }
    b->len++;
    doc_push(b, e->id);
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

static void kw_free(cm_kw_index *ix, size_t np)
{
    if (!ix) return;
    tok *e, *tmp;
    HASH_ITER(hh, ix->vocab, e, tmp) { HASH_DEL(ix->vocab, e); free(e->s); free(e); }
    if (ix->post)
        for (size_t i = 0; i < ix->nvocab; i++) free(ix->post[i]);
    if (ix->seq)
        for (size_t j = 0; j < np; j++) free(ix->seq[j]);
    free(ix->seq);
    free(ix->nseq);
    free(ix->post);
    free(ix->npost);
    free(ix->norm);
    free(ix);
}

static double bm25_idf(double n, double df) { return log(1.0 + (n - df + 0.5) / (df + 0.5)); }

#define KW_FULL_TERMS 2.0      /* full keyword points = this many specific terms matched */

static cm_kw_index *kw_build(const cm_dataset *ds)
{
    cm_kw_index *ix = calloc(1, sizeof *ix);
    size_t np = ds->npartners;
    if (!ix) return NULL;
    /* Per partner first (tokens with their tf), then inverted into one posting list per
     * token, so a query visits only the partners that share a token with it. */
    posting **docs = calloc(np ? np : 1, sizeof *docs);
    size_t *ndocs = calloc(np ? np : 1, sizeof *ndocs), *len = calloc(np ? np : 1, sizeof *len);
    ix->seq = calloc(np ? np : 1, sizeof *ix->seq);
    ix->nseq = calloc(np ? np : 1, sizeof *ix->nseq);
    if (!docs || !ndocs || !len || !ix->seq || !ix->nseq) goto fail;
    double total = 0;
    for (size_t j = 0; j < np; j++) {
        const cm_partner *p = &ds->partners[j];
        doc_build b = { .ix = ix };
        tokenize(p->name, add_doc_token, &b);
        add_doc_token(NULL, &b);
        tokenize(p->description ? p->description : "", add_doc_token, &b);
        for (size_t k = 0; k < p->nsectors; k++) {
            const cm_sector *s = &ds->tax.sectors[p->sectors[k]];
            add_doc_token(NULL, &b);
            tokenize(s->label, add_doc_token, &b);
            for (size_t a = 0; a < s->naliases; a++) {
                add_doc_token(NULL, &b);
                tokenize(s->aliases[a], add_doc_token, &b);
            }
        }
        ix->seq[j] = b.seq;
        ix->nseq[j] = b.nseq;
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
    double dref = (double)np / 100.0;
    ix->idf_ref = bm25_idf((double)np, dref > 1 ? dref : 1);
    for (size_t j = 0; j < np; j++) free(docs[j]);
    free(docs); free(ndocs); free(len);
    return ix;
fail:
    if (docs)
        for (size_t j = 0; j < np; j++) free(docs[j]);
    free(docs); free(ndocs); free(len);
    kw_free(ix, np);
    return NULL;
}

/* Occurrences of the phrase ids[0..n-1] in partner j's token sequence. */
static unsigned phrase_tf(const cm_kw_index *ix, size_t j, const size_t *ids, size_t n)
{
    unsigned tf = 0;
    const size_t *v = ix->seq[j];
    for (size_t p = 0; p + n <= ix->nseq[j]; p++) {
        size_t k = 0;
        while (k < n && v[p + k] == ids[k]) k++;
        tf += k == n;
    }
    return tf;
}

/* The partners whose text holds term ids[0..n-1], with tf: the token's posting list for a
 * word, the rarest word's list filtered by phrase_tf for a phrase. Returns the count
 * written to `out` (room for the rarest list's length). */
static size_t term_postings(const cm_kw_index *ix, const size_t *ids, size_t n, posting *out)
{
    size_t r = ids[0];
    for (size_t k = 1; k < n; k++)
        if (ix->npost[ids[k]] < ix->npost[r]) r = ids[k];
    size_t c = 0;
    for (size_t i = 0; i < ix->npost[r]; i++) {
        size_t j = ix->post[r][i].id;
        unsigned tf = n == 1 ? ix->post[r][i].tf : phrase_tf(ix, j, ids, n);
        if (tf) out[c++] = (posting){ j, tf };
    }
    return c;
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
    gsl_matrix_free(m->Sd);
    free(m->breadth);
    free(m->bk_off);
    free(m->bk_q);
    free(m->bk_w);
    free(m->q_counts);
    free(m->q_backed);
    kw_free(m->kw, m->np);
    memset(m, 0, sizeof *m);
}

static int gsl_fail(cm_diags *d, const char *what, int status)
{
    return cm_error(d, NULL, 0, 0, "numerical error in %s: %s", what, gsl_strerror(status));
}

bool cm_priority_counts(const cm_taxonomy *t, size_t k)
{
    const cm_programme *pg = &t->programmes[t->priorities[k].programme];
    return pg->origin != CM_ORIGIN_EU && !pg->ended;
}

/* How strongly priority k's sectors concern partner p: the largest S[sector of p][sector of
 * k] x M[k][that sector], in [0,1]. */
static double priority_touches(const cm_model *m, size_t k, const cm_partner *p)
{
    const cm_priority *pr = &m->ds->tax.priorities[k];
    double best = 0;
    for (size_t a = 0; a < p->nsectors; a++)
        for (size_t b = 0; b < pr->nsectors; b++) {
            double v = gsl_matrix_get(m->S, p->sectors[a], pr->sectors[b]) * pr->weights[b];
            if (v > best) best = v;
        }
    return best;
}

/* The policy backing of every partner (see score.h): a priority that counts backs a partner
 * that names it (strength 1), except that a place-bound one backs only partners inside its
 * region; a place-bound priority also backs, unnamed, each partner in its region whose
 * sectors it names (strength priority_touches >= BACKING_MIN). National plans derived from
 * the partner's sectors alone are left out: the sector component already says that. */
static int build_backing(cm_model *m)
{
    const cm_dataset *ds = m->ds;
    const cm_taxonomy *t = &ds->tax;
    size_t np = m->np, nq = m->nq, cap = 16, n = 0;
    m->bk_off = malloc((np + 1) * sizeof *m->bk_off);
    m->bk_q = malloc(cap * sizeof *m->bk_q);
    m->bk_w = malloc(cap * sizeof *m->bk_w);
    m->q_counts = calloc(nq, sizeof *m->q_counts);
    m->q_backed = calloc(nq, sizeof *m->q_backed);
    if (!m->bk_off || !m->bk_q || !m->bk_w || !m->q_counts || !m->q_backed) return -1;
    for (size_t k = 0; k < nq; k++) m->q_counts[k] = cm_priority_counts(t, k);
    for (size_t j = 0; j < np; j++) {
        const cm_partner *p = &ds->partners[j];
        size_t loc = p->city != CM_NONE ? p->city : p->province;
        m->bk_off[j] = n;
        /* Organisations and programmes list the priorities they run or serve: that makes
         * them contacts for the policy, not places it favours. */
        if (p->kind != CM_KIND_CLUSTER && p->kind != CM_KIND_ZONE) continue;
        for (size_t k = 0; k < nq; k++) {
            if (!m->q_counts[k]) continue;
            size_t r = t->priorities[k].region;
            bool inside = r == CM_NONE || cm_region_within(t, loc, r) || cm_region_within(t, p->province, r);
            if (!inside) continue;
            bool named = false;
            for (size_t x = 0; x < p->npriorities && !named; x++) named = p->priorities[x] == k;
            double w = named ? NAMED_BACKING : r != CM_NONE ? priority_touches(m, k, p) : 0.0;
            if (!named && w < BACKING_MIN) continue;
            if (!named) w *= AREA_BACKING;
            if (n == cap) {
                cap *= 2;
                size_t *nqv = realloc(m->bk_q, cap * sizeof *nqv);
                if (nqv) m->bk_q = nqv;
                double *nwv = realloc(m->bk_w, cap * sizeof *nwv);
                if (nwv) m->bk_w = nwv;
                if (!nqv || !nwv) return -1;
            }
            m->bk_q[n] = k;
            m->bk_w[n++] = w;
            m->q_backed[k] = true;
        }
    }
    m->bk_off[np] = n;
    return 0;
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
    /* Sd[i][k]: S, halved again for each step partner sector k lies above profile sector i. */
    if (!(m->Sd = gsl_matrix_alloc(ns, ns))) goto oom;
    gsl_matrix_memcpy(m->Sd, m->S);
    for (size_t i = 0; i < ns; i++)
        for (size_t k = 0; k < ns; k++) {
            int up_k = k == i ? -1 : cm_sector_ancestor_dist(t, i, k);
            if (up_k > 0) gsl_matrix_set(m->Sd, i, k, gsl_matrix_get(m->S, i, k) * pow(BROAD_PENALTY, up_k));
        }
    m->breadth = malloc(np * sizeof *m->breadth);
    size_t *root = malloc(ns * sizeof *root);
    double *mass = calloc(ns, sizeof *mass);
    if (!m->breadth || !root || !mass) { free(root); free(mass); goto oom; }
    for (size_t i = 0; i < ns; i++) {        /* each sector's root (the first, in a DAG) */
        root[i] = i;
        for (size_t c = 0; c < ns; c++)
            if (t->sectors[c].nparents == 0 && cm_sector_ancestor_dist(t, i, c) >= 0) { root[i] = c; break; }
    }
    for (size_t p = 0; p < np; p++) {
        const cm_partner *pa = &ds->partners[p];
        /* Customs special zones (bonded zones, export processing zones) and border trade
         * zones list the functions of their regime among their catalogue industries (保税物流,
         * 国际贸易, 边贸): every such zone has them, so they are weak evidence that the zone
         * is a logistics or trade-services counterpart. */
        bool trade_zone = pa->zone_type && (!strcmp(pa->zone_type, "customs-special-zone") ||
                                            !strcmp(pa->zone_type, "border-cooperation-zone"));
        double sw = 0, sw2 = 0;
        for (size_t k = 0; k < pa->nsectors; k++) {
            const char *r = t->sectors[root[pa->sectors[k]]].id;
            bool trade = trade_zone && (!strcmp(r, "logistics") || !strcmp(r, "business-services"));
            double w = pa->sector_w[k] * (trade ? TRADE_FUNCTION : 1.0);
            gsl_matrix_set(m->P, p, pa->sectors[k], w);
            mass[root[pa->sectors[k]]] += w;
        }
        /* Effective number of fields (sum w)^2 / sum w^2 over the partner's mass per root
         * sector: 1 for one field, n for n equal ones; subsectors of one field count once. */
        for (size_t k = 0; k < pa->nsectors; k++) {
            double x = mass[root[pa->sectors[k]]];
            mass[root[pa->sectors[k]]] = 0;
            sw += x;
            sw2 += x * x;
        }
        double keff = sw2 > 0 ? sw * sw / sw2 : 1.0;
        m->breadth[p] = keff <= BREADTH_FREE ? 1.0 : sqrt(BREADTH_FREE / keff);
    }
    free(root);
    free(mass);
    for (size_t q = 0; q < nq; q++) {
        const cm_priority *pr = &t->priorities[q];
        for (size_t k = 0; k < pr->nsectors; k++) gsl_matrix_set(m->M, q, pr->sectors[k], pr->weights[k]);
    }
    /* PS = P S; the soft norm of each partner is sqrt(p' S p), divided by its strongest
     * sector weight to the power WEIGHT_CONFIDENCE: the cosine then scales by wmax^0.6, so
     * a partner whose sources support its sectors weakly (a catalogue line gives at most
     * 0.5) keeps 0.5^0.6 = 0.66 of the points of a described record (1.0). Scaling by
     * wmax itself halved every catalogue zone and put broad, well-described bodies in
     * front of zones whose leading industry is the profile's sector. */
    if ((st = gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, m->P, m->S, 0.0, m->PS)))
        return gsl_fail(d, "partner sector matrix", st);
    for (size_t p = 0; p < np; p++) {
        gsl_vector_const_view a = gsl_matrix_const_row(m->P, p), b = gsl_matrix_const_row(m->PS, p);
        double dot;
        if ((st = gsl_blas_ddot(&a.vector, &b.vector, &dot))) return gsl_fail(d, "partner norms", st);
        double wmax = 0;
        for (size_t k = 0; k < ds->partners[p].nsectors; k++)
            if (gsl_matrix_get(m->P, p, ds->partners[p].sectors[k]) > wmax)
                wmax = gsl_matrix_get(m->P, p, ds->partners[p].sectors[k]);
        gsl_vector_set(m->pnorm, p, wmax > 0 ? sqrt(dot) / pow(wmax, WEIGHT_CONFIDENCE) : 0.0);
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
    if (build_backing(m)) goto oom;
    if (!(m->kw = kw_build(ds))) goto oom;
    return 0;
oom:
    cm_model_release(m);
    return cm_ioerror(d, ds->dir, "out of memory building the scoring model");
}

/* ---- queries ----------------------------------------------------------------------- */

typedef struct qtok_ctx { char **v; size_t n, cap; int oom; cm_nameset seen; } qtok_ctx;

static void add_query_term(qtok_ctx *q, const char *t)
{
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

/* The terms of one keyword item, matched as phrases: its words folded as in documents,
 * generic words dropped where they stand alone or hang on a hyphen ("paper-based" is
 * 'paper'); one word is a term, two words are one phrase ("cold chain"), longer items
 * give each pair of neighbouring words ("wave energy converters": "wave energy", "energy
 * converter"). Punctuation splits an item into separate parts. */
static void item_terms(const char *s, qtok_ctx *q)
{
    char w[32][64];
    bool hy[32];                  /* joined to the next word by a hyphen */
    size_t nw = 0, n = 0;
    bool gen[32];
    char buf[64];
    for (const char *p = s;; p++) {
        if (*p && cm_is_alnum(*p)) {
            if (n < sizeof buf - 1) buf[n++] = (char)cm_to_lower(*p);
            continue;
        }
        if (n >= 2 && nw < 32 && fold_word(buf, n)) {
            strcpy(w[nw], buf);
            gen[nw] = in_list(generic_words, buf);
            hy[nw] = *p == '-';
            nw++;
        } else if (nw && *p != '-') {
            hy[nw - 1] = false;
        }
        n = 0;
        if (!*p || strchr(".,;:!?()/", *p)) {
            /* Drop generic words hyphenated to another word, then form the terms. */
            size_t k = 0;
            for (size_t i = 0; i < nw; i++) {
                bool joined = hy[i] || (i > 0 && hy[i - 1]);
                if (gen[i] && joined) continue;
                if (k != i) { strcpy(w[k], w[i]); gen[k] = gen[i]; }
                k++;
            }
            char t[2 * 64 + 2];
            if (k == 1 && !gen[0]) add_query_term(q, w[0]);
            for (size_t i = 0; k >= 2 && i + 1 < k; i++) {
                size_t l1 = strnlen(w[i], 63), l2 = strnlen(w[i + 1], 63);
                memcpy(t, w[i], l1);
                t[l1] = ' ';
                memcpy(t + l1 + 1, w[i + 1], l2);
                t[l1 + 1 + l2] = '\0';
                add_query_term(q, t);
            }
            nw = 0;
        }
        if (!*p) break;
    }
}

/* Resolve term `t` (words joined by a space) to token ids; returns the number of words,
 * with CM_NONE for words no partner uses. */
static size_t term_ids(const cm_kw_index *ix, const char *t, size_t ids[CM_KW_MAXLEN])
{
    size_t n = 0;
    char buf[64];
    while (*t && n < CM_KW_MAXLEN) {
        size_t l = strcspn(t, " ");
        if (l >= sizeof buf) l = sizeof buf - 1;
        memcpy(buf, t, l);
        buf[l] = '\0';
        tok *e = NULL;
        HASH_FIND_STR(ix->vocab, buf, e);
        ids[n++] = e ? e->id : CM_NONE;
        t += l;
        while (*t == ' ') t++;
    }
    return n;
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
    free(q->kwids);
    free(q->kwlen);
    free(q->kwidf);
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
    /* anorm^2 = a' S a over a's few non-zero sectors (S symmetric); u = Sd' a, the evidence
     * each partner sector gives for the profile's sectors. */
    double aa = 0;
    for (size_t i = 0; i < m->ns; i++) {
        double ai = gsl_vector_get(q->a, i);
        if (ai == 0) continue;
        for (size_t j = 0; j < m->ns; j++) aa += ai * gsl_matrix_get(m->S, i, j) * gsl_vector_get(q->a, j);
        gsl_vector_const_view row = gsl_matrix_const_row(m->Sd, i);
        if ((st = gsl_blas_daxpy(ai, &row.vector, q->u))) return gsl_fail(d, "profile sector vector", st);
    }
    q->anorm = sqrt(aa);
    /* Interest in each priority that counts: 1 for one the profile lists; else how strongly
     * the priority concerns the profile's sectors, max over them of a_i S[i][s] M[k][s]. */
    for (size_t k = 0; k < m->nq; k++) {
        if (!m->q_counts[k]) continue;
        double v = 0;
        if (p->npriorities) {
            for (size_t i = 0; i < p->npriorities; i++) v = p->priorities[i] == k ? 1.0 : v;
        } else {
            const cm_priority *pr = &m->ds->tax.priorities[k];
            for (size_t i = 0; i < m->ns; i++) {
                double ai = gsl_vector_get(q->a, i);
                if (ai == 0) continue;
                for (size_t b = 0; b < pr->nsectors; b++) {
                    double x = ai * gsl_matrix_get(m->S, i, pr->sectors[b]) * pr->weights[b];
                    if (x > v) v = x;
                }
            }
        }
        gsl_vector_set(q->pi, k, v);
    }
    /* Organisations and programmes are contacts rather than counterparts: behind clusters
     * and zones of the same fit, the more so the less the profile asks for business
     * support (the square of the share of its goals that are business-support lifts the
     * factor from CONTACT_FACTOR towards 1: one goal in three is a side wish, 0.56, the
     * only goal is the point, 1); a profile asking for nothing but organisations and
     * programmes compares them on sectors alone (1). */
    double support = 0;
    const cm_taxonomy *tx = &m->ds->tax;
    for (size_t i = 0; i < p->ngoals; i++) support += !strcmp(tx->goals[p->goals[i]].id, "business-support");
    support = p->ngoals ? support / (double)p->ngoals : 0.0;
    unsigned contacts = (1u << CM_KIND_ORGANISATION) | (1u << CM_KIND_PROGRAMME);
    if (p->kinds && !(p->kinds & ~contacts)) support = 1.0;
    for (int k = 0; k < CM_NKINDS; k++)
        q->kindf[k] = k != CM_KIND_ORGANISATION && k != CM_KIND_PROGRAMME ? 1.0
                      : CONTACT_FACTOR + (1.0 - CONTACT_FACTOR) * support * support;
    /* Policy applies when some partner is backed by a priority the profile cares about. */
    bool policy_any = false;
    for (size_t k = 0; k < m->nq && !policy_any; k++) policy_any = gsl_vector_get(q->pi, k) > 0 && m->q_backed[k];

    qtok_ctx qt = { 0 };
    for (size_t i = 0; i < p->nkeywords; i++) item_terms(p->keywords[i], &qt);
    for (size_t i = 0; i < p->nterms; i++) item_terms(p->terms[i], &qt);
    cm_nameset_release(&qt.seen);
    q->kwtokens = qt.v;
    q->nkw = qt.n;
    if (qt.oom) goto oom;
    q->kwids = malloc((q->nkw ? q->nkw : 1) * CM_KW_MAXLEN * sizeof *q->kwids);
    q->kwlen = malloc(q->nkw ? q->nkw : 1);
    q->kwidf = calloc(q->nkw ? q->nkw : 1, sizeof *q->kwidf);
    posting *tmp = malloc((m->np ? m->np : 1) * sizeof *tmp);
    if (!q->kwids || !q->kwlen || !q->kwidf || !tmp) { free(tmp); goto oom; }
    /* Each term's document frequency (a phrase's: the partners whose text holds it). */
    for (size_t k = 0; k < q->nkw; k++) {
        size_t *ids = q->kwids + k * CM_KW_MAXLEN, n = term_ids(m->kw, q->kwtokens[k], ids);
        q->kwlen[k] = (unsigned char)n;
        bool known = n > 0;
        for (size_t i = 0; i < n; i++) known &= ids[i] != CM_NONE;
        size_t df = known ? term_postings(m->kw, ids, n, tmp) : 0;
        q->kwidf[k] = df ? bm25_idf((double)m->np, (double)df) : 0.0;
    }
    free(tmp);

    q->active[CM_C_SECTOR] = q->anorm > 0;
    q->active[CM_C_REGION] = p->nregions > 0;
    q->active[CM_C_POLICY] = policy_any;
    q->active[CM_C_GOAL] = p->ngoals > 0;
    /* Keywords no partner's text contains leave the component out, rather than scoring
     * every partner 0 and capping all totals below 100. */
    size_t known = 0;
    for (size_t k = 0; k < q->nkw; k++) known += q->kwidf[k] > 0;
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
double cm_region_match(const cm_taxonomy *t, size_t r, const cm_partner *p)
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
        double v = pr->regions[i].w * cm_region_match(t, pr->regions[i].idx, p);
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

/* BM25 of every partner for one query, on an absolute scale: divided by KW_FULL_TERMS
 * times the idf of a word found in 1% of the partners and capped at 1, so full points need
 * about two specific terms, and one common word gives little. Terms are visited in query
 * order, so each partner's sum adds the same terms in the same order as a loop would. */
static int keyword_scores(const cm_model *m, const cm_query *q, double *out)
{
    size_t np = m->np;
    const cm_kw_index *ix = m->kw;
    memset(out, 0, np * sizeof *out);
    if (!q->nkw) return 0;
    posting *v = malloc((np ? np : 1) * sizeof *v);
    if (!v) return -1;
    for (size_t k = 0; k < q->nkw; k++) {
        if (!(q->kwidf[k] > 0)) continue;
        size_t c = term_postings(ix, q->kwids + k * CM_KW_MAXLEN, q->kwlen[k], v);
        for (size_t i = 0; i < c; i++) {
            double tf = v[i].tf;
            out[v[i].id] += q->kwidf[k] * (tf * (BM25_K1 + 1) / (tf + ix->norm[v[i].id]));
        }
    }
    double full = KW_FULL_TERMS * ix->idf_ref;
    for (size_t j = 0; j < np; j++) out[j] = out[j] >= full ? 1.0 : out[j] / full;
    free(v);
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

/* Policy: the largest interest x backing over the priorities backing partner j. */
static double policy_value(const cm_model *m, const cm_query *q, size_t j, size_t *which)
{
    double best = 0;
    size_t bq = CM_NONE;
    for (size_t t = m->bk_off[j]; t < m->bk_off[j + 1]; t++) {
        double v = gsl_vector_get(q->pi, m->bk_q[t]) * m->bk_w[t];
        if (v > best) { best = v; bq = m->bk_q[t]; }
    }
    if (which) *which = bq;
    return best;
}

size_t cm_policy_source(const cm_model *m, const cm_query *q, size_t partner)
{
    size_t k;
    return policy_value(m, q, partner, &k) > 0 ? k : CM_NONE;
}

double cm_region_fit(double sector) { return sector >= REGION_FIT ? 1.0 : sector > 0 ? sector / REGION_FIT : 0.0; }

static double total_of(const cm_query *q, const double *comp)
{
    double s = 0;
    for (int c = 0; c < CM_NCOMP; c++) s += q->w[c] * comp[c];
    assert(isfinite(s));
    return 100.0 * s;
}

int cm_score_block(const cm_model *m, const cm_query *q, size_t nq, double *comp, double *total, cm_diags *d)
{
    size_t np = m->np, ns = m->ns;
    int st, rc = -1;
    gsl_matrix *U = gsl_matrix_alloc(nq, ns), *SC = gsl_matrix_alloc(nq, np);

    double *kw = malloc(np * sizeof *kw);
    size_t nr = m->ds->tax.nregions;
    double *raff = malloc((nr ? nr : 1) * sizeof *raff);
    size_t *place = malloc((np ? np : 1) * sizeof *place);
    unsigned char *kind = malloc(np ? np : 1);
    if (!U || !SC || !kw || !raff || !place || !kind) { cm_ioerror(d, NULL, "out of memory scoring %zu profiles", nq); goto out; }
    for (size_t i = 0; i < nq; i++) {
        gsl_vector_view ur = gsl_matrix_row(U, i);
        gsl_vector_memcpy(&ur.vector, q[i].u);
    }
    /* Sector: (Sd' a)' p for every pair in one dgemm. */
    if ((st = gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, U, m->P, 0.0, SC))) { gsl_fail(d, "sector scores", st); goto out; }
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
        const double *sc = SC->data + i * SC->tda;
        for (size_t j = 0; j < np; j++) {
            double *c = comp + (i * np + j) * CM_NCOMP;
            double den = qi->anorm * m->pnorm->data[j * m->pnorm->stride];
            c[CM_C_SECTOR] = den > 0 ? qi->kindf[kind[j]] * m->breadth[j] * clamp01(sc[j] / den) : 0.0;
            c[CM_C_REGION] = 0.0;
            if (qi->active[CM_C_REGION]) {
                size_t loc = place[j];
                if (raff[loc] < 0) raff[loc] = cm_region_affinity(&m->ds->tax, qi, &m->ds->partners[j], NULL);
                c[CM_C_REGION] = raff[loc];
            }
            c[CM_C_POLICY] = qi->active[CM_C_POLICY] ? policy_value(m, qi, j, NULL) : 0.0;
            c[CM_C_REGION] *= cm_region_fit(c[CM_C_SECTOR]);
            c[CM_C_GOAL] = goal[kind[j]];
            c[CM_C_KEYWORD] = clamp01(kw[j]);
            total[i * np + j] = total_of(qi, c);
        }
    }
    rc = 0;
out:
    gsl_matrix_free(U);
    gsl_matrix_free(SC);
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
    size_t ids[CM_KW_MAXLEN], n = term_ids(m->kw, token, ids);
    if (!n) return false;
    for (size_t i = 0; i < n; i++)
        if (ids[i] == CM_NONE) return false;
    if (n > 1) return phrase_tf(m->kw, partner, ids, n) > 0;
    const posting *v = m->kw->post[ids[0]];
    size_t lo = 0, hi = m->kw->npost[ids[0]];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].id < partner) lo = mid + 1; else hi = mid;
    }
    return lo < m->kw->npost[ids[0]] && v[lo].id == partner;
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
    size_t ns = m->ns;
    const cm_partner *p = &m->ds->partners[j];
    double sc = 0;
    for (size_t k = 0; k < ns; k++) sc += gsl_vector_get(q->u, k) * gsl_matrix_get(m->P, j, k);
    double den = q->anorm * gsl_vector_get(m->pnorm, j);
    comp[CM_C_SECTOR] = den > 0 ? q->kindf[p->kind] * m->breadth[j] * clamp01(sc / den) : 0.0;
    comp[CM_C_REGION] = q->active[CM_C_REGION] ? cm_region_affinity(&m->ds->tax, q, p, NULL) * cm_region_fit(comp[CM_C_SECTOR]) : 0.0;
    comp[CM_C_POLICY] = q->active[CM_C_POLICY] ? policy_value(m, q, j, NULL) : 0.0;
    comp[CM_C_GOAL] = q->active[CM_C_GOAL] ? cm_goal_fit(&m->ds->tax, q->profile, p->kind) : 0.0;
    comp[CM_C_KEYWORD] = clamp01(cm_keyword_score(m, q, j));
    *total = total_of(q, comp);
}
