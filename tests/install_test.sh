#!/usr/bin/env bash
# ./run install as a user gets it: tools/install.sh into a fresh home, then that user's own GIMP 3 (no test
# settings: its default profile and plug-in folder, no ATELIER_* variables) finds the plug-in, shows its German
# menu label from the catalogue installed beside it, and runs Neural Dream; --remove takes it away again.
# usage: install_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
SOURCE=$1 BUILD=$(cd "$2" && pwd -P)
fail() { echo "FAIL: $*"; exit 1; }
command -v gimp-console-3.0 >/dev/null || { echo "SKIP: needs gimp-console-3.0"; exit 77; }
MODELS=${ATELIER_MODELS_DIR:-}
[ -f "$MODELS/inception_v3.safetensors" ] || { echo "SKIP: inception_v3 is not installed in ATELIER_MODELS_DIR"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/atelier-install-XXXXXX")
trap 'rm -rf "$T"' EXIT
unset ATELIER_MODELS_DIR ATELIER_LOCALEDIR ATELIER_WORK_DIR GIMP3_DIRECTORY XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME
export HOME=$T/home
# The build environment's library holds the network: install.sh copies it into the user's (no conversion).
ATELIER_MODELS_DIR=$MODELS "$SOURCE/tools/install.sh" "$BUILD" || fail "tools/install.sh failed"
DEST=$HOME/.config/GIMP/3.0/plug-ins/neural-atelier
[ -x "$DEST/neural-atelier" ] || fail "no plug-in in $DEST"
[ -f "$DEST/locale/de/LC_MESSAGES/neural-atelier.mo" ] || fail "no German catalogue beside the plug-in"
[ -f "$DEST/help/de/stylize.html" ] && [ -f "$DEST/help/en/gimp-help.xml" ] || fail "no help pages beside the plug-in"
[ -f "$HOME/.local/share/neural-atelier/models/inception_v3.safetensors" ] || fail "no network in the user's library"

cat >"$T/installed.py" <<'PY'
from gi.repository import Gimp
pdb = Gimp.get_pdb()
dream = pdb.lookup_procedure("plug-in-atelier-dream")
if dream is None:
    print("FAIL: the user's GIMP does not know plug-in-atelier-dream")
else:
    print("menu label: " + dream.get_menu_label())
    image = Gimp.Image.new(96, 80, Gimp.ImageBaseType.RGB)
    layer = Gimp.Layer.new(image, "photo", 96, 80, Gimp.ImageType.RGB_IMAGE, 100, Gimp.LayerMode.NORMAL)
    image.insert_layer(layer, None, 0)
    layer.fill(Gimp.FillType.WHITE)
    config = dream.create_config()
    config.set_property("run-mode", Gimp.RunMode.NONINTERACTIVE)
    config.set_property("image", image)
    config.set_core_object_array("drawables", [layer])
    config.set_property("size", 96)
    config.set_property("octaves", 1)
    config.set_property("iterations", 2)
    result = dream.run(config)
    status = result.index(0)
    print("status: %s, layers: %d" % (status, len(image.get_layers())))
    ok = status == Gimp.PDBStatusType.SUCCESS and len(image.get_layers()) == 2
    image.delete()
    print("PASS: installed" if ok else "FAIL: the installed plug-in did not make its layer")
PY
"$SOURCE/tests/in-locale.sh" de_DE.UTF-8 gimp-console-3.0 -i -n --quit --batch-interpreter=python-fu-eval \
  -b "exec(open('$T/installed.py').read())" >"$T/gimp.log" 2>&1
rc=$?
cat "$T/gimp.log"
[ $rc -eq 0 ] || fail "the user's GIMP exited with $rc"
grep -q "^PASS: installed" "$T/gimp.log" || fail "the installed plug-in did not run"
grep -q "^menu label: _Neuronaler Traum" "$T/gimp.log" || fail "the menu label is not from the installed German catalogue"

"$SOURCE/tools/install.sh" "$BUILD" --remove || fail "--remove failed"
[ ! -e "$DEST" ] || fail "--remove left $DEST"
[ -e "$HOME/.local/share/neural-atelier/models/inception_v3.safetensors" ] || fail "--remove took the models"
echo "PASS: install"
