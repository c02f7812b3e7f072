# Shared by the CLI test scripts (sourced): a scratch directory and assertions on a command's exit code and output.
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
# What runs keep for later runs (Stylize Arbitrary's fits) goes to the scratch directory, not the user's cache.
export XDG_CACHE_HOME="$DIR/cache"
fail() { echo "FAIL: $*"; exit 1; }
expect() {  # expect EXIT_CODE PATTERN COMMAND...
  want=$1 pattern=$2; shift 2
  rc=0; out=$("$@" 2>&1) || rc=$?  # also under set -e
  [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want: $out"
  # Not a pipe: under pipefail, printf cut off by grep -q's early exit would fail a match.
  grep -q -- "$pattern" <<EOF || fail "'$*' did not print '$pattern': $out"
$out
EOF
}
size_of() {  # prints "W H" of a PNG
  python3 -c 'import struct,sys; print(*struct.unpack(">II", open(sys.argv[1],"rb").read()[16:24]))' "$1"
}
# A model library of the test's own in $DIR/lib (what the run trains or installs goes there), with InceptionV3 and
# the models named as arguments linked from the user's library.
use_own_library() {
  user_lib=${ATELIER_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/neural-atelier/models}
  mkdir -p "$DIR/lib"
  for model in "$@" inception_v3; do ln -s "$user_lib/$model.safetensors" "$DIR/lib/$model.safetensors"; done
  export ATELIER_MODELS_DIR=$DIR/lib
}
