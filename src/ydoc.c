/* ydoc.c: libyaml events to located trees, with limits and strictness checks.
 *
 * The loader is a push-down builder: each SEQUENCE/MAPPING_START pushes a frame, each
 * scalar, alias or finished collection is added to the frame on top. Mapping frames keep a
 * hash of their keys to reject duplicates as they arrive. Before libyaml sees the bytes we
 * check the encoding ourselves, because its messages ("invalid leading UTF-8 octet") name
 * neither the line nor the fix.
 */
#include "ydoc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>
#include <yaml.h>

#include "ascii.h"
#include "atomicio.h"

const ylimits YLIMITS_PROFILE = {
    .max_bytes = 1u << 20, .max_depth = 32, .max_items = 1000, .max_nodes = 100000,
    .max_scalar = 4096, .max_docs = 1000,
};
const ylimits YLIMITS_DATA = {
    .max_bytes = 64u << 20, .max_depth = 32, .max_items = 1000000, .max_nodes = 20000000,
    .max_scalar = 65536, .max_docs = 16,
};

typedef struct arena {
    ynode **nodes;
    size_t n, cap;
    ynode **shells;         /* alias nodes: they borrow str, items and values */
    size_t nshells, shells_cap;
} arena;

typedef struct keyent {
    const char *key;
    ynode *node;
    UT_hash_handle hh;
} keyent;

typedef struct frame {
    ynode *node;
    ynode *pending_key;     /* mappings: the key waiting for its value */
    keyent *keys;
} frame;

typedef struct anchor {
    char *name;
    ynode *node;
    UT_hash_handle hh;
} anchor;

typedef struct builder {
    const char *file;
    const ylimits *lim;
    cm_diags *d;
    arena *ar;
    frame *stack;
    size_t depth, stack_cap;
    anchor *anchors;
    size_t nodes;           /* counted with aliases expanded */
    int bad_text;           /* a scalar held a control character: the stream is refused */
} builder;

/* Append `x` to a growing array of nodes; frees `x` and returns NULL when out of memory. */
static ynode *push_node(ynode ***v, size_t *n, size_t *cap, ynode *x)
{
    if (x && *n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        ynode **nv = realloc(*v, c * sizeof *nv);
        if (!nv) { free(x); return NULL; }
        *v = nv;
        *cap = c;
    }
    if (x) (*v)[(*n)++] = x;
    return x;
}

static ynode *node_new(builder *b, yn_type t, const yaml_mark_t *m)
{
    ynode *n = push_node(&b->ar->nodes, &b->ar->n, &b->ar->cap, calloc(1, sizeof *n));
    if (!n) return NULL;
    n->type = t;
    n->line = (unsigned)m->line + 1;
    n->col = (unsigned)m->column + 1;
    n->weight = 1;
    return n;
}

static void arena_free(arena *ar)
{
    if (!ar) return;
    for (size_t i = 0; i < ar->n; i++) {
        free(ar->nodes[i]->str);
        free(ar->nodes[i]->items);
        free(ar->nodes[i]->values);
        free(ar->nodes[i]);
    }
    free(ar->nodes);
    for (size_t i = 0; i < ar->nshells; i++) free(ar->shells[i]);
    free(ar->shells);
    free(ar);
}

void ydoc_stream_free(ydoc_stream *s)
{
    if (!s) return;
    arena_free(s->arena);
    free(s->docs);
    free(s->file);
    free(s);
}

static int oom(builder *b)
{
    return cm_ioerror(b->d, b->file, "out of memory");
}

static int count_nodes(builder *b, size_t add, unsigned line, unsigned col)
{
    b->nodes += add;
    if (b->nodes > b->lim->max_nodes)
        return cm_error(b->d, b->file, line, col,
                        "document too large: more than %zu nodes (aliases counted as expanded)",
                        b->lim->max_nodes);
    return 0;
}

/* Escapes let a quoted string hold what the raw-byte check refuses: "\e", "\x1b", "\a",
 * "\0", "\N" (U+0085), "\L" (U+2028), "\u202e". Such a string would send an escape
 * sequence to the terminal, or a NUL would silently cut it short ("packaging\0junk" read
 * as "packaging"), so it is refused here, for every file. Tabs and line breaks are text
 * (block scalars hold them); outputs turn them into spaces. libyaml hands out UTF-8. */
