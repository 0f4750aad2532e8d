#!/bin/sh
# t801-eval.sh: ranking quality. Builds and runs the evaluation program (tests/eval/eval.c,
# `make eval`) on every evaluation profile (tests/eval/profiles/ and the ESCP-4i
# partnerships in profiles/escp-4i/) with the judgments in tests/eval/judgments*.yaml
# (written from the ECCP briefing, the 2018 zone catalogue and issue #12; docs/quality.md).
#
# Always a failure:
#   - a judgment that names a partner found nowhere in the data (a typo, or a record that
#     was removed: delete or re-point the judgment the error names), a profile without
#     judgments, any bad input (exit 2);
#   - a regression of the single-sector group: condensed nDCG@10 below 0.85. It measured
#     0.905 at the commit that introduced the floor (docs/quality.md). The condensed figure
#     leaves unjudged partners out, so adding partners to the data does not move it, only
#     a change in how judged partners are ordered does.
# Reported, and a failure only when CM_EVAL_ACCEPT=1 (`make check CM_EVAL_ACCEPT=1`):
#   issue #13's acceptance thresholds: condensed nDCG@10 >= 0.85 in every group and at most
#   0.3 judged-negative partners in the top 10 on average (eval --accept, exit 3 when only
#   they are missed). The lead sets CM_EVAL_ACCEPT=1 here, by default, once the ranking
#   model of issue #13 has landed and meets them.
set -u
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${CM_BUILD:-$ROOT/build}
FLOOR=single-sector=0.85
ACCEPT=${CM_EVAL_ACCEPT:-0}
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
set -- --data "$ROOT/data" --profiles tests/eval/profiles --profiles profiles/escp-4i
for j in tests/eval/judgments*.yaml; do set -- "$@" --judgments "$j"; done
"$EVAL" "$@" --accept --floor "$FLOOR"
rc=$?
case $rc in
0) echo "ok: single-sector floor ($FLOOR) held and issue #13's acceptance thresholds are met" ;;
1) echo "FAIL: the single-sector condensed nDCG@10 is below its floor ($FLOOR; see docs/quality.md)" ;;
3)
    if [ "$ACCEPT" = 1 ]; then
        echo "FAIL: issue #13's acceptance thresholds are not met (CM_EVAL_ACCEPT=1)"
    else
        echo "ok: single-sector floor ($FLOOR) held; issue #13's acceptance thresholds are NOT met yet" \
             "(reported only; CM_EVAL_ACCEPT=1 makes them a failure)"
        rc=0
    fi ;;
*) echo "FAIL: the eval program failed (exit $rc)" ;;
esac
exit $rc
