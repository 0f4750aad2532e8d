#!/bin/sh
# t508-export-reports.sh: every format read back with a real reader. The column lists in
# docs/exports.md equal the real headers (tsv, csv, csv-excel, xlsx); csv is strict RFC 4180
# and csv-excel has a byte-order mark, ';' and decimal commas; JSON passes its schema with
# the dates; each suggestion carries its record's as-of year and source in csv, json, md,
# html and xlsx; html and md open with the summary, dates and options and list each note
# once; -o x.pdf writes an A4 PDF whose text holds the partner names.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t508.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
P=$ROOT/profiles/examples/bw-packaging.yaml
PY=/usr/bin/python3
[ -x $PY ] || { echo "FAIL: $PY (Debian's python3, with openpyxl) is missing: tools/deps.sh check"; exit 1; }
$PY -c 'import openpyxl' || { echo "FAIL: python3-openpyxl is missing: tools/deps.sh check"; exit 1; }

"$CM_BIN" rank --format tsv "$P" >"$T/out.tsv"
"$CM_BIN" rank -o "$T/out.csv" "$P"
"$CM_BIN" rank --format csv-excel -o "$T/excel.csv" "$P"
"$CM_BIN" rank -o "$T/out.json" "$P"
"$CM_BIN" rank -o "$T/out.md" "$P"
"$CM_BIN" rank -o "$T/out.html" "$P"
"$CM_BIN" rank -o "$T/out.xlsx" "$P"
"$CM_BIN" -q batch --format xlsx -o "$T/all.xlsx" "$ROOT/profiles/escp-4i"
"$CM_BIN" batch --format tsv "$ROOT/profiles/escp-4i" >"$T/all.tsv" 2>/dev/null
"$CM_BIN" -q batch --format html --out "$T/site" "$ROOT/profiles/escp-4i"
pdf=0
if command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null; then
    "$CM_BIN" rank -o "$T/out.pdf" "$P" || { echo "FAIL: rank -o x.pdf failed"; exit 1; }
    # -raw keeps the content order: a long name wrapped beside the points column would
    # otherwise be interleaved with that column's words.
    pdftotext -raw "$T/out.pdf" "$T/pdf.txt"
    pdfinfo "$T/out.pdf" >"$T/pdfinfo.txt"
    pdf=1
else
    echo "FAIL: poppler-utils (pdftotext, pdfinfo) missing: tools/deps.sh check"; exit 1
fi
# No Chromium: a clear error naming the package, and no file.
CLUSTERMATCH_CHROMIUM=/nonexistent "$CM_BIN" rank -o "$T/none.pdf" "$P" 2>"$T/nopdf.err" && {
    echo "FAIL: a PDF without Chromium succeeded"; exit 1; }
grep -q "apt-get install chromium" "$T/nopdf.err" || { echo "FAIL: no apt-get line: $(cat "$T/nopdf.err")"; exit 1; }
[ ! -e "$T/none.pdf" ] || { echo "FAIL: a file was left without Chromium"; exit 1; }

$PY - "$T" "$ROOT/docs/exports.md" "$ROOT/docs/shortlist.schema.json" <<'PY'
import csv, json, re, sys
import openpyxl
t, doc, schema = sys.argv[1:4]
fail = 0
def check(cond, what):
    global fail
    if not cond:
        print("FAIL:", what)
        fail += 1
md_doc = open(doc, encoding="utf-8").read()
def documented(name):
    m = re.search(r"```columns-%s\n(.*?)```" % name, md_doc, re.S)
    check(m is not None, "docs/exports.md has a columns-%s list" % name)
    return m.group(1).strip().split("\n") if m else []

tsv = [l.rstrip("\n").split("\t") for l in open(t + "/out.tsv", encoding="utf-8")]
check(tsv[0] == documented("tsv"), "tsv header = documented: %r" % tsv[0])
hits = tsv[1:]
names = [r[5] for r in hits]

raw = open(t + "/out.csv", "rb").read()
check(not raw.startswith(b"\xef\xbb\xbf"), "strict csv has no BOM")
check(b"\r\n" in raw and raw.count(b"\r\n") == len(hits) + 1, "csv CRLF rows")
rows = list(csv.reader(open(t + "/out.csv", encoding="utf-8", newline="")))
doc_csv = documented("csv")
check(rows[0] == doc_csv, "csv header = documented: %r" % rows[0])
check(len(rows) == len(hits) + 1 and all(len(r) == len(doc_csv) for r in rows), "csv shape")
col = {h: i for i, h in enumerate(rows[0])}
for r in rows[1:]:
    check(re.fullmatch(r"\d{4}", r[col["Record as of"]]) is not None, "csv as-of: %r" % r[col["Record as of"]])
    check(r[col["Source"]] != "", "csv source of %s" % r[col["Partner ID"]])
    check(r[col["Report generated"]] == "2026-01-01", "csv generated date")
    check(re.fullmatch(r"\d{4}(-\d{4})?", r[col["Data vintage"]]) is not None, "csv vintage")
check([r[col["Partner"]] for r in rows[1:]] == names, "csv names in rank order")

raw = open(t + "/excel.csv", "rb").read()
check(raw.startswith(b"\xef\xbb\xbf"), "csv-excel starts with a BOM")
erows = list(csv.reader(open(t + "/excel.csv", encoding="utf-8-sig", newline=""), delimiter=";"))
check(erows[0] == doc_csv, "csv-excel header = documented")
check(len(erows) == len(rows) and all(len(r) == len(doc_csv) for r in erows), "csv-excel shape")
for a, b in zip(rows[1:], erows[1:]):
    check(b[col["Score"]] == a[col["Score"]].replace(".", ","), "decimal comma: %r" % b[col["Score"]])
    check(b[col["Chinese name"]] == a[col["Chinese name"]], "Chinese name intact")

