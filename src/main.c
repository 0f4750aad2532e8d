/* main.c: global options and subcommand dispatch. Everything else lives in cmd_*.c. */
#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
          "Run 'clustermatch COMMAND --help' (or 'clustermatch help COMMAND') for a command's options.\n", out);
}

/* A full disk shows up only when stdout is flushed: check it once, at the end of every
 * path, whatever the command found (`validate` of a bad profile onto /dev/full is still a
 * write error, and I/O wins over invalid input). A command that reported an I/O error
 * itself (rc == CM_EXIT_IO) is not told twice. */
static int finish(int rc)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (rc != CM_EXIT_IO) {
            fprintf(stderr, "clustermatch: error writing output: %s\n",
                    errno ? strerror(errno) : "write error");
            rc = CM_EXIT_IO;
        }
    }
    return rc;
}

/* Make sure fds 0, 1 and 2 are open: otherwise the first file opened takes fd 2, and
 * diagnostics written to "stderr" land in it (a batch run with `2>&-` wrote them into
 * summary.csv). A closed one is filled with /dev/null opened the wrong way round (stdin
 * for writing, stdout and stderr for reading), so it still acts closed: a write to stdout
 * fails with EBADF and is reported as before, yet no file can take its number. Returns -1
 * if one cannot be opened. */
static int open_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        int nfd = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
        if (nfd != fd) {   /* the lowest free fd is this one, unless open failed */
            if (nfd >= 0) close(nfd);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (open_std_fds() != 0) return CM_EXIT_IO;
    cm_cli cli = { .color = -1 };
    int i = 1;
    /* No setlocale: every character class and case fold is by ASCII rules (ascii.h), so
     * results never depend on the locale (LC_ALL=tr_TR.UTF-8 made "ICT" unknown). */
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
            else { cm_say(stderr, "clustermatch: --color wants auto, always or never, not '%s'", w); return CM_EXIT_USAGE; }
        } else {
            cm_say(stderr, "clustermatch: unknown option '%s'", a);
            fputs("Try 'clustermatch --help'.\n", stderr);
            return CM_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return CM_EXIT_USAGE;
    }
    /* `clustermatch help` is --help; `clustermatch help rank` is `clustermatch rank --help`. */
    if (!strcmp(argv[i], "help")) {
        if (i + 1 >= argc) {
            usage(stdout);
            return finish(CM_EXIT_OK);
        }
        for (size_t c = 0; c < sizeof commands / sizeof *commands; c++)
            if (!strcmp(argv[i + 1], commands[c].name)) {
                char *hargv[] = { argv[i + 1], (char *)"--help", NULL };
                return finish(commands[c].fn(2, hargv, &cli));
            }
        i++;   /* an unknown topic is reported as an unknown command, with a did-you-mean */
    }
    for (size_t c = 0; c < sizeof commands / sizeof *commands; c++)
        if (!strcmp(argv[i], commands[c].name))
            return finish(commands[c].fn(argc - i, argv + i, &cli));
    const char *names[sizeof commands / sizeof *commands];
    for (size_t c = 0; c < sizeof commands / sizeof *commands; c++) names[c] = commands[c].name;
    const char *sug = cm_suggest_among(names, sizeof names / sizeof *names, argv[i]);
    if (sug) {
        cm_say(stderr, "clustermatch: unknown command '%s' (did you mean '%s'?)", argv[i], sug);
    } else {
        cm_say(stderr, "clustermatch: unknown command '%s'", argv[i]);
        fputs("Try 'clustermatch --help'.\n", stderr);
    }
    return CM_EXIT_USAGE;
}
