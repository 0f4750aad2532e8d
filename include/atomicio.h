/* atomicio.h: output files that are complete or absent.
 *
 * A file is written to a temporary name in the same directory (so rename(2) stays on one
 * file system), flushed and fsync'ed, then renamed over the target (or, for many files,
 * synced together: cm_defer below). A process killed at any
 * moment leaves the old file or the new one, never half of one; a failed write leaves the
 * target untouched and removes the temporary file.
 */
#ifndef CM_ATOMICIO_H
#define CM_ATOMICIO_H

#include <stdio.h>
#include "diag.h"

typedef struct cm_afile {
    FILE *fp;
    char *path;      /* the target */
    char *tmp;       /* the temporary file */
} cm_afile;

/* Open a temporary file next to `path`. Returns 0, or -1 with an I/O error in `d`. */
int cm_afile_open(cm_afile *f, const char *path, cm_diags *d);
/* Flush, fsync and rename into place. Returns 0, or -1 (temporary removed, error in `d`). */
int cm_afile_commit(cm_afile *f, cm_diags *d);
/* Give up: close and remove the temporary. No-op on a file already committed or aborted. */
void cm_afile_abort(cm_afile *f);

/* A fresh temporary name next to `path` (for writers that need a path, such as
 * libxlsxwriter), and the rename that publishes it. */
char *cm_atomic_tmpname(const char *path);
int cm_atomic_publish(const char *tmp, const char *path, cm_diags *d);

/* Deferred publication, for many files at the cost of one sync (batch --out, issue #14).
 * cm_afile_commit_deferred flushes and closes the temporary WITHOUT fsync and queues it;
 * cm_defer_flush then makes the data of every queued temporary durable with one syncfs(2)
 * per file system (directory), only then renames each into place, and fsyncs each
 * directory once. A name therefore never points at data that a crash could lose: after a
 * crash or power loss each target is the old file, the complete new one, or absent, and a
 * queued temporary is left under its .tmp. name (removed by the next run). */
typedef struct cm_defer {
    char **tmp, **path;          /* queued temporaries and their targets (owned) */
    size_t n, cap;
} cm_defer;

void cm_defer_init(cm_defer *q);
/* Like cm_afile_commit, but queue the rename on `q` instead of fsync + rename. */
int cm_afile_commit_deferred(cm_afile *f, cm_defer *q, cm_diags *d);
/* Queue a temporary written by other means (xlsx); copies both names. Returns 0 or -1
 * (the temporary removed, error in `d`). */
int cm_defer_add(cm_defer *q, const char *tmp, const char *path, cm_diags *d);
/* Sync, publish and empty the queue (above). Returns 0, or -1 with an error in `d`; on an
 * error nothing not yet renamed is published and the queued temporaries are removed. */
int cm_defer_flush(cm_defer *q, cm_diags *d);
/* Remove every queued temporary and free the queue (idempotent). */
void cm_defer_release(cm_defer *q);

/* Read a whole file of at most `max` bytes. Returns 0 or -1 with an error in `d` (missing,
 * unreadable, a directory, a FIFO, too large). *buf is NUL-terminated. */
int cm_read_file(const char *path, size_t max, char **buf, size_t *len, cm_diags *d);

#endif
