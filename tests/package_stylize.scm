; Run by tests/package_test.sh inside a clean Debian 13 root where the neural-atelier package is installed, by an
; ordinary user with a fresh home: the system's GIMP 3 finds the plug-in in its own plug-in folder, and Stylize
; with the instant method applies a bundled network (copied on first use from /usr/share/neural-atelier/fast-style
; into the user's model library) to a small picture. No feature network (InceptionV3) is installed.
; Defined before this file is loaded: out-dir (input.png and stylized.png are written there).
(script-fu-use-v3)

(define (fail msg)
  (display (string-append "FAIL: " msg)) (newline)
  (error (string-append "FAIL: " msg)))
(define (check ok msg)
  (if ok (begin (display (string-append "ok: " msg)) (newline)) (fail msg)))
; Mean of |result - source| over every pixel, summed over r, g and b (0-765): the result layer in difference mode
; over the source, flattened in a copy of the image, and that layer's histogram per channel.
(define (mean-difference img)
  (let* ((dup (gimp-image-duplicate img))
         (top (vector-ref (gimp-image-get-layers dup) 0)))
    (gimp-layer-set-mode top LAYER-MODE-DIFFERENCE-LEGACY)
    (let* ((flat (gimp-image-flatten dup))
           (d (apply + (map (lambda (channel) (car (gimp-drawable-histogram flat channel 0.0 1.0)))
                            (list HISTOGRAM-RED HISTOGRAM-GREEN HISTOGRAM-BLUE)))))
      (gimp-image-delete dup)
      d)))

(check (gimp-pdb-procedure-exists "plug-in-atelier-stylize") "the system's GIMP knows plug-in-atelier-stylize")

(let* ((img (gimp-image-new 128 96 RGB))
       (src (gimp-layer-new img "photo" 128 96 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
  ; A picture with some structure: a light ellipse and a dark bar on blue-grey.
  (gimp-image-insert-layer img src 0 0)
  (gimp-context-set-foreground '(90 140 200))
  (gimp-drawable-fill src FILL-FOREGROUND)
  (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 16 12 64 48)
  (gimp-context-set-foreground '(240 230 200))
  (gimp-drawable-edit-fill src FILL-FOREGROUND)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 92 8 20 80)
  (gimp-context-set-foreground '(40 30 20))
  (gimp-drawable-edit-fill src FILL-FOREGROUND)
  (gimp-selection-none img)
  (gimp-file-save RUN-NONINTERACTIVE img (string-append out-dir "/input.png") -1)

  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:method "feed-forward" #:fast-model "wave" #:layer-name "packaged wave")

  (let* ((layers (gimp-image-get-layers img))
         (new (vector-ref layers 0)))
    (check (= (vector-length layers) 2) "Stylize added one layer")
    (check (= (vector-ref layers 1) src) "directly above the source")
    (check (equal? (gimp-item-get-name new) "packaged wave") "named from layer-name")
    (check (and (= (gimp-drawable-get-width new) 128) (= (gimp-drawable-get-height new) 96)) "of the source's size")
    (let ((d (mean-difference img)))
      (check (> d 60) (string-append "the whole result differs from the source (mean |result - source| "
                                     (number->string d) " of 765, r+g+b)"))))
  (gimp-file-save RUN-NONINTERACTIVE img (string-append out-dir "/stylized.png") -1)
  (gimp-image-delete img))

(display "PASS: package stylize") (newline)
