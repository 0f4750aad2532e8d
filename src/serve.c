/* serve.c: the HTTP side of `clustermatch serve`, on libmicrohttpd.
 *
 * libmicrohttpd parses requests and runs a fixed pool of threads; this file routes, bounds
 * what a request may send, decodes form bodies with its post processor, and puts the same
 * security headers on every answer. What a page says is decided in serve_form.c.
 *
 * Bounds: a Content-Length over the body limit is refused with 413 before any byte is read;
 * a body without one (chunked) that grows past the limit is read to its end (up to four
 * times the limit, then the connection is dropped) and answered 413. Paths are matched
 * against a fixed list: there is no file system behind them.
 *
 * Shutdown: cm_server_stop stops accepting, waits for the requests in flight (counted from
 * their first callback to libmicrohttpd's completion notice) and then closes the idle
 * keep-alive connections.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"
#include "serve_int.h"

#define SV_POST_BUFFER 16384
#define SV_FORM_OVERHEAD (64u << 10) /* form fields and multipart headers besides the YAML */

static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'";

struct cm_server {
    struct MHD_Daemon *daemon;
    sv_ctx ctx;
    char url[160];
    bool loopback;
    pthread_mutex_t mu;
    pthread_cond_t idle;
    unsigned inflight;               /* requests between first callback and completion */
    bool stopping;
    void (*log)(void *ctx, const char *msg);
    void *log_ctx;
};

typedef enum { R_NONE = -1, R_FORM, R_ASSET, R_VOCAB, R_ICON, R_RANK, R_LOAD, R_DOWNLOAD } route;

typedef struct sv_req {
    cm_server *s;
    route r;
    struct MHD_PostProcessor *pp;
    sv_fields f;
    size_t body;                     /* raw body bytes received */
    size_t decoded;                  /* decoded field bytes */
    bool get;                        /* GET or HEAD */
    unsigned early;                  /* an error status known from the request line */
    bool too_big, bad_body;
} sv_req;

/* URL-encoding can triple a byte; multipart adds a header per field. */
static size_t body_limit(void) { return 3 * sv_yaml_limit() + SV_FORM_OVERHEAD; }

void sv_page_release(sv_page *p)
{
    free(p->body);
    free(p->disposition);
    memset(p, 0, sizeof *p);
}

/* One chunk of a form field from the post processor. A field arrives in pieces with
 * growing offsets; offset 0 (or a new key) starts a new field, so repeated keys (sector,
 * sector, ...) stay separate and in order. */
static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *ctype, const char *enc,
                                const char *data, uint64_t off, size_t size)
{
    sv_req *r = cls;
    sv_fields *f = &r->f;
    sv_field *last = f->n ? &f->v[f->n - 1] : NULL;
    if (!key) key = "";
    if (off == 0 || !last || strcmp(last->key, key) != 0) {
        if (f->n >= SV_MAX_FIELDS) { r->bad_body = true; return MHD_NO; }
        if (f->n == f->cap) {
            size_t cap = f->cap ? 2 * f->cap : 32;
            sv_field *v = realloc(f->v, cap * sizeof *v);
            if (!v) { r->bad_body = true; return MHD_NO; }
            f->v = v;
            f->cap = cap;
        }
        last = &f->v[f->n];
        memset(last, 0, sizeof *last);
        if (!(last->key = strdup(key)) || !(last->val = calloc(1, 1)) ||
            (filename && !(last->filename = strdup(filename)))) {
            f->n++;
            r->bad_body = true;
            return MHD_NO;
        }
        f->n++;
    }
    r->decoded += size;
    if (last->len + size > sv_yaml_limit() || r->decoded > sv_yaml_limit() + SV_FORM_OVERHEAD) {
        r->too_big = true;
        return MHD_NO;
    }
    if (size) {
        char *v = realloc(last->val, last->len + size + 1);
        if (!v) { r->bad_body = true; return MHD_NO; }
        memcpy(v + last->len, data, size);
        last->len += size;
        v[last->len] = '\0';
        last->val = v;
    }
    return MHD_YES;
}

/* ---- responses ------------------------------------------------------------------------- */

