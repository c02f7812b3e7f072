; Helpers for the headless plug-in tests (loaded by each test; run through tools/gimp-env.sh, which defines
; atelier-work-dir and atelier-source-dir). Failures raise an error, so gimp-console exits non-zero.
(script-fu-use-v3)

(define (fail msg)
  (display (string-append "FAIL: " msg)) (newline)
  (error (string-append "FAIL: " msg)))

(define (check ok msg)
  (if ok
      (begin (display (string-append "ok: " msg)) (newline))
      (fail msg)))

(define (pass name)
  (display (string-append "PASS: " name)) (newline))

(define (num->str x) (number->string x))
(define (vector-index vec x)
  (let loop ((i 0))
    (cond ((>= i (vector-length vec)) -1)
          ((= (vector-ref vec i) x) i)
          (else (loop (+ i 1))))))

; A new image with one filled layer (type RGB-IMAGE, RGBA-IMAGE, GRAY-IMAGE ...) of w x h.
(define (make-image w h base type r g b)
  (let* ((img (gimp-image-new w h base))
         (layer (gimp-layer-new img "source" w h type 100 LAYER-MODE-NORMAL)))
    (gimp-image-insert-layer img layer 0 0)
    (gimp-context-set-foreground (list r g b))
    (gimp-drawable-fill layer FILL-FOREGROUND)
    img))

(define (source-layer img) (vector-ref (gimp-image-get-layers img) 0))

; After a filter ran on a selection of an image of colour `background` with a shape of colour `shape-colour`:
; the composite is unchanged at every (x y) of `outside`, and changed at `inside-background` or `inside-shape`.
(define (check-changed-only-inside img background shape-colour outside inside-background inside-shape)
  (for-each (lambda (p)
              (check (near? (composite-pixel img (car p) (cadr p)) background 0)
                     (string-append "outside the selection unchanged at " (pixel->str p))))
            outside)
  (check (or (not (near? (composite-pixel img (car inside-background) (cadr inside-background)) background 3))
             (not (near? (composite-pixel img (car inside-shape) (cadr inside-shape)) shape-colour 3)))
         "inside the selection changed"))

; Saves a 64x64 style image with vertical dark-blue stripes on yellow to `file` (any format GIMP writes).
(define (save-striped-style file)
  (let ((style (make-image 64 64 RGB RGB-IMAGE 250 200 20)))
    (gimp-context-set-foreground '(20 20 160))
    (let loop ((x 0))
      (if (< x 64) (begin
        (gimp-image-select-rectangle style CHANNEL-OP-REPLACE x 0 4 64)
        (gimp-drawable-edit-fill (source-layer style) FILL-FOREGROUND)
        (loop (+ x 8)))))
    (gimp-selection-none style)
    (gimp-file-save RUN-NONINTERACTIVE style file -1)
    (gimp-image-delete style)))

; Pixel of the flattened composite, as a list of 0-255 values (r g b) or (y) for grey.
(define (composite-pixel img x y)
  (let* ((dup (gimp-image-duplicate img))
         (flat (gimp-image-flatten dup))
         (px (gimp-drawable-get-pixel flat x y)))
    (gimp-image-delete dup)
    px))

(define (near? a b tol)
  (cond ((and (null? a) (null? b)) #t)
        ((or (null? a) (null? b)) #f)
        ((> (abs (- (car a) (car b))) tol) #f)
        (else (near? (cdr a) (cdr b) tol))))

; Mean colour (r g b), 0-255, of a drawable's pixels, from GIMP's histogram: the whole drawable when nothing is
; selected, else only its selected pixels.
(define (mean-rgb drawable)
  (map (lambda (channel) (car (gimp-drawable-histogram drawable channel 0.0 1.0)))
       (list HISTOGRAM-RED HISTOGRAM-GREEN HISTOGRAM-BLUE)))

; How far the colour `c` went from `from` toward `to`: 0 at `from`, 1 at `to` (the projection on that line).
(define (progress-toward c from to)
  (let ((dot (lambda (a b) (apply + (map * a b))))
        (minus (lambda (a b) (map - a b))))
    (/ (dot (minus c from) (minus to from)) (dot (minus to from) (minus to from)))))

; The mean colour of `layer` went at least `fraction` of the way from the content's colour to the style's.
(define (check-mean-toward layer content style fraction msg)
  (let* ((m (mean-rgb layer))
         (t (progress-toward m content style)))
    (display (string-append "mean colour " (pixel->str (map round m)) "is " (num->str (/ (round (* 100 t)) 100))
                            " of the way from " (pixel->str content) "to " (pixel->str style)))
    (newline)
    (check (>= t fraction) msg)))

(define (pixel->str px)
  (apply string-append (map (lambda (v) (string-append (number->string v) " ")) px)))

; Calls thunk, returns #t when it raised an error (the PDB call failed) and #f when it succeeded.
(define (fails? thunk)
  (catch #t (begin (thunk) #f)))

(define (tint img drawables . keywords)
  (apply plug-in-atelier-test-tint
         (append (list #:run-mode RUN-NONINTERACTIVE #:image img #:drawables drawables) keywords)))

; gimp-layer-get-mask returns -1 (with a warning) when there is no mask.
(define (has-mask? layer)
  (let ((m (gimp-layer-get-mask layer)))
    (and (number? m) (> m 0))))

; The result of a filter run on a fresh image with one layer: one new layer directly above src, named `name`,
; w x h at offsets (x, y).
(define (check-result-layer img src name w h x y)
  (let* ((layers (gimp-image-get-layers img))
         (new (vector-ref layers 0)))
    (check (= (vector-length layers) 2) "one layer added")
    (check (= (vector-ref layers 1) src) "directly above the source")
    (check (equal? (gimp-item-get-name new) name) "named from layer-name")
    (check (= (gimp-drawable-get-width new) w) "selection width")
    (check (= (gimp-drawable-get-height new) h) "selection height")
    (check (equal? (gimp-drawable-get-offsets new) (list x y)) "selection offsets")))
