#!/bin/sh
# t506-export-errors.sh: output errors. A full device fails with a message naming it and
# stays a device (an atomic rename must never replace a device such as /dev/null); a missing
# directory or a directory as the target fails without leaving files; a symbolic link stays a
# link; a failed write to stdout is reported.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t506.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
P=$ROOT/profiles/examples/bw-packaging.yaml
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# Device nodes of our own (as root): a buggy build then damages only the test directory.
FULL=$T/full NULL=$T/null
if mknod "$FULL" c 1 7 2>/dev/null && mknod "$NULL" c 1 3 2>/dev/null; then
    for f in csv json html xlsx; do
        if "$CM_BIN" rank --format $f -o "$FULL" "$P" 2>"$T/err"; then
            bad "$f to a full device succeeded"
        else
            grep -q "$FULL" "$T/err" && ok "$f: full device reported" || bad "$f: message does not name the device: $(cat "$T/err")"
        fi
        [ -c "$FULL" ] || { bad "the full device was replaced by a file after $f"; break; }
    done
    if "$CM_BIN" rank --format tsv "$P" >"$FULL" 2>"$T/err"; then
        bad "stdout to a full device succeeded"
    else
        [ -s "$T/err" ] && ok "stdout write error reported" || bad "no message for a failed stdout"
    fi
    "$CM_BIN" rank --format json -o "$NULL" "$P" && ok "json to a null device" || bad "json to a null device failed"
    [ -c "$NULL" ] || bad "the null device was replaced by a file"
else
    echo "note: cannot make device nodes here (not root?): device checks skipped"
fi

# A directory that does not exist, and a directory as the target.
if "$CM_BIN" rank --format csv -o "$T/no/such/dir/out.csv" "$P" 2>"$T/err"; then
    bad "writing into a missing directory succeeded"
else
    ok "missing directory: $(head -1 "$T/err")"
fi
mkdir "$T/adir"
if "$CM_BIN" rank --format json -o "$T/adir" "$P" 2>"$T/err"; then
    bad "writing over a directory succeeded"
else
    ok "directory target: $(head -1 "$T/err")"
fi
[ -d "$T/adir" ] || bad "the directory was replaced"
[ -z "$(ls -A "$T/adir")" ] || bad "files left in the directory"

# A symbolic link: the file it points to is replaced, the link stays.
echo old >"$T/target.md"
ln -s target.md "$T/link.md"
"$CM_BIN" rank --format md -o "$T/link.md" "$P"
[ -L "$T/link.md" ] && ok "link kept" || bad "the link was replaced by a file"
grep -q '^## ' "$T/target.md" && ok "link target written" || bad "link target not written"

# Nothing but the outputs is left behind.
leftover=$(find "$T" -name '*.tmp.*' | head -1)
[ -z "$leftover" ] || bad "temporary file left: $leftover"

echo "errors: $fail checks failed"
[ "$fail" = 0 ]
