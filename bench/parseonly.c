/* parseonly.c: the floor for `clustermatch batch`: libyaml's event parser over the same
 * files, and nothing else.
 *
 *   parseonly PATH...
 *
 * Each PATH is a YAML file or a directory, searched recursively for *.yaml and *.yml.
 * Every file is read into memory whole (as src/atomicio.c does) and run through
 * yaml_parser_parse until STREAM-END; events are counted and deleted, no tree is built, no
 * validation, no scoring. Prints "files N events N" on stdout. Exit 1 if a file cannot be
 * read or is not YAML.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

static size_t nfiles, nevents;
static int failed;

static void parse_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); failed = 1; return; }
    size_t cap = 1 << 14, len = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            unsigned char *b = realloc(buf, cap *= 2);
            if (!b) { free(buf); buf = NULL; }
            buf = b;
        }
    }
    fclose(f);
    if (!buf) { fprintf(stderr, "%s: out of memory\n", path); failed = 1; return; }
    yaml_parser_t p;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&p)) { free(buf); failed = 1; return; }
    yaml_parser_set_input_string(&p, buf, len);
    for (;;) {
        if (!yaml_parser_parse(&p, &ev)) {
            fprintf(stderr, "%s:%zu: %s\n", path, p.problem_mark.line + 1, p.problem ? p.problem : "invalid YAML");
            failed = 1;
            break;
        }
        nevents++;
        int done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (done) break;
    }
    yaml_parser_delete(&p);
    free(buf);
    nfiles++;
}

static int is_yaml(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"));
}

static void walk(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) { perror(path); failed = 1; return; }
    if (!S_ISDIR(st.st_mode)) { parse_file(path); return; }
    DIR *d = opendir(path);
    if (!d) { perror(path); failed = 1; return; }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *sub = malloc(n);
        if (!sub) { failed = 1; break; }
        snprintf(sub, n, "%s/%s", path, e->d_name);
        if (stat(sub, &st) == 0 && (S_ISDIR(st.st_mode) || is_yaml(e->d_name))) walk(sub);
        free(sub);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: parseonly PATH...\n"); return 2; }
    for (int i = 1; i < argc; i++) walk(argv[i]);
    printf("files %zu events %zu\n", nfiles, nevents);
    return failed;
}
