/* dataset.c: loading and checking the data directory (see dataset.h). */
#include "dataset.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uthash.h>
#include <unistd.h>

#include "yfield.h"

const char *const cm_level_names[CM_NLEVELS] = { "", "national", "provincial" };

int cm_level_parse(const char *s)
{
    for (int i = 1; i < CM_NLEVELS; i++)
        if (!strcmp(s, cm_level_names[i])) return i;
    return -1;
}

const char *const cm_component_names[CM_NCOMP + 1] = { CM_COMPONENTS(CM_NAME_, CM_COMMA_), NULL };

int cm_component_parse(const char *s)
{
    for (int i = 0; i < CM_NCOMP; i++)
        if (!strcmp(s, cm_component_names[i])) return i;
    return -1;
}

void cm_dataset_init(cm_dataset *ds)
{
    memset(ds, 0, sizeof *ds);
    cm_taxonomy_init(&ds->tax);
}

static void partner_release(cm_partner *p)
{
    free(p->id); free(p->name); free(p->name_zh); free(p->name_zh_hans); free(p->zone_type);
    free(p->code); yf_strlist_free(p->industries_zh, p->nindustries_zh);
    free(p->sectors); free(p->sector_w); free(p->seeks); free(p->priorities);
    free(p->description); free(p->website); free(p->source); free(p->file);
    for (size_t i = 0; i < p->nfigures; i++) { free(p->figures[i].label); free(p->figures[i].value); }
    free(p->figures);
}

void cm_dataset_release(cm_dataset *ds)
{
    if (!ds) return;
    if (ds->compiled) {          /* everything but dir and the hash tables lives in it */
        cm_names_clear(&ds->tax);
        ds->compiled->release(ds->compiled);
        free(ds->dir);
        memset(ds, 0, sizeof *ds);
        return;
    }
    for (size_t i = 0; i < ds->npartners; i++) partner_release(&ds->partners[i]);
    free(ds->partners);
    for (size_t i = 0; i < ds->nzone_types; i++) {
        free(ds->zone_types[i].id); free(ds->zone_types[i].label); free(ds->zone_types[i].label_zh);
    }
    free(ds->zone_types);
    cm_taxonomy_release(&ds->tax);
    free(ds->dir);
    memset(ds, 0, sizeof *ds);
}

size_t cm_partner_find(const cm_dataset *ds, const char *id)
{
    size_t lo = 0, hi = ds->npartners;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ds->partners[mid].id, id);
        if (c == 0) return mid;
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return CM_NONE;
}

size_t cm_zone_type_find(const cm_dataset *ds, const char *id)
{
    for (size_t i = 0; i < ds->nzone_types; i++)
        if (!strcmp(ds->zone_types[i].id, id)) return i;
    return CM_NONE;
}

char *cm_data_dir_resolve(const char *opt)
{
    if (opt) return strdup(opt);
    const char *env = getenv("CLUSTERMATCH_DATA");
    if (env && *env) return strdup(env);
    struct stat st;
    if (stat(CM_DATADIR "/sectors.yaml", &st) == 0) return strdup(CM_DATADIR);
    /* The source tree: next to the binary's build directory, or the current directory. */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 32);
    if (n > 0) {
        self[n] = '\0';
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(self, '/');
            if (!slash) break;
            *slash = '\0';
            char probe[4200];
            snprintf(probe, sizeof probe, "%s/data/sectors.yaml", self);
            if (stat(probe, &st) == 0) {
                strcat(self, "/data");
                return strdup(self);
            }
        }
    }
    return strdup("data");
}

