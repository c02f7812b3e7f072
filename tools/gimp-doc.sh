#!/usr/bin/env bash
# Regenerates the procedure/argument tables in docs/gimp-plugin.md and the translatable texts in
# po/filter_strings.cc from the parameter declarations (then update the translations: ninja -C BUILD
# neural-atelier-pot neural-atelier-update-po).
# usage: tools/gimp-doc.sh BUILD   (e.g. ./run shell tools/gimp-doc.sh _build/sysroot)
set -euo pipefail
BUILD=$1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DOC=$ROOT/docs/gimp-plugin.md
ninja -C "$BUILD" plugin/dump-params >&2
TABLES=$(mktemp)
trap 'rm -f "$TABLES"' EXIT
"$BUILD/plugin/dump-params" --markdown >"$TABLES"
awk -v tables="$TABLES" '
  /<!-- BEGIN GENERATED ARGUMENTS/ { print; while ((getline line < tables) > 0) print line; skip = 1; next }
  /<!-- END GENERATED ARGUMENTS/ { skip = 0 }
  !skip { print }' "$DOC" >"$DOC.new"
mv "$DOC.new" "$DOC"
echo "updated $DOC" >&2
"$BUILD/plugin/dump-params" --gettext >"$ROOT/po/filter_strings.cc"
echo "updated $ROOT/po/filter_strings.cc" >&2
