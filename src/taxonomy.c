/* taxonomy.c: loading and resolving sectors, regions, priorities, goals and policy notes.
 *
 * Each vocabulary has one name table (uthash, keyed by the folded form of every id, label,
 * alias, pinyin and Chinese name). A folded key that two different entries claim is an
 * error at load time, so lookups can never be ambiguous later; except for regions, where
 * places really do share names: there the key keeps every region that has it, and lookups
 * decide (see taxonomy.h).
 */
#include "taxonomy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "ascii.h"
#include "yfield.h"

const char *const cm_kind_names[CM_NKINDS] = { CM_KINDS(CM_NAME_, CM_COMMA_) };

int cm_kind_parse(const char *s)
{
    for (int k = 0; k < CM_NKINDS; k++)
        if (!strcmp(s, cm_kind_names[k])) return k;
    if (!strcmp(s, "organization")) return CM_KIND_ORGANISATION;
    return -1;
}

/* While the YAML loads, a hash finds a key's entry (entries move as the table grows, so a
 * node holds the entry's number); once loaded, the table is frozen into `sorted` and the
 * hash freed. Lookups take whichever the table has. */
struct cm_names_node { const char *key; size_t at; UT_hash_handle hh; };

static void names_free(cm_names *t)
{
    struct cm_names_node *e, *tmp;
    HASH_ITER(hh, t->build, e, tmp) {
        HASH_DEL(t->build, e);
        free(e);
    }
    for (size_t i = 0; i < t->n; i++) { free(t->v[i].key); free(t->v[i].also); }
    free(t->v);
    free(t->sorted);
    memset(t, 0, sizeof *t);
}

static cm_name_entry *names_get(const cm_names *t, const char *key)
{
    if (t->build) {
        struct cm_names_node *e = NULL;
        HASH_FIND_STR(t->build, key, e);
        return e ? &t->v[e->at] : NULL;
    }
    size_t lo = 0, hi = t->sorted ? t->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        cm_name_entry *e = &t->v[t->sorted[mid]];
        int c = strcmp(key, e->key);
        if (!c) return e;
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

/* A new entry for `key` (taken over) and `idx`, or NULL when out of memory. */
static cm_name_entry *names_new(cm_names *t, char *key, size_t idx)
{
    if (!(t->n & (t->n - 1))) {     /* 0, 1, 2, 4, ...: double */
        cm_name_entry *v = realloc(t->v, (t->n ? 2 * t->n : 1) * sizeof *v);
        if (!v) return NULL;
        t->v = v;
    }
    struct cm_names_node *nd = malloc(sizeof *nd);
    if (!nd) return NULL;
    nd->key = key;
    nd->at = t->n;
    HASH_ADD_KEYPTR(hh, t->build, nd->key, strlen(nd->key), nd);
    cm_name_entry *e = &t->v[t->n++];
    *e = (cm_name_entry){ key, idx, NULL, 0 };
    return e;
}

typedef struct key_at { const char *key; uint32_t at; } key_at;
static int by_key(const void *a, const void *b) { return strcmp(((const key_at *)a)->key, ((const key_at *)b)->key); }

/* Fill `sorted` with the entry numbers of `v` in key order. */
static int names_sort(const cm_name_entry *v, size_t n, uint32_t *sorted)
{
    key_at *ka = malloc((n ? n : 1) * sizeof *ka);
    if (!ka) return -1;
    for (size_t i = 0; i < n; i++) ka[i] = (key_at){ v[i].key, (uint32_t)i };
    qsort(ka, n, sizeof *ka, by_key);
    for (size_t i = 0; i < n; i++) sorted[i] = ka[i].at;
    free(ka);
    return 0;
}

/* Loaded: the hash gives way to the sorted numbers (kept when out of memory: the hash
 * still finds every key). */
static void names_freeze(cm_names *t)
{
    uint32_t *sorted = malloc((t->n ? t->n : 1) * sizeof *sorted);
    if (!sorted || names_sort(t->v, t->n, sorted)) { free(sorted); return; }
    struct cm_names_node *e, *tmp;
    HASH_ITER(hh, t->build, e, tmp) {
        HASH_DEL(t->build, e);
        free(e);
    }
    t->sorted = sorted;
}

static size_t names_find(const cm_names *h, const char *name)
{
    char *k = cm_fold(name);
    if (!k) return CM_NONE;
    const cm_name_entry *e = names_get(h, k);
    free(k);
    return e ? e->idx : CM_NONE;
}

/* Register `name` for entry `idx`. A clash with another entry is reported at (line, col). */
static int names_add(cm_names *h, const char *name, size_t idx, const char *const *ids,
                     const char *what, const yctx *c, unsigned line, unsigned col)
{
    char *k = cm_fold(name);
    if (!k) return cm_ioerror(c->d, c->file, "out of memory");
    if (!*k) {
        free(k);
        return cm_error(c->d, c->file, line, col, "empty name for %s '%s'", what, ids[idx]);
    }
    cm_name_entry *e = names_get(h, k);
    if (e) {
        free(k);
        if (e->idx == idx) return 0;
        return cm_error(c->d, c->file, line, col, "name '%s' of %s '%s' clashes with %s '%s'",
                        name, what, ids[idx], what, ids[e->idx]);
    }
    if (!names_new(h, k, idx)) { free(k); return cm_ioerror(c->d, c->file, "out of memory"); }
    return 0;
}

/* Register region name `name` for region `idx`; a name other regions have too is kept for
 * all of them. `exact` registers an id as written, in t->region_ids. */
static int region_name_add(cm_taxonomy *t, const yctx *c, const char *name, size_t idx, bool exact,
                           unsigned line, unsigned col)
{
    char *k = exact ? strdup(name) : cm_fold(name);
    if (!k) return cm_ioerror(c->d, c->file, "out of memory");
    if (!*k) {
        free(k);
        return cm_error(c->d, c->file, line, col, "empty name for region '%s'", t->regions[idx].id);
    }
    cm_names *h = exact ? &t->region_ids : &t->region_names;
    cm_name_entry *e = names_get(h, k);
    if (e) {
        free(k);
        if (e->idx == idx || (e->nalso && e->also[e->nalso - 1] == idx)) return 0;
        size_t *a = realloc(e->also, (e->nalso + 1) * sizeof *a);
        if (!a) return cm_ioerror(c->d, c->file, "out of memory");
        e->also = a;
        e->also[e->nalso++] = idx;
        return 0;
    }
    if (!names_new(h, k, idx)) { free(k); return cm_ioerror(c->d, c->file, "out of memory"); }
    return 0;
}

void cm_taxonomy_init(cm_taxonomy *t) { memset(t, 0, sizeof *t); }

void cm_taxonomy_release(cm_taxonomy *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nsectors; i++) {
        cm_sector *s = &t->sectors[i];
        free(s->id); free(s->label); free(s->label_zh); free(s->parents);
        yf_strlist_free(s->aliases, s->naliases);
        yf_strlist_free(s->aliases_zh, s->naliases_zh);
    }
    free(t->sectors);
    for (size_t i = 0; i < t->nregions; i++) {
        cm_region *r = &t->regions[i];
        free(r->id); free(r->name); free(r->subtype); free(r->zh_hans); free(r->zh_hant);
        free(r->code); free(r->members);
    }
    free(t->regions);
    for (size_t i = 0; i < t->npriorities; i++) {
        free(t->priorities[i].id); free(t->priorities[i].label); free(t->priorities[i].label_zh);
        free(t->priorities[i].sectors); free(t->priorities[i].weights);
    }
    free(t->priorities);
    for (size_t i = 0; i < t->nprogrammes; i++) {
        free(t->programmes[i].id); free(t->programmes[i].name); free(t->programmes[i].name_zh);
    }
    free(t->programmes);
    for (size_t i = 0; i < t->ngoals; i++) {
        free(t->goals[i].id); free(t->goals[i].label); free(t->goals[i].label_zh);
    }
    free(t->goals);
    for (int k = 0; k < CM_NKINDS; k++) free(t->kind_label_zh[k]);
    for (size_t i = 0; i < t->ncountries; i++) {
        free(t->countries[i].id); free(t->countries[i].name); free(t->countries[i].label_zh);
    }
    free(t->countries);
    free(t->goal_fit);
    free(t->default_goals);
    for (size_t i = 0; i < t->nnotes; i++) {
        cm_note *n = &t->notes[i];
        free(n->id); free(n->title); free(n->text); free(n->link); free(n->sectors);
    }
    free(t->notes);
    free(t->anc);
    names_free(&t->sector_names);
    names_free(&t->region_names);
    names_free(&t->region_ids);
    names_free(&t->priority_names);
    names_free(&t->goal_names);
    memset(t, 0, sizeof *t);
}

