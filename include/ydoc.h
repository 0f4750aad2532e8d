/* ydoc.h: YAML documents as small trees that remember where each node came from.
 *
 * Built on libyaml's event API. Every node keeps its 1-based line and column so validators
 * can report `file:line:col`. Loading enforces explicit limits (file size, nesting depth,
 * nodes, alias expansions, scalar length) and rejects what YAML parsers usually accept
 * silently but users never mean: duplicate mapping keys, NUL bytes, invalid UTF-8, UTF-16.
 * Aliases are resolved by sharing the anchored node; each use counts its node's size
 * against the alias-expansion limit, so an alias bomb is refused in linear time.
 *
 * All nodes of a stream live in one arena owned by the ydoc_stream; nodes are never freed
 * one by one and are valid until ydoc_stream_free.
 */
#ifndef CM_YDOC_H
#define CM_YDOC_H

#include <stdbool.h>
#include <stddef.h>
#include "diag.h"

typedef enum { YN_SCALAR, YN_SEQ, YN_MAP } yn_type;

typedef struct ynode ynode;
struct ynode {
    yn_type type;
    unsigned line, col;      /* 1-based start of the node */
    bool quoted;             /* scalar written with quotes or as a block: never null/bool/number */
    char *str;               /* scalar value, NUL-terminated (no NUL inside, checked) */
    size_t len;              /* scalar length in bytes */
    size_t n;                /* items in a sequence, pairs in a mapping */
    ynode **items;           /* sequence items, or keys for a mapping */
    ynode **values;          /* mapping values (NULL for sequences) */
    size_t weight;           /* nodes in this subtree, for the alias limit */
};

typedef struct ylimits {
    size_t max_bytes;        /* file size */
    size_t max_depth;        /* nesting of sequences and mappings */
    size_t max_items;        /* items in one sequence or mapping */
    size_t max_nodes;        /* nodes in a stream, aliases counted as expanded */
    size_t max_scalar;       /* bytes in one scalar */
    size_t max_docs;         /* documents in a stream */
} ylimits;

/* Limits for profiles (hand-written, small) and for data files (curated, larger). */
extern const ylimits YLIMITS_PROFILE;
extern const ylimits YLIMITS_DATA;

typedef struct ydoc_stream {
    char *file;              /* the name used in diagnostics */
    ynode **docs;            /* root of each document; never NULL entries */
    size_t ndocs;
    void *arena;             /* private */
} ydoc_stream;

/* Read and parse `path`. On success returns 0 and sets *out (free with ydoc_stream_free).
 * On failure returns -1, appends at least one error to `d` and sets *out to NULL. Documents
 * that parsed before a syntax error are discarded: a stream is valid or not as a whole,
 * because libyaml cannot resynchronise after an error.
 * An empty stream (only comments or blank) is valid and has ndocs == 0. */
int ydoc_load_file(const char *path, const ylimits *lim, ydoc_stream **out, cm_diags *d);
/* The same from memory (for fuzzing and tests); `name` is used in diagnostics. */
int ydoc_load_mem(const char *name, const char *buf, size_t len, const ylimits *lim,
                  ydoc_stream **out, cm_diags *d);
void ydoc_stream_free(ydoc_stream *s);

/* Look up `key` in mapping `map`; NULL if absent or if `map` is not a mapping. */
ynode *ynode_get(const ynode *map, const char *key);
/* Human name of a node's type for messages: "a mapping", "a list", "a string" ... */
const char *ynode_kind(const ynode *n);
/* A plain scalar that YAML would read as null (`~`, `null`, empty). */
bool ynode_is_null(const ynode *n);
/* Parse a plain scalar as a number (YAML 1.2 core forms, .inf and .nan included: callers
 * check isfinite), an integer or a boolean; false if it is not one. */
bool ynode_double(const ynode *n, double *out);
bool ynode_long(const ynode *n, long *out);
bool ynode_bool(const ynode *n, bool *out);

#endif
