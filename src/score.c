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

#define KW_SEP UINT32_MAX      /* between fields and at punctuation in a token sequence: a
                                * phrase never spans it */

typedef struct posting { size_t id; unsigned tf; } posting;

/* Every array lives in the model image. Token ids are the ranks of the tokens' texts in
 * byte order, so a word is found by binary search and the ids do not depend on the order
 * the partners were read in. */
struct cm_kw_index {
    size_t nvocab;
    const uint32_t *v_off;      /* per token id: its folded text, at v_pool + v_off[id] */
    const char *v_pool;
    const uint32_t *post_off, *post_id, *post_tf;   /* per token id: (partner, tf) for each
                                                     * partner using it, partners ascending */
    const double *norm;         /* per partner: K1 (1 - B + B len / avglen) */
    size_t nbigram;             /* two-word phrases: each pair of neighbouring tokens of a
                                 * text (no break between them), (first << 32 | second),
                                 * ascending; per pair (partner, tf) as for tokens */
    const uint64_t *bg_key;
    const uint32_t *bg_off, *bg_id, *bg_tf;
    double idf_ref;             /* idf of a word in 1% of the partners: KW_FULL_TERMS such
                                 * words matched once each give full keyword points */
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

static double bm25_idf(double n, double df) { return log(1.0 + (n - df + 0.5) / (df + 0.5)); }

#define KW_FULL_TERMS 2.0      /* full keyword points = this many specific terms matched */

/* The token with folded text `w`, or CM_NONE. */
static size_t kw_find(const cm_kw_index *ix, const char *w)
{
    size_t lo = 0, hi = ix->nvocab;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix->v_pool + ix->v_off[mid], w);
        if (!c) return mid;
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return CM_NONE;
}

/* The bigram of tokens a then b, or CM_NONE. */
static size_t bigram_find(const cm_kw_index *ix, size_t a, size_t b)
{
    uint64_t key = (uint64_t)a << 32 | b;
    size_t lo = 0, hi = ix->nbigram;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->bg_key[mid] == key) return mid;
        if (ix->bg_key[mid] < key) lo = mid + 1; else hi = mid;
    }
    return CM_NONE;
}

static size_t npost(const cm_kw_index *ix, size_t id) { return ix->post_off[id + 1] - ix->post_off[id]; }

/* The partners whose text holds term ids[0..n-1] (a word, or a phrase of two), with tf:
 * the word's or the bigram's posting list. Returns the count written to `out` (room for
 * one entry per partner: a list holds each partner once). */
static size_t term_postings(const cm_kw_index *ix, const size_t *ids, size_t n, posting *out)
{
    const uint32_t *id, *tf;
    size_t c = 0;
    if (n == 1) {
        id = ix->post_id + ix->post_off[ids[0]];
        tf = ix->post_tf + ix->post_off[ids[0]];
        c = npost(ix, ids[0]);
    } else {
        size_t g = bigram_find(ix, ids[0], ids[1]);
        if (g == CM_NONE) return 0;
        id = ix->bg_id + ix->bg_off[g];
        tf = ix->bg_tf + ix->bg_off[g];
        c = ix->bg_off[g + 1] - ix->bg_off[g];
    }
    for (size_t i = 0; i < c; i++) out[i] = (posting){ id[i], tf[i] };
    return c;
}

/* ---- building the model ---------------------------------------------------------------- */

/* The image: a header with a table of contents, then the arrays, each 8-byte aligned. */
enum { M_S, M_SD, M_MS, M_MCS, M_P_OFF, M_P_IDX, M_P_W, M_PNORM, M_BREADTH, M_PLACE, M_KIND,
       M_BK_OFF, M_BK_Q, M_BK_W, M_Q_COUNTS, M_Q_BACKED, M_NNORM, M_SEC_PARTNERS, M_HELPERS, M_ENDED,
       M_V_OFF, M_V_POOL, M_POST_OFF, M_POST_ID, M_POST_TF, M_KW_NORM, M_BG_KEY, M_BG_OFF, M_BG_ID, M_BG_TF, M_NSEC };

#ifndef CM_MODEL_HASH
#define CM_MODEL_HASH 0        /* set by the Makefile: a hash of this file and score.h */
#endif
static const char IMAGE_MAGIC[8] = { 'C', 'M', 'M', 'O', 'D', 'E', 'L', '1' };

typedef struct image_head {
    char magic[8];
    uint64_t hash;              /* CM_MODEL_HASH of the build that made it */
    uint64_t ns, np, nq, nr, nvocab, nbigram;
    double idf_ref;
    uint64_t off[M_NSEC], len[M_NSEC];   /* bytes, from the start of the image */
} image_head;

typedef struct pack { unsigned char *p; size_t n, cap; bool oom; image_head h; } pack;

static void pack_put(pack *b, int sec, const void *src, size_t bytes)
{
    size_t at = (b->n + 7) & ~(size_t)7, end = at + bytes;
    if (b->oom) return;
    if (end > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < end) cap *= 2;
        unsigned char *q = realloc(b->p, cap);
        if (!q) { b->oom = true; return; }
        b->p = q;
        b->cap = cap;
    }
    memset(b->p + b->n, 0, at - b->n);
    if (bytes) memcpy(b->p + at, src, bytes);
    b->h.off[sec] = at;
    b->h.len[sec] = bytes;
    b->n = end;
}

/* The arrays while they are built, before they are packed into the image. */
typedef struct build {
    const cm_dataset *ds;
    size_t ns, np, nq;
    double *S, *Sd, *M, *MS, *MCS;
    uint32_t *p_off, *p_idx, *bk_off, *bk_q, *place, *sec_partners, *helpers;
    double *p_w, *pnorm, *breadth, *nnorm, *bk_w;
    unsigned char *kind, *q_counts, *q_backed, *ended;
    size_t nbk, nhelpers;
} build;

static void build_release(build *b)
{
    free(b->S); free(b->Sd); free(b->M); free(b->MS); free(b->MCS);
    free(b->p_off); free(b->p_idx); free(b->bk_off); free(b->bk_q);
    free(b->place); free(b->p_w); free(b->pnorm); free(b->breadth); free(b->nnorm);
    free(b->bk_w); free(b->kind); free(b->q_counts); free(b->q_backed);
    free(b->sec_partners); free(b->helpers); free(b->ended);
}

/* -- the keyword index -- */

typedef struct tok { char *s; size_t id, df; UT_hash_handle hh; } tok;
typedef struct doc_build {
    tok **vocab; size_t *nvocab; int oom;
    size_t j;                   /* the partner being read */
    size_t *last, *slot, nlast; /* per token: the last partner that used it, its posting there */
    posting *v; size_t n, cap;  /* this partner's (token, tf) */
    size_t len;                 /* its tokens */
    uint32_t *seq; size_t nseq, seqcap;
} doc_build;

static void seq_push(doc_build *b, uint32_t id)
{
    if (id == KW_SEP && (!b->nseq || b->seq[b->nseq - 1] == KW_SEP)) return;
    if (b->nseq == b->seqcap) {
        size_t cap = b->seqcap ? b->seqcap * 2 : 256;
        uint32_t *v = realloc(b->seq, cap * sizeof *v);
        if (!v) { b->oom = 1; return; }
        b->seq = v;
        b->seqcap = cap;
    }
    b->seq[b->nseq++] = id;
}

