/* test_export.c: the writers on a small dataset and shortlist built by hand.
 *
 * Nothing is loaded from data/: the structs are filled directly, so these tests pin the
 * writers alone. CSV is read back with a small RFC 4180 reader, JSON with jansson; the
 * table is checked for alignment by display width with a Chinese name in a row.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "export.h"
#include "testhelp.h"

/* Defined in export_util.c; declared here rather than through the private header. */
size_t cmx_display_width(const char *s);

/* ---- fixture --------------------------------------------------------------------- */

enum { R_ZHEJIANG, R_HANGZHOU, R_GUANGDONG, R_FOSHAN, NREG };
enum { P_STEEL, P_QUOTE, P_PV, NPART };

static cm_region regions[NREG];
static cm_sector sectors[2];
static cm_note notes[2];
static cm_partner partners[NPART];
static cm_dataset ds;
static cm_profile prof, prof2;
static cm_wterm prof_sectors[1] = { { 0, 1.0 } };
static cm_wterm prof_regions[1] = { { R_ZHEJIANG, 1.0 } };
static cm_hit hits[3];
static cm_shortlist sl, sl2;

static const char *const QUOTE_NAME = "Foshan \"Smart\" furniture, lighting, ceramics";

static void fixture(const char *dir)
{
    regions[R_ZHEJIANG] = (cm_region){ .id = "zhejiang", .name = "Zhejiang",
        .level = CM_REG_PROVINCE, .zh_hans = "浙江", .province = R_ZHEJIANG, .parent = CM_NONE };
    regions[R_HANGZHOU] = (cm_region){ .id = "hangzhou", .name = "Hangzhou",
        .level = CM_REG_CITY, .zh_hans = "杭州", .province = R_ZHEJIANG, .parent = CM_NONE };
    regions[R_GUANGDONG] = (cm_region){ .id = "guangdong", .name = "Guangdong",
        .level = CM_REG_PROVINCE, .province = R_GUANGDONG, .parent = CM_NONE };
    regions[R_FOSHAN] = (cm_region){ .id = "foshan", .name = "Foshan",
        .level = CM_REG_CITY, .province = R_GUANGDONG, .parent = CM_NONE };
    sectors[0] = (cm_sector){ .id = "steel", .label = "Steel" };
    sectors[1] = (cm_sector){ .id = "solar-pv", .label = "Solar PV" };
    notes[0] = (cm_note){ .id = "ipr", .title = "Protect your IPR", .text = "Register first.",
                          .link = "https://example.org/ipr" };
    notes[1] = (cm_note){ .id = "jv", .title = "Joint ventures", .text = "Check the rules." };

    partners[P_STEEL] = (cm_partner){ .id = "zj-steel", .name = "Xiaoshan steel structures cluster",
        .name_zh = "杭州蕭山", .name_zh_hans = "杭州萧山", .kind = CM_KIND_CLUSTER,
        .province = R_ZHEJIANG, .city = R_HANGZHOU, .lat = 30.18, .lon = 120.26,
        .approximate = true, .website = "https://example.org/steel" };
    partners[P_QUOTE] = (cm_partner){ .id = "gd-quote", .name = (char *)QUOTE_NAME,
        .kind = CM_KIND_ZONE, .zone_type = "high-tech-zone", .province = R_GUANGDONG,
        .city = R_FOSHAN, .lat = 23.02, .lon = 113.12 };
    partners[P_PV] = (cm_partner){ .id = "zj-pv", .name = "Jiaxing photovoltaic zone",
        .name_zh_hans = "嘉兴光伏高新区", .kind = CM_KIND_ZONE, .province = R_ZHEJIANG,
        .city = CM_NONE, .lat = 30.75, .lon = 120.76 };

    memset(&ds, 0, sizeof ds);
    ds.dir = (char *)dir;
    ds.tax.regions = regions;   ds.tax.nregions = NREG;
    ds.tax.sectors = sectors;   ds.tax.nsectors = 2;
    ds.tax.notes = notes;       ds.tax.nnotes = 2;
    ds.partners = partners;     ds.npartners = NPART;

    prof = (cm_profile){ .id = "test-profile", .name = "Test | cluster", .file = "t.yaml",
        .sectors = prof_sectors, .nsectors = 1, .regions = prof_regions, .nregions = 1 };
    prof2 = prof;                      /* same id: sheet names must still be unique */
    prof2.name = "Second profile";

    static const double scores[3] = { 72.25, 55.5, 10.0625 };
    static const size_t order[3] = { P_STEEL, P_QUOTE, P_PV };
    for (size_t i = 0; i < 3; i++) {
        cm_hit *h = &hits[i];
        memset(h, 0, sizeof *h);
        h->partner = order[i];
        h->score = scores[i];
        h->acceptability = -1;          /* as cm_rank_block leaves it without --stability */
        for (size_t c = 0; c < CM_NCOMP; c++) {
            h->comp[c] = 0.1 * (double)(c + 1) + 0.01 * (double)i + 1.0 / 3.0 / 10.0;
            h->contrib[c] = h->comp[c] * 20.0;
        }
        h->nreasons = 2;
        h->reasons[0] = (cm_reason){ .comp = CM_C_SECTOR, .contrib = 30.5 };
        snprintf(h->reasons[0].text, CM_REASON_LEN, "sector: steel match %zu", i);
        h->reasons[1] = (cm_reason){ .comp = CM_C_REGION, .contrib = 12.0 };
        snprintf(h->reasons[1].text, CM_REASON_LEN, "region:\tZhejiang\nline %zu", i);
    }
    hits[0].nnotes = 2;
    hits[0].notes[0] = 0;
    hits[0].notes[1] = 1;
    hits[1].nnotes = 1;                /* the same note again: human formats refer back */
    hits[1].notes[0] = 0;

    memset(&sl, 0, sizeof sl);
    sl.profile = &prof;
    sl.ds = &ds;
    for (size_t c = 0; c < CM_NCOMP; c++) {
        sl.weights[c] = 0.2;
        sl.active[c] = true;
    }
    sl.active[CM_C_GOAL] = false;
    sl.weights[CM_C_GOAL] = 0;
    sl.considered = 42;
    sl.hits = hits;
    sl.n = 3;
    sl2 = sl;
    sl2.profile = &prof2;
    sl2.n = 2;
}