size_t cm_sector_find(const cm_taxonomy *t, const char *n) { return names_find(&t->sector_names, n); }

/* The name-table entry for a region name, after the exact id table. */
static const cm_name_entry *region_entry(const cm_taxonomy *t, const char *name)
{
    const cm_name_entry *e = names_get(&t->region_ids, name);
    if (e) return e;
    char *k = cm_fold(name);
    if (!k) return NULL;
    e = names_get(&t->region_names, k);
    free(k);
    return e;
}

static bool region_upper(const cm_taxonomy *t, size_t i) { return t->regions[i].level != CM_REG_CITY; }

/* Where a region stands when places share a name: a province (or macro-region, city
 * cluster) above a prefecture-level city, above a county-level division or town. */
static int region_tier(const cm_taxonomy *t, size_t i)
{
    const cm_region *r = &t->regions[i];
    if (r->level != CM_REG_CITY) return 3;
    return r->subtype && !strcmp(r->subtype, "prefecture") ? 2 : 1;
}

/* The region a shared name means, or CM_NONE when it is truly ambiguous: the one region of
 * the highest tier among those named so (Xi'an the prefecture-level city, not the districts
 * of Liaoyuan and Mudanjiang; Jilin the province, not the city); among several of that
 * tier, the one whose id is the name itself (the curated `suzhou`, 苏州, over the generated
 * `suzhou-anhui`, 宿州), so that `Suzhou` means what `suzhou` means. */
static size_t region_pick(const cm_taxonomy *t, const cm_name_entry *e)
{
    if (!e->nalso) return e->idx;
    int best = region_tier(t, e->idx);
    size_t pick = e->idx, ntop = 1;
    for (size_t i = 0; i < e->nalso; i++) {
        int tier = region_tier(t, e->also[i]);
        if (tier > best) { best = tier; pick = e->also[i]; ntop = 1; }
        else if (tier == best) ntop++;
    }
    if (ntop == 1) return pick;
    const cm_name_entry *own = names_get(&t->region_ids, e->key);
    if (own && region_tier(t, own->idx) == best) return own->idx;
    return CM_NONE;
}

size_t cm_region_find(const cm_taxonomy *t, const char *name)
{
    const cm_name_entry *e = region_entry(t, name);
    return e ? region_pick(t, e) : CM_NONE;
}

size_t cm_region_candidates(const cm_taxonomy *t, const char *name, size_t *out, size_t cap)
{
    const cm_name_entry *e = region_entry(t, name);
    if (!e) return 0;
    if (cap) out[0] = e->idx;
    for (size_t i = 0; i < e->nalso; i++)
        if (i + 1 < cap) out[i + 1] = e->also[i];
    return 1 + e->nalso;
}
size_t cm_priority_find(const cm_taxonomy *t, const char *n) { return names_find(&t->priority_names, n); }
size_t cm_goal_find(const cm_taxonomy *t, const char *n) { return names_find(&t->goal_names, n); }

static bool code_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (cm_to_lower((unsigned char)*a) != cm_to_lower((unsigned char)*b)) return false;
    return *a == *b;
}

const cm_country *cm_country_find(const cm_taxonomy *t, const char *code)
{
    /* EU usage writes Greece EL and the United Kingdom UK (profile.c accepts both). */
    if (code_eq(code, "EL")) code = "GR";
    else if (code_eq(code, "UK")) code = "GB";
    for (size_t i = 0; i < t->ncountries; i++)
        if (code_eq(t->countries[i].id, code)) return &t->countries[i];
    return NULL;
}

/* ---- did you mean ------------------------------------------------------------------ */

/* The generic part (folding, distance, cm_suggest_among) is in suggest.c. */
static size_t closeness(const char *q, const char *cand) { return cm_name_distance(q, cand); }

/* The closest region name to `name`: its entry, or NULL. Among equally close names a
 * province (or macro-region, city cluster) comes first, so "Sandong" suggests Shandong
 * rather than the city of Dandong; then the shorter id, then byte order, so the answer does
 * not depend on hash order. */
static const cm_name_entry *region_suggest(const cm_taxonomy *t, const char *name)
{
    char *q = cm_fold(name);
    if (!q) return NULL;
    const cm_name_entry *best = NULL;
    size_t bestd = (size_t)-1;
    for (size_t i = 0; i < t->region_names.n; i++) {
        const cm_name_entry *e = &t->region_names.v[i];
        size_t d = closeness(q, e->key);
        if (d == (size_t)-1 || d > bestd) continue;
        if (d < bestd) { best = e; bestd = d; continue; }
        bool ue = region_upper(t, e->idx), ub = region_upper(t, best->idx);
        const char *ie = t->regions[e->idx].id, *ib = t->regions[best->idx].id;
        if (ue != ub ? ue : strlen(ie) != strlen(ib) ? strlen(ie) < strlen(ib) : strcmp(ie, ib) < 0)
            best = e;
    }
    free(q);
    return best;
}

const char *cm_region_describe(const cm_taxonomy *t, size_t idx, char *buf, size_t cap)
{
    const cm_region *r = &t->regions[idx];
    const cm_region *p = r->province != CM_NONE && r->province != idx ? &t->regions[r->province] : NULL;
    const cm_region *up = r->parent != CM_NONE ? &t->regions[r->parent] : NULL;
    const char *kind = r->level == CM_REG_MACRO ? "macro-region" : r->level == CM_REG_CLUSTER ? "city cluster"
                     : r->subtype && !strcmp(r->subtype, "prefecture") ? "prefecture-level division"
                     : r->subtype ? r->subtype : r->level == CM_REG_PROVINCE ? "province" : "city";
    int n = snprintf(buf, cap, "%s%s%s, %s", r->name, r->zh_hans ? " " : "", r->zh_hans ? r->zh_hans : "", kind);
    if (n >= 0 && (size_t)n < cap && up)
        n += snprintf(buf + n, cap - (size_t)n, " of %s", up->name);
    if (n >= 0 && (size_t)n < cap && p)
        snprintf(buf + n, cap - (size_t)n, "%s %s%s%s", up ? "," : " in", p->name, p->zh_hans ? " " : "",
                 p->zh_hans ? p->zh_hans : "");
    return buf;
}

const char *cm_region_understood(const cm_taxonomy *t, size_t idx, const char *as_written, char *buf, size_t cap)
{
    const cm_region *r = &t->regions[idx];
    /* The folded name, even when an id was written exactly: `yuncheng` is the id of 云城,
     * but the name Yuncheng is shared, and the user is told so. */
    const cm_name_entry *e = NULL;
    char *key = cm_fold(as_written);
    if (key) e = names_get(&t->region_names, key);
    free(key);
    bool member = e && e->idx == idx;
    for (size_t i = 0; e && i < e->nalso; i++) member |= e->also[i] == idx;
    /* A province so named needs no note when the others are only counties and districts:
     * no one writing 'Hebei' means the district of Tianjin, and a batch would repeat the
     * note for every profile. A prefecture-level city of the name (Jilin) is a real
     * alternative and is noted. */
    bool minor_others = r->level == CM_REG_PROVINCE;
    for (size_t i = 0; e && member && minor_others && i <= e->nalso; i++) {
        const cm_region *o = &t->regions[i ? e->also[i - 1] : e->idx];
        if (o != r && (o->level != CM_REG_CITY || !o->subtype || !strcmp(o->subtype, "prefecture"))) minor_others = false;
    }
    if (e && e->nalso && member && !minor_others) {
        /* A name other places share: say which was taken and how to write the others. */
        char d[256], not_[96] = "";
        if (r->distinct_from != CM_NONE) {
            const cm_region *o = &t->regions[r->distinct_from];
            snprintf(not_, sizeof not_, " (not %s%s%s)", o->name, o->zh_hans ? " " : "", o->zh_hans ? o->zh_hans : "");
        }
        int n = snprintf(buf, cap, "'%s' is understood as %s%s; other places so named: ", as_written,
                         cm_region_describe(t, idx, d, sizeof d), not_);
        size_t nother = 0;
        for (size_t i = 0; i <= e->nalso; i++) {
            size_t k = i ? e->also[i - 1] : e->idx;
            if (k == idx || n < 0 || (size_t)n >= cap) continue;
            n += snprintf(buf + n, cap - (size_t)n, "%s%s (%s)", nother ? ", " : "", t->regions[k].id,
                          cm_region_describe(t, k, d, sizeof d));
            nother++;
        }
        if (n >= 0 && (size_t)n < cap)
            snprintf(buf + n, cap - (size_t)n, "; to mean %s, write its id", nother > 1 ? "one of those" : "that one");
        return buf;
    }
    if (r->distinct_from == CM_NONE) return NULL;
    const cm_region *o = &t->regions[r->distinct_from];
    snprintf(buf, cap, "'%s' is understood as %s %s, not %s %s", as_written, r->name, r->zh_hans ? r->zh_hans : "",
             o->name, o->zh_hans ? o->zh_hans : "");
    return buf;
}

