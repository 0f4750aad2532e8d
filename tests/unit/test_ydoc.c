/* test_ydoc.c: located YAML trees, limits and strictness (ydoc.h).
 *
 * Everything is parsed from memory with ydoc_load_mem, except one check of ydoc_load_file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ydoc.h"
#include "testhelp.h"

/* Parse `s` (length `n`, or strlen) with `lim`; returns the stream or NULL, diagnostics in d. */
static ydoc_stream *parse_n(const char *s, size_t n, const ylimits *lim, cm_diags *d)
{
    ydoc_stream *out = (ydoc_stream *)1;
    cm_diags_clear(d);
    int rc = ydoc_load_mem("t.yaml", s, n, lim, &out, d);
    if (rc == 0 && !out) return NULL;
    if (rc != 0) {
        CHECK(out == NULL);
        CHECK(d->nerrors >= 1);
        return NULL;
    }
    return out;
}

static ydoc_stream *parse(const char *s, cm_diags *d) { return parse_n(s, strlen(s), &YLIMITS_PROFILE, d); }

/* The first diagnostic contains `needle` and sits at (line, col); line 0 = do not check. */
static int diag_is(const cm_diags *d, const char *needle, unsigned line, unsigned col)
{
    if (d->n == 0) { fprintf(stderr, "  no diagnostic (wanted '%s')\n", needle); return 0; }
    const cm_diag *g = &d->v[0];
    int ok = strstr(g->msg, needle) != NULL && (line == 0 || (g->line == line && g->col == col));
    if (!ok) fprintf(stderr, "  diagnostic %u:%u '%s' (wanted '%s' at %u:%u)\n", g->line, g->col, g->msg, needle, line, col);
    return ok;
}

static ynode scalar(const char *s, bool quoted)
{
    ynode n;
    memset(&n, 0, sizeof n);
    n.type = YN_SCALAR;
    n.str = (char *)s;
    n.len = strlen(s);
    n.quoted = quoted;
    return n;
}

static void test_locations(cm_diags *d)
{
    const char *y =
        "# comment\n"
        "a: 1\n"
        "b:\n"
        "  - x\n"
        "  - {k: v, n: [1, 2]}\n"
        "c: >\n"
        "  folded\n"
        "  text\n"
        "\"d\": 'q'\n";
    ydoc_stream *s = parse(y, d);
    CHECK(s != NULL);
    if (!s) return;
    CHECK(s->ndocs == 1);
    const ynode *r = s->docs[0];
    CHECK(r->type == YN_MAP && r->n == 4);
    CHECK(r->line == 2 && r->col == 1);
    CHECK_STR(r->items[0]->str, "a");
    CHECK(r->items[0]->line == 2 && r->items[0]->col == 1);
    const ynode *a = ynode_get(r, "a");
    CHECK(a && a->type == YN_SCALAR && a->line == 2 && a->col == 4 && !a->quoted);
    const ynode *b = ynode_get(r, "b");
    CHECK(b && b->type == YN_SEQ && b->n == 2);
    CHECK(b->line == 4 && b->col == 3);
    CHECK(b->items[0]->line == 4 && b->items[0]->col == 5);
    const ynode *m = b->items[1];
    CHECK(m->type == YN_MAP && m->line == 5 && m->col == 5 && m->n == 2);
    CHECK(m->items[0]->line == 5 && m->items[0]->col == 6);
    CHECK(m->values[0]->line == 5 && m->values[0]->col == 9);
    const ynode *nn = ynode_get(m, "n");
    CHECK(nn && nn->type == YN_SEQ && nn->line == 5 && nn->col == 15);
    CHECK(nn->items[1]->line == 5 && nn->items[1]->col == 19);
    const ynode *c = ynode_get(r, "c");
    CHECK(c && c->quoted && c->line == 6 && c->col == 4);
    CHECK_STR(c->str, "folded text\n");
    const ynode *dq = ynode_get(r, "d");
    CHECK(dq && dq->quoted && dq->line == 9 && dq->col == 6);
    CHECK_STR(dq->str, "q");
    CHECK(r->items[3]->quoted);
    /* weights: nodes in each subtree */
    CHECK(a->weight == 1);
    CHECK(nn->weight == 3);
    CHECK(m->weight == 7);               /* the map, k, v, n and [1, 2] (3) */
    CHECK(ynode_get(r, "zzz") == NULL);
    CHECK(ynode_get(b, "a") == NULL);    /* not a mapping */
    CHECK(ynode_get(NULL, "a") == NULL);
    ydoc_stream_free(s);
}

