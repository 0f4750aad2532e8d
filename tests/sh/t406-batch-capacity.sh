#!/bin/sh
# t406-batch-capacity.sh: batch --capacity N keeps every partner in at most N shortlists,
# reports the score given up, and changes nothing when the limit never binds.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t406.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
P=$ROOT/tests/eval/profiles
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

# --capacity ranks by score alone (diversity off), so compare with --diversity 0.
"$CM_BIN" batch --diversity 0 --format tsv "$P" >"$T/free.tsv" 2>/dev/null
"$CM_BIN" batch --capacity 2 --format tsv "$P" >"$T/cap.tsv" 2>"$T/cap.err"
"$CM_BIN" batch --capacity 1000 --format tsv "$P" >"$T/loose.tsv" 2>/dev/null

most=$(tail -n +2 "$T/cap.tsv" | cut -f4 | sort | uniq -c | sort -rn | head -1 | awk '{print $1}')
check "no partner in more than 2 shortlists (most: $most)" '[ "$most" -le 2 ]'
freemost=$(tail -n +2 "$T/free.tsv" | cut -f4 | sort | uniq -c | sort -rn | head -1 | awk '{print $1}')
check "without the limit some partner is in more than 2 (most: $freemost)" '[ "$freemost" -gt 2 ]'
check "the score given up is reported" 'grep -q "capacity 2: total score .* given up" "$T/cap.err"'
check "a limit that never binds changes nothing" 'cmp -s "$T/free.tsv" "$T/loose.tsv"'
# Every kept suggestion keeps the score it has without the limit (writers never rescore).
check "kept suggestions keep their scores" 'awk -F"\t" "NR==FNR { s[\$1 FS \$4] = \$3; next }
    FNR > 1 && (\$1 FS \$4) in s && s[\$1 FS \$4] != \$3 { bad = 1 } END { exit bad }" "$T/free.tsv" "$T/cap.tsv"'
# The total kept is at least what a greedy pass over the same shortlists would keep.
"$CM_BIN" batch --diversity 0 --top 40 --format tsv "$P" >"$T/pool.tsv" 2>/dev/null
greedy=$(tail -n +2 "$T/pool.tsv" | sort -t "$(printf '\t')" -k3,3gr | awk -F'\t' '
    { if (n[$1] < 10 && c[$4] < 2) { n[$1]++; c[$4]++; t += $3 } } END { printf "%.2f", t }')
kept=$(tail -n +2 "$T/cap.tsv" | awk -F'\t' '{ t += $3 } END { printf "%.2f", t }')
check "optimal total $kept >= greedy total $greedy" 'awk -v a="$kept" -v b="$greedy" "BEGIN { exit !(a + 0.01 >= b) }"'
check "--capacity with --stability is refused" '! "$CM_BIN" batch --capacity 2 --stability 10 "$P" >/dev/null 2>&1'
exit $fail
