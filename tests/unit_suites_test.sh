#!/bin/sh
# Every test case of the unit-test binary belongs to one of the unit suites that meson runs (tests/meson.build,
# unit_suites): a case that no suite's filter names would never run.
# usage: unit_suites_test.sh UNIT_TESTS FILTER...   (gtest filters such as 'Frames*:StylizeFrames*')
set -u
BIN=$1
shift
patterns=$(printf '%s\n' "$@" | tr ':' '\n')
cases=$("$BIN" --gtest_list_tests | grep '^[^ ].*\.$' | sed 's/\.$//') || { echo "FAIL: cannot list the tests"; exit 1; }
[ -n "$cases" ] || { echo "FAIL: the binary lists no tests"; exit 1; }
missing=""
for c in $cases; do
  found=0
  for p in $patterns; do
    # shellcheck disable=SC2254  # the filters are glob patterns
    case "$c.x" in $p) found=1; break ;; esac
  done
  [ "$found" = 1 ] || missing="$missing $c"
done
[ -z "$missing" ] || { echo "FAIL: test cases in no unit suite (add them to unit_suites in tests/meson.build):$missing"; exit 1; }
echo "PASS: $(echo "$cases" | wc -l) test cases, each in a unit suite"
