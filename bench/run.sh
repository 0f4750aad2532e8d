#!/bin/sh
# bench/run.sh: the benchmark behind `make bench`. Prints one table of medians.
#
# Everything that is compared is measured side by side in the same run, alternating run by
# run (A B A B ...), so the noise of a shared machine falls on both sides alike: --version,
# rank from the compiled data and rank from the YAML; batch --out, batch to stdout and
# libyaml parse-only; the BLAS path and plain loops, GSL's CBLAS and OpenBLAS. The full
# run also batches 10,000 profiles against 20,000 synthetic partners for the peak RSS. Wall time and
# peak RSS of whole commands come from bench/timeit (wait4's rusage, as GNU time's %M).
#
# Environment: BIN, BIN_OPENBLAS (the two clustermatch builds), BENCH_BUILD (tools and
# scratch space, default build/bench), BENCH_QUICK=1 (the 1k batch only, a smaller
# kernel, fewer runs), BENCH_DATA (the real data directory, default data/). OpenBLAS runs
# on one thread (OPENBLAS_NUM_THREADS=1) unless the variable is set: the per-pair code beside the dgemm is
# single-threaded, and a second BLAS thread on a 2-core machine shared with other work
# measures the neighbours more than the code. docs/performance.md explains every line.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/build/clustermatch}
BIN_OPENBLAS=${BIN_OPENBLAS:-$ROOT/build/openblas/clustermatch}
B=${BENCH_BUILD:-$ROOT/build/bench}
DATA=${BENCH_DATA:-$ROOT/data}
QUICK=${BENCH_QUICK:-}
[ "$QUICK" = 0 ] && QUICK=
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export LC_ALL=C NO_COLOR=1 CLUSTERMATCH_DATA="$DATA"
W=$B/work
R=$W/runs
mkdir -p "$W"
rm -rf "$R"
mkdir -p "$R"
for t in timeit parseonly gen kernel-gsl kernel-openblas; do
    [ -x "$B/$t" ] || { echo "bench: $B/$t missing (run 'make bench')" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: $BIN missing" >&2; exit 1; }
# Private copies of the binaries: a rebuild in build/ during the run must not change them.
mkdir -p "$W/bin"
cp "$BIN" "$W/bin/clustermatch"
[ -f "$(dirname "$BIN")/clustermatch-xlsx.so" ] && cp "$(dirname "$BIN")/clustermatch-xlsx.so" "$W/bin/"
BIN=$W/bin/clustermatch
if [ -x "$BIN_OPENBLAS" ]; then cp "$BIN_OPENBLAS" "$W/bin/clustermatch-openblas"; BIN_OPENBLAS=$W/bin/clustermatch-openblas; fi
# And of the data: an edit of data/ during the run must not change it either.
rm -rf "$W/data"
cp -R "$DATA" "$W/data"
DATA=$W/data
export CLUSTERMATCH_DATA="$DATA"
if ! "$BIN" data check >/dev/null 2>"$W/data-check.err"; then
    echo "bench: $BIN does not accept the data in $DATA:" >&2
    head -5 "$W/data-check.err" >&2
    exit 1
fi
# Its compiled file (docs/performance.md, "The compiled dataset"), made by this binary, so
# the commands below read it; the YAML path is measured beside it (CLUSTERMATCH_NO_COMPILED).
rm -f "$DATA/.clustermatch.cmd"
"$BIN" -q data compile || { echo "bench: data compile failed" >&2; exit 1; }

if [ -n "$QUICK" ]; then
    RANK_RUNS=5 BATCH_RUNS=3 MID_RUNS=1 BATCH_SIZES="1000" BIG_RUNS=0
    KQ_OB=2000 KQ_GSL=300 K_RUNS=3 K_LOOP=20
else
    RANK_RUNS=11 BATCH_RUNS=5 MID_RUNS=3 BATCH_SIZES="1000 10000 100000" BIG_RUNS=1
    KQ_OB=10000 KQ_GSL=1000 K_RUNS=3 K_LOOP=50
fi
SEED=20190101
T0=$(date +%s)

# ---- helpers ---------------------------------------------------------------------------

# t NAME CMD...: run CMD once under timeit, stdout discarded, append "wall rss status" to
# $R/NAME. A failing command is recorded, not fatal.
t() {
    name=$1; shift
    "$B/timeit" -q -o "$R/$name" -- "$@" 2>>"$R/$name.err" || true
}
# med NAME COL: median of column COL (1 wall s, 2 rss KiB) of $R/NAME
med() {
    awk -v c="$2" '{ print $c }' "$R/$1" | sort -g |
        awk '{ v[NR] = $1 } END { if (!NR) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
runs() { wc -l <"$R/$1" | tr -d ' '; }
ok() { awk '$3 != 0 { bad = 1 } END { exit bad }' "$R/$1"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# gen_once DIR ARGS...: generate into DIR unless an identical generation is already there
gen_once() {
    dir=$1; shift
    stamp="seed=$SEED $* $(cksum <"$B/gen") $(cat "$DATA"/*.yaml | cksum)"
    if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; then return 0; fi
    rm -rf "$dir"
    "$B/gen" --data "$DATA" --seed "$SEED" "$@"
    echo "$stamp" >"$dir/.stamp"
}

say() { printf '%s\n' "$*" >&2; }

# ---- inputs ----------------------------------------------------------------------------

say "bench: generating synthetic inputs (cached in $W)"
for n in $BATCH_SIZES; do gen_once "$W/profiles-$n" --profiles-out "$W/profiles-$n" --profiles "$n"; done
KP=20000
gen_once "$W/syn-$KP" --data-out "$W/syn-$KP/data" --partners $KP --profiles-out "$W/syn-$KP/profiles" --profiles 10000
PROFILE=$ROOT/profiles/examples/bw-packaging.yaml
NPART=$("$BIN" data check 2>/dev/null | sed -n 's/.*ok: \([0-9]*\) partners.*/\1/p')

# ---- single rank on the real data ------------------------------------------------------

say "bench: single rank and --version, $RANK_RUNS runs each, alternating"
"$BIN" rank "$PROFILE" >/dev/null    # warm the page cache
CLUSTERMATCH_NO_COMPILED=1 "$BIN" rank "$PROFILE" >/dev/null
i=0
while [ $i -lt "$RANK_RUNS" ]; do
    t version "$BIN" --version
    t rank "$BIN" rank "$PROFILE"
    t rank-yaml env CLUSTERMATCH_NO_COMPILED=1 "$BIN" rank "$PROFILE"
    [ -x "$BIN_OPENBLAS" ] && t rank-ob "$BIN_OPENBLAS" rank "$PROFILE"
    i=$((i + 1))
done

# ---- batch against libyaml parse-only --------------------------------------------------

HAVE_BATCH=
if "$BIN" batch --help >/dev/null 2>&1; then HAVE_BATCH=1; fi
if [ -n "$HAVE_BATCH" ]; then
    for n in $BATCH_SIZES; do
        nr=$BATCH_RUNS
        [ "$n" -ge 10000 ] && nr=$MID_RUNS
        [ "$n" -ge 100000 ] && nr=$BIG_RUNS
        say "bench: batch of $n profiles and parse-only, $nr runs each"
        i=0
        rm -rf "$W"/out-*
        while [ $i -lt "$nr" ]; do
            # Each run into a fresh directory, all removed after the loop: deleting the last
            # run's files just before makes ext4 skip the freed inodes when it allocates new
            # ones (__ext4_new_inode -> recently_deleted, 16% of such a run in perf), a cost
            # of the benchmark's loop, not of a batch (docs/performance.md, Round 3).
            t "batch-$n" "$BIN" -q batch --out "$W/out-$n-$i" "$W/profiles-$n"
            # the same batch writing to stdout, alternating: what the per-file output costs
            [ "$n" -le 10000 ] && t "batchstdout-$n" "$BIN" -q batch --format csv "$W/profiles-$n"
            t "parse-$n" "$B/parseonly" "$DATA" "$W/profiles-$n"
            i=$((i + 1))
        done
        rm -rf "$W"/out-*
    done
fi

# ---- memory at scale: 10,000 profiles against 20,000 synthetic partners ------------------

if [ -n "$HAVE_BATCH" ] && [ -z "$QUICK" ]; then
    say "bench: batch of 10000 profiles x $KP synthetic partners to stdout, 1 run (peak RSS)"
    "$BIN" -q --data "$W/syn-$KP/data" data compile || { echo "bench: compile of the synthetic data failed" >&2; exit 1; }
    t scale "$BIN" -q --data "$W/syn-$KP/data" batch --format csv "$W/syn-$KP/profiles"
fi

# ---- the scoring kernel ------------------------------------------------------------------

say "bench: scoring kernel, OpenBLAS, $KQ_OB queries x $KP partners, $K_RUNS runs"
"$B/kernel-openblas" --data "$W/syn-$KP/data" --profiles "$W/syn-$KP/profiles" --queries $KQ_OB \
    --runs $K_RUNS --loop-queries $K_LOOP --pair-queries 2 --pair-partners 100 >"$R/kernel-ob" 2>"$R/kernel-ob.err" ||
    { cat "$R/kernel-ob.err" >&2; exit 1; }
say "bench: scoring kernel, GSL CBLAS, $KQ_GSL queries x $KP partners, $K_RUNS runs"
"$B/kernel-gsl" --data "$W/syn-$KP/data" --profiles "$W/syn-$KP/profiles" --queries $KQ_GSL \
    --runs $K_RUNS --loop-queries 0 --pair-queries 0 >"$R/kernel-gsl" 2>"$R/kernel-gsl.err" ||
    { cat "$R/kernel-gsl.err" >&2; exit 1; }
kv() { awk -F= -v k="$2" '$1 == k { print $2 }' "$R/$1"; }

# ---- the table ---------------------------------------------------------------------------

mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
line() { printf '%-46s %5s %16s %10s  %s\n' "$@"; }
mib() { calc "%.1f MiB" "$1 / 1024"; }
target() { if awk "BEGIN { exit !($1) }"; then echo "met ($2)"; else echo "MISSED ($2)"; fi; }

{
echo "clustermatch benchmark: $(nproc) cores, $cpu, $mem; $(date -u +%Y-%m-%d)${QUICK:+; BENCH_QUICK}"
echo "medians of the runs shown; OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS"
line "what" "runs" "median" "peak RSS" "target"
line "----" "----" "------" "--------" "------"
v=$(med version 1) w=$(med rank 1) wy=$(med rank-yaml 1)
line "clustermatch --version" "$(runs version)" "$(calc '%.2f ms' "$v * 1000")" "$(mib "$(med version 2)")" ""
line "rank, real data ($NPART partners), bw-packaging" "$(runs rank)" \
    "$(calc '%.1f ms' "$w * 1000")" "$(mib "$(med rank 2)")" "compiled data"
line "  rank / --version" "" "$(calc '%.1fx' "$w / $v")" "" "$(target "$w <= 2.0 * $v" '<= 2.0x')"
line "  the same from the YAML (NO_COMPILED)" "$(runs rank-yaml)" \
    "$(calc '%.1f ms' "$wy * 1000")" "$(mib "$(med rank-yaml 2)")" "$(calc '%.1fx --version' "$wy / $v")"
line "  YAML / compiled" "" "$(calc '%.2fx' "$wy / $w")" "" ""
[ -f "$R/rank-ob" ] && line "  the same, BLAS=openblas build" "$(runs rank-ob)" \
    "$(calc '%.1f ms' "$(med rank-ob 1) * 1000")" "$(mib "$(med rank-ob 2)")" ""
if [ -z "$HAVE_BATCH" ]; then
    echo "batch: not available"
else
    for n in $BATCH_SIZES; do
        [ -s "$R/batch-$n" ] || { line "batch $n profiles" 0 "skipped" "" ""; continue; }
        bw=$(med "batch-$n" 1) pw=$(med "parse-$n" 1)
        if ! ok "batch-$n"; then
            line "batch --out, $n profiles" "$(runs "batch-$n")" "FAILED" "" "a run exited non-zero: see $R/batch-$n.err"
            continue
        fi
        line "batch --out, $n profiles" "$(runs "batch-$n")" "$(calc '%.0f prof/s' "$n / $bw")" \
            "$(mib "$(med "batch-$n" 2)")" "$(calc '%.2f s' "$bw")"
        if [ -s "$R/batchstdout-$n" ] && ok "batchstdout-$n"; then
            sw=$(med "batchstdout-$n" 1)
            line "  batch to stdout, same profiles" "$(runs "batchstdout-$n")" \
                "$(calc '%.0f prof/s' "$n / $sw")" "$(mib "$(med "batchstdout-$n" 2)")" "$(calc '%.2f s' "$sw")"
            line "  batch --out / stdout" "" "$(calc '%.2fx' "$bw / $sw")" "" "$(target "$bw <= 1.5 * $sw" '<= 1.5x')"
        fi
        line "  libyaml parse-only, same files + data" "$(runs "parse-$n")" "$(calc '%.0f prof/s' "$n / $pw")" \
            "$(mib "$(med "parse-$n" 2)")" "$(calc '%.3f s' "$pw")"
        line "  batch / parse-only" "" "$(calc '%.1fx' "$bw / $pw")" "" "$(target "$bw <= 1.25 * $pw" '<= 1.25x')"
    done
    big=$(echo "$BATCH_SIZES" | awk '{ print $NF }')
    if [ "$big" -ge 100000 ] && [ -s "$R/batch-$big" ] && ok "batch-$big" && ok batch-1000; then
        r=$(calc '%.2f' "$(med "batch-$big" 2) / $(med batch-1000 2)")
        line "  peak RSS, batch $big / batch 1000" "" "${r}x" "" "$(target "$r <= 2" '<= 2x')"
    else
        line "  peak RSS, batch 100000 / batch 1000" "" "n/a" "" "not measured${QUICK:+ (BENCH_QUICK)}"
    fi
fi
if [ -s "$R/scale" ]; then
    if ok scale; then
        line "batch 10000 x $KP partners, to stdout" "$(runs scale)" "$(calc '%.0f prof/s' "10000 / $(med scale 1)")" \
            "$(mib "$(med scale 2)")" "$(target "$(med scale 2) <= 150 * 1024" 'RSS <= 150 MiB')"
    else
        line "batch 10000 x $KP partners, to stdout" "$(runs scale)" "FAILED" "" "see $R/scale.err"
    fi
fi
k=kernel-ob
line "kernel OpenBLAS: $(kv $k queries) x $(kv $k partners) partners, nS=$(kv $k sectors) nQ=$(kv $k priorities)" \
    "$(kv $k runs)" "$(calc '%.2f s' "$(kv $k block_s)")" "" "$(calc '%.2f GFLOP/s' "$(kv $k block_gflops)")"
line "  raw OpenBLAS dgemm, same shapes" "$(kv $k runs)" "$(calc '%.2f s' "$(kv $k dgemm_s)")" "" \
    "$(calc '%.2f GFLOP/s' "$(kv $k dgemm_gflops)")"
line "  kernel / dgemm rate (dense-equivalent flops)" "" "$(calc '%.0f%%' "$(kv $k block_vs_dgemm) * 100")" "" \
    "$(target "$(kv $k block_vs_dgemm) >= 0.5" '>= 50%')"
line "  plain loops, same two products ($(kv $k loop_queries) queries)" "$(kv $k runs)" \
    "$(calc '%.2f GFLOP/s' "$(kv $k loop_gflops)")" "" "$(calc 'dgemm %.0fx faster' "$(kv $k dgemm_gflops) / $(kv $k loop_gflops)")"
line "  cm_score_pair_loop ($(kv $k pairloop_pairs) pairs)" "1" "$(calc '%.0f us/pair' "$(kv $k pairloop_us_per_pair)")" "" \
    "$(calc 'block %.0f ns/pair; max |diff| %g' "$(kv $k block_us_per_pair) * 1000, $(kv $k pairloop_maxdiff)")"
k=kernel-gsl
line "kernel GSL CBLAS: $(kv $k queries) x $(kv $k partners) partners" "$(kv $k runs)" \
    "$(calc '%.2f s' "$(kv $k block_s)")" "" "$(calc '%.2f GFLOP/s' "$(kv $k block_gflops)")"
line "  raw GSL CBLAS dgemm, same shapes" "$(kv $k runs)" "$(calc '%.2f s' "$(kv $k dgemm_s)")" "" \
    "$(calc '%.2f GFLOP/s' "$(kv $k dgemm_gflops)")"
line "  OpenBLAS / GSL CBLAS, dgemm rate" "" "$(calc '%.1fx' "$(kv kernel-ob dgemm_gflops) / $(kv kernel-gsl dgemm_gflops)")" "" ""
line "  OpenBLAS / GSL CBLAS, kernel rate" "" "$(calc '%.1fx' "$(kv kernel-ob block_gflops) / $(kv kernel-gsl block_gflops)")" "" ""
echo "bench took $(( $(date +%s) - T0 )) s; per-run records in $R"
} | tee "$B/results.txt"
