/* export_util.c: the helpers every writer shares (export_util.h). The bottom of the export
 * layers: it includes no writer and no dispatch. */
#include "export_util.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

const char *cmx_str(const char *s) { return s ? s : ""; }

const char *cmx_generated(char *buf, size_t len)
{
    time_t t = time(NULL);
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (e && *e) {
        char *end;
        long long v = strtoll(e, &end, 10);
        if (*end == '\0' && v >= 0) t = (time_t)v;
    }
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%d", &tm) == 0) {
        if (len) buf[0] = '\0';
    }
    return buf;
}

void cmx_vintage(const cm_dataset *ds, int *lo, int *hi)
{
    *lo = *hi = 0;
    for (size_t i = 0; ds && i < ds->npartners; i++) {
        int y = ds->partners[i].as_of;
        if (!y) continue;
        if (!*lo || y < *lo) *lo = y;
        if (y > *hi) *hi = y;
    }
}

const char *cmx_vintage_text(const cm_dataset *ds, char *buf, size_t len)
{
    int lo, hi;
    cmx_vintage(ds, &lo, &hi);
    if (!hi) snprintf(buf, len, "not dated");
    else if (lo == hi) snprintf(buf, len, "%d", hi);
    else snprintf(buf, len, "%d-%d", lo, hi);
    return buf;
}

const cm_partner *cmx_partner(const cm_shortlist *s, const cm_hit *h)
{
    return &s->ds->partners[h->partner];
}

const char *cmx_name_zh(const cm_partner *p)
{
    if (p->name_zh_hans && *p->name_zh_hans) return p->name_zh_hans;
    return cmx_str(p->name_zh);
}

const char *cmx_region_name(const cm_dataset *ds, size_t idx)
{
    if (idx == CM_NONE || idx >= ds->tax.nregions) return "";
    const cm_region *r = &ds->tax.regions[idx];
    return r->name ? r->name : cmx_str(r->id);
}

const char *cmx_region_id(const cm_dataset *ds, size_t idx)
{
    if (idx == CM_NONE || idx >= ds->tax.nregions) return "";
    return cmx_str(ds->tax.regions[idx].id);
}

const char *cmx_kind_name(cm_kind k)
{
    return (unsigned)k < CM_NKINDS ? cmx_str(cm_kind_names[k]) : "";
}

const char *cmx_comp_name(size_t c)
{
    return c < CM_NCOMP ? cmx_str(cm_component_names[c]) : "";
}

const cm_note *cmx_note(const cm_dataset *ds, size_t idx)
{
    return idx < ds->tax.nnotes ? &ds->tax.notes[idx] : NULL;
}

size_t cmx_note_list(const cm_shortlist *s, size_t *ids, size_t cap)
{
    size_t n = 0;
    for (size_t r = 0; r < s->n; r++)
        for (size_t i = 0; i < s->hits[r].nnotes && i < CM_MAX_NOTES; i++) {
            size_t id = s->hits[r].notes[i], j = 0;
            while (j < n && ids[j] != id) j++;
            if (j == n && n < cap) ids[n++] = id;
        }
    return n;
}

size_t cmx_note_number(const size_t *ids, size_t n, size_t id)
{
    for (size_t j = 0; j < n; j++)
        if (ids[j] == id) return j + 1;
    return 0;
}

bool cmx_by_score(const cm_shortlist *s)
{
    for (size_t r = 1; r < s->n; r++)
        if (s->hits[r].score > s->hits[r - 1].score) return false;
    return true;
}

const char *cmx_next_step(cm_kind k)
{
    switch (k) {
    case CM_KIND_ZONE:
        return "ask the zone's investment promotion office what it offers a European firm in "
               "your sector, and whom in the zone to meet";
    case CM_KIND_CLUSTER:
        return "ask the cluster's association or the city's industry bureau for a meeting "
               "with two or three of its firms";
    case CM_KIND_ORGANISATION:
        return "ask for an introduction to its members or a slot at its next event";
    case CM_KIND_PROGRAMME:
        return "check whether the programme has an open call and whether European partners "
               "may join it";
    default:
        return "make contact and check the record's facts first";
    }
}

size_t cmx_note_first(const cm_shortlist *s, size_t note)
{
    for (size_t r = 0; r < s->n; r++)
        for (size_t i = 0; i < s->hits[r].nnotes && i < CM_MAX_NOTES; i++)
            if (s->hits[r].notes[i] == note) return r;
    return s->n;
}

char *cmx_num(char *buf, size_t len, double v, int prec)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return buf;
    }
    if (v == 0) v = 0;                      /* no "-0.00" */
    snprintf(buf, len, "%.*f", prec, v);
    /* Undo a locale decimal separator (LC_NUMERIC set by a front end). */
    const char *dp = localeconv()->decimal_point;
    if (dp && strcmp(dp, ".") != 0 && *dp) {
        char *p = strstr(buf, dp);
        if (p) {
            size_t dl = strlen(dp);
            *p = '.';
            memmove(p + 1, p + dl, strlen(p + dl) + 1);
        }
    }
    /* "-0.0" after rounding a tiny negative: drop the sign. */
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
    return buf;
}

size_t cmx_display_width(const char *s)
{
    size_t w = 0, len = strlen(s), i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) { w++; i++; continue; }
        int cw = utf8proc_charwidth(cp);
        if (cw > 0) w += (size_t)cw;
        i += (size_t)k;
    }
    return w;
}

static bool buf_grow(cmx_buf *b, size_t more)
{
    if (b->oom) return false;
    if (b->n + more + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->n + more + 1) cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) { b->oom = true; return false; }
    b->s = s;
    b->cap = cap;
    return true;
}

void cmx_buf_putn(cmx_buf *b, const char *s, size_t n)
{
    if (!buf_grow(b, n)) return;
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void cmx_buf_puts(cmx_buf *b, const char *s) { cmx_buf_putn(b, s, strlen(s)); }

void cmx_buf_printf(cmx_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0 || !buf_grow(b, (size_t)k)) return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

void cmx_buf_release(cmx_buf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

const char *cmx_buf_str(const cmx_buf *b) { return b->s ? b->s : ""; }

const char *cmx_profile_label(const cm_profile *p)
{
    if (!p) return "";
    return p->name && *p->name ? p->name : cmx_str(p->id);
}

void cmx_csv_field(FILE *out, const char *s)
{
    s = cmx_str(s);
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (const char *p = s; *p; p++) {
        if (*p == '"') fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

void cmx_html_text(FILE *out, const char *s)
{
    for (const char *p = cmx_str(s); *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default:
            if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') fputc(' ', out);
            else fputc(*p, out);
        }
    }
}

