#!/bin/sh
# t801-eval.sh: ranking quality must not regress. Builds and runs the evaluation program
# (tests/eval/eval.c, `make eval`) on the 37 evaluation profiles and their judgments from the
# ECCP briefing, and fails when clustermatch's mean nDCG@10 falls below the floor.
#
# Floor 0.83: clustermatch as shipped (default weights, diversity 0.3) measures 0.873 at
# commit 92dad0a (docs/quality.md), so the margin is 0.04. One profile losing 0.3 moves the
# mean by 0.008: ordinary data and weight edits stay above the floor, a regression that
# spoils five profiles, or a small one across all of them, does not. Both diversity
# settings clear it (0.873 on, 0.892 off), so changing that default is not a failure.
# Raise the floor when the measured value rises for good.
set -u
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${CM_BUILD:-$ROOT/build}
FLOOR=0.83
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
"$EVAL" --data "$ROOT/data" --profiles tests/eval/profiles --judgments tests/eval/judgments.yaml \
    --min-ndcg "$FLOOR"
rc=$?
case $rc in
0) echo "ok: clustermatch mean nDCG@10 is at least $FLOOR" ;;
1) echo "FAIL: clustermatch mean nDCG@10 is below the floor $FLOOR (see docs/quality.md)" ;;
*) echo "FAIL: the eval program failed (exit $rc)" ;;
esac
exit $rc
