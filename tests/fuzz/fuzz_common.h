/* fuzz_common.h: what both libFuzzer targets share.
 *
 * The real data directory is loaded once ($CLUSTERMATCH_DATA, else ./data), so inputs are
 * checked against the shipped vocabularies. Each input is also written to a scratch file
 * that names it in diagnostics, so printing them (source line, caret, long-line window)
 * is fuzzed too; the output goes to /dev/null.
 */
#ifndef CM_FUZZ_COMMON_H
#define CM_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dataset.h"
#include "diag.h"

static cm_dataset fuzz_ds;
static char fuzz_path[64];
static FILE *fuzz_null;

static void fuzz_cleanup(void)
{
    if (fuzz_path[0]) unlink(fuzz_path);
}

static void fuzz_init(const char *what)
{
    const char *dir = getenv("CLUSTERMATCH_DATA");
    cm_diags d;
    cm_diags_init(&d);
    cm_dataset_init(&fuzz_ds);
    if (cm_dataset_load(&fuzz_ds, dir && *dir ? dir : "data", &d) != 0) {
        cm_diags_print(&d, stderr, 0);
        fprintf(stderr, "fuzz: cannot load the data directory; set CLUSTERMATCH_DATA\n");
        exit(2);
    }
    cm_diags_release(&d);
    snprintf(fuzz_path, sizeof fuzz_path, "/tmp/cm-fuzz-%s-%ld.yaml", what, (long)getpid());
    fuzz_null = fopen("/dev/null", "w");
    if (!fuzz_null) exit(2);
    atexit(fuzz_cleanup);
}

/* Write the input where diagnostics will look for its source lines. */
static void fuzz_save(const uint8_t *data, size_t size)
{
    FILE *f = fopen(fuzz_path, "wb");
    if (!f) return;
    fwrite(data, 1, size, f);
    fclose(f);
}

static void fuzz_report(const cm_diags *d)
{
    cm_diags_print(d, fuzz_null, 1);
    /* Every error carries a message; a located one has a line and a column. */
    for (size_t i = 0; i < d->n; i++)
        if (!d->v[i].msg || (d->v[i].line && !d->v[i].col)) abort();
}

#endif
