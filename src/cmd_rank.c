/* cmd_rank.c: `clustermatch rank PROFILE`: one profile file in, a ranked shortlist out. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char about[] =
    "Rank the Chinese partners for the profile(s) in PROFILE and print an explained shortlist.\n"
    "A file holding several profiles (a YAML stream) gives one shortlist for each.";

int cmd_rank(int argc, char **argv, cm_cli *cli)
{
    cm_rank_cli r = { 0 };
    int first = cli_parse(argc, argv, "rank", "[OPTIONS] PROFILE", about, cli_rank_opts, cli_rank_opt, &r);
    if (first == -2) return CM_EXIT_OK;
    if (first < 0) return CM_EXIT_USAGE;
    if (first >= argc) return cli_usage_error("rank", "missing profile file");
    if (first + 1 < argc) return cli_usage_error("rank", "one profile file at a time (use 'batch' for several)");
    const char *path = argv[first];
    bool to_stdout = !r.output || !strcmp(r.output, "-");
    /* An explicit --explain keeps the table when piped (rank --explain x.yaml | less): the
     * tsv default for pipes has no room for explanations. */
    int fmt = cli_pick_format("rank", r.format, r.output,
                              to_stdout && (r.explain || isatty(STDOUT_FILENO)));
    if (fmt < 0) return CM_EXIT_USAGE;
    if (to_stdout && !cm_format_streams((cm_format)fmt))
        return cli_usage_error("rank", "%s cannot be written to standard output; use -o FILE", cm_format_names[fmt]);
    bool zh;
    if (cli_pick_lang("rank", r.lang, fmt, &zh)) return CM_EXIT_USAGE;

    cm_dataset ds;
    cm_model m = { 0 };
    cm_profile_set set;
    cm_diags d;
    cm_shortlist *lists = NULL;
    const cm_profile **ptrs = NULL;
    int rc;
    cm_dataset_init(&ds);
    cm_profile_set_init(&set);
    cm_diags_init(&d);
    if ((rc = cli_load_dataset(cli, &ds))) goto out;
    if ((rc = cli_rank_finish("rank", &r, &ds))) goto out;
    int bad = cm_profile_load(&set, path, &ds, &d);
    if (bad != 0 || d.nerrors) {
        cli_report(&d);
        rc = cli_status(&d);
        if (!rc) rc = CM_EXIT_INPUT;
        goto out;
    }
    cli_report(&d);      /* warnings */
    if (cli_model_init(&ds, &m, &d)) goto fail;
    lists = calloc(set.n, sizeof *lists);
    ptrs = calloc(set.n, sizeof *ptrs);
    if (!lists || !ptrs) { cm_ioerror(&d, path, "out of memory"); goto fail; }
    for (size_t i = 0; i < set.n; i++) ptrs[i] = &set.v[i];
    if (cm_rank_block(&m, ptrs, set.n, &r.ro, lists, &d)) goto fail;
    cm_export_opts eo;
    cli_export_opts(cli, r.explain, &eo);
    if (!to_stdout) eo.color = false, eo.width = 0;
    /* The options as typed, for the top of the reports: every argument but the profile. */
    char opts[1024] = "";
    size_t ol = 0;
    for (int i = 1; i < argc && ol < sizeof opts; i++) {
        if (i == first) continue;
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) { i++; continue; }
        if (!strncmp(argv[i], "--output=", 9)) continue;
        int k = snprintf(opts + ol, sizeof opts - ol, "%s%s", ol ? " " : "", argv[i]);
        if (k < 0) break;
        ol += (size_t)k;
    }
    eo.options = opts;
    eo.lang_zh = zh;
    int w = to_stdout ? cm_export_stream(lists, set.n, (cm_format)fmt, &eo, stdout, "<stdout>", &d)
                      : cm_export_file(lists, set.n, (cm_format)fmt, &eo, r.output, &d);
    if (w) goto fail;
    rc = CM_EXIT_OK;
    goto out;
fail:
    cli_report(&d);
    rc = cli_status(&d);
    if (!rc) rc = CM_EXIT_IO;
out:
    for (size_t i = 0; lists && i < set.n; i++) cm_shortlist_release(&lists[i]);
    free(lists);
    free(ptrs);
    cm_model_release(&m);
    cm_profile_set_release(&set);
    cm_dataset_release(&ds);
    cm_diags_release(&d);
    return rc;
}
