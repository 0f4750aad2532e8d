#!/bin/sh
# t701-compiled.sh: the compiled dataset (include/compiled.h, `clustermatch data compile`).
#   1. Every output is byte for byte the YAML path's: batch --format json --explain over
#      every profile in profiles/ and tests/eval/profiles, rank (json, --explain), explain,
#      list and validate, with the compiled file and with CLUSTERMATCH_NO_COMPILED=1.
#   2. The compiled file is really what was read (a same-size edit with the old mtime is
#      not seen until a recompile: the documented fast path).
#   3. A stale, damaged or truncated file is never used silently: one notice on stderr,
#      the YAML read instead, the same output. A plain YAML directory gets no notice.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t701.XXXXXX")
trap 'rm -rf "$T"' EXIT
unset CLUSTERMATCH_NO_COMPILED
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# A copy of the data without its compiled file, and one with.
mkdir "$T/y"
cp -R "$ROOT/data/." "$T/y/"
rm -f "$T/y/.clustermatch.cmd"
cp -R "$T/y" "$T/c"
"$CM_BIN" --data "$T/c" data compile >"$T/compile.out" 2>&1 || bad "data compile failed: $(cat "$T/compile.out")"
[ -s "$T/c/.clustermatch.cmd" ] || bad "data compile wrote no file"
grep -q "compiled .* partners" "$T/compile.out" || bad "data compile said: $(cat "$T/compile.out")"

C="$CM_BIN --data $T/c"
Y="env CLUSTERMATCH_NO_COMPILED=1 $CM_BIN --data $T/c"
same() {   # name, command args...: the command's stdout, stderr and status agree both ways
    name=$1; shift
    cs=0; ys=0
    $C "$@" >"$T/$name.c" 2>"$T/$name.c.err" || cs=$?
    $Y "$@" >"$T/$name.y" 2>"$T/$name.y.err" || ys=$?
    [ $cs = $ys ] || bad "$name: exit $cs compiled, $ys from YAML"
    cmp -s "$T/$name.c" "$T/$name.y" || { bad "$name: stdout differs"; diff "$T/$name.y" "$T/$name.c" | head -5; }
    cmp -s "$T/$name.c.err" "$T/$name.y.err" || { bad "$name: stderr differs"; diff "$T/$name.y.err" "$T/$name.c.err" | head -5; }
}

# 1. everything agrees
same batch-json -q batch --format json --explain "$ROOT/profiles" "$ROOT/tests/eval/profiles"
[ "$(wc -c <"$T/batch-json.c")" -gt 100000 ] || bad "batch-json: suspiciously short output"
same batch-tsv -q batch --format tsv --mutual --diversity 0 "$ROOT/profiles"
for p in bw-packaging dk-biotech; do
    same "rank-$p" rank --format json --explain "$ROOT/profiles/examples/$p.yaml"
    same "rank-table-$p" rank --format table --explain --top 3 "$ROOT/profiles/examples/$p.yaml"
