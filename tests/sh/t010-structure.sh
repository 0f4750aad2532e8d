#!/bin/sh
# t010-structure.sh: the layout rules of issue #11 that a reader cannot see at a glance.
#   1. No circles between files: file A calls into file B when A's object file uses a
#      symbol B's defines; that graph (from nm over the objects of the build) has no cycle.
#   2. One table per vocabulary list: the partner kinds and the score components are
#      spelled as a list only in their X-macro tables (include/taxonomy.h, include/dataset.h).
#   3. Nothing in the build or the tests reaches outside the checkout (the shared folder beside it).
set -eu
ROOT=${CM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${CM_BUILD:-$ROOT/build}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
command -v python3 >/dev/null || { echo "skip: python3 missing"; exit 77; }
command -v nm >/dev/null || { echo "skip: nm missing"; exit 77; }
ls "$BUILD"/*.o >/dev/null 2>&1 || { echo "skip: no object files in $BUILD"; exit 77; }

python3 - "$BUILD" <<'PY' || fail=1
import glob, os, subprocess, sys
objs = sorted(glob.glob(os.path.join(sys.argv[1], '*.o')))
mods = [os.path.basename(o)[:-2] for o in objs]
defs, uses = {}, {m: set() for m in mods}
for o, m in zip(objs, mods):
    for line in subprocess.run(['nm', o], capture_output=True, text=True, check=True).stdout.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in 'TDBR':
            defs[p[2]] = m
        elif len(p) == 2 and p[0] == 'U':
            uses[m].add(p[1])
edges = {m: sorted({defs[s] for s in uses[m] if defs.get(s, m) != m}) for m in mods}
index, low, stack, on, circles = {}, {}, [], set(), []
def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        if len(c) > 1: circles.append(sorted(c))
for v in mods:
    if v not in index: visit(v)
for c in circles:
    print('FAIL: circle between ' + ', '.join(c))
    for a in c:
        print('  %s.c calls %s' % (a, ', '.join(b + '.c' for b in edges[a] if b in c)))
if not circles:
    print('ok: %d object files, %d calls between files, no circle' % (len(mods), sum(map(len, edges.values()))))
sys.exit(1 if circles else 0)
PY

cd "$ROOT"
kinds=$(grep -rnE 'cluster"?,? *"?zone"?,? *"?organisation' src include | grep -v 'include/taxonomy.h' || true)
[ -z "$kinds" ] || bad "the partner kinds are listed outside include/taxonomy.h:
$kinds"
comps=$(grep -rnE 'sector"?,? *"?region"?,? *"?policy"?,? *"?goal"?,? *"?keyword' src include | grep -v 'include/dataset.h' || true)
[ -z "$comps" ] || bad "the components are listed outside include/dataset.h:
$comps"

out=$(grep -rn '\.\./shared' Makefile mk src include tests tools 2>/dev/null | grep -v 'tests/sh/t010-structure.sh' || true)
[ -z "$out" ] || bad "reaches outside the checkout:
$out"

[ $fail = 0 ] && echo "ok: vocabulary lists spelled once; nothing reaches outside the checkout"
exit $fail
