/* serve_form.c: the pages of `clustermatch serve`.
 *
 * The form never reaches the engine directly: it is written out as profile YAML, one field
 * per line, and that text goes through the profile loader `clustermatch validate` uses. So
 * a form and a file are checked by one piece of code and get the same messages; each
 * message is put back next to the field whose line it names. The YAML is also what the
 * user downloads to keep, and what the result page sends back for the other formats.
 *
 * An uploaded or pasted profile is checked the same way; its problems are shown with
 * line:col and the offending line, as the command line shows them. Member files of a
 * partnership are refused: a web request must not make the server read its own disk.
 *
 * The result page is the export writer's HTML report, unchanged, with a link to the
 * stylesheet and a bar of download buttons put in after <body>.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_int.h"
#include "ydoc.h"

#define SV_MAX_PROFILES 50           /* profiles ranked from one uploaded stream */
#define SV_MIN_SECTOR_ROWS 4
#define SV_MIN_REGION_ROWS 3
#define FMT_YAML CM_NFORMATS        /* the profile itself, not a shortlist format */

/* ---- the submitted fields (serve.c fills them; kept here, below serve.c, which calls
 * the pages, so the two files do not call each other) ---------------------------------- */

size_t sv_yaml_limit(void) { return YLIMITS_PROFILE.max_bytes; }

void sv_fields_release(sv_fields *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].key);
        free(f->v[i].val);
        free(f->v[i].filename);
    }
    free(f->v);
    memset(f, 0, sizeof *f);
}

const char *sv_get(const sv_fields *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->v[i].key, key)) return f->v[i].val;
    return NULL;
}

static const char html_type[] = "text/html; charset=utf-8";

/* ---- HTML ------------------------------------------------------------------------------ */

void sv_html(cmx_buf *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&': cmx_buf_puts(b, "&amp;"); break;
        case '<': cmx_buf_puts(b, "&lt;"); break;
        case '>': cmx_buf_puts(b, "&gt;"); break;
        case '"': cmx_buf_puts(b, "&quot;"); break;
        case '\'': cmx_buf_puts(b, "&#39;"); break;
        case '\n': cmx_buf_puts(b, "&#10;"); break;
        case '\r': cmx_buf_puts(b, "&#13;"); break;
        default: cmx_buf_putn(b, p, 1);
        }
    }
}

static int page_take(cmx_buf *b, unsigned status, const char *type, sv_page *out)
{
    if (b->oom) { cmx_buf_release(b); return -1; }
    out->status = status;
    out->type = type;
    out->len = b->n;
    out->body = b->s ? b->s : calloc(1, 1);
    memset(b, 0, sizeof *b);
    return out->body ? 0 : -1;
}

static void page_head(cmx_buf *b, const char *title)
{
    cmx_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    sv_html(b, title);
    cmx_buf_puts(b, " · clustermatch</title>\n<link rel=\"stylesheet\" href=\"/app.css\">\n"
                    "<script src=\"/app.js\" defer></script>\n</head>\n<body class=\"cm-app\">\n");
}

int sv_page_error(unsigned status, const char *title, const char *what, sv_page *out)
{
    cmx_buf b = { 0 };
    page_head(&b, title);
    cmx_buf_printf(&b, "<main class=\"narrow\"><p class=\"brand\">clustermatch</p>\n<h1>%u ", status);
    sv_html(&b, title);
    cmx_buf_puts(&b, "</h1>\n<p>");
    sv_html(&b, what);
    cmx_buf_puts(&b, "</p>\n<p><a href=\"/\">Back to the form</a></p></main>\n</body>\n</html>\n");
    return page_take(&b, status, html_type, out);
}

/* ---- the shared context ---------------------------------------------------------------- */

static const char *level_name(cm_region_level l)
{
    return l == CM_REG_MACRO ? "macro-region" : l == CM_REG_PROVINCE ? "province"
         : l == CM_REG_CITY ? "city" : "city cluster";
}

/* The vocabularies the type-to-search reads: sectors with every alias (English, EOCIC and
 * Chinese names are all aliases in data/sectors.yaml), regions with Chinese names and the
 * province they lie in, so Shanxi and Shaanxi are told apart. */
static char *vocab_json(const cm_taxonomy *t)
{
    json_t *root = json_object(), *sec = json_array(), *reg = json_array();
    if (!root || !sec || !reg) { json_decref(root); json_decref(sec); json_decref(reg); return NULL; }
    json_object_set_new(root, "sectors", sec);
    json_object_set_new(root, "regions", reg);
    for (size_t i = 0; i < t->nsectors; i++) {
        const cm_sector *s = &t->sectors[i];
        json_t *al = json_array();
        for (size_t k = 0; k < s->naliases; k++) json_array_append_new(al, json_string(s->aliases[k]));
        const char *parent = s->nparents ? t->sectors[s->parents[0]].label : "";
        json_array_append_new(sec, json_pack("{s:s, s:s, s:s, s:o}", "id", s->id, "label", s->label,
                                             "parent", parent, "aliases", al));
    }
    for (size_t i = 0; i < t->nregions; i++) {
        const cm_region *r = &t->regions[i];
        const char *in = r->level == CM_REG_CITY && r->province != CM_NONE ? t->regions[r->province].name : "";
        json_array_append_new(reg, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", r->id, "name", r->name,
                                             "level", level_name(r->level), "zh", r->zh_hans ? r->zh_hans : "",
                                             "zht", r->zh_hant ? r->zh_hant : "", "in", in));
    }
    char *s = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(root);
    return s;
}

int sv_ctx_init(sv_ctx *c, const cm_model *m)
{
    memset(c, 0, sizeof *c);
    c->m = m;
    c->ds = m->ds;
    if (!(c->vocab_json = vocab_json(&m->ds->tax))) return -1;
    c->vocab_len = strlen(c->vocab_json);
    return 0;
}

void sv_ctx_release(sv_ctx *c)
{
    free(c->vocab_json);
    memset(c, 0, sizeof *c);
}

/* ---- the form as data ------------------------------------------------------------------ */

typedef struct row { char *term, *w; } row;

typedef struct form {
    char *id, *name, *country, *offers, *seeks, *keywords, *top;
    row *sectors; size_t nsectors;
    row *regions; size_t nregions;
    bool *goal;                      /* one per taxonomy goal */
    char **other_goals; size_t nother;   /* goal values that are not ids (sent anyway) */
    unsigned kinds;
} form;

typedef struct ferr { char field[24]; char *msg; } ferr;

