; End to end with the real Neural Dream filter and the default model (./run test installs it): a new layer above the
; source covering the selection; the composite changes inside the selection only; a dose of 0 changes nothing.
;; expect-output: PASS: dream
;; requires-argument: plug-in-atelier-dream layers
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 160 120 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img)))
  ; Some structure for the network to see.
  (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 40 30 80 60)
  (gimp-context-set-foreground '(240 200 40))
  (gimp-drawable-edit-fill src FILL-FOREGROUND)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 30 20 100 90)
  (plug-in-atelier-dream #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                         #:layers "mixed3:1" #:size 100 #:octaves 1 #:iterations 4 #:step-size 0.05
                         #:layer-name "dreamed")
  (gimp-selection-none img)
  (check-result-layer img src "dreamed" 100 90 30 20)
  (check (near? (composite-pixel img 2 2) '(90 140 200) 0) "outside the selection unchanged")
  (check (near? (composite-pixel img 150 115) '(90 140 200) 0) "outside the selection unchanged (2)")
  (check (or (not (near? (composite-pixel img 35 25) '(90 140 200) 2))
             (not (near? (composite-pixel img 80 60) '(240 200 40) 2))
             (not (near? (composite-pixel img 45 60) '(240 200 40) 2)))
         "inside the selection changed")
  ; A zero dose leaves the image as it was (its layer goes directly above the source, under the first result).
  (plug-in-atelier-dream #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                         #:layers "mixed3:0" #:size 100 #:octaves 1 #:iterations 2 #:layer-name "zero")
  (let ((zero (vector-ref (gimp-image-get-layers img) 1)))
    (gimp-item-set-visible (vector-ref (gimp-image-get-layers img) 0) #f)
    (check (equal? (gimp-item-get-name zero) "zero") "zero-dose layer directly above the source")
    (check (near? (composite-pixel img 80 60) '(240 200 40) 1) "dose 0 changes nothing (inside)")
    (check (near? (composite-pixel img 35 25) '(90 140 200) 1) "dose 0 changes nothing (corner)"))
  (gimp-image-delete img)
  (pass "dream"))