int cm_weights_load(const char *path, bool complete, double w[CM_NCOMP], cm_diags *d)
{
    ydoc_stream *s = NULL;
    size_t errs0 = d->nerrors;
    yctx c = { path, d };
    if (ydoc_load_file(path, complete ? &YLIMITS_DATA : &YLIMITS_PROFILE, &s, d)) return -1;
    const ynode *root = s->ndocs ? s->docs[0] : NULL;
    const ynode *wn = root && root->type == YN_MAP ? ynode_get(root, "weights") : NULL;
    if (s->ndocs > 1) {   /* as the vocabulary files: a second document would be ignored */
        const ynode *r2 = s->docs[1];
        cm_error(d, path, r2 ? r2->line : 1, r2 ? r2->col : 1,
                 "a weights file holds one document, not %zu; remove the '---' and what follows", s->ndocs);
    } else if (!wn) {
        cm_error(d, path, root ? root->line : 1, root ? root->col : 1, "expected a mapping with a 'weights' mapping");
    } else if (yf_expect_map(&c, wn, "'weights'") == 0 && yf_check_keys(&c, wn, cm_component_names, "weights") == 0) {
        double sum = 0;
        for (int i = 0; i < CM_NCOMP; i++) {
            if (yf_num(&c, wn, cm_component_names[i], complete, 0, 1e6, &w[i], NULL) != 0) continue;
            sum += w[i];
            if (w[i] > 0 && w[i] < YF_WEIGHT_MIN) {
                const ynode *n = ynode_get(wn, cm_component_names[i]);
                cm_error(d, path, n->line, n->col, "weight of %s is %g, too small to matter (0 turns the "
                         "component off; else at least %g)", cm_component_names[i], w[i], YF_WEIGHT_MIN);
            }
        }
        if (complete && d->nerrors == errs0 && !(sum > 0))
            cm_error(d, path, wn->line, wn->col, "weights are all zero");
    }
    ydoc_stream_free(s);
    return d->nerrors > errs0 ? -1 : 0;
}

static void note_mtime(cm_dataset *ds, const char *path);

const char *const cm_data_files[] = { "sectors.yaml", "regions.yaml", "regions-divisions.yaml", "priorities.yaml",
                                      "goals.yaml", "policy-notes.yaml", "weights.yaml", "zone-types.yaml",
                                      "countries.yaml", NULL };

static int read_weights(cm_dataset *ds, cm_diags *d)
{
    size_t len = strlen(ds->dir) + 16;
    char *path = malloc(len);
    if (!path) return cm_ioerror(d, ds->dir, "out of memory");
    snprintf(path, len, "%s/weights.yaml", ds->dir);
    int rc = cm_weights_load(path, true, ds->weights, d);
    free(path);
    return rc;
}

/* data/zone-types.yaml: one table, read before the partners that name its ids. */
static int read_zone_types(cm_dataset *ds, cm_diags *d)
{
    size_t len = strlen(ds->dir) + 20;
    char *path = malloc(len);
    ydoc_stream *s = NULL;
    size_t errs0 = d->nerrors;
    if (!path) return cm_ioerror(d, ds->dir, "out of memory");
    snprintf(path, len, "%s/zone-types.yaml", ds->dir);
    note_mtime(ds, path);
    yctx c = { path, d };
    if (ydoc_load_file(path, &YLIMITS_DATA, &s, d)) goto out;
    const ynode *root = s->ndocs ? s->docs[0] : NULL;
    if (yf_expect_map(&c, root, "zone-types.yaml")) goto out;
    const ynode *list = ynode_get(root, "zone-types");
    if (!list || list->type != YN_SEQ || list->n == 0) {
        cm_error(d, path, root->line, root->col, "expected a non-empty 'zone-types' list");
        goto out;
    }
    if (!(ds->zone_types = calloc(list->n, sizeof *ds->zone_types))) { cm_ioerror(d, path, "out of memory"); goto out; }
    static const char *const keys[] = { "id", "label", "label-zh", "level", "source", NULL };
    for (size_t i = 0; i < list->n; i++) {
        const ynode *e = list->items[i];
        cm_zone_type *z = &ds->zone_types[ds->nzone_types];
        char *level = NULL, *src = NULL;
        if (yf_expect_map(&c, e, "a zone type")) continue;
        yf_check_keys(&c, e, keys, "zone type");
        if (yf_str(&c, e, "id", true, &z->id) || yf_str(&c, e, "label", true, &z->label) ||
            yf_str(&c, e, "label-zh", true, &z->label_zh) || yf_str(&c, e, "level", true, &level) ||
            yf_str(&c, e, "source", true, &src)) {
            free(z->id); free(z->label); free(z->label_zh); free(level); free(src);
            memset(z, 0, sizeof *z);
            continue;
        }
        free(src);
        int lv = cm_level_parse(level);
        const ynode *ln = ynode_get(e, "level");
        if (lv < 0) cm_error(d, path, ln->line, ln->col, "unknown level '%s' (national or provincial)", level);
        free(level);
        if (cm_zone_type_find(ds, z->id) != CM_NONE) {
            const ynode *in = ynode_get(e, "id");
            cm_error(d, path, in->line, in->col, "duplicate zone type '%s'", z->id);
        }
        z->level = lv < 0 ? CM_LEVEL_NONE : (cm_level)lv;
        ds->nzone_types++;
    }
out:
    ydoc_stream_free(s);
    free(path);
    return d->nerrors > errs0 ? -1 : 0;
}

