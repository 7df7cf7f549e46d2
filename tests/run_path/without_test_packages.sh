#!/usr/bin/env bash
# Runs a command as a machine without webvox's test packages would: in a private mount
# namespace where every file that the test and bench packages of scripts/install-deps.sh
# installed (headers, pkg-config and CMake files, libraries, programs) is absent. The packages
# come from install-deps.sh's own lists, so this cannot drift from them.
#   tests/run_path/without_test_packages.sh [--keep PACKAGE]... [--] COMMAND [ARG]...
# --keep leaves one package's files in place (CI keeps clang, the compiler of its build).
#
# How: /usr is covered by an overlay whose lower layer is /usr itself and whose upper layer is
# a tmpfs, and the packages' files are deleted from the overlay; nothing outside the namespace
# changes, and the namespace goes when the command ends. Debian 12 has a merged /usr, so a
# package's libraries, headers and programs are all under /usr (/lib, /bin are links into it);
# files elsewhere (/etc) are left alone: they are configuration, never found by a build.
# Needs root (mount namespaces, overlayfs). The command is exec'd: it keeps this script's
# process id, so a caller can signal it directly.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
self="$repo/tests/run_path/without_test_packages.sh"

usage() {
  echo "usage: tests/run_path/without_test_packages.sh [--keep PACKAGE]... [--] COMMAND [ARG]..." >&2
  exit 2
}

inside=0
if [[ ${1:-} == --inside-namespace ]]; then
  inside=1
  shift
fi
keep=()
while (($# > 0)); do
  case "$1" in
    --keep) (($# >= 2)) || usage; keep+=("$2"); shift 2 ;;
    --) shift; break ;;
    -*) usage ;;
    *) break ;;
  esac
done
(($# > 0)) || usage

if ((inside == 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "without_test_packages: needs root (a private mount namespace with an overlay of /usr)" >&2
    exit 1
  fi
  keep_args=()
  for pkg in "${keep[@]}"; do keep_args+=(--keep "$pkg"); done
  exec unshare --mount --propagation private -- "$self" --inside-namespace "${keep_args[@]}" -- "$@"
fi

# In the namespace. Which packages: the test and bench lists and what they pulled in, less
# whatever the runtime list, the kept packages or every Debian system (essential and required
# packages, apt) need: what a machine that never ran install-deps.sh --test would not have.
lists=$("$repo/scripts/install-deps.sh" --list test; "$repo/scripts/install-deps.sh" --list bench)
mapfile -t test_packages <<<"$lists"
mapfile -t runtime_packages < <("$repo/scripts/install-deps.sh" --list runtime)
if [[ -z ${test_packages[0]:-} || -z ${runtime_packages[0]:-} ]]; then
  echo "without_test_packages: scripts/install-deps.sh --list gave no packages" >&2
  exit 1
fi
mapfile -t base_packages < <(dpkg-query -W -f='${Package} ${Essential} ${Priority}\n' |
                             awk '$2 == "yes" || $3 == "required" { print $1 }')
installed_closure() {
  apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances -- "$@" 2>/dev/null | grep -v -e '^ ' -e '^<' | sort -u
}
mapfile -t hidden_packages < <(comm -23 <(installed_closure "${test_packages[@]}") \
  <(installed_closure "${runtime_packages[@]}" "${keep[@]}" "${base_packages[@]}" apt))
# Hiding nothing while test packages are installed would make any check run here prove nothing.
if ((${#hidden_packages[@]} == 0)) &&
   dpkg-query -W -f='${Status}\n' "${test_packages[@]}" 2>/dev/null | grep -q "install ok installed"; then
  echo "without_test_packages: test packages are installed but none was found to hide" \
       "(apt-cache depends failed?)" >&2
  exit 1
fi
# Top-level links of the merged /usr (/lib -> usr/lib, ...): dpkg may list a file under either.
declare -A merged=()
for top in /*; do
  if [[ -L $top ]]; then merged[$top]=$(readlink -f "$top"); fi
done
files=()
if ((${#hidden_packages[@]} > 0)); then
  while IFS= read -r path; do
    [[ $path == /* ]] || continue                  # "diverted by ..." and similar notes
    first=${path#/}; first="/${first%%/*}"
    if [[ -n ${merged[$first]:-} ]]; then path="${merged[$first]}${path#"$first"}"; fi
    [[ $path == /usr/* ]] || continue
    if [[ -L $path || ( -e $path && ! -d $path ) ]]; then files+=("$path"); fi
  done < <(dpkg-query -L "${hidden_packages[@]}" 2>/dev/null)
fi
staying=()
for pkg in "${test_packages[@]}"; do
  [[ " ${hidden_packages[*]} " == *" $pkg "* ]] || staying+=("$pkg")
done

# The overlay's writable layer lives on a tmpfs mounted for a moment over /tmp: once the
# overlay holds it, /tmp is uncovered again and the tmpfs is reachable through the overlay only.
mount -t tmpfs -o mode=0700 webvox-hidden /tmp
mkdir /tmp/upper /tmp/work
mount -t overlay webvox-without-test-packages \
  -o lowerdir=/usr,upperdir=/tmp/upper,workdir=/tmp/work /usr
umount --lazy /tmp
if ((${#files[@]} > 0)); then printf '%s\0' "${files[@]}" | xargs -0 rm -f --; fi
hash -r
echo "without_test_packages: ${#hidden_packages[@]} packages (${#files[@]} files) absent here," \
     "those of scripts/install-deps.sh --test and --bench and what they pulled in; present because" \
     "kept, needed by the runtime list or Debian's base, or not installed: ${staying[*]}" >&2
exec "$@"
