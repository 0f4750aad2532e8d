/* cmd_init.c: `clustermatch init [FILE]`: write the commented profile template. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "atomicio.h"
#include "cli.h"
#include "profile.h"

enum { O_FORCE = 'f' };
static const cm_opt opts[] = { { "force", O_FORCE, NULL, "overwrite FILE if it exists" }, { 0 } };
static int on_opt(int val, const char *arg, void *ctx) { *(bool *)ctx = true; return 0; }

int cmd_init(int argc, char **argv, cm_cli *cli)
{
    bool force = false;
    int first = cli_parse(argc, argv, "init", "[--force] [FILE]",
                          "Write a fully commented profile template to FILE (default: standard output).\n"
                          "Edit it, then run 'clustermatch validate FILE' and 'clustermatch rank FILE'.",
                          opts, on_opt, &force);
    if (first == -2) return CM_EXIT_OK;
    if (first < 0) return CM_EXIT_USAGE;
    if (argc - first > 1) return cli_usage_error("init", "at most one file");
    if (first == argc || !strcmp(argv[first], "-")) {
        fputs(cm_profile_template, stdout);
        return CM_EXIT_OK;
    }
    const char *path = argv[first];
    struct stat st;
    if (!force && stat(path, &st) == 0) {
        cm_say(stderr, "clustermatch init: '%s' exists; use --force to overwrite it", path);
        return CM_EXIT_IO;
    }
    cm_diags d;
    cm_afile f;
    int rc = CM_EXIT_OK;
    cm_diags_init(&d);
    if (cm_afile_open(&f, path, &d) == 0) {
        fputs(cm_profile_template, f.fp);
        cm_afile_commit(&f, &d);
    }
    if (d.nerrors) { cli_report(&d); rc = cli_status(&d); }
    else if (!cli->quiet) cm_say(stderr, "wrote %s; check it with 'clustermatch validate %s'", path, path);
    cm_diags_release(&d);
    return rc;
}
