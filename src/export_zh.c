/* export_zh.c: the Chinese one-pager (--lang zh): for each suggested partner, one A4 page in
 * Chinese that introduces the European cluster and says why this partner was chosen, for
 * the cluster manager to send to the Chinese side.
 *
 * Why it is built only from Chinese labels: the page goes to people who may not read
 * English, and a machine translation of a business text is not something to send them. So
 * every Chinese word on the page is either a fixed sentence of this writer or a `label-zh`
 * / `zh-hans` / `name-zh` of the vocabularies and records (each with its source in data/).
 * What has no Chinese form stays in its original language, marked as such: the names the
 * user wrote (the cluster, its members) and the free-text offers and seeks. The reasons are
 * built from the hit's components and the records' fields, never from the English reason
 * text, and nothing is scored again: a line appears only where the ranking gave points.
 */
#include <stdio.h>
#include <string.h>

#include "export_util.h"
#include "export_writers.h"

static const char css_zh[] =
    "*{box-sizing:border-box}\n"
    "body{font-family:\"Noto Sans CJK SC\",\"Noto Sans SC\",\"Source Han Sans SC\",\"Microsoft YaHei\","
    "\"PingFang SC\",sans-serif;color:#1d2733;margin:0 auto;max-width:820px;padding:24px 28px;"
    "line-height:1.65;font-size:15px}\n"
    "[lang=en]{font-family:\"Noto Sans\",Arial,sans-serif}\n"
    ".page{border:1px solid #d5dbe2;border-radius:6px;padding:22px 30px;margin:0 0 28px}\n"
    ".brand{color:#5b6775;font-size:.8em;letter-spacing:.06em;margin:0}\n"
    "h1{font-size:1.45em;color:#1f4e79;margin:.2em 0 .1em}\n"
    ".to{font-size:1.1em;margin:.5em 0 .2em}\n"
    ".to strong{font-size:1.1em}\n"
    ".lead{color:#5b6775;margin:.1em 0 .8em}\n"
    "h2{font-size:1.08em;margin:1em 0 .35em;color:#1f4e79;border-bottom:1px solid #d5dbe2;padding-bottom:.15em}\n"
    "dl{display:grid;grid-template-columns:7.5em 1fr;gap:.2em .8em;margin:0}\n"
    "dt{color:#5b6775;font-weight:600}\n"
    "dd{margin:0}\n"
    ".orig{color:#5b6775;font-size:.92em}\n"
    ".score{font-size:1.05em}\n"
    ".score b{font-size:1.3em;color:#1f4e79}\n"
    "ul.why{margin:.3em 0;padding-left:1.3em}\n"
    "ul.why li{margin:.2em 0}\n"
    ".note{color:#5b6775;font-size:.85em;margin-top:1em;border-top:1px solid #d5dbe2;padding-top:.5em}\n"
    ".note p{margin:.2em 0}\n"
    "@page{size:A4;margin:16mm 16mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:11pt}"
    ".page{border:0;padding:0;margin:0;break-after:page}"
    ".page:last-child{break-after:auto}}\n";

/* Whether sector `a` and `b` are the same or one lies above the other. */
static bool related(const cm_taxonomy *t, size_t a, size_t b)
{
    return cm_sector_ancestor_dist(t, a, b) >= 0 || cm_sector_ancestor_dist(t, b, a) >= 0;
}

static const char *sector_zh(const cm_taxonomy *t, size_t i)
{
    return i < t->nsectors ? cmx_str(t->sectors[i].label_zh) : "";
}

static const char *region_zh(const cm_taxonomy *t, size_t i)
{
    return i < t->nregions ? cmx_str(t->regions[i].zh_hans) : "";
}

/* A list item: the separator 、 before every item but the first. */
static void item(FILE *out, bool *first, const char *zh)
{
    if (!*zh) return;
    if (!*first) fputs("、", out);
    *first = false;
    cmx_html_text(out, zh);
}

/* The profile itself, or its members for a partnership: the voices whose fields the page
 * lists (a partnership's own sectors are its members'). */
static size_t voices(const cm_profile *p, const cm_profile **v, size_t cap)
{
    if (!p->partnership || !p->nmembers) { v[0] = p; return 1; }
    size_t n = 0;
    for (size_t i = 0; i < p->nmembers && n < cap; i++) v[n++] = &p->members[i];
    return n;
}

