#!/bin/sh
# t503-export-xlsx.sh: `rank --format xlsx` unzipped: sheet names and order (Summary first in
# a batch, one sheet per profile, valid and unique), a frozen header row, scores stored as
# numbers, websites as hyperlinks, and the same partners, order and scores as the TSV.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 is not installed"; exit 77; }
command -v unzip >/dev/null 2>&1 || { echo "skip: unzip is not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/t503.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"

"$CM_BIN" rank --format xlsx -o "$T/one.xlsx" "$ROOT/profiles/examples/dk-biotech.yaml"
"$CM_BIN" rank --format tsv -o "$T/one.tsv" "$ROOT/profiles/examples/dk-biotech.yaml"
"$CM_BIN" rank --format xlsx -o "$T/batch.xlsx" "$ROOT/profiles/examples/stream.yaml"
"$CM_BIN" rank --format tsv -o "$T/batch.tsv" "$ROOT/profiles/examples/stream.yaml"
# The extension alone picks the format.
"$CM_BIN" rank -o "$T/byext.xlsx" "$ROOT/profiles/examples/dk-biotech.yaml"
ls "$T"/*.tmp.* >/dev/null 2>&1 && { echo "FAIL: temporary files left behind"; exit 1; }
for f in one batch byext; do
    mkdir "$T/$f"
    unzip -q "$T/$f.xlsx" -d "$T/$f"
done
cmp -s "$T/one/xl/worksheets/sheet1.xml" "$T/byext/xl/worksheets/sheet1.xml" \
    || { echo "FAIL: -o x.xlsx differs from --format xlsx"; exit 1; }

python3 - "$T" <<'PY'
import os, re, sys
import xml.etree.ElementTree as ET
t = sys.argv[1]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
fail = 0
def check(cond, what):
    global fail
    if not cond:
        print("FAIL:", what)
        fail += 1

def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1

def load(d):
    """Sheets in workbook order: name -> (rows as lists of (type, value), root, rels)."""
    wb = ET.parse(os.path.join(d, "xl/workbook.xml")).getroot()
    rels = ET.parse(os.path.join(d, "xl/_rels/workbook.xml.rels")).getroot()
    target = {r.get("Id"): r.get("Target") for r in rels}
    sst = []
    p = os.path.join(d, "xl/sharedStrings.xml")
    if os.path.exists(p):
        for si in ET.parse(p).getroot().findall("m:si", NS):
            sst.append("".join(x.text or "" for x in si.iter("{%s}t" % NS["m"])))
    sheets = []
    for s in wb.find("m:sheets", NS):
        rid = s.get("{%s}id" % NS["r"])
        path = os.path.join(d, "xl", target[rid])
        root = ET.parse(path).getroot()
        rows = []
        for row in root.find("m:sheetData", NS):
            cells = {}
            for c in row:
                v = c.find("m:v", NS)
                typ = c.get("t", "n")
                val = v.text if v is not None else None
                if typ == "s" and val is not None:
                    val = sst[int(val)]
                cells[col_index(c.get("r"))] = (typ, val)
            width = max(cells) + 1 if cells else 0
            rows.append([cells.get(i, ("", None)) for i in range(width)])
        sheets.append((s.get("name"), rows, root, path))
    return sheets

def tsv(path):
    return [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8")][1:]

def check_sheet(name, rows, root, path, expect):
    head = [v for _, v in rows[0]]
    check(head[:8] == ["Rank", "Score", "Partner ID", "Type", "Partner", "Chinese name", "Province", "City"],
          "%s: header %r" % (name, head[:8]))
    pane = root.find(".//m:pane", NS)
    check(pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1",
          "%s: frozen header row" % name)
    check(root.find("m:cols", NS) is not None, "%s: column widths set" % name)
    check(len(rows) - 1 == len(expect), "%s: %d rows vs %d in tsv" % (name, len(rows) - 1, len(expect)))
    for r, e in zip(rows[1:], expect):
        check(r[0] == ("n", e[1]), "%s: rank %r vs %s" % (name, r[0], e[1]))
        check(r[1][0] == "n" and "%.2f" % float(r[1][1]) == e[2], "%s: score %r vs %s" % (name, r[1], e[2]))
        check(r[2][1] == e[3], "%s: partner %r vs %s" % (name, r[2][1], e[3]))
        check((r[5][1] or "") == e[6], "%s: Chinese name %r vs %r" % (name, r[5][1], e[6]))
        comps = ["%.4f" % float(r[8 + k][1]) for k in range(5)]
        check(comps == e[9:14], "%s: components of %s" % (name, e[3]))
    rels = os.path.join(os.path.dirname(path), "_rels", os.path.basename(path) + ".rels")
    links = root.find("m:hyperlinks", NS)
    if links is not None:
        check(os.path.exists(rels), "%s: hyperlink relationships" % name)

one = load(t + "/one")
check([s[0] for s in one] == ["dk-biotech"], "one sheet named after the profile: %r" % [s[0] for s in one])
check_sheet(*one[0], tsv(t + "/one.tsv"))
check(one[0][2].find("m:hyperlinks", NS) is not None, "websites are hyperlinks")

batch = load(t + "/batch")
names = [s[0] for s in batch]
check(names[0] == "Summary" and len(names) == 4, "Summary first, then 3 sheets: %r" % names)
check(len({n.lower() for n in names}) == len(names), "sheet names unique")
for n in names:
    check(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n), "valid sheet name %r" % n)
rows = tsv(t + "/batch.tsv")
order = []
for r in rows:
    if r[0] not in order:
        order.append(r[0])
for (name, srows, root, path), pid in zip(batch[1:], order):
    check_sheet(name, srows, root, path, [r for r in rows if r[0] == pid])
summ = batch[0][1]
check(len(summ) - 1 == len(rows), "summary lists every hit")
for s, r in zip(summ[1:], rows):
    check(s[0][1] == r[0] and s[3][1] == r[3] and "%.2f" % float(s[6][1]) == r[2],
          "summary row %r vs %r" % ([c[1] for c in s[:7]], r[:4]))
print("xlsx: %d checks failed" % fail)
sys.exit(1 if fail else 0)
PY
