#!/bin/sh
# bench/batchout.sh: `batch --out DIR` on a disk directory against the same batch written
# to standard output (same format, csv), runs alternated (A B C A B C ...), medians.
#   BIN=build/clustermatch [BIN_BEFORE=older build] [N=1000] [RUNS=7] [OUT_DIR=dir on disk]
#   sh bench/batchout.sh        (or: make bench-batchout BIN_BEFORE=...)
# OUT_DIR defaults to build/bench/work (the checkout's file system); a tmpfs would hide the
# cost being measured. docs/performance.md, "Batch output".
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/build/clustermatch}
B=${BENCH_BUILD:-$ROOT/build/bench}
N=${N:-1000}
RUNS=${RUNS:-7}
DATA=${BENCH_DATA:-$ROOT/data}
W=${OUT_DIR:-$B/work}/batchout
export CLUSTERMATCH_DATA="$DATA" LC_ALL=C NO_COLOR=1
for t in timeit gen; do [ -x "$B/$t" ] || { echo "bench: $B/$t missing (make bench-tools)" >&2; exit 1; }; done
rm -rf "$W"
mkdir -p "$W/r"
"$B/gen" --data "$DATA" --seed 20190101 --profiles-out "$W/p" --profiles "$N" >/dev/null
echo "file system of $W: $(df -PT "$W" | awk 'NR == 2 { print $2 }'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run() {   # NAME CMD...
    name=$1; shift
    "$B/timeit" -q -o "$W/r/$name" -- "$@" 2>>"$W/r/$name.err" >/dev/null || true
}
# --out runs go to fresh directories, removed after the loop ("out"); "rerun" writes into
# a directory whose previous output was deleted just before, as a loop that empties its
# output does: ext4 then skips the recently freed inodes when it allocates new ones
# (__ext4_new_inode -> recently_deleted), which costs much more than the batch's own
# writing (docs/performance.md, Round 3).
i=0
while [ $i -lt "$RUNS" ]; do
    run out "$BIN" -q batch --out "$W/out-$i" "$W/p"
    run stdout "$BIN" -q batch --format csv "$W/p"
    rm -rf "$W/rerun"
    run rerun "$BIN" -q batch --out "$W/rerun" "$W/p"
    [ -n "${BIN_BEFORE:-}" ] && run before "$BIN_BEFORE" -q batch --out "$W/before-$i" "$W/p"
    i=$((i + 1))
done
rm -rf "$W"/out-* "$W"/before-* "$W/rerun"
med() {
    awk '{ print $1 }' "$W/r/$1" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
bad=$(cat "$W/r/out" "$W/r/stdout" "$W/r/rerun" $( [ -n "${BIN_BEFORE:-}" ] && echo "$W/r/before") | awk '$3 != 0' | wc -l)
[ "$bad" = 0 ] || echo "bench: $bad runs exited non-zero (see $W/r/*.err)" >&2
o=$(med out) s=$(med stdout)
printf '%-44s %8.3f s median (%d runs)\n' "batch --out DIR, $N profiles" "$o" "$RUNS"
printf '%-44s %8.3f s median\n' "batch --format csv to stdout, same profiles" "$s"
[ -n "${BIN_BEFORE:-}" ] && printf '%-44s %8.3f s median\n' "batch --out DIR, BIN_BEFORE" "$(med before)"
printf '%-44s %8.3f s median\n' "batch --out DIR after emptying DIR" "$(med rerun)"
awk -v o="$o" -v s="$s" 'BEGIN { printf "--out / stdout: %.2fx (target <= 1.5x)\n", o / s }'
awk -v o="$(med rerun)" -v s="$s" 'BEGIN { printf "--out after emptying / stdout: %.2fx\n", o / s }'
[ -n "${BIN_BEFORE:-}" ] && awk -v o="$o" -v b="$(med before)" 'BEGIN { printf "--out before / after: %.2fx\n", b / o }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
