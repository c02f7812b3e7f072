; What the PDB can see of the plug-in's undo handling (the one-step Ctrl+Z itself is undo_gui.sh's: GIMP 3.0's
; PDB cannot undo): the run closes the undo group it opens (else GIMP warns that the plug-in "left image undo in
; inconsistent state"), leaves undo enabled, and works on an image with undo disabled, leaving it disabled.
;; expect-output: PASS: undo
;; reject-output: inconsistent state
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 10 20 30))
       (src (source-layer img)))
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 8 8 40 20)
  (tint img (vector src) #:iterations 1)
  (check (= (vector-length (gimp-image-get-layers img)) 2) "a layer was added")
  (check (gimp-image-undo-is-enabled img) "undo still enabled")
  (gimp-image-delete img))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 10 20 30))
       (src (source-layer img)))
  (gimp-image-undo-disable img)
  (tint img (vector src) #:iterations 1)
  (check (= (vector-length (gimp-image-get-layers img)) 2) "works with undo disabled")
  (check (not (gimp-image-undo-is-enabled img)) "undo still disabled")
  (gimp-image-delete img))
(pass "undo")