static size_t region_ref(const cm_taxonomy *t, const yctx *c, const ynode *map, const char *key,
                         cm_region_level want)
{
    const ynode *n = ynode_get(map, key);
    if (!n || ynode_is_null(n)) return CM_NONE;
    if (n->type != YN_SCALAR) {
        cm_error(c->d, c->file, n->line, n->col, "'%s' must be a region id, not %s", key, ynode_kind(n));
        return CM_NONE;
    }
    size_t r = cm_region_find(t, n->str);
    if (r == CM_NONE) {
        char *m = cm_region_miss(t, key, n->str);
        if (m) cm_error(c->d, c->file, n->line, n->col, "%s", m);
        else cm_ioerror(c->d, c->file, "out of memory");
        free(m);
    } else if (t->regions[r].level != want) {
        cm_error(c->d, c->file, n->line, n->col, "'%s' is a %s, not a %s", n->str,
                 t->regions[r].level == CM_REG_CITY ? "city" : t->regions[r].level == CM_REG_PROVINCE ? "province"
                 : t->regions[r].level == CM_REG_CLUSTER ? "city cluster" : "macro-region", key);
        r = CM_NONE;
    }
    return r;
}

/* `status: active|ended` with `ended: YEAR`, and `scope: sector|cross-sector`. */
static void read_status_scope(const yctx *c, const ynode *e, cm_partner *p)
{
    static const char *const statuses[] = { "active", "ended" };
    static const char *const scopes[] = { "sector", "cross-sector" };
    cm_diags *d = c->d;
    char *status = NULL, *scope = NULL;
    bool ended = false;
    if (yf_str(c, e, "status", false, &status) == 0 && status) {
        const ynode *n = ynode_get(e, "status");
        if (!strcmp(status, "ended")) ended = true;
        else if (strcmp(status, "active") != 0) {
            const char *sug = cm_suggest_among(statuses, 2, status);
            cm_error(d, c->file, n->line, n->col, "unknown status '%s' (%s%s%s)", status,
                     sug ? "did you mean '" : "one of active, ended", sug ? sug : "", sug ? "'?" : "");
        }
    }
    double year;
    bool has = false;
    const ynode *en = ynode_get(e, "ended");
    if (yf_num(c, e, "ended", false, 1949, 2100, &year, &has) == 0 && has) {
        if (year != (int)year)
            cm_error(d, c->file, en->line, en->col, "'ended' must be a year, e.g. 2021");
        else if (!ended)
            cm_error(d, c->file, en->line, en->col, "'ended' is given but status is not 'ended'");
        else
            p->ended = (int)year;
    } else if (ended && !en) {
        const ynode *n = ynode_get(e, "status");
        cm_error(d, c->file, n->line, n->col, "status 'ended' needs 'ended: YEAR', the year it closed");
    }
    if (yf_str(c, e, "scope", false, &scope) == 0 && scope) {
        const ynode *n = ynode_get(e, "scope");
        if (!strcmp(scope, "cross-sector")) p->cross_sector = true;
        else if (strcmp(scope, "sector") != 0) {
            const char *sug = cm_suggest_among(scopes, 2, scope);
            cm_error(d, c->file, n->line, n->col, "unknown scope '%s' (%s%s%s)", scope,
                     sug ? "did you mean '" : "one of sector, cross-sector", sug ? sug : "", sug ? "'?" : "");
        }
    }
    free(status);
    free(scope);
}

