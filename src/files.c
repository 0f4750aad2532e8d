/* files.c: string vectors, name sets and the profile-file walk (files.h). */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WALK_MAX_DEPTH 64

int cm_strvec_push(cm_strvec *sv, char *s)
{
    if (!s) return -1;
    if (sv->n == sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 64;
        char **v = realloc(sv->v, cap * sizeof *v);
        if (!v) { free(s); return -1; }
        sv->v = v;
        sv->cap = cap;
    }
    sv->v[sv->n++] = s;
    return 0;
}

void cm_strvec_release(cm_strvec *sv)
{
    for (size_t i = 0; i < sv->n; i++) free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;               /* 0 marks an empty slot */
}

int cm_nameset_take(cm_nameset *set, const char *name)
{
    if (2 * (set->n + 1) > set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 1024;
        uint64_t *v = calloc(cap, sizeof *v);
        if (!v) return -1;
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slot[i]) continue;
            size_t j = set->slot[i] & (cap - 1);
            while (v[j]) j = (j + 1) & (cap - 1);
            v[j] = set->slot[i];
        }
        free(set->slot);
        set->slot = v;
        set->cap = cap;
    }
    uint64_t h = fnv1a(name);
    size_t j = h & (set->cap - 1);
    for (; set->slot[j]; j = (j + 1) & (set->cap - 1))
        if (set->slot[j] == h) return 0;
    set->slot[j] = h;
    set->n++;
    return 1;
}

void cm_nameset_release(cm_nameset *set)
{
    free(set->slot);
    memset(set, 0, sizeof *set);
}

char *cm_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/') dl--;
    if (dl == 1 && dir[0] == '/') dl = 0;
    size_t len = dl + strlen(name) + 2;
    char *p = malloc(len);
    if (p) snprintf(p, len, "%.*s/%s", (int)dl, dir, name);
    return p;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_yaml_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && dot != name && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"));
}

/* Append the profile files under `dir` to `out`. Returns -1 only when memory ran out. */
static int walk(const char *dir, cm_strvec *out, cm_diags *d, unsigned depth)
{
    if (depth > WALK_MAX_DEPTH) {
        cm_ioerror(d, dir, "directories nested more than %d deep; not searched", WALK_MAX_DEPTH);
        return 0;
    }
    DIR *dp = opendir(dir);
    if (!dp) {
        cm_ioerror(d, dir, "cannot open directory: %s", strerror(errno));
        return 0;
    }
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(dp);
        if (!e) {
            if (errno) cm_ioerror(d, dir, "cannot read directory: %s", strerror(errno));
            break;
        }
        if (e->d_name[0] == '.') continue;          /* ".", ".." and hidden entries */
        char *path = cm_path_join(dir, e->d_name);
        if (!path) { rc = -1; break; }
        struct stat st;
        if (lstat(path, &st) != 0) {
            cm_ioerror(d, path, "cannot stat: %s", strerror(errno));
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (strcmp(e->d_name, "members") != 0) rc = walk(path, out, d, depth + 1);
            free(path);
        } else if (is_yaml_name(e->d_name) &&
                   !(S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
            /* Anything named *.yaml but a link to a directory is a profile to load: a
             * dangling or looping link, a FIFO, is then reported by the loader like any
             * unreadable profile (message, failures.csv row, exit status), not skipped. */
            rc = cm_strvec_push(out, path);
        } else {
            free(path);
        }
        if (rc) break;
    }
    closedir(dp);
    return rc;
}

int cm_profile_files(char *const *paths, size_t n, cm_strvec *out, cm_diags *d)
{
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t from = out->n;
            if (walk(paths[i], out, d, 0)) return -1;
            if (out->n > from)
                qsort(out->v + from, out->n - from, sizeof *out->v, cmp_str);
        } else if (cm_strvec_push(out, strdup(paths[i]))) {
            return -1;
        }
    }
    return 0;
}
