# Sourced by ./run: which of the host's folders the Debian 13 sysroot must show at the same paths so that commands
# run there see the user's files: the home folder, the current folder, and the folder of every path named on the
# command line (an existing folder itself; for a file, or an output that does not exist yet, its parent).
# The sysroot's own system folders are never covered (a path under /usr, /etc, ... is the sysroot's), and neither
# are folders already shown (the checkout, ../shared, the cache, /tmp: ALREADY_MOUNTED).
# usage: host_mounts CWD ARG...   (HOME and ALREADY_MOUNTED, a newline-separated list, from the environment)
# prints one folder per line, none inside another.

host_mounts_system_path() {
  case "$1" in
    / | /bin | /bin/* | /boot | /boot/* | /dev | /dev/* | /etc | /etc/* | /lib | /lib/* | /lib32 | /lib32/* | \
      /lib64 | /lib64/* | /libx32 | /libx32/* | /proc | /proc/* | /run | /run/* | /sbin | /sbin/* | /sys | \
      /sys/* | /usr | /usr/* | /var | /var/* | /tmp | /tmp/*) return 0 ;;
  esac
  return 1
}

# The folder that makes PATH visible: PATH itself when it is a folder, else its parent when that exists.
host_mounts_folder_of() {
  local p=$1
  if [ -d "$p" ]; then
    (cd "$p" 2>/dev/null && pwd -P)
  elif [ -d "$(dirname "$p")" ]; then
    (cd "$(dirname "$p")" 2>/dev/null && pwd -P)
  fi
}

host_mounts() {
  local cwd=$1
  shift
  local candidates=() arg value
  [ -n "${HOME:-}" ] && [ -d "$HOME" ] && candidates+=("$HOME")
  candidates+=("$cwd")
  for arg in "$@"; do
    value=$arg
    case "$value" in --*=*) value=${value#*=} ;; -*) continue ;; esac
    case "$value" in "~") value=${HOME:-} ;; "~/"*) value=${HOME:-}/${value#"~/"} ;; esac
    [ -n "$value" ] || continue
    case "$value" in
      /*) ;;
      *) [ -e "$cwd/$value" ] || [[ "$value" == */* ]] || continue
         value=$cwd/$value ;;
    esac
    candidates+=("$value")
  done
  local folders=() c f
  for c in "${candidates[@]}"; do
    f=$(host_mounts_folder_of "$c")
    [ -n "$f" ] || continue
    host_mounts_system_path "$f" && continue
    folders+=("$f")
  done
  # Sorted, so that a folder comes before the folders inside it; those, and already mounted ones, are dropped.
  local kept=() already=() k covered
  mapfile -t already < <(printf '%s\n' "${ALREADY_MOUNTED:-}" | sed '/^$/d')
  while IFS= read -r f; do
    [ -n "$f" ] || continue
    covered=0
    for k in "${kept[@]}" "${already[@]}"; do
      [ "$f" = "$k" ] || [[ "$f" == "$k"/* ]] && { covered=1; break; }
    done
    [ $covered = 1 ] && continue
    kept+=("$f")
  done < <(printf '%s\n' "${folders[@]}" | sort -u)
  [ ${#kept[@]} -eq 0 ] || printf '%s\n' "${kept[@]}"
}
