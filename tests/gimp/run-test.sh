#!/usr/bin/env bash
# Runs one headless GIMP test file through tools/gimp-env.sh (with the test plug-in installed) and judges it:
# GIMP's exit status, a "PASS:" line, no "FAIL:" line, and every ";; expect-output: TEXT" / "# expect-output: TEXT"
# line of the test file found (and ";; requires-argument:", see below) in GIMP's output, no "reject-output:" text. A "SKIP:" line exits 77 (meson: skipped).
# usage: run-test.sh BUILD_DIR (batch|gui-batch|python) FILE     (gui-batch: in the GUI on a private Xvfb)
. "$(dirname "${BASH_SOURCE[0]}")/xvfb.sh"
set -uo pipefail
BUILD=$1 MODE=$2 FILE=$3
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
LOG=$(mktemp "${TMPDIR:-/tmp}/atelier-gimp-test-XXXXXX.log")
trap 'rm -f "$LOG"' EXIT

# ";; requires-argument: PROCEDURE ARGUMENT": skip until the declarations give that procedure that argument.
while read -r proc arg; do
  "$BUILD/plugin/dump-params" | python3 -c '
import json, sys
procs = {p["procedure"]: [a["name"] for a in p["arguments"]] for p in json.load(sys.stdin)}
sys.exit(0 if sys.argv[2] in procs.get(sys.argv[1], []) else 1)' "$proc" "$arg" ||
    { echo "SKIP: $proc has no argument $arg yet"; exit 77; }
done < <(sed -n 's/^\(;;\|#\) requires-argument: //p' "$FILE")

XPID=""
if [ "$MODE" = gui-batch ]; then
  command -v Xvfb >/dev/null || { echo "SKIP: needs Xvfb"; exit 77; }
  start_xvfb
fi
trap 'rm -f "$LOG"; [ -z "$XPID" ] || kill "$XPID"' EXIT

ATELIER_TEST_PLUGIN=1 "$SOURCE/tools/gimp-env.sh" "$BUILD" "$MODE" "$FILE" >"$LOG" 2>&1
rc=$?
cat "$LOG"
echo "---- $(basename "$FILE"): gimp exit status $rc"
if grep -q '^SKIP:' "$LOG"; then exit 77; fi
status=0
[ $rc -eq 0 ] || { echo "FAIL: gimp exited with $rc"; status=1; }
grep -q '^FAIL:' "$LOG" && { echo "FAIL: the test reported failures"; status=1; }
grep -q '^PASS:' "$LOG" || { echo "FAIL: no PASS line"; status=1; }
while IFS= read -r want; do
  grep -qF -- "$want" "$LOG" || { echo "FAIL: expected output not found: $want"; status=1; }
done < <(sed -n 's/^\(;;\|#\) expect-output: //p' "$FILE")
while IFS= read -r bad; do
  grep -qF -- "$bad" "$LOG" && { echo "FAIL: unexpected output found: $bad"; status=1; }
done < <(sed -n 's/^\(;;\|#\) reject-output: //p' "$FILE")
[ $status -eq 0 ] && echo "PASS: $(basename "$FILE")"
exit $status