static int load_partner(cm_dataset *ds, const yctx *c, const ynode *e, cm_partner *p)
{
    static const char *const keys[] = {
        "id", "kind", "zone-type", "name", "name-zh", "name-zh-hans", "province", "city", "lat", "lon",
        "approximate", "sectors", "seeks", "priorities", "description", "website", "figures", "source",
        "as-of", "status", "ended", "scope", "level", "code", "industries-zh", NULL };
    const cm_taxonomy *t = &ds->tax;
    cm_diags *d = c->d;
    size_t errs0 = d->nerrors;
    char *kind = NULL;
    memset(p, 0, sizeof *p);
    p->city = p->province = CM_NONE;
    if (yf_expect_map(c, e, "a partner")) return -1;
    yf_check_keys(c, e, keys, "partner");
    p->line = e->line;
    p->col = e->col;
    if (yf_id(c, e, &p->id) || yf_str(c, e, "name", true, &p->name) ||
        yf_str(c, e, "kind", true, &kind))
        goto out;
    yf_str(c, e, "name-zh", false, &p->name_zh);
    yf_str(c, e, "name-zh-hans", false, &p->name_zh_hans);
    yf_str(c, e, "description", true, &p->description);
    yf_str(c, e, "website", false, &p->website);
    yf_str(c, e, "source", true, &p->source);
    int k = cm_kind_parse(kind);
    if (k < 0) {
        const ynode *kn = ynode_get(e, "kind");
        const char *sug = cm_suggest_among(cm_kind_names, CM_NKINDS, kind);
        cm_error(d, c->file, kn->line, kn->col, "unknown partner kind '%s'%s%s%s", kind,
                 sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
    } else {
        p->kind = (cm_kind)k;
    }
    p->zone_type_idx = CM_NONE;
    if (yf_str(c, e, "zone-type", k == CM_KIND_ZONE, &p->zone_type) == 0 && p->zone_type) {
        const ynode *zn = ynode_get(e, "zone-type");
        p->zone_type_idx = cm_zone_type_find(ds, p->zone_type);
        if (p->zone_type_idx == CM_NONE) {
            const char **ids = malloc((ds->nzone_types ? ds->nzone_types : 1) * sizeof *ids);
            for (size_t z = 0; ids && z < ds->nzone_types; z++) ids[z] = ds->zone_types[z].id;
            const char *sug = ids ? cm_suggest_among(ids, ds->nzone_types, p->zone_type) : NULL;
            if (sug) cm_error(d, c->file, zn->line, zn->col, "unknown zone-type '%s' (did you mean '%s'?)", p->zone_type, sug);
            else cm_error(d, c->file, zn->line, zn->col, "unknown zone-type '%s' (see data/zone-types.yaml)", p->zone_type);
            free(ids);
        } else if (k != CM_KIND_ZONE) {
            cm_error(d, c->file, zn->line, zn->col, "zone-type is only for partners of kind 'zone'");
        }
    }
    char *level = NULL;
    if (yf_str(c, e, "level", k == CM_KIND_ZONE, &level) == 0 && level) {
        const ynode *ln = ynode_get(e, "level");
        int lv = cm_level_parse(level);
        if (lv < 0) {
            cm_error(d, c->file, ln->line, ln->col, "unknown level '%s' (national or provincial)", level);
        } else if (k != CM_KIND_ZONE) {
            cm_error(d, c->file, ln->line, ln->col, "level is only for partners of kind 'zone'");
        } else {
            p->level = (cm_level)lv;
            /* The type fixes the level: an upgraded zone changes its type with its level. */
            if (p->zone_type_idx != CM_NONE && ds->zone_types[p->zone_type_idx].level != p->level)
                cm_error(d, c->file, ln->line, ln->col, "level '%s' does not fit zone-type '%s', whose zones are %s",
                         level, p->zone_type, cm_level_names[ds->zone_types[p->zone_type_idx].level]);
        }
        free(level);
    }
    if (yf_str(c, e, "code", false, &p->code) == 0 && p->code) {
        const ynode *cn = ynode_get(e, "code");
        const char *q = p->code;
        bool ok = (q[0] == 'G' || q[0] == 'S') && strlen(q) == 7;
        for (int i = 1; ok && i < 7; i++) ok = q[i] >= '0' && q[i] <= '9';
        if (!ok)
            cm_error(d, c->file, cn->line, cn->col, "code '%s' is not a catalogue code (G or S and six digits, e.g. G216022)", q);
    }
    yf_strlist(c, e, "industries-zh", false, &p->industries_zh, &p->nindustries_zh);
    if (!ynode_get(e, "province"))
        cm_error(d, c->file, e->line, e->col, "missing required key 'province'");
    p->province = region_ref(t, c, e, "province", CM_REG_PROVINCE);
    p->city = region_ref(t, c, e, "city", CM_REG_CITY);
    if (p->city != CM_NONE && p->province != CM_NONE && t->regions[p->city].province != p->province) {
        const ynode *cn = ynode_get(e, "city");
        cm_error(d, c->file, cn->line, cn->col, "city '%s' is in '%s', not in '%s'", t->regions[p->city].id,
                 t->regions[t->regions[p->city].province].id, t->regions[p->province].id);
    }
    /* China's extent, generously: Hainan's south coast to Mohe, Xinjiang's west to Fuyuan.
     * Any number in [-180, 180] parses, so swapped or foreign coordinates are named as such. */
    bool hl, ho;
    if (yf_num(c, e, "lat", true, -180.0, 180.0, &p->lat, &hl) == 0 && hl &&
        yf_num(c, e, "lon", true, -180.0, 180.0, &p->lon, &ho) == 0 && ho &&
        !(p->lat >= 18.0 && p->lat <= 54.0 && p->lon >= 73.0 && p->lon <= 135.5)) {
        const ynode *ln = ynode_get(e, p->lat >= 18.0 && p->lat <= 54.0 ? "lon" : "lat");
        bool swapped = p->lon >= 18.0 && p->lon <= 54.0 && p->lat >= 73.0 && p->lat <= 135.5;
        cm_error(d, c->file, ln->line, ln->col, "lat %g, lon %g is outside China (lat 18 to 54, "
                 "lon 73 to 135.5)%s", p->lat, p->lon, swapped ? "; are lat and lon swapped?" : "");
    }
    yf_bool(c, e, "approximate", &p->approximate);
    double year;
    bool hy = false;
    if (yf_num(c, e, "as-of", true, 1949, 2100, &year, &hy) == 0 && hy) p->as_of = (int)year;

    read_status_scope(c, e, p);

    const ynode *sn = ynode_get(e, "sectors");
    if ((!sn || ynode_is_null(sn)) && p->cross_sector) {
        /* A cross-sector support body is found by region, policy, goal and keywords. */
    } else if (!sn || ynode_is_null(sn)) {
        cm_error(d, c->file, e->line, e->col, "missing required key 'sectors'");
    } else if ((sn->type != YN_MAP && sn->type != YN_SEQ) || sn->n == 0) {
        cm_error(d, c->file, sn->line, sn->col, "'sectors' must be a non-empty list or map of sector to weight");
    } else {
        p->sectors = calloc(sn->n, sizeof *p->sectors);
        p->sector_w = calloc(sn->n, sizeof *p->sector_w);
        if (!p->sectors || !p->sector_w) { cm_ioerror(d, c->file, "out of memory"); goto out; }
        for (size_t i = 0; i < sn->n; i++) {
            size_t s = cm_sector_at(t, c->file, sn->items[i], c->d);
            double w = 1.0;
            if (sn->type == YN_MAP && yf_weight(c, sn->values[i], sn->items[i]->str, &w)) continue;
            if (s == CM_NONE) continue;
            for (size_t j = 0; j < p->nsectors; j++)
                if (p->sectors[j] == s) {
                    cm_error(d, c->file, sn->items[i]->line, sn->items[i]->col, "sector '%s' given twice", t->sectors[s].id);
                    s = CM_NONE;
                    break;
                }
            if (s == CM_NONE) continue;
            p->sectors[p->nsectors] = s;
            p->sector_w[p->nsectors++] = w;
        }
    }
    const ynode *sk = ynode_get(e, "seeks");
    if (sk && !ynode_is_null(sk)) {
        if (sk->type != YN_SEQ) cm_error(d, c->file, sk->line, sk->col, "'seeks' must be a list of sectors");
        else if ((p->seeks = calloc(sk->n ? sk->n : 1, sizeof *p->seeks)))
            for (size_t i = 0; i < sk->n; i++) {
                size_t s = cm_sector_at(t, c->file, sk->items[i], c->d);
                if (s != CM_NONE) p->seeks[p->nseeks++] = s;
            }
    }
    const ynode *pn = ynode_get(e, "priorities");
    if (pn && !ynode_is_null(pn)) {
        if (pn->type != YN_SEQ) cm_error(d, c->file, pn->line, pn->col, "'priorities' must be a list of priority ids");
        else if ((p->priorities = calloc(pn->n ? pn->n : 1, sizeof *p->priorities)))
            for (size_t i = 0; i < pn->n; i++) {
                const ynode *it = pn->items[i];
                size_t q = it->type == YN_SCALAR ? cm_priority_find(t, it->str) : CM_NONE;
                if (q == CM_NONE) {
                    const char *sug = it->type == YN_SCALAR ? cm_suggest(t, CM_VOCAB_PRIORITY, it->str) : NULL;
                    cm_error(d, c->file, it->line, it->col, "unknown priority '%s'%s%s%s", it->type == YN_SCALAR ? it->str : "?",
                             sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
                } else {
                    p->priorities[p->npriorities++] = q;
                }
            }
    }
    const ynode *fn = ynode_get(e, "figures");
    if (fn && !ynode_is_null(fn)) {
        if (fn->type != YN_MAP) cm_error(d, c->file, fn->line, fn->col, "'figures' must be a mapping of label to value");
        else if ((p->figures = calloc(fn->n ? fn->n : 1, sizeof *p->figures)))
            for (size_t i = 0; i < fn->n; i++) {
                if (fn->values[i]->type != YN_SCALAR) {
                    cm_error(d, c->file, fn->values[i]->line, fn->values[i]->col, "a figure must be a number or a string");
                    continue;
                }
                p->figures[p->nfigures].label = strdup(fn->items[i]->str);
                p->figures[p->nfigures++].value = strdup(fn->values[i]->str);
            }
    }
out:
    free(kind);
    if (!(p->file = strdup(c->file))) cm_ioerror(d, c->file, "out of memory");
    return d->nerrors > errs0 ? -1 : 0;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const cm_partner *)a)->id, ((const cm_partner *)b)->id);
}

