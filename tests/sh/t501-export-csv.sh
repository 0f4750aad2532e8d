#!/bin/sh
# t501-export-csv.sh: `rank --format csv` read back with Python's csv module: UTF-8 without
# BOM, CRLF, RFC 4180 quoting (a name with a comma, double quotes and Chinese), and the same
# rows, order and scores as the TSV of the same ranking.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 is not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/t501.XXXXXX")
trap 'rm -rf "$T"' EXIT

# The bundled data plus one partner whose name needs quoting.
cp -R "$ROOT/data" "$T/data"
cat >"$T/data/partners/zz-export-test.yaml" <<'YAML'
partners:
  - id: zz-export-quote
    kind: cluster
    name: 'Foshan "Smart" packaging, printing & <design> cluster'
    name-zh-hans: 佛山智能包装，印刷与设计集群
    province: guangdong
    city: foshan
    lat: 23.02
    lon: 113.12
    approximate: true
    sectors: {packaging: 1.0}
    description: A made-up packaging cluster whose name needs quoting.
    website: https://example.org/?a=1&b=2
    source: clustermatch export test fixture (2026)
    as-of: 2026
YAML
export CLUSTERMATCH_DATA="$T/data"
P="$ROOT/profiles/examples/bw-packaging.yaml"

"$CM_BIN" rank --top 500 --format csv -o "$T/out.csv" "$P"
"$CM_BIN" rank --top 500 --format tsv -o "$T/out.tsv" "$P"
"$CM_BIN" rank --format csv -o "$T/batch.csv" "$ROOT/profiles/examples/stream.yaml"
"$CM_BIN" rank --format tsv -o "$T/batch.tsv" "$ROOT/profiles/examples/stream.yaml"

python3 - "$T" <<'PY'
import csv, sys
t = sys.argv[1]
fail = 0
def check(cond, what):
    global fail
    if not cond:
        print("FAIL:", what)
        fail += 1

def compare(csv_path, tsv_path):
    raw = open(csv_path, "rb").read()
    check(not raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM")
    check(raw.endswith(b"\r\n"), "last record ends with CRLF")
    check(raw.count(b"\n") == raw.count(b"\r\n"), "every line ends with CRLF")
    raw.decode("utf-8")                      # raises if not UTF-8
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, strict=True))
    with open(tsv_path, encoding="utf-8") as f:
        tsv = [l.rstrip("\n").split("\t") for l in f]
    head = rows[0]
    # The csv is headed in words (docs/exports.md; t508 compares the whole list): the tsv's
    # columns in the same order, then the csv's own.
    check(len(head[:19]) == len(tsv[0]) and head[0] == "Profile" and head[3] == "Partner ID",
          "csv starts with the tsv columns, in words: %r" % head[:19])
    check(head[19:] == ["Website", "Record as of", "Source", "Report generated", "Data vintage",
                        "Sector match points", "Region match points", "Policy match points",
                        "Goal match points", "Keyword match points"], "extra csv columns")
    check(len(rows) == len(tsv) and len(rows) > 1, "same number of rows as tsv (%d vs %d)"
          % (len(rows), len(tsv)))
    for i, (c, s) in enumerate(zip(rows[1:], tsv[1:]), 1):
        check(len(c) == len(head), "row %d has %d fields" % (i, len(c)))
        # Same partner, order and score; text fields equal (tsv has no tabs or newlines in them).
        for k in range(0, 14):
            check(c[k] == s[k], "row %d column %s: %r vs %r" % (i, head[k], c[k], s[k]))
        check(abs(float(c[2]) - sum(float(x) for x in c[24:29])) < 0.05,
              "row %d: points add up to the score" % i)
    return rows

rows = compare(t + "/out.csv", t + "/out.tsv")
byid = {r[3]: r for r in rows[1:]}
z = byid.get("zz-export-quote")
check(z is not None, "the test partner is listed")
if z:
    check(z[5] == 'Foshan "Smart" packaging, printing & <design> cluster', "quoted name read back: %r" % z[5])
    check(z[6] == "佛山智能包装，印刷与设计集群", "Chinese name read back")
    check(z[8] == "Foshan", "city")
    check(z[19] == "https://example.org/?a=1&b=2", "website")
raw = open(t + "/out.csv", "rb").read()
check(b'"Foshan ""Smart"" packaging, printing & <design> cluster"' in raw, "RFC 4180 quoting on disk")
zh = [r for r in rows[1:] if r[6]]
check(len(zh) > 10, "Chinese names present (%d)" % len(zh))

b = compare(t + "/batch.csv", t + "/batch.tsv")
check(len(set(r[0] for r in b[1:])) == 3, "three profiles in the batch csv")
print("csv: %d checks failed" % fail)
sys.exit(1 if fail else 0)
PY
