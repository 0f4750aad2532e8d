/* atomicio.c: write-to-temporary-then-rename, and bounded whole-file reads. */
#define _GNU_SOURCE   /* syncfs(2) */
#include "atomicio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *cm_atomic_tmpname(const char *path)
{
    static unsigned long counter;
    size_t len = strlen(path) + 64;
    char *tmp = malloc(len);
    if (tmp)
        snprintf(tmp, len, "%s.tmp.%ld.%lu", path, (long)getpid(), counter++);
    return tmp;
}

/* Renaming over a device or FIFO would replace the node itself (-o /dev/full once turned
 * /dev/full into a regular file): only regular files, or nothing, may be replaced. */
static int check_target(const char *path, cm_diags *d)
{
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode)) return 0;
    if (S_ISDIR(st.st_mode)) return cm_ioerror(d, path, "is a directory, not a file");
    return cm_ioerror(d, path, "is not a regular file; cannot replace it with an output file");
}

int cm_afile_open(cm_afile *f, const char *path, cm_diags *d)
{
    memset(f, 0, sizeof *f);
    if (check_target(path, d)) return -1;
    f->path = strdup(path);
    f->tmp = cm_atomic_tmpname(path);
    int fd = -1;
    if (!f->path || !f->tmp) {
        cm_ioerror(d, path, "out of memory");
        goto fail;
    }
    fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        cm_ioerror(d, path, "cannot create output file: %s", strerror(errno));
        goto fail;
    }
    f->fp = fdopen(fd, "wb");
    if (!f->fp) {
        cm_ioerror(d, path, "cannot create output file: %s", strerror(errno));
        close(fd);
        unlink(f->tmp);
        goto fail;
    }
    return 0;
fail:
    free(f->path);
    free(f->tmp);
    memset(f, 0, sizeof *f);
    return -1;
}

int cm_atomic_publish(const char *tmp, const char *path, cm_diags *d)
{
    if (check_target(path, d)) {
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return cm_ioerror(d, path, "cannot write output file: %s", strerror(e));
    }
    return 0;
}

int cm_afile_commit(cm_afile *f, cm_diags *d)
{
    int rc = -1;
    if (!f->fp) return -1;
    int bad = ferror(f->fp) || fflush(f->fp) != 0 || fsync(fileno(f->fp)) != 0;
    int e = errno;
    if (fclose(f->fp) != 0 && !bad) { bad = 1; e = errno; }
    f->fp = NULL;
    if (bad) {
        unlink(f->tmp);
        cm_ioerror(d, f->path, "cannot write output file: %s", strerror(e ? e : EIO));
    } else {
        rc = cm_atomic_publish(f->tmp, f->path, d);
    }
    free(f->path);
    free(f->tmp);
    f->path = f->tmp = NULL;
    return rc;
}

void cm_afile_abort(cm_afile *f)
{
    if (!f || !f->tmp) return;
    if (f->fp) fclose(f->fp);
    unlink(f->tmp);
    free(f->path);
    free(f->tmp);
    memset(f, 0, sizeof *f);
}

int cm_read_file(const char *path, size_t max, char **buf, size_t *len, cm_diags *d)
{
    *buf = NULL;
    *len = 0;
    int rc = -1;
    char *b = NULL;
    /* O_NONBLOCK: opening a FIFO must not hang waiting for a writer; fstat then refuses it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        struct stat ls;
        if (errno == ENOENT && lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode))
            return cm_ioerror(d, path, "broken symbolic link: its target does not exist");
        if (errno == ELOOP) return cm_ioerror(d, path, "symbolic link loop: the link leads back to itself");
        if (errno == ENOENT) return cm_ioerror(d, path, "no such file");
        return cm_ioerror(d, path, "cannot open: %s", strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        cm_ioerror(d, path, "cannot stat: %s", strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        cm_ioerror(d, path, "is a directory, not a file");
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        cm_ioerror(d, path, "is not a regular file");
        goto out;
    }
    if ((unsigned long long)st.st_size > max) {
        cm_error(d, path, 0, 0, "file is %lld bytes, over the limit of %zu bytes",
                 (long long)st.st_size, max);
        goto out;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    b = malloc(cap);
    if (!b) { cm_ioerror(d, path, "out of memory"); goto out; }
    for (;;) {
        if (n + 1 >= cap) {
            /* The file grew since fstat: read at most max bytes. */
            if (cap > max) {
                cm_error(d, path, 0, 0, "file is over the limit of %zu bytes", max);
                goto out;
            }
            char *nb = realloc(b, cap * 2);
            if (!nb) { cm_ioerror(d, path, "out of memory"); goto out; }
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR) continue;
            cm_ioerror(d, path, "cannot read: %s", strerror(errno));
            goto out;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    b = NULL;
    rc = 0;
out:
    free(b);
    close(fd);
    return rc;
}

