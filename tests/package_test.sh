#!/usr/bin/env bash
# The Debian package as a user gets it: tools/package.sh makes neural-atelier_*.deb from this build, apt-get installs
# it into a clean Debian 13 root (debootstrap minbase), and there an ordinary user with a fresh home (no ATELIER_*
# settings, no feature network) runs the system's GIMP 3: Stylize with the instant method and a bundled network
# (found through /usr/share/neural-atelier) makes a new layer that differs from the picture. The packaged atelier
# command does the same, and Neural Dream tells that user how to install the feature network.
# Under ./run test --cuda the clean root gets Debian's CUDA LibTorch (libtorch-cuda-2.6) with cuDNN declined: the same
# package must start there, compute on the CPU, and `atelier devices` must say that cuDNN is missing.
#
# usage: package_test.sh SOURCE_DIR BUILD_DIR        (meson suite 'package'; ./run test --suite package)
#
# Needs root (debootstrap, chroot, mount; ./run's tests run as root in its sysroot). The clean root is made once
# from the mirror ($ATELIER_MIRROR) and cached as a tarball in $ATELIER_CACHE (default ~/.cache/neural-atelier);
# later runs unpack it. On Debian 13 (./run's sysroot) apt takes the packages from this system's apt archive cache
# (/var/cache/apt/archives, bind-mounted: it holds every package the build environment installed) and this system's
# package lists, so a warm run downloads nothing; elsewhere from its own cache, $ATELIER_CACHE/package-test-archives. ATELIER_KEEP=1 keeps the root for a look (path printed).
set -uo pipefail
SOURCE=$(cd "$1" && pwd -P) BUILD=$(cd "$2" && pwd -P)

fail() { echo "FAIL: $*"; exit 1; }
step() { printf '[package-test %4ds] %s\n' "$SECONDS" "$*"; }

[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, chroot, mount); run it with ./run test --suite package"
for t in debootstrap chroot unshare mount findmnt setpriv tar dpkg-deb dpkg-shlibdeps; do
  command -v "$t" >/dev/null ||
    fail "'$t' is missing; install debootstrap, dpkg-dev and util-linux (tools/debian-packages.txt; ./run setup does)"
