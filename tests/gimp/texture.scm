; Texture Synthesize with the selection of a layer as the source: a new layer of the canvas's size at the canvas
; origin, whole (no mask from the selection), with the source's colours rather than the background's.
;; expect-output: PASS: texture
;; expect-output: PASS: texture from a layer of another image
;; expect-output: (source-layer, source-file); choose one of them
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 160 120 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img)))
  ; Yellow and dark-blue stripes in the selected square only; the rest of the layer stays light blue.
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 20 10 80 80)
  (gimp-context-set-foreground '(250 200 20))
  (gimp-drawable-edit-fill src FILL-FOREGROUND)
  (gimp-context-set-foreground '(20 20 160))
  (let loop ((x 20))
    (if (< x 100) (begin
      (gimp-image-select-rectangle img CHANNEL-OP-REPLACE x 10 4 80)
      (gimp-drawable-edit-fill src FILL-FOREGROUND)
      (loop (+ x 8)))))
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 20 10 80 80)
  (plug-in-atelier-texture-synthesize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                                      #:iterations 4 #:octaves 1 #:tileable #t #:seed 3
                                      #:network "inception_v3" #:layer-name "texture")
  (check-result-layer img src "texture" 160 120 0 0)
  (let ((new (vector-ref (gimp-image-get-layers img) 0)))
    (check (not (has-mask? new)) "not limited to the selection"))
  (gimp-selection-none img)
  ; Outside the old selection the composite now shows the texture: no light blue left.
  (check (not (near? (composite-pixel img 140 100) '(90 140 200) 40)) "the texture covers the canvas")
  (gimp-image-delete img)
  (pass "texture"))

; The source is a layer of another open image (the active layer's pixels are not used): the texture takes its
; colours from that layer, and a source layer together with a source file (one that exists and loads) is refused
; with a clear message naming the pair.
(let* ((img (make-image 96 96 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img))
       (other (make-image 80 80 RGB RGB-IMAGE 230 60 40))
       (red (source-layer other)))
  (plug-in-atelier-texture-synthesize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                                      #:source-layer red #:iterations 2 #:octaves 1 #:network "inception_v3"
                                      #:layer-name "from another image")
  (let ((new (vector-ref (gimp-image-get-layers img) 0)))
    (check (equal? (gimp-item-get-name new) "from another image") "texture from another image's layer")
    (check (near? (composite-pixel img 48 48) '(230 60 40) 12) "the other layer's colours"))
  (let ((source-file (string-append atelier-source-dir "/tests/fixtures/tiny_rgba.png")))
    (check (not (fails? (lambda () (gimp-image-delete (gimp-file-load RUN-NONINTERACTIVE source-file)))))
           "the source file exists and is an image")
    (check (fails? (lambda ()
                     (plug-in-atelier-texture-synthesize #:run-mode RUN-NONINTERACTIVE #:image img
                                                         #:drawables (vector src) #:source-layer red
                                                         #:source-file source-file)))
           "a source layer and a source file together are refused"))
  (gimp-image-delete other)
  (gimp-image-delete img)
  (pass "texture from a layer of another image"))
