#!/bin/sh
# seeds.sh OUT: fill the seed corpora from files already in the repository (nothing is
# copied into git): OUT/profile gets every profile in profiles/, tests/cli/ and tests/eval/,
# OUT/rank the same profiles, OUT/weights data/weights.yaml and the golden cases' weights
# files, OUT/partners every data/partners file plus the vocabulary files (for their structure),
# OUT/vocab each vocabulary file behind the byte that selects it (see fuzz_vocab.c),
# OUT/compiled the compiled image of tests/fixtures/tiny (made with $CM_BIN, if given);
# OUT/model stays empty (fuzz_model needs no seeds, but libFuzzer needs the directory).
# Files are named by content hash, so running it again adds nothing twice.
set -eu
out=${1:?usage: seeds.sh OUTDIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out/profile" "$out/partners" "$out/vocab" "$out/rank" "$out/weights" "$out/compiled" "$out/model"
add() {   # dir file...
    d=$1; shift
    for f in "$@"; do
        [ -f "$f" ] || continue
        # Inputs over 1 MiB only test the size limit; the generated ones are not in git.
        [ "$(wc -c <"$f")" -le 1048576 ] || continue
        cp "$f" "$d/seed-$(cksum <"$f" | cut -d' ' -f1)"
    done
}
add "$out/profile" $(find "$root/profiles" "$root/tests/cli" "$root/tests/eval" "$root/docs" \
    -name '*.yaml' -o -name '*.yml' 2>/dev/null | sort)
# rank: the same profiles (the ones that validate reach the engine)
add "$out/rank" $(find "$root/profiles" "$root/tests/cli" "$root/tests/eval" \
    -name '*.yaml' -o -name '*.yml' 2>/dev/null | sort)
# weights: data/weights.yaml and every weights file of the golden cases
add "$out/weights" "$root/data/weights.yaml" $(find "$root/tests/cli" -name 'w*.yaml' 2>/dev/null | sort)
add "$out/partners" "$root"/data/partners/*.yaml "$root"/data/*.yaml
# Small inputs mutate faster: each partner record alone, as a partners file of its own.
tmp=$(mktemp -d)
for f in "$root"/data/partners/*.yaml; do
    awk -v dir="$tmp" -v base="$(basename "$f" .yaml)" '
        /^  - id:/ { if (out) close(out); n++; out = sprintf("%s/%s-%03d", dir, base, n); print "partners:" > out }
        n && /^ / { print > out }' "$f"
done
add "$out/partners" "$tmp"/*
rm -rf "$tmp"
# vocab: the first byte picks the file (0 sectors, 1 regions, 2 priorities, 3 goals, 4 notes)
tmp=$(mktemp -d)
k=0
for f in sectors regions priorities goals policy-notes; do
    { printf "\\$(printf '%03o' $k)"; cat "$root/data/$f.yaml"; } >"$tmp/$f"
    k=$((k + 1))
done
add "$out/vocab" "$tmp"/*
rm -rf "$tmp"
# compiled: a small data directory's compiled file (the shipped data's is 3.5 MB, too big
# to mutate quickly)
if [ -n "${CM_BIN:-}" ] && [ -x "$CM_BIN" ]; then
    tmp=$(mktemp -d)
    "$CM_BIN" -q --data "$root/tests/fixtures/tiny" data compile -o "$tmp/tiny.cmd" && add "$out/compiled" "$tmp/tiny.cmd"
    rm -rf "$tmp"
fi
echo "seeds: $(ls "$out/profile" | wc -l) profile, $(ls "$out/partners" | wc -l) partners, $(ls "$out/vocab" | wc -l) vocab, $(ls "$out/compiled" | wc -l) compiled inputs in $out"
