/* export_text.c: the text writers (table, tsv, csv, md) and the single-pair breakdown of
 * `clustermatch explain`.
 *
 * Writers print the fields of cm_shortlist and cm_hit as they are: no writer computes,
 * filters or reorders anything, so every format shows the same hits in the same order with
 * the same scores. Precision per format (docs/exports.md):
 *   table, md     score and points %.1f, component values %.3f (explain only)
 *   tsv, csv      score %.2f, component values %.4f, points (csv only) %.2f
 *   json, xlsx    full double precision
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "export_util.h"
#include "export_writers.h"

/* ---- small local helpers ------------------------------------------------------------ */

/* Copy `s` with tabs, CR and LF (and other C0 controls) turned into spaces. */
static void put_clean(cmx_buf *b, const char *s)
{
    for (const char *p = cmx_str(s); *p; p++) {
        char c = *p;
        if ((unsigned char)c < 0x20 || c == 0x7f) c = ' ';
        cmx_buf_putn(b, &c, 1);
    }
}

static char *dup_clean(const char *s)
{
    cmx_buf b = {0};
    put_clean(&b, s);
    if (b.oom) { cmx_buf_release(&b); return NULL; }
    if (!b.s) return strdup("");
    return b.s;
}

/* "Zhejiang / Xiaoshan", or the province alone. */
static void put_place(cmx_buf *b, const cm_dataset *ds, const cm_partner *p)
{
    put_clean(b, cmx_region_name(ds, p->province));
    const char *city = cmx_region_name(ds, p->city);
    if (*city && p->city != p->province) {
        cmx_buf_puts(b, " / ");
        put_clean(b, city);
    }
}

static void put_reasons(cmx_buf *b, const cm_hit *h, size_t max, const char *sep)
{
    for (size_t i = 0; i < h->nreasons && i < max && i < CM_MAX_REASONS; i++) {
        if (i) cmx_buf_puts(b, sep);
        put_clean(b, h->reasons[i].text);
    }
}


/* ---- table ------------------------------------------------------------------------ */

/* The table is read by a business person in a terminal, often 80 columns wide. Cells wrap
 * (never truncate), and when the full row does not fit, the partner's type and the reasons
 * move to a line of their own under the row, so the partner's name keeps its room. */
enum { T_RANK, T_SCORE, T_STAB, T_KIND, T_NAME, T_ZH, T_PLACE, T_WHY, T_NCOLS };
static const char *const t_head[T_NCOLS] = {
    "#", "Score", "Stable", "Type", "Partner", "Chinese name", "Province / City", "Why",
};
static const bool t_right[T_NCOLS] = { true, true, true, false, false, false, false, false };
/* Narrowest a column is wrapped to, with everything in one row and on a separate line; 0 =
 * fixed width. */
static const size_t t_min_wide[T_NCOLS] = { 0, 0, 0, 0, 24, 12, 12, 24 };
static const size_t t_min_narrow[T_NCOLS] = { 0, 0, 0, 0, 16, 8, 8, 0 };

/* The next line of `s` at most `w` columns wide: returns its length in bytes and sets `adv`
 * to the bytes to skip to the next line. Breaks at spaces, and between wide (CJK)
 * characters, which may break anywhere; a word wider than `w` is cut. */
static size_t wrap_next(const char *s, size_t w, size_t *adv)
{
    size_t len = strlen(s), i = 0, used = 0, brk = 0, brk_adv = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        size_t cw = 1;
        if (k <= 0) { k = 1; cp = '?'; }
        else cw = utf8proc_charwidth(cp) > 0 ? (size_t)utf8proc_charwidth(cp) : 0;
        if (cp == ' ') { brk = i; brk_adv = i + 1; }
        else if (cw == 2 && i > 0) { brk = i; brk_adv = i; }
        if (cp != ' ' && used + cw > w && i > 0) {
            if (brk > 0) { *adv = brk_adv; while (s[*adv] == ' ') (*adv)++; return brk; }
            *adv = i;
            return i;
        }
        used += cw;
        i += (size_t)k;
    }
    *adv = len;
    while (len > 0 && s[len - 1] == ' ') len--;
    return len;
}

/* Lines of `s` wrapped to `w` columns (w = 0: no wrapping). */
static size_t wrap_count(const char *s, size_t w)
{
    if (!w || !*s) return 1;
    size_t n = 0, adv;
    while (*s) { wrap_next(s, w, &adv); s += adv ? adv : 1; n++; }
    return n ? n : 1;
}

/* Write line `line` of `s` wrapped to `w` columns (not wrapped unless `wrap`), padded to
 * `w` unless `last`. */
static void put_cell_line(FILE *out, const char *s, size_t w, size_t line, bool right,
                          bool last, bool wrap)
{
    size_t n = strlen(s), adv = n;
    if (wrap && w) {
        for (size_t l = 0; l < line && *s; l++) { wrap_next(s, w, &adv); s += adv ? adv : 1; }
        n = *s ? wrap_next(s, w, &adv) : 0;
    } else if (line > 0) {
        n = 0;
    }
    char *piece = strndup(s, n);
    size_t sw = piece ? cmx_display_width(piece) : n;
    if (right) for (size_t i = sw; i < w; i++) fputc(' ', out);
    fwrite(s, 1, n, out);
    if (!right && !last) for (size_t i = sw; i < w; i++) fputc(' ', out);
    free(piece);
}