static int yaml_name(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && ((n > 5 && !strcmp(e->d_name + n - 5, ".yaml")) ||
                                   (n > 4 && !strcmp(e->d_name + n - 4, ".yml")));
}

static void note_mtime(cm_dataset *ds, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && st.st_mtime > ds->newest) ds->newest = st.st_mtime;
}

/* Append the partners of one parsed file to ds->partners (allocated size in *cap). Returns
 * -1 only when out of memory; problems in the file are reported in `d`. */
static int add_partner_file(cm_dataset *ds, const char *path, const ydoc_stream *s, size_t *cap,
                            cm_diags *d)
{
    yctx c = { path, d };
    const ynode *root = s->ndocs == 1 ? s->docs[0] : NULL;
    const ynode *list = root && root->type == YN_MAP ? ynode_get(root, "partners") : NULL;
    if (!list || list->type != YN_SEQ) {
        cm_error(d, path, root ? root->line : 1, root ? root->col : 1, "expected a mapping with a 'partners' list");
        return 0;
    }
    if (ds->npartners + list->n > *cap) {
        size_t ncap = (ds->npartners + list->n) * 2;
        cm_partner *v = realloc(ds->partners, (ncap ? ncap : 1) * sizeof *v);
        if (!v) return -1;
        ds->partners = v;
        *cap = ncap;
    }
    for (size_t k = 0; k < list->n; k++) {
        cm_partner *p = &ds->partners[ds->npartners];
        load_partner(ds, &c, list->items[k], p);
        if (p->id) ds->npartners++;
        else partner_release(p);
    }
    return 0;
}