/* ---- helpers ---------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap);
            if (!nb) { free(buf); fclose(f); return NULL; }
            buf = nb;
        }
        size_t k = fread(buf + n, 1, 4096, f);
        n += k;
        if (k == 0) break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* Run a streaming export into memory. */
static char *export_mem(const cm_shortlist *lists, size_t n, cm_format f, const cm_export_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) return NULL;
    cm_diags d;
    cm_diags_init(&d);
    int rc = cm_export_stream(lists, n, f, o, m, "<mem>", &d);
    fclose(m);
    CHECK(rc == 0);
    CHECK(d.nerrors == 0);
    cm_diags_release(&d);
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)); p += k) n++;
    return n;
}

/* A minimal RFC 4180 reader: records end with CRLF; fields may be quoted, with "" for a
 * quote. Fills rows[r][c] (malloc'd) and returns the number of records, or -1 on a syntax
 * error (a bare LF, text after a closing quote, an unterminated quote). */
#define CSV_MAXR 16
#define CSV_MAXC 32
static int csv_parse(const char *s, char *rows[CSV_MAXR][CSV_MAXC], int ncols[CSV_MAXR])
{
    int r = 0, c = 0;
    char field[4096];
    size_t k = 0;
    const char *p = s;
    if (!*p) return 0;
    for (;;) {
        k = 0;
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p) return -1;
                if (*p == '"') {
                    if (p[1] == '"') { field[k++] = '"'; p += 2; continue; }
                    p++;
                    break;
                }
                field[k++] = *p++;
            }
            if (*p != ',' && *p != '\r') return -1;
        } else {
            while (*p && *p != ',' && *p != '\r' && *p != '\n' && *p != '"') field[k++] = *p++;
            if (*p == '\n' || *p == '"') return -1;
        }
        field[k] = '\0';
        if (r >= CSV_MAXR || c >= CSV_MAXC) return -1;
        rows[r][c++] = strdup(field);
        if (*p == ',') { p++; continue; }
        if (p[0] == '\r' && p[1] == '\n') {
            ncols[r++] = c;
            c = 0;
            p += 2;
            if (!*p) return r;
            continue;
        }
        return -1;                                   /* missing final CRLF */
    }
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_formats(void)
{
    CHECK(cm_format_parse("csv") == CM_FMT_CSV);
    CHECK(cm_format_parse("html") == CM_FMT_HTML);
    CHECK(cm_format_parse("markdown") == CM_FMT_MD);
    CHECK(cm_format_parse("pdf") == CM_FMT_PDF);
    CHECK(cm_format_parse("csv-excel") == CM_FMT_CSV_EXCEL);
    CHECK(cm_format_parse("docx") == -1);
    CHECK(cm_format_parse(NULL) == -1);
    for (int i = 0; i < CM_NFORMATS; i++) {
        CHECK(cm_format_parse(cm_format_names[i]) == i);
        /* csv-excel shares .csv with csv, so -o x.csv means strict csv; it has none. */
        CHECK(i == CM_FMT_CSV_EXCEL ? cm_format_ext[i] == NULL : cm_format_ext[i] && *cm_format_ext[i]);
    }
    CHECK(cm_format_streams(CM_FMT_TSV));
    CHECK(!cm_format_streams(CM_FMT_XLSX));
    CHECK(!cm_format_streams(CM_FMT_PDF));
}

