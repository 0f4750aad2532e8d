#!/bin/sh
# t601-valgrind.sh: rank, validate, batch, explain and data check on the shipped examples,
# and validate on every bad profile, under valgrind: no memory error, no leak
# (tests/valgrind.sh). Skipped without valgrind, and for sanitizer builds (ASan and
# valgrind cannot run together). Under valgrind every run costs seconds with the full
# dataset, so `make check` ranks three profiles of each set (VALGRIND_QUICK); CI and
# `make valgrind` run them all (CM_VALGRIND_FULL=1, set by .ci/run).
set -u
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v valgrind >/dev/null 2>&1 || { echo "valgrind is not installed (sh tools/deps.sh valgrind)"; exit 77; }
if ldd "$CM_BIN" 2>/dev/null | grep -q 'libasan\|libubsan'; then
    echo "sanitizer build: valgrind does not run ASan binaries"
    exit 77
fi
[ "${CM_VALGRIND_FULL:-}" = 1 ] || export VALGRIND_QUICK=1
exec sh "$ROOT/tests/valgrind.sh"
