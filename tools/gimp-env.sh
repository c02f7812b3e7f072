#!/usr/bin/env bash
# GIMP with this build's plug-in, in a throwaway plug-in dir and profile (the system and the user's profile are
# left alone). Called by ./run and the meson 'gimp' tests.
#
#   tools/gimp-env.sh BUILD batch FILE.scm      evaluate a Script-Fu file headless; exit status 0 = success
#   tools/gimp-env.sh BUILD python FILE.py      the same with Python-Fu
#   tools/gimp-env.sh BUILD gui-batch FILE.scm  the same in the GUI (needs $DISPLAY; quits when done)
#   tools/gimp-env.sh BUILD gui [GIMP ARGS...]  the GUI (needs $DISPLAY)
#
# The scripts see these variables (Script-Fu: defined before FILE is loaded; Python: environment):
#   atelier-work-dir / ATELIER_WORK_DIR     a fresh directory for the script's files
#   atelier-source-dir / ATELIER_SOURCE_DIR the repository
# Environment: ATELIER_TEST_PLUGIN=1 also installs the test plug-in (tests/gimp), ATELIER_KEEP=1 keeps the
# throwaway directory, ATELIER_WORK_DIR picks it, ATELIER_MODELS_DIR is passed on (the model library),
# ATELIER_GIMPRC_EXTRA is added to the profile's gimprc.
set -euo pipefail

usage() { echo "usage: $0 BUILD (batch FILE.scm | gui-batch FILE.scm | python FILE.py | gui [ARGS...])" >&2; exit 2; }
[ $# -ge 2 ] || usage
BUILD=$(cd "$1" && pwd -P)
MODE=$2
shift 2
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

PLUGIN=$BUILD/plugin/neural-atelier
[ -x "$PLUGIN" ] || { echo "gimp-env: $PLUGIN is missing; build first (./run build)" >&2; exit 1; }

# OWN_T: this script made the work folder, so it removes it (ATELIER_WORK_DIR is exported below, so it cannot tell).
OWN_T=0
if [ -n "${ATELIER_WORK_DIR:-}" ]; then
  T=$ATELIER_WORK_DIR
  mkdir -p "$T"
else
  T=$(mktemp -d "${TMPDIR:-/tmp}/atelier-gimp-XXXXXX")
  OWN_T=1
fi
cleanup() {
  [ "${ATELIER_KEEP:-0}" = 1 ] && return
  rm -rf "$T/home" "$T/profile" "$T/plug-ins"
  [ "$OWN_T" = 0 ] || rm -rf "$T"
}
trap cleanup EXIT

mkdir -p "$T/home" "$T/profile" "$T/plug-ins/neural-atelier"
# GIMP only loads <dir>/<name>/<name>; copies (not links) so a rebuild during a run cannot confuse it.
cp "$PLUGIN" "$T/plug-ins/neural-atelier/neural-atelier"
if [ "${ATELIER_TEST_PLUGIN:-0}" = 1 ]; then
  mkdir -p "$T/plug-ins/neural-atelier-test"
  cp "$BUILD/tests/gimp/neural-atelier-test" "$T/plug-ins/neural-atelier-test/neural-atelier-test"
fi
cat >"$T/profile/gimprc" <<RC
(plug-in-path "\${gimp_dir}/plug-ins:\${gimp_plug_in_dir}/plug-ins:$T/plug-ins")
(show-welcome-dialog no)
(check-updates no)
(show-tips no)
RC
# Tests add their own settings (e.g. the help browser).
[ -n "${ATELIER_GIMPRC_EXTRA:-}" ] && printf '%s\n' "$ATELIER_GIMPRC_EXTRA" >>"$T/profile/gimprc"

export HOME=$T/home GIMP3_DIRECTORY=$T/profile
export ATELIER_MODELS_DIR=${ATELIER_MODELS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/neural-atelier/models}
export ATELIER_WORK_DIR=$T ATELIER_SOURCE_DIR=$SOURCE ATELIER_BUILD_DIR=$BUILD
# The build's translations (po/<lang>/LC_MESSAGES/neural-atelier.mo), not those of an installed copy.
export ATELIER_LOCALEDIR=$BUILD/po
# The build's help pages (the dialogs' Help buttons).
export ATELIER_HELPDIR=$BUILD/plugin/help

scheme_string() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }

case "$MODE" in
  batch | gui-batch)
    [ $# -ge 1 ] || usage
    FILE=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")
    GIMP=(gimp-console-3.0 -i)
    # Headless means headless: a RUN-INTERACTIVE call must not find the user's display and wait on a dialog.
    [ "$MODE" = batch ] && unset DISPLAY WAYLAND_DISPLAY
    [ "$MODE" = batch ] || GIMP=(gimp-3.0 -s)
    # One -b: each -b has its own Scheme state, so the definitions and the load go together.
    "${GIMP[@]}" -n --quit --batch-interpreter=plug-in-script-fu-eval -b \
      "(begin (define atelier-work-dir $(scheme_string "$T")) (define atelier-source-dir $(scheme_string "$SOURCE")) (load $(scheme_string "$FILE")))"
    ;;
  python)
    [ $# -ge 1 ] || usage
    unset DISPLAY WAYLAND_DISPLAY
    FILE=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")
    gimp-console-3.0 -i -n --quit --batch-interpreter=python-fu-eval -b \
      "exec(open('$FILE').read())"
    ;;
  gui)
    gimp-3.0 -n "$@"
    ;;
  *) usage ;;
esac
