#!/usr/bin/env bash
# The C++ sources are formatted as .clang-format says (clang-format of the build environment, Debian 13's 19):
# lists every file that is not, with the first differences. Generated files (po/) are left as generated.
# usage: check_format.sh SOURCE_ROOT
set -euo pipefail
cd "$1"
if [ -d .git ] || [ -f .git ]; then
  mapfile -t files < <(git ls-files '*.cc' '*.h' | grep -v '^po/')
else
  mapfile -t files < <(find . -path ./_build -prune -o -path ./po -prune -o \( -name '*.cc' -o -name '*.h' \) -print)
fi
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no C++ sources found under $1"; exit 1; }
report=$(mktemp)
trap 'rm -f "$report"' EXIT
if clang-format --dry-run -Werror "${files[@]}" >"$report" 2>&1; then
  echo "PASS: ${#files[@]} files formatted as .clang-format says"
  exit 0
fi
grep -o '^[^:]*\.\(cc\|h\):' "$report" | sort -u | sed 's/:$//; s/^/FAIL: not formatted: /'
head -40 "$report"
echo "Fix with: ./run shell clang-format -i FILE..."
exit 1
