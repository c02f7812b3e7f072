#!/bin/sh
# Bad input on the command line, as a careful user would try it: the user's files are never overwritten or left
# half-written, numbers and sizes the help allows work, and no message shows a C++ backtrace or exception name.
# usage: cli_reliability_test.sh ATELIER FIXTURES
set -u
ATELIER=$1
FIXTURES=$2
. "$(dirname "$0")/cli_lib.sh"
no_backtrace() {  # no_backtrace COMMAND...: fails when the output shows C++ internals
  out=$("$@" 2>&1)
  printf '%s\n' "$out" | grep -Eq 'frame #|std::|bad_alloc|stoll|stoi|terminate called' &&
    fail "'$*' showed C++ internals: $out"
  return 0
}

# The photo is never replaced by its own result, whatever the extension.
cp "$FIXTURES/tiny_rgba.png" "$DIR/photo.png"
cp "$DIR/photo.png" "$DIR/photo.jpg"
expect 1 "also an input" "$ATELIER" stylize --content "$DIR/photo.png" --style "$DIR/photo.jpg" --output "$DIR/photo.png"
expect 1 "also an input" "$ATELIER" stylize --content "$DIR/photo.png" --style "$DIR/photo.jpg" --output "$DIR/photo.jpg"
expect 1 "also an input" "$ATELIER" stylize --content "$DIR/photo.png" --style "$DIR/photo.jpg" \
  --output "$DIR/./photo.jpg"
expect 1 "also an input" "$ATELIER" dream --input "$DIR/photo.png" --output "$DIR/photo.png"
cmp -s "$FIXTURES/tiny_rgba.png" "$DIR/photo.png" || fail "the input photo was modified"
cmp -s "$FIXTURES/tiny_rgba.png" "$DIR/photo.jpg" || fail "the style image was modified"

# Output checks happen before any work (these would otherwise fail only after the computation).
expect 1 "end it with .png, .jpg" "$ATELIER" dream --input "$DIR/photo.png" --output "$DIR/out.xyz"
expect 1 "does not exist" "$ATELIER" dream --input "$DIR/photo.png" --output "$DIR/no/such/dir/out.png"
[ ! -e "$DIR/out.xyz" ] || fail "an output with an unknown extension was written"

# Numbers: what --help shows is accepted, and errors repeat what the user typed.
expect 1 "got 12.5" "$ATELIER" stylize --content "$DIR/photo.png" --style "$DIR/photo.jpg" --output "$DIR/o.png" \
  --size 12.5
expect 1 "got 99999999999" "$ATELIER" stylize --content "$DIR/photo.png" --style "$DIR/photo.jpg" \
  --output "$DIR/o.png" --seed 99999999999
expect 1 "written with a dot" "$ATELIER" dream --input "$DIR/photo.png" --output "$DIR/o.png" --step-size 0,5
expect 1 "'octaves' must be between" "$ATELIER" dream --input "$DIR/photo.png" --output "$DIR/o.png" \
  --keep-colors true --octaves 0
expect 1 "'octaves' must be between" "$ATELIER" dream --input "$DIR/photo.png" --output "$DIR/o.png" \
  --keep-colors false --octaves 0
expect 1 "expects whole numbers" "$ATELIER" bench --sizes -5
expect 1 "expects whole numbers" "$ATELIER" bench --sizes abc
expect 1 "expects whole numbers" "$ATELIER" bench --iterations 1.5
no_backtrace "$ATELIER" bench --sizes -5
expect 1 "needs --content FILE and --style FILE" "$ATELIER" bench --stylize 1:200
expect 1 "expects schedules SCALES:ITERATIONS" "$ATELIER" bench --stylize 1:200,2:x --content a.png --style b.png
no_backtrace "$ATELIER" bench --sizes abc

# A damaged weight file (one NaN) is refused by name instead of producing a black image.
LIB=$DIR/library
mkdir -p "$LIB"
ATELIER_MODELS_DIR=$LIB "$ATELIER" models install fast-style/wave >/dev/null 2>&1 ||
  fail "could not install the bundled wave network into a scratch library"
python3 - "$LIB/fast-style/wave.safetensors" <<'PY' || fail "could not damage the weights"
import json, struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
n = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + n])
name, info = next((k, v) for k, v in sorted(header.items()) if k != "__metadata__")
start = 8 + n + info["data_offsets"][0]
data[start:start + 2] = b"\x00\x7e" if info["dtype"] == "F16" else data[start:start + 2]
if info["dtype"] == "F32":
    data[start:start + 4] = struct.pack("<f", float("nan"))
open(path, "wb").write(bytes(data))
PY
expect 1 "NaN or infinite" env ATELIER_MODELS_DIR="$LIB" "$ATELIER" stylize --content "$DIR/photo.png" \
  --method feed-forward --fast-model wave --output "$DIR/nan.png"
[ ! -e "$DIR/nan.png" ] || fail "a result was written from damaged weights"

# Sizes the help allows work, also below the network's minimum of 75 px (the image is enlarged for the network).
if [ -n "${ATELIER_MODELS_DIR:-}" ] && [ -f "$ATELIER_MODELS_DIR/inception_v3.safetensors" ]; then
  expect 0 "wrote .*small.png (40x30)" "$ATELIER" stylize --content "$DIR/photo.png" --style "$DIR/photo.jpg" \
    --output "$DIR/small.png" --size 64 --iterations 1 --network inception_v3 --device cpu
elif [ "${CI:-}" = true ]; then
  fail "inception_v3 is not installed in \$ATELIER_MODELS_DIR"
fi

# A real, small run writes the format the extension names (JPEG here).
expect 0 "wrote .*styled.jpg (40x30)" "$ATELIER" stylize --content "$DIR/photo.png" --method feed-forward \
  --fast-model wave --output "$DIR/styled.jpg"
head -c 3 "$DIR/styled.jpg" | od -An -tx1 | grep -q "ff d8 ff" || fail "styled.jpg is not a JPEG"
ls -a "$DIR" | grep -q partial && fail "a temporary file was left behind"
echo "cli-reliability: all checks passed"
