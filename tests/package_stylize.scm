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
(define (rgb px) (list (car px) (cadr px) (caddr px)))
(define (distance a b) (apply + (map (lambda (x y) (abs (- x y))) (rgb a) (rgb b))))

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
         (new (vector-ref layers 0))
         (points '((8 8) (48 36) (70 80) (100 48) (120 90)))
         (changed (let loop ((ps points) (n 0))
                    (if (null? ps)
                        n
                        (let ((x (car (car ps))) (y (cadr (car ps))))
                          (loop (cdr ps)
                                (if (> (distance (gimp-drawable-get-pixel new x y) (gimp-drawable-get-pixel src x y)) 30)
                                    (+ n 1)
                                    n)))))))
    (check (= (vector-length layers) 2) "Stylize added one layer")
    (check (= (vector-ref layers 1) src) "directly above the source")
    (check (equal? (gimp-item-get-name new) "packaged wave") "named from layer-name")
    (check (and (= (gimp-drawable-get-width new) 128) (= (gimp-drawable-get-height new) 96)) "of the source's size")
    (check (>= changed 4) (string-append "the result differs from the source (" (number->string changed)
                                         " of 5 sample pixels changed)")))
  (gimp-file-save RUN-NONINTERACTIVE img (string-append out-dir "/stylized.png") -1)
  (gimp-image-delete img))

(display "PASS: package stylize") (newline)
