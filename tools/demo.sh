#!/usr/bin/env bash
# Demo: stylises Debian darknet's dog.jpg in the style of scream.jpg through the GIMP plug-in, headless, with
# the default model, and synthesises a tileable texture from one of GIMP's own patterns; writes
# demo-output/{content.jpg,style.jpg,stylized.png,instant-wave.png,arbitrary.png,dream.png,large-tiled.png,texture-source.png,
# texture.png,texture-2x2.png,trained-style.png,layers.txt}, and stylises the first seconds of opencv-doc's
# vtest.avi without flicker (Stylize Frames, Instant, on the command line) into demo-output/animation.webp. The style it trains goes into a throw-away model
# library (linked to the user's feature networks), so that the user's own library stays as it was.
# usage: tools/demo.sh BUILD   (./run demo; ATELIER_DEMO_SIZE / ATELIER_DEMO_ITERATIONS override the size and
# iterations of the Optimise stylisation, ATELIER_DEMO_FULL_RESOLUTION=0 leaves out its full-resolution pass, ATELIER_DEMO_FIT_STEPS the Arbitrary method's fitting steps,
# ATELIER_DEMO_FRAMES the animation's frames, ATELIER_DEMO_OUTPUT the folder written, demo-output/ in the checkout)
set -euo pipefail
BUILD=$(cd "$1" && pwd -P)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
OUT=${ATELIER_DEMO_OUTPUT:-$ROOT/demo-output}
CONTENT=/usr/share/darknet/data/dog.jpg
STYLE=/usr/share/darknet/data/scream.jpg
TEXTURE=/usr/share/gimp/3.0/patterns/Stone/cracked.pat  # gimp-data: 144x144 cracked stone
# The Optimise result is painted at 384 px and finished at the photo's own 768 px (full resolution): crisp, not a
# small picture scaled up.
SIZE=${ATELIER_DEMO_SIZE:-384}
ITERATIONS=${ATELIER_DEMO_ITERATIONS:-100}
FULL_RESOLUTION=$([ "${ATELIER_DEMO_FULL_RESOLUTION:-1}" = 0 ] && echo "#f" || echo "#t")
FIT_STEPS=${ATELIER_DEMO_FIT_STEPS:-20}
CLIP=/usr/share/doc/opencv-doc/examples/data/vtest.avi
FRAMES=${ATELIER_DEMO_FRAMES:-24}
for f in "$CONTENT" "$STYLE"; do
  [ -f "$f" ] || { echo "demo: $f is missing; install Debian's darknet package" >&2; exit 1; }
done
[ -f "$TEXTURE" ] || { echo "demo: $TEXTURE is missing; install Debian's gimp-data package" >&2; exit 1; }
[ -f "$CLIP" ] || { echo "demo: $CLIP is missing; install Debian's opencv-doc package" >&2; exit 1; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd -P)  # absolute: GIMP's job names the files
cp "$CONTENT" "$OUT/content.jpg"
cp "$STYLE" "$OUT/style.jpg"
rm -f "$OUT/stylized.png" "$OUT/instant-wave.png" "$OUT/arbitrary.png" "$OUT/dream.png" "$OUT/large-tiled.png" "$OUT/layers.txt" \
  "$OUT/texture-source.png" "$OUT/texture.png" "$OUT/texture-2x2.png" "$OUT/trained-style.png" \
  "$OUT/animation.webp"

JOB=$(mktemp "${TMPDIR:-/tmp}/atelier-demo-XXXXXX.scm")
LIB=$(mktemp -d "${TMPDIR:-/tmp}/atelier-demo-models-XXXXXX")
ANIMATION=$(mktemp -d "${TMPDIR:-/tmp}/atelier-demo-frames-XXXXXX")
trap 'rm -rf "$JOB" "$LIB" "$ANIMATION"' EXIT
USER_LIB=${ATELIER_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/neural-atelier/models}
for m in inception_v3 vgg19; do
  [ -f "$USER_LIB/$m.safetensors" ] && ln -s "$USER_LIB/$m.safetensors" "$LIB/$m.safetensors"
