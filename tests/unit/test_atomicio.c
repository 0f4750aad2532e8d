/* test_atomicio.c: deferred publication (cm_defer, issue #14): a file queued by
 * cm_afile_commit_deferred or cm_defer_add is invisible under its name until
 * cm_defer_flush, complete after it, and a released queue leaves no temporary. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicio.h"
#include "testhelp.h"

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static size_t count_tmp(const char *dir)
{
    DIR *dp = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (dp && (e = readdir(dp)))
        if (strstr(e->d_name, ".tmp.")) n++;
    if (dp) closedir(dp);
    return n;
}

static char *slurp(const char *path)
{
    char *buf = NULL;
    size_t len;
    cm_diags d;
    cm_diags_init(&d);
    if (cm_read_file(path, 1 << 20, &buf, &len, &d) != 0) buf = NULL;
    cm_diags_release(&d);
    return buf;
}

int main(void)
{
    char tmpl[] = "/tmp/test_atomicio.XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL);
    if (!dir) return TEST_REPORT("test_atomicio");
    char *a = join(dir, "a.csv"), *b = join(dir, "b.csv"), *c = join(dir, "c.csv");
    cm_diags d;
    cm_diags_init(&d);
    cm_defer q;
    cm_defer_init(&q);

    /* An old b.csv is replaced only at the flush. */
    FILE *fp = fopen(b, "w");
    fputs("old\n", fp);
    fclose(fp);

    cm_afile f;
    CHECK(cm_afile_open(&f, a, &d) == 0);
    fputs("alpha\n", f.fp);
    CHECK(cm_afile_commit_deferred(&f, &q, &d) == 0);
    CHECK(cm_afile_open(&f, b, &d) == 0);
    fputs("beta\n", f.fp);
    CHECK(cm_afile_commit_deferred(&f, &q, &d) == 0);
    char *t = cm_atomic_tmpname(c);
    fp = fopen(t, "w");
    fputs("gamma\n", fp);
    fclose(fp);
    CHECK(cm_defer_add(&q, t, c, &d) == 0);
    free(t);
    CHECK(q.n == 3);
    CHECK(!exists(a) && !exists(c));
    char *s = slurp(b);
    CHECK_STR(s, "old\n");
    free(s);
    CHECK(count_tmp(dir) == 3);

    CHECK(cm_defer_flush(&q, &d) == 0);
    CHECK(q.n == 0);
    CHECK(count_tmp(dir) == 0);
    s = slurp(a); CHECK_STR(s, "alpha\n"); free(s);
    s = slurp(b); CHECK_STR(s, "beta\n"); free(s);
    s = slurp(c); CHECK_STR(s, "gamma\n"); free(s);
    CHECK(cm_defer_flush(&q, &d) == 0);   /* an empty queue: nothing to do */

    /* Released before a flush: nothing published, no temporary left. */
    unlink(a);
    CHECK(cm_afile_open(&f, a, &d) == 0);
    fputs("again\n", f.fp);
    CHECK(cm_afile_commit_deferred(&f, &q, &d) == 0);
    CHECK(count_tmp(dir) == 1);
    cm_defer_release(&q);
    CHECK(count_tmp(dir) == 0);
    CHECK(!exists(a));

    /* A target that became a directory: the flush fails, names the target, and removes
     * the temporaries not published. */
    CHECK(mkdir(a, 0777) == 0);
    cm_defer_init(&q);
    CHECK(cm_afile_open(&f, c, &d) == 0);   /* c is a regular file: replaced */
    fputs("first\n", f.fp);
    CHECK(cm_afile_commit_deferred(&f, &q, &d) == 0);
    t = cm_atomic_tmpname(a);
    fp = fopen(t, "w");
    fputs("x\n", fp);
    fclose(fp);
    CHECK(cm_defer_add(&q, t, a, &d) == 0);
    free(t);
    CHECK(cm_afile_open(&f, b, &d) == 0);
    fputs("never\n", f.fp);
    CHECK(cm_afile_commit_deferred(&f, &q, &d) == 0);
    CHECK(cm_defer_flush(&q, &d) == -1);
    CHECK(d.nerrors == 1);
    CHECK(count_tmp(dir) == 0);
    s = slurp(c); CHECK_STR(s, "first\n"); free(s);
    s = slurp(b); CHECK_STR(s, "beta\n"); free(s);
    cm_defer_release(&q);
    rmdir(a);

    unlink(b);
    unlink(c);
    rmdir(dir);
    free(a);
    free(b);
    free(c);
    cm_diags_release(&d);
    return TEST_REPORT("test_atomicio");
}
