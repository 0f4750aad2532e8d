/* yfield.c: typed field access with located errors (see yfield.h). */
#include "yfield.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "suggest.h"

/* The shortest decimal that reads back as x, so a refused value is shown as written:
 * 1.0000000000000002 must not be echoed as "1" beside "outside (0, 1]". */
const char *yf_fmt_num(double x, char buf[32])
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) break;
    }
    return buf;
}

int yf_check_keys(const yctx *c, const ynode *map, const char *const *allowed, const char *what)
{
    return yf_check_keys_hint(c, map, allowed, what, NULL, NULL);
}

int yf_check_keys_hint(const yctx *c, const ynode *map, const char *const *allowed, const char *what,
                       const char *(*hint)(const char *key, const void *ctx), const void *ctx)
{
    int bad = 0;
    size_t na = 0;
    while (allowed[na]) na++;
    for (size_t i = 0; i < map->n; i++) {
        const ynode *k = map->items[i];
        size_t j = 0;
        while (j < na && strcmp(allowed[j], k->str) != 0) j++;
        if (j < na) continue;
        const char *h = hint ? hint(k->str, ctx) : NULL;
        const char *s = cm_suggest_among(allowed, na, k->str);
        if (h)
            cm_error(c->d, c->file, k->line, k->col, "unknown key '%s' in %s: %s", k->str, what, h);
        else if (s)
            cm_error(c->d, c->file, k->line, k->col, "unknown key '%s' in %s (did you mean '%s'?)",
                     k->str, what, s);
        else
            cm_error(c->d, c->file, k->line, k->col, "unknown key '%s' in %s", k->str, what);
        bad++;
    }
    return bad;
}

int yf_expect_map(const yctx *c, const ynode *n, const char *what)
{
    if (n && n->type == YN_MAP) return 0;
    return cm_error(c->d, c->file, n ? n->line : 1, n ? n->col : 1,
                    "%s must be a mapping of keys to values, not %s", what, ynode_kind(n));
}

static int missing(const yctx *c, const ynode *map, const char *key)
{
    return cm_error(c->d, c->file, map->line, map->col, "missing required key '%s'", key);
}

int yf_str(const yctx *c, const ynode *map, const char *key, bool required, char **out)
{
    *out = NULL;
    const ynode *n = ynode_get(map, key);
    if (!n || ynode_is_null(n)) return required ? missing(c, map, key) : 0;
    if (n->type != YN_SCALAR)
        return cm_error(c->d, c->file, n->line, n->col, "'%s' must be a string, not %s",
                        key, ynode_kind(n));
    if (required && n->len == 0)
        return cm_error(c->d, c->file, n->line, n->col, "'%s' must not be empty", key);
    if (!(*out = strdup(n->str))) return cm_ioerror(c->d, c->file, "out of memory");
    return 0;
}

