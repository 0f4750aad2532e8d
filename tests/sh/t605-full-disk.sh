#!/bin/sh
# t605-full-disk.sh: `-o FILE` onto a full file system exits 3 and says why, in every
# format (JSON used to exit 3 with nothing on stderr: json_dumpf reports only -1). A 12 KiB
# tmpfs is mounted for it; without the right to mount (not root, a container without
# CAP_SYS_ADMIN) the test is skipped. /dev/full is covered by the golden cases.
set -u
: "${CM_BIN:?CM_BIN must name the clustermatch binary}"
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/t605.XXXXXX")
mkdir "$T/full"
mount -t tmpfs -o size=12k tmpfs "$T/full" 2>/dev/null || { rmdir "$T/full"; rm -rf "$T"; echo "cannot mount a tmpfs"; exit 77; }
trap 'umount "$T/full"; rm -rf "$T"' EXIT
fail=0
for f in json csv tsv md html xlsx table; do
    "$CM_BIN" rank --top 100 --explain --format $f -o "$T/full/out.$f" "$ROOT/profiles/examples/bw-packaging.yaml" 2>"$T/err"
    rc=$?
    if [ $rc = 3 ] && grep -q "No space left on device" "$T/err" && [ ! -e "$T/full/out.$f" ]; then
        echo "ok: $f onto a full disk: exit 3, says why, no partial file"
    else
        echo "FAIL: $f: exit $rc, stderr: $(cat "$T/err")"; ls "$T/full"; fail=1
    fi
    rm -f "$T/full/"*
done
exit $fail