static int check_text(builder *b, const ynode *n)
{
    const unsigned char *p = (const unsigned char *)n->str, *end = p + n->len;
    while (p < end) {
        unsigned cp = *p;
        size_t k = 1;
        if (cp >= 0xF0 && end - p >= 4) { cp = (cp & 7u) << 18 | (p[1] & 63u) << 12 | (p[2] & 63u) << 6 | (p[3] & 63u); k = 4; }
        else if (cp >= 0xE0 && end - p >= 3) { cp = (cp & 15u) << 12 | (p[1] & 63u) << 6 | (p[2] & 63u); k = 3; }
        else if (cp >= 0xC0 && end - p >= 2) { cp = (cp & 31u) << 6 | (p[1] & 63u); k = 2; }
        p += k;
        if (cp == 0) {
            b->bad_text = 1;
            return cm_error(b->d, b->file, n->line, n->col, "a NUL character ('\\0') in a string would "
                            "cut it short; remove it");
        }
        const char *why = NULL;
        if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp < 0xa0))
            why = "control character U+%04X in a string (written as an escape such as '\\e' or "
                  "'\\x1b'); remove it";
        else if (cp == 0x2028 || cp == 0x2029)
            why = "line separator U+%04X in a string; use '\\n' or a space";
        else if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
            why = "bidirectional control U+%04X in a string: it reorders the text shown around "
                  "it; remove it";
        if (why) {
            b->bad_text = 1;
            return cm_error(b->d, b->file, n->line, n->col, why, cp);
        }
    }
    return 0;
}

/* A node at mark `m` sharing the content of the finished node `src`: no copy, so a
 * thousand aliases of a long string cost a thousand small nodes. */
static ynode *alias_copy(builder *b, const ynode *src, const yaml_mark_t *m)
{
    arena *ar = b->ar;
    ynode *n = push_node(&ar->shells, &ar->nshells, &ar->shells_cap, malloc(sizeof *n));
    if (!n) return NULL;
    *n = *src;
    n->line = (unsigned)m->line + 1;
    n->col = (unsigned)m->column + 1;
    return n;
}

/* Add a finished node to the collection on top of the stack (or make it the root). */
static int attach(builder *b, ynode *n, ynode **root)
{
    if (b->depth == 0) {
        *root = n;
        return 0;
    }
    frame *f = &b->stack[b->depth - 1];
    ynode *c = f->node;
    c->weight += n->weight;
    if (c->type == YN_MAP && !f->pending_key) {
        if (n->type != YN_SCALAR)
            return cm_error(b->d, b->file, n->line, n->col,
                            "mapping keys must be plain strings, not %s", ynode_kind(n));
        keyent *k = NULL;
        HASH_FIND_STR(f->keys, n->str, k);
        if (k)
            return cm_error(b->d, b->file, n->line, n->col,
                            "duplicate key '%s' (first given at line %u)", n->str, k->node->line);
        k = malloc(sizeof *k);
        if (!k) return oom(b);
        k->key = n->str;
        k->node = n;
        HASH_ADD_KEYPTR(hh, f->keys, k->key, strlen(k->key), k);
        f->pending_key = n;
        return 0;
    }
    if (c->n >= b->lim->max_items)
        return cm_error(b->d, b->file, n->line, n->col,
                        "too many items in one %s (limit %zu)",
                        c->type == YN_MAP ? "mapping" : "list", b->lim->max_items);
    /* Grow by doubling: capacity is implicit in n, a power of two or zero. */
    if ((c->n & (c->n - 1)) == 0) {
        size_t cap = c->n ? c->n * 2 : 4;
        ynode **it = realloc(c->items, cap * sizeof *it);
        if (!it) return oom(b);
        c->items = it;
        if (c->type == YN_MAP) {
            ynode **va = realloc(c->values, cap * sizeof *va);
            if (!va) return oom(b);
            c->values = va;
        }
    }
    if (c->type == YN_MAP) {
        c->items[c->n] = f->pending_key;
        c->values[c->n] = n;
        f->pending_key = NULL;
    } else {
        c->items[c->n] = n;
    }
    c->n++;
    return 0;
}

static void drop_keys(frame *f)
{
    keyent *k, *tmp;
    HASH_ITER(hh, f->keys, k, tmp) {
        HASH_DEL(f->keys, k);
        free(k);
    }
}