/* The headers every response carries, whatever produced it. */
static void add_headers(struct MHD_Response *resp, const char *type, bool cache)
{
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache ? "max-age=300" : "no-store");
}

/* A response from memory that outlives the server's requests (assets, the vocabulary). */
static enum MHD_Result send_static(struct MHD_Connection *c, const void *data, size_t len, const char *type)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
    if (!resp) return MHD_NO;
    add_headers(resp, type, true);
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ok;
}

static enum MHD_Result send_page(sv_req *r, struct MHD_Connection *c, sv_page *p, bool cache)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(p->len, p->body, MHD_RESPMEM_MUST_FREE);
    if (!resp) { sv_page_release(p); return MHD_NO; }
    p->body = NULL;                  /* libmicrohttpd frees it */
    add_headers(resp, p->type, cache);
    if (p->disposition) MHD_add_response_header(resp, "Content-Disposition", p->disposition);
    if (p->status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
                                r->r == R_RANK || r->r == R_LOAD || r->r == R_DOWNLOAD ? "POST" : "GET, HEAD");
    bool closing;
    pthread_mutex_lock(&r->s->mu);
    closing = r->s->stopping;
    pthread_mutex_unlock(&r->s->mu);
    if (closing || p->status == MHD_HTTP_CONTENT_TOO_LARGE || p->status == MHD_HTTP_BAD_REQUEST ||
        p->status == MHD_HTTP_UNSUPPORTED_MEDIA_TYPE)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ok = MHD_queue_response(c, p->status, resp);
    MHD_destroy_response(resp);
    sv_page_release(p);
    return ok;
}

static enum MHD_Result send_error(sv_req *r, struct MHD_Connection *c, unsigned status,
                                  const char *title, const char *what)
{
    sv_page p = { 0 };
    if (sv_page_error(status, title, what, &p)) return MHD_NO;
    return send_page(r, c, &p, false);
}

static enum MHD_Result send_too_big(sv_req *r, struct MHD_Connection *c)
{
    char what[200];
    snprintf(what, sizeof what,
             "A profile may be at most %zu KiB, the same limit as on the command line. "
             "Send a smaller file, or rank it with 'clustermatch rank'.", sv_yaml_limit() >> 10);
    return send_error(r, c, MHD_HTTP_CONTENT_TOO_LARGE, "Profile too large", what);
}

/* ---- routing --------------------------------------------------------------------------- */

/* The path must be one of ours. Anything odd (dot segments, doubled or back slashes,
 * control bytes; libmicrohttpd has already decoded %xx) is refused outright. */
static route route_of(const char *url, bool *bad)
{
    *bad = false;
    size_t n = strlen(url);
    if (url[0] != '/' || n > 256 || strstr(url, "..") || strstr(url, "//") || strchr(url, '\\')) {
        *bad = true;
        return R_NONE;
    }
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p < 0x21 || *p == 0x7f) { *bad = true; return R_NONE; }
    sv_asset a;
    if (!strcmp(url, "/")) return R_FORM;
    if (!strcmp(url, "/vocab.json")) return R_VOCAB;
    if (!strcmp(url, "/favicon.ico")) return R_ICON;   /* browsers ask; there is none */
    if (!strcmp(url, "/rank")) return R_RANK;
    if (!strcmp(url, "/load")) return R_LOAD;
    if (!strcmp(url, "/download")) return R_DOWNLOAD;
    if (sv_asset_find(url, &a)) return R_ASSET;
    return R_NONE;
}

static enum MHD_Result answer_get(sv_req *r, struct MHD_Connection *c, const char *url)
{
    sv_page p = { 0 };
    switch (r->r) {
    case R_FORM:
        if (sv_page_form(&r->s->ctx, &p)) return MHD_NO;
        return send_page(r, c, &p, false);
    case R_ICON: {
        sv_page empty = { .status = MHD_HTTP_NO_CONTENT, .type = "text/plain; charset=utf-8" };
        if (!(empty.body = calloc(1, 1))) return MHD_NO;
        return send_page(r, c, &empty, true);
    }
    case R_VOCAB: {
        return send_static(c, r->s->ctx.vocab_json, r->s->ctx.vocab_len, "application/json; charset=utf-8");
    }
    case R_ASSET: {
        sv_asset a;
        if (!sv_asset_find(url, &a)) return MHD_NO;
        return send_static(c, a.data, a.len, a.type);
    }
    default:
        return MHD_NO;
    }
}