/* Write `text` word-wrapped to `width` columns, every line starting at `indent` columns (the
 * first after `lead`, which the caller has written; width 0 = no wrap). */
static void put_para(FILE *out, size_t indent, const char *text, int width)
{
    size_t avail = width > 0 && (size_t)width > indent + 10 ? (size_t)width - indent : 0;
    size_t lines = wrap_count(text, avail);
    for (size_t l = 0; l < lines; l++) {
        if (l) fprintf(out, "%*s", (int)indent, "");
        put_cell_line(out, text, avail, l, false, true, true);
        fputc('\n', out);
    }
}

/* "<4 spaces><label padded to 8> text", wrapped. */
static void put_wrapped(FILE *out, const char *label, const char *text, int width)
{
    fprintf(out, "    %-8s ", label);
    put_para(out, 13, text, width);
}

static void table_explain(const cm_shortlist *s, size_t r, const cm_export_opts *o,
                          const size_t *notes, size_t nnotes, FILE *out)
{
    const cm_hit *h = &s->hits[r];
    const cm_partner *p = cmx_partner(s, h);
    char num[48];
    cmx_buf b = {0};
    for (size_t c = 0; c < CM_NCOMP; c++) {
        if (c) cmx_buf_puts(&b, "  ");
        cmx_buf_printf(&b, "%s %s", cmx_comp_name(c),
                       s->active[c] ? cmx_num(num, sizeof num, h->contrib[c], 1) : "-");
    }
    if (o->color) fputs("\033[2m", out);
    put_wrapped(out, "points", cmx_buf_str(&b), o->width);
    for (size_t i = 0; i < h->nreasons && i < CM_MAX_REASONS; i++) {
        b.n = 0;
        if (b.s) b.s[0] = '\0';
        put_clean(&b, h->reasons[i].text);
        cmx_buf_printf(&b, " (+%s)", cmx_num(num, sizeof num, h->reasons[i].contrib, 1));
        put_wrapped(out, i == 0 ? "why" : "", cmx_buf_str(&b), o->width);
    }
    if (h->why_partner[0]) put_wrapped(out, "for them", h->why_partner, o->width);
    if (h->member_score && s->profile) {
        b.n = 0;
        if (b.s) b.s[0] = '\0';
        for (size_t m = 0; m < s->profile->nmembers; m++) {
            if (m) cmx_buf_puts(&b, "; ");
            put_clean(&b, cmx_profile_label(&s->profile->members[m]));
            cmx_buf_printf(&b, " %s", cmx_num(num, sizeof num, h->member_score[m], 1));
        }
        put_wrapped(out, "members", cmx_buf_str(&b), o->width);
    }
    if (h->nnotes) {
        b.n = 0;
        if (b.s) b.s[0] = '\0';
        cmx_buf_puts(&b, "see What to know ");
        for (size_t i = 0; i < h->nnotes && i < CM_MAX_NOTES; i++)
            cmx_buf_printf(&b, "%s%zu", i ? ", " : "", cmx_note_number(notes, nnotes, h->notes[i]));
        put_wrapped(out, "notes", cmx_buf_str(&b), o->width);
    }
    b.n = 0;
    if (b.s) b.s[0] = '\0';
    cmx_buf_printf(&b, "%s record", cmx_kind_name(p->kind));
    if (p->as_of) cmx_buf_printf(&b, " as of %d", p->as_of);
    if (p->source) { cmx_buf_puts(&b, ", from "); put_clean(&b, p->source); }
    put_wrapped(out, "source", cmx_buf_str(&b), o->width);
    if (o->color) fputs("\033[0m", out);
    cmx_buf_release(&b);
}

static size_t row_total(const bool show[T_NCOLS], const size_t w[T_NCOLS])
{
    size_t total = 0;
    for (size_t c = 0; c < T_NCOLS; c++)
        if (show[c]) total += w[c] + (total ? 2 : 0);
    return total;
}

/* Shrink the flexible columns (widest first, the partner's name counted at 60% of its width:
 * it is what a reader scans) down to `min` until the row fits `width`. Returns whether it
 * fits. A Chinese name wraps between any two characters, so it gives way first. */
static bool shrink_columns(const bool show[T_NCOLS], size_t w[T_NCOLS],
                           const size_t min[T_NCOLS], int width)
{
    while (row_total(show, w) > (size_t)width) {
        size_t best = T_NCOLS;
        double bw = 0;
        for (size_t c = 0; c < T_NCOLS; c++) {
            double eff = (double)w[c] * (c == T_NAME ? 0.6 : c == T_ZH ? 1.3 : 1.0);
            if (show[c] && min[c] && w[c] > min[c] && (best == T_NCOLS || eff > bw)) {
                best = c;
                bw = eff;
            }
        }
        if (best == T_NCOLS) return false;
        w[best]--;
    }
    return true;
}

