#!/bin/sh
# `atelier dream`: help, argument errors before any model is needed, a missing model, and (when InceptionV3 is
# installed in $ATELIER_MODELS_DIR) a tiny real run that keeps the size and the alpha channel.
set -u
ATELIER=$1
FIXTURES=$2
. "$(dirname "$0")/cli_lib.sh"
IN=$FIXTURES/tiny_rgba.png
expect 0 "--layers" "$ATELIER" dream --help
expect 0 "--octave-scale" "$ATELIER" dream --help
expect 0 "dream " "$ATELIER" --help
expect 1 "missing --input" "$ATELIER" dream --output "$DIR/out.png"
expect 1 "dose of layer mixed3 must be a number" "$ATELIER" dream --input "$IN" --output "$DIR/out.png" \
  --layers mixed3:abc
expect 1 "'octaves' must be between 1 and 12" "$ATELIER" dream --input "$IN" --output "$DIR/out.png" --octaves 0
expect 1 "unknown option '--layer-name'" "$ATELIER" dream --input "$IN" --output "$DIR/out.png" --layer-name x
expect 1 "atelier models install inception_v3" env ATELIER_MODELS_DIR="$DIR/empty" "$ATELIER" dream \
  --input "$IN" --output "$DIR/out.png" --network inception_v3 --device cpu
if [ -n "${ATELIER_MODELS_DIR:-}" ] && [ -f "$ATELIER_MODELS_DIR/inception_v3.safetensors" ]; then
  expect 1 "valid layers" "$ATELIER" dream --input "$IN" --output "$DIR/out.png" --network inception_v3 \
    --device cpu --layers nosuch:1
  expect 0 "wrote .*out.png (40x30)" "$ATELIER" dream --input "$IN" --output "$DIR/out.png" --network inception_v3 \
    --device cpu --size 0 --octaves 2 --iterations 2 --layers "mixed3:1, mixed4:-0.5" --keep-colors --seed 3
  [ -s "$DIR/out.png" ] || fail "no output written"
else
  echo "cli-dream: inception_v3 is not installed; skipping the real run"
fi
echo "cli-dream: all checks passed"
