/* test_score.c: the scoring math against values computed by hand on tests/fixtures/tiny.
 *
 * Every expected number below is written out from the fixture (see its README.md for the
 * sector tree, regions and partners) with the formulas of docs/scoring.md, not taken from
 * the program's own output. Profiles are built in memory.
 *
 * Partner indices (sorted by id): 0 auto-org, 1 solar-cluster, 2 twin-a, 3 twin-b, 4 wind-zone.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "profile.h"
#include "rank.h"
#include "score.h"
#include "testhelp.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-12)
#define CHECK_NEAR(a, b) do { \
        double th_x = (a), th_y = (b); \
        if (NEAR(th_x, th_y)) th_passed++; \
        else { th_failed++; fprintf(stderr, "%s:%d: check failed: %s == %s (%.15g vs %.15g)\n", \
                                    __FILE__, __LINE__, #a, #b, th_x, th_y); } \
    } while (0)

enum { S_ENERGY, S_RENEW, S_SOLAR, S_WIND, S_NUCLEAR, S_AUTO, S_PARTS, S_BATT, S_TEXT, NSEC };
enum { P_AUTO, P_SOLAR, P_TWIN_A, P_TWIN_B, P_WIND, NPART };
enum { Q_CLEAN, Q_CARS, Q_YRD, Q_GD, Q_EU };
enum { G_RESEARCH, G_MARKET };

static cm_dataset ds;
static cm_model model;
static size_t R_ZJ, R_JS, R_SH, R_GD, R_HZ, R_NB, R_YRD, R_EAST, R_SOUTH;

/* A profile filled in memory; arrays are owned by the caller (static or compound literals). */
static cm_profile mkprof(const char *id, cm_wterm *sec, size_t ns)
{
    cm_profile p;
    memset(&p, 0, sizeof p);
    p.id = (char *)id;
    p.name = (char *)id;
    p.file = (char *)"(memory)";
    p.line = 1;
    p.sectors = sec;
    p.nsectors = ns;
    return p;
}

static const double W_DEFAULT[CM_NCOMP] = { 0.4, 0.2, 0.2, 0.1, 0.1 };

/* Score profile `p` with weights `w` against every partner; comp and total as cm_score_block. */
static int score(const cm_profile *p, const double w[CM_NCOMP], double comp[NPART][CM_NCOMP],
                 double total[NPART], cm_query *qout)
{
    cm_diags d;
    cm_diags_init(&d);
    cm_query q;
    int rc = cm_query_init(&q, &model, p, w, &d);
    if (rc == 0) {
        rc = cm_score_block(&model, &q, 1, &comp[0][0], total, &d);
        if (qout) *qout = q;
        else cm_query_release(&q);
    }
    if (rc) cm_diags_print(&d, stderr, 0);
    cm_diags_release(&d);
    return rc;
}

static double S(size_t i, size_t j) { return gsl_matrix_get(model.S, i, j); }

/* ---- the S matrix ---------------------------------------------------------------- */

static void test_similarity(void)
{
    CHECK(model.ns == NSEC && model.np == NPART && model.nq == 5);
    CHECK_STR(ds.tax.sectors[S_BATT].id, "batteries");
    CHECK_STR(ds.partners[P_TWIN_A].id, "twin-a");
    for (size_t i = 0; i < NSEC; i++) {
        CHECK(S(i, i) == 1.0);
        for (size_t j = 0; j < NSEC; j++) CHECK(S(i, j) == S(j, i));
    }
    CHECK(S(S_RENEW, S_SOLAR) == 0.5);      /* parent-child: one step */
    CHECK(S(S_AUTO, S_PARTS) == 0.5);
    CHECK(S(S_SOLAR, S_WIND) == 0.25);      /* siblings: one step each */
    CHECK(S(S_ENERGY, S_SOLAR) == 0.25);    /* grandparent: two steps */
    CHECK(S(S_RENEW, S_NUCLEAR) == 0.25);   /* siblings under energy */
    CHECK(S(S_SOLAR, S_NUCLEAR) == 0.125);  /* 2 + 1 steps to energy */
    CHECK(S(S_SOLAR, S_AUTO) == 0.0);       /* different roots */
    CHECK(S(S_TEXT, S_ENERGY) == 0.0);
    /* batteries has two parents: the nearest common ancestor counts. */
    CHECK(S(S_BATT, S_AUTO) == 0.5);
    CHECK(S(S_BATT, S_ENERGY) == 0.5);
    CHECK(S(S_BATT, S_PARTS) == 0.25);      /* via automotive: 1 + 1 */
    CHECK(S(S_BATT, S_SOLAR) == 0.125);     /* via energy: 1 + 2 */
    CHECK(S(S_PARTS, S_ENERGY) == 0.0);     /* batteries is below both, not above */
    CHECK(cm_sector_ancestor_dist(&ds.tax, S_SOLAR, S_ENERGY) == 2);
    CHECK(cm_sector_ancestor_dist(&ds.tax, S_ENERGY, S_SOLAR) == -1);
    /* partner soft norms: sqrt(p' S p) */
    CHECK_NEAR(model.pnorm[P_SOLAR], 1.0);
    CHECK_NEAR(model.pnorm[P_WIND], sqrt(1 + 0.25 + 2 * 0.5 * 0.25));
    CHECK_NEAR(model.pnorm[P_AUTO], sqrt(1 + 0.25 + 2 * 0.5 * 0.5));
}

/* ---- finite by construction ------------------------------------------------------ */

/* The validator refuses weights below 0.001, but the engine must not rely on it: a
 * subnormal sector weight used to give a subnormal priority norm, an infinite 1/norm and
 * NaN scores (issue 17, class 1). Every score stays finite and in [0, 100]. */
static void test_tiny_weights(void)
{
    const double tiny[] = { 1e-310, 5e-324, 1e-200, 1e-160 };
    for (size_t t = 0; t < sizeof tiny / sizeof *tiny; t++) {
        cm_wterm sec[] = { { .idx = S_SOLAR, .w = tiny[t] }, { .idx = S_AUTO, .w = tiny[t] } };
        cm_profile p = mkprof("tiny", sec, 2);
        double comp[NPART][CM_NCOMP], total[NPART];
        cm_query q;
        CHECK(score(&p, W_DEFAULT, comp, total, &q) == 0);
        for (size_t j = 0; j < NPART; j++) {
            CHECK(isfinite(total[j]) && total[j] >= 0 && total[j] <= 100);
            for (int c = 0; c < CM_NCOMP; c++) CHECK(comp[j][c] >= 0 && comp[j][c] <= 1);
            double lc[CM_NCOMP], lt;
            cm_score_pair_loop(&model, &q, j, lc, &lt);
            CHECK(isfinite(lt) && lt >= 0 && lt <= 100);
        }
        cm_query_release(&q);
    }
}

/* ---- sector component ------------------------------------------------------------ */

