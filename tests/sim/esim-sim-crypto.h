/*
 * The eUICC's credentials from an SGP.26 PKI directory: its certificate and
 * key, the EUM certificate, the CI key identifiers it trusts, and the EID.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

#include "esim-rsp-crypto.h"

G_BEGIN_DECLS

#define ESIM_SIM_TYPE_CRYPTO (esim_sim_crypto_get_type ())
G_DECLARE_FINAL_TYPE (EsimSimCrypto, esim_sim_crypto, ESIM_SIM, CRYPTO, GObject)

/* pki_dir holds eUICC/, EUM/ and CertificateIssuer/ as in SGP.26 */
EsimSimCrypto *esim_sim_crypto_new (const gchar *pki_dir, GError **error);

/* the serialNumber of the eUICC certificate subject: 32 digits */
const gchar *esim_sim_crypto_get_eid (EsimSimCrypto *self);
/* DER certificates */
GBytes *esim_sim_crypto_get_euicc_certificate (EsimSimCrypto *self);
GBytes *esim_sim_crypto_get_eum_certificate (EsimSimCrypto *self);
/* SubjectKeyIdentifier values of the CI certificates found (NIST, BRP) */
GPtrArray *esim_sim_crypto_get_ci_pkids (EsimSimCrypto *self);

/* the CI certificate with that key identifier, NULL when the card has none */
EsimRspCert *esim_sim_crypto_find_ci (EsimSimCrypto *self, const guint8 *pkid, gsize len);
/* SK.EUICC.ECDSA */
EsimRspKey *esim_sim_crypto_get_key (EsimSimCrypto *self);

/* ECDSA-SHA256 with SK.EUICC.ECDSA; returns r||s, 32 bytes each, as SGP.22
 * signatures are coded (not the X9.62 DER form) */
GBytes *esim_sim_crypto_sign (EsimSimCrypto *self, GBytes *data, GError **error);

/* random bytes from GnuTLS's nonce generator */
GBytes *esim_sim_crypto_random (gsize len);

G_END_DECLS
