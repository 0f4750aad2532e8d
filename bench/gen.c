/* gen.c: a seeded generator of synthetic partners and profiles for the benchmarks.
 *
 *   gen [--data DIR] [--seed N] [--data-out DIR --partners N] [--extra-sectors K]
 *       [--profiles-out DIR --profiles M]
 *
 * It loads the real data directory (default ./data) and draws everything from its
 * vocabularies, so the output validates like hand-written files:
 *   sectors    Zipf (s = 1) over the sectors ranked by how often the real partners use them
 *              (ties and unused sectors in a seeded random order);
 *   provinces  weighted like the real partners' provinces, plus one so every province
 *              appears; a city of that province for 60% of partners;
 *   kinds      weighted like the real partners' kinds;
 *   regions, priorities, goals, keywords  from regions.yaml, priorities.yaml, goals.yaml
 *              and the sectors' labels and aliases.
 * --data-out writes a complete data directory: the real vocabulary files, copied (with K
 * synthetic child sectors appended to sectors.yaml under --extra-sectors, to measure how cost
 * grows with the vocabulary), and partners/synthetic-NNN.yaml holding N partners, 1000 a
 * file. --profiles-out writes M profile files, profile-NNNNNN.yaml, one profile each.
 * The same seed and arguments give the same bytes on any machine (splitmix64, no libc rand).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset.h"

/* ---- random numbers ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double unif(void) { return (double)(rnd64() >> 11) * 0x1.0p-53; }
static size_t below(size_t n) { return n ? (size_t)(unif() * (double)n) : 0; }

/* A discrete distribution as a cumulative table. */
typedef struct dist { double *cdf; size_t n; } dist;

static void dist_init(dist *d, const double *w, size_t n)
{
    d->cdf = malloc((n ? n : 1) * sizeof *d->cdf);
    d->n = n;
    double s = 0;
    for (size_t i = 0; i < n; i++) d->cdf[i] = s += w[i];
    for (size_t i = 0; i < n; i++) d->cdf[i] /= s;
}

static size_t draw(const dist *d)
{
    double u = unif();
    size_t lo = 0, hi = d->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->cdf[mid] < u) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* k distinct draws (fewer if the distribution has fewer items). */
static size_t draw_distinct(const dist *d, size_t k, size_t *out)
{
    size_t n = 0;
    if (k > d->n) k = d->n;
    for (int tries = 0; n < k && tries < 1000; tries++) {
        size_t x = draw(d), j = 0;
        while (j < n && out[j] != x) j++;
        if (j == n) out[n++] = x;
    }
    return n;
}

/* ---- the vocabulary ------------------------------------------------------------------ */

typedef struct vocab {
    const cm_dataset *ds;
    size_t nsec;                 /* real + synthetic sectors */
    char **sec_id, **sec_label;
    size_t *sec_rank;            /* sec_rank[r] = sector with Zipf rank r */
    dist sectors, provinces, kinds, anyregion;
    size_t *prov;                /* region index of each province in `provinces` */
    size_t nprov;
    size_t **cities; size_t *ncities;   /* cities of each province (by region index) */
    const char **words; size_t nwords;  /* keyword material */
} vocab;

static double *g_count;
static int by_count(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (g_count[x] != g_count[y]) return g_count[x] > g_count[y] ? -1 : 1;
    return 0;
}

static void add_words(vocab *v, const char *s, size_t *cap)
{
    if (v->nwords == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        v->words = realloc(v->words, *cap * sizeof *v->words);
    }
    v->words[v->nwords++] = s;
}

