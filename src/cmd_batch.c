/* cmd_batch.c: `clustermatch batch [OPTIONS] PATH...`: rank many profiles in one run.
 *
 * The flow, chunk by chunk, so memory holds one chunk of profiles however many there are:
 *   1. collect the input files: operands that are not directories as given; directories
 *      walked recursively for *.yaml and *.yml, each operand's files sorted by path (byte
 *      order). Hidden entries, symbolic links to directories and directories named
 *      `members` (a partnership's member files) are not walked into;
 *   2. load files until a chunk of --chunk profiles (default BATCH_CHUNK) is full; a bad
 *      profile is reported with file:line:col and skipped, the others go on;
 *   3. rank the chunk with one cm_rank_block call and the options struct `rank` uses, so
 *      each shortlist is the one `clustermatch rank` gives for that profile alone;
 *   4. write the chunk's shortlists (one file per profile under --out, else standard
 *      output), stream their summary, failure and index rows into atomic files that stay
 *      open until the end, then free the chunk.
 * docs/batch.md describes the output layout, --resume and the exit statuses.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "assign.h"
#include "atomicio.h"
#include "cli.h"

#define BATCH_CHUNK 256              /* profiles per block computation */
#define BATCH_CHUNK_MAX 65536
#define WALK_MAX_DEPTH 64
#define NAME_MAX_BASE 200            /* bytes of a profile id kept in its file name */
#define STAMP_NAME ".clustermatch-batch"
#define PROGRESS_AFTER 1.0           /* seconds before the progress line appears */
#define PROGRESS_EVERY 0.25          /* seconds between refreshes */

static const char about[] =
    "Rank the Chinese partners for many profiles in one run. PATH is a profile file (one\n"
    "profile or a YAML stream of several) or a directory searched recursively for *.yaml and\n"
    "*.yml files; directories named 'members' (member files of partnerships) are skipped.\n"
    "Each shortlist is the one 'clustermatch rank' gives for that profile alone.\n\n"
    "With --out DIR: one shortlist file per profile (named after its id, default format csv),\n"
    "summary.csv, failures.csv and, for --format html, index.html. Without --out: all\n"
    "shortlists to standard output.\n\n"
    "Exit status: 0 all ranked, 4 some profiles failed, 1 all failed, 3 an output could not\n"
    "be written (see docs/batch.md).";

enum { O_OUT = 320, O_RESUME, O_CHUNK, O_CAPACITY };

static const cm_opt own_opts[] = {
    { "out", O_OUT, "DIR", "write one file per profile, summary.csv and failures.csv into DIR" },
    { "resume", O_RESUME, NULL, "with --out: keep shortlist files newer than their profile and the data" },
    { "chunk", O_CHUNK, "N", "profiles per block computation (default 256)" },
    { "capacity", O_CAPACITY, "N", "suggest any one partner to at most N profiles (optimal assignment)" },
    { 0 },
};

typedef struct batch_args {
    cm_rank_cli r;
    const char *out, *chunk, *capacity;
    bool resume;
} batch_args;

static int batch_opt(int val, const char *arg, void *ctx)
{
    batch_args *a = ctx;
    switch (val) {
    case O_OUT: a->out = arg; return 0;
    case O_RESUME: a->resume = true; return 0;
    case O_CHUNK: a->chunk = arg; return 0;
    case O_CAPACITY: a->capacity = arg; return 0;
    default: return cli_rank_opt(val, arg, &a->r);
    }
}

/* The rank options without -o/--output (batch writes to --out DIR or stdout), then ours. */
#define MAX_OPTS 32
static void build_opts(cm_opt *v)
{
    size_t n = 0;
    for (const cm_opt *o = cli_rank_opts; o->name && n < MAX_OPTS - 4; o++)
        if (strcmp(o->name, "output") != 0) v[n++] = *o;
    for (const cm_opt *o = own_opts; o->name; o++) v[n++] = *o;
    v[n] = (cm_opt){ 0 };
}

/* ---- input files ---------------------------------------------------------------------- */

typedef struct strvec { char **v; size_t n, cap; } strvec;

/* Append `s` (owned by the vector from now on; freed if the vector cannot grow). */
static int sv_push(strvec *sv, char *s)
{
    if (!s) return -1;
    if (sv->n == sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 64;
        char **v = realloc(sv->v, cap * sizeof *v);
        if (!v) { free(s); return -1; }
        sv->v = v;
        sv->cap = cap;
    }
    sv->v[sv->n++] = s;
    return 0;
}

