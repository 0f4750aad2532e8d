#!/bin/sh
# t901-serve-http.sh: `clustermatch serve` over HTTP, loopback only (curl and a small
# python client for the raw socket cases):
#   pages, assets and headers (CSP, nosniff, charset); the form ranks like the CLI and the
#   CSV download equals `rank --explain -o x.csv` of the downloaded profile; form and upload
#   errors carry validate's messages (line:col for uploads); HTML is escaped; member files
#   are refused; 413 by Content-Length, by upload size and for a chunked body; bad paths,
#   methods and encodings get 4xx; a garbage request and a stalled client do not disturb
#   other requests; SIGTERM finishes a request in flight and exits 0.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v curl >/dev/null 2>&1 || { echo "skip: curl is not installed (sh tools/deps.sh check)"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 is not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/t901.XXXXXX")
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
EX=$ROOT/profiles/examples/bw-packaging.yaml

fail=0
check() {   # check DESCRIPTION COMMAND...
    what=$1; shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=$((fail + 1)); fi
}

. "$ROOT/tests/sh/lib-serve.sh"
start() { serve_start "$T/serve.err" "$@"; }   # start ARGS...: sets PID and U

stop() {   # stop: SIGTERM, wait, return the exit status
    kill -TERM "$PID"
    st=0
    wait "$PID" || st=$?
    PID=
    return $st
}

code() { curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' "$@"; }
hdr() { grep -i "^$1:" "$T/head" | head -1 | tr -d '\r' | sed 's/^[^:]*: //'; }
# HTML-escape the way the pages do, to find a CLI message in a page.
esc() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' -e "s/'/\&#39;/g"; }

start --timeout 2

# ---- pages, assets, headers
check "GET / is 200" test "$(code "$U/")" = 200
check "form has the sector search" grep -q 'data-vocab="sectors"' "$T/body"
check "text/html with charset" test "$(hdr Content-Type)" = "text/html; charset=utf-8"
check "CSP without inline script" sh -c "grep -i '^content-security-policy:' '$T/head' | grep -q \"script-src 'self';\""
check "nosniff" test "$(hdr X-Content-Type-Options)" = nosniff
check "no inline script in the form" test "$(grep -c '<script>' "$T/body" || true)" = 0
check "no other host named" test "$(grep -Eci '(src|href|action)="(https?:)?//' "$T/body" || true)" = 0
check "app.css" test "$(code "$U/app.css")" = 200
check "css charset" test "$(hdr Content-Type)" = "text/css; charset=utf-8"
check "app.js" test "$(code "$U/app.js")" = 200
check "js charset" test "$(hdr Content-Type)" = "text/javascript; charset=utf-8"
check "app.js is the file in web/" cmp -s "$T/body" "$ROOT/web/app.js"
check "assets carry the same security headers as pages" sh -c '
    grep -qi "^x-frame-options: DENY" "$1" && grep -qi "^referrer-policy: no-referrer" "$1" &&
    grep -qi "^x-content-type-options: nosniff" "$1"' _ "$T/head"
check "vocab.json" test "$(code "$U/vocab.json")" = 200
check "json charset" test "$(hdr Content-Type)" = "application/json; charset=utf-8"
check "vocab has Shanxi and Shaanxi apart" python3 -c '
import json,sys
v=json.load(open(sys.argv[1]))
r={x["id"]:x for x in v["regions"]}
assert r["shanxi"]["zh"]=="山西" and r["shaanxi"]["zh"]=="陕西", (r.get("shanxi"),r.get("shaanxi"))
s={x["id"]:x for x in v["sectors"]}
assert s["packaging"]["label"]=="Packaging"
' "$T/body"

# ---- the form ranks as the command line does
check "form submit 200" test "$(code -X POST "$U/rank" --data-urlencode 'name=Test <script>alert(1)</script>' \
    -d country=DE -d sector=packaging -d sector-weight=1 -d sector=paper -d sector-weight=0.5 \
    -d region=zhejiang -d region-weight=1 -d goal=market-access -d top=10)" = 200
cp "$T/body" "$T/result.html"
# up to 10: the relevance floor (docs/scoring.md) shows fewer when fewer partners are relevant
nm=$(grep -c '<g class="marker"' "$T/result.html")
check "result has 1 to 10 map markers ($nm)" test "$nm" -ge 1 -a "$nm" -le 10
check "result has download buttons" grep -q 'name="format" value="xlsx"' "$T/result.html"
check "profile name escaped" grep -q 'Test &lt;script&gt;alert(1)&lt;/script&gt;' "$T/result.html"
check "no injected script" test "$(grep -c '<script>alert' "$T/result.html" || true)" = 0
# The profile the form wrote, as the user downloads it, ranked by the CLI: same CSV.
yaml=$(python3 -c '
import html,re,sys
m=re.search(r"action=\"/download\".*?name=\"yaml\" value=\"([^\"]*)\"", open(sys.argv[1]).read(), re.S)
print(html.unescape(m.group(1)), end="")' "$T/result.html")
printf '%s' "$yaml" >"$T/form.yaml"
check "downloaded profile validates" "$CM_BIN" validate "$T/form.yaml"
check "yaml download" test "$(code -X POST "$U/download" --data-urlencode "yaml@$T/form.yaml" -d format=yaml -d top=10)" = 200
check "yaml download is the profile" cmp -s "$T/body" "$T/form.yaml"
check "yaml attachment" sh -c "grep -i '^content-disposition:' '$T/head' | grep -q 'attachment; filename=\"test-script-alert-1-script.yaml\"'"
check "csv download" test "$(code -X POST "$U/download" --data-urlencode "yaml@$T/form.yaml" -d format=csv -d top=10)" = 200
"$CM_BIN" rank --explain --top 10 -o "$T/cli.csv" "$T/form.yaml"
check "csv download = rank --explain -o x.csv" cmp "$T/body" "$T/cli.csv"
top=$(python3 -c 'import csv,sys; print(list(csv.DictReader(open(sys.argv[1])))[0]["Partner"])' "$T/cli.csv")
check "result lists the CLI's top partner first" sh -c "grep -o '<td class=\"partner\"><strong>[^<]*' '$T/result.html' | head -1 | grep -qF \"\$1\"" _ "$(printf '%s' "$top" | tr -d '"')"
check "xlsx download" test "$(code -X POST "$U/download" --data-urlencode "yaml@$EX" -d format=xlsx)" = 200
check "xlsx is a zip" sh -c "head -c 2 '$T/body' | grep -q PK"
check "json download" test "$(code -X POST "$U/download" --data-urlencode "yaml@$EX" -d format=json)" = 200
check "json parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/body"
check "unknown download format 400" test "$(code -X POST "$U/download" --data-urlencode "yaml@$EX" -d format=exe)" = 400

# An empty row in the middle (sent empty, or left out by a browser) does not shift weights.
check "rows with a gap" test "$(code -X POST "$U/rank" -d name=Gap -d sector=packaging -d sector-weight=0.9 \
    -d sector= -d sector-weight=1 -d sector=paper -d sector-weight=0.4 -d region-weight=1 -d region=zhejiang -d region-weight=0.7)" = 200
check "gap: packaging keeps 0.9" grep -q 'packaging: 0.9&#10;' "$T/body"
check "gap: paper keeps 0.4" grep -q 'paper: 0.4&#10;' "$T/body"
check "gap: a weight before any region is dropped with its empty row" grep -q 'zhejiang: 0.7&#10;' "$T/body"

# ---- errors: the messages of `clustermatch validate`
check "unknown sector 422" test "$(code -X POST "$U/rank" -d name=X -d sector=packag -d region=shanxii)" = 422
printf 'id: x\nname: X\nsectors:\n  packag: 1\nregions:\n  shanxii: 1\n' >"$T/same.yaml"
"$CM_BIN" validate "$T/same.yaml" 2>"$T/validate.err" || true
for m in "unknown sector 'packag'" "unknown region 'shanxii'"; do
    msg=$(grep -F "$m" "$T/validate.err" | sed 's/^[^ ]*: error: //' | esc)
    check "form shows: $msg" grep -qF "$msg" "$T/body"
done
check "sector message sits at the sector field" grep -q 'id="err-sector-1"' "$T/body"
check "region message sits at the region field" grep -q 'id="err-region-1"' "$T/body"
check "missing name 422" test "$(code -X POST "$U/rank" -d sector=packaging)" = 422
check "missing name message" grep -q "id=\"err-name\"" "$T/body"

printf 'name: Bad\nsectors:\n  packag: 1\ncountry: [Germany]\n' >"$T/bad.yaml"
"$CM_BIN" validate "$T/bad.yaml" 2>"$T/validate.err" || true
check "upload with mistakes 422" test "$(code -F "file=@$T/bad.yaml" "$U/load")" = 422
grep ': error: ' "$T/validate.err" | while IFS= read -r line; do
    loc=$(printf '%s' "$line" | sed 's/: error: .*//; s|.*/||')
    msg=$(printf '%s' "$line" | sed 's/^[^ ]*: error: //' | esc)
    printf '%s\t%s\n' "$loc" "$msg"
done >"$T/expected"
check "validate found 2 errors" test "$(wc -l <"$T/expected")" = 2
while IFS="$(printf '\t')" read -r loc msg; do
    check "upload shows $loc" grep -qF "<code class=\"loc\">$loc:</code> error: $msg" "$T/body"
done <"$T/expected"
check "pasted yaml with mistakes 422" test "$(code -F "yaml=<$T/bad.yaml" "$U/rank")" = 422
check "pasted: line:col" grep -qF '<code class="loc">pasted.yaml:3:3:</code>' "$T/body"
check "good upload fills the form" test "$(code -F "file=@$EX" "$U/load")" = 200
check "filled name" grep -qF 'value="Packaging Excellence Region Stuttgart"' "$T/body"
check "filled sector" grep -qF 'name="sector" value="machine-tools-robotics"' "$T/body"
check "upload ranked as is" test "$(code -F "file=@$EX" "$U/rank")" = 200
"$CM_BIN" rank --explain --format html -o "$T/cli.html" "$EX"
check "same markers as rank -o report.html" test "$(grep -c '<g class="marker"' "$T/body")" = "$(grep -c '<g class="marker"' "$T/cli.html")"
printf 'kind: partnership\nname: P\nmembers:\n  - /etc/passwd\n  - file: ../../etc/shadow\n' >"$T/part.yaml"
check "member files refused 422" test "$(code -F "file=@$T/part.yaml" "$U/rank")" = 422
check "refusal at 4:5" grep -qF 'part.yaml:4:5:</code> error: member files cannot be read by the web server' "$T/body"
check "nothing of /etc/passwd shown" test "$(grep -c 'root:' "$T/body" || true)" = 0

# ---- limits
head -c 1100000 /dev/zero | tr '\0' a >"$T/big.yaml"
check "upload over 1 MiB: 413" test "$(code -F "file=@$T/big.yaml" "$U/load")" = 413
check "413 page says why" grep -q 'same limit as on the command line' "$T/body"
check "413 has charset" test "$(hdr Content-Type)" = "text/html; charset=utf-8"
head -c 4000000 /dev/zero | tr '\0' a >"$T/huge.yaml"
check "body over the limit by Content-Length: 413" test "$(code -F "file=@$T/huge.yaml" "$U/rank")" = 413
check "70 KB of headers: 431" test "$(code -H "X-Big: $(head -c 70000 /dev/zero | tr '\0' a)" "$U/")" = 431
check "chunked body over the limit: 413" test "$(code -H 'Transfer-Encoding: chunked' -F "file=@$T/huge.yaml" "$U/rank")" = 413

# ---- paths, methods, encodings
for p in /../etc/passwd /%2e%2e/%2e%2e/etc/passwd /app.css/.. //etc/passwd '/..%5c..%5cetc/passwd' /web/app.js; do
    c=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' "$U$p")
    check "GET $p is 4xx" test "${c%??}" = 4
    check "GET $p serves no file" test "$(grep -c 'root:' "$T/body" || true)" = 0
done
check "DELETE / 405" test "$(code -X DELETE "$U/")" = 405
check "405 says Allow" test "$(hdr Allow)" = "GET, HEAD"
check "GET /rank 405" test "$(code "$U/rank")" = 405
check "POST / 405" test "$(code -X POST -d a=b "$U/")" = 405
check "JSON body 415" test "$(code -X POST -H 'Content-Type: application/json' -d '{}' "$U/rank")" = 415
check "404 page" test "$(code "$U/nope")" = 404
check "404 has CSP" sh -c "grep -qi '^content-security-policy:' '$T/head'"

# ---- a bad or stalled client does not disturb the others
port=${U##*:}
python3 - "$port" >"$T/raw" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
def first_line(req):
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(10)
    s.sendall(req)
    try:
        r = s.recv(100).split(b"\r\n")[0].decode(errors="replace") or "closed"
    except socket.timeout:
        r = "no answer"
    s.close()
    return r
print("header without colon:", first_line(b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"))
print("bad length:", first_line(b"POST /rank HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"))
print("bad version:", first_line(b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"))
print("not http:", first_line(b"GARBAGE\r\n\r\n"))
# a stalled client: half a request line, then nothing
stall = socket.create_connection(("127.0.0.1", port)); stall.settimeout(10)
stall.sendall(b"GET / HTT")
# meanwhile a normal request is answered
s = socket.create_connection(("127.0.0.1", port)); s.settimeout(10)
s.sendall(b"GET /app.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
print("other:", s.recv(100).split(b"\r\n")[0].decode())
s.close()
t0 = time.time()
try:
    data = stall.recv(100)
except socket.timeout:
    data = b"timeout"
print("stalled closed after %.0f s: %r" % (time.time() - t0, data[:12]))
EOF
cat "$T/raw"
check "header without colon: 400" grep -q '^header without colon: HTTP/1.1 400' "$T/raw"
check "bad Content-Length: 400" grep -q '^bad length: HTTP/1.1 400' "$T/raw"
check "bad HTTP version: 505" grep -q '^bad version: HTTP/1.1 505' "$T/raw"
check "not HTTP at all: closed" grep -q '^not http: closed' "$T/raw"
check "other client served meanwhile" grep -q '^other: HTTP/1.1 200' "$T/raw"
check "stalled client dropped by --timeout 2" grep -Eq "^stalled closed after [1-4] s: b''" "$T/raw"
check "still serving" test "$(code "$U/")" = 200
check "SIGTERM exits 0" stop
check "stop message" grep -q 'finishing requests in flight' "$T/serve.err"

# ---- SIGTERM with a request in flight: it is answered, then the server exits 0
start
port=${U##*:}
python3 - "$port" "$PID" "$EX" >"$T/inflight" <<'EOF'
import os, signal, socket, sys, time, urllib.parse
port, pid, ex = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = urllib.parse.urlencode({"yaml": open(ex).read(), "format": "csv"}).encode()
s = socket.create_connection(("127.0.0.1", port)); s.settimeout(20)
s.sendall(b"POST /download HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body) + body[:100])
time.sleep(0.5)
os.kill(pid, signal.SIGTERM)
time.sleep(0.5)
s.sendall(body[100:])
resp = b""
while True:
    d = s.recv(65536)
    if not d: break
    resp += d
print("status:", resp.split(b"\r\n")[0].decode())
print("csv rows:", resp.split(b"\r\n\r\n", 1)[1].count(b"\r\n"))
try:
    socket.create_connection(("127.0.0.1", port), timeout=2)
    print("new connection: accepted")
except OSError:
    print("new connection: refused")
EOF
cat "$T/inflight"
check "in-flight request answered" grep -q '^status: HTTP/1.1 200' "$T/inflight"
check "in-flight answer complete" grep -q '^csv rows: 11' "$T/inflight"
check "no new connections after SIGTERM" grep -q '^new connection: refused' "$T/inflight"
st=0
wait "$PID" || st=$?
PID=
check "exit 0 after SIGTERM" test "$st" = 0

# ---- command line
st=0
"$CM_BIN" serve --listen nonsense 2>"$T/err" || st=$?
check "bad --listen: usage error 2" test "$st" = 2
check "bad --listen message" grep -q "wants HOST:PORT" "$T/err"

[ "$fail" = 0 ] || { echo "$fail check(s) failed"; exit 1; }
echo "all serve HTTP checks passed"
