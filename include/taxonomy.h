/* taxonomy.h: the vocabularies profiles and partners are written in.
 *
 * Sectors (a DAG with parents), regions (macro-region > province > city > county, plus city
 * clusters), policy priorities mapped to sectors, cooperation goals with the partner-kind
 * fit matrix, and policy notes. Loaded from data/{sectors,regions,priorities,goals,
 * policy-notes}.yaml; every reference is checked at load time, so the rest of the program
 * can index arrays without checking again.
 *
 * Names resolve through one folded form: ASCII case folded, and spaces, apostrophes,
 * hyphens, underscores and dots removed, so `Xi'an`, `xian` and `XI-AN` are one key.
 * Chinese names are matched as written, simplified and traditional both listed in the data.
 *
 * Regions are the one vocabulary where two entries may share a name: China has three
 * Yunchengs (运城 in Shanxi, 云城 in Guangdong, 郓城 in Shandong). An id, written exactly,
 * always names its one region; so does a 6-digit GB/T 2260 code. A shared name resolves to
 * its highest-ranked region: province, macro-region or city cluster, then prefecture-level
 * city, then county-level division ("Jilin" is the province, the city is `jilin-jilin`;
 * "Xi'an" the prefecture-level city, not the districts); among several of that rank, to the
 * one whose id is the folded name ("Suzhou" is `suzhou`, 苏州); otherwise to nothing, and
 * cm_region_miss() lists the candidates. cm_region_understood() says which was taken. data/regions.yaml (hand-curated) and
 * data/regions-divisions.yaml (generated, every prefecture- and county-level division) are
 * loaded as one vocabulary.
 */
#ifndef CM_TAXONOMY_H
#define CM_TAXONOMY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "suggest.h"   /* cm_fold, cm_suggest_among: names are looked up folded */
#include "ydoc.h"

#define CM_NONE ((size_t)-1)

/* Vocabulary tables as X-macros: TABLE(X, SEP) applies X(ID, "name") to every entry with SEP
 * between them, so the enum, the name array and the lists in messages and help all come
 * from one place. CM_NAME_ picks the name; pass CM_COMMA_ as SEP for an initialiser, or a
 * string literal such as ", " for one literal listing every name. */
#define CM_NAME_(id, name) name
#define CM_COMMA_ ,

/* The partner kinds. */
#define CM_KINDS(X, SEP) \
    X(CLUSTER, "cluster") SEP X(ZONE, "zone") SEP X(ORGANISATION, "organisation") SEP X(PROGRAMME, "programme")
#define CM_KIND_ENUM_(id, name) CM_KIND_##id
typedef enum { CM_KINDS(CM_KIND_ENUM_, CM_COMMA_), CM_NKINDS } cm_kind;
#define CM_KIND_LIST CM_KINDS(CM_NAME_, ", ")      /* "cluster, zone, organisation, programme" */
extern const char *const cm_kind_names[CM_NKINDS];
/* Index of a kind name, or -1. */
int cm_kind_parse(const char *s);

typedef struct cm_sector {
    char *id, *label;
    char *label_zh;   /* Chinese label for the --lang zh report (label-zh; its source is
                       * label-zh-source in the file) */
    size_t *parents;  size_t nparents;
    char **aliases;   size_t naliases;
    /* Chinese phrases as printed in Chinese sources (the zone catalogue's leading
     * industries): they resolve to the sector like aliases, but are kept out of the English
     * keyword index and of `list sectors`. */
    char **aliases_zh; size_t naliases_zh;
    unsigned depth;   /* 0 for roots */
} cm_sector;

typedef enum { CM_REG_MACRO, CM_REG_PROVINCE, CM_REG_CITY, CM_REG_CLUSTER } cm_region_level;

typedef struct cm_region {
    char *id, *name;
    cm_region_level level;
    char *subtype;                   /* province type or city level, for display */
    char *zh_hans, *zh_hant;
    char *code;                      /* GB/T 2260 code of a division, or NULL */
    size_t province;                 /* provinces and cities: the province index; else CM_NONE */
    size_t parent;                   /* cities: enclosing city, or CM_NONE */
    size_t macro;                    /* provinces and cities: macro-region index */
    size_t distinct_from;            /* provinces: the one readers take it for (Shanxi and
                                        Shaanxi), or CM_NONE; users are told which was meant */
    bool world_class;                /* city clusters only */
    size_t *members;  size_t nmembers;  /* city clusters: member provinces and cities */
    double lat, lon;  bool has_coords, approximate;
} cm_region;

