#!/bin/sh
# bench/scaling.sh: how cost grows with partners and with the vocabulary (sectors).
#
#   sh bench/scaling.sh          (after `make bench-tools`; `make bench-scaling` does both)
#
# For each point: a synthetic data directory from bench/gen (same seed), 1000 profiles drawn
# from the same vocabulary, and, RUNS times each (default 3, medians), interleaved:
#   batch   clustermatch batch --format csv of the 1000 profiles to stdout (no per-file
#           output, so the figure is the ranking, not the file system);
#   rank    clustermatch rank of one profile (load the data, build the model, rank one);
# plus the model build time alone (bench/kernel, model_s). Partners: 200, 2000, 20000 at
# the real 173 sectors. Sectors: 173, 673, 1673 (0, 500, 1500 synthetic child sectors) at
# 2000 partners (SCALING_POINTS chooses others). Each data directory is compiled first, as
# `make` compiles data/. Both builds, GSL's CBLAS and OpenBLAS (one thread), are measured. How cost
# grows with the number of profiles is in the `make bench` table (1k, 10k, 100k).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/build/clustermatch}
BIN_OPENBLAS=${BIN_OPENBLAS:-$ROOT/build/openblas/clustermatch}
B=${BENCH_BUILD:-$ROOT/build/bench}
DATA=${BENCH_DATA:-$ROOT/data}
RUNS=${RUNS:-3}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} LC_ALL=C NO_COLOR=1
W=$B/work/scaling
mkdir -p "$W/bin"
cp "$BIN" "$W/bin/cm"
cp "$BIN_OPENBLAS" "$W/bin/cm-openblas"
SEED=20190101

point() {   # NAME PARTNERS EXTRA_SECTORS
    d=$W/$1
    stamp="$2 $3 $(cksum <"$B/gen")"
    if [ ! -f "$d/.stamp" ] || [ "$(cat "$d/.stamp")" != "$stamp" ]; then
        rm -rf "$d"
        "$B/gen" --data "$DATA" --seed $SEED --data-out "$d/data" --partners "$2" --extra-sectors "$3" \
            --profiles-out "$d/profiles" --profiles 1000
        echo "$stamp" >"$d/.stamp"
    fi
    "$W/bin/cm" -q --data "$d/data" data compile
    rm -f "$d"/*.t
    i=0
    while [ $i -lt "$RUNS" ]; do
        for v in cm cm-openblas; do
            "$B/timeit" -q -o "$d/batch-$v.t" -- "$W/bin/$v" -q --data "$d/data" batch --format csv "$d/profiles" || true
            "$B/timeit" -q -o "$d/rank-$v.t" -- "$W/bin/$v" --data "$d/data" rank "$d/profiles/profile-000001.yaml" || true
        done
        i=$((i + 1))
    done
    kout=$("$B/kernel-gsl" --data "$d/data" --profiles "$d/profiles" --queries 1 --runs 1 --loop-queries 0 \
         --pair-queries 0)
    ms=$(echo "$kout" | awk -F= '$1 == "model_s" { print $2 }')
    nsec=$(echo "$kout" | awk -F= '$1 == "sectors" { print $2 }')
    msob=$("$B/kernel-openblas" --data "$d/data" --profiles "$d/profiles" --queries 1 --runs 1 --loop-queries 0 \
         --pair-queries 0 | awk -F= '$1 == "model_s" { print $2 }')
    med() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
    awk -v n="$1" -v p="$2" -v s="$nsec" -v b1="$(med "$d/batch-cm.t")" -v b2="$(med "$d/batch-cm-openblas.t")" \
        -v r1="$(med "$d/rank-cm.t")" -v r2="$(med "$d/rank-cm-openblas.t")" -v m1="$ms" -v m2="$msob" 'BEGIN {
        printf "%-10s %8s %8s | %9.0f %9.0f | %8.1f %8.1f | %8.1f %8.1f\n", n, p, s, 1000 / b1, 1000 / b2,
               r1 * 1000, r2 * 1000, m1 * 1000, m2 * 1000 }'
}

{
echo "scaling: medians of $RUNS runs; 1000 profiles per batch; OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS"
printf '%-10s %8s %8s | %9s %9s | %8s %8s | %8s %8s\n' "" "" "" "batch" "prof/s" "rank" "ms" "model" "ms"
printf '%-10s %8s %8s | %9s %9s | %8s %8s | %8s %8s\n' point partners sectors GSL OpenBLAS GSL OpenBLAS GSL OpenBLAS
# SCALING_POINTS="NAME PARTNERS EXTRA_SECTORS; ..." measures other points.
echo "${SCALING_POINTS:-p200 200 0; p2000 2000 0; p20000 20000 0; s673 2000 500; s1673 2000 1500}" |
    tr ';' '\n' | while read -r name np extra; do [ -n "$name" ] && point "$name" "$np" "$extra"; done
} | tee "$B/scaling.txt"
