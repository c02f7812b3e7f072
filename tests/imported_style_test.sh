#!/bin/sh
# A fast-style network imported with `atelier models import fast-style DIR` can be chosen by name like a bundled
# one: on the command line (--fast-model NAME, listed in --help, unknown names refused with the list) and, given
# a build directory, from Script-Fu (#:fast-model "NAME").
# usage: imported_style_test.sh ATELIER REPOSITORY_ROOT [BUILD_DIR]
set -u
ATELIER=$1 ROOT=$2 BUILD=${3:-}
. "$(dirname "$0")/cli_lib.sh"

# A TF-variables directory (the format users import) made from the bundled wave network: the same weights, so the
# imported network must paint exactly what the bundled one paints.
python3 - "$ROOT/models/fast-style/wave.safetensors" "$DIR/vars" <<'PY' || fail "could not write the variables"
import json, os, struct, sys
import numpy as np
src, out = sys.argv[1], sys.argv[2]
with open(src, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
layers = ["conv1", "conv2", "conv3"] + [f"res{b}.conv{c}" for b in range(1, 6) for c in (1, 2)] + ["up1", "up2", "conv_out"]
dtypes = {"F16": np.float16, "F32": np.float32}
os.makedirs(out)
manifest = {}
for i, layer in enumerate(layers):
    for p, part in enumerate(["weight", "norm_shift", "norm_scale"]):
        t = header[f"{layer}.{part}"]
        a, b = t["data_offsets"]
        x = np.frombuffer(data[a:b], dtype=dtypes[t["dtype"]]).reshape(t["shape"]).astype(np.float32)
        if part == "weight":
            x = x.transpose(2, 3, 1, 0)  # ours [o,i,k,k] (transposed: [i,o,k,k]) -> TF [k,k,i,o] ([k,k,o,i])
        name = "Variable" if 3 * i + p == 0 else f"Variable_{3 * i + p}"
        np.ascontiguousarray(x).tofile(os.path.join(out, name))
        manifest[name] = {"filename": name, "shape": list(x.shape)}
with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f)
PY

LIB=$DIR/library
expect 0 "fast-style/my_wave" "$ATELIER" models --dir "$LIB" import fast-style "$DIR/vars" --name my_wave
export ATELIER_MODELS_DIR=$LIB
expect 0 "my_wave" "$ATELIER" stylize --help
IMG=$ROOT/tests/fixtures/tiny_rgba.png
expect 0 "wrote" "$ATELIER" stylize --content "$IMG" --method feed-forward --fast-model my_wave --output "$DIR/mine.png"
expect 0 "wrote" "$ATELIER" stylize --content "$IMG" --method feed-forward --fast-model wave --output "$DIR/bundled.png"
cmp -s "$DIR/mine.png" "$DIR/bundled.png" || fail "the imported copy of wave paints differently from the bundled wave"
expect 1 "my_wave" "$ATELIER" stylize --content "$IMG" --method feed-forward --fast-model nosuch --output "$DIR/x.png"
[ -e "$DIR/x.png" ] && fail "an output was written for an unknown network"

if [ -n "$BUILD" ]; then
  cat >"$DIR/imported_style.scm" <<SCM
(load (string-append atelier-source-dir "/tests/gimp/lib.scm"))
(let* ((img (make-image 64 48 RGB RGB-IMAGE 90 140 200))
       (src (source-layer img)))
  (plug-in-atelier-stylize #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector src)
                           #:method "feed-forward" #:fast-model "my_wave" #:layer-name "mine")
  (check-result-layer img src "mine" 64 48 0 0)
  (gimp-image-delete img)
  (pass "imported style"))
SCM
  "$ROOT/tests/gimp/run-test.sh" "$BUILD" batch "$DIR/imported_style.scm" || fail "Script-Fu could not use my_wave"
fi
echo "imported-style: all checks passed"
