#!/bin/sh
# `atelier texture`: the flags other tools rely on (--source --output --size --seed --method --loss
# --train-iterations --save-model --model --tileable), a GIMP pattern as the source, a trained generator saved to
# the library and sampled again without a source at another size, and clear errors that write nothing.
set -u
ATELIER=$1 FIXTURES=$2
. "$(dirname "$0")/cli_lib.sh"
SRC=$FIXTURES/tiny_rgba.png

# A library of its own, so that training does not add to the user's; InceptionV3 linked from the user's.
use_own_library

expect 0 "level 1/1" "$ATELIER" texture --source "$SRC" --output "$DIR/opt.png" --size 72 --seed 3 \
  --octaves 1 --iterations 3 --loss gram --tileable
[ "$(size_of "$DIR/opt.png")" = "72 72" ] || fail "optimize: not 72x72"

# A GIMP pattern as the source (the sysroot's gimp-data, which the demo uses too).
PATTERN=/usr/share/gimp/3.0/patterns/Stone/rock.pat
[ -f "$PATTERN" ] || fail "GIMP's patterns are not installed ($PATTERN; Debian's gimp-data)"
expect 0 "level 1/1" "$ATELIER" texture --source "$PATTERN" --output "$DIR/rock.png" --size 80 --seed 3 \
  --octaves 1 --iterations 2 --loss gram
[ "$(size_of "$DIR/rock.png")" = "80 80" ] || fail "a GIMP pattern as the source: not 80x80"

expect 0 "saved the generator as 'cli-gen'" "$ATELIER" texture --source "$SRC" --output "$DIR/gen.png" --size 64 \
  --method generator --train-iterations 10 --train-size 64 --save-model cli-gen --seed 1
expect 0 "cli-gen" "$ATELIER" texture --help
expect 0 "cli-gen" "$ATELIER" models list
expect 0 "wrote" "$ATELIER" texture --output "$DIR/again.png" --size 64 --method generator --model cli-gen --seed 1
cmp -s "$DIR/gen.png" "$DIR/again.png" || fail "the saved generator samples differently after reloading"
expect 0 "wrote" "$ATELIER" texture --output "$DIR/wide.png" --width 150 --height 40 --method generator \
  --model cli-gen --seed 2
[ "$(size_of "$DIR/wide.png")" = "150 40" ] || fail "generator: not 150x40"

expect 1 "no source texture" "$ATELIER" texture --output "$DIR/none.png" --size 64
expect 1 "trained without Tileable" "$ATELIER" texture --output "$DIR/seams.png" --size 64 --method generator \
  --model cli-gen --tileable
expect 1 "no-such" "$ATELIER" texture --output "$DIR/x.png" --size 64 --method generator --model no-such
expect 1 "must be one of gram|sliced" "$ATELIER" texture --source "$SRC" --output "$DIR/x.png" --loss fancy
for f in none seams x; do [ -e "$DIR/$f.png" ] && fail "an output was written for a failed run ($f.png)"; done
expect 0 "texture" "$ATELIER" --help
echo "cli-texture: all checks passed"
