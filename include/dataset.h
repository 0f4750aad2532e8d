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

typedef struct cm_partner {
    char *id, *name, *name_zh, *name_zh_hans;
    cm_kind kind;
    char *zone_type;                       /* zones only, else NULL */
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

typedef struct cm_dataset {
    char *dir;
    cm_taxonomy tax;
    cm_partner *partners; size_t npartners;
    double weights[CM_NCOMP];              /* defaults from data/weights.yaml, as written */
    time_t newest;                         /* newest mtime of any data file, for --resume */
} cm_dataset;

void cm_dataset_init(cm_dataset *ds);
void cm_dataset_release(cm_dataset *ds);
/* Load and check `dir`. Returns 0, or -1 with every problem found in `d`. */
int cm_dataset_load(cm_dataset *ds, const char *dir, cm_diags *d);
/* Check one partners file held in memory (`name` stands for it in diagnostics) against the
 * vocabularies of a loaded `ds`, as `data check` would, without adding its partners to `ds`.
 * Returns 0, or -1 with every problem found in `d`. For fuzzing and tests. */
int cm_partners_check_mem(const cm_dataset *ds, const char *name, const char *buf, size_t len,
                          cm_diags *d);
/* Partner index by id, or CM_NONE. */
size_t cm_partner_find(const cm_dataset *ds, const char *id);

/* The data directory to use: `opt` (from --data) if given, else $CLUSTERMATCH_DATA, else the
 * installed location, else ./data. Returns a string owned by the caller. */
char *cm_data_dir_resolve(const char *opt);

#endif
