/* rank.c: filters, top-k selection, partnership coverage and explanations (see rank.h). */
#include "rank.h"

#include <ctype.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SCORE_EPS 1e-9
#define COVER_LAMBDA 0.7
/* The relevance floor (docs/scoring.md): a suggestion must share a sector with the profile
 * (sector value >= FLOOR_SECTOR) and score at least FLOOR_REL of the best such partner; a
 * partnership's, for at least one member. Fewer suggestions are shown when fewer qualify. */
#define FLOOR_SECTOR 0.1
#define FEW_PARTNERS 3         /* warn when the data holds fewer in the profile's core sector */       /* xQuAD: weight of covering every member against the mean fit */

void cm_rank_opts_init(cm_rank_opts *o, const cm_dataset *ds)
{
    memset(o, 0, sizeof *o);
    o->top = 10;
    o->region = o->sector = o->zone_type = CM_NONE;
    o->diversity = CM_DIVERSITY_DEFAULT;
    o->floor = CM_FLOOR_DEFAULT;
    o->seed = 1;
    memcpy(o->weights, ds->weights, sizeof o->weights);
}

void cm_shortlist_release(cm_shortlist *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) free(s->hits[i].member_score);
    free(s->hits);
    s->hits = NULL;
    s->n = 0;
}

/* The rank order (rank.h) of partners a and b by score, then sector value, then id. */
static int rank_order(double score_a, double sector_a, size_t a, double score_b, double sector_b, size_t b,
                      const cm_dataset *ds)
{
    if (fabs(score_a - score_b) > SCORE_EPS) return score_a > score_b ? -1 : 1;
    if (fabs(sector_a - sector_b) > SCORE_EPS) return sector_a > sector_b ? -1 : 1;
    return strcmp(ds->partners[a].id, ds->partners[b].id);
}

int cm_hit_cmp(const cm_hit *a, const cm_hit *b, const cm_dataset *ds)
{
    return rank_order(a->score, a->comp[CM_C_SECTOR], a->partner, b->score, b->comp[CM_C_SECTOR], b->partner, ds);
}

/* ---- filters ------------------------------------------------------------------------ */

/* Whether partner j passes the filters. Kind and status come from the model's per-partner
 * arrays, the partner's record is read only for the rarer filters: a batch with the usual
 * options reads two bytes per partner, not each record. */
static bool passes(const cm_model *m, const cm_profile *p, const cm_rank_opts *o, size_t j)
{
    unsigned kinds = o->kinds ? o->kinds : p->kinds;
    if (kinds && !(kinds & (1u << m->kind[j]))) return false;
    if (m->ended[j] && !o->include_ended) return false;
    if (o->region == CM_NONE && o->sector == CM_NONE && o->zone_type == CM_NONE && o->level == CM_LEVEL_NONE &&
        !p->nexclude)
        return true;
    const cm_dataset *ds = m->ds;
    const cm_partner *pa = &ds->partners[j];
    if (o->region != CM_NONE) {
        size_t loc = pa->city != CM_NONE ? pa->city : pa->province;
        if (!cm_region_within(&ds->tax, loc, o->region) && !cm_region_within(&ds->tax, pa->province, o->region))
            return false;
    }
    if (o->zone_type != CM_NONE && pa->zone_type_idx != o->zone_type) return false;
    if (o->level != CM_LEVEL_NONE && pa->level != o->level) return false;
    if (o->sector != CM_NONE) {
        bool any = false;
        for (size_t k = 0; k < pa->nsectors && !any; k++)
            any = cm_sector_ancestor_dist(&ds->tax, pa->sectors[k], o->sector) >= 0;
        if (!any) return false;
    }
    for (size_t k = 0; k < p->nexclude; k++)
        if (!strcmp(p->exclude[k], pa->id)) return false;
    return true;
}

/* ---- explanations ------------------------------------------------------------------- */