static void test_csv(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    cm_diags d;
    cm_diags_init(&d);
    CHECK(cm_export_file(&sl, 1, CM_FMT_CSV, NULL, path, &d) == 0);
    CHECK(d.nerrors == 0);
    cm_diags_release(&d);
    size_t len = 0;
    char *text = slurp(path, &len);
    CHECK(text != NULL);
    if (!text) return;
    CHECK(!(len >= 3 && (unsigned char)text[0] == 0xEF));   /* no BOM */
    char *rows[CSV_MAXR][CSV_MAXC] = { { 0 } };
    int ncols[CSV_MAXR] = { 0 };
    int nr = csv_parse(text, rows, ncols);
    CHECK(nr == 4);
    if (nr == 4) {
        CHECK(ncols[0] == 29);
        for (int r = 1; r < nr; r++) CHECK(ncols[r] == ncols[0]);
        CHECK_STR(rows[0][0], "Profile");
        CHECK_STR(rows[0][5], "Partner");
        CHECK_STR(rows[0][15], "Interest for the Chinese side");
        CHECK_STR(rows[0][16], "Stability");
        CHECK_STR(rows[0][17], "What the Chinese side gains");
        CHECK_STR(rows[0][18], "Member scores");
        CHECK_STR(rows[0][19], "Website");
        CHECK_STR(rows[0][20], "Record as of");
        CHECK_STR(rows[0][21], "Source");
        CHECK_STR(rows[0][24], "Sector match points");
        CHECK_STR(rows[1][0], "test-profile");
        CHECK_STR(rows[1][1], "1");
        CHECK_STR(rows[1][2], "72.25");
        CHECK_STR(rows[1][3], "zj-steel");
        CHECK_STR(rows[1][6], "杭州萧山");
        CHECK_STR(rows[1][7], "Zhejiang");
        CHECK_STR(rows[1][8], "Hangzhou");
        CHECK_STR(rows[1][19], "https://example.org/steel");
        CHECK_STR(rows[1][16], "");      /* no --stability: empty, not 0 */
        CHECK_STR(rows[2][5], QUOTE_NAME);
        CHECK_STR(rows[2][4], "zone");
        CHECK_STR(rows[2][6], "");
        CHECK_STR(rows[3][2], "10.06");
        CHECK_STR(rows[3][8], "");
        char want[64];
        snprintf(want, sizeof want, "%.4f", hits[0].comp[CM_C_SECTOR]);
        CHECK_STR(rows[1][9], want);
        snprintf(want, sizeof want, "%.2f", hits[1].contrib[CM_C_KEYWORD]);
        CHECK_STR(rows[2][28], want);
        /* Reasons joined with "; ", line breaks and tabs kept inside the quoted field. */
        CHECK(rows[1][14] && strstr(rows[1][14], "sector: steel match 0; region:") != NULL);
    }
    for (int r = 0; r < CSV_MAXR; r++)
        for (int c = 0; c < CSV_MAXC; c++) free(rows[r][c]);
    free(text);
    /* Nothing but the output is left in the directory. */
    char probe[600];
    snprintf(probe, sizeof probe, "%s/out.csv.tmp", dir);
    CHECK(access(probe, F_OK) != 0);
}

