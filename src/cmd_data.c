/* cmd_data.c: `clustermatch data check`: load the data directory and report every problem;
 * `clustermatch data compile`: write its compiled file (compiled.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compiled.h"
#include "score.h"

static const cm_opt opts[] = {
    { "output", 'o', "FILE", "compile: write to FILE instead of DIR/" CM_COMPILED_NAME },
    { 0 } };

static int on_opt(int val, const char *arg, void *ctx)
{
    *(const char **)ctx = arg;    /* the one option: -o */
    return 0;
}

/* Load the YAML (checked as by `data check`), build the scoring model and write both as
 * the compiled file. */
static int compile(const cm_cli *cli, const char *out)
{
    cm_dataset ds;
    cm_model m;
    const void *img = NULL;
    size_t imglen = 0;
    memset(&m, 0, sizeof m);
    cm_dataset_init(&ds);
    int rc = cli_load_dataset_yaml(cli, &ds);
    if (rc == CM_EXIT_OK) {
        char *path = NULL;
        if (!out) {
            size_t len = strlen(ds.dir) + sizeof "/" CM_COMPILED_NAME;
            if ((path = malloc(len))) snprintf(path, len, "%s/%s", ds.dir, CM_COMPILED_NAME);
        }
        cm_diags d;
        cm_diags_init(&d);
        const char *target = out ? out : path;
        if (!target) cm_ioerror(&d, ds.dir, "out of memory");
        else if (cm_model_init(&m, &ds, &d) == 0 && (img = cm_model_image(&m, &imglen)) &&
                 cm_compiled_write(&ds, img, imglen, target, &d) == 0 && !cli->quiet)
            cm_say(stdout, "%s: compiled %zu partners, %zu regions, %zu sectors and the scoring model", target,
                   ds.npartners, ds.tax.nregions, ds.tax.nsectors);
        if (d.n) { cli_report(&d); rc = cli_status(&d); }
        cm_diags_release(&d);
        free(path);
    }
    cm_model_release(&m);
    cm_dataset_release(&ds);
    return rc;
}

static const size_t *count_base;
static int by_count_desc(const void *a, const void *b)
{
    size_t x = count_base[*(const size_t *)a], y = count_base[*(const size_t *)b];
    if (x != y) return x < y ? 1 : -1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* The coverage lines: how much of the zone catalogue's industry vocabulary the sectors
 * resolve, how the zones spread over types and sectors, and which records lack a city. */
static int print_coverage(const cm_dataset *ds)
{
    cm_coverage cv;
    if (cm_coverage_compute(ds, &cv)) return CM_EXIT_IO;
    const char *dir = ds->dir;
    if (cv.mentions)
        printf("%s: coverage: %zu of %zu leading-industry mentions name a sector (%.2f%%)\n", dir, cv.mapped,
               cv.mentions, 100.0 * (double)cv.mapped / (double)cv.mentions);
    printf("%s: coverage: %zu zones by type:", dir, cv.zones);
    for (size_t z = 0; z < ds->nzone_types; z++)
        printf("%s %s %zu", z ? "," : "", ds->zone_types[z].id, cv.zones_per_type[z]);
    printf("\n%s: coverage: without a city: %zu of %zu zones, %zu clusters, %zu organisations, %zu programmes\n",
           dir, cv.zones_no_city, cv.zones, cv.no_city[CM_KIND_CLUSTER], cv.no_city[CM_KIND_ORGANISATION],
           cv.no_city[CM_KIND_PROGRAMME]);
    size_t ns = ds->tax.nsectors, *order = malloc((ns ? ns : 1) * sizeof *order), none = 0;
    if (!order) { cm_coverage_release(&cv); return CM_EXIT_IO; }
    for (size_t i = 0; i < ns; i++) order[i] = i;
    count_base = cv.zones_per_sector;
    qsort(order, ns, sizeof *order, by_count_desc);
    printf("%s: coverage: zones per sector:", dir);
    for (size_t i = 0; i < ns && cv.zones_per_sector[order[i]]; i++)
        printf("%s %s %zu", i ? "," : "", ds->tax.sectors[order[i]].id, cv.zones_per_sector[order[i]]);
    printf("\n");
    for (size_t i = 0; i < ns; i++) none += cv.zones_per_sector[i] == 0;
    if (none) {
        printf("%s: coverage: %zu sectors with no zone:", dir, none);
        for (size_t i = 0, k = 0; i < ns; i++)
            if (!cv.zones_per_sector[i]) printf("%s %s", k++ ? "," : "", ds->tax.sectors[i].id);
        printf("\n");
    }
    free(order);
    cm_coverage_release(&cv);
    return CM_EXIT_OK;
}

int cmd_data(int argc, char **argv, cm_cli *cli)
{
    const char *out = NULL;
    int first = cli_parse(argc, argv, "data", "check|compile",
                          "check: load every data file and report dangling references, duplicate\n"
                          "ids, alias clashes, missing fields, coordinates outside China and sector\n"
                          "cycles; then report coverage: the share of the zone catalogue's\n"
                          "leading-industry mentions that name a sector, zones per type and per\n"
                          "sector, records without a city. Always reads the YAML.\n"
                          "\n"
                          "compile: check the data as above, then write it, loaded and checked, to\n"
                          "one binary file (DIR/" CM_COMPILED_NAME ") that rank, batch, explain,\n"
                          "list, validate and serve read instead of the YAML while every source file\n"
                          "is unchanged. `make` compiles data/.",
                          opts, on_opt, &out);
    if (first == -2) return CM_EXIT_OK;
    if (first < 0) return CM_EXIT_USAGE;
    if (first >= argc) return cli_usage_error("data", "missing action (check or compile)");
    bool is_compile = !strcmp(argv[first], "compile");
    if (!is_compile && strcmp(argv[first], "check") != 0)
        return cli_usage_error("data", "unknown action '%s' (check or compile)", argv[first]);
    if (first + 1 < argc) return cli_usage_error("data", "unexpected argument '%s'", argv[first + 1]);
    if (out && !is_compile) return cli_usage_error("data", "-o is for 'data compile' only");
    if (is_compile) return compile(cli, out);
    cm_dataset ds;
    cm_dataset_init(&ds);
    int rc = cli_load_dataset_yaml(cli, &ds);
    if (rc == CM_EXIT_OK && !cli->quiet) {
        size_t byk[CM_NKINDS] = { 0 };
        for (size_t i = 0; i < ds.npartners; i++) byk[ds.partners[i].kind]++;
        size_t nprov = 0, ncity = 0, nclus = 0;
        for (size_t i = 0; i < ds.tax.nregions; i++) {
            nprov += ds.tax.regions[i].level == CM_REG_PROVINCE;
            ncity += ds.tax.regions[i].level == CM_REG_CITY;
            nclus += ds.tax.regions[i].level == CM_REG_CLUSTER;
        }
        cm_say(stdout, "%s: ok: %zu sectors, %zu provinces, %zu cities, %zu city clusters, %zu priorities, "
               "%zu goals, %zu policy notes", ds.dir, ds.tax.nsectors, nprov, ncity, nclus,
               ds.tax.npriorities, ds.tax.ngoals, ds.tax.nnotes);
        cm_say(stdout, "%s: ok: %zu partners (%zu clusters, %zu zones, %zu organisations, %zu programmes)",
               ds.dir, ds.npartners, byk[0], byk[1], byk[2], byk[3]);
        rc = print_coverage(&ds);
    }
    cm_dataset_release(&ds);
    return rc;
}
