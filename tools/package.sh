#!/usr/bin/env bash
# Builds the Debian package neural-atelier_VERSION_ARCH.deb (Debian 13 trixie, Ubuntu 25.04+) from a build
# directory that is configured with prefix /usr and already built; prints the package's path. Called by
# ./run package, which configures and builds first (its build directory, no second compile).
#
#   tools/package.sh BUILD [OUTDIR]      OUTDIR default: <checkout>/_build/package (older packages there are removed)
#
# What goes in: everything `meson install` installs (the plug-in into GIMP's system plug-in folder, the atelier
# command in /usr/bin, the catalogues in /usr/share/locale, the bundled fast-style networks and the model
# converter in /usr/share/neural-atelier), stripped; copyright, changelog and README.Debian in
# /usr/share/doc/neural-atelier. Depends: dpkg-shlibdeps on the two programs (LibTorch, libgimp, GTK, libexif, ...)
# plus gimp (>= 3.0). No maintainer scripts: nothing is downloaded at install time; the default feature network is
# installed by each user with `atelier models install inception_v3` (README.Debian).
#
# Environment: DEBFULLNAME, DEBEMAIL (the Maintainer field); ATELIER_PACKAGE_VERSION (instead of meson.build's
# version + git's commit count and hash).
set -euo pipefail
umask 022

[ $# -ge 1 ] || { echo "usage: $0 BUILD [OUTDIR]" >&2; exit 2; }
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BUILD=$(cd "$1" && pwd -P)
OUT=${2:-$SOURCE/_build/package}
NAME=neural-atelier

say() { printf '\033[1m[package]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[package] error:\033[0m %s\n' "$*" >&2; exit 1; }

for t in meson python3 dpkg-deb dpkg-shlibdeps dpkg-architecture gzip strip pkg-config; do
  command -v "$t" >/dev/null ||
    die "'$t' is missing; the package is built with meson, python3, dpkg-dev, binutils and pkg-config (tools/debian-packages.txt; ./run package has them)"
done
[ -f "$BUILD/meson-info/intro-buildoptions.json" ] || die "$BUILD is not a configured meson build directory (./run build)"

# A value of meson's introspection: option NAME, or the project's version.
meson_info() {
  python3 - "$BUILD/meson-info" "$1" <<'PY'
import json, sys
info, what = sys.argv[1], sys.argv[2]
if what == "version":
    print(json.load(open(info + "/intro-projectinfo.json"))["version"])
else:
    print(next(o["value"] for o in json.load(open(info + "/intro-buildoptions.json")) if o["name"] == what))
PY
}

PREFIX=$(meson_info prefix)
[ "$PREFIX" = /usr ] ||
  die "$BUILD is configured with prefix $PREFIX; a package installs into /usr: meson configure $BUILD -Dprefix=/usr && ninja -C $BUILD (./run package does this)"
PLUGINDIR=$(meson_info plugindir)
[ -z "$PLUGINDIR" ] || die "$BUILD installs the plug-in into $PLUGINDIR (-Dplugindir); a package needs GIMP's system folder: meson configure $BUILD -Dplugindir="
GIMPLIBDIR=$(pkg-config --variable=gimplibdir gimp-3.0) || die "pkg-config finds no gimp-3.0 (libgimp-3.0-dev)"
PLUGIN_REL=${GIMPLIBDIR#/}/plug-ins/$NAME/$NAME
[ -x "$BUILD/plugin/$NAME" ] || die "$BUILD/plugin/$NAME is not built (the plug-in needs libgimp-3.0-dev; ./run build)"
[ -x "$BUILD/cli/atelier" ] || die "$BUILD/cli/atelier is not built (./run build)"

# ---- version: meson.build's, plus the commit (count since the first, then hash) so that a newer build upgrades
git_() { git -c safe.directory="$SOURCE" -C "$SOURCE" "$@"; }
COMMIT="" DIRTY=""
if command -v git >/dev/null && git_ rev-parse --verify -q HEAD >/dev/null 2>&1; then
  COMMIT=$(git_ rev-parse --short=10 HEAD)
  git_ diff-index --quiet HEAD -- 2>/dev/null || DIRTY=1
  export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git_ log -1 --format=%ct)}