/* Count token `id` in the current partner's text. */
static void doc_count(doc_build *b, size_t id)
{
    if (id >= b->nlast) {
        size_t n = b->nlast ? b->nlast * 2 : 1024;
        while (n <= id) n *= 2;
        size_t *l = realloc(b->last, n * sizeof *l), *s = l ? realloc(b->slot, n * sizeof *s) : NULL;
        if (l) b->last = l;
        if (!l || !s) { b->oom = 1; return; }
        b->slot = s;
        for (size_t k = b->nlast; k < n; k++) b->last[k] = CM_NONE;
        b->nlast = n;
    }
    b->len++;
    seq_push(b, (uint32_t)id);
    if (b->last[id] == b->j) { b->v[b->slot[id]].tf++; return; }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        posting *v = realloc(b->v, cap * sizeof *v);
        if (!v) { b->oom = 1; return; }
        b->v = v;
        b->cap = cap;
    }
    b->last[id] = b->j;
    b->slot[id] = b->n;
    b->v[b->n++] = (posting){ id, 1 };
}

/* The tokenizer's callback: a token's id (new ones added to the vocabulary), KW_SEP for a
 * break, appended to a plain id list `ids`. */
typedef struct idlist { doc_build *b; uint32_t *v; size_t n, cap; } idlist;

