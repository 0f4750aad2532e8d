#!/bin/sh
# t402-batch-failures.sh: bad profiles among good ones (tests/fixtures/batch/mixed/) are
# reported with file:line:col on stderr, listed in failures.csv and skipped; the others are
# ranked and written; the exit status says what happened (4 partial, 1 all bad, 3 unreadable).
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t402.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
FX=$ROOT/tests/fixtures/batch/mixed
fail=0
bad() { echo "FAIL: $*"; fail=1; }
run() { st=0; "$@" || st=$?; }   # sets $st

run "$CM_BIN" batch --out "$T/out" "$FX" 2>"$T/err"
[ "$st" = 4 ] || bad "mixed batch exited $st, want 4"
for loc in "b-broken.yaml:6:3: error: unknown sector 'unobtainium-mining'" \
           "c-stream.yaml:10:21: error: weight of textiles is 7" \
           "d-syntax.yml:5:1: error: invalid YAML"; do
    grep -qF "$FX/$loc" "$T/err" || bad "stderr lacks '$loc'"
done
grep -q '^batch: 3 profiles ranked, 3 failed' "$T/err" || bad "no summary line: $(tail -1 "$T/err")"
grep -q 'not-a-profile' "$T/err" && bad "a file under members/ was loaded"
for id in fx-solar fx-textiles fx-furniture; do
    [ -s "$T/out/$id.csv" ] || bad "$id.csv not written"
    grep -q "^$id," "$T/out/summary.csv" || bad "$id not in summary.csv"
done
for id in fx-broken fx-bad-weight fx-syntax; do
    [ -e "$T/out/$id.csv" ] && bad "$id.csv written for a bad profile"
done
cat >"$T/want-failures" <<EOF2
file,line,col,message
$FX/b-broken.yaml,6,3,unknown sector 'unobtainium-mining' (see 'clustermatch list sectors')
$FX/c-stream.yaml,10,21,"weight of textiles is 7, outside (0, 1]"
$FX/d-syntax.yml,5,1,invalid YAML: did not find expected node content (while parsing a flow node at line 5)
EOF2
tr -d '\r' <"$T/out/failures.csv" | cmp -s "$T/want-failures" - ||
    { bad "failures.csv differs"; tr -d '\r' <"$T/out/failures.csv" | diff "$T/want-failures" - || true; }
grep -q "$(printf '\r')\$" "$T/out/failures.csv" || bad "failures.csv lines do not end in CRLF"

# Without --out: the valid ones on stdout, still exit 4.
run "$CM_BIN" -q batch --format tsv "$FX" >"$T/stdout.tsv" 2>"$T/err2"
[ "$st" = 4 ] || bad "stdout batch exited $st, want 4"
[ "$(tail -n +2 "$T/stdout.tsv" | cut -f1 | uniq | tr '\n' ' ')" = "fx-solar fx-textiles fx-furniture " ] ||
    bad "stdout profiles: $(tail -n +2 "$T/stdout.tsv" | cut -f1 | uniq | tr '\n' ' ')"
grep -q 'b-broken.yaml:6:3' "$T/err2" || bad "stdout mode: error not on stderr"
grep -q '^batch:' "$T/err2" && bad "--quiet still prints the summary line"

# Only bad profiles: exit 1, failures.csv still written.
run "$CM_BIN" -q batch --out "$T/allbad" "$FX/b-broken.yaml" "$FX/d-syntax.yml" 2>/dev/null
[ "$st" = 1 ] || bad "all-bad batch exited $st, want 1"
[ "$(wc -l <"$T/allbad/failures.csv")" = 3 ] || bad "all-bad failures.csv: $(cat "$T/allbad/failures.csv")"
[ "$(wc -l <"$T/allbad/summary.csv")" = 1 ] || bad "all-bad summary.csv is not header-only"

# A missing file among good ones is a failure (4); on its own it is an I/O error (3).
run "$CM_BIN" -q batch --out "$T/miss" "$FX/a-solar.yaml" "$T/no-such.yaml" 2>"$T/err3"
[ "$st" = 4 ] || bad "missing + good exited $st, want 4"
grep -q "no-such.yaml" "$T/miss/failures.csv" || bad "missing file not in failures.csv"
run "$CM_BIN" -q batch --out "$T/miss2" "$T/no-such.yaml" 2>/dev/null
[ "$st" = 3 ] || bad "only a missing file exited $st, want 3"

# All good: 0, and failures.csv is there with its header only.
run "$CM_BIN" -q batch --out "$T/good" "$FX/a-solar.yaml" 2>/dev/null
[ "$st" = 0 ] || bad "good batch exited $st"
[ "$(cat "$T/good/failures.csv")" = "file,line,col,message$(printf '\r')" ] || bad "empty failures.csv is not header-only"

# No profile file at all, and usage errors.
mkdir "$T/empty"
run "$CM_BIN" -q batch "$T/empty" 2>"$T/err4" >/dev/null
[ "$st" = 1 ] || bad "empty directory exited $st, want 1"
grep -q 'no profile files' "$T/err4" || bad "empty directory: $(cat "$T/err4")"
run "$CM_BIN" batch --resume "$FX" 2>/dev/null >/dev/null
[ "$st" = 2 ] || bad "--resume without --out exited $st, want 2"
run "$CM_BIN" batch --format xlsx "$FX" 2>/dev/null >/dev/null
[ "$st" = 2 ] || bad "xlsx to stdout exited $st, want 2"
run "$CM_BIN" batch -o x.csv --out "$T/both" "$FX" 2>/dev/null >/dev/null
[ "$st" = 2 ] || bad "-o with --out exited $st, want 2"

[ $fail = 0 ] && echo "ok"
exit $fail
