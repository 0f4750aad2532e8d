#!/bin/sh
# t407-batch-crash.sh: kill `clustermatch batch` with SIGKILL at random moments, 50 times.
# After every kill each output file must be complete (byte-identical to an uninterrupted
# run's) or absent, although files are synced once per chunk, not one by one (the killed
# runs use --chunk 8, so a run makes many syncs and is killed between and during them); then `--resume` finishes the job and the result is byte-identical to the
# uninterrupted run, with no temporary file left behind.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t407.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
KILLS=${KILLS:-50}

# About 100 profiles: the examples, the ESCP-4i partnerships and generated ones, so a run lasts
# long enough to be killed in the middle.
mkdir -p "$T/in"
cp -R "$ROOT/profiles/examples" "$ROOT/profiles/escp-4i" "$T/in/"
sectors="packaging automotive biopharma solar-pv ict textiles furniture logistics steel food"
i=0
while [ $i -lt 80 ]; do
    s=$(echo $sectors | cut -d' ' -f$((i % 10 + 1)))
    printf 'name: Generated cluster %d\nsectors: {%s: 1.0}\nkeywords: [k%d]\n' $i "$s" $i >"$T/in/g$i.yaml"
    i=$((i + 1))
done

start=$(date +%s%N)
"$CM_BIN" -q batch --out "$T/ref" "$T/in"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed_ms" -gt 0 ] || elapsed_ms=1
nref=$(ls "$T/ref" | wc -l)
echo "reference run: $elapsed_ms ms, $nref files"

fail=0
check_complete() {   # every file in work/ is absent or identical to ref/
    for f in "$T/work"/* "$T/work"/.clustermatch-batch; do
        [ -e "$f" ] || continue
        b=$(basename "$f")
        case "$b" in *.tmp.*) continue ;; esac   # a temporary: never an output, removed next run
        if ! cmp -s "$f" "$T/ref/$b"; then
            echo "FAIL: after kill $1: $b is incomplete or wrong"
            fail=1
        fi
    done
}

k=1
seed=7
while [ $k -le "$KILLS" ]; do
    # A pseudo-random moment between 0 and 1.2 x the reference run time.
    seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
    ms=$(( seed % (elapsed_ms * 12 / 10 + 1) ))
    "$CM_BIN" -q batch --chunk 8 --resume --out "$T/work" "$T/in" >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
    kill -9 $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    check_complete $k
    k=$((k + 1))
done

"$CM_BIN" -q batch --chunk 8 --resume --out "$T/work" "$T/in"
if diff -r "$T/ref" "$T/work" >/dev/null; then
    echo "ok: after $KILLS kills, --resume gives a result byte-identical to the uninterrupted run"
else
    echo "FAIL: resumed output differs from the uninterrupted run:"
    diff -rq "$T/ref" "$T/work" | head
    fail=1
fi
left=$(ls -a "$T/work" | grep -c '\.tmp\.' || true)
[ "$left" = 0 ] || { echo "FAIL: $left temporary files left after the final run"; fail=1; }
exit $fail
