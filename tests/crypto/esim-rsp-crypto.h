/*
 * The public-key side of SGP.22 for the test peers (simulated eUICC, test
 * SM-DP+): NIST P-256 keys (ECDSA with r||s signatures, ECKA-DH), the RSP
 * certificates and their chains, and TLS server certificates for loopback.
 *
 * Only NIST P-256 is supported: the SGP.26 brainpoolP256r1 variants cannot
 * be used because neither GnuTLS 3.7 nor nettle 3.8 implement that curve.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <gnutls/abstract.h>

G_BEGIN_DECLS

#define ESIM_RSP_CRYPTO_ERROR (esim_rsp_crypto_error_quark ())
GQuark esim_rsp_crypto_error_quark (void);

typedef enum {
  ESIM_RSP_CRYPTO_ERROR_FAILED,        /* a library call failed */
  ESIM_RSP_CRYPTO_ERROR_BAD_KEY,       /* not a usable P-256 key */
  ESIM_RSP_CRYPTO_ERROR_BAD_CERT,      /* not a usable certificate */
  ESIM_RSP_CRYPTO_ERROR_BAD_SIGNATURE, /* a signature does not verify */
  ESIM_RSP_CRYPTO_ERROR_NOT_ISSUED_BY, /* the certificate is not from that issuer */
  ESIM_RSP_CRYPTO_ERROR_EXPIRED,       /* outside its validity period */
  ESIM_RSP_CRYPTO_ERROR_BAD_POINT,     /* a public point not on the curve */
} EsimRspCryptoError;

/* the SGP.22 role OIDs carried in certificatePolicies */
#define ESIM_RSP_ROLE_CI "2.23.146.1.2.1.0"
#define ESIM_RSP_ROLE_EUICC "2.23.146.1.2.1.1"
#define ESIM_RSP_ROLE_EUM "2.23.146.1.2.1.2"
#define ESIM_RSP_ROLE_DP_TLS "2.23.146.1.2.1.3"
#define ESIM_RSP_ROLE_DP_AUTH "2.23.146.1.2.1.4"
#define ESIM_RSP_ROLE_DP_PB "2.23.146.1.2.1.5"
#define ESIM_RSP_ROLE_DS_TLS "2.23.146.1.2.1.6"
#define ESIM_RSP_ROLE_DS_AUTH "2.23.146.1.2.1.7"

#define ESIM_RSP_POINT_SIZE 65     /* 04 || X || Y */
#define ESIM_RSP_SIGNATURE_SIZE 64 /* r || s */
#define ESIM_RSP_SHARED_SECRET_SIZE 32

/* a NIST P-256 key pair (private part optional) */
typedef struct _EsimRspKey EsimRspKey;

/* SGP.26 SK_*.pem (EC PRIVATE KEY or PKCS#8) */
EsimRspKey *esim_rsp_key_load_pem (const gchar *path, GError **error);
/* a one-time ECKA key pair */
EsimRspKey *esim_rsp_key_generate (GError **error);
/* a public key alone, from 04||X||Y; BAD_POINT when not on the curve */
EsimRspKey *esim_rsp_key_new_public (GBytes *point, GError **error);
/* uncompressed 04||X||Y, 65 bytes */
GBytes *esim_rsp_key_get_public_point (EsimRspKey *self);
/* ECDSA-SHA256, raw r||s of 64 bytes (the SGP.22 format) */
GBytes *esim_rsp_key_sign (EsimRspKey *self, const guint8 *data, gsize len, GError **error);
/* ECKA-DH: the x-coordinate of d*Q, 32 bytes; points off the curve are refused */
GBytes *esim_rsp_key_agree (EsimRspKey *self, GBytes *peer_point, GError **error);
/* for TLS and issuing certificates; NULL when public only */
gnutls_privkey_t esim_rsp_key_get_gnutls (EsimRspKey *self);
void esim_rsp_key_free (EsimRspKey *self);