static int remember_anchor(builder *b, const yaml_char_t *name, ynode *n)
{
    if (!name) return 0;
    anchor *a = NULL;
    HASH_FIND_STR(b->anchors, (const char *)name, a);
    if (a) {            /* YAML allows redefinition: the latest wins */
        a->node = n;
        return 0;
    }
    a = malloc(sizeof *a);
    if (!a || !(a->name = strdup((const char *)name))) {
        free(a);
        return oom(b);
    }
    a->node = n;
    HASH_ADD_KEYPTR(hh, b->anchors, a->name, strlen(a->name), a);
    return 0;
}

/* Check bytes before libyaml does: encoding problems get a line, a column and a fix. */
static int check_bytes(const char *file, const unsigned char *s, size_t len, cm_diags *d)
{
    if ((len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) ||
        (len >= 2 && (s[0] == 0 || s[1] == 0)))
        return cm_error(d, file, 1, 1, "file is UTF-16 or UTF-32 encoded; save it as UTF-8");
    unsigned line = 1, col = 1;
    size_t i = 0;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) i = 3;   /* BOM: fine */
    while (i < len) {
        unsigned char c = s[i];
        size_t need = 0;
        if (c == 0)
            return cm_error(d, file, line, col, "NUL byte in file; is this a text file?");
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
            return cm_error(d, file, line, col, "control character 0x%02X in file; is this a text file?", c);
        if (c < 0x80) need = 0;
        else if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c >= 0xE0 && c <= 0xEF) need = 2;
        else if (c >= 0xF0 && c <= 0xF4) need = 3;
        else
            return cm_error(d, file, line, col,
                            "invalid UTF-8 byte 0x%02X; save the file as UTF-8", c);
        if (i + need >= len + (need ? 0 : 1) && need)
            return cm_error(d, file, line, col, "truncated UTF-8 sequence at end of file");
        for (size_t k = 1; k <= need; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return cm_error(d, file, line, col,
                                "invalid UTF-8 sequence; save the file as UTF-8");
        /* C1 controls: libyaml takes U+0085 for a line break, and none belongs in a profile */
        if (c == 0xC2 && s[i + 1] < 0xA0)
            return cm_error(d, file, line, col, "control character U+%04X in file; is this a text file?",
                            (unsigned)s[i + 1]);
        if (need == 2 && ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] >= 0xA0)))
            return cm_error(d, file, line, col, "invalid UTF-8 sequence; save the file as UTF-8");
        if (need == 3 && ((c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] >= 0x90)))
            return cm_error(d, file, line, col, "invalid UTF-8 sequence; save the file as UTF-8");
        /* U+2028/U+2029: libyaml (YAML 1.1) breaks the line there, and the line numbers
         * of every later message would be off by one */
        if (c == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
            return cm_error(d, file, line, col, "%s separator U+%04X in file; use a newline or a space",
                            s[i + 2] == 0xA8 ? "line" : "paragraph", 0x2000u | (s[i + 2] - 0x80u));
        /* Line breaks as libyaml counts them: LF, CR LF, or a lone CR. */
        if (c == '\n' || (c == '\r' && (i + 1 >= len || s[i + 1] != '\n'))) { line++; col = 1; }
        else if (c != '\r') col++;
        i += need + 1;
    }
    return 0;
}

/* The byte offset of a libyaml mark. Its `index` counts characters, not bytes, so walk to
 * the mark's line and column instead. */
static size_t mark_offset(const unsigned char *buf, size_t len, const yaml_mark_t *m)
{
    size_t i = 0, line = 0;
    while (i < len && line < m->line) {
        unsigned char c = buf[i++];
        if (c == '\n' || (c == '\r' && (i >= len || buf[i] != '\n'))) line++;
    }
    for (size_t col = 0; i < len && col < m->column && buf[i] != '\n' && buf[i] != '\r'; col++)
        for (i++; i < len && (buf[i] & 0xC0) == 0x80; i++) {}
    return i;
}

/* Turn libyaml's problem into one message a person can act on: say what is wrong in the
 * user's terms and point at the line to fix (for an unclosed bracket or quote, where it
 * opens). */