/* Column widths. Unlimited width: every column at its natural width. Otherwise the full row
 * if it fits with wrapped cells; else the narrow layout (`*detail`): type and reasons on a
 * line of their own, and if even that does not fit, the Chinese name, then the place,
 * dropped. */
static void fit_columns(char **cell, size_t rows, bool show[T_NCOLS], size_t w[T_NCOLS],
                        int width, bool *detail)
{
    *detail = false;
    for (size_t c = 0; c < T_NCOLS; c++) {
        w[c] = 0;
        for (size_t r = 0; show[c] && r < rows; r++) {
            size_t cw = cmx_display_width(cell[r * T_NCOLS + c]);
            if (cw > w[c]) w[c] = cw;
        }
    }
    if (width <= 0) return;
    size_t nat[T_NCOLS], min[T_NCOLS];
    memcpy(nat, w, sizeof nat);
    for (size_t c = 0; c < T_NCOLS; c++) min[c] = t_min_wide[c] < nat[c] ? t_min_wide[c] : nat[c];
    if (shrink_columns(show, w, min, width)) return;
    *detail = true;
    show[T_KIND] = show[T_WHY] = false;
    static const size_t drop[] = { T_ZH, T_PLACE };
    for (size_t k = 0;; k++) {
        memcpy(w, nat, sizeof nat);
        for (size_t c = 0; c < T_NCOLS; c++)
            min[c] = t_min_narrow[c] < nat[c] ? t_min_narrow[c] : nat[c];
        if (shrink_columns(show, w, min, width) || k == sizeof drop / sizeof drop[0]) return;
        show[drop[k]] = false;
    }
}

static void table_title(const cm_shortlist *s, FILE *out, bool color, int width)
{
    const cm_profile *p = s->profile;
    char date[16], vint[32];
    cmx_buf b = {0};
    cmx_buf_puts(&b, cmx_profile_label(p));
    if (p && p->id && p->name && strcmp(p->id, p->name) != 0) cmx_buf_printf(&b, " (%s)", p->id);
    if (s->n)
        cmx_buf_printf(&b, ": top %zu of %zu partner%s considered", s->n, s->considered,
                       s->considered == 1 ? "" : "s");
    else
        cmx_buf_printf(&b, ": no match among %zu partner%s considered", s->considered,
                       s->considered == 1 ? "" : "s");
    if (color) fputs("\033[1m", out);
    put_para(out, 0, cmx_buf_str(&b), width);
    if (color) fputs("\033[0m", out);
    b.n = 0;
    cmx_buf_printf(&b, "Generated %s; partner records dated %s", cmx_generated(date, sizeof date),
                   cmx_vintage_text(s->ds, vint, sizeof vint));
    put_para(out, 0, cmx_buf_str(&b), width);
    cmx_buf_release(&b);
}