/* Sort the partners by id and report every duplicate id. */
static void sort_partners(cm_dataset *ds, cm_diags *d)
{
    if (ds->npartners) qsort(ds->partners, ds->npartners, sizeof *ds->partners, by_id);
    for (size_t i = 1; i < ds->npartners; i++)
        if (!strcmp(ds->partners[i].id, ds->partners[i - 1].id)) {
            const cm_partner *a = &ds->partners[i - 1], *b = &ds->partners[i];
            /* Report against the later definition so the message points at the copy. */
            if (strcmp(a->file, b->file) > 0 || (!strcmp(a->file, b->file) && a->line > b->line)) {
                const cm_partner *x = a; a = b; b = x;
            }
            cm_error(d, b->file, b->line, b->col, "duplicate partner id '%s' (first defined at %s:%u)", b->id, a->file, a->line);
        }
}

int cm_partner_files(const char *dir, char ***names, size_t *n, cm_diags *d)
{
    size_t len = strlen(dir) + 16;
    char *pdir = malloc(len);
    struct dirent **ents = NULL;
    if (!pdir) return cm_ioerror(d, dir, "out of memory");
    snprintf(pdir, len, "%s/partners", dir);
    int k = scandir(pdir, &ents, yaml_name, alphasort), rc = -1;
    *names = NULL;
    *n = 0;
    if (k < 0) { cm_ioerror(d, pdir, "cannot read partner directory: %s", strerror(errno)); goto out; }
    if (!(*names = calloc(k ? (size_t)k : 1, sizeof **names))) { cm_ioerror(d, pdir, "out of memory"); goto out; }
    for (int i = 0; i < k; i++)
        if (!((*names)[(*n)++] = strdup(ents[i]->d_name))) { cm_ioerror(d, pdir, "out of memory"); goto out; }
    rc = 0;
out:
    if (rc) {
        for (size_t i = 0; i < *n; i++) free((*names)[i]);
        free(*names);
        *names = NULL;
        *n = 0;
    }
    for (int i = 0; i < k; i++) free(ents[i]);
    free(ents);
    free(pdir);
    return rc;
}