static void sv_release(strvec *sv)
{
    for (size_t i = 0; i < sv->n; i++) free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "dir/name" without doubled slashes; NULL if out of memory. */
static char *path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/') dl--;
    if (dl == 1 && dir[0] == '/') dl = 0;
    size_t len = dl + strlen(name) + 2;
    char *p = malloc(len);
    if (p) snprintf(p, len, "%.*s/%s", (int)dl, dir, name);
    return p;
}

static bool is_yaml_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && dot != name && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"));
}

/* Append the profile files under `dir` to `out`. Unreadable directories are reported in
 * `d` (I/O errors) and the walk goes on. Returns -1 only when memory ran out. */
static int walk(const char *dir, strvec *out, cm_diags *d, unsigned depth)
{
    if (depth > WALK_MAX_DEPTH) {
        cm_ioerror(d, dir, "directories nested more than %d deep; not searched", WALK_MAX_DEPTH);
        return 0;
    }
    DIR *dp = opendir(dir);
    if (!dp) {
        cm_ioerror(d, dir, "cannot open directory: %s", strerror(errno));
        return 0;
    }
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(dp);
        if (!e) {
            if (errno) cm_ioerror(d, dir, "cannot read directory: %s", strerror(errno));
            break;
        }
        if (e->d_name[0] == '.') continue;          /* ".", ".." and hidden entries */
        char *path = path_join(dir, e->d_name);
        if (!path) { rc = -1; break; }
        struct stat st;
        if (lstat(path, &st) != 0) {
            cm_ioerror(d, path, "cannot stat: %s", strerror(errno));
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (strcmp(e->d_name, "members") != 0) rc = walk(path, out, d, depth + 1);
            free(path);
        } else if (is_yaml_name(e->d_name) &&
                   (S_ISREG(st.st_mode) ||
                    (S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISREG(st.st_mode)))) {
            rc = sv_push(out, path);
        } else {
            free(path);
        }
        if (rc) break;
    }
    closedir(dp);
    return rc;
}

/* The files to load, in order. Returns 0, or -1 when memory ran out. */
static int collect(char **paths, int n, strvec *files, cm_diags *d)
{
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t from = files->n;
            if (walk(paths[i], files, d, 0)) return -1;
            if (files->n > from)
                qsort(files->v + from, files->n - from, sizeof *files->v, cmp_str);
        } else if (sv_push(files, strdup(paths[i]))) {
            /* A missing or unreadable file is kept: loading it reports the problem. */
            return -1;
        }
    }
    return 0;
}

/* ---- output names ----------------------------------------------------------------------- */

/* The names taken so far, as 64-bit FNV-1a fingerprints in an open-addressing table: 16
 * bytes a name instead of a hash node and a copy, so a 100,000-profile batch stays small.
 * Two different names share a fingerprint with probability about n^2 / 2^65 (3e-8 for a
 * million names); the cost of that would be one needless "-2" suffix. */
typedef struct name_set { uint64_t *slot; size_t n, cap; } name_set;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;               /* 0 marks an empty slot */
}

/* 1 if `name` was free and is now taken, 0 if it was taken already, -1 out of memory. */
static int name_take(name_set *set, const char *name)
{
    if (2 * (set->n + 1) > set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 1024;
        uint64_t *v = calloc(cap, sizeof *v);
        if (!v) return -1;
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slot[i]) continue;
            size_t j = set->slot[i] & (cap - 1);
            while (v[j]) j = (j + 1) & (cap - 1);
            v[j] = set->slot[i];
        }
        free(set->slot);
        set->slot = v;
        set->cap = cap;
    }
    uint64_t h = fnv1a(name);
    size_t j = h & (set->cap - 1);
    for (; set->slot[j]; j = (j + 1) & (set->cap - 1))
        if (set->slot[j] == h) return 0;
    set->slot[j] = h;
    set->n++;
    return 1;
}

static void names_release(name_set *set)
{
    free(set->slot);
    memset(set, 0, sizeof *set);
}

/* The file name (without extension) for a profile with id `id`: the id made safe for a file
 * name, then -2, -3, ... if an earlier profile of the run has it. Caller frees. */
static char *unique_name(name_set *set, const char *id)
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
        int t = name_take(set, buf);
        if (t < 0) return NULL;
        if (t > 0) return strdup(buf);
        snprintf(buf, sizeof buf, "%s-%lu", base, k);
    }
}

/* ---- small writers ---------------------------------------------------------------------- */

/* RFC 4180, as src/export.c writes it: quote a field holding a comma, a double quote, CR or
 * LF, and double the quotes. */