static void test_sector(void)
{
    double comp[NPART][CM_NCOMP], total[NPART];
    static cm_wterm solar[] = { { S_SOLAR, 1.0 } };
    cm_profile p = mkprof("solar", solar, 1);
    CHECK(score(&p, W_DEFAULT, comp, total, NULL) == 0);
    CHECK_NEAR(comp[P_SOLAR][CM_C_SECTOR], 1.0);
    /* (S a)'p = S(solar,wind)*1 + S(solar,solar)*0.5 = 0.75; |a| = 1; |p| = sqrt(1.5) */
    CHECK_NEAR(comp[P_WIND][CM_C_SECTOR], 0.75 / sqrt(1.5));
    CHECK(comp[P_AUTO][CM_C_SECTOR] == 0.0);
    CHECK(comp[P_TWIN_A][CM_C_SECTOR] == 0.0);

    /* identical sector vectors: 1 */
    static cm_wterm same[] = { { S_WIND, 1.0 }, { S_SOLAR, 0.5 } };
    p = mkprof("same", same, 2);
    CHECK(score(&p, W_DEFAULT, comp, total, NULL) == 0);
    CHECK_NEAR(comp[P_WIND][CM_C_SECTOR], 1.0);
    /* a scaled copy is the same direction: still 1 */
    static cm_wterm half[] = { { S_WIND, 0.5 }, { S_SOLAR, 0.25 } };
    p = mkprof("half", half, 2);
    CHECK(score(&p, W_DEFAULT, comp, total, NULL) == 0);
    CHECK_NEAR(comp[P_WIND][CM_C_SECTOR], 1.0);

    /* nothing in common: exactly 0, not NaN, for every component and the total */
    static cm_wterm text[] = { { S_TEXT, 1.0 } };
    p = mkprof("text", text, 1);
    CHECK(score(&p, W_DEFAULT, comp, total, NULL) == 0);
    for (size_t j = 0; j < NPART; j++) {
        for (int c = 0; c < CM_NCOMP; c++) CHECK(!isnan(comp[j][c]));
        CHECK(!isnan(total[j]));
    }
    CHECK(comp[P_SOLAR][CM_C_SECTOR] == 0.0);
    CHECK(comp[P_AUTO][CM_C_SECTOR] == 0.0);
    /* a programme is a contact, not a counterpart: 0.5 of its sector evidence */
    CHECK_NEAR(comp[P_TWIN_A][CM_C_SECTOR], 0.5);
    /* textiles maps to no priority: the profile's priority vector is zero, policy inactive */
    cm_query q;
    CHECK(score(&p, W_DEFAULT, comp, total, &q) == 0);
    CHECK(!q.active[CM_C_POLICY] && q.w[CM_C_POLICY] == 0.0);
    CHECK(q.w[CM_C_SECTOR] == 1.0);
    CHECK_NEAR(total[P_TWIN_A], 50.0);
    CHECK(total[P_SOLAR] == 0.0);
    /* ... unless the profile asks only for such kinds */
    p.kinds = 1u << CM_KIND_PROGRAMME;
    CHECK(score(&p, W_DEFAULT, comp, total, NULL) == 0);
    CHECK_NEAR(comp[P_TWIN_A][CM_C_SECTOR], 1.0);
    p.kinds = 0;
    /* ... and rises towards 1 with the squared share of business-support among the goals:
     * one of two gives 0.5 + 0.5 x 0.5^2 = 0.625 */
    size_t g_bs = cm_goal_find(&ds.tax, "business-support"), g_ma = cm_goal_find(&ds.tax, "market-access");
    CHECK(g_bs != CM_NONE && g_ma != CM_NONE);
    size_t two[2] = { g_bs, g_ma };
    p.goals = two;
    p.ngoals = 2;
    CHECK(score(&p, W_DEFAULT, comp, total, NULL) == 0);
    CHECK_NEAR(comp[P_TWIN_A][CM_C_SECTOR], 0.625);
    p.goals = NULL;
    p.ngoals = 0;
    cm_query_release(&q);

    /* seeks count 0.7: a = (textiles 1, solar 0.7); |a| = sqrt(1 + 0.49) */
    static cm_wterm seek_solar[] = { { S_SOLAR, 1.0 } };
    p = mkprof("seeker", text, 1);
    p.seeks = seek_solar;
    p.nseeks = 1;
    CHECK(score(&p, W_DEFAULT, comp, total, &q) == 0);
    CHECK_NEAR(gsl_vector_get(q.a, S_SOLAR), 0.7);
    CHECK_NEAR(q.anorm, sqrt(1.49));
    CHECK_NEAR(comp[P_SOLAR][CM_C_SECTOR], 0.7 / sqrt(1.49));
    CHECK_NEAR(comp[P_TWIN_A][CM_C_SECTOR], 0.5 / sqrt(1.49));
    cm_query_release(&q);
    /* a sector that is both held and sought keeps the larger weight (1, not 0.7) */
    p = mkprof("both", seek_solar, 1);
    p.seeks = seek_solar;
    p.nseeks = 1;
    CHECK(score(&p, W_DEFAULT, comp, total, &q) == 0);
    CHECK(gsl_vector_get(q.a, S_SOLAR) == 1.0);
    cm_query_release(&q);

    /* parent in the profile, child at the partner: 0.5 */
    static cm_wterm renew[] = { { S_RENEW, 1.0 } };
    p = mkprof("renew", renew, 1);
    CHECK(score(&p, W_DEFAULT, comp, total, NULL) == 0);
    CHECK_NEAR(comp[P_SOLAR][CM_C_SECTOR], 0.5);
    /* wind-zone: (0.5*1 + 0.5*0.5) / sqrt(1.5) */
    CHECK_NEAR(comp[P_WIND][CM_C_SECTOR], 0.75 / sqrt(1.5));

    /* Sd: a partner's broader sector is weaker evidence, halved again per step up; a
     * narrower or sibling sector keeps S */
    CHECK_NEAR(gsl_matrix_get(model.Sd, S_SOLAR, S_RENEW), 0.25);      /* S 0.5, one step up */
    CHECK_NEAR(gsl_matrix_get(model.Sd, S_SOLAR, S_ENERGY), 0.0625);   /* S 0.25, two steps */
    CHECK_NEAR(gsl_matrix_get(model.Sd, S_RENEW, S_SOLAR), 0.5);       /* child: as S */
    CHECK_NEAR(gsl_matrix_get(model.Sd, S_SOLAR, S_WIND), 0.25);       /* sibling: as S */
    CHECK(gsl_matrix_get(model.Sd, S_SOLAR, S_SOLAR) == 1.0);
    /* breadth: every fixture partner has at most 3 fields (auto-org's automotive and
     * auto-parts are one field), so all keep full evidence */
    for (size_t j = 0; j < NPART; j++) CHECK(model.breadth[j] == 1.0);
}

static double bm25_term(double tf, double len)
{
    const double k1 = 1.2, b = 0.75, avg = 49.0 / 5.0;
    return tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg));
}

static double idf(double df) { return log(1.0 + (5.0 - df + 0.5) / (df + 0.5)); }

/* ---- weights --------------------------------------------------------------------- */

