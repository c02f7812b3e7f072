; In the GUI: a long run (last values: 1000 iterations of 20 ms) is stopped with our progress window's Stop and
; Keep (cancel.sh keep clicks it once the progress picture shows): the call succeeds before the run's end, and the
; new layer holds the result so far, a partial tint (the test filter's tint grows with the iterations done).
;; expect-output: PASS: keep
;; reject-output: inconsistent state
;; reject-output: Plug-in crashed
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 0 0 0))
       (src (source-layer img)))
  (gimp-display-new img)
  (display "starting the long run") (newline)
  (plug-in-atelier-test-tint #:run-mode RUN-WITH-LAST-VALS #:image img #:drawables (vector src))
  (display "the call returned") (newline)
  (check (= (vector-length (gimp-image-get-layers img)) 2) "a new layer was added")
  ; Black tinted red at strength 0.5: a full run gives red 128; a few seconds of the 20 give a little red.
  (let ((red (car (gimp-drawable-get-pixel (vector-ref (gimp-image-get-layers img) 0) 10 10))))
    (display (string-append "red of the kept result: " (number->string red))) (newline)
    (check (and (> red 0) (< red 100)) "the kept layer is the partial result")))
(pass "keep")