static void test_tsv(void)
{
    cm_shortlist both[2] = { sl, sl2 };
    char *t = export_mem(both, 2, CM_FMT_TSV, NULL);
    CHECK(t != NULL);
    if (!t) return;
    CHECK(count(t, "\n") == 1 + 3 + 2);
    CHECK(strncmp(t, "profile_id\trank\tscore\tpartner_id\tkind\tname\tname_zh\tprovince\tcity\t"
                     "sector\tregion\tpolicy\tgoal\tkeyword\treasons\treciprocity\tstability\tchina_side\tmembers\n", 145) == 0);
    /* Every line has 19 fields: the tab and newline inside reasons became spaces. */
    for (char *line = t; *line;) {
        char *nl = strchr(line, '\n');
        CHECK(nl != NULL);
        if (!nl) break;
        size_t tabs = 0;
        for (char *p = line; p < nl; p++) tabs += *p == '\t';
        CHECK(tabs == 18);
        line = nl + 1;
    }
    CHECK(strstr(t, "region: Zhejiang line 0") != NULL);
    CHECK(strstr(t, "test-profile\t1\t72.25\tzj-steel\tcluster\t") != NULL);
    free(t);
}

static void test_json(void)
{
    cm_shortlist both[2] = { sl, sl2 };
    char *t = export_mem(both, 2, CM_FMT_JSON, NULL);
    CHECK(t != NULL);
    if (!t) return;
    json_error_t err;
    json_t *root = json_loads(t, 0, &err);
    CHECK(root != NULL);
    free(t);
    if (!root) return;
    CHECK_STR(json_string_value(json_object_get(root, "clustermatch")), CM_VERSION);
    json_t *lists = json_object_get(root, "shortlists");
    CHECK(json_array_size(lists) == 2);
    json_t *s0 = json_array_get(lists, 0);
    CHECK_STR(json_string_value(json_object_get(json_object_get(s0, "profile"), "name")),
              "Test | cluster");
    CHECK(json_integer_value(json_object_get(s0, "considered")) == 42);
    json_t *hs = json_object_get(s0, "hits");
    CHECK(json_array_size(hs) == 3);
    static const char *const ids[3] = { "zj-steel", "gd-quote", "zj-pv" };
    for (size_t i = 0; i < json_array_size(hs) && i < 3; i++) {
        json_t *h = json_array_get(hs, i);
        json_t *p = json_object_get(h, "partner");
        CHECK(json_integer_value(json_object_get(h, "rank")) == (json_int_t)(i + 1));
        CHECK_STR(json_string_value(json_object_get(p, "id")), ids[i]);
        CHECK(json_real_value(json_object_get(h, "score")) == hits[i].score);
        json_t *comp = json_object_get(h, "components");
        CHECK(json_real_value(json_object_get(comp, "policy")) == hits[i].comp[CM_C_POLICY]);
        json_t *con = json_object_get(h, "contributions");
        CHECK(json_real_value(json_object_get(con, "keyword")) == hits[i].contrib[CM_C_KEYWORD]);
        CHECK(json_array_size(json_object_get(h, "reasons")) == 2);
        CHECK(json_object_get(h, "members") == NULL);
    }
    json_t *p0 = json_object_get(json_array_get(hs, 0), "partner");
    CHECK_STR(json_string_value(json_object_get(p0, "name_zh")), "杭州萧山");
    CHECK_STR(json_string_value(json_object_get(p0, "province_id")), "zhejiang");
    CHECK(json_is_true(json_object_get(p0, "approximate")));
    json_t *p1 = json_object_get(json_array_get(hs, 1), "partner");
    CHECK_STR(json_string_value(json_object_get(p1, "name")), QUOTE_NAME);
    CHECK(json_is_null(json_object_get(p1, "name_zh")));
    CHECK_STR(json_string_value(json_object_get(p1, "zone_type")), "high-tech-zone");
    json_t *n0 = json_array_get(json_object_get(json_array_get(hs, 0), "notes"), 1);
    CHECK_STR(json_string_value(json_object_get(n0, "id")), "jv");
    CHECK(json_is_null(json_object_get(n0, "link")));
    json_t *r1 = json_array_get(json_object_get(json_array_get(hs, 0), "reasons"), 1);
    CHECK_STR(json_string_value(json_object_get(r1, "component")), "region");
    /* Object keys in a fixed order. */
    const char *first = NULL;
    void *it = json_object_iter(json_array_get(hs, 0));
    if (it) first = json_object_iter_key(it);
    CHECK_STR(first, "rank");
    json_decref(root);
}

