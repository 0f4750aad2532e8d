/* dataset.h: the Chinese partners, with the vocabularies they are written in.
 *
 * cm_dataset_load reads a data directory (the vocabulary files and every YAML file in partners/) and checks
 * it completely: dangling sector, region and priority references, duplicate ids and alias
 * clashes, missing required fields, coordinates outside China, cycles in the sector
 * hierarchy. It reports every problem it finds with file:line:col, not only the first, so
 * `clustermatch data check` lists them all.
 *
 * Partners are kept sorted by id: that is the final tie-break of every ranking, so the
 * order of files on disk never changes a result.
 */
#ifndef CM_DATASET_H
#define CM_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "diag.h"
#include "taxonomy.h"

typedef struct cm_figure { char *label, *value; } cm_figure;

/* The approving level of a development zone: State Council (national) or province. */
typedef enum { CM_LEVEL_NONE, CM_LEVEL_NATIONAL, CM_LEVEL_PROVINCIAL, CM_NLEVELS } cm_level;
extern const char *const cm_level_names[CM_NLEVELS];   /* "", "national", "provincial" */
/* Index of a level name ("national" or "provincial"), or -1. */
int cm_level_parse(const char *s);

/* One row of data/zone-types.yaml. */
typedef struct cm_zone_type {
    char *id, *label, *label_zh;
    cm_level level;                        /* every zone of the type has this level */
} cm_zone_type;

typedef struct cm_partner {
    char *id, *name, *name_zh, *name_zh_hans;
    cm_kind kind;
    char *zone_type;                       /* zones only, else NULL */
    size_t zone_type_idx;                  /* index into cm_dataset.zone_types, or CM_NONE */
    cm_level level;                        /* zones only, else CM_LEVEL_NONE */
    char *code;                            /* catalogue code (G216022), or NULL */
    char **industries_zh; size_t nindustries_zh;  /* leading industries as the source prints them */
    size_t province, city;                 /* region indices; city may be CM_NONE */
    double lat, lon; bool approximate;
    size_t *sectors; double *sector_w; size_t nsectors;
    size_t *seeks; size_t nseeks;
    size_t *priorities; size_t npriorities;
    char *description, *website, *source;
    cm_figure *figures; size_t nfigures;
    int as_of;
    int ended;                             /* 'status: ended' with 'ended: YEAR': the year it
                                            * closed; 0 while active. Ended partners are left
                                            * out of rankings unless asked for */
    bool cross_sector;                     /* 'scope: cross-sector': a support body for any
                                            * sector, not matched on sectors (nsectors may be 0) */
    char *file; unsigned line, col;        /* where it was defined */
} cm_partner;

/* The score components (see CM_KINDS in taxonomy.h for the X-macro form). */
#define CM_COMPONENTS(X, SEP) \
    X(SECTOR, "sector") SEP X(REGION, "region") SEP X(POLICY, "policy") SEP X(GOAL, "goal") SEP X(KEYWORD, "keyword")
#define CM_COMPONENT_ENUM_(id, name) CM_C_##id
typedef enum { CM_COMPONENTS(CM_COMPONENT_ENUM_, CM_COMMA_), CM_NCOMP } cm_component;
#define CM_COMPONENT_LIST CM_COMPONENTS(CM_NAME_, ", ")   /* "sector, region, policy, goal, keyword" */
/* The names, and a NULL after them so the array is also a key list for yf_check_keys. */
extern const char *const cm_component_names[CM_NCOMP + 1];
int cm_component_parse(const char *s);

/* Read the `weights:` mapping of a weights file (data/weights.yaml, or `--weights FILE`)
 * into `w`. With `complete` (the data's own file, read with the data limits) every
 * component must be given and not all may be zero; without (an override file, read with the
 * profile limits) the components given replace those in `w` and the others are kept.
 * Returns 0, or -1 with errors in `d`. */
int cm_weights_load(const char *path, bool complete, double w[CM_NCOMP], cm_diags *d);

/* The memory of a dataset loaded other than from YAML (the compiled file, compiled.h):
 * cm_dataset_release calls `release` instead of freeing strings and arrays one by one. */
typedef struct cm_dataset_store { void (*release)(struct cm_dataset_store *); } cm_dataset_store;

typedef struct cm_dataset {
    char *dir;
    cm_taxonomy tax;
    cm_partner *partners; size_t npartners;
    cm_zone_type *zone_types; size_t nzone_types;  /* data/zone-types.yaml */
    double weights[CM_NCOMP];              /* defaults from data/weights.yaml, as written */
    time_t newest;                         /* newest mtime of any data file, for --resume */
    cm_dataset_store *compiled;            /* loaded from a compiled file: it owns the strings
                                            * and arrays above (NULL: loaded from YAML) */
} cm_dataset;

/* The files of a data directory besides partners/ *.yaml, in load order (NULL-ended);
 * regions-divisions.yaml may be absent. The compiled dataset's manifest and --resume's
 * `newest` both cover exactly these and the partner files. */
extern const char *const cm_data_files[];
/* The partner files of `dir`: names (not paths) of partners/ *.yaml and *.yml, no hidden
 * ones, in byte order. Returns 0 with a malloc'd list, or -1 with an I/O error in `d`. */
int cm_partner_files(const char *dir, char ***names, size_t *n, cm_diags *d);

void cm_dataset_init(cm_dataset *ds);
void cm_dataset_release(cm_dataset *ds);
/* Load and check `dir` from its YAML. Returns 0, or -1 with every problem found in `d`. */
int cm_dataset_load(cm_dataset *ds, const char *dir, cm_diags *d);
/* cm_dataset_open (compiled.h) loads a directory from its compiled file when current. */
/* Check one partners file held in memory (`name` stands for it in diagnostics) against the
 * vocabularies of a loaded `ds`, as `data check` would, without adding its partners to `ds`.
 * Returns 0, or -1 with every problem found in `d`. For fuzzing and tests. */
int cm_partners_check_mem(const cm_dataset *ds, const char *name, const char *buf, size_t len,
                          cm_diags *d);
/* Zone-type index by id, or CM_NONE. */
size_t cm_zone_type_find(const cm_dataset *ds, const char *id);

/* Coverage of the data, for `data check`: what share of the leading-industry phrases the
 * sector vocabulary resolves, and which records lack a city. */
typedef struct cm_coverage {
    size_t mentions, mapped;               /* industries-zh phrases, and those naming a sector */
    size_t zones, zones_no_city;           /* partners of kind zone, and those without a city */
    size_t no_city[CM_NKINDS];             /* partners without a city, by kind */
    size_t *zones_per_sector;              /* [nsectors]: zones naming the sector directly */
    size_t *zones_per_type;                /* [nzone_types] */
} cm_coverage;
/* Fill `cv` from a loaded dataset. Returns 0, or -1 when out of memory. Release with
 * cm_coverage_release. */
int cm_coverage_compute(const cm_dataset *ds, cm_coverage *cv);
void cm_coverage_release(cm_coverage *cv);

/* Partner index by id, or CM_NONE. */
size_t cm_partner_find(const cm_dataset *ds, const char *id);

/* The data directory to use: `opt` (from --data) if given, else $CLUSTERMATCH_DATA, else the
 * installed location, else ./data. Returns a string owned by the caller. */
char *cm_data_dir_resolve(const char *opt);

#endif
