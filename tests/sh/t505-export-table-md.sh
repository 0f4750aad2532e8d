#!/bin/sh
# t505-export-table-md.sh: the terminal table fits COLUMNS by display width (Chinese names
# count two columns) by wrapping cells, never truncating them; when narrow, the type and the
# reasons go on a line of their own; it dates the report; --explain adds points, reasons,
# the source and as-of year of each record, and numbered notes listed once, and is kept
# when piped; the Markdown table has one row per hit and the TSV's order. Every format
# shows the same hits.
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
COLUMNS=80 "$CM_BIN" rank --format table "$P" >"$T/t80.txt"
COLUMNS=200 "$CM_BIN" rank --format table "$P" >"$T/t200.txt"
"$CM_BIN" rank --explain "$P" | cat >"$T/piped.txt"
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

import re
for cols in (200, 100, 80, 60, 40):
    lines = open("%s/t%d.txt" % (t, cols), encoding="utf-8").read().splitlines()
    blank = lines.index("")
    head = " ".join(lines[:blank])
    check(head.startswith("Packaging Excellence Region Stuttgart"), "title line")
    check("partners considered" in head, "title says how many were considered")
    check(re.search(r"Generated \d{4}-\d\d-\d\d; partner records dated \d{4}", head) is not None,
          "date line: %r" % head)
    lines = lines[blank + 1:]
    check("Partner" in lines[0] and "Score" in lines[0], "header in words: %r" % lines[0])
    for l in lines:
        check(width(l) <= cols, "line fits %d columns (%d): %s" % (cols, width(l), l))
        check("\u2026" not in l, "nothing truncated at %d: %s" % (cols, l))
    body = lines[1:]
    starts = [i for i, l in enumerate(body) if re.match(r"\s*\d+\s+\d+\.\d(\s|$)", l)]
    check(len(starts) == len(tsv), "%d table rows vs %d hits at %d" % (len(starts), len(tsv), cols))
    for n, i in enumerate(starts):
        f = body[i].split()
        check(f[0] == str(n + 1), "rank %d first" % (n + 1))
        check(abs(float(f[1]) - float(tsv[n][2])) <= 0.0501, "score of rank %d" % (n + 1))
        end = starts[n + 1] if n + 1 < len(starts) else len(body)
        entry = " ".join(body[i:end])
        for word in names[ids[n]].split():
            check(word in entry, "partner name word %r of rank %d shown whole at %d" % (word, n + 1, cols))
        if cols <= 80:
            check("Why:" in entry, "the why on its own line at %d (rank %d)" % (cols, n + 1))
    if cols == 200:
        check("Why" in lines[0] and "Type" in lines[0], "wide: type and why columns")

ex = open(t + "/explain.txt", encoding="utf-8").read()
check(ex.count("    points   sector ") == len(tsv), "a points line per hit")
check(ex.count("    source   ") == len(tsv) and " as of " in ex, "source and as-of per hit")
check("    why      " in ex and "    notes    see What to know " in ex, "reasons and notes")
check("\nWhat to know\n" in ex and "\n  1. " in ex, "notes listed once")
piped = open(t + "/piped.txt", encoding="utf-8").read()
check(piped.count("    points   sector ") == len(tsv), "--explain kept when piped")

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
