/* cmd_validate.c: `clustermatch validate FILE...`: check profiles without ranking them. */
#include <stdio.h>

#include "cli.h"

static const cm_opt opts[] = { { 0 } };
static int on_opt(int val, const char *arg, void *ctx) { return 0; }

int cmd_validate(int argc, char **argv, cm_cli *cli)
{
    int first = cli_parse(argc, argv, "validate", "FILE...",
                          "Check profile files against the vocabularies and report every problem\n"
                          "with file:line:col. Nothing is ranked.", opts, on_opt, NULL);
    if (first == -2) return CM_EXIT_OK;
    if (first < 0) return CM_EXIT_USAGE;
    if (first >= argc) return cli_usage_error("validate", "missing profile file");
    cm_dataset ds;
    cm_dataset_init(&ds);
    int rc = cli_load_dataset(cli, &ds);
    if (rc) goto out;
    bool any_io = false, any_bad = false;
    for (int i = first; i < argc; i++) {
        cm_diags d;
        cm_profile_set set;
        cm_diags_init(&d);
        cm_profile_set_init(&set);
        int bad = cm_profile_load(&set, argv[i], &ds, &d);
        cli_report(&d);
        if (d.nio) any_io = true;
        else if (bad != 0 || d.nerrors) any_bad = true;
        else if (!cli->quiet)
            cm_say(stdout, "%s: ok (%zu profile%s)", argv[i], set.n, set.n == 1 ? "" : "s");
        cm_profile_set_release(&set);
        cm_diags_release(&d);
    }
    rc = any_io ? CM_EXIT_IO : any_bad ? CM_EXIT_INPUT : CM_EXIT_OK;
out:
    cm_dataset_release(&ds);
    return rc;
}
