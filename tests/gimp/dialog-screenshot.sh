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
  mapfile -t PROCS < <("$BUILD/tests/gimp/dump-params" |
    python3 -c 'import json, sys; print("\n".join(p["procedure"] for p in json.load(sys.stdin)))')
  PROCS+=(plug-in-atelier-test-tint)
fi
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
command -v Xvfb >/dev/null && command -v import >/dev/null || { echo "SKIP: needs Xvfb and ImageMagick"; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/atelier-dialog-XXXXXX")
XPID="" GPID=""
cleanup() {
  [ -n "$GPID" ] && kill -- -"$GPID" 2>/dev/null
  [ -n "$XPID" ] && kill "$XPID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

start_xvfb "$T/xvfb.log"

status=0
for proc in "${PROCS[@]}"; do
  shot=${OUT%.png}${proc#plug-in-atelier}.png
  [ "$proc" = "${PROCS[0]}" ] && shot=$OUT
  mkdir -p "$(dirname "$shot")"; rm -f "$shot"
  script="(begin (script-fu-use-v3)
    (let* ((img (gimp-image-new 320 200 RGB))
           (layer (gimp-layer-new img \"layer\" 320 200 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
      (gimp-image-insert-layer img layer 0 0)
      (gimp-drawable-fill layer FILL-WHITE)
      (gimp-display-new img)
      ($proc #:run-mode RUN-INTERACTIVE #:image img #:drawables (vector layer))))"
  mkdir -p "$T/run"
  ATELIER_TEST_PLUGIN=1 ATELIER_WORK_DIR="$T/run" ATELIER_KEEP=1 setsid "$SOURCE/tools/gimp-env.sh" "$BUILD" gui -s \
    --batch-interpreter=plug-in-script-fu-eval -b "$script" >"$T/gimp.log" 2>&1 &
  GPID=$!
  # The dialog is up when the plug-in process exists; give GTK a few seconds to draw it.
  found=0
  for _ in $(seq 1 120); do
    if pgrep -f "^$T/run/plug-ins/neural-atelier.* -run " >/dev/null; then found=1; break; fi
    sleep 1
  done
  sleep 6
  import -window root "$shot"
  kill -- -"$GPID" 2>/dev/null
  wait "$GPID" 2>/dev/null
  GPID=""
  rm -rf "$T/run"
  colours=$(identify -format '%k' "$shot" 2>/dev/null || echo 0)
  echo "$proc: plug-in started: $found, screenshot $shot ($colours colours)"
  if [ $found -ne 1 ] || [ "${colours:-0}" -lt 50 ]; then
    echo "FAIL: $proc: no dialog"; sed -n '1,40p' "$T/gimp.log"; status=1
  fi
done
[ $status -eq 0 ] && echo "PASS: dialog screenshots"
exit $status
