#!/bin/sh
# t603-readonly-output.sh: writing into a directory the user may not write to is an I/O
# error (exit 3) naming the output file, and leaves no temporary file behind. As root the
# command runs as nobody (setpriv), since root writes anywhere; without setpriv: skipped.
set -u
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
as=""
if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null 2>&1 || { echo "root without setpriv: cannot test read-only directories"; exit 77; }
    as="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
T=$(mktemp -d /tmp/t603.XXXXXX)
trap 'chmod -R u+w "$T"; rm -rf "$T"' EXIT
chmod 755 "$T"
cd "$T" || exit 1
export CLUSTERMATCH_DATA="$ROOT/data"
$as sh -c "test -x '$CM_BIN'" || { echo "nobody cannot run $CM_BIN"; exit 77; }
cp "$ROOT/profiles/examples/bw-packaging.yaml" p.yaml
chmod 644 p.yaml
mkdir ro && chmod 555 ro
fail=0
for fmt in csv xlsx; do
    $as "$CM_BIN" rank --format $fmt -o ro/out.$fmt p.yaml >out 2>err
    rc=$?
    want="ro/out.$fmt: error: cannot create output file: Permission denied"
    [ $fmt = xlsx ] && want=$(cat err)   # libxlsxwriter words its own error; the name is what matters
    if [ $rc = 3 ] && grep -q "ro/out.$fmt" err && [ "$(cat err)" = "$want" ] && [ -z "$(ls ro)" ]; then
        echo "ok: $fmt into a read-only directory: $(cat err)"
    else
        echo "FAIL: $fmt into a read-only directory (exit $rc): $(cat err); left: $(ls ro)"
        fail=1
    fi
done
$as "$CM_BIN" init ro/new.yaml >out 2>err
rc=$?
if [ $rc = 3 ] && [ "$(cat err)" = "ro/new.yaml: error: cannot create output file: Permission denied" ] && [ -z "$(ls ro)" ]; then
    echo "ok: init into a read-only directory"
else
    echo "FAIL: init into a read-only directory (exit $rc): $(cat err)"; fail=1
fi
exit $fail