/* Display column at which `needle` starts in `line`, or -1. */
static long column_of(const char *line, const char *needle)
{
    const char *p = strstr(line, needle);
    if (!p) return -1;
    char *prefix = strndup(line, (size_t)(p - line));
    long w = prefix ? (long)cmx_display_width(prefix) : -1;
    free(prefix);
    return w;
}

static void test_table(void)
{
    cm_export_opts o = { .explain = false, .color = false, .width = 0 };
    char *t = export_mem(&sl, 1, CM_FMT_TABLE, &o);
    CHECK(t != NULL);
    if (!t) return;
    CHECK(strncmp(t, "Test | cluster (test-profile): top 3 of 42 partners considered\n", 63) == 0);
    /* Lines: title, dates, blank, header, 3 rows. The place column starts at one display
     * column on every row, whether the Chinese-name column before it holds CJK (2 columns a
     * character) or nothing. */
    char *all[10] = { 0 };
    size_t nall = 0;
    for (char *p = t; *p && nall < 10;) {
        all[nall++] = p;
        char *e = strchr(p, '\n');
        if (!e) break;
        *e = '\0';
        p = e + 1;
    }
    CHECK(nall == 7);
    CHECK(nall > 1 && strncmp(all[1], "Generated ", 10) == 0);
    char *lines[8] = { 0 };
    size_t nl = 0;
    if (nall == 7) {
        lines[nl++] = all[0];
        for (size_t i = 3; i < 7; i++) lines[nl++] = all[i];
    }
    for (char *p = ""; *p && nl < 8;) {
        lines[nl++] = p;
        char *e = strchr(p, '\n');
        if (!e) break;
        *e = '\0';
        p = e + 1;
    }
    CHECK(nl == 5);
    if (nl == 5) {
        long c_head = column_of(lines[1], "Province / City");
        CHECK(c_head > 0);
        CHECK(column_of(lines[2], "Zhejiang / Hangzhou") == c_head);
        CHECK(column_of(lines[3], "Guangdong / Foshan") == c_head);
        CHECK(column_of(lines[4], "Zhejiang") == c_head);
        CHECK(strstr(lines[2], "杭州萧山") != NULL);
        long w_head = column_of(lines[1], "Why");
        CHECK(column_of(lines[2], "sector: steel") == w_head);
        CHECK(column_of(lines[4], "sector: steel") == w_head);
        CHECK(strstr(lines[2], "72.2") != NULL || strstr(lines[2], "72.3") != NULL);
    }
    free(t);

    /* With a width, every line fits and long cells wrap: nothing is cut. */
    o.width = 70;
    t = export_mem(&sl, 1, CM_FMT_TABLE, &o);
    CHECK(t != NULL);
    if (t) {
        CHECK(strstr(t, "\xe2\x80\xa6") == NULL);
        CHECK(strstr(t, "Xiaoshan") != NULL);
        char *save = NULL;
        size_t n = 0;
        for (char *line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++)
            CHECK(cmx_display_width(line) <= 70);
        free(t);
    }

    /* Explain: contributions, every reason and the policy notes follow the row. */
    o.width = 0;
    o.explain = true;
    t = export_mem(&sl, 1, CM_FMT_TABLE, &o);
    CHECK(t != NULL);
    if (t) {
        CHECK(strstr(t, "goal -") != NULL);
        CHECK(strstr(t, "Protect your IPR: Register first.") != NULL);
        CHECK(strstr(t, "region: Zhejiang line 2") != NULL);
        CHECK(count(t, "Register first.") == 1);
        CHECK(strstr(t, "notes    see What to know 1\n") != NULL);
        CHECK(strstr(t, "\nWhat to know\n  1. Protect your IPR: Register first.") != NULL);
        free(t);
    }

    /* A column with nothing in it is left out. */
    cm_shortlist one = sl;
    one.hits = &hits[1];
    one.n = 1;
    o.explain = false;
    t = export_mem(&one, 1, CM_FMT_TABLE, &o);
    CHECK(t && strstr(t, "Chinese name") == NULL && strstr(t, "Guangdong / Foshan") != NULL);
    free(t);

    /* Two shortlists: a blank line between them. */
    cm_shortlist both[2] = { sl, sl2 };
    o.explain = false;
    t = export_mem(both, 2, CM_FMT_TABLE, &o);
    CHECK(t && strstr(t, "\n\nSecond profile (test-profile): top 2 of 42") != NULL);
    free(t);
}

