#!/usr/bin/env bash
# GUI test under Xvfb: the Help button of our dialogs opens the filter's help page. GIMP is set to show help in the
# web browser, and the desktop's default browser (mimeapps.list in the test's home) is a script that records the
# address it is given. The Stylize dialog is opened with RUN-INTERACTIVE and its Help button clicked, as a user
# would; the recorded address must be the build's help page of Stylize in the expected language.
# usage: help.sh BUILD_DIR XTEST_KEY_BINARY LANG   (LANG: en or de, the folder of the expected page; run the de
# test under tests/in-locale.sh de_DE.UTF-8)
. "$(dirname "${BASH_SOURCE[0]}")/xvfb.sh"
set -uo pipefail
BUILD=$(cd "$1" && pwd -P) XKEY=$2 WANT_LANG=$3
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
require_programs Xvfb import
# A screen tall enough for the whole Stylize dialog (its buttons are at the bottom).
export ATELIER_XVFB_SIZE=1400x1600
gui_test_setup help

# The profile's home (tools/gimp-env.sh: $T/run/home) gets a default browser that only records.
HOME_DIR=$T/run/home
mkdir -p "$HOME_DIR/.local/share/applications" "$HOME_DIR/.config"
cat >"$T/record-browser" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >>"$T/opened.txt"
EOF
chmod +x "$T/record-browser"
cat >"$HOME_DIR/.local/share/applications/atelier-record.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=Record
Exec=$T/record-browser %u
MimeType=text/html;x-scheme-handler/http;x-scheme-handler/https;x-scheme-handler/file;
EOF
printf '[Default Applications]\ntext/html=atelier-record.desktop\nx-scheme-handler/file=atelier-record.desktop\n' \
  >"$HOME_DIR/.config/mimeapps.list"

script="(begin (script-fu-use-v3)
  (let* ((img (gimp-image-new 320 200 RGB))
         (layer (gimp-layer-new img \"layer\" 320 200 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
    (gimp-image-insert-layer img layer 0 0)
    (gimp-drawable-fill layer FILL-WHITE)
    (gimp-display-new img)
    (plug-in-atelier-stylize #:run-mode RUN-INTERACTIVE #:image img #:drawables (vector layer))))"
ATELIER_GIMPRC_EXTRA='(help-browser web-browser)' ATELIER_WORK_DIR="$T/run" ATELIER_KEEP=1 setsid \
  "$SOURCE/tools/gimp-env.sh" "$BUILD" gui -s --batch-interpreter=plug-in-script-fu-eval -b "$script" \
  >"$T/gimp.log" 2>&1 &
GPID=$!

# The dialog is up when a window has its title (import fails quickly otherwise).
title=$("$BUILD/plugin/dump-params" --help-json | python3 -c '
import gettext, json, os, sys
procs = json.load(sys.stdin)
title = next(p["title"] for p in procs if p["name"] == "stylize")
mo = os.path.join(sys.argv[1], "po", sys.argv[2], "LC_MESSAGES", "neural-atelier.mo")
print(gettext.GNUTranslations(open(mo, "rb")).gettext(title) if sys.argv[2] != "en" else title)' "$BUILD" "$WANT_LANG")
up=0
for _ in $(seq 1 90); do
  if timeout 5 import -window "$title" "$T/dialog.png" 2>/dev/null; then up=1; break; fi
  sleep 1
done
sleep 2
# Dialogs open at (0,0) without a window manager; Help is the first button of the bottom row, at the left.
height=$(identify -format '%h' "$T/dialog.png" 2>/dev/null || echo 0)
[ $up -eq 1 ] && "$XKEY" 60 $((height - 41)) click
for _ in $(seq 1 90); do
  [ -s "$T/opened.txt" ] && break
  sleep 1
done
[ -n "${ATELIER_SHOT:-}" ] && import -window root "$ATELIER_SHOT"
kill -- -"$GPID" 2>/dev/null
wait "$GPID" 2>/dev/null
GPID=""

opened=$(cat "$T/opened.txt" 2>/dev/null)
want=$BUILD/plugin/help/$WANT_LANG/stylize.html
echo "dialog '$title' up: $up; the browser was asked to open: ${opened:-nothing}"
status=0
[ $up -eq 1 ] || { echo "FAIL: the dialog never came up"; sed -n '1,40p' "$T/gimp.log"; status=1; }
case "$opened" in
  "$want" | "file://$want") ;;
  *) echo "FAIL: expected $want"; grep -v "stale context" "$T/gimp.log" | tail -40; status=1 ;;
esac
[ -f "$want" ] && grep -q 'plug-in-atelier-stylize' "$want" || { echo "FAIL: $want is not Stylize's page"; status=1; }
[ $status -eq 0 ] && echo "PASS: help ($WANT_LANG)"
exit $status
