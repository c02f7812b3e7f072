#!/usr/bin/env bash
# Runs every libFuzzer target of BUILD (fuzz/) for SECONDS each, starting from the seeds in fuzz/seeds/<target>/
# and the test fixtures, in a scratch corpus (the seeds stay as they are). Fails on any crash, sanitizer report,
# timeout or memory blow-up; the reproducer is kept under _build/fuzz-findings/.
# usage: tools/fuzz.sh BUILD SECONDS
set -uo pipefail
BUILD=$1 SECONDS_EACH=${2:-60}
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
FINDINGS=$SOURCE/_build/fuzz-findings
WORK=$(mktemp -d "${TMPDIR:-/tmp}/atelier-fuzz-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

seeds_of() {  # extra seeds from the repository's fixtures
  case "$1" in
    pth) ls "$SOURCE"/tests/fixtures/*.pth ;;
    safetensors) ls "$SOURCE"/tests/fixtures/pth_*expected.safetensors ;;
    image) ls "$SOURCE"/tests/fixtures/*.png ;;
  esac
}

passed=0 failed=0
for exe in "$BUILD"/fuzz/fuzz_*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name=${exe##*/fuzz_}
  corpus=$WORK/$name
  mkdir -p "$corpus" "$FINDINGS/$name"
  [ -d "$SOURCE/fuzz/seeds/$name" ] && cp "$SOURCE/fuzz/seeds/$name"/* "$corpus/" 2>/dev/null
  for f in $(seeds_of "$name"); do cp "$f" "$corpus/"; done
  log=$WORK/$name.log
  # Leak checking stays on: our parsers must not leak on any input (fuzz/lsan.supp lists known leaks elsewhere).
  ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 LSAN_OPTIONS=suppressions=$SOURCE/fuzz/lsan.supp \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    OMP_NUM_THREADS=1 "$exe" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$FINDINGS/$name/" "$corpus" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  if [ $rc -eq 0 ]; then
    echo "fuzz_$name: ${runs:-?} inputs in ${SECONDS_EACH} s, no finding"
    passed=$((passed + 1))
  else
    echo "fuzz_$name: FAILED (exit $rc); reproducer in $FINDINGS/$name/"
    grep -E "ERROR: |SUMMARY: |runtime error|Test unit written" "$log" | head -20
    failed=$((failed + 1))
  fi
done
[ $((passed + failed)) -gt 0 ] || { echo "fuzz: no targets in $BUILD/fuzz"; exit 1; }
echo "fuzz targets: $passed passed, $failed failed"
[ $failed -eq 0 ]