static void test_md(void)
{
    cm_export_opts o = { .explain = true };
    char *t = export_mem(&sl, 1, CM_FMT_MD, &o);
    CHECK(t != NULL);
    if (!t) return;
    CHECK(strncmp(t, "## Test \\| cluster (test-profile)\n", 34) == 0);
    CHECK(count(t, "\n| ") == 2 + 3);
    CHECK(strstr(t, "| 1 | 72.2 | cluster | Xiaoshan steel structures cluster | 杭州萧山 |") != NULL
          || strstr(t, "| 1 | 72.3 | cluster | Xiaoshan steel structures cluster | 杭州萧山 |") != NULL);
    CHECK(strstr(t, "1. **Protect your IPR**: Register first.") != NULL);
    CHECK(strstr(t, "- What to know: 1") != NULL);
    CHECK(strstr(t, "### In short") != NULL && strstr(t, "Generated ") != NULL);
    /* No raw "|" inside a cell: every table line has exactly 9 unescaped pipes. */
    for (char *line = t; line && *line;) {
        char *nl = strchr(line, '\n');
        if (line[0] == '|') {
            int pipes = 0;
            for (char *p = line; p < (nl ? nl : line + strlen(line)); p++)
                if (*p == '|' && (p == line || p[-1] != '\\')) pipes++;
            CHECK(pipes == 9);
        }
        line = nl ? nl + 1 : NULL;
    }
    free(t);
}

static void test_explain(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    CHECK(m != NULL);
    if (!m) return;
    CHECK(cm_export_explain(&sl, &hits[0], m) == 0);
    fclose(m);
    CHECK(strstr(buf, "Xiaoshan steel structures cluster (zj-steel)") != NULL);
    CHECK(strstr(buf, "杭州萧山 (as printed: 杭州蕭山)") != NULL);
    CHECK(strstr(buf, "(inactive)") != NULL);
    CHECK(strstr(buf, "0.200") != NULL);                   /* a weight */
    CHECK(strstr(buf, "Joint ventures: Check the rules.") != NULL);
    CHECK(strstr(buf, "https://example.org/ipr") != NULL);
    CHECK(strstr(buf, "sector: steel match 0") != NULL);
    free(buf);
}

