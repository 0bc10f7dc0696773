#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Kassa needs, when they are missing and we may (root or sudo).
# Usage: scripts/system-packages.sh run|test
set -euo pipefail

run_pkgs=(libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0 libxcb-xkb1
  libxkbcommon-x11-0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libegl1 libgl1 libfontconfig1
  libdbus-1-3 fonts-dejavu-core gnome-keyring python3-venv)
test_pkgs=("${run_pkgs[@]}" xvfb xauth poppler-utils dbus postgresql desktop-file-utils)

case "${1:-run}" in
  run) wanted=("${run_pkgs[@]}") ;;
  test) wanted=("${test_pkgs[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

command -v dpkg-query >/dev/null 2>&1 || { echo "Inte Debian/Ubuntu: installera Qt:s xcb-bibliotek själv." >&2; exit 0; }

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
  echo "Saknade systempaket: ${missing[*]}. Installera dem som administratör (apt-get install …)." >&2
  exit 1
fi
echo "Installerar systempaket: ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