static void csv_field(FILE *f, const char *s)
{
    s = s ? s : "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void html_text(FILE *f, const char *s)
{
    for (s = s ? s : ""; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
        }
    }
}

static const char *label_of(const cm_profile *p)
{
    return p->name && *p->name ? p->name : p->id ? p->id : "";
}

/* ---- the run ------------------------------------------------------------------------- */

typedef struct batch {
    const cm_cli *cli;
    const cm_rank_opts *ro;
    const cm_dataset *ds;
    const cm_model *m;
    cm_format fmt;
    cm_export_opts eo;
    const char *out;             /* --out DIR, or NULL for standard output */
    bool resume;
    size_t chunk;
    size_t capacity;             /* --capacity N, 0 = none */
    /* scratch for one block */
    const cm_profile **ptrs;
    cm_shortlist *lists;
    bool *ok;
    /* outputs under --out, streamed and committed at the end */
    cm_afile summary, failures, index;
    name_set names;
    size_t nstdout;              /* blocks written to stdout */
    /* counts */
    size_t nfiles, files_done;
    size_t nranked, nfailed, nskipped;
    bool input_io;               /* an input could not be read (not just invalid) */
    bool fatal;                  /* an output could not be written: stop */
    cm_diags d;                  /* diagnostics of the current file or block */
    cm_diags fatal_d;            /* why the run stopped */
    /* progress */
    double t0, shown;
    bool progress, progress_on;
} batch;

/* Temporary files of the open summary, failures and index files: a signal removes them
 * (the per-profile file being written, if any, is removed by the next run into DIR). */
static const char *volatile g_tmp[3];

static void on_signal(int sig)
{
    for (int i = 0; i < 3; i++)
        if (g_tmp[i]) unlink(g_tmp[i]);
    raise(sig);                  /* SA_RESETHAND: the default action, once unblocked */
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = (int)SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        /* A signal ignored at start (nohup, a background job's SIGINT) stays ignored. */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_clear(batch *b)
{
    if (!b->progress_on) return;
    fputs("\r\033[K", stderr);
    b->progress_on = false;
}

/* "done/total files, rate/s, ETA" on stderr, refreshed in place; only on a terminal, after
 * the run has taken PROGRESS_AFTER seconds. */
static void progress(batch *b)
{
    if (!b->progress) return;
    double t = now(), el = t - b->t0;
    if (el < PROGRESS_AFTER || t - b->shown < PROGRESS_EVERY) return;
    b->shown = t;
    double rate = (double)b->files_done / el;
    char eta[32] = "?";
    if (rate > 0) {
        unsigned long s = (unsigned long)((double)(b->nfiles - b->files_done) / rate + 0.5);
        if (s >= 3600) snprintf(eta, sizeof eta, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
        else snprintf(eta, sizeof eta, "%lu:%02lu", s / 60, s % 60);
    }
    fprintf(stderr, "\rbatch: %zu/%zu files, %.1f files/s, ETA %s\033[K", b->files_done, b->nfiles,
            rate, eta);
    fflush(stderr);
    b->progress_on = true;
}

static void failure_row(batch *b, const char *file, unsigned line, unsigned col, const char *msg)
{
    FILE *f = b->failures.fp;
    if (!f) return;
    csv_field(f, file);
    if (line) fprintf(f, ",%u", line); else fputc(',', f);
    if (col) fprintf(f, ",%u,", col); else fputs(",,", f);
    csv_field(f, msg);
    fputs("\r\n", f);
}

/* Print the diagnostics of one file or block (errors with their source line) and add a
 * failures row per error; then forget them. */
static void report(batch *b, cm_diags *d)
{
    if (!d->n && !d->dropped) return;
    progress_clear(b);
    cli_report(d);
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].sev == CM_SEV_ERROR)
            failure_row(b, d->v[i].file, d->v[i].line, d->v[i].col, d->v[i].msg);
    if (d->dropped)
        failure_row(b, NULL, 0, 0, "further errors not recorded");
    if (d->nio) b->input_io = true;
    cm_diags_clear(d);
}

/* Stop the run: an output could not be written. */
static void fail_output(batch *b)
{
    b->fatal = true;
    cm_diags_move(&b->fatal_d, &b->d);
}

static void summary_rows(batch *b, const char *name, const cm_shortlist *s)
{
    FILE *f = b->summary.fp;
    char num[64];
    for (size_t r = 0; r < s->n; r++) {
        const cm_hit *h = &s->hits[r];
        const cm_partner *pa = &b->ds->partners[h->partner];
        csv_field(f, name);
        fputc(',', f);
        csv_field(f, s->profile->name);
        fprintf(f, ",%zu,", r + 1);
        csv_field(f, pa->id);
        fputc(',', f);
        csv_field(f, pa->name);
        snprintf(num, sizeof num, "%.2f", h->score);
        fprintf(f, ",%s", num);
        for (int c = 0; c < CM_NCOMP; c++) {
            snprintf(num, sizeof num, "%.4f", h->comp[c]);
            fprintf(f, ",%s", num);
        }
        fputs("\r\n", f);
    }
}

