#!/bin/sh
# bench/serve.sh: the load test of `clustermatch serve`, part of `make bench`
# (`make bench-serve` runs it alone). Loopback only: the server listens on 127.0.0.1 on a
# free port, and bench/serveload (which can only connect to 127.0.0.1) sends a fixed number
# of requests from 1 and then 8 concurrent keep-alive clients:
#   POST /rank   the form of the packaging example (bench/serve-form.txt): parse, validate,
#                rank, and the full HTML report with explanations (about 170 KB)
#   GET /        the empty form (about 7 KB)
# Each line gives the throughput and p50/p99/max latency over all requests. The server
# runs with its defaults (4 threads). docs/performance.md has the figures and the target
# (POST p99 <= 50 ms at 8 clients).
# Environment: BIN, BENCH_BUILD (where serveload is), BENCH_QUICK=1 (fewer requests),
# SERVE_REQUESTS (POST requests at 8 clients; default 4000, quick 800).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/build/clustermatch}
B=${BENCH_BUILD:-$ROOT/build/bench}
QUICK=${BENCH_QUICK:-}
[ "$QUICK" = 0 ] && QUICK=
N=${SERVE_REQUESTS:-$([ -n "$QUICK" ] && echo 800 || echo 4000)}
export CLUSTERMATCH_DATA=${BENCH_DATA:-$ROOT/data}
[ -x "$B/serveload" ] || { echo "bench: $B/serveload missing (run 'make bench-serve')" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cmserve.XXXXXX")
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT

CM_BIN=$BIN
. "$ROOT/tests/sh/lib-serve.sh"
serve_start "$T/err"
port=${U##*:}
echo "clustermatch serve load test: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
# The server's own CPU time (user + system, clock ticks from /proc) around each run: the
# cost of a request whatever else the machine is doing, where latency is not.
ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
run() {   # run CLIENTS REQUESTS PATH [BODY]
    t0=$(ticks)
    line=$("$B/serveload" "$port" "$@")
    t1=$(ticks)
    echo "$line, server CPU $(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v n="$2" \
        'BEGIN { printf "%.2f", t * 1000 / hz / n }') ms per request"
}
"$B/serveload" "$port" 1 100 /rank "$ROOT/bench/serve-form.txt" >/dev/null   # warm-up
run 1 $((N / 4)) /rank "$ROOT/bench/serve-form.txt"
run 8 "$N" /rank "$ROOT/bench/serve-form.txt"
run 8 $((N * 5)) /
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
kill -TERM "$PID"
wait "$PID"
PID=