static void test_duplicates(cm_diags *d)
{
    ydoc_stream *s = parse("a: 1\nb: 2\na: 3\n", d);
    CHECK(s == NULL);
    CHECK(diag_is(d, "duplicate key 'a' (first given at line 1)", 3, 1));
    s = parse("top:\n  x: 1\n  y:\n    x: 2\n  x: 3\n", d);   /* the inner x is another mapping */
    CHECK(s == NULL);
    CHECK(diag_is(d, "duplicate key 'x' (first given at line 2)", 5, 3));
    s = parse("{k: 1, k: 2}\n", d);
    CHECK(s == NULL);
    CHECK(diag_is(d, "duplicate key 'k'", 1, 8));
    /* the same key in sibling mappings is fine */
    s = parse("- {k: 1}\n- {k: 2}\n", d);
    CHECK(s != NULL && d->nerrors == 0);
    ydoc_stream_free(s);
    /* keys must be scalars */
    s = parse("? [a, b]\n: 1\n", d);
    CHECK(s == NULL);
    CHECK(diag_is(d, "mapping keys must be plain strings, not a list", 1, 3));
}

static void test_aliases(cm_diags *d)
{
    ydoc_stream *s = parse("a: &x [1, 2, {k: v}]\nb: *x\nc: &s hello\nd: *s\n", d);
    CHECK(s != NULL);
    if (s) {
        const ynode *r = s->docs[0];
        /* an alias is a node of its own place sharing the anchor's content, not a copy */
        CHECK(ynode_get(r, "a")->items == ynode_get(r, "b")->items);
        CHECK(ynode_get(r, "c")->str == ynode_get(r, "d")->str);
        CHECK(ynode_get(r, "b")->line == 2 && ynode_get(r, "b")->col == 4);
        CHECK(ynode_get(r, "d")->line == 4 && ynode_get(r, "d")->col == 4);
        CHECK(ynode_get(r, "a")->weight == 6);
        /* root + four keys + a (6) + b, an alias, again 6 + c + d: an alias counts its node */
        CHECK(r->weight == 1 + 4 + 6 + 6 + 1 + 1);
        ydoc_stream_free(s);
    }
    s = parse("a: *nope\n", d);
    CHECK(s == NULL);
    CHECK(diag_is(d, "alias '*nope' refers to no anchor defined before it", 1, 4));
    /* anchors do not cross documents */
    s = parse("--- &x a\n--- *x\n", d);
    CHECK(s == NULL);
    CHECK(diag_is(d, "refers to no anchor", 2, 5));
    /* an alias to a node that is still open would make the tree a cycle */
    s = parse("a: &x [1, *x]\n", d);
    CHECK(s == NULL);
    s = parse("&m {a: 1, b: *m}\n", d);
    CHECK(s == NULL);

    /* the alias bomb: each level is ten aliases of the one before, 11^n nodes when expanded;
     * refused by the node limit (100000 for profiles) at level 5, in linear time */
    const char *bomb =
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    s = parse(bomb, d);
    CHECK(s == NULL);
    CHECK(diag_is(d, "document too large: more than 100000 nodes (aliases counted as expanded)", 0, 0));
    CHECK(d->n == 1);
    /* the first four levels (1 + 11 + 111 + 1111 + 11111 + keys) are within the limit */
    s = parse_n(bomb, (size_t)(strstr(bomb, "e:") - bomb), &YLIMITS_PROFILE, d);
    CHECK(s != NULL);
    ydoc_stream_free(s);
    /* a small limit */
    ylimits lim = YLIMITS_PROFILE;
    lim.max_nodes = 20;
    const char *y = "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n";
    s = parse_n(y, strlen(y), &lim, d);
    CHECK(s == NULL);   /* 1 + 1 + 5 + 1 + 1 + 3*5 = 24 > 20 */
    CHECK(diag_is(d, "more than 20 nodes", 0, 0));
    lim.max_nodes = 24;
    s = parse_n(y, strlen(y), &lim, d);
    CHECK(s != NULL);
    ydoc_stream_free(s);
}

