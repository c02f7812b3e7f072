#!/bin/bash
# The device tool sends git's tracked files and the carried paths, 64 MiB at most. The tree (42 MB) and .devcheck/
# (28 MB) are more. `travel.sh trim` takes docs/images and eight of the nine fast-style networks (the checks use
# wave) out of git's index for the call; the files stay on disk. `travel.sh restore` puts the index back.
set -euo pipefail
cd "$(dirname "$0")/../.."
EXCLUDE=.git/info/exclude
LINES=('/docs/images/' '/models/fast-style/*.safetensors' '!/models/fast-style/wave.safetensors')
case "${1:-}" in
  trim)
    git diff --cached --quiet || { echo "travel.sh: the index has staged changes; commit or unstage them first" >&2; exit 1; }
    git rm -r -q --cached docs/images $(ls models/fast-style/*.safetensors | grep -v /wave.safetensors)
    printf '%s\n' "${LINES[@]}" >> "$EXCLUDE"
    echo "travels: $( (git ls-files -z; git ls-files -z --others --exclude-standard) | xargs -0 du -cb | tail -1 | cut -f1) bytes + .devcheck $(du -sb .devcheck | cut -f1)" ;;
  restore)
    git reset -q
    grep -v -x -F "$(printf '%s\n' "${LINES[@]}")" "$EXCLUDE" > "$EXCLUDE.new" || true
    mv "$EXCLUDE.new" "$EXCLUDE"
    git status --short ;;
  *) echo "usage: tools/device-check/travel.sh trim|restore" >&2; exit 2 ;;
esac