/* Sector terms of every voice (`which`: 0 sectors, 1 offers, 2 seeks), each once. */
static void sector_terms(FILE *out, const cm_taxonomy *t, const cm_profile *const *v, size_t nv,
                         int which)
{
    bool first = true;
    for (size_t a = 0; a < nv; a++) {
        const cm_wterm *w = which == 0 ? v[a]->sectors : which == 1 ? v[a]->offers : v[a]->seeks;
        size_t n = which == 0 ? v[a]->nsectors : which == 1 ? v[a]->noffers : v[a]->nseeks;
        for (size_t i = 0; i < n; i++) {
            bool seen = false;
            for (size_t b = 0; b <= a && !seen; b++) {
                const cm_wterm *w2 = which == 0 ? v[b]->sectors : which == 1 ? v[b]->offers : v[b]->seeks;
                size_t n2 = b < a ? (which == 0 ? v[b]->nsectors : which == 1 ? v[b]->noffers : v[b]->nseeks) : i;
                for (size_t j = 0; j < n2 && !seen; j++) seen = w2[j].idx == w[i].idx;
            }
            if (!seen) item(out, &first, sector_zh(t, w[i].idx));
        }
    }
}

static bool has_sector_terms(const cm_profile *const *v, size_t nv, int which)
{
    for (size_t a = 0; a < nv; a++)
        if ((which == 0 ? v[a]->nsectors : which == 1 ? v[a]->noffers : v[a]->nseeks) > 0) return true;
    return false;
}

static void intro(FILE *out, const cm_shortlist *s, const cm_profile *const *v, size_t nv)
{
    const cm_profile *p = s->profile;
    const cm_taxonomy *t = &s->ds->tax;
    fputs("<h2>一、欧洲集群简介</h2>\n<dl>\n<dt>集群名称</dt><dd><span lang=\"en\">", out);
    cmx_html_text(out, cmx_profile_label(p));
    fputs("</span> <span class=\"orig\">（原名）</span></dd>\n", out);
    if (p->partnership && p->nmembers) {
        fputs("<dt>合作成员</dt><dd><span lang=\"en\">", out);
        for (size_t i = 0; i < p->nmembers; i++) {
            if (i) fputs("; ", out);
            cmx_html_text(out, cmx_profile_label(&p->members[i]));
        }
        fputs("</span> <span class=\"orig\">（原名）</span></dd>\n", out);
    }
    bool any = false;
    for (size_t a = 0; a < nv; a++) any = any || v[a]->ncountries;
    if (p->ncountries || any) {
        fputs("<dt>所在国家</dt><dd>", out);
        bool first = true;
        for (size_t a = 0; a < nv + 1; a++) {
            const cm_profile *q = a == 0 ? p : v[a - 1];
            if (a && q == p) continue;
            for (size_t i = 0; i < q->ncountries; i++) {
                const cm_country *c = cm_country_find(t, q->countries[i]);
                /* A country the table does not list is shown by its ISO code. */
                item(out, &first, c ? c->label_zh : q->countries[i]);
            }
        }
        fputs("</dd>\n", out);
    }
    static const char *const rows[] = { "产业领域", "可提供", "寻求" };
    for (int w = 0; w < 3; w++) {
        if (!has_sector_terms(v, nv, w)) continue;
        fprintf(out, "<dt>%s</dt><dd>", rows[w]);
        sector_terms(out, t, v, nv, w);
        fputs("</dd>\n", out);
    }
    size_t nterms = 0;
    for (size_t a = 0; a < nv; a++) nterms += v[a]->nterms;
    if (nterms) {
        fputs("<dt>具体技术</dt><dd><span lang=\"en\">", out);
        size_t k = 0;
        for (size_t a = 0; a < nv; a++)
            for (size_t i = 0; i < v[a]->nterms; i++) {
                if (k++) fputs("; ", out);
                cmx_html_text(out, v[a]->terms[i]);
            }
        fputs("</span> <span class=\"orig\">（英文原文）</span></dd>\n", out);
    }
    /* Goals: the profile's own, else the data's defaults (what it was scored for). */
    fputs("<dt>合作目标</dt><dd>", out);
    bool first = true;
    size_t ng = 0;
    for (size_t a = 0; a < nv; a++)
        for (size_t i = 0; i < v[a]->ngoals; i++) {
            size_t g = v[a]->goals[i];
            bool seen = false;
            for (size_t b = 0; b <= a && !seen; b++)
                for (size_t j = 0; j < (b < a ? v[b]->ngoals : i) && !seen; j++) seen = v[b]->goals[j] == g;
            if (!seen && g < t->ngoals) { item(out, &first, cmx_str(t->goals[g].label_zh)); ng++; }
        }
    for (size_t i = 0; !ng && i < t->ndefault_goals; i++)
        if (t->default_goals[i] < t->ngoals) item(out, &first, cmx_str(t->goals[t->default_goals[i]].label_zh));
    fputs("</dd>\n", out);
    bool anyr = false;
    for (size_t a = 0; a < nv; a++) anyr = anyr || v[a]->nregions;
    if (anyr) {
        fputs("<dt>目标地区</dt><dd>", out);
        first = true;
        for (size_t a = 0; a < nv; a++)
            for (size_t i = 0; i < v[a]->nregions; i++) {
                bool seen = false;
                for (size_t b = 0; b <= a && !seen; b++)
                    for (size_t j = 0; j < (b < a ? v[b]->nregions : i) && !seen; j++)
                        seen = v[b]->regions[j].idx == v[a]->regions[i].idx;
                if (!seen) item(out, &first, region_zh(t, v[a]->regions[i].idx));
            }
        fputs("</dd>\n", out);
    }
    /* Policy priorities the profile names, where an official Chinese wording exists. */
    first = true;
    for (size_t a = 0; a < nv; a++)
        for (size_t i = 0; i < v[a]->npriorities; i++) {
            size_t q = v[a]->priorities[i];
            if (q >= t->npriorities || !t->priorities[q].label_zh) continue;
            if (first) fputs("<dt>关注的政策重点</dt><dd>", out);
            const cm_priority *pr = &t->priorities[q];
            const cm_programme *pg = pr->programme < t->nprogrammes ? &t->programmes[pr->programme] : NULL;
            if (!first) fputs("；", out);
            first = false;
            if (pg && pg->name_zh) { fputs("《", out); cmx_html_text(out, pg->name_zh); fputs("》", out); }
            cmx_html_text(out, pr->label_zh);
            /* An ended plan is never shown as current policy (issue #12). */
            if (pg && pg->ended) fprintf(out, "（规划期已于 %d 年结束）", pg->ended);
        }
    if (!first) fputs("</dd>\n", out);
    fputs("</dl>\n", out);
}

