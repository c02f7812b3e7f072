#!/usr/bin/env bash
# GUI test of our progress window's buttons under Xvfb: stores last values with 1000 iterations (about 20 s),
# starts cancel.scm (or keep.scm), and once the plug-in runs and its window shows the work in progress, clicks
# Cancel (or Stop and Keep; dialogs open at (0,0) without a window manager).
# cancel: the test passes when the run ends cancelled within a few seconds with the image untouched.
# keep: when it ends within a few seconds with a new layer holding the result so far (a partial tint).
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
command -v Xvfb >/dev/null || { echo "SKIP: needs Xvfb"; exit 77; }
gui_test_setup "$MODE"

# The profile is made by gimp-env.sh in ATELIER_WORK_DIR; seed it with the last values first.
mkdir -p "$T/profile/plug-in-settings"
printf '(iterations 1000)\n' >"$T/profile/plug-in-settings/GimpProcedureConfigRun-plug-in-atelier-test-tint.last"
ATELIER_TEST_PLUGIN=1 ATELIER_WORK_DIR="$T" ATELIER_KEEP=1 setsid "$SOURCE/tools/gimp-env.sh" "$BUILD" gui-batch \
  "$SOURCE/tests/gimp/$MODE.scm" >"$T/gimp.log" 2>&1 &
GPID=$!
started=0
for _ in $(seq 1 120); do
  if pgrep -f "^$T/plug-ins/neural-atelier-test.* -run " >/dev/null; then started=1; break; fi
  sleep 0.5
done
sleep 3
start=$(date +%s)
SHOT=${ATELIER_SHOT:-$BUILD/tests/gimp/progress-window-$MODE.png}
command -v import >/dev/null && import -window root "$SHOT"
# Our progress window opens at (0,0) without a window manager; below the bar the picture of the work in progress
# (the 96x64 test layer, shown after 1.5 s), below that Stop and Keep (left) and Cancel (right).
"$XKEY" "$BUTTON_X" 163 click
# The plug-in must be gone soon after the click (1000 iterations would take 20 s).
for _ in $(seq 1 20); do
  pgrep -f "^$T/plug-ins/neural-atelier-test.* -run " >/dev/null || break
  sleep 0.5
done
stopped_after=$(( $(date +%s) - start ))
wait "$GPID"
rc=$?
GPID=""
cat "$T/gimp.log"
echo "---- plug-in started: $started, ended ${stopped_after} s after the click, gimp exit status $rc"
status=0
[ $started -eq 1 ] || { echo "FAIL: the plug-in never ran"; status=1; }
# The window showed the work in progress: the black test layer, slightly tinted red, where the window's grey
# background (about 60 60) would be otherwise.
if [ -f "$SHOT" ] && command -v convert >/dev/null; then
  read -r pr pg < <(convert "$SHOT" -crop 1x1+180+90 -format '%[fx:int(255*r)] %[fx:int(255*g)]\n' info:)
  [ "${pg:-99}" -lt 30 ] && [ "${pr:-0}" -ge "${pg:-99}" ] ||
    { echo "FAIL: no picture of the work in progress in $SHOT (rgb $pr $pg at 180,90)"; status=1; }
fi
[ $stopped_after -le 8 ] || { echo "FAIL: $MODE did not stop the run"; status=1; }
[ $rc -eq 0 ] && grep -q "^PASS: $MODE" "$T/gimp.log" || { echo "FAIL: $MODE.scm did not pass"; status=1; }
for bad in "inconsistent state" "Plug-in crashed"; do
  grep -qF "$bad" "$T/gimp.log" && { echo "FAIL: found '$bad'"; status=1; }
done
[ $status -eq 0 ] && echo "PASS: cancel.sh $MODE"
exit $status
