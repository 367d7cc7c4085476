#!/usr/bin/env bash
# Installs what is needed, builds esimd, and runs the demo: the real daemon
# on a private D-Bus bus in test mode (trusting the GSMA SGP.26 test CI), a
# simulated eUICC and the test SM-DP+ on loopback, driven with esimctl: a
# TS.48 test profile is downloaded from an activation code, enabled and
# listed. What a user sees, end to end, without hardware or network.
set -euo pipefail
cd "$(dirname "$0")/.."

shared=${ESIM_SHARED_DIR:-$(cd .. && pwd)/shared}
if [ ! -f "$shared/DESIGN.md" ]; then
  echo "demo: the shared fixtures are not at $shared (set ESIM_SHARED_DIR)" >&2
  exit 1
fi

bash .ci/install-deps.sh
[ -d build ] || meson setup build -Dshared_dir="$shared"
ninja -C build
ESIM_SHARED_DIR="$shared" exec /usr/bin/python3 tests/demo.py build
