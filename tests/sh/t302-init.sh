#!/bin/sh
# t302-init.sh: `clustermatch init` prints docs/profile-template.yaml byte for byte, and the
# template validates and ranks; `init FILE` writes the same bytes, refuses to overwrite an
# existing file (exit 3, file untouched) unless --force is given.
set -u
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
T=$(mktemp -d "${TMPDIR:-/tmp}/t302.XXXXXX")
trap 'rm -rf "$T"' EXIT
TPL=$ROOT/docs/profile-template.yaml
fail=0
check() {   # check DESCRIPTION COMMAND...: run COMMAND, fail with DESCRIPTION if it fails
    what=$1
    shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

"$CM_BIN" init >"$T/stdout" 2>"$T/stderr"
check "init exits 0" [ $? -eq 0 ]
check "init to stdout equals docs/profile-template.yaml" cmp "$TPL" "$T/stdout"
check "init to stdout writes nothing on stderr" [ ! -s "$T/stderr" ]
"$CM_BIN" init - >"$T/dash" 2>/dev/null
check "init - equals the template" cmp "$TPL" "$T/dash"

# The template is a valid profile (written where its id would come from the file name).
cp "$T/stdout" "$T/my-cluster.yaml"
"$CM_BIN" validate "$T/my-cluster.yaml" >"$T/val.out" 2>"$T/val.err"
rc=$?
check "the template validates (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || cat "$T/val.err"
check "validate reports no warning" sh -c "! grep -qi 'warning\|error' '$T/val.err'"
"$CM_BIN" -q rank --format tsv "$T/my-cluster.yaml" >"$T/rank.out" 2>"$T/rank.err"
rc=$?
check "the template ranks (exit $rc)" [ $rc -eq 0 ]
check "the template's shortlist has 10 suggestions" [ "$(($(wc -l <"$T/rank.out") - 1))" -eq 10 ]

# init FILE
"$CM_BIN" -q init "$T/new.yaml"
check "init FILE exits 0" [ $? -eq 0 ]
check "init FILE writes the template byte for byte" cmp "$TPL" "$T/new.yaml"
check "init FILE leaves no temporary file" [ "$(ls "$T" | grep -c '^new\.yaml.')" -eq 0 ]

# no overwrite without --force
printf 'name: mine\nsectors: [automotive]\n' >"$T/mine.yaml"
cp "$T/mine.yaml" "$T/mine.orig"
"$CM_BIN" init "$T/mine.yaml" >"$T/ow.out" 2>"$T/ow.err"
rc=$?
check "init on an existing file exits 3 (got $rc)" [ $rc -eq 3 ]
check "init on an existing file leaves it untouched" cmp "$T/mine.orig" "$T/mine.yaml"
check "init on an existing file says to use --force" grep -q -- '--force' "$T/ow.err"
check "init on an existing file prints nothing on stdout" [ ! -s "$T/ow.out" ]
: >"$T/empty.yaml"
"$CM_BIN" init "$T/empty.yaml" 2>/dev/null
check "an existing empty file is not overwritten either" [ $? -eq 3 ]
check "  and stays empty" [ ! -s "$T/empty.yaml" ]
mkdir "$T/dir.yaml"
"$CM_BIN" init "$T/dir.yaml" 2>/dev/null
rc=$?
check "init on a directory fails (got $rc)" [ $rc -ne 0 ]
"$CM_BIN" init --force "$T/dir.yaml" 2>/dev/null
rc=$?
check "init --force on a directory fails (got $rc)" [ $rc -ne 0 ]
check "  and the directory is still there" [ -d "$T/dir.yaml" ]

# --force overwrites
"$CM_BIN" -q init --force "$T/mine.yaml"
check "init --force exits 0" [ $? -eq 0 ]
check "init --force replaces the file with the template" cmp "$TPL" "$T/mine.yaml"
"$CM_BIN" -q init -f "$T/mine.orig"
check "init -f replaces the file with the template" cmp "$TPL" "$T/mine.orig"

# usage errors
"$CM_BIN" init "$T/a.yaml" "$T/b.yaml" 2>/dev/null
rc=$?
check "init with two files is a usage error (got $rc)" [ $rc -eq 2 ]
check "  and writes neither" [ ! -e "$T/a.yaml" -a ! -e "$T/b.yaml" ]

exit $fail
