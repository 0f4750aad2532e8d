#!/bin/sh
# t902-serve-browser.sh: the web form in headless Chromium (tests/browser/serve.test.mjs,
# puppeteer-core from npm pointed at Debian's /usr/bin/chromium). The expectations come
# from the command line: the top partner of the same profile ranked by `clustermatch rank`,
# and the messages `clustermatch validate` prints for the file uploaded with mistakes.
# puppeteer-core is installed at test time from tests/browser/package-lock.json into
# build/browser (never committed). Screenshots go to tests/out/.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
# Skipped without Chromium, node/npm or the npm registry, except on CI (CI set), where a
# skip would hide a missing install step.
skip() {
    [ -n "${CI:-}" ] && { echo "FAIL on CI: $1"; exit 1; }
    echo "skip: $1"; exit 77
}
[ -x "$CHROMIUM" ] || skip "chromium is not installed (sh tools/deps.sh check)"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    skip "node and npm are not installed (sh tools/deps.sh browser)"
T=$(mktemp -d "${TMPDIR:-/tmp}/t902.XXXXXX")
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
OUT=$ROOT/tests/out
mkdir -p "$OUT"

# puppeteer-core, exactly as locked; reinstalled only when the lock changes.
NM=$ROOT/build/browser   # one install for every build flavour (build/, build/san/)
if ! cmp -s "$ROOT/tests/browser/package-lock.json" "$NM/package-lock.json" || [ ! -d "$NM/node_modules/puppeteer-core" ]; then
    mkdir -p "$NM"
    cp "$ROOT/tests/browser/package.json" "$ROOT/tests/browser/package-lock.json" "$NM/"
    if ! (cd "$NM" && npm ci --no-audit --no-fund --loglevel=error) >"$T/npm.log" 2>&1; then
        cat "$T/npm.log"
        rm -f "$NM/package-lock.json"
        skip "npm ci failed (no registry?): puppeteer-core not installed"
    fi
fi
cp "$ROOT/tests/browser/serve.test.mjs" "$NM/"

# What the browser will submit, as a file: its top partner, by the command line.
cat >"$T/form.yaml" <<'YAML'
name: Packaging Valley Test Cluster
country: [DE]
sectors:
  packaging: 1
regions:
  shaanxi: 1
YAML
"$CM_BIN" rank --format csv -o "$T/cli.csv" "$T/form.yaml"
top=$(python3 -c 'import csv,sys; print(list(csv.DictReader(open(sys.argv[1])))[0]["Partner"])' "$T/cli.csv")
hits=$(python3 -c 'import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1])))))' "$T/cli.csv")

printf 'name: Bad\nsectors:\n  packag: 1\nregions: [shaanxii]\n' >"$T/bad.yaml"
(cd "$T" && "$CM_BIN" validate bad.yaml 2>validate.err) || true
errors=$(grep ': error: ' "$T/validate.err" | python3 -c 'import json,sys; print(json.dumps([l.rstrip("\n") for l in sys.stdin]))')
echo "expect: top \"$top\", $hits rows; errors $errors"

. "$ROOT/tests/sh/lib-serve.sh"
serve_start "$T/serve.err"

st=0
CM_URL=$U CM_OUT=$OUT CHROMIUM=$CHROMIUM \
CM_EXPECT=$(python3 -c 'import json,sys; print(json.dumps({"top": sys.argv[1], "hits": int(sys.argv[2]), "bad": sys.argv[3], "errors": json.loads(sys.argv[4])}))' "$top" "$hits" "$T/bad.yaml" "$errors") \
    timeout 180 node "$NM/serve.test.mjs" || st=$?
kill -TERM "$PID"
wait "$PID" || { echo "FAIL: serve did not exit 0 on SIGTERM"; st=1; }
PID=
exit $st