done
export ATELIER_MODELS_DIR=$LIB
cat >"$JOB" <<SCM
(script-fu-use-v3)
(let* ((img (gimp-file-load RUN-NONINTERACTIVE "$OUT/content.jpg"))
       (src (vector-ref (gimp-image-get-layers img) 0)))
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:style-image "$OUT/style.jpg" #:size $SIZE #:iterations $ITERATIONS
                           #:full-resolution $FULL_RESOLUTION)
  (call-with-output-file "$OUT/layers.txt"
    (lambda (port)
      (display "Layer stack (top first): name, size, offsets, mask\n" port)
      (for-each
        (lambda (layer)
          (let ((offsets (gimp-drawable-get-offsets layer)))
            (display (string-append (gimp-item-get-name layer) ", "
                                    (number->string (gimp-drawable-get-width layer)) "x"
                                    (number->string (gimp-drawable-get-height layer)) ", ("
                                    (number->string (car offsets)) "," (number->string (cadr offsets)) "), "
                                    (if (> (gimp-layer-get-mask layer) 0) "mask" "no mask") "\n")
                     port)))
        (vector->list (gimp-image-get-layers img)))))
  (gimp-image-flatten img)
  (gimp-file-save RUN-NONINTERACTIVE img "$OUT/stylized.png" -1)
  (gimp-image-delete img))
(let* ((img (gimp-file-load RUN-NONINTERACTIVE "$OUT/content.jpg"))
       (src (vector-ref (gimp-image-get-layers img) 0)))
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:method "feed-forward" #:fast-model "wave" #:layer-name "Instant: The Great Wave")
  (gimp-image-flatten img)
  (gimp-file-save RUN-NONINTERACTIVE img "$OUT/instant-wave.png" -1)
  (gimp-image-delete img))
(let* ((img (gimp-file-load RUN-NONINTERACTIVE "$OUT/content.jpg"))
       (src (vector-ref (gimp-image-get-layers img) 0)))
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:method "arbitrary" #:style-image "$OUT/style.jpg" #:fit-steps $FIT_STEPS
                           #:layer-name "Arbitrary: The Scream")
  (gimp-image-flatten img)
  (gimp-file-save RUN-NONINTERACTIVE img "$OUT/arbitrary.png" -1)
  (gimp-image-delete img))
