/* fuzz_vocab.c: libFuzzer target for the vocabulary loaders (src/taxonomy.c).
 *
 * The first byte of an input picks the file it replaces: sectors, regions, priorities,
 * goals or policy-notes.yaml; the rest is that file. The other files are the shipped ones
 * (symbolic links into the data directory), so references between files are checked as
 * `data check` checks them. Slower than the other targets: every input loads every
 * vocabulary file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "taxonomy.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = { "sectors.yaml", "regions.yaml", "priorities.yaml", "goals.yaml",
                                     "policy-notes.yaml" };
enum { NFILES = sizeof files / sizeof *files };
static char dir[64], real[4096];
static FILE *null_out;

static void path_of(char *buf, size_t len, const char *d, const char *name)
{
    snprintf(buf, len, "%s/%s", d, name);
}

static void link_real(const char *name)
{
    char from[4200], to[128];
    path_of(from, sizeof from, real, name);
    path_of(to, sizeof to, dir, name);
    unlink(to);
    if (symlink(from, to) != 0) { perror(to); exit(2); }
}

static void cleanup(void)
{
    char p[128];
    for (size_t i = 0; i < NFILES; i++) { path_of(p, sizeof p, dir, files[i]); unlink(p); }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *d = getenv("CLUSTERMATCH_DATA");
    if (!realpath(d && *d ? d : "data", real)) { perror("fuzz_vocab: data directory"); exit(2); }
    snprintf(dir, sizeof dir, "/tmp/cm-fuzz-vocab-%ld", (long)getpid());
    if (mkdir(dir, 0700) != 0) { perror(dir); exit(2); }
    atexit(cleanup);
    for (size_t i = 0; i < NFILES; i++) link_real(files[i]);
    null_out = fopen("/dev/null", "w");
    if (!null_out) exit(2);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *name = files[data[0] % NFILES];
    char p[128];
    path_of(p, sizeof p, dir, name);
    unlink(p);
    FILE *f = fopen(p, "wb");
    if (!f) return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);

    cm_taxonomy t;
    cm_diags d;
    cm_taxonomy_init(&t);
    cm_diags_init(&d);
    int rc = cm_taxonomy_load(&t, dir, &d);
    if (rc != 0 && d.nerrors == 0) abort();     /* a failure always says why */
    if (rc == 0) {
        /* A taxonomy that loaded is usable: every name resolves to an entry. */
        for (size_t i = 0; i < t.nsectors; i++)
            if (cm_sector_find(&t, t.sectors[i].id) != i) abort();
        for (size_t i = 0; i < t.nregions; i++)
            if (cm_region_find(&t, t.regions[i].id) != i) abort();
    }
    cm_diags_print(&d, null_out, 1);
    cm_diags_release(&d);
    cm_taxonomy_release(&t);
    link_real(name);
    return 0;
}