static void test_weights(void)
{
    double comp[NPART][CM_NCOMP], total[NPART], comp2[NPART][CM_NCOMP], total2[NPART];
    static cm_wterm solar[] = { { S_SOLAR, 1.0 } };
    static cm_wterm reg[] = { { 0, 1.0 } };
    static size_t goals[] = { G_RESEARCH };
    static char *kw[] = { (char *)"solar" };
    reg[0].idx = R_ZJ;
    cm_profile p = mkprof("full", solar, 1);
    p.regions = reg; p.nregions = 1;
    p.goals = goals; p.ngoals = 1;
    p.keywords = kw; p.nkeywords = 1;

    /* every component active, weights sum to 1: used as written */
    cm_query q;
    CHECK(score(&p, W_DEFAULT, comp, total, &q) == 0);
    for (int c = 0; c < CM_NCOMP; c++) CHECK(q.active[c] && NEAR(q.w[c], W_DEFAULT[c]));
    cm_query_release(&q);
    /* solar-cluster: sector 1, region 1, policy 0.5 (yrd-solar covers Hangzhou: interest 1
     * x area backing 0.5), goal 0.4 (research x cluster), keyword on the absolute scale */
    double kw_solar = idf(2) * bm25_term(4, 10) / (2 * idf(1));
    CHECK_NEAR(comp[P_SOLAR][CM_C_REGION], 1.0);
    CHECK_NEAR(comp[P_SOLAR][CM_C_POLICY], 0.5);
    CHECK_NEAR(comp[P_SOLAR][CM_C_GOAL], 0.4);
    CHECK_NEAR(comp[P_SOLAR][CM_C_KEYWORD], kw_solar);
    CHECK_NEAR(total[P_SOLAR], 100.0 * (0.4 + 0.2 + 0.2 * 0.5 + 0.1 * 0.4 + 0.1 * kw_solar));

    /* {2,0,0,0,0} and {1,0,0,0,0}: the same scores (sector only) */
    const double w2[CM_NCOMP] = { 2, 0, 0, 0, 0 }, w1[CM_NCOMP] = { 1, 0, 0, 0, 0 };
    CHECK(score(&p, w2, comp, total, &q) == 0);
    CHECK(q.w[CM_C_SECTOR] == 1.0);
    for (int c = 1; c < CM_NCOMP; c++) CHECK(q.w[c] == 0.0 && !q.active[c]);
    cm_query_release(&q);
    CHECK(score(&p, w1, comp2, total2, NULL) == 0);
    for (size_t j = 0; j < NPART; j++) {
        CHECK(total[j] == total2[j]);
        CHECK_NEAR(total[j], 100.0 * comp[j][CM_C_SECTOR]);
    }
    CHECK_NEAR(total[P_WIND], 100.0 * 0.75 / sqrt(1.5));

    /* scaling every weight by 10 changes nothing */
    const double w10[CM_NCOMP] = { 4, 2, 2, 1, 1 };
    CHECK(score(&p, w10, comp2, total2, NULL) == 0);
    CHECK(score(&p, W_DEFAULT, comp, total, NULL) == 0);
    for (size_t j = 0; j < NPART; j++) CHECK_NEAR(total[j], total2[j]);

    /* no regions, goals or keywords: those weights are 0, sector and policy renormalised
     * to 0.4/0.6 and 0.2/0.6 */
    cm_profile bare = mkprof("bare", solar, 1);
    CHECK(score(&bare, W_DEFAULT, comp, total, &q) == 0);
    CHECK(!q.active[CM_C_REGION] && !q.active[CM_C_GOAL] && !q.active[CM_C_KEYWORD]);
    CHECK(q.w[CM_C_REGION] == 0.0 && q.w[CM_C_GOAL] == 0.0 && q.w[CM_C_KEYWORD] == 0.0);
    CHECK_NEAR(q.w[CM_C_SECTOR], 0.4 / 0.6);
    CHECK_NEAR(q.w[CM_C_POLICY], 0.2 / 0.6);
    cm_query_release(&q);
    CHECK(comp[P_SOLAR][CM_C_REGION] == 0.0 && comp[P_SOLAR][CM_C_GOAL] == 0.0);
    CHECK_NEAR(total[P_SOLAR], 100.0 * (0.4 / 0.6 + 0.2 / 0.6 * 0.5));
    /* wind-zone: sector 0.75/sqrt(1.5); policy 0.5 (yrd-solar covers Jiangsu and names its
     * solar-pv: area backing 0.5 x 1) */
    CHECK_NEAR(comp[P_WIND][CM_C_POLICY], 0.5);
    CHECK_NEAR(total[P_WIND], 100.0 * (0.4 / 0.6 * 0.75 / sqrt(1.5) + 0.2 / 0.6 * 0.5));

    /* every applicable weight zero: refused */
    cm_diags d;
    cm_diags_init(&d);
    const double wreg[CM_NCOMP] = { 0, 1, 0, 0, 0 };
    CHECK(cm_query_init(&q, &model, &bare, wreg, &d) == -1);
    CHECK(d.nerrors == 1);
    cm_diags_release(&d);
}

/* ---- policy ---------------------------------------------------------------------- */

static void test_policy(void)
{
    double comp[NPART][CM_NCOMP], total[NPART];
    /* Backing (score.h): wind-zone names cars (1) and lies in the YRD (Jiangsu), where
     * yrd-solar touches its sectors at max over pairs of S x M = S(solar,solar) 1 x 1 = 1
     * -> area backing 0.5 x 1 = 0.5;
     * solar-cluster (Hangzhou, in the YRD): yrd-solar touches 1 -> 0.5; gd-solar covers
     * neither (Guangdong). auto-org names clean-energy but is an organisation: no backing.
     * The twins (Zhejiang, no city: not inside the YRD's member cities) have none. */
    CHECK(model.bk_off[P_SOLAR + 1] - model.bk_off[P_SOLAR] == 1);
    CHECK(model.bk_q[model.bk_off[P_SOLAR]] == Q_YRD);
    CHECK_NEAR(model.bk_w[model.bk_off[P_SOLAR]], 0.5);
    CHECK(model.bk_off[P_WIND + 1] - model.bk_off[P_WIND] == 2);
    CHECK(model.bk_q[model.bk_off[P_WIND]] == Q_CARS && model.bk_w[model.bk_off[P_WIND]] == 0.6);
    CHECK(model.bk_q[model.bk_off[P_WIND] + 1] == Q_YRD);
    CHECK_NEAR(model.bk_w[model.bk_off[P_WIND] + 1], 0.5);
    CHECK(model.bk_off[P_AUTO + 1] == model.bk_off[P_AUTO]);
    CHECK(model.bk_off[P_TWIN_A + 1] == model.bk_off[P_TWIN_A]);
    /* the EU's own programme never counts; the others do */
    CHECK(!cm_priority_counts(&ds.tax, Q_EU) && cm_priority_counts(&ds.tax, Q_GD));

    /* derived interest, solar: clean-energy max(S(solar,renew) 0.5 x 1, 1 x 0.5) = 0.5,
     * yrd-solar 1, gd-solar 1, cars 0, eu-solar 0 (does not count) */
    static cm_wterm solar[] = { { S_SOLAR, 1.0 } };
    cm_profile p = mkprof("solar", solar, 1);
    cm_query q;
    CHECK(score(&p, W_DEFAULT, comp, total, &q) == 0);
    CHECK_NEAR(gsl_vector_get(q.pi, Q_CLEAN), 0.5);
    CHECK(gsl_vector_get(q.pi, Q_YRD) == 1.0 && gsl_vector_get(q.pi, Q_GD) == 1.0);
    CHECK(gsl_vector_get(q.pi, Q_CARS) == 0.0 && gsl_vector_get(q.pi, Q_EU) == 0.0);
    CHECK(cm_policy_source(&model, &q, P_SOLAR) == Q_YRD);
    CHECK(cm_policy_source(&model, &q, P_AUTO) == CM_NONE);
    cm_query_release(&q);
    CHECK_NEAR(comp[P_SOLAR][CM_C_POLICY], 0.5);
    CHECK_NEAR(comp[P_WIND][CM_C_POLICY], 0.5);
    /* an organisation that names a priority, and partners no plan covers: 0 */
    CHECK(comp[P_AUTO][CM_C_POLICY] == 0.0);
    CHECK(comp[P_TWIN_A][CM_C_POLICY] == 0.0);

    /* explicit priorities replace the derived ones: [cars] -> wind-zone names it: 0.6 */
    static size_t cars[] = { Q_CARS };
    p.priorities = cars;
    p.npriorities = 1;
    CHECK(score(&p, W_DEFAULT, comp, total, NULL) == 0);
    CHECK(comp[P_SOLAR][CM_C_POLICY] == 0.0);
    CHECK(comp[P_WIND][CM_C_POLICY] == 0.6);
    CHECK(comp[P_AUTO][CM_C_POLICY] == 0.0);
    /* a place-bound plan is never credited outside its area: [gd-solar] backs no partner
     * (the solar partners are in Zhejiang and Jiangsu), so policy is inactive */
    static size_t gd[] = { Q_GD };
    p.priorities = gd;
    CHECK(score(&p, W_DEFAULT, comp, total, &q) == 0);
    CHECK(!q.active[CM_C_POLICY]);
    for (size_t j = 0; j < NPART; j++) CHECK(comp[j][CM_C_POLICY] == 0.0);
    cm_query_release(&q);
    /* a European programme is not Chinese policy: [eu-solar] alone leaves policy inactive */
    static size_t eu[] = { Q_EU };
    p.priorities = eu;
    CHECK(score(&p, W_DEFAULT, comp, total, &q) == 0);
    CHECK(!q.active[CM_C_POLICY] && q.w[CM_C_POLICY] == 0.0);
    cm_query_release(&q);

    /* a mixed profile (solar 1, automotive 1): cars interest 1 -> wind-zone 0.6 */
    static cm_wterm mix[] = { { S_SOLAR, 1.0 }, { S_AUTO, 1.0 } };
    p = mkprof("mix", mix, 2);
    CHECK(score(&p, W_DEFAULT, comp, total, NULL) == 0);
    CHECK(comp[P_WIND][CM_C_POLICY] == 0.6);
    CHECK_NEAR(comp[P_SOLAR][CM_C_POLICY], 0.5);
    CHECK(comp[P_AUTO][CM_C_POLICY] == 0.0);
    /* sector: 0.5 (organisation) x (Sd' a)'p for auto-org = 1 + 0.5*0.5 = 1.25; |a| =
     * sqrt(2); |p| = sqrt(1.75) */
    CHECK_NEAR(comp[P_AUTO][CM_C_SECTOR], 0.5 * 1.25 / (sqrt(2.0) * sqrt(1.75)));
}

