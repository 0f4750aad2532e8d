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
 * docs/batch.md describes the output layout, --resume and the exit statuses. This file is
 * the command line only: the file walk is in files.c, the --out directory in
 * export_batch.c and the --capacity policy in rank_capacity.c.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "export_batch.h"
#include "files.h"
#include "rank_capacity.h"

#define BATCH_CHUNK 256              /* profiles per block computation: a chunk holds their
                                      * profiles and shortlists; the score buffers hold one
                                      * profile's scores (cm_rank_block) */
#define BATCH_CHUNK_MAX 65536
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

/* The rank options (-o FILE: every shortlist in one file, such as one workbook), then ours. */
#define MAX_OPTS 32
static void build_opts(cm_opt *v)
{
    size_t n = 0;
    for (const cm_opt *o = cli_rank_opts; o->name && n < MAX_OPTS - 4; o++) v[n++] = *o;
    for (const cm_opt *o = own_opts; o->name; o++) v[n++] = *o;
    v[n] = (cm_opt){ 0 };
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
    const char *file;            /* -o FILE: every shortlist in this one file, else NULL */
    cm_shortlist *all; size_t nall, capall;   /* -o FILE: the shortlists, held to the end */
    bool resume;
    size_t chunk;
    size_t capacity;             /* --capacity N, 0 = none */
    /* scratch for one block */
    const cm_profile **ptrs;
    cm_shortlist *lists;
    bool *ok;
    cm_batchout bo;              /* --out DIR: the files, streamed and committed at the end */
    size_t nstdout;              /* blocks written to stdout */
    /* counts */
    size_t nfiles, files_done;
    size_t nranked, nfailed;
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

/* Print the diagnostics of one file or block (errors with their source line) and add a
 * failures row per error; then forget them. */
static void report(batch *b, cm_diags *d)
{
    if (!d->n && !d->dropped) return;
    progress_clear(b);
    cli_report(d);
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].sev == CM_SEV_ERROR)
            cm_batchout_failure(&b->bo, d->v[i].file, d->v[i].line, d->v[i].col, d->v[i].msg);
    if (d->dropped)
        cm_batchout_failure(&b->bo, NULL, 0, 0, "further errors not recorded");
    if (d->nio) b->input_io = true;
    cm_diags_clear(d);
}

/* Stop the run: an output could not be written. */
static void fail_output(batch *b)
{
    b->fatal = true;
    cm_diags_move(&b->fatal_d, &b->d);
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
    if (b->file) {
        /* Held until every profile is ranked; the profiles stay loaded until then too
         * (no flush before the end, see cmd_batch). */
        for (size_t i = 0; i < n; i++) {
            if (!ok[i]) continue;
            if (b->nall == b->capall) {
                size_t cap = b->capall ? 2 * b->capall : 16;
                cm_shortlist *v = realloc(b->all, cap * sizeof *v);
                if (!v) {
                    cm_ioerror(&b->fatal_d, NULL, "out of memory");
                    b->fatal = true;
                    break;
                }
                b->all = v;
                b->capall = cap;
            }
            b->all[b->nall++] = lists[i];
            memset(&lists[i], 0, sizeof lists[i]);
        }
    } else if (!b->out) {
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
            if (cm_batchout_write(&b->bo, &lists[i], &b->d) != 0) fail_output(b);
            else b->nranked++;
        }
        /* A full disk shows in the streamed files too: stop early rather than at the end. */
        if (!b->fatal && cm_batchout_error(&b->bo)) {
            cm_ioerror(&b->d, b->out, "cannot write summary.csv, failures.csv or index.html");
            fail_output(b);
        }
        /* One sync per chunk publishes its files (cm_batchout_sync): --resume keeps them. */
        if (!b->fatal && cm_batchout_sync(&b->bo, &b->d) != 0) fail_output(b);
    }
    for (size_t i = 0; i < n; i++) cm_shortlist_release(&lists[i]);
}

/* -o FILE: write the held shortlists into the one file (atomically), then release them.
 * Called once, at the end, while their profiles are still loaded. */
