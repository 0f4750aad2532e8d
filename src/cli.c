/* cli.c: option tables, help text, exit statuses and dataset loading for subcommands. */
#include "cli.h"
#include "compiled.h"

#include "yfield.h"

#include <stdarg.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void cli_help(FILE *out, const char *cmd, const char *usage, const char *about, const cm_opt *opts)
{
    fprintf(out, "usage: clustermatch %s %s\n\n%s\n", cmd, usage, about);
    if (!opts || !opts[0].name) return;
    fputs("\noptions:\n", out);
    for (const cm_opt *o = opts; o->name; o++) {
        char lhs[64];
        if (o->val < 256)
            snprintf(lhs, sizeof lhs, "-%c, --%s%s%s", o->val, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        else
            snprintf(lhs, sizeof lhs, "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(out, "  %-26s %s\n", lhs, o->help);
    }
    fprintf(out, "  %-26s %s\n", "-h, --help", "show this help");
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "clustermatch %s: ", cmd);
    cm_vsay(stderr, fmt, ap);   /* arguments are echoed: control characters escaped */
    fprintf(stderr, "Try 'clustermatch %s --help'.\n", cmd);
    va_end(ap);
    return CM_EXIT_USAGE;
}

int cli_parse(int argc, char **argv, const char *cmd, const char *usage, const char *about,
              const cm_opt *opts, int (*on_opt)(int val, const char *arg, void *ctx), void *ctx)
{
    size_t n = 0;
    while (opts[n].name) n++;
    struct option *lo = calloc(n + 2, sizeof *lo);
    char *so = malloc(3 * n + 4);
    int rc = -1;
    if (!lo || !so) goto out;
    char *sp = so;
    *sp++ = ':';        /* report missing arguments ourselves */
    for (size_t i = 0; i < n; i++) {
        lo[i] = (struct option){ opts[i].name, opts[i].arg ? required_argument : no_argument, NULL, opts[i].val };
        if (opts[i].val < 256) {
            *sp++ = (char)opts[i].val;
            if (opts[i].arg) *sp++ = ':';
        }
    }
    lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
    *sp++ = 'h';
    *sp = '\0';
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
        if (c == 'h') {
            cli_help(stdout, cmd, usage, about, opts);
            rc = -2;
            goto out;
        }
        if (c == '?' || c == ':') {
            const char *bad = argv[optind - 1];
            if (c == ':')
                cli_usage_error(cmd, "option '%s' needs an argument", bad);
            else if (optopt && optopt < 256 && bad[0] == '-' && bad[1] != '-')
                cli_usage_error(cmd, "unknown option '-%c'", optopt);
            else
                cli_usage_error(cmd, "unknown option '%s'", bad);
            goto out;
        }
        if (on_opt(c, optarg, ctx) != 0) goto out;
    }
    rc = optind;
out:
    free(lo);
    free(so);
    return rc;
}

void cli_report(const cm_diags *d)
{
    cm_diags_print(d, stderr, 1);
}

int cli_status(const cm_diags *d)
{
    if (d->nio) return CM_EXIT_IO;
    if (d->nerrors) return CM_EXIT_INPUT;
    return CM_EXIT_OK;
}

static int load_dataset(const cm_cli *cli, cm_dataset *ds, bool yaml)
{
    cm_diags d;
    cm_diags_init(&d);
    char *dir = cm_data_dir_resolve(cli->data_opt);
    int rc = CM_EXIT_OK;
    if (!dir || (yaml ? cm_dataset_load(ds, dir, &d) : cm_dataset_open(ds, dir, &d)) != 0) {
        cli_report(&d);
        rc = cli_status(&d);
        if (rc == CM_EXIT_OK) rc = CM_EXIT_IO;
    } else if (d.n) {
        cli_report(&d);          /* a stale compiled file: the one-line notice */
    }
    free(dir);
    cm_diags_release(&d);
    return rc;
}

int cli_load_dataset(const cm_cli *cli, cm_dataset *ds) { return load_dataset(cli, ds, false); }
int cli_load_dataset_yaml(const cm_cli *cli, cm_dataset *ds) { return load_dataset(cli, ds, true); }

