; Under a decimal-comma locale (run by tests/in-locale.sh de_DE.UTF-8, as a German user's GIMP runs the plug-in):
; the model's safetensors header, fractional layer doses and fractional parameters all read correctly.
; Before the fix Stylize reported the model as damaged and Neural Dream refused the dose "0.5".
;; expect-output: PASS: locale_de
;; reject-output: not a valid safetensors file
;; reject-output: must be a number
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(define style-file (string-append atelier-work-dir "/style.png"))

(let* ((img (make-image 120 90 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img))
       (style (make-image 64 64 RGB RGB-IMAGE 250 200 20)))
  (gimp-image-select-rectangle style CHANNEL-OP-REPLACE 0 0 32 64)
  (gimp-context-set-foreground '(20 20 160))
  (gimp-drawable-edit-fill (source-layer style) FILL-FOREGROUND)
  (gimp-selection-none style)
  (gimp-file-save RUN-NONINTERACTIVE style style-file -1)
  (gimp-image-delete style)
  (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 30 20 60 50)
  (gimp-context-set-foreground '(240 200 40))
  (gimp-drawable-edit-fill src FILL-FOREGROUND)
  (gimp-selection-none img)
  (plug-in-atelier-dream #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                         #:layers "mixed3:0.5, mixed4:-0.25" #:size 100 #:octaves 1 #:iterations 2
                         #:step-size 0.05 #:layer-name "dreamed")
  (check-result-layer img src "dreamed" 120 90 0 0)
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:style-image style-file #:size 96 #:iterations 2 #:style-strength 1.5
                           #:layer-name "stylized")
  (check (equal? (gimp-item-get-name (vector-ref (gimp-image-get-layers img) 0)) "dreamed") "dream layer on top")
  (check (equal? (gimp-item-get-name (vector-ref (gimp-image-get-layers img) 1)) "stylized")
         "stylized layer above the source")
  (gimp-image-delete img)
  (pass "locale_de"))
