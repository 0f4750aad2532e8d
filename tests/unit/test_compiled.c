/* test_compiled.c: the compiled dataset (include/compiled.h).
 *
 * 1. Round trip: data/ loaded from YAML and from its compiled image must be the same to
 *    the last byte. Every struct is compared byte by byte, except its pointer fields,
 *    which are listed below and compared by what they point to. So a field someone adds
 *    to a struct and the compiled file does not carry (a number, a flag, a new pointer)
 *    shows up as a differing byte, and this test fails until compiled.c carries it.
 * 2. Damage: the file truncated at many lengths and with bytes flipped must be refused
 *    (never loaded silently), and, with the checksum repaired so the loader sees the
 *    damage, refused or relocated without reading or writing out of bounds (run under ASan
 *    in CI). What such a file then holds is not checked: see compiled.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiled.h"
#include "dataset.h"
#include "testhelp.h"

/* ---- struct descriptions: only the pointer fields; every other byte compares raw ---- */

typedef enum { K_STR, K_STRV, K_IDXV, K_F64V, K_ANC, K_TABLE, K_INLINE, K_NAMES, K_OWNER } kind;
typedef struct sdesc sdesc;
typedef struct fdesc {
    size_t off;
    kind k;
    size_t count_off;          /* the size_t count of the array */
    size_t mul;                /* elements per count (goal_fit: CM_NKINDS) */
    const sdesc *sub;          /* K_TABLE, K_INLINE */
    int names;                 /* K_NAMES: which table */
} fdesc;
struct sdesc { const char *name; size_t size; const fdesc *f; size_t nf; };

#define F_STR(T, m) { offsetof(T, m), K_STR, 0, 1, NULL, 0 }
#define F_ARR(T, m, kd, n) { offsetof(T, m), kd, offsetof(T, n), 1, NULL, 0 }
#define F_TAB(T, m, n, sd) { offsetof(T, m), K_TABLE, offsetof(T, n), 1, &sd, 0 }
#define N(x) (sizeof x / sizeof *x)

