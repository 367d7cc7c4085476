#!/usr/bin/env bash
# Installs what is needed, builds esimd, starts the simulated eUICC with two
# GSMA TS.48 test profiles, and manages them with esimctl over the socket
# transport: what a user sees, end to end, without hardware.
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

work=$(mktemp -d)
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

build/tests/sim/esim-sim --socket "$work/card.sock" --state "$work/card.state" \
  --pki "$shared/fixtures/sgp26" \
  --profile "$shared/fixtures/upp/TS48V1-A-UNIQUE.der,state=enabled,name=TS.48 v1 A,spn=GSMA Test" \
  --profile "$shared/fixtures/upp/TS48V5-SAIP2-3-BERTLV-SUCI-UNIQUE.der,name=TS.48 v5 SUCI,spn=GSMA Test,ppr=1" &
sim_pid=$!
for _ in $(seq 100); do
  [ -S "$work/card.sock" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { echo "demo: the simulated eUICC did not start" >&2; exit 1; }
  sleep 0.05
done

first=8949449999999990023
esimctl() {
  echo "\$ esimctl $*"
  build/src/esimctl/esimctl --card "socket:$work/card.sock" "$@"
  echo
}

esimctl info
esimctl list
second=$(build/src/esimctl/esimctl --card "socket:$work/card.sock" --json list |
  /usr/bin/python3 -c 'import json,sys; print([p["iccid"] for p in json.load(sys.stdin) if p["state"] == "disabled"][0])')
esimctl enable "$second"
esimctl nickname "$second" "Travel"
esimctl list
esimctl delete "$first"
esimctl list
esimctl notifications list
echo "\$ esimctl disable $second   # its policy rule PPR1 forbids it, and the card says so"
build/src/esimctl/esimctl --card "socket:$work/card.sock" disable "$second" || echo "(exit code $?)"
