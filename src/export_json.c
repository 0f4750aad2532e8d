/* export_json.c: shortlists as one JSON document (jansson), described by
 * docs/shortlist.schema.json.
 *
 *   {"clustermatch": "0.1.0", "generated": "2026-12-01", "data_vintage": {from, to},
 *    "shortlists": [
 *     {"profile": {id, name, file}, "weights": {sector..keyword}, "considered": N,
 *      "hits": [{rank, score, partner: {...}, components: {...}, contributions: {...},
 *                reasons: [{component, points, text}], notes: [{id, title, text, link}],
 *                members: [{id, name, score}]  (partnership profiles only)}]}]}
 *
 * Numbers keep full double precision (jansson prints 17 significant digits); objects keep
 * insertion order, so the output is stable and diffable.
 */
#include <math.h>
#include <jansson.h>

#include "export_util.h"
#include "export_writers.h"

/* A JSON number, or null for a value that is not finite (JSON has no NaN). */
static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* A JSON string, or null for NULL; invalid UTF-8 is replaced rather than dropped. */
static json_t *jstr(const char *s)
{
    if (!s) return json_null();
    json_t *j = json_string(s);
    if (j) return j;
    /* Not valid UTF-8 (the dataset loader should have refused it): keep ASCII only. */
    cmx_buf b = {0};
    for (const char *p = s; *p; p++) {
        char c = (unsigned char)*p < 0x80 ? *p : '?';
        cmx_buf_putn(&b, &c, 1);
    }
    j = json_string(cmx_buf_str(&b));
    cmx_buf_release(&b);
    return j;
}

/* Set `key` to `v`; false if `v` is NULL (out of memory) or the set failed. Like
 * json_object_set_new, `v` is released on failure: the caller never frees it. */
static bool put(json_t *obj, const char *key, json_t *v)
{
    return v && json_object_set_new(obj, key, v) == 0;
}

/* Append `v` to `arr`; the same ownership rule as put. */
static bool add(json_t *arr, json_t *v)
{
    return v && json_array_append_new(arr, v) == 0;
}

static json_t *partner_json(const cm_shortlist *s, const cm_partner *p)
{
    const cm_dataset *ds = s->ds;
    json_t *o = json_object();
    const char *zh = cmx_name_zh(p);
    const char *city = cmx_region_id(ds, p->city);
    bool ok = o
        && put(o, "id", jstr(p->id))
        && put(o, "name", jstr(p->name))
        && put(o, "name_zh", *zh ? jstr(zh) : json_null())
        && put(o, "kind", jstr(cmx_kind_name(p->kind)))
        && put(o, "zone_type", jstr(p->zone_type))
        && put(o, "province", jstr(cmx_region_name(ds, p->province)))
        && put(o, "province_id", jstr(cmx_region_id(ds, p->province)))
        && put(o, "city", *city ? jstr(cmx_region_name(ds, p->city)) : json_null())
        && put(o, "city_id", *city ? jstr(city) : json_null())
        && put(o, "lat", jnum(p->lat))
        && put(o, "lon", jnum(p->lon))
        && put(o, "approximate", json_boolean(p->approximate))
        && put(o, "website", jstr(p->website))
        && put(o, "as_of", p->as_of ? json_integer(p->as_of) : json_null())
        && put(o, "source", jstr(p->source));
    if (!ok) { json_decref(o); return NULL; }
    return o;
}

static json_t *per_component(const double v[CM_NCOMP])
{
    json_t *o = json_object();
    if (!o) return NULL;
    for (size_t c = 0; c < CM_NCOMP; c++)
        if (!put(o, cmx_comp_name(c), jnum(v[c]))) { json_decref(o); return NULL; }
    return o;
}

