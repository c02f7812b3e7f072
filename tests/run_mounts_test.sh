#!/bin/bash
# ./run on a host without the packages runs commands in a Debian 13 sysroot: the user's files must be visible there
# at the same paths. tools/host_mounts.sh decides which host folders ./run mounts: the home folder, the current
# folder, the folders of paths named on the command line (files, folders, outputs not yet written, --flag=PATH,
# ~/...), never the sysroot's system folders, none twice.
# usage: run_mounts_test.sh SOURCE_DIR
set -u
SOURCE=$1
. "$(dirname "$0")/cli_lib.sh"
. "$SOURCE/tools/host_mounts.sh"

# The sysroot's own folders are never covered; the user's are.
for p in / /usr /usr/share/darknet/data /etc /var/lib /tmp /tmp/x /proc/1 /lib64; do
  host_mounts_system_path "$p" || fail "$p would be mounted over the sysroot's"
done
for p in /root /home/me /srv/photos /mnt/disk /work/main /opt/data; do
  host_mounts_system_path "$p" && fail "$p would not be mounted"
done

# The scratch folders live in /tmp, a system path of the list above: the rest of the test checks the choice of
# folders with only /usr and /etc counted as the system's.
host_mounts_system_path() { case "$1" in / | /usr | /usr/* | /etc | /etc/*) return 0 ;; esac; return 1; }
B=$(cd "$DIR" && pwd -P)
mkdir -p "$B/home/me/Pictures/holiday" "$B/work/project/sub" "$B/other" "$B/checkout"
: >"$B/home/me/Pictures/photo.jpg"
: >"$B/other/style.png"

got=$(cd "$B/work/project" && HOME=$B/home/me ALREADY_MOUNTED="$B/checkout" host_mounts "$B/work/project" \
  "$B/checkout/run" atelier train-style --style="$B/other/style.png" --photos "~/Pictures/holiday" \
  --content "$B/home/me/Pictures/photo.jpg" --output sub/new-result.png --fast-model fast-style/wave \
  --layers mixed3:1 /usr/share/darknet/data/scream.jpg "$B/missing/dir/file.png")
want=$(printf '%s\n' "$B/home/me" "$B/other" "$B/work/project" | sort)
[ "$got" = "$want" ] || fail "host_mounts printed:
$got
expected:
$want"

# An output in a folder of its own is covered through that folder; '~/' expands to the home folder.
got=$(HOME=$B/home/me ALREADY_MOUNTED="" host_mounts "$B/work/project/sub" "~/Pictures/photo.jpg" \
  --output "$B/other/out.png")
[ "$got" = "$(printf '%s\n' "$B/home/me" "$B/other" "$B/work/project/sub")" ] || fail "~/ path and output: $got"
got=$(HOME= ALREADY_MOUNTED="" host_mounts "$B/work/project")
[ "$got" = "$B/work/project" ] || fail "no home: $got"
# A current folder inside the checkout (already mounted) adds nothing.
got=$(HOME= ALREADY_MOUNTED="$B/work" host_mounts "$B/work/project")
[ -z "$got" ] || fail "inside an already mounted folder: $got"

# What ./run does with that choice: ATELIER_NATIVE=0 with a sysroot of a few programs (bash, env, dirname), in a
# mount namespace of the test's own where a scratch folder is /mnt (outside /tmp, the checkout and the system's
# folders, which ./run shows anyway or never). `./run shell` must show the named paths' folders, the current folder
# and the home at the same paths, writable, and nothing beside them.
[ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v chroot >/dev/null ||
  { echo "SKIP: ./run enters its sysroot as root only (unshare, chroot)"; [ "${CI:-}" = true ] && exit 1; exit 77; }
# Under ./run shell the root is a chroot's, no mount point: its propagation cannot be set, so the test's namespace
# keeps it, which is safe only when the scratch folder's mount is private already (./run makes its mounts so).
prop=private
if ! unshare --mount --propagation private true 2>/dev/null; then
  prop=unchanged
  [ "$(findmnt -n -o PROPAGATION --target "$DIR")" = private ] ||
    fail "test set-up: cannot make a private mount namespace for the scratch folder $DIR"
fi
S=$DIR/sysroot U=$DIR/user R=$DIR/root
mkdir -p "$S/usr/bin" "$S/etc" "$S/dev" "$S/proc" "$S/sys" "$S/tmp" "$DIR/stub" "$DIR/cache" "$R" \
  "$U/home/me" "$U/work/project" "$U/other" "$U/out" "$U/secret"
ln -s usr/bin "$S/bin"
for b in bash env dirname; do
  p=$(command -v $b)
  cp "$p" "$S/usr/bin/$b"
  for lib in $(ldd "$p" | grep -o '/[^ ]*'); do mkdir -p "$S$(dirname "$lib")"; cp -L "$lib" "$S$lib"; done
done
: >"$S/etc/neural-atelier-sysroot"
sha256sum <"$SOURCE/tools/debian-packages.txt" | cut -d' ' -f1 >"$S/.atelier-packages"
# Should ./run think this sysroot unfinished, it must fail here, not download a real one.
for t in debootstrap apt-get; do
  printf '#!/bin/sh\necho "test stub: ./run tried %s" >&2; exit 1\n' $t >"$DIR/stub/$t"
done
chmod +x "$DIR/stub/"*
echo style >"$U/other/style.png"
echo photo >"$U/work/project/photo.jpg"
echo secret >"$U/secret/keep.txt"
cat >"$DIR/inside.sh" <<'SH'
# In the sysroot: bash builtins only.
check() { eval "$1" || { echo "FAIL inside the sysroot: $2"; exit 1; }; }
check '[ -f /etc/neural-atelier-sysroot ] && [ ! -e /usr/bin/sha256sum ]' \
  "not the test's sysroot, or the host's /usr/bin is mounted over it"
check '[ "$PWD" = /mnt/work/project ]' "the current folder is $PWD, not /mnt/work/project"
check '[ "$HOME" = /mnt/home/me ] && [ -d /mnt/home/me ]' "the home folder /mnt/home/me is not shown (HOME=$HOME)"
check 'read -r x </mnt/other/style.png && [ "$x" = style ]' "--style=/mnt/other/style.png is not shown"
check 'read -r x <photo.jpg && [ "$x" = photo ]' "photo.jpg in the current folder is not shown"
check 'echo written >/mnt/out/new.png' "cannot write --output /mnt/out/new.png (a file not written yet)"
check '[ ! -e /mnt/secret ]' "/mnt/secret, named nowhere, is shown"
echo "inside: ok"
SH
# The whole file system again at $R, a mount point that can be made private, with the scratch folder at its /mnt.
out=$(unshare --mount --propagation $prop /bin/bash -euo pipefail -c '
  mount --rbind / "$1"; mount --make-rprivate "$1"; mount --bind "$2" "$1/mnt"
  exec chroot "$1" /bin/bash -euo pipefail -c "cd /mnt/work/project && exec \"\$@\"" _ env -i \
    PATH="$3:/usr/sbin:/usr/bin:/sbin:/bin" HOME=/mnt/home/me ATELIER_NATIVE=0 ATELIER_SYSROOT="$4" \
    ATELIER_CACHE="$5" "$6/run" shell /bin/bash "$7" --style=/mnt/other/style.png --output /mnt/out/new.png \
    photo.jpg /usr/bin/sha256sum' _ "$R" "$U" "$DIR/stub" "$S" "$DIR/cache" "$SOURCE" "$DIR/inside.sh" 2>&1)
rc=$?
[ $rc = 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = "inside: ok" ] || fail "./run shell (exit $rc): $out"
[ "$(cat "$U/out/new.png")" = written ] || fail "the file written inside the sysroot is not in the host's /mnt/out"
echo "run-mounts: all checks passed"
