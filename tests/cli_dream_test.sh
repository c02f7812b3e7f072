#!/bin/sh
# `atelier dream`: help, argument errors before any model is needed, a missing model, and a tiny real run that keeps
# the size and the alpha channel (InceptionV3 must be installed: without it the test fails).
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
# The real run needs InceptionV3 in the library atelier reads: without it the test fails, it does not pass unrun.
LIB=${ATELIER_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/neural-atelier/models}
[ -f "$LIB/inception_v3.safetensors" ] || fail "InceptionV3 is not installed in $LIB, so the real run cannot be \
checked; install it: ./run atelier models install inception_v3"
expect 1 "valid layers" "$ATELIER" dream --input "$IN" --output "$DIR/out.png" --network inception_v3 \
  --device cpu --layers nosuch:1
[ -e "$DIR/out.png" ] && fail "a run that failed wrote $DIR/out.png"
expect 0 "wrote .*out.png (40x30)" "$ATELIER" dream --input "$IN" --output "$DIR/out.png" --network inception_v3 \
  --device cpu --size 0 --octaves 2 --iterations 2 --layers "mixed3:1, mixed4:-0.5" --keep-colors --seed 3
[ -s "$DIR/out.png" ] || fail "no output written"
# The file itself, not the program's message: 40x30 like the input, and with its alpha channel (RGBA).
python3 - "$DIR/out.png" "$IN" <<'PY' || fail "the output does not match the input's size and alpha"
import struct, sys
# Not assert: python3 -O (PYTHONOPTIMIZE) would skip it.
def header(path):
    data = open(path, "rb").read(33)
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(path + " is not a PNG")
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour
out, src = header(sys.argv[1]), header(sys.argv[2])
print("output", out, "input", src)
if out[:2] != (40, 30) or out[:2] != src[:2]:
    sys.exit("the output is %dx%d, the input %dx%d" % (out[0], out[1], src[0], src[1]))
if out[2] != 6:
    sys.exit("the output lost the alpha channel (PNG colour type %d)" % out[2])
PY
echo "cli-dream: all checks passed"
