/* diag.h: diagnostics with file, line and column.
 *
 * Every module reports problems by appending to a cm_diags list instead of printing, so the
 * command line decides where and how they appear. Lines and columns are 1-based. The
 * printer shows `file:line:col: error: message`, then the source line and a caret under the
 * column, as compilers do: users fix their input faster when they see the line.
 */
#ifndef CM_DIAG_H
#define CM_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { CM_SEV_ERROR, CM_SEV_WARNING, CM_SEV_NOTE } cm_severity;

/* What went wrong, so main can choose the exit status: bad input or failed I/O. */
typedef enum { CM_FAIL_INPUT = 1, CM_FAIL_IO = 2 } cm_failure;

typedef struct cm_diag {
    char *file;        /* may be NULL for messages about no file */
    unsigned line;     /* 0 when unknown */
    unsigned col;      /* 0 when unknown */
    cm_severity sev;
    cm_failure kind;   /* meaningful for errors */
    char *msg;
} cm_diag;

typedef struct cm_diags {
    cm_diag *v;
    size_t n, cap;
    size_t nerrors;
    size_t nio;        /* errors of kind CM_FAIL_IO */
    size_t max;        /* stop recording after this many (the count still grows); 0 = 200 */
    size_t dropped;
} cm_diags;

void cm_diags_init(cm_diags *d);
void cm_diags_release(cm_diags *d);
/* Forget recorded diagnostics, keep the allocation. */
void cm_diags_clear(cm_diags *d);

/* Append an input error; returns -1 so callers can `return cm_error(...)`. */
int cm_error(cm_diags *d, const char *file, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Append an I/O error (file missing, unreadable, disk full); returns -1. */
int cm_ioerror(cm_diags *d, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cm_warn(cm_diags *d, const char *file, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Append a note: how an input was understood, where it could have been read otherwise. */
void cm_info(cm_diags *d, const char *file, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Print every diagnostic to `out`. With `show_source`, each located message is followed by
 * its source line (read again from the file, tabs kept) and a caret under the column. */
void cm_diags_print(const cm_diags *d, FILE *out, int show_source);

/* Text for a person (terminal, log): `s` with every control character (C0 but tab, DEL,
 * C1), Unicode line separator and bidi control written as \n, \xHH or \uHHHH, and bytes
 * that are not UTF-8 as \xHH, so neither a file's content nor a file name can drive the
 * terminal. cm_diags_print uses it for file names and messages. */
void cm_fput_clean(const char *s, FILE *out);
/* printf into `out` through cm_fput_clean, then a newline (which `fmt` must not hold). */
void cm_say(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cm_vsay(FILE *out, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Move all diagnostics of `src` to the end of `dst`; `src` is left empty. */
void cm_diags_move(cm_diags *dst, cm_diags *src);

#endif
