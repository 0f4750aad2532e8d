/* serve_int.h: private to serve*.c: the submitted form, the pages, the built-in assets.
 *
 * serve.c speaks HTTP; serve_form.c turns a form into profile YAML (and YAML back into a
 * form), validates it with the profile loader and renders the pages; serve_assets.c holds
 * the files of web/ built into the binary. Nothing here prints or touches a file.
 */
#ifndef CM_SERVE_INT_H
#define CM_SERVE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "export.h"
#include "export_util.h"   /* cmx_buf */
#include "profile.h"
#include "score.h"

/* ---- built-in assets (serve_assets.c) ---- */
typedef struct sv_asset {
    const char *path;            /* "/app.css" */
    const char *type;            /* full Content-Type with charset */
    const unsigned char *data;
    size_t len;
} sv_asset;
/* The asset at URL path `path` ("/app.css"); false if there is none. */
bool sv_asset_find(const char *path, sv_asset *out);

#define SV_MAX_FIELDS 400            /* form fields in one request */

/* ---- the submitted fields, in order (serve.c fills them from the request body) ---- */
typedef struct sv_field { char *key, *val; size_t len; char *filename; } sv_field;
typedef struct sv_fields { sv_field *v; size_t n, cap; } sv_fields;
void sv_fields_release(sv_fields *f);
/* The first value of `key`, or NULL. */
const char *sv_get(const sv_fields *f, const char *key);

/* ---- a response built by the pages ---- */
typedef struct sv_page {
    unsigned status;             /* 200, 413, 422 ... */
    const char *type;            /* Content-Type with charset */
    char *body; size_t len;      /* malloc'd */
    char *disposition;           /* Content-Disposition for downloads, or NULL */
} sv_page;
void sv_page_release(sv_page *p);

/* Shared, read-only context of every request. */
typedef struct sv_ctx {
    const cm_model *m;
    const cm_dataset *ds;
    char *vocab_json; size_t vocab_len;   /* /vocab.json, built once */
} sv_ctx;

/* The most profile YAML a request may carry (the CLI's profile limit). */
size_t sv_yaml_limit(void);

int  sv_ctx_init(sv_ctx *c, const cm_model *m);
void sv_ctx_release(sv_ctx *c);

/* The pages. Each fills `out` (never fails short of memory: -1). */
int sv_page_form(const sv_ctx *c, sv_page *out);                                 /* GET /  */
int sv_page_rank(const sv_ctx *c, const sv_fields *f, sv_page *out);             /* POST /rank */
int sv_page_load(const sv_ctx *c, const sv_fields *f, sv_page *out);             /* POST /load */
int sv_page_download(const sv_ctx *c, const sv_fields *f, sv_page *out);         /* POST /download */
/* A short page for an HTTP error (404, 405, 413 ...): `what` says what happened. */
int sv_page_error(unsigned status, const char *title, const char *what, sv_page *out);

/* HTML-escape `s` (NULL = "") into `b`: & < > " ' become entities. */
void sv_html(cmx_buf *b, const char *s);

#endif
