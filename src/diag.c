/* diag.c: collecting and printing file:line:col diagnostics with a source caret. */
#include "diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

void cm_diags_init(cm_diags *d) { memset(d, 0, sizeof *d); }

void cm_diags_clear(cm_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
    }
    d->n = d->nerrors = d->nio = d->dropped = 0;
}

void cm_diags_release(cm_diags *d)
{
    if (!d) return;
    cm_diags_clear(d);
    free(d->v);
    d->v = NULL;
    d->cap = 0;
}

static void vadd(cm_diags *d, cm_severity sev, cm_failure kind, const char *file,
                 unsigned line, unsigned col, const char *fmt, va_list ap)
{
    if (sev == CM_SEV_ERROR) {
        d->nerrors++;
        if (kind == CM_FAIL_IO) d->nio++;
    }
    size_t max = d->max ? d->max : 200;
    if (d->n >= max) { d->dropped++; return; }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        cm_diag *v = realloc(d->v, cap * sizeof *v);
        if (!v) { d->dropped++; return; }
        d->v = v;
        d->cap = cap;
    }
    char *msg = NULL;
    va_list aq;
    va_copy(aq, ap);
    int len = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (len >= 0 && (msg = malloc((size_t)len + 1)))
        vsnprintf(msg, (size_t)len + 1, fmt, ap);
    cm_diag *g = &d->v[d->n++];
    g->file = file ? strdup(file) : NULL;
    g->line = line;
    g->col = col;
    g->sev = sev;
    g->kind = kind;
    g->msg = msg ? msg : strdup("out of memory");
}

