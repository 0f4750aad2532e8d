/* timeit.c: run one command once and report its wall time and peak memory.
 *
 *   timeit [-o FILE] [-i IN] [-q] -- COMMAND [ARG...]
 *
 * Appends one line "wall_seconds max_rss_kib exit_status" to FILE (default: stderr). The
 * peak resident set size comes from wait4()'s rusage of the child, the same figure as GNU
 * time's %M. With -q the command's stdout goes to /dev/null; -i redirects its stdin.
 * bench/run.sh calls it once per run and interleaves the commands it compares, so the
 * machine's noise falls on both sides alike; it takes the medians itself.
 * Exit status: the command's (128+signal if it was killed), 125 if timeit itself failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(void)
{
    fprintf(stderr, "usage: timeit [-o FILE] [-i IN] [-q] -- COMMAND [ARG...]\n");
    exit(125);
}

int main(int argc, char **argv)
{
    const char *outname = NULL, *inname = NULL;
    int quiet = 0, c;
    while ((c = getopt(argc, argv, "+o:i:q")) != -1) {
        switch (c) {
        case 'o': outname = optarg; break;
        case 'i': inname = optarg; break;
        case 'q': quiet = 1; break;
        default: usage();
        }
    }
    if (optind >= argc) usage();
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) { perror("timeit: fork"); return 125; }
    if (pid == 0) {
        if (quiet) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) _exit(125);
            close(fd);
        }
        if (inname) {
            int fd = open(inname, O_RDONLY);
            if (fd < 0 || dup2(fd, STDIN_FILENO) < 0) { perror(inname); _exit(125); }
            close(fd);
        }
        execvp(argv[optind], &argv[optind]);
        fprintf(stderr, "timeit: cannot run '%s': %s\n", argv[optind], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) { perror("timeit: wait4"); return 125; }
    double wall = now() - t0;
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *out = outname ? fopen(outname, "a") : stderr;
    if (!out) { perror(outname); return 125; }
    fprintf(out, "%.6f %ld %d\n", wall, ru.ru_maxrss, rc);
    if (outname && fclose(out) != 0) { perror(outname); return 125; }
    return rc;
}
