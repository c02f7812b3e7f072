#!/usr/bin/env bash
# Runs one headless GIMP test file through tools/gimp-env.sh (with the test plug-in installed) and judges it:
# GIMP's exit status, a "PASS:" line, no "FAIL:" line, and every ";; expect-output: TEXT" / "# expect-output: TEXT"
# line of the test file found in GIMP's output, no "reject-output:" text. A ";; requires-argument: PROCEDURE
# ARGUMENT" the plug-in's declarations lack is a failure.
# Skips: a test that printed "SKIP: reason" (and nothing that fails: exit status, FAIL lines, rejected output are
# judged first) exits 77 (meson: skipped). Under CI=true a skip is a failure, unless the line is
# "SKIP (allowed): reason"; so is a missing Xvfb.
# usage: run-test.sh BUILD_DIR (batch|gui-batch|python) FILE     (gui-batch: in the GUI on a private Xvfb)
. "$(dirname "${BASH_SOURCE[0]}")/xvfb.sh"
set -uo pipefail
BUILD=$1 MODE=$2 FILE=$3
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
LOG=$(mktemp "${TMPDIR:-/tmp}/atelier-gimp-test-XXXXXX.log")
trap 'rm -f "$LOG"' EXIT

# ";; requires-argument: PROCEDURE ARGUMENT": the plug-in's declarations must give that procedure that argument.
REQUIRED=$(sed -n 's/^\(;;\|#\) requires-argument: //p' "$FILE")
if [ -n "$REQUIRED" ]; then
  PARAMS=$("$BUILD/plugin/dump-params") || { echo "FAIL: $BUILD/plugin/dump-params failed"; exit 1; }
  while read -r proc arg; do
    python3 -c '
import json, sys
procs = {p["procedure"]: [a["name"] for a in p["arguments"]] for p in json.load(sys.stdin)}
sys.exit(0 if sys.argv[2] in procs.get(sys.argv[1], []) else 1)' "$proc" "$arg" <<<"$PARAMS" ||
      { echo "FAIL: $proc has no argument $arg"; exit 1; }
  done <<<"$REQUIRED"
fi

XPID=""
if [ "$MODE" = gui-batch ]; then
  require_programs Xvfb
  start_xvfb
fi
trap 'rm -f "$LOG"; [ -z "$XPID" ] || kill "$XPID"' EXIT

ATELIER_TEST_PLUGIN=1 "$SOURCE/tools/gimp-env.sh" "$BUILD" "$MODE" "$FILE" >"$LOG" 2>&1
rc=$?
cat "$LOG"
echo "---- $(basename "$FILE"): gimp exit status $rc"
status=0
[ $rc -eq 0 ] || { echo "FAIL: gimp exited with $rc"; status=1; }
grep -q '^FAIL:' "$LOG" && { echo "FAIL: the test reported failures"; status=1; }
while IFS= read -r bad; do
  grep -qF -- "$bad" "$LOG" && { echo "FAIL: unexpected output found: $bad"; status=1; }
done < <(sed -n 's/^\(;;\|#\) reject-output: //p' "$FILE")
if [ $status -eq 0 ] && skip=$(grep -m1 -E '^SKIP( \(allowed\))?:' "$LOG"); then
  if [ "${CI:-}" = true ] && [[ $skip != "SKIP (allowed):"* ]]; then
    echo "FAIL: skipped under CI=true ($skip); only \"SKIP (allowed): reason\" may skip there"
    exit 1
  fi
  echo "SKIPPED: $(basename "$FILE")"
  exit 77
fi
grep -q '^PASS:' "$LOG" || { echo "FAIL: no PASS line"; status=1; }
while IFS= read -r want; do
  grep -qF -- "$want" "$LOG" || { echo "FAIL: expected output not found: $want"; status=1; }
done < <(sed -n 's/^\(;;\|#\) expect-output: //p' "$FILE")
[ $status -eq 0 ] && echo "PASS: $(basename "$FILE")"
exit $status
