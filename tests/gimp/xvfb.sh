# Sourced by the GUI tests: start_xvfb [LOG] starts a private Xvfb on a free display number, sets XPID (for the
# caller's cleanup) and exports DISPLAY.
start_xvfb() {
  local n=$((100 + RANDOM % 400))
  while [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1400x1000x24 -nolisten tcp >"${1:-/dev/null}" 2>&1 &
  XPID=$!
  export DISPLAY=":$n"
  sleep 1
}
