#!/bin/sh
# tools/check_layers.py, which every build runs: the source tree passes, and a tree with an upward include and a
# core header naming ParamValues is refused with both places named.
set -u
check="$1" source_root="$2"
python3 "$check" "$source_root" || { echo "FAIL: the source tree breaks the direction of dependency"; exit 1; }
out=$(python3 "$check" "$source_root/tests/fixtures/layering" 2>&1) && { echo "FAIL: a planted upward include passed"; exit 1; }
echo "$out"
echo "$out" | grep -q '^engine/upward.h:2: engine/ may not include filters/' || { echo "FAIL: the upward include is not named"; exit 1; }
echo "$out" | grep -q '^core/values.h:2: core/ is below filters/ and may not name ParamValues' ||
  { echo "FAIL: ParamValues below filters/ is not named"; exit 1; }
echo "PASS"
