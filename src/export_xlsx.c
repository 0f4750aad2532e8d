/* export_xlsx.c: shortlists as an Excel workbook (libxlsxwriter).
 *
 * One sheet per shortlist, named after the profile id (made valid and unique: at most 31
 * characters, none of []:*?/\, no leading or trailing apostrophe, case-insensitively
 * distinct), and a "Summary" sheet first when there are several. Row 1 is a frozen header;
 * scores, component values and points are stored as numbers with full precision and shown
 * with a number format; websites are hyperlinks. The sheet prints landscape, one page wide,
 * with the header row repeated and the profile name in the page header.
 *
 * The caller (cm_export_file) passes a temporary path and renames it into place.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "export_util.h"
#include "export_writers.h"

#define SHEET_MAX 31

typedef struct fmts {
    lxw_format *head, *score, *comp, *points, *link, *text;
} fmts;

/* Cut UTF-8 `s` (in place) to at most `max` codepoints. */
static void u8cut(char *s, size_t max)
{
    size_t n = 0;
    for (char *p = s; *p; p++) {
        if (((unsigned char)*p & 0xc0) != 0x80 && n++ == max) { *p = '\0'; return; }
    }
}

static bool same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y - 'A' + 'a');
        if (x != y) return false;
    }
    return *a == *b;
}

/* A valid sheet name from `want`, distinct from the `nused` names in `used`. */
static char *sheet_name(const char *want, char **used, size_t nused)
{
    char base[4 * SHEET_MAX + 1];
    size_t k = 0;
    for (const char *p = want && *want ? want : "profile"; *p && k < sizeof base - 1; p++)
        base[k++] = strchr("[]:*?/\\", *p) ? '_' : *p;
    base[k] = '\0';
    while (base[0] == '\'') memmove(base, base + 1, strlen(base));
    if (!base[0]) strcpy(base, "profile");
    u8cut(base, SHEET_MAX);
    while (k = strlen(base), k > 0 && base[k - 1] == '\'') base[k - 1] = '\0';
    char name[4 * SHEET_MAX + 16];
    for (unsigned i = 1;; i++) {
        if (i == 1) {
            snprintf(name, sizeof name, "%s", base);
        } else {
            char suffix[16];
            snprintf(suffix, sizeof suffix, "~%u", i);
            char cut[4 * SHEET_MAX + 1];
            snprintf(cut, sizeof cut, "%s", base);
            u8cut(cut, SHEET_MAX - strlen(suffix));
            snprintf(name, sizeof name, "%s%s", cut, suffix);
        }
        bool clash = same_name(name, "History");      /* reserved by Excel */
        for (size_t j = 0; !clash && j < nused; j++) clash = same_name(name, used[j]);
        if (!clash) return strdup(name);
    }
}

static bool is_web(const char *url)
{
    return url && (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0);
}

/* A cell of text; an empty string leaves the cell blank. */
static void text(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f)
{
    if (s && *s) worksheet_write_string(ws, r, c, s, f);
}

/* "&" starts a code in Excel page headers: double it. */
static void page_header(lxw_worksheet *ws, const char *title)
{
    char h[256];
    size_t k = 0;
    k += (size_t)snprintf(h, sizeof h, "&L");
    for (const char *p = title; *p && k + 3 < 200; p++) {
        if (*p == '&') h[k++] = '&';
        h[k++] = *p;
    }
    snprintf(h + k, sizeof h - k, "&R&P / &N");
    worksheet_set_header(ws, h);
}

enum { C_RANK, C_SCORE, C_ID, C_KIND, C_NAME, C_ZH, C_PROV, C_CITY, C_COMP,
       C_PTS = C_COMP + CM_NCOMP, C_REASONS = C_PTS + CM_NCOMP, C_NOTES, C_WEB, C_RECIP, C_STAB,
       C_CHINA, C_ASOF, C_SOURCE, C_NCOLS };

/* Headings for people (docs/exports.md lists them; the tests compare). */
static const char *const comp_head[CM_NCOMP] = {
    "Sector match", "Region match", "Policy match", "Goal match", "Keyword match",
};