static int load_partners(cm_dataset *ds, cm_diags *d)
{
    size_t len = strlen(ds->dir) + 16;
    char *pdir = malloc(len);
    char **ents = NULL;
    size_t n = 0;
    int rc = -1;
    size_t cap = 0;
    if (!pdir) return cm_ioerror(d, ds->dir, "out of memory");
    snprintf(pdir, len, "%s/partners", ds->dir);
    if (cm_partner_files(ds->dir, &ents, &n, d)) goto out;
    if (n == 0) { cm_error(d, pdir, 0, 0, "no partner files (*.yaml)"); goto out; }
    size_t errs0 = d->nerrors;
    for (size_t i = 0; i < n; i++) {
        size_t plen = strlen(pdir) + strlen(ents[i]) + 2;
        char *path = malloc(plen);
        ydoc_stream *s = NULL;
        if (!path) { cm_ioerror(d, pdir, "out of memory"); goto out; }
        snprintf(path, plen, "%s/%s", pdir, ents[i]);
        note_mtime(ds, path);
        int oom = ydoc_load_file(path, &YLIMITS_DATA, &s, d) == 0 && add_partner_file(ds, path, s, &cap, d) != 0;
        ydoc_stream_free(s);
        free(path);
        if (oom) { cm_ioerror(d, pdir, "out of memory"); goto out; }
    }
    sort_partners(ds, d);
    if (d->nerrors > errs0) goto out;
    rc = 0;
out:
    for (size_t i = 0; i < n; i++) free(ents[i]);
    free(ents);
    free(pdir);
    return rc;
}

