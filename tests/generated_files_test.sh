#!/usr/bin/env bash
# The files generated from the parameter declarations are up to date in the tree: the procedure and argument
# tables in docs/gimp-plugin.md and the translatable texts in po/filter_strings.cc (tools/gimp-doc.sh writes both).
# A parameter added or renamed without regenerating them fails here, not in a user's manual or translation.
# usage: generated_files_test.sh DUMP_PARAMS SOURCE_ROOT
set -euo pipefail
DUMP=$1 ROOT=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

"$DUMP" --markdown >"$work/tables.md"
awk '/<!-- BEGIN GENERATED ARGUMENTS/ { inside = 1; next } /<!-- END GENERATED ARGUMENTS/ { inside = 0 } inside' \
  "$ROOT/docs/gimp-plugin.md" >"$work/committed.md"
[ -s "$work/committed.md" ] || { echo "FAIL: docs/gimp-plugin.md has no GENERATED ARGUMENTS section"; exit 1; }
if diff -u "$work/committed.md" "$work/tables.md" >"$work/tables.diff"; then
  echo "PASS: docs/gimp-plugin.md's argument tables match the parameter declarations"
else
  echo "FAIL: docs/gimp-plugin.md's argument tables are stale (committed -, declared +):"
  head -30 "$work/tables.diff"
  status=1
fi

"$DUMP" --gettext >"$work/filter_strings.cc"
if diff -u "$ROOT/po/filter_strings.cc" "$work/filter_strings.cc" >"$work/strings.diff"; then
  echo "PASS: po/filter_strings.cc matches the parameter declarations"
else
  echo "FAIL: po/filter_strings.cc is stale (committed -, declared +):"
  head -30 "$work/strings.diff"
  status=1
fi

[ "$status" = 0 ] || echo "Regenerate with: ./run shell tools/gimp-doc.sh _build/sysroot (then ninja -C _build/sysroot" \
  "neural-atelier-pot neural-atelier-update-po, and translate what is new in po/de.po)"
exit "$status"