static void id_token(const char *t, void *ctx)
{
    idlist *l = ctx;
    uint32_t id = KW_SEP;
    if (t) {
        tok *e = NULL;
        HASH_FIND_STR(*l->b->vocab, t, e);
        if (!e) {
            if (*l->b->nvocab >= UINT32_MAX - 1 || !(e = calloc(1, sizeof *e)) || !(e->s = strdup(t))) {
                free(e);
                l->b->oom = 1;
                return;
            }
            e->id = (*l->b->nvocab)++;
            HASH_ADD_KEYPTR(hh, *l->b->vocab, e->s, strlen(e->s), e);
        }
        id = (uint32_t)e->id;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        uint32_t *v = realloc(l->v, cap * sizeof *v);
        if (!v) { l->b->oom = 1; return; }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = id;
}

static void doc_ids(doc_build *b, const uint32_t *ids, size_t n)
{
    for (size_t i = 0; i < n && !b->oom; i++)
        if (ids[i] == KW_SEP) seq_push(b, KW_SEP);
        else doc_count(b, ids[i]);
}

static void doc_text(doc_build *b, idlist *tmp, const char *s)
{
    tmp->n = 0;
    tokenize(s, id_token, tmp);
    doc_ids(b, tmp->v, tmp->n);
}

typedef struct bgent { uint64_t key; uint32_t j; } bgent;

static int by_key_partner(const void *a, const void *b)
{
    const bgent *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->j < y->j ? -1 : x->j > y->j;
}

/* The bigram index of the token sequences seq[seq_off[j] .. seq_off[j+1]) into `out`. */
static int bigrams_pack(const uint32_t *seq, const uint32_t *seq_off, size_t np, pack *out)
{
    size_t n = 0, nbg = 0, nposts = 0;
    for (size_t t = 0; t + 1 < seq_off[np]; t++) n += seq[t] != KW_SEP && seq[t + 1] != KW_SEP;
    bgent *e = malloc((n ? n : 1) * sizeof *e);
    if (!e) return -1;
    n = 0;
    for (size_t j = 0; j < np; j++)
        for (size_t t = seq_off[j]; t + 1 < seq_off[j + 1]; t++)
            if (seq[t] != KW_SEP && seq[t + 1] != KW_SEP) e[n++] = (bgent){ (uint64_t)seq[t] << 32 | seq[t + 1], (uint32_t)j };
    qsort(e, n, sizeof *e, by_key_partner);
    for (size_t i = 0; i < n; i++) {
        nbg += !i || e[i].key != e[i - 1].key;
        nposts += !i || e[i].key != e[i - 1].key || e[i].j != e[i - 1].j;
    }
    uint64_t *key = malloc((nbg ? nbg : 1) * sizeof *key);
    uint32_t *off = malloc((nbg + 1) * sizeof *off), *id = malloc((nposts ? nposts : 1) * sizeof *id);
    uint32_t *tf = malloc((nposts ? nposts : 1) * sizeof *tf);
    int rc = -1;
    if (!key || !off || !id || !tf || nposts >= UINT32_MAX) goto out;
    size_t g = 0, p = 0;
    for (size_t i = 0; i < n; i++) {
        if (!i || e[i].key != e[i - 1].key) { key[g] = e[i].key; off[g++] = (uint32_t)p; }
        if (!i || e[i].key != e[i - 1].key || e[i].j != e[i - 1].j) { id[p] = e[i].j; tf[p++] = 1; }
        else tf[p - 1]++;
    }
    off[nbg] = (uint32_t)nposts;
    out->h.nbigram = nbg;
    pack_put(out, M_BG_KEY, key, nbg * sizeof *key);
    pack_put(out, M_BG_OFF, off, (nbg + 1) * sizeof *off);
    pack_put(out, M_BG_ID, id, nposts * sizeof *id);
    pack_put(out, M_BG_TF, tf, nposts * sizeof *tf);
    rc = out->oom ? -1 : 0;
out:
    free(e); free(key); free(off); free(id); free(tf);
    return rc;
}

static int by_text(const void *a, const void *b) { return strcmp((*(tok *const *)a)->s, (*(tok *const *)b)->s); }

/* The BM25 index into `out`: each partner's name, description, then each of its sectors'
 * label and aliases (tokenised once per sector, not once per partner). */
static int kw_pack(const cm_dataset *ds, pack *out)
{
    size_t np = ds->npartners, ns = ds->tax.nsectors, nvocab = 0;
    tok *vocab = NULL, **sorted = NULL;
    doc_build b = { .vocab = &vocab, .nvocab = &nvocab };
    idlist tmp = { .b = &b };
    idlist *sec = calloc(ns ? ns : 1, sizeof *sec);
    posting **docs = calloc(np ? np : 1, sizeof *docs);
    size_t *ndocs = calloc(np ? np : 1, sizeof *ndocs);
    uint32_t *seq_off = calloc(np + 1, sizeof *seq_off), *newid = NULL, *v_off = NULL;
    uint32_t *post_off = NULL, *post_id = NULL, *post_tf = NULL;
    double *norm = malloc((np ? np : 1) * sizeof *norm);
    char *pool = NULL;
    int rc = -1;
    if (!sec || !docs || !ndocs || !seq_off || !norm) goto out;
    for (size_t s = 0; s < ns && !b.oom; s++) {
        const cm_sector *S = &ds->tax.sectors[s];
        sec[s].b = &b;
        id_token(NULL, &sec[s]);
        tokenize(S->label, id_token, &sec[s]);
        for (size_t a = 0; a < S->naliases; a++) {
            id_token(NULL, &sec[s]);
            tokenize(S->aliases[a], id_token, &sec[s]);
        }
    }
    double total = 0;
    for (size_t j = 0; j < np && !b.oom; j++) {
        const cm_partner *p = &ds->partners[j];
        b.j = j;
        b.n = 0;
        b.len = 0;
        doc_text(&b, &tmp, p->name);
        seq_push(&b, KW_SEP);
        doc_text(&b, &tmp, p->description ? p->description : "");
        for (size_t k = 0; k < p->nsectors; k++) doc_ids(&b, sec[p->sectors[k]].v, sec[p->sectors[k]].n);
        if (b.oom || !(docs[j] = malloc((b.n ? b.n : 1) * sizeof **docs))) { b.oom = 1; break; }
        memcpy(docs[j], b.v, b.n * sizeof *b.v);
        ndocs[j] = b.n;
        if (b.nseq >= UINT32_MAX) { b.oom = 1; break; }
        seq_off[j + 1] = (uint32_t)b.nseq;
        norm[j] = (double)b.len;
        total += (double)b.len;
    }
    if (b.oom) goto out;
    double avglen = np ? total / (double)np : 1.0;
    if (avglen <= 0) avglen = 1.0;
    for (size_t j = 0; j < np; j++) norm[j] = BM25_K1 * (1 - BM25_B + BM25_B * norm[j] / avglen);
    /* Ids in byte order of the texts; postings by partner, ascending. */
    sorted = malloc((nvocab ? nvocab : 1) * sizeof *sorted);
    newid = malloc((nvocab ? nvocab : 1) * sizeof *newid);
    v_off = malloc((nvocab ? nvocab : 1) * sizeof *v_off);
    post_off = calloc(nvocab + 1, sizeof *post_off);
    if (!sorted || !newid || !v_off || !post_off) goto out;
    size_t k = 0, poolsz = 0, npostings = 0;
    tok *e, *t2;
    HASH_ITER(hh, vocab, e, t2) sorted[k++] = e;
    qsort(sorted, nvocab, sizeof *sorted, by_text);
    for (size_t i = 0; i < nvocab; i++) {
        newid[sorted[i]->id] = (uint32_t)i;
        poolsz += strlen(sorted[i]->s) + 1;
    }
    for (size_t j = 0; j < np; j++) npostings += ndocs[j];
    if (poolsz >= UINT32_MAX || npostings >= UINT32_MAX) goto out;
    pool = malloc(poolsz ? poolsz : 1);
    post_id = malloc((npostings ? npostings : 1) * sizeof *post_id);
    post_tf = malloc((npostings ? npostings : 1) * sizeof *post_tf);
    if (!pool || !post_id || !post_tf) goto out;
    for (size_t i = 0, at = 0; i < nvocab; i++) {
        size_t l = strlen(sorted[i]->s) + 1;
        memcpy(pool + at, sorted[i]->s, l);
        v_off[i] = (uint32_t)at;
        at += l;
    }
    for (size_t j = 0; j < np; j++)
        for (size_t x = 0; x < ndocs[j]; x++) post_off[newid[docs[j][x].id] + 1]++;
    for (size_t i = 0; i < nvocab; i++) post_off[i + 1] += post_off[i];
    uint32_t *fill = malloc((nvocab ? nvocab : 1) * sizeof *fill);
    if (!fill) goto out;
    memcpy(fill, post_off, nvocab * sizeof *fill);
    for (size_t j = 0; j < np; j++)
        for (size_t x = 0; x < ndocs[j]; x++) {
            uint32_t id = newid[docs[j][x].id], at = fill[id]++;
            post_id[at] = (uint32_t)j;
            post_tf[at] = docs[j][x].tf;
        }
    free(fill);
    for (size_t i = 0; i < b.nseq; i++)
        if (b.seq[i] != KW_SEP) b.seq[i] = newid[b.seq[i]];
    if (bigrams_pack(b.seq, seq_off, np, out)) goto out;
    double dref = (double)np / 100.0;
    out->h.nvocab = nvocab;
    out->h.idf_ref = bm25_idf((double)np, dref > 1 ? dref : 1);
    pack_put(out, M_V_OFF, v_off, nvocab * sizeof *v_off);
    pack_put(out, M_V_POOL, pool, poolsz);
    pack_put(out, M_POST_OFF, post_off, (nvocab + 1) * sizeof *post_off);
    pack_put(out, M_POST_ID, post_id, npostings * sizeof *post_id);
    pack_put(out, M_POST_TF, post_tf, npostings * sizeof *post_tf);
    pack_put(out, M_KW_NORM, norm, np * sizeof *norm);
    rc = out->oom ? -1 : 0;
out:
    HASH_ITER(hh, vocab, e, t2) { HASH_DEL(vocab, e); free(e->s); free(e); }
    for (size_t s = 0; sec && s < ns; s++) free(sec[s].v);
    for (size_t j = 0; docs && j < np; j++) free(docs[j]);
    free(sec); free(docs); free(ndocs); free(seq_off); free(newid); free(v_off); free(post_off);
    free(post_id); free(post_tf); free(norm); free(pool); free(sorted); free(tmp.v);
    free(b.last); free(b.slot); free(b.v); free(b.seq);
    return rc;
}

/* -- the matrices and vectors -- */

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
static double priority_touches(const build *b, size_t k, const cm_partner *p)
{
    const cm_priority *pr = &b->ds->tax.priorities[k];
    double best = 0;
    for (size_t a = 0; a < p->nsectors; a++)
        for (size_t c = 0; c < pr->nsectors; c++) {
            double v = b->S[p->sectors[a] * b->ns + pr->sectors[c]] * pr->weights[c];
            if (v > best) best = v;
        }
    return best;
}

/* The policy backing of every partner (see score.h): a priority that counts backs a partner
 * that names it (strength 1), except that a place-bound one backs only partners inside its
 * region; a place-bound priority also backs, unnamed, each partner in its region whose
 * sectors it names (strength priority_touches >= BACKING_MIN). National plans derived from
 * the partner's sectors alone are left out: the sector component already says that. */
static int build_backing(build *b)
{
    const cm_dataset *ds = b->ds;
    const cm_taxonomy *t = &ds->tax;
    size_t np = b->np, nq = b->nq, cap = 16, n = 0;
    b->bk_off = malloc((np + 1) * sizeof *b->bk_off);
    b->bk_q = malloc(cap * sizeof *b->bk_q);
    b->bk_w = malloc(cap * sizeof *b->bk_w);
    b->q_counts = calloc(nq, 1);
    b->q_backed = calloc(nq, 1);
    if (!b->bk_off || !b->bk_q || !b->bk_w || !b->q_counts || !b->q_backed) return -1;
    for (size_t k = 0; k < nq; k++) b->q_counts[k] = cm_priority_counts(t, k);
    for (size_t j = 0; j < np; j++) {
        const cm_partner *p = &ds->partners[j];
        size_t loc = p->city != CM_NONE ? p->city : p->province;
        b->bk_off[j] = (uint32_t)n;
        /* Organisations and programmes list the priorities they run or serve: that makes
         * them contacts for the policy, not places it favours. */
        if (p->kind != CM_KIND_CLUSTER && p->kind != CM_KIND_ZONE) continue;
        for (size_t k = 0; k < nq; k++) {
            if (!b->q_counts[k]) continue;
            size_t r = t->priorities[k].region;
            bool inside = r == CM_NONE || cm_region_within(t, loc, r) || cm_region_within(t, p->province, r);
            if (!inside) continue;
            bool named = false;
            for (size_t x = 0; x < p->npriorities && !named; x++) named = p->priorities[x] == k;
            double w = named ? NAMED_BACKING : r != CM_NONE ? priority_touches(b, k, p) : 0.0;
            if (!named && w < BACKING_MIN) continue;
            if (!named) w *= AREA_BACKING;
            if (n == cap) {
                if (cap >= UINT32_MAX / 2) return -1;
                cap *= 2;
                uint32_t *nqv = realloc(b->bk_q, cap * sizeof *nqv);
                if (nqv) b->bk_q = nqv;
                double *nwv = realloc(b->bk_w, cap * sizeof *nwv);
                if (nwv) b->bk_w = nwv;
                if (!nqv || !nwv) return -1;
            }
            b->bk_q[n] = (uint32_t)k;
            b->bk_w[n++] = w;
            b->q_backed[k] = 1;
        }
    }
    b->bk_off[np] = (uint32_t)n;
    b->nbk = n;
    return 0;
}

/* S[i][j] = max over common ancestors c of DECAY^(dist(i,c) + dist(j,c)); Sd[i][k] is S,
 * halved again for each step partner sector k lies above profile sector i. Only the few
 * ancestors of i can be common ones: listing them first makes this nS^2 x depth instead of
 * nS^3. */
static int build_similarity(build *b)
{
    const cm_taxonomy *t = &b->ds->tax;
    size_t ns = b->ns;
    size_t *up = malloc(ns * sizeof *up);
    b->S = calloc(ns * ns, sizeof *b->S);
    b->Sd = malloc(ns * ns * sizeof *b->Sd);
    if (!up || !b->S || !b->Sd) { free(up); return -1; }
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
            b->S[i * ns + j] = b->S[j * ns + i] = v;
        }
    }
    free(up);
    memcpy(b->Sd, b->S, ns * ns * sizeof *b->Sd);
    for (size_t i = 0; i < ns; i++)
        for (size_t k = 0; k < ns; k++) {
            int up_k = k == i ? -1 : cm_sector_ancestor_dist(t, i, k);
            if (up_k > 0) b->Sd[i * ns + k] = b->S[i * ns + k] * pow(BROAD_PENALTY, up_k);
        }
    return 0;
}