int cmx_write_table(const cm_shortlist *s, const cm_export_opts *o, FILE *out,
                       cm_diags *d, const char *name)
{
    int rc = -1;
    size_t rows = s->n + 1;
    char **cell = calloc(rows * T_NCOLS, sizeof *cell);
    size_t *notes = calloc(s->n * CM_MAX_NOTES + 1, sizeof *notes);
    if (!cell || !notes) {
        free(cell);
        free(notes);
        return cm_ioerror(d, name, "out of memory");
    }
    size_t nnotes = cmx_note_list(s, notes, s->n * CM_MAX_NOTES);
    char num[48];
    for (size_t c = 0; c < T_NCOLS; c++)
        if (!(cell[c] = strdup(t_head[c]))) goto oom;
    bool by_score = cmx_by_score(s);
    for (size_t r = 0; r < s->n; r++) {
        const cm_hit *h = &s->hits[r];
        const cm_partner *p = cmx_partner(s, h);
        char **row = cell + (r + 1) * T_NCOLS;
        cmx_buf place = {0}, why = {0};
        put_place(&place, s->ds, p);
        put_reasons(&why, h, 2, "; ");
        snprintf(num, sizeof num, "%zu", r + 1);
        row[T_RANK] = strdup(num);
        row[T_SCORE] = strdup(cmx_num(num, sizeof num, h->score, 1));
        /* Empty without --stability, and an empty column is not shown. */
        if (h->acceptability >= 0) snprintf(num, sizeof num, "%.0f%%", 100.0 * h->acceptability);
        else num[0] = '\0';
        row[T_STAB] = strdup(num);
        row[T_KIND] = strdup(cmx_kind_name(p->kind));
        row[T_NAME] = dup_clean(p->name);
        row[T_ZH] = dup_clean(cmx_name_zh(p));
        row[T_PLACE] = place.oom ? NULL : strdup(cmx_buf_str(&place));
        row[T_WHY] = why.oom ? NULL : strdup(cmx_buf_str(&why));
        cmx_buf_release(&place);
        cmx_buf_release(&why);
        for (size_t c = 0; c < T_NCOLS; c++)
            if (!row[c]) goto oom;
    }

    /* A column with nothing in it (no Chinese names at all, say) is left out. */
    bool show[T_NCOLS];
    for (size_t c = 0; c < T_NCOLS; c++) {
        bool empty = true;
        for (size_t r = 1; r < rows && empty; r++) empty = cell[r * T_NCOLS + c][0] == '\0';
        show[c] = !empty;
    }
    size_t w[T_NCOLS];
    bool detail;
    fit_columns(cell, rows, show, w, o->width, &detail);
    size_t lastc = 0, indent = 0;
    for (size_t c = 0; c < T_NCOLS; c++)
        if (show[c]) lastc = c;
    for (size_t c = 0; c < T_NAME; c++)
        if (show[c]) indent += w[c] + 2;

    table_title(s, out, o->color, o->width);
    if (s->n == 0) { rc = 0; goto out; }
    fputc('\n', out);
    for (size_t r = 0; r < rows; r++) {
        if (r == 0 && o->color) fputs("\033[1m", out);
        size_t lines = 1;
        for (size_t c = 0; c < T_NCOLS; c++) {
            if (!show[c]) continue;
            size_t n = wrap_count(cell[r * T_NCOLS + c], o->width > 0 ? w[c] : 0);
            if (n > lines) lines = n;
        }
        if (r > 1 && detail) fputc('\n', out);
        for (size_t l = 0; l < lines; l++) {
            /* Built in memory so the padding of a short last cell is not left trailing. */
            char *line = NULL;
            size_t len = 0;
            FILE *lf = open_memstream(&line, &len);
            if (!lf) goto oom;
            bool first = true;
            for (size_t c = 0; c < T_NCOLS; c++) {
                if (!show[c]) continue;
                if (!first) fputs("  ", lf);
                first = false;
                put_cell_line(lf, cell[r * T_NCOLS + c], w[c], l, t_right[c], c == lastc,
                              o->width > 0);
            }
            if (fclose(lf) != 0) { free(line); goto oom; }
            while (len > 0 && line[len - 1] == ' ') len--;
            fwrite(line, 1, len, out);
            fputc('\n', out);
            free(line);
        }
        if (r == 0 && o->color) fputs("\033[0m", out);
        if (r == 0) continue;
        if (detail && !o->explain) {
            cmx_buf b = {0};
            cmx_buf_printf(&b, "%s. Why: %s", cell[r * T_NCOLS + T_KIND], cell[r * T_NCOLS + T_WHY]);
            if (b.s && b.s[0] >= 'a' && b.s[0] <= 'z') b.s[0] = (char)(b.s[0] - 'a' + 'A');
            fprintf(out, "%*s", (int)indent, "");
            put_para(out, indent, cmx_buf_str(&b), o->width);
            cmx_buf_release(&b);
        }
        if (o->explain) table_explain(s, r - 1, o, notes, nnotes, out);
    }
    if (!by_score)
        put_para(out, 0, "\nThe order weighs score against variety among the partners "
                 "(--diversity; --diversity 0 orders by score alone).", o->width);
    if (o->explain && nnotes) {
        fputs("\nWhat to know\n", out);
        for (size_t j = 0; j < nnotes; j++) {
            const cm_note *nt = cmx_note(s->ds, notes[j]);
            if (!nt) continue;
            cmx_buf b = {0};
            put_clean(&b, nt->title);
            cmx_buf_puts(&b, ": ");
            put_clean(&b, nt->text);
            if (nt->as_of) cmx_buf_printf(&b, " (as of %d)", nt->as_of);
            if (nt->link) { cmx_buf_puts(&b, " "); put_clean(&b, nt->link); }
            fprintf(out, "%3zu. ", j + 1);
            put_para(out, 5, cmx_buf_str(&b), o->width);
            cmx_buf_release(&b);
        }
    }
    if (o->explain && s->nhelpers) {   /* chosen by rank (docs/scoring.md, Who can help) */
        fputs("\nWho can help (support bodies for any sector)\n", out);
        for (size_t i = 0; i < s->nhelpers; i++) {
            const cm_partner *hp = &s->ds->partners[s->helpers[i]];
            cmx_buf b = {0};
            put_clean(&b, hp->name);
            if (hp->website) { cmx_buf_puts(&b, " "); put_clean(&b, hp->website); }
            fputs("  - ", out);
            put_para(out, 4, cmx_buf_str(&b), o->width);
            cmx_buf_release(&b);
        }
    }
    rc = 0;
    goto out;
oom:
    cm_ioerror(d, name, "out of memory");
out:
    for (size_t i = 0; i < rows * T_NCOLS; i++) free(cell[i]);
    free(cell);
    free(notes);
    return rc;
}

/* ---- tsv and csv -------------------------------------------------------------------- */

static const char *const row_head[] = {
    "profile_id", "rank", "score", "partner_id", "kind", "name", "name_zh", "province", "city",
    CM_COMPONENTS(CM_NAME_, CM_COMMA_), "reasons", "reciprocity", "stability",
    "china_side", "members",
};
#define ROW_NHEAD (sizeof row_head / sizeof row_head[0])

/* The common columns of tsv and csv for one hit, as raw (uncleaned) strings. */
typedef struct row_fields { char *v[ROW_NHEAD]; } row_fields;

