/* atomicio.h: output files that are complete or absent.
 *
 * A file is written to a temporary name in the same directory (so rename(2) stays on one
 * file system), flushed and fsync'ed, then renamed over the target. A process killed at any
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

/* Read a whole file of at most `max` bytes. Returns 0 or -1 with an error in `d` (missing,
 * unreadable, a directory, a FIFO, too large). *buf is NUL-terminated. */
int cm_read_file(const char *path, size_t max, char **buf, size_t *len, cm_diags *d);

#endif