static void add_reason(cm_hit *h, cm_component c, double pts, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Keep the strongest CM_MAX_REASONS, strongest first, a remainder ("the other sector
 * matches") after every named reason; equal points keep insertion order. */
static void put_reason(cm_hit *h, const cm_reason *rp)
{
    cm_reason r = *rp;
    if (r.contrib <= 0.005) return;
    size_t pos = h->nreasons;
    while (pos > 0 && !(r.rest && !h->reasons[pos - 1].rest) &&
           (h->reasons[pos - 1].rest > r.rest || h->reasons[pos - 1].contrib < r.contrib)) pos--;
    if (pos >= CM_MAX_REASONS) return;
    size_t last = h->nreasons < CM_MAX_REASONS ? h->nreasons : CM_MAX_REASONS - 1;
    memmove(&h->reasons[pos + 1], &h->reasons[pos], (last - pos) * sizeof r);
    h->reasons[pos] = r;
    if (h->nreasons < CM_MAX_REASONS) h->nreasons++;
}

#include <stdarg.h>
/* vsnprintf into buf: a reason's text may be cut at CM_REASON_LEN, never overrun. */
static void text_to(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void text_to(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

static void add_reason(cm_hit *h, cm_component c, double pts, const char *fmt, ...)
{
    cm_reason r = { .comp = c, .contrib = pts };
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r.text, sizeof r.text, fmt, ap);
    va_end(ap);
    put_reason(h, &r);
}

static const char *level_name(const cm_region *r)
{
    switch (r->level) {
    case CM_REG_MACRO: return "macro-region";
    case CM_REG_PROVINCE: return "province";
    case CM_REG_CITY: return "city";
    default: return "city cluster";
    }
}

/* A region's name as the explanation writes it: "Shanxi 山西 (not Shaanxi 陕西)" for a
 * province readers take for another, else its name. */
static const char *region_words(const cm_taxonomy *t, const cm_region *R, char *buf, size_t cap)
{
    if (R->distinct_from == CM_NONE) {
        snprintf(buf, cap, "%s", R->name);
        return buf;
    }
    const cm_region *o = &t->regions[R->distinct_from];
    snprintf(buf, cap, "%s%s%s (not %s%s%s)", R->name, R->zh_hans ? " " : "", R->zh_hans ? R->zh_hans : "", o->name,
             o->zh_hans ? " " : "", o->zh_hans ? o->zh_hans : "");
    return buf;
}

static void explain_hit(const cm_model *m, const cm_query *q, cm_hit *h, size_t max_sector_pairs)
{
    const cm_dataset *ds = m->ds;
    const cm_taxonomy *t = &ds->tax;
    const cm_partner *pa = &ds->partners[h->partner];
    h->nreasons = 0;
    if (q->w[CM_C_SECTOR] > 0) {
        double factor = m->breadth[h->partner] * q->kindf[pa->kind];
        double den = q->anorm * m->pnorm[h->partner] / factor;
        /* The sector score is a sum of terms f b a_i Sd_ij p_j / den over profile sectors i
         * and partner sectors j; the strongest terms are the reasons. The first says by how
         * much the contact and breadth factors scaled them; the terms not listed are summed
         * in one last reason, so the reasons add up to the sector points. */
        char scaled[96] = "";
        if (factor < 1.0 - 1e-9) {
            size_t l = (size_t)snprintf(scaled, sizeof scaled, " (counted x%.2f:", factor);
            if (q->kindf[pa->kind] < 1.0 - 1e-9)
                l += (size_t)snprintf(scaled + l, sizeof scaled - l, " %.2f as a contact, not a counterpart%s",
                                      q->kindf[pa->kind], m->breadth[h->partner] < 1.0 - 1e-9 ? ";" : "");
            if (m->breadth[h->partner] < 1.0 - 1e-9 && l < sizeof scaled)
                l += (size_t)snprintf(scaled + l, sizeof scaled - l, " %.2f for breadth", m->breadth[h->partner]);
            if (l < sizeof scaled) snprintf(scaled + l, sizeof scaled - l, ")");
        }
        double listed = 0, all = 100.0 * q->w[CM_C_SECTOR] * h->comp[CM_C_SECTOR];
        double prev = INFINITY;
        size_t pi_ = 0, pk_ = 0;
        for (size_t round = 0; round < max_sector_pairs && den > 0; round++) {
            double best = 0;
            size_t bi = 0, bj = 0, bk = 0;
            for (size_t i = 0; i < m->ns; i++) {
                double ai = gsl_vector_get(q->a, i);
                if (ai <= 0) continue;
                for (size_t k = 0; k < pa->nsectors; k++) {
                    size_t j = pa->sectors[k];
                    double v = ai * gsl_matrix_get(m->Sd, i, j) * cm_partner_weight(m, h->partner, j) / den;
                    double pts = 100.0 * q->w[CM_C_SECTOR] * v;
                    /* Next strongest after the ones already taken (strictly weaker, or equal
                     * but later in (i, k) order: the order of these loops). */
                    if (round && (pts > prev || (pts == prev && (i < pi_ || (i == pi_ && k <= pk_)))))
                        continue;
                    if (v > best) { best = v; bi = i; bj = j; bk = k; }
                }
            }
            if (best <= 0) break;
            double pts = 100.0 * q->w[CM_C_SECTOR] * best;
            const char *sfx = round == 0 ? scaled : "";
            if (bi == bj)
                add_reason(h, CM_C_SECTOR, pts, "sector: %s%s", t->sectors[bi].id, sfx);
            else
                add_reason(h, CM_C_SECTOR, pts, "sector: %s, related to your %s%s", t->sectors[bj].id, t->sectors[bi].id, sfx);
            listed += pts;
            prev = pts;
            pi_ = bi;
            pk_ = bk;
        }
        if (all - listed >= 0.05) {
            cm_reason r = { .comp = CM_C_SECTOR, .contrib = all - listed, .rest = true };
            snprintf(r.text, sizeof r.text, "sector: the other sector matches together");
            put_reason(h, &r);
        }
    }
    if (q->w[CM_C_REGION] > 0) {
        size_t r = CM_NONE;
        double v = cm_region_affinity(t, q, pa, &r);
        if (r != CM_NONE) {
            /* Say what is true of the place: inside the region, elsewhere in its province,
             * or in the same macro-region (not "near": East China runs from Shandong to
             * Fujian). A province readers take for another is named with both (Shanxi 山西,
             * not Shaanxi 陕西). */
            const cm_region *R = &t->regions[r], *P = &t->regions[pa->province];
            double match = cm_region_match(t, r, pa), fit = cm_region_fit(h->comp[CM_C_SECTOR]);
            double pts = 100.0 * q->w[CM_C_REGION] * v * fit;
            /* Region points shrink with a weak sector fit (a place without the trade is no
             * partner); the reason says so. */
            char tx[CM_REASON_LEN] = "", sfx[64] = "";
            if (fit < 1.0 - 1e-9) snprintf(sfx, sizeof sfx, " (counted x%.2f: the trade fits only in part)", fit);
            char rn[160], pn[160];
            region_words(t, R, rn, sizeof rn);
            region_words(t, P, pn, sizeof pn);
            if (match >= 1.0 && R->world_class)
                text_to(tx, sizeof tx, "region: in %s, a prioritised world-class city cluster", rn);
            else if (match >= 1.0 && R->distinct_from != CM_NONE)   /* in Shanxi 山西 (province; not Shaanxi 陕西) */
                text_to(tx, sizeof tx, "region: in %s%s%s (%s; not %s%s%s)", R->name, R->zh_hans ? " " : "",
                           R->zh_hans ? R->zh_hans : "", level_name(R), t->regions[R->distinct_from].name,
                           t->regions[R->distinct_from].zh_hans ? " " : "",
                           t->regions[R->distinct_from].zh_hans ? t->regions[R->distinct_from].zh_hans : "");
            else if (match >= 1.0)
                text_to(tx, sizeof tx, "region: in %s (%s)", rn, level_name(R));
            else if (match >= 0.5)
                text_to(tx, sizeof tx, "region: elsewhere in %s, the province of %s", pn, rn);
            else if (P->macro != CM_NONE)
                text_to(tx, sizeof tx, "region: %s, in %s like %s", pn, t->regions[P->macro].name, rn);
            if (*tx) add_reason(h, CM_C_REGION, pts, "%s%s", tx, sfx);
        }
    }
    if (q->w[CM_C_POLICY] > 0) {
        size_t bq = cm_policy_source(m, q, h->partner);
        if (bq != CM_NONE) {
            const cm_priority *pr = &t->priorities[bq];
            const cm_programme *pg = &t->programmes[pr->programme];
            /* Ended plans never count (cm_priority_counts); the suffix guards the wording. */
            char ended[24] = "";
            if (pg->ended) snprintf(ended, sizeof ended, " (ended %d)", pg->ended);
            if (pr->region != CM_NONE)
                add_reason(h, CM_C_POLICY, 100.0 * q->w[CM_C_POLICY] * h->comp[CM_C_POLICY],
                           "policy: in the area of %s%s: %s", pg->name, ended, pr->label);
            else
                add_reason(h, CM_C_POLICY, 100.0 * q->w[CM_C_POLICY] * h->comp[CM_C_POLICY], "policy: %s%s, %s",
                           pg->name, ended, pr->label);
        }
    }
    if (q->w[CM_C_GOAL] > 0) {
        const cm_profile *p = q->profile;
        size_t bg = p->goals[0];
        for (size_t i = 1; i < p->ngoals; i++)
            if (t->goal_fit[p->goals[i]][pa->kind] > t->goal_fit[bg][pa->kind]) bg = p->goals[i];
        add_reason(h, CM_C_GOAL, 100.0 * q->w[CM_C_GOAL] * h->comp[CM_C_GOAL], "goal: %s suits a%s %s",
                   t->goals[bg].id, pa->kind == CM_KIND_ORGANISATION ? "n" : "", cm_kind_names[pa->kind]);
    }
    if (q->w[CM_C_KEYWORD] > 0 && h->comp[CM_C_KEYWORD] > 0) {
        char buf[CM_REASON_LEN] = "";
        size_t len = 0;
        for (size_t k = 0; k < q->nkw && len < sizeof buf - 40; k++) {
            bool found = cm_keyword_matches(m, q->kwtokens[k], h->partner);
            if (found) len += (size_t)snprintf(buf + len, sizeof buf - len, "%s'%s'", len ? ", " : "", q->kwtokens[k]);
        }
        add_reason(h, CM_C_KEYWORD, 100.0 * q->w[CM_C_KEYWORD] * h->comp[CM_C_KEYWORD], "keywords: %s",
                   len ? buf : "matched in description");
    }
    /* Policy notes, by what the profile and the partner share (docs/scoring.md): a note
     * on sector s counts when s is, or is above, both a sector of the profile (its vector
     * a, seeks included) and a sector of the partner; its weight is the largest a_i x
     * (partner weight of j / the partner's strongest) over such pairs, times 1 + depth(s)/4
     * so that a note on "auto parts" beats one on "automotive". A note bound only to
     * partner kinds weighs 0.2, a note for everything 0.1: they fill in behind the sector
     * notes. The strongest CM_MAX_NOTES are kept here; cm_rank_block keeps at most
     * CM_SHOWN_NOTES per suggestion and each note once per shortlist. */
    h->nnotes = 0;
    double nw[CM_MAX_NOTES];
    double pwmax = 0;
    for (size_t k = 0; k < pa->nsectors; k++)
        if (pa->sector_w[k] > pwmax) pwmax = pa->sector_w[k];
    for (size_t n = 0; n < t->nnotes; n++) {
        const cm_note *no = &t->notes[n];
        if (no->historical || (no->kinds && !(no->kinds & (1u << pa->kind)))) continue;
        double best = no->nsectors ? 0.0 : no->kinds ? 0.2 : 0.1;
        for (size_t x = 0; x < no->nsectors; x++) {
            size_t ns_ = no->sectors[x];
            double pbest = 0, abest = 0;
            for (size_t k = 0; k < pa->nsectors; k++)
                if (cm_sector_ancestor_dist(t, pa->sectors[k], ns_) >= 0 && pwmax > 0 &&
                    pa->sector_w[k] / pwmax > pbest)
                    pbest = pa->sector_w[k] / pwmax;
            for (size_t i = 0; i < m->ns && pbest > 0; i++) {
                double ai = gsl_vector_get(q->a, i);
                if (ai > abest && cm_sector_ancestor_dist(t, i, ns_) >= 0) abest = ai;
            }
            double v = abest * pbest * (1.0 + 0.25 * t->sectors[ns_].depth);
            if (v > best) best = v;
        }
        if (best <= 0) continue;
        /* Insert by weight (stable for equal values: data order). */
        size_t pos = h->nnotes;
        while (pos > 0 && nw[pos - 1] < best) pos--;
        if (pos >= CM_MAX_NOTES) continue;
        size_t last = h->nnotes < CM_MAX_NOTES ? h->nnotes : CM_MAX_NOTES - 1;
        memmove(&h->notes[pos + 1], &h->notes[pos], (last - pos) * sizeof *h->notes);
        memmove(&nw[pos + 1], &nw[pos], (last - pos) * sizeof *nw);
        h->notes[pos] = n;
        nw[pos] = best;
        if (h->nnotes < CM_MAX_NOTES) h->nnotes++;
    }
}

/* Each note once per shortlist, at most CM_SHOWN_NOTES per suggestion: walking the hits in
 * the order shown, a note already attached to an earlier suggestion is dropped, and the
 * next candidate of the hit takes its place. */
static void notes_once(cm_shortlist *s, const cm_taxonomy *t)
{
    bool *seen = calloc(t->nnotes ? t->nnotes : 1, sizeof *seen);
    if (!seen) return;
    for (size_t i = 0; i < s->n; i++) {
        cm_hit *h = &s->hits[i];
        size_t k = 0;
        for (size_t x = 0; x < h->nnotes && k < CM_SHOWN_NOTES; x++)
            if (!seen[h->notes[x]]) {
                seen[h->notes[x]] = true;
                h->notes[k++] = h->notes[x];
            }
        h->nnotes = k;
    }
    free(seen);
}

/* Why the Chinese side benefits, in words a business reader can check, or nothing: what the
 * partner states it looks for, or a current Chinese plan that backs the partner (see
 * score.h) and asks for a sector the profile offers. A need merely inferred from the
 * partner's own sectors says nothing new and is not shown. */
static void explain_partner_side(const cm_model *m, const cm_query *q, cm_hit *h)
{
    const cm_taxonomy *t = &m->ds->tax;
    const cm_partner *pa = &m->ds->partners[h->partner];
    h->why_partner[0] = '\0';
    double best = 0;
    size_t bi = CM_NONE, bs = CM_NONE, bq = CM_NONE;
    for (size_t i = 0; i < m->ns; i++) {
        double oi = gsl_vector_get(q->o, i);
        if (oi <= 0) continue;
        for (size_t k = 0; k < pa->nseeks; k++) {
            double v = oi * gsl_matrix_get(m->S, i, pa->seeks[k]);
            if (v > best) { best = v; bi = i; bs = pa->seeks[k]; }
        }
    }
    if (bi != CM_NONE && best >= 0.5) {
        snprintf(h->why_partner, sizeof h->why_partner, "China side: it looks for %s; you offer %s",
                 t->sectors[bs].label, t->sectors[bi].label);
        return;
    }
    best = 0;
    for (size_t x = m->bk_off[h->partner]; x < m->bk_off[h->partner + 1]; x++) {
        size_t k = m->bk_q[x];
        const cm_priority *pr = &t->priorities[k];
        for (size_t i = 0; i < m->ns; i++) {
            double oi = gsl_vector_get(q->o, i);
            if (oi <= 0) continue;
            for (size_t b = 0; b < pr->nsectors; b++) {
                double v = oi * pr->weights[b] * (pr->sectors[b] == i ? 1.0 : 0.0);
                if (v > best) { best = v; bi = i; bq = k; }
            }
        }
    }
    if (bq != CM_NONE)
        snprintf(h->why_partner, sizeof h->why_partner, "China side: %s, which backs it, asks for %s, which you offer",
                 t->programmes[t->priorities[bq].programme].name, t->sectors[bi].label);
}

/* ---- selection ---------------------------------------------------------------------- */

/* A candidate while the shortlist is chosen: what the rank order needs, not a whole hit
 * (a cm_hit carries its reasons: some 2 KB, too much to copy for each partner). */
typedef struct cand { size_t partner; double score; double comp[CM_NCOMP]; } cand;

static int cand_cmp(const cand *a, const cand *b, const cm_dataset *ds)
{
    return rank_order(a->score, a->comp[CM_C_SECTOR], a->partner, b->score, b->comp[CM_C_SECTOR], b->partner, ds);
}

static cm_hit hit_of(const cand *c)
{
    cm_hit h = { .partner = c->partner, .score = c->score, .acceptability = -1 };
    memcpy(h.comp, c->comp, sizeof h.comp);
    return h;
}

typedef struct heapctx { cand *v; size_t n; const cm_dataset *ds; } heapctx;

/* A min-heap on rank order: the root is the worst hit kept so far. */
static void sift_down(heapctx *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < h->n && cand_cmp(&h->v[l], &h->v[w], h->ds) > 0) w = l;
        if (r < h->n && cand_cmp(&h->v[r], &h->v[w], h->ds) > 0) w = r;
        if (w == i) return;
        cand t = h->v[i]; h->v[i] = h->v[w]; h->v[w] = t;
        i = w;
    }
}

static void sift_up(heapctx *h, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (cand_cmp(&h->v[i], &h->v[p], h->ds) <= 0) return;
        cand t = h->v[i]; h->v[i] = h->v[p]; h->v[p] = t;
        i = p;
    }
}