typedef struct errs {
    ferr *v; size_t n;
} errs;

/* What the page shows besides the form: an upload with its text and problems, a notice. */
typedef struct panel {
    const char *yaml; const char *yaml_name;
    const cm_diags *yaml_diags;
    const char *notice;
} panel;

static void form_release(form *f)
{
    free(f->id); free(f->name); free(f->country); free(f->offers); free(f->seeks);
    free(f->keywords); free(f->top);
    for (size_t i = 0; i < f->nsectors; i++) { free(f->sectors[i].term); free(f->sectors[i].w); }
    for (size_t i = 0; i < f->nregions; i++) { free(f->regions[i].term); free(f->regions[i].w); }
    for (size_t i = 0; i < f->nother; i++) free(f->other_goals[i]);
    free(f->sectors); free(f->regions); free(f->goal); free(f->other_goals);
    memset(f, 0, sizeof *f);
}

static void errs_release(errs *e)
{
    for (size_t i = 0; i < e->n; i++) free(e->v[i].msg);
    free(e->v);
    memset(e, 0, sizeof *e);
}

static void errs_add(errs *e, const char *field, const char *msg)
{
    ferr *v = realloc(e->v, (e->n + 1) * sizeof *v);
    if (!v) return;
    e->v = v;
    snprintf(v[e->n].field, sizeof v[e->n].field, "%s", field);
    if ((v[e->n].msg = strdup(msg))) e->n++;
}

static char *dup_trim(const char *s)
{
    if (!s) return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    return strndup(s, n);
}

static bool blank(const char *s) { return !s || !*s; }

static int row_add(row **v, size_t *n, const char *term, const char *w)
{
    row *nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) return -1;
    *v = nv;
    nv[*n].term = dup_trim(term);
    nv[*n].w = dup_trim(w ? w : "");
    (*n)++;
    return 0;
}

static int form_init(form *f, const cm_taxonomy *t)
{
    memset(f, 0, sizeof *f);
    f->goal = calloc(t->ngoals ? t->ngoals : 1, sizeof *f->goal);
    return f->goal ? 0 : -1;
}

/* A term or weight field of a row list. A row is a term followed by its weight, in
 * document order; a weight with no term before it (a browser may leave an empty field out)
 * starts a row of its own, so the pairs never shift. */
static int row_field(row **v, size_t *n, const char *term, const char *w)
{
    if (w && *n && !(*v)[*n - 1].w) {
        (*v)[*n - 1].w = dup_trim(w);
        return (*v)[*n - 1].w ? 0 : -1;
    }
    row *nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) return -1;
    *v = nv;
    nv[*n].term = dup_trim(term ? term : "");
    nv[*n].w = w ? dup_trim(w) : NULL;
    (*n)++;
    return nv[*n - 1].term ? 0 : -1;
}

/* Drop the rows without a term (the form's spare rows); blank weights become "". */
static void rows_compact(row *v, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        if (blank(v[i].term)) { free(v[i].term); free(v[i].w); continue; }
        if (!v[i].w) v[i].w = calloc(1, 1);
        v[k++] = v[i];
    }
    *n = k;
}

/* The form from submitted fields. */
static int form_from_fields(form *f, const cm_taxonomy *t, const sv_fields *in)
{
    if (form_init(f, t)) return -1;
    f->id = dup_trim(sv_get(in, "id"));
    f->name = dup_trim(sv_get(in, "name"));
    f->country = dup_trim(sv_get(in, "country"));
    f->offers = dup_trim(sv_get(in, "offers"));
    f->seeks = dup_trim(sv_get(in, "seeks"));
    f->keywords = dup_trim(sv_get(in, "keywords"));
    f->top = dup_trim(sv_get(in, "top"));
    for (size_t i = 0; i < in->n; i++) {
        const sv_field *x = &in->v[i];
        int rc = 0;
        if (!strcmp(x->key, "sector")) rc = row_field(&f->sectors, &f->nsectors, x->val, NULL);
        else if (!strcmp(x->key, "sector-weight")) rc = row_field(&f->sectors, &f->nsectors, NULL, x->val);
        else if (!strcmp(x->key, "region")) rc = row_field(&f->regions, &f->nregions, x->val, NULL);
        else if (!strcmp(x->key, "region-weight")) rc = row_field(&f->regions, &f->nregions, NULL, x->val);
        else if (!strcmp(x->key, "goal")) {
            size_t g = cm_goal_find(t, x->val);
            if (g != CM_NONE) f->goal[g] = true;
            else if (!blank(x->val)) {
                char **v = realloc(f->other_goals, (f->nother + 1) * sizeof *v);
                if (!v) return -1;
                f->other_goals = v;
                if (!(v[f->nother] = dup_trim(x->val))) return -1;
                f->nother++;
            }
        } else if (!strcmp(x->key, "kind")) {
            int k = cm_kind_parse(x->val);
            if (k >= 0) f->kinds |= 1u << k;
        }
        if (rc) return -1;
    }
    rows_compact(f->sectors, &f->nsectors);
    rows_compact(f->regions, &f->nregions);
    return 0;
}

/* ---- form -> YAML ---------------------------------------------------------------------- */

/* Which form field each line of the generated YAML came from (index = line - 1). */
typedef struct linemap { char (*field)[24]; size_t n, cap; } linemap;

static void lm_mark(linemap *lm, const cmx_buf *y, const char *field)
{
    size_t line = 0;
    for (size_t i = 0; i < y->n; i++) line += y->s[i] == '\n';
    while (lm->n <= line) {
        if (lm->n == lm->cap) {
            size_t cap = lm->cap ? 2 * lm->cap : 32;
            char (*v)[24] = realloc(lm->field, cap * sizeof *v);
            if (!v) return;
            lm->field = v;
            lm->cap = cap;
        }
        lm->field[lm->n++][0] = '\0';
    }
    snprintf(lm->field[line], sizeof lm->field[line], "%s", field);
}

static bool yaml_plain_ok(const char *s)
{
    static const char *const words[] = { "null", "true", "false", "yes", "no", "on", "off", "y", "n", NULL };
    if (!isalpha((unsigned char)s[0])) return false;
    size_t n = strlen(s);
    if (s[n - 1] == ' ' || n > 200) return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(" .-_", *p)) return false;
    for (size_t i = 0; words[i]; i++)
        if (!strcasecmp(s, words[i])) return false;
    return true;
}

/* A YAML scalar for `s`: plain when nothing in it could change its meaning, else double
 * quoted with escapes (quoted scalars are never read as null, a boolean or a number). */
