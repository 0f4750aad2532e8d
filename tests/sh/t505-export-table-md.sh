#!/bin/sh
# t505-export-table-md.sh: the terminal table fits COLUMNS by display width (Chinese names
# count two columns) and truncates with "…"; --explain adds points, reasons and notes; the
# Markdown table has one row per hit and the TSV's order. Every format shows the same hits.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 is not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/t505.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
P=$ROOT/profiles/examples/bw-packaging.yaml

"$CM_BIN" rank --format tsv "$P" >"$T/out.tsv"
COLUMNS=100 "$CM_BIN" rank --format table "$P" >"$T/t100.txt"
COLUMNS=60 "$CM_BIN" rank --format table "$P" >"$T/t60.txt"
COLUMNS=40 "$CM_BIN" rank --format table "$P" >"$T/t40.txt"
"$CM_BIN" rank --format table --explain "$P" >"$T/explain.txt"
"$CM_BIN" rank --format md "$P" >"$T/out.md"
"$CM_BIN" rank --format md -o "$T/file.md" "$P"
cmp -s "$T/out.md" "$T/file.md" || { echo "FAIL: md on stdout and in a file differ"; exit 1; }

python3 - "$T" <<'PY'
import sys, unicodedata
t = sys.argv[1]
fail = 0
def check(cond, what):
    global fail
    if not cond:
        print("FAIL:", what)
        fail += 1
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in s)
tsv = [l.rstrip("\n").split("\t") for l in open(t + "/out.tsv", encoding="utf-8")][1:]
ids = [r[3] for r in tsv]
names = {r[3]: r[5] for r in tsv}

for cols in (100, 60, 40):
    lines = open("%s/t%d.txt" % (t, cols), encoding="utf-8").read().splitlines()
    check(lines[0].startswith("Packaging Excellence Region Stuttgart"), "title line")
    check("partners considered" in lines[0], "title says how many were considered")
    rows = lines[2:]
    check(len(rows) == len(tsv), "%d table rows vs %d hits" % (len(rows), len(tsv)))
    for l in lines[1:]:
        check(width(l) <= cols, "line fits %d columns (%d): %s" % (cols, width(l), l))
    for i, l in enumerate(rows, 1):
        check(l.split()[0] == str(i), "rank %d first" % i)
        check(abs(float(l.split()[1]) - float(tsv[i - 1][2])) <= 0.0501, "score of rank %d" % i)
    # Columns line up by display width: the kind column starts at one place in every row.
    starts = {width(l[:l.index(k)]) for l, k in ((l, " " + tsv[i][4] + " ") for i, l in enumerate(rows))}
    check(len(starts) == 1, "kind column aligned at %d columns: %r" % (cols, starts))
    check(any("\u2026" in l for l in rows), "long cells truncated with an ellipsis")

ex = open(t + "/explain.txt", encoding="utf-8").read()
check(ex.count("    points   sector ") == len(tsv), "a points line per hit")
check("    why      " in ex and "    note     " in ex, "reasons and notes")

md = open(t + "/out.md", encoding="utf-8").read().splitlines()
rows = [l for l in md if l.startswith("| ") and not l.startswith(("| #", "| ---"))]
check(len(rows) == len(tsv), "%d md rows vs %d" % (len(rows), len(tsv)))
for i, l in enumerate(rows):
    cells = [c.strip() for c in l.strip("|").split(" | ")]
    check(cells[0] == str(i + 1) and abs(float(cells[1]) - float(tsv[i][2])) <= 0.0501,
          "md row %d" % (i + 1))
    check(cells[3].replace("\\", "") == names[ids[i]], "md name %r" % cells[3])
print("table/md: %d checks failed" % fail)
sys.exit(1 if fail else 0)
PY