/* ---- deferred publication (cm_defer) -------------------------------------------------- */

void cm_defer_init(cm_defer *q)
{
    memset(q, 0, sizeof *q);
}

static int defer_push(cm_defer *q, char *tmp, char *path)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 64;
        char **t = realloc(q->tmp, cap * sizeof *t);
        if (!t) return -1;
        q->tmp = t;
        char **p = realloc(q->path, cap * sizeof *p);
        if (!p) return -1;
        q->path = p;
        q->cap = cap;
    }
    q->tmp[q->n] = tmp;
    q->path[q->n] = path;
    q->n++;
    return 0;
}

int cm_defer_add(cm_defer *q, const char *tmp, const char *path, cm_diags *d)
{
    char *t = strdup(tmp), *p = strdup(path);
    if (!t || !p || defer_push(q, t, p) != 0) {
        free(t);
        free(p);
        unlink(tmp);
        return cm_ioerror(d, path, "out of memory");
    }
    return 0;
}

int cm_afile_commit_deferred(cm_afile *f, cm_defer *q, cm_diags *d)
{
    if (!f->fp) return -1;
    int bad = ferror(f->fp) || fflush(f->fp) != 0;
    int e = errno;
    if (fclose(f->fp) != 0 && !bad) { bad = 1; e = errno; }
    f->fp = NULL;
    int rc = 0;
    if (bad) {
        unlink(f->tmp);
        rc = cm_ioerror(d, f->path, "cannot write output file: %s", strerror(e ? e : EIO));
    } else if (defer_push(q, f->tmp, f->path) == 0) {
        f->path = f->tmp = NULL;   /* now owned by the queue */
        return 0;
    } else {
        unlink(f->tmp);
        rc = cm_ioerror(d, f->path, "out of memory");
    }
    free(f->path);
    free(f->tmp);
    f->path = f->tmp = NULL;
    return rc;
}

/* The directory part of `path` ("." when there is none). Caller frees. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* syncfs(2) (or fsync on `op`) on each distinct directory of the queue's temporaries:
 * op 0 = syncfs before the renames (the files' data), 1 = fsync after them (the names). */
static int defer_dirs(const cm_defer *q, int op, cm_diags *d)
{
    char **seen = calloc(q->n ? q->n : 1, sizeof *seen);
    size_t nseen = 0;
    int rc = 0;
    if (!seen) return cm_ioerror(d, NULL, "out of memory");
    for (size_t i = 0; i < q->n && rc == 0; i++) {
        char *dir = dir_of(op == 0 ? q->tmp[i] : q->path[i]);
        if (!dir) { rc = cm_ioerror(d, q->path[i], "out of memory"); break; }
        bool dup = false;
        for (size_t k = 0; k < nseen && !dup; k++) dup = strcmp(seen[k], dir) == 0;
        if (dup) { free(dir); continue; }
        seen[nseen++] = dir;
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            rc = cm_ioerror(d, dir, "cannot open directory to sync it: %s", strerror(errno));
            break;
        }
        /* syncfs writes back every dirty page of the file system in one journal commit,
         * where an fsync per file costs a commit each; since Linux 5.8 it reports the
         * write-back errors of files written through other descriptors too. */
        int r = op == 0 ? syncfs(fd) : fsync(fd);
        /* Some file systems cannot fsync a directory (EINVAL): the renames stay atomic. */
        if (r != 0 && !(op == 1 && (errno == EINVAL || errno == EROFS)))
            rc = cm_ioerror(d, dir, "cannot sync output files to disk: %s", strerror(errno));
        close(fd);
    }
    for (size_t k = 0; k < nseen; k++) free(seen[k]);
    free(seen);
    return rc;
}

int cm_defer_flush(cm_defer *q, cm_diags *d)
{
    if (q->n == 0) return 0;
    int rc = defer_dirs(q, 0, d);
    size_t i = 0;
    for (; i < q->n && rc == 0; i++)
        rc = cm_atomic_publish(q->tmp[i], q->path[i], d);   /* removes the tmp on failure */
    /* The renames were made durable by fsyncing their directories (after a failure too,
     * for those already made). */
    size_t n = q->n;
    q->n = i;
    if (defer_dirs(q, 1, d) != 0) rc = -1;
    q->n = n;
    for (size_t k = 0; k < q->n; k++) {
        if (k >= i) unlink(q->tmp[k]);   /* after a failure: publish nothing more */
        free(q->tmp[k]);
        free(q->path[k]);
    }
    q->n = 0;
    return rc;
}

void cm_defer_release(cm_defer *q)
{
    for (size_t i = 0; i < q->n; i++) {
        unlink(q->tmp[i]);
        free(q->tmp[i]);
        free(q->path[i]);
    }
    free(q->tmp);
    free(q->path);
    memset(q, 0, sizeof *q);
}