static void yaml_str(cmx_buf *y, const char *s)
{
    if (yaml_plain_ok(s)) { cmx_buf_puts(y, s); return; }
    cmx_buf_puts(y, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') cmx_buf_printf(y, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f) cmx_buf_printf(y, "\\x%02x", *p);
        else cmx_buf_putn(y, (const char *)p, 1);
    }
    cmx_buf_puts(y, "\"");
}

static bool number_like(const char *s)
{
    size_t digits = 0, dots = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p)) digits++;
        else if (*p == '.') dots++;
        else return false;
    }
    return digits && dots <= 1;
}

/* Split a comma-separated field (',' ';' and the Chinese commas) into a flow list. */
static void yaml_list(cmx_buf *y, const char *s)
{
    static const char *const seps[] = { ",", ";", "\xef\xbc\x8c" /* ， */, "\xe3\x80\x81" /* 、 */, NULL };
    bool first = true;
    cmx_buf_puts(y, "[");
    const char *p = s;
    while (*p) {
        const char *end = p + strlen(p);
        size_t seplen = 0;
        for (size_t i = 0; seps[i]; i++) {
            const char *q = strstr(p, seps[i]);
            if (q && q < end) { end = q; seplen = strlen(seps[i]); }
        }
        char *item = strndup(p, (size_t)(end - p));
        char *t = dup_trim(item);
        if (t && *t) {
            if (!first) cmx_buf_puts(y, ", ");
            yaml_str(y, t);
            first = false;
        }
        free(t);
        free(item);
        p = end + seplen;
        if (!seplen) break;
    }
    cmx_buf_puts(y, "]");
}

static void slug(char *out, size_t len, const char *name)
{
    size_t n = 0;
    bool dash = false;
    for (const char *p = name ? name : ""; *p && n + 2 < len; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) && c < 0x80) {
            if (dash && n) out[n++] = '-';
            out[n++] = (char)tolower(c);
            dash = false;
        } else {
            dash = true;
        }
    }
    out[n] = '\0';
    if (!n) snprintf(out, len, "my-cluster");
}

static void yaml_terms(cmx_buf *y, linemap *lm, const char *key, const char *field, const row *v, size_t n)
{
    lm_mark(lm, y, key);
    cmx_buf_printf(y, "%s:\n", key);
    for (size_t i = 0; i < n; i++) {
        char f[24];
        snprintf(f, sizeof f, "%s-%zu", field, i + 1);
        lm_mark(lm, y, f);
        cmx_buf_puts(y, "  ");
        yaml_str(y, v[i].term);
        cmx_buf_puts(y, ": ");
        if (blank(v[i].w)) cmx_buf_puts(y, "1");
        else if (number_like(v[i].w)) cmx_buf_puts(y, v[i].w);
        else yaml_str(y, v[i].w);
        cmx_buf_puts(y, "\n");
    }
}

static void form_yaml(const form *f, const cm_taxonomy *t, cmx_buf *y, linemap *lm)
{
    char id[64];
    if (!blank(f->id) && yaml_plain_ok(f->id)) snprintf(id, sizeof id, "%.63s", f->id);
    else slug(id, sizeof id, f->name);
    cmx_buf_puts(y, "# Profile written by the clustermatch web form.\n"
                    "# Check it:  clustermatch validate FILE    Rank it:  clustermatch rank FILE\n");
    lm_mark(lm, y, "id");
    cmx_buf_printf(y, "id: %s\n", id);
    if (!blank(f->name)) {
        lm_mark(lm, y, "name");
        cmx_buf_puts(y, "name: ");
        yaml_str(y, f->name);
        cmx_buf_puts(y, "\n");
    }
    if (!blank(f->country)) {
        lm_mark(lm, y, "country");
        cmx_buf_puts(y, "country: ");
        yaml_list(y, f->country);
        cmx_buf_puts(y, "\n");
    }
    if (f->nsectors) yaml_terms(y, lm, "sectors", "sector", f->sectors, f->nsectors);
    if (!blank(f->offers)) {
        lm_mark(lm, y, "offers");
        cmx_buf_puts(y, "offers: ");
        yaml_list(y, f->offers);
        cmx_buf_puts(y, "\n");
    }
    if (!blank(f->seeks)) {
        lm_mark(lm, y, "seeks");
        cmx_buf_puts(y, "seeks: ");
        yaml_list(y, f->seeks);
        cmx_buf_puts(y, "\n");
    }
    if (f->nregions) yaml_terms(y, lm, "regions", "region", f->regions, f->nregions);
    if (!blank(f->keywords)) {
        lm_mark(lm, y, "keywords");
        cmx_buf_puts(y, "keywords: ");
        yaml_list(y, f->keywords);
        cmx_buf_puts(y, "\n");
    }
    bool any = f->nother > 0;
    for (size_t g = 0; g < t->ngoals; g++) any |= f->goal[g];
    if (any) {
        lm_mark(lm, y, "goals");
        cmx_buf_puts(y, "goals: [");
        bool first = true;
        for (size_t g = 0; g < t->ngoals; g++)
            if (f->goal[g]) { cmx_buf_printf(y, "%s%s", first ? "" : ", ", t->goals[g].id); first = false; }
        for (size_t i = 0; i < f->nother; i++) {
            if (!first) cmx_buf_puts(y, ", ");
            yaml_str(y, f->other_goals[i]);
            first = false;
        }
        cmx_buf_puts(y, "]\n");
    }
    if (f->kinds) {
        lm_mark(lm, y, "kinds");
        cmx_buf_puts(y, "partner-kinds: [");
        bool first = true;
        for (int k = 0; k < CM_NKINDS; k++)
            if (f->kinds & (1u << k)) { cmx_buf_printf(y, "%s%s", first ? "" : ", ", cm_kind_names[k]); first = false; }
        cmx_buf_puts(y, "]\n");
    }
}

/* ---- YAML -> form ---------------------------------------------------------------------- */

static char *join_items(const ynode *n)
{
    if (!n || ynode_is_null(n)) return NULL;
    if (n->type == YN_SCALAR) return strdup(n->str);
    if (n->type != YN_SEQ) return NULL;
    cmx_buf b = { 0 };
    for (size_t i = 0; i < n->n; i++)
        if (n->items[i]->type == YN_SCALAR) {
            if (b.n) cmx_buf_puts(&b, ", ");
            cmx_buf_puts(&b, n->items[i]->str);
        }
    char *s = strdup(cmx_buf_str(&b));
    cmx_buf_release(&b);
    return s;
}

