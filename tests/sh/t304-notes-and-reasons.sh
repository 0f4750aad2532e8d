#!/bin/sh
# t304-notes-and-reasons.sh: what a shortlist says beside each suggestion (issue #13, failure
# modes 7 and 8; docs/scoring.md):
#   - notes: at most 3 per suggestion, each note once per shortlist, and only notes on
#     sectors the profile and the partner share (a greenhouse horticulture profile gets no
#     drug-approval or cybersecurity note, although partner zones also make medicines);
#   - reasons: the points of a suggestion's reasons add up to its score (to 0.01 a reason,
#     as printed), for a single profile and a partnership, unless all eight reason slots
#     are used;
#   - organisations and regulators do not lead a list that does not ask for business
#     support: no organisation in the first three for the packaging example and the
#     mechatronics and EC2i profiles.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t304.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
command -v python3 >/dev/null || { echo "skip: python3 missing"; exit 77; }
fail=0
for p in tests/eval/profiles/fm-greenhouse-horticulture.yaml profiles/examples/bw-packaging.yaml \
         tests/eval/profiles/ms-mechatronics.yaml profiles/escp-4i/ec2i.yaml profiles/escp-4i/foodnet.yaml; do
    "$CM_BIN" -q rank --format json "$ROOT/$p" >"$T/out.json"
    python3 - "$T/out.json" "$p" <<'PY' || fail=1
import json, sys
doc = json.load(open(sys.argv[1])); name = sys.argv[2]; bad = []
sl = doc["shortlists"][0]
seen = set()
for h in sl["hits"]:
    ids = [n["id"] for n in h["notes"]]
    pid = h["partner"]["id"]
    if len(ids) > 3: bad.append("%s carries %d notes" % (pid, len(ids)))
    for i in ids:
        if i in seen: bad.append("note %s shown twice (again on %s)" % (i, pid))
        seen.add(i)
    pts = sum(r["points"] for r in h["reasons"])
    if len(h["reasons"]) < 8 and abs(pts - h["score"]) > 0.01 * len(h["reasons"]) + 0.01:
        bad.append("%s: reasons add up to %.2f, score %.2f" % (pid, pts, h["score"]))
if "horticulture" in name:
    for i in ("cfda-reform", "cybersecurity-law", "medical-device-opportunities"):
        if i in seen: bad.append("note %s on a horticulture list" % i)
if "horticulture" not in name and "foodnet" not in name:
    for h in sl["hits"][:3]:
        if h["partner"]["kind"] == "organisation":
            bad.append("organisation %s in the first three" % h["partner"]["id"])
for b in bad: print("FAIL: %s: %s" % (name, b))
print("ok: %s: %d suggestions, %d notes, reasons add up" % (name, len(sl["hits"]), len(seen)) if not bad else "", end="")
sys.exit(1 if bad else 0)
PY
    echo
done
exit $fail
