/* yfield.h: reading typed fields out of located YAML, with file:line:col errors.
 *
 * Shared by the data loader and the profile validator so both speak the same messages:
 * "unknown key 'secotrs' (did you mean 'sectors'?)", "'name' must be a string, not a list".
 * Every getter returns 0 on success (absent optional fields included) and -1 after
 * reporting an error in `d`.
 */
#ifndef CM_YFIELD_H
#define CM_YFIELD_H

#include <stdbool.h>
#include <stddef.h>
#include "diag.h"
#include "ydoc.h"

typedef struct yctx {
    const char *file;
    cm_diags *d;
} yctx;

/* Every key of `map` must be one of `allowed` (NULL-terminated). `what` names the mapping
 * in messages ("profile", "sector"). Returns the number of unknown keys reported. */
int yf_check_keys(const yctx *c, const ynode *map, const char *const *allowed, const char *what);

/* The same, with `hint` asked first for each unknown key: a text to say instead of the
 * did-you-mean, or NULL. */
int yf_check_keys_hint(const yctx *c, const ynode *map, const char *const *allowed, const char *what,
                       const char *(*hint)(const char *key, const void *ctx), const void *ctx);

/* `map` must be a mapping; `what` names it. */
int yf_expect_map(const yctx *c, const ynode *n, const char *what);

/* A string field. Required: missing or null is an error. *out is malloc'd or NULL. */
int yf_str(const yctx *c, const ynode *map, const char *key, bool required, char **out);
/* A string or a list of strings (a single string counts as a list of one). */
int yf_strlist(const yctx *c, const ynode *map, const char *key, bool required,
               char ***out, size_t *n);
/* A finite number, optionally in [lo, hi]. *present tells whether it was given. */
int yf_num(const yctx *c, const ynode *map, const char *key, bool required,
           double lo, double hi, double *out, bool *present);
/* The required key `id`: kebab-case ASCII (a-z, 0-9, single inner hyphens), the form every
 * vocabulary and partner id takes (ids name files, URLs and CSV cells). */
int yf_id(const yctx *c, const ynode *map, char **out);
int yf_bool(const yctx *c, const ynode *map, const char *key, bool *out);

/* The smallest weight accepted (see yf_weight). */
#define YF_WEIGHT_MIN 0.001

/* A weight as a node (map value): finite, in [YF_WEIGHT_MIN, 1]; 0 and negative weights
 * are reported as outside (0, 1], tiny positive ones as too small to matter. */
int yf_weight(const yctx *c, const ynode *n, const char *what, double *out);

void yf_strlist_free(char **v, size_t n);

/* x as the shortest decimal (%g style) that reads back as x;
 * returns buf. */
const char *yf_fmt_num(double x, char buf[32]);

#endif