static int rows_from(row **v, size_t *nv, const ynode *n)
{
    if (!n || ynode_is_null(n)) return 0;
    if (n->type == YN_SCALAR) return row_add(v, nv, n->str, "");
    for (size_t i = 0; i < n->n; i++) {
        const ynode *k = n->items[i];
        const ynode *w = n->type == YN_MAP ? n->values[i] : NULL;
        if (k->type != YN_SCALAR) continue;
        if (row_add(v, nv, k->str, w && w->type == YN_SCALAR ? w->str : "")) return -1;
    }
    return 0;
}

/* Fill the form from one profile document (already validated). Keys the form has no place
 * for are listed in `missing`. */
static int form_from_doc(form *f, const cm_taxonomy *t, const ynode *doc, cmx_buf *missing)
{
    static const char *const extra[] = { "description", "source", "priorities", "exclude", "members", NULL };
    if (form_init(f, t)) return -1;
    const ynode *n;
    if ((n = ynode_get(doc, "id")) && n->type == YN_SCALAR) f->id = strdup(n->str);
    if ((n = ynode_get(doc, "name")) && n->type == YN_SCALAR) f->name = strdup(n->str);
    f->country = join_items(ynode_get(doc, "country"));
    f->offers = join_items(ynode_get(doc, "offers"));
    f->seeks = join_items(ynode_get(doc, "seeks"));
    f->keywords = join_items(ynode_get(doc, "keywords"));
    if (rows_from(&f->sectors, &f->nsectors, ynode_get(doc, "sectors")) ||
        rows_from(&f->regions, &f->nregions, ynode_get(doc, "regions")))
        return -1;
    if ((n = ynode_get(doc, "goals"))) {
        const ynode *one[1] = { n };
        const ynode *const *items = n->type == YN_SEQ ? (const ynode *const *)n->items : one;
        size_t k = n->type == YN_SEQ ? n->n : n->type == YN_SCALAR ? 1 : 0;
        for (size_t i = 0; i < k; i++) {
            if (items[i]->type != YN_SCALAR) continue;
            size_t g = cm_goal_find(t, items[i]->str);
            if (g != CM_NONE) f->goal[g] = true;
        }
    }
    if ((n = ynode_get(doc, "partner-kinds"))) {
        const ynode *one[1] = { n };
        const ynode *const *items = n->type == YN_SEQ ? (const ynode *const *)n->items : one;
        size_t k = n->type == YN_SEQ ? n->n : n->type == YN_SCALAR ? 1 : 0;
        for (size_t i = 0; i < k; i++) {
            int kind = items[i]->type == YN_SCALAR ? cm_kind_parse(items[i]->str) : -1;
            if (kind >= 0) f->kinds |= 1u << kind;
        }
    }
    for (size_t i = 0; extra[i]; i++)
        if ((n = ynode_get(doc, extra[i])) && !ynode_is_null(n) && !(n->type == YN_SEQ && n->n == 0))
            cmx_buf_printf(missing, "%s%s", missing->n ? ", " : "", extra[i]);
    return 0;
}

/* ---- checking a profile ---------------------------------------------------------------- */

/* A member given as a file would be read from the server's disk: refuse it, at its place. */
static void refuse_member_files(const ydoc_stream *s, cm_diags *d)
{
    for (size_t i = 0; i < s->ndocs; i++) {
        const ynode *mn = s->docs[i]->type == YN_MAP ? ynode_get(s->docs[i], "members") : NULL;
        if (!mn || mn->type != YN_SEQ) continue;
        for (size_t k = 0; k < mn->n; k++) {
            const ynode *e = mn->items[k];
            const ynode *file = e->type == YN_SCALAR ? e : e->type == YN_MAP && e->n == 1 ? ynode_get(e, "file") : NULL;
            if (file)
                cm_error(d, s->file, file->line, file->col,
                         "member files cannot be read by the web server; write the member's profile "
                         "in the partnership itself, or rank the file with 'clustermatch rank'");
        }
    }
}

/* Parse and validate `yaml` as `name`; on success the profiles are in `set` and, if
 * `tree` is given, the parsed documents in *tree. Returns 0 if valid. */
static int check_yaml(const sv_ctx *c, const char *name, const char *yaml, size_t len,
                      cm_profile_set *set, ydoc_stream **tree, cm_diags *d)
{
    ydoc_stream *s = NULL;
    if (tree) *tree = NULL;
    if (ydoc_load_mem(name, yaml, len, &YLIMITS_PROFILE, &s, d) != 0) return -1;
    refuse_member_files(s, d);
    if (!d->nerrors && s->ndocs > SV_MAX_PROFILES)
        cm_error(d, name, 1, 1, "%zu profiles in one file; the web form ranks at most %d at a time "
                 "(use 'clustermatch batch' for more)", s->ndocs, SV_MAX_PROFILES);
    if (!d->nerrors && s->ndocs == 0)
        cm_error(d, name, 1, 1, "empty profile: a profile needs at least 'name' and 'sectors'");
    if (!d->nerrors) {
        int bad = cm_profile_load_mem(set, name, yaml, len, c->ds, d);
        if (bad != 0 && !d->nerrors) cm_error(d, name, 1, 1, "the profile could not be read");
    }
    if (d->nerrors) { ydoc_stream_free(s); return -1; }
    if (tree) *tree = s;
    else ydoc_stream_free(s);
    return 0;
}

/* ---- rendering the form ---------------------------------------------------------------- */

static const char *err_for(const errs *e, const char *field)
{
    for (size_t i = 0; e && i < e->n; i++)
        if (!strcmp(e->v[i].field, field)) return e->v[i].msg;
    return NULL;
}

/* Every message for `field`, under the input it concerns. */
static void put_err(cmx_buf *b, const errs *e, const char *field)
{
    for (size_t i = 0; e && i < e->n; i++)
        if (!strcmp(e->v[i].field, field)) {
            cmx_buf_printf(b, "<p class=\"err\" id=\"err-%s\" role=\"alert\">", field);
            sv_html(b, e->v[i].msg);
            cmx_buf_puts(b, "</p>\n");
        }
}

static void put_input(cmx_buf *b, const errs *e, const char *field, const char *name, const char *value,
                      const char *extra)
{
    cmx_buf_printf(b, "<input id=\"f-%s\" name=\"%s\" value=\"", field, name);
    sv_html(b, value);
    cmx_buf_printf(b, "\" %s", extra);
    if (err_for(e, field)) cmx_buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"err-%s\"", field);
    cmx_buf_puts(b, ">\n");
}

