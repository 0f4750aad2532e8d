/* serveload.c: a bounded load test for `clustermatch serve`, loopback only.
 *
 *   serveload PORT CLIENTS REQUESTS PATH [BODYFILE]
 *
 * CLIENTS threads each open one keep-alive connection to 127.0.0.1:PORT and send their
 * share of REQUESTS requests one after another: a GET of PATH, or with BODYFILE a POST of
 * its contents as an urlencoded form. Every answer is read to its end (Content-Length) and
 * must be 200. Prints the throughput and the latency percentiles over all requests, from
 * the first byte sent to the last byte received. The address is fixed: this tool cannot
 * be pointed at another host.
 */
#define _GNU_SOURCE   /* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static unsigned short port;
static const char *path;
static char *body;
static size_t body_len;

typedef struct worker {
    pthread_t t;
    size_t n;            /* requests to send */
    double *lat;         /* seconds, one per request */
    size_t done, errors;
    size_t bytes;
} worker;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_local(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { close(fd); return -1; }
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) { if (k < 0 && errno == EINTR) continue; return -1; }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Read one response; returns the status, or -1. `buf` keeps what follows it (none here:
 * one request at a time). */
static int read_response(int fd, char *buf, size_t cap, size_t *total)
{
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        if (have == cap) return -1;
        ssize_t k = recv(fd, buf + have, cap - have, 0);
        if (k <= 0) return -1;
        have += (size_t)k;
        end = memmem(buf, have, "\r\n\r\n", 4);
    }
    int status = atoi(buf + 9);
    size_t head = (size_t)(end - buf) + 4;
    const char *cl = NULL;
    for (char *p = buf; p < end; p++)
        if ((p == buf || p[-1] == '\n') && !strncasecmp(p, "Content-Length:", 15)) { cl = p + 15; break; }
    if (!cl) return -1;
    size_t len = strtoul(cl, NULL, 10), got = have - head;
    while (got < len) {
        ssize_t k = recv(fd, buf, cap, 0);
        if (k <= 0) return -1;
        got += (size_t)k;
    }
    *total += head + len;
    return status;
}

static void *run(void *arg)
{
    worker *w = arg;
    size_t cap = 1 << 20;
    char *buf = malloc(cap), head[512];
    int fd = connect_local();
    int hl = body ? snprintf(head, sizeof head, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n",
                             path, body_len)
                  : snprintf(head, sizeof head, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
    for (size_t i = 0; i < w->n && buf; i++) {
        if (fd < 0 && (fd = connect_local()) < 0) { w->errors++; continue; }
        double t0 = now();
        int st = -1;
        if (send_all(fd, head, (size_t)hl) == 0 && (!body || send_all(fd, body, body_len) == 0))
            st = read_response(fd, buf, cap, &w->bytes);
        double t1 = now();
        if (st != 200) {
            w->errors++;
            close(fd);
            fd = -1;
            continue;
        }
        w->lat[w->done++] = t1 - t0;
    }
    if (fd >= 0) close(fd);
    free(buf);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: serveload PORT CLIENTS REQUESTS PATH [BODYFILE]\n");
        return 2;
    }
    port = (unsigned short)atoi(argv[1]);
    size_t clients = strtoul(argv[2], NULL, 10), requests = strtoul(argv[3], NULL, 10);
    path = argv[4];
    if (!port || !clients || clients > 256 || !requests || path[0] != '/') {
        fprintf(stderr, "serveload: bad arguments\n");
        return 2;
    }
    if (argc > 5) {
        FILE *f = fopen(argv[5], "rb");
        if (!f) { perror(argv[5]); return 2; }
        body = malloc(1 << 20);
        body_len = body ? fread(body, 1, 1 << 20, f) : 0;
        fclose(f);
        while (body_len && (body[body_len - 1] == '\n' || body[body_len - 1] == '\r')) body_len--;
    }
    worker *w = calloc(clients, sizeof *w);
    double *lat = calloc(requests, sizeof *lat);
    if (!w || !lat) return 3;
    size_t off = 0;
    for (size_t i = 0; i < clients; i++) {
        w[i].n = requests / clients + (i < requests % clients);
        w[i].lat = lat + off;
        off += w[i].n;
    }
    double t0 = now();
    for (size_t i = 0; i < clients; i++) pthread_create(&w[i].t, NULL, run, &w[i]);
    size_t done = 0, errors = 0, bytes = 0;
    for (size_t i = 0; i < clients; i++) {
        pthread_join(w[i].t, NULL);
        /* compact this worker's latencies after the previous ones */
        memmove(lat + done, w[i].lat, w[i].done * sizeof *lat);
        done += w[i].done;
        errors += w[i].errors;
        bytes += w[i].bytes;
    }
    double wall = now() - t0;
    qsort(lat, done, sizeof *lat, cmp_double);
#define PCT(p) (done ? lat[(size_t)((p) / 100.0 * (done - 1) + 0.5)] * 1e3 : 0)
    printf("%s %zu clients: %zu requests, %zu errors, %.1f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, "
           "%.0f KB per answer\n", body ? "POST" : "GET", clients, done, errors, done / wall, PCT(50), PCT(99),
           done ? lat[done - 1] * 1e3 : 0, done ? bytes / 1024.0 / done : 0);
    free(lat);
    free(w);
    free(body);
    return errors ? 1 : 0;
}
