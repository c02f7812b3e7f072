; With a rectangular selection, the flattened image changes inside it and nowhere else.
;; expect-output: PASS: selection-pixels
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 200 40 40))
       (src (source-layer img)))
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 16 8 32 24)
  (tint img (vector src) #:iterations 2 #:strength 1.0 #:color "green")
  (gimp-selection-none img)
  (check (near? (composite-pixel img 20 10) '(0 255 0) 1) "inside the selection: tinted green")
  (check (near? (composite-pixel img 47 31) '(0 255 0) 1) "last pixel inside: tinted")
  (check (near? (composite-pixel img 2 2) '(200 40 40) 0) "outside (2,2): unchanged")
  (check (near? (composite-pixel img 48 32) '(200 40 40) 0) "just outside (48,32): unchanged")
  (check (near? (composite-pixel img 15 20) '(200 40 40) 0) "just left (15,20): unchanged")
  (check (near? (gimp-drawable-get-pixel src 20 10) '(200 40 40) 0) "the source layer itself is untouched")
  (gimp-image-delete img)
  (pass "selection-pixels"))
