/* cmd_data.c: `clustermatch data check`: load the data directory and report every problem. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cm_opt opts[] = { { 0 } };

static int on_opt(int val, const char *arg, void *ctx) { return 0; }

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
    int first = cli_parse(argc, argv, "data", "check",
                          "Load every data file and report dangling references, duplicate ids, alias\n"
                          "clashes, missing fields, coordinates outside China and sector cycles;\n"
                          "then report coverage: the share of the zone catalogue's leading-industry\n"
                          "mentions that name a sector, zones per type and per sector, records\n"
                          "without a city.",
                          opts, on_opt, NULL);
    if (first == -2) return CM_EXIT_OK;
    if (first < 0) return CM_EXIT_USAGE;
    if (first >= argc) return cli_usage_error("data", "missing action (only 'check' exists)");
    if (strcmp(argv[first], "check") != 0)
        return cli_usage_error("data", "unknown action '%s' (only 'check' exists)", argv[first]);
    if (first + 1 < argc) return cli_usage_error("data", "unexpected argument '%s'", argv[first + 1]);
    cm_dataset ds;
    cm_dataset_init(&ds);
    int rc = cli_load_dataset(cli, &ds);
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
