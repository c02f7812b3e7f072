#!/bin/sh
# `atelier large-style`: the flags other tools rely on (--content --style --output --size --max-tile --seed
# --quality), the plan and the peak memory printed, the output at --size, and clear errors.
set -u
ATELIER=$1 FIXTURES=$2
. "$(dirname "$0")/cli_lib.sh"
IMG=$FIXTURES/tiny_rgba.png
OUT=$DIR/large.png
expect 0 "plan: 2 levels" "$ATELIER" large-style --content "$IMG" --style "$IMG" --output "$OUT" --size 200 \
  --max-tile 160 --seed 3 --quality fast --start-size 128 --network inception_v3
printf '%s\n' "$out" | grep -q "tiles of 160 px" || fail "the plan does not show the tiles: $out"
printf '%s\n' "$out" | grep -q "peak memory [0-9]* MB" || fail "no peak memory printed: $out"
python3 - "$OUT" <<'PY' || fail "the output does not have the requested size"
import struct, sys
w, h = struct.unpack(">II", open(sys.argv[1], "rb").read()[16:24])
sys.exit(0 if max(w, h) == 200 else 1)
PY
expect 1 "no style image" "$ATELIER" large-style --content "$IMG" --output "$DIR/none.png"
expect 1 "overlap of 100 px" "$ATELIER" large-style --content "$IMG" --style "$IMG" --output "$DIR/x.png" \
  --size 400 --max-tile 160 --overlap 100
[ -e "$DIR/none.png" ] || [ -e "$DIR/x.png" ] && fail "an output was written for a failed run"
expect 0 "large-style" "$ATELIER" --help
echo "cli-large-style: all checks passed"