done
pid=$(awk -F '\t' 'NR == 2 { print $4 }' "$T/batch-tsv.c")
[ -n "$pid" ] || bad "no partner id in the batch output"
same explain explain "$ROOT/profiles/examples/bw-packaging.yaml" "$pid"
same list-partners list partners
same list-regions list regions
same list-sectors list sectors
same validate validate "$ROOT"/profiles/examples/*.yaml
same rank-bad-region rank --region "no-such-place" "$ROOT/profiles/examples/bw-packaging.yaml"
# (stderr may hold notes on the profiles, the same both ways; never one on the compiled file)
for f in "$T"/*.c.err; do
    grep -q "clustermatch.cmd" "$f" && bad "$(basename "$f" .c.err): a notice on the compiled file: $(head -2 "$f")"
done
[ -s "$T/rank-bad-region.c.err" ] || bad "rank-bad-region: no error"

# 2. the compiled file is what was read: the same bytes count and mtime, another name
f=$(ls "$T/c/partners/" | head -1)
id=$(sed -n 's/^  - id: //p' "$T/c/partners/$f" | head -1)
name=$(awk -v id="$id" '$0 == "  - id: " id { on = 1; next } on && /^    name: / { sub(/^    name: /, ""); print; exit }' "$T/c/partners/$f")
if [ -n "$name" ]; then
    touch -r "$T/c/partners/$f" "$T/stamp"
    new=$(printf '%s' "$name" | tr 'a-zA-Z' 'b-zaB-ZA')
    sed -i "s/^    name: $(printf '%s' "$name" | sed 's/[][\/.*^$]/\\&/g')\$/    name: $new/" "$T/c/partners/$f"
    touch -r "$T/stamp" "$T/c/partners/$f"
    $C list partners >"$T/fast" 2>&1
    $Y list partners >"$T/slow" 2>&1
    cmp -s "$T/fast" "$T/list-partners.c" || bad "same size and mtime: the compiled file was not used"
    cmp -s "$T/fast" "$T/slow" && bad "the edit did not show through the YAML (test broken)"
    cp "$T/y/partners/$f" "$T/c/partners/$f"
    touch -r "$T/stamp" "$T/c/partners/$f"
fi

# 3. stale: a source edited (another size)
printf '# a comment\n' >>"$T/c/weights.yaml"
$C rank --format json --explain "$ROOT/profiles/examples/bw-packaging.yaml" >"$T/stale.out" 2>"$T/stale.err" ||
    bad "stale: rank failed"
cmp -s "$T/stale.out" "$T/rank-bw-packaging.y" || bad "stale: output differs from the YAML path"
[ "$(wc -l <"$T/stale.err")" = 1 ] || bad "stale: want one line on stderr, got: $(cat "$T/stale.err")"
grep -q "warning: out of date: weights.yaml changed: reading the YAML instead; run 'clustermatch data compile'" "$T/stale.err" ||
    bad "stale: notice: $(cat "$T/stale.err")"
cp "$T/y/weights.yaml" "$T/c/weights.yaml"
# a partner file added, then removed again
cp "$T/c/partners/$f" "$T/c/partners/zz-extra.yaml"
$C list sectors >/dev/null 2>"$T/added.err" || true
grep -q "a partner file was added" "$T/added.err" || bad "added file: $(cat "$T/added.err")"
rm "$T/c/partners/zz-extra.yaml"
# touched but the same bytes (a copy, a checkout): still used, no notice
touch "$T/c/sectors.yaml"
$C list sectors >/dev/null 2>"$T/touched.err"
[ -s "$T/touched.err" ] && bad "touched, same bytes: $(cat "$T/touched.err")"

# damaged: one byte flipped in the middle, then cut short
cp "$T/c/.clustermatch.cmd" "$T/good.cmd"
size=$(wc -c <"$T/good.cmd")
printf 'X' | dd of="$T/c/.clustermatch.cmd" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
st=0
$C rank --format json --explain "$ROOT/profiles/examples/bw-packaging.yaml" >"$T/bad.out" 2>"$T/bad.err" || st=$?
[ $st = 0 ] || bad "damaged: exit $st"
cmp -s "$T/bad.out" "$T/rank-bw-packaging.y" || bad "damaged: output differs from the YAML path"
grep -q "warning: damaged: checksum mismatch" "$T/bad.err" || bad "damaged: notice: $(cat "$T/bad.err")"
head -c $((size - 1000)) "$T/good.cmd" >"$T/c/.clustermatch.cmd"
$C list sectors >/dev/null 2>"$T/cut.err" || bad "truncated: list failed"
grep -q "warning: damaged: truncated" "$T/cut.err" || bad "truncated: notice: $(cat "$T/cut.err")"
printf 'not a compiled file, but long enough to hold a header of sixty-four bytes\n' >"$T/c/.clustermatch.cmd"
$C list sectors >/dev/null 2>"$T/junk.err" || bad "junk: list failed"
grep -q "damaged: .*bad magic" "$T/junk.err" || bad "junk: notice: $(cat "$T/junk.err")"
# recompiled: used again, silently
"$CM_BIN" -q --data "$T/c" data compile || bad "recompile failed"
$C list sectors >/dev/null 2>"$T/again.err"
[ -s "$T/again.err" ] && bad "recompiled: $(cat "$T/again.err")"

# a plain YAML directory: no compiled file, no notice
"$CM_BIN" --data "$T/y" list sectors >/dev/null 2>"$T/plain.err" || bad "plain YAML dir: list failed"
[ -s "$T/plain.err" ] && bad "plain YAML dir: $(cat "$T/plain.err")"
[ -e "$T/y/.clustermatch.cmd" ] && bad "a plain YAML directory got a compiled file"

# data compile -o, and on broken data: an error, no file
"$CM_BIN" -q --data "$T/y" data compile -o "$T/elsewhere.cmd" || bad "compile -o failed"
[ -s "$T/elsewhere.cmd" ] || bad "compile -o wrote nothing"
sed -i 's/^  - id: \(.*\)$/  - id: \1\n    kind: nonsense/' "$T/y/goals.yaml"
st=0
"$CM_BIN" --data "$T/y" data compile >"$T/broken.out" 2>&1 || st=$?
[ $st = 1 ] || bad "compile on broken data: exit $st, want 1"
[ -e "$T/y/.clustermatch.cmd" ] && bad "compile on broken data wrote a file"
st=0
"$CM_BIN" data check -o x >/dev/null 2>&1 || st=$?
[ $st = 2 ] || bad "data check -o: exit $st, want 2"

[ $fail = 0 ] && echo "ok: compiled and YAML outputs identical; stale, damaged and truncated files refused with a notice"
exit $fail
