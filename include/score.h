/* score.h: the scoring model: profiles and partners as vectors, scores by BLAS.
 *
 * The model turns the dataset into vectors and matrices once:
 *   S   sector similarity (nS x nS) from the hierarchy: S[i][j] = 0.5^(steps from i and j up
 *       to their nearest common ancestor), 1 on the diagonal, 0 with no common ancestor;
 *   Sd  S as evidence for a profile sector i from a partner sector k: S, halved once more
 *       for each step k lies above i (a partner tagged only with a broad parent is weaker
 *       evidence than one tagged with the sector itself);
 *   P   partner sector weights (nP x nS, one to a few per row, stored as sparse rows), a
 *       customs or border-trade zone's logistics and trade-service tags halved (functions
 *       of its regime), with the partners' soft norms;
 *   Pi  the partners' unit priority vectors: how much each Chinese priority wants what the
 *       partner does, the Chinese side's needs for reciprocity (a row computed when needed,
 *       from M S: stored, it would be about half of nP x nQ);
 *   backing: per partner, the current Chinese priorities that name it or, for place-bound
 *       plans, cover its place and sector (the policy component);
 *   the BM25 index of the partners' text (keywords).
 * All of it is one image: flat arrays in one buffer with a table of contents, built from
 * the dataset by cm_model_init, or mapped from a compiled data file (compiled.h) by
 * cm_model_open without building anything. The image records a hash of this model's
 * source (CM_MODEL_HASH, set by the Makefile), so an image from another build is rebuilt,
 * never used.
 * A query is one profile turned into vectors. Scoring a query is one sparse product (the
 * sector term: u' p_j over partner j's few sectors, u = Sd' a) plus cheap per-pair region,
 * policy, goal and keyword terms; `rank`, `batch` and `explain` all score through
 * cm_score_block, so they agree to the last bit. docs/scoring.md states the formulas.
 *
 * Every component is in [0,1]. The total is 100 * sum(w_c x_c) over the active components,
 * with the weights renormalised over them; a component is inactive when the profile gives
 * it nothing to work with (no regions, no goals, no keywords) or its weight is 0.
 */
#ifndef CM_SCORE_H
#define CM_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include "dataset.h"
#include "profile.h"

typedef struct cm_kw_index cm_kw_index;   /* private: BM25 statistics */

#define CM_KW_MAXLEN 2          /* longest keyword phrase, in words */

typedef struct cm_model {
    const cm_dataset *ds;
    size_t ns, np, nq;
    /* Dense and small: nS x nS, nS x nS, nQ x nS. MCS = M S with the EU's own programmes
     * zeroed: how much each Chinese priority wants each sector. The matrices' data may
     * point into a read-only mapping: never write through them. */
    gsl_matrix *S, *Sd, *MCS;
    /* P in compressed rows: partner j has sector p_idx[t] with weight p_w[t] for t in
     * [p_off[j], p_off[j+1]), sectors ascending, each once. */
    const uint32_t *p_off, *p_idx; const double *p_w;
    const double *pnorm;        /* per partner: sqrt(p' S p) / wmax^0.6 (docs/scoring.md) */
    const double *breadth;      /* per partner in (0,1]: min(1, sqrt(3 / effective number of
                                 * fields)); a body tagged with a dozen fields is weak
                                 * evidence for any one of them */
    const uint32_t *place;      /* per partner: its city, else its province (region index) */
    const unsigned char *kind;  /* per partner: its cm_kind */
    const unsigned char *ended; /* per partner, 0/1: its status is ended */
    const uint32_t *sec_partners;   /* per sector: partners holding it or a subsector */
    const uint32_t *helpers; size_t nhelpers;  /* the cross-sector support bodies */
    /* Policy backing, compressed rows: partner j is backed by priority bk_q[t] with strength
     * bk_w[t] in (0,1] for t in [bk_off[j], bk_off[j+1]). */
    const uint32_t *bk_off, *bk_q; const double *bk_w;
    const unsigned char *q_counts;  /* per priority, 0/1: Chinese or joint policy that is current */
    const unsigned char *q_backed;  /* per priority, 0/1: some partner is backed by it */
    /* The Chinese side's needs: partner j's `seeks` sectors if it states them, else its
     * priority vector Pi_j (cm_priority_row, from MS = M S, nQ x nS) through MCS; nnorm_j
     * is their soft norm. */
    const double *MS;
    const double *nnorm;
    cm_kw_index *kw;
    void *image; size_t image_len;  /* the image everything above points into */
    bool image_owned;           /* built here (freed on release), not mapped */
} cm_model;