static void write_file(batch *b)
{
    if (!b->file || b->fatal) return;
    if (cm_export_file(b->all, b->nall, b->fmt, &b->eo, b->file, &b->d) != 0) fail_output(b);
    else b->nranked += b->nall;
    for (size_t i = 0; i < b->nall; i++) cm_shortlist_release(&b->all[i]);
    free(b->all);
    b->all = NULL;
    b->nall = b->capall = 0;
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
    size_t n = set->n;
    cm_rank_opts pool;
    cm_capacity_pool_opts(b->ro, b->ds->npartners, &pool);
    cm_shortlist *lists = calloc(n ? n : 1, sizeof *lists);
    bool *ok = calloc(n ? n : 1, sizeof *ok);
    double before, after;
    if (!lists || !ok) goto oom;
    for (size_t off = 0; off < n; off += b->chunk)
        rank_into(b, set->v + off, n - off < b->chunk ? n - off : b->chunk, &pool, lists + off, ok + off);
    if (cm_capacity_trim(lists, ok, n, b->ro->top, b->capacity, b->ds->npartners, &before, &after) != 0)
        goto oom;
    if (!b->cli->quiet) {
        progress_clear(b);
        fprintf(stderr, "batch: capacity %zu: total score %.1f against %.1f without the limit "
                "(%.1f given up, %.2f%%)\n", b->capacity, after, before, before - after,
                before > 0 ? 100.0 * (before - after) / before : 0.0);
    }
    emit(b, lists, ok, n);
    write_file(b);
    goto out;
oom:
    cm_ioerror(&b->fatal_d, NULL, "out of memory assigning partners under --capacity");
    b->fatal = true;
    for (size_t i = 0; lists && i < n; i++) cm_shortlist_release(&lists[i]);
out:
    free(lists);
    free(ok);
    cm_profile_set_release(set);
    cm_profile_set_init(set);
}

/* Rank every profile of `set` in blocks of b->chunk, then empty it. */
static void flush_set(batch *b, cm_profile_set *set)
{
    for (size_t off = 0; off < set->n && !b->fatal; off += b->chunk)
        rank_block(b, set->v + off, set->n - off < b->chunk ? set->n - off : b->chunk);
    write_file(b);
    cm_profile_set_release(set);
    cm_profile_set_init(set);
}

/* ---- the output directory ------------------------------------------------------------- */

/* Point the signal handler at the temporary files of the open outputs, or at nothing. */
static void watch_tmp(const batch *b, bool on)
{
    g_tmp[0] = on ? b->bo.summary.tmp : NULL;
    g_tmp[1] = on ? b->bo.failures.tmp : NULL;
    g_tmp[2] = on ? b->bo.index.tmp : NULL;
}

