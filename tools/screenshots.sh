#!/bin/sh
# screenshots.sh: the acceptance screenshots of the reports in docs/img/ (issue #15), made
# with headless Chromium and pdftoppm from the current build and data:
#   report.png            the HTML report of the packaging example (top of the page)
#   report-narrow.png     the same in an 800-pixel window (a laptop half screen)
#   report-zh.png         the --lang zh page for its first partner
#   report-pdf-page1.png  page 1 of its PDF, rendered by pdftoppm
#   batch-index.png       the index of batch --format html --out DIR on the ESCP-4i profiles
# Usage: sh tools/screenshots.sh [OUTDIR]   (default docs/img; needs chromium, poppler-utils)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/docs/img}
CM=${CM_BIN:-$ROOT/build/clustermatch}
export CLUSTERMATCH_DATA=${CLUSTERMATCH_DATA:-$ROOT/data} SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
T=$(mktemp -d "${TMPDIR:-/tmp}/shots.XXXXXX")
trap 'rm -rf "$T"' EXIT
# Relative paths, so the pictures show "profiles/examples/..." and not this checkout's place.
cd "$ROOT"
P=profiles/examples/bw-packaging.yaml
shot() {   # url width height png
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$T/profile" \
        --window-size="$2,$3" --screenshot="$4" "$1" >/dev/null 2>&1
    echo "wrote $4"
}
"$CM" rank -o "$T/report.html" "$P"
"$CM" rank --lang zh --top 3 -o "$T/zh.html" "$P"
"$CM" rank -o "$T/report.pdf" "$P"
"$CM" -q batch --format html --out "$T/site" profiles/escp-4i
shot "file://$T/report.html" 1100 1500 "$OUT/report.png"
shot "file://$T/report.html" 800 1400 "$OUT/report-narrow.png"
shot "file://$T/zh.html" 900 1050 "$OUT/report-zh.png"
shot "file://$T/site/index.html" 1000 1300 "$OUT/batch-index.png"
pdftoppm -r 80 -png -f 1 -l 1 -singlefile "$T/report.pdf" "$OUT/report-pdf-page1"
echo "wrote $OUT/report-pdf-page1.png ($(pdfinfo "$T/report.pdf" | sed -n 's/^Pages: *//p') pages)"
