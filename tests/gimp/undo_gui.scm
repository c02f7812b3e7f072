; Run by undo_gui.sh in the GUI: a green image on screen, a rectangular selection, the test filter tints it pure
; red into a new layer. undo_gui.sh then presses Ctrl+Z once and checks on screen that all red is gone.
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 300 200 RGB RGB-IMAGE 0 200 0))
       (src (source-layer img)))
  (gimp-image-undo-enable img)
  (gimp-display-new img)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 50 40 200 120)
  (tint img (vector src) #:strength 1.0 #:iterations 1)  ; the last undo step: Edit > Undo must remove it all
  (gimp-displays-flush)
  (check (= (vector-length (gimp-image-get-layers img)) 2) "a layer was added")
  (call-with-output-file (string-append atelier-work-dir "/filter-done") (lambda (port) (display "done" port))))
(pass "undo_gui")
