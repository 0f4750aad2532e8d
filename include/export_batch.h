/* export_batch.h: the output directory of `clustermatch batch --out DIR`.
 *
 * DIR holds one shortlist file per profile (named after the profile's id made safe for a
 * file name, with -2, -3, ... when an earlier profile of the run took the name; the run's
 * own names summary, failures and index are taken first), and, written atomically at the
 * end of the run, summary.csv (one row per suggestion), failures.csv (one row per error,
 * written last so its presence means the run finished) and, for html, index.html linking
 * every page. A stamp file (.clustermatch-batch) records what the files depend on besides
 * the profiles and the data, so --resume keeps files only when it is unchanged.
 * docs/batch.md describes the layout. Nothing here prints: errors go to `d`.
 */
#ifndef CM_EXPORT_BATCH_H
#define CM_EXPORT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include "atomicio.h"
#include "export.h"
#include "files.h"

typedef struct cm_batchout {
    const char *dir;
    cm_format fmt;
    cm_export_opts eo;
    bool resume;                 /* keep up-to-date files (--resume, and the stamp unchanged) */
    bool resume_reset;           /* --resume was asked for but DIR was written with other
                                  * options, data or version: every file is written again */
    cm_afile summary, failures, index;   /* index.fp is NULL unless html */
    cm_nameset names;
    cm_defer defer;              /* shortlist files written since the last cm_batchout_sync */
    size_t nwritten;             /* shortlists written or kept */
    size_t nskipped;             /* of which kept by --resume */
    int lock_fd;                 /* DIR/.clustermatch-lock, flock()ed while `locked` */
    bool locked;
    /* html: for the index's view across profiles, per partner index: in how many
     * shortlists it is, and links to them */
    size_t *recur_n;
    struct cmx_buf *recur_links;
    size_t npartners;
    const cm_dataset *ds;
} cm_batchout;

/* What the files in DIR depend on besides the profiles and the data files (the stamp).
 * Caller frees; NULL when out of memory. */
char *cm_batchout_stamp(const cm_dataset *ds, const cm_rank_opts *o, cm_format fmt, bool explain,
                        size_t capacity);

/* Create DIR if needed, check it, lock it (a second batch into the same DIR while one runs
 * is refused: their files would mix, and --resume would trust them), remove temporary
 * files left by a killed run, write the
 * stamp, remove an old failures.csv and open summary.csv, failures.csv (and index.html)
 * with their headers. `eo` is copied. Returns 0 or -1 (error in `d`; cm_batchout_abort
 * then cleans up). */
int cm_batchout_open(cm_batchout *bo, const char *dir, cm_format fmt, const cm_export_opts *eo,
                     bool resume, const char *stamp, cm_diags *d);
/* Write one shortlist's file to a temporary name, published by the next cm_batchout_sync
 * (or keep it under --resume when it is newer than
 * the profile's files and the data) and add its summary and index rows. Returns 0 or -1. */
int cm_batchout_write(cm_batchout *bo, const cm_shortlist *s, cm_diags *d);
/* Make the shortlist files written since the last call durable with one sync, then give
 * them their names (cm_defer_flush): called once per chunk, and by cm_batchout_close. A
 * file is never visible under its name, and so never kept by --resume, before its data is
 * on disk. Returns 0 or -1 (error in `d`). */
int cm_batchout_sync(cm_batchout *bo, cm_diags *d);
/* One failures.csv row; `line`/`col` 0 leave the field empty, `file` may be NULL. */
void cm_batchout_failure(cm_batchout *bo, const char *file, unsigned line, unsigned col, const char *msg);
/* Whether a streamed file (summary, failures, index) has hit a write error. */
bool cm_batchout_error(const cm_batchout *bo);
/* Sync the last shortlist files, finish index.html (with the counts) and commit the
 * files, failures.csv last. Returns 0
 * or -1 (error in `d`). */
int cm_batchout_close(cm_batchout *bo, size_t nranked, size_t nfailed, cm_diags *d);
/* Drop whatever is not committed and free everything (also after close; idempotent). */
void cm_batchout_abort(cm_batchout *bo);

#endif
