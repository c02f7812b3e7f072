#!/usr/bin/env bash
# GUI test under Xvfb: opens a procedure's dialog with RUN-INTERACTIVE and saves a screenshot PNG (kept in the
# build dir as a test artefact). Passes when the dialog window (with the plug-in process) came up.
# usage: dialog-screenshot.sh BUILD_DIR OUT.png [PROCEDURE...]   (default: every product procedure + the test one;
# the first goes to OUT.png, the others to OUT-<filter>.png)
. "$(dirname "${BASH_SOURCE[0]}")/xvfb.sh"
set -uo pipefail
BUILD=$(cd "$1" && pwd -P) OUT=$2
shift 2
PROCS=("$@")
if [ ${#PROCS[@]} -eq 0 ]; then
  mapfile -t PROCS < <("$BUILD/plugin/dump-params" |
    python3 -c 'import json, sys; print("\n".join(p["procedure"] for p in json.load(sys.stdin)))')
  PROCS+=(plug-in-atelier-test-tint)
fi
# The dialog's window title: the filter's title (the test filter's is "Test Tint").
title_of() {
  [ "$1" = plug-in-atelier-test-tint ] && { echo "Test Tint"; return; }
  "$BUILD/plugin/dump-params" | python3 -c '
import json, sys
print(next(p["title"] for p in json.load(sys.stdin) if p["procedure"] == sys.argv[1]))' "$1"
}
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
command -v Xvfb >/dev/null && command -v import >/dev/null || { echo "SKIP: needs Xvfb and ImageMagick"; exit 77; }

gui_test_setup dialog

status=0
for proc in "${PROCS[@]}"; do
  shot=${OUT%.png}${proc#plug-in-atelier}.png
  [ "$proc" = "${PROCS[0]}" ] && shot=$OUT
  mkdir -p "$(dirname "$shot")"; rm -f "$shot"
  script="(begin (script-fu-use-v3)
    (let* ((img (gimp-image-new 320 200 RGB))
           (layer (gimp-layer-new img \"layer\" 320 200 RGB-IMAGE 100 LAYER-MODE-NORMAL))
           (style (gimp-layer-new img \"painting\" 320 200 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
      (gimp-image-insert-layer img layer 0 0)
      (gimp-drawable-fill layer FILL-WHITE)
      ; A second layer: dialogs that need a style propose it (the active layer stays the one filtered).
      (gimp-image-insert-layer img style 0 0)
      (gimp-context-set-foreground '(200 60 40))
      (gimp-drawable-fill style FILL-FOREGROUND)
      (gimp-image-lower-item img style)
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
  import -window root "$shot"
  dialog_size=$(identify -format '%wx%h %k' "$dialog_shot" 2>/dev/null || echo "none")
  kill -- -"$GPID" 2>/dev/null
  wait "$GPID" 2>/dev/null
  GPID=""
  rm -rf "$T/run"
  colours=$(identify -format '%k' "$shot" 2>/dev/null || echo 0)
  echo "$proc: plug-in started: $found, screenshot $shot ($colours colours), window '$title': $dialog_size"
  read -r dw dh dk < <(echo "$dialog_size" | tr 'x' ' ')
  if [ $found -ne 1 ] || [ "${colours:-0}" -lt 50 ] || [ "${dw:-0}" -lt 200 ] 2>/dev/null ||
    [ "${dh:-0}" -lt 150 ] 2>/dev/null || [ "${dk:-0}" -lt 10 ] 2>/dev/null || [ "$dialog_size" = none ]; then
    echo "FAIL: $proc: no dialog window titled '$title'"; cat "$T/import.log"; sed -n '1,40p' "$T/gimp.log"; status=1
  fi
done
[ $status -eq 0 ] && echo "PASS: dialog screenshots"
exit $status
