; The new layer sits directly above the source, sized and placed at (selection ∩ layer).
;; expect-output: PASS: layer-position
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 200 40 40))
       (bg (source-layer img))
       (src (gimp-layer-new img "offset source" 80 50 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
  (gimp-image-insert-layer img src 0 0)
  (gimp-layer-set-offsets src 10 5)
  (gimp-drawable-fill src FILL-WHITE)

  ; No selection: the whole layer.
  (tint img (vector src) #:iterations 1 #:layer-name "whole")
  (let* ((layers (gimp-image-get-layers img))
         (new (vector-ref layers 0)))
    (check (= (vector-length layers) 3) "one layer added")
    (check (equal? (gimp-item-get-name new) "whole") "named from layer-name")
    (check (= (vector-ref layers 1) src) "directly above the source")
    (check (= (gimp-drawable-get-width new) 80) "full width")
    (check (= (gimp-drawable-get-height new) 50) "full height")
    (check (equal? (gimp-drawable-get-offsets new) '(10 5)) "at the layer's offsets")
    (check (not (has-mask? new)) "no mask without a selection"))

  ; A 30x30 selection at (0,0) overlaps the layer in 20x25 at (10,5).
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 0 0 30 30)
  (tint img (vector src) #:iterations 1 #:layer-name "part")
  (let* ((layers (gimp-image-get-layers img))
         (new (vector-ref layers 1)))
    (check (= (vector-length layers) 4) "second layer added")
    (check (equal? (gimp-item-get-name new) "part") "second layer's name")
    (check (= (vector-ref layers 2) src) "second result directly above the source too")
    (check (= (gimp-drawable-get-width new) 20) "width of selection ∩ layer")
    (check (= (gimp-drawable-get-height new) 25) "height of selection ∩ layer")
    (check (equal? (gimp-drawable-get-offsets new) '(10 5)) "offsets of selection ∩ layer")
    (check (has-mask? new) "a layer mask from the selection")
    (check (not (gimp-layer-get-edit-mask new)) "the mask is not the edited drawable"))

  ; Default layer name (the parameter's default).
  (gimp-selection-none img)
  (tint img (vector bg) #:iterations 1)
  (check (equal? (gimp-item-get-name (vector-ref (gimp-image-get-layers img) 3)) "Test tint")
         "default layer name above the background")
  (gimp-image-delete img)
  (pass "layer-position"))
