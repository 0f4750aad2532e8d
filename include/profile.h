/* profile.h: a European cluster's profile, parsed and validated against the taxonomy.
 *
 * A profile file holds one profile or a YAML stream of several (`---`). Validation resolves
 * every vocabulary term (ids, aliases, pinyin and Chinese region names) to indices and
 * reports each problem with file:line:col and, for unknown terms, a did-you-mean. A
 * profile that validated is complete: later stages never check it again.
 *
 * A partnership profile (`kind: partnership`) carries its members, inline or loaded from
 * files relative to the partnership file; each member is itself a validated profile.
 */
#ifndef CM_PROFILE_H
#define CM_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "diag.h"
#include "dataset.h"

typedef struct cm_wterm { size_t idx; double w; } cm_wterm;

typedef struct cm_profile cm_profile;
struct cm_profile {
    char *id;                      /* `id:` or derived from the file name */
    char *name;
    char *file; unsigned line;     /* where the document starts */
    time_t mtime;                  /* of the file, for --resume */
    char **countries; size_t ncountries;
    cm_wterm *sectors; size_t nsectors;        /* weights in (0,1] */
    cm_wterm *seeks; size_t nseeks;            /* sectors the cluster wants */
    cm_wterm *offers; size_t noffers;          /* sectors the cluster brings */
    char **terms; size_t nterms;               /* offers/seeks items that are not sectors */
    cm_wterm *regions; size_t nregions;
    size_t *priorities; size_t npriorities;    /* explicit; empty = derive from sectors */
    char **keywords; size_t nkeywords;
    size_t *goals; size_t ngoals;
    unsigned kinds;                            /* bit mask of cm_kind; 0 = all kinds */
    char **exclude; size_t nexclude;           /* partner ids, checked against the dataset */
    bool partnership;
    cm_profile *members; size_t nmembers;
};

typedef struct cm_profile_set {
    cm_profile *v; size_t n, cap;
} cm_profile_set;

void cm_profile_set_init(cm_profile_set *s);
void cm_profile_set_release(cm_profile_set *s);
void cm_profile_release(cm_profile *p);

/* Parse every document of `path` and append the valid profiles to `out`. Invalid documents
 * are reported in `d` and skipped. Returns the number of invalid documents, or -1 if the
 * file could not be read or parsed at all. */
int cm_profile_load(cm_profile_set *out, const char *path, const cm_dataset *ds, cm_diags *d);
/* The same from `len` bytes at `buf` (for fuzzing and tests); `name` stands for the file in
 * diagnostics and member files are looked up relative to it. */
int cm_profile_load_mem(cm_profile_set *out, const char *name, const char *buf, size_t len,
                        const cm_dataset *ds, cm_diags *d);

/* The commented template `clustermatch init` writes (also docs/profile.md's example). */
extern const char cm_profile_template[];

#endif
