#!/bin/bash
# ./run demo, the README's first command: tools/demo.sh, small and brief, into a scratch folder. Every file it
# promises (its "demo: result / layers / inputs" lines) must be written: the pictures PNGs of the expected size and
# not of one colour, those made from the photo different from it, the inputs copies of the originals.
# usage: demo_test.sh SOURCE_ROOT BUILD_DIR
set -euo pipefail
SOURCE=$1 BUILD=$2
. "$(dirname "$0")/cli_lib.sh"
command -v identify >/dev/null && command -v compare >/dev/null && command -v magick >/dev/null ||
  fail "ImageMagick (identify, compare, magick) is not installed"
DARKNET=/usr/share/darknet/data
LIB=${ATELIER_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/neural-atelier/models}
[ -f "$LIB/inception_v3.safetensors" ] ||
  fail "InceptionV3 is not installed in $LIB (the demo needs it); install it: ./run atelier models install inception_v3"

OUT=$DIR/demo-output
# (Without the full-resolution pass: at the photo's 768 px it would take minutes; the unit tests cover it.)
if ! ATELIER_DEMO_OUTPUT=$OUT ATELIER_DEMO_SIZE=64 ATELIER_DEMO_ITERATIONS=3 ATELIER_DEMO_FULL_RESOLUTION=0 \
  ATELIER_DEMO_FRAMES=4 ATELIER_DEMO_FIT_STEPS=2 "$SOURCE/tools/demo.sh" "$BUILD" >"$DIR/demo.log" 2>&1; then
  fail "tools/demo.sh failed: $(tail -n 40 "$DIR/demo.log")"
fi
grep -q "^demo: done in" "$DIR/demo.log" || fail "the demo did not finish: $(cat "$DIR/demo.log")"

# What it promises is what this test knows (a new result needs its check here).
promised=$(sed -n -e 's/^demo: \(result\|layers\) *\([^ ]*\).*/\2/p' -e 's/^demo: inputs *//p' "$DIR/demo.log" |
  tr ',' '\n' | sed 's/^ *//; /^$/d' | sort)
want=$(printf "$OUT/%s\n" content.jpg style.jpg stylized.png instant-wave.png arbitrary.png dream.png large-tiled.png \
  texture-source.png texture.png texture-2x2.png trained-style.png layers.txt animation.webp | sort)
[ "$promised" = "$want" ] || fail "the demo promises
$promised
where this test checks
$want"
for f in $promised; do [ -s "$f" ] || fail "the demo did not write $f"; done

cmp -s "$OUT/content.jpg" "$DARKNET/dog.jpg" || fail "content.jpg is not darknet's dog.jpg"
cmp -s "$OUT/style.jpg" "$DARKNET/scream.jpg" || fail "style.jpg is not darknet's scream.jpg"
size=$(identify -format '%w %h' "$OUT/content.jpg") || fail "cannot read content.jpg: $size"
read -r W H <<<"$size"
# png FILE WIDTH HEIGHT: a PNG (by its content) of that size whose pixels are not all one colour.
png() {
  local got format w h sd
  got=$(identify -format '%m %w %h %[fx:standard_deviation]\n' "$1" 2>&1) || fail "$1 cannot be read: $got"
  read -r format w h sd <<<"$got"
  [ "$format $w $h" = "PNG $2 $3" ] || fail "$1 is $format ${w}x$h, expected a PNG ${2}x$3"
  awk -v sd="$sd" 'BEGIN { exit !(sd > 0.02) }' || fail "$1 is blank (standard deviation of its pixels $sd)"
  echo "${1##*/}: PNG ${w}x$h, standard deviation $sd"
}
# differs A B: B's pixels are not A's (root-mean-square difference above 0.02 of the range).
differs() {
  local got d
  got=$(compare -metric RMSE "$1" "$2" null: 2>&1) || true  # exits 1 when the two differ
  d=$(sed -n 's/.*(\([0-9.e+-]*\)).*/\1/p' <<<"$got")
  [ -n "$d" ] || fail "cannot compare $1 and $2: $got"
  awk -v d="$d" 'BEGIN { exit !(d > 0.02) }' || fail "$2 hardly differs from $1 (RMSE $d)"
  echo "${2##*/}: RMSE $d from ${1##*/}"
}
for f in stylized instant-wave arbitrary dream trained-style; do
  png "$OUT/$f.png" "$W" "$H"
  differs "$OUT/content.jpg" "$OUT/$f.png"
done
# Large Tiled Style runs on the photo scaled to 512 px wide.
png "$OUT/large-tiled.png" 512 $(((512 * H + W / 2) / W))
magick "$OUT/content.jpg" -resize "512x$(((512 * H + W / 2) / W))!" "$DIR/content-512.png"
differs "$DIR/content-512.png" "$OUT/large-tiled.png"
png "$OUT/texture-source.png" 144 144
png "$OUT/texture.png" 256 256
png "$OUT/texture-2x2.png" 512 512
# The 2x2 picture is texture.png four times.
for at in +0+0 +256+0 +0+256 +256+256; do
  magick "$OUT/texture-2x2.png" -crop "256x256$at" +repage "$DIR/quarter.png"
  d=$(compare -metric AE "$OUT/texture.png" "$DIR/quarter.png" null: 2>&1) || fail "texture-2x2.png at $at is not \
texture.png: $d pixels differ"
done
# The animation: 4 frames of vtest.avi (768x576) at 320 px wide, not blank. (A WebP animation stores the changed
# rectangle of each frame: %W %H are the canvas's size.)
got=$(identify -format '%m %W %H\n' "$OUT/animation.webp" 2>&1) || fail "animation.webp cannot be read: $got"
[ "$(sort -u <<<"$got")" = "WEBP 320 240" ] && [ "$(wc -l <<<"$got")" = 4 ] ||
  fail "animation.webp is not 4 WebP frames of 320x240: $got"
magick "$OUT/animation.webp[0]" "$DIR/first.png" || fail "cannot read the animation's first frame"
png "$DIR/first.png" 320 240
# The layer stack as GIMP left it: a header, then a line per layer (the result above the photo).
head -n 1 "$OUT/layers.txt" | grep -q "^Layer stack" || fail "layers.txt has no header: $(cat "$OUT/layers.txt")"
[ "$(grep -Ec ', [0-9]+x[0-9]+, \(-?[0-9]+,-?[0-9]+\), (no )?mask$' "$OUT/layers.txt")" -ge 2 ] ||
  fail "layers.txt lists fewer than two layers: $(cat "$OUT/layers.txt")"
echo "demo: all checks passed ($(sed -n 's/^demo: done in //p' "$DIR/demo.log"))"