static enum MHD_Result answer_post(sv_req *r, struct MHD_Connection *c)
{
    if (r->too_big) return send_too_big(r, c);
    if (r->bad_body)
        return send_error(r, c, MHD_HTTP_BAD_REQUEST, "Bad request",
                          "The form data could not be read. Go back to the form and send it again.");
    sv_page p = { 0 };
    int rc = r->r == R_RANK ? sv_page_rank(&r->s->ctx, &r->f, &p)
           : r->r == R_LOAD ? sv_page_load(&r->s->ctx, &r->f, &p)
           : sv_page_download(&r->s->ctx, &r->f, &p);
    if (rc) {
        sv_page_release(&p);
        return send_error(r, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error",
                          "The server ran out of memory or could not write the result. Try again.");
    }
    return send_page(r, c, &p, false);
}

/* The answer is queued only once the whole request has been read (the second call for a
 * GET): answering earlier makes libmicrohttpd close the connection, since it cannot tell
 * whether a body is still coming. Only a POST that is refused outright (too large by its
 * Content-Length, an encoding we do not read) is answered at once, and closed. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    cm_server *s = cls;
    sv_req *r = *con_cls;
    if (!r) {
        if (!(r = calloc(1, sizeof *r))) return MHD_NO;
        r->s = s;
        *con_cls = r;
        pthread_mutex_lock(&s->mu);
        s->inflight++;
        pthread_mutex_unlock(&s->mu);
        bool bad;
        r->r = route_of(url, &bad);
        r->get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
        bool post = !strcmp(method, "POST");
        bool wants_post = r->r == R_RANK || r->r == R_LOAD || r->r == R_DOWNLOAD;
        if (bad) r->early = MHD_HTTP_BAD_REQUEST;
        else if (r->r == R_NONE) r->early = MHD_HTTP_NOT_FOUND;
        else if ((!r->get && !post) || r->get == wants_post) r->early = MHD_HTTP_METHOD_NOT_ALLOWED;
        if (r->early || r->get) return MHD_YES;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > body_limit()) return send_too_big(r, c);
        r->pp = MHD_create_post_processor(c, SV_POST_BUFFER, on_field, r);
        if (!r->pp)
            return send_error(r, c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "Unsupported form encoding",
                              "Send the form as application/x-www-form-urlencoded or multipart/form-data.");
        return MHD_YES;
    }
    if (*upload_size) {
        r->body += *upload_size;
        if (r->body > body_limit()) r->too_big = true;
        /* A body without a length that never ends: read a bounded amount, then hang up. */
        if (r->body > 4 * body_limit()) return MHD_NO;
        if (r->pp && !r->too_big && !r->bad_body &&
            MHD_post_process(r->pp, upload, *upload_size) != MHD_YES && !r->too_big)
            r->bad_body = true;
        *upload_size = 0;
        return MHD_YES;
    }
    switch (r->early) {
    case MHD_HTTP_BAD_REQUEST:
        return send_error(r, c, MHD_HTTP_BAD_REQUEST, "Bad request", "That address is not valid here.");
    case MHD_HTTP_NOT_FOUND:
        return send_error(r, c, MHD_HTTP_NOT_FOUND, "Not found",
                          "There is no such page. The form is at the start page.");
    case MHD_HTTP_METHOD_NOT_ALLOWED: {
        bool wants_post = r->r == R_RANK || r->r == R_LOAD || r->r == R_DOWNLOAD;
        return send_error(r, c, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed",
                          wants_post ? "This address takes a submitted form (POST)."
                                     : "This address can only be read (GET).");
    }
    default:
        break;
    }
    return r->get ? answer_get(r, c, url) : answer_post(r, c);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    cm_server *s = cls;
    sv_req *r = *con_cls;
    if (!r) return;
    if (r->pp) MHD_destroy_post_processor(r->pp);
    sv_fields_release(&r->f);
    free(r);
    *con_cls = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->inflight) s->inflight--;
    if (!s->inflight) pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->mu);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    cm_server *s = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
    if (s->log) s->log(s->log_ctx, msg);
}