static int open_outputs(batch *b, const batch_args *a)
{
    char *stamp = cm_batchout_stamp(b->ds, b->ro, b->fmt, a->r.explain, b->capacity);
    if (!stamp) return cm_ioerror(&b->d, b->out, "out of memory");
    int rc = cm_batchout_open(&b->bo, b->out, b->fmt, &b->eo, b->resume, stamp, &b->d);
    free(stamp);
    if (b->bo.resume_reset) {
        progress_clear(b);
        cm_say(stderr, "clustermatch batch: warning: '%s' was written with other options, "
               "data or version; --resume rewrites every file", b->out);
    }
    watch_tmp(b, rc == 0);
    return rc;
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
    size_t chunk = BATCH_CHUNK, capacity = 0;
    double x;
    if (a.chunk && cli_number_opt("batch", "--chunk", a.chunk, true, 1, BATCH_CHUNK_MAX, &x, NULL))
        return CM_EXIT_USAGE;
    if (a.chunk) chunk = (size_t)x;
    if (a.resume && !a.out) return cli_usage_error("batch", "--resume needs --out DIR");
    if (a.capacity) {
        if (cli_number_opt("batch", "--capacity", a.capacity, true, 1, 1000000, &x, NULL)) return CM_EXIT_USAGE;
        if (a.r.stability)
            return cli_usage_error("batch", "--capacity and --stability cannot be combined");
        capacity = (size_t)x;
    }
    if (a.out && !*a.out) return cli_usage_error("batch", "--out wants a directory");
    if (a.r.output && !strcmp(a.r.output, "-")) a.r.output = NULL;
    if (a.out && a.r.output)
        return cli_usage_error("batch", "--out DIR (a file per profile) or -o FILE (one file), not both");
    if (a.resume && a.r.output) return cli_usage_error("batch", "--resume works with --out DIR, not -o FILE");
    int fmt = a.out && !a.r.format ? CM_FMT_CSV
            : a.r.output ? cli_pick_format("batch", a.r.format, a.r.output, false)
                         : cli_pick_format("batch", a.r.format, NULL, !a.out && (a.r.explain || isatty(STDOUT_FILENO)));
    if (fmt < 0) return CM_EXIT_USAGE;
    bool zh;
    if (cli_pick_lang("batch", a.r.lang, fmt, &zh)) return CM_EXIT_USAGE;
    if (!a.out && !a.r.output && !cm_format_streams((cm_format)fmt))
        return cli_usage_error("batch", "%s cannot be written to standard output; use -o FILE or --out DIR",
                               cm_format_names[fmt]);

    batch b;
    cm_dataset ds;
    cm_model m = { 0 };
    cm_profile_set set;
    cm_diags walkd;
    cm_strvec files = { 0 };
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
    b.file = a.r.output;
    b.resume = a.resume;
    b.chunk = chunk;
    b.capacity = capacity;
    if (a.out || b.file) {
        memset(&b.eo, 0, sizeof b.eo);
        b.eo.explain = a.r.explain;
    } else {
        cli_export_opts(cli, a.r.explain, &b.eo);
    }

    if ((rc = cli_load_dataset(cli, &ds))) goto out;
    if ((rc = cli_rank_finish("batch", &a.r, &ds))) goto out;
    b.ds = &ds;
    b.ro = &a.r.ro;
    if (cm_profile_files(argv + first, (size_t)(argc - first), &files, &walkd) != 0) {
        cm_ioerror(&b.fatal_d, NULL, "out of memory listing the profile files");
        goto fatal;
    }
    if (files.n == 0 && walkd.nerrors == 0) {
        fputs("clustermatch batch: no profile files (*.yaml, *.yml) found\n", stderr);
        rc = CM_EXIT_INPUT;
        goto out;
    }
    b.nfiles = files.n;
    if (cli_model_init(&ds, &m, &b.fatal_d)) goto fatal;
    b.m = &m;
    b.ptrs = calloc(chunk, sizeof *b.ptrs);
    b.lists = calloc(chunk, sizeof *b.lists);
    b.ok = calloc(chunk, sizeof *b.ok);
    if (!b.ptrs || !b.lists || !b.ok) {
        cm_ioerror(&b.fatal_d, NULL, "out of memory");
        goto fatal;
    }
    if (a.out) {
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
        if (set.n >= chunk && !b.capacity && !b.file) flush_set(&b, &set);
        if (set.n == 0) b.files_done = fi + 1;
        progress(&b);
    }
    if (!b.fatal && b.capacity) rank_capacity(&b, &set);
    else if (!b.fatal) flush_set(&b, &set);
    b.files_done = files.n;
    if (b.fatal) goto fatal;
    watch_tmp(&b, false);
    if (a.out && cm_batchout_close(&b.bo, b.nranked, b.nfailed, &b.d) != 0) {
        fail_output(&b);
        goto fatal;
    }
    progress_clear(&b);
    if (!cli->quiet)
        cm_say(stderr, "batch: %zu profile%s ranked, %zu failed, %zu skipped (resume) in %.2f s; wrote %s",
                b.nranked, b.nranked == 1 ? "" : "s", b.nfailed, b.bo.nskipped, now() - b.t0,
                a.out ? a.out : b.file ? b.file : "standard output");
    if (b.nfailed == 0) rc = CM_EXIT_OK;
    else if (b.nranked > 0) rc = CM_EXIT_PARTIAL;
    else rc = b.input_io ? CM_EXIT_IO : CM_EXIT_INPUT;
    goto out;
fatal:
    progress_clear(&b);
    watch_tmp(&b, false);
    cm_batchout_abort(&b.bo);
    cli_report(&b.fatal_d);
    rc = cli_status(&b.fatal_d);
    if (rc == CM_EXIT_OK || b.fatal) rc = CM_EXIT_IO;
out:
    watch_tmp(&b, false);
    cm_batchout_abort(&b.bo);
    for (size_t i = 0; i < b.nall; i++) cm_shortlist_release(&b.all[i]);
    free(b.all);
    free(b.ptrs);
    free(b.lists);
    free(b.ok);
    cm_strvec_release(&files);
    cm_profile_set_release(&set);
    cm_model_release(&m);
    cm_dataset_release(&ds);
    cm_diags_release(&walkd);
    cm_diags_release(&b.d);
    cm_diags_release(&b.fatal_d);
    return rc;
}