static void shortlist_sheet(lxw_worksheet *ws, const cm_shortlist *s, const fmts *f)
{
    char head[64];
    static const char *const fixed[] = {
        "Rank", "Score", "Partner ID", "Type", "Partner", "Chinese name", "Province", "City",
    };
    for (lxw_col_t c = 0; c < C_COMP; c++) worksheet_write_string(ws, 0, c, fixed[c], f->head);
    for (size_t c = 0; c < CM_NCOMP; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)(C_COMP + c), comp_head[c], f->head);
        snprintf(head, sizeof head, "%s points", comp_head[c]);
        worksheet_write_string(ws, 0, (lxw_col_t)(C_PTS + c), head, f->head);
    }
    worksheet_write_string(ws, 0, C_REASONS, "Why", f->head);
    worksheet_write_string(ws, 0, C_NOTES, "What to know", f->head);
    worksheet_write_string(ws, 0, C_WEB, "Website", f->head);
    worksheet_write_string(ws, 0, C_RECIP, "Interest for the Chinese side", f->head);
    worksheet_write_string(ws, 0, C_STAB, "Stability", f->head);
    worksheet_write_string(ws, 0, C_CHINA, "What the Chinese side gains", f->head);
    worksheet_write_string(ws, 0, C_ASOF, "Record as of", f->head);
    worksheet_write_string(ws, 0, C_SOURCE, "Source", f->head);

    for (size_t i = 0; i < s->n; i++) {
        const cm_hit *h = &s->hits[i];
        const cm_partner *p = cmx_partner(s, h);
        lxw_row_t r = (lxw_row_t)(i + 1);
        worksheet_write_number(ws, r, C_RANK, (double)(i + 1), NULL);
        worksheet_write_number(ws, r, C_SCORE, h->score, f->score);
        text(ws, r, C_ID, p->id, NULL);
        text(ws, r, C_KIND, cmx_kind_name(p->kind), NULL);
        text(ws, r, C_NAME, p->name, NULL);
        text(ws, r, C_ZH, cmx_name_zh(p), NULL);
        text(ws, r, C_PROV, cmx_region_name(s->ds, p->province), NULL);
        text(ws, r, C_CITY, cmx_region_name(s->ds, p->city), NULL);
        for (size_t c = 0; c < CM_NCOMP; c++) {
            worksheet_write_number(ws, r, (lxw_col_t)(C_COMP + c), h->comp[c], f->comp);
            worksheet_write_number(ws, r, (lxw_col_t)(C_PTS + c), h->contrib[c], f->points);
        }
        cmx_buf b = {0};
        for (size_t k = 0; k < h->nreasons && k < CM_MAX_REASONS; k++)
            cmx_buf_printf(&b, "%s%s", k ? "; " : "", h->reasons[k].text);
        text(ws, r, C_REASONS, cmx_buf_str(&b), NULL);
        b.n = 0;
        if (b.s) b.s[0] = '\0';
        for (size_t k = 0; k < h->nnotes && k < CM_MAX_NOTES; k++) {
            const cm_note *nt = cmx_note(s->ds, h->notes[k]);
            if (nt) cmx_buf_printf(&b, "%s%s", b.n ? "; " : "", cmx_str(nt->title));
        }
        text(ws, r, C_NOTES, cmx_buf_str(&b), NULL);
        cmx_buf_release(&b);
        if (is_web(p->website) && strlen(p->website) < 2000) {
            if (worksheet_write_url(ws, r, C_WEB, p->website, f->link) != LXW_NO_ERROR)
                text(ws, r, C_WEB, p->website, NULL);
        } else {
            text(ws, r, C_WEB, p->website, NULL);
        }
        worksheet_write_number(ws, r, C_RECIP, h->recip, f->comp);
        if (h->acceptability >= 0) worksheet_write_number(ws, r, C_STAB, h->acceptability, f->comp);
        text(ws, r, C_CHINA, h->why_partner, NULL);
        if (p->as_of) worksheet_write_number(ws, r, C_ASOF, p->as_of, NULL);
        text(ws, r, C_SOURCE, p->source, NULL);
    }

    worksheet_set_column(ws, C_RANK, C_RANK, 5, NULL);
    worksheet_set_column(ws, C_SCORE, C_SCORE, 7, NULL);
    worksheet_set_column(ws, C_ID, C_ID, 34, NULL);
    worksheet_set_column(ws, C_KIND, C_KIND, 12, NULL);
    worksheet_set_column(ws, C_NAME, C_NAME, 48, NULL);
    worksheet_set_column(ws, C_ZH, C_ZH, 20, NULL);
    worksheet_set_column(ws, C_PROV, C_CITY, 14, NULL);
    worksheet_set_column(ws, C_COMP, C_REASONS - 1, 9, NULL);
    worksheet_set_column(ws, C_REASONS, C_REASONS, 80, NULL);
    worksheet_set_column(ws, C_NOTES, C_NOTES, 40, NULL);
    worksheet_set_column(ws, C_RECIP, C_STAB, 11, NULL);
    worksheet_set_column(ws, C_CHINA, C_CHINA, 60, NULL);
    worksheet_set_column(ws, C_WEB, C_WEB, 36, NULL);
    worksheet_set_column(ws, C_ASOF, C_ASOF, 10, NULL);
    worksheet_set_column(ws, C_SOURCE, C_SOURCE, 60, NULL);
    worksheet_freeze_panes(ws, 1, 0);
    if (s->n) worksheet_autofilter(ws, 0, 0, (lxw_row_t)s->n, C_NCOLS - 1);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);                     /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, 0);
    cmx_buf t = {0};
    const cm_profile *prof = s->profile;
    char date[16], vint[32];
    cmx_buf_printf(&t, "%s: top %zu of %zu partners considered; generated %s; partner records "
                   "dated %s", prof ? cmx_str(prof->name ? prof->name : prof->id) : "", s->n,
                   s->considered, cmx_generated(date, sizeof date),
                   cmx_vintage_text(s->ds, vint, sizeof vint));
    page_header(ws, cmx_buf_str(&t));
    cmx_buf_release(&t);
}

