/* cli_rank.c: the ranking options rank and batch share, resolved against the dataset. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "yfield.h"

enum { O_TOP = 'n', O_KIND = 'k', O_REGION = 'r', O_SECTOR = 's', O_FORMAT = 'f', O_OUTPUT = 'o',
       O_EXPLAIN = 'e', O_WEIGHTS = 'w', O_MIN = 256, O_WEIGHT, O_DIVERSITY, O_STABILITY, O_SEED, O_MUTUAL,
       O_INCLUDE_ENDED, O_ZONE_TYPE, O_LEVEL, O_FLOOR, O_LANG };

const cm_opt cli_rank_opts[] = {
    { "top", O_TOP, "N", "number of suggestions (default 10)" },
    { "kind", O_KIND, "KINDS", "only these partner kinds, comma-separated: " CM_KINDS(CM_NAME_, ",") },
    { "region", O_REGION, "REGION", "only partners in this region (province, city, city cluster, macro-region)" },
    { "sector", O_SECTOR, "SECTOR", "only partners in this sector or below it" },
    { "zone-type", O_ZONE_TYPE, "TYPE", "only zones of this type (see data/zone-types.yaml)" },
    { "level", O_LEVEL, "LEVEL", "only zones of this level: national or provincial" },
    { "min-score", O_MIN, "X", "only suggestions scoring at least X (0-100)" },
    { "floor", O_FLOOR, "F", "relevance floor: only partners sharing a sector and scoring F x the best; default 0.3, 0 = off" },
    { "format", O_FORMAT, "FMT", "table, tsv, csv, csv-excel, json, md, xlsx, html or pdf" },
    { "output", O_OUTPUT, "FILE", "write to FILE atomically ('-' for stdout)" },
    { "lang", O_LANG, "LANG", "en (default), or zh: html and pdf write a one-page Chinese introduction for each partner" },
    { "explain", O_EXPLAIN, NULL, "add each component's points, the matched terms and policy notes" },
    { "weights", O_WEIGHTS, "FILE", "component weights from a YAML file like data/weights.yaml" },
    { "weight", O_WEIGHT, "SPEC", "override weights, e.g. sector=0.5,keyword=0" },
    { "diversity", O_DIVERSITY, "L", "trade score for variety (maximal marginal relevance), L in [0,1]; default 0.3, 0 = by score alone" },
    { "stability", O_STABILITY, "N", "sample N weight vectors and report each suggestion's top-k share" },
    { "seed", O_SEED, "S", "seed for --stability (default 1)" },
    { "mutual", O_MUTUAL, NULL, "score the harmonic mean of your fit and the Chinese side's interest" },
    { "include-ended", O_INCLUDE_ENDED, NULL, "also suggest partners that have ended (closed programmes)" },
    { 0 },
};

const cm_opt *cli_rank_opt_named(const char *name)
{
    for (const cm_opt *o = cli_rank_opts; o->name; o++)
        if (!strcmp(o->name, name)) return o;
    return NULL;
}

int cli_rank_opt(int val, const char *arg, void *ctx)
{
    cm_rank_cli *r = ctx;
    switch (val) {
    case O_TOP: r->top = arg; break;
    case O_KIND: r->kinds = arg; break;
    case O_REGION: r->region = arg; break;
    case O_SECTOR: r->sector = arg; break;
    case O_ZONE_TYPE: r->zone_type = arg; break;
    case O_LEVEL: r->level = arg; break;
    case O_MIN: r->min_score = arg; break;
    case O_FLOOR: r->floor = arg; break;
    case O_FORMAT: r->format = arg; break;
    case O_OUTPUT: r->output = arg; break;
    case O_LANG: r->lang = arg; break;
    case O_EXPLAIN: r->explain = true; break;
    case O_WEIGHTS: r->weights_file = arg; break;
    case O_WEIGHT: r->weight_spec = arg; break;
    case O_DIVERSITY: r->diversity = arg; break;
    case O_STABILITY: r->stability = arg; break;
    case O_SEED: r->seed = arg; break;
    case O_MUTUAL: r->mutual = true; break;
    case O_INCLUDE_ENDED: r->include_ended = true; break;
    default: return -1;
    }
    return 0;
}

static int load_weights_file(const char *path, double w[CM_NCOMP])
{
    cm_diags d;
    cm_diags_init(&d);
    int rc = CM_EXIT_OK;
    if (cm_weights_load(path, false, w, &d) != 0) {
        cli_report(&d);
        rc = cli_status(&d);
    }
    cm_diags_release(&d);
    return rc;
}

int cli_rank_finish(const char *cmd, cm_rank_cli *r, const cm_dataset *ds)
{
    cm_rank_opts *o = &r->ro;
    const cm_taxonomy *t = &ds->tax;
    cm_rank_opts_init(o, ds);
    double x;
    unsigned long long seed;
    if (r->top && cli_number_opt(cmd, "--top", r->top, true, 1, 10000, &x, NULL)) return CM_EXIT_USAGE;
    if (r->top) o->top = (size_t)x;
    if (r->min_score && cli_number_opt(cmd, "--min-score", r->min_score, false, 0, 100, &o->min_score, NULL))
        return CM_EXIT_USAGE;
    if (r->floor && cli_number_opt(cmd, "--floor", r->floor, false, 0, 1, &o->floor, NULL))
        return CM_EXIT_USAGE;
    if (r->diversity && cli_number_opt(cmd, "--diversity", r->diversity, false, 0, 1, &o->diversity, NULL))
        return CM_EXIT_USAGE;
    if (r->stability && cli_number_opt(cmd, "--stability", r->stability, true, 1, 100000, &x, NULL))
        return CM_EXIT_USAGE;
    if (r->stability) o->stability = (unsigned)x;
    if (r->seed && cli_number_opt(cmd, "--seed", r->seed, true, 0, 18446744073709551615.0, &x, &seed))
        return CM_EXIT_USAGE;
    if (r->seed) o->seed = (unsigned long)seed;
    o->mutual = r->mutual;
    o->include_ended = r->include_ended;
    if (r->output && !*r->output) return cli_usage_error(cmd, "--output wants a file name ('-' for standard output)");
    if (r->kinds && cli_list_ok(cmd, "--kind", r->kinds)) return CM_EXIT_USAGE;
    if (r->kinds) {
        char *copy = strdup(r->kinds), *save = NULL;
        if (!copy) return CM_EXIT_IO;
        for (char *k = strtok_r(copy, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
            int kind = cm_kind_parse(k);
            if (kind < 0) {
                const char *sug = cm_suggest_among(cm_kind_names, CM_NKINDS, k);
                int rc = sug ? cli_usage_error(cmd, "unknown kind '%s' (did you mean '%s'?)", k, sug)
                             : cli_usage_error(cmd, "unknown kind '%s' (one of " CM_KIND_LIST ")", k);
                free(copy);
                return rc;
            }
            o->kinds |= 1u << kind;
        }
        free(copy);
    }
    if (r->region && (o->region = cm_region_find(t, r->region)) == CM_NONE) {
        char *m = cm_region_miss(t, "region", r->region);
        int rc = cli_usage_error(cmd, "%s", m ? m : "unknown region (out of memory)");
        free(m);
        return rc;
    }
    char said[1024];
    if (r->region && cm_region_understood(t, o->region, r->region, said, sizeof said))
        fprintf(stderr, "clustermatch %s: note: --region %s\n", cmd, said);
    if (r->sector && (o->sector = cm_sector_find(t, r->sector)) == CM_NONE) {
        const char *sug = cm_suggest(t, CM_VOCAB_SECTOR, r->sector);
        return sug ? cli_usage_error(cmd, "unknown sector '%s' (did you mean '%s'?)", r->sector, sug)
                   : cli_usage_error(cmd, "unknown sector '%s' (see 'clustermatch list sectors')", r->sector);
    }
    if (r->zone_type && (o->zone_type = cm_zone_type_find(ds, r->zone_type)) == CM_NONE) {
        const char **ids = malloc((ds->nzone_types ? ds->nzone_types : 1) * sizeof *ids);
        if (!ids) return CM_EXIT_IO;
        for (size_t z = 0; z < ds->nzone_types; z++) ids[z] = ds->zone_types[z].id;
        const char *sug = cm_suggest_among(ids, ds->nzone_types, r->zone_type);
        int rc = sug ? cli_usage_error(cmd, "unknown zone type '%s' (did you mean '%s'?)", r->zone_type, sug)
                     : cli_usage_error(cmd, "unknown zone type '%s' (see data/zone-types.yaml)", r->zone_type);
        free(ids);
        return rc;
    }
    if (r->level) {
        int lv = cm_level_parse(r->level);
        if (lv < 0) return cli_usage_error(cmd, "--level wants national or provincial, not '%s'", r->level);
        o->level = (cm_level)lv;
    }
    if (r->weights_file) {
        int rc = load_weights_file(r->weights_file, o->weights);
        if (rc) return rc;
    }
    if (r->weight_spec) {
        bool set[CM_NCOMP] = { 0 };
        if (cli_parse_weights(cmd, r->weight_spec, o->weights, set)) return CM_EXIT_USAGE;
    }
    double sum = 0;
    for (int c = 0; c < CM_NCOMP; c++) sum += o->weights[c];
    if (!(sum > 0) && !r->weight_spec) {   /* the file's fault: name it */
        cm_say(stderr, "%s: error: every weight is zero (a component it leaves out keeps its default)",
               r->weights_file);
        return CM_EXIT_INPUT;
    }
    if (!(sum > 0)) return cli_usage_error(cmd, "all weights are zero");
    return CM_EXIT_OK;
}

