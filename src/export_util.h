/* export_util.h: private helpers shared by the writers (export_*.c); not part of the API.
 * The bottom layer of the export code: it knows shortlists (rank.h) and nothing of the
 * writers or the dispatch above it.
 *
 * Every helper reads the shortlist and dataset as they are and never allocates anything the
 * caller must free unless it says so. Numbers are formatted with '.' as the decimal point
 * whatever LC_NUMERIC says, so data files do not change with the user's locale.
 */
#ifndef CM_EXPORT_UTIL_H
#define CM_EXPORT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "rank.h"

#ifndef CM_VERSION
#define CM_VERSION "unknown"
#endif

/* The partner a hit refers to. */
const cm_partner *cmx_partner(const cm_shortlist *s, const cm_hit *h);
/* The Chinese name to show: simplified if known, else as printed; "" if none. */
const char *cmx_name_zh(const cm_partner *p);
/* A region's English name or id; "" for CM_NONE or an index out of range. */
const char *cmx_region_name(const cm_dataset *ds, size_t idx);
const char *cmx_region_id(const cm_dataset *ds, size_t idx);
/* Kind and component names, "" (never NULL) for values out of range. */
const char *cmx_kind_name(cm_kind k);
const char *cmx_comp_name(size_t c);
/* A policy note by index, or NULL if out of range. */
const cm_note *cmx_note(const cm_dataset *ds, size_t idx);
/* The index of the first hit of `s` that carries policy note `note` (human formats print
 * a note's text once and refer back to it later), or s->n if none does. */
size_t cmx_note_first(const cm_shortlist *s, size_t note);
/* The date the report is generated, "YYYY-MM-DD" in UTC, into `buf` (at least 11 bytes).
 * SOURCE_DATE_EPOCH (reproducible-builds.org) fixes it, so tests and rebuilt reports can
 * be compared byte for byte. */
const char *cmx_generated(char *buf, size_t len);
/* The data vintage: the oldest and newest `as-of` year of the partner records (0, 0 when no
 * record has one, or `ds` is NULL), and as text, "2015-2026" or "2026", into `buf` (at least 16 bytes). */
void cmx_vintage(const cm_dataset *ds, int *lo, int *hi);
const char *cmx_vintage_text(const cm_dataset *ds, char *buf, size_t len);
/* The policy notes of a shortlist in order of first appearance: the "what to know" list the
 * suggestions refer to by number. Fills `ids` (room for `cap`) and returns the count. */
size_t cmx_note_list(const cm_shortlist *s, size_t *ids, size_t cap);
/* The 1-based number of note `id` in such a list, 0 if absent. */
size_t cmx_note_number(const size_t *ids, size_t n, size_t id);
/* Whether the hits are in descending score order (false when --diversity reordered them). */
bool cmx_by_score(const cm_shortlist *s);
/* The "In short" summary of the html and md reports (the pdf prints the html): the first
 * CMX_SUMMARY_HITS suggestions, each with its first CMX_SUMMARY_REASONS reasons. One place
 * so that both reports summarise alike. */
enum { CMX_SUMMARY_HITS = 3, CMX_SUMMARY_REASONS = 2 };
/* The suggested next step for a partner of kind `k`, one sentence for a business reader. */
const char *cmx_next_step(cm_kind k);
/* `s`, or "" for NULL. */
const char *cmx_str(const char *s);
/* A profile's name, else its id; "" for NULL. */
const char *cmx_profile_label(const cm_profile *p);

/* One CSV field, RFC 4180: quoted when it holds a comma, a double quote, CR or LF, with the
 * quotes doubled. NULL is an empty field. */
void cmx_csv_field(FILE *out, const char *s);
/* Text escaped for HTML content and attribute values (& < > " '); control characters other
 * than tab and line feed become spaces. NULL is empty. */
void cmx_html_text(FILE *out, const char *s);

/* Format `v` with `prec` decimals into `buf` (at least 48 bytes), C locale. */
char *cmx_num(char *buf, size_t len, double v, int prec);
/* Terminal display width of UTF-8 text (utf8proc_charwidth over decoded codepoints;
 * an invalid byte counts as one column). */
size_t cmx_display_width(const char *s);

/* A growable string; `oom` records a failed allocation (the content is then truncated). */
typedef struct cmx_buf { char *s; size_t n, cap; bool oom; } cmx_buf;
void cmx_buf_puts(cmx_buf *b, const char *s);
void cmx_buf_putn(cmx_buf *b, const char *s, size_t n);
void cmx_buf_printf(cmx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmx_buf_release(cmx_buf *b);
/* The buffer's text ("" if empty), valid until the next change. */
const char *cmx_buf_str(const cmx_buf *b);

#endif
