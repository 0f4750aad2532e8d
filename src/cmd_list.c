/* cmd_list.c: `clustermatch list sectors|regions|priorities|goals|partners`, so a user can
 * write a profile without opening data/. Output is TSV-like aligned text: id first. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { OPT_KIND = 'k', OPT_LEVEL = 'l' };

static const cm_opt opts[] = {
    { "kind", OPT_KIND, "KIND", "partners: only this kind (" CM_KIND_LIST ")" },
    { "level", OPT_LEVEL, "LEVEL", "regions: only macro, province, city or cluster" },
    { 0 },
};

typedef struct { const char *kind, *level; } list_opts;

static int on_opt(int val, const char *arg, void *ctx)
{
    list_opts *o = ctx;
    if (val == OPT_KIND) o->kind = arg;
    if (val == OPT_LEVEL) o->level = arg;
    return 0;
}

static void print_sector(const cm_taxonomy *t, size_t i, int indent)
{
    const cm_sector *s = &t->sectors[i];
    printf("%*s%-*s  %s", indent * 2, "", 34 - indent * 2, s->id, s->label);
    if (s->naliases) {
        fputs("  [", stdout);
        for (size_t a = 0; a < s->naliases; a++) printf("%s%s", a ? "; " : "", s->aliases[a]);
        putchar(']');
    }
    putchar('\n');
    for (size_t j = 0; j < t->nsectors; j++)
        for (size_t p = 0; p < t->sectors[j].nparents; p++)
            if (t->sectors[j].parents[p] == i && indent < 8) print_sector(t, j, indent + 1);
}

int cmd_list(int argc, char **argv, cm_cli *cli)
{
    list_opts o = { 0 };
    static const char usage[] = "sectors|regions|priorities|goals|partners [--kind K] [--level L]";
    int first = cli_parse(argc, argv, "list", usage,
                          "List a vocabulary or the partners: the ids a profile may use.", opts, on_opt, &o);
    if (first == -2) return CM_EXIT_OK;
    if (first < 0) return CM_EXIT_USAGE;
    if (first >= argc) return cli_usage_error("list", "what to list? one of sectors, regions, priorities, goals, partners");
    const char *what = argv[first];
    static const char *const whats[] = { "sectors", "regions", "priorities", "goals", "partners" };
    size_t w = 0;
    while (w < 5 && strcmp(whats[w], what)) w++;
    if (w == 5) {
        const char *sug = cm_suggest_among(whats, 5, what);
        return sug ? cli_usage_error("list", "cannot list '%s' (did you mean '%s'?)", what, sug)
                   : cli_usage_error("list", "cannot list '%s'", what);
    }
    int kind = -1;
    if (o.kind && (kind = cm_kind_parse(o.kind)) < 0)
        return cli_usage_error("list", "unknown kind '%s' (one of " CM_KIND_LIST ")", o.kind);
    static const char *const levels[] = { "macro", "province", "city", "cluster" };
    int level = -1;
    if (o.level) {
        for (int l = 0; l < 4; l++) if (!strcmp(levels[l], o.level)) level = l;
        if (level < 0) return cli_usage_error("list", "unknown level '%s' (one of macro, province, city, cluster)", o.level);
    }
    cm_dataset ds;
    cm_dataset_init(&ds);
    int rc = cli_load_dataset(cli, &ds);
    if (rc != CM_EXIT_OK) goto out;
    const cm_taxonomy *t = &ds.tax;
    switch (w) {
    case 0:
        for (size_t i = 0; i < t->nsectors; i++)
            if (!t->sectors[i].nparents) print_sector(t, i, 0);
        break;
    case 1:
        for (int l = 0; l < 4; l++) {
            if (level >= 0 && l != level) continue;
            for (size_t i = 0; i < t->nregions; i++) {
                const cm_region *r = &t->regions[i];
                if ((int)r->level != l) continue;
                printf("%-24s %-9s %-28s %s", r->id, levels[l], r->name, r->zh_hans ? r->zh_hans : "");
                if (r->level == CM_REG_CITY && r->province != CM_NONE) printf("  (%s)", t->regions[r->province].id);
                if (r->world_class) fputs("  world-class city cluster", stdout);
                putchar('\n');
            }
        }
        break;
    case 2:
        for (size_t i = 0; i < t->npriorities; i++) {
            const cm_programme *pg = &t->programmes[t->priorities[i].programme];
            printf("%-40s %-26s %s", t->priorities[i].id, pg->id, t->priorities[i].label);
            if (pg->ended) printf(" (plan ended %d)", pg->ended);
            putchar('\n');
        }
        break;
    case 3:
        for (size_t i = 0; i < t->ngoals; i++) {
            printf("%-22s %-28s fit:", t->goals[i].id, t->goals[i].label);
            for (int k = 0; k < CM_NKINDS; k++) printf(" %s %.2f", cm_kind_names[k], t->goal_fit[i][k]);
            putchar('\n');
        }
        break;
    case 4:
        for (size_t i = 0; i < ds.npartners; i++) {
            const cm_partner *p = &ds.partners[i];
            if (kind >= 0 && (int)p->kind != kind) continue;
            printf("%-44s %-12s %-16s %s\n", p->id, cm_kind_names[p->kind], t->regions[p->province].id, p->name);
        }
        break;
    }
out:
    cm_dataset_release(&ds);
    return rc;
}