int cm_partners_check_mem(const cm_dataset *ds, const char *name, const char *buf, size_t len,
                          cm_diags *d)
{
    ydoc_stream *s = NULL;
    size_t errs0 = d->nerrors, cap = 0;
    if (ydoc_load_mem(name, buf, len, &YLIMITS_DATA, &s, d) != 0) return -1;
    cm_dataset tmp = *ds;           /* the same vocabularies, partners of its own */
    tmp.partners = NULL;
    tmp.npartners = 0;
    if (add_partner_file(&tmp, name, s, &cap, d) != 0) cm_ioerror(d, name, "out of memory");
    sort_partners(&tmp, d);
    for (size_t i = 0; i < tmp.npartners; i++) partner_release(&tmp.partners[i]);
    free(tmp.partners);
    ydoc_stream_free(s);
    return d->nerrors > errs0 ? -1 : 0;
}

int cm_dataset_load(cm_dataset *ds, const char *dir, cm_diags *d)
{
    struct stat st;
    if (!(ds->dir = strdup(dir))) return cm_ioerror(d, dir, "out of memory");
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return cm_ioerror(d, dir, "data directory not found (use --data DIR or set CLUSTERMATCH_DATA)");
    for (size_t i = 0; cm_data_files[i]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, cm_data_files[i]);
        note_mtime(ds, path);
    }
    int rc = cm_taxonomy_load(&ds->tax, dir, d);
    if (read_weights(ds, d)) rc = -1;
    if (read_zone_types(ds, d)) rc = -1;
    /* Partners refer to every vocabulary: checking them against a broken taxonomy would
     * bury the real problem under follow-on errors. */
    if (rc == 0 && load_partners(ds, d)) rc = -1;
    return rc;
}

int cm_coverage_compute(const cm_dataset *ds, cm_coverage *cv)
{
    const cm_taxonomy *t = &ds->tax;
    memset(cv, 0, sizeof *cv);
    cv->zones_per_sector = calloc(t->nsectors ? t->nsectors : 1, sizeof *cv->zones_per_sector);
    cv->zones_per_type = calloc(ds->nzone_types ? ds->nzone_types : 1, sizeof *cv->zones_per_type);
    if (!cv->zones_per_sector || !cv->zones_per_type) { cm_coverage_release(cv); return -1; }
    for (size_t i = 0; i < ds->npartners; i++) {
        const cm_partner *p = &ds->partners[i];
        /* A phrase counts as mapped when the vocabulary resolves it, the same lookup the
         * converter (tools/zones) used to give the zone its sectors. */
        for (size_t k = 0; k < p->nindustries_zh; k++) {
            cv->mentions++;
            cv->mapped += cm_sector_find(t, p->industries_zh[k]) != CM_NONE;
        }
        if (p->city == CM_NONE) cv->no_city[p->kind]++;
        if (p->kind != CM_KIND_ZONE) continue;
        cv->zones++;
        cv->zones_no_city += p->city == CM_NONE;
        if (p->zone_type_idx != CM_NONE) cv->zones_per_type[p->zone_type_idx]++;
        for (size_t k = 0; k < p->nsectors; k++) cv->zones_per_sector[p->sectors[k]]++;
    }
    return 0;
}

void cm_coverage_release(cm_coverage *cv)
{
    free(cv->zones_per_sector);
    free(cv->zones_per_type);
    memset(cv, 0, sizeof *cv);
}