done
CACHE=${ATELIER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/neural-atelier}
MIRROR=${ATELIER_MIRROR:-http://deb.debian.org/debian}
TARBALL=$CACHE/package-test-trixie-minbase.tar
mkdir -p "$CACHE" || fail "cannot create the cache folder $CACHE"
# A Debian 13 system (./run's sysroot) lends the clean root its apt archive cache and package lists: a warm run
# downloads nothing. Elsewhere (another release or distribution) the test keeps its own archive cache.
SAME_RELEASE=0
(. /etc/os-release && [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = trixie ]) && SAME_RELEASE=1
if [ $SAME_RELEASE = 1 ]; then ARCHIVES=/var/cache/apt/archives; else ARCHIVES=$CACHE/package-test-archives; fi
# Built with Debian's CUDA LibTorch (./run test --cuda): the clean root gets that LibTorch (contrib, with NVIDIA's
# libraries from non-free) beside the same package, which accepts either.
LIBTORCH=libtorch2.6
dpkg-query -W -f='${Status}' libtorch-cuda-2.6 2>/dev/null | grep -q 'ok installed' && LIBTORCH=libtorch-cuda-2.6
mkdir -p "$ARCHIVES/partial" || fail "cannot create $ARCHIVES"

T=$(mktemp -d "${TMPDIR:-/tmp}/atelier-package-XXXXXX")
R=$T/root
# Every mount of the test is made inside a private mount and PID namespace (unshare) that ends with its command,
# so this removal never sees a mount (of /dev or the apt cache): it only ever removes the temporary root.
cleanup() {
  if [ "${ATELIER_KEEP:-0}" = 1 ]; then echo "kept: $R"; else rm -rf --one-file-system "$T"; fi
}
trap cleanup EXIT

# Runs "$@" in a new mount + PID namespace: killed with all its children when it ends, its mounts gone with it and
# never propagated out. Inside a chroot (./run's sysroot) "/" is no mount point and unshare cannot make it private;
# there the mounts are private already (./run's own namespace), which is checked.
PROPAGATION=private
if ! unshare --mount --propagation private true 2>/dev/null; then
  [ "$(findmnt -no PROPAGATION --target "$T" 2>/dev/null)" = private ] ||
    fail "cannot make a private mount namespace here (unshare --propagation private fails and $T is not on a private mount)"
  PROPAGATION=unchanged
fi
isolated() { unshare --mount --pid --fork --kill-child --propagation "$PROPAGATION" -- "$@"; }

# ---- 1. the package
step "building the package from $BUILD"
"$SOURCE/tools/package.sh" "$BUILD" "$T/deb" >"$T/package.out" 2>"$T/package.log" ||
  { cat "$T/package.log"; fail "tools/package.sh failed (see above)"; }
DEB=$(tail -n 1 "$T/package.out")
[ -f "$DEB" ] || fail "tools/package.sh printed no package path"
dpkg-deb --info "$DEB" | sed -n '/Package:/,$p'
contents=$(dpkg-deb --contents "$DEB" | awk '{print $NF}')
for f in ./usr/bin/atelier ./usr/lib/x86_64-linux-gnu/gimp/3.0/plug-ins/neural-atelier/neural-atelier \
  ./usr/share/locale/de/LC_MESSAGES/neural-atelier.mo ./usr/share/neural-atelier/fast-style/wave.safetensors \
  ./usr/share/neural-atelier/arbitrary-style/magenta_separable.safetensors \
  ./usr/share/neural-atelier/nsfwjs_to_safetensors.js ./usr/share/doc/neural-atelier/copyright \
  ./usr/share/doc/neural-atelier/changelog.gz; do
  grep -qxF -- "$f" <<<"$contents" || fail "the package lacks $f"
done
depends=$(dpkg-deb --field "$DEB" Depends)
for d in libtorch2.6 libtorch-cuda-2.6 libgimp-3.0-0 libexif12 libzip5 'gimp (>= 3.0)'; do
  grep -qF -- "$d" <<<"$depends" || fail "the package does not depend on $d (Depends: $depends)"
done

# ---- 2. a clean Debian 13 root
if [ ! -s "$TARBALL" ]; then
  step "creating a clean Debian 13 root: debootstrap --variant=minbase trixie from $MIRROR (cached as $TARBALL)"
  # Packages debootstrap finds in the apt archive cache are not downloaded again.
  cache_opt=()
  debootstrap --help 2>&1 | grep -q -- --cache-dir && cache_opt=(--cache-dir="$ARCHIVES")
  isolated debootstrap "${cache_opt[@]}" --variant=minbase trixie "$T/bootstrap" "$MIRROR" >"$T/debootstrap.log" 2>&1 ||
    { tail -n 30 "$T/debootstrap.log"; fail "debootstrap failed (is $MIRROR reachable? set ATELIER_MIRROR)"; }
  tar -C "$T/bootstrap" --numeric-owner -cf "$TARBALL.partial.$$" . && mv -f "$TARBALL.partial.$$" "$TARBALL" ||
    { rm -f "$TARBALL.partial.$$"; fail "cannot write $TARBALL"; }
  rm -rf --one-file-system "$T/bootstrap"
fi
step "unpacking the clean root $TARBALL"
mkdir -p "$R"
tar -C "$R" --numeric-owner -xf "$TARBALL" || fail "cannot unpack $TARBALL (delete it to make it again)"
[ -x "$R/usr/bin/apt-get" ] || fail "$TARBALL is not a Debian root (delete it to make it again)"
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d" && chmod +x "$R/usr/sbin/policy-rc.d"
cp -L /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
# This system's sources and package lists (the same mirror and suite; contrib and non-free too where this system has
# them): apt finds the cached packages without an update.
if [ $SAME_RELEASE = 1 ]; then
  cp /etc/apt/sources.list "$R/etc/apt/sources.list" 2>/dev/null || true
  for l in /var/lib/apt/lists/*_InRelease /var/lib/apt/lists/*_Packages; do
    [ -f "$l" ] && cp "$l" "$R/var/lib/apt/lists/"
  done
fi
mkdir -p "$R/tmp/atelier"
cp "$DEB" "$SOURCE/tests/package_stylize.scm" "$R/tmp/atelier/"
echo "$LIBTORCH" >"$R/tmp/atelier/libtorch"
chmod -R a+rX "$R/tmp/atelier"

# ---- 3. inside: install, then GIMP and atelier as an ordinary user
cat >"$R/tmp/atelier/inside.sh" <<'INSIDE'
set -uo pipefail
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "[inside] $*"; }
export DEBIAN_FRONTEND=noninteractive
# libopenblas0-pthread first (recommended by the package; the build environment has it in the cache): otherwise
# LibTorch's "libblas3 | libblas.so.3" brings the reference BLAS, which would be downloaded.
# The CUDA LibTorch: Debian's nvidia-cudnn would download NVIDIA's cuDNN while it installs, which no test may do
# (and which a user may decline): declined here, so the package must still start and compute on the CPU.
LIBTORCH=$(cat /tmp/atelier/libtorch)
[ "$LIBTORCH" = libtorch2.6 ] || echo 'nvidia-cudnn nvidia-cudnn/question select I Decline' | debconf-set-selections
install() { apt-get install -y --no-install-recommends libopenblas0-pthread "$LIBTORCH" /tmp/atelier/neural-atelier_*.deb; }
step "apt-get install $LIBTORCH ./$(basename /tmp/atelier/neural-atelier_*.deb)"
if ! install >/tmp/atelier/apt.log 2>&1; then
  tail -n 15 /tmp/atelier/apt.log
  step "installing from the copied package lists failed; apt-get update and again"
  { apt-get update && install; } >/tmp/atelier/apt.log 2>&1 || { tail -n 40 /tmp/atelier/apt.log; fail "apt-get install failed"; }
fi
grep -E '^(Get|Err):' /tmp/atelier/apt.log | sed 's/^/  downloaded: /' | head -n 20
echo "  $(grep -c '^Setting up' /tmp/atelier/apt.log) packages set up"
dpkg -s neural-atelier | sed -n 's/^\(Status\|Version\): /  \1: /p'
echo "  LibTorch: $(dpkg-query -W -f='${Package} ${Version}' "$LIBTORCH")"

plugin=/usr/lib/x86_64-linux-gnu/gimp/3.0/plug-ins/neural-atelier/neural-atelier
[ -x "$plugin" ] || fail "no plug-in at $plugin"
command -v gimp-console-3.0 >/dev/null || fail "the package did not bring GIMP 3 (gimp-console-3.0)"
missing=$(ldd "$plugin" /usr/bin/atelier | awk '/=> not found/ {print $1}' | sort -u | tr '\n' ' ')
[ -z "$missing" ] || fail "the package's dependencies lack libraries: $missing"

useradd -m -s /bin/bash artist || fail "useradd failed"
as_artist() {
  setpriv --reuid=artist --regid=artist --init-groups -- /usr/bin/env -i HOME=/home/artist USER=artist \
    LOGNAME=artist PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 "$@"
}

step "the system's GIMP 3, as user artist: Stylize, instant method, network wave"
as_artist gimp-console-3.0 -i -n --quit --batch-interpreter=plug-in-script-fu-eval \
  -b '(begin (define out-dir "/home/artist") (load "/tmp/atelier/package_stylize.scm"))' >/tmp/atelier/gimp.log 2>&1
rc=$?
cat /tmp/atelier/gimp.log
[ $rc -eq 0 ] || fail "GIMP exited with $rc"
grep -q '^PASS: package stylize' /tmp/atelier/gimp.log || fail "GIMP's Stylize check did not pass"
[ -s /home/artist/stylized.png ] || fail "GIMP wrote no stylized.png"
cmp -s /home/artist/input.png /home/artist/stylized.png && fail "stylized.png is the same file as input.png"
lib=/home/artist/.local/share/neural-atelier/models
# The bundled network is read from the package's files: the run writes nothing into the user's library.
[ ! -e "$lib/fast-style/wave.safetensors" ] || fail "the plug-in copied the bundled wave network into $lib"
[ ! -e "$lib/inception_v3.safetensors" ] || fail "a feature network is installed; the test wants none"

step "atelier devices, as user artist"
as_artist atelier devices >/tmp/atelier/devices.log 2>&1 || { cat /tmp/atelier/devices.log; fail "atelier devices failed"; }
sed 's/^/  /' /tmp/atelier/devices.log
grep -q '^auto *cpu$' /tmp/atelier/devices.log || fail "without a GPU, auto is not the CPU"
if [ "$LIBTORCH" = libtorch2.6 ]; then
  grep -q 'this LibTorch has no CUDA' /tmp/atelier/devices.log || fail "the CPU LibTorch's reason for no CUDA is missing"
else
  grep -q 'cannot be loaded (libcudnn.so.9.*dpkg-reconfigure nvidia-cudnn' /tmp/atelier/devices.log ||
    fail "without cuDNN, atelier devices does not say that cuDNN is missing and how to get it"
fi

step "the packaged atelier command, as user artist"
as_artist atelier stylize --content /home/artist/input.png --method feed-forward --fast-model scream \
  --output /home/artist/cli.png >/tmp/atelier/cli.log 2>&1 || { cat /tmp/atelier/cli.log; fail "atelier stylize failed"; }
[ -s /home/artist/cli.png ] || fail "atelier wrote no cli.png"
# Without the feature network, a filter that needs it says how to install it.
if as_artist atelier dream --input /home/artist/input.png --output /home/artist/dream.png >/tmp/atelier/dream.log 2>&1; then
  fail "atelier dream ran without a feature network"
fi
grep -q "atelier models install inception_v3" /tmp/atelier/dream.log ||
  { cat /tmp/atelier/dream.log; fail "the missing network's message does not name 'atelier models install inception_v3'"; }
echo "  atelier dream without the network: $(grep -m1 -o "model 'inception_v3' is not installed.*" /tmp/atelier/dream.log | cut -c1-160)"
echo "INSIDE-DONE"
INSIDE

step "installing the package into the clean root and running GIMP there"
isolated /bin/bash -c '
  set -e
  R=$1 ARCHIVES=$2
  mount --rbind /dev "$R/dev"
  mount -t proc proc "$R/proc"
  mount --rbind /sys "$R/sys"
  mount --bind "$ARCHIVES" "$R/var/cache/apt/archives"
  exec chroot "$R" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 /bin/bash /tmp/atelier/inside.sh
' _ "$R" "$ARCHIVES" 2>&1 | tee "$T/inside.log"
grep -q '^INSIDE-DONE' "$T/inside.log" || fail "the installed package did not pass (see above)"

# ---- 4. the pictures, seen from outside
for f in input.png stylized.png cli.png; do
  [ -s "$R/home/artist/$f" ] || fail "no $f"
done
if command -v compare >/dev/null; then
  ae=$(compare -metric AE -fuzz 10% "$R/home/artist/input.png" "$R/home/artist/stylized.png" null: 2>&1 | cut -d' ' -f1)
  step "pixels that differ by more than 10 % between input.png and stylized.png: $ae of 12288"
  awk -v n="$ae" 'BEGIN { exit !(n + 0 > 12288 / 2) }' || fail "the stylized picture is too close to the input"
fi
step "done"
echo "PASS: package"
