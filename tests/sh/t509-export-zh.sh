#!/bin/sh
# t509-export-zh.sh: rank --lang zh writes the Chinese one-pager, a page per partner, in HTML
# and PDF. Every word outside the parts marked lang="en" (the names and free text the user
# wrote, kept as written) is Chinese: no English sentence slips in, so nothing needed a
# machine translation. The page names the partner by its Chinese name, the cluster's sectors
# and goals by their label-zh, and its country by its Chinese name.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t509.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
P=$ROOT/profiles/examples/bw-packaging.yaml

"$CM_BIN" rank --lang zh --top 4 -o "$T/zh.html" "$P"
"$CM_BIN" rank --format csv --top 4 -o "$T/en.csv" "$P"
command -v pdftotext >/dev/null || { echo "FAIL: poppler-utils missing: tools/deps.sh check"; exit 1; }
"$CM_BIN" rank --lang zh --top 4 -o "$T/zh.pdf" "$P"
pdftotext -raw "$T/zh.pdf" "$T/zh.txt"
pdfinfo "$T/zh.pdf" >"$T/zh.info"

/usr/bin/python3 - "$T" <<'PY'
import csv, html.parser, re, sys
t = sys.argv[1]
fail = 0
def check(cond, what):
    global fail
    if not cond:
        print("FAIL:", what)
        fail += 1

class Page(html.parser.HTMLParser):
    """Collects the text outside <style>/<title> and outside elements with lang="en"."""
    def __init__(self):
        super().__init__()
        self.stack, self.zh, self.en, self.pages = [], [], [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "page" in (a.get("class") or ""):
            self.pages += 1
        self.stack.append((tag, a.get("lang") == "en"))
    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
    def handle_data(self, data):
        if any(tag in ("style", "title") for tag, _ in self.stack):
            return
        (self.en if any(en for _, en in self.stack) else self.zh).append(data)

doc = open(t + "/zh.html", encoding="utf-8").read()
p = Page()
p.feed(doc)
check(p.pages == 4, "a page per partner: %d pages" % p.pages)
check('<html lang="zh-Hans">' in doc, "the document says it is Chinese")
zh = "".join(p.zh)
# Latin words outside lang="en": only the program's name and version may appear.
words = set(re.findall(r"[A-Za-z]{2,}", zh)) - {"clustermatch"}
check(not words, "no English outside lang=en: %s" % sorted(words)[:10])
check("Packaging Excellence Region Stuttgart" in "".join(p.en), "the cluster's name as written, marked lang=en")
for label in ("包装", "机床和机器人", "新材料", "开拓市场", "技术转移", "德国", "长江三角洲城市群"):
    check(label in zh, "label %s on the page" % label)
check("规划期已于 2025 年结束" in zh, "an ended plan says so")
rows = list(csv.DictReader(open(t + "/en.csv", encoding="utf-8")))
names = [r["Chinese name"] for r in rows if r["Chinese name"]]
check(len(rows) == 4 and names, "the English shortlist has 4 partners with Chinese names")
for n in names:
    check("致：" in zh and n in zh, "the page is addressed to %s" % n)
info = open(t + "/zh.info").read()
pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
check(pages == 4, "one PDF page per partner: %d" % pages)
text = "".join(open(t + "/zh.txt", encoding="utf-8").read().split())
check("欧洲产业集群合作意向" in text, "pdf text has the title")
for n in names:
    check(n in text, "pdf text has %s" % n)
print("zh: %d checks failed (%d pages)" % (fail, pages))
sys.exit(1 if fail else 0)
PY