static void vocab_init(vocab *v, const cm_dataset *ds, size_t extra)
{
    const cm_taxonomy *t = &ds->tax;
    size_t ns = t->nsectors;
    memset(v, 0, sizeof *v);
    v->ds = ds;
    v->nsec = ns + extra;
    v->sec_id = calloc(v->nsec, sizeof *v->sec_id);
    v->sec_label = calloc(v->nsec, sizeof *v->sec_label);
    for (size_t i = 0; i < ns; i++) {
        v->sec_id[i] = t->sectors[i].id;
        v->sec_label[i] = t->sectors[i].label;
    }
    for (size_t i = ns; i < v->nsec; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "synthetic-sector-%zu", i - ns + 1);
        v->sec_id[i] = strdup(buf);
        snprintf(buf, sizeof buf, "Synthetic sector %zu", i - ns + 1);
        v->sec_label[i] = strdup(buf);
    }
    /* Zipf rank: real partner usage, then a seeded shuffle for ties. */
    double *count = calloc(v->nsec, sizeof *count);
    v->sec_rank = malloc(v->nsec * sizeof *v->sec_rank);
    for (size_t i = 0; i < v->nsec; i++) v->sec_rank[i] = i;
    for (size_t i = v->nsec; i > 1; i--) {
        size_t j = below(i), tmp = v->sec_rank[i - 1];
        v->sec_rank[i - 1] = v->sec_rank[j];
        v->sec_rank[j] = tmp;
    }
    for (size_t j = 0; j < ds->npartners; j++)
        for (size_t k = 0; k < ds->partners[j].nsectors; k++) count[ds->partners[j].sectors[k]] += 1;
    g_count = count;
    /* qsort is not stable; a stable insertion sort keeps the shuffle order for ties. */
    for (size_t i = 1; i < v->nsec; i++) {
        size_t x = v->sec_rank[i], j = i;
        while (j > 0 && by_count(&v->sec_rank[j - 1], &x) > 0) { v->sec_rank[j] = v->sec_rank[j - 1]; j--; }
        v->sec_rank[j] = x;
    }
    double *w = malloc(v->nsec * sizeof *w);
    for (size_t r = 0; r < v->nsec; r++) w[r] = 1.0 / (double)(r + 1);
    dist_init(&v->sectors, w, v->nsec);
    free(w);
    free(count);

    /* Provinces and cities. */
    size_t nr = t->nregions;
    v->prov = malloc(nr * sizeof *v->prov);
    double *pw = calloc(nr, sizeof *pw);
    for (size_t r = 0; r < nr; r++)
        if (t->regions[r].level == CM_REG_PROVINCE) v->prov[v->nprov++] = r;
    for (size_t i = 0; i < v->nprov; i++) {
        pw[i] = 1;
        for (size_t j = 0; j < ds->npartners; j++) pw[i] += ds->partners[j].province == v->prov[i];
    }
    dist_init(&v->provinces, pw, v->nprov);
    v->cities = calloc(nr, sizeof *v->cities);
    v->ncities = calloc(nr, sizeof *v->ncities);
    for (size_t r = 0; r < nr; r++) {
        const cm_region *R = &t->regions[r];
        if (R->level != CM_REG_CITY || R->province == CM_NONE) continue;
        v->cities[R->province] = realloc(v->cities[R->province], (v->ncities[R->province] + 1) * sizeof **v->cities);
        v->cities[R->province][v->ncities[R->province]++] = r;
    }
    /* Profile regions: provinces mostly, city clusters, macro-regions and cities now and then. */
    double *rw = calloc(nr, sizeof *rw);
    for (size_t r = 0; r < nr; r++) {
        switch (t->regions[r].level) {
        case CM_REG_PROVINCE: rw[r] = 0; break;
        case CM_REG_CLUSTER: rw[r] = 1.0; break;
        case CM_REG_MACRO: rw[r] = 1.0; break;
        default: rw[r] = 0.1; break;
        }
    }
    for (size_t i = 0; i < v->nprov; i++) rw[v->prov[i]] = 3.0 * pw[i];
    dist_init(&v->anyregion, rw, nr);
    free(rw);
    free(pw);

    double kw[CM_NKINDS] = { 0 };
    for (int k = 0; k < CM_NKINDS; k++) kw[k] = 1;
    for (size_t j = 0; j < ds->npartners; j++) kw[ds->partners[j].kind] += 1;
    dist_init(&v->kinds, kw, CM_NKINDS);

    size_t cap = 0;
    for (size_t i = 0; i < ns; i++) {
        add_words(v, t->sectors[i].label, &cap);
        for (size_t a = 0; a < t->sectors[i].naliases; a++) add_words(v, t->sectors[i].aliases[a], &cap);
    }
}

