/* serve.h: `clustermatch serve`, the web form in front of the same engine.
 *
 * A small HTTP server (libmicrohttpd, a pool of worker threads) with one profile form, a
 * YAML upload, and a result page that is the HTML report `rank -o report.html` writes, with
 * download links for the profile and the other export formats. Pages and assets are built
 * into the binary: nothing is read from disk after start, and no page asks another host for
 * anything.
 *
 * Every request is independent: the form becomes YAML, which is parsed and validated by the
 * profile loader `clustermatch validate` uses (so the messages are the same), ranked against
 * the shared model, and written by the export writers. The dataset and model are loaded once
 * by the caller and only read by the workers, so they must outlive the server.
 *
 * Limits: a request body may hold at most a profile's size (YLIMITS_PROFILE.max_bytes) plus
 * the encoding overhead; beyond that the answer is 413. Slow clients are dropped after
 * `timeout` seconds without progress. Bad paths and methods get 4xx; nothing outside the
 * built-in assets is ever served.
 *
 * The core never prints: problems that happen inside the server (libmicrohttpd's own
 * messages) go to the `log` callback, which the command line owns.
 */
#ifndef CM_SERVE_H
#define CM_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include "diag.h"
#include "score.h"

typedef struct cm_server cm_server;

typedef struct cm_serve_opts {
    const char *listen;          /* "HOST:PORT", "[V6]:PORT" or ":PORT" (loopback); port 0
                                  * picks a free one (see cm_server_url) */
    unsigned threads;            /* worker threads; 0 = 4 */
    unsigned timeout;            /* seconds a connection may stay idle; 0 = 15 */
    unsigned max_connections;    /* 0 = 64 */
    /* Messages from inside the server (not per request). Called from any thread. */
    void (*log)(void *ctx, const char *msg);
    void *log_ctx;
} cm_serve_opts;

/* Start serving `m` (and the dataset it was built from). Returns 0 and the server in *out,
 * or -1 with the reason in `d` (bad address, port in use). */
int cm_server_start(cm_server **out, const cm_model *m, const cm_serve_opts *o, cm_diags *d);
/* The address actually listened on, as a URL ("http://127.0.0.1:8080/"). */
const char *cm_server_url(const cm_server *s);
/* True when the listening address is a loopback one. */
bool cm_server_loopback(const cm_server *s);
/* Stop accepting connections, let requests in flight finish (waiting at most `grace`
 * seconds), then close everything and free the server. */
void cm_server_stop(cm_server *s, unsigned grace);

/* Parse a --listen value into host and port (for the command line's usage errors too).
 * Returns 0, or -1 with a message in `d`. `host` receives at most `hostlen` bytes. */
int cm_listen_parse(const char *spec, char *host, size_t hostlen, unsigned *port, cm_diags *d);

#endif