static int row_fill(row_fields *f, const cm_shortlist *s, size_t r)
{
    const cm_hit *h = &s->hits[r];
    const cm_partner *p = cmx_partner(s, h);
    char num[48];
    cmx_buf why = {0};
    memset(f, 0, sizeof *f);
    put_reasons(&why, h, CM_MAX_REASONS, "; ");
    snprintf(num, sizeof num, "%zu", r + 1);
    f->v[0] = strdup(s->profile ? cmx_str(s->profile->id) : "");
    f->v[1] = strdup(num);
    f->v[2] = strdup(cmx_num(num, sizeof num, h->score, 2));
    f->v[3] = strdup(cmx_str(p->id));
    f->v[4] = strdup(cmx_kind_name(p->kind));
    f->v[5] = strdup(cmx_str(p->name));
    f->v[6] = strdup(cmx_name_zh(p));
    f->v[7] = strdup(cmx_region_name(s->ds, p->province));
    f->v[8] = strdup(cmx_region_name(s->ds, p->city));
    for (size_t c = 0; c < CM_NCOMP; c++)
        f->v[9 + c] = strdup(cmx_num(num, sizeof num, h->comp[c], 4));
    f->v[14] = why.oom ? NULL : strdup(cmx_buf_str(&why));
    cmx_buf_release(&why);
    f->v[15] = strdup(cmx_num(num, sizeof num, h->recip, 4));
    /* Stability is empty unless --stability was asked for. */
    f->v[16] = strdup(h->acceptability >= 0 ? cmx_num(num, sizeof num, h->acceptability, 4) : "");
    f->v[17] = strdup(h->why_partner);
    /* Partnerships: each member's score for this partner, "member-id 72.3; ...". */
    cmx_buf mem = {0};
    for (size_t m = 0; h->member_score && s->profile && m < s->profile->nmembers; m++)
        cmx_buf_printf(&mem, "%s%s %s", m ? "; " : "", cmx_str(s->profile->members[m].id),
                       cmx_num(num, sizeof num, h->member_score[m], 1));
    f->v[18] = mem.oom ? NULL : strdup(cmx_buf_str(&mem));
    cmx_buf_release(&mem);
    for (size_t i = 0; i < ROW_NHEAD; i++)
        if (!f->v[i]) return -1;
    return 0;
}

static void row_release(row_fields *f)
{
    for (size_t i = 0; i < ROW_NHEAD; i++) free(f->v[i]);
    memset(f, 0, sizeof *f);
}

static void tsv_field(FILE *out, const char *s)
{
    for (const char *p = s; *p; p++)
        fputc(((unsigned char)*p < 0x20 || *p == 0x7f) ? ' ' : *p, out);
}

int cmx_write_tsv(const cm_shortlist *lists, size_t n, bool header, FILE *out, cm_diags *d,
                     const char *name)
{
    for (size_t i = 0; header && i < ROW_NHEAD; i++)
        fprintf(out, "%s%s", i ? "\t" : "", row_head[i]);
    if (header) fputc('\n', out);
    for (size_t l = 0; l < n; l++) {
        for (size_t r = 0; r < lists[l].n; r++) {
            row_fields f;
            if (row_fill(&f, &lists[l], r) != 0) {
                row_release(&f);
                return cm_ioerror(d, name, "out of memory");
            }
            for (size_t i = 0; i < ROW_NHEAD; i++) {
                if (i) fputc('\t', out);
                tsv_field(out, f.v[i]);
            }
            fputc('\n', out);
            row_release(&f);
        }
    }
    return 0;
}

/* The csv headings: the tsv columns in words for people, then what only csv has. */
static const char *const csv_head[] = {
    "Profile", "Rank", "Score", "Partner ID", "Type", "Partner", "Chinese name", "Province",
    "City", "Sector match", "Region match", "Policy match", "Goal match", "Keyword match",
    "Why", "Interest for the Chinese side", "Stability", "What the Chinese side gains",
    "Member scores",
};
_Static_assert(sizeof csv_head / sizeof csv_head[0] == ROW_NHEAD, "a csv heading per column");
_Static_assert(CM_NCOMP == 5, "csv_head names the five components");
static const char *const csv_tail[] = {
    "Website", "Record as of", "Source", "Report generated", "Data vintage",
};

/* One field: RFC 4180 for csv; for csv-excel quoted on ';' too, numbers given by `num`
 * with a decimal comma (the Excel of nl, de, es, fr, it reads "49,5" as a number). */