static void index_row(batch *b, const char *file, const cm_shortlist *s)
{
    FILE *f = b->index.fp;
    if (!f) return;
    fprintf(f, "<tr><td class=n>%zu</td><td><a href=\"", b->nranked + 1);
    html_text(f, file);
    fputs("\">", f);
    html_text(f, label_of(s->profile));
    fputs("</a></td><td>", f);
    html_text(f, s->profile->id);
    fprintf(f, "</td><td class=n>%zu</td><td>", s->n);
    if (s->n) {
        html_text(f, b->ds->partners[s->hits[0].partner].name);
        fprintf(f, "</td><td class=n>%.1f</td></tr>\n", s->hits[0].score);
    } else {
        fputs("</td><td></td></tr>\n", f);
    }
}

static bool newer(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* --resume: is `path` newer than the data and than every file profile `p` was read from?
 * Profile files are compared to the nanosecond where the file system keeps them; the data
 * to the second (ds->newest), strictly, so a tie always means "write again". */
static bool up_to_date(const batch *b, const char *path, const cm_profile *p)
{
    struct stat so, sp;
    if (stat(path, &so) != 0 || !S_ISREG(so.st_mode)) return false;
    if (!(so.st_mtime > b->ds->newest)) return false;
    if (!p->file || stat(p->file, &sp) != 0 || !newer(&so.st_mtim, &sp.st_mtim)) return false;
    for (size_t k = 0; k < p->nmembers; k++) {
        const char *mf = p->members[k].file;
        if (!mf || !strcmp(mf, p->file)) continue;
        if (stat(mf, &sp) != 0 || !newer(&so.st_mtim, &sp.st_mtim)) return false;
    }
    return true;
}

/* Write one ranked profile under --out. Returns 0 or -1 (output error in b->d). */
static int write_one(batch *b, const cm_shortlist *s)
{
    const char *ext = cm_format_ext[b->fmt];
    char *name = unique_name(&b->names, s->profile->id), *file = NULL, *path = NULL;
    int rc = -1;
    if (!name) { cm_ioerror(&b->d, b->out, "out of memory"); goto out; }
    size_t len = strlen(name) + strlen(ext) + 2;
    if (!(file = malloc(len))) { cm_ioerror(&b->d, b->out, "out of memory"); goto out; }
    snprintf(file, len, "%s.%s", name, ext);
    if (!(path = path_join(b->out, file))) { cm_ioerror(&b->d, b->out, "out of memory"); goto out; }
    if (b->resume && up_to_date(b, path, s->profile)) b->nskipped++;
    else if (cm_export_file(s, 1, b->fmt, &b->eo, path, &b->d) != 0) goto out;
    summary_rows(b, name, s);
    index_row(b, file, s);
    rc = 0;
out:
    free(name);
    free(file);
    free(path);
    return rc;
}

/* Rank `n` profiles (n <= chunk) in one block into lists[], marking failures in ok[]. */
static void rank_into(batch *b, const cm_profile *ps, size_t n, const cm_rank_opts *ro,
                      cm_shortlist *lists, bool *ok)
{
    for (size_t i = 0; i < n; i++) {
        b->ptrs[i] = &ps[i];
        ok[i] = true;
    }
    if (cm_rank_block(b->m, b->ptrs, n, ro, lists, &b->d) != 0) {
        /* Something in the block failed (a GSL error, a profile whose every weight is
         * zero): rank each profile alone, so only those that fail are lost. A block of one
         * gives the same ranking as any block. */
        for (size_t i = 0; i < n; i++) cm_shortlist_release(&lists[i]);
        cm_diags_clear(&b->d);
        for (size_t i = 0; i < n; i++)
            if (cm_rank_block(b->m, &b->ptrs[i], 1, ro, &lists[i], &b->d) != 0) {
                ok[i] = false;
                b->nfailed++;
            }
        report(b, &b->d);
    }
}

/* Write the ranked lists[] (those with ok[i]) to stdout or --out, then release them all. */
static void emit(batch *b, cm_shortlist *lists, bool *ok, size_t n)
{
    if (!b->out) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (ok[i]) {
                cm_shortlist t = lists[k];
                lists[k++] = lists[i];
                lists[i] = t;
            }
        if (k) {
            /* The table and md writers put a blank line between shortlists: do the same
             * between blocks, so the output does not depend on the chunk size. */
            if (b->nstdout++ && (b->fmt == CM_FMT_TABLE || b->fmt == CM_FMT_MD)) fputc('\n', stdout);
            b->eo.continuation = b->nstdout > 1;   /* one tsv/csv header for the whole run */
            if (cm_export_stream(lists, k, b->fmt, &b->eo, stdout, "<stdout>", &b->d) != 0)
                fail_output(b);
            else
                b->nranked += k;
        }
    } else {
        for (size_t i = 0; i < n && !b->fatal; i++) {
            if (!ok[i]) continue;
            if (write_one(b, &lists[i]) != 0) fail_output(b);
            else b->nranked++;
        }
        /* A full disk shows in the streamed files too: stop early rather than at the end. */
        if (!b->fatal && (ferror(b->summary.fp) || ferror(b->failures.fp) ||
                          (b->index.fp && ferror(b->index.fp)))) {
            cm_ioerror(&b->d, b->out, "cannot write summary.csv, failures.csv or index.html");
            fail_output(b);
        }
    }
    for (size_t i = 0; i < n; i++) cm_shortlist_release(&lists[i]);
}