enum { S_PROFILE_ID, S_PROFILE, S_RANK, S_ID, S_NAME, S_ZH, S_SCORE, S_COMP, S_NCOLS = S_COMP + CM_NCOMP };

static void summary_sheet(lxw_worksheet *ws, const cm_shortlist *lists, size_t n, const fmts *f)
{
    static const char *const head[] = {
        "Profile ID", "Profile", "Rank", "Partner ID", "Partner", "Chinese name", "Score",
    };
    for (lxw_col_t c = 0; c < S_COMP; c++) worksheet_write_string(ws, 0, c, head[c], f->head);
    for (size_t c = 0; c < CM_NCOMP; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)(S_COMP + c), comp_head[c], f->head);
    lxw_row_t r = 1;
    for (size_t l = 0; l < n; l++) {
        const cm_shortlist *s = &lists[l];
        const cm_profile *prof = s->profile;
        for (size_t i = 0; i < s->n; i++, r++) {
            const cm_hit *h = &s->hits[i];
            const cm_partner *p = cmx_partner(s, h);
            text(ws, r, S_PROFILE_ID, prof ? prof->id : NULL, NULL);
            text(ws, r, S_PROFILE, prof ? (prof->name ? prof->name : prof->id) : NULL, NULL);
            worksheet_write_number(ws, r, S_RANK, (double)(i + 1), NULL);
            text(ws, r, S_ID, p->id, NULL);
            text(ws, r, S_NAME, p->name, NULL);
            text(ws, r, S_ZH, cmx_name_zh(p), NULL);
            worksheet_write_number(ws, r, S_SCORE, h->score, f->score);
            for (size_t c = 0; c < CM_NCOMP; c++)
                worksheet_write_number(ws, r, (lxw_col_t)(S_COMP + c), h->comp[c], f->comp);
        }
    }
    worksheet_set_column(ws, S_PROFILE_ID, S_PROFILE_ID, 24, NULL);
    worksheet_set_column(ws, S_PROFILE, S_PROFILE, 36, NULL);
    worksheet_set_column(ws, S_RANK, S_RANK, 5, NULL);
    worksheet_set_column(ws, S_ID, S_ID, 34, NULL);
    worksheet_set_column(ws, S_NAME, S_NAME, 48, NULL);
    worksheet_set_column(ws, S_ZH, S_ZH, 20, NULL);
    worksheet_set_column(ws, S_SCORE, S_SCORE, 7, NULL);
    worksheet_set_column(ws, S_COMP, S_NCOLS - 1, 9, NULL);
    worksheet_freeze_panes(ws, 1, 0);
    if (r > 1) worksheet_autofilter(ws, 0, 0, r - 1, S_NCOLS - 1);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, 0);
}