static int by_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* P in compressed rows, the partners' breadth and soft norms, places and kinds. */
static int build_partners(build *b)
{
    const cm_dataset *ds = b->ds;
    const cm_taxonomy *t = &ds->tax;
    size_t ns = b->ns, np = b->np, nnz = 0;
    for (size_t p = 0; p < np; p++) nnz += ds->partners[p].nsectors;
    if (nnz >= UINT32_MAX || np >= UINT32_MAX) return -1;
    b->p_off = malloc((np + 1) * sizeof *b->p_off);
    b->p_idx = malloc((nnz ? nnz : 1) * sizeof *b->p_idx);
    b->p_w = malloc((nnz ? nnz : 1) * sizeof *b->p_w);
    b->pnorm = malloc(np * sizeof *b->pnorm);
    b->breadth = malloc(np * sizeof *b->breadth);
    b->place = malloc(np * sizeof *b->place);
    b->kind = malloc(np);
    b->ended = malloc(np);
    b->sec_partners = calloc(ns, sizeof *b->sec_partners);
    b->helpers = malloc((np ? np : 1) * sizeof *b->helpers);
    unsigned char *held = calloc(ns, 1);
    size_t *root = malloc(ns * sizeof *root);
    double *mass = calloc(ns, sizeof *mass), *row = calloc(ns, sizeof *row);
    int rc = -1;
    if (!b->p_off || !b->p_idx || !b->p_w || !b->pnorm || !b->breadth || !b->place || !b->kind ||
        !b->ended || !b->sec_partners || !b->helpers || !held || !root || !mass || !row)
        goto out;
    for (size_t i = 0; i < ns; i++) {        /* each sector's root (the first, in a DAG) */
        root[i] = i;
        for (size_t c = 0; c < ns; c++)
            if (t->sectors[c].nparents == 0 && cm_sector_ancestor_dist(t, i, c) >= 0) { root[i] = c; break; }
    }
    size_t n = 0;
    for (size_t p = 0; p < np; p++) {
        const cm_partner *pa = &ds->partners[p];
        b->place[p] = (uint32_t)(pa->city != CM_NONE ? pa->city : pa->province);
        b->kind[p] = (unsigned char)pa->kind;
        b->ended[p] = pa->ended != 0;
        if (pa->cross_sector) b->helpers[b->nhelpers++] = (uint32_t)p;
        /* The sectors it holds, with their ancestors: it counts once for each. */
        for (size_t c = 0; c < ns; c++) {
            for (size_t k = 0; k < pa->nsectors && !held[c]; k++) held[c] = cm_sector_ancestor_dist(t, pa->sectors[k], c) >= 0;
            b->sec_partners[c] += held[c];
            held[c] = 0;
        }
        /* Customs special zones (bonded zones, export processing zones) and border trade
         * zones list the functions of their regime among their catalogue industries (保税物流,
         * 国际贸易, 边贸): every such zone has them, so they are weak evidence that the zone
         * is a logistics or trade-services counterpart. */
        bool trade_zone = pa->zone_type && (!strcmp(pa->zone_type, "customs-special-zone") ||
                                            !strcmp(pa->zone_type, "border-cooperation-zone"));
        double sw = 0, sw2 = 0;
        b->p_off[p] = (uint32_t)n;
        for (size_t k = 0; k < pa->nsectors; k++) {
            const char *r = t->sectors[root[pa->sectors[k]]].id;
            bool trade = trade_zone && (!strcmp(r, "logistics") || !strcmp(r, "business-services"));
            double w = pa->sector_w[k] * (trade ? TRADE_FUNCTION : 1.0);
            if (row[pa->sectors[k]] == 0 && w != 0) b->p_idx[n++] = (uint32_t)pa->sectors[k];
            row[pa->sectors[k]] = w;           /* a sector listed twice: the last weight */
            mass[root[pa->sectors[k]]] += w;
        }
        qsort(b->p_idx + b->p_off[p], n - b->p_off[p], sizeof *b->p_idx, by_u32);
        /* Effective number of fields (sum w)^2 / sum w^2 over the partner's mass per root
         * sector: 1 for one field, n for n equal ones; subsectors of one field count once. */
        for (size_t k = 0; k < pa->nsectors; k++) {
            double x = mass[root[pa->sectors[k]]];
            mass[root[pa->sectors[k]]] = 0;
            sw += x;
            sw2 += x * x;
        }
        double keff = sw2 > 0 ? sw * sw / sw2 : 1.0;
        b->breadth[p] = keff <= BREADTH_FREE ? 1.0 : sqrt(BREADTH_FREE / keff);
        /* The soft norm sqrt(p' S p), divided by the strongest sector weight to the power
         * WEIGHT_CONFIDENCE: the cosine then scales by wmax^0.6, so a partner whose sources
         * support its sectors weakly (a catalogue line gives at most 0.5) keeps 0.5^0.6 =
         * 0.66 of the points of a described record (1.0). Scaling by wmax itself halved
         * every catalogue zone and put broad, well-described bodies in front of zones whose
         * leading industry is the profile's sector. */
        double dot = 0, wmax = 0;
        for (size_t x = b->p_off[p]; x < n; x++) {
            size_t i = b->p_idx[x];
            b->p_w[x] = row[i];
            if (row[i] > wmax) wmax = row[i];
            for (size_t y = b->p_off[p]; y < n; y++) dot += row[i] * b->S[i * ns + b->p_idx[y]] * row[b->p_idx[y]];
        }
        for (size_t x = b->p_off[p]; x < n; x++) row[b->p_idx[x]] = 0;
        for (size_t k = 0; k < pa->nsectors; k++) row[pa->sectors[k]] = 0;
        b->pnorm[p] = wmax > 0 ? sqrt(dot) / pow(wmax, WEIGHT_CONFIDENCE) : 0.0;
    }
    b->p_off[np] = (uint32_t)n;
    rc = 0;
out:
    free(held);
    free(root);
    free(mass);
    free(row);
    return rc;
}