(let* ((img (gimp-file-load RUN-NONINTERACTIVE "$OUT/content.jpg"))
       (src (vector-ref (gimp-image-get-layers img) 0)))
  ; Shorter than the defaults (4 octaves of 20 steps at 512 px) to keep the demo quick.
  (plug-in-atelier-dream #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                         #:size 384 #:octaves 3 #:iterations 10 #:layer-name "Neural Dream")
  (gimp-image-flatten img)
  (gimp-file-save RUN-NONINTERACTIVE img "$OUT/dream.png" -1)
  (gimp-image-delete img))
(let* ((img (gimp-file-load RUN-NONINTERACTIVE "$OUT/content.jpg"))
       (src (vector-ref (gimp-image-get-layers img) 0)))
  ; 512 px wide: larger than one 320 px tile, so the last pyramid level runs in tiles.
  (gimp-image-scale img 512 (round (* 512 (/ (gimp-image-get-height img) (gimp-image-get-width img)))))
  (plug-in-atelier-large-tiled-style #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                                     #:style-image "$OUT/style.jpg" #:quality "fast" #:max-tile 320
                                     #:layer-name "Large Tiled Style")
  (gimp-image-flatten img)
  (gimp-file-save RUN-NONINTERACTIVE img "$OUT/large-tiled.png" -1)
  (gimp-image-delete img))
; A tileable 256 px texture from the pattern (the result layer is the canvas's size: enlarge the canvas first),
; and the texture repeated 2x2, where a seam would show as a cross.
(let* ((img (gimp-file-load RUN-NONINTERACTIVE "$TEXTURE"))
       (src (vector-ref (gimp-image-get-layers img) 0)))
  (gimp-file-save RUN-NONINTERACTIVE img "$OUT/texture-source.png" -1)
  (gimp-image-resize img 256 256 0 0)
  (plug-in-atelier-texture-synthesize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                                      #:tileable #t #:layer-name "Texture")
  (let* ((texture (vector-ref (gimp-image-get-layers img) 0))
         (tiles (gimp-image-new 512 512 RGB)))
    (gimp-image-remove-layer img src)
    (gimp-file-save RUN-NONINTERACTIVE img "$OUT/texture.png" -1)
    (for-each (lambda (offset)
                (let ((copy (gimp-layer-new-from-drawable texture tiles)))
                  (gimp-image-insert-layer tiles copy 0 0)
                  (gimp-layer-set-offsets copy (car offset) (cadr offset))))
              '((0 0) (256 0) (0 256) (256 256)))
    (gimp-image-flatten tiles)
    (gimp-file-save RUN-NONINTERACTIVE tiles "$OUT/texture-2x2.png" -1)
    (gimp-image-delete tiles))
  (gimp-image-delete img))
; Train Instant Style, briefly (100 iterations at 128 px on the default photos, from the bundled wave network):
; the new layer previews the trained scream style on the photo.
(let* ((img (gimp-file-load RUN-NONINTERACTIVE "$OUT/content.jpg"))
       (src (vector-ref (gimp-image-get-layers img) 0)))
  (plug-in-atelier-train-style #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                               #:style "$OUT/style.jpg" #:iterations 100 #:size 128 #:output-model "demo-scream"
                               #:layer-name "Trained style: scream")
  (gimp-image-flatten img)
  (gimp-file-save RUN-NONINTERACTIVE img "$OUT/trained-style.png" -1)
  (gimp-image-delete img))
SCM
echo "demo: stylising $CONTENT with $STYLE at size $SIZE, $ITERATIONS iterations, then at its full resolution (a few" \
  "minutes on 2 CPU cores)"
start=$(date +%s)
"$ROOT/tools/gimp-env.sh" "$BUILD" batch "$JOB"
echo "demo: stylising the first $FRAMES frames of $CLIP without flicker (Stylize Frames, Instant)"
"$BUILD/cli/atelier" stylize-frames --frames "$CLIP" --output "$ANIMATION/frames" --method feed-forward \
  --fast-model wave --size 320 --max-frames "$FRAMES"
magick -delay 8 -loop 0 "$ANIMATION"/frames/frame-*.png -resize 320x -quality 80 "$OUT/animation.webp"
for f in stylized.png instant-wave.png arbitrary.png dream.png large-tiled.png texture-source.png texture.png texture-2x2.png \
  trained-style.png layers.txt animation.webp; do
  [ -f "$OUT/$f" ] || { echo "demo: $OUT/$f was not written" >&2; exit 1; }
done
echo "demo: done in $(( $(date +%s) - start )) s"
echo "demo: result   $OUT/stylized.png (Optimise method, style scream.jpg, finished at the photo's full resolution)"
echo "demo: result   $OUT/instant-wave.png (Instant method, bundled Great Wave network)"
echo "demo: result   $OUT/arbitrary.png (Arbitrary method, style scream.jpg, at the photo's full resolution)"
echo "demo: result   $OUT/dream.png (Neural Dream, 3 octaves of 10 steps at 384 px, strength 0.5)"
echo "demo: result   $OUT/large-tiled.png (Large Tiled Style at 512 px in 320 px tiles, quality fast)"
echo "demo: result   $OUT/texture.png (Texture Synthesize, tileable, from GIMP's cracked-stone pattern)"
echo "demo: result   $OUT/texture-2x2.png (the texture repeated 2x2: no seams)"
echo "demo: result   $OUT/trained-style.png (Train Instant Style: 100 iterations, previewed on the photo)"
echo "demo: result   $OUT/animation.webp (Stylize Frames: $FRAMES frames of vtest.avi, Instant with temporal consistency)"
echo "demo: layers   $OUT/layers.txt"
cat "$OUT/layers.txt"
echo "demo: inputs   $OUT/content.jpg, $OUT/style.jpg, $OUT/texture-source.png"
