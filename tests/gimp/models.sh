#!/usr/bin/env bash
# GUI tests under Xvfb of the model manager, clicked as a user would, on an empty model library.
# manage: Filters ▸ Neural ▸ Models… lists the library; the test clicks the row of a bundled instant style,
#   Install (the file must appear), then Remove… and the confirmation's Remove (the file must go).
# offer: a run whose model is missing (the test plug-in's test-needs-model, from offer.scm) offers the manager;
#   the test clicks Open Models…, Install (the model is selected already) and Close, and the run must repeat by
#   itself and add its layer.
# usage: models.sh BUILD_DIR XTEST_KEY_BINARY [manage|offer]
# The screenshots are kept in BUILD_DIR/tests/gimp/models-MODE/ (or ATELIER_SHOT_DIR).
. "$(dirname "${BASH_SOURCE[0]}")/xvfb.sh"
set -uo pipefail
BUILD=$(cd "$1" && pwd -P) XKEY=$2 MODE=${3:-manage}
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
require_programs Xvfb import
gui_test_setup "models-$MODE"
LIB=$T/models
mkdir -p "$LIB"
MODEL=fast-style/mathura  # the third row: inception_v3, vgg19, fast-style/la_muse, fast-style/mathura, ...
FILE=$LIB/$MODEL.safetensors

if [ "$MODE" = offer ]; then
  ATELIER_MODELS_DIR=$LIB ATELIER_TEST_PLUGIN=1 ATELIER_WORK_DIR="$T/run" setsid "$SOURCE/tools/gimp-env.sh" "$BUILD" \
    gui-batch "$SOURCE/tests/gimp/offer.scm" >"$T/gimp.log" 2>&1 &
else
  ATELIER_MODELS_DIR=$LIB ATELIER_WORK_DIR="$T/run" setsid "$SOURCE/tools/gimp-env.sh" "$BUILD" gui -s \
    --batch-interpreter=plug-in-script-fu-eval -b "(plug-in-atelier-models #:run-mode RUN-INTERACTIVE)" \
    >"$T/gimp.log" 2>&1 &
fi
GPID=$!

# (import -window NAME waits for a click when there is no such window, grabbing the pointer: it always gets a
# timeout, and is not used before GIMP is up.)
shot() { timeout 5 import -window "Neural Atelier Models" "$T/$1.png" 2>/dev/null; }
wait_for() {  # wait_for SECONDS COMMAND...
  local n=$1
  shift
  for _ in $(seq 1 "$n"); do "$@" && return 0; sleep 1; done
  return 1
}
status=0
fail() { echo "FAIL: $*"; status=1; }

if [ "$MODE" = offer ]; then
  # The offer opens at (0,0) (no window manager); Open Models… is its right button.
  # The offer is up soon after the run has failed: wait for the test plug-in's process, then a little.
  wait_for 90 pgrep -f "^$T/run/plug-ins/neural-atelier-test.* -run " >/dev/null || fail "the run never started"
  sleep 5
  import -window root "$T/offer.png"
  "$XKEY" 400 190 click
  if wait_for 30 timeout 5 import -window "Neural Atelier Models" "$T/opened.png" 2>/dev/null; then
    sleep 2
    shot opened
    "$XKEY" 832 53 click
    wait_for 30 test -s "$FILE" || fail "Install did not put $FILE into the library"
    sleep 1
    shot installed
    "$XKEY" 844 530 click  # Close
    # The run repeats (a fraction of a second), then offer.scm checks the layer and GIMP quits.
    wait_for 60 sh -c "! kill -0 $GPID 2>/dev/null"
    sleep 1
    import -window root "$T/after-close.png"
    grep -q "^PASS: offer" "$T/gimp.log" || fail "offer.scm did not pass"
  else
    fail "Open Models… did not open the model manager"
  fi
elif wait_for 90 pgrep -f "^$T/run/plug-ins/neural-atelier/neural-atelier.* -run " >/dev/null && sleep 3 &&
  wait_for 30 timeout 5 import -window "Neural Atelier Models" "$T/opened.png" 2>/dev/null; then
  sleep 2
  shot opened
  # The window opens at (0,0) without a window manager. The first row is at y=87, rows are 23 px apart.
  "$XKEY" 200 $((87 + 3 * 23)) click
  sleep 1
  shot selected
  # The buttons are at the right of the list: Install, Verify, Remove…, Import….
  "$XKEY" 832 53 click
  wait_for 30 test -s "$FILE" || fail "Install did not put $FILE into the library"
  sleep 2
  shot installed
  # Remove…; the confirmation opens over the window's middle, its Remove button at the right.
  "$XKEY" 832 133 click
  sleep 2
  import -window root "$T/confirm.png"
  "$XKEY" 572 318 click
  wait_for 20 test ! -e "$FILE" || fail "Remove did not delete $FILE"
  sleep 1
  shot removed
else
  fail "the model manager never came up"
fi
SHOT_DIR=${ATELIER_SHOT_DIR:-$BUILD/tests/gimp/models-$MODE}
mkdir -p "$SHOT_DIR" && cp "$T"/*.png "$SHOT_DIR/" 2>/dev/null
[ -n "$GPID" ] && kill -- -"$GPID" 2>/dev/null
wait "$GPID" 2>/dev/null
GPID=""
[ $status -eq 0 ] && echo "PASS: model manager ($MODE)" || { echo "---- gimp.log"; grep -v "stale context" "$T/gimp.log" | tail -30; }
exit $status
