#!/usr/bin/env bash
# One undo step removes a filter's whole result, as a user sees it: GIMP's GUI under Xvfb shows a green image
# whose selection the test filter tinted red (undo_gui.scm: the selection, then the filter, are the last two undo
# steps); XTest clicks Edit ▸ Undo once. Afterwards no red may be left on screen and the green image must
# still be there. (GIMP 3.0's PDB cannot perform an undo, and does not report an undo group a plug-in left open.)
# usage: undo_gui.sh BUILD_DIR XTEST_KEY_BINARY
. "$(dirname "${BASH_SOURCE[0]}")/xvfb.sh"
set -uo pipefail
BUILD=$(cd "$1" && pwd -P) XKEY=$2
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
require_programs Xvfb import
gui_test_setup undo

# Pixels of a screenshot close to a colour: "COUNT X Y" (count and the centre of those pixels).
pixels_like() {  # pixels_like SHOT R G B
  convert "$1" -depth 8 rgb:- | python3 -c '
import sys
r, g, b, w = (int(v) for v in sys.argv[1:5])
data = sys.stdin.buffer.read()
n = sx = sy = 0
for i in range(0, len(data), 3):
    if abs(data[i] - r) < 40 and abs(data[i + 1] - g) < 40 and abs(data[i + 2] - b) < 40:
        p = i // 3
        n += 1; sx += p % w; sy += p // w
print(n, sx // max(n, 1), sy // max(n, 1))' "$2" "$3" "$4" "$(identify -format %w "$1")"
}

mkdir -p "$T/run"
ATELIER_TEST_PLUGIN=1 ATELIER_WORK_DIR="$T/run" ATELIER_KEEP=1 setsid "$SOURCE/tools/gimp-env.sh" "$BUILD" gui -s \
  --batch-interpreter=plug-in-script-fu-eval \
  -b "(begin (define atelier-work-dir \"$T/run\") (define atelier-source-dir \"$SOURCE\") (load \"$SOURCE/tests/gimp/undo_gui.scm\"))" \
  >"$T/gimp.log" 2>&1 &
GPID=$!
for _ in $(seq 1 180); do [ -f "$T/run/filter-done" ] && break; sleep 1; done
status=0
[ -f "$T/run/filter-done" ] || { echo "FAIL: the filter did not run"; cat "$T/gimp.log"; exit 1; }
sleep 3
import -window root "$T/before.png"
read -r red_before rx ry < <(pixels_like "$T/before.png" 255 0 0)
read -r green_before _ _ < <(pixels_like "$T/before.png" 0 200 0)
echo "before Edit > Undo: $red_before red pixels around ($rx,$ry), $green_before green"
[ "$red_before" -gt 2000 ] || { echo "FAIL: the filter's red result is not on screen"; status=1; }
# Edit ▸ Undo, as a user picks it: without a window manager GTK gives no keyboard focus to the canvas, but an
# open menu grabs the keyboard. The main window sits at (0,0); "Edit" is the second menu (x 58, y 12 at 1400 px).
"$XKEY" 58 12 click
sleep 1
"$XKEY" 124 37 click  # the menu's first item: "Undo Test Tint"
sleep 3
import -window root "$T/after.png"
read -r red_after _ _ < <(pixels_like "$T/after.png" 255 0 0)
read -r green_after _ _ < <(pixels_like "$T/after.png" 0 200 0)
echo "after one Edit > Undo: $red_after red pixels, $green_after green"
[ "$red_after" -lt 50 ] || { echo "FAIL: one undo step left part of the result"; status=1; }

[ "$green_after" -gt $((green_before / 2)) ] || { echo "FAIL: the image itself is gone"; status=1; }
grep -q "^PASS: undo_gui" "$T/gimp.log" || { echo "FAIL: undo_gui.scm did not pass"; cat "$T/gimp.log"; status=1; }
[ $status -eq 0 ] && echo "PASS: undo_gui.sh"
exit $status
