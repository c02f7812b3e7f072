; The whole run is one undo step: one undo restores the original layer list.
;; expect-output: PASS: undo
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 10 20 30))
       (src (source-layer img)))
  (gimp-image-undo-enable img)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 8 8 40 20)
  (gimp-image-clean-all img)
  (let ((before (gimp-image-get-layers img)))
    (tint img (vector src) #:iterations 1)
    (check (= (vector-length (gimp-image-get-layers img)) 2) "a layer was added")
    (check (gimp-image-is-dirty img) "the image is dirty")
    (gimp-image-undo img)
    (check (equal? (gimp-image-get-layers img) before) "one undo restores the layer list")
    (check (near? (composite-pixel img 10 10) '(10 20 30) 0) "and the pixels"))
  (gimp-image-delete img)
  (pass "undo"))