static void why(FILE *out, const cm_shortlist *s, const cm_hit *h, const cm_profile *const *v, size_t nv)
{
    const cm_taxonomy *t = &s->ds->tax;
    const cm_partner *pt = cmx_partner(s, h);
    char b[48];
    fputs("<h2>二、推荐贵方的理由</h2>\n<p class=\"score\">综合匹配度 <b>", out);
    fputs(cmx_num(b, sizeof b, h->score, 1), out);
    fputs("</b> 分（满分 100 分）</p>\n<ul class=\"why\">\n", out);
    if (h->contrib[CM_C_SECTOR] > 0 && pt->nsectors) {
        fputs("<li>产业契合：贵方涉及的领域（", out);
        bool first = true;
        size_t shown = 0;
        for (size_t i = 0; i < pt->nsectors && shown < 4; i++) {
            bool rel = false;
            for (size_t a = 0; a < nv && !rel; a++) {
                for (size_t j = 0; j < v[a]->nsectors && !rel; j++) rel = related(t, pt->sectors[i], v[a]->sectors[j].idx);
                for (size_t j = 0; j < v[a]->nseeks && !rel; j++) rel = related(t, pt->sectors[i], v[a]->seeks[j].idx);
                for (size_t j = 0; j < v[a]->noffers && !rel; j++) rel = related(t, pt->sectors[i], v[a]->offers[j].idx);
            }
            if (rel) { item(out, &first, sector_zh(t, pt->sectors[i])); shown++; }
        }
        if (first) {   /* related only through the keyword index: name the partner's main sector */
            item(out, &first, sector_zh(t, pt->sectors[0]));
        }
        fputs("）与本集群的产业领域相关。</li>\n", out);
    }
    if (pt->nindustries_zh) {
        fputs("<li>贵方的主导产业：", out);
        bool first = true;
        for (size_t i = 0; i < pt->nindustries_zh && i < 6; i++) item(out, &first, pt->industries_zh[i]);
        fputs("。</li>\n", out);
    }
    if (h->contrib[CM_C_REGION] > 0) {
        fputs("<li>地区：贵方所在地", out);
        cmx_html_text(out, region_zh(t, pt->province));
        if (pt->city != CM_NONE && pt->city != pt->province) cmx_html_text(out, region_zh(t, pt->city));
        fputs("位于本集群的目标地区内。</li>\n", out);
    }
    if (h->contrib[CM_C_GOAL] > 0 && pt->kind < CM_NKINDS && t->kind_label_zh[pt->kind]) {
        fputs("<li>合作方式：贵方作为", out);
        cmx_html_text(out, t->kind_label_zh[pt->kind]);
        fputs("，契合本集群的合作目标。</li>\n", out);
    }
    if (h->contrib[CM_C_POLICY] > 0) {
        bool first = true;
        for (size_t i = 0; i < pt->npriorities; i++) {
            size_t q = pt->priorities[i];
            bool named = false;
            for (size_t a = 0; a < nv && !named; a++)
                for (size_t j = 0; j < v[a]->npriorities && !named; j++) named = v[a]->priorities[j] == q;
            if (!named || q >= t->npriorities || !t->priorities[q].label_zh) continue;
            if (first) fputs("<li>政策：双方共同关注", out);
            item(out, &first, t->priorities[q].label_zh);
        }
        if (!first) fputs("。</li>\n", out);
    }
    /* What the Chinese side gains: its own seeks that the cluster offers. */
    bool first = true;
    for (size_t i = 0; i < pt->nseeks; i++) {
        bool offered = false;
        for (size_t a = 0; a < nv && !offered; a++)
            for (size_t j = 0; j < v[a]->noffers && !offered; j++) offered = related(t, v[a]->offers[j].idx, pt->seeks[i]);
        if (!offered) continue;
        if (first) fputs("<li>互利：贵方寻求的", out);
        item(out, &first, sector_zh(t, pt->seeks[i]));
    }
    if (!first) fputs("正是本集群可以提供的。</li>\n", out);
    fputs("</ul>\n", out);
}