/* Append to a growing message; returns false when out of memory. */
static bool msg_add(char **m, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool msg_add(char **m, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return false;
    char *g = realloc(*m, *len + (size_t)n + 1);
    if (!g) return false;
    *m = g;
    va_start(ap, fmt);
    vsnprintf(*m + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
    return true;
}

/* "a (Description), b (Description) or c (Description)" for the regions of entry `e`. */
static bool list_candidates(const cm_taxonomy *t, const cm_name_entry *e, char **m, size_t *len)
{
    char buf[256];
    bool ok = true;
    for (size_t i = 0; ok && i <= e->nalso; i++) {
        size_t k = i ? e->also[i - 1] : e->idx;
        ok = msg_add(m, len, "%s%s (%s)", i == 0 ? "" : i == e->nalso ? " or " : ", ", t->regions[k].id,
                     cm_region_describe(t, k, buf, sizeof buf));
    }
    return ok;
}

char *cm_region_miss(const cm_taxonomy *t, const char *what, const char *name)
{
    char *m = NULL;
    size_t len = 0;
    const cm_name_entry *e = region_entry(t, name);
    bool ok;
    if (e && e->nalso) {
        ok = msg_add(&m, &len, "%s '%s' is ambiguous: it may be ", what, name) && list_candidates(t, e, &m, &len)
             && msg_add(&m, &len, "; write the id (or the 6-digit code) of the one you mean");
    } else if ((e = region_suggest(t, name)) && e->nalso && cm_region_find(t, e->key) == CM_NONE) {
        ok = msg_add(&m, &len, "unknown %s '%s' (did you mean one of ", what, name) && list_candidates(t, e, &m, &len)
             && msg_add(&m, &len, "?)");
    } else if (e) {
        size_t k = e->nalso ? cm_region_find(t, e->key) : e->idx;
        ok = msg_add(&m, &len, "unknown %s '%s' (did you mean '%s'?)", what, name, t->regions[k].id);
    } else {
        ok = msg_add(&m, &len, "unknown %s '%s' (see 'clustermatch list regions')", what, name);
    }
    if (!ok) { free(m); return NULL; }
    return m;
}

const char *cm_suggest(const cm_taxonomy *t, cm_vocab v, const char *name)
{
    if (v == CM_VOCAB_REGION) {
        const cm_name_entry *e = region_suggest(t, name);
        if (!e) return NULL;
        size_t k = e->nalso ? cm_region_find(t, e->key) : e->idx;
        return t->regions[k == CM_NONE ? e->idx : k].id;
    }
    const cm_names *h = v == CM_VOCAB_SECTOR ? &t->sector_names : v == CM_VOCAB_REGION ? &t->region_names
                      : v == CM_VOCAB_PRIORITY ? &t->priority_names : &t->goal_names;
    char *q = cm_fold(name);
    if (!q) return NULL;
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (size_t i = 0; i < h->n; i++) {
        const cm_name_entry *e = &h->v[i];
        const char *id = v == CM_VOCAB_SECTOR ? t->sectors[e->idx].id
                       : v == CM_VOCAB_REGION ? t->regions[e->idx].id
                       : v == CM_VOCAB_PRIORITY ? t->priorities[e->idx].id : t->goals[e->idx].id;
        size_t d = closeness(q, e->key);
        /* Prefer the closest; among equals, the shortest id, then byte order, so the
         * suggestion does not depend on hash order. */
        if (d != (size_t)-1 && (d < bestd || (d == bestd && (strlen(id) < strlen(best) ||
                                 (strlen(id) == strlen(best) && strcmp(id, best) < 0))))) {
            bestd = d;
            best = id;
        }
    }
    free(q);
    return best;
}

/* ---- hierarchy --------------------------------------------------------------------- */

int cm_sector_ancestor_dist(const cm_taxonomy *t, size_t a, size_t b)
{
    unsigned char v = t->anc[a * t->nsectors + b];
    return v == 0xff ? -1 : v;
}

bool cm_region_within(const cm_taxonomy *t, size_t inner, size_t outer)
{
    if (inner == outer) return true;
    const cm_region *o = &t->regions[outer];
    /* Walk up the city chain, checking each step against `outer`. */
    for (size_t r = inner; r != CM_NONE; r = t->regions[r].parent) {
        const cm_region *x = &t->regions[r];
        if (r == outer) return true;
        if (o->level == CM_REG_PROVINCE && x->province == outer) return true;
        if (o->level == CM_REG_MACRO && x->macro == outer) return true;
        if (o->level == CM_REG_CLUSTER)
            for (size_t m = 0; m < o->nmembers; m++)
                if (o->members[m] == r || o->members[m] == x->province) return true;
        if (x->level != CM_REG_CITY) break;
    }
    return false;
}

/* ---- loading ----------------------------------------------------------------------- */

typedef struct loadctx {
    yctx c;
    cm_taxonomy *t;
} loadctx;

static int load_file(const char *dir, const char *name, ydoc_stream **s, const ynode **root,
                     const char *key, cm_diags *d, char **path_out)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (!path) return cm_ioerror(d, dir, "out of memory");
    snprintf(path, len, "%s/%s", dir, name);
    *path_out = path;
    if (ydoc_load_file(path, &YLIMITS_DATA, s, d) != 0) return -1;
    if ((*s)->ndocs != 1 || !(*s)->docs[0] || (*s)->docs[0]->type != YN_MAP)
        return cm_error(d, path, 1, 1, "expected one YAML mapping with a '%s' list", key);
    *root = (*s)->docs[0];
    return 0;
}

/* A list under `key` in `root`; NULL (after an error) when it is missing or not a list. */
static const ynode *get_list(const yctx *c, const ynode *root, const char *key)
{
    const ynode *l = ynode_get(root, key);
    if (!l) { cm_error(c->d, c->file, root->line, root->col, "missing required key '%s'", key); return NULL; }
    if (l->type != YN_SEQ) {
        cm_error(c->d, c->file, l->line, l->col, "'%s' must be a list, not %s", key, ynode_kind(l));
        return NULL;
    }
    return l;
}

/* The Chinese label of a vocabulary entry: `label-zh` and `label-zh-source` are both
 * required, so every entry the --lang zh report can name has Chinese words with a stated
 * origin, never a machine translation. A label whose source is `catalogue` must be one of
 * the entry's `aliases-zh` (the catalogue's own words), when the entry has that list. */
static int read_label_zh(const yctx *c, const ynode *e, char **out, char *const *aliases_zh,
                         size_t naliases_zh)
{
    char *src = NULL;
    if (yf_str(c, e, "label-zh", true, out) || yf_str(c, e, "label-zh-source", true, &src)) {
        free(src);
        return -1;
    }
    int rc = 0;
    if (!strcmp(src, "catalogue") && aliases_zh) {
        bool found = false;
        for (size_t i = 0; i < naliases_zh && !found; i++) found = !strcmp(aliases_zh[i], *out);
        if (!found) {
            const ynode *n = ynode_get(e, "label-zh");
            rc = cm_error(c->d, c->file, n->line, n->col,
                          "label-zh '%s' comes from the catalogue but is not one of this entry's aliases-zh", *out);
        }
    }
    free(src);
    return rc;
}

static int load_sectors(cm_taxonomy *t, const char *dir, cm_diags *d)
{
    ydoc_stream *s = NULL;
    const ynode *root, *list;
    char *path = NULL;
    int rc = -1;
    char **parent_names = NULL;
    const ynode **srcs = NULL;     /* the entry each sector came from */
    if (load_file(dir, "sectors.yaml", &s, &root, "sectors", d, &path)) goto out;
    yctx c = { path, d };
    if (!(list = get_list(&c, root, "sectors"))) goto out;
    size_t errs0 = d->nerrors;
    t->sectors = calloc(list->n ? list->n : 1, sizeof *t->sectors);
    if (!t->sectors) { cm_ioerror(d, path, "out of memory"); goto out; }
    static const char *const keys[] = { "id", "label", "label-zh", "label-zh-source", "parents", "aliases",
                                        "aliases-zh", "source", "related", "description", NULL };
    /* Pass 1: ids and names, so parents can refer forward. */
    const char **ids = calloc(list->n ? list->n : 1, sizeof *ids);
    srcs = calloc(list->n ? list->n : 1, sizeof *srcs);
    if (!ids || !srcs) { free(ids); cm_ioerror(d, path, "out of memory"); goto out; }
    for (size_t i = 0; i < list->n; i++) {
        const ynode *e = list->items[i];
        cm_sector *sec = &t->sectors[t->nsectors];
        if (yf_expect_map(&c, e, "a sector") || yf_check_keys(&c, e, keys, "sector")) continue;
        if (yf_id(&c, e, &sec->id) || yf_str(&c, e, "label", true, &sec->label) ||
            yf_strlist(&c, e, "aliases", false, &sec->aliases, &sec->naliases) ||
            yf_strlist(&c, e, "aliases-zh", false, &sec->aliases_zh, &sec->naliases_zh)) {
            free(sec->id); free(sec->label); yf_strlist_free(sec->aliases, sec->naliases);
            yf_strlist_free(sec->aliases_zh, sec->naliases_zh);
            memset(sec, 0, sizeof *sec);
            continue;
        }
        /* A missing Chinese label is an error, but the sector still counts: the entries
         * that name it should not fail as well. */
        read_label_zh(&c, e, &sec->label_zh, sec->aliases_zh, sec->naliases_zh);
        char *src = NULL;
        if (yf_str(&c, e, "source", true, &src) == 0) free(src);
        size_t idx = t->nsectors++;
        ids[idx] = sec->id;
        srcs[idx] = e;
        if (cm_sector_find(t, sec->id) != CM_NONE && strcmp(t->sectors[cm_sector_find(t, sec->id)].id, sec->id) == 0) {
            const ynode *n = ynode_get(e, "id");
            cm_error(d, path, n->line, n->col, "duplicate sector id '%s'", sec->id);
            continue;
        }
        names_add(&t->sector_names, sec->id, idx, ids, "sector", &c, e->line, e->col);
    }
    /* Pass 2: labels and aliases (after all ids, so an alias equal to a later id clashes
     * with that id and the message names both), then parents. Each sector is read from the
     * entry pass 1 took it from: matching entries by id picked a rejected entry with the
     * id of a later one (a duplicate id), which has no label. */
    for (size_t k = 0; k < t->nsectors; k++) {
        const ynode *e = srcs[k];
        cm_sector *sec = &t->sectors[k];
        const ynode *al = ynode_get(e, "aliases");
        names_add(&t->sector_names, sec->label, k, ids, "sector", &c,
                  ynode_get(e, "label")->line, ynode_get(e, "label")->col);
        for (size_t a = 0; a < sec->naliases; a++) {
            const ynode *an = al->type == YN_SEQ ? al->items[a] : al;
            names_add(&t->sector_names, sec->aliases[a], k, ids, "sector", &c, an->line, an->col);
        }
        const ynode *zl = ynode_get(e, "aliases-zh");
        for (size_t a = 0; a < sec->naliases_zh; a++) {
            const ynode *an = zl->type == YN_SEQ ? zl->items[a] : zl;
            names_add(&t->sector_names, sec->aliases_zh[a], k, ids, "sector", &c, an->line, an->col);
        }
        size_t np = 0;
        if (yf_strlist(&c, e, "parents", false, &parent_names, &np) == 0 && np) {
            const ynode *pl = ynode_get(e, "parents");
            sec->parents = calloc(np, sizeof *sec->parents);
            for (size_t p = 0; sec->parents && p < np; p++) {
                const ynode *pn = pl->type == YN_SEQ ? pl->items[p] : pl;
                size_t pi = CM_NONE;
                for (size_t q = 0; q < t->nsectors; q++)
                    if (!strcmp(t->sectors[q].id, parent_names[p])) { pi = q; break; }
                if (pi == CM_NONE) {
                    const char *sug = cm_suggest_among(ids, t->nsectors, parent_names[p]);
                    if (sug)
                        cm_error(d, path, pn->line, pn->col, "unknown parent sector '%s' (did you mean '%s'?)", parent_names[p], sug);
                    else
                        cm_error(d, path, pn->line, pn->col, "unknown parent sector '%s'", parent_names[p]);
                } else {
                    sec->parents[sec->nparents++] = pi;
                }
            }
        }
        yf_strlist_free(parent_names, np);
        parent_names = NULL;
    }
    free(ids);
    if (d->nerrors > errs0) goto out;

    /* Ancestor closure by walking up from each sector; a walk longer than the number of
     * sectors means a cycle. Distances are the shortest number of steps. */
    size_t n = t->nsectors;
    t->anc = malloc(n > 0 ? n * n : 1);
    size_t *queue = malloc((n ? n : 1) * sizeof *queue);
    if (!t->anc || !queue) { free(queue); cm_ioerror(d, path, "out of memory"); goto out; }
    memset(t->anc, 0xff, n * n);
    for (size_t i = 0; i < n; i++) {
        unsigned char *row = t->anc + i * n;
        size_t qh = 0, qt = 0;
        row[i] = 0;
        queue[qt++] = i;
        while (qh < qt) {
            size_t x = queue[qh++];
            for (size_t p = 0; p < t->sectors[x].nparents; p++) {
                size_t y = t->sectors[x].parents[p];
                if (y == i) {
                    const ynode *e = srcs[i];
                    cm_error(d, path, e->line, e->col, "cycle in sector hierarchy: '%s' is its own ancestor (via '%s')",
                             t->sectors[i].id, t->sectors[x].id);
                    qh = qt;
                    break;
                }
                if (row[y] == 0xff) {
                    row[y] = (unsigned char)(row[x] + 1 < 0xfe ? row[x] + 1 : 0xfe);
                    queue[qt++] = y;
                }
            }
        }
        unsigned depth = 0;
        for (size_t j = 0; j < n; j++)
            if (row[j] != 0xff && row[j] > depth) depth = row[j];
        t->sectors[i].depth = depth;
    }
    free(queue);
    if (d->nerrors > errs0) goto out;
    rc = 0;
out:
    free(srcs);
    ydoc_stream_free(s);
    free(path);
    return rc;
}

/* ---- regions ------------------------------------------------------------------------ */

/* The two region files: one region's entry and the file it came from. */
typedef struct region_src { const ynode *node; const yctx *c; } region_src;

static void add_region_names(cm_taxonomy *t, const yctx *c, const ynode *e, size_t idx)
{
    static const char *const single[] = { "id", "name", "zh-hans", "zh-hant", "code" };
    static const char *const lists[] = { "pinyin", "aliases" };
    for (size_t i = 0; i < 5; i++) {
        const ynode *n = ynode_get(e, single[i]);
        if (n && n->type == YN_SCALAR && !ynode_is_null(n))
            region_name_add(t, c, n->str, idx, false, n->line, n->col);
    }
    for (size_t i = 0; i < 2; i++) {
        const ynode *l = ynode_get(e, lists[i]);
        if (!l || ynode_is_null(l)) continue;
        if (l->type == YN_SCALAR) {
            region_name_add(t, c, l->str, idx, false, l->line, l->col);
        } else if (l->type == YN_SEQ) {
            for (size_t k = 0; k < l->n; k++)
                if (l->items[k]->type == YN_SCALAR)
                    region_name_add(t, c, l->items[k]->str, idx, false, l->items[k]->line, l->items[k]->col);
                else
                    cm_error(c->d, c->file, l->items[k]->line, l->items[k]->col,
                             "items of '%s' must be strings", lists[i]);
        } else {
            cm_error(c->d, c->file, l->line, l->col, "'%s' must be a list of strings", lists[i]);
        }
    }
}

/* A reference by id (the data files refer to regions by id, exactly). */
static size_t region_ref(const cm_taxonomy *t, const yctx *c, const ynode *n, const char *key,
                         int want_level, const char *what)
{
    if (!n || n->type != YN_SCALAR) {
        if (n) cm_error(c->d, c->file, n->line, n->col, "'%s' must be a region id", key);
        return CM_NONE;
    }
    const cm_name_entry *e = names_get(&t->region_ids, n->str);
    if (e) {
        if (want_level >= 0 && t->regions[e->idx].level != (cm_region_level)want_level) {
            cm_error(c->d, c->file, n->line, n->col, "'%s' is not %s", n->str, what);
            return CM_NONE;
        }
        return e->idx;
    }
    const char *sug = cm_suggest(t, CM_VOCAB_REGION, n->str);
    if (sug)
        cm_error(c->d, c->file, n->line, n->col, "unknown %s '%s' (did you mean '%s'?)", what, n->str, sug);
    else
        cm_error(c->d, c->file, n->line, n->col, "unknown %s '%s'", what, n->str);
    return CM_NONE;
}

static int read_coords(const yctx *c, const ynode *e, cm_region *r, bool required)
{
    bool hl = false, ho = false;
    if (yf_num(c, e, "lat", required, -180.0, 180.0, &r->lat, &hl) ||
        yf_num(c, e, "lon", required, -180.0, 180.0, &r->lon, &ho) ||
        yf_bool(c, e, "approximate", &r->approximate))
        return -1;
    /* China's extent, generously (the same box as partners' coordinates). The region is
     * kept, so references to it do not fail as well. */
    bool inlat = !hl || (r->lat >= 18.0 && r->lat <= 54.0), inlon = !ho || (r->lon >= 73.0 && r->lon <= 135.5);
    if (!inlat || !inlon) {
        const ynode *n = ynode_get(e, inlat ? "lon" : "lat");
        cm_error(c->d, c->file, n->line, n->col, "%s %g is outside China (lat 18 to 54, lon 73 to 135.5)%s",
                 inlat ? "lon" : "lat", inlat ? r->lon : r->lat,
                 hl && ho && r->lon >= 18.0 && r->lon <= 54.0 && r->lat >= 73.0 && r->lat <= 135.5
                 ? "; are lat and lon swapped?" : "");
    }
    r->has_coords = hl && ho;
    return 0;
}

/* A division code: six digits, the GB/T 2260 form. */
static int read_code(const yctx *c, const ynode *e, cm_region *r)
{
    if (yf_str(c, e, "code", false, &r->code)) return -1;
    if (!r->code) return 0;
    size_t n = strlen(r->code);
    bool ok = n == 6;
    for (size_t i = 0; ok && i < n; i++) ok = cm_is_digit(r->code[i]);
    if (!ok) {
        const ynode *cn = ynode_get(e, "code");
        cm_error(c->d, c->file, cn->line, cn->col, "code '%s' must be a 6-digit GB/T 2260 code", r->code);
    }
    return 0;
}

enum { SEC_MACRO, SEC_PROV, SEC_CITY, SEC_CLUSTER, SEC_DIVISION, NSECTIONS };

/* Read the entries of one section into t->regions (pass 1: ids, names, coordinates). */
static void read_region_section(cm_taxonomy *t, const yctx *c, const ynode *list, int sct, region_src *src)
{
    static const char *const kmacro[] = { "id", "name", "aliases", "pinyin", "zh-hans", "zh-hant", "source", NULL };
    static const char *const kprov[] = { "id", "name", "type", "macro-region", "pinyin", "zh-hans", "zh-hant",
                                         "aliases", "lat", "lon", "approximate", "source", "capital",
                                         "distinct-from", NULL };
    static const char *const kcity[] = { "id", "name", "level", "province", "parent", "code", "pinyin", "zh-hans",
                                         "zh-hant", "aliases", "lat", "lon", "approximate", "source", NULL };
    static const char *const kclus[] = { "id", "name", "world-class", "provinces", "cities", "aliases",
                                         "pinyin", "zh-hans", "zh-hant", "source", "notes", NULL };
    static const char *const *const kk[] = { kmacro, kprov, kcity, kclus, kcity };
    static const char *const what[] = { "macro-region", "province", "city", "city cluster", "division" };
    cm_diags *d = c->d;
    for (size_t i = 0; i < list->n; i++) {
        const ynode *e = list->items[i];
        if (yf_expect_map(c, e, what[sct]) || yf_check_keys(c, e, kk[sct], what[sct])) continue;
        cm_region *r = &t->regions[t->nregions];
        r->level = sct == SEC_DIVISION ? CM_REG_CITY : (cm_region_level)sct;
        r->province = r->parent = r->macro = r->distinct_from = CM_NONE;
        char *srcs = NULL;
        if (yf_id(c, e, &r->id) || yf_str(c, e, "name", true, &r->name) ||
            yf_str(c, e, "zh-hans", false, &r->zh_hans) || yf_str(c, e, "zh-hant", false, &r->zh_hant) ||
            yf_str(c, e, sct == SEC_PROV ? "type" : "level", false, &r->subtype) ||
            yf_str(c, e, "source", true, &srcs) || read_code(c, e, r) ||
            read_coords(c, e, r, sct == SEC_PROV || sct == SEC_CITY || sct == SEC_DIVISION)) {
            free(srcs);
            free(r->id); free(r->name); free(r->zh_hans); free(r->zh_hant); free(r->subtype); free(r->code);
            memset(r, 0, sizeof *r);
            continue;
        }
        free(srcs);
        bool wc = false;
        if (sct == SEC_CLUSTER && yf_bool(c, e, "world-class", &wc) == 0) r->world_class = wc;
        size_t idx = t->nregions;
        const cm_name_entry *dup = names_get(&t->region_ids, r->id);
        if (dup) {
            const ynode *n = ynode_get(e, "id");
            cm_error(d, c->file, n->line, n->col, "duplicate region id '%s'", r->id);
        }
        t->nregions++;
        src[idx] = (region_src){ e, c };
        if (!dup) region_name_add(t, c, r->id, idx, true, e->line, e->col);
    }
}

static int load_regions(cm_taxonomy *t, const char *dir, cm_diags *d)
{
    ydoc_stream *s = NULL, *s2 = NULL;
    const ynode *root, *root2 = NULL;
    char *path = NULL, *path2 = NULL;
    int rc = -1;
    region_src *src = NULL;
    if (load_file(dir, "regions.yaml", &s, &root, "provinces", d, &path)) goto out;
    yctx c = { path, d }, c2 = { NULL, d };
    size_t errs0 = d->nerrors;
    static const char *const sections[] = { "macro-regions", "provinces", "cities", "city-clusters" };
    static const char *const top[] = { "macro-regions", "provinces", "cities", "city-clusters", NULL };
    yf_check_keys(&c, root, top, "regions.yaml");
    const ynode *lists[NSECTIONS] = { 0 };
    size_t total = 0;
    for (int i = 0; i < SEC_DIVISION; i++) {
        if (!(lists[i] = get_list(&c, root, sections[i]))) goto out;
        total += lists[i]->n;
    }
    /* Every division, generated by tools/regions; a data set without it (a test fixture)
     * has just the curated places. */
    size_t len2 = strlen(dir) + sizeof "/regions-divisions.yaml";
    if (!(path2 = malloc(len2))) { cm_ioerror(d, dir, "out of memory"); goto out; }
    snprintf(path2, len2, "%s/regions-divisions.yaml", dir);
    FILE *probe = fopen(path2, "r");
    if (probe) {
        fclose(probe);
        free(path2);
        path2 = NULL;
        if (load_file(dir, "regions-divisions.yaml", &s2, &root2, "divisions", d, &path2)) goto out;
        c2.file = path2;
        static const char *const top2[] = { "divisions", "as-of", NULL };
        yf_check_keys(&c2, root2, top2, "regions-divisions.yaml");
        if (!(lists[SEC_DIVISION] = get_list(&c2, root2, "divisions"))) goto out;
        total += lists[SEC_DIVISION]->n;
    }
    t->regions = calloc(total ? total : 1, sizeof *t->regions);
    src = calloc(total ? total : 1, sizeof *src);
    if (!t->regions || !src) { cm_ioerror(d, path, "out of memory"); goto out; }
    /* Pass 1: ids, names, coordinates; references need every id first. */
    for (int sct = 0; sct < NSECTIONS; sct++)
        if (lists[sct]) read_region_section(t, sct == SEC_DIVISION ? &c2 : &c, lists[sct], sct, src);
    for (size_t i = 0; i < t->nregions; i++)
        add_region_names(t, src[i].c, src[i].node, i);
    /* Pass 2: references. */
    for (size_t i = 0; i < t->nregions; i++) {
        cm_region *r = &t->regions[i];
        const ynode *e = src[i].node;
        const yctx *ci = src[i].c;
        if (r->level == CM_REG_PROVINCE) {
            r->province = i;
            r->macro = region_ref(t, ci, ynode_get(e, "macro-region"), "macro-region", CM_REG_MACRO, "macro-region");
            if (!ynode_get(e, "macro-region"))
                cm_error(d, ci->file, e->line, e->col, "missing required key 'macro-region'");
            const ynode *df = ynode_get(e, "distinct-from");
            if (df && !ynode_is_null(df))
                r->distinct_from = region_ref(t, ci, df, "distinct-from", CM_REG_PROVINCE, "a province");
        } else if (r->level == CM_REG_CITY) {
            if (!ynode_get(e, "province"))
                cm_error(d, ci->file, e->line, e->col, "missing required key 'province'");
            r->province = region_ref(t, ci, ynode_get(e, "province"), "province", CM_REG_PROVINCE, "province");
            if (ynode_get(e, "parent") && !ynode_is_null(ynode_get(e, "parent")))
                r->parent = region_ref(t, ci, ynode_get(e, "parent"), "parent", CM_REG_CITY, "city");
        } else if (r->level == CM_REG_CLUSTER) {
            static const char *const mk[] = { "provinces", "cities" };
            for (int m = 0; m < 2; m++) {
                const ynode *l = ynode_get(e, mk[m]);
                if (!l || ynode_is_null(l)) continue;
                if (l->type != YN_SEQ) { cm_error(d, ci->file, l->line, l->col, "'%s' must be a list", mk[m]); continue; }
                size_t *mem = realloc(r->members, (r->nmembers + l->n + 1) * sizeof *mem);
                if (!mem) { cm_ioerror(d, ci->file, "out of memory"); goto out; }
                r->members = mem;
                for (size_t k = 0; k < l->n; k++) {
                    size_t x = region_ref(t, ci, l->items[k], mk[m], m ? CM_REG_CITY : CM_REG_PROVINCE,
                                          m ? "city" : "province");
                    if (x != CM_NONE) r->members[r->nmembers++] = x;
                }
            }
            if (!r->nmembers)
                cm_error(d, ci->file, e->line, e->col, "city cluster '%s' has no member provinces or cities", r->id);
        }
    }
    /* Cities inherit the macro-region of their province; a parent must be in the same
     * province, and chains of parents must end. */
    for (size_t i = 0; i < t->nregions; i++) {
        cm_region *r = &t->regions[i];
        if (r->level != CM_REG_CITY || r->province == CM_NONE) continue;
        r->macro = t->regions[r->province].macro;
        const region_src *si = &src[i];
        /* Report the cities on a cycle; one that only leads into it stops quietly. */
        size_t steps = 0;
        for (size_t p = r->parent; p != CM_NONE && ++steps <= t->nregions; p = t->regions[p].parent)
            if (p == i) {
                cm_error(d, si->c->file, si->node->line, si->node->col, "cycle in city parents at '%s'", r->id);
                break;
            }
        if (r->parent != CM_NONE && t->regions[r->parent].province != r->province)
            cm_error(d, si->c->file, si->node->line, si->node->col, "city '%s' is in '%s' but its parent '%s' is in '%s'",
                     r->id, t->regions[r->province].id, t->regions[r->parent].id,
                     t->regions[r->parent].province != CM_NONE ? t->regions[t->regions[r->parent].province].id : "?");
    }
    if (d->nerrors > errs0) goto out;
    rc = 0;
out:
    free(src);
    ydoc_stream_free(s);
    ydoc_stream_free(s2);
    free(path);
    free(path2);
    return rc;
}

/* ---- priorities, goals, notes ------------------------------------------------------- */

size_t cm_sector_at(const cm_taxonomy *t, const char *file, const ynode *n, cm_diags *d)
{
    if (n->type != YN_SCALAR) {
        cm_error(d, file, n->line, n->col, "a sector must be a string, not %s", ynode_kind(n));
        return CM_NONE;
    }
    size_t i = cm_sector_find(t, n->str);
    if (i != CM_NONE) return i;
    const char *sug = cm_suggest(t, CM_VOCAB_SECTOR, n->str);
    if (sug)
        cm_error(d, file, n->line, n->col, "unknown sector '%s' (did you mean '%s'?)", n->str, sug);
    else
        cm_error(d, file, n->line, n->col, "unknown sector '%s'", n->str);
    return CM_NONE;
}

/* Sectors as a list (weight 1) or a map of sector to weight. */
static int read_sector_weights(const cm_taxonomy *t, const yctx *c, const ynode *n,
                               size_t **idx, double **w, size_t *cnt)
{
    *idx = NULL; *w = NULL; *cnt = 0;
    if (!n || ynode_is_null(n)) return 0;
    if (n->type == YN_SCALAR) n = NULL;
    if (!n || (n->type != YN_SEQ && n->type != YN_MAP))
        return -1;
    *idx = calloc(n->n ? n->n : 1, sizeof **idx);
    *w = calloc(n->n ? n->n : 1, sizeof **w);
    if (!*idx || !*w) return cm_ioerror(c->d, c->file, "out of memory");
    int bad = 0;
    for (size_t i = 0; i < n->n; i++) {
        size_t s = cm_sector_at(t, c->file, n->items[i], c->d);
        double wt = 1.0;
        if (n->type == YN_MAP && yf_weight(c, n->values[i], n->items[i]->str, &wt)) bad = 1;
        if (s == CM_NONE) { bad = 1; continue; }
        (*idx)[*cnt] = s;
        (*w)[(*cnt)++] = wt;
    }
    return bad ? -1 : 0;
}

/* `period: 2016-2020` and `ended: 2020`. A programme whose period is over must say so with
 * `ended`, so no explanation presents it as current policy: an `ended` before the period
 * began, or a period that runs backwards, is an error. */
static void read_period(const yctx *c, const ynode *e, cm_programme *p)
{
    const ynode *pn = ynode_get(e, "period");
    if (pn && !ynode_is_null(pn)) {
        int a = 0, b = 0, used = 0;
        if (pn->type != YN_SCALAR || sscanf(pn->str, "%4d-%4d%n", &a, &b, &used) != 2 ||
            pn->str[used] != '\0' || a < 1949 || b > 2100 || b < a)
            cm_error(c->d, c->file, pn->line, pn->col,
                     "'period' must be two years, the first not after the second, e.g. 2016-2020");
        else
            p->start = a, p->end = b;
    }
    double y;
    bool has = false;
    if (yf_num(c, e, "ended", false, 1949, 2100, &y, &has) == 0 && has) {
        const ynode *en = ynode_get(e, "ended");
        if (y != (int)y)
            cm_error(c->d, c->file, en->line, en->col, "'ended' must be a year, e.g. 2020");
        else if (p->start && (int)y < p->start)
            cm_error(c->d, c->file, en->line, en->col, "programme '%s' ended in %d, before its period began (%d)",
                     p->id, (int)y, p->start);
        else
            p->ended = (int)y;
    }
}

static int load_priorities(cm_taxonomy *t, const char *dir, cm_diags *d)
{
    ydoc_stream *s = NULL;
    const ynode *root, *pl, *ql;
    char *path = NULL;
    int rc = -1;
    if (load_file(dir, "priorities.yaml", &s, &root, "priorities", d, &path)) goto out;
    yctx c = { path, d };
    size_t errs0 = d->nerrors;
    if (!(pl = get_list(&c, root, "programmes")) || !(ql = get_list(&c, root, "priorities"))) goto out;
    t->programmes = calloc(pl->n ? pl->n : 1, sizeof *t->programmes);
    t->priorities = calloc(ql->n ? ql->n : 1, sizeof *t->priorities);
    if (!t->programmes || !t->priorities) { cm_ioerror(d, path, "out of memory"); goto out; }
    static const char *const kprog[] = { "id", "name", "name-zh", "origin", "period", "ended", "source",
                                         "description", "year", "aliases", NULL };
    for (size_t i = 0; i < pl->n; i++) {
        const ynode *e = pl->items[i];
        cm_programme *p = &t->programmes[t->nprogrammes];
        char *src = NULL;
        if (yf_expect_map(&c, e, "a programme") || yf_check_keys(&c, e, kprog, "programme")) continue;
        if (yf_id(&c, e, &p->id) || yf_str(&c, e, "name", true, &p->name) || yf_str(&c, e, "source", true, &src)) {
            free(p->id); free(p->name); free(src); memset(p, 0, sizeof *p);
            continue;
        }
        free(src);
        char *origin = NULL;
        if (yf_str(&c, e, "origin", false, &origin) == 0 && origin) {
            if (!strcmp(origin, "eu")) p->origin = CM_ORIGIN_EU;
            else if (!strcmp(origin, "eu-china")) p->origin = CM_ORIGIN_EU_CHINA;
            else if (strcmp(origin, "china") != 0) {
                const ynode *on = ynode_get(e, "origin");
                cm_error(d, path, on->line, on->col, "unknown origin '%s' (one of china, eu, eu-china)", origin);
            }
        }
        free(origin);
        yf_str(&c, e, "name-zh", false, &p->name_zh);
        read_period(&c, e, p);
        t->nprogrammes++;
    }
    const char **ids = calloc(ql->n ? ql->n : 1, sizeof *ids);
    if (!ids) { cm_ioerror(d, path, "out of memory"); goto out; }
    static const char *const kprio[] = { "id", "label", "label-zh", "programme", "sectors", "source", "aliases",
                                         "description", "region", NULL };
    for (size_t i = 0; i < ql->n; i++) {
        const ynode *e = ql->items[i];
        cm_priority *q = &t->priorities[t->npriorities];
        char *src = NULL, *prog = NULL;
        if (yf_expect_map(&c, e, "a priority") || yf_check_keys(&c, e, kprio, "priority")) continue;
        if (yf_id(&c, e, &q->id) || yf_str(&c, e, "label", true, &q->label) ||
            yf_str(&c, e, "source", true, &src) || yf_str(&c, e, "programme", true, &prog)) {
            free(q->id); free(q->label); free(src); free(prog); memset(q, 0, sizeof *q);
            continue;
        }
        free(src);
        yf_str(&c, e, "label-zh", false, &q->label_zh);
        q->programme = CM_NONE;
        for (size_t k = 0; k < t->nprogrammes; k++)
            if (!strcmp(t->programmes[k].id, prog)) q->programme = k;
        if (q->programme == CM_NONE) {
            const ynode *pn = ynode_get(e, "programme");
            cm_error(d, path, pn->line, pn->col, "unknown programme '%s'", prog);
        }
        free(prog);
        q->region = CM_NONE;
        const ynode *rn = ynode_get(e, "region");
        if (rn && rn->type != YN_SCALAR)
            cm_error(d, path, rn->line, rn->col, "'region' must be one region name, not %s", ynode_kind(rn));
        else if (rn && (q->region = cm_region_find(t, rn->str)) == CM_NONE) {
            const char *sug = cm_suggest(t, CM_VOCAB_REGION, rn->str);
            if (sug) cm_error(d, path, rn->line, rn->col, "unknown region '%s' (did you mean '%s'?)", rn->str, sug);
            else cm_error(d, path, rn->line, rn->col, "unknown region '%s'", rn->str);
        }
        const ynode *sn = ynode_get(e, "sectors");
        if (!sn || ynode_is_null(sn) || (sn->type != YN_SEQ && sn->type != YN_MAP) || sn->n == 0)
            cm_error(d, path, sn ? sn->line : e->line, sn ? sn->col : e->col,
                     "priority '%s' needs a non-empty list or map of sectors", q->id);
        else
            read_sector_weights(t, &c, sn, &q->sectors, &q->weights, &q->nsectors);
        size_t idx = t->npriorities++;
        ids[idx] = q->id;
        if (cm_priority_find(t, q->id) != CM_NONE) {
            const ynode *n = ynode_get(e, "id");
            cm_error(d, path, n->line, n->col, "duplicate priority id '%s'", q->id);
        }
        names_add(&t->priority_names, q->id, idx, ids, "priority", &c, e->line, e->col);
        const ynode *al = ynode_get(e, "aliases");
        if (al && al->type == YN_SEQ)
            for (size_t k = 0; k < al->n; k++)
                if (al->items[k]->type == YN_SCALAR)
                    names_add(&t->priority_names, al->items[k]->str, idx, ids, "priority", &c,
                              al->items[k]->line, al->items[k]->col);
    }
    free(ids);
    if (d->nerrors > errs0) goto out;
    rc = 0;
out:
    ydoc_stream_free(s);
    free(path);
    return rc;
}

static int load_goals(cm_taxonomy *t, const char *dir, cm_diags *d)
{
    ydoc_stream *s = NULL;
    const ynode *root, *gl, *fit;
    char *path = NULL;
    int rc = -1;
    if (load_file(dir, "goals.yaml", &s, &root, "goals", d, &path)) goto out;
    yctx c = { path, d };
    size_t errs0 = d->nerrors;
    static const char *const top[] = { "goals", "kinds", "fit", "default-goals", "source", NULL };
    yf_check_keys(&c, root, top, "goals.yaml");
    if (!(gl = get_list(&c, root, "goals"))) goto out;
    t->goals = calloc(gl->n ? gl->n : 1, sizeof *t->goals);
    const char **ids = calloc(gl->n ? gl->n : 1, sizeof *ids);
    if (!t->goals || !ids) { free(ids); cm_ioerror(d, path, "out of memory"); goto out; }
    static const char *const kg[] = { "id", "label", "label-zh", "label-zh-source", "description", "aliases", NULL };
    for (size_t i = 0; i < gl->n; i++) {
        const ynode *e = gl->items[i];
        cm_goal *g = &t->goals[t->ngoals];
        if (yf_expect_map(&c, e, "a goal") || yf_check_keys(&c, e, kg, "goal")) continue;
        if (yf_id(&c, e, &g->id) || yf_str(&c, e, "label", true, &g->label)) {
            free(g->id); free(g->label); memset(g, 0, sizeof *g);
            continue;
        }
        read_label_zh(&c, e, &g->label_zh, NULL, 0);   /* an error, but the goal counts */
        size_t idx = t->ngoals++;
        ids[idx] = g->id;
        names_add(&t->goal_names, g->id, idx, ids, "goal", &c, e->line, e->col);
        names_add(&t->goal_names, g->label, idx, ids, "goal", &c, e->line, e->col);
    }
    free(ids);
    /* The partner kinds are a fixed table in the code; goals.yaml gives their Chinese names
     * beside the fit rows, one entry per kind. */
    const ynode *kl = get_list(&c, root, "kinds");
    static const char *const kk[] = { "id", "label-zh", "label-zh-source", NULL };
    for (size_t i = 0; kl && i < kl->n; i++) {
        const ynode *e = kl->items[i], *idn;
        if (yf_expect_map(&c, e, "a kind") || yf_check_keys(&c, e, kk, "kind")) continue;
        if (!(idn = ynode_get(e, "id")) || idn->type != YN_SCALAR) {
            cm_error(d, path, e->line, e->col, "a kind needs an 'id'");
            continue;
        }
        int k = cm_kind_parse(idn->str);
        if (k < 0) { cm_error(d, path, idn->line, idn->col, "unknown partner kind '%s' (one of %s)", idn->str, CM_KIND_LIST); continue; }
        if (t->kind_label_zh[k]) { cm_error(d, path, idn->line, idn->col, "kind '%s' listed twice", idn->str); continue; }
        read_label_zh(&c, e, &t->kind_label_zh[k], NULL, 0);
    }
    for (int k = 0; kl && k < CM_NKINDS; k++)
        if (!t->kind_label_zh[k]) cm_error(d, path, kl->line, kl->col, "'kinds' gives no label-zh for kind '%s'", cm_kind_names[k]);
    t->goal_fit = calloc(t->ngoals ? t->ngoals : 1, sizeof *t->goal_fit);
    if (!t->goal_fit) { cm_ioerror(d, path, "out of memory"); goto out; }
    fit = ynode_get(root, "fit");
    if (yf_expect_map(&c, fit ? fit : root, "'fit'")) goto out;
    if (!fit) { cm_error(d, path, root->line, root->col, "missing required key 'fit'"); goto out; }
    bool seen[CM_NKINDS] = { 0 };
    for (size_t i = 0; i < fit->n; i++) {
        const ynode *kn = fit->items[i], *row = fit->values[i];
        int k = cm_kind_parse(kn->str);
        if (k < 0) { cm_error(d, path, kn->line, kn->col, "unknown partner kind '%s'", kn->str); continue; }
        seen[k] = true;
        if (yf_expect_map(&c, row, "a fit row")) continue;
        bool has[64] = { 0 };
        for (size_t j = 0; j < row->n; j++) {
            size_t g = cm_goal_find(t, row->items[j]->str);
            if (g == CM_NONE) {
                cm_error(d, path, row->items[j]->line, row->items[j]->col, "unknown goal '%s'", row->items[j]->str);
                continue;
            }
            double x;
            if (g < 64) has[g] = true;      /* given, even if wrong: one message is enough */
            if (!ynode_double(row->values[j], &x) || !(x >= 0 && x <= 1)) {
                cm_error(d, path, row->values[j]->line, row->values[j]->col, "fit must be a number in [0, 1]");
                continue;
            }
            t->goal_fit[g][k] = x;
            if (g < 64) has[g] = true;
        }
        for (size_t g = 0; g < t->ngoals && g < 64; g++)
            if (!has[g])
                cm_error(d, path, row->line, row->col, "kind '%s' gives no fit for goal '%s'", cm_kind_names[k], t->goals[g].id);
    }
    for (int k = 0; k < CM_NKINDS; k++)
        if (!seen[k]) cm_error(d, path, fit->line, fit->col, "no fit row for kind '%s'", cm_kind_names[k]);
    const ynode *dg = ynode_get(root, "default-goals");
    if (dg && !ynode_is_null(dg)) {
        if (dg->type != YN_SEQ) {
            cm_error(d, path, dg->line, dg->col, "'default-goals' must be a list of goal ids");
        } else if ((t->default_goals = calloc(dg->n ? dg->n : 1, sizeof *t->default_goals))) {
            for (size_t i = 0; i < dg->n; i++) {
                const ynode *it = dg->items[i];
                size_t g = it->type == YN_SCALAR ? cm_goal_find(t, it->str) : CM_NONE;
                if (g == CM_NONE) cm_error(d, path, it->line, it->col, "unknown goal '%s' in default-goals", it->type == YN_SCALAR ? it->str : "?");
                else t->default_goals[t->ndefault_goals++] = g;
            }
        }
    }
    if (d->nerrors > errs0) goto out;
    rc = 0;
out:
    ydoc_stream_free(s);
    free(path);
    return rc;
}

static int load_notes(cm_taxonomy *t, const char *dir, cm_diags *d)
{
    ydoc_stream *s = NULL;
    const ynode *root, *nl;
    char *path = NULL;
    int rc = -1;
    if (load_file(dir, "policy-notes.yaml", &s, &root, "notes", d, &path)) goto out;
    yctx c = { path, d };
    size_t errs0 = d->nerrors;
    if (!(nl = get_list(&c, root, "notes"))) goto out;
    t->notes = calloc(nl->n ? nl->n : 1, sizeof *t->notes);
    if (!t->notes) { cm_ioerror(d, path, "out of memory"); goto out; }
    static const char *const kn[] = { "id", "title", "text", "sectors", "kinds", "link", "source", "priorities",
                                      "as-of", "historical", "superseded-by", NULL };
    for (size_t i = 0; i < nl->n; i++) {
        const ynode *e = nl->items[i];
        cm_note *n = &t->notes[t->nnotes];
        char *src = NULL, **kinds = NULL;
        size_t nk = 0;
        if (yf_expect_map(&c, e, "a note") || yf_check_keys(&c, e, kn, "note")) continue;
        if (yf_id(&c, e, &n->id) || yf_str(&c, e, "title", true, &n->title) ||
            yf_str(&c, e, "text", true, &n->text) || yf_str(&c, e, "link", false, &n->link) ||
            yf_str(&c, e, "source", true, &src) || yf_strlist(&c, e, "kinds", false, &kinds, &nk)) {
            free(n->id); free(n->title); free(n->text); free(n->link); free(src);
            memset(n, 0, sizeof *n);
            continue;
        }
        free(src);
        for (size_t k = 0; k < nk; k++) {
            int kind = cm_kind_parse(kinds[k]);
            if (kind < 0) cm_error(d, path, e->line, e->col, "unknown partner kind '%s'", kinds[k]);
            else n->kinds |= 1u << kind;
        }
        yf_strlist_free(kinds, nk);
        double year;
        bool has_year = false;
        if (yf_num(&c, e, "as-of", false, 1949, 2100, &year, &has_year) == 0 && has_year) n->as_of = (int)year;
        yf_bool(&c, e, "historical", &n->historical);
        n->superseded_by = CM_NONE;
        const ynode *sn = ynode_get(e, "sectors");
        if (sn && !ynode_is_null(sn)) {
            double *w = NULL;
            if (sn->type != YN_SEQ)
                cm_error(d, path, sn->line, sn->col, "'sectors' must be a list");
            else
                read_sector_weights(t, &c, sn, &n->sectors, &w, &n->nsectors);
            free(w);
        }
        t->nnotes++;
    }
    /* superseded-by names a later note: resolved once all are read. */
    for (size_t i = 0; i < nl->n; i++) {
        const ynode *e = nl->items[i], *id = e->type == YN_MAP ? ynode_get(e, "id") : NULL;
        const ynode *sb = e->type == YN_MAP ? ynode_get(e, "superseded-by") : NULL;
        if (!sb || ynode_is_null(sb) || !id || id->type != YN_SCALAR) continue;
        cm_note *n = NULL;
        for (size_t k = 0; k < t->nnotes && !n; k++)
            if (!strcmp(t->notes[k].id, id->str)) n = &t->notes[k];
        if (!n) continue;           /* the note itself was rejected above */
        if (!n->historical)
            cm_error(d, path, sb->line, sb->col, "note '%s' is superseded but not marked 'historical: true'", n->id);
        for (size_t j = 0; sb->type == YN_SCALAR && j < t->nnotes; j++)
            if (!strcmp(t->notes[j].id, sb->str)) n->superseded_by = j;
        if (n->superseded_by == CM_NONE)
            cm_error(d, path, sb->line, sb->col, "unknown note '%s' in superseded-by",
                     sb->type == YN_SCALAR ? sb->str : "?");
        else if (t->notes[n->superseded_by].historical)
            cm_error(d, path, sb->line, sb->col, "note '%s' is superseded by '%s', which is historical too",
                     n->id, sb->str);
    }
    if (d->nerrors > errs0) goto out;
    rc = 0;
out:
    ydoc_stream_free(s);
    free(path);
    return rc;
}

static int load_countries(cm_taxonomy *t, const char *dir, cm_diags *d)
{
    ydoc_stream *s = NULL;
    const ynode *root, *list;
    char *path = NULL;
    int rc = -1;
    if (load_file(dir, "countries.yaml", &s, &root, "countries", d, &path)) goto out;
    yctx c = { path, d };
    size_t errs0 = d->nerrors;
    static const char *const top[] = { "countries", "source", NULL };
    yf_check_keys(&c, root, top, "countries.yaml");
    if (!(list = get_list(&c, root, "countries"))) goto out;
    t->countries = calloc(list->n ? list->n : 1, sizeof *t->countries);
    if (!t->countries) { cm_ioerror(d, path, "out of memory"); goto out; }
    static const char *const kc[] = { "id", "name", "label-zh", "label-zh-source", NULL };
    for (size_t i = 0; i < list->n; i++) {
        const ynode *e = list->items[i];
        cm_country *k = &t->countries[t->ncountries];
        if (yf_expect_map(&c, e, "a country") || yf_check_keys(&c, e, kc, "country")) continue;
        if (yf_str(&c, e, "id", true, &k->id) || yf_str(&c, e, "name", true, &k->name)) {
            free(k->id); free(k->name); memset(k, 0, sizeof *k);
            continue;
        }
        read_label_zh(&c, e, &k->label_zh, NULL, 0);
        const ynode *idn = ynode_get(e, "id");
        if (strlen(k->id) != 2 || !cm_is_upper(k->id[0]) || !cm_is_upper(k->id[1])) {
            cm_error(d, path, idn->line, idn->col, "'%s' is not an ISO 3166-1 alpha-2 code in capitals (such as DE)", k->id);
        } else if (cm_country_find(t, k->id)) {
            cm_error(d, path, idn->line, idn->col, "country '%s' listed twice", k->id);
        }
        t->ncountries++;
    }
    if (d->nerrors > errs0) goto out;
    rc = 0;
out:
    ydoc_stream_free(s);
    free(path);
    return rc;
}

static cm_names *names_table(cm_taxonomy *t, cm_names_table which);

int cm_taxonomy_load(cm_taxonomy *t, const char *dir, cm_diags *d)
{
    /* Sectors first: everything else refers to them. Load the rest even after an error so
     * `data check` reports all files at once. */
    int rc = load_sectors(t, dir, d);
    if (load_regions(t, dir, d)) rc = -1;
    if (rc == 0) {
        if (load_priorities(t, dir, d)) rc = -1;
        if (load_notes(t, dir, d)) rc = -1;
    }
    if (load_goals(t, dir, d)) rc = -1;
    if (load_countries(t, dir, d)) rc = -1;
    for (int k = 0; k < CM_NNAMES; k++) names_freeze(names_table(t, (cm_names_table)k));
    return rc;
}

/* ---- name tables for the compiled dataset (taxonomy.h) ------------------------------- */

static cm_names *names_table(cm_taxonomy *t, cm_names_table which)
{
    switch (which) {
    case CM_NAMES_SECTOR: return &t->sector_names;
    case CM_NAMES_REGION: return &t->region_names;
    case CM_NAMES_REGION_ID: return &t->region_ids;
    case CM_NAMES_PRIORITY: return &t->priority_names;
    default: return &t->goal_names;
    }
}

size_t cm_names_count(const cm_taxonomy *t, cm_names_table which)
{
    return names_table((cm_taxonomy *)t, which)->n;
}

void cm_names_walk(const cm_taxonomy *t, cm_names_table which, cm_names_visit *fn, void *ctx)
{
    const cm_names *h = names_table((cm_taxonomy *)t, which);
    for (size_t i = 0; i < h->n; i++) fn(ctx, h->v[i].key, h->v[i].idx, h->v[i].also, h->v[i].nalso);
}

int cm_names_set(cm_taxonomy *t, cm_names_table which, cm_name_entry *v, size_t n, uint32_t *sorted)
{
    if (names_sort(v, n, sorted)) return -1;
    *names_table(t, which) = (cm_names){ v, n, sorted, NULL };
    return 0;
}

void cm_names_clear(cm_taxonomy *t)
{
    for (int k = 0; k < CM_NNAMES; k++) memset(names_table(t, (cm_names_table)k), 0, sizeof(cm_names));
}