typedef struct cm_priority {
    char *id, *label;
    char *label_zh;                  /* official Chinese wording, or NULL */
    size_t programme;                /* index into programmes */
    size_t region;                   /* a place-bound plan's area (`region:`), else CM_NONE:
                                      * it concerns only partners inside that region */
    size_t *sectors; double *weights; size_t nsectors;
} cm_priority;

typedef enum { CM_ORIGIN_CHINA, CM_ORIGIN_EU, CM_ORIGIN_EU_CHINA } cm_origin;
typedef struct cm_programme {
    char *id, *name;
    char *name_zh;                   /* official Chinese name (中国制造2025, 十四五 ...), or NULL */
    cm_origin origin;
    int start, end;                  /* period: 'period: 2016-2020'; 0 when not given */
    int ended;                       /* year the programme ended, 0 while it is current: an
                                      * explanation that names it must say so */
} cm_programme;

typedef struct cm_goal { char *id, *label, *label_zh; } cm_goal;

/* A country a profile's members may come from (data/countries.yaml): for reports only; a
 * profile's `country` is checked as an ISO code whether or not it is listed here. */
typedef struct cm_country { char *id, *name, *label_zh; } cm_country;

typedef struct cm_note {
    char *id, *title, *text, *link;
    size_t *sectors; size_t nsectors;   /* empty: applies to every partner */
    unsigned kinds;                     /* bit mask of cm_kind; 0 = all */
    int as_of;                          /* year the note describes; 0 if not given */
    bool historical;                    /* outdated: kept for the record, never attached to
                                         * a suggestion */
    size_t superseded_by;               /* the note that replaces it, or CM_NONE */
} cm_note;

/* A name table: every folded name (exact, for region ids) with the entry it names. */
typedef struct cm_name_entry {
    char *key;
    size_t idx;
    size_t *also;       /* regions only: further entries with this name, ascending */
    size_t nalso;
} cm_name_entry;
struct cm_names_node;
typedef struct cm_names {
    cm_name_entry *v; size_t n;         /* in insertion order: did-you-mean walks them so */
    uint32_t *sorted;                   /* entry numbers in byte order of key: binary search */
    struct cm_names_node *build;        /* while the YAML loads: a hash of the keys (sorted
                                         * is NULL); NULL once loaded */
} cm_names;

typedef struct cm_taxonomy {
    cm_sector *sectors;       size_t nsectors;
    cm_region *regions;       size_t nregions;
    cm_priority *priorities;  size_t npriorities;
    cm_programme *programmes; size_t nprogrammes;
    cm_goal *goals;           size_t ngoals;
    char *kind_label_zh[CM_NKINDS];     /* Chinese name of each partner kind (goals.yaml) */
    cm_country *countries;    size_t ncountries;
    double (*goal_fit)[CM_NKINDS];      /* goal_fit[goal][kind] in [0,1] */
    size_t *default_goals; size_t ndefault_goals;  /* for profiles that name no goal */
    cm_note *notes;           size_t nnotes;
    /* ancestor closure: anc[i*nsectors+j] = number of steps from i up to j, or 0xff */
    unsigned char *anc;
    cm_names sector_names, region_names, priority_names, goal_names;
    cm_names region_ids;                /* exact region ids, for id references */
} cm_taxonomy;

void cm_taxonomy_init(cm_taxonomy *t);
void cm_taxonomy_release(cm_taxonomy *t);
/* Load the vocabulary files from `dir`. Returns 0, or -1 with errors in `d`. */
int cm_taxonomy_load(cm_taxonomy *t, const char *dir, cm_diags *d);