int cmx_write_xlsx(const cm_shortlist *lists, size_t n, const cm_export_opts *o,
                   const char *path, cm_diags *d, const char *name)
{
    int rc = -1;
    char **used = calloc(n + 1, sizeof *used);
    size_t nused = 0;
    if (!used) return cm_ioerror(d, name, "out of memory");
    /* Create the file first: a clear message for an unwritable place, where the library
     * would print its own to stderr. */
    FILE *probe = fopen(path, "wb");
    if (!probe) {
        int e = errno;
        free(used);
        return cm_ioerror(d, name, "cannot create output file: %s", strerror(e));
    }
    fclose(probe);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        free(used);
        return cm_ioerror(d, name, "cannot create workbook");
    }
    lxw_doc_properties props = { 0 };
    props.title = (char *)"clustermatch shortlist";
    props.comments = (char *)"Written by clustermatch " CM_VERSION;
    workbook_set_properties(wb, &props);

    fmts f;
    f.head = workbook_add_format(wb);
    format_set_bold(f.head);
    format_set_bottom(f.head, LXW_BORDER_THIN);
    format_set_bg_color(f.head, 0xE8EEF4);
    f.score = workbook_add_format(wb);
    format_set_num_format(f.score, "0.0");
    f.comp = workbook_add_format(wb);
    format_set_num_format(f.comp, "0.000");
    f.points = workbook_add_format(wb);
    format_set_num_format(f.points, "0.0");
    f.link = workbook_add_format(wb);
    format_set_underline(f.link, LXW_UNDERLINE_SINGLE);
    format_set_font_color(f.link, LXW_COLOR_BLUE);
    f.text = NULL;

    if (n > 1) {
        if (!(used[nused++] = strdup("Summary"))) goto oom;
        lxw_worksheet *ws = workbook_add_worksheet(wb, "Summary");
        if (!ws) goto lib;
        summary_sheet(ws, lists, n, &f);
    }
    for (size_t i = 0; i < n; i++) {
        const cm_profile *prof = lists[i].profile;
        char *sn = sheet_name(prof ? prof->id : NULL, used, nused);
        if (!sn) goto oom;
        used[nused++] = sn;
        lxw_worksheet *ws = workbook_add_worksheet(wb, sn);
        if (!ws) goto lib;
        shortlist_sheet(ws, &lists[i], &f);
    }
    if (n == 0) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, "Summary");
        if (!ws) goto lib;
        summary_sheet(ws, lists, 0, &f);
    }
    lxw_error err = workbook_close(wb);
    wb = NULL;
    if (err != LXW_NO_ERROR) {
        cm_ioerror(d, name, "cannot write workbook: %s", lxw_strerror(err));
        goto out;
    }
    rc = 0;
    goto out;
oom:
    cm_ioerror(d, name, "out of memory");
    goto out;
lib:
    cm_ioerror(d, name, "cannot create worksheet");
out:
    if (wb) workbook_close(wb);
    for (size_t i = 0; i < nused; i++) free(used[i]);
    free(used);
    return rc;
}