static void test_html(const char *dir)
{
    /* A data directory with a one-province outline file. */
    char geo[600], file[700];
    snprintf(geo, sizeof geo, "%s/geo", dir);
    CHECK(mkdir(geo, 0755) == 0 || errno == EEXIST);
    snprintf(file, sizeof file, "%s/china-provinces.txt", geo);
    FILE *f = fopen(file, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("# test\nviewbox\t0 0 803 576\nproj\t73 54 12.9443 16\ncredit\tTest credit\n"
              "land\t-\t-\tM0 0L10 0L10 10Z\n"
              "province\tzhejiang\tZhejiang\tM600 350L640 350L640 400Z\n"
              "province\tbad\t<script>\tM0 0L1 1Z<script>\n", f);
        fclose(f);
    }
    ds.dir = (char *)dir;
    char *t = export_mem(&sl, 1, CM_FMT_HTML, NULL);
    CHECK(t != NULL);
    if (t) {
        CHECK(strncmp(t, "<!DOCTYPE html>", 15) == 0);
        CHECK(count(t, "class=\"hit\"") == 3);
        CHECK(count(t, "class=\"marker\"") == 3);
        CHECK(count(t, "<script") == 0);
        CHECK(strstr(t, "href=\"#cm-p-zhejiang\"") != NULL);
        CHECK(strstr(t, "Test credit") != NULL);
        CHECK(count(t, "Register first.") == 1);
        CHECK(strstr(t, "<a href=\"#s1-n1\">1. Protect your IPR</a>") != NULL);
        CHECK(strstr(t, "<li id=\"s1-n1\">") != NULL);
        CHECK(strstr(t, "Foshan &quot;Smart&quot; furniture") != NULL);
        CHECK(strstr(t, "Test | cluster") != NULL);
        CHECK(strstr(t, "nomap") == NULL || strstr(t, "class=\"nomap\"") == NULL);
        CHECK(strstr(t, "http://") == NULL || strstr(t, "http://www.w3.org/2000/svg") != NULL);
        free(t);
    }
    /* Batch: one page, a table of contents, markers per section. */
    cm_shortlist both[2] = { sl, sl2 };
    t = export_mem(both, 2, CM_FMT_HTML, NULL);
    CHECK(t != NULL);
    if (t) {
        CHECK(strstr(t, "<nav class=\"toc\">") != NULL);
        CHECK(strstr(t, "href=\"#s2\"") != NULL);
        CHECK(count(t, "class=\"hit\"") == 5);
        CHECK(count(t, "class=\"marker\"") == 5);
        CHECK(count(t, "<path id=\"cm-p-zhejiang\"") == 1);     /* outlines emitted once */
        free(t);
    }
    /* No outline file: markers only, with a note; still a page. */
    ds.dir = NULL;
    t = export_mem(&sl, 1, CM_FMT_HTML, NULL);
    CHECK(t != NULL);
    if (t) {
        CHECK(strstr(t, "class=\"nomap\"") != NULL);
        CHECK(count(t, "class=\"marker\"") == 3);
        free(t);
    }
    ds.dir = (char *)dir;
}

static void test_xlsx(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/out.xlsx", dir);
    cm_shortlist both[2] = { sl, sl2 };
    cm_diags d;
    cm_diags_init(&d);
    CHECK(cm_export_file(both, 2, CM_FMT_XLSX, NULL, path, &d) == 0);
    CHECK(d.nerrors == 0);
    cm_diags_release(&d);
    size_t len = 0;
    char *z = slurp(path, &len);
    CHECK(z && len > 1000 && memcmp(z, "PK\x03\x04", 4) == 0);
    free(z);
    /* Through a stream as well (a temporary file copied out). */
    char *buf = NULL;
    size_t blen = 0;
    FILE *m = open_memstream(&buf, &blen);
    cm_diags_init(&d);
    CHECK(cm_export_stream(&sl, 1, CM_FMT_XLSX, NULL, m, "<mem>", &d) == 0);
    fclose(m);
    CHECK(blen > 1000 && memcmp(buf, "PK\x03\x04", 4) == 0);
    free(buf);
    cm_diags_release(&d);
}

static void test_errors(const char *dir)
{
    cm_diags d;
    cm_diags_init(&d);
    /* A directory that does not exist: an I/O error, no file. */
    char path[512];
    snprintf(path, sizeof path, "%s/missing/out.json", dir);
    CHECK(cm_export_file(&sl, 1, CM_FMT_JSON, NULL, path, &d) == -1);
    CHECK(d.nio == 1);
    CHECK(access(path, F_OK) != 0);
    cm_diags_clear(&d);
    snprintf(path, sizeof path, "%s/missing/out.xlsx", dir);
    CHECK(cm_export_file(&sl, 1, CM_FMT_XLSX, NULL, path, &d) == -1);
    CHECK(d.nerrors >= 1);
    cm_diags_clear(&d);
    /* A full device: the error surfaces at the final flush. */
    struct stat st;
    FILE *full = stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode) ? fopen("/dev/full", "w") : NULL;
    if (full) {
        CHECK(cm_export_stream(&sl, 1, CM_FMT_CSV, NULL, full, "/dev/full", &d) == -1);
        CHECK(d.nio == 1);
        fclose(full);
    }
    cm_diags_release(&d);
}