/* ---- region ---------------------------------------------------------------------- */

static double region_of(size_t region, double w, size_t partner, size_t *matched)
{
    cm_wterm r[1] = { { region, w } };
    cm_profile p = mkprof("r", NULL, 0);
    p.regions = r;
    p.nregions = 1;
    cm_query q;
    memset(&q, 0, sizeof q);
    q.profile = &p;
    return cm_region_affinity(&ds.tax, &q, &ds.partners[partner], matched);
}

static void test_region(void)
{
    /* region points scale with the sector value below 0.5 (docs/scoring.md) */
    CHECK(cm_region_fit(0.0) == 0.0);
    CHECK_NEAR(cm_region_fit(0.25), 0.5);
    CHECK(cm_region_fit(0.5) == 1.0 && cm_region_fit(0.9) == 1.0);
    size_t m = 0;
    CHECK(region_of(R_ZJ, 1, P_SOLAR, &m) == 1.0 && m == R_ZJ);     /* province contains the city */
    CHECK(region_of(R_HZ, 1, P_SOLAR, NULL) == 1.0);                /* the city itself */
    CHECK(region_of(R_NB, 1, P_SOLAR, NULL) == 0.5);                /* another city, same province */
    CHECK(region_of(R_NB, 1, P_TWIN_A, NULL) == 0.5);               /* partner with a province only */
    CHECK(region_of(R_HZ, 1, P_TWIN_A, NULL) == 0.5);
    CHECK(region_of(R_JS, 1, P_SOLAR, NULL) == 0.25);               /* province, same macro-region */
    CHECK(region_of(R_NB, 1, P_WIND, NULL) == 0.25);                /* city, other province, same macro */
    CHECK(region_of(R_SH, 1, P_WIND, NULL) == 0.25);
    CHECK(region_of(R_GD, 1, P_SOLAR, &m) == 0.0 && m == CM_NONE);  /* other macro-region */
    CHECK(region_of(R_EAST, 1, P_SOLAR, NULL) == 1.0);              /* macro-region contains it */
    CHECK(region_of(R_SOUTH, 1, P_SOLAR, NULL) == 0.0);             /* a macro-region is all or nothing */
    CHECK(region_of(R_SOUTH, 1, P_AUTO, NULL) == 1.0);
    CHECK(region_of(R_YRD, 1, P_WIND, NULL) == 1.0);                /* member province */
    CHECK(region_of(R_YRD, 1, P_SOLAR, NULL) == 1.0);               /* member city */
    CHECK(region_of(R_YRD, 1, P_TWIN_A, NULL) == 0.25);             /* Zhejiang outside the member cities */
    CHECK(region_of(R_YRD, 1, P_AUTO, NULL) == 0.0);
    /* a city cluster across two macro-regions: near (0.25) to partners in either one,
     * whichever member is listed first */
    size_t ca = cm_region_find(&ds.tax, "corridor-a"), cb = cm_region_find(&ds.tax, "corridor-b");
    CHECK(ca != CM_NONE && cb != CM_NONE);
    CHECK(region_of(ca, 1, P_SOLAR, NULL) == 1.0 && region_of(cb, 1, P_SOLAR, NULL) == 1.0);
    CHECK(region_of(ca, 1, P_WIND, NULL) == 0.25 && region_of(cb, 1, P_WIND, NULL) == 0.25);
    CHECK(region_of(ca, 1, P_AUTO, NULL) == 0.25 && region_of(cb, 1, P_AUTO, NULL) == 0.25);
    CHECK(region_of(ca, 1, P_TWIN_A, NULL) == 0.25);                /* Zhejiang, not Hangzhou */
    CHECK(region_of(R_JS, 0.6, P_WIND, NULL) == 0.6);               /* weight x match */
    CHECK(region_of(R_NB, 0.5, P_SOLAR, NULL) == 0.25);

    /* several regions: the maximum of weight x match */
    cm_wterm r[2] = { { R_NB, 0.8 }, { R_JS, 1.0 } };
    cm_profile p = mkprof("r2", NULL, 0);
    p.regions = r;
    p.nregions = 2;
    cm_query q;
    memset(&q, 0, sizeof q);
    q.profile = &p;
    CHECK_NEAR(cm_region_affinity(&ds.tax, &q, &ds.partners[P_SOLAR], &m), 0.4);   /* max(0.8*0.5, 1*0.25) */
    CHECK(m == R_NB);
    CHECK(cm_region_affinity(&ds.tax, &q, &ds.partners[P_WIND], &m) == 1.0 && m == R_JS);
    CHECK(cm_region_affinity(&ds.tax, &q, &ds.partners[P_AUTO], &m) == 0.0 && m == CM_NONE);
}

/* ---- goals ----------------------------------------------------------------------- */

static void test_goal(void)
{
    static size_t g2[] = { G_RESEARCH, G_MARKET }, g1[] = { G_MARKET };
    cm_profile p = mkprof("g", NULL, 0);
    p.goals = g2;
    p.ngoals = 2;
    CHECK_NEAR(cm_goal_fit(&ds.tax, &p, CM_KIND_CLUSTER), (0.4 + 0.8) / 2);
    CHECK_NEAR(cm_goal_fit(&ds.tax, &p, CM_KIND_ZONE), (0.6 + 0.5) / 2);
    CHECK_NEAR(cm_goal_fit(&ds.tax, &p, CM_KIND_ORGANISATION), (0.2 + 1.0) / 2);
    CHECK_NEAR(cm_goal_fit(&ds.tax, &p, CM_KIND_PROGRAMME), (1.0 + 0.1) / 2);
    p.goals = g1;
    p.ngoals = 1;
    CHECK_NEAR(cm_goal_fit(&ds.tax, &p, CM_KIND_ORGANISATION), 1.0);
    p.ngoals = 0;
    CHECK(cm_goal_fit(&ds.tax, &p, CM_KIND_ORGANISATION) == 0.0);
}

/* ---- keywords (BM25) ------------------------------------------------------------- */

/* Document lengths in tokens, counted by hand from partners.yaml (name, description, then
 * each sector's label and aliases; stop words dropped, plural 's' removed):
 *   solar-cluster  hangzhou solar | maker solar panel inverter | solar photovoltaic | solar pv   = 10
 *   wind-zone      jiangsu wind zone | wind turbine solar farm | wind energy | wind power
 *                  | solar photovoltaic | solar pv                                              = 15
 *   auto-org       guangdong auto association | car maker association | automotive | car
 *                  | automotive part                                                            = 10
 *   twin-a, twin-b silk textile programme | silk weaving | textile | apparel                     = 7
 * N = 5, average length 49/5 = 9.8. */

