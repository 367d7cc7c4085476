#!/usr/bin/env bash
# Writes tests/crypto/vectors/isc-smdpsign.json: an InitialiseSecureChannel
# request whose smdpSign is computed by OpenSSL, not by esimd's code, over
# the bytes SGP.22 5.5.1 defines: the data objects remoteOpId (82),
# transactionId (80), controlRefTemplate (A6) and smdpOtpk (5F49) as encoded,
# followed by the eUICC's one-time public key as a 5F49 TLV (the euiccOtpk
# of euiccSigned2). The layout below is written out by hand from the
# specification (it agrees with pySim's osmo-smdpp); the keys are fresh
# P-256 one-time keys and the SGP.26 SK.DPpb.ECDSA (NIST).
#
# usage: gen-isc-vector.sh SHARED_DIR OUTPUT.json
# (also writes OUTPUT-euicc-otsk.pem, the eUICC one-time private key, so a
# simulated eUICC can take the place of the card the vector was made for)
set -euo pipefail
shared=$1
out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# uncompressed point (04||X||Y) of a fresh P-256 key, and its private scalar
point() {
  openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/$1.pem"
  openssl ec -in "$tmp/$1.pem" -text -noout 2>/dev/null |
    awk '/^pub:/{p=1;next} /^ASN1/{p=0} p' | tr -d ' :\n'
}
scalar() {
  openssl ec -in "$tmp/$1.pem" -text -noout 2>/dev/null |
    awk '/^priv:/{p=1;next} /^pub:/{p=0} p' | tr -d ' :\n'
}

smdp_otpk=$(point smdp)
euicc_otpk=$(point euicc)
euicc_otsk=$(scalar euicc)
txid=$(openssl rand -hex 16)
host_id=$(openssl rand -hex 8)

# 82 01 01 | 80 10 txid | A6 10 {80 01 88 | 81 01 10 | 84 08 host} | 5F49 41 point
data_objects="820101""8010${txid}""a610800188810110""8408${host_id}""5f4941${smdp_otpk}"
signed="${data_objects}5f4941${euicc_otpk}"

echo -n "$signed" | xxd -r -p >"$tmp/signed.bin"
openssl dgst -sha256 -sign "$shared/fixtures/sgp26/DPpb/SK_S_SM_DPpb_ECDSA_NIST.pem" \
  -out "$tmp/sig.der" "$tmp/signed.bin"
openssl dgst -sha256 -verify "$shared/fixtures/sgp26/DPpb/PK_S_SM_DPpb_ECDSA_NIST.pem" \
  -signature "$tmp/sig.der" "$tmp/signed.bin" >/dev/null

# SGP.22 signatures are r||s, 32 bytes each, not DER
rs=$(openssl asn1parse -inform DER -in "$tmp/sig.der" |
  awk -F: '/INTEGER/{v=$NF; while (length(v) < 64) v="0" v; if (length(v) > 64) v=substr(v, length(v)-63); printf "%s", v}')

openssl pkcs8 -topk8 -nocrypt -in "$tmp/euicc.pem" -out "${out%.json}-euicc-otsk.pem"

cat >"$out" <<JSON
{
  "source": "tests/crypto/gen-isc-vector.sh: OpenSSL $(openssl version | awk '{print $2}') signs with SGP.26 SK_S_SM_DPpb_ECDSA_NIST over the bytes SGP.22 5.5.1 defines",
  "euicc_otsk_pem": "$(basename "${out%.json}")-euicc-otsk.pem",
  "certificate": "fixtures/sgp26/DPpb/CERT_S_SM_DPpb_ECDSA_NIST.der",
  "data_objects": "${data_objects}",
  "euicc_otpk": "${euicc_otpk}",
  "euicc_otsk": "${euicc_otsk}",
  "smdp_sign": "$(echo "$rs" | tr 'A-F' 'a-f')",
  "initialise_secure_channel": "bf23$(printf '%02x' $(( (${#data_objects} / 2) + 3 + 64 )) | sed 's/^/81/')${data_objects}5f3740$(echo "$rs" | tr 'A-F' 'a-f')"
}
JSON
