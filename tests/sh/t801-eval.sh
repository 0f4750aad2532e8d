#!/bin/sh
# t801-eval.sh: ranking quality. Builds and runs the evaluation program (tests/eval/eval.c,
# `make eval`) on every evaluation profile (tests/eval/profiles/ and the ESCP-4i
# partnerships in profiles/escp-4i/) with the judgments in tests/eval/judgments*.yaml
# (written from the ECCP briefing, the 2018 zone catalogue and issue #12; docs/quality.md).
#
# Always a failure:
#   - the harness mishandling a judgment (fixtures below: a misspelt id, a pending zone,
#     zone-merges.csv);
#   - a judgment that names a partner found nowhere in the data (a typo, or a record that
#     was removed: delete or re-point the judgment the error names), a profile without
#     judgments, any bad input (exit 2);
#   - a regression of the single-sector group: condensed nDCG@10 below 0.85. It measured
#     0.905 at the commit that introduced the floor (docs/quality.md). The condensed figure
#     leaves unjudged partners out, so adding partners to the data does not move it, only
#     a change in how judged partners are ordered does.
# Also a failure (since the ranking model of issue #13 met them; CM_EVAL_ACCEPT=0 reports
# them only): issue #13's acceptance thresholds: condensed nDCG@10 >= 0.85 in every group
# and at most 0.3 judged-negative partners in the top 10 on average, with no judgment
# pending (eval --accept, exit 3 when only this is missed).
set -u
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${CM_BUILD:-$ROOT/build}
FLOOR=single-sector=0.85
ACCEPT=${CM_EVAL_ACCEPT:-1}
EVAL=$BUILD/tests/eval
T=$(mktemp -d "${TMPDIR:-/tmp}/t801.XXXXXX")
trap 'rm -rf "$T"' EXIT

# The eval program links the library objects of the build under test (`make check` has
# built them; SANITIZE comes along through MAKEFLAGS).
if ! make --no-print-directory -s -C "$ROOT" BUILD="$BUILD" "$EVAL" >"$T/build.log" 2>&1; then
    echo "FAIL: could not build $EVAL:"
    cat "$T/build.log"
    exit 1
fi

cd "$ROOT" || exit 1
fail=0

# The harness itself, on a one-profile fixture (--check: nothing is ranked). A typo in a
# judged id is an error at its line, never a silent "not relevant"; a catalogue zone that
# is not in the data is pending until data/sources/zone-merges.csv exists, and an error
# after; two ids of one record through the merges file meet without error.
mkdir -p "$T/p"
cp tests/eval/profiles/footwear.yaml "$T/p/"
# judgments FILE LINE...: a judgments file for the footwear profile, its relevant list
# being Huidong (grade 3, line 5) and then the given lines.
judgments() {
    f=$1; shift
    printf 'footwear:\n  group: single-sector\n  source: t801 fixture\n  relevant:\n' >"$f"
    printf '    - {partner: huidong-shoes, grade: 3, why: "Table 3"}\n' >>"$f"
    for l in "$@"; do printf '    - %s\n' "$l" >>"$f"; done
}
judgments "$T/typo.yaml" '{partner: huidong-shose, grade: 2, why: "a typo"}'
"$EVAL" --data "$ROOT/data" --profiles "$T/p" --judgments "$T/typo.yaml" --check >"$T/out" 2>"$T/err"
if [ $? -eq 2 ] && grep -q "typo.yaml:6:17: error: unknown partner 'huidong-shose'" "$T/err"; then
    echo "ok: a misspelt partner id is an error at its line"
else
    echo "FAIL: a misspelt partner id was not reported as typo.yaml:6:17:"; cat "$T/err"; fail=1
fi
judgments "$T/zone.yaml" '{partner: zone-g312014, grade: 2, why: "a catalogue zone"}' \
    '{partner: zhangjiang-hi-tech-park, grade: 1, why: "the same zone'"'"'s older record"}'
mkdir -p "$T/data"
cp -R "$ROOT/data/." "$T/data/"
if [ ! -f "$T/data/sources/zone-merges.csv" ]; then
    "$EVAL" --data "$T/data" --profiles "$T/p" --judgments "$T/zone.yaml" --check >"$T/out" 2>"$T/err"
    if [ $? -eq 0 ] && grep -q ", 1 pending;" "$T/out"; then
        echo "ok: a catalogue zone not yet in the data is counted as pending"
    else
        echo "FAIL: a catalogue zone not yet in the data was not counted as pending:"; cat "$T/out" "$T/err"; fail=1
    fi
fi
mkdir -p "$T/data/sources"
printf 'code,id\nG312014,zhangjiang-hi-tech-park\n' >"$T/data/sources/zone-merges.csv"
"$EVAL" --data "$T/data" --profiles "$T/p" --judgments "$T/zone.yaml" --check >"$T/out" 2>"$T/err"
if [ $? -eq 0 ] && grep -q "2 judgments (1 grade 3, 1 grade 2, 0 grade 1, 0 negative), 0 pending" "$T/out"; then
    echo "ok: a zone and its older record meet through zone-merges.csv (higher grade kept)"
else
    echo "FAIL: zone-merges.csv mapping:"; cat "$T/out" "$T/err"; fail=1
fi
printf 'code,id\n' >"$T/data/sources/zone-merges.csv"
if grep -q 'id: zone-g312014$' "$T"/data/partners/*.yaml 2>/dev/null; then :; else
    "$EVAL" --data "$T/data" --profiles "$T/p" --judgments "$T/zone.yaml" --check >"$T/out" 2>"$T/err"
    if [ $? -eq 2 ] && grep -q "unknown partner 'zone-g312014'" "$T/err"; then
        echo "ok: once zone-merges.csv exists, a zone found nowhere is an error"
    else
        echo "FAIL: a zone found nowhere after zone-merges.csv exists was not an error:"; cat "$T/out" "$T/err"; fail=1
    fi
fi

set -- --data "$ROOT/data" --profiles tests/eval/profiles --profiles profiles/escp-4i
for j in tests/eval/judgments*.yaml; do set -- "$@" --judgments "$j"; done
"$EVAL" "$@" --accept --floor "$FLOOR"
rc=$?
case $rc in
0) echo "ok: single-sector floor ($FLOOR) held and issue #13's acceptance thresholds are met" ;;
1) echo "FAIL: the single-sector condensed nDCG@10 is below its floor ($FLOOR; see docs/quality.md)" ;;
3)
    if [ "$ACCEPT" = 1 ]; then
        echo "FAIL: issue #13's acceptance is not met or not confirmed (docs/quality.md; CM_EVAL_ACCEPT=0 reports it only)"
    else
        echo "ok: single-sector floor ($FLOOR) held; issue #13's acceptance is NOT met or not confirmed yet" \
             "(reported only, as CM_EVAL_ACCEPT=0 asks)"
        rc=0
    fi ;;
*) echo "FAIL: the eval program failed (exit $rc)" ;;
esac
[ $rc -eq 0 ] && rc=$fail
exit $rc