import jsonschema
d = json.load(open(t + "/out.json", encoding="utf-8"))
jsonschema.validate(d, json.load(open(schema, encoding="utf-8")))
check(d["generated"] == "2026-01-01", "json generated")
check(d["data_vintage"]["to"] is not None, "json vintage")
for h in d["shortlists"][0]["hits"]:
    check(h["partner"]["as_of"] is not None and h["partner"]["source"], "json as_of/source of %s" % h["partner"]["id"])

wb = openpyxl.load_workbook(t + "/out.xlsx")
ws = wb.worksheets[0]
head = [c.value for c in ws[1]]
check(head == documented("xlsx"), "xlsx header = documented: %r" % head)
xcol = {h: i for i, h in enumerate(head)}
xrows = list(ws.iter_rows(min_row=2, values_only=True))
check([r[xcol["Partner"]] for r in xrows] == names, "xlsx names")
check(all(isinstance(r[xcol["Record as of"]], (int, float)) and r[xcol["Source"]] for r in xrows), "xlsx as-of/source")

# batch -o all.xlsx: one workbook, the summary sheet first, a sheet per profile, the same rows
wb = openpyxl.load_workbook(t + "/all.xlsx")
btsv = [l.rstrip("\n").split("\t") for l in open(t + "/all.tsv", encoding="utf-8")][1:]
profs = sorted({r[0] for r in btsv})
check(wb.sheetnames[0] == "Summary" and sorted(wb.sheetnames[1:]) == profs,
      "batch workbook sheets: %r" % wb.sheetnames)
srows = list(wb["Summary"].iter_rows(min_row=2, values_only=True))
check([(r[0], r[3]) for r in srows] == [(r[0], r[3]) for r in btsv], "batch summary rows = batch tsv")

# batch --out DIR as html: the index links every page and every page links back; the view
# across profiles lists the partners in several shortlists; summary.csv has names,
# Chinese names and the main reason
import os
site = t + "/site"
index = open(site + "/index.html", encoding="utf-8").read()
pages = sorted(f for f in os.listdir(site) if f.endswith(".html") and f != "index.html")
check(len(pages) == len(profs), "a page per profile: %r" % pages)
for f in pages:
    check('href="%s"' % f in index, "index links %s" % f)
    check('href="index.html"' in open(site + "/" + f, encoding="utf-8").read(), "%s links back" % f)
recur = {}
for r in btsv:
    recur.setdefault(r[3], set()).add(r[0])
many = [names_ for names_ in (r[5] for r in btsv if len(recur[r[3]]) >= 2)]
check("Partners in several shortlists" in index, "index view across profiles")
for n in set(many):
    esc = n.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#39;")
    check(index.count(esc) >= 1, "recurring partner %r in the index" % n)
srows = list(csv.DictReader(open(site + "/summary.csv", encoding="utf-8", newline="")))
check(len(srows) == len(btsv), "summary.csv rows")
check(all(r["partner_name"] and r["main_reason"] for r in srows), "summary.csv names and main reason")
check(sum(1 for r in srows if r["partner_name_zh"]) > len(srows) // 2, "summary.csv Chinese names")

notes = [n for h in d["shortlists"][0]["hits"] for n in h["notes"]]
texts = {n["id"]: n["text"] for n in notes}
html = open(t + "/out.html", encoding="utf-8").read()
for key in ("In short", "Suggested next steps", "Generated 2026-01-01", "partner records dated", "options: ", "What to know"):
    check(key in html, "html has %r" % key)
check(html.index("In short") < html.index("All suggestions"), "summary before the list")
check(html.count("Record: ") == len(hits), "a record line per hit in html")
# The profile names Made in China 2025 priorities: the plan ended, and the report says so.
check("(Made in China 2025, ended 2025)" in html, "html marks an ended plan's priorities")
for key in ("South China Sea Islands", "GeoNames", "CC BY 4.0", "Natural Earth", 'class="target"'):
    check(key in html, "html map and footer have %r" % key)
check('id="cm-p-taiwan"' in html, "the map draws Taiwan with the other divisions")
for i, txt in texts.items():
    esc = txt.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#39;")
    check(html.count(esc) == 1, "html note %s once (%d)" % (i, html.count(esc)))
md = open(t + "/out.md", encoding="utf-8").read()
for key in ("### In short", "### Suggested next steps", "### All suggestions", "### Records", "### What to know", "Generated 2026-01-01"):
    check(key in md, "md has %r" % key)
check("| # | Score | Type | Partner | Chinese name | Province / City | Why | As of |" in md, "md headings in words")
for i, txt in texts.items():
    check(md.count(txt.replace("*", "\\*").replace("_", "\\_")[:60]) == 1, "md note %s once" % i)

info = open(t + "/pdfinfo.txt").read()
check(re.search(r"Page size:\s+59[45](\.\d+)? x 84[12]", info) is not None, "pdf is A4: %s" % info)
pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
check(1 <= pages <= 12, "pdf pages: %d" % pages)
# pdftotext -raw drops some spaces between words, so names are compared without spaces.
text = "".join(open(t + "/pdf.txt", encoding="utf-8").read().split())
for n in names:
    check("".join(n.split()) in text, "pdf text has %r" % n)
zh = [r[col["Chinese name"]] for r in rows[1:] if r[col["Chinese name"]]]
check(zh and zh[0] in text, "pdf text has the Chinese name %r" % (zh[:1],))
print("reports: %d checks failed (pdf %d pages)" % (fail, pages))
sys.exit(1 if fail else 0)
PY
