/* export_batch.c: the output directory of `batch --out DIR` (export_batch.h). Above the
 * dispatch of export.c: each shortlist goes through cm_export_file like `rank -o`. */
#include "export_batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_util.h"

#define NAME_MAX_BASE 200            /* bytes of a profile id kept in its file name */
#define STAMP_NAME ".clustermatch-batch"
#define LOCK_NAME ".clustermatch-lock"

char *cm_batchout_stamp(const cm_dataset *ds, const cm_rank_opts *o, cm_format fmt, bool explain,
                        size_t capacity)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    const cm_taxonomy *t = &ds->tax;
    fprintf(f, "clustermatch %s batch\n", CM_VERSION);
    fprintf(f, "data %s\n", ds->dir ? ds->dir : "");
    fprintf(f, "format %s\nexplain %d\ntop %zu\nkinds %u\n", cm_format_names[fmt], (int)explain,
            o->top, o->kinds);
    fprintf(f, "region %s\n", o->region != CM_NONE ? t->regions[o->region].id : "-");
    fprintf(f, "sector %s\n", o->sector != CM_NONE ? t->sectors[o->sector].id : "-");
    fprintf(f, "capacity %zu\n", capacity);
    fprintf(f, "min-score %.17g\nweights", o->min_score);
    for (int c = 0; c < CM_NCOMP; c++) fprintf(f, " %.17g", o->weights[c]);
    /* The whole struct as bytes too (cm_rank_opts_init zeroes it, padding included), so an
     * option added to cm_rank_opts later is covered without a change here. */
    fputs("\nopts ", f);
    const unsigned char *raw = (const unsigned char *)o;
    for (size_t i = 0; i < sizeof *o; i++) fprintf(f, "%02x", raw[i]);
    fputc('\n', f);
    if (fclose(f) != 0) { free(buf); return NULL; }
    return buf;
}

/* Remove temporary files (NAME.tmp.PID.N) left in `dir` by a run that was killed: only
 * those whose process no longer exists. */
static void remove_stale_tmp(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp) return;
    struct dirent *e;
    while ((e = readdir(dp))) {
        const char *t = strstr(e->d_name, ".tmp."), *next;
        while (t && (next = strstr(t + 1, ".tmp."))) t = next;
        if (!t || t == e->d_name) continue;
        char *end;
        errno = 0;
        long pid = strtol(t + 5, &end, 10);
        if (errno || pid <= 0 || *end != '.' || end[1] < '0' || end[1] > '9') continue;
        strtoul(end + 1, &end, 10);
        if (*end || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        char *path = cm_path_join(dir, e->d_name);
        if (path) unlink(path);
        free(path);
    }
    closedir(dp);
}

static int open_afile(cm_batchout *bo, cm_afile *f, const char *name, cm_diags *d)
{
    char *path = cm_path_join(bo->dir, name);
    if (!path) return cm_ioerror(d, bo->dir, "out of memory");
    int rc = cm_afile_open(f, path, d);
    free(path);
    return rc;
}