static json_t *hit_json(const cm_shortlist *s, size_t r)
{
    const cm_hit *h = &s->hits[r];
    json_t *o = json_object();
    json_t *reasons = json_array(), *notes = json_array();
    bool ok = o && reasons && notes
        && put(o, "rank", json_integer((json_int_t)(r + 1)))
        && put(o, "score", jnum(h->score))
        && put(o, "partner", partner_json(s, cmx_partner(s, h)))
        && put(o, "components", per_component(h->comp))
        && put(o, "contributions", per_component(h->contrib))
        && put(o, "fit", jnum(h->fit))
        && put(o, "reciprocity", jnum(h->recip))
        && put(o, "china_side", jstr(h->why_partner))
        && put(o, "stability", h->acceptability >= 0 ? jnum(h->acceptability) : json_null());
    for (size_t i = 0; ok && i < h->nreasons && i < CM_MAX_REASONS; i++) {
        json_t *x = json_object();
        ok = x && put(x, "component", jstr(cmx_comp_name(h->reasons[i].comp)))
            && put(x, "points", jnum(h->reasons[i].contrib))
            && put(x, "text", jstr(h->reasons[i].text));
        if (!add(reasons, x)) ok = false;
    }
    for (size_t i = 0; ok && i < h->nnotes && i < CM_MAX_NOTES; i++) {
        const cm_note *nt = cmx_note(s->ds, h->notes[i]);
        if (!nt) continue;
        json_t *x = json_object();
        ok = x && put(x, "id", jstr(nt->id)) && put(x, "title", jstr(nt->title))
            && put(x, "text", jstr(nt->text)) && put(x, "link", jstr(nt->link));
        if (!add(notes, x)) ok = false;
    }
    if (ok) { ok = put(o, "reasons", reasons); reasons = NULL; }
    if (ok) { ok = put(o, "notes", notes); notes = NULL; }
    if (ok && h->member_score && s->profile) {
        json_t *members = json_array();
        ok = put(o, "members", members);
        for (size_t m = 0; ok && m < s->profile->nmembers; m++) {
            const cm_profile *mp = &s->profile->members[m];
            json_t *x = json_object();
            ok = x && put(x, "id", jstr(mp->id)) && put(x, "name", jstr(mp->name ? mp->name : mp->id))
                && put(x, "score", jnum(h->member_score[m]));
            if (!add(members, x)) ok = false;
        }
    }
    json_decref(reasons);
    json_decref(notes);
    if (!ok) { json_decref(o); return NULL; }
    return o;
}

static json_t *shortlist_json(const cm_shortlist *s)
{
    const cm_profile *p = s->profile;
    json_t *o = json_object(), *prof = json_object(), *hits = json_array();
    bool ok = o && prof && hits
        && put(prof, "id", jstr(p ? p->id : NULL))
        && put(prof, "name", jstr(p ? (p->name ? p->name : p->id) : NULL))
        && put(prof, "file", jstr(p ? p->file : NULL));
    if (ok) { ok = put(o, "profile", prof); prof = NULL; }
    ok = ok && put(o, "weights", per_component(s->weights))
        && put(o, "considered", json_integer((json_int_t)s->considered));
    for (size_t r = 0; ok && r < s->n; r++)
        ok = add(hits, hit_json(s, r));
    if (ok) { ok = put(o, "hits", hits); hits = NULL; }
    /* Who can help: the ranked list's cross-sector support bodies, as rank chose them. */
    json_t *help = ok ? json_array() : NULL;
    for (size_t i = 0; help && ok && i < s->nhelpers; i++)
        ok = add(help, partner_json(s, &s->ds->partners[s->helpers[i]]));
    if (ok) ok = put(o, "who_can_help", help);
    else json_decref(help);
    json_decref(prof);
    json_decref(hits);
    if (!ok) { json_decref(o); return NULL; }
    return o;
}

int cmx_write_json(const cm_shortlist *lists, size_t n, const cm_export_opts *o, FILE *out,
                   cm_diags *d, const char *name)
{
    json_t *root = json_object(), *arr = json_array();
    char date[16];
    int lo = 0, hi = 0;
    if (n) cmx_vintage(lists[0].ds, &lo, &hi);
    json_t *vint = json_object();
    bool ok = root && arr && vint && put(root, "clustermatch", json_string(CM_VERSION))
        && put(root, "generated", json_string(cmx_generated(date, sizeof date)))
        && put(vint, "from", lo ? json_integer(lo) : json_null())
        && put(vint, "to", hi ? json_integer(hi) : json_null());
    if (ok) { ok = put(root, "data_vintage", vint); vint = NULL; }
    json_decref(vint);
    for (size_t i = 0; ok && i < n; i++)
        ok = add(arr, shortlist_json(&lists[i]));
    if (ok) { ok = put(root, "shortlists", arr); arr = NULL; }
    json_decref(arr);
    if (!ok) {
        json_decref(root);
        return cm_ioerror(d, name, "out of memory");
    }
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0) return -1;          /* a write error: the caller reports it via ferror */
    fputc('\n', out);
    return 0;
}