static void keywords(const char *const *kw, size_t n, double out[NPART], size_t *nkw)
{
    cm_profile p = mkprof("kw", (cm_wterm[]){ { S_TEXT, 1.0 } }, 1);
    p.keywords = (char **)kw;
    p.nkeywords = n;
    cm_query q;
    cm_diags d;
    cm_diags_init(&d);
    CHECK(cm_query_init(&q, &model, &p, W_DEFAULT, &d) == 0);
    *nkw = q.nkw;
    for (size_t j = 0; j < NPART; j++) out[j] = cm_keyword_score(&model, &q, j);
    cm_query_release(&q);
    cm_diags_release(&d);
}

static void test_keywords(void)
{
    double k[NPART];
    size_t nkw;
    /* Full points = 2 x idf of a word in 1% of the partners (here df 1: idf(1) = ln 4). */
    double full = 2 * idf(1);
    /* "solar": df 2; tf 4 in solar-cluster (len 10), 3 in wind-zone (len 15); one common
     * word does not give full points */
    keywords((const char *[]){ "solar" }, 1, k, &nkw);
    CHECK(nkw == 1);
    double sc = idf(2) * bm25_term(4, 10), wz = idf(2) * bm25_term(3, 15);
    CHECK(sc > wz && sc < full);
    CHECK_NEAR(k[P_SOLAR], sc / full);
    CHECK_NEAR(k[P_WIND], wz / full);
    CHECK(k[P_SOLAR] < 1.0);
    CHECK(k[P_AUTO] == 0.0 && k[P_TWIN_A] == 0.0);

    /* "Solar, WIND!": punctuation splits it into two terms, solar and wind (df 1, tf 4 in
     * wind-zone): the sum passes the full mark and is capped at 1 */
    keywords((const char *[]){ "Solar, WIND!" }, 1, k, &nkw);
    CHECK(nkw == 2);
    wz = idf(2) * bm25_term(3, 15) + idf(1) * bm25_term(4, 15);
    CHECK(wz > full);
    CHECK(k[P_WIND] == 1.0);
    CHECK_NEAR(k[P_SOLAR], sc / full);

    /* two words are one phrase: "car makers" matches auto-org's "Car makers'" only, not
     * solar-cluster's "Makers of solar panels" (a split match would) */
    keywords((const char *[]){ "cars", "car makers" }, 2, k, &nkw);
    CHECK(nkw == 2);  /* car, "car maker" */
    double ao = idf(1) * bm25_term(2, 10) + idf(1) * bm25_term(1, 10);
    CHECK_NEAR(k[P_AUTO], ao >= full ? 1.0 : ao / full);
    CHECK(k[P_SOLAR] == 0.0 && k[P_WIND] == 0.0);
    /* word order matters: "turbines wind" is not "wind turbines" */
    keywords((const char *[]){ "wind turbines" }, 1, k, &nkw);
    CHECK(nkw == 1);
    CHECK_NEAR(k[P_WIND], idf(1) * bm25_term(1, 15) / full);
    keywords((const char *[]){ "turbines wind" }, 1, k, &nkw);
    CHECK(nkw == 1 && k[P_WIND] == 0.0);
    /* a phrase does not span fields or punctuation: "turbine solar" is split by nothing in
     * the description ("Wind turbines and solar farms": 'and' is a stop word) and matches;
     * "inverter wind" crosses from one partner field to none and does not */
    keywords((const char *[]){ "turbines and solar" }, 1, k, &nkw);
    CHECK(nkw == 1 && k[P_WIND] > 0.0);

    /* generic words: alone they give no term; hyphenated to a word they are dropped; in a
     * phrase they stay */
    keywords((const char *[]){ "control" }, 1, k, &nkw);
    CHECK(nkw == 0);
    keywords((const char *[]){ "solar-based" }, 1, k, &nkw);
    CHECK(nkw == 1);
    CHECK_NEAR(k[P_SOLAR], sc / full);
    cm_profile pp = mkprof("gen", (cm_wterm[]){ { S_TEXT, 1.0 } }, 1);
    char *gk[] = { (char *)"paper-based", (char *)"climate control", (char *)"machine tools" };
    pp.keywords = gk;
    pp.nkeywords = 3;
    cm_query gq;
    cm_diags gd;
    cm_diags_init(&gd);
    CHECK(cm_query_init(&gq, &model, &pp, W_DEFAULT, &gd) == 0);
    CHECK(gq.nkw == 3);
    if (gq.nkw == 3) {
        CHECK(!strcmp(gq.kwtokens[0], "paper"));
        CHECK(!strcmp(gq.kwtokens[1], "climate control"));
        CHECK(!strcmp(gq.kwtokens[2], "machine tool"));
    }
    cm_query_release(&gq);
    cm_diags_release(&gd);

    /* only stop words and one-letter tokens: no query, keyword inactive */
    keywords((const char *[]){ "the cluster of a", "Industrial clusters in China" }, 2, k, &nkw);
    CHECK(nkw == 0);
    keywords((const char *[]){ "this" }, 1, k, &nkw);
    CHECK(nkw == 0);   /* "this" is a stop word: not "thi" after removing a plural s */
    /* a word no partner uses: every partner 0 */
    keywords((const char *[]){ "zeppelin" }, 1, k, &nkw);
    CHECK(nkw == 1);
    for (size_t j = 0; j < NPART; j++) CHECK(k[j] == 0.0);
    /* non-ASCII letters separate tokens; Chinese text gives no token */
    keywords((const char *[]){ "太阳能" }, 1, k, &nkw);
    CHECK(nkw == 0);

    /* free-text offers/seeks items join the keyword query, as phrases */
    cm_profile p = mkprof("terms", (cm_wterm[]){ { S_TEXT, 1.0 } }, 1);
    char *terms[] = { (char *)"wind turbines" };
    p.terms = terms;
    p.nterms = 1;
    cm_query q;
    cm_diags d;
    cm_diags_init(&d);
    CHECK(cm_query_init(&q, &model, &p, W_DEFAULT, &d) == 0);
    CHECK(q.nkw == 1 && q.active[CM_C_KEYWORD]);
    CHECK_NEAR(cm_keyword_score(&model, &q, P_WIND), idf(1) * bm25_term(1, 15) / full);
    CHECK(cm_keyword_matches(&model, "wind turbine", P_WIND) && !cm_keyword_matches(&model, "wind turbine", P_SOLAR));
    cm_query_release(&q);
    cm_diags_release(&d);
}

/* ---- block vs loop, block vs one ------------------------------------------------- */

static cm_wterm prof_sec[4][3];
static cm_wterm prof_reg[4][2];
static size_t prof_goal[4][2];
static char *prof_kw[4][2];
static cm_profile profs[4];

static void make_profiles(void)
{
    prof_sec[0][0] = (cm_wterm){ S_SOLAR, 1.0 };
    prof_sec[0][1] = (cm_wterm){ S_BATT, 0.6 };
    prof_reg[0][0] = (cm_wterm){ R_NB, 1.0 };
    prof_goal[0][0] = G_RESEARCH;
    prof_kw[0][0] = (char *)"solar panels";
    profs[0] = mkprof("p0", prof_sec[0], 2);
    profs[0].regions = prof_reg[0]; profs[0].nregions = 1;
    profs[0].goals = prof_goal[0]; profs[0].ngoals = 1;
    profs[0].keywords = prof_kw[0]; profs[0].nkeywords = 1;

    prof_sec[1][0] = (cm_wterm){ S_AUTO, 0.8 };
    prof_sec[1][1] = (cm_wterm){ S_PARTS, 1.0 };
    prof_reg[1][0] = (cm_wterm){ R_YRD, 1.0 };
    prof_reg[1][1] = (cm_wterm){ R_GD, 0.5 };
    prof_goal[1][0] = G_MARKET;
    prof_goal[1][1] = G_RESEARCH;
    profs[1] = mkprof("p1", prof_sec[1], 2);
    profs[1].regions = prof_reg[1]; profs[1].nregions = 2;
    profs[1].goals = prof_goal[1]; profs[1].ngoals = 2;
    profs[1].seeks = prof_sec[0]; profs[1].nseeks = 1;

    prof_sec[2][0] = (cm_wterm){ S_TEXT, 1.0 };
    prof_kw[2][0] = (char *)"silk weaving";
    prof_kw[2][1] = (char *)"wind";
    profs[2] = mkprof("p2", prof_sec[2], 1);
    profs[2].keywords = prof_kw[2]; profs[2].nkeywords = 2;

    prof_sec[3][0] = (cm_wterm){ S_ENERGY, 0.3 };
    prof_sec[3][1] = (cm_wterm){ S_WIND, 1.0 };
    prof_sec[3][2] = (cm_wterm){ S_NUCLEAR, 0.5 };
    prof_reg[3][0] = (cm_wterm){ R_EAST, 0.7 };
    profs[3] = mkprof("p3", prof_sec[3], 3);
    profs[3].regions = prof_reg[3]; profs[3].nregions = 1;
}