/* an X.509 certificate */
typedef struct _EsimRspCert EsimRspCert;

EsimRspCert *esim_rsp_cert_new_from_der (GBytes *der, GError **error);
/* .der or .pem */
EsimRspCert *esim_rsp_cert_load (const gchar *path, GError **error);
GBytes *esim_rsp_cert_get_der (EsimRspCert *self);
/* NULL when the extension is absent */
GBytes *esim_rsp_cert_get_subject_key_id (EsimRspCert *self);
GBytes *esim_rsp_cert_get_authority_key_id (EsimRspCert *self);
/* 04||X||Y; NULL when the key is not P-256 */
GBytes *esim_rsp_cert_get_public_point (EsimRspCert *self);
/* the subject serialNumber (the EID in CERT.EUICC); NULL when none */
gchar *esim_rsp_cert_get_serial_number_attr (EsimRspCert *self);
/* the subjectAltName registeredID (the SM-DP+ OID, dotted); NULL when none */
gchar *esim_rsp_cert_get_registered_id (EsimRspCert *self);
/* certificatePolicies contains role_oid (ESIM_RSP_ROLE_*) */
gboolean esim_rsp_cert_has_role (EsimRspCert *self, const gchar *role_oid);
/* self is signed by issuer: the signature verifies with the issuer's key,
 * the AKI matches the issuer's SKI, and (unless now == 0) both are valid at
 * now (seconds since the epoch) */
gboolean esim_rsp_cert_verify_issued_by (EsimRspCert *self, EsimRspCert *issuer, gint64 now,
                                         GError **error);
/* an SGP.22 signature (r||s) over data with the certificate's key */
gboolean esim_rsp_cert_verify_signature (EsimRspCert *self, const guint8 *data, gsize len,
                                         GBytes *sig_rs, GError **error);
void esim_rsp_cert_free (EsimRspCert *self);

/* the DER contents (no tag, no length) of an OBJECT IDENTIFIER in dotted
 * form, e.g. a registeredID; NULL when it is not one */
GBytes *esim_rsp_oid_encode (const gchar *dotted);

/* what smdpSign covers (SGP.22 5.5.1, ES8+.InitialiseSecureChannel): the
 * data objects of InitialiseSecureChannelRequest before smdpSign as encoded
 * (remoteOpId 82, transactionId 80, controlRefTemplate A6, smdpOtpk 5F49),
 * followed by the eUICC's one-time public key as a 5F49 TLV (the euiccOtpk
 * of euiccSigned2), NOT euiccSignature2 */
GBytes *esim_rsp_isc_signed_data (const guint8 *data_objects, gsize len, GBytes *euicc_otpk);

/* a TLS server certificate under a CA key and certificate (for the test
 * SM-DP+ on loopback): hosts are DNS names or IP literals, all go in the
 * subjectAltName, the first also in the CN; times in seconds since the epoch */
gboolean esim_rsp_issue_tls_cert (EsimRspKey *ca_key, EsimRspCert *ca_cert,
                                  const gchar *const *hosts, gint64 not_before, gint64 not_after,
                                  gchar **cert_pem, gchar **key_pem, GError **error);

/* an RSP authentication certificate (e.g. CERT.DSauth with
 * ESIM_RSP_ROLE_DS_AUTH) for a fresh P-256 key pair, returned in key:
 * digitalSignature, the role in certificatePolicies, SKI, and the CA's SKI
 * as AKI; times in seconds since the epoch */
EsimRspCert *esim_rsp_issue_auth_cert (EsimRspKey *ca_key, EsimRspCert *ca_cert,
                                       const gchar *role_oid, const gchar *common_name,
                                       gint64 not_before, gint64 not_after, EsimRspKey **key,
                                       GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimRspKey, esim_rsp_key_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimRspCert, esim_rsp_cert_free)

G_END_DECLS
