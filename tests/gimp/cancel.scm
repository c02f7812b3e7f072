; In the GUI: a long run (last values: 1000 iterations of 20 ms) is cancelled from our progress window
; (cancel.sh clicks its Cancel button while the run goes on): the call ends as cancelled and the image is left
; untouched (no layer, no undo group), where a run that went on to its end would have added a layer.
;; expect-output: PASS: cancel
;; reject-output: inconsistent state
;; reject-output: Plug-in crashed
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 0 0 0))
       (src (source-layer img)))
  (gimp-display-new img)
  (display "starting the long run") (newline)
  ; Script-Fu does not raise for a cancelled call (GIMP_PDB_CANCEL); it just returns.
  (catch #t (plug-in-atelier-test-tint #:run-mode RUN-WITH-LAST-VALS #:image img #:drawables (vector src)))
  (display "the call returned") (newline)
  (check (= (vector-length (gimp-image-get-layers img)) 1) "no layer was added"))
(pass "cancel")