static void test_block_vs_loop(void)
{
    cm_diags d;
    cm_diags_init(&d);
    cm_query q[4];
    for (size_t i = 0; i < 4; i++) CHECK(cm_query_init(&q[i], &model, &profs[i], W_DEFAULT, &d) == 0);
    double comp[4 * NPART * CM_NCOMP], total[4 * NPART];
    CHECK(cm_score_block(&model, q, 4, comp, total, &d) == 0);
    size_t bad = 0;
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < NPART; j++) {
            double c[CM_NCOMP], t;
            cm_score_pair_loop(&model, &q[i], j, c, &t);
            for (int k = 0; k < CM_NCOMP; k++)
                if (!NEAR(c[k], comp[(i * NPART + j) * CM_NCOMP + k])) bad++;
            if (!NEAR(t, total[i * NPART + j])) bad++;
            if (!(t >= 0 && t <= 100)) bad++;
        }
    CHECK(bad == 0);
    /* a block of one gives the same numbers as its row in the block of four */
    double comp1[NPART * CM_NCOMP], total1[NPART];
    CHECK(cm_score_block(&model, &q[2], 1, comp1, total1, &d) == 0);
    CHECK(memcmp(total1, total + 2 * NPART, sizeof total1) == 0);
    CHECK(memcmp(comp1, comp + 2 * NPART * CM_NCOMP, sizeof comp1) == 0);
    for (size_t i = 0; i < 4; i++) cm_query_release(&q[i]);
    cm_diags_release(&d);
}

static bool same_shortlist(const cm_shortlist *a, const cm_shortlist *b)
{
    if (a->n != b->n || a->considered != b->considered) return false;
    for (size_t h = 0; h < a->n; h++) {
        if (a->hits[h].partner != b->hits[h].partner || a->hits[h].score != b->hits[h].score) return false;
        if (memcmp(a->hits[h].comp, b->hits[h].comp, sizeof a->hits[h].comp) != 0) return false;
    }
    return memcmp(a->weights, b->weights, sizeof a->weights) == 0;
}

static void test_rank_block(void)
{
    cm_rank_opts o;
    cm_rank_opts_init(&o, &ds);
    o.floor = 0;   /* whole rankings: the floor has its own test */
    o.top = 3;
    cm_diags d;
    cm_diags_init(&d);
    const cm_profile *pp[4] = { &profs[0], &profs[1], &profs[2], &profs[3] };
    cm_shortlist block[4], one;
    /* with the default diversity (re-ranked) and without it (pure rank order) */
    for (int div = 0; div < 2; div++) {
        if (div == 1) o.diversity = 0;
        CHECK(cm_rank_block(&model, pp, 4, &o, block, &d) == 0);
        for (size_t i = 0; i < 4; i++) {
            CHECK(cm_rank_one(&model, pp[i], &o, &one, &d) == 0);
            CHECK(same_shortlist(&block[i], &one));
            CHECK(block[i].n == 3 && block[i].considered == NPART);
            for (size_t h = 1; h < block[i].n && div == 1; h++)
                CHECK(cm_hit_cmp(&block[i].hits[h - 1], &block[i].hits[h], &ds) < 0);
            cm_shortlist_release(&one);
            cm_shortlist_release(&block[i]);
        }
    }
    /* the shortlist is the top of the full score list */
    o.top = NPART;
    CHECK(cm_rank_one(&model, &profs[0], &o, &one, &d) == 0);
    CHECK(one.n == NPART);
    double comp[NPART][CM_NCOMP], total[NPART];
    CHECK(score(&profs[0], o.weights, comp, total, NULL) == 0);
    for (size_t h = 0; h < one.n; h++) {
        CHECK(one.hits[h].score == total[one.hits[h].partner]);
        double sum = 0;
        for (int c = 0; c < CM_NCOMP; c++) sum += one.hits[h].contrib[c];
        CHECK(fabs(sum - one.hits[h].score) < 1e-9);
    }
    cm_shortlist_release(&one);
    /* filters: kinds, exclude, min score */
    o.kinds = 1u << CM_KIND_PROGRAMME;
    CHECK(cm_rank_one(&model, &profs[2], &o, &one, &d) == 0);
    CHECK(one.considered == 2 && one.n == 2);
    cm_shortlist_release(&one);
    o.kinds = 0;
    o.min_score = 50;
    CHECK(cm_rank_one(&model, &profs[2], &o, &one, &d) == 0);
    CHECK(one.considered == NPART);
    for (size_t h = 0; h < one.n; h++) CHECK(one.hits[h].score >= 50);
    cm_shortlist_release(&one);
    cm_diags_release(&d);
}

/* ---- the model image ------------------------------------------------------------- */

/* A model mapped from its image ranks exactly as the one built; a damaged image, one for
 * other data or a truncated one is refused with a reason, never used. */
static void test_image(void)
{
    size_t len;
    const void *img = cm_model_image(&model, &len);
    CHECK(img != NULL && len > 0);
    uint64_t *buf = malloc((len + 7) / 8 * 8);
    CHECK(buf != NULL);
    memcpy(buf, img, len);
    cm_model mm;
    const char *why = NULL;
    CHECK(cm_model_map(&mm, &ds, buf, len, &why) == 0 && why == NULL);
    cm_rank_opts o;
    cm_rank_opts_init(&o, &ds);
    o.floor = 0;
    o.top = NPART;
    o.mutual = true;
    cm_diags d;
    cm_diags_init(&d);
    for (size_t i = 0; i < 4; i++) {
        cm_shortlist a, b;
        CHECK(cm_rank_one(&model, &profs[i], &o, &a, &d) == 0);
        CHECK(cm_rank_one(&mm, &profs[i], &o, &b, &d) == 0);
        CHECK(same_shortlist(&a, &b));
        for (size_t h = 0; h < a.n && h < b.n; h++) CHECK(a.hits[h].recip == b.hits[h].recip);
        cm_shortlist_release(&a);
        cm_shortlist_release(&b);
    }
    cm_model_release(&mm);
    /* truncated, misaligned, empty */
    CHECK(cm_model_map(&mm, &ds, buf, len - 8, &why) == -1 && why != NULL);
    CHECK(cm_model_map(&mm, &ds, (char *)buf + 1, len - 8, &why) == -1);
    CHECK(cm_model_map(&mm, &ds, NULL, 0, &why) == -1);
    /* every single flipped byte of the header and table of contents is refused or harmless:
     * mapped images still rank within range */
    size_t nbad = 0;
    /* A flipped offset can lay one section over another: whatever values a reader then
     * sees, components stay in [0,1] (fuzz_model found a policy value above 1 this way on
     * the shipped data; the clamp is in cm_score_block). */
    static const unsigned char flips[] = { 0x5a, 0x71, 0x80 };
    for (size_t f = 0; f < sizeof flips; f++)
        for (size_t at = 0; at < 512 && at < len; at++) {
            unsigned char *p = (unsigned char *)buf;
            p[at] ^= flips[f];
            if (cm_model_map(&mm, &ds, buf, len, &why) == 0) {
                cm_shortlist a;
                if (cm_rank_one(&mm, &profs[0], &o, &a, &d) == 0) {
                    for (size_t h = 0; h < a.n; h++) {
                        CHECK(a.hits[h].score >= 0 && a.hits[h].score <= 100);
                        for (int c = 0; c < CM_NCOMP; c++) CHECK(a.hits[h].comp[c] >= 0 && a.hits[h].comp[c] <= 1);
                    }
                    cm_shortlist_release(&a);
                }
                cm_model_release(&mm);
            } else {
                nbad++;
            }
            p[at] ^= flips[f];
        }
    CHECK(nbad > 300);   /* the header and the table of contents are checked */
    /* an index out of range inside a section: the first partner's first sector */
    cm_model ok;
    CHECK(cm_model_map(&ok, &ds, buf, len, &why) == 0);
    size_t at = (size_t)((const unsigned char *)ok.p_idx - (const unsigned char *)buf);
    cm_model_release(&ok);
    uint32_t keep;
    memcpy(&keep, (char *)buf + at, 4);
    uint32_t bad = (uint32_t)ds.tax.nsectors;
    memcpy((char *)buf + at, &bad, 4);
    CHECK(cm_model_map(&mm, &ds, buf, len, &why) == -1 && why && strstr(why, "index"));
    memcpy((char *)buf + at, &keep, 4);
    /* the image of other data */
    ds.npartners--;
    CHECK(cm_model_map(&mm, &ds, buf, len, &why) == -1 && why && strstr(why, "other data"));
    ds.npartners++;
    cm_diags_release(&d);
    free(buf);
}

