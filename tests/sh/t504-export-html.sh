#!/bin/sh
# t504-export-html.sh: `rank --format html` opened in headless Chromium: one row class="hit"
# and one map marker class="marker" per ranked partner, province outlines drawn, no console
# error, nothing loaded from the network. A screenshot is left in tests/out/ to look at.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
# `make check` installs chromium (tools/deps.sh check). Without it the test is skipped, but
# on CI (CI set) that would hide a missing install step: fail there.
if [ ! -x "$CHROMIUM" ]; then
    [ -n "${CI:-}" ] && { echo "FAIL: chromium is not installed on CI (tools/deps.sh check installs it)"; exit 1; }
    echo "skip: chromium is not installed (sh tools/deps.sh check)"; exit 77
fi
command -v timeout >/dev/null 2>&1 || { echo "skip: timeout is not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/t504.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
OUT=$ROOT/tests/out
mkdir -p "$OUT"

fail=0
check() {   # check DESCRIPTION COMMAND...
    what=$1; shift
    if "$@"; then :; else echo "FAIL: $what"; fail=$((fail + 1)); fi
}

browser() {   # browser ARGS... : headless Chromium with a throw-away profile, no network
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" "$@"
}

page() {   # page NAME PROFILE EXPECTED_SECTIONS
    name=$1 profile=$2 sections=$3
    html=$T/$name.html
    "$CM_BIN" rank --format html -o "$html" "$profile"
    "$CM_BIN" rank --format tsv -o "$T/$name.tsv" "$profile"
    hits=$(($(wc -l <"$T/$name.tsv") - 1))

    # Self-contained: no script, no external stylesheet, image or font.
    check "$name: no <script>" test "$(grep -c '<script' "$html" || true)" = 0
    check "$name: no external resource" test \
        "$(grep -Eci 'src="(https?:)?//|url\((https?:)?//|<link |@import' "$html" || true)" = 0

    browser --dump-dom "file://$html" >"$T/$name.dom" 2>"$T/$name.dom.err" || true
    check "$name: page parsed" grep -q '</html>' "$T/$name.dom"
    n_hit=$(grep -o 'class="hit"' "$T/$name.dom" | wc -l)
    n_marker=$(grep -o 'class="marker"' "$T/$name.dom" | wc -l)
    n_section=$(grep -o 'class="shortlist"' "$T/$name.dom" | wc -l)
    check "$name: $n_hit rows for $hits hits" test "$n_hit" = "$hits"
    check "$name: $n_marker markers for $hits hits" test "$n_marker" = "$hits"
    check "$name: $n_section sections, want $sections" test "$n_section" = "$sections"
    check "$name: province outlines" grep -q 'id="cm-p-zhejiang"' "$T/$name.dom"
    check "$name: map credit" grep -q 'Natural Earth' "$T/$name.dom"
    # Marker numbers follow the table ranks.
    for r in 1 2 3; do
        [ "$r" -le "$hits" ] || break
        check "$name: marker $r" grep -q "<text>$r</text>" "$T/$name.dom"
    done

    browser --enable-logging=stderr --v=0 --screenshot="$OUT/$name.png" \
        --window-size=1200,1800 "file://$html" >"$T/$name.shot.out" 2>"$T/$name.shot.err" || true
    check "$name: screenshot written" test -s "$OUT/$name.png"
    if grep -E 'Uncaught|ERROR:CONSOLE|CONSOLE\(.*(Error|Failed)' "$T/$name.shot.err" "$T/$name.dom.err"; then
        echo "FAIL: $name: console errors (above)"
        fail=$((fail + 1))
    fi
}

page t504-one "$ROOT/profiles/examples/bw-packaging.yaml" 1
page t504-batch "$ROOT/profiles/examples/stream.yaml" 3
check "batch: table of contents" grep -q '<nav class="toc">' "$T/t504-batch.dom"
check "batch: outlines emitted once" test "$(grep -o 'id="cm-p-zhejiang"' "$T/t504-batch.dom" | wc -l)" = 1

# Without the outline file the page is still written, with markers and a note.
mkdir "$T/data"
cp -R "$CLUSTERMATCH_DATA/." "$T/data/"
rm -rf "$T/data/geo"
CLUSTERMATCH_DATA=$T/data "$CM_BIN" rank --format html -o "$T/nomap.html" "$ROOT/profiles/examples/bw-packaging.yaml"
check "no outlines: a note" grep -q 'class="nomap"' "$T/nomap.html"
check "no outlines: markers" test "$(grep -o 'class="marker"' "$T/nomap.html" | wc -l)" -gt 0

echo "html: $fail checks failed (screenshots in tests/out/)"
[ "$fail" = 0 ]
