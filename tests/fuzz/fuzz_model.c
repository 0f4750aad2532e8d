/* fuzz_model.c: libFuzzer target for the scoring model's image (include/score.h).
 *
 * The image of the shipped data's model is built once. One input is a list of damage to
 * apply to a copy of it: a first byte whose low bit asks for truncation at the length in
 * the next four bytes (modulo the image's), then 5-byte patches (a little-endian offset,
 * modulo the length, and a byte to xor there). The empty input is the intact image. The
 * damaged copy is opened with cm_model_map: it must be refused or mapped, never read
 * outside its bounds; a mapped one ranks a profile, and every score must be finite and in
 * range. Inputs need no seeds: every
 * one of them is a variation of the real image.
 */
#include <math.h>
#include <string.h>

#include "fuzz_common.h"
#include "profile.h"
#include "rank.h"
#include "score.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cm_model built;
static const unsigned char *image;
static size_t image_len;
static uint64_t *copy;           /* 8-byte aligned, as a mapping is */
static cm_profile_set profiles;

static const char profile_text[] =
    "id: fuzz-model\nname: Fuzz\ncountry: DE\nsectors: [packaging, machinery]\n"
    "regions: [Jiangsu, Shanghai]\ngoals: [market-access, technology-transfer]\n"
    "keywords: [cold chain, paper-based packaging, robots]\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init("model");
    cm_diags d;
    cm_diags_init(&d);
    cm_profile_set_init(&profiles);
    if (cm_model_init(&built, &fuzz_ds, &d) != 0 ||
        cm_profile_load_mem(&profiles, "fuzz-model.yaml", profile_text, sizeof profile_text - 1, &fuzz_ds, &d) != 0 ||
        d.nerrors) {
        cm_diags_print(&d, stderr, 0);
        exit(2);
    }
    cm_diags_release(&d);
    image = cm_model_image(&built, &image_len);
    if (!(copy = malloc((image_len + 7) / 8 * 8))) exit(2);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = image_len, at = 0;
    unsigned char *p = (unsigned char *)copy;
    memcpy(p, image, image_len);
    if (size >= 5 && (data[0] & 1)) {
        uint32_t cut = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24;
        len = cut % image_len;
        at = 5;
    } else if (size) {
        at = 1;
    }
    for (; at + 5 <= size && len; at += 5) {
        uint32_t off = (uint32_t)data[at] | (uint32_t)data[at + 1] << 8 | (uint32_t)data[at + 2] << 16 |
                       (uint32_t)data[at + 3] << 24;
        p[off % len] ^= data[at + 4];
    }
    cm_model m;
    cm_diags d;
    cm_diags_init(&d);
    if (cm_model_map(&m, &fuzz_ds, p, len, NULL) != 0) {
        if (!size) abort();          /* the intact image must be used */
        cm_diags_release(&d);
        return 0;
    }
    cm_rank_opts o;
    cm_rank_opts_init(&o, &fuzz_ds);
    o.top = 5;
    o.mutual = true;
    cm_shortlist s = { 0 };
    if (cm_rank_one(&m, &profiles.v[0], &o, &s, &d) == 0)
        for (size_t i = 0; i < s.n; i++) {
            const cm_hit *h = &s.hits[i];
            if (!isfinite(h->score) || h->score < 0 || h->score > 100 || h->partner >= fuzz_ds.npartners) abort();
            for (int c = 0; c < CM_NCOMP; c++)
                if (!(h->comp[c] >= 0 && h->comp[c] <= 1)) abort();
        }
    cm_shortlist_release(&s);
    cm_model_release(&m);
    cm_diags_release(&d);
    return 0;
}
