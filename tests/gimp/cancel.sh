#!/usr/bin/env bash
# GUI test of our progress window's buttons under Xvfb: stores last values with 1000 iterations (20 s of 20 ms
# sleeps), starts cancel.scm (or keep.scm), and once the plug-in runs and its window shows the work in progress,
# clicks Cancel (or Stop and Keep; dialogs open at (0,0) without a window manager).
# cancel: the test passes when the plug-in, still running at the click, ends afterwards with the image untouched
# (cancel.scm: no layer; a run that went on to the end would have added one).
# keep: when it ends afterwards with a new layer holding the result so far (keep.scm: a partial tint, less than
# a whole run's). Only the order of these events is checked, each waited for generously: never a duration.
# usage: cancel.sh BUILD_DIR XTEST_KEY_BINARY [cancel|keep]
# The screen before the click is kept as BUILD_DIR/tests/gimp/progress-window-MODE.png (or ATELIER_SHOT=FILE).
. "$(dirname "${BASH_SOURCE[0]}")/xvfb.sh"
set -uo pipefail
BUILD=$(cd "$1" && pwd -P) XKEY=$2 MODE=${3:-cancel}
case "$MODE" in
  cancel) BUTTON_X=280 ;;
  keep) BUTTON_X=140 ;;
  *) echo "unknown mode $MODE"; exit 2 ;;
esac
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
require_programs Xvfb import convert
gui_test_setup "$MODE"

# The profile is made by gimp-env.sh in ATELIER_WORK_DIR; seed it with the last values first.
mkdir -p "$T/profile/plug-in-settings"
printf '(iterations 1000)\n' >"$T/profile/plug-in-settings/GimpProcedureConfigRun-plug-in-atelier-test-tint.last"
ATELIER_TEST_PLUGIN=1 ATELIER_WORK_DIR="$T" ATELIER_KEEP=1 setsid "$SOURCE/tools/gimp-env.sh" "$BUILD" gui-batch \
  "$SOURCE/tests/gimp/$MODE.scm" >"$T/gimp.log" 2>&1 &
GPID=$!
plugin_running() { pgrep -f "^$T/plug-ins/neural-atelier-test.* -run " >/dev/null; }
# The work in progress on screen: the black test layer, slightly tinted red, where the window's grey background
# (about 60 60 60) would be otherwise: an 8x8 block at (176,86) dark, with that grey at (100,90) and (250,90) on
# either side of the picture (neither the black root window nor a window still being drawn looks like that).
picture_shown() {  # picture_shown SHOT
  convert "$1" -crop 160x8+96+86 +repage -depth 8 rgb:- | python3 -c '
import sys
d = sys.stdin.buffer.read()
if len(d) != 160 * 8 * 3: sys.exit(1)
px = lambda x, y: d[3 * (160 * y + x):3 * (160 * y + x) + 3]
dark = all(px(x, y)[1] < 30 and px(x, y)[0] >= px(x, y)[1] for x in range(80, 88) for y in range(8))
grey = all(40 < c < 90 and max(px(x, 4)) - min(px(x, 4)) < 10 for x in (4, 154) for c in px(x, 4))
sys.exit(0 if dark and grey else 1)'
}
started=0
for _ in $(seq 1 240); do
  if plugin_running; then started=1; break; fi
  sleep 0.5
done
SHOT=${ATELIER_SHOT:-$BUILD/tests/gimp/progress-window-$MODE.png}
shown=0 running_at_click=0
for _ in $(seq 1 120); do
  plugin_running || break
  import -window root "$SHOT" && picture_shown "$SHOT" && { shown=1; break; }
  sleep 1
done
# Our progress window opens at (0,0) without a window manager; below the bar the picture of the work in progress
# (the 96x64 test layer, shown after 1.5 s), below that Stop and Keep (left) and Cancel (right).
plugin_running && running_at_click=1
"$XKEY" "$BUTTON_X" 163 click
ended=0
for _ in $(seq 1 240); do
  if ! plugin_running; then ended=1; break; fi
  sleep 0.5
done
wait "$GPID"
rc=$?
GPID=""
cat "$T/gimp.log"
echo "---- plug-in started: $started, picture shown: $shown, running at the click: $running_at_click," \
  "ended after it: $ended, gimp exit status $rc"
status=0
[ $started -eq 1 ] || { echo "FAIL: the plug-in never ran"; status=1; }
[ $shown -eq 1 ] || { echo "FAIL: no picture of the work in progress in $SHOT (at 180,90)"; status=1; }
[ $running_at_click -eq 1 ] || { echo "FAIL: the run had ended before the click"; status=1; }
[ $ended -eq 1 ] || { echo "FAIL: the plug-in still ran 120 s after the click"; status=1; }
[ $rc -eq 0 ] && grep -q "^PASS: $MODE" "$T/gimp.log" || { echo "FAIL: $MODE.scm did not pass"; status=1; }
for bad in "inconsistent state" "Plug-in crashed"; do
  grep -qF "$bad" "$T/gimp.log" && { echo "FAIL: found '$bad'"; status=1; }
done
[ $status -eq 0 ] && echo "PASS: cancel.sh $MODE"
exit $status