/* ---- ties ------------------------------------------------------------------------ */

static void test_ties(void)
{
    cm_rank_opts o;
    cm_rank_opts_init(&o, &ds);
    o.floor = 0;   /* whole rankings: the floor has its own test */
    o.top = NPART;
    o.diversity = 0;    /* the pure rank order; diversity is tested on its own */
    cm_diags d;
    cm_diags_init(&d);
    cm_shortlist s;
    /* twin-a and twin-b are identical but for the id: equal scores, id order decides,
     * whatever order the data file gives them in */
    static cm_wterm text[] = { { S_TEXT, 1.0 } };
    static cm_wterm reg[] = { { 0, 1.0 } };
    reg[0].idx = R_ZJ;
    cm_profile p = mkprof("tw", text, 1);
    p.regions = reg;
    p.nregions = 1;
    CHECK(cm_rank_one(&model, &p, &o, &s, &d) == 0);
    CHECK(s.n == NPART);
    CHECK(s.hits[0].score == s.hits[1].score);
    CHECK_STR(ds.partners[s.hits[0].partner].id, "twin-a");
    CHECK_STR(ds.partners[s.hits[1].partner].id, "twin-b");
    /* the rest share no sector with the profile, so the region gives them nothing (its
     * points scale with the sector value below 0.5): tied at 0 although solar-cluster
     * lies in Zhejiang, in id order */
    CHECK(s.hits[2].score == 0.0 && s.hits[3].score == 0.0 && s.hits[4].score == 0.0);
    CHECK_STR(ds.partners[s.hits[2].partner].id, "auto-org");
    CHECK_STR(ds.partners[s.hits[3].partner].id, "solar-cluster");
    CHECK_STR(ds.partners[s.hits[4].partner].id, "wind-zone");
    cm_shortlist_release(&s);
    /* top 1 keeps twin-a, not whichever the heap saw last */
    o.top = 1;
    CHECK(cm_rank_one(&model, &p, &o, &s, &d) == 0);
    CHECK(s.n == 1 && s.hits[0].partner == P_TWIN_A);
    cm_shortlist_release(&s);
    cm_diags_release(&d);

    /* cm_hit_cmp: scores within 1e-9 are equal, then sector, then id */
    cm_hit a = { .partner = P_WIND, .score = 50.0 }, b = { .partner = P_AUTO, .score = 50.0 + 5e-10 };
    a.comp[CM_C_SECTOR] = 0.6;
    b.comp[CM_C_SECTOR] = 0.5;
    CHECK(cm_hit_cmp(&a, &b, &ds) < 0);               /* higher sector first */
    b.comp[CM_C_SECTOR] = 0.6 + 5e-10;
    CHECK(cm_hit_cmp(&a, &b, &ds) > 0);               /* auto-org < wind-zone by id */
    CHECK(cm_hit_cmp(&b, &a, &ds) < 0);
    b.score = 50.0 + 2e-9;
    CHECK(cm_hit_cmp(&a, &b, &ds) > 0);               /* a real score difference wins */
    CHECK(cm_hit_cmp(&a, &a, &ds) == 0);
}

/* ---- explanations --------------------------------------------------------------- */

static void test_explain(void)
{
    /* wind-zone lists wind-energy (sector 3) before solar-pv (sector 2). With both at 1.0, a
     * profile [renewable-energy] gets two equal terms 0.5 * 1 / (1 * sqrt(2.5)): explain
     * must list both, whatever the order of the partner's sectors. */
    cm_partner *w = &ds.partners[P_WIND];
    CHECK(w->nsectors == 2 && w->sectors[0] == S_WIND && w->sectors[1] == S_SOLAR);
    double keep = w->sector_w[1];
    w->sector_w[1] = 1.0;
    cm_model m2;
    cm_diags d;
    cm_diags_init(&d);
    CHECK(cm_model_init(&m2, &ds, &d) == 0);
    static cm_wterm renew[] = { { S_RENEW, 1.0 } };
    cm_profile p = mkprof("renew", renew, 1);
    cm_rank_opts o;
    cm_rank_opts_init(&o, &ds);
    o.floor = 0;   /* whole rankings: the floor has its own test */
    cm_shortlist one;
    CHECK(cm_explain_pair(&m2, &p, P_WIND, &o, &one, &d) == 0 && one.n == 1);
    cm_hit h = one.hits[0];
    CHECK_NEAR(h.comp[CM_C_SECTOR], 1.0 / sqrt(2.5));
    size_t nsec = 0;
    double pts = 0;
    bool wind = false, solar = false;
    for (size_t r = 0; r < h.nreasons; r++) {
        if (h.reasons[r].comp != CM_C_SECTOR) continue;
        nsec++;
        pts += h.reasons[r].contrib;
        wind |= strstr(h.reasons[r].text, "wind-energy") != NULL;
        solar |= strstr(h.reasons[r].text, "solar-pv") != NULL;
    }
    CHECK(nsec == 2 && wind && solar);
    CHECK(fabs(pts - h.contrib[CM_C_SECTOR]) < 1e-9);   /* the two terms are the whole value */
    cm_shortlist_release(&one);
    cm_model_release(&m2);
    w->sector_w[1] = keep;
    cm_diags_release(&d);
}

/* ---- partnerships ---------------------------------------------------------------- */

