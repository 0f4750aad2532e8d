#!/bin/sh
# t405-batch-atomic.sh: batch outputs are written atomically: no *.tmp.* file is left after a
# run (in every file format, after a run with failures, after a killed run plus
# --resume); an output directory that cannot be written fails with exit 3 and a message
# naming it, leaving earlier results untouched. As root, where permissions do not stop
# writes, the read-only directory and the full disk are made with a private mount
# (unshare); if that is not possible those parts are skipped.
set -eu
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t405.XXXXXX")
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
export CLUSTERMATCH_DATA="${CLUSTERMATCH_DATA:-$ROOT/data}"
fail=0 skipped=""
bad() { echo "FAIL: $*"; fail=1; }
run() { st=0; "$@" || st=$?; }   # sets $st
notmp() { left=$(find "$1" -name '*.tmp.*'); [ -z "$left" ] || bad "$2: temporaries left: $left"; }
IN=$ROOT/profiles/escp-4i

# 1. Every format, and a run with failures, leaves no temporary.
for f in csv tsv json md table html xlsx; do
    run "$CM_BIN" -q batch --format $f --out "$T/fmt-$f" "$IN"
    [ "$st" = 0 ] || bad "--format $f exited $st"
    notmp "$T/fmt-$f" "--format $f"
done
[ -s "$T/fmt-html/index.html" ] || bad "no index.html for --format html"
for id in $(cd "$T/fmt-html" && ls escp-4i-*.html); do
    grep -q "href=\"$id\"" "$T/fmt-html/index.html" || bad "index.html does not link $id"
done
run "$CM_BIN" -q batch --out "$T/mixed" "$ROOT/tests/fixtures/batch/mixed" 2>/dev/null
[ "$st" = 4 ] || bad "mixed exited $st"
notmp "$T/mixed" "run with failures"

# 2. Killed while writing (SIGTERM: a background job ignores SIGINT), then --resume: no
#    temporary left, and the same files as a fresh run.
mkdir "$T/many"
i=0
while [ $i -lt 600 ]; do
    printf 'id: gen-%d\nname: Generated %d\nsectors: {packaging: 1.0}\nkeywords: [packaging, k%d]\n' $i $i $i \
        >"$T/many/p$i.yaml"
    i=$((i + 1))
done
"$CM_BIN" -q batch --out "$T/int" "$T/many" &
pid=$!
sleep 0.2
kill -TERM $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
for f in summary.csv failures.csv; do
    ls "$T/int" | grep -q "^$f\.tmp\." && bad "interrupted: $f temporary left"
done
"$CM_BIN" -q batch --out "$T/int" --resume "$T/many"
notmp "$T/int" "interrupted + --resume"
"$CM_BIN" -q batch --out "$T/fresh" "$T/many"
diff -r "$T/fresh" "$T/int" >/dev/null || bad "interrupted + --resume differs from a fresh run"

# 3. Output directory problems: exit 3, a clear message, nothing half-written.
run "$CM_BIN" -q batch --out "$T/no/such/dir" "$IN" 2>"$T/err"
[ "$st" = 3 ] || bad "missing parent exited $st"
grep -q "$T/no/such/dir: error: cannot create output directory" "$T/err" || bad "missing parent: $(cat "$T/err")"
: >"$T/afile"
run "$CM_BIN" -q batch --out "$T/afile" "$IN" 2>"$T/err"
[ "$st" = 3 ] || bad "--out naming a file exited $st"

"$CM_BIN" -q batch --out "$T/ro" "$IN"
cp -R "$T/ro" "$T/ro-before"
rodir() {   # run batch into $T/ro made read-only; sets $st, stderr in $T/err
    if [ "$(id -u)" != 0 ]; then
        chmod a-w "$T/ro"
        run "$CM_BIN" -q batch --top 3 --out "$T/ro" "$IN" 2>"$T/err"
        chmod u+w "$T/ro"
    elif command -v unshare >/dev/null 2>&1 &&
         unshare -m sh -c "mount --bind '$T/ro' '$T/ro' && mount -o remount,bind,ro '$T/ro'" 2>/dev/null; then
        st=0
        unshare -m sh -c "mount --bind '$T/ro' '$T/ro' && mount -o remount,bind,ro '$T/ro' &&
            exec '$CM_BIN' -q batch --top 3 --out '$T/ro' '$IN'" 2>"$T/err" || st=$?
    else
        st=skip
    fi
}
rodir
if [ "$st" = skip ]; then
    skipped="$skipped read-only"
else
    [ "$st" = 3 ] || bad "read-only directory exited $st"
    grep -q "$T/ro: error: cannot write to output directory" "$T/err" || bad "read-only: $(cat "$T/err")"
    diff -r "$T/ro-before" "$T/ro" >/dev/null || bad "read-only run changed the directory"
fi

# A full disk (a 32 KiB tmpfs): exit 3, the file that did not fit named, no temporary.
mkdir "$T/full"
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 &&
   unshare -m sh -c "mount -t tmpfs -o size=32k tmpfs '$T/full'" 2>/dev/null; then
    st=0
    unshare -m sh -c "mount -t tmpfs -o size=32k tmpfs '$T/full' &&
        '$CM_BIN' -q batch --format html --out '$T/full/o' '$IN'; s=\$?;
        find '$T/full' -name '*.tmp.*'; exit \$s" >"$T/full.out" 2>"$T/err" || st=$?
    [ "$st" = 3 ] || bad "full disk exited $st"
    grep -q "No space left on device" "$T/err" || bad "full disk: $(cat "$T/err")"
    [ -s "$T/full.out" ] && bad "full disk: temporaries left: $(cat "$T/full.out")"
else
    skipped="$skipped full-disk"
fi

[ $fail = 0 ] || exit 1
if [ -n "$skipped" ]; then echo "skip: could not make a read-only or full file system for:$skipped"; exit 77; fi
echo "ok"