static const fdesc figure_f[] = { F_STR(cm_figure, label), F_STR(cm_figure, value) };
static const sdesc figure_d = { "cm_figure", sizeof(cm_figure), figure_f, N(figure_f) };
static const fdesc partner_f[] = {
    F_STR(cm_partner, id), F_STR(cm_partner, name), F_STR(cm_partner, name_zh), F_STR(cm_partner, name_zh_hans),
    F_STR(cm_partner, zone_type), F_STR(cm_partner, code), F_ARR(cm_partner, industries_zh, K_STRV, nindustries_zh),
    F_ARR(cm_partner, sectors, K_IDXV, nsectors), F_ARR(cm_partner, sector_w, K_F64V, nsectors),
    F_ARR(cm_partner, seeks, K_IDXV, nseeks), F_ARR(cm_partner, priorities, K_IDXV, npriorities),
    F_STR(cm_partner, description), F_STR(cm_partner, website), F_STR(cm_partner, source),
    F_TAB(cm_partner, figures, nfigures, figure_d), F_STR(cm_partner, file),
};
static const sdesc partner_d = { "cm_partner", sizeof(cm_partner), partner_f, N(partner_f) };
static const fdesc zone_f[] = { F_STR(cm_zone_type, id), F_STR(cm_zone_type, label), F_STR(cm_zone_type, label_zh) };
static const sdesc zone_d = { "cm_zone_type", sizeof(cm_zone_type), zone_f, N(zone_f) };
static const fdesc sector_f[] = {
    F_STR(cm_sector, id), F_STR(cm_sector, label), F_STR(cm_sector, label_zh), F_ARR(cm_sector, parents, K_IDXV, nparents),
    F_ARR(cm_sector, aliases, K_STRV, naliases), F_ARR(cm_sector, aliases_zh, K_STRV, naliases_zh),
};
static const sdesc sector_d = { "cm_sector", sizeof(cm_sector), sector_f, N(sector_f) };
static const fdesc region_f[] = {
    F_STR(cm_region, id), F_STR(cm_region, name), F_STR(cm_region, subtype), F_STR(cm_region, zh_hans),
    F_STR(cm_region, zh_hant), F_STR(cm_region, code), F_ARR(cm_region, members, K_IDXV, nmembers),
};
static const sdesc region_d = { "cm_region", sizeof(cm_region), region_f, N(region_f) };
static const fdesc priority_f[] = {
    F_STR(cm_priority, id), F_STR(cm_priority, label), F_STR(cm_priority, label_zh),
    F_ARR(cm_priority, sectors, K_IDXV, nsectors), F_ARR(cm_priority, weights, K_F64V, nsectors),
};
static const sdesc priority_d = { "cm_priority", sizeof(cm_priority), priority_f, N(priority_f) };
static const fdesc programme_f[] = { F_STR(cm_programme, id), F_STR(cm_programme, name), F_STR(cm_programme, name_zh) };
static const sdesc programme_d = { "cm_programme", sizeof(cm_programme), programme_f, N(programme_f) };
static const fdesc goal_f[] = { F_STR(cm_goal, id), F_STR(cm_goal, label), F_STR(cm_goal, label_zh) };
static const sdesc goal_d = { "cm_goal", sizeof(cm_goal), goal_f, N(goal_f) };
static const fdesc note_f[] = {
    F_STR(cm_note, id), F_STR(cm_note, title), F_STR(cm_note, text), F_STR(cm_note, link),
    F_ARR(cm_note, sectors, K_IDXV, nsectors),
};
static const sdesc note_d = { "cm_note", sizeof(cm_note), note_f, N(note_f) };
static const fdesc country_f[] = { F_STR(cm_country, id), F_STR(cm_country, name), F_STR(cm_country, label_zh) };
static const sdesc country_d = { "cm_country", sizeof(cm_country), country_f, N(country_f) };
_Static_assert(CM_NKINDS == 4, "list every kind_label_zh below");
#define F_KIND_ZH(k) { offsetof(cm_taxonomy, kind_label_zh) + (k) * sizeof(char *), K_STR, 0, 1, NULL, 0 }
static const fdesc tax_f[] = {
    F_TAB(cm_taxonomy, sectors, nsectors, sector_d), F_TAB(cm_taxonomy, regions, nregions, region_d),
    F_TAB(cm_taxonomy, priorities, npriorities, priority_d), F_TAB(cm_taxonomy, programmes, nprogrammes, programme_d),
    F_TAB(cm_taxonomy, goals, ngoals, goal_d),
    { offsetof(cm_taxonomy, goal_fit), K_F64V, offsetof(cm_taxonomy, ngoals), CM_NKINDS, NULL, 0 },
    F_ARR(cm_taxonomy, default_goals, K_IDXV, ndefault_goals), F_TAB(cm_taxonomy, notes, nnotes, note_d),
    F_KIND_ZH(0), F_KIND_ZH(1), F_KIND_ZH(2), F_KIND_ZH(3),
    F_TAB(cm_taxonomy, countries, ncountries, country_d),
    { offsetof(cm_taxonomy, anc), K_ANC, offsetof(cm_taxonomy, nsectors), 1, NULL, 0 },
    { offsetof(cm_taxonomy, sector_names), K_NAMES, 0, 1, NULL, CM_NAMES_SECTOR },
    { offsetof(cm_taxonomy, region_names), K_NAMES, 0, 1, NULL, CM_NAMES_REGION },
    { offsetof(cm_taxonomy, priority_names), K_NAMES, 0, 1, NULL, CM_NAMES_PRIORITY },
    { offsetof(cm_taxonomy, goal_names), K_NAMES, 0, 1, NULL, CM_NAMES_GOAL },
    { offsetof(cm_taxonomy, region_ids), K_NAMES, 0, 1, NULL, CM_NAMES_REGION_ID },
};
static const sdesc tax_d = { "cm_taxonomy", sizeof(cm_taxonomy), tax_f, N(tax_f) };
static const fdesc ds_f[] = {
    F_STR(cm_dataset, dir), { offsetof(cm_dataset, tax), K_INLINE, 0, 1, &tax_d, 0 },
    F_TAB(cm_dataset, partners, npartners, partner_d), F_TAB(cm_dataset, zone_types, nzone_types, zone_d),
    { offsetof(cm_dataset, compiled), K_OWNER, 0, 1, NULL, 0 },
};
static const sdesc ds_d = { "cm_dataset", sizeof(cm_dataset), ds_f, N(ds_f) };

/* ---- the comparison ---------------------------------------------------------------- */

static size_t ndiff;
static bool quiet;              /* the checks that the comparison can fail */
static const cm_taxonomy *tax_a, *tax_b;

static void differ(const char *where, size_t i, const char *what)
{
    if (ndiff++ < 10 && !quiet) fprintf(stderr, "test_compiled: %s[%zu]: %s\n", where, i, what);
}

