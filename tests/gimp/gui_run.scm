; In the GUI (display available): RUN-WITH-LAST-VALS runs with our progress window (worker thread + GTK pumping)
; and creates the layer; a run that the user would cancel is covered by the Cancel button's flag (unit-level).
;; expect-output: PASS: gui-run
;; reject-output: Plug-in crashed
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 0 0 0))
       (src (source-layer img)))
  (gimp-display-new img)
  (plug-in-atelier-test-tint #:run-mode RUN-WITH-LAST-VALS #:image img #:drawables (vector src))
  (let ((new (vector-ref (gimp-image-get-layers img) 0)))
    (check (equal? (gimp-item-get-name new) "Test tint") "the layer was created")
    (check (near? (gimp-drawable-get-pixel new 3 3) '(128 0 0 255) 1) "with the default values")))
(pass "gui-run")