/* ---- writing YAML ------------------------------------------------------------------- */

/* A double-quoted YAML scalar. */
static void yq(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int mkdir_p(const char *dir)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf) return -1;
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST) return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) && errno != EEXIST ? -1 : 0;
}

/* dir/name into buf, or exit if it does not fit. */
static void join(char *buf, size_t size, const char *dir, const char *name)
{
    if (snprintf(buf, size, "%s/%s", dir, name) >= (int)size) {
        fprintf(stderr, "gen: path too long: %s/%s\n", dir, name);
        exit(1);
    }
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    join(path, sizeof path, dir, name);
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); exit(1); }
    return f;
}

static void close_out(FILE *f)
{
    if (ferror(f) | fclose(f)) { perror("gen: write"); exit(1); }
}

static void copy_file(const char *src, const char *dstdir, const char *name)
{
    char path[4096];
    join(path, sizeof path, src, name);
    FILE *in = fopen(path, "rb");
    if (!in) { perror(path); exit(1); }
    FILE *out = open_out(dstdir, name);
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
    fclose(in);
    close_out(out);
}

static const char *const countries[] = { "AT", "BE", "BG", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR",
    "HR", "HU", "IE", "IT", "LT", "LU", "LV", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "NO", "CH", "UK" };
static const char *const phrases[] = { "pilot customers", "joint R&D", "testing facilities", "distribution partners",
    "contract manufacturing", "smart factory", "export to China", "industrial automation", "green manufacturing",
    "supply chain", "digital platforms", "certification support", "recyclable materials", "energy efficiency" };
#define NELEM(a) (sizeof (a) / sizeof *(a))

static size_t sector(const vocab *v) { return v->sec_rank[draw(&v->sectors)]; }

static void write_partner(FILE *f, const vocab *v, size_t i, unsigned long seed)
{
    const cm_taxonomy *t = &v->ds->tax;
    int kind = (int)draw(&v->kinds);
    size_t prov = v->prov[draw(&v->provinces)], city = CM_NONE;
    if (v->ncities[prov] && unif() < 0.6) city = v->cities[prov][below(v->ncities[prov])];
    const cm_region *at = &t->regions[city != CM_NONE && t->regions[city].has_coords ? city : prov];
    double lat = at->has_coords ? at->lat : 30.0, lon = at->has_coords ? at->lon : 114.0;
    lat += (unif() - 0.5) * 0.2;
    lon += (unif() - 0.5) * 0.2;
    if (lat < 18.1) lat = 18.1;
    if (lat > 53.9) lat = 53.9;
    if (lon < 73.1) lon = 73.1;
    if (lon > 135.4) lon = 135.4;
    size_t sec[3];
    size_t nsec = draw_distinct(&v->sectors, 1 + (unif() < 0.4) + (unif() < 0.1), sec);
    for (size_t k = 0; k < nsec; k++) sec[k] = v->sec_rank[sec[k]];
    fprintf(f, "  - id: syn-%06zu\n    kind: %s\n", i + 1, cm_kind_names[kind]);
    if (kind == CM_KIND_ZONE && v->ds->nzone_types) {   /* a type of data/zone-types.yaml, at its level */
        const cm_zone_type *z = &v->ds->zone_types[below(v->ds->nzone_types)];
        fprintf(f, "    zone-type: %s\n    level: %s\n", z->id, cm_level_names[z->level]);
    }
    fprintf(f, "    name: ");
    char name[300];
    snprintf(name, sizeof name, "%s %s %s %zu", t->regions[city != CM_NONE ? city : prov].name,
             v->sec_label[sec[0]], cm_kind_names[kind], i + 1);
    yq(f, name);
    fprintf(f, "\n    province: %s\n", t->regions[prov].id);
    if (city != CM_NONE) fprintf(f, "    city: %s\n", t->regions[city].id);
    fprintf(f, "    lat: %.2f\n    lon: %.2f\n    approximate: true\n    sectors: {", lat, lon);
    for (size_t k = 0; k < nsec; k++)
        fprintf(f, "%s%s: %.1f", k ? ", " : "", v->sec_id[sec[k]], k ? 0.3 + 0.1 * (double)below(7) : 1.0);
    fprintf(f, "}\n");
    if (unif() < 0.3) {
        size_t sk = sector(v);
        if (sk != sec[0]) fprintf(f, "    seeks: [%s]\n", v->sec_id[sk]);
    }
    if (unif() < 0.3 && t->npriorities) fprintf(f, "    priorities: [%s]\n", t->priorities[below(t->npriorities)].id);
    char desc[1200];
    snprintf(desc, sizeof desc, "Synthetic %s working on %s%s%s; members offer %s, %s and %s.",
             cm_kind_names[kind], v->sec_label[sec[0]], nsec > 1 ? " and " : "", nsec > 1 ? v->sec_label[sec[1]] : "",
             v->words[below(v->nwords)], v->words[below(v->nwords)], phrases[below(NELEM(phrases))]);
    fprintf(f, "    description: ");
    yq(f, desc);
    fprintf(f, "\n    source: synthetic, clustermatch bench/gen seed %lu\n    as-of: 2019\n\n", seed);
}