static void parse_error(const yaml_parser_t *p, const char *file, const unsigned char *buf,
                        size_t len, cm_diags *d)
{
    const char *prob = p->problem ? p->problem : "invalid YAML";
    const char *ctx = p->context;
    unsigned line = (unsigned)p->problem_mark.line + 1, col = (unsigned)p->problem_mark.column + 1;
    unsigned cline = (unsigned)p->context_mark.line + 1, ccol = (unsigned)p->context_mark.column + 1;
    if (p->error == YAML_READER_ERROR) {
        /* Reader errors carry a byte offset, not a mark. */
        size_t off = p->problem_offset < len ? p->problem_offset : len;
        line = col = 1;
        for (size_t i = 0; i < off; i++) {
            if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) { line++; col = 1; }
            else if ((buf[i] & 0xC0) != 0x80 && buf[i] != '\r') col++;
        }
        if (p->problem_value >= 0)
            cm_error(d, file, line, col, "character U+%04X is not allowed in YAML; is this a text file?",
                     (unsigned)p->problem_value);
        else
            cm_error(d, file, line, col, "invalid YAML: %s", prob);
        return;
    }
    size_t at = mark_offset(buf, len, &p->problem_mark);
    int ch = at < len ? buf[at] : -1;
    if (strstr(prob, "tab character") || (ch == '\t' && strstr(prob, "cannot start any token"))) {
        cm_error(d, file, line, col, "tab character in indentation; YAML indents with spaces");
    } else if (strstr(prob, "cannot start any token")) {
        if (ch > 0x20 && ch < 0x7f)
            cm_error(d, file, line, col, "invalid YAML: '%c' cannot start a value; put the value in quotes", ch);
        else
            cm_error(d, file, line, col, "invalid YAML: this character cannot start a value; put the value in quotes");
    } else if (ctx && strstr(ctx, "quoted scalar") &&
               (strstr(prob, "escape") || strstr(prob, "hexdecimal") || strstr(prob, "Unicode"))) {
        cm_error(d, file, line, col, "invalid escape sequence in a double-quoted string; "
                 "use single quotes, or write '\\\\' for a backslash");
    } else if (ctx && strstr(ctx, "quoted scalar")) {
        cm_error(d, file, cline, ccol, "unclosed quoted string");
    } else if (strstr(prob, "mapping values are not allowed")) {
        cm_error(d, file, line, col, "invalid YAML: unexpected ':'; check this line's indentation, "
                 "or quote a value that contains ': '");
    } else if (strstr(prob, "block sequence entries are not allowed")) {
        cm_error(d, file, line, col, "invalid YAML: a '- ' list item is not allowed here; check the indentation");
    } else if (strstr(prob, "expected ':'") && ctx && strstr(ctx, "simple key")) {
        /* libyaml gives up on a key of more than 1024 characters before it sees the ':' */
        size_t k = mark_offset(buf, len, &p->context_mark), chars = 0;
        for (; k < len && buf[k] != '\n' && buf[k] != '\r' && buf[k] != ':'; k++)
            chars += (buf[k] & 0xC0) != 0x80;
        if (k < len && buf[k] == ':' && chars > 1024)
            cm_error(d, file, cline, ccol, "invalid YAML: a key longer than 1024 characters; shorten it");
        else
            cm_error(d, file, cline, ccol, "invalid YAML: expected ':' after this key");
    } else if (strstr(prob, "expected key") && ctx && strstr(ctx, "block mapping")) {
        cm_error(d, file, line, col, "invalid YAML: this line does not fit the mapping that starts at "
                 "line %u; check its indentation", cline);
    } else if (strstr(prob, "expected '-' indicator")) {
        cm_error(d, file, line, col, "invalid YAML: this line does not fit the list that starts at "
                 "line %u; check its indentation", cline);
    } else if (strstr(prob, "expected ',' or ']'") || strstr(prob, "expected ',' or '}'")) {
        int sq = strstr(prob, "']'") != NULL;
        cm_error(d, file, cline, ccol, "invalid YAML: this '%c' is not closed (expected ',' or '%c' at "
                 "line %u, column %u)", sq ? '[' : '{', sq ? ']' : '}', line, col);
    } else if (strstr(prob, "expected <document start>")) {
        cm_error(d, file, line, col, "invalid YAML: more content after the document ended; check the "
                 "indentation, or start a new document with '---'");
    } else if (ctx) {
        cm_error(d, file, line, col, "invalid YAML: %s (%s at line %u)", prob, ctx, cline);
    } else {
        cm_error(d, file, line, col, "invalid YAML: %s", prob);
    }
}

