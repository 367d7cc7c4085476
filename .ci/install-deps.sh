#!/usr/bin/env bash
# installs every Debian package that building, testing and fuzzing esimd needs;
# idempotent and non-interactive, safe to run again
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config gettext git
  clang libclang-rt-14-dev llvm clang-format
  libglib2.0-dev libglib2.0-bin
  libgnutls28-dev nettle-dev gnutls-bin
  libcurl4-gnutls-dev libjson-glib-dev libsoup-3.0-dev glib-networking
  libsystemd-dev systemd
  libpolkit-gobject-1-dev polkitd
  libqmi-glib-dev libmbim-glib-dev libmm-glib-dev
  libqrtr-glib-dev
  libpcsclite-dev pcscd vsmartcard-vpcd
  dbus dbus-daemon python3-dbusmock python3-gi
  xsltproc docbook-xsl
  gobject-introspection libgirepository1.0-dev gir1.2-glib-2.0
  libgtk-4-dev xvfb xauth
  strace
  openssl
  libzbar-dev libgdk-pixbuf-2.0-dev qrencode groff-base man-db bash-completion
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
