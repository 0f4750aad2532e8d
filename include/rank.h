/* rank.h: from scores to a ranked, explained shortlist.
 *
 * The shortlist is the one result every writer reads: the terminal table and all exports
 * show exactly these hits in this order with these scores. Ranking order is: total score
 * descending, then sector score descending, then partner id ascending (byte order), with
 * scores equal when they differ by less than 1e-9 so BLAS rounding never reorders ties.
 * The top k come from a partial selection (a bounded heap), not a full sort.
 *
 * Two re-rankings change the order, never the scores: with diversity > 0, maximal marginal
 * relevance over a candidate pool (so ten near-identical clusters in one county do not fill
 * the list); for partnerships, greedy xQuAD coverage of the members' needs.
 *
 * Every profile kind is scored by one path: a partnership's score for a partner is the mean
 * of its members' scores (components and contributions likewise), a single profile's is its
 * own; `rank`, `batch` and `explain` all go through it.
 */
#ifndef CM_RANK_H
#define CM_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include "dataset.h"
#include "profile.h"
#include "score.h"

#define CM_MAX_REASONS 8
#define CM_MAX_HELPERS 5        /* cross-sector support bodies in "who can help" */
#define CM_MAX_NOTES 6          /* candidate notes a hit holds while the list is built */
#define CM_SHOWN_NOTES 3        /* notes a suggestion of a shortlist carries (each once per list) */
#define CM_REASON_LEN 200

typedef struct cm_reason {
    cm_component comp;
    double contrib;             /* points of the 0-100 total this reason stands for */
    char text[CM_REASON_LEN];   /* e.g. "sector: boxboard, related to your packaging" */
    bool rest;                  /* the sum of the terms not listed ("the other, smaller sector
                                 * matches"): shown after the named reasons */
} cm_reason;

typedef struct cm_hit {
    size_t partner;             /* index into ds->partners */
    double score;               /* 0-100 */
    double comp[CM_NCOMP];      /* raw component values, 0-1 */
    double contrib[CM_NCOMP];   /* w_c * x_c * 100 */
    cm_reason reasons[CM_MAX_REASONS]; size_t nreasons;  /* strongest first */
    size_t notes[CM_MAX_NOTES]; size_t nnotes;           /* policy note indices */
    double *member_score;       /* partnerships: score for each member (0-100), else NULL */
    double fit;                 /* the European side's fit, 0-100 (= score unless --mutual) */
    double recip;               /* the Chinese side's interest (reciprocity), 0-1 */
    char why_partner[CM_REASON_LEN];  /* why the Chinese side benefits, e.g. "China side:
                                       * seeks new-materials; you offer new-materials" */
    double acceptability;       /* --stability: share of weight samples keeping this partner
                                 * in the top k (SMAA rank acceptability); -1 when not computed */
} cm_hit;

typedef struct cm_rank_opts {
    size_t top;                 /* default 10 */
    unsigned kinds;             /* bit mask of cm_kind; 0 = profile's own choice */
    size_t region;              /* --region filter (region index) or CM_NONE */
    size_t sector;              /* --sector filter (sector index) or CM_NONE */
    size_t zone_type;           /* --zone-type filter (index into ds->zone_types) or CM_NONE */
    cm_level level;             /* --level filter; CM_LEVEL_NONE = any (a set filter keeps zones only) */
    double min_score;           /* 0-100 */
    double floor;               /* relevance floor (docs/scoring.md): keep partners sharing a
                                 * sector (value >= 0.1) that score >= floor x the best such;
                                 * 0 turns both parts off */
    double weights[CM_NCOMP];   /* raw weights (data defaults merged with overrides) */
    double diversity;           /* MMR trade-off in [0,1]: 0 = rank by score alone */
    unsigned stability;         /* weight samples for rank acceptability; 0 = off */
    unsigned long seed;         /* for the stability samples */
    bool mutual;                /* score = harmonic mean of fit and reciprocity */
    bool include_ended;         /* also rank partners with status ended (closed programmes) */
} cm_rank_opts;

#define CM_FLOOR_DEFAULT 0.3        /* 30% of the best relevant score */
#define CM_DIVERSITY_DEFAULT 0.3   /* MMR on by default: no ten near-identical partners */
#define CM_STABILITY_CONCENTRATION 50.0   /* Dirichlet alpha = 50 x the normalised weights */

typedef struct cm_shortlist {
    const cm_profile *profile;
    const cm_dataset *ds;
    double weights[CM_NCOMP];   /* normalised weights used (0 for inactive components) */
    bool active[CM_NCOMP];
    size_t considered;          /* partners that passed the filters */
    size_t core;                /* the profile's core sector (docs/scoring.md), or CM_NONE */
    size_t core_partners;       /* partners in the data holding it or a subsector; below 3
                                 * rank warns that the data holds few */
    cm_hit *hits; size_t n;
    /* Who can help: cross-sector support bodies (`scope: cross-sector`: the IPR SME
     * Helpdesk, the EU SME Centre, the EU Chamber, S&T commissions) in their own short
     * list rather than among the partners, best first (docs/scoring.md). */
    size_t helpers[CM_MAX_HELPERS]; size_t nhelpers;
} cm_shortlist;

void cm_rank_opts_init(cm_rank_opts *o, const cm_dataset *ds);
void cm_shortlist_release(cm_shortlist *s);

/* Rank `n` profiles in one block computation. `out` must hold n shortlists; each is filled
 * (and must be released) whether or not the call succeeds. Returns 0 or -1 (GSL error). */
int cm_rank_block(const cm_model *m, const cm_profile *const *profiles, size_t n,
                  const cm_rank_opts *o, cm_shortlist *out, cm_diags *d);
/* One profile: the same as a block of one. */
int cm_rank_one(const cm_model *m, const cm_profile *p, const cm_rank_opts *o,
                cm_shortlist *out, cm_diags *d);

/* The full breakdown for one pair, as `clustermatch explain` prints it: fills `out` (release
 * it) with one hit for `partner`, scored by the same code as cm_rank_block whatever the
 * profile's kind, so its score is the one `rank` gives, with up to three sector reasons
 * for each profile (rank keeps one). Filters do not apply. Returns 0 or -1. */
int cm_explain_pair(const cm_model *m, const cm_profile *p, size_t partner,
                    const cm_rank_opts *o, cm_shortlist *out, cm_diags *d);

/* Comparison used for ranking (see above); exposed for the tests. */
int cm_hit_cmp(const cm_hit *a, const cm_hit *b, const cm_dataset *ds);

#endif