typedef struct cm_query {
    const cm_profile *profile;
    gsl_vector *a;              /* sector weights: sectors, then seeks at 0.7 x weight */
    gsl_vector *u;              /* Sd' a: the evidence each partner sector gives */
    double anorm;               /* sqrt(a' S a) */
    gsl_vector *pi;             /* interest in each priority (nQ), in [0,1]; 0 for priorities
                                 * that do not count (EU programmes, ended plans) */
    double w[CM_NCOMP];         /* normalised weights, 0 for inactive components */
    bool active[CM_NCOMP];
    char **kwtokens; size_t nkw;  /* keyword terms: a folded word or a phrase of two
                                   * ("cold chain"), words joined by one space */
    size_t *kwids;              /* nkw x CM_KW_MAXLEN token ids (CM_NONE: unknown word) */
    unsigned char *kwlen;       /* words in each term */
    double *kwidf;              /* idf of each term; 0 when no partner's text has it */
    double kindf[CM_NKINDS];    /* sector evidence kept per partner kind: 1 for clusters and
                                 * zones; for organisations and programmes (contacts, not
                                 * counterparts) CONTACT_FACTOR, raised towards 1 by the
                                 * squared share of business-support among the profile's goals, and 1 when
                                 * the profile asks only for those kinds */
    gsl_vector *o;              /* what the profile offers: offers, else its sectors */
    gsl_vector *so;             /* S o */
    gsl_vector *mo;             /* MCS o: how much each Chinese priority wants what it offers */
    double onorm;               /* sqrt(o' S o) */
} cm_query;

/* Build the model of `ds` (which must outlive it). Returns 0, or -1 with a message in `d`. */
int  cm_model_init(cm_model *m, const cm_dataset *ds, cm_diags *d);
/* The model of `ds` from `image` (`len` bytes, 8-byte aligned; from cm_model_image of a
 * model of the same data, typically mapped from the compiled data file), not copied: it
 * must outlive `m`. Nothing is built: returns 0, or -1 with the reason in *why (static
 * text, if `why` is not NULL) for an image that is from another build, for other data or
 * damaged, and `m` is then left empty. Every offset and index of an image is checked
 * against its bounds before it is used; the values themselves are trusted to the
 * compiled file's checksum (a damaged value can make a wrong score, never a crash). */
int  cm_model_map(cm_model *m, const cm_dataset *ds, const void *image, size_t len, const char **why);
/* The model as an image for cm_model_map (for the compiled data file). */
const void *cm_model_image(const cm_model *m, size_t *len);
void cm_model_release(cm_model *m);

/* Turn `p` into vectors with the raw component weights `w` (any non-negative values,
 * normalised here). Returns 0, or -1 with a message in `d` (all weights zero, GSL error). */
int  cm_query_init(cm_query *q, const cm_model *m, const cm_profile *p,
                   const double w[CM_NCOMP], cm_diags *d);
void cm_query_release(cm_query *q);

/* Score `nq` queries against every partner (callers pass one profile's queries at a time,
 * so the buffers hold one profile's scores, not a batch's). `comp` receives nq*np*CM_NCOMP component values
 * (query-major, then partner, then component) and `total` nq*np totals in [0,100].
 * Returns 0, or -1 if GSL failed (message in `d`). */
int cm_score_block(const cm_model *m, const cm_query *q, size_t nq,
                   double *comp, double *total, cm_diags *d);

/* The same for one pair by plain loops, no BLAS: the reference the unit tests and the
 * benchmark compare the BLAS path with. */
void cm_score_pair_loop(const cm_model *m, const cm_query *q, size_t partner,
                        double comp[CM_NCOMP], double *total);

/* Pieces the explainer needs, computed the same way as the scores. */
double cm_region_affinity(const cm_taxonomy *t, const cm_query *q, const cm_partner *p,
                          size_t *matched_region);
/* How partner p's place matches one region r: 1 inside r, 0.5 same province as the city r,
 * 0.25 same macro-region, else 0 (docs/scoring.md). */
double cm_region_match(const cm_taxonomy *t, size_t r, const cm_partner *p);
/* The share of its region points a partner keeps for its sector value x: 1 from
 * REGION_FIT (0.5) up, x / 0.5 below (docs/scoring.md). */
double cm_region_fit(double sector);
double cm_goal_fit(const cm_taxonomy *t, const cm_profile *prof, cm_kind kind);
double cm_keyword_score(const cm_model *m, const cm_query *q, size_t partner);
/* Whether keyword term `token` (as folded in q->kwtokens: a word, or a phrase of words
 * joined by one space) occurs in the partner's text as the BM25 index sees it: the matched
 * terms of an explanation. */
bool cm_keyword_matches(const cm_model *m, const char *token, size_t partner);
/* The priority that gives `partner` its policy value for query `q` (the largest
 * interest x backing), or CM_NONE when the value is 0. */
size_t cm_policy_source(const cm_model *m, const cm_query *q, size_t partner);
/* Whether priority `k` is policy a ranking may credit: a Chinese or joint EU-China
 * programme (not the EU's own) that has not ended. */
bool cm_priority_counts(const cm_taxonomy *t, size_t k);
/* Reciprocity: how well what the profile offers meets partner j's needs, a soft cosine in
 * [0,1] between q->o and row j of N. */
double cm_reciprocity(const cm_model *m, const cm_query *q, size_t partner);
/* Partner `partner`'s priority vector Pi_j into row[0..m->nq). Returns 0 or a GSL status. */
int cm_priority_row(const cm_model *m, size_t partner, double *row);
/* Partner `partner`'s weight in P for `sector` (0 when it has none). */
double cm_partner_weight(const cm_model *m, size_t partner, size_t sector);
/* Similarity of two partners in [0,1] for diversity: 0.5 sector soft cosine + 0.3 region
 * (same city 1, same province 0.7, same macro-region 0.3) + 0.2 same kind. */
double cm_partner_similarity(const cm_model *m, size_t a, size_t b);

#endif