int ydoc_load_mem(const char *name, const char *buf, size_t len, const ylimits *lim,
                  ydoc_stream **out, cm_diags *d)
{
    *out = NULL;
    int rc = -1;
    yaml_parser_t parser;
    yaml_event_t ev;
    int have_parser = 0, have_event = 0;
    ynode *root = NULL;
    builder b = { .file = name, .lim = lim, .d = d };
    ydoc_stream *s = calloc(1, sizeof *s);
    if (!s || !(s->file = strdup(name)) || !(s->arena = b.ar = calloc(1, sizeof(arena)))) {
        cm_ioerror(d, name, "out of memory");
        goto out;
    }
    if (len > lim->max_bytes) {
        cm_error(d, name, 0, 0, "file is %zu bytes, over the limit of %zu bytes", len, lim->max_bytes);
        goto out;
    }
    if (check_bytes(name, (const unsigned char *)buf, len, d) != 0) goto out;
    /* A UTF-8 BOM is fine, but libyaml, told the encoding, counts it as a column of the
     * first line, and then the next line looks less indented: drop it here. Columns of
     * line 1 then count from after the BOM, as the diagnostics printer does. */
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        buf += 3;
        len -= 3;
    }
    if (!yaml_parser_initialize(&parser)) { cm_ioerror(d, name, "out of memory"); goto out; }
    have_parser = 1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    for (;;) {
        if (!yaml_parser_parse(&parser, &ev)) {
            parse_error(&parser, name, (const unsigned char *)buf, len, d);
            goto out;
        }
        have_event = 1;
        ynode *n = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            rc = b.bad_text ? -1 : 0;
            goto out;
        case YAML_DOCUMENT_START_EVENT:
            if (s->ndocs >= lim->max_docs) {
                cm_error(d, name, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
                         "too many documents in one file (limit %zu)", lim->max_docs);
                goto out;
            }
            root = NULL;
            break;
        case YAML_DOCUMENT_END_EVENT: {
            ynode **docs = realloc(s->docs, (s->ndocs + 1) * sizeof *docs);
            if (!docs) { oom(&b); goto out; }
            s->docs = docs;
            s->docs[s->ndocs++] = root;
            /* Anchors are local to their document. */
            anchor *a, *tmp;
            HASH_ITER(hh, b.anchors, a, tmp) { HASH_DEL(b.anchors, a); free(a->name); free(a); }
            break;
        }
        case YAML_SCALAR_EVENT: {
            size_t sl = ev.data.scalar.length;
            if (sl > lim->max_scalar) {
                cm_error(d, name, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
                         "string of %zu bytes, over the limit of %zu bytes", sl, lim->max_scalar);
                goto out;
            }
            if (!(n = node_new(&b, YN_SCALAR, &ev.start_mark)) || !(n->str = malloc(sl + 1))) {
                oom(&b);
                goto out;
            }
            memcpy(n->str, ev.data.scalar.value, sl);
            n->str[sl] = '\0';
            n->len = sl;
            n->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
            check_text(&b, n);   /* reported; parsing goes on to find the others */
            if (count_nodes(&b, 1, n->line, n->col) || remember_anchor(&b, ev.data.scalar.anchor, n) ||
                attach(&b, n, &root))
                goto out;
            break;
        }
        case YAML_ALIAS_EVENT: {
            anchor *a = NULL;
            const char *an = (const char *)ev.data.alias.anchor;
            HASH_FIND_STR(b.anchors, an, a);
            if (!a) {
                cm_error(d, name, (unsigned)ev.start_mark.line + 1, (unsigned)ev.start_mark.column + 1,
                         "alias '*%s' refers to no anchor defined before it", an);
                goto out;
            }
            unsigned al = (unsigned)ev.start_mark.line + 1, ac = (unsigned)ev.start_mark.column + 1;
            /* An alias inside the node it names would make the tree a cycle. */
            for (size_t i = 0; i < b.depth; i++)
                if (b.stack[i].node == a->node) {
                    cm_error(d, name, al, ac, "alias '*%s' is used inside the node it names; "
                             "recursive structures are not allowed", an);
                    goto out;
                }
            /* The alias gets a node of its own at its own place, sharing the anchored
             * node's content: a wrong value used through an alias is then reported where it
             * is used (`ict: *w`), not at the anchor. The copied item arrays are at most
             * as long as the alias's weight, which count_nodes has just bounded. */
            if (count_nodes(&b, a->node->weight, al, ac)) goto out;
            if (!(n = alias_copy(&b, a->node, &ev.start_mark))) { oom(&b); goto out; }
            if (attach(&b, n, &root)) goto out;
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            yn_type t = ev.type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP;
            if (!(n = node_new(&b, t, &ev.start_mark))) { oom(&b); goto out; }
            if (b.depth >= lim->max_depth) {
                cm_error(d, name, n->line, n->col, "nesting deeper than %zu levels", lim->max_depth);
                goto out;
            }
            const yaml_char_t *anc = t == YN_SEQ ? ev.data.sequence_start.anchor
                                                 : ev.data.mapping_start.anchor;
            if (count_nodes(&b, 1, n->line, n->col) || remember_anchor(&b, anc, n)) goto out;
            if (b.depth == b.stack_cap) {
                size_t cap = b.stack_cap ? b.stack_cap * 2 : 8;
                frame *st = realloc(b.stack, cap * sizeof *st);
                if (!st) { oom(&b); goto out; }
                b.stack = st;
                b.stack_cap = cap;
            }
            b.stack[b.depth++] = (frame){ .node = n };
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            frame f = b.stack[--b.depth];
            drop_keys(&f);
            if (attach(&b, f.node, &root)) goto out;
            break;
        }
        default:
            break;
        }
        yaml_event_delete(&ev);
        have_event = 0;
    }