static void test_partnership(void)
{
    /* two members: one solar, one automotive; the partnership's score for a partner is the
     * mean of the members' totals, and the order comes from greedy xQuAD coverage */
    static cm_wterm ms0[] = { { S_SOLAR, 1.0 } }, ms1[] = { { S_AUTO, 1.0 } };
    static cm_wterm un[] = { { S_SOLAR, 1.0 }, { S_AUTO, 1.0 } };
    cm_profile mem[2] = { mkprof("m0", ms0, 1), mkprof("m1", ms1, 1) };
    cm_profile p = mkprof("ps", un, 2);
    p.partnership = true;
    p.members = mem;
    p.nmembers = 2;
    cm_rank_opts o;
    cm_rank_opts_init(&o, &ds);
    o.floor = 0;   /* whole rankings: the floor has its own test */
    o.top = 3;
    cm_diags d;
    cm_diags_init(&d);
    double c0[NPART][CM_NCOMP], t0[NPART], c1[NPART][CM_NCOMP], t1[NPART];
    CHECK(score(&mem[0], o.weights, c0, t0, NULL) == 0);
    CHECK(score(&mem[1], o.weights, c1, t1, NULL) == 0);
    cm_shortlist s;
    CHECK(cm_rank_one(&model, &p, &o, &s, &d) == 0);
    CHECK(s.n == 3);
    /* Each member's best partner is in the list, the set is shown in score order, and the
     * contributions add up to each score. */
    size_t best0 = 0, best1 = 0;
    for (size_t j = 0; j < NPART; j++) {
        if (t0[j] > t0[best0]) best0 = j;
        if (t1[j] > t1[best1]) best1 = j;
    }
    bool has0 = false, has1 = false;
    for (size_t h = 0; h < s.n; h++) {
        const cm_hit *hit = &s.hits[h];
        has0 |= hit->partner == best0;
        has1 |= hit->partner == best1;
        if (h) CHECK(s.hits[h - 1].score >= hit->score);
        CHECK_NEAR(hit->score, (t0[hit->partner] + t1[hit->partner]) / 2);
        CHECK(hit->member_score && hit->member_score[0] == t0[hit->partner] &&
              hit->member_score[1] == t1[hit->partner]);
        double sum = 0;
        for (int c = 0; c < CM_NCOMP; c++) sum += hit->contrib[c];
        CHECK(fabs(sum - hit->score) < 1e-9);
    }
    CHECK(has0 && has1);
    /* By hand (sector 2/3, policy 1/3 for both members): m0 (solar) scores solar-cluster
     * 83.3, wind-zone 2/3 x 0.612 + 1/3 x 0.5 = 57.5, auto-org 0; m1 (automotive) scores
     * auto-org 2/3 x 0.85 x 1.25/sqrt(1.75) = 53.5 and wind-zone 1/3 x 0.6 = 20 (it names
     * the cars priority). The members' best, solar-cluster and auto-org, come first; coverage
     * adds wind-zone; shown by mean: solar-cluster 41.7, wind-zone 38.7, auto-org 26.8. */
    CHECK(best0 == P_SOLAR && best1 == P_AUTO);
    CHECK(s.hits[0].partner == P_SOLAR);
    CHECK(s.hits[1].partner == P_WIND);
    CHECK(s.hits[2].partner == P_AUTO);
    cm_shortlist_release(&s);
    cm_diags_release(&d);
}

/* ---- the relevance floor ---------------------------------------------------------- */

static void test_floor(void)
{
    /* solar: solar-cluster 83.3, wind-zone 57.5 (>= 0.3 x 83.3), auto-org and the twins share
     * no sector (value 0 < 0.1): two suggestions, not five */
    static cm_wterm solar[] = { { S_SOLAR, 1.0 } };
    cm_profile p = mkprof("solar", solar, 1);
    cm_rank_opts o;
    cm_rank_opts_init(&o, &ds);
    CHECK(o.floor == 0.3);
    cm_diags d;
    cm_diags_init(&d);
    cm_shortlist s;
    CHECK(cm_rank_one(&model, &p, &o, &s, &d) == 0);
    CHECK(s.n == 2 && s.considered == NPART);
    CHECK(s.n == 2 && s.hits[0].partner == P_SOLAR && s.hits[1].partner == P_WIND);
    /* the data holds 2 partners in solar-pv (solar-cluster, wind-zone): a warning says so */
    CHECK(s.core == S_SOLAR && s.core_partners == 2);
    CHECK(d.n == 1 && d.nerrors == 0);
    cm_shortlist_release(&s);
    /* a higher floor cuts wind-zone (57.5 < 0.7 x 83.3); 0 shows every partner */
    o.floor = 0.7;
    CHECK(cm_rank_one(&model, &p, &o, &s, &d) == 0);
    CHECK(s.n == 1);
    cm_shortlist_release(&s);
    o.floor = 0;
    CHECK(cm_rank_one(&model, &p, &o, &s, &d) == 0);
    CHECK(s.n == NPART);
    cm_shortlist_release(&s);
    cm_diags_release(&d);
}

/* ---- the same through cm_profile_load ------------------------------------------- */

static void test_profile_file(const char *tmpdir)
{
    char path[600];
    snprintf(path, sizeof path, "%s/p.yaml", tmpdir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs("name: From a file\n"
          "sectors: {Solar: 1.0}\n"
          "regions: [Ningbo]\n"
          "goals: [market-access]\n"
          "keywords: [solar]\n", f);
    fclose(f);
    cm_profile_set set;
    cm_profile_set_init(&set);
    cm_diags d;
    cm_diags_init(&d);
    CHECK(cm_profile_load(&set, path, &ds, &d) == 0);
    CHECK(set.n == 1);
    if (set.n == 1) {
        double comp[NPART][CM_NCOMP], total[NPART];
        CHECK(score(&set.v[0], W_DEFAULT, comp, total, NULL) == 0);
        /* solar-cluster: sector 1, region 0.5 (Ningbo, same province), policy 0.5
         * (yrd-solar), goal 0.8 (market x cluster), keyword on the absolute scale */
        double full = 2 * idf(1), k1 = idf(2) * bm25_term(4, 10) / full, k2 = idf(2) * bm25_term(3, 15) / full;
        CHECK_NEAR(total[P_SOLAR], 100 * (0.4 + 0.2 * 0.5 + 0.2 * 0.5 + 0.1 * 0.8 + 0.1 * k1));
        /* wind-zone: sector 0.75/sqrt(1.5), region 0.25, policy 0.5, goal 0.5 (zone) */
        CHECK_NEAR(total[P_WIND], 100 * (0.4 * 0.75 / sqrt(1.5) + 0.2 * 0.25 + 0.2 * 0.5 + 0.1 * 0.5 + 0.1 * k2));
    }
    cm_profile_set_release(&set);
    cm_diags_release(&d);
    remove(path);
}

int main(void)
{
    const char *root = getenv("CM_ROOT");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/fixtures/tiny", root && *root ? root : ".");
    cm_diags d;
    cm_diags_init(&d);
    cm_dataset_init(&ds);
    if (cm_dataset_load(&ds, dir, &d) != 0 || cm_model_init(&model, &ds, &d) != 0) {
        cm_diags_print(&d, stderr, 0);
        fprintf(stderr, "test_score: cannot load %s\n", dir);
        return 1;
    }
    cm_diags_release(&d);
    R_ZJ = cm_region_find(&ds.tax, "zhejiang");
    R_JS = cm_region_find(&ds.tax, "jiangsu");
    R_SH = cm_region_find(&ds.tax, "shanghai");
    R_GD = cm_region_find(&ds.tax, "guangdong");
    R_HZ = cm_region_find(&ds.tax, "hangzhou");
    R_NB = cm_region_find(&ds.tax, "ningbo");
    R_YRD = cm_region_find(&ds.tax, "YRD");
    R_EAST = cm_region_find(&ds.tax, "Huadong");
    R_SOUTH = cm_region_find(&ds.tax, "south-china");
    CHECK(R_ZJ != CM_NONE && R_JS != CM_NONE && R_SH != CM_NONE && R_GD != CM_NONE && R_HZ != CM_NONE &&
          R_NB != CM_NONE && R_YRD != CM_NONE && R_EAST != CM_NONE && R_SOUTH != CM_NONE);

    test_similarity();
    test_tiny_weights();
    test_sector();
    test_weights();
    test_policy();
    test_region();
    test_goal();
    test_keywords();
    make_profiles();
    test_block_vs_loop();
    test_rank_block();
    test_image();
    test_ties();
    test_explain();
    test_partnership();
    test_floor();

    const char *tmp = getenv("TMPDIR");
    char tdir[512];
    snprintf(tdir, sizeof tdir, "%s/cmscoreXXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(tdir)) {
        test_profile_file(tdir);
        rmdir(tdir);
    } else {
        CHECK(!"mkdtemp failed");
    }

    cm_model_release(&model);
    cm_dataset_release(&ds);
    return TEST_REPORT("test_score");
}
