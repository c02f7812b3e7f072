#!/bin/sh
# `atelier stylize-frames`: a short clip in and out as a folder and as a video file (frame count and order kept),
# both methods, and the outputs that must be refused before any work (nothing of the user's changed).
set -u
ATELIER=$1 FIXTURES=$2
. "$(dirname "$0")/cli_lib.sh"
command -v convert >/dev/null || fail "ImageMagick's convert is needed to make the test clip"
# Four frames of a picture moving right, each brighter than the one before, named so that only a numeric sort
# orders them (2 before 10).
mkdir "$DIR/clip"
i=0
for n in 1 2 10 11; do
  convert "$FIXTURES/tiny_rgba.png" -alpha off -resize 96x72! -roll +$((2 * i))+0 \
    +level $((10 + 20 * i))%,$((40 + 20 * i))% "$DIR/clip/f$n.png" || fail "convert failed"
  i=$((i + 1))
done
mean() { convert "$1" -colorspace gray -format '%[fx:mean]' info:; }
expect 0 "stylize-frames" "$ATELIER" --help
expect 0 "--temporal-weight" "$ATELIER" stylize-frames --help

# Instant into a folder: four frames, in the input's order (histogram matched to each frame, so brightness follows the input).
expect 0 "wrote $DIR/out (4 frames)" "$ATELIER" stylize-frames --frames "$DIR/clip" --output "$DIR/out" \
  --method feed-forward --fast-model wave --preserve-colors histogram --temporal-weight 0 --size 0
[ "$(ls "$DIR/out" | wc -l)" = 4 ] || fail "expected 4 frames in the folder: $(ls "$DIR/out")"
prev=-1
for f in 1 2 3 4; do
  m=$(mean "$DIR/out/frame-0000$f.png")
  python3 -c "import sys; sys.exit(0 if $m > $prev else 1)" || fail "frame $f is not brighter than the one before ($m <= $prev)"
  prev=$m
done
# Into a video and back out of it: the count survives both ways.
expect 0 "(4 frames)" "$ATELIER" stylize-frames --frames "$DIR/clip" --output "$DIR/out.avi" \
  --method feed-forward --fast-model wave
expect 0 "(4 frames)" "$ATELIER" stylize-frames --frames "$DIR/out.avi" --output "$DIR/again" \
  --method feed-forward --fast-model wave --max-frames 0
[ "$(ls "$DIR/again" | wc -l)" = 4 ] || fail "the video did not give back 4 frames"
# .mp4 is H.264 (FFmpeg's libx264), what every player takes; odd sizes fall back to MPEG-4 part 2.
expect 0 "(4 frames)" "$ATELIER" stylize-frames --frames "$DIR/clip" --output "$DIR/out.mp4" \
  --method feed-forward --fast-model wave
grep -q avc1 "$DIR/out.mp4" || fail "out.mp4 has no H.264 (avc1) track"
expect 0 "(4 frames)" "$ATELIER" stylize-frames --frames "$DIR/out.mp4" --output "$DIR/again-mp4" \
  --method feed-forward --fast-model wave
[ "$(ls "$DIR/again-mp4" | wc -l)" = 4 ] || fail "the .mp4 did not give back 4 frames"
# --max-frames stops early.
expect 0 "(2 frames)" "$ATELIER" stylize-frames --frames "$DIR/clip" --output "$DIR/two" --method feed-forward \
  --max-frames 2

# Optimise with the temporal term: three frames at a small size (InceptionV3 must be installed).
expect 0 "(3 frames)" "$ATELIER" stylize-frames --frames "$DIR/clip" --output "$DIR/optimised" \
  --style "$FIXTURES/tiny_rgba.png" --size 80 --iterations 3 --max-frames 3 --network inception_v3
[ "$(ls "$DIR/optimised" | wc -l)" = 3 ] || fail "expected 3 optimised frames"

# Refused before any work, nothing written or changed.
touch "$DIR/out/keep.txt"
before=$(ls "$DIR/out" | wc -l)
expect 1 "already has files" "$ATELIER" stylize-frames --frames "$DIR/clip" --output "$DIR/out" --method feed-forward
[ "$(ls "$DIR/out" | wc -l)" = "$before" ] || fail "the existing output folder was changed"
expect 1 "is the input" "$ATELIER" stylize-frames --frames "$DIR/clip" --output "$DIR/clip/" --method feed-forward
expect 1 "is one picture, not an animation" "$ATELIER" stylize-frames --frames "$FIXTURES/tiny_rgba.png" \
  --output "$DIR/x" --method feed-forward
expect 1 "no style image" "$ATELIER" stylize-frames --frames "$DIR/clip" --output "$DIR/nostyle"
expect 1 "missing --output" "$ATELIER" stylize-frames --frames "$DIR/clip"
for gone in x nostyle; do [ -e "$DIR/$gone" ] && fail "a failed run left $DIR/$gone"; done
ls -a "$DIR" | grep -q partial && fail "a temporary output was left behind: $(ls -a "$DIR")"
echo "cli-frames: all checks passed"
