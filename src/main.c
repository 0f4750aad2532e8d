/* main.c: global options and subcommand dispatch. Everything else lives in cmd_*.c. */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cm_command commands[] = {
    { "rank",     cmd_rank,     "rank Chinese partners for one profile file" },
    { "batch",    cmd_batch,    "rank many profiles (files, directories, streams) in one run" },
    { "explain",  cmd_explain,  "show the full score breakdown for one profile and partner" },
    { "validate", cmd_validate, "check profile files without ranking" },
    { "list",     cmd_list,     "list sectors, regions, priorities, goals or partners" },
    { "data",     cmd_data,     "check the data directory ('data check')" },
    { "init",     cmd_init,     "write a commented profile template" },
    { "serve",    cmd_serve,    "serve the profile form on a web page (127.0.0.1:8080)" },
};

static void usage(FILE *out)
{
    fputs("usage: clustermatch [--data DIR] [--quiet] [--color WHEN] COMMAND [ARGS]\n\n"
          "Match a European cluster's profile with Chinese partners.\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fputs("\nglobal options:\n"
          "  --data DIR      data directory (default: $CLUSTERMATCH_DATA, installed, ./data)\n"
          "  -q, --quiet     no progress or summary lines on stderr\n"
          "  --color WHEN    auto, always or never\n"
          "  --version       print the version\n"
          "  -h, --help      show this help\n\n"
          "Run 'clustermatch COMMAND --help' for a command's options.\n", out);
}

/* A full disk shows up only when stdout is flushed: check it once, at the end of every
 * path. A command that already reported a write error (rc != 0) is not told twice. */
static int finish(int rc)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (rc == CM_EXIT_OK) {
            fprintf(stderr, "clustermatch: error writing output: %s\n",
                    errno ? strerror(errno) : "write error");
            rc = CM_EXIT_IO;
        }
    }
    return rc;
}

int main(int argc, char **argv)
{
    cm_cli cli = { .color = -1 };
    int i = 1;
    setlocale(LC_CTYPE, "");
    /* GSL's default handler aborts; every call's status is checked instead. */
    gsl_set_error_handler_off();
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--version")) {
            printf("clustermatch %s\n", CM_VERSION);
            return finish(CM_EXIT_OK);
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return finish(CM_EXIT_OK);
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            cli.quiet = true;
        } else if (!strcmp(a, "--data") || !strncmp(a, "--data=", 7)) {
            if (a[6] == '=') cli.data_opt = a + 7;
            else if (i + 1 < argc) cli.data_opt = argv[++i];
            else { fputs("clustermatch: option '--data' needs an argument\n", stderr); return CM_EXIT_USAGE; }
        } else if (!strcmp(a, "--color") || !strncmp(a, "--color=", 8)) {
            const char *w = a[7] == '=' ? a + 8 : i + 1 < argc ? argv[++i] : "";
            if (!strcmp(w, "auto")) cli.color = -1;
            else if (!strcmp(w, "always")) cli.color = 1;
            else if (!strcmp(w, "never")) cli.color = 0;
            else { fprintf(stderr, "clustermatch: --color wants auto, always or never, not '%s'\n", w); return CM_EXIT_USAGE; }
        } else {
            fprintf(stderr, "clustermatch: unknown option '%s'\nTry 'clustermatch --help'.\n", a);
            return CM_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return CM_EXIT_USAGE;
    }
    for (size_t c = 0; c < sizeof commands / sizeof *commands; c++)
        if (!strcmp(argv[i], commands[c].name))
            return finish(commands[c].fn(argc - i, argv + i, &cli));
    const char *names[sizeof commands / sizeof *commands];
    for (size_t c = 0; c < sizeof commands / sizeof *commands; c++) names[c] = commands[c].name;
    const char *sug = cm_suggest_among(names, sizeof names / sizeof *names, argv[i]);
    if (sug)
        fprintf(stderr, "clustermatch: unknown command '%s' (did you mean '%s'?)\n", argv[i], sug);
    else
        fprintf(stderr, "clustermatch: unknown command '%s'\nTry 'clustermatch --help'.\n", argv[i]);
    return CM_EXIT_USAGE;
}