static void put_rows(cmx_buf *b, const errs *e, const char *field, const char *vocab, const char *what,
                     const row *v, size_t n, size_t min)
{
    cmx_buf_printf(b, "<div class=\"rows\" data-vocab=\"%s\" data-name=\"%s\">\n", vocab, field);
    size_t rows = n > min ? n : min;
    for (size_t i = 0; i < rows; i++) {
        char f[24], wf[32], attrs[160];
        snprintf(f, sizeof f, "%s-%zu", field, i + 1);
        snprintf(wf, sizeof wf, "%s-weight", field);
        cmx_buf_puts(b, "<div class=\"row\">\n");
        snprintf(attrs, sizeof attrs, "class=\"term\" autocomplete=\"off\" aria-label=\"%s %zu\" placeholder=\"%s\"",
                 what, i + 1, i == 0 ? (strcmp(vocab, "sectors") ? "type a province, city or city cluster"
                                                               : "type to search, e.g. packaging")
                                     : "");
        put_input(b, e, f, field, i < n ? v[i].term : "", attrs);
        char wattrs[160];
        snprintf(wattrs, sizeof wattrs, "class=\"weight\" type=\"number\" min=\"0.1\" max=\"1\" step=\"0.1\" "
                 "aria-label=\"weight of %s %zu\"", what, i + 1);
        char wid[40];
        snprintf(wid, sizeof wid, "%s-w%zu", field, i + 1);
        put_input(b, e, wid, wf, i < n && !blank(v[i].w) ? v[i].w : "1", wattrs);
        cmx_buf_puts(b, "</div>\n");
        put_err(b, e, f);
    }
    cmx_buf_puts(b, "</div>\n");
}

/* The source line `line` of `text` with a caret under `col`, as the command line shows. */
static void put_source(cmx_buf *b, const char *text, unsigned line, unsigned col)
{
    const char *p = text;
    for (unsigned l = 1; l < line && p; l++) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (!p || !*p) return;
    size_t n = strcspn(p, "\r\n");
    char *src = strndup(p, n > 300 ? 300 : n);
    if (!src) return;
    cmx_buf_puts(b, "<pre class=\"src\">");
    sv_html(b, src);
    cmx_buf_puts(b, "\n");
    /* libyaml counts columns in characters: count UTF-8 lead bytes the same way. */
    unsigned c = 1;
    for (const unsigned char *q = (const unsigned char *)src; *q && c < col; q++)
        if ((*q & 0xc0) != 0x80) cmx_buf_puts(b, *q == '\t' ? "\t" : " "), c++;
    cmx_buf_puts(b, "^</pre>\n");
    free(src);
}

static void put_yaml_diags(cmx_buf *b, const cm_diags *d, const char *text)
{
    cmx_buf_puts(b, "<ol class=\"yaml-errors\" role=\"alert\">\n");
    for (size_t i = 0; i < d->n; i++) {
        const cm_diag *x = &d->v[i];
        cmx_buf_printf(b, "<li class=\"%s\"><code class=\"loc\">", x->sev == CM_SEV_ERROR ? "error" : "warning");
        sv_html(b, x->file ? x->file : "profile");
        if (x->line) cmx_buf_printf(b, ":%u:%u", x->line, x->col);
        cmx_buf_printf(b, ":</code> %s: ", x->sev == CM_SEV_ERROR ? "error" : x->sev == CM_SEV_WARNING ? "warning" : "note");
        sv_html(b, x->msg);
        cmx_buf_puts(b, "\n");
        if (x->line && text) put_source(b, text, x->line, x->col);
        cmx_buf_puts(b, "</li>\n");
    }
    if (d->dropped) cmx_buf_printf(b, "<li>… and %zu more</li>\n", d->dropped);
    cmx_buf_puts(b, "</ol>\n");
}