/* Rank `n` profiles (n <= chunk) in one block and write their outputs. */
static void rank_block(batch *b, const cm_profile *ps, size_t n)
{
    rank_into(b, ps, n, b->ro, b->lists, b->ok);
    emit(b, b->lists, b->ok, n);
}

/* --capacity N: rank every profile by score for a candidate pool of 4k+20, choose which
 * profiles keep which partners by an exact assignment (assign.h) that maximises the total
 * score with each partner in at most N shortlists, then write the trimmed shortlists. All
 * shortlists are held at once: the constraint couples every profile. */
static void rank_capacity(batch *b, cm_profile_set *set)
{
    size_t n = set->n, k = b->ro->top, np = b->ds->npartners;
    cm_rank_opts pool = *b->ro;
    pool.top = k * 4 + 20 < np ? k * 4 + 20 : np;
    /* The assignment maximises total score, so each profile's candidates come in score
     * order: the diversity re-ranking does not apply under --capacity. */
    pool.diversity = 0;
    cm_shortlist *lists = calloc(n ? n : 1, sizeof *lists);
    bool *ok = calloc(n ? n : 1, sizeof *ok);
    cm_assign_pair *pairs = NULL;
    unsigned char *chosen = NULL;
    if (!lists || !ok) goto oom;
    for (size_t off = 0; off < n; off += b->chunk)
        rank_into(b, set->v + off, n - off < b->chunk ? n - off : b->chunk, &pool, lists + off, ok + off);
    size_t npairs = 0;
    for (size_t i = 0; i < n; i++) npairs += ok[i] ? lists[i].n : 0;
    pairs = malloc((npairs ? npairs : 1) * sizeof *pairs);
    chosen = malloc(npairs ? npairs : 1);
    if (!pairs || !chosen) goto oom;
    double before = 0, after = 0;
    size_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ok[i]) continue;
        for (size_t h = 0; h < lists[i].n; h++) {
            /* Scores are positive so that keeping a pair always adds; a zero score still
             * counts a little, so a shortlist is filled when it can be. Between equal scores
             * the higher-ranked hit wins (a bonus far below any printed difference), so a
             * limit that never binds changes nothing. */
            pairs[x++] = (cm_assign_pair){ i, lists[i].hits[h].partner,
                                           lists[i].hits[h].score + 1e-6 + 1e-10 * (double)(lists[i].n - h) };
            if (h < k) before += lists[i].hits[h].score;
        }
    }
    if (cm_assign(pairs, npairs, n, np, k, b->capacity, chosen) != 0) goto oom;
    /* Keep the chosen hits in their ranked order, at most k of them. */
    x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ok[i]) continue;
        cm_shortlist *s = &lists[i];
        size_t kept = 0;
        for (size_t h = 0; h < s->n; h++, x++) {
            if (chosen[x] && kept < k) {
                after += s->hits[h].score;
                s->hits[kept++] = s->hits[h];
            } else {
                free(s->hits[h].member_score);
            }
        }
        s->n = kept;
    }
    if (!b->cli->quiet) {
        progress_clear(b);
        fprintf(stderr, "batch: capacity %zu: total score %.1f against %.1f without the limit "
                "(%.1f given up, %.2f%%)\n", b->capacity, after, before, before - after,
                before > 0 ? 100.0 * (before - after) / before : 0.0);
    }
    emit(b, lists, ok, n);
    goto out;