int cli_pick_format(const char *cmd, const char *format, const char *output, bool tty)
{
    if (format) {
        int f = cm_format_parse(format);
        if (f < 0) {
            const char *sug = cm_suggest_among(cm_format_names, CM_NFORMATS, format);
            if (sug) cli_usage_error(cmd, "unknown format '%s' (did you mean '%s'?)", format, sug);
            else cli_usage_error(cmd, "unknown format '%s' (one of table, tsv, csv, csv-excel, json, md, xlsx, html, pdf)", format);
        }
        return f;
    }
    if (output && strcmp(output, "-") != 0) {
        const char *dot = strrchr(output, '.');
        for (int f = 0; dot && f < CM_NFORMATS; f++)
            if (cm_format_ext[f] && !strcmp(dot + 1, cm_format_ext[f])) return f;
        if (dot && !strcmp(dot + 1, "htm")) return CM_FMT_HTML;
        if (dot && !strcmp(dot + 1, "markdown")) return CM_FMT_MD;
        return CM_FMT_TSV;
    }
    return tty ? CM_FMT_TABLE : CM_FMT_TSV;
}

int cli_pick_lang(const char *cmd, const char *lang, int fmt, bool *zh)
{
    *zh = false;
    if (!lang || !strcmp(lang, "en")) return 0;
    if (strcmp(lang, "zh") != 0)
        return cli_usage_error(cmd, "unknown language '%s' (en or zh)", lang);
    if (strcmp(cmd, "rank") != 0)
        return cli_usage_error(cmd, "--lang zh is for 'rank': one profile, a page for each partner");
    if (fmt != CM_FMT_HTML && fmt != CM_FMT_PDF)
        return cli_usage_error(cmd, "--lang zh writes the html or pdf report (-o FILE.html or FILE.pdf), not %s",
                               cm_format_names[fmt]);
    *zh = true;
    return 0;
}

void cli_export_opts(const cm_cli *cli, bool explain, cm_export_opts *eo)
{
    memset(eo, 0, sizeof *eo);
    eo->explain = explain;
    bool tty = isatty(STDOUT_FILENO);
    const char *nc = getenv("NO_COLOR");
    eo->color = cli->color == 1 || (cli->color == -1 && tty && !(nc && *nc));
    if (tty) {
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) eo->width = ws.ws_col;
    }
    const char *cols = getenv("COLUMNS");
    double w;
    if (!eo->width && cols && cli_number(cols, true, 1, 100000, &w, NULL) == 0) eo->width = (int)w;
}
