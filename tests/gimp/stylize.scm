; End to end with the real Stylize filter and the default model (needs `atelier models install inception_v3`,
; which ./run test does): a new layer above the source; inside the selection the composite changes, outside not.
;; expect-output: PASS: stylize
;; expect-output: PASS: stylize with a style layer
;; expect-output: PASS: stylize coarse to fine
;; expect-output: PASS: stylize starts in the style's colours
;; expect-output: PASS: stylize arbitrary with a style layer
;; expect-output: PASS: stylize arbitrary with a region per style
;; expect-output: choose a channel of the image being processed
;; expect-output: but no second style image
;; expect-output: (style-layer, style-image); choose one of them
;; requires-argument: plug-in-atelier-stylize style-image
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))

(define style-file (string-append atelier-work-dir "/style.png"))

(let* ((img (make-image 160 120 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img)))
  (save-striped-style style-file)
  ; A content image with some structure.
  (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 40 30 80 60)
  (gimp-context-set-foreground '(240 240 240))
  (gimp-drawable-edit-fill src FILL-FOREGROUND)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 30 20 100 90)
  ; The 100x90 selection is painted at 96 px and enlarged with the layer's detail (#:upscale), still only inside.
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:style-image style-file #:size 96 #:iterations 3 #:init "random" #:upscale "detail"
                           #:layer-name "stylized")
  (gimp-selection-none img)
  (check-result-layer img src "stylized" 100 90 30 20)
  (check-changed-only-inside img '(90 140 200) '(240 240 240) '((2 2) (150 115)) '(35 25) '(80 60))
  (gimp-image-delete img)
  (pass "stylize"))

; The style is a layer of another open image (#:style-layer): the new layer takes the style layer's colours (a
; saturated red) rather than staying the blue-grey of the content. The mean colour of the whole layer is judged:
; the grey noise it starts from is 0.32 of the way from the content's colour to the style's, and stays there in a
; few iterations; 100 iterations bring it past 0.55. A style layer and a style file together are refused, for
; being a pair.
(let* ((img (make-image 96 72 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img))
       (style-img (make-image 64 64 RGB RGB-IMAGE 230 40 30))
       (red (source-layer style-img)))
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:style-layer red #:size 96 #:iterations 100 #:init "random" #:layer-name "from a layer")
  (check-result-layer img src "from a layer" 96 72 0 0)
  (check-mean-toward (vector-ref (gimp-image-get-layers img) 0) '(90 140 200) '(230 40 30) 0.45
                     "the style layer's red came through (the whole layer's mean colour)")
  (check (fails? (lambda ()
                   (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                                            #:style-layer red #:style-image style-file #:iterations 1)))
         "a style layer and a style file together are refused")
  (gimp-image-delete style-img)
  (gimp-image-delete img)
  (pass "stylize with a style layer"))


; Coarse to fine (#:scales 2): 96x72 first, then the layer's 192x144; the result is a new layer of the layer's
; size whose mean colour moved toward the red style as above.
(let* ((img (make-image 192 144 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img))
       (style-img (make-image 64 64 RGB RGB-IMAGE 230 40 30))
       (red (source-layer style-img)))
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:style-layer red #:size 192 #:scales 2 #:iterations 100 #:init "random"
                           #:layer-name "two scales")
  (check-result-layer img src "two scales" 192 144 0 0)
  (check-mean-toward (vector-ref (gimp-image-get-layers img) 0) '(90 140 200) '(230 40 30) 0.45
                     "the style's red came through at two scales (the whole layer's mean colour)")
  (gimp-image-delete style-img)
  (gimp-image-delete img)
  (pass "stylize coarse to fine"))

; The default start (#:init "style-colors") is the layer in the style's colours: two steps leave the whole layer
; most of the way to the style's red. Started from the layer itself (#:init "content"), two steps leave it near its
; own blue-grey.
(let* ((img (make-image 96 72 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img))
       (style-img (make-image 64 64 RGB RGB-IMAGE 230 40 30))
       (red (source-layer style-img)))
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:style-layer red #:size 96 #:iterations 2 #:init "style-colors"
                           #:layer-name "in the style's colours")
  (check-result-layer img src "in the style's colours" 96 72 0 0)
  (check-mean-toward (vector-ref (gimp-image-get-layers img) 0) '(90 140 200) '(230 40 30) 0.8
                     "the start in the style's colours is the style's red")
  (gimp-image-remove-layer img (vector-ref (gimp-image-get-layers img) 0))
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:style-layer red #:size 96 #:iterations 2 #:init "content" #:layer-name "from the layer")
  (check-result-layer img src "from the layer" 96 72 0 0)
  (check (< (progress-toward (mean-rgb (vector-ref (gimp-image-get-layers img) 0)) '(90 140 200) '(230 40 30)) 0.5)
         "the start from the layer keeps most of its blue-grey")
  (gimp-image-delete style-img)
  (gimp-image-delete img)
  (pass "stylize starts in the style's colours"))

; The Arbitrary method with a style layer: a new layer of the layer's size, only inside the selection, whose mean
; colour moved toward the style's red (the network paints the layer at its own resolution, fitted in 8 steps).
(let* ((img (make-image 128 96 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img))
       (style-img (make-image 64 64 RGB RGB-IMAGE 230 40 30))
       (red (source-layer style-img)))
  (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 30 20 60 50)
  (gimp-context-set-foreground '(240 240 240))
  (gimp-drawable-edit-fill src FILL-FOREGROUND)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 20 10 80 70)
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:method "arbitrary" #:style-layer red #:fit-steps 8 #:layer-name "arbitrary")
  (gimp-selection-none img)
  (check-result-layer img src "arbitrary" 80 70 20 10)
  (check-changed-only-inside img '(90 140 200) '(240 240 240) '((2 2) (120 90)) '(25 15) '(70 60))
  (check-mean-toward (vector-ref (gimp-image-get-layers img) 0) '(90 140 200) '(230 40 30) 0.3
                     "the style layer's red came through (Arbitrary)")
  (gimp-image-delete style-img)
  (gimp-image-delete img)
  (pass "stylize arbitrary with a style layer"))

; A style per region: channels of the image (saved selections) say where each style paints. The left half gets the
; red style layer, the right half the yellow style file: each half's mean colour moves toward its own style's. With
; the first style's region alone, the right half (no style's region) keeps the layer's pixels. A channel of another
; image, and a region for a second style that is not given, are refused without a new layer.
(let* ((img (make-image 128 96 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img))
       (style-img (make-image 64 64 RGB RGB-IMAGE 230 40 30))
       (red (source-layer style-img))
       (yellow-file (string-append atelier-work-dir "/yellow.png"))
       (yellow-img (make-image 64 64 RGB RGB-IMAGE 240 220 40))
       (other (make-image 128 96 RGB RGB-IMAGE 0 0 0)))
  (gimp-file-save RUN-NONINTERACTIVE yellow-img yellow-file -1)
  (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 30 20 60 50)
  (gimp-context-set-foreground '(240 240 240))
  (gimp-drawable-edit-fill src FILL-FOREGROUND)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 0 0 64 96)
  (let ((left (gimp-selection-save img)))
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 64 0 64 96)
    (let ((right (gimp-selection-save img)))
      (gimp-selection-none img)
      (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                               #:method "arbitrary" #:style-layer red #:style-channel left
                               #:style-image-2 yellow-file #:style-channel-2 right #:fit-steps 8
                               #:layer-name "regions")
      (check-result-layer img src "regions" 128 96 0 0)
      (let ((result (vector-ref (gimp-image-get-layers img) 0)))
        (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 0 0 48 96)
        (check-mean-toward result '(90 140 200) '(230 40 30) 0.2 "the left region took the red style")
        (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 80 0 48 96)
        (check-mean-toward result '(90 140 200) '(240 220 40) 0.2 "the right region took the yellow style")
        (gimp-selection-none img)
        (gimp-image-remove-layer img result))
      (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                               #:method "arbitrary" #:style-layer red #:style-channel left #:fit-steps 0
                               #:layer-name "left only")
      (check (near? (composite-pixel img 100 10) '(90 140 200) 1) "outside every region the layer is kept")
      (check (not (near? (composite-pixel img 20 10) '(90 140 200) 3)) "inside the region the style painted")
      (gimp-image-remove-layer img (vector-ref (gimp-image-get-layers img) 0))
      (gimp-image-select-rectangle other CHANNEL-OP-REPLACE 0 0 64 96)
      (let ((foreign (gimp-selection-save other)))
        (check (fails? (lambda () (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img
                                                           #:drawables (vector src) #:method "arbitrary"
                                                           #:style-layer red #:style-channel foreign #:fit-steps 0)))
               "a channel of another image is refused"))
      (check (fails? (lambda () (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img
                                                         #:drawables (vector src) #:method "arbitrary"
                                                         #:style-layer red #:style-channel-2 right #:fit-steps 0)))
             "a region for a missing second style is refused")
      (check (= (vector-length (gimp-image-get-layers img)) 1) "no layer added by the refusals")))
  (gimp-image-delete style-img)
  (gimp-image-delete yellow-img)
  (gimp-image-delete other)
  (gimp-image-delete img)
  (pass "stylize arbitrary with a region per style"))
