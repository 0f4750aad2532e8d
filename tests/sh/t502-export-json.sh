#!/bin/sh
# t502-export-json.sh: `rank --format json` validates against docs/shortlist.schema.json
# (python3-jsonschema) and holds the TSV's hits in the same order with the same scores.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 is not installed"; exit 77; }
python3 -c 'import jsonschema' 2>/dev/null || { echo "skip: python3-jsonschema is not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/t502.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"

"$CM_BIN" rank --explain --format json -o "$T/one.json" "$ROOT/profiles/examples/dk-biotech.yaml"
"$CM_BIN" rank --format tsv -o "$T/one.tsv" "$ROOT/profiles/examples/dk-biotech.yaml"
"$CM_BIN" rank --format json -o "$T/batch.json" "$ROOT/profiles/examples/stream.yaml"
"$CM_BIN" rank --format tsv -o "$T/batch.tsv" "$ROOT/profiles/examples/stream.yaml"
# A partnership profile, if the repository has one, exercises "members".
part=$(grep -l '^kind: *partnership' "$ROOT"/profiles/*/*.yaml 2>/dev/null | head -1 || true)
if [ -n "$part" ]; then
    "$CM_BIN" rank --format json -o "$T/part.json" "$part"
fi

python3 - "$T" "$ROOT/docs/shortlist.schema.json" <<'PY'
import json, os, sys
import jsonschema
t, schema_path = sys.argv[1], sys.argv[2]
schema = json.load(open(schema_path, encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
fail = 0
def check(cond, what):
    global fail
    if not cond:
        print("FAIL:", what)
        fail += 1

def validate(path):
    doc = json.load(open(path, encoding="utf-8"))
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:10]:
        print("FAIL: %s: %s at %s" % (os.path.basename(path), e.message, list(e.path)))
    check(not errors, "%s validates" % os.path.basename(path))
    return doc

def compare(doc, tsv_path):
    tsv = [l.rstrip("\n").split("\t") for l in open(tsv_path, encoding="utf-8")][1:]
    hits = [(s["profile"]["id"], h) for s in doc["shortlists"] for h in s["hits"]]
    check(len(hits) == len(tsv) and hits, "same hits as tsv (%d vs %d)" % (len(hits), len(tsv)))
    for (pid, h), row in zip(hits, tsv):
        check(pid == row[0] and str(h["rank"]) == row[1] and h["partner"]["id"] == row[3],
              "order: %s #%s %s vs %s" % (pid, h["rank"], h["partner"]["id"], row[:4]))
        check("%.2f" % h["score"] == row[2], "score %r vs %s" % (h["score"], row[2]))
        comps = [h["components"][c] for c in ("sector", "region", "policy", "goal", "keyword")]
        check(["%.4f" % v for v in comps] == row[9:14], "components of %s" % row[3])
        check(abs(sum(h["contributions"].values()) - h["score"]) < 1e-6,
              "contributions add up to the score for %s" % row[3])
    for s in doc["shortlists"]:
        ranks = [h["rank"] for h in s["hits"]]
        check(ranks == list(range(1, len(ranks) + 1)), "ranks 1..n")
        # Order is the ranking's, not necessarily by score: diversity (on by default)
        # re-ranks for variety. The pool it picks from is still the best by score.
        scores = [h["score"] for h in s["hits"]]
        check(all(0 <= x <= 100 for x in scores), "scores in [0, 100]")

one = validate(t + "/one.json")
check(one["clustermatch"] != "", "version string")
compare(one, t + "/one.tsv")
check(any(h["reasons"] for h in one["shortlists"][0]["hits"]), "reasons present")
batch = validate(t + "/batch.json")
check(len(batch["shortlists"]) == 3, "three shortlists in the batch")
compare(batch, t + "/batch.tsv")
if os.path.exists(t + "/part.json"):
    part = validate(t + "/part.json")
    check(all("members" in h for s in part["shortlists"] for h in s["hits"]),
          "partnership hits carry member scores")
print("json: %d checks failed" % fail)
sys.exit(1 if fail else 0)
PY
