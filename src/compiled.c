/* compiled.c: the compiled dataset (see compiled.h).
 *
 * Layout: a 64-byte header; the manifest of sources (a record stream, below); the image
 * (its table of contents, its relocations, the structs themselves); the model section.
 * Record streams: integers little-endian 64-bit (32 for lengths), doubles their IEEE bits,
 * strings a 32-bit length (all ones for NULL), the bytes and a NUL.
 *
 * The image is made at compile time from a record stream of the whole dataset (the
 * weights, the zone types, the taxonomy, the partners, the five name tables in insertion
 * order): put_* write it and get_* decode it, checking every count, index and string, into
 * the same structs cm_dataset_load fills, laid out in one block (build_image). Loading
 * only relocates that block: no per-field work, whatever the size of the data.
 *
 * The put_* and get_* functions mirror each other field by field, in the order the
 * structs declare them; tests/unit/test_compiled.c compares every byte of every struct
 * the two loaders produce, so a field added to a struct and not carried here fails it.
 */
#include "compiled.h"

#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicio.h"

/* Bump this when the encoding changes; the layout fingerprint below catches struct edits. */
#define FORMAT_VERSION 3u
#define HEADER_SIZE 64
#define MAX_FILE ((size_t)1 << 30)
/* Where a file is mapped when that address is free (see cm_compiled_load): its pointers
 * are stored as they are at this address, so there they need no change. Far from where
 * Linux x86-64 puts programs, heaps, libraries, stacks and ASan's shadow. */
#define MAP_ADDR ((uint64_t)0x5a0000000000ull)
/* Each partner's `file` names a path under the directory the file is read from, known only
 * at load: it is stored as the address of its source's slot in a small area just below
 * MAP_ADDR, where the loader writes the paths, so the partner table is not written to (a
 * write would copy its pages). Where the area is taken, or a path is longer than a slot,
 * the pointers are written instead. */
#define PATH_SLOT 512u
#define PATHS_MAX ((size_t)1 << 20)
#define PATHS_ADDR (MAP_ADDR - PATHS_MAX)
static const unsigned char MAGIC[8] = { 'C', 'M', 'D', 'A', 'T', 'A', 0, 1 };

/* Header: magic[8], u32 format version, u32 layout fingerprint, u64 file size, u64
 * checksum of bytes [64, size), u64 checksum of the header (this field as zeros), char
 * program version[24] (NUL-padded). */
enum { H_VERSION = 8, H_LAYOUT = 12, H_SIZE = 16, H_SUM = 24, H_HSUM = 32, H_PROG = 40 };

static uint32_t layout_fingerprint(void)
{
    const size_t sizes[] = { sizeof(cm_dataset), sizeof(cm_taxonomy), sizeof(cm_partner),
                             sizeof(cm_zone_type), sizeof(cm_figure), sizeof(cm_sector),
                             sizeof(cm_region), sizeof(cm_priority), sizeof(cm_programme),
                             sizeof(cm_goal), sizeof(cm_note), sizeof(cm_country), CM_NCOMP, CM_NKINDS, CM_NLEVELS,
                             sizeof(cm_name_entry), sizeof(cm_names), (size_t)(union { uint16_t u; unsigned char c[2]; }){ 0x0102 }.c[0] };
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) h = (h ^ (uint32_t)sizes[i]) * 16777619u;
    return h;
}

/* ---- checksum (checksum.c) -------------------------------------------------------- */

