#!/bin/sh
# bench/shard.sh: beyond one process: shard a batch, merge the shards, check the merge
# equals a single run, and time both.
#
#   sh bench/shard.sh            (after `make bench-tools`; `make bench-shard` does both)
#
# The profile list is cut into shards of SHARD_SIZE files (default 2000), run SHARD_JOBS at a
# time (default 2) by GNU parallel, or by xargs -P where parallel is missing; each shard is
# its own `clustermatch batch --out shardN` (SHARD_TOOL=xargs forces the xargs path). The merge copies every per-profile file and
# concatenates summary.csv and failures.csv in shard order (one header), which is the order a
# single run writes them in, since batch ranks files in path order and shards are cut from
# the sorted list. `diff -r` then compares the merged directory with a single run's.
# The same commands run unchanged on a cluster: docs/performance.md shows a Slurm job array.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/build/clustermatch}
B=${BENCH_BUILD:-$ROOT/build/bench}
N=${SHARD_PROFILES:-10000}
PER=${SHARD_SIZE:-2000}
J=${SHARD_JOBS:-2}
export LC_ALL=C NO_COLOR=1 CLUSTERMATCH_DATA=${BENCH_DATA:-$ROOT/data}
P=$B/work/profiles-$N
# A private copy of the binary: a rebuild in build/ during the run must not change it.
mkdir -p "$B/work/bin"
cp "$BIN" "$B/work/bin/clustermatch-shard"
BIN=$B/work/bin/clustermatch-shard
W=$B/work/shard
if [ ! -f "$P/.stamp" ]; then
    rm -rf "$P"
    "$B/gen" --data "$CLUSTERMATCH_DATA" --seed 20190101 --profiles-out "$P" --profiles "$N"
    echo "seed=20190101 shard.sh" >"$P/.stamp"
fi
rm -rf "$W"
mkdir -p "$W"
cd "$W"
ln -s "$P" p      # short relative paths keep each shard's command line well under the limit
ls p/*.yaml >files

echo "single run:"
"$B/timeit" -q -o single.time -- "$BIN" -q batch --out single p

if [ "${SHARD_TOOL:-parallel}" = parallel ] && command -v parallel >/dev/null 2>&1; then
    tool="GNU parallel $(parallel --version | awk 'NR == 1 { print $3 }')"
    echo "sharded: parallel -j$J -N$PER $BIN -q batch --out shard{#} {} <files"
    "$B/timeit" -o sharded.time -- parallel -j"$J" -N"$PER" "$BIN" -q batch --out 'shard{#}' '{}' <files
else
    tool="xargs -P$J"
    echo "sharded: split -l $PER files list.; xargs -P$J ... batch --out shardN"
    split -l "$PER" -d -a 4 files list.
    ls list.* | awk '{ printf "%s shard%d\n", $0, NR }' >jobs
    "$B/timeit" -o sharded.time -- sh -c 'xargs -P"$1" -L1 sh -c "\"$2\" -q batch --out \"\$1\" \$(cat \"\$0\")" <jobs' sh "$J" "$BIN"
fi

echo "merge:"
# parallel cuts a shard smaller if its command line would be too long: count what ran.
nshards=$(ls -d shard[0-9]* | wc -l)
mkdir merged
i=1
while [ $i -le "$nshards" ]; do
    find "shard$i" -maxdepth 1 -type f ! -name summary.csv ! -name failures.csv -exec cp -t merged {} +
    i=$((i + 1))
done
for f in summary.csv failures.csv; do
    { head -1 "shard1/$f"
      i=1
      while [ $i -le "$nshards" ]; do tail -n +2 "shard$i/$f"; i=$((i + 1)); done
    } >"merged/$f"
done

if diff -r single merged >diff.txt; then same=yes; else same=NO; fi
files_single=$(ls single | wc -l)
rows=$(($(wc -l <single/summary.csv) - 1))
sw=$(awk '{ print $1 }' single.time) pw=$(awk '{ print $1 }' sharded.time)
echo "profiles $N in $nshards shards of $PER, $J at a time ($tool)"
echo "single run: $(awk -v w="$sw" -v n="$N" 'BEGIN { printf "%.2f s, %.0f profiles/s", w, n / w }')"
echo "sharded:    $(awk -v w="$pw" -v n="$N" 'BEGIN { printf "%.2f s, %.0f profiles/s", w, n / w }'), speed-up $(awk -v a="$sw" -v b="$pw" 'BEGIN { printf "%.2fx", a / b }')"
echo "merged == single run: $same ($files_single files, $rows summary rows; diff -r single merged)"
[ "$same" = yes ] || { head -20 diff.txt; exit 1; }
