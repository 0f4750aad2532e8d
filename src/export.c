/* export.c: format names, and dispatch to the writers (export_writers.h) with atomic
 * writes (atomicio.h). The layers, each calling only the ones below it:
 *   export.c (dispatch)  ->  export_text.c, export_json.c, export_html.c, export_xlsx.c
 *   (writers)  ->  export_util.c (helpers)
 */
#include "export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicio.h"
#include "export_writers.h"

const char *const cm_format_names[CM_NFORMATS] = {
    "table", "tsv", "csv", "json", "md", "xlsx", "html", "csv-excel", "pdf",
};
const char *const cm_format_ext[CM_NFORMATS] = {
    "txt", "tsv", "csv", "json", "md", "xlsx", "html", NULL, "pdf",
};

int cm_format_parse(const char *s)
{
    if (!s) return -1;
    for (int i = 0; i < CM_NFORMATS; i++)
        if (strcmp(s, cm_format_names[i]) == 0) return i;
    if (strcmp(s, "markdown") == 0) return CM_FMT_MD;
    if (strcmp(s, "text") == 0) return CM_FMT_TABLE;
    return -1;
}

bool cm_format_streams(cm_format f)
{
    /* xlsx is a zip archive: never to a terminal or a pipe by default. cm_export_stream
     * still accepts it (through a temporary file) for callers that insist. */
    return f != CM_FMT_XLSX && f != CM_FMT_PDF && f < CM_NFORMATS;
}

/* ---- dispatch ------------------------------------------------------------------------ */

/* xlsx to a stream: write a temporary file, then copy it. */
static int xlsx_to_stream(const cm_shortlist *lists, size_t n, const cm_export_opts *o,
                          FILE *out, cm_diags *d, const char *name)
{
    const char *dir = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/clustermatch-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmpl);
    if (fd < 0) return cm_ioerror(d, tmpl, "cannot create temporary file: %s", strerror(errno));
    close(fd);
    int rc = cmx_write_xlsx(lists, n, o, tmpl, d, name);
    if (rc == 0) {
        FILE *in = fopen(tmpl, "rb");
        if (!in) {
            rc = cm_ioerror(d, tmpl, "cannot read temporary file: %s", strerror(errno));
        } else {
            char buf[65536];
            size_t k;
            while ((k = fread(buf, 1, sizeof buf, in)) > 0)
                if (fwrite(buf, 1, k, out) != k) break;
            if (ferror(in)) rc = cm_ioerror(d, tmpl, "cannot read temporary file");
            fclose(in);
        }
    }
    unlink(tmpl);
    return rc;
}

static int write_any(const cm_shortlist *lists, size_t n, cm_format f, const cm_export_opts *o,
                     FILE *out, cm_diags *d, const char *name)
{
    static const cm_export_opts defaults = { 0 };
    if (!o) o = &defaults;
    switch (f) {
    case CM_FMT_TABLE:
        for (size_t i = 0; i < n; i++) {
            if (i) fputc('\n', out);
            if (cmx_write_table(&lists[i], o, out, d, name) != 0) return -1;
        }
        return 0;
    case CM_FMT_TSV:
        return cmx_write_tsv(lists, n, !o || !o->continuation, out, d, name);
    case CM_FMT_CSV:
        return cmx_write_csv(lists, n, !o || !o->continuation, false, out, d, name);
    case CM_FMT_CSV_EXCEL:
        return cmx_write_csv(lists, n, !o || !o->continuation, true, out, d, name);
    case CM_FMT_MD:
        for (size_t i = 0; i < n; i++) {
            if (i) fputc('\n', out);
            cmx_write_md(&lists[i], o, out);
        }
        return 0;
    case CM_FMT_JSON:
        return cmx_write_json(lists, n, o, out, d, name);
    case CM_FMT_HTML:
        return cmx_write_html(lists, n, o, out, d, name);
    case CM_FMT_XLSX:
        return xlsx_to_stream(lists, n, o, out, d, name);
    case CM_FMT_PDF:
        return cm_ioerror(d, name, "a PDF cannot be written to a stream; use -o FILE.pdf");
    case CM_NFORMATS:
        break;
    }
    return cm_ioerror(d, name, "unknown output format %d", (int)f);
}