static void put64at(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static uint64_t get64at(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}
static uint32_t get32at(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The header's own checksum covers all of it but itself. */
static uint64_t header_hash(const unsigned char *p)
{
    unsigned char h[HEADER_SIZE];
    memcpy(h, p, HEADER_SIZE);
    memset(h + H_HSUM, 0, 8);
    return cm_compiled_hash(h, HEADER_SIZE);
}

void cm_compiled_reseal(void *buf, size_t len)
{
    unsigned char *p = buf;
    if (len < HEADER_SIZE) return;
    put64at(p + H_SUM, cm_compiled_hash(p + HEADER_SIZE, len - HEADER_SIZE));
    put64at(p + H_HSUM, header_hash(p));
}

/* ---- writer ------------------------------------------------------------------------- */

typedef struct wbuf { unsigned char *p; size_t n, cap; bool oom; } wbuf;

static void w_bytes(wbuf *w, const void *s, size_t n)
{
    if (w->oom) return;
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap : 1 << 16;
        while (cap < w->n + n) cap *= 2;
        unsigned char *q = realloc(w->p, cap);
        if (!q) { w->oom = true; return; }
        w->p = q;
        w->cap = cap;
    }
    memcpy(w->p + w->n, s, n);
    w->n += n;
}
static void w_u64(wbuf *w, uint64_t v) { unsigned char b[8]; put64at(b, v); w_bytes(w, b, 8); }
static void w_u32(wbuf *w, uint32_t v) { unsigned char b[8]; put64at(b, v); w_bytes(w, b, 4); }
static void w_i64(wbuf *w, int64_t v) { w_u64(w, (uint64_t)v); }
static void w_f64(wbuf *w, double x) { uint64_t v; memcpy(&v, &x, 8); w_u64(w, v); }
static void w_bool(wbuf *w, bool b) { unsigned char c = b; w_bytes(w, &c, 1); }
static void w_idx(wbuf *w, size_t i) { w_u64(w, i == CM_NONE ? UINT64_MAX : (uint64_t)i); }
static void w_str(wbuf *w, const char *s)
{
    if (!s) { w_u32(w, UINT32_MAX); return; }
    size_t n = strlen(s);
    w_u32(w, (uint32_t)n);
    w_bytes(w, s, n + 1);
}
static void w_strs(wbuf *w, char *const *v, size_t n)
{
    w_u64(w, n);
    for (size_t i = 0; i < n; i++) w_str(w, v[i]);
}
static void w_idxs(wbuf *w, const size_t *v, size_t n)
{
    w_u64(w, n);
    for (size_t i = 0; i < n; i++) w_idx(w, v[i]);
}
static void w_f64s(wbuf *w, const double *v, size_t n) { for (size_t i = 0; i < n; i++) w_f64(w, v[i]); }
/* An array that may be NULL with n == 0 (calloc'd or not): the pointer's NULL-ness is
 * part of the struct, so it is kept. */
static void w_has(wbuf *w, const void *ptr) { w_bool(w, ptr != NULL); }

/* ---- reader ------------------------------------------------------------------------- */

typedef struct blk { struct blk *next; size_t used, cap; alignas(16) unsigned char data[]; } blk;

struct cm_compiled {
    cm_dataset_store base;      /* first: ds->compiled points here */
    void *map; size_t len;      /* the mapping, or NULL */
    void *own;                  /* or the copy cm_compiled_load_mem made */
    void *paths; size_t paths_len;   /* the paths area, or NULL */
    blk *blocks;                /* the arena: arrays and the struct tables */
    const void *model; size_t model_len;   /* the opaque model section, or NULL, 0 */
};

typedef struct rd {
    const unsigned char *p, *end;
    const unsigned char *base;  /* the file's first byte */
    struct cm_compiled *c;
    const char *bad;            /* first problem found; reading stops there */
    /* Building an image (the writer): arrays and structs are bumped from [a, a_end),
     * strings copied to [s, s_end); NULL when reading a file. */
    unsigned char *a, *a_end, *s, *s_end;
} rd;

static void *arena(rd *r, size_t n)
{
    if (r->bad) return NULL;
    n = (n + 15) & ~(size_t)15;
    if (!n) n = 16;
    if (r->a) {
        if ((size_t)(r->a_end - r->a) < n) { r->bad = "image too large"; return NULL; }
        void *p = r->a;
        r->a += n;
        return p;
    }
    blk *b = r->c->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > (1 << 18) ? n : (1 << 18);
        if (!(b = calloc(1, sizeof *b + cap))) { r->bad = "out of memory"; return NULL; }
        b->cap = cap;
        b->next = r->c->blocks;
        r->c->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

static bool need(rd *r, size_t n)
{
    if (r->bad) return false;
    if ((size_t)(r->end - r->p) < n) { r->bad = "truncated record"; return false; }
    return true;
}
static uint64_t r_u64(rd *r) { if (!need(r, 8)) return 0; uint64_t v = get64at(r->p); r->p += 8; return v; }
static uint32_t r_u32(rd *r) { if (!need(r, 4)) return 0; uint32_t v = get32at(r->p) ; r->p += 4; return v; }
static int64_t r_i64(rd *r) { return (int64_t)r_u64(r); }
static int r_int(rd *r)
{
    int64_t v = r_i64(r);
    if (v < INT32_MIN || v > INT32_MAX) { if (!r->bad) r->bad = "integer out of range"; return 0; }
    return (int)v;
}
static double r_f64(rd *r) { uint64_t v = r_u64(r); double x; memcpy(&x, &v, 8); return x; }
static bool r_bool(rd *r)
{
    if (!need(r, 1)) return false;
    unsigned char c = *r->p++;
    if (c > 1 && !r->bad) r->bad = "bad boolean";
    return c == 1;
}
/* An enum value below `n`. */
static unsigned r_enum(rd *r, unsigned n)
{
    uint64_t v = r_u64(r);
    if (v >= n) { if (!r->bad) r->bad = "enumeration out of range"; return 0; }
    return (unsigned)v;
}
/* An index below `limit`, or CM_NONE when `none_ok`. */
static size_t r_idx(rd *r, size_t limit, bool none_ok)
{
    uint64_t v = r_u64(r);
    if (v == UINT64_MAX && none_ok) return CM_NONE;
    if (v >= limit) { if (!r->bad) r->bad = "index out of range"; return 0; }
    return (size_t)v;
}
/* A count of items that take at least `min_bytes` each in the stream: bounded by what is
 * left, so a corrupted count cannot ask for a huge allocation. */
static size_t r_count(rd *r, size_t min_bytes)
{
    uint64_t n = r_u64(r);
    if (r->bad) return 0;
    if (n > (uint64_t)(r->end - r->p) / (min_bytes ? min_bytes : 1)) { r->bad = "count out of range"; return 0; }
    return (size_t)n;
}
static char *r_str(rd *r)
{
    uint32_t n = r_u32(r);
    if (r->bad || n == UINT32_MAX) return NULL;
    if (!need(r, (size_t)n + 1)) return NULL;
    if (r->p[n] != '\0' || memchr(r->p, '\0', n)) { r->bad = "bad string"; return NULL; }
    char *s = (char *)r->p;    /* the mapping is private and writable: no const to cast away */
    if (r->s) {                /* building an image: strings go into it, apart from pointers */
        if ((size_t)(r->s_end - r->s) <= n) { r->bad = "image too large"; return NULL; }
        s = memcpy(r->s, r->p, (size_t)n + 1);
        r->s += (size_t)n + 1;
    }
    r->p += (size_t)n + 1;
    return s;
}
static bool r_has(rd *r) { return r_bool(r); }
/* A NULL array must have no elements: downstream loops trust the count. */
static bool r_absent(rd *r, size_t n, bool has)
{
    if (has) return false;
    if (n && !r->bad) r->bad = "count without an array";
    return true;
}
static char **r_strs(rd *r, size_t *n, bool has)
{
    *n = r_count(r, 4);
    if (r->bad || r_absent(r, *n, has)) return NULL;
    char **v = arena(r, *n * sizeof *v);
    for (size_t i = 0; v && i < *n; i++) v[i] = r_str(r);
    return v;
}
static size_t *r_idxs(rd *r, size_t *n, size_t limit, bool has)
{
    *n = r_count(r, 8);
    if (r->bad || r_absent(r, *n, has)) return NULL;
    size_t *v = arena(r, *n * sizeof *v);
    for (size_t i = 0; v && i < *n; i++) v[i] = r_idx(r, limit, false);
    return v;
}
/* A list that is NULL exactly when empty (the name tables' candidates). */
static size_t *r_idxs_opt(rd *r, size_t *n, size_t limit)
{
    const unsigned char *at = r->p;
    size_t k = r_count(r, 8);
    if (r->bad) return NULL;
    r->p = at;
    return r_idxs(r, n, limit, k > 0);
}
static double *r_f64s(rd *r, size_t n, bool has)
{
    if (r->bad || r_absent(r, n, has)) return NULL;
    if (n > (size_t)(r->end - r->p) / 8) { r->bad = "count out of range"; return NULL; }
    double *v = arena(r, n * sizeof *v);
    for (size_t i = 0; v && i < n; i++) v[i] = r_f64(r);
    return v;
}
/* A table of `n` structs of `size` bytes, zeroed. */
static void *r_table(rd *r, size_t n, size_t size, bool has)
{
    if (r->bad || r_absent(r, n, has)) return NULL;
    if (n > (size_t)(r->end - r->p)) { r->bad = "count out of range"; return NULL; }   /* >= 1 byte each */
    return arena(r, n * size);
}

/* ---- the manifest ------------------------------------------------------------------- */

typedef struct source {
    char *rel;                  /* relative to the data directory */
    int64_t size;               /* -1: absent when compiled */
    int64_t sec, nsec;
    uint64_t hash;
} source;

/* Hash of a file's bytes; -1 when it cannot be read. */
static int hash_file(const char *path, uint64_t *h, int64_t *size)
{
    char *buf = NULL;
    size_t len = 0;
    cm_diags d;
    cm_diags_init(&d);
    int rc = cm_read_file(path, MAX_FILE, &buf, &len, &d);
    cm_diags_release(&d);
    if (rc) return -1;
    *h = cm_compiled_hash(buf, len);
    *size = (int64_t)len;
    free(buf);
    return 0;
}

static char *join(const char *dir, const char *rel)
{
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

/* Every source of `dir` now: the vocabulary files (absent ones too) and partners/ *.yaml
 * in name order. */
static int list_sources(const char *dir, source **out, size_t *nout, cm_diags *d)
{
    char **parts = NULL;
    size_t nparts = 0;
    if (cm_partner_files(dir, &parts, &nparts, d)) return -1;
    size_t nvocab = 0;
    while (cm_data_files[nvocab]) nvocab++;
    source *v = calloc(nvocab + nparts, sizeof *v);
    int rc = -1;
    if (!v) { cm_ioerror(d, dir, "out of memory"); goto out; }
    for (size_t i = 0; i < nvocab + nparts; i++) {
        v[i].rel = i < nvocab ? strdup(cm_data_files[i]) : join("partners", parts[i - nvocab]);
        if (!v[i].rel) { cm_ioerror(d, dir, "out of memory"); goto out; }
        char *path = join(dir, v[i].rel);
        struct stat st;
        if (!path) { cm_ioerror(d, dir, "out of memory"); goto out; }
        if (stat(path, &st) != 0) {
            v[i].size = -1;
        } else if (hash_file(path, &v[i].hash, &v[i].size)) {
            cm_ioerror(d, path, "cannot read: %s", strerror(errno));
            free(path);
            goto out;
        } else {
            v[i].sec = (int64_t)st.st_mtim.tv_sec;
            v[i].nsec = (int64_t)st.st_mtim.tv_nsec;
        }
        free(path);
    }
    *out = v;
    *nout = nvocab + nparts;
    v = NULL;
    rc = 0;
out:
    if (v) for (size_t i = 0; i < nvocab + nparts; i++) free(v[i].rel);
    free(v);
    for (size_t i = 0; i < nparts; i++) free(parts[i]);
    free(parts);
    return rc;
}

/* ---- the records, field by field ---------------------------------------------------- */

static void put_taxonomy(wbuf *w, const cm_taxonomy *t);
static void put_names(wbuf *w, const cm_taxonomy *t);
static void put_name(void *ctx, const char *key, size_t idx, const size_t *also, size_t nalso);
typedef struct names_ctx { wbuf *w; } names_ctx;

static size_t source_of(const source *src, size_t nsrc, const char *dir, const char *file)
{
    size_t dl = strlen(dir);
    const char *rel = !strncmp(file, dir, dl) && file[dl] == '/' ? file + dl + 1 : file;
    for (size_t i = 0; i < nsrc; i++)
        if (!strcmp(src[i].rel, rel)) return i;
    return CM_NONE;
}

static int put_dataset(wbuf *w, const cm_dataset *ds, const source *src, size_t nsrc, cm_diags *d)
{
    w_f64s(w, ds->weights, CM_NCOMP);
    w_u64(w, ds->nzone_types);
    w_has(w, ds->zone_types);
    for (size_t i = 0; i < ds->nzone_types; i++) {
        const cm_zone_type *z = &ds->zone_types[i];
        w_str(w, z->id); w_str(w, z->label); w_str(w, z->label_zh); w_u64(w, z->level);
    }
    put_taxonomy(w, &ds->tax);
    w_u64(w, ds->npartners);
    w_has(w, ds->partners);
    for (size_t i = 0; i < ds->npartners; i++) {
        const cm_partner *p = &ds->partners[i];
        w_str(w, p->id); w_str(w, p->name); w_str(w, p->name_zh); w_str(w, p->name_zh_hans);
        w_u64(w, p->kind);
        w_str(w, p->zone_type); w_idx(w, p->zone_type_idx);
        w_u64(w, p->level);
        w_str(w, p->code);
        w_has(w, p->industries_zh); w_strs(w, p->industries_zh, p->nindustries_zh);
        w_idx(w, p->province); w_idx(w, p->city);
        w_f64(w, p->lat); w_f64(w, p->lon); w_bool(w, p->approximate);
        w_has(w, p->sectors); w_has(w, p->sector_w);
        w_idxs(w, p->sectors, p->nsectors); w_f64s(w, p->sector_w, p->sector_w ? p->nsectors : 0);
        w_has(w, p->seeks); w_idxs(w, p->seeks, p->nseeks);
        w_has(w, p->priorities); w_idxs(w, p->priorities, p->npriorities);
        w_str(w, p->description); w_str(w, p->website); w_str(w, p->source);
        w_has(w, p->figures); w_u64(w, p->nfigures);
        for (size_t k = 0; k < p->nfigures; k++) { w_str(w, p->figures[k].label); w_str(w, p->figures[k].value); }
        w_i64(w, p->as_of); w_i64(w, p->ended); w_bool(w, p->cross_sector);
        size_t f = source_of(src, nsrc, ds->dir, p->file);
        if (f == CM_NONE) return cm_ioerror(d, p->file, "partner '%s' comes from a file outside the data directory's sources", p->id);
        w_idx(w, f); w_u32(w, p->line); w_u32(w, p->col);
    }
    put_names(w, &ds->tax);
    return 0;
}

static void put_taxonomy(wbuf *w, const cm_taxonomy *t)
{
    w_u64(w, t->nsectors); w_has(w, t->sectors);
    for (size_t i = 0; i < t->nsectors; i++) {
        const cm_sector *s = &t->sectors[i];
        w_str(w, s->id); w_str(w, s->label); w_str(w, s->label_zh);
        w_has(w, s->parents); w_idxs(w, s->parents, s->nparents);
        w_has(w, s->aliases); w_strs(w, s->aliases, s->naliases);
        w_has(w, s->aliases_zh); w_strs(w, s->aliases_zh, s->naliases_zh);
        w_u64(w, s->depth);
    }
    w_u64(w, t->nregions); w_has(w, t->regions);
    for (size_t i = 0; i < t->nregions; i++) {
        const cm_region *g = &t->regions[i];
        w_str(w, g->id); w_str(w, g->name); w_u64(w, g->level); w_str(w, g->subtype);
        w_str(w, g->zh_hans); w_str(w, g->zh_hant); w_str(w, g->code);
        w_idx(w, g->province); w_idx(w, g->parent); w_idx(w, g->macro); w_idx(w, g->distinct_from);
        w_bool(w, g->world_class);
        w_has(w, g->members); w_idxs(w, g->members, g->nmembers);
        w_f64(w, g->lat); w_f64(w, g->lon); w_bool(w, g->has_coords); w_bool(w, g->approximate);
    }
    w_u64(w, t->nprogrammes); w_has(w, t->programmes);
    for (size_t i = 0; i < t->nprogrammes; i++) {
        const cm_programme *g = &t->programmes[i];
        w_str(w, g->id); w_str(w, g->name); w_str(w, g->name_zh); w_u64(w, g->origin);
        w_i64(w, g->start); w_i64(w, g->end); w_i64(w, g->ended);
    }
    w_u64(w, t->npriorities); w_has(w, t->priorities);
    for (size_t i = 0; i < t->npriorities; i++) {
        const cm_priority *q = &t->priorities[i];
        w_str(w, q->id); w_str(w, q->label); w_str(w, q->label_zh);
        w_idx(w, q->programme); w_idx(w, q->region);
        w_has(w, q->sectors); w_has(w, q->weights);
        w_idxs(w, q->sectors, q->nsectors); w_f64s(w, q->weights, q->weights ? q->nsectors : 0);
    }
    w_u64(w, t->ngoals); w_has(w, t->goals);
    for (size_t i = 0; i < t->ngoals; i++) {
        w_str(w, t->goals[i].id); w_str(w, t->goals[i].label); w_str(w, t->goals[i].label_zh);
    }
    w_has(w, t->goal_fit);
    if (t->goal_fit) w_f64s(w, &t->goal_fit[0][0], t->ngoals * CM_NKINDS);
    w_has(w, t->default_goals); w_idxs(w, t->default_goals, t->ndefault_goals);
    w_u64(w, t->nnotes); w_has(w, t->notes);
    for (size_t i = 0; i < t->nnotes; i++) {
        const cm_note *n = &t->notes[i];
        w_str(w, n->id); w_str(w, n->title); w_str(w, n->text); w_str(w, n->link);
        w_has(w, n->sectors); w_idxs(w, n->sectors, n->nsectors);
        w_u64(w, n->kinds); w_i64(w, n->as_of); w_bool(w, n->historical); w_idx(w, n->superseded_by);
    }
    for (int k = 0; k < CM_NKINDS; k++) w_str(w, t->kind_label_zh[k]);
    w_u64(w, t->ncountries); w_has(w, t->countries);
    for (size_t i = 0; i < t->ncountries; i++) {
        w_str(w, t->countries[i].id); w_str(w, t->countries[i].name); w_str(w, t->countries[i].label_zh);
    }
    w_has(w, t->anc);
    if (t->anc) w_bytes(w, t->anc, t->nsectors * t->nsectors);
}

static void put_name(void *ctx, const char *key, size_t idx, const size_t *also, size_t nalso)
{
    wbuf *w = ((names_ctx *)ctx)->w;
    w_str(w, key); w_idx(w, idx); w_idxs(w, also, nalso);
}

static void put_names(wbuf *w, const cm_taxonomy *t)
{
    names_ctx nc = { w };
    for (int k = 0; k < CM_NNAMES; k++) w_u64(w, cm_names_count(t, (cm_names_table)k));
    for (int k = 0; k < CM_NNAMES; k++) cm_names_walk(t, (cm_names_table)k, put_name, &nc);
}

static void get_taxonomy(rd *r, cm_taxonomy *t)
{
    t->nsectors = r_count(r, 8);
    t->sectors = r_table(r, t->nsectors, sizeof *t->sectors, r_has(r));
    for (size_t i = 0; t->sectors && i < t->nsectors && !r->bad; i++) {
        cm_sector *s = &t->sectors[i];
        s->id = r_str(r); s->label = r_str(r); s->label_zh = r_str(r);
        bool h = r_has(r); s->parents = r_idxs(r, &s->nparents, t->nsectors, h);
        h = r_has(r); s->aliases = r_strs(r, &s->naliases, h);
        h = r_has(r); s->aliases_zh = r_strs(r, &s->naliases_zh, h);
        s->depth = r_enum(r, UINT32_MAX);
    }
    t->nregions = r_count(r, 8);
    t->regions = r_table(r, t->nregions, sizeof *t->regions, r_has(r));
    for (size_t i = 0; t->regions && i < t->nregions && !r->bad; i++) {
        cm_region *g = &t->regions[i];
        size_t n = t->nregions;
        g->id = r_str(r); g->name = r_str(r); g->level = (cm_region_level)r_enum(r, CM_REG_CLUSTER + 1);
        g->subtype = r_str(r); g->zh_hans = r_str(r); g->zh_hant = r_str(r); g->code = r_str(r);
        g->province = r_idx(r, n, true); g->parent = r_idx(r, n, true); g->macro = r_idx(r, n, true);
        g->distinct_from = r_idx(r, n, true);
        g->world_class = r_bool(r);
        bool h = r_has(r); g->members = r_idxs(r, &g->nmembers, n, h);
        g->lat = r_f64(r); g->lon = r_f64(r); g->has_coords = r_bool(r); g->approximate = r_bool(r);
    }
    t->nprogrammes = r_count(r, 8);
    t->programmes = r_table(r, t->nprogrammes, sizeof *t->programmes, r_has(r));
    for (size_t i = 0; t->programmes && i < t->nprogrammes && !r->bad; i++) {
        cm_programme *g = &t->programmes[i];
        g->id = r_str(r); g->name = r_str(r); g->name_zh = r_str(r);
        g->origin = (cm_origin)r_enum(r, CM_ORIGIN_EU_CHINA + 1);
        g->start = r_int(r); g->end = r_int(r); g->ended = r_int(r);
    }
    t->npriorities = r_count(r, 8);
    t->priorities = r_table(r, t->npriorities, sizeof *t->priorities, r_has(r));
    for (size_t i = 0; t->priorities && i < t->npriorities && !r->bad; i++) {
        cm_priority *q = &t->priorities[i];
        q->id = r_str(r); q->label = r_str(r); q->label_zh = r_str(r);
        q->programme = r_idx(r, t->nprogrammes, false); q->region = r_idx(r, t->nregions, true);
        bool hs = r_has(r), hw = r_has(r);
        q->sectors = r_idxs(r, &q->nsectors, t->nsectors, hs);
        q->weights = r_f64s(r, q->nsectors, hw);
    }
    t->ngoals = r_count(r, 8);
    t->goals = r_table(r, t->ngoals, sizeof *t->goals, r_has(r));
    for (size_t i = 0; t->goals && i < t->ngoals && !r->bad; i++) {
        t->goals[i].id = r_str(r); t->goals[i].label = r_str(r); t->goals[i].label_zh = r_str(r);
    }
    t->goal_fit = (double (*)[CM_NKINDS])r_f64s(r, t->ngoals * CM_NKINDS, r_has(r));
    bool h = r_has(r);
    t->default_goals = r_idxs(r, &t->ndefault_goals, t->ngoals, h);
    t->nnotes = r_count(r, 8);
    t->notes = r_table(r, t->nnotes, sizeof *t->notes, r_has(r));
    for (size_t i = 0; t->notes && i < t->nnotes && !r->bad; i++) {
        cm_note *n = &t->notes[i];
        n->id = r_str(r); n->title = r_str(r); n->text = r_str(r); n->link = r_str(r);
        h = r_has(r); n->sectors = r_idxs(r, &n->nsectors, t->nsectors, h);
        n->kinds = r_enum(r, 1u << CM_NKINDS); n->as_of = r_int(r); n->historical = r_bool(r);
        n->superseded_by = r_idx(r, t->nnotes, true);
    }
    for (int k = 0; k < CM_NKINDS; k++) t->kind_label_zh[k] = r_str(r);
    t->ncountries = r_count(r, 8);
    t->countries = r_table(r, t->ncountries, sizeof *t->countries, r_has(r));
    for (size_t i = 0; t->countries && i < t->ncountries && !r->bad; i++) {
        t->countries[i].id = r_str(r); t->countries[i].name = r_str(r); t->countries[i].label_zh = r_str(r);
        if (!r->bad && !t->countries[i].id) r->bad = "country without an id";
    }
    if (!r_absent(r, t->nsectors, r_has(r)) && !r->bad) {
        size_t n = t->nsectors;
        if (n && n > (size_t)(r->end - r->p) / n) { r->bad = "truncated record"; return; }
        if ((t->anc = arena(r, n * n)) && need(r, n * n)) {
            memcpy(t->anc, r->p, n * n);
            r->p += n * n;
        }
    }
}

static void get_names(rd *r, cm_taxonomy *t)
{
    const size_t limits[CM_NNAMES] = { [CM_NAMES_SECTOR] = t->nsectors, [CM_NAMES_REGION] = t->nregions,
                                       [CM_NAMES_REGION_ID] = t->nregions, [CM_NAMES_PRIORITY] = t->npriorities,
                                       [CM_NAMES_GOAL] = t->ngoals };
    size_t n[CM_NNAMES];
    for (int k = 0; k < CM_NNAMES; k++) n[k] = r_count(r, 24);   /* key, idx, also */
    for (int k = 0; k < CM_NNAMES && !r->bad; k++) {
        if (n[k] > (size_t)(r->end - r->p) / 24) { r->bad = "count out of range"; return; }
        cm_name_entry *v = arena(r, n[k] * sizeof *v);
        uint32_t *sorted = arena(r, n[k] * sizeof *sorted);
        for (size_t i = 0; v && sorted && i < n[k] && !r->bad; i++) {
            v[i].key = r_str(r);
            v[i].idx = r_idx(r, limits[k], false);
            v[i].also = r_idxs_opt(r, &v[i].nalso, limits[k]);
            if (!r->bad && !v[i].key) r->bad = "name without a key";
        }
        if (!r->bad && cm_names_set(t, (cm_names_table)k, v, n[k], sorted)) r->bad = "out of memory";
    }
}

/* The model section: a length, zeros up to the next multiple of 8 in the file (so in any
 * mapping, which starts on a page), the bytes. */
static void get_model(rd *r)
{
    uint64_t n = r_u64(r);
    size_t pad = (size_t)(-(r->p - r->base) & 7);
    if (!need(r, pad)) return;
    for (size_t i = 0; i < pad; i++)
        if (r->p[i]) { r->bad = "bad padding"; return; }
    r->p += pad;
    if ((uintptr_t)r->p & 7) { r->bad = "buffer not 8-byte aligned"; return; }
    if (n > (uint64_t)(r->end - r->p)) { r->bad = "truncated model section"; return; }
    r->c->model = n ? r->p : NULL;
    r->c->model_len = (size_t)n;
    r->p += n;
}

static void get_dataset(rd *r, cm_dataset *ds, char **files, size_t nsrc)
{
    for (int i = 0; i < CM_NCOMP; i++) ds->weights[i] = r_f64(r);
    ds->nzone_types = r_count(r, 8);
    ds->zone_types = r_table(r, ds->nzone_types, sizeof *ds->zone_types, r_has(r));
    for (size_t i = 0; ds->zone_types && i < ds->nzone_types && !r->bad; i++) {
        cm_zone_type *z = &ds->zone_types[i];
        z->id = r_str(r); z->label = r_str(r); z->label_zh = r_str(r); z->level = (cm_level)r_enum(r, CM_NLEVELS);
    }
    get_taxonomy(r, &ds->tax);
    const cm_taxonomy *t = &ds->tax;
    ds->npartners = r_count(r, 8);
    ds->partners = r_table(r, ds->npartners, sizeof *ds->partners, r_has(r));
    for (size_t i = 0; ds->partners && i < ds->npartners && !r->bad; i++) {
        cm_partner *p = &ds->partners[i];
        p->id = r_str(r); p->name = r_str(r); p->name_zh = r_str(r); p->name_zh_hans = r_str(r);
        p->kind = (cm_kind)r_enum(r, CM_NKINDS);
        p->zone_type = r_str(r); p->zone_type_idx = r_idx(r, ds->nzone_types, true);
        p->level = (cm_level)r_enum(r, CM_NLEVELS);
        p->code = r_str(r);
        bool h = r_has(r); p->industries_zh = r_strs(r, &p->nindustries_zh, h);
        p->province = r_idx(r, t->nregions, false); p->city = r_idx(r, t->nregions, true);
        p->lat = r_f64(r); p->lon = r_f64(r); p->approximate = r_bool(r);
        bool hs = r_has(r), hw = r_has(r);
        p->sectors = r_idxs(r, &p->nsectors, t->nsectors, hs);
        p->sector_w = r_f64s(r, p->nsectors, hw);
        h = r_has(r); p->seeks = r_idxs(r, &p->nseeks, t->nsectors, h);
        h = r_has(r); p->priorities = r_idxs(r, &p->npriorities, t->npriorities, h);
        p->description = r_str(r); p->website = r_str(r); p->source = r_str(r);
        h = r_has(r);
        p->nfigures = r_count(r, 8);
        p->figures = r_table(r, p->nfigures, sizeof *p->figures, h);
        for (size_t k = 0; p->figures && k < p->nfigures && !r->bad; k++) {
            p->figures[k].label = r_str(r); p->figures[k].value = r_str(r);
        }
        p->as_of = r_int(r); p->ended = r_int(r); p->cross_sector = r_bool(r);
        p->file = files[r_idx(r, nsrc, false)];
        p->line = r_u32(r); p->col = r_u32(r);
        if (!r->bad && (!p->id || !p->name)) r->bad = "partner without an id or a name";
    }
    get_names(r, &ds->tax);
    if (!r->bad && r->p != r->end) r->bad = "trailing bytes";
}

/* ---- the image ---------------------------------------------------------------------- */

/* The image is the dataset as the loader's structs, laid out in one block: at offset 0 the
 * cm_dataset, then every table, array and name table (`ptr_end` bytes, 16-byte aligned),
 * then every string, then at least one NUL (to 8 bytes). Each pointer is stored as its
 * offset in the block; the relocation table lists the 8-byte words that hold one. Each
 * partner's `file` holds the index of its source in the manifest instead (it names a path
 * under the directory the file is read from), listed in a table of its own. */
typedef struct image {
    unsigned char *p; size_t len, ptr_end;
    uint32_t *rel; size_t nrel;         /* words holding a pointer: first the nrel_ptr that
                                         * point before ptr_end, then those to strings */
    size_t nrel_ptr;
    uint32_t *files; size_t nfiles;     /* words holding a source index */
} image;

static uint64_t image_word(const image *im, size_t k)
{
    uint64_t v;
    memcpy(&v, im->p + 8 * k, 8);
    return v;
}

static void image_free(image *im) { free(im->p); free(im->rel); free(im->files); memset(im, 0, sizeof *im); }

/* Decode the record stream [p, end) into `buf` (cap_a bytes for pointers and arrays, then
 * cap_s for strings) with the reader above, as a load of old did: the same function
 * builds what the YAML loader builds, field by field. Partners' `file` come out as the
 * index of their source. */
static const char *build_once(const unsigned char *p, const unsigned char *end, unsigned char *buf,
                              size_t cap_a, size_t cap_s, size_t nsrc, size_t *used_a, size_t *used_s)
{
    char *marks = calloc(nsrc ? nsrc : 1, 1), **files = calloc(nsrc ? nsrc : 1, sizeof *files);
    if (!marks || !files) { free(marks); free(files); return "out of memory"; }
    for (size_t i = 0; i < nsrc; i++) files[i] = marks + i;    /* told apart by address */
    rd r = { p, end, p, NULL, NULL, buf, buf + cap_a, buf + cap_a, buf + cap_a + cap_s };
    cm_dataset *ds = arena(&r, sizeof *ds);
    if (ds) get_dataset(&r, ds, files, nsrc);
    for (size_t i = 0; ds && !r.bad && i < ds->npartners; i++) {
        uint64_t k = (uint64_t)(ds->partners[i].file - marks);
        memcpy(&ds->partners[i].file, &k, sizeof k);
    }
    free(marks);
    free(files);
    *used_a = (size_t)(r.a - buf);
    *used_s = (size_t)(r.s - (buf + cap_a));
    return r.bad;
}

/* The image of the record stream: decoded twice, into two blocks at different addresses;
 * a word that differs between them by exactly the distance of the blocks is a pointer
 * (every other word is the same in both), so no per-field code lists the pointers and a
 * field added to a struct is carried without a change here. */
static const char *build_image(const unsigned char *p, size_t len, size_t nsrc, image *im)
{
    /* Every stream byte yields at most a few bytes of structs (a 5-byte empty string is an
     * 8-byte pointer and a NUL; a 21-byte name is a 96-byte entry and its buckets). */
    size_t cap_a = 16 * len + (1 << 20), cap_s = len + 16;
    unsigned char *b1 = calloc(1, cap_a + cap_s), *b2 = calloc(1, cap_a + cap_s);
    unsigned char *s1 = malloc(len ? len : 1), *s2 = malloc(len ? len : 1);
    const char *bad = NULL;
    size_t ua1 = 0, us1 = 0, ua2 = 0, us2 = 0;
    memset(im, 0, sizeof *im);
    if (!b1 || !b2 || !s1 || !s2) { bad = "out of memory"; goto out; }
    /* each its own copy of the stream: a pointer left into it would differ by another
     * distance and be caught below */
    memcpy(s1, p, len);
    memcpy(s2, p, len);
    if ((bad = build_once(s1, s1 + len, b1, cap_a, cap_s, nsrc, &ua1, &us1)) ||
        (bad = build_once(s2, s2 + len, b2, cap_a, cap_s, nsrc, &ua2, &us2)))
        goto out;
    if (ua1 != ua2 || us1 != us2 || memcmp(b1 + cap_a, b2 + cap_a, us1)) { bad = "image not reproducible"; goto out; }
    size_t slen = (us1 + 8) & ~(size_t)7;     /* at least one NUL after the last string */
    im->ptr_end = ua1;
    im->len = ua1 + slen;
    if (im->len > UINT32_MAX / 2) { bad = "image too large"; goto out; }
    size_t nw = ua1 / 8, cap = 1024;
    im->rel = malloc(cap * sizeof *im->rel);
    if (!(im->p = calloc(1, im->len)) || !im->rel) { bad = "out of memory"; goto out; }
    memcpy(im->p + ua1, b1 + cap_a, us1);
    uintptr_t delta = (uintptr_t)b2 - (uintptr_t)b1, lo = (uintptr_t)b1;
    for (size_t w = 0; w < nw; w++) {
        uint64_t v1, v2;
        memcpy(&v1, b1 + 8 * w, 8);
        memcpy(&v2, b2 + 8 * w, 8);
        if (v1 != v2) {
            if (v2 - v1 != delta || v1 < lo || v1 - lo >= cap_a + cap_s) { bad = "image not reproducible"; goto out; }
            size_t t = (size_t)(v1 - lo);
            if (t < cap_a) {
                if (t >= ua1 || t % 8) { bad = "pointer outside the image"; goto out; }
            } else if ((t -= cap_a) < us1) {
                t += ua1;
            } else {
                bad = "pointer outside the image";
                goto out;
            }
            v1 = t;
            if (im->nrel == cap) {
                uint32_t *q = realloc(im->rel, (cap *= 2) * sizeof *q);
                if (!q) { bad = "out of memory"; goto out; }
                im->rel = q;
            }
            im->rel[im->nrel++] = (uint32_t)w;
        }
        memcpy(im->p + 8 * w, &v1, 8);
    }
    /* pointers into the structs first, then pointers to strings: each kind has its own
     * check at load, one comparison */
    uint32_t *sorted = malloc((im->nrel ? im->nrel : 1) * sizeof *sorted);
    if (!sorted) { bad = "out of memory"; goto out; }
    for (size_t i = 0; i < im->nrel; i++) im->nrel_ptr += image_word(im, im->rel[i]) < ua1;
    for (size_t i = 0, a = 0, b = im->nrel_ptr; i < im->nrel; i++)
        sorted[image_word(im, im->rel[i]) < ua1 ? a++ : b++] = im->rel[i];
    free(im->rel);
    im->rel = sorted;
    /* the partners' source indexes, by where each partner's `file` is */
    const cm_dataset *ds = (const cm_dataset *)im->p;
    size_t parts = (size_t)(uintptr_t)ds->partners;    /* an offset in the image, as stored */
    if (ds->npartners && !(im->files = malloc(ds->npartners * sizeof *im->files))) { bad = "out of memory"; goto out; }
    for (size_t i = 0; i < ds->npartners; i++)
        im->files[im->nfiles++] = (uint32_t)((parts + i * sizeof(cm_partner) + offsetof(cm_partner, file)) / 8);
out:
    free(b1); free(b2); free(s1); free(s2);
    if (bad) image_free(im);
    return bad;
}

/* ---- writing a file ----------------------------------------------------------------- */

static void w_pad8(wbuf *w)
{
    static const unsigned char zeros[8];
    w_bytes(w, zeros, -w->n & 7);
}

int cm_compiled_write(const cm_dataset *ds, const void *model, size_t model_len, const char *path, cm_diags *d)
{
    source *src = NULL;
    size_t nsrc = 0;
    wbuf w = { 0 }, rec = { 0 };
    image im = { 0 };
    int rc = -1;
    if (list_sources(ds->dir, &src, &nsrc, d)) return -1;
    unsigned char hdr[HEADER_SIZE] = { 0 };
    w_bytes(&w, hdr, sizeof hdr);
    w_u64(&w, nsrc);
    for (size_t i = 0; i < nsrc; i++) {
        w_str(&w, src[i].rel); w_i64(&w, src[i].size); w_i64(&w, src[i].sec); w_i64(&w, src[i].nsec);
        w_u64(&w, src[i].hash);
    }
    if (put_dataset(&rec, ds, src, nsrc, d)) goto out;
    if (rec.oom) { cm_ioerror(d, path, "out of memory"); goto out; }
    const char *bad = build_image(rec.p, rec.n, nsrc, &im);
    if (bad) { cm_ioerror(d, path, "cannot build the image: %s", bad); goto out; }
    w_pad8(&w);
    w_u64(&w, im.len); w_u64(&w, im.ptr_end); w_u64(&w, im.nrel_ptr); w_u64(&w, im.nrel); w_u64(&w, im.nfiles);
    w_bytes(&w, im.rel, im.nrel * sizeof *im.rel);
    w_pad8(&w);
    w_bytes(&w, im.files, im.nfiles * sizeof *im.files);
    w_pad8(&w);
    /* the pointers as they are when the file is mapped at MAP_ADDR; the source indexes as
     * the addresses of their path slots */
    uint64_t at = MAP_ADDR + w.n;
    for (size_t i = 0; i < im.nrel + im.nfiles; i++) {
        size_t k = i < im.nrel ? im.rel[i] : im.files[i - im.nrel];
        uint64_t v;
        memcpy(&v, im.p + 8 * k, 8);
        v = i < im.nrel ? v + at : PATHS_ADDR + v * PATH_SLOT;
        memcpy(im.p + 8 * k, &v, 8);
    }
    w_bytes(&w, im.p, im.len);
    w_u64(&w, model ? model_len : 0);
    w_pad8(&w);
    if (model) w_bytes(&w, model, model_len);
    if (w.oom) { cm_ioerror(d, path, "out of memory"); goto out; }
    memcpy(w.p, MAGIC, 8);
    put64at(w.p + H_VERSION, FORMAT_VERSION | (uint64_t)layout_fingerprint() << 32);
    put64at(w.p + H_SIZE, w.n);
    size_t vl = strlen(CM_VERSION);
    memcpy(w.p + H_PROG, CM_VERSION, vl < HEADER_SIZE - H_PROG - 1 ? vl : HEADER_SIZE - H_PROG - 1);
    cm_compiled_reseal(w.p, w.n);
    cm_afile f;
    if (cm_afile_open(&f, path, d)) goto out;
    if (fwrite(w.p, 1, w.n, f.fp) != w.n) {
        cm_ioerror(d, path, "cannot write: %s", strerror(errno));
        cm_afile_abort(&f);
        goto out;
    }
    rc = cm_afile_commit(&f, d);
out:
    for (size_t i = 0; i < nsrc; i++) free(src[i].rel);
    free(src);
    free(w.p);
    free(rec.p);
    image_free(&im);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------ */

static void compiled_free(struct cm_compiled *c)
{
    if (!c) return;
    for (blk *b = c->blocks, *n; b; b = n) { n = b->next; free(b); }
    if (c->map) munmap(c->map, c->len);
    if (c->paths) munmap(c->paths, c->paths_len);
    free(c->own);
    free(c);
}

static void compiled_release(cm_dataset_store *s) { compiled_free((struct cm_compiled *)s); }

const void *cm_compiled_model(const cm_dataset *ds, size_t *len)
{
    const struct cm_compiled *c = ds->compiled && ds->compiled->release == compiled_release
                                  ? (const struct cm_compiled *)ds->compiled : NULL;
    *len = c ? c->model_len : 0;
    return c ? c->model : NULL;
}

static cm_compiled_status say(char *why, size_t whylen, cm_compiled_status st, const char *fmt, const char *arg)
{
    if (why && whylen) snprintf(why, whylen, fmt, arg ? arg : "");
    return st;
}

/* Header checks; CM_COMPILED_OK or the reason. */
static cm_compiled_status check_header(const unsigned char *p, size_t len, int check_sum, char *why, size_t whylen)
{
    if (len < HEADER_SIZE || memcmp(p, MAGIC, 8) != 0) {
        if (len >= 6 && !memcmp(p, MAGIC, 6)) return say(why, whylen, CM_COMPILED_BAD, "truncated or damaged header", NULL);
        return say(why, whylen, CM_COMPILED_BAD, "not a compiled dataset (bad magic)", NULL);
    }
    if (get64at(p + H_HSUM) != header_hash(p))
        return say(why, whylen, CM_COMPILED_BAD, "header checksum mismatch", NULL);
    if (get32at(p + H_VERSION) != FORMAT_VERSION || get32at(p + H_LAYOUT) != layout_fingerprint())
        return say(why, whylen, CM_COMPILED_STALE, "written by another format version", NULL);
    char prog[HEADER_SIZE - H_PROG + 1] = { 0 };
    memcpy(prog, p + H_PROG, HEADER_SIZE - H_PROG);
    if (strcmp(prog, CM_VERSION) != 0)
        return say(why, whylen, CM_COMPILED_STALE, "written by clustermatch %s", prog);
    if (get64at(p + H_SIZE) != len)
        return say(why, whylen, CM_COMPILED_BAD, "truncated (the size does not match its header)", NULL);
    if (check_sum && get64at(p + H_SUM) != cm_compiled_hash(p + HEADER_SIZE, len - HEADER_SIZE))
        return say(why, whylen, CM_COMPILED_BAD, "checksum mismatch (corrupted)", NULL);
    return CM_COMPILED_OK;
}

/* Compare the manifest with the directory. `dir` NULL: no check (fuzzing). */
static cm_compiled_status check_sources(rd *r, const char *dir, char **files, size_t nsrc, time_t *newest,
                                        char *why, size_t whylen)
{
    size_t npart_manifest = 0;
    for (size_t i = 0; i < nsrc; i++) {
        char *rel = r_str(r);
        int64_t size = r_i64(r), sec = r_i64(r), nsec = r_i64(r);
        uint64_t hash = r_u64(r);
        if (r->bad || !rel) return say(why, whylen, CM_COMPILED_BAD, "damaged manifest (%s)", r->bad ? r->bad : "no path");
        files[i] = dir ? arena(r, strlen(dir) + strlen(rel) + 2) : rel;
        if (!files[i]) return say(why, whylen, CM_COMPILED_BAD, "%s", r->bad);
        if (!dir) continue;
        sprintf(files[i], "%s/%s", dir, rel);
        npart_manifest += !strncmp(rel, "partners/", 9);
        struct stat st;
        if (stat(files[i], &st) != 0) {
            if (size < 0) continue;
            return say(why, whylen, CM_COMPILED_STALE, "%s was removed", rel);
        }
        if (size < 0) return say(why, whylen, CM_COMPILED_STALE, "%s was added", rel);
        if ((int64_t)st.st_size != size) return say(why, whylen, CM_COMPILED_STALE, "%s changed", rel);
        if ((int64_t)st.st_mtim.tv_sec != sec || (int64_t)st.st_mtim.tv_nsec != nsec) {
            /* Touched, copied or checked out again: the same bytes are the same data. */
            uint64_t h;
            int64_t sz;
            if (hash_file(files[i], &h, &sz) || sz != size || h != hash)
                return say(why, whylen, CM_COMPILED_STALE, "%s changed", rel);
        }
        if (st.st_mtime > *newest) *newest = st.st_mtime;
    }
    if (!dir) return CM_COMPILED_OK;
    char **parts = NULL;
    size_t nparts = 0;
    cm_diags d;
    cm_diags_init(&d);
    int rc = cm_partner_files(dir, &parts, &nparts, &d);
    cm_diags_release(&d);
    for (size_t i = 0; i < nparts; i++) free(parts[i]);
    free(parts);
    if (rc) return say(why, whylen, CM_COMPILED_STALE, "cannot list %s/partners", dir);
    if (nparts != npart_manifest) return say(why, whylen, CM_COMPILED_STALE, "a partner file was added", NULL);
    return CM_COMPILED_OK;
}

static void r_pad8(rd *r)
{
    size_t pad = (size_t)(-(r->p - r->base) & 7);
    if (!need(r, pad)) return;
    for (size_t i = 0; i < pad; i++)
        if (r->p[i]) { r->bad = "bad padding"; return; }
    r->p += pad;
}

/* Put the image in place: every listed word holds the address its target has when the
 * file is mapped at MAP_ADDR (`at` is where the image then starts); mapped elsewhere, or
 * copied, the words are moved by the difference. What is checked here is cheap and keeps
 * a damaged image from sending this loop, or a string read, outside the image: every
 * listed word inside it; every pointer stored there inside it, 8-byte aligned unless it
 * points into the strings; the image ending in a NUL, so any string in it ends inside it;
 * every source index below the number of sources. What is not checked (counts, indexes
 * between tables, which words are pointers) the checksum vouches for: see compiled.h. */
static const char *relocate(unsigned char *img, size_t len, size_t ptr_end, uint64_t at, const unsigned char *rel,
                            size_t nrel_ptr, size_t nrel, const unsigned char *fil, size_t nfil, char **files,
                            size_t nsrc, bool paths_in_place)
{
    if (len % 8 || len < sizeof(cm_dataset) || ptr_end > len || ptr_end % 8 || img[len - 1] || nrel_ptr > nrel)
        return "bad image bounds";
    size_t nw = ptr_end / 8;   /* pointers live only before the strings */
    uint64_t delta = (uint64_t)(uintptr_t)img - at;
    uint64_t *w = (uint64_t *)(void *)img;
    /* Into the structs: below ptr_end and 8-byte aligned, both in one comparison (rotated,
     * a misaligned offset is huge). To strings: in [ptr_end, len). At MAP_ADDR (delta 0)
     * nothing is written, so no page is copied. */
    const char *oob = "pointer outside the image", *far = "relocation outside the image";
    for (size_t i = 0; i < nrel_ptr; i++) {
        uint32_t k;
        memcpy(&k, rel + 4 * i, 4);
        if (k >= nw) return far;
        uint64_t off = w[k] - at;
        if (((off >> 3) | (off << 61)) >= nw) return oob;
    }
    for (size_t i = nrel_ptr; i < nrel; i++) {
        uint32_t k;
        memcpy(&k, rel + 4 * i, 4);
        if (k >= nw) return far;
        if (w[k] - at - ptr_end >= len - ptr_end) return oob;
    }
    for (size_t i = 0; delta && i < nrel; i++) {
        uint32_t k;
        memcpy(&k, rel + 4 * i, 4);
        w[k] += delta;
    }
    for (size_t i = 0; i < nfil; i++) {
        uint32_t k;
        memcpy(&k, fil + 4 * i, 4);
        if (k >= nw) return "relocation outside the image";
        uint64_t slot = w[k] - PATHS_ADDR;
        if (slot % PATH_SLOT || slot / PATH_SLOT >= nsrc) return "source index out of range";
        if (!paths_in_place) w[k] = (uintptr_t)files[slot / PATH_SLOT];
    }
    return NULL;
}

/* The paths area (PATHS_ADDR): mapped and filled when free and every path fits a slot. */
static bool paths_place(struct cm_compiled *c, char **files, size_t nsrc)
{
#ifdef MAP_FIXED_NOREPLACE
    if (nsrc > PATHS_MAX / PATH_SLOT) return false;
    for (size_t i = 0; i < nsrc; i++)
        if (strlen(files[i]) >= PATH_SLOT) return false;
    size_t n = (nsrc * PATH_SLOT + 4095) & ~(size_t)4095;
    void *m = mmap((void *)(uintptr_t)PATHS_ADDR, n ? n : 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (m == MAP_FAILED) return false;
    c->paths = m;
    c->paths_len = n ? n : 4096;
    if ((uintptr_t)m != PATHS_ADDR) return false;   /* taken as a hint: freed with c */
    for (size_t i = 0; i < nsrc; i++) memcpy((char *)m + i * PATH_SLOT, files[i], strlen(files[i]) + 1);
    return true;
#else
    (void)c; (void)files; (void)nsrc;
    return false;
#endif
}

static cm_compiled_status decode(cm_dataset *ds, const char *dir, unsigned char *p, size_t len,
                                 int check_sum, struct cm_compiled *c, char *why, size_t whylen)
{
    cm_compiled_status st = check_header(p, len, check_sum, why, whylen);
    if (st != CM_COMPILED_OK) return st;
    if ((uintptr_t)p % 8) return say(why, whylen, CM_COMPILED_BAD, "buffer not 8-byte aligned", NULL);
    rd r = { p + HEADER_SIZE, p + len, p, c, NULL, NULL, NULL, NULL, NULL };
    size_t nsrc = r_count(&r, 40);
    char **files = r.bad ? NULL : arena(&r, nsrc * sizeof *files);
    if (r.bad) return say(why, whylen, CM_COMPILED_BAD, "damaged manifest (%s)", r.bad);
    time_t newest = 0;
    st = check_sources(&r, dir, files, nsrc, &newest, why, whylen);
    if (st != CM_COMPILED_OK) return st;
    /* the image's table of contents, its relocations, the image, the model */
    r_pad8(&r);
    size_t ilen = r_u64(&r), ptr_end = r_u64(&r), nrel_ptr = r_u64(&r), nrel = r_count(&r, 4), nfil = r_count(&r, 4);
    const unsigned char *rel = r.p;
    if (need(&r, 4 * nrel)) r.p += 4 * nrel;
    r_pad8(&r);
    const unsigned char *fil = r.p;
    if (need(&r, 4 * nfil)) r.p += 4 * nfil;
    r_pad8(&r);
    unsigned char *img = (unsigned char *)r.p;   /* private and writable (see the callers) */
    if (need(&r, ilen)) r.p += ilen;
    get_model(&r);
    if (!r.bad && r.p != r.end) r.bad = "trailing bytes";
    bool in_place = !r.bad && (uintptr_t)p == MAP_ADDR && paths_place(c, files, nsrc);
    if (!r.bad) r.bad = relocate(img, ilen, ptr_end, MAP_ADDR + (uint64_t)(img - p), rel, nrel_ptr, nrel, fil, nfil,
                                 files, nsrc, in_place);
    if (r.bad) return say(why, whylen, CM_COMPILED_BAD, "damaged image (%s)", r.bad);
    memcpy(ds, img, sizeof *ds);
    if (!(ds->dir = strdup(dir ? dir : "."))) return say(why, whylen, CM_COMPILED_BAD, "out of memory", NULL);
    ds->compiled = &c->base;
    ds->newest = newest;
    return CM_COMPILED_OK;
}

/* On failure `ds` goes back to empty; the caller's cm_compiled is freed. */
static cm_compiled_status finish(cm_dataset *ds, struct cm_compiled *c, cm_compiled_status st)
{
    if (st == CM_COMPILED_OK) return st;
    ds->compiled = &c->base;     /* so that release frees the arena and the mapping */
    cm_dataset_release(ds);
    cm_dataset_init(ds);
    return st;
}

cm_compiled_status cm_compiled_load_mem(cm_dataset *ds, const char *dir, const void *buf, size_t len,
                                        int check_sum, char *why, size_t whylen)
{
    struct cm_compiled *c = calloc(1, sizeof *c);
    if (!c) return say(why, whylen, CM_COMPILED_BAD, "out of memory", NULL);
    c->base.release = compiled_release;
    /* A copy: relocating writes to it, and malloc aligns it for the image. */
    if (!(c->own = malloc(len ? len : 1))) { free(c); return say(why, whylen, CM_COMPILED_BAD, "out of memory", NULL); }
    if (len) memcpy(c->own, buf, len);
    return finish(ds, c, decode(ds, dir, c->own, len, check_sum, c, why, whylen));
}

cm_compiled_status cm_compiled_load(cm_dataset *ds, const char *dir, const char *path, char *why, size_t whylen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return CM_COMPILED_ABSENT;
        return say(why, whylen, CM_COMPILED_BAD, "cannot open: %s", strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return say(why, whylen, CM_COMPILED_BAD, "not a regular file", NULL);
    }
    if (st.st_size < HEADER_SIZE || (uint64_t)st.st_size > MAX_FILE) {
        close(fd);
        return say(why, whylen, CM_COMPILED_BAD, "truncated or too large", NULL);
    }
    struct cm_compiled *c = calloc(1, sizeof *c);
    if (!c) { close(fd); return say(why, whylen, CM_COMPILED_BAD, "out of memory", NULL); }
    c->base.release = compiled_release;
    c->len = (size_t)st.st_size;
    int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE;      /* every page is read by the checksum anyway: fault them in one go */
#endif
    /* Mapped read-only first: populating a private writable mapping would copy every page
     * (the kernel breaks copy-on-write ahead of time); read-only, the pages are the page
     * cache's. Then writable and private: relocation copies only the pages it writes, and a
     * stray write changes only this process's copy, never the file. */
    void *m = MAP_FAILED;
#ifdef MAP_FIXED_NOREPLACE
    /* At MAP_ADDR if free (never over anything: NOREPLACE), so relocation writes nothing;
     * a kernel without NOREPLACE takes it as a hint, and any other address is relocated. */
    m = mmap((void *)(uintptr_t)MAP_ADDR, c->len, PROT_READ, flags | MAP_FIXED_NOREPLACE, fd, 0);
#endif
    if (m == MAP_FAILED) m = mmap(NULL, c->len, PROT_READ, flags, fd, 0);
    close(fd);
    if (m == MAP_FAILED) { free(c); return say(why, whylen, CM_COMPILED_BAD, "cannot map: %s", strerror(errno)); }
    if (mprotect(m, c->len, PROT_READ | PROT_WRITE) != 0) {
        munmap(m, c->len);
        free(c);
        return say(why, whylen, CM_COMPILED_BAD, "cannot map: %s", strerror(errno));
    }
    c->map = m;
    return finish(ds, c, decode(ds, dir, m, c->len, 1, c, why, whylen));
}

int cm_dataset_open(cm_dataset *ds, const char *dir, cm_diags *d)
{
    if (!getenv("CLUSTERMATCH_NO_COMPILED")) {
        size_t len = strlen(dir) + sizeof "/" CM_COMPILED_NAME;
        char *path = malloc(len), why[256] = "";
        if (!path) return cm_ioerror(d, dir, "out of memory");
        snprintf(path, len, "%s/%s", dir, CM_COMPILED_NAME);
        cm_compiled_status st = cm_compiled_load(ds, dir, path, why, sizeof why);
        if (st == CM_COMPILED_OK) { free(path); return 0; }
        if (st != CM_COMPILED_ABSENT)
            cm_warn(d, path, 0, 0, "%s %s: reading the YAML instead; run 'clustermatch data compile' to renew it",
                    st == CM_COMPILED_STALE ? "out of date:" : "damaged:", why);
        free(path);
    }
    return cm_dataset_load(ds, dir, d);
}