static void write_profile(FILE *f, const vocab *v, size_t i)
{
    const cm_taxonomy *t = &v->ds->tax;
    const char *cc = countries[below(NELEM(countries))];
    size_t sec[4], nsec = draw_distinct(&v->sectors, 1 + below(4), sec);
    for (size_t k = 0; k < nsec; k++) sec[k] = v->sec_rank[sec[k]];
    fprintf(f, "# synthetic profile %zu (bench/gen)\nname: ", i + 1);
    char name[300];
    snprintf(name, sizeof name, "%s %s cluster %zu", cc, v->sec_label[sec[0]], i + 1);
    yq(f, name);
    fprintf(f, "\ncountry: [%s]\nsectors:\n", cc);
    for (size_t k = 0; k < nsec; k++)
        fprintf(f, "  %s: %.1f\n", v->sec_id[sec[k]], k ? 0.2 + 0.1 * (double)below(9) : 1.0);
    fprintf(f, "offers:\n  - %s\n  - ", v->sec_id[sec[below(nsec)]]);
    yq(f, phrases[below(NELEM(phrases))]);
    size_t sk[3], nsk = draw_distinct(&v->sectors, 1 + below(3), sk);
    fprintf(f, "\nseeks:\n");
    for (size_t k = 0; k < nsk; k++) fprintf(f, "  - %s\n", v->sec_id[v->sec_rank[sk[k]]]);
    if (unif() < 0.5) { fprintf(f, "  - "); yq(f, phrases[below(NELEM(phrases))]); fprintf(f, "\n"); }
    if (unif() < 0.8) {
        size_t rg[3], nr = draw_distinct(&v->anyregion, 1 + below(3), rg);
        fprintf(f, "regions:\n");
        for (size_t k = 0; k < nr; k++) fprintf(f, "  %s: %.1f\n", t->regions[rg[k]].id, k ? 0.4 + 0.1 * (double)below(6) : 1.0);
    }
    if (unif() < 0.3 && t->npriorities) {
        size_t a = below(t->npriorities), b = below(t->npriorities);
        fprintf(f, "priorities: [%s", t->priorities[a].id);
        if (b != a) fprintf(f, ", %s", t->priorities[b].id);
        fprintf(f, "]\n");
    }
    fprintf(f, "keywords: [");
    size_t nk = 2 + below(5);
    for (size_t k = 0; k < nk; k++) {
        if (k) fprintf(f, ", ");
        yq(f, k == 0 ? v->sec_label[sec[0]] : v->words[below(v->nwords)]);
    }
    fprintf(f, "]\n");
    size_t ng = 1 + below(3), g0 = below(t->ngoals);
    fprintf(f, "goals: [");
    for (size_t k = 0; k < ng && k < t->ngoals; k++) fprintf(f, "%s%s", k ? ", " : "", t->goals[(g0 + k) % t->ngoals].id);
    fprintf(f, "]\n");
    if (unif() < 0.3) fprintf(f, "partner-kinds: [cluster, zone]\n");
}