int cm_export_stream(const cm_shortlist *lists, size_t n, cm_format f,
                     const cm_export_opts *o, FILE *out, const char *name, cm_diags *d)
{
    size_t before = d ? d->nerrors : 0;
    errno = 0;
    int rc = write_any(lists, n, f, o, out, d, name);
    /* The write that failed set errno (ENOSPC); a later fflush of a stream already in
     * error may not, so keep the first. */
    int e = ferror(out) ? errno : 0;
    errno = 0;
    int flushed = fflush(out);
    if (!e) e = errno;
    if (ferror(out) || flushed != 0) {
        if (!d || d->nerrors == before)
            cm_ioerror(d, name, "cannot write output: %s", strerror(e ? e : EIO));
        return -1;
    }
    return rc;
}

static int export_atomic(const cm_shortlist *lists, size_t n, cm_format f,
                         const cm_export_opts *o, const char *path, cm_diags *d);

/* Write to something that is not a regular file (/dev/null, /dev/full, a FIFO) in place:
 * renaming a temporary over it would replace the device node itself. */
static int export_special(const cm_shortlist *lists, size_t n, cm_format f,
                          const cm_export_opts *o, const char *path, cm_diags *d)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) return cm_ioerror(d, path, "cannot open output file: %s", strerror(errno));
    size_t before = d ? d->nerrors : 0;
    int rc = cm_export_stream(lists, n, f, o, fp, path, d);
    if (fclose(fp) != 0 && rc == 0 && (!d || d->nerrors == before))
        rc = cm_ioerror(d, path, "cannot write output: %s", strerror(errno));
    return rc;
}

int cm_export_file(const cm_shortlist *lists, size_t n, cm_format f,
                   const cm_export_opts *o, const char *path, cm_diags *d)
{
    static const cm_export_opts defaults = { 0 };
    if (!o) o = &defaults;
    /* A symbolic link stays a link: the file it points to is replaced. */
    char *real = NULL;
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        real = realpath(path, NULL);
        if (real) path = real;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        int rc = S_ISDIR(st.st_mode) ? cm_ioerror(d, path, "is a directory, not a file")
                                     : export_special(lists, n, f, o, path, d);
        free(real);
        return rc;
    }
    int rc = export_atomic(lists, n, f, o, path, d);
    free(real);
    return rc;
}

static int export_atomic(const cm_shortlist *lists, size_t n, cm_format f,
                         const cm_export_opts *o, const char *path, cm_diags *d)
{
    if (f == CM_FMT_XLSX || f == CM_FMT_PDF) {
        char *tmp = cm_atomic_tmpname(path);
        if (!tmp) return cm_ioerror(d, path, "out of memory");
        int rc = f == CM_FMT_XLSX ? cmx_write_xlsx(lists, n, o, tmp, d, path)
                                  : cmx_write_pdf(lists, n, o, tmp, d, path);
        if (rc == 0) rc = o->defer ? cm_defer_add(o->defer, tmp, path, d) : cm_atomic_publish(tmp, path, d);
        else unlink(tmp);
        free(tmp);
        return rc;
    }
    cm_afile af;
    if (cm_afile_open(&af, path, d) != 0) return -1;
    size_t before = d ? d->nerrors : 0;
    errno = 0;
    if (write_any(lists, n, f, o, af.fp, d, path) != 0) {
        /* A writer may leave a failed write to its caller (json_dumpf says only -1): say
         * why here, or a full disk would exit 3 with nothing on stderr. */
        int e = errno ? errno : EIO;
        if (!d || d->nerrors == before) cm_ioerror(d, path, "cannot write output file: %s", strerror(e));
        cm_afile_abort(&af);
        return -1;
    }
    return o->defer ? cm_afile_commit_deferred(&af, o->defer, d) : cm_afile_commit(&af, d);
}

