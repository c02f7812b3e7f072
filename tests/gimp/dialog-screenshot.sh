#!/usr/bin/env bash
# GUI test under Xvfb: opens a procedure's dialog with RUN-INTERACTIVE and saves a screenshot PNG (kept in the
# build dir as a test artefact). Passes when the dialog window (with the plug-in process) came up and, for a filter
# with a preview, the preview showed the filter's result (live: by itself; on request: after Update Preview is
# clicked): the preview's area of the dialog changed from the layer's picture. The layer is a photo (Debian's
# darknet dog.jpg, else white), the proposed style layer a painting (darknet's scream.jpg, else red), which is also
# open as an image of its own.
# usage: dialog-screenshot.sh BUILD_DIR OUT.png [PROCEDURE...]   (default: every product procedure + the test one;
# the first goes to OUT.png, the others to OUT-<filter>.png)
. "$(dirname "${BASH_SOURCE[0]}")/xvfb.sh"
set -uo pipefail
BUILD=$(cd "$1" && pwd -P) OUT=$2 XKEY=$BUILD/tests/gimp/xtest-key
shift 2
PROCS=("$@")
if [ ${#PROCS[@]} -eq 0 ]; then
  mapfile -t PROCS < <("$BUILD/plugin/dump-params" |
    python3 -c 'import json, sys; print("\n".join(p["procedure"] for p in json.load(sys.stdin)))')
  PROCS+=(plug-in-atelier-test-tint)
fi
# The filter's preview: live, on request or none.
preview_of() {
  [ "$1" = plug-in-atelier-test-tint ] && { echo none; return; }
  "$BUILD/plugin/dump-params" --help-json | python3 -c '
import json, sys
print(next(p["preview"] for p in json.load(sys.stdin) if p["procedure"] == sys.argv[1]))' "$1"
}
# The dialog's window title: the filter's title (the test filter's is "Test Tint").
title_of() {
  [ "$1" = plug-in-atelier-test-tint ] && { echo "Test Tint"; return; }
  "$BUILD/plugin/dump-params" | python3 -c '
import json, sys
print(next(p["title"] for p in json.load(sys.stdin) if p["procedure"] == sys.argv[1]))' "$1"
}
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
require_programs Xvfb import

gui_test_setup dialog
DARKNET=/usr/share/darknet/data

status=0
for proc in "${PROCS[@]}"; do
  shot=${OUT%.png}${proc#plug-in-atelier}.png
  [ "$proc" = "${PROCS[0]}" ] && shot=$OUT
  mkdir -p "$(dirname "$shot")"; rm -f "$shot"
  layer="(gimp-layer-new img \"layer\" 320 200 RGB-IMAGE 100 LAYER-MODE-NORMAL)" layer_fill=FILL-WHITE
  [ -f "$DARKNET/dog.jpg" ] &&
    layer="(gimp-file-load-layer RUN-NONINTERACTIVE img \"$DARKNET/dog.jpg\")" layer_fill=""
  style="(gimp-layer-new img \"painting\" 320 200 RGB-IMAGE 100 LAYER-MODE-NORMAL)" style_fill=FILL-FOREGROUND
  [ -f "$DARKNET/scream.jpg" ] &&
    style="(gimp-file-load-layer RUN-NONINTERACTIVE img \"$DARKNET/scream.jpg\")" style_fill=""
  script="(begin (script-fu-use-v3)
    (let* ((img (gimp-image-new 320 200 RGB))
           (layer $layer)
           (style $style))
      (gimp-image-insert-layer img layer 0 0)
      (gimp-layer-scale layer 320 200 FALSE)
      (gimp-layer-set-offsets layer 0 0)
      ${layer_fill:+(gimp-drawable-fill layer $layer_fill)}
      ; A second layer: dialogs that need a style propose it (the active layer stays the one filtered).
      (gimp-image-insert-layer img style 0 0)
      (gimp-layer-scale style 320 200 FALSE)
      (gimp-layer-set-offsets style 0 0)
      (gimp-context-set-foreground '(200 60 40))
      ${style_fill:+(gimp-drawable-fill style $style_fill)}
      (gimp-image-lower-item img style)
      ; The painting also as an image of its own: a filter over an animation (whose layers are all frames)
      ; proposes a layer of another open image.
      (let* ((painting (gimp-image-new 320 200 RGB))
             (copy (gimp-layer-new-from-drawable style painting)))
        (gimp-image-insert-layer painting copy 0 0))
      (gimp-display-new img)
      ($proc #:run-mode RUN-INTERACTIVE #:image img #:drawables (vector layer))))"
  mkdir -p "$T/run"
  ATELIER_TEST_PLUGIN=1 ATELIER_WORK_DIR="$T/run" ATELIER_KEEP=1 setsid "$SOURCE/tools/gimp-env.sh" "$BUILD" gui -s \
    --batch-interpreter=plug-in-script-fu-eval -b "$script" >"$T/gimp.log" 2>&1 &
  GPID=$!
  # The plug-in process starts first, then its dialog.
  found=0
  for _ in $(seq 1 120); do
    if pgrep -f "^$T/run/plug-ins/neural-atelier.* -run " >/dev/null; then found=1; break; fi
    sleep 1
  done
  # The artefact that proves the dialog: a grab of the window with the dialog's own title (GIMP's main window
  # alone does not have it). import waits for a mouse click when no window has that name: hence the timeout,
  # retried until the dialog is drawn.
  title=$(title_of "$proc")
  dialog_shot=$T/dialog.png
  rm -f "$dialog_shot"
  for _ in $(seq 1 30); do
    [ $found -eq 1 ] || break
    timeout 5 import -window "$title" "$dialog_shot" 2>"$T/import.log" && break
    rm -f "$dialog_shot"
    sleep 1
  done
  sleep 2
  # The preview (right of the options; its picture in the square below the Preview check box) must come to show
  # something else than the layer's picture: the filter's result.
  preview=$(preview_of "$proc") preview_state="none"
  if [ "$preview" != none ] && [ -f "$dialog_shot" ] && [ -x "$XKEY" ]; then
    pw=$(identify -format '%w' "$dialog_shot")
    area="330x330+$((pw - 340))+40"
    convert "$dialog_shot" -crop "$area" +repage "$T/preview-before.png"
    # Update Preview: below the picture and its two-line hint.
    [ "$preview" = "on request" ] && "$XKEY" $((pw - 170)) 421 click
    preview_state="unchanged"
    for _ in $(seq 1 60); do
      sleep 3
      timeout 5 import -window "$title" "$T/now.png" 2>/dev/null || continue
      convert "$T/now.png" -crop "$area" +repage "$T/preview-now.png"
      changed=$(compare -metric AE -fuzz 10% "$T/preview-before.png" "$T/preview-now.png" null: 2>&1 | cut -d' ' -f1)
      if [ "${changed%.*}" -gt 5000 ] 2>/dev/null; then preview_state="shows the result ($changed pixels changed)"; break; fi
    done
  fi
  import -window root "$shot"
  dialog_size=$(identify -format '%wx%h %k' "$dialog_shot" 2>/dev/null || echo "none")
  kill -- -"$GPID" 2>/dev/null
  wait "$GPID" 2>/dev/null
  GPID=""
  rm -rf "$T/run"
  colours=$(identify -format '%k' "$shot" 2>/dev/null || echo 0)
  echo "$proc: plug-in started: $found, screenshot $shot ($colours colours), window '$title': $dialog_size," \
    "preview ($preview): $preview_state"
  read -r dw dh dk < <(echo "$dialog_size" | tr 'x' ' ')
  if [ $found -ne 1 ] || [ "${colours:-0}" -lt 50 ] || [ "${dw:-0}" -lt 200 ] 2>/dev/null ||
    [ "${dh:-0}" -lt 150 ] 2>/dev/null || [ "${dk:-0}" -lt 10 ] 2>/dev/null || [ "$dialog_size" = none ]; then
    echo "FAIL: $proc: no dialog window titled '$title'"; cat "$T/import.log"; sed -n '1,40p' "$T/gimp.log"; status=1
  fi
  case "$preview_state" in
    none | shows*) ;;
    *) echo "FAIL: $proc: the preview never showed the filter's result"; grep -v 'stale context' "$T/gimp.log" | tail -20
      status=1 ;;
  esac
done
[ $status -eq 0 ] && echo "PASS: dialog screenshots"
exit $status