fi
VERSION=${ATELIER_PACKAGE_VERSION:-$(meson_info version)${COMMIT:++git$(git_ rev-list --count HEAD).$COMMIT}}
[[ $VERSION =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || die "'$VERSION' is not a Debian version"
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
MAINTAINER="${DEBFULLNAME:-Neural Atelier developers} <${DEBEMAIL:-neural-atelier@invalid}>"
DEB=$OUT/${NAME}_${VERSION}_${ARCH}.deb

mkdir -p "$OUT"
STAGE=$OUT/root
WORK=$(mktemp -d "$OUT/.work-XXXXXX")
trap 'rm -rf --one-file-system "$STAGE" "$WORK"' EXIT
rm -rf --one-file-system "$STAGE"
mkdir -p "$STAGE"

# ---- files: meson's install rules, as they are (no rebuild: ./run package built it)
say "installing $BUILD into a staging root"
meson install -C "$BUILD" --no-rebuild --strip --quiet --destdir "$STAGE" >"$WORK/install.log" 2>&1 ||
  { cat "$WORK/install.log" >&2; die "meson install failed"; }
stray=$(cd "$STAGE" && find . -mindepth 1 -maxdepth 1 ! -name usr | sed 's|^\./|/|')
[ -z "$stray" ] || die "meson installs outside /usr: $stray"
[ -x "$STAGE/$PLUGIN_REL" ] || die "meson install did not put the plug-in at /$PLUGIN_REL"
[ -x "$STAGE/usr/bin/atelier" ] || die "meson install did not put atelier into /usr/bin"
n=$(find "$STAGE/usr/share/$NAME/fast-style" -name '*.safetensors' 2>/dev/null | wc -l)
[ "$n" -ge 9 ] || die "only $n fast-style networks in /usr/share/$NAME/fast-style (expected the nine bundled ones)"
[ -f "$STAGE/usr/share/$NAME/nsfwjs_to_safetensors.js" ] || die "the model converter is not installed"
ls "$STAGE"/usr/share/locale/*/LC_MESSAGES/$NAME.mo >/dev/null 2>&1 || die "no translations in /usr/share/locale"

DOC=$STAGE/usr/share/doc/$NAME
install -d "$DOC"
install -m 644 "$SOURCE/packaging/debian/copyright" "$DOC/copyright"
install -m 644 "$SOURCE/packaging/debian/README.Debian" "$DOC/README.Debian"
{
  printf '%s (%s) unstable; urgency=medium\n\n' "$NAME" "$VERSION"
  if [ -n "$COMMIT" ]; then
    printf '  * Built by ./run package from commit %s%s:\n' "$COMMIT" "${DIRTY:+ with uncommitted changes}"
    git_ log -1 --format=%s | fold -s -w 72 | sed 's/^/    /'
  else
    printf '  * Built by ./run package from a source tree without git history.\n'
  fi
  printf '  * The project'"'"'s history is its git log.\n\n'
  printf ' -- %s  %s\n' "$MAINTAINER" "$(date -R ${SOURCE_DATE_EPOCH:+-d @$SOURCE_DATE_EPOCH})"
} | gzip -9n >"$DOC/changelog.gz"

# ---- control: shared-library dependencies from dpkg-shlibdeps (the libraries' shlibs/symbols files)
mkdir -p "$WORK/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$NAME" "$NAME" >"$WORK/debian/control"
(cd "$WORK" && dpkg-shlibdeps -O -e"$STAGE/usr/bin/atelier" -e"$STAGE/$PLUGIN_REL") \
  >"$WORK/shlibs" 2>"$WORK/shlibs.log" || { cat "$WORK/shlibs.log" >&2; die "dpkg-shlibdeps failed"; }
SHLIBS=$(sed -n 's/^shlibs:Depends=//p' "$WORK/shlibs")
case "$SHLIBS" in *libtorch*) ;; *) die "dpkg-shlibdeps found no LibTorch dependency: '$SHLIBS'" ;; esac
case "$SHLIBS" in *libgimp-3.0*) ;; *) die "dpkg-shlibdeps found no libgimp dependency: '$SHLIBS'" ;; esac

mkdir -p "$STAGE/DEBIAN"
(cd "$STAGE" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) >"$STAGE/DEBIAN/md5sums"
SIZE=$(du -sk --apparent-size "$STAGE/usr" | cut -f1)
cat >"$STAGE/DEBIAN/control" <<EOF
Package: $NAME
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $SIZE
Depends: $SHLIBS, gimp (>= 3.0)
Recommends: libopenblas0-pthread, nodejs, npm, ca-certificates
Suggests: darknet
Section: graphics
Priority: optional
Description: neural style transfer, DeepDream and textures for GIMP 3
 Neural Atelier adds Filters > Neural to GIMP 3 (a plug-in in C++ on LibTorch):
  - Stylize: Gatys style transfer (optimisation on InceptionV3 or VGG-19
    features), or Instant with nine bundled feed-forward style networks;
  - Neural Dream: DeepDream with a dose per layer;
  - Texture Synthesize: new, optionally tileable textures of any size;
  - Large Tiled Style: style transfer at full resolution in bounded memory;
  - Train Instant Style: a feed-forward network for your own style image.
 Every filter also runs from the command line (atelier). The instant styles
 work at once; the other filters need the default feature network, which
 each user installs once with 'atelier models install inception_v3'
 (network access, nodejs and npm; see README.Debian).
EOF

rm -f "$OUT/${NAME}"_*.deb
say "building $(basename "$DEB")"
dpkg-deb --build --root-owner-group "$STAGE" "$DEB" >"$WORK/deb.log" 2>&1 ||
  { cat "$WORK/deb.log" >&2; die "dpkg-deb failed"; }
say "Depends: $SHLIBS, gimp (>= 3.0)"
say "install it with: sudo apt install $DEB   (then, as each user: atelier models install inception_v3)"
echo "$DEB"