void yf_strlist_free(char **v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

int yf_strlist(const yctx *c, const ynode *map, const char *key, bool required,
               char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const ynode *v = ynode_get(map, key);
    if (!v || ynode_is_null(v)) return required ? missing(c, map, key) : 0;
    const ynode *const *items = (const ynode *const *)&v;
    size_t cnt = 1;
    if (v->type == YN_SEQ) {
        items = (const ynode *const *)v->items;
        cnt = v->n;
    } else if (v->type != YN_SCALAR) {
        return cm_error(c->d, c->file, v->line, v->col,
                        "'%s' must be a string or a list of strings, not %s", key, ynode_kind(v));
    }
    char **r = calloc(cnt ? cnt : 1, sizeof *r);
    if (!r) return cm_ioerror(c->d, c->file, "out of memory");
    for (size_t i = 0; i < cnt; i++) {
        const ynode *it = items[i];
        if (it->type != YN_SCALAR || ynode_is_null(it)) {
            cm_error(c->d, c->file, it->line, it->col, "items of '%s' must be strings, not %s",
                     key, ynode_kind(it));
            yf_strlist_free(r, i);
            return -1;
        }
        if (!(r[i] = strdup(it->str))) {
            yf_strlist_free(r, i);
            return cm_ioerror(c->d, c->file, "out of memory");
        }
    }
    *out = r;
    *n = cnt;
    return 0;
}

/* "0,5" is a decimal comma: say so, rather than only "not a string". */
static const char *decimal_comma(const ynode *n)
{
    if (n->type != YN_SCALAR || n->quoted) return "";
    const char *comma = strchr(n->str, ',');
    if (!comma || comma == n->str || strchr(comma + 1, ',')) return "";
    for (const char *p = n->str; *p; p++)
        if (p != comma && !(*p >= '0' && *p <= '9')) return "";
    return " (use a decimal point, not a comma)";
}

int yf_num(const yctx *c, const ynode *map, const char *key, bool required,
           double lo, double hi, double *out, bool *present)
{
    if (present) *present = false;
    const ynode *n = ynode_get(map, key);
    if (!n || ynode_is_null(n)) return required ? missing(c, map, key) : 0;
    double x;
    if (!ynode_double(n, &x))
        return cm_error(c->d, c->file, n->line, n->col, "'%s' must be a number, not %s%s",
                        key, ynode_kind(n), decimal_comma(n));
    if (!isfinite(x))
        return cm_error(c->d, c->file, n->line, n->col, "'%s' must be a finite number", key);
    char b[32];
    if (x < lo || x > hi)
        return cm_error(c->d, c->file, n->line, n->col, "'%s' is %s, outside [%g, %g]",
                        key, yf_fmt_num(x, b), lo, hi);
    *out = x;
    if (present) *present = true;
    return 0;
}

static bool valid_id(const char *s)
{
    if (!*s) return false;
    for (const char *p = s; *p; p++)
        if (!(cm_is_lower(*p) || cm_is_digit(*p) || (*p == '-' && p != s && p[1] && p[1] != '-')))
            return false;
    return true;
}

int yf_id(const yctx *c, const ynode *map, char **out)
{
    if (yf_str(c, map, "id", true, out) != 0) return -1;
    if (!valid_id(*out)) {
        const ynode *n = ynode_get(map, "id");
        cm_error(c->d, c->file, n->line, n->col, "id '%s' must be kebab-case: a-z, 0-9 and single hyphens", *out);
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int yf_bool(const yctx *c, const ynode *map, const char *key, bool *out)
{
    const ynode *n = ynode_get(map, key);
    if (!n || ynode_is_null(n)) return 0;
    if (!ynode_bool(n, out))
        return cm_error(c->d, c->file, n->line, n->col, "'%s' must be true or false, not %s",
                        key, ynode_kind(n));
    return 0;
}

int yf_weight(const yctx *c, const ynode *n, const char *what, double *out)
{
    double x;
    if (ynode_is_null(n))
        return cm_error(c->d, c->file, n->line, n->col, "weight of %s is missing", what);
    if (!ynode_double(n, &x))
        return cm_error(c->d, c->file, n->line, n->col,
                        "weight of %s must be a number in (0, 1], not %s%s", what, ynode_kind(n),
                        decimal_comma(n));
    if (!isfinite(x))
        return cm_error(c->d, c->file, n->line, n->col,
                        "weight of %s must be a finite number in (0, 1]", what);
    char b[32];
    if (x <= 0 || x > 1)
        return cm_error(c->d, c->file, n->line, n->col,
                        "weight of %s is %s, outside (0, 1]", what, yf_fmt_num(x, b));
    /* A weight a thousand times below the others changes no ranking, and one near the
     * bottom of the double range (1e-310) makes the profile vector's norm underflow. */
    if (x < YF_WEIGHT_MIN)
        return cm_error(c->d, c->file, n->line, n->col,
                        "weight of %s is %s, too small to matter (the smallest is %g); "
                        "leave %s out instead", what, yf_fmt_num(x, b), YF_WEIGHT_MIN, what);
    *out = x;
    return 0;
}