out:
    if (have_event) yaml_event_delete(&ev);
    if (have_parser) yaml_parser_delete(&parser);
    while (b.depth > 0) drop_keys(&b.stack[--b.depth]);
    free(b.stack);
    anchor *a, *tmp;
    HASH_ITER(hh, b.anchors, a, tmp) { HASH_DEL(b.anchors, a); free(a->name); free(a); }
    if (rc == 0) *out = s;
    else ydoc_stream_free(s);
    return rc;
}

int ydoc_load_file(const char *path, const ylimits *lim, ydoc_stream **out, cm_diags *d)
{
    char *buf = NULL;
    size_t len = 0;
    *out = NULL;
    if (cm_read_file(path, lim->max_bytes, &buf, &len, d) != 0) return -1;
    int rc = ydoc_load_mem(path, buf, len, lim, out, d);
    free(buf);
    return rc;
}

ynode *ynode_get(const ynode *map, const char *key)
{
    if (!map || map->type != YN_MAP) return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->items[i]->str, key) == 0) return map->values[i];
    return NULL;
}

bool ynode_is_null(const ynode *n)
{
    if (!n) return true;
    if (n->type != YN_SCALAR || n->quoted) return false;
    return !strcmp(n->str, "") || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
           !strcmp(n->str, "Null") || !strcmp(n->str, "NULL");
}

const char *ynode_kind(const ynode *n)
{
    if (!n || ynode_is_null(n)) return "nothing (null)";
    if (n->type == YN_MAP) return "a mapping";
    if (n->type == YN_SEQ) return "a list";
    double x;
    bool bv;
    if (ynode_double(n, &x)) return "a number";
    if (ynode_bool(n, &bv)) return "a boolean";
    return "a string";
}

/* YAML 1.2 core schema numbers: [-+]?(digits)(.digits)?([eE][-+]?digits)?, .inf, .nan. */
bool ynode_double(const ynode *n, double *out)
{
    if (!n || n->type != YN_SCALAR || n->quoted || n->len == 0) return false;
    const char *s = n->str;
    const char *p = s + (*s == '-' || *s == '+');
    if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF")) {
        *out = *s == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN")) {
        *out = NAN;
        return true;
    }
    const char *q = p;
    size_t digits = 0;
    while (cm_is_digit(*q)) { q++; digits++; }
    if (*q == '.') { q++; while (cm_is_digit(*q)) { q++; digits++; } }
    if (!digits) return false;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '-' || *q == '+') q++;
        if (!cm_is_digit(*q)) return false;
        while (cm_is_digit(*q)) q++;
    }
    if (*q) return false;
    errno = 0;
    *out = strtod(s, NULL);   /* overflow gives inf: callers check isfinite */
    return true;
}

bool ynode_long(const ynode *n, long *out)
{
    if (!n || n->type != YN_SCALAR || n->quoted || n->len == 0) return false;
    const char *s = n->str;
    const char *q = s + (*s == '-' || *s == '+');
    if (!*q) return false;
    for (const char *c = q; *c; c++)
        if (!cm_is_digit(*c)) return false;
    errno = 0;
    long v = strtol(s, NULL, 10);
    if (errno == ERANGE) return false;
    *out = v;
    return true;
}

bool ynode_bool(const ynode *n, bool *out)
{
    if (!n || n->type != YN_SCALAR || n->quoted) return false;
    const char *s = n->str;
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) { *out = true; return true; }
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) { *out = false; return true; }
    return false;
}