int cm_error(cm_diags *d, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(d, CM_SEV_ERROR, CM_FAIL_INPUT, file, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

int cm_ioerror(cm_diags *d, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(d, CM_SEV_ERROR, CM_FAIL_IO, file, 0, 0, fmt, ap);
    va_end(ap);
    return -1;
}

void cm_warn(cm_diags *d, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(d, CM_SEV_WARNING, CM_FAIL_INPUT, file, line, col, fmt, ap);
    va_end(ap);
}

void cm_info(cm_diags *d, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(d, CM_SEV_NOTE, CM_FAIL_INPUT, file, line, col, fmt, ap);
    va_end(ap);
}

void cm_diags_move(cm_diags *dst, cm_diags *src)
{
    for (size_t i = 0; i < src->n; i++) {
        cm_diag *g = &src->v[i];
        if (g->sev == CM_SEV_ERROR && g->kind == CM_FAIL_IO)
            cm_ioerror(dst, g->file, "%s", g->msg);
        else if (g->sev == CM_SEV_ERROR)
            cm_error(dst, g->file, g->line, g->col, "%s", g->msg);
        else if (g->sev == CM_SEV_NOTE)
            cm_info(dst, g->file, g->line, g->col, "%s", g->msg);
        else
            cm_warn(dst, g->file, g->line, g->col, "%s", g->msg);
    }
    dst->dropped += src->dropped;
    cm_diags_clear(src);
}

/* Characters of a source line shown around the caret: a minified or generated file can
 * put a whole profile on one line, and the caret is only useful near its column. */
enum { SRC_BEFORE = 60, SRC_WIDTH = 120 };

/* Line `line` of `file`, without its line end and without a UTF-8 BOM; NULL if it cannot be
 * read. Only the characters from column *first (1-based) on are kept, at most SRC_WIDTH of
 * them, chosen so that column `col` is in view; *cut tells whether the line goes on. */
static char *source_line(const char *file, unsigned line, unsigned col, unsigned *first, int *cut)
{
    FILE *fp = fopen(file, "rb");
    if (!fp) return NULL;
    char *out = NULL;
    size_t cap = 0, len = 0;
    unsigned cur = 1, chr = 0, from = col > SRC_BEFORE ? col - SRC_BEFORE : 1;
    int c;
    *first = from;
    *cut = 0;
    char bom[3];
    if (fread(bom, 1, 3, fp) != 3 || memcmp(bom, "\xEF\xBB\xBF", 3) != 0) rewind(fp);
    while ((c = getc(fp)) != EOF) {
        if (cur == line) {
            if (c == '\n' || c == '\r') break;
            if ((c & 0xC0) != 0x80 && ++chr >= from + SRC_WIDTH) { *cut = 1; break; }
            if (chr < from) continue;
            if (len + 2 > cap) {
                cap = cap ? cap * 2 : 128;
                char *n = realloc(out, cap);
                if (!n) break;
                out = n;
            }
            out[len++] = (char)c;
        } else if (c == '\n' || c == '\r') {
            /* LF, CR LF or a lone CR ends a line, as libyaml counts them */
            if (c == '\r' && (c = getc(fp)) != '\n' && c != EOF) ungetc(c, fp);
            if (++cur > line) break;
        }
    }
    fclose(fp);
    if (out) out[len] = '\0';
    else if (cur == line && c != EOF) out = strdup("");
    return out;
}

static const char *const sev_names[] = { "error", "warning", "note" };

/* Only printable text goes to the terminal: a control character (C0 but tab, DEL, C1), a
 * Unicode line break or bidi override, or a byte that is not UTF-8 would let a hostile file
 * (or file name) send escape sequences or reorder the line. */
static bool unsafe(utf8proc_int32_t cp)
{
    return (cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp < 0xa0) ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* `escape`: written as \n, \xHH or \uHHHH, so a message or file name says what is there;
 * else '?', one per column, so a source excerpt keeps the caret aligned. */
static void put_text(const char *text, FILE *out, bool escape)
{
    for (const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text; *p;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        bool bad = n <= 0;
        if (bad) n = 1;
        if (!bad && !unsafe(cp)) fwrite(p, 1, (size_t)n, out);
        else if (!escape) fputc('?', out);
        else if (bad) fprintf(out, "\\x%02X", *p);
        else if (cp == '\n') fputs("\\n", out);
        else if (cp == '\r') fputs("\\r", out);
        else if (cp < 0x80) fprintf(out, "\\x%02X", (unsigned)cp);
        else fprintf(out, "\\u%04X", (unsigned)cp);
        p += n;
    }
}

void cm_fput_clean(const char *s, FILE *out) { put_text(s, out, true); }

void cm_vsay(FILE *out, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int len = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *buf = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (buf) {
        vsnprintf(buf, (size_t)len + 1, fmt, ap);
        put_text(buf, out, true);
        free(buf);
    }
    putc('\n', out);
}

void cm_say(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cm_vsay(out, fmt, ap);
    va_end(ap);
}

static void put_clean(const char *text, FILE *out) { put_text(text, out, false); }

static void print_all(const cm_diags *d, FILE *out, int show_source)
{
    for (size_t i = 0; i < d->n; i++) {
        const cm_diag *g = &d->v[i];
        if (g->file) {
            cm_fput_clean(g->file, out);
            if (g->line) fprintf(out, ":%u:%u", g->line, g->col);
            fprintf(out, ": %s: ", sev_names[g->sev]);
        } else {
            fprintf(out, "clustermatch: %s: ", sev_names[g->sev]);
        }
        cm_fput_clean(g->msg, out);
        putc('\n', out);
        if (!show_source || !g->file || !g->line) continue;
        unsigned first;
        int cut;
        char *src = source_line(g->file, g->line, g->col, &first, &cut);
        if (!src) continue;
        fputs(first > 1 ? "  ..." : "  ", out);
        put_clean(src, out);
        fputs(cut ? "...\n  " : "\n  ", out);
        if (first > 1) fputs("   ", out);
        /* The caret goes under the column's character. Columns count characters, and a
         * wide character (CJK) takes two cells on a terminal: pad by display width, and
         * keep tabs as tabs so the terminal aligns both lines alike. */
        unsigned colc = first;
        const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)src;
        while (*s && colc < g->col) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t n = utf8proc_iterate(s, -1, &cp);
            if (n <= 0) { n = 1; cp = '?'; }
            if (cp == '\t') putc('\t', out);
            else for (int w = utf8proc_charwidth(cp); w > 0; w--) putc(' ', out);
            s += n;
            colc++;
        }
        fputs("^\n", out);
        free(src);
    }
    if (d->dropped)
        fprintf(out, "clustermatch: note: %zu more messages not shown\n", d->dropped);
}

void cm_diags_print(const cm_diags *d, FILE *out, int show_source)
{
    /* Formatted in memory, then written at once: stderr is unbuffered, and printed
     * character by character the notes of a batch of 1,000 profiles were 28,673 one-byte
     * writes. */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m) {
        print_all(d, m, show_source);
        if (fclose(m) == 0) {
            fwrite(buf, 1, len, out);
            free(buf);
            return;
        }
        free(buf);
    }
    print_all(d, out, show_source);
}