static size_t count_at(const void *s, size_t off) { size_t n; memcpy(&n, (const char *)s + off, sizeof n); return n; }
static const void *ptr_at(const void *s, size_t off) { const void *p; memcpy(&p, (const char *)s + off, sizeof p); return p; }

typedef struct name_row { const char *key; size_t idx, nalso; const size_t *also; } name_row;
typedef struct name_list { name_row *v; size_t n; } name_list;
static void collect(void *ctx, const char *key, size_t idx, const size_t *also, size_t nalso)
{
    name_list *l = ctx;
    name_row *v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v) abort();
    l->v = v;
    l->v[l->n++] = (name_row){ key, idx, nalso, also };
}

static const cm_names *pa_names(const cm_taxonomy *t, const fdesc *f)
{
    return (const cm_names *)(const void *)((const char *)t + f->off);
}

static bool str_eq(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

static void compare(const sdesc *sd, const void *a, const void *b, size_t i);

static void compare_field(const sdesc *sd, const fdesc *f, const void *a, const void *b, size_t i)
{
    const void *pa = ptr_at(a, f->off), *pb = ptr_at(b, f->off);
    size_t n = f->k == K_STR || f->k == K_NAMES || f->k == K_OWNER || f->k == K_INLINE ? 0 : count_at(a, f->count_off) * f->mul;
    char where[128];
    snprintf(where, sizeof where, "%s+%zu", sd->name, f->off);
    switch (f->k) {
    case K_STR:
        if (!str_eq(pa, pb)) differ(where, i, "strings differ");
        break;
    case K_STRV:
        if (!pa != !pb) { differ(where, i, "one list is NULL"); break; }
        for (size_t k = 0; pa && k < n; k++)
            if (!str_eq(((char *const *)pa)[k], ((char *const *)pb)[k])) differ(where, i, "list item differs");
        break;
    case K_IDXV:
        if (!pa != !pb || (pa && memcmp(pa, pb, n * sizeof(size_t)))) differ(where, i, "index list differs");
        break;
    case K_F64V:
        if (!pa != !pb || (pa && memcmp(pa, pb, n * sizeof(double)))) differ(where, i, "numbers differ");
        break;
    case K_ANC:
        if (!pa != !pb || (pa && memcmp(pa, pb, n * n))) differ(where, i, "ancestor closure differs");
        break;
    case K_TABLE:
        if (!pa != !pb) { differ(where, i, "one table is NULL"); break; }
        for (size_t k = 0; pa && k < n; k++)
            compare(f->sub, (const char *)pa + k * f->sub->size, (const char *)pb + k * f->sub->size, k);
        break;
    case K_INLINE:
        compare(f->sub, (const char *)a + f->off, (const char *)b + f->off, 0);
        break;
    case K_NAMES: {
        name_list la = { 0 }, lb = { 0 };
        cm_names_walk(tax_a, (cm_names_table)f->names, collect, &la);
        cm_names_walk(tax_b, (cm_names_table)f->names, collect, &lb);
        if (la.n != lb.n) differ(where, i, "name tables differ in size");
        for (size_t k = 0; k < la.n && k < lb.n; k++)
            if (strcmp(la.v[k].key, lb.v[k].key) || la.v[k].idx != lb.v[k].idx || la.v[k].nalso != lb.v[k].nalso ||
                (la.v[k].nalso && memcmp(la.v[k].also, lb.v[k].also, la.v[k].nalso * sizeof(size_t))))
                differ(where, k, "name entry differs (key, index, order or candidates)");
        /* and the lookup order, the same numbers; both loaded, so no hash left */
        const cm_names *na = pa_names(tax_a, f), *nb = pa_names(tax_b, f);
        if (na->n != nb->n || !na->sorted != !nb->sorted || na->build || nb->build ||
            (na->sorted && memcmp(na->sorted, nb->sorted, na->n * sizeof *na->sorted)))
            differ(where, i, "name table's sorted index differs");
        free(la.v);
        free(lb.v);
        break;
    }
    case K_OWNER:
        break;   /* who owns the memory: the one field that may differ */
    }
}

static void compare(const sdesc *sd, const void *a, const void *b, size_t i)
{
    unsigned char *mask = calloc(sd->size, 1);
    if (!mask) abort();
    for (size_t k = 0; k < sd->nf; k++) {
        const fdesc *f = &sd->f[k];
        memset(mask + f->off, 1, f->k == K_INLINE ? f->sub->size : f->k == K_NAMES ? sizeof(cm_names) : sizeof(void *));
        if (f->k == K_INLINE) { tax_a = (const cm_taxonomy *)((const char *)a + f->off); tax_b = (const cm_taxonomy *)((const char *)b + f->off); }
        compare_field(sd, &sd->f[k], a, b, i);
    }
    /* Every other byte: numbers, flags, enums, indexes, counts and padding (zeroed by both
     * loaders' calloc), and any field added later. */
    for (size_t k = 0; k < sd->size; k++)
        if (!mask[k] && ((const unsigned char *)a)[k] != ((const unsigned char *)b)[k]) {
            char what[96];
            snprintf(what, sizeof what, "byte %zu differs: a field the compiled file does not carry?", k);
            differ(sd->name, i, what);
            break;
        }
    free(mask);
}

/* ---- damage -------------------------------------------------------------------------- */

static void set_size(unsigned char *img, size_t len)
{
    for (int k = 0; k < 8; k++) img[16 + k] = (unsigned char)((uint64_t)len >> (8 * k));
}

/* Load a damaged image both ways: as is (must be refused), and resealed (the decoder must
 * refuse it or load it, never read outside it). Returns 1 if the plain load was refused. */
static int try_damaged(const unsigned char *img, size_t len, int reseal_size)
{
    unsigned char *buf = malloc(len ? len : 1);   /* exactly len: ASan sees any overrun */
    if (!buf) abort();
    memcpy(buf, img, len);
    cm_dataset ds;
    cm_dataset_init(&ds);
    char why[256];
    cm_compiled_status st = cm_compiled_load_mem(&ds, NULL, buf, len, 1, why, sizeof why);
    int refused = st != CM_COMPILED_OK;
    cm_dataset_release(&ds);
    if (len >= 64) {
        if (reseal_size) set_size(buf, len);
        cm_compiled_reseal(buf, len);
        cm_dataset_init(&ds);
        cm_compiled_load_mem(&ds, NULL, buf, len, 1, why, sizeof why);
        cm_dataset_release(&ds);
    }
    free(buf);
    return refused;
}

int main(void)
{
    const char *root = getenv("CM_ROOT");
    char dir[4096], tmpdir[] = "/tmp/cmcompiledXXXXXX", path[4200];
    snprintf(dir, sizeof dir, "%s/data", root ? root : ".");
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    snprintf(path, sizeof path, "%s/data.cmd", tmpdir);

    cm_diags d;
    cm_diags_init(&d);
    cm_dataset yaml, comp;
    cm_dataset_init(&yaml);
    cm_dataset_init(&comp);
    int rc = cm_dataset_load(&yaml, dir, &d);
    CHECK(rc == 0);
    if (rc) { cm_diags_print(&d, stderr, 0); return TEST_REPORT("test_compiled"); }
    CHECK(cm_compiled_write(&yaml, NULL, 0, path, &d) == 0);
    char why[256] = "";
    cm_compiled_status st = cm_compiled_load(&comp, dir, path, why, sizeof why);
    if (st != CM_COMPILED_OK) fprintf(stderr, "test_compiled: load: %s\n", why);
    CHECK(st == CM_COMPILED_OK);
    CHECK(comp.compiled != NULL && yaml.compiled == NULL);

    /* 1. the round trip, every byte */
    ndiff = 0;
    compare(&ds_d, &yaml, &comp, 0);
    CHECK(ndiff == 0);
    CHECK(comp.npartners == yaml.npartners && comp.npartners > 2000);
    CHECK(cm_region_find(&comp.tax, "Yuncheng") == cm_region_find(&yaml.tax, "Yuncheng"));
    CHECK(cm_sector_find(&comp.tax, "packaging") == cm_sector_find(&yaml.tax, "packaging"));
    CHECK_STR(cm_suggest(&comp.tax, CM_VOCAB_REGION, "Suzhuo"), cm_suggest(&yaml.tax, CM_VOCAB_REGION, "Suzhuo"));

    /* The comparison can fail: a number the compiled side lacks is seen. */
    quiet = true;
    if (comp.npartners > 5) {
        int keep = comp.partners[5].as_of;
        comp.partners[5].as_of = 0;
        ndiff = 0;
        compare(&ds_d, &yaml, &comp, 0);
        CHECK(ndiff == 1);
        comp.partners[5].as_of = keep;
        bool kb = comp.tax.regions[7].approximate;
        comp.tax.regions[7].approximate = !kb;
        ndiff = 0;
        compare(&ds_d, &yaml, &comp, 0);
        CHECK(ndiff == 1);
        comp.tax.regions[7].approximate = kb;
    }
    quiet = false;

    /* The model section: absent here, and from YAML; carried byte for byte when given. */
    size_t mlen = 1;
    CHECK(cm_compiled_model(&comp, &mlen) == NULL && mlen == 0);
    CHECK(cm_compiled_model(&yaml, &mlen) == NULL && mlen == 0);
    {
        char mpath[4300];
        snprintf(mpath, sizeof mpath, "%s/model.cmd", tmpdir);
        unsigned char model[1001];
        for (size_t k = 0; k < sizeof model; k++) model[k] = (unsigned char)(k * 7 + 3);
        CHECK(cm_compiled_write(&yaml, model, sizeof model, mpath, &d) == 0);
        cm_dataset m;
        cm_dataset_init(&m);
        CHECK(cm_compiled_load(&m, dir, mpath, why, sizeof why) == CM_COMPILED_OK);
        const void *got = cm_compiled_model(&m, &mlen);
        CHECK(got && mlen == sizeof model && ((uintptr_t)got & 7) == 0 && !memcmp(got, model, sizeof model));
        cm_dataset_release(&m);
        unlink(mpath);
    }

    /* 2. damage */
    FILE *f = fopen(path, "rb");
    unsigned char *img = NULL;
    long len = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (img = malloc((size_t)len)) && fread(img, 1, (size_t)len, f) != (size_t)len)
        len = -1;
    if (f) fclose(f);
    CHECK(img && len > 1000);
    if (img && len > 1000) {
        size_t n = (size_t)len, refused = 0, tries = 0;
        /* intact, from memory: loads, and a copy (never at the address the file is mapped
         * at when it is free) is relocated to the same structs as the mapping */
        cm_dataset x;
        cm_dataset_init(&x);
        CHECK(cm_compiled_load_mem(&x, dir, img, n, 1, why, sizeof why) == CM_COMPILED_OK);
        ndiff = 0;
        compare(&ds_d, &yaml, &x, 0);
        CHECK(ndiff == 0);
        cm_dataset_release(&x);
        /* truncated: the first 100 lengths, then every 10,007th, and the last 100 */
        for (size_t cut = 0; cut < n;) {
            refused += try_damaged(img, cut, 1);
            tries++;
            if (cut < 100 || cut >= n - 100) cut++;
            else cut = cut + 10007 < n - 100 ? cut + 10007 : n - 100;
        }
        CHECK(refused == tries);
        /* one byte changed: each of the header's, then every 9,973rd */
        refused = tries = 0;
        for (size_t pos = 0; pos < n; pos += pos < 64 ? 1 : 9973) {
            img[pos] ^= 0x5a;
            refused += try_damaged(img, n, 0);
            tries++;
            img[pos] ^= 0x5a;
        }
        CHECK(refused == tries);
        printf("test_compiled: %zu damaged images refused, each also decoded after resealing\n", tries);
        /* a truncated file on disk: refused through the mmap path */
        char tpath[4300];
        snprintf(tpath, sizeof tpath, "%s/cut.cmd", tmpdir);
        size_t cuts[] = { 0, 10, 63, 64, 65, n / 2, n - 1 };
        for (size_t k = 0; k < N(cuts); k++) {
            FILE *g = fopen(tpath, "wb");
            CHECK(g && fwrite(img, 1, cuts[k], g) == cuts[k]);
            if (g) fclose(g);
            cm_dataset_init(&x);
            st = cm_compiled_load(&x, dir, tpath, why, sizeof why);
            CHECK(st == CM_COMPILED_BAD);
            CHECK(x.npartners == 0 && x.compiled == NULL);
            cm_dataset_release(&x);
        }
        unlink(tpath);
        /* absent */
        cm_dataset_init(&x);
        CHECK(cm_compiled_load(&x, dir, tpath, why, sizeof why) == CM_COMPILED_ABSENT);
        cm_dataset_release(&x);
    }
    free(img);
    unlink(path);
    rmdir(tmpdir);
    cm_dataset_release(&yaml);
    cm_dataset_release(&comp);
    cm_diags_release(&d);
    return TEST_REPORT("test_compiled");
}