static void render_form(const sv_ctx *c, const form *f, const errs *e, const panel *pn, cmx_buf *b)
{
    const cm_taxonomy *t = &c->ds->tax;
    page_head(b, "Find Chinese partners for your cluster");
    cmx_buf_puts(b, "<main>\n<header><p class=\"brand\">clustermatch</p>\n"
                    "<h1>Find Chinese partners for your cluster</h1>\n"
                    "<p class=\"lead\">Describe your cluster and what it looks for. The shortlist is "
                    "computed on this computer from the bundled data: ");
    cmx_buf_printf(b, "%zu Chinese clusters, zones, organisations and programmes.", c->ds->npartners);
    cmx_buf_puts(b, " Nothing you type leaves this machine.</p></header>\n");
    if (pn && pn->notice) {
        cmx_buf_puts(b, "<p class=\"notice\" role=\"status\">");
        sv_html(b, pn->notice);
        cmx_buf_puts(b, "</p>\n");
    }
    size_t nerr = e ? e->n : 0;
    if (nerr) {
        cmx_buf_printf(b, "<div class=\"problems\" role=\"alert\"><p><strong>%zu problem%s to fix</strong> "
                          "(marked below).</p>\n", nerr, nerr == 1 ? "" : "s");
        put_err(b, e, "general");
        cmx_buf_puts(b, "</div>\n");
    }
    cmx_buf_puts(b, "<form method=\"post\" action=\"/rank\" id=\"profile\" class=\"profile\" accept-charset=\"utf-8\">\n");
    if (f && !blank(f->id)) {
        cmx_buf_puts(b, "<input type=\"hidden\" name=\"id\" value=\"");
        sv_html(b, f->id);
        cmx_buf_puts(b, "\">\n");
    }
    cmx_buf_puts(b, "<fieldset><legend>Your cluster</legend>\n<div class=\"grid2\">\n"
                    "<div><label for=\"f-name\">Cluster name</label>\n");
    put_input(b, e, "name", "name", f ? f->name : "", "required maxlength=\"300\" autocomplete=\"organization\"");
    put_err(b, e, "name");
    put_err(b, e, "id");
    cmx_buf_puts(b, "</div>\n<div><label for=\"f-country\">Countries <small>(ISO codes, such as DE, FR)</small></label>\n");
    put_input(b, e, "country", "country", f ? f->country : "", "placeholder=\"DE\" maxlength=\"200\"");
    put_err(b, e, "country");
    cmx_buf_puts(b, "</div>\n</div>\n</fieldset>\n");

    cmx_buf_puts(b, "<fieldset id=\"sectors\"><legend>Sectors</legend>\n"
                    "<p class=\"hint\">What your members do. Type a few letters to search in English, "
                    "EOCIC names or Chinese; the weight runs from 0.1 to 1 (1 = core business).</p>\n");
    put_err(b, e, "sectors");
    put_rows(b, e, "sector", "sectors", "sector", f ? f->sectors : NULL, f ? f->nsectors : 0, SV_MIN_SECTOR_ROWS);
    cmx_buf_puts(b, "</fieldset>\n");

    cmx_buf_puts(b, "<fieldset><legend>What you offer and what you seek</legend>\n"
                    "<p class=\"hint\">Sectors or technologies, separated by commas. Sectors you seek "
                    "count in the sector match; other words are matched against partner descriptions.</p>\n"
                    "<div class=\"grid2\"><div><label for=\"f-offers\">Your members offer</label>\n");
    put_input(b, e, "offers", "offers", f ? f->offers : "", "placeholder=\"packaging, aseptic filling lines\"");
    put_err(b, e, "offers");
    cmx_buf_puts(b, "</div>\n<div><label for=\"f-seeks\">You look for</label>\n");
    put_input(b, e, "seeks", "seeks", f ? f->seeks : "", "placeholder=\"new materials, food\"");
    put_err(b, e, "seeks");
    cmx_buf_puts(b, "</div></div>\n</fieldset>\n");

    cmx_buf_puts(b, "<fieldset id=\"regions\"><legend>Where in China</legend>\n"
                    "<p class=\"hint\">Provinces, cities or city clusters (in pinyin or Chinese). "
                    "Mind Shanxi (山西, capital Taiyuan) and Shaanxi (陕西, capital Xi'an). "
                    "Leave empty for all of China.</p>\n");
    put_err(b, e, "regions");
    put_rows(b, e, "region", "regions", "region", f ? f->regions : NULL, f ? f->nregions : 0, SV_MIN_REGION_ROWS);
    cmx_buf_puts(b, "</fieldset>\n");

    cmx_buf_puts(b, "<fieldset><legend>Goals</legend>\n<div class=\"checks\">\n");
    for (size_t g = 0; g < t->ngoals; g++) {
        cmx_buf_printf(b, "<label><input type=\"checkbox\" name=\"goal\" value=\"%s\"%s> ", t->goals[g].id,
                       f && f->goal && f->goal[g] ? " checked" : "");
        sv_html(b, t->goals[g].label);
        cmx_buf_puts(b, "</label>\n");
    }
    cmx_buf_puts(b, "</div>\n");
    put_err(b, e, "goals");
    cmx_buf_puts(b, "</fieldset>\n<fieldset><legend>Partner kinds</legend>\n"
                    "<p class=\"hint\">None ticked: all kinds.</p>\n<div class=\"checks\">\n");
    static const char *const kind_labels[CM_NKINDS] = { "Clusters", "Zones and parks", "Organisations",
                                                        "Programmes" };
    for (int k = 0; k < CM_NKINDS; k++)
        cmx_buf_printf(b, "<label><input type=\"checkbox\" name=\"kind\" value=\"%s\"%s> %s</label>\n",
                       cm_kind_names[k], f && (f->kinds & (1u << k)) ? " checked" : "", kind_labels[k]);
    cmx_buf_puts(b, "</div>\n");
    put_err(b, e, "kinds");
    cmx_buf_puts(b, "</fieldset>\n<fieldset><legend>Keywords and length</legend>\n<div class=\"grid2\"><div>"
                    "<label for=\"f-keywords\">Keywords <small>(comma-separated)</small></label>\n");
    put_input(b, e, "keywords", "keywords", f ? f->keywords : "", "placeholder=\"recyclable packaging, food safety\"");
    put_err(b, e, "keywords");
    cmx_buf_puts(b, "</div>\n<div><label for=\"f-top\">Suggestions</label>\n<select id=\"f-top\" name=\"top\">\n");
    static const char *const tops[] = { "10", "20", "30", "50" };
    for (size_t i = 0; i < 4; i++)
        cmx_buf_printf(b, "<option%s>%s</option>\n", f && f->top && !strcmp(f->top, tops[i]) ? " selected" : "", tops[i]);
    cmx_buf_puts(b, "</select></div></div>\n</fieldset>\n"
                    "<p class=\"submit\"><button type=\"submit\" class=\"primary\">Find partners</button></p>\n"
                    "</form>\n");

    cmx_buf_puts(b, "<section class=\"upload\" id=\"upload\"><h2>Already have a profile file?</h2>\n"
                    "<p class=\"hint\">A YAML profile as <code>clustermatch init</code> writes it. "
                    "<em>Fill the form</em> puts it in the form above to edit; <em>Rank it</em> ranks the "
                    "file as it is (several profiles in one file are ranked together).</p>\n"
                    "<form method=\"post\" action=\"/load\" enctype=\"multipart/form-data\" accept-charset=\"utf-8\">\n"
                    "<p><label for=\"f-file\">Upload a file</label>\n"
                    "<input id=\"f-file\" type=\"file\" name=\"file\" accept=\".yaml,.yml,text/yaml,application/yaml\"></p>\n"
                    "<p><label for=\"f-yaml\">or paste it</label>\n"
                    "<textarea id=\"f-yaml\" name=\"yaml\" rows=\"10\" spellcheck=\"false\">");
    if (pn && pn->yaml) sv_html(b, pn->yaml);
    cmx_buf_puts(b, "</textarea></p>\n");
    if (pn && pn->yaml_diags && pn->yaml_diags->n) put_yaml_diags(b, pn->yaml_diags, pn->yaml);
    cmx_buf_puts(b, "<p class=\"submit\"><button type=\"submit\">Fill the form</button>\n"
                    "<button type=\"submit\" formaction=\"/rank\">Rank it</button></p>\n</form>\n</section>\n"
                    "</main>\n<footer><p>clustermatch " CM_VERSION " · the same engine as the command line: "
                    "<code>clustermatch rank PROFILE</code> gives the same shortlist.</p></footer>\n"
                    "</body>\n</html>\n");
}

int sv_page_form(const sv_ctx *c, sv_page *out)
{
    cmx_buf b = { 0 };
    render_form(c, NULL, NULL, NULL, &b);
    return page_take(&b, 200, html_type, out);
}

/* ---- ranking --------------------------------------------------------------------------- */

static size_t top_of(const char *s)
{
    char *end;
    long n = s ? strtol(s, &end, 10) : 0;
    return s && end != s && !*end && n >= 1 && n <= 100 ? (size_t)n : 10;
}

