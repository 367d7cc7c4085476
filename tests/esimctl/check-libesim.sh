#!/bin/sh
# esimctl's daemon mode is a client of libesim: the binary needs
# libesim-1.so, and has none of the generated D-Bus proxies in it
# SPDX-License-Identifier: LGPL-2.1-or-later
set -eu
exe=$1
if ! readelf -d "$exe" | grep -q 'NEEDED.*\[libesim-1\.so'; then
  echo "not ok: $exe does not link libesim-1.so"
  readelf -d "$exe" | grep NEEDED
  exit 1
fi
if nm "$exe" | grep -q ' esim_dbus_'; then
  echo "not ok: $exe has generated D-Bus proxies of its own:"
  nm "$exe" | grep ' esim_dbus_' | head
  exit 1
fi
echo "esimctl links libesim-1.so and no generated proxies"
