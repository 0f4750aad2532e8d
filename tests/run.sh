#!/bin/sh
# run.sh: the test driver behind `make check`.
#   1. unit tests: every $CM_BUILD/tests/test_* binary
#   2. golden CLI cases: tests/cli/<case>/ holds `cmd` (a shell line run in the case's
#      directory with $CM set to the binary), and the expected `stdout`, `stderr` and
#      `status`, compared byte for byte
#   3. shell tests: tests/sh/t*.sh (exit 0 pass, 77 skip, anything else fails)
# Usage: tests/run.sh [--regen CASE...]   (--regen rewrites a golden case's expectations
# from the current output; review the diff before committing it)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CM_BIN=${CM_BIN:-$ROOT/build/clustermatch}
CM_BUILD=${CM_BUILD:-$ROOT/build}
# SOURCE_DATE_EPOCH fixes the "generated" date of reports (2026-01-01) so goldens are stable.
export CM_BIN CM_ROOT="$ROOT" CLUSTERMATCH_DATA="$ROOT/data" LC_ALL=C.UTF-8 NO_COLOR=1 COLUMNS= SOURCE_DATE_EPOCH=1767225600
unset COLUMNS
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/cmtest.XXXXXX")
trap 'rm -rf "$TMPROOT"' EXIT INT TERM
pass=0 fail=0 skip=0
failed=""

run_case() {   # dir -> runs cmd, leaves out/err/status in $TMPROOT/$name
    d=$1 name=$(basename "$1")
    mkdir -p "$TMPROOT/$name"
    ( cd "$d" && CM=$CM_BIN sh ./cmd >"$TMPROOT/$name/stdout" 2>"$TMPROOT/$name/stderr" </dev/null
      echo $? >"$TMPROOT/$name/status" )
}

if [ "${1:-}" = --regen ]; then
    shift
    for c in "$@"; do
        d=$ROOT/tests/cli/$c
        run_case "$d"
        cp "$TMPROOT/$c/stdout" "$TMPROOT/$c/stderr" "$TMPROOT/$c/status" "$d/"
        echo "regenerated $c (status $(cat "$d/status"))"
    done
    exit 0
fi

for t in "$CM_BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    if CLUSTERMATCH_PLUGIN_DIR=$CM_BUILD "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $(basename "$t")"; fi
done

for d in "$ROOT"/tests/cli/*/; do
    [ -f "$d/cmd" ] || continue
    name=$(basename "$d")
    run_case "$d"
    ok=1
    for f in stdout stderr status; do
        if ! cmp -s "$d/$f" "$TMPROOT/$name/$f"; then
            ok=0
            echo "FAIL cli/$name: $f differs" >&2
            diff -u "$d/$f" "$TMPROOT/$name/$f" 2>&1 | head -20 >&2
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed cli/$name"; fi
done

for t in "$ROOT"/tests/sh/t*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    out=$TMPROOT/$name.log
    TMPDIR=$TMPROOT sh "$t" >"$out" 2>&1
    rc=$?
    if [ $rc = 0 ]; then pass=$((pass + 1))
    elif [ $rc = 77 ]; then skip=$((skip + 1)); echo "SKIP $name: $(tail -1 "$out")" >&2
    else
        fail=$((fail + 1)); failed="$failed $name"
        echo "FAIL $name (exit $rc):" >&2
        tail -30 "$out" >&2
    fi
done

[ -n "$failed" ] && echo "failed:$failed" >&2
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