/* Whether seeks[x] is the first of its sector in partner pa's list: a sector listed twice
 * counts once in the needs. */
static bool seek_first(const cm_partner *pa, size_t x)
{
    for (size_t e = 0; e < x; e++)
        if (pa->seeks[e] == pa->seeks[x]) return false;
    return true;
}

/* Partner `pa`'s priority vector Pi into row[0..nq): P S M' = P (M S)' over its few
 * sectors (MS is nQ x nS), explicit links raised to the row maximum, scaled to unit length.
 * The model keeps MS, not Pi (nP x nQ, about half full): a row costs a few hundred flops
 * and is needed only for reciprocity. Returns 0 or a GSL status. */
static int priority_row(const double *MS, size_t nq, size_t ns, const cm_partner *pa, double *row)
{
    int st;
    gsl_vector_view r = gsl_vector_view_array(row, nq);
    gsl_matrix_const_view MSv = gsl_matrix_const_view_array(MS, nq, ns);
    gsl_vector_set_zero(&r.vector);
    for (size_t k = 0; k < pa->nsectors; k++) {
        gsl_vector_const_view col = gsl_matrix_const_column(&MSv.matrix, pa->sectors[k]);
        if ((st = gsl_blas_daxpy(pa->sector_w[k], &col.vector, &r.vector))) return st;
    }
    double mx = gsl_vector_max(&r.vector);
    if (mx <= 0) mx = 1.0;
    for (size_t k = 0; k < pa->npriorities; k++)
        if (row[pa->priorities[k]] < mx) row[pa->priorities[k]] = mx;
    double nrm = gsl_blas_dnrm2(&r.vector);
    if (nrm > 0) gsl_vector_scale(&r.vector, 1.0 / nrm);
    return 0;
}

/* The priorities: M (nQ x nS) and MS = M S; MCS is MS with the EU's own programmes zeroed
 * (only Chinese and jointly agreed programmes state the Chinese side's needs). Then Pi, the
 * partners' priority vectors (priority_row), for the needs' norms. */
static int build_priorities(build *b, cm_diags *d)
{
    const cm_dataset *ds = b->ds;
    const cm_taxonomy *t = &ds->tax;
    size_t ns = b->ns, np = b->np, nq = b->nq;
    int st, rc = -1;
    b->M = calloc(nq * ns, sizeof *b->M);
    b->MS = malloc(nq * ns * sizeof *b->MS);
    b->MCS = malloc(nq * ns * sizeof *b->MCS);
    double *MC = calloc(nq * ns, sizeof *MC), *G = malloc(nq * nq * sizeof *G);
    double *row = calloc(nq, sizeof *row);
    b->nnorm = malloc(np * sizeof *b->nnorm);
    if (!b->M || !b->MS || !b->MCS || !MC || !G || !row || !b->nnorm) goto oom;
    for (size_t q = 0; q < nq; q++) {
        const cm_priority *pr = &t->priorities[q];
        bool eu = t->programmes[pr->programme].origin == CM_ORIGIN_EU;
        for (size_t k = 0; k < pr->nsectors; k++) {
            b->M[q * ns + pr->sectors[k]] = pr->weights[k];
            if (!eu) MC[q * ns + pr->sectors[k]] = pr->weights[k];
        }
    }
    gsl_matrix_const_view Mv = gsl_matrix_const_view_array(b->M, nq, ns), Sv = gsl_matrix_const_view_array(b->S, ns, ns);
    gsl_matrix_const_view MCv = gsl_matrix_const_view_array(MC, nq, ns);
    gsl_matrix_view MSv = gsl_matrix_view_array(b->MS, nq, ns), MCSv = gsl_matrix_view_array(b->MCS, nq, ns);
    gsl_matrix_view Gv = gsl_matrix_view_array(G, nq, nq);
    /* M is sparse (a priority names a few sectors), which the dgemm's zero test exploits. */
    if ((st = gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &Mv.matrix, &Sv.matrix, 0.0, &MSv.matrix))) {
        rc = gsl_fail(d, "priority sector matrix", st);
        goto out;
    }
    memcpy(b->MCS, b->MS, nq * ns * sizeof *b->MCS);
    for (size_t q = 0; q < nq; q++)
        if (t->programmes[t->priorities[q].programme].origin == CM_ORIGIN_EU) {
            gsl_vector_view r = gsl_matrix_row(&MCSv.matrix, q);
            gsl_vector_set_zero(&r.vector);
        }
    /* G = MCS MC': the needs' soft norm is N_j S N_j' = Pi_j G Pi_j' with N = Pi MC. */
    if ((st = gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &MCSv.matrix, &MCv.matrix, 0.0, &Gv.matrix))) {
        rc = gsl_fail(d, "priority needs matrix", st);
        goto out;
    }
    for (size_t p = 0; p < np; p++) {
        const cm_partner *pa = &ds->partners[p];
        double nn = 0;
        if (pa->nseeks) {            /* N_j: its seeks, each once */
            for (size_t x = 0; x < pa->nseeks; x++) {
                if (!seek_first(pa, x)) continue;
                for (size_t y = 0; y < pa->nseeks; y++)
                    if (seek_first(pa, y)) nn += b->S[pa->seeks[x] * ns + pa->seeks[y]];
            }
        } else {                     /* N_j = Pi_j MC */
            if ((st = priority_row(b->MS, nq, ns, pa, row))) {
                rc = gsl_fail(d, "partner priority matrix", st);
                goto out;
            }
            for (size_t x = 0; x < nq; x++)
                for (size_t y = 0; y < nq && row[x] != 0; y++) nn += row[x] * G[x * nq + y] * row[y];
        }
        b->nnorm[p] = sqrt(nn > 0 ? nn : 0);
    }
    rc = 0;
    goto out;
