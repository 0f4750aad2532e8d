#!/bin/sh
# t404-batch-resume.sh: --resume keeps shortlist files that are newer than their profile
# (and its member files) and the data, rewrites the others, and always writes a complete
# summary.csv. After any mix of runs the directory is byte-identical to one fresh run.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t404.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
# name and modification time (to the nanosecond) of every shortlist file
mtimes() { (cd "$1" && for f in *.csv; do [ "$f" = summary.csv ] || [ "$f" = failures.csv ] || stat -c '%n %y' "$f"; done); }

mkdir "$T/in"
cp -R "$ROOT/profiles/escp-4i" "$T/in/escp-4i"
cp "$ROOT/profiles/examples/stream.yaml" "$ROOT/profiles/examples/bw-packaging.yaml" "$T/in/"
run_batch() { "$CM_BIN" batch "$@" "$T/in" 2>"$T/err"; }

run_batch --out "$T/out"
mtimes "$T/out" >"$T/t1"
n=$(wc -l <"$T/t1")
[ "$n" = 13 ] || bad "expected 13 shortlist files, got $n"
cp "$T/out/summary.csv" "$T/summary1"

# 1. Nothing changed: nothing rewritten, summary identical.
run_batch --out "$T/out" --resume
mtimes "$T/out" >"$T/t2"
cmp -s "$T/t1" "$T/t2" || { bad "--resume rewrote files"; diff "$T/t1" "$T/t2" | head -6; }
cmp -s "$T/summary1" "$T/out/summary.csv" || bad "summary.csv changed on --resume"
grep -q "13 profiles ranked, 0 failed, 13 skipped (resume)" "$T/err" || bad "summary line: $(cat "$T/err")"

# 2. One output deleted: only that one is written again.
rm "$T/out/escp-4i-nf4.csv"
run_batch --out "$T/out" --resume
mtimes "$T/out" >"$T/t3"
[ -s "$T/out/escp-4i-nf4.csv" ] || bad "deleted output not regenerated"
[ "$(diff "$T/t1" "$T/t3" | grep -c '^>')" = 1 ] || { bad "more than the deleted file rewritten"; diff "$T/t1" "$T/t3"; }
grep -q "12 skipped (resume)" "$T/err" || bad "summary line: $(cat "$T/err")"

# 3. A profile file and a partnership's member file edited: those profiles are rewritten
#    (all three profiles of the stream file, and the partnership using the member file).
mtimes "$T/out" >"$T/t3"
touch "$T/in/stream.yaml" "$T/in/escp-4i/members/adpack2-packaging-cluster.yaml"
run_batch --out "$T/out" --resume
mtimes "$T/out" >"$T/t4"
changed=$(diff "$T/t3" "$T/t4" | sed -n 's/^> \([^ ]*\) .*/\1/p' | sort | tr '\n' ' ')
[ "$changed" = "escp-4i-adpack2.csv nl-water.csv pl-furniture.csv pt-footwear.csv " ] ||
    bad "after touching stream.yaml and a member file, rewrote: $changed"

# 4. Other options: --resume must not keep files made with the old ones.
run_batch --out "$T/out" --resume --top 3
grep -q "warning: .*other options" "$T/err" || bad "no warning when options changed: $(cat "$T/err")"
[ "$(tail -n +2 "$T/out/bw-packaging.csv" | wc -l)" = 3 ] || bad "--top 3 with --resume kept the old file"
run_batch --out "$T/out" --resume
[ "$(tail -n +2 "$T/out/bw-packaging.csv" | wc -l)" = 10 ] || bad "back to --top 10: old file kept"

# 5. An interrupted run (some outputs and the final files missing, a temporary left by a
#    killed process), then --resume: byte-identical to a fresh run.
run_batch --out "$T/fresh"
rm "$T/out/summary.csv" "$T/out/failures.csv" "$T/out/escp-4i-dia.csv" "$T/out/pt-footwear.csv"
echo partial >"$T/out/escp-4i-dia.csv.tmp.999999999.0"
run_batch --out "$T/out" --resume
diff -r "$T/fresh" "$T/out" >"$T/diff" || { bad "resumed output differs from a fresh run"; head -10 "$T/diff"; }

[ $fail = 0 ] && echo "ok"
exit $fail
