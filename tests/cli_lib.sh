# Shared by the CLI test scripts (sourced): a scratch directory and assertions on a command's exit code and output.
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
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
