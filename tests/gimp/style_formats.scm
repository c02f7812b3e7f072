; Style images are read through GIMP's own loaders: formats the engine's reader cannot decode (TIFF, XCF) work,
; and an XCF's visible layers are what is used. The test filter tints with the style image's mean colour.
;; expect-output: PASS: style_formats
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(define (style-file name r g b)
  (let* ((path (string-append atelier-work-dir "/" name))
         (img (make-image 32 32 RGB RGB-IMAGE r g b)))
    (gimp-file-save RUN-NONINTERACTIVE img path -1)
    (gimp-image-delete img)
    path))

(define (tinted-by path)
  (let* ((img (make-image 40 30 RGB RGB-IMAGE 10 10 10))
         (src (source-layer img)))
    (tint img (vector src) #:style-image path #:strength 1.0 #:iterations 1)
    (let ((px (composite-pixel img 20 15)))
      (gimp-image-delete img)
      px)))

(let ((tif (style-file "style.tif" 200 100 50)))
  (check (near? (tinted-by tif) '(200 100 50) 2) (string-append "TIFF style image: " (pixel->str (tinted-by tif)))))

; An XCF whose top layer is hidden: only the visible layer counts.
(let* ((path (string-append atelier-work-dir "/style.xcf"))
       (img (make-image 32 32 RGB RGB-IMAGE 40 160 220))
       (top (gimp-layer-new img "hidden" 32 32 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
  (gimp-image-insert-layer img top 0 0)
  (gimp-drawable-fill top FILL-WHITE)
  (gimp-item-set-visible top #f)
  (gimp-file-save RUN-NONINTERACTIVE img path -1)
  (gimp-image-delete img)
  (check (near? (tinted-by path) '(40 160 220) 2) (string-append "XCF style image: " (pixel->str (tinted-by path)))))
(pass "style_formats")
