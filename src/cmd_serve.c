/* cmd_serve.c: `clustermatch serve`: the web form on this machine.
 *
 * Loads the dataset and the model once, starts the server (serve.c), and waits for SIGINT
 * or SIGTERM. Both signals are blocked before the server's threads exist, so they are
 * delivered only to the sigwait here: no handler runs inside a worker. On either signal
 * the server stops accepting, finishes what is in flight and the command exits 0.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "score.h"
#include "serve.h"

enum { O_LISTEN = 'l', O_THREADS = 256, O_TIMEOUT };

static const cm_opt opts[] = {
    { "listen", O_LISTEN, "ADDR", "address and port to listen on (default 127.0.0.1:8080, this "
                                  "computer only); port 0 picks a free one" },
    { "threads", O_THREADS, "N", "worker threads (default 4)" },
    { "timeout", O_TIMEOUT, "S", "drop a connection idle for S seconds (default 15)" },
    { 0 },
};

typedef struct serve_cli { const char *listen, *threads, *timeout; } serve_cli;

static int on_opt(int val, const char *arg, void *ctx)
{
    serve_cli *s = ctx;
    switch (val) {
    case O_LISTEN: s->listen = arg; break;
    case O_THREADS: s->threads = arg; break;
    case O_TIMEOUT: s->timeout = arg; break;
    default: return -1;
    }
    return 0;
}

/* --threads and --timeout through the one number parser of the command line. */
static int parse_count(const char *opt, const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    double x;
    if (cli_number_opt("serve", opt, s, true, lo, hi, &x, NULL)) return -1;
    *out = (unsigned)x;
    return 0;
}

static void log_line(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "clustermatch serve: %s\n", msg);
}

static const char about[] =
    "Serve the profile form on a web page: fill it in (or upload a profile) and get the same\n"
    "shortlist report as 'rank -o report.html', with downloads of the profile, CSV, Excel and\n"
    "JSON. It listens on this computer only unless --listen names another address; there is\n"
    "no login, so anyone who can reach that address can use it. Stop it with Ctrl-C.";

int cmd_serve(int argc, char **argv, cm_cli *cli)
{
    serve_cli sc = { 0 };
    int first = cli_parse(argc, argv, "serve", "[OPTIONS]", about, opts, on_opt, &sc);
    if (first == -2) return CM_EXIT_OK;
    if (first < 0) return CM_EXIT_USAGE;
    if (first < argc) return cli_usage_error("serve", "unexpected argument '%s'", argv[first]);
    cm_serve_opts so = { .listen = sc.listen ? sc.listen : "127.0.0.1:8080", .log = log_line };
    if (sc.threads && parse_count("--threads", sc.threads, 1, 64, &so.threads)) return CM_EXIT_USAGE;
    if (sc.timeout && parse_count("--timeout", sc.timeout, 1, 3600, &so.timeout)) return CM_EXIT_USAGE;
    {
        char host[256];
        unsigned port;
        cm_diags d;
        cm_diags_init(&d);
        int bad = cm_listen_parse(so.listen, host, sizeof host, &port, &d);
        if (bad) cli_usage_error("serve", "%s", d.v[0].msg);
        cm_diags_release(&d);
        if (bad) return CM_EXIT_USAGE;
    }

    cm_dataset ds;
    cm_model m = { 0 };
    cm_diags d;
    cm_server *srv = NULL;
    int rc;
    cm_dataset_init(&ds);
    cm_diags_init(&d);
    if ((rc = cli_load_dataset(cli, &ds))) goto out;
    if (cli_model_init(&ds, &m, &d)) goto fail;

    /* Block the stop signals in every thread the server will create; wait for them here. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (cm_server_start(&srv, &m, &so, &d)) goto fail;
    if (!cm_server_loopback(srv))
        fprintf(stderr, "clustermatch serve: warning: listening on %s, reachable from other computers; "
                        "there is no login and no encryption\n", so.listen);
    if (!cli->quiet)
        fprintf(stderr, "clustermatch serve: %zu partners loaded; open %s (Ctrl-C to stop)\n",
                ds.npartners, cm_server_url(srv));
    fflush(stderr);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {}
    if (!cli->quiet) fprintf(stderr, "clustermatch serve: %s: finishing requests in flight\n",
                             sig == SIGINT ? "interrupted" : "terminated");
    cm_server_stop(srv, 10);
    if (!cli->quiet) fprintf(stderr, "clustermatch serve: stopped\n");
    rc = CM_EXIT_OK;
    goto out;
fail:
    cli_report(&d);
    rc = cli_status(&d);
    if (!rc) rc = CM_EXIT_IO;
out:
    cm_model_release(&m);
    cm_dataset_release(&ds);
    cm_diags_release(&d);
    return rc;
}