oom:
    rc = cm_ioerror(d, ds->dir, "out of memory building the scoring model");
out:
    free(MC);
    free(G);
    free(row);
    return rc;
}

/* Build the image of `ds`'s model into *img. */
static int image_build(const cm_dataset *ds, void **img, size_t *len, cm_diags *d)
{
    const cm_taxonomy *t = &ds->tax;
    build b = { .ds = ds, .ns = t->nsectors, .np = ds->npartners, .nq = t->npriorities };
    pack pk = { 0 };
    size_t ns = b.ns, np = b.np, nq = b.nq;
    int rc = -1;
    if (build_similarity(&b) || build_partners(&b)) goto oom;
    if (build_priorities(&b, d)) goto out;
    if (build_backing(&b)) goto oom;
    memcpy(pk.h.magic, IMAGE_MAGIC, sizeof pk.h.magic);
    pk.h.hash = CM_MODEL_HASH;
    pk.h.ns = ns;
    pk.h.np = np;
    pk.h.nq = nq;
    pk.h.nr = t->nregions;
    if (!(pk.p = calloc(1, sizeof pk.h))) goto oom;   /* room for the header: written last */
    pk.n = pk.cap = sizeof pk.h;
    pack_put(&pk, M_S, b.S, ns * ns * sizeof *b.S);
    pack_put(&pk, M_SD, b.Sd, ns * ns * sizeof *b.Sd);
    pack_put(&pk, M_MS, b.MS, nq * ns * sizeof *b.MS);
    pack_put(&pk, M_MCS, b.MCS, nq * ns * sizeof *b.MCS);
    pack_put(&pk, M_P_OFF, b.p_off, (np + 1) * sizeof *b.p_off);
    pack_put(&pk, M_P_IDX, b.p_idx, b.p_off[np] * sizeof *b.p_idx);
    pack_put(&pk, M_P_W, b.p_w, b.p_off[np] * sizeof *b.p_w);
    pack_put(&pk, M_PNORM, b.pnorm, np * sizeof *b.pnorm);
    pack_put(&pk, M_BREADTH, b.breadth, np * sizeof *b.breadth);
    pack_put(&pk, M_PLACE, b.place, np * sizeof *b.place);
    pack_put(&pk, M_KIND, b.kind, np);
    pack_put(&pk, M_BK_OFF, b.bk_off, (np + 1) * sizeof *b.bk_off);
    pack_put(&pk, M_BK_Q, b.bk_q, b.nbk * sizeof *b.bk_q);
    pack_put(&pk, M_BK_W, b.bk_w, b.nbk * sizeof *b.bk_w);
    pack_put(&pk, M_Q_COUNTS, b.q_counts, nq);
    pack_put(&pk, M_Q_BACKED, b.q_backed, nq);
    pack_put(&pk, M_NNORM, b.nnorm, np * sizeof *b.nnorm);
    pack_put(&pk, M_SEC_PARTNERS, b.sec_partners, ns * sizeof *b.sec_partners);
    pack_put(&pk, M_HELPERS, b.helpers, b.nhelpers * sizeof *b.helpers);
    pack_put(&pk, M_ENDED, b.ended, np);
    if (kw_pack(ds, &pk) || pk.oom) goto oom;
    memcpy(pk.p, &pk.h, sizeof pk.h);
    *img = pk.p;
    *len = pk.n;
    pk.p = NULL;
    rc = 0;
    goto out;
oom:
    rc = cm_ioerror(d, ds->dir, "out of memory building the scoring model");
out:
    free(pk.p);
    build_release(&b);
    return rc;
}

/* ---- the model from an image ------------------------------------------------------------- */

void cm_model_release(cm_model *m)
{
    if (!m) return;
    free(m->S);                 /* views: the structs only, never the data */
    free(m->Sd);
    free(m->MCS);
    free(m->kw);
    if (m->image_owned) free(m->image);
    memset(m, 0, sizeof *m);
}

static gsl_matrix *matrix_on(const double *data, size_t rows, size_t cols)
{
    gsl_matrix *x = calloc(1, sizeof *x);
    if (!x) return NULL;
    x->size1 = rows;
    x->size2 = cols;
    x->tda = cols;
    x->data = (double *)data;  /* read only: see score.h */
    return x;
}

/* Whether compressed-row offsets off[0..n] are 0, non-decreasing and end at `nnz`, rows
 * are no longer than `maxlen` (a posting list holds each partner at most once, so a
 * query's buffers have room for one entry per partner) and the indices are below
 * `limit` (SIZE_MAX: not checked here, but where each is used). Branch-free: this runs on
 * every load. */
static bool rows_ok(const uint32_t *off, size_t n, const uint32_t *idx, size_t nnz, size_t limit, size_t maxlen)
{
    if (off[0] != 0 || off[n] != nnz) return false;
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++) bad |= (off[i] > off[i + 1]) | (off[i + 1] - off[i] > maxlen);
    for (size_t t = 0; t < nnz && limit != SIZE_MAX; t++) bad |= idx[t] >= limit;
    return !bad;
}

