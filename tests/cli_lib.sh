# Shared by the CLI test scripts (sourced): a scratch directory and assertions on a command's exit code and output.
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() {  # expect EXIT_CODE PATTERN COMMAND...
  want=$1 pattern=$2; shift 2
  out=$("$@" 2>&1); rc=$?
  [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want: $out"
  printf '%s\n' "$out" | grep -q -- "$pattern" || fail "'$*' did not print '$pattern': $out"
}