static void test_limits(cm_diags *d)
{
    /* depth: 32 levels of nesting are allowed, 33 are not */
    char buf[256];
    size_t k = 0;
    for (int i = 0; i < 32; i++) buf[k++] = '[';
    for (int i = 0; i < 32; i++) buf[k++] = ']';
    buf[k] = '\0';
    ydoc_stream *s = parse(buf, d);
    CHECK(s != NULL);
    ydoc_stream_free(s);
    k = 0;
    for (int i = 0; i < 33; i++) buf[k++] = '[';
    for (int i = 0; i < 33; i++) buf[k++] = ']';
    buf[k] = '\0';
    s = parse(buf, d);
    CHECK(s == NULL);
    CHECK(diag_is(d, "nesting deeper than 32 levels", 1, 33));
    /* block nesting counts the same */
    s = parse("a:\n b:\n  c:\n   - d\n", d);
    CHECK(s != NULL);
    ydoc_stream_free(s);

    ylimits lim = YLIMITS_PROFILE;
    lim.max_scalar = 5;
    s = parse_n("a: 12345\n", 9, &lim, d);
    CHECK(s != NULL);
    ydoc_stream_free(s);
    s = parse_n("a: 123456\n", 10, &lim, d);
    CHECK(s == NULL && diag_is(d, "string of 6 bytes, over the limit of 5 bytes", 1, 4));
    lim = YLIMITS_PROFILE;
    lim.max_items = 3;
    s = parse_n("[1, 2, 3]", 9, &lim, d);
    CHECK(s != NULL);
    ydoc_stream_free(s);
    s = parse_n("[1, 2, 3, 4]", 12, &lim, d);
    CHECK(s == NULL && diag_is(d, "too many items in one list (limit 3)", 1, 11));
    s = parse_n("{a: 1, b: 2, c: 3, d: 4}", 24, &lim, d);
    CHECK(s == NULL && diag_is(d, "too many items in one mapping (limit 3)", 0, 0));
    lim = YLIMITS_PROFILE;
    lim.max_docs = 2;
    s = parse_n("--- 1\n--- 2\n", 12, &lim, d);
    CHECK(s != NULL && s->ndocs == 2);
    ydoc_stream_free(s);
    s = parse_n("--- 1\n--- 2\n--- 3\n", 18, &lim, d);
    CHECK(s == NULL && diag_is(d, "too many documents in one file (limit 2)", 3, 1));
    lim = YLIMITS_PROFILE;
    lim.max_bytes = 8;
    s = parse_n("a: 12345\n", 9, &lim, d);
    CHECK(s == NULL && diag_is(d, "file is 9 bytes, over the limit of 8 bytes", 0, 0));
}

