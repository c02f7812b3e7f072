; Bad input gives an error (never a crash, never a half-made layer), and the plug-in keeps working.
;; expect-output: Image ▸ Mode ▸ RGB
;; expect-output: The selection does not overlap the layer
;; expect-output: out of range
;; expect-output: not-an-image.png
;; expect-output: Select exactly one layer
;; expect-output: RUN-INTERACTIVE needs a display
;; expect-output: belongs to another image
;; expect-output: 'color' must be one of red|green|blue, got 'bogus'
;; expect-output: 'method' must be one of optimize|feed-forward|arbitrary, got 'bogus'
;; expect-output: 'network' must be one of
;; expect-output: the file '/nonexistent/style.png' does not exist
;; reject-output: not transformable to string
;; reject-output: is not a local file
;; reject-output: Plug-in crashed
;; expect-output: PASS: errors
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(define (layer-count img) (vector-length (gimp-image-get-layers img)))

; Indexed image.
(let* ((img (make-image 96 64 RGB RGB-IMAGE 200 40 40)))
  (gimp-image-convert-indexed img CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE 16 #f #f "")
  (check (fails? (lambda () (tint img (vector (source-layer img))))) "indexed image is refused")
  (check (= (layer-count img) 1) "no layer added to the indexed image")
  (gimp-image-delete img))

; A selection that does not overlap the layer.
(let* ((img (make-image 96 64 RGB RGB-IMAGE 200 40 40))
       (small (gimp-layer-new img "small" 20 20 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
  (gimp-image-insert-layer img small 0 0)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 50 30 20 20)
  (check (fails? (lambda () (tint img (vector small)))) "empty selection ∩ layer is refused")
  (check (= (layer-count img) 2) "no layer added for an empty intersection")
  (gimp-image-delete img))

(let* ((img (make-image 96 64 RGB RGB-IMAGE 200 40 40))
       (src (source-layer img))
       (bad (string-append atelier-work-dir "/not-an-image.png")))
  ; Out-of-range values are refused before the plug-in runs.
  (check (fails? (lambda () (tint img (vector src) #:iterations 5000))) "iterations out of range")
  (check (fails? (lambda () (tint img (vector src) #:strength 1.5))) "strength out of range")
  ; An existing file that is not an image.
  (call-with-output-file bad (lambda (port) (display "this is not a PNG" port)))
  (check (fails? (lambda () (tint img (vector src) #:style-image bad))) "unreadable style image")
  ; Two drawables.
  (let ((second (gimp-layer-new img "second" 96 64 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
    (gimp-image-insert-layer img second 0 0)
    (check (fails? (lambda () (tint img (vector src second)))) "two drawables are refused")
    (check (= (layer-count img) 2) "no layer added by the failures")
    ; RUN-INTERACTIVE without a display: an error, not a crash.
    (check (fails? (lambda () (plug-in-atelier-test-tint #:run-mode RUN-INTERACTIVE #:image img
                                                         #:drawables (vector src))))
           "RUN-INTERACTIVE headless is refused")
    ; The plug-in still works after all that.
    (tint img (vector src) #:iterations 1)
    (check (= (layer-count img) 3) "a good call still works"))
  (gimp-image-delete img))
; A layer of another image (possible from Python-Fu and Script-Fu): refused, neither image changes.
(let* ((img (make-image 96 64 RGB RGB-IMAGE 200 40 40))
       (other (make-image 50 40 RGB RGB-IMAGE 10 10 10)))
  (check (fails? (lambda () (tint other (vector (source-layer img))))) "a drawable of another image is refused")
  (check (= (layer-count img) 1) "no layer added to the drawable's image")
  (check (= (layer-count other) 1) "no layer added to the other image")
  (gimp-image-delete img)
  (gimp-image-delete other))
; Script-Fu keyword calls with an unknown choice: an error naming the valid values, not the default silently.
(let* ((img (make-image 96 64 RGB RGB-IMAGE 200 40 40))
       (src (source-layer img)))
  (check (fails? (lambda () (tint img (vector src) #:color "bogus"))) "unknown choice is refused")
  (check (fails? (lambda () (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                                                     #:method "bogus")))
         "unknown stylize method is refused")
  (check (fails? (lambda () (plug-in-atelier-dream #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                                                   #:network "nosuch")))
         "unknown network is refused")
  ; A style file that does not exist is named; "" means no style file.
  (check (fails? (lambda () (tint img (vector src) #:style-image "/nonexistent/style.png"))) "missing style file")
  (check (= (layer-count img) 1) "no layer added by the failures")
  (tint img (vector src) #:style-image "" #:iterations 1)
  (check (= (layer-count img) 2) "an empty style file name means none")
  (gimp-image-delete img))
(pass "errors")