static void write_sectors(const vocab *v, const char *src, const char *out)
{
    copy_file(src, out, "sectors.yaml");
    size_t ns = v->ds->tax.nsectors;
    if (v->nsec == ns) return;
    char path[4096];
    join(path, sizeof path, out, "sectors.yaml");
    FILE *f = fopen(path, "a");
    if (!f) { perror(path); exit(1); }
    fprintf(f, "\n  # ---- %zu synthetic sectors (clustermatch bench/gen --extra-sectors)\n", v->nsec - ns);
    for (size_t i = ns; i < v->nsec; i++) {
        /* A child of a real sector, so the hierarchy keeps its depth. */
        size_t parent = below(ns);
        fprintf(f, "  - id: %s\n    label: %s\n    parents: [%s]\n    source: synthetic\n",
                v->sec_id[i], v->sec_label[i], v->ds->tax.sectors[parent].id);
    }
    close_out(f);
}

static void usage(void)
{
    fprintf(stderr, "usage: gen [--data DIR] [--seed N] [--data-out DIR --partners N] [--extra-sectors K]\n"
                    "           [--profiles-out DIR --profiles M]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *data = "data", *data_out = NULL, *prof_out = NULL;
    unsigned long seed = 1;
    size_t npartners = 0, nprofiles = 0, extra = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!val) usage();
        if (!strcmp(a, "--data")) data = val;
        else if (!strcmp(a, "--seed")) seed = strtoul(val, NULL, 10);
        else if (!strcmp(a, "--data-out")) data_out = val;
        else if (!strcmp(a, "--partners")) npartners = strtoul(val, NULL, 10);
        else if (!strcmp(a, "--extra-sectors")) extra = strtoul(val, NULL, 10);
        else if (!strcmp(a, "--profiles-out")) prof_out = val;
        else if (!strcmp(a, "--profiles")) nprofiles = strtoul(val, NULL, 10);
        else usage();
        i++;
    }
    if ((data_out && !npartners) || (prof_out && !nprofiles) || (!data_out && !prof_out)) usage();

    cm_dataset ds;
    cm_diags d;
    cm_dataset_init(&ds);
    cm_diags_init(&d);
    if (cm_dataset_load(&ds, data, &d)) {
        cm_diags_print(&d, stderr, 0);
        return 1;
    }
    rng_state = seed;
    vocab v;
    vocab_init(&v, &ds, extra);

    if (data_out) {
        char pdir[4096];
        join(pdir, sizeof pdir, data_out, "partners");
        if (mkdir_p(pdir)) { perror(pdir); return 1; }
        /* every vocabulary file the loader reads (cm_data_files) but sectors, written below */
        for (size_t i = 0; cm_data_files[i]; i++) {
            char probe[4096];
            join(probe, sizeof probe, data, cm_data_files[i]);
            if (strcmp(cm_data_files[i], "sectors.yaml") != 0 && access(probe, F_OK) == 0)
                copy_file(data, data_out, cm_data_files[i]);
        }
        write_sectors(&v, data, data_out);
        FILE *f = NULL;
        for (size_t i = 0; i < npartners; i++) {
            if (i % 1000 == 0) {
                if (f) close_out(f);
                char name[64];
                snprintf(name, sizeof name, "synthetic-%03zu.yaml", i / 1000);
                f = open_out(pdir, name);
                fprintf(f, "# synthetic partners (clustermatch bench/gen --seed %lu); not real organisations\npartners:\n", seed);
            }
            write_partner(f, &v, i, seed);
        }
        if (f) close_out(f);
    }
    if (prof_out) {
        if (mkdir_p(prof_out)) { perror(prof_out); return 1; }
        for (size_t i = 0; i < nprofiles; i++) {
            char name[64];
            snprintf(name, sizeof name, "profile-%06zu.yaml", i + 1);
            FILE *f = open_out(prof_out, name);
            write_profile(f, &v, i);
            close_out(f);
        }
    }
    cm_diags_release(&d);
    cm_dataset_release(&ds);
    return 0;
}
