#!/bin/sh
# bench/startup.sh: start-up and a single rank, side by side with hyperfine (medians).
#   BIN=build/clustermatch [BIN_BEFORE=/path/to/older/clustermatch] sh bench/startup.sh
# With BIN_BEFORE, both binaries run in the same hyperfine invocation, so the machine's
# load falls on both alike; the table gives medians and the before/after ratio.
# `make bench-startup BIN_BEFORE=...` builds BIN first. docs/performance.md, "Start-up".
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/build/clustermatch}
RUNS=${RUNS:-40}
PROFILE=${PROFILE:-$ROOT/profiles/examples/bw-packaging.yaml}
export CLUSTERMATCH_DATA=${BENCH_DATA:-$ROOT/data} LC_ALL=C NO_COLOR=1
command -v hyperfine >/dev/null || { echo "bench: hyperfine missing (tools/deps.sh bench)" >&2; exit 1; }
J=$(mktemp "${TMPDIR:-/tmp}/cm-startup.XXXXXX")
trap 'rm -f "$J"' EXIT
set -- "$BIN --version" "$BIN rank $PROFILE"
[ -n "${BIN_BEFORE:-}" ] && set -- "$BIN_BEFORE --version" "$@" "$BIN_BEFORE rank $PROFILE"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N -w 5 -r "$RUNS" --export-json "$J" "$@" >/dev/null 2>&1
python3 - "$J" <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
for r in rs:
    print("%8.2f ms median  (mean %.2f ± %.2f, %d runs)  %s" % (
        r["median"] * 1e3, r["mean"] * 1e3, r["stddev"] * 1e3, len(r["times"]), r["command"]))
m = {r["command"]: r["median"] for r in rs}
cmds = [r["command"] for r in rs]
if len(cmds) == 4:   # before --version, after --version, after rank, before rank
    print("--version before/after: %.2fx   rank before/after: %.2fx" % (m[cmds[0]] / m[cmds[1]], m[cmds[3]] / m[cmds[2]]))
    print("rank / --version: before %.2fx, after %.2fx" % (m[cmds[3]] / m[cmds[0]], m[cmds[2]] / m[cmds[1]]))
else:
    print("rank / --version: %.2fx" % (m[cmds[1]] / m[cmds[0]]))
PY
