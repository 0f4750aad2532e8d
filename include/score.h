/* score.h: the scoring model: profiles and partners as vectors, scores by BLAS.
 *
 * The model turns the dataset into GSL matrices once:
 *   S   sector similarity (nS x nS) from the hierarchy: S[i][j] = 0.5^(steps from i and j up
 *       to their nearest common ancestor), 1 on the diagonal, 0 with no common ancestor;
 *   Sd  S as evidence for a profile sector i from a partner sector k: S, halved once more
 *       for each step k lies above i (a partner tagged only with a broad parent is weaker
 *       evidence than one tagged with the sector itself);
 *   P   partner sector weights (nP x nS), a customs or border-trade zone's logistics and
 *       trade-service tags halved (functions of its regime), and PS = P S with the
 *       partners' soft norms;
 *   M   priority x sector map (nQ x nS) and Pi, the partners' unit priority vectors (the
 *       Chinese side's needs for reciprocity);
 *   backing: per partner, the current Chinese priorities that name it or, for place-bound
 *       plans, cover its place and sector (the policy component).
 * A query is one profile turned into vectors. Scoring a block of queries is two dgemm
 * calls (sector and policy) plus cheap per-pair region, goal and keyword terms; a single
 * profile goes through the same code as a block of one, so `rank` and `batch` agree to the
 * last bit. docs/scoring.md states the formulas.
 *
 * Every component is in [0,1]. The total is 100 * sum(w_c x_c) over the active components,
 * with the weights renormalised over them; a component is inactive when the profile gives
 * it nothing to work with (no regions, no goals, no keywords) or its weight is 0.
 */
#ifndef CM_SCORE_H
#define CM_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include "dataset.h"
#include "profile.h"

typedef struct cm_kw_index cm_kw_index;   /* private: BM25 statistics */

#define CM_KW_MAXLEN 2          /* longest keyword phrase, in words */

typedef struct cm_model {
    const cm_dataset *ds;
    size_t ns, np, nq;
    gsl_matrix *S, *P, *PS, *M, *Pi;
    gsl_vector *pnorm;
    gsl_matrix *Sd;             /* directional evidence, see above */
    double *breadth;            /* per partner in (0,1]: min(1, sqrt(3 / effective number of
                                 * fields)); a body tagged with a dozen fields is weak
                                 * evidence for any one of them */
    /* Policy backing, compressed rows: partner j is backed by priority bk_q[t] with strength
     * bk_w[t] in (0,1] for t in [bk_off[j], bk_off[j+1]). */
    size_t *bk_off, *bk_q; double *bk_w;
    bool *q_counts;             /* per priority: Chinese or joint policy that is current */
    bool *q_backed;             /* per priority: some partner is backed by it */
    /* The Chinese side's needs: NS = N S, where row j of N is what partner j seeks (its
     * `seeks` sectors, else the sectors its policy priorities favour, M' Pi_j). */
    gsl_matrix *NS;
    gsl_vector *nnorm;
    gsl_matrix *MCS;            /* M S with the EU's own programmes zeroed: how much each
                                 * Chinese priority wants each sector, for explanations */
    cm_kw_index *kw;
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
    double onorm;               /* sqrt(o' S o) */
} cm_query;

int  cm_model_init(cm_model *m, const cm_dataset *ds, cm_diags *d);
void cm_model_release(cm_model *m);

/* Turn `p` into vectors with the raw component weights `w` (any non-negative values,
 * normalised here). Returns 0, or -1 with a message in `d` (all weights zero, GSL error). */
int  cm_query_init(cm_query *q, const cm_model *m, const cm_profile *p,
                   const double w[CM_NCOMP], cm_diags *d);
void cm_query_release(cm_query *q);

/* Score `nq` queries against every partner. `comp` receives nq*np*CM_NCOMP component values
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
/* Similarity of two partners in [0,1] for diversity: 0.5 sector soft cosine + 0.3 region
 * (same city 1, same province 0.7, same macro-region 0.3) + 0.2 same kind. */
double cm_partner_similarity(const cm_model *m, size_t a, size_t b);

#endif
