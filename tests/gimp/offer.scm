; In the GUI: a run whose model is not installed offers the model manager (models.sh offer clicks Open Models…,
; Install and Close); the run then repeats by itself and adds its layer.
;; expect-output: PASS: offer
;; reject-output: Plug-in crashed
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 0 0 0))
       (src (source-layer img)))
  (gimp-display-new img)
  (plug-in-atelier-test-needs-model #:run-mode RUN-WITH-LAST-VALS #:image img #:drawables (vector src))
  (display "the call returned") (newline)
  (check (= (vector-length (gimp-image-get-layers img)) 2) "the repeated run added its layer")
  (let ((red (car (gimp-drawable-get-pixel (vector-ref (gimp-image-get-layers img) 0) 10 10))))
    (check (> red 200) "the new layer is the inverted black")))
(pass "offer")
