/* serve_assets.c: the files of web/ built into the binary.
 *
 * The assembler's .incbin copies each file into .rodata at build time (the Makefile makes
 * this object depend on the files in web/), so the server serves exactly what was built
 * and never reads a file at run time: no path from a request can reach the disk. Paths are
 * relative to the top of the source tree, where make runs the compiler.
 */
#include <string.h>

#include "serve_int.h"

#define EMBED(sym, file)                                                                  \
    __asm__(".section .rodata\n.balign 16\n.global " #sym "\n.hidden " #sym "\n" #sym ":\n" \
            ".incbin \"" file "\"\n.global " #sym "_end\n.hidden " #sym "_end\n" #sym      \
            "_end:\n.byte 0\n.previous\n");                                                \
    extern const unsigned char sym[], sym##_end[]

EMBED(cm_web_app_css, "web/app.css");
EMBED(cm_web_app_js, "web/app.js");

bool sv_asset_find(const char *path, sv_asset *out)
{
    /* The sizes are link-time constants, not C constant expressions: computed per call. */
    static const struct { const char *path, *type; const unsigned char *b, *e; } t[] = {
        { "/app.css", "text/css; charset=utf-8", cm_web_app_css, cm_web_app_css_end },
        { "/app.js", "text/javascript; charset=utf-8", cm_web_app_js, cm_web_app_js_end },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (!strcmp(path, t[i].path)) {
            *out = (sv_asset){ t[i].path, t[i].type, t[i].b, (size_t)(t[i].e - t[i].b) };
            return true;
        }
    return false;
}