/* A shortlist without hits, and no shortlist at all: every format still writes. */
static void test_empty(const char *dir)
{
    cm_shortlist none = sl;
    none.n = 0;
    none.hits = NULL;
    cm_export_opts o = { .explain = true, .width = 80 };
    for (int f = 0; f < CM_NFORMATS; f++) {
        if (f == CM_FMT_PDF) continue;      /* a path only, and it needs Chromium: t506 */
        char *t = export_mem(&none, 1, (cm_format)f, &o);
        CHECK(t != NULL);
        if (t && f == CM_FMT_TABLE) CHECK(strstr(t, "no match among 42 partners") != NULL);
        if (t && f == CM_FMT_HTML) CHECK(count(t, "class=\"hit\"") == 0);
        if (t && f == CM_FMT_JSON) CHECK(strstr(t, "\"hits\": []") != NULL);
        free(t);
        t = export_mem(NULL, 0, (cm_format)f, &o);
        CHECK(t != NULL);
        if (t && f == CM_FMT_JSON) CHECK(strstr(t, "\"shortlists\": []") != NULL);
        if (t && f == CM_FMT_CSV) CHECK(count(t, "\r\n") == 1);
        free(t);
    }
    (void)dir;
}

/* Output paths that are not plain files: a link stays a link, a device stays a device. */
static void test_special_paths(const char *dir)
{
    cm_diags d;
    cm_diags_init(&d);
    char target[512], link[512], dev[512];
    snprintf(target, sizeof target, "%s/target.tsv", dir);
    snprintf(link, sizeof link, "%s/link.tsv", dir);
    FILE *f = fopen(target, "w");
    if (f) { fputs("old\n", f); fclose(f); }
    CHECK(symlink("target.tsv", link) == 0);
    CHECK(cm_export_file(&sl, 1, CM_FMT_TSV, NULL, link, &d) == 0);
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    char *t = slurp(target, NULL);
    CHECK(t && strncmp(t, "profile_id\t", 11) == 0);
    free(t);

    CHECK(cm_export_file(&sl, 1, CM_FMT_TSV, NULL, dir, &d) == -1);   /* a directory */
    CHECK(d.nio == 1);
    cm_diags_clear(&d);

    /* Device nodes made in the temporary directory (needs root; skipped otherwise). */
    snprintf(dev, sizeof dev, "%s/null", dir);
    if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0) {
        CHECK(cm_export_file(&sl, 1, CM_FMT_CSV, NULL, dev, &d) == 0);
        CHECK(cm_export_file(&sl, 1, CM_FMT_XLSX, NULL, dev, &d) == 0);
        CHECK(stat(dev, &st) == 0 && S_ISCHR(st.st_mode));
        snprintf(dev, sizeof dev, "%s/full", dir);
        if (mknod(dev, S_IFCHR | 0666, makedev(1, 7)) == 0) {
            CHECK(cm_export_file(&sl, 1, CM_FMT_JSON, NULL, dev, &d) == -1);
            CHECK(d.nio == 1);
            CHECK(stat(dev, &st) == 0 && S_ISCHR(st.st_mode));
        }
    } else {
        fprintf(stderr, "test_export: cannot make device nodes (%s): device checks skipped\n",
                strerror(errno));
    }
    cm_diags_release(&d);
}

int main(void)
{
    char dir[] = "/tmp/test_export.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    fixture(dir);
    test_formats();
    test_csv(dir);
    test_tsv();
    test_json();
    test_table();
    test_md();
    test_explain();
    test_html(dir);
    test_xlsx(dir);
    test_errors(dir);
    test_special_paths(dir);
    test_empty(dir);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "test_export: could not remove %s\n", dir);
    return TEST_REPORT("test_export");
}