static void page(FILE *out, const cm_shortlist *s, const cm_hit *h, const char *generated,
                 const char *vintage)
{
    const cm_taxonomy *t = &s->ds->tax;
    const cm_partner *pt = cmx_partner(s, h);
    const cm_profile *v[64];
    size_t nv = s->profile ? voices(s->profile, v, sizeof v / sizeof v[0]) : 0;
    fputs("<section class=\"page\">\n<p class=\"brand\">clustermatch · 中欧产业集群合作</p>\n"
          "<h1>欧洲产业集群合作意向</h1>\n<p class=\"to\">致：<strong>", out);
    if (*cmx_name_zh(pt)) {
        cmx_html_text(out, cmx_name_zh(pt));
    } else {
        fputs("<span lang=\"en\">", out);
        cmx_html_text(out, pt->name);
        fputs("</span>", out);
    }
    fputs("</strong>", out);
    const char *prov = region_zh(t, pt->province);
    if (*prov) {
        fputs("（", out);
        cmx_html_text(out, prov);
        if (pt->city != CM_NONE && pt->city != pt->province) cmx_html_text(out, region_zh(t, pt->city));
        fputs("）", out);
    }
    fputs("</p>\n<p class=\"lead\">本页介绍一个希望与贵方建立联系的欧洲产业集群，并说明推荐贵方的理由。</p>\n", out);
    if (s->profile) {
        intro(out, s, v, nv);
        why(out, s, h, v, nv);
    }
    fputs("<div class=\"note\">\n<p>生成日期：", out);
    cmx_html_text(out, generated);
    fputs("；数据年份：", out);
    cmx_html_text(out, strcmp(vintage, "not dated") ? vintage : "未注明");
    fputs("。贵方资料取自公开来源", out);
    if (pt->as_of) fprintf(out, "（%d 年）", pt->as_of);
    fputs("，如有出入，以贵方信息为准。</p>\n<p>标注“原名”或“英文原文”的内容由欧方填写，未经翻译；"
          "其余中文词语取自 clustermatch 的中文词表（行业、目标、地区、政策名称），非机器翻译。</p>\n"
          "<p>本页由 clustermatch " CM_VERSION " 生成。</p>\n</div>\n</section>\n", out);
}

int cmx_write_html_zh(const cm_shortlist *lists, size_t n, const cm_export_opts *o, FILE *out,
                      cm_diags *d, const char *name)
{
    char generated[16], vintage[32];
    cmx_generated(generated, sizeof generated);
    cmx_vintage_text(n ? lists[0].ds : NULL, vintage, sizeof vintage);
    fputs("<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"clustermatch " CM_VERSION "\">\n<title>", out);
    if (n == 1) {
        fputs("欧洲产业集群合作意向：", out);
        cmx_html_text(out, cmx_profile_label(lists[0].profile));
    } else {
        fputs("欧洲产业集群合作意向", out);
    }
    fputs("</title>\n<style>\n", out);
    fputs(css_zh, out);
    fputs("</style>\n</head>\n<body>\n", out);
    size_t pages = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < lists[i].n; r++, pages++) page(out, &lists[i], &lists[i].hits[r], generated, vintage);
    if (!pages) fputs("<p>没有推荐的合作伙伴。</p>\n", out);
    fputs("</body>\n</html>\n", out);
    return 0;
}
