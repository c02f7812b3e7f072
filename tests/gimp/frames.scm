; Stylize Frames on a three-layer animation: a new image of the canvas's size with one stylised layer per frame,
; in the same order, names and timing tags kept, each frame in canvas position (a smaller offset layer stays
; where it was, transparent around it); the original image unchanged; a one-layer image refused.
;; expect-output: PASS: frames
;; expect-output: PASS: one layer refused
;; expect-output: one layer per frame
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(define (layer-names img)
  (map gimp-item-get-name (vector->list (gimp-image-get-layers img))))

; The images open now that are not in `before`.
(define (new-images before)
  (let loop ((all (vector->list (gimp-get-images))) (out '()))
    (cond ((null? all) out)
          ((>= (vector-index before (car all)) 0) (loop (cdr all) out))
          (else (loop (cdr all) (cons (car all) out))))))

; Frames with texture (a flat frame would give every frame the same result: instance normalisation removes a
; constant colour): the fixture picture, its negative, and the picture small and offset.
(define fixture (string-append atelier-source-dir "/tests/fixtures/tiny_rgba.png"))
(define (picture-layer img name w h)
  (let ((l (gimp-file-load-layer RUN-NONINTERACTIVE img fixture)))
    (gimp-image-insert-layer img l 0 0)
    (gimp-layer-scale l w h #f)
    (gimp-item-set-name l name)
    l))
(define (pixels-at layer points)
  (map (lambda (p) (gimp-drawable-get-pixel layer (car p) (cadr p))) points))

(let* ((img (gimp-image-new 96 72 RGB))
       (l1 (picture-layer img "frame 1 (100ms)" 96 72))
       (l2 (picture-layer img "frame 2 (200ms)" 96 72))
       (l3 (picture-layer img "frame 3" 48 36)))
  (gimp-drawable-invert l2 #f)
  (gimp-layer-set-offsets l3 10 8)
  (let ((names-before (layer-names img))
        (pixels-before (pixels-at l2 '((5 5) (50 40) (90 70))))
        (before (gimp-get-images)))
    (let ((returned (plug-in-atelier-stylize-frames #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector l3)
                                                    #:method "feed-forward" #:fast-model "wave" #:size 0
                                                    #:temporal-weight 1.0))
          (made (new-images before)))
      (check (= (length made) 1) "one new image")
      (check (= returned (car made)) "the procedure returns the new image")
      (let* ((new (car made))
             (layers (gimp-image-get-layers new)))
        (check (= (vector-length layers) 3) "one layer per frame")
        (check (equal? (layer-names new) names-before) "frame order and names (timing tags) kept")
        (check (and (= (gimp-image-get-width new) 96) (= (gimp-image-get-height new) 72)) "the canvas's size")
        (for-each (lambda (l) (check (equal? (gimp-drawable-get-offsets l) '(0 0)) "frames in canvas position"))
                  (vector->list layers))
        ; Frame 3 is the small layer's pixels where it lies: transparent outside, stylised inside.
        (let ((top (vector-ref layers 0)))
          (for-each (lambda (p)
                      (let ((px (gimp-drawable-get-pixel top (car p) (cadr p))))
                        (display (string-append "frame 3 at " (pixel->str p) ": " (pixel->str px))) (newline)
                        (check (= (list-ref px 3) 0) "outside the small frame's layer is transparent")))
                    '((2 2) (90 70) (70 20)))
          (check (not (near? (map round (mean-rgb top)) (map round (mean-rgb l3)) 10)) "the small frame is stylised"))
        ; Frame 2 is frame 1's negative: their results differ.
        (let ((points '((10 10) (48 36) (80 60) (30 50))))
          (check (not (near? (apply append (pixels-at (vector-ref layers 2) points))
                             (apply append (pixels-at (vector-ref layers 1) points)) 10))
                 "each frame is stylised from its own layer"))
        (gimp-image-delete new)))
    (check (equal? (layer-names img) names-before) "the original image keeps its layers")
    (check (equal? (gimp-drawable-get-offsets l3) '(10 8)) "the original layers did not move")
    (check (equal? (pixels-at l2 '((5 5) (50 40) (90 70))) pixels-before) "the original pixels are unchanged"))
  (gimp-image-delete img)
  (pass "frames"))

(let* ((img (make-image 64 48 RGB RGB-IMAGE 90 140 200))
       (before (gimp-get-images)))
  (check (fails? (lambda ()
                   (plug-in-atelier-stylize-frames #:run-mode RUN-NONINTERACTIVE #:image img
                                                   #:drawables (vector (source-layer img))
                                                   #:method "feed-forward")))
         "a one-layer image is refused")
  (check (null? (new-images before)) "no image made")
  (gimp-image-delete img)
  (pass "one layer refused"))
