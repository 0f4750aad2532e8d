/* test_zones.c: the development-zone catalogue made it into the data.
 *
 * Fifty rows of the vendored catalogue (data/sources/zones-2018-catalogue/catalogue-2018.csv),
 * drawn with a fixed seed, must each be a partner of kind zone carrying the row's code, its
 * Chinese name as printed (or, for a zone upgraded after 2018, as printed in name-zh), its
 * province, the zone type the row's level and type give (or the national type it was
 * upgraded to, or provincial for a national zone taken off the list) and at least one
 * sector. Also: every catalogue code is in the data once (twice for the duplicated
 * S377018), and the coverage report adds up.
 *
 * The data directory is $CM_ROOT/data (tests/run.sh sets CM_ROOT), else ./data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "testhelp.h"

typedef struct row { char *f[10]; } row;   /* the ten columns, as printed */

static size_t read_rows(const char *path, row **out)
{
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return 0; }
    char *line = NULL;
    size_t cap = 0, n = 0, alloc = 0;
    row *v = NULL;
    ssize_t len;
    bool head = true;
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        if (head) { head = false; continue; }
        if (!len) continue;
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 1024;
            row *w = realloc(v, alloc * sizeof *v);
            if (!w) break;
            v = w;
        }
        /* The catalogue has no quoted fields: split on every comma. */
        char *s = strdup(line);
        memset(&v[n], 0, sizeof v[n]);
        int k = 0;
        for (char *p = s; k < 10; k++) {
            v[n].f[k] = p;
            char *c = strchr(p, ',');
            if (!c) { k++; break; }
            *c = '\0';
            p = c + 1;
        }
        CHECK(k == 10);
        n++;
    }
    free(line);
    fclose(f);
    *out = v;
    return n;
}

/* The partner carrying catalogue code `code` whose Chinese name (either field) is `zh`. */
static const cm_partner *by_code(const cm_dataset *ds, const char *code, const char *zh)
{
    const cm_partner *any = NULL;
    for (size_t i = 0; i < ds->npartners; i++) {
        const cm_partner *p = &ds->partners[i];
        if (!p->code || strcmp(p->code, code)) continue;
        if ((p->name_zh_hans && !strcmp(p->name_zh_hans, zh)) || (p->name_zh && !strcmp(p->name_zh, zh))) return p;
        any = p;
    }
    return any;
}

static const char *zone_type_of(const char *level, const char *type)
{
    static const char *const map[][3] = {
        { "国务院", "经济技术开发区", "national-etdz" }, { "国务院", "高新技术产业开发区", "national-htz" },
        { "国务院", "海关特殊监管区域", "customs-special-zone" },
        { "国务院", "边境/跨境经济合作区", "border-cooperation-zone" },
        { "国务院", "其他类型开发区", "other-national-zone" }, { "省政府", "经济开发区", "provincial-edz" },
        { "省政府", "高新技术产业开发区", "provincial-htz" }, { "省政府", "工业园区", "provincial-industrial-park" },
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(map[i][0], level) && !strcmp(map[i][1], type)) return map[i][2];
    return NULL;
}

int main(void)
{
    const char *root = getenv("CM_ROOT");
    char dir[4096], csv[4200];
    snprintf(dir, sizeof dir, "%s/data", root ? root : ".");
    snprintf(csv, sizeof csv, "%s/sources/zones-2018-catalogue/catalogue-2018.csv", dir);
    cm_diags d;
    cm_diags_init(&d);
    cm_dataset ds;
    cm_dataset_init(&ds);
    int rc = cm_dataset_load(&ds, dir, &d);
    CHECK(rc == 0);
    if (rc) { cm_diags_release(&d); return TEST_REPORT("test_zones"); }

    row *rows = NULL;
    size_t n = read_rows(csv, &rows);
    CHECK(n == 2543);

    /* Every code is in the data, once per catalogue row. */
    size_t missing = 0;
    for (size_t i = 0; i < n; i++) {
        size_t seen = 0, want = 0;
        for (size_t j = 0; j < n; j++) want += !strcmp(rows[j].f[1], rows[i].f[1]);
        for (size_t j = 0; j < ds.npartners; j++) seen += ds.partners[j].code && !strcmp(ds.partners[j].code, rows[i].f[1]);
        if (seen != want) {
            if (missing++ < 5) fprintf(stderr, "code %s: %zu partners, want %zu\n", rows[i].f[1], seen, want);
        }
    }
    CHECK(missing == 0);

    /* Fifty rows at random, fixed seed (a 64-bit LCG, the same on every machine). */
    unsigned long long x = 20180201ULL;
    for (int k = 0; k < 50 && n; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const row *r = &rows[(x >> 33) % n];
        const char *zh = r->f[2];
        const cm_partner *p = by_code(&ds, r->f[1], zh);
        CHECK(p != NULL);
        if (!p) { fprintf(stderr, "catalogue row %s %s: no partner\n", r->f[1], zh); continue; }
        CHECK(p->kind == CM_KIND_ZONE);
        bool named = (p->name_zh_hans && !strcmp(p->name_zh_hans, zh)) || (p->name_zh && !strcmp(p->name_zh, zh));
        if (!named) fprintf(stderr, "%s: Chinese name '%s', want '%s'\n", p->id, p->name_zh_hans, zh);
        CHECK(named);
        /* Province: the data's Chinese name starts the catalogue's (山东 in 山东省). */
        const char *pzh = ds.tax.regions[p->province].zh_hans;
        CHECK(pzh && !strncmp(r->f[3], pzh, strlen(pzh)));
        const char *want = zone_type_of(r->f[5], r->f[6]);
        CHECK(want != NULL);
        bool upgraded = want && strcmp(p->zone_type, want) && r->f[1][0] == 'S' &&
                        (!strcmp(p->zone_type, "national-htz") || !strcmp(p->zone_type, "national-etdz"));
        /* a national ETDZ taken off the national list since (data/sources/post-2018/
         * national-zone-exits.csv) is shown as provincial, and its source says why */
        bool withdrawn = r->f[1][0] == 'G' && !strcmp(p->zone_type, "provincial-edz") && p->source &&
                         strstr(p->source, "withdrawal:");
        if (want && strcmp(p->zone_type, want) && !upgraded && !withdrawn)
            fprintf(stderr, "%s: zone-type %s, want %s\n", p->id, p->zone_type, want);
        CHECK(want && (!strcmp(p->zone_type, want) || upgraded || withdrawn));
        CHECK(p->level == ((r->f[1][0] == 'G' && !withdrawn) || upgraded ? CM_LEVEL_NATIONAL : CM_LEVEL_PROVINCIAL));
        CHECK(p->nsectors >= 1);
        CHECK(p->as_of >= 2018);
        CHECK(p->source && strstr(p->source, "Catalogue (2018 edition)"));
    }

    /* Coverage: at least 97% of the catalogue's industry mentions name a sector. */
    cm_coverage cv;
    CHECK(cm_coverage_compute(&ds, &cv) == 0);
    CHECK(cv.mentions >= 7030);
    CHECK(cv.mapped * 100 >= cv.mentions * 97);
    size_t sum = 0;
    for (size_t z = 0; z < ds.nzone_types; z++) sum += cv.zones_per_type[z];
    CHECK(sum == cv.zones);
    cm_coverage_release(&cv);

    for (size_t i = 0; i < n; i++) free(rows[i].f[0]);
    free(rows);
    cm_dataset_release(&ds);
    cm_diags_release(&d);
    return TEST_REPORT("test_zones");
}
