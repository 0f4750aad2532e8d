/* export_writers.h: the writers behind cm_export_stream and cm_export_file (export.c).
 * Private to the export code; each writer uses export_util.h below it and never calls the
 * dispatch above it.
 *
 * They return 0, or -1 when memory ran out or the library failed (a message in `d`, naming
 * `name`); write errors on `out` are found by the caller with ferror.
 */
#ifndef CM_EXPORT_WRITERS_H
#define CM_EXPORT_WRITERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "export.h"

/* export_text.c; `header`: write the header row (tsv, csv). */
int cmx_write_table(const cm_shortlist *s, const cm_export_opts *o, FILE *out, cm_diags *d,
                    const char *name);
int cmx_write_tsv(const cm_shortlist *lists, size_t n, bool header, FILE *out, cm_diags *d,
                  const char *name);
/* `excel`: the csv-excel variant (byte-order mark, ';', decimal comma). */
int cmx_write_csv(const cm_shortlist *lists, size_t n, bool header, bool excel, FILE *out,
                  cm_diags *d, const char *name);
int cmx_write_md(const cm_shortlist *s, const cm_export_opts *o, FILE *out);
/* Writers behind cm_export_stream/cm_export_file. They return 0, or -1 when memory ran
 * out or the library failed (a message in `d`); write errors on `out` are found by the
 * caller with ferror. */
int cmx_write_json(const cm_shortlist *lists, size_t n, const cm_export_opts *o, FILE *out,
                   cm_diags *d, const char *name);
int cmx_write_html(const cm_shortlist *lists, size_t n, const cm_export_opts *o, FILE *out,
                   cm_diags *d, const char *name);
/* export_zh.c: the Chinese one-pager, a page per suggested partner (--lang zh; the html
 * writer hands over to it, so the pdf prints it too). */
int cmx_write_html_zh(const cm_shortlist *lists, size_t n, const cm_export_opts *o, FILE *out,
                      cm_diags *d, const char *name);
/* xlsx is written to `path` directly (not atomically: cm_export_file wraps it). */
int cmx_write_xlsx(const cm_shortlist *lists, size_t n, const cm_export_opts *o,
                   const char *path, cm_diags *d, const char *name);

/* export_pdf.c: the html report printed to `path` by headless Chromium (not atomically:
 * cm_export_file wraps it). */
int cmx_write_pdf(const cm_shortlist *lists, size_t n, const cm_export_opts *o,
                  const char *path, cm_diags *d, const char *name);

#endif