/* Rank the profiles of `set` and write format `fmt` to a memory buffer. */
static int rank_write(const sv_ctx *c, const cm_profile_set *set, size_t top, cm_format fmt,
                      char **out, size_t *len, cm_diags *d)
{
    cm_rank_opts o;
    cm_rank_opts_init(&o, c->ds);
    o.top = top;
    cm_shortlist *lists = calloc(set->n, sizeof *lists);
    const cm_profile **ptrs = calloc(set->n, sizeof *ptrs);
    int rc = -1;
    *out = NULL;
    *len = 0;
    FILE *fp = NULL;
    if (!lists || !ptrs) { cm_ioerror(d, NULL, "out of memory"); goto done; }
    for (size_t i = 0; i < set->n; i++) ptrs[i] = &set->v[i];
    if (cm_rank_block(c->m, ptrs, set->n, &o, lists, d)) goto done;
    if (!(fp = open_memstream(out, len))) { cm_ioerror(d, NULL, "out of memory"); goto done; }
    cm_export_opts eo = { .explain = true };
    rc = cm_export_stream(lists, set->n, fmt, &eo, fp, "result", d);
done:
    if (fp && fclose(fp) != 0) rc = -1;
    if (rc) { free(*out); *out = NULL; *len = 0; }
    for (size_t i = 0; lists && i < set->n; i++) cm_shortlist_release(&lists[i]);
    free(lists);
    free(ptrs);
    return rc;
}

/* The report with the app's stylesheet and the download bar put in. */
static int result_page(const sv_ctx *c, const cm_profile_set *set, const char *yaml, const char *top,
                       sv_page *out)
{
    cm_diags d;
    cm_diags_init(&d);
    char *html = NULL;
    size_t len = 0;
    int rc = rank_write(c, set, top_of(top), CM_FMT_HTML, &html, &len, &d);
    cm_diags_release(&d);
    if (rc) return -1;
    cmx_buf b = { 0 };
    const char *head_end = strstr(html, "</head>");
    const char *body = head_end ? strstr(head_end, "<body>") : NULL;
    if (!body) {           /* not the page the writer is documented to write: show it as is */
        cmx_buf_putn(&b, html, len);
    } else {
        body += strlen("<body>");
        cmx_buf_putn(&b, html, (size_t)(head_end - html));
        cmx_buf_puts(&b, "<link rel=\"stylesheet\" href=\"/app.css\">\n");
        cmx_buf_putn(&b, head_end, (size_t)(body - head_end));
        cmx_buf_puts(&b, "\n<div class=\"cm-serve-bar\">\n<a class=\"back\" href=\"/\">New profile</a>\n"
                         "<form method=\"post\" action=\"/load\"><input type=\"hidden\" name=\"yaml\" value=\"");
        sv_html(&b, yaml);
        cmx_buf_puts(&b, "\"><button type=\"submit\">Edit this profile</button></form>\n"
                         "<form method=\"post\" action=\"/download\" class=\"downloads\">\n"
                         "<input type=\"hidden\" name=\"yaml\" value=\"");
        sv_html(&b, yaml);
        cmx_buf_printf(&b, "\"><input type=\"hidden\" name=\"top\" value=\"%zu\">\n<span>Download:</span>\n",
                       top_of(top));
        static const char *const fmts[][2] = { { "yaml", "Profile (YAML)" }, { "csv", "CSV" },
                                               { "xlsx", "Excel" }, { "json", "JSON" }, { "html", "This page" } };
        for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++)
            cmx_buf_printf(&b, "<button type=\"submit\" name=\"format\" value=\"%s\">%s</button>\n",
                           fmts[i][0], fmts[i][1]);
        cmx_buf_puts(&b, "</form>\n</div>\n");
        cmx_buf_puts(&b, body);
    }
    free(html);
    return page_take(&b, 200, html_type, out);
}

/* A diagnostic of the generated YAML goes to the field its line came from. Messages about
 * the whole profile (a missing key) are placed by the key they name. */
static void place_diags(const cm_diags *d, const linemap *lm, errs *e)
{
    for (size_t i = 0; i < d->n; i++) {
        const cm_diag *x = &d->v[i];
        if (x->sev != CM_SEV_ERROR) continue;
        const char *field = "general";
        if (x->line && x->line <= lm->n && lm->field[x->line - 1][0] && x->col > 1) field = lm->field[x->line - 1];
        if (!strcmp(field, "general")) {
            if (strstr(x->msg, "'sectors'")) field = "sectors";
            else if (strstr(x->msg, "'name'")) field = "name";
        }
        errs_add(e, field, x->msg);
    }
}

static int too_big_page(sv_page *out)
{
    char what[200];
    snprintf(what, sizeof what, "A profile may be at most %zu KiB, the same limit as on the command line.",
             sv_yaml_limit() >> 10);
    return sv_page_error(413, "Profile too large", what, out);
}

/* The uploaded file (if one was chosen) or else the pasted text. */
static const sv_field *yaml_field(const sv_fields *in)
{
    const sv_field *paste = NULL;
    for (size_t i = 0; i < in->n; i++) {
        const sv_field *x = &in->v[i];
        if (!strcmp(x->key, "file") && x->len) return x;
        if (!strcmp(x->key, "yaml") && !paste) paste = x;
    }
    return paste && paste->len && strspn(paste->val, " \t\r\n") < paste->len ? paste : NULL;
}

/* A name for diagnostics: the uploaded file's base name, tamed, or "pasted profile". */
static void yaml_name(const sv_field *x, char *buf, size_t len)
{
    const char *base = x->filename ? strrchr(x->filename, '/') : NULL;
    base = base ? base + 1 : x->filename;
    if (base && strrchr(base, '\\')) base = strrchr(base, '\\') + 1;
    size_t n = 0;
    for (const char *p = base ? base : ""; *p && n + 1 < len && n < 80; p++)
        buf[n++] = isalnum((unsigned char)*p) || strchr("._-", *p) ? *p : '_';
    buf[n] = '\0';
    if (!n || buf[0] == '.') snprintf(buf, len, "%s", x->filename ? "uploaded.yaml" : "pasted.yaml");
}

/* The form again, with the uploaded text and its problems. */
static int yaml_error_page(const sv_ctx *c, const sv_field *y, const cm_diags *d, sv_page *out)
{
    cmx_buf b = { 0 };
    panel pn = { .yaml = y->val, .yaml_diags = d,
                 .notice = "The profile file has problems (listed under \"Already have a profile file?\")." };
    render_form(c, NULL, NULL, &pn, &b);
    return page_take(&b, 422, html_type, out);
}

