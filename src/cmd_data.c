/* cmd_data.c: `clustermatch data check`: load the data directory and report every problem. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cm_opt opts[] = { { 0 } };

static int on_opt(int val, const char *arg, void *ctx) { return 0; }

int cmd_data(int argc, char **argv, cm_cli *cli)
{
    int first = cli_parse(argc, argv, "data", "check",
                          "Load every data file and report dangling references, duplicate ids, alias\n"
                          "clashes, missing fields, coordinates outside China and sector cycles.",
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
    }
    cm_dataset_release(&ds);
    return rc;
}
