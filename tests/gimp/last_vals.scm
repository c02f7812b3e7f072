; RUN-WITH-LAST-VALS works headless (no dialog, no display needed): without stored values it uses the defaults.
;; expect-output: PASS: last-vals
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 48 32 RGB RGB-IMAGE 0 0 0))
       (src (source-layer img)))
  (plug-in-atelier-test-tint #:run-mode RUN-WITH-LAST-VALS #:image img #:drawables (vector src))
  (let ((new (vector-ref (gimp-image-get-layers img) 0)))
    (check (equal? (gimp-item-get-name new) "Test tint") "default layer name")
    ; defaults: red, strength 0.5 -> (0.5, 0, 0) in sRGB values
    (check (near? (gimp-drawable-get-pixel new 3 3) '(128 0 0 255) 1)
           (string-append "default colour and strength: " (pixel->str (gimp-drawable-get-pixel new 3 3)))))
  (gimp-image-delete img))
(pass "last-vals")