static const cm_dataset *sort_ds;
static int hit_qsort(const void *a, const void *b) { return cm_hit_cmp(a, b, sort_ds); }
static int cand_qsort(const void *a, const void *b) { return cand_cmp(a, b, sort_ds); }

/* The best `k` partners that pass the filters and the minimum score, in heap order (the
 * worst kept first): a partial selection, not a sort. Returns how many were kept. */
static size_t heap_select(const cm_model *m, const double *comp, const double *total,
                          const cm_profile *p, const cm_rank_opts *o, size_t k, cand *out,
                          size_t *considered)
{
    const cm_dataset *ds = m->ds;
    heapctx h = { out, 0, ds };
    *considered = 0;
    double best = 0, fsec = o->floor > 0 ? FLOOR_SECTOR : 0;
    for (size_t j = 0; j < ds->npartners && o->floor > 0; j++)
        if (comp[j * CM_NCOMP + CM_C_SECTOR] >= fsec && total[j] > best && passes(m, p, o, j)) best = total[j];
    double floor = o->floor * best > o->min_score ? o->floor * best : o->min_score;
    for (size_t j = 0; j < ds->npartners; j++) {
        if (!passes(m, p, o, j)) continue;
        ++*considered;
        if (total[j] < floor || comp[j * CM_NCOMP + CM_C_SECTOR] < fsec) continue;
        cand c = { .partner = j, .score = total[j] };
        memcpy(c.comp, comp + j * CM_NCOMP, sizeof c.comp);
        if (h.n < k) {
            h.v[h.n++] = c;
            sift_up(&h, h.n - 1);
        } else if (k && cand_cmp(&c, &h.v[0], ds) < 0) {
            h.v[0] = c;
            sift_down(&h, 0);
        }
    }
    return h.n;
}