int sv_page_rank(const sv_ctx *c, const sv_fields *in, sv_page *out)
{
    const cm_taxonomy *t = &c->ds->tax;
    const sv_field *y = yaml_field(in);
    cm_diags d;
    cm_profile_set set;
    cm_diags_init(&d);
    cm_profile_set_init(&set);
    int rc;
    if (y) {                                   /* "Rank it" with a file or pasted text */
        char name[96];
        yaml_name(y, name, sizeof name);
        if (y->len > sv_yaml_limit()) rc = too_big_page(out);
        else if (check_yaml(c, name, y->val, y->len, &set, NULL, &d)) rc = yaml_error_page(c, y, &d, out);
        else rc = result_page(c, &set, y->val, sv_get(in, "top"), out);
    } else {
        form f;
        cmx_buf yaml = { 0 };
        linemap lm = { 0 };
        if (form_from_fields(&f, t, in)) { form_release(&f); rc = -1; goto out; }
        form_yaml(&f, t, &yaml, &lm);
        if (yaml.oom) rc = -1;
        else if (yaml.n > sv_yaml_limit()) rc = too_big_page(out);
        else if (check_yaml(c, "web form", cmx_buf_str(&yaml), yaml.n, &set, NULL, &d)) {
            errs e = { 0 };
            place_diags(&d, &lm, &e);
            cmx_buf b = { 0 };
            render_form(c, &f, &e, NULL, &b);
            rc = page_take(&b, 422, html_type, out);
            errs_release(&e);
        } else {
            rc = result_page(c, &set, cmx_buf_str(&yaml), f.top, out);
        }
        free(lm.field);
        cmx_buf_release(&yaml);
        form_release(&f);
    }
out:
    cm_profile_set_release(&set);
    cm_diags_release(&d);
    return rc;
}

int sv_page_load(const sv_ctx *c, const sv_fields *in, sv_page *out)
{
    const sv_field *y = yaml_field(in);
    if (!y) {
        cmx_buf b = { 0 };
        panel pn = { .notice = "Choose a profile file or paste one first." };
        render_form(c, NULL, NULL, &pn, &b);
        return page_take(&b, 422, html_type, out);
    }
    if (y->len > sv_yaml_limit()) return too_big_page(out);
    char name[96];
    yaml_name(y, name, sizeof name);
    cm_diags d;
    cm_profile_set set;
    ydoc_stream *tree = NULL;
    cm_diags_init(&d);
    cm_profile_set_init(&set);
    int rc;
    if (check_yaml(c, name, y->val, y->len, &set, &tree, &d)) {
        rc = yaml_error_page(c, y, &d, out);
    } else {
        form f;
        cmx_buf missing = { 0 }, notice = { 0 };
        rc = form_from_doc(&f, &c->ds->tax, tree->docs[0], &missing);
        if (set.n > 1 || set.v[0].partnership)
            cmx_buf_printf(&notice, "This file holds %s; the form shows %s. Use \"Rank it\" to rank the file "
                           "as it is.", set.n > 1 ? "several profiles" : "a partnership",
                           set.n > 1 ? "the first" : "its own fields only");
        else
            cmx_buf_printf(&notice, "Loaded \"%s\". Check the form and press \"Find partners\".", set.v[0].name);
        if (missing.n)
            cmx_buf_printf(&notice, " The form has no place for: %s. Use \"Rank it\" to keep them.",
                           cmx_buf_str(&missing));
        if (!rc) {
            cmx_buf b = { 0 };
            panel pn = { .yaml = y->val, .notice = cmx_buf_str(&notice) };
            render_form(c, &f, NULL, &pn, &b);
            rc = page_take(&b, 200, html_type, out);
        }
        form_release(&f);
        cmx_buf_release(&missing);
        cmx_buf_release(&notice);
    }
    ydoc_stream_free(tree);
    cm_profile_set_release(&set);
    cm_diags_release(&d);
    return rc;
}

int sv_page_download(const sv_ctx *c, const sv_fields *in, sv_page *out)
{
    const char *yaml = sv_get(in, "yaml");
    const char *fmt = sv_get(in, "format");
    if (!yaml || !fmt) return sv_page_error(400, "Bad request", "The download form is incomplete.", out);
    size_t len = strlen(yaml);
    if (len > sv_yaml_limit()) return too_big_page(out);
    static const struct { const char *name; cm_format f; const char *type, *ext; } fmts[] = {
        { "csv", CM_FMT_CSV, "text/csv; charset=utf-8", "csv" },
        { "json", CM_FMT_JSON, "application/json; charset=utf-8", "json" },
        { "xlsx", CM_FMT_XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx" },
        { "html", CM_FMT_HTML, "text/html; charset=utf-8", "html" },
        { "yaml", FMT_YAML, "application/yaml; charset=utf-8", "yaml" },
    };
    size_t k = 0;
    while (k < sizeof fmts / sizeof *fmts && strcmp(fmt, fmts[k].name)) k++;
    if (k == sizeof fmts / sizeof *fmts)
        return sv_page_error(400, "Bad request", "Unknown download format.", out);
    cm_diags d;
    cm_profile_set set;
    cm_diags_init(&d);
    cm_profile_set_init(&set);
    int rc = 0;
    if (check_yaml(c, "profile.yaml", yaml, len, &set, NULL, &d)) {
        rc = sv_page_error(422, "Profile not valid", "The profile sent with the download has problems; "
                           "go back to the form and submit it again.", out);
        goto done;
    }
    char base[80];
    slug(base, sizeof base, set.v[0].id);
    out->disposition = malloc(strlen(base) + 64);
    if (!out->disposition) { rc = -1; goto done; }
    sprintf(out->disposition, "attachment; filename=\"%s%s.%s\"", base,
            fmts[k].f == FMT_YAML ? "" : "-shortlist", fmts[k].ext);
    out->status = 200;
    out->type = fmts[k].type;
    if (fmts[k].f == FMT_YAML) {
        out->body = strdup(yaml);
        out->len = len;
        rc = out->body ? 0 : -1;
    } else {
        rc = rank_write(c, &set, top_of(sv_get(in, "top")), fmts[k].f, &out->body, &out->len, &d);
    }
done:
    cm_profile_set_release(&set);
    cm_diags_release(&d);
    return rc;
}
