#!/usr/bin/env bash
# Installs what is needed, builds esimd, starts the simulated eUICC and the
# test SM-DP+ on loopback, and downloads a GSMA TS.48 test profile from an
# activation code with esimctl, over verified TLS under the SGP.26 test CI;
# then switches and manages profiles. What a user sees, end to end, without
# hardware or network.
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
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 200); do
    [ -e "$1" ] && return 0
    sleep 0.05
  done
  echo "demo: $2 did not start" >&2
  exit 1
}

# the test SM-DP+: one TS.48 profile for the matching ID DEMO-1
build/tests/smdp/esim-smdp --pki "$shared/fixtures/sgp26" --listen 127.0.0.1:0 \
  --port-file "$work/smdp.port" \
  --profile "DEMO-1=$shared/fixtures/upp/TS48V5-SAIP2-3-BERTLV-SUCI-UNIQUE.der,name=TS.48 v5 SUCI,spn=GSMA Test" \
  > "$work/smdp.log" 2>&1 &
pids+=($!)
wait_for "$work/smdp.port" "the test SM-DP+"
smdp="127.0.0.1:$(cat "$work/smdp.port")"

# the simulated eUICC, already holding one enabled profile
build/tests/sim/esim-sim --socket "$work/card.sock" --state "$work/card.state" \
  --pki "$shared/fixtures/sgp26" \
  --profile "$shared/fixtures/upp/TS48V1-A-UNIQUE.der,state=enabled,name=TS.48 v1 A,spn=GSMA Test,notify=$smdp" &
pids+=($!)
wait_for "$work/card.sock" "the simulated eUICC"

esimctl() {
  echo "\$ esimctl $*"
  build/src/esimctl/esimctl --card "socket:$work/card.sock" \
    --ca "$shared/fixtures/sgp26/CertificateIssuer/CERT_CI_ECDSA_NIST.pem" "$@"
  echo
}

esimctl info
esimctl list
esimctl install "LPA:1\$$smdp\$DEMO-1"
esimctl list
esimctl enable 8949449999999990163
esimctl nickname 8949449999999990163 Travel
esimctl notifications list
esimctl notifications process
esimctl list
echo "\$ esimctl install LPA:1\$$smdp\$DEMO-1   # a second time: the SM-DP+ refuses"
build/src/esimctl/esimctl --card "socket:$work/card.sock" \
  --ca "$shared/fixtures/sgp26/CertificateIssuer/CERT_CI_ECDSA_NIST.pem" \
  install "LPA:1\$$smdp\$DEMO-1" || echo "(exit code $?)"
