#!/usr/bin/env bash
# GUI test under Xvfb: Stylize ▸ Arbitrary's preview does the run's fit. With the Arbitrary method (seeded as the
# last value) the dialog's live preview fits the style on the whole layer and keeps the fit in the user's cache;
# OK then paints the layer with that fit instead of fitting again. Passes when a fit is kept while the dialog is
# still open, the run adds its layer (arbitrary_preview.scm), and afterwards the kept fit is still the same file: a
# run that fitted again would have replaced it (DiskTensorCache writes a new file and renames it over the old one).
# Only the order of events is checked, each waited for generously: never a duration.
# usage: arbitrary_preview.sh BUILD_DIR XTEST_KEY_BINARY
. "$(dirname "${BASH_SOURCE[0]}")/xvfb.sh"
set -uo pipefail
BUILD=$(cd "$1" && pwd -P) XKEY=$2
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
require_programs Xvfb import identify convert
gui_test_setup arbitrary-preview

# The models stay where they are; the plug-in's cache (fits, the speed measurement) is this test's own.
export ATELIER_MODELS_DIR=${ATELIER_MODELS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/neural-atelier/models}
export XDG_CACHE_HOME=$T/cache
FITS=$XDG_CACHE_HOME/neural-atelier/arbitrary-fits
mkdir -p "$T/profile/plug-in-settings"
printf '(method "arbitrary")\n' >"$T/profile/plug-in-settings/GimpProcedureConfigRun-plug-in-atelier-stylize.last"
ATELIER_WORK_DIR="$T" ATELIER_KEEP=1 setsid "$SOURCE/tools/gimp-env.sh" "$BUILD" gui-batch \
  "$SOURCE/tests/gimp/arbitrary_preview.scm" >"$T/gimp.log" 2>&1 &
GPID=$!
gimp_running() { kill -0 "$GPID" 2>/dev/null; }
fits() { find "$FITS" -name '*.safetensors' 2>/dev/null; }

# The speed measurement (first use) comes first, then the preview's fit: the fit's file appears.
kept=""
for _ in $(seq 1 300); do
  gimp_running || break
  kept=$(fits | head -n 1)
  [ -n "$kept" ] && break
  sleep 1
done
inode=""
[ -n "$kept" ] && inode=$(stat -c %i "$kept")
sleep 5  # the preview paints after its fit; the screenshot then shows it and the shortened estimate
# The dialog opens at (0,0) without a window manager; its options scroll on this 1000-px screen, its buttons stay
# below them. OK is the last button of the bottom row: found as the rightmost pixel of that row, 30 px above the
# dialog's bottom, that differs from the dialog's background.
title="Neural Stylize"
ok=""
for _ in $(seq 1 30); do
  [ -n "$kept" ] || break
  timeout 5 import -window "$title" "$T/dialog.png" 2>/dev/null && read -r dw dh < <(identify -format '%w %h\n' "$T/dialog.png") &&
    ok=$(convert "$T/dialog.png" -crop "${dw}x1+0+$((dh - 30))" -depth 8 rgb:- | python3 -c '
import sys
d = sys.stdin.buffer.read()
px = [d[i:i + 3] for i in range(0, len(d) - 2, 3)]
right = [i for i in range(len(px)) if max(abs(a - b) for a, b in zip(px[i], px[-1])) > 8]
print(f"{right[-1] - 30} {int(sys.argv[1]) - 30}" if right else "")' "$dh") && [ -n "$ok" ] && break
  sleep 1
done
SHOT=${ATELIER_SHOT:-$BUILD/tests/gimp/arbitrary-preview.png}
import -window root "$SHOT" 2>/dev/null
clicked=0
if [ -n "$ok" ]; then
  read -r ok_x ok_y <<<"$ok"
  "$XKEY" "$ok_x" "$ok_y" click && clicked=1
fi
ended=0 rc=1
for _ in $(seq 1 300); do
  [ $clicked -eq 1 ] || break
  if ! gimp_running; then ended=1; break; fi
  sleep 1
done
if [ $ended -eq 1 ]; then
  wait "$GPID"
  rc=$?
  GPID=""
fi
cat "$T/gimp.log"
after=$(fits)
echo "---- fit kept before OK: ${kept:-none} (inode ${inode:-none}), OK at ${ok:-not found}," \
  "OK clicked: $clicked, GIMP ended: $ended (status $rc), fits afterwards: $(echo "$after" | grep -c .)"
status=0
[ -n "$kept" ] || { echo "FAIL: the preview kept no fit while the dialog was open"; status=1; }
[ $clicked -eq 1 ] || { echo "FAIL: no dialog titled '$title' to click OK in"; status=1; }
[ $clicked -eq 0 ] || [ $ended -eq 1 ] || { echo "FAIL: GIMP still ran 300 s after OK"; status=1; }
[ $rc -eq 0 ] && grep -q "^PASS: arbitrary-preview" "$T/gimp.log" || { echo "FAIL: arbitrary_preview.scm did not pass"; status=1; }
if [ -n "$kept" ]; then
  [ "$after" = "$kept" ] || { echo "FAIL: the run kept another fit: $after"; status=1; }
  [ -f "$kept" ] && [ "$(stat -c %i "$kept")" = "$inode" ] ||
    { echo "FAIL: the run fitted the style again (the kept fit was replaced)"; status=1; }
fi
for bad in "inconsistent state" "Plug-in crashed"; do
  grep -qF "$bad" "$T/gimp.log" && { echo "FAIL: found '$bad'"; status=1; }
done
[ $status -eq 0 ] && echo "PASS: arbitrary_preview.sh"
exit $status