oom:
    cm_ioerror(&b->fatal_d, NULL, "out of memory assigning partners under --capacity");
    b->fatal = true;
    for (size_t i = 0; lists && i < n; i++) cm_shortlist_release(&lists[i]);
out:
    free(lists);
    free(ok);
    free(pairs);
    free(chosen);
    cm_profile_set_release(set);
    cm_profile_set_init(set);
}

/* Rank every profile of `set` in blocks of b->chunk, then empty it. */
static void flush_set(batch *b, cm_profile_set *set)
{
    for (size_t off = 0; off < set->n && !b->fatal; off += b->chunk)
        rank_block(b, set->v + off, set->n - off < b->chunk ? set->n - off : b->chunk);
    cm_profile_set_release(set);
    cm_profile_set_init(set);
}

/* ---- the output directory --------------------------------------------------------------- */

/* What the files in --out depend on besides the profiles and the data files: --resume keeps
 * files only when this is unchanged. */
static char *stamp_text(const batch *b, const batch_args *a)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    const cm_rank_opts *o = b->ro;
    const cm_taxonomy *t = &b->ds->tax;
    fprintf(f, "clustermatch %s batch\n", CM_VERSION);
    fprintf(f, "data %s\n", b->ds->dir ? b->ds->dir : "");
    fprintf(f, "format %s\nexplain %d\ntop %zu\nkinds %u\n", cm_format_names[b->fmt],
            (int)a->r.explain, o->top, o->kinds);
    fprintf(f, "region %s\n", o->region != CM_NONE ? t->regions[o->region].id : "-");
    fprintf(f, "sector %s\n", o->sector != CM_NONE ? t->sectors[o->sector].id : "-");
    fprintf(f, "capacity %zu\n", b->capacity);
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
        char *path = path_join(dir, e->d_name);
        if (path) unlink(path);
        free(path);
    }
    closedir(dp);
}

static int open_afile(batch *b, cm_afile *f, const char *name, int slot)
{
    char *path = path_join(b->out, name);
    if (!path) return cm_ioerror(&b->d, b->out, "out of memory");
    int rc = cm_afile_open(f, path, &b->d);
    free(path);
    if (rc == 0) g_tmp[slot] = f->tmp;
    return rc;
}

static int commit_afile(batch *b, cm_afile *f, int slot)
{
    g_tmp[slot] = NULL;
    if (!f->tmp) return 0;
    return cm_afile_commit(f, &b->d);
}

/* Create DIR, check it, write the stamp and open summary, failures and index. */
static int open_outputs(batch *b, const batch_args *a)
{
    struct stat st;
    if (mkdir(b->out, 0777) != 0 && errno != EEXIST)
        return cm_ioerror(&b->d, b->out, "cannot create output directory: %s", strerror(errno));
    if (stat(b->out, &st) != 0 || !S_ISDIR(st.st_mode))
        return cm_ioerror(&b->d, b->out, "output path exists and is not a directory");
    if (access(b->out, W_OK | X_OK) != 0)
        return cm_ioerror(&b->d, b->out, "cannot write to output directory: %s", strerror(errno));
    remove_stale_tmp(b->out);

    char *want = stamp_text(b, a), *have = NULL, *spath = path_join(b->out, STAMP_NAME);
    size_t len;
    int rc = -1;
    if (!want || !spath) { cm_ioerror(&b->d, b->out, "out of memory"); goto out; }
    cm_diags scratch;
    cm_diags_init(&scratch);
    if (cm_read_file(spath, 1 << 16, &have, &len, &scratch) != 0) have = NULL;
    cm_diags_release(&scratch);
    if (b->resume && (!have || strcmp(have, want) != 0)) {
        if (have) {
            progress_clear(b);
            fprintf(stderr, "clustermatch batch: warning: '%s' was written with other options, "
                    "data or version; --resume rewrites every file\n", b->out);
        }
        b->resume = false;
    }
    if (!have || strcmp(have, want) != 0) {
        cm_afile sf;
        if (cm_afile_open(&sf, spath, &b->d) != 0) goto out;
        fputs(want, sf.fp);
        if (cm_afile_commit(&sf, &b->d) != 0) goto out;
    }
    /* failures.csv appears last, when the run has finished: remove the previous one. */
    char *fpath = path_join(b->out, "failures.csv");
    if (fpath && unlink(fpath) != 0 && errno != ENOENT) {
        cm_ioerror(&b->d, fpath, "cannot remove: %s", strerror(errno));
        free(fpath);
        goto out;
    }
    free(fpath);
    if (open_afile(b, &b->summary, "summary.csv", 0) || open_afile(b, &b->failures, "failures.csv", 1))
        goto out;
    if (b->fmt == CM_FMT_HTML && open_afile(b, &b->index, "index.html", 2)) goto out;
    fputs("profile_id,profile_name,rank,partner_id,partner_name,score,sector,region,policy,goal,keyword\r\n",
          b->summary.fp);
    fputs("file,line,col,message\r\n", b->failures.fp);
    if (b->index.fp)
        fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<title>clustermatch: shortlists</title>\n<style>\n"
              "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}\n"
              "table{border-collapse:collapse;width:100%}\n"
              "th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #ddd;vertical-align:top}\n"
              "th{background:#f4f4f4}\n.n{text-align:right;font-variant-numeric:tabular-nums}\n"
              "footer{margin-top:1.5em;color:#666;font-size:.9em}\n"
              "</style>\n</head>\n<body>\n<h1>Shortlists</h1>\n"
              "<table>\n<thead><tr><th class=n>#</th><th>profile</th><th>id</th>"
              "<th class=n>suggestions</th><th>best match</th><th class=n>score</th></tr></thead>\n"
              "<tbody>\n", b->index.fp);
    rc = 0;
