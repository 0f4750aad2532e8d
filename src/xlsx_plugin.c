/* xlsx_plugin.c: cmx_write_xlsx for the clustermatch binary, by loading the xlsx writer
 * (export_xlsx.c, built by the Makefile as clustermatch-xlsx.so) on first use.
 *
 * Why: libxlsxwriter pulls in libcrypto, minizip and zlib, whose loading and relocation
 * were most of the start-up of every run (issue #14), though only xlsx output needs them.
 * The plugin's own references to the export helpers (cmx_*, cm_ioerror) resolve against
 * the binary, which exports just those symbols (--export-dynamic-symbol in the Makefile).
 *
 * Where the plugin is looked for, in order: $CLUSTERMATCH_PLUGIN_DIR (tests, a relocated
 * build), the directory of the running binary (the build tree), ../lib/clustermatch
 * beside that directory (a relocated install), and CM_PLUGINDIR (the configured install
 * path, $(PREFIX)/lib/clustermatch). A missing or broken plugin is an error naming the
 * places tried, never a crash. Loading happens once per process (pthread_once: `serve`
 * writes from several threads).
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_writers.h"

#ifndef CM_PLUGINDIR
#define CM_PLUGINDIR "/usr/local/lib/clustermatch"
#endif
#define XLSX_PLUGIN "clustermatch-xlsx.so"

typedef int (*xlsx_fn)(const cm_shortlist *, size_t, const cm_export_opts *, const char *,
                       cm_diags *, const char *);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static xlsx_fn plugin_write;
static char load_error[3 * PATH_MAX + 256];

static int try_dir(const char *dir, size_t *used)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, XLSX_PLUGIN) >= (int)sizeof path) return -1;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        /* A file that is there but does not load is worth its own message. */
        const char *why = access(path, F_OK) == 0 ? dlerror() : "not found";
        int k = snprintf(load_error + *used, sizeof load_error - *used, "%s%s (%s)",
                         *used ? "; " : "", path, why);
        if (k > 0) *used = *used + (size_t)k < sizeof load_error ? *used + (size_t)k
                                                                 : sizeof load_error - 1;
        return -1;
    }
    plugin_write = (xlsx_fn)dlsym(h, "cmx_write_xlsx");
    if (!plugin_write) {
        snprintf(load_error, sizeof load_error, "%.*s has no cmx_write_xlsx (a plugin of another version?)", PATH_MAX, path);
        dlclose(h);
        return -2;
    }
    return 0;
}

static void load(void)
{
    size_t used = 0;
    const char *env = getenv("CLUSTERMATCH_PLUGIN_DIR");
    if (env && *env) { int r = try_dir(env, &used); if (r != -1) return; }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            int r = try_dir(exe, &used);
            if (r != -1) return;
            char rel[PATH_MAX];
            if (snprintf(rel, sizeof rel, "%s/../lib/clustermatch", exe) < (int)sizeof rel) {
                r = try_dir(rel, &used);
                if (r != -1) return;
            }
        }
    }
    try_dir(CM_PLUGINDIR, &used);
}

int cmx_write_xlsx(const cm_shortlist *lists, size_t n, const cm_export_opts *o,
                   const char *path, cm_diags *d, const char *name)
{
    pthread_once(&load_once, load);
    if (!plugin_write)
        return cm_ioerror(d, name, "cannot write xlsx: the xlsx writer %s is not installed "
                          "or does not load (tried %s)", XLSX_PLUGIN, load_error);
    return plugin_write(lists, n, o, path, d, name);
}
