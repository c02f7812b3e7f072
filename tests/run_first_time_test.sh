#!/bin/bash
# ./run's set-up path on a bare machine: an empty cache folder that does not exist yet, and no debootstrap on the
# PATH. Everything that would download or need a real Debian root is stubbed (apt-get, debootstrap, unshare,
# chroot) and logs its call; the test checks that ./run installs debootstrap, creates the sysroot, installs the
# package list into it and records that, and that a second run does nothing again.
# usage: run_first_time_test.sh SOURCE_DIR
set -u
SOURCE=$1
. "$(dirname "$0")/cli_lib.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: ./run creates sysroots as root only"; [ "${CI:-}" = true ] && exit 1; exit 77; }

STUB=$DIR/stub-bin CALLS=$DIR/calls.log
mkdir -p "$STUB"
stub() {  # stub NAME BODY: a command that logs "NAME ARGS" and runs BODY
  printf '#!/bin/bash\necho "%s $*" >>"%s"\n%s\n' "$1" "$CALLS" "$2" >"$STUB/$1"
  chmod +x "$STUB/$1"
}
# apt-get on the host "installs" debootstrap; debootstrap lays out the folders ./run writes into.
stub apt-get 'case " $* " in *" install "*debootstrap*) cp "'"$STUB"'/debootstrap.real" "'"$STUB"'/debootstrap" ;; esac'
stub debootstrap.real 'd=${@: -2:1}; mkdir -p "$d/etc" "$d/usr/sbin" "$d/dev" "$d/proc" "$d/sys" "$d/tmp"'  # ... SUITE DIR MIRROR
sed -i 's/^echo "debootstrap.real /echo "debootstrap /' "$STUB/debootstrap.real"
stub unshare 'exit 0'  # the package installation inside the sysroot "succeeds"
stub chroot 'exit 0'

CACHE=$DIR/fresh/cache  # does not exist yet
run_setup() {
  env -i HOME="$DIR/home" PATH="$STUB:/usr/bin:/bin" ATELIER_CACHE="$CACHE" ATELIER_NATIVE=0 \
    "$SOURCE/run" setup >"$DIR/setup.log" 2>&1
}
command -v debootstrap >/dev/null 2>&1 && PATH="$STUB:/usr/bin:/bin" command -v debootstrap | grep -qv "$STUB" &&
  fail "test set-up: a real debootstrap is visible on the test PATH"

run_setup || fail "./run setup failed on a bare machine: $(cat "$DIR/setup.log")"
grep -q "^apt-get .*install.*debootstrap" "$CALLS" || fail "debootstrap was not installed on the host: $(cat "$CALLS")"
grep -q "^debootstrap .*trixie $CACHE/sysroot-trixie.partial" "$CALLS" || fail "debootstrap not run: $(cat "$CALLS")"
grep -q "^unshare " "$CALLS" || fail "the packages were not installed into the sysroot: $(cat "$CALLS")"
[ -f "$CACHE/host-apt.log" ] || fail "no host-apt.log in the new cache"
[ -f "$CACHE/sysroot-trixie/etc/neural-atelier-sysroot" ] || fail "the sysroot has no marker"
[ -f "$CACHE/sysroot-trixie/.atelier-packages" ] || fail "the package stamp was not written"
[ ! -e "$CACHE/sysroot-trixie.partial" ] || fail "the unfinished sysroot folder was left behind"

: >"$CALLS"
run_setup || fail "second ./run setup failed: $(cat "$DIR/setup.log")"
[ ! -s "$CALLS" ] || fail "the second run repeated set-up work: $(cat "$CALLS")"

# --cuda: a second sysroot with contrib and non-free, marked as the CUDA one, with the CUDA LibTorch in the list and
# cuDNN's download declined; the CPU sysroot is left alone.
: >"$CALLS"
env -i HOME="$DIR/home" PATH="$STUB:/usr/bin:/bin" ATELIER_CACHE="$CACHE" ATELIER_NATIVE=0 \
  "$SOURCE/run" setup --cuda >"$DIR/setup-cuda.log" 2>&1 || fail "./run setup --cuda failed: $(cat "$DIR/setup-cuda.log")"
grep -q "^debootstrap .*--components=main,contrib,non-free.* trixie $CACHE/sysroot-trixie-cuda.partial" "$CALLS" ||
  fail "the CUDA sysroot was not made with contrib and non-free: $(cat "$CALLS")"
[ "$(cat "$CACHE/sysroot-trixie-cuda/etc/neural-atelier-sysroot")" = cuda ] || fail "the CUDA sysroot is not marked as such"
[ -f "$CACHE/sysroot-trixie-cuda/.atelier-packages" ] || fail "the CUDA sysroot's package stamp was not written"
grep -q "nvidia-cudnn/question select I Decline.*libtorch-cuda-dev.*python3-torch-cuda.*cudnn_stand_in.sh" "$CALLS" ||
  fail "the CUDA packages, the declined cuDNN download or the stand-in are missing: $(cat "$CALLS")"
grep -q " libtorch-dev " "$CALLS" && fail "the CUDA sysroot would get the CPU LibTorch too"
grep -q "^debootstrap .*sysroot-trixie.partial" "$CALLS" && fail "./run setup --cuda touched the CPU sysroot"

# A failing download says where its log is and leaves no half-made sysroot behind.
rm -rf "$CACHE"
stub debootstrap 'exit 1'
run_setup && fail "./run setup succeeded although debootstrap failed"
grep -q "debootstrap failed; see $CACHE/debootstrap.log" "$DIR/setup.log" || fail "unclear error: $(cat "$DIR/setup.log")"
[ ! -e "$CACHE/sysroot-trixie" ] || fail "a failed debootstrap left a sysroot"
echo "run-first-time: all checks passed"