out:
    free(want);
    free(have);
    free(spath);
    return rc;
}

static int close_outputs(batch *b)
{
    int rc = 0;
    if (b->index.fp) {
        FILE *f = b->index.fp;
        fprintf(f, "</tbody>\n</table>\n<footer><p>%zu profile%s ranked", b->nranked,
                b->nranked == 1 ? "" : "s");
        if (b->nfailed)
            fprintf(f, "; %zu failed, listed in <a href=\"failures.csv\">failures.csv</a>", b->nfailed);
        fputs(". Written by clustermatch " CM_VERSION ".</p></footer>\n</body>\n</html>\n", f);
        rc |= commit_afile(b, &b->index, 2);
    }
    rc |= commit_afile(b, &b->summary, 0);
    if (rc == 0) rc |= commit_afile(b, &b->failures, 1);
    return rc ? -1 : 0;
}

static void abort_outputs(batch *b)
{
    for (int i = 0; i < 3; i++) g_tmp[i] = NULL;
    cm_afile_abort(&b->index);
    cm_afile_abort(&b->summary);
    cm_afile_abort(&b->failures);
}

/* ---- the command -------------------------------------------------------------------------- */

int cmd_batch(int argc, char **argv, cm_cli *cli)
{
    cm_opt opts[MAX_OPTS];
    batch_args a = { 0 };
    build_opts(opts);
    int first = cli_parse(argc, argv, "batch", "[OPTIONS] PATH...", about, opts, batch_opt, &a);
    if (first == -2) return CM_EXIT_OK;
    if (first < 0) return CM_EXIT_USAGE;
    if (first >= argc) return cli_usage_error("batch", "missing profile files or directories");
    size_t chunk = BATCH_CHUNK;
    if (a.chunk) {
        char *end;
        errno = 0;
        long n = strtol(a.chunk, &end, 10);
        if (end == a.chunk || *end || errno || n < 1 || n > BATCH_CHUNK_MAX)
            return cli_usage_error("batch", "--chunk wants a whole number from 1 to %d, not '%s'",
                                   BATCH_CHUNK_MAX, a.chunk);
        chunk = (size_t)n;
    }
    if (a.resume && !a.out) return cli_usage_error("batch", "--resume needs --out DIR");
    size_t capacity = 0;
    if (a.capacity) {
        char *end;
        errno = 0;
        long n = strtol(a.capacity, &end, 10);
        if (end == a.capacity || *end || errno || n < 1 || n > 1000000)
            return cli_usage_error("batch", "--capacity wants a whole number from 1 to 1000000, not '%s'", a.capacity);
        if (a.r.stability)
            return cli_usage_error("batch", "--capacity and --stability cannot be combined");
        capacity = (size_t)n;
    }
    if (a.out && !*a.out) return cli_usage_error("batch", "--out wants a directory");
    int fmt = a.out && !a.r.format ? CM_FMT_CSV
                                   : cli_pick_format("batch", a.r.format, NULL, !a.out && isatty(STDOUT_FILENO));
    if (fmt < 0) return CM_EXIT_USAGE;
    if (!a.out && !cm_format_streams((cm_format)fmt))
        return cli_usage_error("batch", "%s cannot be written to standard output; use --out DIR",
                               cm_format_names[fmt]);

    batch b;
    cm_dataset ds;
    cm_model m = { 0 };
    cm_profile_set set;
    cm_diags walkd;
    strvec files = { 0 };
    int rc;
    memset(&b, 0, sizeof b);
    cm_dataset_init(&ds);
    cm_profile_set_init(&set);
    cm_diags_init(&walkd);
    cm_diags_init(&b.d);
    cm_diags_init(&b.fatal_d);
    b.cli = cli;
    b.t0 = now();
    b.progress = !cli->quiet && isatty(STDERR_FILENO);
    b.fmt = (cm_format)fmt;
    b.out = a.out;
    b.resume = a.resume;
    b.chunk = chunk;
    b.capacity = capacity;
    if (a.out) {
        memset(&b.eo, 0, sizeof b.eo);
        b.eo.explain = a.r.explain;
    } else {
        cli_export_opts(cli, a.r.explain, &b.eo);
    }

    if ((rc = cli_load_dataset(cli, &ds))) goto out;
    if ((rc = cli_rank_finish("batch", &a.r, &ds))) goto out;
    b.ds = &ds;
    b.ro = &a.r.ro;
    if (collect(argv + first, argc - first, &files, &walkd) != 0) {
        cm_ioerror(&b.fatal_d, NULL, "out of memory listing the profile files");
        goto fatal;
    }
    if (files.n == 0 && walkd.nerrors == 0) {
        fputs("clustermatch batch: no profile files (*.yaml, *.yml) found\n", stderr);
        rc = CM_EXIT_INPUT;
        goto out;
    }
    b.nfiles = files.n;
    if (cm_model_init(&m, &ds, &b.fatal_d)) goto fatal;
    b.m = &m;
    b.ptrs = calloc(chunk, sizeof *b.ptrs);
    b.lists = calloc(chunk, sizeof *b.lists);
    b.ok = calloc(chunk, sizeof *b.ok);
    if (!b.ptrs || !b.lists || !b.ok) {
        cm_ioerror(&b.fatal_d, NULL, "out of memory");
        goto fatal;
    }
    if (a.out) {
        /* Profiles named like the run's own files get -2: "summary" stays summary.csv's. */
        static const char *const reserved[] = { "summary", "failures", "index" };
        for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
            if (name_take(&b.names, reserved[i]) < 0) {
                cm_ioerror(&b.fatal_d, NULL, "out of memory");
                goto fatal;
            }
        catch_signals();
        if (open_outputs(&b, &a) != 0) {
            fail_output(&b);
            goto fatal;
        }
    }
    b.nfailed += walkd.nerrors;
    report(&b, &walkd);

    for (size_t fi = 0; fi < files.n && !b.fatal; fi++) {
        int bad = cm_profile_load(&set, files.v[fi], &ds, &b.d);
        b.nfailed += bad < 0 ? 1 : (size_t)bad;
        report(&b, &b.d);
        if (set.n >= chunk && !b.capacity) flush_set(&b, &set);
        if (set.n == 0) b.files_done = fi + 1;
        progress(&b);
    }
    if (!b.fatal && b.capacity) rank_capacity(&b, &set);
    else if (!b.fatal) flush_set(&b, &set);
    b.files_done = files.n;
    if (b.fatal) goto fatal;
    if (a.out && close_outputs(&b) != 0) {
        fail_output(&b);
        goto fatal;
    }
    progress_clear(&b);
    if (!cli->quiet)
        fprintf(stderr, "batch: %zu profile%s ranked, %zu failed, %zu skipped (resume) in %.2f s; wrote %s\n",
                b.nranked, b.nranked == 1 ? "" : "s", b.nfailed, b.nskipped, now() - b.t0,
                a.out ? a.out : "standard output");
    if (b.nfailed == 0) rc = CM_EXIT_OK;
    else if (b.nranked > 0) rc = CM_EXIT_PARTIAL;
    else rc = b.input_io ? CM_EXIT_IO : CM_EXIT_INPUT;
    goto out;
fatal:
    progress_clear(&b);
    abort_outputs(&b);
    cli_report(&b.fatal_d);
    rc = cli_status(&b.fatal_d);
    if (rc == CM_EXIT_OK || b.fatal) rc = CM_EXIT_IO;
out:
    abort_outputs(&b);
    names_release(&b.names);
    free(b.ptrs);
    free(b.lists);
    free(b.ok);
    sv_release(&files);
    cm_profile_set_release(&set);
    cm_model_release(&m);
    cm_dataset_release(&ds);
    cm_diags_release(&walkd);
    cm_diags_release(&b.d);
    cm_diags_release(&b.fatal_d);
    return rc;
}