/* Top `k` of the candidates in rank order. Returns the number kept. With diversity, the set
 * is chosen from a pool of the best max(3k, k+20) by maximal marginal relevance:
 *   argmax_j (1 - L) * score_j / 100 - L * max_{i chosen} sim(i, j)
 * where sim is cm_partner_similarity (sector, region, kind). The chosen set is then shown
 * in rank order, so displayed order and scores agree. */
static size_t select_top(const cm_model *m, const double *comp, const double *total, const cm_profile *p,
                         const cm_rank_opts *o, size_t k, cm_hit *out, size_t *considered)
{
    const cm_dataset *ds = m->ds;
    size_t pool = k;
    if (o->diversity > 0) pool = k * 3 > k + 20 ? k * 3 : k + 20;
    cand *buf = calloc(pool ? pool : 1, sizeof *buf);
    if (!buf) return 0;
    heapctx h = { buf, heap_select(m, comp, total, p, o, pool, buf, considered), ds };
    sort_ds = ds;
    qsort(buf, h.n, sizeof *buf, cand_qsort);
    if (pool == k) {
        for (size_t i = 0; i < h.n; i++) out[i] = hit_of(&buf[i]);
        free(buf);
        return h.n;
    }
    /* MMR over the pool, which is in rank order, so ties keep rank order. */
    size_t n = 0;
    bool *used = calloc(h.n ? h.n : 1, sizeof *used);
    double *maxsim = calloc(h.n ? h.n : 1, sizeof *maxsim);
    if (!used || !maxsim) { free(used); free(maxsim); free(buf); return 0; }
    while (n < k && n < h.n) {
        size_t best = (size_t)-1;
        double bv = -INFINITY;
        for (size_t i = 0; i < h.n; i++) {
            if (used[i]) continue;
            double v = (1 - o->diversity) * buf[i].score / 100.0 - o->diversity * maxsim[i];
            if (v > bv + SCORE_EPS) { bv = v; best = i; }
        }
        if (best == (size_t)-1) break;   /* only if a score were NaN: never index with it */
        used[best] = true;
        out[n++] = hit_of(&buf[best]);
        for (size_t i = 0; i < h.n; i++)
            if (!used[i]) {
                double sim = cm_partner_similarity(m, buf[i].partner, buf[best].partner);
                if (sim > maxsim[i]) maxsim[i] = sim;
            }
    }
    free(used);
    free(maxsim);
    free(buf);
    qsort(out, n, sizeof *out, hit_qsort);
    return n;
}

