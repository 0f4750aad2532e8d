#!/bin/sh
# deps.sh: make sure the Debian packages a target needs are installed.
# Usage: tools/deps.sh build|check|browser|fuzz|bench
# As root, missing packages are installed with apt-get. Otherwise the exact apt-get line is
# printed and the script fails, so `make` stops before a confusing compiler error.
set -eu

build="gcc make pkg-config libyaml-dev libgsl-dev uthash-dev libxxhash-dev libjansson-dev libxlsxwriter-dev libutf8proc-dev libmicrohttpd-dev"
browser="chromium fonts-noto-cjk"
case "${1:-build}" in
  build)   want="$build" ;;
  # check: the HTML test (t504) drives headless Chromium and needs the CJK fonts, so a
  # fresh machine runs it instead of skipping it; poppler-utils (pdftotext, pdfinfo) reads the
  # PDF report back, python3-openpyxl the workbook.
  check)   want="$build python3 python3-jsonschema python3-openpyxl unzip curl locales poppler-utils $browser" ;;
  browser) want="$browser"   # + node and npm for puppeteer-core (tests/browser)
           command -v npm >/dev/null 2>&1 || want="$want nodejs npm" ;;
  fuzz)    want="clang libclang-rt-14-dev" ;;
  valgrind) want="valgrind" ;;
  bench)   want="$build libopenblas-dev hyperfine" ;;
  *) echo "usage: $0 build|check|browser|fuzz|valgrind|bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
  echo "deps: installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine has no package lists yet; refresh them once.
  if ! apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y --no-install-recommends $missing
  fi
else
  echo "deps: missing Debian packages:$missing" >&2
  echo "deps: run: sudo apt-get install -y$missing" >&2
  exit 1
fi
