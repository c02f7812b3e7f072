; Grey sources give a GRAYA layer; the source's alpha is kept.
;; expect-output: PASS: gray-alpha
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 96 64 GRAY GRAY-IMAGE 100 100 100))
       (src (source-layer img)))
  (tint img (vector src) #:iterations 1 #:strength 0.5 #:color "red" #:layer-name "grey result")
  (let ((new (vector-ref (gimp-image-get-layers img) 0)))
    (check (equal? (gimp-item-get-name new) "grey result") "the result layer exists")
    (check (gimp-drawable-is-gray new) "the result is grey")
    (check (gimp-drawable-has-alpha new) "the result has alpha")
    ; Engine sees RGB (100,100,100)/255 mixed half with red; the layer stores its luminance.
    (check (near? (gimp-drawable-get-pixel new 5 5) (list 97 255) 2)
           (string-append "grey result = luminance of the RGB result (97): " (pixel->str (gimp-drawable-get-pixel new 5 5)))))
  (gimp-image-delete img))

(let* ((img (make-image 96 64 RGB RGBA-IMAGE 200 40 40))
       (src (source-layer img)))
  ; Make the left half transparent.
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 0 0 48 64)
  (gimp-drawable-edit-clear src)
  (gimp-selection-none img)
  (tint img (vector src) #:iterations 1 #:strength 1.0 #:color "blue")
  (let ((new (vector-ref (gimp-image-get-layers img) 0)))
    (check (= (cadddr (gimp-drawable-get-pixel new 10 10)) 0) "transparent source pixel stays transparent")
    (check (near? (gimp-drawable-get-pixel new 70 10) '(0 0 255 255) 1) "opaque source pixel: tinted, opaque"))
  (gimp-image-delete img))
(pass "gray-alpha")