/* SMAA rank acceptability: sample `o->stability` weight vectors from a Dirichlet centred on
 * the weights in use (alpha = CM_STABILITY_CONCENTRATION x w over the active components),
 * and count how often each hit stays in the plain top k. The generator is seeded from the
 * seed and the profile id, so a profile gets the same figures alone or in a batch. */
static int stability(const cm_model *m, const double *wq, const double *comp,
                     const cm_profile *p, const cm_rank_opts *o, cm_shortlist *s)
{
    const cm_dataset *ds = m->ds;
    size_t np = ds->npartners, K = 0, idx[CM_NCOMP];
    double alpha[CM_NCOMP], theta[CM_NCOMP];
    for (int c = 0; c < CM_NCOMP; c++)
        if (wq[c] > 0) { idx[K] = (size_t)c; alpha[K++] = CM_STABILITY_CONCENTRATION * wq[c]; }
    unsigned long seed = o->seed;
    for (const char *c = p->id; *c; c++) seed = seed * 131 + (unsigned char)*c;   /* FNV-like mix */
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double *t = malloc(np * sizeof *t);
    size_t *count = calloc(s->n ? s->n : 1, sizeof *count);
    cand *tmp = calloc(s->n ? s->n : 1, sizeof *tmp);
    if (!rng || !t || !count || !tmp) { gsl_rng_free(rng); free(t); free(count); free(tmp); return -1; }
    gsl_rng_set(rng, seed);
    for (unsigned r = 0; r < o->stability; r++) {
        if (K > 1) gsl_ran_dirichlet(rng, K, alpha, theta);
        else theta[0] = 1.0;
        double w[CM_NCOMP] = { 0 };
        for (size_t c = 0; c < K; c++) w[idx[c]] = theta[c];
        for (size_t j = 0; j < np; j++) {
            double v = 0;
            for (int c = 0; c < CM_NCOMP; c++) v += w[c] * comp[j * CM_NCOMP + c];
            t[j] = 100.0 * v;
        }
        cm_rank_opts plain = *o;
        plain.diversity = 0;
        plain.min_score = 0;
        size_t considered, n = heap_select(m, comp, t, p, &plain, s->n, tmp, &considered);
        for (size_t i = 0; i < s->n; i++)
            for (size_t x = 0; x < n; x++)
                if (tmp[x].partner == s->hits[i].partner) { count[i]++; break; }
    }
    for (size_t i = 0; i < s->n; i++) s->hits[i].acceptability = o->stability ? (double)count[i] / o->stability : -1;
    gsl_rng_free(rng);
    free(t);
    free(count);
    free(tmp);
    return 0;
}

/* Partnerships: greedy xQuAD coverage. Each step takes the partner maximising
 *   (1-L) * mean_j / 100 + L * (1/M) * sum_m rel_mj * prod_{i chosen} (1 - rel_mi)
 * where rel_mj = s_mj / max_j s_mj is member m's fit relative to its best partner, so a
 * member already well served counts less. Ties: mean, then partner id. */
static size_t select_cover(const cm_model *mdl, size_t M, const double *mtotal, const double *mcomp,
                           const double *mean, const double *comp, const cm_profile *p,
                           const cm_rank_opts *o, size_t k, cm_hit *out, size_t *considered)
{
    const cm_dataset *ds = mdl->ds;
    size_t np = ds->npartners, n = 0;
    double *unserved = malloc(M * sizeof *unserved), *top = calloc(M ? M : 1, sizeof *top);
    bool *taken = calloc(np ? np : 1, sizeof *taken);
    size_t *bestj = malloc((M ? M : 1) * sizeof *bestj);
    if (!unserved || !taken || !top || !bestj) { free(unserved); free(taken); free(top); free(bestj); return 0; }
    for (size_t m = 0; m < M; m++) unserved[m] = 1.0, bestj[m] = CM_NONE;
    *considered = 0;
    double fsec = o->floor > 0 ? FLOOR_SECTOR : 0;
#define MSEC(m, j) mcomp[((m) * np + (j)) * CM_NCOMP + CM_C_SECTOR]
    for (size_t j = 0; j < np; j++) {
        if (!passes(mdl, p, o, j)) taken[j] = true;
        else ++*considered;
        if (mean[j] < o->min_score) taken[j] = true;
        for (size_t m = 0; !taken[j] && m < M; m++)
            if (MSEC(m, j) >= fsec && mtotal[m * np + j] > top[m]) {
                top[m] = mtotal[m * np + j];
                bestj[m] = j;
            }
    }
    /* The floor: a partner stays a candidate if it is relevant to at least one member. */
    for (size_t j = 0; j < np; j++) {
        bool keep = false;
        for (size_t m = 0; !taken[j] && m < M && !keep; m++)
            keep = MSEC(m, j) >= fsec && mtotal[m * np + j] >= o->floor * top[m];
        if (!keep) taken[j] = true;
    }
#undef MSEC
    /* How well partner j serves member m is relative to the best any partner does for m
     * (rel = s_mj / max_j s_mj): absolute scores share the policy and goal terms, so even
     * an unrelated partner scores 30-50 for everyone and would count as serving them. */
#define REL(m, j) (top[m] > 0 ? mtotal[(m) * np + (j)] / top[m] : 0.0)
    /* Each member's best partner comes first, before any coverage trade-off: no member loses
     * its top match to the mean (taken in member order; one partner may be several's best). */
    /* Taking partner bj: mark it, discount each member by how well bj serves it, add the hit. */
#define TAKE(bj) do { \
        taken[bj] = true; \
        for (size_t x = 0; x < M; x++) unserved[x] *= 1.0 - REL(x, bj); \
        cm_hit *h = &out[n++]; \
        memset(h, 0, sizeof *h); \
        h->partner = bj; \
        h->score = mean[bj]; \
        memcpy(h->comp, comp + (bj) * CM_NCOMP, sizeof h->comp); \
    } while (0)
    for (size_t m = 0; m < M && n < k; m++)
        if (bestj[m] != CM_NONE && !taken[bestj[m]]) TAKE(bestj[m]);
    while (n < k) {
        double best = -1;
        size_t bj = CM_NONE;
        for (size_t j = 0; j < np; j++) {
            if (taken[j]) continue;
            double cov = 0;
            for (size_t m = 0; m < M; m++) cov += REL(m, j) * unserved[m];
            double v = (1 - COVER_LAMBDA) * mean[j] / 100.0 + COVER_LAMBDA * cov / (double)M;
            /* Ties: the usual rank order (score, sector, id), via an exact comparison. */
            if (v > best + SCORE_EPS || (fabs(v - best) <= SCORE_EPS && bj != CM_NONE &&
                  (mean[j] > mean[bj] + SCORE_EPS || (fabs(mean[j] - mean[bj]) <= SCORE_EPS &&
                   strcmp(ds->partners[j].id, ds->partners[bj].id) < 0)))) {
                best = v;
                bj = j;
            }
        }
        if (bj == CM_NONE) break;
        TAKE(bj);
    }
