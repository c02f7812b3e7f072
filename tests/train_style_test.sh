#!/bin/sh
# `atelier train-style`: the flags other tools rely on (--style --photos --output-model --iterations --size
# --style-strength --seed), the new style used by name by `stylize --method feed-forward --fast-model NAME`,
# Ctrl-C keeping a checkpoint that --resume continues, clear errors that write nothing; and, given a build directory,
# the GIMP procedure training a style from a layer and Stylize using styles by name from Script-Fu.
# usage: train_style_test.sh ATELIER REPOSITORY_ROOT [BUILD_DIR]
set -u
ATELIER=$1 ROOT=$2 BUILD=${3:-}
. "$(dirname "$0")/cli_lib.sh"
DARKNET=/usr/share/darknet/data
[ -f "$DARKNET/scream.jpg" ] || fail "Debian's darknet package (the default photos and a style) is not installed"
command -v compare >/dev/null || fail "ImageMagick's compare is not installed"
IMG=$ROOT/tests/fixtures/tiny_rgba.png

# A library of its own, so that training does not add to the user's; InceptionV3 linked from the user's.
USER_LIB=${ATELIER_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/neural-atelier/models}
mkdir -p "$DIR/lib" "$DIR/photos"
ln -s "$USER_LIB/inception_v3.safetensors" "$DIR/lib/inception_v3.safetensors"
export ATELIER_MODELS_DIR=$DIR/lib
ln -s "$DARKNET/dog.jpg" "$DARKNET/horses.jpg" "$DIR/photos/"
echo "not an image" >"$DIR/photos/notes.jpg"

expect 0 "saved the style as 'ci-style'" "$ATELIER" train-style --style "$DARKNET/scream.jpg" --photos "$DIR/photos" \
  --output-model ci-style --iterations 4 --size 96 --style-strength 2 --seed 3 --network inception_v3
printf '%s\n' "$out" | grep -q "read 2 photos (skipped 1 unreadable image(s))" || fail "the unreadable photo was not reported: $out"
expect 0 "ci-style" "$ATELIER" stylize --help
expect 0 "fast-style/ci-style" "$ATELIER" models list
expect 0 "wrote" "$ATELIER" stylize --content "$IMG" --method feed-forward --fast-model ci-style --output "$DIR/a.png"
expect 0 "wrote" "$ATELIER" stylize --content "$IMG" --method feed-forward --fast-model ci-style --output "$DIR/b.png"
cmp -s "$DIR/a.png" "$DIR/b.png" || fail "the trained style paints differently on a second load"
# Pixels, not bytes: a PNG written again differs from its source in its bytes even with the same pixels.
d=$(compare -metric RMSE "$IMG" "$DIR/a.png" null: 2>&1 | sed -n 's/.*(\([0-9.e+-]*\)).*/\1/p')
[ -n "$d" ] && awk -v d="$d" 'BEGIN { exit !(d > 0.02) }' || fail "the trained style changed nothing (RMSE ${d:-?})"

# Without --photos: Debian's darknet photos; --content/--output: a preview in the new style.
expect 0 "read 6 photos" "$ATELIER" train-style --style "$DARKNET/scream.jpg" --output-model ci-default \
  --iterations 2 --size 96 --content "$IMG" --output "$DIR/preview.png" --network inception_v3
[ -s "$DIR/preview.png" ] || fail "no preview written"

# Ctrl-C keeps a checkpoint of the iterations done; --resume continues it to the end. Events, not speed: wait (up to
# a bound only a hung run reaches) for a progress line, Ctrl-C, then the checkpoint must be at least that iteration.
"$ATELIER" train-style --style "$DARKNET/scream.jpg" --photos "$DIR/photos" --output-model ci-stopped \
  --iterations 2000 --size 96 --network inception_v3 >"$DIR/stopped.log" 2>&1 &
pid=$!
deadline=$(($(date +%s) + 240))
seen=
while [ -z "$seen" ]; do
  seen=$(sed -n 's|.*iteration \([0-9]*\)/2000.*|\1|p' "$DIR/stopped.log" | tail -n 1)
  [ -n "$seen" ] && break
  kill -0 $pid 2>/dev/null || fail "the training ended before its first iteration: $(cat "$DIR/stopped.log")"
  [ "$(date +%s)" -lt $deadline ] || { kill -KILL $pid; fail "no iteration within 240 s: $(cat "$DIR/stopped.log")"; }
  sleep 0.2
