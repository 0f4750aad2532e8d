/* export.h: writers for shortlists.
 *
 * Writers read ranked shortlists and nothing else: they never score, filter or reorder, so
 * every format shows the ranking `clustermatch rank` shows. Text formats write to a FILE*
 * (stdout or an atomic file from atomicio.h); xlsx and the HTML batch index need a path.
 *
 *   table   aligned columns for a terminal, widths by Unicode display width (utf8proc)
 *   tsv     one row per hit, tab-separated, the default when stdout is not a terminal
 *   csv     RFC 4180, UTF-8, CRLF line ends, header row in words, for scripts
 *   csv-excel  the same for Excel in continental Europe: UTF-8 byte-order mark, ';' between
 *           fields, decimal comma
 *   json    jansson; schema in docs/shortlist.schema.json
 *   md      a Markdown table
 *   xlsx    libxlsxwriter: a sheet per profile, plus a summary sheet for several
 *   html    one self-contained page with an SVG map
 *   pdf     the html report printed on A4 by headless Chromium (export_pdf.c); a path only
 */
#ifndef CM_EXPORT_H
#define CM_EXPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "diag.h"
#include "rank.h"

typedef enum { CM_FMT_TABLE, CM_FMT_TSV, CM_FMT_CSV, CM_FMT_JSON, CM_FMT_MD, CM_FMT_XLSX,
               CM_FMT_HTML, CM_FMT_CSV_EXCEL, CM_FMT_PDF, CM_NFORMATS } cm_format;
extern const char *const cm_format_names[CM_NFORMATS];
extern const char *const cm_format_ext[CM_NFORMATS];
int cm_format_parse(const char *s);      /* -1 if unknown */
bool cm_format_streams(cm_format f);     /* can be written to stdout */

typedef struct cm_export_opts {
    bool explain;        /* add component contributions, matched terms and policy notes */
    bool color;          /* table only: ANSI emphasis */
    int width;           /* table only: terminal width, 0 = unlimited */
    bool continuation;   /* tsv and csv: this call continues an earlier one's rows, so no
                          * header row (batch writes stdout one chunk at a time) */
    struct cm_defer *defer;  /* cm_export_file: queue the file here (atomicio.h) instead of
                              * fsync + rename, to publish many at one sync (batch --out) */
    const char *index_href; /* html: a link back to the batch index (batch --out), or NULL */
    const char *options; /* the command-line options used, as typed, for the top of the
                          * reports (html, md, pdf); NULL = none given */
    bool lang_zh;        /* html and pdf: the Chinese one-pager for each partner instead of
                          * the English report (--lang zh; export_zh.c) */
} cm_export_opts;

/* Write `n` shortlists in a streaming format to `out`. Returns 0, or -1 on a write error
 * (reported in `d` against `name`). */
int cm_export_stream(const cm_shortlist *lists, size_t n, cm_format f,
                     const cm_export_opts *o, FILE *out, const char *name, cm_diags *d);
/* Write `n` shortlists to `path` atomically in any format. */
int cm_export_file(const cm_shortlist *lists, size_t n, cm_format f,
                   const cm_export_opts *o, const char *path, cm_diags *d);

/* One full pair breakdown (clustermatch explain). */
int cm_export_explain(const cm_shortlist *one, const cm_hit *hit, FILE *out);

#endif
