#!/usr/bin/env bash
# Installs this build's plug-in into the user's own GIMP 3: the plug-in, its translations and help pages into the
# user's plug-in folder, the default feature network into the user's model library. Called by ./run install.
#
#   tools/install.sh BUILD            install (or update)
#   tools/install.sh BUILD --remove   remove the plug-in (the model library is kept: it may be shared)
#
# Where: $GIMP3_DIRECTORY (else ~/.config/GIMP/3.0)/plug-ins/neural-atelier, and the model library the plug-in
# uses when the user's GIMP starts it: ~/.local/share/neural-atelier/models ($XDG_DATA_HOME). A network already in
# this build environment's library ($ATELIER_MODELS_DIR) is copied from there rather than converted again.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 BUILD [--remove]" >&2; exit 2; }
BUILD=$(cd "$1" && pwd -P)
ACTION=${2:-install}
PROFILE=${GIMP3_DIRECTORY:-${XDG_CONFIG_HOME:-$HOME/.config}/GIMP/3.0}
DEST=$PROFILE/plug-ins/neural-atelier

say() { printf '\033[1m[install]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[install] error:\033[0m %s\n' "$*" >&2; exit 1; }

case "$ACTION" in
  --remove)
    [ -d "$DEST" ] || { say "nothing to remove: $DEST does not exist"; exit 0; }
    rm -rf "$DEST"
    say "removed $DEST (restart GIMP); the model library is kept (./run atelier models list)"
    exit 0
    ;;
  install) ;;
  *) die "unknown option '$ACTION' (use --remove to uninstall)" ;;
esac

[ -x "$BUILD/plugin/neural-atelier" ] || die "$BUILD/plugin/neural-atelier is missing; build first (./run build)"
mkdir -p "$DEST" || die "cannot create $DEST; set GIMP3_DIRECTORY to your GIMP 3 profile folder"
# A copy under a temporary name, then renamed: a GIMP running the old plug-in keeps its file.
cp "$BUILD/plugin/neural-atelier" "$DEST/.neural-atelier.new"
mv -f "$DEST/.neural-atelier.new" "$DEST/neural-atelier"
rm -rf "$DEST/locale"
for mo in "$BUILD"/po/*/LC_MESSAGES/*.mo; do
  [ -f "$mo" ] || continue
  lang=$(basename "$(dirname "$(dirname "$mo")")")
  mkdir -p "$DEST/locale/$lang/LC_MESSAGES"
  cp "$mo" "$DEST/locale/$lang/LC_MESSAGES/"
done
# The help pages (each dialog's Help button), found beside the plug-in.
rm -rf "$DEST/help"
[ -d "$BUILD/plugin/help" ] && cp -r "$BUILD/plugin/help" "$DEST/help"
say "plug-in installed: $DEST"

LIBRARY=${XDG_DATA_HOME:-$HOME/.local/share}/neural-atelier/models
mkdir -p "$LIBRARY" || die "cannot create the model library $LIBRARY"
BUILT_LIBRARY=${ATELIER_MODELS_DIR:-}
if [ -n "$BUILT_LIBRARY" ] && [ -f "$BUILT_LIBRARY/inception_v3.safetensors" ] && [ ! -e "$LIBRARY/inception_v3.safetensors" ]; then
  cp "$BUILT_LIBRARY/inception_v3.safetensors" "$LIBRARY/"
fi
ATELIER_MODELS_DIR=$LIBRARY "$BUILD/cli/atelier" models install inception_v3 >&2 ||
  die "the plug-in is installed but the default feature network is not (see the message above); when that is fixed, run: ATELIER_MODELS_DIR=$LIBRARY ./run atelier models install inception_v3"

missing=$(ldd "$DEST/neural-atelier" 2>/dev/null | awk '/=> not found/ {print $1}' | sort -u | tr '\n' ' ' || true)
if [ -n "$missing" ]; then
  say "warning: this system lacks libraries the plug-in needs: $missing"
  say "install the runtime packages of tools/debian-packages.txt (Debian 13 / Ubuntu 25.04+), e.g. libtorch2.6"
fi
say "done: restart GIMP 3 and find the filters under Filters > Neural (remove with ./run install --remove)"