static void csv_put(FILE *out, const char *v, bool excel, bool num, bool first)
{
    if (!first) fputc(excel ? ';' : ',', out);
    if (!excel) { cmx_csv_field(out, v); return; }
    if (num) {
        for (const char *p = v; *p; p++) fputc(*p == '.' ? ',' : *p, out);
        return;
    }
    if (!strpbrk(v, ";\",\r\n")) { fputs(v, out); return; }
    fputc('"', out);
    for (const char *p = v; *p; p++) {
        if (*p == '"') fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

int cmx_write_csv(const cm_shortlist *lists, size_t n, bool header, bool excel, FILE *out,
                  cm_diags *d, const char *name)
{
    char num[48], date[16], vint[32];
    cmx_generated(date, sizeof date);
    vint[0] = '\0';
    if (n) cmx_vintage_text(lists[0].ds, vint, sizeof vint);
    if (header) {
        /* The byte-order mark makes Excel read UTF-8 (Chinese names) in every locale. */
        if (excel) fputs("\xef\xbb\xbf", out);
        for (size_t i = 0; i < ROW_NHEAD; i++) csv_put(out, csv_head[i], excel, false, i == 0);
        for (size_t i = 0; i < sizeof csv_tail / sizeof csv_tail[0]; i++)
            csv_put(out, csv_tail[i], excel, false, false);
        for (size_t c = 0; c < CM_NCOMP; c++) {
            char h[64];
            snprintf(h, sizeof h, "%s points", csv_head[9 + c]);
            csv_put(out, h, excel, false, false);
        }
        fputs("\r\n", out);
    }
    for (size_t l = 0; l < n; l++) {
        const cm_shortlist *s = &lists[l];
        for (size_t r = 0; r < s->n; r++) {
            row_fields f;
            const cm_partner *p = cmx_partner(s, &s->hits[r]);
            if (row_fill(&f, s, r) != 0) {
                row_release(&f);
                return cm_ioerror(d, name, "out of memory");
            }
            for (size_t i = 0; i < ROW_NHEAD; i++) {
                bool isnum = i == 1 || i == 2 || (i >= 9 && i < 9 + CM_NCOMP) || i == 15 || i == 16;
                csv_put(out, f.v[i], excel, isnum, i == 0);
            }
            row_release(&f);
            csv_put(out, cmx_str(p->website), excel, false, false);
            if (p->as_of) snprintf(num, sizeof num, "%d", p->as_of);
            else num[0] = '\0';
            csv_put(out, num, excel, true, false);
            csv_put(out, cmx_str(p->source), excel, false, false);
            csv_put(out, date, excel, false, false);
            csv_put(out, vint, excel, false, false);
            for (size_t c = 0; c < CM_NCOMP; c++)
                csv_put(out, cmx_num(num, sizeof num, s->hits[r].contrib[c], 2), excel, true, false);
            fputs("\r\n", out);
        }
    }
    return 0;
}

/* ---- markdown ------------------------------------------------------------------------ */

/* Backslash-escape what GitHub Markdown would read as markup in a table cell. */
static void md_text(FILE *out, const char *s)
{
    for (const char *p = cmx_str(s); *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f) { fputc(' ', out); continue; }
        if (strchr("\\|*_`[]<>#~", c)) fputc('\\', out);
        fputc(c, out);
    }
}

int cmx_write_md(const cm_shortlist *s, const cm_export_opts *o, FILE *out)
{
    char num[48], date[16], vint[32];
    const cm_profile *p = s->profile;
    fputs("## ", out);
    md_text(out, cmx_profile_label(p));
    if (p && p->id && p->name && strcmp(p->id, p->name) != 0) {
        fputs(" (", out);
        md_text(out, p->id);
        fputc(')', out);
    }
    fputs("\n\n", out);
    fprintf(out, "Generated %s; partner records dated %s", cmx_generated(date, sizeof date),
            cmx_vintage_text(s->ds, vint, sizeof vint));
    if (o->options) {
        fputs("; options: ", out);
        if (*o->options) { fputc('`', out); fputs(o->options, out); fputc('`', out); }
        else fputs("none (the defaults)", out);
    }
    fputs(".\n\n", out);
    if (s->n == 0) {
        fprintf(out, "No match among %zu partners considered.\n", s->considered);
        return 0;
    }
    size_t *notes = calloc(s->n * CM_MAX_NOTES + 1, sizeof *notes);
    size_t nnotes = notes ? cmx_note_list(s, notes, s->n * CM_MAX_NOTES) : 0;
    size_t k = s->n < CMX_SUMMARY_HITS ? s->n : CMX_SUMMARY_HITS;
    fputs("### In short\n\n", out);
    for (size_t r = 0; r < k; r++) {
        const cm_hit *h = &s->hits[r];
        const cm_partner *pt = cmx_partner(s, h);
        fprintf(out, "%zu. **", r + 1);
        md_text(out, pt->name);
        fputs("** (", out);
        if (*cmx_name_zh(pt)) { md_text(out, cmx_name_zh(pt)); fputs(", ", out); }
        md_text(out, cmx_region_name(s->ds, pt->province));
        fprintf(out, "), score %s. Why: ", cmx_num(num, sizeof num, h->score, 1));
        for (size_t i = 0; i < h->nreasons && i < CMX_SUMMARY_REASONS; i++) {
            if (i) fputs("; ", out);
            md_text(out, h->reasons[i].text);
        }
        fputs(".\n", out);
    }
    fputs("\n### Suggested next steps\n\n", out);
    for (size_t r = 0; r < k; r++) {
        const cm_partner *pt = cmx_partner(s, &s->hits[r]);
        fputs("- ", out);
        md_text(out, pt->name);
        fprintf(out, ": %s.\n", cmx_next_step(pt->kind));
    }
    if (nnotes)
        fprintf(out, "- Read *What to know* below (%zu note%s) before any commitment.\n",
                nnotes, nnotes == 1 ? "" : "s");
    fputs("- Check each partner's record (its date and source are listed below) before "
          "contacting anyone.\n\n", out);

    fprintf(out, "### All suggestions\n\nTop %zu of %zu partners considered. Score: out of "
                 "100.%s\n\n", s->n, s->considered,
            cmx_by_score(s) ? "" : " The order weighs the score against variety among the "
                                   "partners, so a lower score can come first.");
    fputs("| # | Score | Type | Partner | Chinese name | Province / City | Why | As of |\n", out);
    fputs("| ---: | ---: | --- | --- | --- | --- | --- | ---: |\n", out);
    for (size_t r = 0; r < s->n; r++) {
        const cm_hit *h = &s->hits[r];
        const cm_partner *pt = cmx_partner(s, h);
        cmx_buf place = {0}, why = {0};
        put_place(&place, s->ds, pt);
        put_reasons(&why, h, 2, "; ");
        fprintf(out, "| %zu | %s | %s | ", r + 1, cmx_num(num, sizeof num, h->score, 1),
                cmx_kind_name(pt->kind));
        md_text(out, pt->name);
        fputs(" | ", out);
        md_text(out, cmx_name_zh(pt));
        fputs(" | ", out);
        md_text(out, cmx_buf_str(&place));
        fputs(" | ", out);
        md_text(out, cmx_buf_str(&why));
        if (pt->as_of) fprintf(out, " | %d |\n", pt->as_of);
        else fputs(" |  |\n", out);
        cmx_buf_release(&place);
        cmx_buf_release(&why);
    }
    if (o->explain) {
        fputs("\n### Why\n", out);
        for (size_t r = 0; r < s->n; r++) {
            const cm_hit *h = &s->hits[r];
            fprintf(out, "\n**%zu. ", r + 1);
            md_text(out, cmx_partner(s, h)->name);
            fputs("**: ", out);
            for (size_t c = 0; c < CM_NCOMP; c++)
                fprintf(out, "%s%s %s", c ? " · " : "", cmx_comp_name(c),
                        s->active[c] ? cmx_num(num, sizeof num, h->contrib[c], 1) : "-");
            fputs("\n\n", out);
            for (size_t i = 0; i < h->nreasons && i < CM_MAX_REASONS; i++) {
                fputs("- ", out);
                md_text(out, h->reasons[i].text);
                fprintf(out, " (+%s)\n", cmx_num(num, sizeof num, h->reasons[i].contrib, 1));
            }
            if (h->why_partner[0]) {
                fputs("- For the Chinese side: ", out);
                md_text(out, h->why_partner);
                fputc('\n', out);
            }
            if (h->nnotes) {
                fputs("- What to know: ", out);
                for (size_t i = 0; i < h->nnotes && i < CM_MAX_NOTES; i++)
                    fprintf(out, "%s%zu", i ? ", " : "", cmx_note_number(notes, nnotes, h->notes[i]));
                fputc('\n', out);
            }
            if (h->member_score && p) {
                fputs("- Members: ", out);
                for (size_t m = 0; m < p->nmembers; m++) {
                    if (m) fputs("; ", out);
                    md_text(out, cmx_profile_label(&p->members[m]));
                    fprintf(out, " %s", cmx_num(num, sizeof num, h->member_score[m], 1));
                }
                fputc('\n', out);
            }
        }
    }
    fputs("\n### Records\n\nWhere each suggestion's facts come from, and the year they describe.\n\n", out);
    for (size_t r = 0; r < s->n; r++) {
        const cm_partner *pt = cmx_partner(s, &s->hits[r]);
        fprintf(out, "%zu. ", r + 1);
        md_text(out, pt->name);
        fputs(": ", out);
        md_text(out, pt->source ? pt->source : "source not given");
        if (pt->as_of) fprintf(out, " (as of %d)", pt->as_of);
        fputs(".\n", out);
    }
    if (nnotes) {
        fputs("\n### What to know\n\n", out);
        for (size_t j = 0; j < nnotes; j++) {
            const cm_note *nt = cmx_note(s->ds, notes[j]);
            if (!nt) continue;
            fprintf(out, "%zu. **", j + 1);
            md_text(out, nt->title);
            fputs("**: ", out);
            md_text(out, nt->text);
            if (nt->as_of) fprintf(out, " (as of %d)", nt->as_of);
            if (nt->link) fprintf(out, " <%s>", nt->link);
            fputc('\n', out);
        }
    }
    if (s->nhelpers) {   /* chosen by rank (docs/scoring.md, Who can help) */
        fputs("\n### Who can help\n\nSupport bodies for any sector, for advice rather than as partners.\n\n", out);
        for (size_t i = 0; i < s->nhelpers; i++) {
            const cm_partner *hp = &s->ds->partners[s->helpers[i]];
            fputs("- ", out);
            md_text(out, hp->name);
            if (hp->website) fprintf(out, " <%s>", hp->website);
            fputc('\n', out);
        }
    }
    free(notes);
    return 0;
}

/* ---- explain --------------------------------------------------------------------------- */

/* `s` with control characters (tabs, line breaks) as spaces. */
static void fput_clean(FILE *out, const char *s)
{
    for (const char *p = cmx_str(s); *p; p++)
        fputc(((unsigned char)*p < 0x20 || *p == 0x7f) ? ' ' : *p, out);
}

int cm_export_explain(const cm_shortlist *one, const cm_hit *hit, FILE *out)
{
    const cm_dataset *ds = one->ds;
    const cm_partner *p = cmx_partner(one, hit);
    const cm_profile *prof = one->profile;
    char num[48], num2[48], num3[48];

    fprintf(out, "%s (%s)\n", cmx_str(p->name), cmx_str(p->id));
    const char *zh = cmx_name_zh(p);
    if (*zh) {
        fprintf(out, "  Chinese name  %s", zh);
        if (p->name_zh && p->name_zh_hans && strcmp(p->name_zh, p->name_zh_hans) != 0)
            fprintf(out, " (as printed: %s)", p->name_zh);
        fputc('\n', out);
    }
    fprintf(out, "  kind          %s", cmx_kind_name(p->kind));
    if (p->zone_type) fprintf(out, " (%s)", p->zone_type);
    if (p->cross_sector) fputs(", a cross-sector support body", out);
    fputc('\n', out);
    if (p->ended) fprintf(out, "  status        ended in %d\n", p->ended);
    cmx_buf place = {0};
    put_place(&place, ds, p);
    fprintf(out, "  location      %s (%s N, %s E%s)\n", cmx_buf_str(&place),
            cmx_num(num, sizeof num, p->lat, 2), cmx_num(num2, sizeof num2, p->lon, 2),
            p->approximate ? ", approximate" : "");
    cmx_buf_release(&place);
    if (p->nsectors) {
        fputs("  sectors       ", out);
        for (size_t i = 0; i < p->nsectors; i++) {
            size_t si = p->sectors[i];
            const char *lab = si < ds->tax.nsectors ? cmx_str(ds->tax.sectors[si].id) : "?";
            fprintf(out, "%s%s", i ? ", " : "", lab);
            if (p->sector_w && p->sector_w[i] != 1.0)
                fprintf(out, " %s", cmx_num(num, sizeof num, p->sector_w[i], 2));
        }
        fputc('\n', out);
    }
    if (p->website) fprintf(out, "  website       %s\n", p->website);
    if (p->source) fprintf(out, "  source        %s\n", p->source);
    if (p->as_of) fprintf(out, "  as of         %d\n", p->as_of);
    if (p->description) {
        fputs("  description   ", out);
        fput_clean(out, p->description);
        fputc('\n', out);
    }

    fprintf(out, "\nprofile %s", cmx_profile_label(prof));
    if (prof && prof->file) {   /* a file name may hold anything but '/' and NUL */
        fputs(" (", out);
        cm_fput_clean(prof->file, out);
        fputc(')', out);
    }
    fprintf(out, "\nscore   %s of 100\n\n", cmx_num(num, sizeof num, hit->score, 1));

    fputs("  component   value  weight  points\n", out);
    for (size_t c = 0; c < CM_NCOMP; c++) {
        if (!one->active[c]) {
            fprintf(out, "  %-9s       -       -       -  (inactive)\n", cmx_comp_name(c));
            continue;
        }
        fprintf(out, "  %-9s  %6s  %6s  %6s\n", cmx_comp_name(c),
                cmx_num(num, sizeof num, hit->comp[c], 3),
                cmx_num(num2, sizeof num2, one->weights[c], 3),
                cmx_num(num3, sizeof num3, hit->contrib[c], 1));
    }
    fprintf(out, "  %-9s  %6s  %6s  %6s\n", "total", "", "",
            cmx_num(num, sizeof num, hit->score, 1));

    fputs("\nreasons\n", out);
    if (hit->nreasons == 0) fputs("  (none)\n", out);
    for (size_t i = 0; i < hit->nreasons && i < CM_MAX_REASONS; i++) {
        fprintf(out, "  %6s  ", cmx_num(num, sizeof num, hit->reasons[i].contrib, 1));
        fput_clean(out, hit->reasons[i].text);
        fputc('\n', out);
    }

    if (hit->nnotes) {
        fputs("\npolicy notes\n", out);
        for (size_t i = 0; i < hit->nnotes && i < CM_MAX_NOTES; i++) {
            const cm_note *nt = cmx_note(ds, hit->notes[i]);
            if (!nt) continue;
            fputs("  - ", out);
            fput_clean(out, nt->title);
            fputs(": ", out);
            fput_clean(out, nt->text);
            fputc('\n', out);
            if (nt->link) fprintf(out, "    %s\n", nt->link);
        }
    }
    if (hit->member_score && prof && prof->nmembers) {
        fputs("\nmembers\n", out);
        for (size_t m = 0; m < prof->nmembers; m++)
            fprintf(out, "  %6s  %s\n", cmx_num(num, sizeof num, hit->member_score[m], 1),
                    cmx_profile_label(&prof->members[m]));
    }
    return ferror(out) ? -1 : 0;
}