done
kill -INT $pid
deadline=$(($(date +%s) + 120))
while kill -0 $pid 2>/dev/null && [ "$(date +%s)" -lt $deadline ]; do sleep 0.2; done
kill -0 $pid 2>/dev/null && { kill -KILL $pid; fail "Ctrl-C did not stop the training within 120 s"; }
wait $pid
rc=$?
[ "$rc" = 130 ] || fail "Ctrl-C: exit $rc, expected 130: $(cat "$DIR/stopped.log")"
stopped_at=$(sed -n 's/.*stopped after iteration \([0-9]*\);.*/\1/p' "$DIR/stopped.log")
[ -n "$stopped_at" ] || fail "Ctrl-C did not keep a checkpoint: $(cat "$DIR/stopped.log")"
[ "$stopped_at" -ge "$seen" ] || fail "the checkpoint is of iteration $stopped_at, before iteration $seen was reported"
echo "train-style: Ctrl-C after iteration $seen kept the checkpoint of iteration $stopped_at"
total=$((stopped_at + 5))
[ -f "$DIR/lib/fast-style/ci-stopped.checkpoint.safetensors" ] || fail "no checkpoint file"
expect 1 "not in the library\|unknown\|must be one of" "$ATELIER" stylize --content "$IMG" --method feed-forward \
  --fast-model ci-stopped --output "$DIR/x.png"
cp "$DIR/lib/fast-style/ci-stopped.checkpoint.safetensors" "$DIR/lib/fast-style/ci-other.checkpoint.safetensors"
expect 0 "saved the style as 'ci-stopped'" "$ATELIER" train-style --style "$DARKNET/scream.jpg" \
  --output-model ci-stopped --iterations $total --resume
printf '%s\n' "$out" | grep -q "read 2 photos" || fail "the resumed training did not keep its own photos: $out"
first=$(printf '%s\n' "$out" | sed -n "s|.*iteration \([0-9]*\)/$total.*|\1|p" | head -n 1)
[ -n "$first" ] && [ "$first" -gt "$stopped_at" ] ||
  fail "the resumed training did not continue after iteration $stopped_at: $out"
[ -e "$DIR/lib/fast-style/ci-stopped.checkpoint.safetensors" ] && fail "the checkpoint of a finished training stays"
expect 0 "wrote" "$ATELIER" stylize --content "$IMG" --method feed-forward --fast-model ci-stopped --output "$DIR/c.png"

# Errors: nothing trained, nothing written.
expect 1 "already has a style named 'ci-style'" "$ATELIER" train-style --style "$DARKNET/scream.jpg" \
  --output-model ci-style --iterations 2 --size 96
expect 1 "already has a style named 'wave'" "$ATELIER" train-style --style "$DARKNET/scream.jpg" --output-model wave
expect 1 "no stopped training named 'nothing'" "$ATELIER" train-style --style "$DARKNET/scream.jpg" \
  --output-model nothing --resume
expect 1 "learnt another style image" "$ATELIER" train-style --style "$IMG" --output-model ci-other --resume
expect 1 "does not exist" "$ATELIER" train-style --style "$DARKNET/scream.jpg" --photos "$DIR/none" --output-model y
expect 1 "give that too" "$ATELIER" train-style --style "$DARKNET/scream.jpg" --output "$DIR/x.png"
expect 1 "no style image" "$ATELIER" train-style --output-model z
for f in x y z; do [ -e "$DIR/$f.png" ] || [ -e "$DIR/lib/fast-style/$f.safetensors" ] && fail "something was written for a failed run ($f)"; done
expect 0 "train-style" "$ATELIER" --help

if [ -n "$BUILD" ]; then
  cat >"$DIR/train_style.scm" <<SCM
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))
(let* ((img (make-image 64 48 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img))
       (style-img (make-image 48 48 RGB RGB-IMAGE 230 60 40)))
  ; A style from a layer of another image; the preview is the active layer in the new style.
  (plug-in-atelier-train-style #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                               #:style-layer (source-layer style-img) #:photos "$DIR/photos" #:iterations 2
                               #:size 96 #:output-model "gimp-style" #:network "inception_v3" #:layer-name "preview")
  (check-result-layer img src "preview" 64 48 0 0)
  (gimp-image-remove-layer img (vector-ref (gimp-image-get-layers img) 0))
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:method "feed-forward" #:fast-model "gimp-style" #:layer-name "mine")
  (check-result-layer img src "mine" 64 48 0 0)
  (gimp-image-remove-layer img (vector-ref (gimp-image-get-layers img) 0))
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:method "feed-forward" #:fast-model "ci-style" #:layer-name "from the command line")
  (check-result-layer img src "from the command line" 64 48 0 0)
  (gimp-image-delete style-img)
  (gimp-image-delete img)
  (pass "train style"))
SCM
  "$ROOT/tests/gimp/run-test.sh" "$BUILD" batch "$DIR/train_style.scm" || fail "GIMP could not train or use a style"
  [ -f "$DIR/lib/fast-style/gimp-style.safetensors" ] || fail "the GIMP procedure saved no style"
fi
echo "train-style: all checks passed"