#undef TAKE
    free(unserved);
    free(top);
    free(bestj);
#undef REL
    free(taken);
    /* Coverage chose the set; it is shown in score order, so order and numbers agree. */
    sort_ds = ds;
    qsort(out, n, sizeof *out, hit_qsort);
    return n;
}

/* ---- a profile's scores ------------------------------------------------------------ */

/* Every profile kind is scored by one path. A profile speaks through its voices: a single
 * profile is its own one voice, a partnership's voices are its members. Its score for a
 * partner is the mean of its voices' totals, each component the mean of theirs and each
 * contribution the mean of theirs, so the contributions add up to the score (for one voice
 * the mean is that voice's value to the last bit). Reciprocity and the China side come from
 * the profile's own query: what a partnership offers is what any of its members offers.
 * docs/scoring.md gives the reasons for the mean. */
typedef struct voiced {
    const cm_profile *p;
    const cm_query *own;        /* the profile's own query */
    const cm_query *v;          /* its M voices' queries (== own for a single profile) */
    size_t M;
    const double *vtotal, *vcomp;   /* the voices' totals (M x np) and components */
    double *total, *comp, *fit;     /* the profile's: total (after --mutual), components, fit */
    bool own_total, own_mean;       /* total, and comp and fit, were allocated here (a single
                                     * profile's are its one voice's, not copied) */
    double w[CM_NCOMP];         /* the weights in force: the voices' mean */
    bool active[CM_NCOMP];
} voiced;

static void voiced_release(voiced *s)
{
    if (s->own_total) free(s->total);
    if (s->own_mean) free(s->comp);
    if (s->own_mean) free(s->fit);
}

/* Queries a profile needs: its own, then one per member of a partnership. */
static size_t nqueries(const cm_profile *p) { return p->partnership ? p->nmembers + 1 : 1; }

static int queries_init(const cm_model *m, const cm_profile *p, const cm_rank_opts *o, cm_query *q,
                        size_t *made, cm_diags *d)
{
    if (cm_query_init(&q[*made], m, p, o->weights, d)) return -1;
    ++*made;
    for (size_t k = 0; p->partnership && k < p->nmembers; k++) {
        if (cm_query_init(&q[*made], m, &p->members[k], o->weights, d)) return -1;
        ++*made;
    }
    return 0;
}

/* Fill `s` for profile `p` from its queries `q` (as queries_init made them) and their
 * scores. Returns 0 or -1 (out of memory). */
static int voiced_init(voiced *s, const cm_model *m, const cm_profile *p, const cm_query *q,
                       const double *qtotal, const double *qcomp, const cm_rank_opts *o, cm_diags *d)
{
    size_t np = m->np, skip = p->partnership ? 1 : 0;
    memset(s, 0, sizeof *s);
    s->p = p;
    s->own = q;
    s->v = q + skip;
    s->M = nqueries(p) - skip;
    s->vtotal = qtotal + skip * np;
    s->vcomp = qcomp + skip * np * CM_NCOMP;
    double M = (double)s->M;
    for (size_t v = 0; v < s->M; v++)
        for (int c = 0; c < CM_NCOMP; c++) {
            s->w[c] += s->v[v].w[c] / M;
            s->active[c] |= s->v[v].active[c];
        }
    if (s->M == 1) {            /* the mean of one: the voice's own values, to the last bit */
        s->fit = (double *)s->vtotal;
        s->comp = (double *)s->vcomp;
    } else {
        s->own_mean = true;
        s->fit = calloc(np ? np : 1, sizeof *s->fit);
        s->comp = calloc(np ? np * CM_NCOMP : 1, sizeof *s->comp);
        if (!s->fit || !s->comp) { voiced_release(s); return cm_ioerror(d, NULL, "out of memory"); }
        for (size_t j = 0; j < np; j++)
            for (size_t v = 0; v < s->M; v++) {
                s->fit[j] += s->vtotal[v * np + j] / M;
                for (int c = 0; c < CM_NCOMP; c++)
                    s->comp[j * CM_NCOMP + c] += s->vcomp[(v * np + j) * CM_NCOMP + c] / M;
            }
    }
    s->total = s->fit;
    if (!o->mutual) return 0;
    s->own_total = true;
    if (!(s->total = calloc(np ? np : 1, sizeof *s->total))) { voiced_release(s); return cm_ioerror(d, NULL, "out of memory"); }
    for (size_t j = 0; j < np; j++) {
        double f = s->fit[j] / 100.0, r = cm_reciprocity(m, s->own, j);
        s->total[j] = f + r > 0 ? 100.0 * 2 * f * r / (f + r) : 0.0;
    }
    return 0;
}

