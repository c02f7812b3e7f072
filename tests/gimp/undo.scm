; The run is one undo group, opened only once the result is ready and always closed.
; GIMP 3.0's PDB has no procedure that performs an undo, so this checks what the PDB can see: the undo stack is
; usable and consistent afterwards (GIMP warns "left image undo in inconsistent state" for an open group) and the
; plug-in also works on images with undo disabled. A one-step Ctrl+Z needs the GUI (see docs/gimp-plugin.md).
;; expect-output: PASS: undo
;; reject-output: inconsistent state
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 10 20 30))
       (src (source-layer img)))
  (gimp-image-undo-enable img)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 8 8 40 20)
  (gimp-image-clean-all img)
  (tint img (vector src) #:iterations 1)
  (check (= (vector-length (gimp-image-get-layers img)) 2) "a layer was added")
  (check (gimp-image-is-dirty img) "the change is on the undo stack (image dirty)")
  (check (gimp-image-undo-is-enabled img) "undo still enabled")
  ; A group opened by the plug-in and left open would make this nest instead of being a fresh group.
  (check (gimp-image-undo-group-start img) "a new undo group can be started")
  (check (gimp-image-undo-group-end img) "and ended")
  (gimp-image-delete img))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 10 20 30))
       (src (source-layer img)))
  (gimp-image-undo-disable img)
  (tint img (vector src) #:iterations 1)
  (check (= (vector-length (gimp-image-get-layers img)) 2) "works with undo disabled")
  (gimp-image-delete img))
(pass "undo")
