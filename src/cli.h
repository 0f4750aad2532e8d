/* cli.h: what the subcommands share: global options, option tables that also print
 * --help, exit statuses, and loading the dataset. Only main.c and cmd_*.c include it; the
 * core modules know nothing of the command line.
 */
#ifndef CM_CLI_H
#define CM_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "dataset.h"
#include "diag.h"

/* Exit statuses (documented in README.md and the man page). */
enum {
    CM_EXIT_OK = 0,        /* success */
    CM_EXIT_INPUT = 1,     /* invalid input: a profile or the data */
    CM_EXIT_USAGE = 2,     /* bad command line */
    CM_EXIT_IO = 3,        /* I/O failure: missing file, unreadable, disk full */
    CM_EXIT_PARTIAL = 4,   /* batch: some profiles failed, the others were ranked */
};

typedef struct cm_cli {
    const char *data_opt;  /* --data DIR */
    bool quiet;
    int color;             /* -1 auto, 0 never, 1 always */
} cm_cli;

/* An option declared once: getopt uses it, --help prints it. */
typedef struct cm_opt {
    const char *name;      /* long name */
    int val;               /* short letter or an id >= 256 */
    const char *arg;       /* argument name, or NULL for a flag */
    const char *help;
} cm_opt;

typedef struct cm_command {
    const char *name;
    int (*fn)(int argc, char **argv, cm_cli *cli);
    const char *summary;
} cm_command;

/* Parse argv with `opts` (terminated by a zero entry). Calls `on_opt` for each option;
 * handles --help. Returns the index of the first operand, or -1 after a usage error (the
 * message printed), or -2 after --help was printed. */
int cli_parse(int argc, char **argv, const char *cmd, const char *usage, const char *about,
              const cm_opt *opts, int (*on_opt)(int val, const char *arg, void *ctx), void *ctx);
void cli_help(FILE *out, const char *cmd, const char *usage, const char *about, const cm_opt *opts);

/* Print a usage error for `cmd` and return CM_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print diagnostics to stderr (with source lines) and map them to an exit status. */
void cli_report(const cm_diags *d);
int cli_status(const cm_diags *d);

/* Resolve and load the data directory (its compiled file when current, see compiled.h);
 * on failure prints and returns the exit status. A stale compiled file is reported in one
 * line on stderr and the YAML read instead. */
int cli_load_dataset(const cm_cli *cli, cm_dataset *ds);
/* The same from the YAML always (data check, data compile). */
int cli_load_dataset_yaml(const cm_cli *cli, cm_dataset *ds);

/* The one number parser of the command line. `s` must be a whole number (decimal digits,
 * an optional leading '+') when `whole`, else a decimal number, and lie in [lo, hi].
 * Returns 0 with the value in *x (and, for a whole number, exactly in *u if `u` is not
 * NULL: seeds use all 64 bits), or -1 and prints nothing. */
int cli_number(const char *s, bool whole, double lo, double hi, double *x, unsigned long long *u);
/* A comma-separated list of names for option `opt`: none empty (`--kind ,`, `--weight ''`
 * are usage errors, reported here). Returns 0 or -1. */
int cli_list_ok(const char *cmd, const char *opt, const char *list);
/* cli_number for option `opt` of `cmd`; on a bad value prints "OPT wants a whole number
 * from LO to HI, not 'S'" and returns -1. */
int cli_number_opt(const char *cmd, const char *opt, const char *s, bool whole, double lo, double hi,
                   double *x, unsigned long long *u);

/* Parse "sector=0.5,region=0.2"; returns 0 or -1 (message printed for `cmd`). */
int cli_parse_weights(const char *cmd, const char *spec, double w[CM_NCOMP], bool set[CM_NCOMP]);

int cmd_rank(int argc, char **argv, cm_cli *cli);
int cmd_batch(int argc, char **argv, cm_cli *cli);
int cmd_explain(int argc, char **argv, cm_cli *cli);
int cmd_validate(int argc, char **argv, cm_cli *cli);
int cmd_list(int argc, char **argv, cm_cli *cli);
int cmd_data(int argc, char **argv, cm_cli *cli);
int cmd_init(int argc, char **argv, cm_cli *cli);
int cmd_serve(int argc, char **argv, cm_cli *cli);

/* ---- shared by rank, batch and explain ---- */
#include "export.h"
#include "rank.h"

/* The scoring model of `ds`: mapped from the model section of its compiled file when that
 * was made by this build for this data (nothing is built), else built from `ds`; a
 * compiled file whose model is refused is reported in one line on stderr. Returns 0, or
 * -1 with the error in `d`. */
int cli_model_init(const cm_dataset *ds, cm_model *m, cm_diags *d);

typedef struct cm_rank_cli {
    cm_rank_opts ro;
    const char *format, *output, *weights_file, *weight_spec, *region, *sector, *kinds;
    const char *zone_type, *level, *lang;
    const char *top, *min_score, *floor, *diversity, *stability, *seed;
    bool mutual, include_ended;
    bool explain;
} cm_rank_cli;

/* Options common to rank and batch, and their handler (ctx is a cm_rank_cli). */
extern const cm_opt cli_rank_opts[];
int cli_rank_opt(int val, const char *arg, void *ctx);
/* The entry of cli_rank_opts with this long name (another command reusing a rank option
 * takes its id from here, never a copy of the number), or NULL. */
const cm_opt *cli_rank_opt_named(const char *name);
/* Resolve the textual options against the dataset into rc->ro. Returns 0 or an exit status. */
int cli_rank_finish(const char *cmd, cm_rank_cli *rc, const cm_dataset *ds);
/* The format to use: --format, else from the output file's extension, else table on a
 * terminal and tsv otherwise. Returns -1 after a usage error. */
int cli_pick_format(const char *cmd, const char *format, const char *output, bool tty);
/* --lang: NULL or "en" is English; "zh" (rank, html or pdf only) sets *zh. Returns 0, or
 * CM_EXIT_USAGE after a usage error. */
int cli_pick_lang(const char *cmd, const char *lang, int fmt, bool *zh);
/* Export options for stdout: colour and width from the terminal. */
void cli_export_opts(const cm_cli *cli, bool explain, cm_export_opts *eo);

#endif
