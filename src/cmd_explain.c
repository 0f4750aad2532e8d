/* cmd_explain.c: `clustermatch explain PROFILE PARTNER-ID`: every term of one score. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_explain(int argc, char **argv, cm_cli *cli)
{
    cm_rank_cli r = { 0 };
    /* explain takes three of rank's options, with their ids from rank's option table so
     * cli_rank_opt handles them; only the help of --include-ended is explain's own. */
    cm_opt opts[4] = { { 0 } };
    static const char *const reused[] = { "weights", "weight", "include-ended" };
    size_t nopts = 0;
    for (size_t i = 0; i < 3; i++) {
        const cm_opt *o = cli_rank_opt_named(reused[i]);
        if (!o) continue;    /* cannot happen: the names are rank's */
        opts[nopts] = *o;
        if (!strcmp(o->name, "include-ended")) opts[nopts].help = "explain a partner that has ended (a closed programme)";
        nopts++;
    }
    int first = cli_parse(argc, argv, "explain", "[OPTIONS] PROFILE PARTNER-ID",
                          "Show the full score breakdown for one profile and one partner: each component's\n"
                          "value, weight and points, the matched terms and the policy notes.",
                          opts, cli_rank_opt, &r);
    if (first == -2) return CM_EXIT_OK;
    if (first < 0) return CM_EXIT_USAGE;
    if (argc - first != 2) return cli_usage_error("explain", "wants a profile file and a partner id");
    cm_dataset ds;
    cm_model m = { 0 };
    cm_profile_set set;
    cm_diags d;
    int rc;
    cm_dataset_init(&ds);
    cm_profile_set_init(&set);
    cm_diags_init(&d);
    if ((rc = cli_load_dataset(cli, &ds)) || (rc = cli_rank_finish("explain", &r, &ds))) goto out;
    size_t pid = cm_partner_find(&ds, argv[first + 1]);
    if (pid == CM_NONE) {
        const char **ids = malloc(ds.npartners * sizeof *ids);
        const char *sug = NULL;
        if (ids) {
            for (size_t i = 0; i < ds.npartners; i++) ids[i] = ds.partners[i].id;
            sug = cm_suggest_among(ids, ds.npartners, argv[first + 1]);
        }
        if (sug) cm_say(stderr, "clustermatch explain: unknown partner '%s' (did you mean '%s'?)", argv[first + 1], sug);
        else cm_say(stderr, "clustermatch explain: unknown partner '%s' (see 'clustermatch list partners')", argv[first + 1]);
        free(ids);
        rc = CM_EXIT_INPUT;
        goto out;
    }
    if (ds.partners[pid].ended && !r.include_ended) {
        fprintf(stderr, "clustermatch explain: partner '%s' ended in %d and is left out of rankings; "
                "add --include-ended to explain it anyway\n", ds.partners[pid].id, ds.partners[pid].ended);
        rc = CM_EXIT_INPUT;
        goto out;
    }
    if (cm_profile_load(&set, argv[first], &ds, &d) != 0 || d.nerrors) {
        cli_report(&d);
        rc = cli_status(&d) ? cli_status(&d) : CM_EXIT_INPUT;
        goto out;
    }
    if (set.n != 1) {
        cm_say(stderr, "clustermatch explain: %s holds %zu profiles; explain takes a file with one", argv[first], set.n);
        rc = CM_EXIT_INPUT;
        goto out;
    }
    cm_shortlist one = { 0 };
    if (cli_model_init(&ds, &m, &d) || cm_explain_pair(&m, &set.v[0], pid, &r.ro, &one, &d)) {
        cli_report(&d);
        rc = cli_status(&d) ? cli_status(&d) : CM_EXIT_IO;
        cm_shortlist_release(&one);
        goto out;
    }
    if (cm_export_explain(&one, &one.hits[0], stdout)) rc = CM_EXIT_IO;
    cm_shortlist_release(&one);
out:
    cm_model_release(&m);
    cm_profile_set_release(&set);
    cm_dataset_release(&ds);
    cm_diags_release(&d);
    return rc;
}
