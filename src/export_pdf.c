/* export_pdf.c: the PDF report, printed from the HTML report by headless Chromium.
 *
 * Why Chromium: the HTML report already lays out the summary, the map (SVG) and the Chinese
 * names; printing it gives the same report on A4 (the page size and margins are in the
 * report's @page rule) with text that pdftotext can read, and Chinese set in the fonts the
 * system has (fonts-noto-cjk), with no second layout to keep in step. The cost is a large
 * runtime dependency, so it is looked up only when a PDF is asked for, and its absence is
 * an error that says what to install.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomicio.h"
#include "export_util.h"
#include "export_writers.h"

extern char **environ;

/* The browser to print with: $CLUSTERMATCH_CHROMIUM, else the first of the usual names on
 * PATH. Returns a malloc'd path or NULL. */
static char *find_browser(void)
{
    const char *env = getenv("CLUSTERMATCH_CHROMIUM");
    if (env && *env) return access(env, X_OK) == 0 ? strdup(env) : NULL;
    static const char *const names[] = { "chromium", "chromium-browser", "google-chrome" };
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/bin:/bin";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *p = path;
        while (*p) {
            const char *e = strchr(p, ':');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            char buf[4096];
            snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? p : ".", names[i]);
            if (access(buf, X_OK) == 0) return strdup(buf);
            p += n + (e ? 1 : 0);
        }
    }
    return NULL;
}

int cmx_write_pdf(const cm_shortlist *lists, size_t n, const cm_export_opts *o,
                  const char *path, cm_diags *d, const char *name)
{
    char *browser = find_browser();
    if (!browser)
        return cm_ioerror(d, name, "a PDF is printed from the HTML report by headless Chromium, "
                          "which was not found (install it: apt-get install chromium "
                          "fonts-noto-cjk; or set CLUSTERMATCH_CHROMIUM), or write -o FILE.html");
    int rc = -1;
    char *html = NULL, *url = NULL, *arg = NULL, *profdir = NULL;
    size_t len = strlen(path);
    html = malloc(len + 6);
    url = malloc(len + 4096 + 16);
    arg = malloc(len + 32);
    profdir = malloc(len + 16);
    if (!html || !url || !arg || !profdir) { cm_ioerror(d, name, "out of memory"); goto out; }
    snprintf(html, len + 6, "%s.html", path);
    snprintf(profdir, len + 16, "%s.chromeXXXXXX", path);
    if (!mkdtemp(profdir)) {
        cm_ioerror(d, name, "cannot create a temporary directory: %s", strerror(errno));
        goto out;
    }
    FILE *fp = fopen(html, "wb");
    if (!fp) { cm_ioerror(d, html, "cannot write: %s", strerror(errno)); goto out; }
    /* The html writer itself, not the dispatch in export.c, which calls this file. */
    int w = cmx_write_html(lists, n, o, fp, d, html);
    if (!w && ferror(fp)) w = cm_ioerror(d, html, "cannot write: %s", strerror(errno));
    if (fclose(fp) != 0 && !w) w = cm_ioerror(d, html, "cannot write: %s", strerror(errno));
    if (w) goto out;
    char cwd[4096];
    if (html[0] == '/') snprintf(url, len + 4096 + 16, "file://%s", html);
    else if (getcwd(cwd, sizeof cwd)) snprintf(url, len + 4096 + 16, "file://%s/%s", cwd, html);
    else { cm_ioerror(d, name, "cannot find the current directory"); goto out; }
    snprintf(arg, len + 32, "--print-to-pdf=%s", path);
    char udd[4096 + 32];
    snprintf(udd, sizeof udd, "--user-data-dir=%s", profdir);
    /* --no-sandbox: the sandbox cannot start as root (CI, containers); the page is our own
     * file with no script. */
    char *argv[] = { browser, "--headless", "--no-sandbox", "--disable-gpu",
                     "--no-pdf-header-footer", "--disable-extensions", "--no-first-run",
                     udd, arg, url, NULL };
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int e = posix_spawn(&pid, browser, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e) { cm_ioerror(d, name, "cannot run %s: %s", browser, strerror(e)); goto out; }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    struct stat sb;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || stat(path, &sb) != 0 || sb.st_size == 0) {
        cm_ioerror(d, name, "%s could not print the report to PDF (exit status %d)", browser,
                   WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        goto out;
    }
    rc = 0;
out:
    if (html) unlink(html);
    if (profdir && strstr(profdir, "XXXXXX") == NULL) {
        /* Chromium leaves its profile behind: remove it (a shell-free rm -r). */
        char *rmv[] = { "rm", "-rf", "--", profdir, NULL };
        pid_t rp;
        if (posix_spawnp(&rp, "rm", NULL, NULL, rmv, environ) == 0)
            while (waitpid(rp, NULL, 0) < 0 && errno == EINTR) {}
    }
    free(html);
    free(url);
    free(arg);
    free(profdir);
    free(browser);
    return rc;
}
