#!/bin/sh
# t401-batch-equals-rank.sh: every shortlist `batch` writes is the one `rank` gives for that
# profile alone: same partners, same order, same scores (tsv for every profile file in
# profiles/examples and profiles/escp-4i; json, at full double precision, for the files
# holding one profile). The chunk size does not change anything, and stdout holds the same
# rows as the per-profile files.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t401.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
fail=0
bad() { echo "FAIL: $*"; fail=1; }

dirs="$ROOT/profiles/examples $ROOT/profiles/escp-4i"
# The files batch reads, in its order: each directory's *.yaml/*.yml sorted by path (byte
# order), directories named `members` left out.
: >"$T/files"
for d in $dirs; do
    find "$d" -name members -prune -o -type f \( -name '*.yaml' -o -name '*.yml' \) -print |
        LC_ALL=C sort >>"$T/files"
done
[ -s "$T/files" ] || { echo "skip: no profiles"; exit 77; }

st=0
"$CM_BIN" -q batch --format tsv --out "$T/tsv" $dirs 2>"$T/tsv.err" || st=$?
[ $st = 0 ] || [ $st = 4 ] || bad "batch --format tsv exited $st"
"$CM_BIN" -q batch --format json --out "$T/json" $dirs 2>/dev/null || true
"$CM_BIN" -q batch --format json --chunk 1 --out "$T/json1" $dirs 2>/dev/null || true
"$CM_BIN" -q batch --format json --chunk 2 --out "$T/json2" $dirs 2>/dev/null || true
"$CM_BIN" -q batch --format tsv $dirs >"$T/stdout.tsv" 2>/dev/null || true

nprof=0
: >"$T/rank-rows"
while IFS= read -r f; do
    if ! "$CM_BIN" rank --format tsv "$f" >"$T/r.tsv" 2>"$T/r.err"; then
        # rank refuses it: batch must list it as a failure and write nothing for it.
        grep -qF "$f," "$T/tsv/failures.csv" || bad "$f: rank fails but it is not in failures.csv"
        echo "note: $f: rank fails: $(head -1 "$T/r.err")"
        continue
    fi
    tail -n +2 "$T/r.tsv" >>"$T/rank-rows"
    ids=$(tail -n +2 "$T/r.tsv" | cut -f1 | uniq)
    n=0
    for id in $ids; do
        n=$((n + 1)) nprof=$((nprof + 1))
        [ -f "$T/tsv/$id.tsv" ] || { bad "$f: no $id.tsv"; continue; }
        { head -1 "$T/r.tsv"; awk -F '\t' -v id="$id" 'NR > 1 && $1 == id' "$T/r.tsv"; } >"$T/want.tsv"
        cmp -s "$T/want.tsv" "$T/tsv/$id.tsv" || { bad "$f: $id.tsv differs from rank"; diff "$T/want.tsv" "$T/tsv/$id.tsv" | head -5; }
        # every row of this profile is in summary.csv, in rank order
        got=$(awk -F, -v id="$id" '$1 == id { print $3 }' "$T/tsv/summary.csv" | tr -d '\r' | tr '\n' ' ')
        want=$(awk -F '\t' -v id="$id" 'NR > 1 && $1 == id { print $2 }' "$T/r.tsv" | tr '\n' ' ')
        [ "$got" = "$want" ] || bad "$id: summary.csv ranks '$got', rank gives '$want'"
    done
    if [ "$n" = 1 ]; then
        "$CM_BIN" rank --format json "$f" >"$T/r.json"
        cmp -s "$T/r.json" "$T/json/$id.json" || bad "$f: $id.json differs from rank --format json"
    fi
done <"$T/files"
[ "$nprof" -ge 10 ] || bad "only $nprof profiles compared"

# Chunks of 1 and 2 give byte-identical files (the block composition never matters).
diff -r "$T/json" "$T/json1" >/dev/null || bad "--chunk 1 changes the output"
diff -r "$T/json" "$T/json2" >/dev/null || bad "--chunk 2 changes the output"
# Standard output: one header, then the rows rank gives, file by file.
[ "$(grep -c '^profile_id' "$T/stdout.tsv")" = 1 ] || bad "stdout tsv does not have exactly one header"
tail -n +2 "$T/stdout.tsv" | cmp -s - "$T/rank-rows" || bad "stdout rows differ from rank's"
# Partnership members are not profiles of their own.
ls "$T/tsv" | grep -q 'packaging-cluster' && bad "a member file under members/ was ranked"

[ $fail = 0 ] && echo "ok: $nprof profiles identical in batch and rank"
exit $fail
