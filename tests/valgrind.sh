#!/bin/sh
# valgrind.sh: the command line under valgrind (`make valgrind`, tests/sh/t601-valgrind.sh).
# Runs rank, validate, batch (once `batch --help` succeeds), explain and data check on the
# shipped examples (profiles/examples/*.yaml, profiles/escp-4i/) and validate on every bad
# profile of tests/cli/, and fails on any memory error or leak:
#   valgrind --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99
# A run must also end with the exit status it is expected to have. About five minutes on
# two cores with the full dataset; VALGRIND_QUICK=1 ranks only three profiles of each set.
# Exit 0 all clean, 1 a failure (its valgrind log printed), 77 valgrind not installed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CM_BIN=${CM_BIN:-$ROOT/build/clustermatch}
export CLUSTERMATCH_DATA=${CLUSTERMATCH_DATA:-$ROOT/data} LC_ALL=C.UTF-8 NO_COLOR=1
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind.sh: valgrind is not installed (sh tools/deps.sh valgrind)"
    exit 77
fi
[ -x "$CM_BIN" ] || { echo "valgrind.sh: no binary at $CM_BIN (make first)"; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cmvg.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
VG="valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99 --suppressions=$ROOT/tests/valgrind.supp"
runs=0 failed=0

# vg WANT ARGS...: run clustermatch ARGS under valgrind; WANT is the expected exit status
# (or a list like "1|3").
vg() {
    want=$1; shift
    runs=$((runs + 1))
    $VG --log-file="$TMP/vg.log" "$CM_BIN" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    rc=$?
    case "|$want|" in *"|$rc|"*) ok=1 ;; *) ok=0 ;; esac
    if [ $rc = 99 ] || [ -s "$TMP/vg.log" ] || [ $ok = 0 ]; then
        failed=$((failed + 1))
        echo "FAIL (exit $rc, wanted $want): clustermatch $*"
        cat "$TMP/vg.log"
        tail -5 "$TMP/err"
    else
        echo "ok: clustermatch $*" | cut -c1-120
    fi
}

pick() {   # the files to rank: all, or three with VALGRIND_QUICK
    if [ "${VALGRIND_QUICK:-}" ]; then printf '%s\n' "$@" | head -3; else printf '%s\n' "$@"; fi
}

cd "$ROOT"
examples=$(ls profiles/examples/*.yaml)
escp=$(ls profiles/escp-4i/*.yaml)
for p in $(pick $examples) $(pick $escp); do
    vg 0 rank --format tsv "$p"
done
vg 0 validate $examples $escp
vg 0 rank --explain --format md profiles/examples/dk-biotech.yaml
vg 0 rank --format json -o "$TMP/out.json" profiles/examples/bw-packaging.yaml
vg 0 rank --format html -o "$TMP/out.html" profiles/escp-4i/adpack2.yaml
vg 0 rank --format xlsx -o "$TMP/out.xlsx" profiles/examples/stream.yaml
vg 0 explain profiles/examples/bw-packaging.yaml zhongshan-packaging
vg 0 data check
if "$CM_BIN" batch --help >/dev/null 2>&1; then
    vg 0 batch --format tsv profiles/examples profiles/escp-4i
    vg 0 batch --out "$TMP/batch" profiles/examples profiles/escp-4i
fi
# Error paths: every bad profile of the golden cases, in one run (1: invalid, 3: I/O).
vg "1|3" validate $(ls tests/cli/bad-*/profile.yaml)
vg 3 --data /nonexistent validate profiles/examples/bw-packaging.yaml
echo "valgrind: $runs runs, $failed failed"
[ $failed = 0 ]
