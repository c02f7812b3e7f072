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

# ./run asks it before entering the sysroot and mounts what it prints.
grep -q 'host_mounts "\$PWD" "\$@"' "$SOURCE/run" || fail "./run does not ask host_mounts what to mount"
grep -q 'mkdir -p "\$S\$d"; mount --bind "\$d" "\$S\$d"' "$SOURCE/run" || fail "./run does not mount the folders"
echo "run-mounts: all checks passed"
