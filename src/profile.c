/* profile.c: parsing and validating profiles (see profile.h).
 *
 * Each document is validated completely before it is accepted, and every problem in it is
 * reported, not only the first: a user fixing a profile should see all its errors at once.
 */
#include "profile.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ascii.h"
#include "yfield.h"

/* ISO 3166-1 alpha-2, officially assigned codes, plus EU and UK's GB/UK usage: EL (Greece
 * in EU usage) and UK are accepted because EU documents write them. */
static const char iso3166[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW EL UK EU";

static bool valid_country(const char *s)
{
    if (strlen(s) != 2 || !cm_is_upper(s[0]) || !cm_is_upper(s[1])) return false;
    /* Codes are two letters and a space; the last has no space, so step over it by hand
     * (p += 3 ran past the end for a code not in the list). */
    for (const char *p = iso3166; p[0] && p[1]; p += p[2] ? 3 : 2)
        if (p[0] == s[0] && p[1] == s[1]) return true;
    return false;
}

void cm_profile_release(cm_profile *p)
{
    if (!p) return;
    free(p->id); free(p->name); free(p->file);
    yf_strlist_free(p->countries, p->ncountries);
    free(p->sectors); free(p->seeks); free(p->offers); free(p->regions);
    yf_strlist_free(p->terms, p->nterms);
    free(p->priorities);
    yf_strlist_free(p->keywords, p->nkeywords);
    free(p->goals);
    yf_strlist_free(p->exclude, p->nexclude);
    for (size_t i = 0; i < p->nmembers; i++) cm_profile_release(&p->members[i]);
    free(p->members);
    memset(p, 0, sizeof *p);
}

void cm_profile_set_init(cm_profile_set *s) { memset(s, 0, sizeof *s); }

void cm_profile_set_release(cm_profile_set *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) cm_profile_release(&s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

typedef struct pctx {
    yctx c;
    const cm_dataset *ds;
    int member;            /* 1 inside a partnership's member */
    int depth;             /* member files nest at most once */
} pctx;

static const char *const profile_keys[] = {
    "id", "name", "kind", "description", "source", "country", "sectors", "offers", "seeks",
    "regions", "priorities", "keywords", "goals", "partner-kinds", "exclude", "members", NULL };

/* Items of a list-or-map field: (node, weight node or NULL). A lone string counts as a
 * list of one, since `sectors: packaging` is what people write. */
typedef struct { const ynode *const *items; const ynode *const *values; size_t n; const ynode *one; } items_t;

static int get_items(const pctx *x, const ynode *map, const char *key, bool weighted, items_t *it)
{
    memset(it, 0, sizeof *it);
    const ynode *v = ynode_get(map, key);
    if (!v || ynode_is_null(v)) return 0;
    if (v->type == YN_SCALAR) {
        it->one = v;
        it->items = &it->one;
        it->n = 1;
        return 0;
    }
    if (v->type == YN_MAP && !weighted)
        return cm_error(x->c.d, x->c.file, v->line, v->col, "'%s' must be a list, not a mapping", key);
    it->items = (const ynode *const *)v->items;
    it->values = v->type == YN_MAP ? (const ynode *const *)v->values : NULL;
    it->n = v->n;
    return 0;
}

static int item_string(const pctx *x, const ynode *n, const char *key)
{
    if (n->type == YN_SCALAR && !ynode_is_null(n)) return 0;
    return cm_error(x->c.d, x->c.file, n->line, n->col, "items of '%s' must be strings, not %s", key, ynode_kind(n));
}

static int unknown_term(const pctx *x, const ynode *n, const char *what, cm_vocab v)
{
    if (v == CM_VOCAB_REGION) {
        char *m = cm_region_miss(&x->ds->tax, what, n->str);
        int rc = m ? cm_error(x->c.d, x->c.file, n->line, n->col, "%s", m) : cm_ioerror(x->c.d, x->c.file, "out of memory");
        free(m);
        return rc;
    }
    const char *sug = cm_suggest(&x->ds->tax, v, n->str);
    if (sug)
        return cm_error(x->c.d, x->c.file, n->line, n->col, "unknown %s '%s' (did you mean '%s'?)", what, n->str, sug);
    return cm_error(x->c.d, x->c.file, n->line, n->col, "unknown %s '%s' (see 'clustermatch list %s')", what,
                    n->str, v == CM_VOCAB_SECTOR ? "sectors" : v == CM_VOCAB_REGION ? "regions"
                    : v == CM_VOCAB_PRIORITY ? "priorities" : "goals");
}

/* A weighted term list over one vocabulary: `sectors` and `regions`. */
static int read_terms(const pctx *x, const ynode *map, const char *key, cm_vocab v,
                      cm_wterm **out, size_t *nout)
{
    items_t it;
    *out = NULL;
    *nout = 0;
    if (get_items(x, map, key, true, &it)) return -1;
    if (!it.n) return 0;
    cm_wterm *w = calloc(it.n, sizeof *w);
    const ynode **first = calloc(it.n, sizeof *first);
    int bad = 0;
    if (!w || !first) { free(w); free(first); return cm_ioerror(x->c.d, x->c.file, "out of memory"); }
    const char *what = v == CM_VOCAB_SECTOR ? "sector" : "region";
    for (size_t i = 0; i < it.n; i++) {
        const ynode *n = it.items[i];
        double wt = 1.0;
        if (item_string(x, n, key)) { bad = 1; continue; }
        if (it.values && yf_weight(&x->c, it.values[i], n->str, &wt)) { bad = 1; continue; }
        size_t idx = v == CM_VOCAB_SECTOR ? cm_sector_find(&x->ds->tax, n->str) : cm_region_find(&x->ds->tax, n->str);
        if (idx == CM_NONE) { unknown_term(x, n, what, v); bad = 1; continue; }
        char said[1024];
        if (v == CM_VOCAB_REGION && cm_region_understood(&x->ds->tax, idx, n->str, said, sizeof said))
            cm_info(x->c.d, x->c.file, n->line, n->col, "%s", said);
        size_t j = 0;
        while (j < *nout && w[j].idx != idx) j++;
        if (j < *nout) {
            /* Name both spellings: 'information technology' and 'ict' are one sector. */
            const char *id = v == CM_VOCAB_SECTOR ? x->ds->tax.sectors[idx].id : x->ds->tax.regions[idx].id;
            if (!strcmp(first[j]->str, n->str))
                cm_error(x->c.d, x->c.file, n->line, n->col, "%s '%s' given twice (also at line %u, column %u)",
                         what, n->str, first[j]->line, first[j]->col);
            else
                cm_error(x->c.d, x->c.file, n->line, n->col, "%s '%s' given twice: it is '%s', already given "
                         "as '%s' at line %u, column %u", what, n->str, id, first[j]->str, first[j]->line, first[j]->col);
            bad = 1;
            continue;
        }
        first[*nout] = n;
        w[*nout].idx = idx;
        w[(*nout)++].w = wt;
    }
    free(first);
    *out = w;
    return bad ? -1 : 0;
}

/* offers/seeks: sector terms become sectors, anything else is kept as a technology term. */
static int read_needs(const pctx *x, const ynode *map, const char *key, cm_wterm **out, size_t *nout,
                      cm_profile *p)
{
    items_t it;
    *out = NULL;
    *nout = 0;
    if (get_items(x, map, key, false, &it)) return -1;
    if (!it.n) return 0;
    int bad = 0;
    if (!(*out = calloc(it.n, sizeof **out))) return cm_ioerror(x->c.d, x->c.file, "out of memory");
    char **terms = realloc(p->terms, (p->nterms + it.n) * sizeof *terms);
    if (!terms) return cm_ioerror(x->c.d, x->c.file, "out of memory");
    p->terms = terms;
    for (size_t i = 0; i < it.n; i++) {
        const ynode *n = it.items[i];
        if (item_string(x, n, key)) { bad = 1; continue; }
        size_t s = cm_sector_find(&x->ds->tax, n->str);
        if (s != CM_NONE) {
            size_t j = 0;
            while (j < *nout && (*out)[j].idx != s) j++;
            if (j == *nout) (*out)[(*nout)++] = (cm_wterm){ s, 1.0 };
        } else {
            p->terms[p->nterms++] = strdup(n->str);
        }
    }
    return bad ? -1 : 0;
}

static int read_id_list(const pctx *x, const ynode *map, const char *key, cm_vocab v, size_t **out, size_t *nout)
{
    items_t it;
    *out = NULL;
    *nout = 0;
    if (get_items(x, map, key, false, &it)) return -1;
    if (!it.n) return 0;
    int bad = 0;
    if (!(*out = calloc(it.n, sizeof **out))) return cm_ioerror(x->c.d, x->c.file, "out of memory");
    for (size_t i = 0; i < it.n; i++) {
        const ynode *n = it.items[i];
        if (item_string(x, n, key)) { bad = 1; continue; }
        size_t idx = v == CM_VOCAB_PRIORITY ? cm_priority_find(&x->ds->tax, n->str) : cm_goal_find(&x->ds->tax, n->str);
        if (idx == CM_NONE) {
            unknown_term(x, n, v == CM_VOCAB_PRIORITY ? "priority" : "goal", v);
            bad = 1;
            continue;
        }
        size_t j = 0;
        while (j < *nout && (*out)[j] != idx) j++;
        if (j == *nout) (*out)[(*nout)++] = idx;
    }
    return bad ? -1 : 0;
}

static char *stem_of(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *s = strdup(b);
    if (!s) return NULL;
    char *dot = strrchr(s, '.');
    if (dot && dot != s) *dot = '\0';
    /* Ids are kebab-case: fold anything else to '-'. */
    for (char *c = s; *c; c++)
        *c = cm_is_alnum(*c) ? (char)cm_to_lower(*c) : '-';
    return s;
}

static int parse_profile(const pctx *x, const ynode *root, cm_profile *p, const char *default_id,
                         const cm_profile *parent);

/* Copy what a partnership says to a member that does not say it itself. */
static int inherit(cm_profile *m, const cm_profile *pp)
{
#define DUP_ARRAY(field, nfield) \
    if (!m->nfield && pp->nfield) { \
        free(m->field);      /* allocated for an empty or all-invalid list */ \
        m->field = malloc(pp->nfield * sizeof *m->field); \
        if (!m->field) return -1; \
        memcpy(m->field, pp->field, pp->nfield * sizeof *m->field); \
        m->nfield = pp->nfield; \
    }
    DUP_ARRAY(regions, nregions)
    DUP_ARRAY(goals, ngoals)
    DUP_ARRAY(priorities, npriorities)
    DUP_ARRAY(sectors, nsectors)
    DUP_ARRAY(seeks, nseeks)
    DUP_ARRAY(offers, noffers)
#undef DUP_ARRAY
    if (!m->kinds) m->kinds = pp->kinds;
    if (!m->nkeywords && pp->nkeywords) {
        free(m->keywords);
        m->keywords = calloc(pp->nkeywords, sizeof *m->keywords);
        if (!m->keywords) return -1;
        for (size_t i = 0; i < pp->nkeywords; i++) m->keywords[i] = strdup(pp->keywords[i]);
        m->nkeywords = pp->nkeywords;
    }
    if (!m->nexclude && pp->nexclude) {
        free(m->exclude);
        m->exclude = calloc(pp->nexclude, sizeof *m->exclude);
        if (!m->exclude) return -1;
        for (size_t i = 0; i < pp->nexclude; i++) m->exclude[i] = strdup(pp->exclude[i]);
        m->nexclude = pp->nexclude;
    }
    return 0;
}

static int load_member_file(const pctx *x, const ynode *n, const char *rel, cm_profile *m,
                            const cm_profile *parent)
{
    char *dirbuf = strdup(x->c.file), *path = NULL;
    int rc = -1;
    ydoc_stream *s = NULL;
    if (!dirbuf) return cm_ioerror(x->c.d, x->c.file, "out of memory");
    const char *dir = dirname(dirbuf);
    size_t len = strlen(dir) + strlen(rel) + 2;
    if (!(path = malloc(len))) { cm_ioerror(x->c.d, x->c.file, "out of memory"); goto out; }
    if (rel[0] == '/' || !strcmp(dir, ".")) snprintf(path, len, "%s", rel);   /* not "./x.yaml" */
    else snprintf(path, len, "%s/%s", dir, rel);
    if (x->depth > 0) {
        cm_error(x->c.d, x->c.file, n->line, n->col, "member files cannot list members of their own");
        goto out;
    }
    size_t errs0 = x->c.d->nerrors;
    if (ydoc_load_file(path, &YLIMITS_PROFILE, &s, x->c.d) != 0) {
        cm_error(x->c.d, x->c.file, n->line, n->col, "cannot load member file '%s'", rel);
        goto out;
    }
    if (s->ndocs != 1) {
        cm_error(x->c.d, path, 1, 1, "a member file must hold exactly one profile, not %zu", s->ndocs);
        goto out;
    }
    pctx sub = { { path, x->c.d }, x->ds, 1, x->depth + 1 };
    char *stem = stem_of(path);
    rc = parse_profile(&sub, s->docs[0], m, stem, parent);
    free(stem);
    if (x->c.d->nerrors > errs0) rc = -1;
out:
    ydoc_stream_free(s);
    free(path);
    free(dirbuf);
    return rc;
}

/* A partnership is a handful of clusters (the ESCP-4i ones have 3 to 10). The limit keeps
 * the work of one profile file bounded: each member file may be 1 MiB, and a 40 KB
 * partnership naming one such file 1,000 times ran for minutes (issue 17, class 2). */
#define PROFILE_MAX_MEMBERS 64

static int parse_members(const pctx *x, const ynode *mn, cm_profile *p)
{
    if (mn->type != YN_SEQ || mn->n == 0)
        return cm_error(x->c.d, x->c.file, mn->line, mn->col, "'members' must be a non-empty list of profiles or files");
    if (mn->n > PROFILE_MAX_MEMBERS) {
        const ynode *e = mn->items[PROFILE_MAX_MEMBERS];
        return cm_error(x->c.d, x->c.file, e->line, e->col, "too many members: a partnership has at most %d",
                        PROFILE_MAX_MEMBERS);
    }
    for (size_t i = 0; i < mn->n; i++) {   /* the same member file twice would count it twice */
        const ynode *a = mn->items[i];
        if (a->type == YN_MAP && a->n == 1) a = ynode_get(a, "file");
        if (!a || a->type != YN_SCALAR) continue;
        for (size_t j = 0; j < i; j++) {
            const ynode *b = mn->items[j];
            if (b->type == YN_MAP && b->n == 1) b = ynode_get(b, "file");
            if (b && b->type == YN_SCALAR && !strcmp(a->str, b->str))
                return cm_error(x->c.d, x->c.file, a->line, a->col, "member file '%s' given twice (also at "
                                "line %u, column %u)", a->str, b->line, b->col);
        }
    }
    if (!(p->members = calloc(mn->n, sizeof *p->members))) return cm_ioerror(x->c.d, x->c.file, "out of memory");
    int bad = 0;
    for (size_t i = 0; i < mn->n; i++) {
        const ynode *e = mn->items[i];
        cm_profile *m = &p->members[p->nmembers];
        char defid[64];
        snprintf(defid, sizeof defid, "member-%zu", i + 1);
        const ynode *file = e->type == YN_SCALAR ? e : e->type == YN_MAP && e->n == 1 ? ynode_get(e, "file") : NULL;
        int r;
        if (file) {
            if (file->type != YN_SCALAR || ynode_is_null(file)) {
                bad = cm_error(x->c.d, x->c.file, file->line, file->col, "'file' must be a path");
                continue;
            }
            r = load_member_file(x, file, file->str, m, p);
        } else if (e->type == YN_MAP) {
            pctx sub = *x;
            sub.member = 1;
            r = parse_profile(&sub, e, m, defid, p);
        } else {
            r = cm_error(x->c.d, x->c.file, e->line, e->col, "a member must be a profile mapping or a file path, not %s", ynode_kind(e));
        }
        if (r) { cm_profile_release(m); bad = -1; continue; }
        p->nmembers++;
    }
    return bad ? -1 : 0;
}

/* A sector or region name as a top-level key is an indentation slip:
 *   sectors:
 *   packaging: 0.8      <- meant under sectors */
static const char *misplaced_key(const char *key, const void *ctx)
{
    const cm_dataset *ds = ctx;
    if (cm_sector_find(&ds->tax, key) != CM_NONE)
        return "it is a sector; did you mean to indent it under 'sectors:'?";
    if (cm_region_find(&ds->tax, key) != CM_NONE)
        return "it is a region; did you mean to indent it under 'regions:'?";
    return NULL;
}

static int parse_profile(const pctx *x, const ynode *root, cm_profile *p, const char *default_id,
                         const cm_profile *parent)
{
    const yctx *c = &x->c;
    cm_diags *d = c->d;
    size_t errs0 = d->nerrors;
    memset(p, 0, sizeof *p);
    if (root && ynode_is_null(root))
        return cm_error(d, c->file, root->line, root->col,
                        "empty profile: a profile needs at least 'name' and 'sectors'");
    if (!root || root->type != YN_MAP)
        return cm_error(d, c->file, root ? root->line : 1, root ? root->col : 1,
                        "a profile must be a mapping of keys to values, not %s", ynode_kind(root));
    p->file = strdup(c->file);
    p->line = root->line;
    struct stat st;
    if (stat(c->file, &st) == 0) p->mtime = st.st_mtime;
    yf_check_keys_hint(c, root, profile_keys, x->member ? "member profile" : "profile", misplaced_key, x->ds);
    yf_str(c, root, "name", true, &p->name);
    if (yf_str(c, root, "id", false, &p->id) == 0 && p->id) {
        bool ok = *p->id != '\0';
        for (const char *s = p->id; *s; s++)
            if (!(cm_is_lower(*s) || cm_is_digit(*s) || *s == '-' || *s == '_')) ok = false;
        if (!ok) {
            const ynode *n = ynode_get(root, "id");
            cm_error(d, c->file, n->line, n->col, "id '%s' may only use a-z, 0-9, '-' and '_'", p->id);
        }
    } else if (!p->id) {
        p->id = strdup(default_id);
    }
    char *kind = NULL;
    if (yf_str(c, root, "kind", false, &kind) == 0 && kind) {
        if (!strcmp(kind, "partnership")) p->partnership = true;
        else if (strcmp(kind, "profile") != 0) {
            const ynode *n = ynode_get(root, "kind");
            cm_error(d, c->file, n->line, n->col, "unknown profile kind '%s' (one of profile, partnership)", kind);
        }
        if (x->member) {
            const ynode *n = ynode_get(root, "kind");
            if (p->partnership) cm_error(d, c->file, n->line, n->col, "a member cannot itself be a partnership");
        }
    }
    free(kind);
    char *ignore = NULL;
    yf_str(c, root, "description", false, &ignore); free(ignore); ignore = NULL;
    yf_str(c, root, "source", false, &ignore); free(ignore);

    if (yf_strlist(c, root, "country", false, &p->countries, &p->ncountries) == 0) {
        const ynode *cn = ynode_get(root, "country");
        for (size_t i = 0; i < p->ncountries; i++) {
            if (valid_country(p->countries[i])) continue;
            const ynode *n = cn->type == YN_SEQ ? cn->items[i] : cn;
            cm_error(d, c->file, n->line, n->col, "'%s' is not an ISO 3166-1 alpha-2 country code (such as DE, DK, FR)",
                     p->countries[i]);
        }
    }

    const ynode *sn = ynode_get(root, "sectors");
    read_terms(x, root, "sectors", CM_VOCAB_SECTOR, &p->sectors, &p->nsectors);
    read_needs(x, root, "offers", &p->offers, &p->noffers, p);
    read_needs(x, root, "seeks", &p->seeks, &p->nseeks, p);
    read_terms(x, root, "regions", CM_VOCAB_REGION, &p->regions, &p->nregions);
    read_id_list(x, root, "priorities", CM_VOCAB_PRIORITY, &p->priorities, &p->npriorities);
    read_id_list(x, root, "goals", CM_VOCAB_GOAL, &p->goals, &p->ngoals);
    yf_strlist(c, root, "keywords", false, &p->keywords, &p->nkeywords);
    char **kinds = NULL;
    size_t nk = 0;
    if (yf_strlist(c, root, "partner-kinds", false, &kinds, &nk) == 0) {
        const ynode *kn = ynode_get(root, "partner-kinds");
        for (size_t i = 0; i < nk; i++) {
            int k = cm_kind_parse(kinds[i]);
            const ynode *n = kn->type == YN_SEQ ? kn->items[i] : kn;
            if (k < 0) {
                const char *sug = cm_suggest_among(cm_kind_names, CM_NKINDS, kinds[i]);
                if (sug) cm_error(d, c->file, n->line, n->col, "unknown partner kind '%s' (did you mean '%s'?)", kinds[i], sug);
                else cm_error(d, c->file, n->line, n->col, "unknown partner kind '%s' (one of " CM_KIND_LIST ")", kinds[i]);
            } else {
                p->kinds |= 1u << k;
            }
        }
        yf_strlist_free(kinds, nk);
    }
    if (yf_strlist(c, root, "exclude", false, &p->exclude, &p->nexclude) == 0) {
        const ynode *en = ynode_get(root, "exclude");
        for (size_t i = 0; i < p->nexclude; i++) {
            if (cm_partner_find(x->ds, p->exclude[i]) != CM_NONE) continue;
            const ynode *n = en->type == YN_SEQ ? en->items[i] : en;
            const char **ids = malloc((x->ds->npartners + 1) * sizeof *ids);
            const char *sug = NULL;
            if (ids) {
                for (size_t k = 0; k < x->ds->npartners; k++) ids[k] = x->ds->partners[k].id;
                sug = cm_suggest_among(ids, x->ds->npartners, p->exclude[i]);
            }
            if (sug) cm_error(d, c->file, n->line, n->col, "unknown partner '%s' in exclude (did you mean '%s'?)", p->exclude[i], sug);
            else cm_error(d, c->file, n->line, n->col, "unknown partner '%s' in exclude", p->exclude[i]);
            free(ids);
        }
    }
    if (parent && inherit(p, parent)) return cm_ioerror(d, c->file, "out of memory");
    /* No goal named: the data's default goals (cluster-to-cluster cooperation). */
    if (!p->ngoals && x->ds->tax.ndefault_goals) {
        free(p->goals);      /* allocated when every goal named was unknown */
        if (!(p->goals = malloc(x->ds->tax.ndefault_goals * sizeof *p->goals)))
            return cm_ioerror(d, c->file, "out of memory");
        memcpy(p->goals, x->ds->tax.default_goals, x->ds->tax.ndefault_goals * sizeof *p->goals);
        p->ngoals = x->ds->tax.ndefault_goals;
    }

    const ynode *mn = ynode_get(root, "members");
    /* A member that says 'kind: partnership' has been told so above: nothing about its
     * members would help. */
    if (mn && !ynode_is_null(mn)) {
        if (!p->partnership)
            cm_error(d, c->file, mn->line, mn->col, "'members' is only for profiles with 'kind: partnership'");
        else if (!x->member)
            parse_members(x, mn, p);
    } else if (p->partnership && !x->member) {
        cm_error(d, c->file, root->line, root->col, "a partnership needs 'members'");
    }
    if (!p->partnership && !p->nsectors && d->nerrors == errs0) {
        if (!sn || ynode_is_null(sn))
            cm_error(d, c->file, root->line, root->col, "missing required key 'sectors'");
        else if (sn->n == 0 && sn->type != YN_SCALAR)
            cm_error(d, c->file, sn->line, sn->col, "'sectors' is empty; name at least one sector");
    }
    /* A partnership's own sector vector is the union of its members' (largest weight): what
     * the partnership offers the Chinese side. Its score is the members' mean (rank.c). */
    if (p->partnership && p->nmembers && d->nerrors == errs0) {
        size_t total = p->nsectors;
        for (size_t i = 0; i < p->nmembers; i++) total += p->members[i].nsectors;
        cm_wterm *u = realloc(p->sectors, (total ? total : 1) * sizeof *u);
        if (!u) return cm_ioerror(d, c->file, "out of memory");
        p->sectors = u;
        for (size_t i = 0; i < p->nmembers; i++)
            for (size_t k = 0; k < p->members[i].nsectors; k++) {
                cm_wterm t = p->members[i].sectors[k];
                size_t j = 0;
                while (j < p->nsectors && p->sectors[j].idx != t.idx) j++;
                if (j == p->nsectors) p->sectors[p->nsectors++] = t;
                else if (t.w > p->sectors[j].w) p->sectors[j].w = t.w;
            }
    }
    return d->nerrors > errs0 ? -1 : 0;
}

/* Every document of a parsed stream, as profiles appended to `out`; frees the stream. */
static int load_docs(cm_profile_set *out, const char *path, ydoc_stream *s, const cm_dataset *ds,
                     cm_diags *d)
{
    int bad = 0;
    if (s->ndocs == 0) {
        cm_error(d, path, 1, 1, "no profile in file (it is empty or holds only comments)");
        ydoc_stream_free(s);
        return -1;
    }
    char *stem = stem_of(path);
    pctx x = { { path, d }, ds, 0, 0 };
    for (size_t i = 0; i < s->ndocs; i++) {
        char defid[300];
        if (s->ndocs == 1) snprintf(defid, sizeof defid, "%s", stem ? stem : "profile");
        else snprintf(defid, sizeof defid, "%s-%zu", stem ? stem : "profile", i + 1);
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 4;
            cm_profile *v = realloc(out->v, cap * sizeof *v);
            if (!v) { cm_ioerror(d, path, "out of memory"); bad = -1; break; }
            out->v = v;
            out->cap = cap;
        }
        cm_profile *p = &out->v[out->n];
        if (parse_profile(&x, s->docs[i], p, defid, NULL) != 0) {
            cm_profile_release(p);
            bad++;
            continue;
        }
        out->n++;
    }
    free(stem);
    ydoc_stream_free(s);
    return bad;
}

int cm_profile_load(cm_profile_set *out, const char *path, const cm_dataset *ds, cm_diags *d)
{
    ydoc_stream *s = NULL;
    if (ydoc_load_file(path, &YLIMITS_PROFILE, &s, d) != 0) return -1;
    return load_docs(out, path, s, ds, d);
}

int cm_profile_load_mem(cm_profile_set *out, const char *name, const char *buf, size_t len,
                        const cm_dataset *ds, cm_diags *d)
{
    ydoc_stream *s = NULL;
    if (ydoc_load_mem(name, buf, len, &YLIMITS_PROFILE, &s, d) != 0) return -1;
    return load_docs(out, name, s, ds, d);
}