/* Resolve a name (id, label, alias, pinyin, Chinese) to an index, or CM_NONE. */
size_t cm_sector_find(const cm_taxonomy *t, const char *name);
size_t cm_region_find(const cm_taxonomy *t, const char *name);
size_t cm_priority_find(const cm_taxonomy *t, const char *name);
size_t cm_goal_find(const cm_taxonomy *t, const char *name);
/* A country by its ISO 3166-1 alpha-2 code (case-insensitive; EL = GR, UK = GB), or NULL. */
const cm_country *cm_country_find(const cm_taxonomy *t, const char *code);

/* Every region a name could mean: writes up to `cap` indexes to `out` (by index order) and
 * returns how many there are. An exact id or code gives 1. */
size_t cm_region_candidates(const cm_taxonomy *t, const char *name, size_t *out, size_t cap);
/* The message for a region name cm_region_find() did not resolve, `what` naming the field
 * ("region", "city"): the candidates of an ambiguous name with their provinces, else "unknown"
 * with a did-you-mean. Returns a malloc'd string, or NULL when out of memory. */
char *cm_region_miss(const cm_taxonomy *t, const char *what, const char *name);
/* One line a user can tell a region by: "Yuncheng 运城, prefecture-level division in Shanxi
 * 山西". Writes at most `cap` bytes to `buf` (always terminated) and returns `buf`. */
const char *cm_region_describe(const cm_taxonomy *t, size_t idx, char *buf, size_t cap);

/* For a region easily taken for another (Shanxi 山西, Shaanxi 陕西): "'Shanxi' is understood
 * as Shanxi 山西, not Shaanxi 陕西"; for a name other places share, which one was taken and
 * the ids of the others. Written to `buf` (at most `cap` bytes; 1024 holds every name of the
 * shipped data), which is returned; NULL for any other region. `as_written` is the user's
 * spelling. */
const char *cm_region_understood(const cm_taxonomy *t, size_t idx, const char *as_written, char *buf, size_t cap);

/* Vocabulary for did-you-mean: which table to search. */
typedef enum { CM_VOCAB_SECTOR, CM_VOCAB_REGION, CM_VOCAB_PRIORITY, CM_VOCAB_GOAL } cm_vocab;
/* The id closest to an unknown `name` (edit distance, prefixes), or NULL if none is close. */
const char *cm_suggest(const cm_taxonomy *t, cm_vocab v, const char *name);

/* Steps from sector `a` up to its ancestor `b` (0 if a == b), or -1 if b is not above a. */
int cm_sector_ancestor_dist(const cm_taxonomy *t, size_t a, size_t b);
/* True if region `inner` lies in `outer`: the same region, a city inside a city or province,
 * a province or city inside a city cluster or macro-region. */
bool cm_region_within(const cm_taxonomy *t, size_t inner, size_t outer);

/* The five name tables, for the compiled dataset (compiled.c), which stores them in
 * insertion order (the order did-you-mean walks them) and builds them again, once, at
 * compile time, inside its image. */
typedef enum { CM_NAMES_SECTOR, CM_NAMES_REGION, CM_NAMES_REGION_ID, CM_NAMES_PRIORITY, CM_NAMES_GOAL,
               CM_NNAMES } cm_names_table;
typedef void cm_names_visit(void *ctx, const char *key, size_t idx, const size_t *also, size_t nalso);
size_t cm_names_count(const cm_taxonomy *t, cm_names_table which);
void cm_names_walk(const cm_taxonomy *t, cm_names_table which, cm_names_visit *fn, void *ctx);
/* Install table `which` as the `n` entries `v` (distinct keys, insertion order), with
 * `sorted` (room for n numbers) filled here; nothing is copied: the caller owns all of it
 * and, before freeing it, calls cm_names_clear, which forgets the tables without freeing
 * anything. Returns 0, or -1 when out of memory. */
int cm_names_set(cm_taxonomy *t, cm_names_table which, cm_name_entry *v, size_t n, uint32_t *sorted);
void cm_names_clear(cm_taxonomy *t);

/* Resolve the sector named by scalar node `n` of `file`; on failure report "unknown sector
 * 'x' (did you mean 'y'?)" (or a wrong type) at the node and return CM_NONE. Shared by the
 * loaders of every data file that names sectors. */
size_t cm_sector_at(const cm_taxonomy *t, const char *file, const ynode *n, cm_diags *d);

#endif
