#!/bin/sh
# fails when groff or man warn about a man page: check-man.sh PAGE...
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
status=0
for page in "$@"; do
  out=$(LC_ALL=C.UTF-8 groff -ww -z -man -Tutf8 "$page" 2>&1)
  if [ -n "$out" ]; then
    printf '%s: groff warns:\n%s\n' "$page" "$out"
    status=1
  fi
  if command -v man >/dev/null 2>&1; then
    out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 "$page" 2>&1 >/dev/null)
    if [ -n "$out" ]; then
      printf '%s: man warns:\n%s\n' "$page" "$out"
      status=1
    fi
  fi
  echo "$page: checked"
done
exit $status