/* Everything a hit says about partner h->partner: score, components, contributions, the
 * reasons (up to `sector_pairs` sector terms for each voice), notes and the China side.
 * A reason several voices share is one reason with their summed points, labelled with how
 * many members gave it; a partnership's reasons name their member. */
static int fill_hit(const cm_model *m, const voiced *s, cm_hit *h, size_t sector_pairs, cm_diags *d)
{
    size_t np = m->np, j = h->partner, M = s->M;
    h->score = s->total[j];
    h->fit = s->fit[j];
    h->acceptability = -1;
    memcpy(h->comp, s->comp + j * CM_NCOMP, sizeof h->comp);
    memset(h->contrib, 0, sizeof h->contrib);
    for (size_t v = 0; v < M; v++)
        for (int c = 0; c < CM_NCOMP; c++)
            h->contrib[c] += 100.0 * s->v[v].w[c] * s->vcomp[(v * np + j) * CM_NCOMP + c] / (double)M;
    if (s->p->partnership && !h->member_score) {
        if (!(h->member_score = malloc(M * sizeof *h->member_score))) return cm_ioerror(d, NULL, "out of memory");
        for (size_t v = 0; v < M; v++) h->member_score[v] = s->vtotal[v * np + j];
    }
    /* Notes come from the voice this partner serves best. */
    size_t best = 0;
    for (size_t v = 1; v < M; v++)
        if (s->vtotal[v * np + j] > s->vtotal[best * np + j]) best = v;
    cm_reason *agg = malloc(M * CM_MAX_REASONS * sizeof *agg);
    size_t *cnt = malloc(M * CM_MAX_REASONS * sizeof *cnt), *who = malloc(M * CM_MAX_REASONS * sizeof *who);
    if (!agg || !cnt || !who) { free(agg); free(cnt); free(who); return cm_ioerror(d, NULL, "out of memory"); }
    size_t nagg = 0;
    for (size_t v = 0; v < M; v++) {
        cm_hit one = *h;
        memcpy(one.comp, s->vcomp + (v * np + j) * CM_NCOMP, sizeof one.comp);
        explain_hit(m, &s->v[v], &one, sector_pairs);
        for (size_t r = 0; r < one.nreasons; r++) {
            size_t a = 0;
            while (a < nagg && strcmp(agg[a].text, one.reasons[r].text) != 0) a++;
            if (a == nagg) {
                agg[nagg] = one.reasons[r];
                agg[nagg].contrib = 0;
                cnt[nagg] = 0;
                who[nagg++] = v;
            }
            agg[a].contrib += one.reasons[r].contrib / (double)M;
            cnt[a]++;
        }
        if (v == best) {
            memcpy(h->notes, one.notes, sizeof h->notes);
            h->nnotes = one.nnotes;
        }
    }
    h->nreasons = 0;
    for (size_t a = 0; a < nagg; a++) {
        cm_reason r = agg[a];
        if (s->p->partnership && cnt[a] == 1)
            snprintf(r.text, sizeof r.text, "%s [%s]", agg[a].text, s->p->members[who[a]].id);
        else if (s->p->partnership)
            snprintf(r.text, sizeof r.text, "%s [%zu of %zu members]", agg[a].text, cnt[a], M);
        put_reason(h, &r);
    }
    free(agg);
    free(cnt);
    free(who);
    h->recip = cm_reciprocity(m, s->own, j);
    explain_partner_side(m, s->own, h);
    return 0;
}

/* The profile's core sector (its heaviest; for a partnership, each member's, the rarest of
 * them) and how many partners in the data hold it or a subsector (counted in the model). */
static void core_count(const cm_model *m, const cm_profile *p, cm_shortlist *s)
{
    s->core = CM_NONE;
    s->core_partners = 0;
    size_t nm = p->partnership ? p->nmembers : 1;
    for (size_t x = 0; x < nm; x++) {
        const cm_profile *v = p->partnership ? &p->members[x] : p;
        if (!v->nsectors) continue;
        size_t c = v->sectors[0].idx;
        for (size_t i = 1; i < v->nsectors; i++)
            if (v->sectors[i].w > v->sectors[0].w && v->sectors[i].w > 0) c = v->sectors[i].idx;
        size_t cnt = m->sec_partners[c];
        if (s->core == CM_NONE || cnt < s->core_partners) { s->core = c; s->core_partners = cnt; }
    }
}

/* Whether a support body's record says it serves European firms: its name or description
 * names Europe or the EU ("EU-funded helpdesk", "European Chamber", "China-EU ..."). */
static bool serves_europeans(const cm_partner *pa)
{
    const char *txt[2] = { pa->name, pa->description };
    for (int i = 0; i < 2; i++) {
        const char *t = txt[i];
        if (!t) continue;
        if (strstr(t, "Europe")) return true;
        for (const char *q = strstr(t, "EU"); q; q = strstr(q + 1, "EU"))
            if ((q == t || !isalpha((unsigned char)q[-1])) && !isalpha((unsigned char)q[2])) return true;
    }
    return false;
}

/* Who can help (docs/scoring.md): the cross-sector support bodies that pass the filters
 * other than kind, region and sector (a profile asking only for clusters still gets the
 * IPR helpdesk). Bodies for European firms come first, by their score for the profile
 * (goal fit, region, keywords; a partnership's mean), then in data order; then, for the
 * last place, the local body (an S&T commission) of the province holding most shortlisted
 * partners (at least two) or a region the profile names. They never take a partner slot:
 * with no sectors they fail the floor. */