static void test_encoding(cm_diags *d)
{
    ydoc_stream *s = parse_n("a: 1\nb: x\0y\n", 12, &YLIMITS_PROFILE, d);
    CHECK(s == NULL && diag_is(d, "NUL byte", 2, 5));
    /* UTF-16 with and without a BOM, UTF-32 */
    s = parse_n("\xFF\xFE" "a\0:\0 \0" "1\0", 10, &YLIMITS_PROFILE, d);
    CHECK(s == NULL && diag_is(d, "UTF-16 or UTF-32", 1, 1));
    s = parse_n("\xFE\xFF\0a\0:", 6, &YLIMITS_PROFILE, d);
    CHECK(s == NULL && diag_is(d, "UTF-16 or UTF-32", 1, 1));
    s = parse_n("a\0:\0 \0" "1\0", 8, &YLIMITS_PROFILE, d);
    CHECK(s == NULL && diag_is(d, "UTF-16 or UTF-32", 1, 1));
    s = parse_n("\0\0\0a", 4, &YLIMITS_PROFILE, d);
    CHECK(s == NULL && diag_is(d, "UTF-16 or UTF-32", 1, 1));
    /* invalid UTF-8: Latin-1 byte, bad continuation, overlong, surrogate, beyond U+10FFFF,
     * truncated at the end */
    s = parse("name: M\xFCnchen\n", d);
    CHECK(s == NULL && diag_is(d, "invalid UTF-8 byte 0xFC", 1, 8));
    s = parse("x: 1\nname: \xC3\x28\n", d);
    CHECK(s == NULL && diag_is(d, "invalid UTF-8 sequence", 2, 7));
    s = parse("a: \xC0\xAF\n", d);
    CHECK(s == NULL && diag_is(d, "invalid UTF-8", 1, 4));
    s = parse("a: \xE0\x80\xAF\n", d);
    CHECK(s == NULL && diag_is(d, "invalid UTF-8 sequence", 1, 4));
    s = parse("a: \xED\xA0\x80\n", d);
    CHECK(s == NULL && diag_is(d, "invalid UTF-8 sequence", 1, 4));
    s = parse("a: \xF4\x90\x80\x80\n", d);
    CHECK(s == NULL && diag_is(d, "invalid UTF-8 sequence", 1, 4));
    s = parse("a: \xE4\xB8", d);
    CHECK(s == NULL && diag_is(d, "truncated UTF-8 sequence at end of file", 1, 4));
    /* valid multi-byte text, columns counted in characters */
    s = parse("名: 浙江\nb: \xF0\x9F\x98\x80 x\n", d);
    CHECK(s != NULL);
    if (s) {
        CHECK_STR(ynode_get(s->docs[0], "名")->str, "浙江");
        CHECK(ynode_get(s->docs[0], "名")->col == 4);
        ydoc_stream_free(s);
    }
    /* a UTF-8 BOM is accepted, and does not shift the indentation of later lines */
    s = parse("\xEF\xBB\xBF" "a: 1\nb:\n  c: 2\n", d);
    CHECK(s != NULL);
    if (s) {
        CHECK(ynode_get(s->docs[0], "a") != NULL);
        const ynode *b = ynode_get(s->docs[0], "b");
        CHECK(b && b->type == YN_MAP && ynode_get(b, "c") && b->line == 3);
        ydoc_stream_free(s);
    }
    /* empty and comment-only streams are valid with no documents */
    s = parse("", d);
    CHECK(s != NULL && s->ndocs == 0);
    ydoc_stream_free(s);
    s = parse("# only a comment\n\n", d);
    CHECK(s != NULL && s->ndocs == 0);
    ydoc_stream_free(s);
    /* a syntax error discards the whole stream */
    s = parse("--- {a: 1}\n--- [1, 2\n", d);
    CHECK(s == NULL);
}

static void test_numbers(void)
{
    double x;
    long l;
    bool b;
    ynode n;
#define NUM(str, want) do { n = scalar(str, false); x = -12345; \
        CHECK(ynode_double(&n, &x) && x == (want)); } while (0)
#define NOTNUM(str) do { n = scalar(str, false); CHECK(!ynode_double(&n, &x)); } while (0)
    NUM("1", 1.0);
    NUM("-2.5", -2.5);
    NUM("+0.25", 0.25);
    NUM(".5", 0.5);
    NUM("5.", 5.0);
    NUM("1e3", 1000.0);
    NUM("1E-2", 0.01);
    NUM("0.7", 0.7);
    n = scalar(".inf", false);
    CHECK(ynode_double(&n, &x) && isinf(x) && x > 0);
    n = scalar("-.Inf", false);
    CHECK(ynode_double(&n, &x) && isinf(x) && x < 0);
    n = scalar("+.INF", false);
    CHECK(ynode_double(&n, &x) && isinf(x) && x > 0);
    n = scalar(".nan", false);
    CHECK(ynode_double(&n, &x) && isnan(x));
    n = scalar(".NaN", false);
    CHECK(ynode_double(&n, &x) && isnan(x));
    /* parses, but is not finite: callers reject it with isfinite */
    n = scalar("1e999", false);
    CHECK(ynode_double(&n, &x) && !isfinite(x));
    n = scalar("-1e999", false);
    CHECK(ynode_double(&n, &x) && isinf(x) && x < 0);
    n = scalar("1e-999", false);
    CHECK(ynode_double(&n, &x) && x == 0.0);
    NOTNUM("");
    NOTNUM("abc");
    NOTNUM("1,5");
    NOTNUM("0x10");
    NOTNUM("1_000");
    NOTNUM("1e");
    NOTNUM("e3");
    NOTNUM(".");
    NOTNUM("-");
    NOTNUM("1.2.3");
    NOTNUM(" 1");
    NOTNUM("inf");
    NOTNUM("nan");
    NOTNUM("0.5 # note");
    n = scalar("1", true);             /* '1' in quotes is a string */
    CHECK(!ynode_double(&n, &x));
    ynode seq;
    memset(&seq, 0, sizeof seq);
    seq.type = YN_SEQ;
    CHECK(!ynode_double(&seq, &x) && !ynode_long(&seq, &l) && !ynode_bool(&seq, &b));
    CHECK(!ynode_double(NULL, &x));

    n = scalar("42", false);
    CHECK(ynode_long(&n, &l) && l == 42);
    n = scalar("-7", false);
    CHECK(ynode_long(&n, &l) && l == -7);
    n = scalar("4.2", false);
    CHECK(!ynode_long(&n, &l));
    n = scalar("99999999999999999999999", false);
    CHECK(!ynode_long(&n, &l));
    n = scalar("-", false);
    CHECK(!ynode_long(&n, &l));

    n = scalar("true", false);
    CHECK(ynode_bool(&n, &b) && b);
    n = scalar("FALSE", false);
    CHECK(ynode_bool(&n, &b) && !b);
    n = scalar("yes", false);           /* YAML 1.2 core: not a boolean */
    CHECK(!ynode_bool(&n, &b));
    n = scalar("true", true);
    CHECK(!ynode_bool(&n, &b));
