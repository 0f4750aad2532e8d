#!/bin/sh
# bench/grid.sh: the scaling grid of issue #14: partners 2.7k, 27k, 270k x profiles 1k,
# 10k, 100k, batch to stdout (--format csv), one run per cell (wall time and peak RSS from
# bench/timeit), plus a single `rank` per partner count (median of 5). Cells listed in
# GRID_SKIP ("PARTNERS:PROFILES ...", default "270000:100000", about 80 minutes on the
# 2-core machine) are not run; docs/performance.md extrapolates them and says so.
#
#   sh bench/grid.sh          (after `make bench-tools`; `make bench-grid` does both)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/build/clustermatch}
B=${BENCH_BUILD:-$ROOT/build/bench}
DATA=${BENCH_DATA:-$ROOT/data}
SKIP=${GRID_SKIP-270000:100000}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} LC_ALL=C NO_COLOR=1
W=$B/work/grid
SEED=20190101
mkdir -p "$W/bin"
cp "$BIN" "$W/bin/cm"
CM=$W/bin/cm
# One set of 100,000 profiles; the 1k and 10k sets are its first files (hard links).
if [ ! -d "$W/profiles-100000" ]; then
    rm -rf "$W/tmp"
    "$B/gen" --data "$DATA" --seed $SEED --data-out "$W/tmp" --partners 10 --profiles-out "$W/profiles-100000" --profiles 100000
    rm -rf "$W/tmp"
fi
for n in 1000 10000; do
    if [ ! -d "$W/profiles-$n" ]; then
        mkdir -p "$W/profiles-$n"
        ls "$W/profiles-100000" | sort | head -n $n | while read -r f; do ln "$W/profiles-100000/$f" "$W/profiles-$n/$f"; done
    fi
done
printf '%-9s %-9s %10s %12s %10s\n' partners profiles wall "profiles/s" "peak RSS"
for p in 2700 27000 270000; do
    d=$W/p$p
    if [ ! -d "$d/data" ]; then
        "$B/gen" --data "$DATA" --seed $SEED --data-out "$d/data" --partners $p
    fi
    "$CM" -q --data "$d/data" data compile   # by this binary, as `make` compiles data/
    one=$(ls "$W/profiles-1000" | sort | head -n 1)
    rm -f "$d/rank.t"
    for i in 1 2 3 4 5; do "$B/timeit" -q -o "$d/rank.t" -- "$CM" -q --data "$d/data" rank "$W/profiles-1000/$one" >/dev/null 2>&1; done
    sort -g "$d/rank.t" | awk -v p=$p 'NR == 3 { printf "%-9s %-9s %9.3fs %12s %7.1f MiB\n", p, "1 (rank)", $1, "", $2 / 1024 }'
    for n in 1000 10000 100000; do
        case " $SKIP " in *" $p:$n "*) printf '%-9s %-9s %10s\n' $p $n "skipped"; continue ;; esac
        rm -f "$d/b$n.t"
        "$B/timeit" -q -o "$d/b$n.t" -- "$CM" -q --data "$d/data" batch --format csv "$W/profiles-$n" >/dev/null 2>&1
        awk -v p=$p -v n=$n '{ printf "%-9s %-9s %9.1fs %12.0f %7.1f MiB%s\n", p, n, $1, n / $1, $2 / 1024, $3 ? " FAILED" : "" }' "$d/b$n.t"
    done
done
