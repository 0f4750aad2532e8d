#!/bin/sh
# t602-unreadable.sh: a profile, a data file or a member file that cannot be read is an I/O
# error (exit 3) that names the file and the reason. chmod 000 does not stop root, so as
# root the commands run as nobody (setpriv); without setpriv the test is skipped.
set -u
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
as=""
if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null 2>&1 || { echo "root without setpriv: cannot test unreadable files"; exit 77; }
    as="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
# Not under $TMPDIR: nobody must be able to enter the directory.
T=$(mktemp -d /tmp/t602.XXXXXX)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
cd "$T" || exit 1
fail=0
check() {   # want-status want-stderr command...
    want=$1 msg=$2; shift 2
    $as "$@" >out 2>err
    rc=$?
    if [ $rc = "$want" ] && [ "$(cat err)" = "$msg" ]; then
        echo "ok: $*"
    else
        echo "FAIL: $* (exit $rc, wanted $want)"; echo "  got:    $(cat err)"; echo "  wanted: $msg"
        fail=1
    fi
}
if $as sh -c "test -x '$CM_BIN' && test -r '$ROOT/data/sectors.yaml'"; then :; else
    echo "nobody cannot run $CM_BIN or read $ROOT/data"; exit 77
fi
export CLUSTERMATCH_DATA="$ROOT/data"

printf 'name: Locked\nsectors: [ict]\n' >locked.yaml
chmod 000 locked.yaml
check 3 "locked.yaml: error: cannot open: Permission denied" "$CM_BIN" validate locked.yaml
check 3 "locked.yaml: error: cannot open: Permission denied" "$CM_BIN" rank locked.yaml

printf 'name: Partnership\nkind: partnership\nmembers:\n  - file: locked.yaml\n' >partnership.yaml
chmod 644 partnership.yaml
check 3 "locked.yaml: error: cannot open: Permission denied
partnership.yaml:4:11: error: cannot load member file 'locked.yaml'
    - file: locked.yaml
            ^" "$CM_BIN" validate partnership.yaml

cp -R "$ROOT/data" d
chmod -R a+rX d
chmod 000 d/regions.yaml
check 3 "d/regions.yaml: error: cannot open: Permission denied" "$CM_BIN" --data d data check
chmod 644 d/regions.yaml
chmod 000 d/partners
check 3 "d/partners: error: cannot read partner directory: Permission denied" "$CM_BIN" --data d data check
chmod 755 d/partners
exit $fail
