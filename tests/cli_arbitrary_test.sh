#!/bin/sh
# `atelier stylize --method arbitrary`: the bundled network read in place (nothing written to the library), one style
# and two blended styles at the content's own size, a fit kept for the next run, two styles with a mask each, and
# clear errors (weights adding up to 0, a missing style, a mask of another size, more masks than styles) that write
# nothing.
set -u
ATELIER=$1 FIXTURES=$2
. "$(dirname "$0")/cli_lib.sh"

# A library of its own (the network is installed into it); InceptionV3 and the quality harness's MobileNetV2 linked
# from the user's.
use_own_library mobilenet_v2

# Content and styles large enough to judge (the fixture is 24x20), written as PNG with Python's standard library.
python3 - "$DIR" <<'PY'
import math, struct, sys, zlib
def png(path, w, h, pixel):
    rows = b"".join(b"\0" + bytes(c for x in range(w) for c in pixel(x, y)) for y in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
d = sys.argv[1]
png(d + "/content.png", 120, 90, lambda x, y: (int(60 + 120 * x / 120), int(128 + 100 * math.sin(x / 5) * math.cos(y / 7)), 200 - y))
png(d + "/stripes.png", 96, 96, lambda x, y: (240, 220 if (x + y) // 6 % 2 else 30, 20))
png(d + "/checks.png", 96, 96, lambda x, y: (30, 50, 200) if (x // 10 + y // 10) % 2 else (240, 240, 240))
png(d + "/left.png", 120, 90, lambda x, y: (255, 255, 255) if x < 60 else (0, 0, 0))
png(d + "/right.png", 120, 90, lambda x, y: (0, 0, 0) if x < 60 else (255, 255, 255))
png(d + "/small.png", 60, 90, lambda x, y: (255, 255, 255))
PY

expect 0 "loading the arbitrary-style network" "$ATELIER" stylize --method arbitrary --content "$DIR/content.png" \
  --style "$DIR/stripes.png" --fit-steps 3 --output "$DIR/one.png"
[ "$(size_of "$DIR/one.png")" = "120 90" ] || fail "one.png is $(size_of "$DIR/one.png"), expected 120 90"
# The bundled network is read where the program keeps it: nothing is copied into the library.
[ -e "$DIR/lib/arbitrary-style" ] && fail "the run wrote the bundled network into the model library"
# The fit is kept: the same layer and style again, with another amount, skip it and paint with the fit kept.
[ "$(ls "$DIR/cache/neural-atelier/arbitrary-fits" | wc -l)" = 1 ] || fail "the run did not keep its fit"
expect 0 "kept from an earlier run" "$ATELIER" stylize --method arbitrary --content "$DIR/content.png" \
  --style "$DIR/stripes.png" --fit-steps 3 --style-amount 0.5 --output "$DIR/again.png"
printf '%s\n' "$out" | grep -q "iteration" && fail "the run fitted the style again: $out"
expect 0 "iteration 2/2" "$ATELIER" stylize --method arbitrary --content "$DIR/content.png" \
  --style "$DIR/stripes.png" --style-weight 2 --style "$DIR/checks.png" --style-weight 1 --fit-steps 2 \
  --style-amount 0.7 --output "$DIR/two.png"
[ "$(size_of "$DIR/two.png")" = "120 90" ] || fail "two.png is $(size_of "$DIR/two.png")"
cmp -s "$DIR/one.png" "$DIR/two.png" && fail "two blended styles gave the one style's picture"

# A style per region: grey masks of the content's size, one per --style in order.
expect 0 "" "$ATELIER" stylize --method arbitrary --content "$DIR/content.png" --fit-steps 0 \
  --style "$DIR/stripes.png" --style-mask "$DIR/left.png" --style "$DIR/checks.png" --style-mask "$DIR/right.png" \
  --output "$DIR/regions.png"
[ "$(size_of "$DIR/regions.png")" = "120 90" ] || fail "regions.png is $(size_of "$DIR/regions.png")"
expect 1 "a region must have the layer's size" "$ATELIER" stylize --method arbitrary --content "$DIR/content.png" \
  --fit-steps 0 --style "$DIR/stripes.png" --style-mask "$DIR/small.png" --output "$DIR/small-mask.png"
[ -e "$DIR/small-mask.png" ] && fail "a failed run wrote small-mask.png"
expect 1 "2 --style-mask values for 1 styles" "$ATELIER" stylize --method arbitrary --content "$DIR/content.png" \
  --fit-steps 0 --style "$DIR/stripes.png" --style-mask "$DIR/left.png" --style-mask "$DIR/right.png" \
  --output "$DIR/extra-mask.png"
[ -e "$DIR/extra-mask.png" ] && fail "a failed run wrote extra-mask.png"

expect 1 "weights add up to 0" "$ATELIER" stylize --method arbitrary --content "$DIR/content.png" \
  --style "$DIR/stripes.png" --style-weight 0 --output "$DIR/zero.png"
[ -e "$DIR/zero.png" ] && fail "a failed run wrote zero.png"
expect 1 "style" "$ATELIER" stylize --method arbitrary --content "$DIR/content.png" --output "$DIR/none.png"
[ -e "$DIR/none.png" ] && fail "a failed run wrote none.png"

# The quality harness (`atelier bench --quality`, docs/quality.md): a configuration and the pair's reference picture
# (here one.png) measured side by side by both referees, its pictures kept (the random VGG-19's weights are written
# to TMPDIR); bad triples and configurations refused before any work.
expect 0 '"config": "read", "width": 120, "height": 90' env TMPDIR="$DIR" "$ATELIER" bench \
  --quality "$DIR/content.png:$DIR/stripes.png:$DIR/one.png" --config "read:method=arbitrary;fit-steps=0" \
  --config "tiled:filter=large-style;quality=fast" --output-dir "$DIR/quality"
printf '%s\n' "$out" | grep -q '"config": "reference"' || fail "the harness did not measure the reference: $out"
printf '%s\n' "$out" | grep -q '"config": "tiled", "width": 120, "height": 90' ||
  fail "the harness did not run Large Tiled Style (filter=large-style): $out"
printf '%s\n' "$out" |
  grep -q '"benchmark": "quality_vs_reference", "pair": 1, "config": "read", "texture_over_reference": [0-9]' ||
  fail "the harness did not compare the configuration with the reference: $out"
printf '%s\n' "$out" | grep -q '"mobilenet_over_reference": [0-9]' ||
  fail "the harness did not judge by the MobileNetV2 referee: $out"
for f in photo painting reference read; do
  [ -s "$DIR/quality/pair1-$f.jpg" ] || fail "the harness did not keep pair1-$f.jpg"
done
# Without the MobileNetV2 referee installed: the command that installs it, before any work.
expect 1 "run 'atelier models install mobilenet_v2'" env ATELIER_MODELS_DIR="$DIR/no-models" "$ATELIER" bench \
  --quality "$DIR/content.png:$DIR/stripes.png" --config "read:method=arbitrary;fit-steps=0"
expect 1 "expects PHOTO:PAINTING" "$ATELIER" bench --quality "$DIR/content.png"
expect 1 "no such file" "$ATELIER" bench --quality "$DIR/content.png:$DIR/missing.png"
expect 1 "expected KEY=VALUE, got 'fast'" "$ATELIER" bench --quality "$DIR/content.png:$DIR/stripes.png" \
  --config "quick:fast"
expect 1 "config quick: 'fit-steps' expects a number" "$ATELIER" bench \
  --quality "$DIR/content.png:$DIR/stripes.png" --config "quick:fit-steps=many"
expect 1 "filter=dream is not a filter that paints a layer in a style image's style" "$ATELIER" bench \
  --quality "$DIR/content.png:$DIR/stripes.png" --config "d:filter=dream"
expect 1 "config tiled: unknown parameter 'iterations'" "$ATELIER" bench \
  --quality "$DIR/content.png:$DIR/stripes.png" --config "tiled:filter=large-style;iterations=3"

# `atelier bench --arbitrary` with only the methods asked for: Arbitrary as read, nothing else.
expect 0 '"method": "arbitrary-read", "width": 120' "$ATELIER" bench --arbitrary "$DIR/content.png:$DIR/stripes.png" \
  --working-size 120 --arbitrary-methods arbitrary-read
printf '%s\n' "$out" | grep -q '"method": "optimize"' && fail "--arbitrary-methods arbitrary-read also ran Optimise"
expect 1 "expects arbitrary, arbitrary-read, optimize and/or instant, got 'fast'" "$ATELIER" bench \
  --arbitrary "$DIR/content.png:$DIR/stripes.png" --arbitrary-methods fast
echo "PASS"