/* ---- start and stop -------------------------------------------------------------------- */

int cm_listen_parse(const char *spec, char *host, size_t hostlen, unsigned *port, cm_diags *d)
{
    const char *colon, *h = spec;
    size_t hl;
    if (spec[0] == '[') {
        const char *end = strchr(spec, ']');
        if (!end || end[1] != ':') goto bad;
        h = spec + 1;
        hl = (size_t)(end - h);
        colon = end + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon) goto bad;
        hl = (size_t)(colon - spec);
        if (memchr(spec, ':', hl)) goto bad;   /* a bare IPv6 address needs brackets */
    }
    if (hl == 0) h = "127.0.0.1", hl = strlen(h);
    if (hl >= hostlen) goto bad;
    char *end;
    errno = 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || errno || p > 65535 || colon[1] == '-' || colon[1] == '+') goto bad;
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (unsigned)p;
    return 0;
bad:
    return cm_error(d, NULL, 0, 0, "--listen wants HOST:PORT, [IPV6]:PORT or :PORT (such as 127.0.0.1:8080), not '%s'", spec);
}

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a)) return true;
        return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
    }
    return false;
}

int cm_server_start(cm_server **out, const cm_model *m, const cm_serve_opts *o, cm_diags *d)
{
    char host[256];
    unsigned port;
    *out = NULL;
    if (cm_listen_parse(o->listen ? o->listen : "127.0.0.1:8080", host, sizeof host, &port, d))
        return -1;
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *ai = NULL;
    int gai = getaddrinfo(host, NULL, &hints, &ai);
    if (gai != 0 || !ai)
        return cm_error(d, NULL, 0, 0, "cannot listen on '%s': %s", host, gai ? gai_strerror(gai) : "no address");
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    if (ss.ss_family == AF_INET) ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
    else ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);

    cm_server *s = calloc(1, sizeof *s);
    if (!s) return cm_ioerror(d, NULL, "out of memory");
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->idle, NULL);
    s->log = o->log;
    s->log_ctx = o->log_ctx;
    s->loopback = is_loopback((struct sockaddr *)&ss);
    if (sv_ctx_init(&s->ctx, m)) {
        cm_ioerror(d, NULL, "out of memory");
        goto fail;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 4),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)(o->max_connections ? o->max_connections : 64),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(o->timeout ? o->timeout : 15),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64u << 10),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_END);
    if (!s->daemon) {
        cm_ioerror(d, NULL, "cannot listen on %s: %s", o->listen ? o->listen : "127.0.0.1:8080",
                   errno ? strerror(errno) : "the address is in use or not available");
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    char addr[INET6_ADDRSTRLEN] = "?";
    unsigned bport = port;
    if (info && getsockname(info->listen_fd, (struct sockaddr *)&bound, &blen) == 0) {
        if (bound.ss_family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)&bound)->sin_addr, addr, sizeof addr);
            bport = ntohs(((struct sockaddr_in *)&bound)->sin_port);
        } else {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&bound)->sin6_addr, addr, sizeof addr);
            bport = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
        }
    }
    snprintf(s->url, sizeof s->url, bound.ss_family == AF_INET6 ? "http://[%s]:%u/" : "http://%s:%u/",
             addr, bport);
    *out = s;
    return 0;
fail:
    sv_ctx_release(&s->ctx);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->idle);
    free(s);
    return -1;
}

const char *cm_server_url(const cm_server *s) { return s->url; }
bool cm_server_loopback(const cm_server *s) { return s->loopback; }

void cm_server_stop(cm_server *s, unsigned grace)
{
    if (!s) return;
    MHD_socket lfd = MHD_quiesce_daemon(s->daemon);
    if (lfd != MHD_INVALID_SOCKET) close(lfd);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += grace;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    while (s->inflight > 0)
        if (pthread_cond_timedwait(&s->idle, &s->mu, &until) == ETIMEDOUT) break;
    pthread_mutex_unlock(&s->mu);
    MHD_stop_daemon(s->daemon);
    sv_ctx_release(&s->ctx);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->idle);
    free(s);
}