static void pick_helpers(const cm_model *m, const cm_profile *p, const double *total, cm_shortlist *s)
{
    const cm_dataset *ds = m->ds;
    s->nhelpers = 0;
    size_t local = CM_NONE, local_n = 0;
    for (size_t x = 0; x < m->nhelpers; x++) {
        size_t j = m->helpers[x];
        const cm_partner *pa = &ds->partners[j];
        if (pa->ended) continue;
        bool excluded = false;
        for (size_t k = 0; k < p->nexclude && !excluded; k++) excluded = !strcmp(p->exclude[k], pa->id);
        if (excluded) continue;
        if (!serves_europeans(pa)) {
            size_t near = 0;
            for (size_t h = 0; h < s->n; h++) near += ds->partners[s->hits[h].partner].province == pa->province;
            for (size_t r = 0; r < p->nregions; r++)
                if (cm_region_match(&ds->tax, p->regions[r].idx, pa) >= 1.0) near += s->n;   /* named: first */
            if (near >= 2 && near > local_n) { local = j; local_n = near; }
            continue;
        }
        size_t pos = s->nhelpers;
        while (pos > 0 && total[j] > total[s->helpers[pos - 1]] + SCORE_EPS) pos--;
        if (pos >= CM_MAX_HELPERS) continue;
        size_t last = s->nhelpers < CM_MAX_HELPERS ? s->nhelpers : CM_MAX_HELPERS - 1;
        memmove(&s->helpers[pos + 1], &s->helpers[pos], (last - pos) * sizeof *s->helpers);
        s->helpers[pos] = j;
        if (s->nhelpers < CM_MAX_HELPERS) s->nhelpers++;
    }
    if (local != CM_NONE) {
        if (s->nhelpers == CM_MAX_HELPERS) s->nhelpers--;
        s->helpers[s->nhelpers++] = local;
    }
}

/* ---- the block ---------------------------------------------------------------------- */

int cm_rank_block(const cm_model *m, const cm_profile *const *profiles, size_t n, const cm_rank_opts *o,
                  cm_shortlist *out, cm_diags *d)
{
    const cm_dataset *ds = m->ds;
    size_t np = m->np, maxq = 1, made = 0;
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].profile = profiles[i];
        out[i].ds = ds;
        if (nqueries(profiles[i]) > maxq) maxq = nqueries(profiles[i]);
    }
    /* Scoring and selection are fused per profile: the buffers hold one profile's scores
     * (its queries x partners), whatever the block size, and are reused for the next. */
    cm_query *q = calloc(maxq, sizeof *q);
    double *comp = malloc((np ? maxq * np : 1) * CM_NCOMP * sizeof *comp);
    double *total = malloc((np ? maxq * np : 1) * sizeof *total);
    if (!q || !comp || !total) { cm_ioerror(d, NULL, "out of memory ranking %zu profiles", n); goto out; }
    for (size_t i = 0; i < n; i++) {
        cm_shortlist *s = &out[i];
        voiced v;
        if (queries_init(m, profiles[i], o, q, &made, d) || cm_score_block(m, q, made, comp, total, d)) goto out;
        if (!(s->hits = calloc(o->top ? o->top : 1, sizeof *s->hits))) { cm_ioerror(d, NULL, "out of memory"); goto out; }
        if (voiced_init(&v, m, profiles[i], q, total, comp, o, d)) goto out;
        memcpy(s->weights, v.w, sizeof s->weights);
        memcpy(s->active, v.active, sizeof s->active);
        /* The order: a partnership's list is re-ranked for coverage of all its members, any
         * other by score with diversity; rank acceptability is the stability of that top k. */
        int err = 0;
        if (v.p->partnership && o->diversity > 0)
            s->n = select_cover(m, v.M, v.vtotal, v.vcomp, v.total, v.comp, v.p, o, o->top, s->hits, &s->considered);
        else
            s->n = select_top(m, v.comp, v.total, v.p, o, o->top, s->hits, &s->considered);
        for (size_t h = 0; h < s->n && !err; h++) err = fill_hit(m, &v, &s->hits[h], 1, d);
        if (!err) notes_once(s, &ds->tax);
        if (!err) pick_helpers(m, v.p, v.total, s);
        core_count(m, v.p, s);
        if (s->core != CM_NONE && s->core_partners < FEW_PARTNERS)
            cm_warn(d, v.p->file, v.p->line, 1, "only %zu partner%s in '%s', the main sector of '%s': the shortlist "
                    "is short or leans on related sectors", s->core_partners, s->core_partners == 1 ? "" : "s",
                    ds->tax.sectors[s->core].id, v.p->id);
        if (!err && !v.p->partnership && o->stability && stability(m, v.w, v.comp, v.p, o, s))
            err = cm_ioerror(d, NULL, "out of memory");
        voiced_release(&v);
        if (err) goto out;
        for (; made > 0; made--) cm_query_release(&q[made - 1]);
    }
    rc = 0;
out:
    for (size_t i = 0; i < made; i++) cm_query_release(&q[i]);
    free(q);
    free(comp);
    free(total);
    return rc;
}

int cm_rank_one(const cm_model *m, const cm_profile *p, const cm_rank_opts *o, cm_shortlist *out, cm_diags *d)
{
    return cm_rank_block(m, &p, 1, o, out, d);
}

int cm_explain_pair(const cm_model *m, const cm_profile *p, size_t partner, const cm_rank_opts *o,
                    cm_shortlist *out, cm_diags *d)
{
    size_t np = m->np, nq = nqueries(p), made = 0;
    int rc = -1;
    memset(out, 0, sizeof *out);
    out->profile = p;
    out->ds = m->ds;
    out->considered = m->ds->npartners;
    cm_query *q = calloc(nq, sizeof *q);
    double *comp = malloc((np ? nq * np : 1) * CM_NCOMP * sizeof *comp);
    double *total = malloc((np ? nq * np : 1) * sizeof *total);
    out->hits = calloc(1, sizeof *out->hits);
    if (!q || !comp || !total || !out->hits) { cm_ioerror(d, NULL, "out of memory"); goto out; }
    voiced v;
    if (queries_init(m, p, o, q, &made, d) || cm_score_block(m, q, nq, comp, total, d) ||
        voiced_init(&v, m, p, q, total, comp, o, d))
        goto out;
    memcpy(out->weights, v.w, sizeof out->weights);
    memcpy(out->active, v.active, sizeof out->active);
    out->hits[0] = (cm_hit){ .partner = partner, .acceptability = -1 };
    out->n = 1;
    rc = fill_hit(m, &v, &out->hits[0], 3, d);
    if (!rc) notes_once(out, &m->ds->tax);
    voiced_release(&v);
out:
    for (size_t i = 0; i < made; i++) cm_query_release(&q[i]);
    free(q);
    free(comp);
    free(total);
    return rc;
}