static const char index_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>clustermatch: shortlists</title>\n<style>\n"
    "body{font:15px/1.45 \"Noto Sans\",\"Segoe UI\",\"Helvetica Neue\",Arial,\"Noto Sans CJK SC\","
    "\"Microsoft YaHei\",sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#1d2733}\n"
    "h1{color:#1f4e79;margin:.2em 0}\nh2{margin-top:1.5em}\n"
    ".brand{color:#5b6775;font-size:.85em;letter-spacing:.08em;text-transform:uppercase;margin:0}\n"
    ".dates{color:#555;font-size:.92em}\na{color:#1f4e79}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #ddd;vertical-align:top}\n"
    "th{background:#f4f4f4}\n.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "footer{margin-top:1.5em;color:#666;font-size:.9em}\n.zh{color:#555}\n"
    "</style>\n</head>\n<body>\n<p class=\"brand\">clustermatch · Chinese partner shortlists</p>\n"
    "<h1>Shortlists</h1>\n"
    "<p>One page per profile; each page links back here. Below the list: the partners "
    "suggested to several profiles.</p>\n"
    "<table>\n<thead><tr><th class=n>#</th><th>Profile</th><th>ID</th>"
    "<th class=n>Suggestions</th><th>Best match</th><th class=n>Score</th></tr></thead>\n"
    "<tbody>\n";

int cm_batchout_open(cm_batchout *bo, const char *dir, cm_format fmt, const cm_export_opts *eo,
                     bool resume, const char *stamp, cm_diags *d)
{
    memset(bo, 0, sizeof *bo);
    bo->dir = dir;
    bo->fmt = fmt;
    bo->eo = *eo;
    bo->eo.defer = &bo->defer;
    if (fmt == CM_FMT_HTML) bo->eo.index_href = "index.html";
    bo->resume = resume;
    /* Profiles named like the run's own files get -2: "summary" stays summary.csv's. */
    static const char *const reserved[] = { "summary", "failures", "index" };
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (cm_nameset_take(&bo->names, reserved[i]) < 0) return cm_ioerror(d, NULL, "out of memory");

    struct stat st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return cm_ioerror(d, dir, "cannot create output directory: %s", strerror(errno));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return cm_ioerror(d, dir, "output path exists and is not a directory");
    if (access(dir, W_OK | X_OK) != 0)
        return cm_ioerror(d, dir, "cannot write to output directory: %s", strerror(errno));
    /* The lock comes before anything is removed or written: the temporary files of a run in
     * progress are not stale. flock() is released when the process ends, killed too. */
    char *lpath = cm_path_join(dir, LOCK_NAME);
    if (!lpath) return cm_ioerror(d, dir, "out of memory");
    bo->lock_fd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    free(lpath);
    if (bo->lock_fd < 0)
        return cm_ioerror(d, dir, "cannot create the lock file %s: %s", LOCK_NAME, strerror(errno));
    if (flock(bo->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(bo->lock_fd);
        if (e == EWOULDBLOCK)
            return cm_ioerror(d, dir, "another clustermatch batch is writing to this directory; wait "
                              "for it to finish, or give another --out");
        return cm_ioerror(d, dir, "cannot lock the output directory: %s", strerror(e));
    }
    bo->locked = true;
    remove_stale_tmp(dir);

    char *have = NULL, *spath = cm_path_join(dir, STAMP_NAME), *fpath = NULL;
    size_t len;
    int rc = -1;
    if (!spath) { cm_ioerror(d, dir, "out of memory"); goto out; }
    cm_diags scratch;
    cm_diags_init(&scratch);
    if (cm_read_file(spath, 1 << 16, &have, &len, &scratch) != 0) have = NULL;
    cm_diags_release(&scratch);
    bool same = have && strcmp(have, stamp) == 0;
    if (bo->resume && !same) {
        bo->resume_reset = have != NULL;
        bo->resume = false;
    }
    if (!same) {
        cm_afile sf;
        if (cm_afile_open(&sf, spath, d) != 0) goto out;
        fputs(stamp, sf.fp);
        if (cm_afile_commit(&sf, d) != 0) goto out;
    }
    /* failures.csv appears last, when the run has finished: remove the previous one. */
    fpath = cm_path_join(dir, "failures.csv");
    if (fpath && unlink(fpath) != 0 && errno != ENOENT) {
        cm_ioerror(d, fpath, "cannot remove: %s", strerror(errno));
        goto out;
    }
    if (open_afile(bo, &bo->summary, "summary.csv", d) || open_afile(bo, &bo->failures, "failures.csv", d))
        goto out;
    if (fmt == CM_FMT_HTML && open_afile(bo, &bo->index, "index.html", d)) goto out;
    fputs("profile_id,profile_name,rank,partner_id,partner_name,score," CM_COMPONENTS(CM_NAME_, ",")
          ",partner_name_zh,main_reason\r\n", bo->summary.fp);
    fputs("file,line,col,message\r\n", bo->failures.fp);
    if (bo->index.fp) fputs(index_head, bo->index.fp);
    rc = 0;
out:
    free(have);
    free(spath);
    free(fpath);
    return rc;
}

/* The file name (without extension) for a profile with id `id`: the id made safe for a file
 * name, then -2, -3, ... if an earlier profile of the run has it. Caller frees. */
static char *unique_name(cm_nameset *set, const char *id)
{
    char base[NAME_MAX_BASE + 1];
    size_t n = 0;
    for (const char *s = id ? id : ""; *s && n < NAME_MAX_BASE; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || (c == '.' && n > 0);
        base[n++] = ok ? c : '-';
    }
    if (n == 0) n = (size_t)snprintf(base, sizeof base, "profile");
    base[n] = '\0';
    char buf[NAME_MAX_BASE + 32];
    snprintf(buf, sizeof buf, "%s", base);
    for (unsigned long k = 2;; k++) {
        int t = cm_nameset_take(set, buf);
        if (t < 0) return NULL;
        if (t > 0) return strdup(buf);
        snprintf(buf, sizeof buf, "%s-%lu", base, k);
    }
}

static void summary_rows(cm_batchout *bo, const char *name, const cm_shortlist *s)
{
    FILE *f = bo->summary.fp;
    char num[64];
    for (size_t r = 0; r < s->n; r++) {
        const cm_hit *h = &s->hits[r];
        const cm_partner *pa = cmx_partner(s, h);
        cmx_csv_field(f, name);
        fputc(',', f);
        cmx_csv_field(f, s->profile->name);
        fprintf(f, ",%zu,", r + 1);
        cmx_csv_field(f, pa->id);
        fputc(',', f);
        cmx_csv_field(f, pa->name);
        fprintf(f, ",%s", cmx_num(num, sizeof num, h->score, 2));
        for (int c = 0; c < CM_NCOMP; c++) fprintf(f, ",%s", cmx_num(num, sizeof num, h->comp[c], 4));
        fputc(',', f);
        cmx_csv_field(f, cmx_name_zh(pa));
        fputc(',', f);
        cmx_csv_field(f, h->nreasons ? h->reasons[0].text : "");
        fputs("\r\n", f);
    }
}

/* Text for HTML content or a quoted attribute, into a buffer. */
static void put_attr(cmx_buf *b, const char *s)
{
    for (const char *c = cmx_str(s); *c; c++) {
        if (*c == '"') cmx_buf_puts(b, "&quot;");
        else if (*c == '<') cmx_buf_puts(b, "&lt;");
        else if (*c == '>') cmx_buf_puts(b, "&gt;");
        else if (*c == '&') cmx_buf_puts(b, "&amp;");
        else cmx_buf_putn(b, c, 1);
    }
}

static void index_row(cm_batchout *bo, const char *file, const cm_shortlist *s)
{
    FILE *f = bo->index.fp;
    char num[64];
    if (!f) return;
    fprintf(f, "<tr><td class=n>%zu</td><td><a href=\"", bo->nwritten + 1);
    cmx_html_text(f, file);
    fputs("\">", f);
    cmx_html_text(f, cmx_profile_label(s->profile));
    fputs("</a></td><td>", f);
    cmx_html_text(f, s->profile->id);
    fprintf(f, "</td><td class=n>%zu</td><td>", s->n);
    /* Which partners recur across the shortlists, for the view at the end. */
    if (!bo->recur_n && s->ds->npartners) {
        bo->ds = s->ds;
        bo->npartners = s->ds->npartners;
        bo->recur_n = calloc(bo->npartners, sizeof *bo->recur_n);
        bo->recur_links = calloc(bo->npartners, sizeof *bo->recur_links);
    }
    for (size_t r = 0; bo->recur_n && bo->recur_links && r < s->n; r++) {
        size_t pi = s->hits[r].partner;
        if (pi >= bo->npartners) continue;
        cmx_buf *b = &bo->recur_links[pi];
        if (bo->recur_n[pi]++) cmx_buf_puts(b, ", ");
        cmx_buf_puts(b, "<a href=\"");
        put_attr(b, file);
        cmx_buf_puts(b, "\">");
        put_attr(b, s->profile->id);
        cmx_buf_printf(b, "</a> (#%zu)", r + 1);
    }
    if (s->n) {
        const cm_partner *best = cmx_partner(s, &s->hits[0]);
        cmx_html_text(f, best->name);
        if (*cmx_name_zh(best)) {
            fputs(" <span class=zh lang=zh-Hans>", f);
            cmx_html_text(f, cmx_name_zh(best));
            fputs("</span>", f);
        }
        fprintf(f, "</td><td class=n>%s</td></tr>\n", cmx_num(num, sizeof num, s->hits[0].score, 1));
    } else {
        fputs("</td><td></td></tr>\n", f);
    }
}

/* The view across profiles: partners in two or more shortlists, most shortlists first. */
static const cm_dataset *g_recur_ds;
static const size_t *g_recur_n;
static int recur_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (g_recur_n[x] != g_recur_n[y]) return g_recur_n[x] < g_recur_n[y] ? 1 : -1;
    return strcmp(cmx_str(g_recur_ds->partners[x].name), cmx_str(g_recur_ds->partners[y].name));
}

static void recurring(cm_batchout *bo, FILE *f)
{
    if (!bo->recur_n || !bo->recur_links || !bo->ds) return;
    size_t *v = malloc((bo->npartners + 1) * sizeof *v), k = 0;
    if (!v) return;
    for (size_t i = 0; i < bo->npartners; i++)
        if (bo->recur_n[i] >= 2) v[k++] = i;
    g_recur_ds = bo->ds;
    g_recur_n = bo->recur_n;
    qsort(v, k, sizeof *v, recur_cmp);
    fputs("<h2>Partners in several shortlists</h2>\n", f);
    if (!k) fputs("<p>No partner is suggested to more than one profile.</p>\n", f);
    else fputs("<table>\n<thead><tr><th>Partner</th><th>Chinese name</th><th class=n>Shortlists</th>"
               "<th>In (rank)</th></tr></thead>\n<tbody>\n", f);
    for (size_t j = 0; j < k; j++) {
        const cm_partner *p = &bo->ds->partners[v[j]];
        fputs("<tr><td>", f);
        cmx_html_text(f, p->name);
        fputs("</td><td class=zh lang=zh-Hans>", f);
        cmx_html_text(f, cmx_name_zh(p));
        fprintf(f, "</td><td class=n>%zu</td><td>%s</td></tr>\n", bo->recur_n[v[j]],
                cmx_buf_str(&bo->recur_links[v[j]]));
    }
    if (k) fputs("</tbody>\n</table>\n", f);
    free(v);
}

static bool newer(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* --resume: is `path` newer than the data and than every file profile `p` was read from?
 * Profile files are compared to the nanosecond where the file system keeps them; the data
 * to the second (ds->newest), strictly, so a tie always means "write again". */
static bool up_to_date(const cm_dataset *ds, const char *path, const cm_profile *p)
{
    struct stat so, sp;
    if (stat(path, &so) != 0 || !S_ISREG(so.st_mode)) return false;
    if (!(so.st_mtime > ds->newest)) return false;
    if (!p->file || stat(p->file, &sp) != 0 || !newer(&so.st_mtim, &sp.st_mtim)) return false;
    for (size_t k = 0; k < p->nmembers; k++) {
        const char *mf = p->members[k].file;
        if (!mf || !strcmp(mf, p->file)) continue;
        if (stat(mf, &sp) != 0 || !newer(&so.st_mtim, &sp.st_mtim)) return false;
    }
    return true;
}

int cm_batchout_write(cm_batchout *bo, const cm_shortlist *s, cm_diags *d)
{
    const char *ext = cm_format_ext[bo->fmt];
    char *name = unique_name(&bo->names, s->profile->id), *file = NULL, *path = NULL;
    int rc = -1;
    if (!name) { cm_ioerror(d, bo->dir, "out of memory"); goto out; }
    size_t len = strlen(name) + strlen(ext) + 2;
    if (!(file = malloc(len))) { cm_ioerror(d, bo->dir, "out of memory"); goto out; }
    snprintf(file, len, "%s.%s", name, ext);
    if (!(path = cm_path_join(bo->dir, file))) { cm_ioerror(d, bo->dir, "out of memory"); goto out; }
    if (bo->resume && up_to_date(s->ds, path, s->profile)) bo->nskipped++;
    else if (cm_export_file(s, 1, bo->fmt, &bo->eo, path, d) != 0) goto out;
    summary_rows(bo, name, s);
    index_row(bo, file, s);
    bo->nwritten++;
    rc = 0;
out:
    free(name);
    free(file);
    free(path);
    return rc;
}

void cm_batchout_failure(cm_batchout *bo, const char *file, unsigned line, unsigned col, const char *msg)
{
    FILE *f = bo->failures.fp;
    if (!f) return;
    cmx_csv_field(f, file);
    if (line) fprintf(f, ",%u", line); else fputc(',', f);
    if (col) fprintf(f, ",%u,", col); else fputs(",,", f);
    cmx_csv_field(f, msg);
    fputs("\r\n", f);
}

bool cm_batchout_error(const cm_batchout *bo)
{
    return (bo->summary.fp && ferror(bo->summary.fp)) || (bo->failures.fp && ferror(bo->failures.fp)) ||
           (bo->index.fp && ferror(bo->index.fp));
}

int cm_batchout_sync(cm_batchout *bo, cm_diags *d)
{
    return cm_defer_flush(&bo->defer, d);
}

int cm_batchout_close(cm_batchout *bo, size_t nranked, size_t nfailed, cm_diags *d)
{
    if (cm_batchout_sync(bo, d) != 0) return -1;
    int rc = 0;
    if (bo->index.fp) {
        FILE *f = bo->index.fp;
        fputs("</tbody>\n</table>\n", f);
        recurring(bo, f);
        fprintf(f, "<footer><p>%zu profile%s ranked", nranked, nranked == 1 ? "" : "s");
        if (nfailed)
            fprintf(f, "; %zu failed, listed in <a href=\"failures.csv\">failures.csv</a>", nfailed);
        char gen[16], vin[32];
        fprintf(f, ". Generated %s by clustermatch " CM_VERSION "; partner records dated %s.</p></footer>\n"
                "</body>\n</html>\n", cmx_generated(gen, sizeof gen), cmx_vintage_text(bo->ds, vin, sizeof vin));
        if (bo->index.tmp) rc |= cm_afile_commit(&bo->index, d);
    }
    if (bo->summary.tmp) rc |= cm_afile_commit(&bo->summary, d);
    if (rc == 0 && bo->failures.tmp) rc |= cm_afile_commit(&bo->failures, d);
    return rc ? -1 : 0;
}

void cm_batchout_abort(cm_batchout *bo)
{
    cm_defer_release(&bo->defer);
    cm_afile_abort(&bo->index);
    cm_afile_abort(&bo->summary);
    for (size_t i = 0; bo->recur_links && i < bo->npartners; i++)
        cmx_buf_release(&bo->recur_links[i]);
    free(bo->recur_links);
    free(bo->recur_n);
    bo->recur_links = NULL;
    bo->recur_n = NULL;
    cm_afile_abort(&bo->failures);
    cm_nameset_release(&bo->names);
    if (bo->locked) close(bo->lock_fd);
    bo->locked = false;
}
