#!/bin/sh
# Runs a command under a locale with decimal commas, as a German GIMP user's GIMP runs:
#   in-locale.sh de_DE.UTF-8 COMMAND [ARGS...]
# The locale is compiled into a private folder (LOCPATH) when the system lacks it, so no root and no system
# change is needed. Where that is impossible (no localedef, no locale sources) the test is skipped (exit 77),
# except under CI=true, where it fails: a skipped locale test would hide the bug it exists for.
set -u
LOC=$1
shift
unavailable() {
  echo "in-locale: cannot provide the locale $LOC: $*"
  if [ "${CI:-}" = true ]; then echo "FAIL: locale $LOC unavailable under CI"; exit 1; fi
  exit 77
}
if [ "$(LC_ALL=$LOC locale decimal_point 2>/dev/null)" != "," ]; then
  command -v localedef >/dev/null || unavailable "localedef is missing (Debian package 'locales')"
  LOCPATH=$(mktemp -d)
  trap 'rm -rf "$LOCPATH"' EXIT
  base=${LOC%%.*} charset=${LOC#*.}
  localedef -i "$base" -f "$charset" "$LOCPATH/$LOC" >/dev/null 2>&1 ||
    unavailable "localedef -i $base -f $charset failed (Debian package 'locales')"
  export LOCPATH
  [ "$(LC_ALL=$LOC locale decimal_point 2>/dev/null)" = "," ] || unavailable "its decimal point is not a comma"
fi
export LANG=$LOC LC_ALL=$LOC
"$@"