int cli_model_init(const cm_dataset *ds, cm_model *m, cm_diags *d)
{
    size_t len;
    const void *img = cm_compiled_model(ds, &len);
    const char *why = NULL;
    if (img && cm_model_map(m, ds, img, len, &why) == 0) return 0;
    if (img) {                   /* said at once, like the stale-file notice */
        cm_diags w;
        cm_diags_init(&w);
        cm_warn(&w, ds->dir, 0, 0, "the scoring model in %s is not usable (%s): building it for this run; run "
                "'clustermatch data compile' to renew it", CM_COMPILED_NAME, why);
        cli_report(&w);
        cm_diags_release(&w);
    }
    return cm_model_init(m, ds, d);
}

int cli_number(const char *s, bool whole, double lo, double hi, double *x, unsigned long long *u)
{
    char *end;
    errno = 0;
    if (whole) {
        const char *d = *s == '+' ? s + 1 : s;
        if (*d < '0' || *d > '9') return -1;
        unsigned long long v = strtoull(d, &end, 10);
        if (*end || errno || (double)v < lo || (double)v > hi) return -1;
        if (u) *u = v;
        *x = (double)v;
        return 0;
    }
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi)) return -1;
    *x = v;
    return 0;
}

int cli_list_ok(const char *cmd, const char *opt, const char *list)
{
    size_t n = strlen(list);
    if (n && list[0] != ',' && list[n - 1] != ',' && !strstr(list, ",,")) return 0;
    cli_usage_error(cmd, "%s wants names separated by commas, not '%s'", opt, list);
    return -1;
}

int cli_number_opt(const char *cmd, const char *opt, const char *s, bool whole, double lo, double hi,
                   double *x, unsigned long long *u)
{
    if (cli_number(s, whole, lo, hi, x, u) == 0) return 0;
    if (!whole && strchr(s, ',')) {
        cli_usage_error(cmd, "%s wants a number with a decimal point, not a comma: '%s'", opt, s);
        return -1;
    }
    if (whole && lo == 0 && hi >= 18446744073709551615.0)
        cli_usage_error(cmd, "%s wants a non-negative whole number, not '%s'", opt, s);
    else
        cli_usage_error(cmd, "%s wants a %s from %.15g to %.15g, not '%s'", opt, whole ? "whole number" : "number",
                        lo, hi, s);
    return -1;
}

int cli_parse_weights(const char *cmd, const char *spec, double w[CM_NCOMP], bool set[CM_NCOMP])
{
    char *copy = strdup(spec), *save = NULL;
    int rc = -1;
    if (!copy) return -1;
    if (cli_list_ok(cmd, "--weight", spec)) goto out;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq && *tok >= '0' && *tok <= '9') {   /* sector=1,5 split at the comma */
            cli_usage_error(cmd, "--weight wants NAME=VALUE, got '%s': write decimals with a point "
                            "(sector=1.5), commas separate weights", tok);
            goto out;
        }
        if (!eq) { cli_usage_error(cmd, "--weight wants NAME=VALUE, got '%s'", tok); goto out; }
        *eq = '\0';
        int c = cm_component_parse(tok);
        if (c < 0) {
            cli_usage_error(cmd, "unknown weight '%s' (one of " CM_COMPONENT_LIST ")", tok);
            goto out;
        }
        double x;
        if (cli_number(eq + 1, false, 0, 1e6, &x, NULL) != 0) {
            cli_usage_error(cmd, "weight %s=%s must be a non-negative number", tok, eq + 1);
            goto out;
        }
        if (x > 0 && x < YF_WEIGHT_MIN) {
            cli_usage_error(cmd, "weight %s=%s is too small to matter (0 turns the component off; "
                            "else at least %g)", tok, eq + 1, YF_WEIGHT_MIN);
            goto out;
        }
        w[c] = x;
        set[c] = true;
    }
    rc = 0;
out:
    free(copy);
    return rc;
}
