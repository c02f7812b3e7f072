# Sourced by the GUI tests: start_xvfb [LOG] starts a private Xvfb (ATELIER_XVFB_SIZE, default 1400x1000) on a
# free display number, sets XPID (for the caller's cleanup) and exports DISPLAY; gui_test_setup NAME does the whole set-up of a GUI test.
start_xvfb() {
  local n attempt
  for attempt in 1 2 3; do
    n=$((100 + RANDOM % 400))
    while [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ]; do n=$((n + 1)); done
    Xvfb ":$n" -screen 0 "${ATELIER_XVFB_SIZE:-1400x1000}x24" -nolisten tcp >"${1:-/dev/null}" 2>&1 &
    XPID=$!
    export DISPLAY=":$n"
    # Up when it answers (a busy machine can take seconds); one that never does is replaced by another display.
    for _ in $(seq 1 100); do
      if command -v import >/dev/null; then
        timeout 2 import -window root -resize 1x1 null: 2>/dev/null && return 0
      else
        [ -S "/tmp/.X11-unix/X$n" ] && sleep 1 && return 0
      fi
      sleep 0.1
    done
    kill "$XPID" 2>/dev/null
    wait "$XPID" 2>/dev/null
    echo "Xvfb :$n did not answer (attempt $attempt)" >&2
  done
}

# require_programs PROGRAM...: a GUI test without these cannot run: under CI=true that is a failure (a skip would
# hide the test), elsewhere a skip (exit 77) that names what to install.
require_programs() {
  local p missing=()
  for p in "$@"; do command -v "$p" >/dev/null || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "${CI:-}" = true ] && { echo "FAIL: needs ${missing[*]} (Xvfb: xvfb, import/convert: imagemagick; CI=true: a skip would hide this test)"; exit 1; }
  echo "SKIP: needs ${missing[*]} (Debian packages xvfb, imagemagick)"
  exit 77
}

# gui_test_setup NAME: a scratch folder $T, a private Xvfb (its log in $T/xvfb.log), and an exit trap that stops
# the GIMP started by the test (process group GPID, when set) and the Xvfb, and removes $T.
gui_test_setup() {
  T=$(mktemp -d "${TMPDIR:-/tmp}/atelier-$1-XXXXXX")
  XPID="" GPID=""
  trap '[ -n "$GPID" ] && kill -- -"$GPID" 2>/dev/null; [ -n "$XPID" ] && kill "$XPID" 2>/dev/null; wait 2>/dev/null;
        rm -rf "$T"' EXIT
  start_xvfb "$T/xvfb.log"
}
