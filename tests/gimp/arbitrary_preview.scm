; In the GUI: Stylize with the Arbitrary method on a photo, the painting as the proposed style layer
; (arbitrary_preview.sh seeds the method as the last value and clicks OK once the dialog's preview has fitted the
; style). The run must add its layer.
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(define darknet "/usr/share/darknet/data/")
(let* ((img (gimp-image-new 400 300 RGB))
       (photo (gimp-file-load-layer RUN-NONINTERACTIVE img (string-append darknet "dog.jpg")))
       (painting (gimp-file-load-layer RUN-NONINTERACTIVE img (string-append darknet "scream.jpg"))))
  (gimp-image-insert-layer img photo 0 0)
  (gimp-layer-scale photo 400 300 FALSE)
  (gimp-layer-set-offsets photo 0 0)
  ; The topmost other layer is the style the dialog proposes.
  (gimp-image-insert-layer img painting 0 0)
  (gimp-display-new img)
  (plug-in-atelier-stylize #:run-mode RUN-INTERACTIVE #:image img #:drawables (vector photo))
  (check (= (vector-length (gimp-image-get-layers img)) 3) "the run added its layer"))
(pass "arbitrary-preview")