#undef NUM
#undef NOTNUM
}

static void test_kinds(cm_diags *d)
{
    ydoc_stream *s = parse("m: {a: 1}\nl: [1]\nn: ~\ne:\nnull: null\nf: 1.5\ni: .inf\n"
                           "t: true\ns: abc\nq: '1'\nqe: ''\nqn: \"null\"\n", d);
    CHECK(s != NULL);
    if (!s) return;
    const ynode *r = s->docs[0];
    CHECK_STR(ynode_kind(ynode_get(r, "m")), "a mapping");
    CHECK_STR(ynode_kind(ynode_get(r, "l")), "a list");
    CHECK_STR(ynode_kind(ynode_get(r, "n")), "nothing (null)");
    CHECK_STR(ynode_kind(ynode_get(r, "e")), "nothing (null)");
    CHECK_STR(ynode_kind(ynode_get(r, "null")), "nothing (null)");
    CHECK_STR(ynode_kind(ynode_get(r, "f")), "a number");
    CHECK_STR(ynode_kind(ynode_get(r, "i")), "a number");
    CHECK_STR(ynode_kind(ynode_get(r, "t")), "a boolean");
    CHECK_STR(ynode_kind(ynode_get(r, "s")), "a string");
    CHECK_STR(ynode_kind(ynode_get(r, "q")), "a string");
    CHECK_STR(ynode_kind(ynode_get(r, "qe")), "a string");
    CHECK_STR(ynode_kind(ynode_get(r, "qn")), "a string");
    CHECK_STR(ynode_kind(NULL), "nothing (null)");
    CHECK(ynode_is_null(ynode_get(r, "n")) && ynode_is_null(ynode_get(r, "e")));
    CHECK(!ynode_is_null(ynode_get(r, "qe")) && !ynode_is_null(ynode_get(r, "qn")));
    CHECK(!ynode_is_null(ynode_get(r, "m")));
    ydoc_stream_free(s);
}

static void test_file(cm_diags *d)
{
    ydoc_stream *s = (ydoc_stream *)1;
    cm_diags_clear(d);
    CHECK(ydoc_load_file("/nonexistent/dir/x.yaml", &YLIMITS_PROFILE, &s, d) == -1);
    CHECK(s == NULL && d->nerrors == 1 && d->nio == 1);
    const char *tmp = getenv("TMPDIR");
    char path[600];
    snprintf(path, sizeof path, "%s/ydoc-test-%ld.yaml", tmp && *tmp ? tmp : "/tmp", (long)getpid());
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs("a: 1\na: 2\n", f);
    fclose(f);
    cm_diags_clear(d);
    CHECK(ydoc_load_file(path, &YLIMITS_PROFILE, &s, d) == -1);
    CHECK(d->n == 1 && d->v[0].file && !strcmp(d->v[0].file, path) && d->v[0].line == 2);
    remove(path);
}

int main(void)
{
    cm_diags d;
    cm_diags_init(&d);
    test_locations(&d);
    test_duplicates(&d);
    test_aliases(&d);
    test_limits(&d);
    test_encoding(&d);
    test_numbers();
    test_kinds(&d);
    test_file(&d);
    cm_diags_release(&d);
    return TEST_REPORT("test_ydoc");
}
