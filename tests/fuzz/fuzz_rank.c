/* fuzz_rank.c: libFuzzer target that reaches the engine (issue 17).
 *
 * One input is one profile file. When it validates, each of its profiles (at most four) is
 * ranked against the shipped data with a small --top, written as a table and as JSON, and
 * its first suggestion explained, as `rank` and `explain` do. Options (diversity, stability,
 * mutual, min-score) come from a hash of the input, so the corpus stays plain YAML. Every
 * score and component must be finite and in range: the 1e-310 weight that made NaN scores
 * and a heap overflow in select_top (class 1) fails here.
 */
#include <math.h>

#include "export.h"
#include "fuzz_common.h"
#include "profile.h"
#include "rank.h"
#include "score.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cm_model fuzz_model;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init("rank");
    cm_diags d;
    cm_diags_init(&d);
    if (cm_model_init(&fuzz_model, &fuzz_ds, &d) != 0) {
        cm_diags_print(&d, stderr, 0);
        exit(2);
    }
    cm_diags_release(&d);
    return 0;
}

static void check_hits(const cm_shortlist *s, const cm_rank_opts *o)
{
    if (s->n > o->top) abort();
    for (size_t i = 0; i < s->n; i++) {
        const cm_hit *h = &s->hits[i];
        if (!isfinite(h->score) || h->score < 0 || h->score > 100) abort();
        if (h->partner >= fuzz_ds.npartners) abort();
        for (int c = 0; c < CM_NCOMP; c++)
            if (!(h->comp[c] >= 0 && h->comp[c] <= 1)) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_diags d;
    cm_profile_set set;
    cm_diags_init(&d);
    cm_profile_set_init(&set);
    fuzz_save(data, size);
    uint32_t h = 2166136261u;   /* FNV-1a of the input picks the options */
    for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
    if (cm_profile_load_mem(&set, fuzz_path, (const char *)data, size, &fuzz_ds, &d) == 0 && d.nerrors == 0) {
        cm_rank_opts o;
        cm_rank_opts_init(&o, &fuzz_ds);
        o.top = 1 + h % 5;
        o.diversity = (double[]){ 0, CM_DIVERSITY_DEFAULT, 1 }[(h >> 3) % 3];
        o.stability = (h >> 5) % 4 == 0 ? 3 : 0;
        o.mutual = (h >> 7) & 1;
        o.min_score = (h >> 8) % 8 == 0 ? 50 : 0;
        o.seed = h;
        for (size_t i = 0; i < set.n && i < 4; i++) {
            cm_shortlist s = { 0 };
            if (cm_rank_one(&fuzz_model, &set.v[i], &o, &s, &d) == 0) {
                check_hits(&s, &o);
                cm_export_opts eo = { 0 };
                cm_export_stream(&s, 1, CM_FMT_TABLE, &eo, fuzz_null, "fuzz", &d);
                cm_export_stream(&s, 1, CM_FMT_JSON, &eo, fuzz_null, "fuzz", &d);
                if (s.n) {
                    cm_shortlist one = { 0 };
                    if (cm_explain_pair(&fuzz_model, &set.v[i], s.hits[0].partner, &o, &one, &d) == 0 && one.n) {
                        check_hits(&one, &o);
                        cm_export_explain(&one, &one.hits[0], fuzz_null);
                    }
                    cm_shortlist_release(&one);
                }
            }
            cm_shortlist_release(&s);
        }
    }
    fuzz_report(&d);
    cm_profile_set_release(&set);
    cm_diags_release(&d);
    return 0;
}