/* Point `m` into image `p` after checking it against `ds`: NULL if usable, else why not. */
static const char *image_map(cm_model *m, const cm_dataset *ds, const unsigned char *p, size_t len)
{
    image_head h;
    size_t ns = ds->tax.nsectors, np = ds->npartners, nq = ds->tax.npriorities;
    if (!p || len < sizeof h || ((uintptr_t)p & 7)) return "no model image";
    memcpy(&h, p, sizeof h);
    if (memcmp(h.magic, IMAGE_MAGIC, sizeof h.magic)) return "not a model image";
    if (h.hash != CM_MODEL_HASH) return "made by another build";
    if (h.ns != ns || h.np != np || h.nq != nq || h.nr != ds->tax.nregions) return "made for other data";
    for (int s = 0; s < M_NSEC; s++)
        if ((h.off[s] & 7) || h.off[s] > len || h.len[s] > len - h.off[s]) return "section out of bounds";
#define SEC(s, T) ((const T *)(const void *)(p + h.off[s]))
#define N(s, T) (h.len[s] / sizeof(T))
    size_t nv = h.nvocab;
    if (h.len[M_S] != ns * ns * 8 || h.len[M_SD] != ns * ns * 8 || h.len[M_MCS] != nq * ns * 8 || h.len[M_MS] != nq * ns * 8 ||
        N(M_P_OFF, uint32_t) != np + 1 || N(M_BK_OFF, uint32_t) != np + 1 ||
        N(M_PNORM, double) != np || N(M_BREADTH, double) != np ||
        N(M_NNORM, double) != np || N(M_KW_NORM, double) != np || N(M_PLACE, uint32_t) != np ||
        h.len[M_KIND] != np || h.len[M_ENDED] != np || N(M_SEC_PARTNERS, uint32_t) != ns ||
        N(M_HELPERS, uint32_t) > np || h.len[M_Q_COUNTS] != nq || h.len[M_Q_BACKED] != nq ||
        nv >= UINT32_MAX || N(M_V_OFF, uint32_t) != nv || N(M_POST_OFF, uint32_t) != nv + 1 ||
        N(M_P_W, double) != N(M_P_IDX, uint32_t) || N(M_BK_W, double) != N(M_BK_Q, uint32_t) ||
        N(M_POST_TF, uint32_t) != N(M_POST_ID, uint32_t) || h.nbigram >= UINT32_MAX ||
        N(M_BG_KEY, uint64_t) != h.nbigram || N(M_BG_OFF, uint32_t) != h.nbigram + 1 ||
        N(M_BG_TF, uint32_t) != N(M_BG_ID, uint32_t))
        return "section sizes do not match";
    if (!rows_ok(SEC(M_P_OFF, uint32_t), np, SEC(M_P_IDX, uint32_t), N(M_P_IDX, uint32_t), ns, SIZE_MAX) ||
        !rows_ok(SEC(M_BK_OFF, uint32_t), np, SEC(M_BK_Q, uint32_t), N(M_BK_Q, uint32_t), nq, SIZE_MAX) ||
        !rows_ok(SEC(M_POST_OFF, uint32_t), nv, SEC(M_POST_ID, uint32_t), N(M_POST_ID, uint32_t), SIZE_MAX, np) ||
        !rows_ok(SEC(M_BG_OFF, uint32_t), h.nbigram, SEC(M_BG_ID, uint32_t), N(M_BG_ID, uint32_t), SIZE_MAX, np))
        return "index out of range";
    const uint32_t *place = SEC(M_PLACE, uint32_t), *v_off = SEC(M_V_OFF, uint32_t);
    const unsigned char *kind = SEC(M_KIND, unsigned char), *qc = SEC(M_Q_COUNTS, unsigned char),
                        *qb = SEC(M_Q_BACKED, unsigned char), *pool = SEC(M_V_POOL, unsigned char);
    size_t npool = h.len[M_V_POOL];
    const unsigned char *ended = SEC(M_ENDED, unsigned char);
    const uint32_t *helpers = SEC(M_HELPERS, uint32_t);
    for (size_t j = 0; j < np; j++)
        if (place[j] >= ds->tax.nregions || kind[j] >= CM_NKINDS || ended[j] > 1) return "index out of range";
    for (size_t i = 0; i < N(M_HELPERS, uint32_t); i++)
        if (helpers[i] >= np) return "index out of range";
    for (size_t k = 0; k < nq; k++)
        if (qc[k] > 1 || qb[k] > 1) return "bad flag";
    if (nv && (!npool || pool[npool - 1] != '\0')) return "bad vocabulary";
    for (size_t i = 0; i < nv; i++)
        if (v_off[i] >= npool) return "bad vocabulary";
    memset(m, 0, sizeof *m);
    m->ds = ds;
    m->ns = ns;
    m->np = np;
    m->nq = nq;
    m->S = matrix_on(SEC(M_S, double), ns, ns);
    m->Sd = matrix_on(SEC(M_SD, double), ns, ns);
    m->MCS = matrix_on(SEC(M_MCS, double), nq, ns);
    m->kw = calloc(1, sizeof *m->kw);
    if (!m->S || !m->Sd || !m->MCS || !m->kw) { cm_model_release(m); return "out of memory"; }
    m->p_off = SEC(M_P_OFF, uint32_t);
    m->p_idx = SEC(M_P_IDX, uint32_t);
    m->p_w = SEC(M_P_W, double);
    m->pnorm = SEC(M_PNORM, double);
    m->breadth = SEC(M_BREADTH, double);
    m->place = place;
    m->kind = kind;
    m->bk_off = SEC(M_BK_OFF, uint32_t);
    m->bk_q = SEC(M_BK_Q, uint32_t);
    m->bk_w = SEC(M_BK_W, double);
    m->q_counts = qc;
    m->q_backed = qb;
    m->MS = SEC(M_MS, double);
    m->nnorm = SEC(M_NNORM, double);
    m->sec_partners = SEC(M_SEC_PARTNERS, uint32_t);
    m->helpers = helpers;
    m->nhelpers = N(M_HELPERS, uint32_t);
    m->ended = ended;
    *m->kw = (cm_kw_index){ .nvocab = nv, .v_off = v_off, .v_pool = (const char *)pool,
        .post_off = SEC(M_POST_OFF, uint32_t), .post_id = SEC(M_POST_ID, uint32_t),
        .post_tf = SEC(M_POST_TF, uint32_t), .norm = SEC(M_KW_NORM, double),
        .nbigram = h.nbigram, .bg_key = SEC(M_BG_KEY, uint64_t), .bg_off = SEC(M_BG_OFF, uint32_t),
        .bg_id = SEC(M_BG_ID, uint32_t), .bg_tf = SEC(M_BG_TF, uint32_t), .idf_ref = h.idf_ref };
#undef SEC
#undef N
    m->image = (void *)p;
    m->image_len = len;
    return NULL;
}

int cm_model_init(cm_model *m, const cm_dataset *ds, cm_diags *d)
{
    const cm_taxonomy *t = &ds->tax;
    void *img;
    size_t len;
    memset(m, 0, sizeof *m);
    if (!t->nsectors || !ds->npartners || !t->npriorities)
        return cm_error(d, ds->dir, 0, 0, "the data has no sectors, partners or priorities");
    if (ds->npartners >= UINT32_MAX || t->nregions >= UINT32_MAX)
        return cm_error(d, ds->dir, 0, 0, "the data has too many partners or places for the model");
    if (image_build(ds, &img, &len, d)) return -1;
    const char *why = image_map(m, ds, img, len);
    if (why) {
        free(img);
        return cm_error(d, ds->dir, 0, 0, "internal error: the model image just built is unusable (%s)", why);
    }
    m->image_owned = true;
    return 0;
}

int cm_model_map(cm_model *m, const cm_dataset *ds, const void *image, size_t len, const char **why)
{
    const char *w = ds->npartners ? image_map(m, ds, image, len) : "no partners";
    if (why) *why = w;
    return w ? -1 : 0;
}

