; Large Tiled Style end to end on a layer larger than one tile, with a selection: a new layer above the source
; of the selection's size; inside the selection the composite changes, outside it does not.
;; expect-output: PASS: large-style
;; requires-argument: plug-in-atelier-large-tiled-style max-tile
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(define style-file (string-append atelier-work-dir "/large-style.png"))

(let* ((img (make-image 260 200 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img)))
  (save-striped-style style-file)
  (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 40 30 150 120)
  (gimp-context-set-foreground '(240 240 240))
  (gimp-drawable-edit-fill src FILL-FOREGROUND)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 20 10 230 180)
  (plug-in-atelier-large-tiled-style #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                                     #:style-image style-file #:quality "fast" #:start-size 128 #:max-tile 160
                                     #:network "inception_v3" #:layer-name "large")
  (gimp-selection-none img)
  (check-result-layer img src "large" 230 180 20 10)
  (check-changed-only-inside img '(90 140 200) '(240 240 240) '((2 2) (255 195)) '(25 15) '(115 90))
  (gimp-image-delete img)
  (pass "large-style"))