const void *cm_model_image(const cm_model *m, size_t *len)
{
    *len = m->image_len;
    return m->image;
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
        ids[n++] = kw_find(ix, buf);
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
    gsl_vector_free(q->so);
    gsl_vector_free(q->mo);
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
    q->so = gsl_vector_calloc(m->ns);
    q->mo = gsl_vector_calloc(m->nq);
    if (!q->a || !q->u || !q->pi || !q->o || !q->so || !q->mo) goto oom;
    /* What the profile offers: its `offers` sectors, else its own sectors. */
    if (p->noffers)
        for (size_t i = 0; i < p->noffers; i++) gsl_vector_set(q->o, p->offers[i].idx, 1.0);
    else
        for (size_t i = 0; i < p->nsectors; i++) gsl_vector_set(q->o, p->sectors[i].idx, p->sectors[i].w);
    {
        double oo = 0;
        st = 0;
        for (size_t i = 0; i < m->ns && !st; i++) {   /* so = S o over o's few sectors */
            double oi = gsl_vector_get(q->o, i);
            if (oi == 0) continue;
            gsl_vector_const_view col = gsl_matrix_const_row(m->S, i);
            st = gsl_blas_daxpy(oi, &col.vector, q->so);
        }
        if (st || (st = gsl_blas_ddot(q->o, q->so, &oo)) ||
            (st = gsl_blas_dgemv(CblasNoTrans, 1.0, m->MCS, q->o, 0.0, q->mo))) {
            cm_query_release(q);
            return gsl_fail(d, "profile offer vector", st);
        }
        q->onorm = sqrt(oo);
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
            if (v[i].id >= np) continue;    /* checked here, not for every posting at load */
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
    size_t np = m->np;
    int rc = -1;
    double *kw = malloc(np * sizeof *kw);
    size_t nr = m->ds->tax.nregions;
    double *raff = malloc((nr ? nr : 1) * sizeof *raff);
    if (!kw || !raff) { cm_ioerror(d, NULL, "out of memory scoring %zu profiles", nq); goto out; }
    /* The region term depends on a partner only through its place (city, else province: a
     * city fixes its province, the data check makes sure) and the goal term only through
     * its kind, so each is computed once per query and place or kind, the first time a
     * partner needs it (-1: not yet). */
    for (size_t i = 0; i < nq; i++) {
        const cm_query *qi = &q[i];
        const double *u = qi->u->data;
        if (keyword_scores(m, qi, kw)) { cm_ioerror(d, NULL, "out of memory"); goto out; }
        double goal[CM_NKINDS];
        for (int k = 0; k < CM_NKINDS; k++)
            goal[k] = qi->active[CM_C_GOAL] ? cm_goal_fit(&m->ds->tax, qi->profile, (cm_kind)k) : 0.0;
        for (size_t r = 0; r < nr; r++) raff[r] = -1;
        for (size_t j = 0; j < np; j++) {
            double *c = comp + (i * np + j) * CM_NCOMP;
            /* Sector: (Sd' a)' p_j over partner j's few sectors, ascending: the sum a dense
             * product would form, without its zeros. */
            double sc = 0;
            for (uint32_t t = m->p_off[j]; t < m->p_off[j + 1]; t++) sc += u[m->p_idx[t] * qi->u->stride] * m->p_w[t];
            double den = qi->anorm * m->pnorm[j];
            c[CM_C_SECTOR] = den > 0 ? clamp01(qi->kindf[m->kind[j]] * m->breadth[j] * clamp01(sc / den)) : 0.0;
            c[CM_C_REGION] = 0.0;
            if (qi->active[CM_C_REGION]) {
                size_t loc = m->place[j];
                if (raff[loc] < 0) raff[loc] = cm_region_affinity(&m->ds->tax, qi, &m->ds->partners[j], NULL);
                c[CM_C_REGION] = raff[loc];
            }
            c[CM_C_POLICY] = qi->active[CM_C_POLICY] ? clamp01(policy_value(m, qi, j, NULL)) : 0.0;
            c[CM_C_REGION] *= cm_region_fit(c[CM_C_SECTOR]);
            c[CM_C_GOAL] = goal[m->kind[j]];
            c[CM_C_KEYWORD] = clamp01(kw[j]);
            total[i * np + j] = total_of(qi, c);
        }
    }
    rc = 0;
out:
    free(kw);
    free(raff);
    return rc;
}

double cm_reciprocity(const cm_model *m, const cm_query *q, size_t j)
{
    double den = q->onorm * m->nnorm[j];
    if (!(den > 0)) return 0.0;
    /* o' S N_j: over its seeks (each once) when it states them, else Pi_j' (MCS o). */
    const cm_partner *pa = &m->ds->partners[j];
    double dot = 0, pi[m->nq];
    if (pa->nseeks) {
        for (size_t x = 0; x < pa->nseeks; x++)
            if (seek_first(pa, x)) dot += gsl_vector_get(q->so, pa->seeks[x]);
    } else {
        if (cm_priority_row(m, j, pi)) return 0.0;
        for (size_t k = 0; k < m->nq; k++) dot += pi[k] * gsl_vector_get(q->mo, k);
    }
    return clamp01(dot / den);
}

bool cm_keyword_matches(const cm_model *m, const char *token, size_t partner)
{
    size_t ids[CM_KW_MAXLEN], n = term_ids(m->kw, token, ids);
    if (!n) return false;
    for (size_t i = 0; i < n; i++)
        if (ids[i] == CM_NONE) return false;
    const cm_kw_index *ix = m->kw;
    const uint32_t *v;
    size_t cnt;
    if (n > 1) {
        size_t g = bigram_find(ix, ids[0], ids[1]);
        if (g == CM_NONE) return false;
        v = ix->bg_id + ix->bg_off[g];
        cnt = ix->bg_off[g + 1] - ix->bg_off[g];
    } else {
        v = ix->post_id + ix->post_off[ids[0]];
        cnt = npost(ix, ids[0]);
    }
    size_t lo = 0, hi = cnt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < partner) lo = mid + 1; else hi = mid;
    }
    return lo < cnt && v[lo] == partner;
}

int cm_priority_row(const cm_model *m, size_t partner, double *row)
{
    return priority_row(m->MS, m->nq, m->ns, &m->ds->partners[partner], row);
}

double cm_partner_weight(const cm_model *m, size_t partner, size_t sector)
{
    for (uint32_t t = m->p_off[partner]; t < m->p_off[partner + 1]; t++)
        if (m->p_idx[t] == sector) return m->p_w[t];
    return 0.0;
}

double cm_partner_similarity(const cm_model *m, size_t a, size_t b)
{
    const cm_dataset *ds = m->ds;
    const cm_partner *pa = &ds->partners[a], *pb = &ds->partners[b];
    double den = m->pnorm[a] * m->pnorm[b], sec = 0;
    if (den > 0) {
        double dot = 0;         /* p_a' S p_b over the two partners' few sectors */
        for (uint32_t x = m->p_off[a]; x < m->p_off[a + 1]; x++)
            for (uint32_t y = m->p_off[b]; y < m->p_off[b + 1]; y++)
                dot += m->p_w[x] * gsl_matrix_get(m->S, m->p_idx[x], m->p_idx[y]) * m->p_w[y];
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
    for (size_t k = 0; k < ns; k++) sc += gsl_vector_get(q->u, k) * cm_partner_weight(m, j, k);
    double den = q->anorm * m->pnorm[j];
    comp[CM_C_SECTOR] = den > 0 ? clamp01(q->kindf[p->kind] * m->breadth[j] * clamp01(sc / den)) : 0.0;
    comp[CM_C_REGION] = q->active[CM_C_REGION] ? cm_region_affinity(&m->ds->tax, q, p, NULL) * cm_region_fit(comp[CM_C_SECTOR]) : 0.0;
    comp[CM_C_POLICY] = q->active[CM_C_POLICY] ? clamp01(policy_value(m, q, j, NULL)) : 0.0;
    comp[CM_C_GOAL] = q->active[CM_C_GOAL] ? cm_goal_fit(&m->ds->tax, q->profile, p->kind) : 0.0;
    comp[CM_C_KEYWORD] = clamp01(cm_keyword_score(m, q, j));
    *total = total_of(q, comp);
}
