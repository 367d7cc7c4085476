/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "esim-rsp-crypto.h"
#include "esim-smdp-tls.h"

#define ESIM_SMDP_HOUR 3600
#define ESIM_SMDP_YEAR (365 * 24 * ESIM_SMDP_HOUR)

gboolean
esim_smdp_tls_mode_from_string (const gchar *text, EsimSmdpTlsMode *mode)
{
  static const gchar *const names[]
    = { [ESIM_SMDP_TLS_GOOD] = "good",       [ESIM_SMDP_TLS_UNKNOWN_CI] = "unknown-ci",
        [ESIM_SMDP_TLS_EXPIRED] = "expired", [ESIM_SMDP_TLS_WRONG_HOST] = "wrong-host",
        [ESIM_SMDP_TLS_WEB_CA] = "web-ca",   [ESIM_SMDP_TLS_LEGACY_EXPIRED] = "legacy-expired" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    if (g_strcmp0 (text, names[i]) == 0) {
      *mode = (EsimSmdpTlsMode) i;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
esim_smdp_tls_check (int rc, const gchar *what, GError **error)
{
  if (rc >= 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, gnutls_strerror (rc));
  return FALSE;
}

/* a throw-away CA: self-signed (issuer NULL) or under issuer */
static EsimRspCert *
esim_smdp_tls_make_ca (EsimRspKey *key, const gchar *dn, EsimRspKey *issuer_key,
                       EsimRspCert *issuer, gint64 not_before, gint64 not_after, GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_crt_t issuer_crt = NULL;
  gnutls_pubkey_t pub = NULL;
  gnutls_datum_t der = { NULL, 0 };
  guint8 serial[8], ski[64];
  gsize ski_len = sizeof (ski);
  EsimRspCert *cert = NULL;
  int rc;

  gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof (serial));
  serial[0] = (serial[0] & 0x7f) | 0x01;
  gnutls_x509_crt_init (&crt);
  gnutls_pubkey_init (&pub);
  rc = gnutls_pubkey_import_privkey (pub, esim_rsp_key_get_gnutls (key), 0, 0);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_pubkey (crt, pub);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_version (crt, 3);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_serial (crt, serial, sizeof (serial));
  if (rc >= 0)
    rc = gnutls_x509_crt_set_activation_time (crt, (time_t) not_before);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_expiration_time (crt, (time_t) not_after);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_dn (crt, dn, NULL);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_basic_constraints (crt, 1, -1);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
  if (rc >= 0)
    rc = gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1, ski, &ski_len);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_subject_key_id (crt, ski, ski_len);
  if (rc >= 0 && issuer != NULL) {
    g_autoptr (GBytes) issuer_der = esim_rsp_cert_get_der (issuer);
    gnutls_datum_t d
      = { (guchar *) g_bytes_get_data (issuer_der, NULL), (guint) g_bytes_get_size (issuer_der) };
    gnutls_x509_crt_init (&issuer_crt);
    rc = gnutls_x509_crt_import (issuer_crt, &d, GNUTLS_X509_FMT_DER);
    if (rc >= 0) {
      guint8 aki[64];
      gsize aki_len = sizeof (aki);
      rc = gnutls_x509_crt_get_subject_key_id (issuer_crt, aki, &aki_len, NULL);
      if (rc >= 0)
        rc = gnutls_x509_crt_set_authority_key_id (crt, aki, aki_len);
    }
    if (rc >= 0)
      rc = gnutls_x509_crt_privkey_sign (crt, issuer_crt, esim_rsp_key_get_gnutls (issuer_key),
                                         GNUTLS_DIG_SHA256, 0);
  } else if (rc >= 0) {
    rc = gnutls_x509_crt_privkey_sign (crt, crt, esim_rsp_key_get_gnutls (key), GNUTLS_DIG_SHA256,
                                       0);
  }
  if (rc >= 0)
    rc = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  if (esim_smdp_tls_check (rc, dn, error)) {
    g_autoptr (GBytes) bytes = g_bytes_new (der.data, der.size);

    cert = esim_rsp_cert_new_from_der (bytes, error);
  }
  gnutls_free (der.data);
  gnutls_pubkey_deinit (pub);
  if (issuer_crt != NULL)
    gnutls_x509_crt_deinit (issuer_crt);
  gnutls_x509_crt_deinit (crt);
  return cert;
}

static gchar *
esim_smdp_tls_to_pem (EsimRspCert *cert)
{
  g_autoptr (GBytes) der = esim_rsp_cert_get_der (cert);
  gnutls_datum_t in = { (guchar *) g_bytes_get_data (der, NULL), (guint) g_bytes_get_size (der) };
  gnutls_datum_t out = { NULL, 0 };
  gchar *pem = NULL;

  if (gnutls_pem_base64_encode2 ("CERTIFICATE", &in, &out) >= 0)
    pem = g_strndup ((const gchar *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

/* GLib reads PKCS#8 keys everywhere; GnuTLS wrote SEC1 ("EC PRIVATE KEY") */
static gchar *
esim_smdp_tls_key_to_pkcs8 (const gchar *pem, GError **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t in = { (guchar *) pem, (guint) strlen (pem) };
  gnutls_datum_t out = { NULL, 0 };
  gchar *result = NULL;
  int rc;

  gnutls_x509_privkey_init (&key);
  rc = gnutls_x509_privkey_import (key, &in, GNUTLS_X509_FMT_PEM);
  if (rc >= 0)
    rc
      = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &out);
  if (esim_smdp_tls_check (rc, "TLS key", error))
    result = g_strndup ((const gchar *) out.data, out.size);
  if (out.data != NULL)
    gnutls_memset (out.data, 0, out.size);
  gnutls_free (out.data);
  gnutls_x509_privkey_deinit (key);
  return result;
}

GTlsCertificate *
esim_smdp_tls_make_certificate (const gchar *pki_dir, EsimSmdpTlsMode mode, gchar **root_pem,
                                GError **error)
{
  static const gchar *const loopback[] = { "127.0.0.1", "::1", "localhost", NULL };
  static const gchar *const wrong[] = { "wrong.example.com", NULL };
  g_autofree gchar *ci_key_path
    = g_build_filename (pki_dir, "CertificateIssuer", "SK_CI_ECDSA_NIST.pem", NULL);
  g_autofree gchar *ci_cert_path
    = g_build_filename (pki_dir, "CertificateIssuer", "CERT_CI_ECDSA_NIST.pem", NULL);
  g_autoptr (EsimRspKey) root_key = NULL;
  g_autoptr (EsimRspCert) root_cert = NULL;
  g_autoptr (EsimRspKey) ca_key = NULL;
  g_autoptr (EsimRspCert) ca_cert = NULL;
  g_autofree gchar *cert_pem = NULL;
  g_autofree gchar *key_pem = NULL;
  g_autofree gchar *pkcs8 = NULL;
  g_autofree gchar *chain_pem = NULL;
  g_autofree gchar *both = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 not_before = now - ESIM_SMDP_HOUR;
  gint64 not_after = now + 10 * (gint64) ESIM_SMDP_YEAR;

  switch (mode) {
  case ESIM_SMDP_TLS_UNKNOWN_CI:
    ca_key = esim_rsp_key_generate (error);
    if (ca_key != NULL)
      ca_cert = esim_smdp_tls_make_ca (ca_key, "CN=esim-smdp untrusted CA", NULL, NULL, not_before,
                                       not_after, error);
    break;
  case ESIM_SMDP_TLS_WEB_CA:
    root_key = esim_rsp_key_generate (error);
    if (root_key != NULL)
      root_cert
        = esim_smdp_tls_make_ca (root_key, "CN=esim-smdp Test Web Root CA,O=Example Web PKI,C=US",
                                 NULL, NULL, not_before, not_after, error);
    if (root_cert != NULL)
      ca_key = esim_rsp_key_generate (error);
    if (ca_key != NULL)
      ca_cert
        = esim_smdp_tls_make_ca (ca_key, "CN=esim-smdp Test Web Issuing CA,O=Example Web PKI,C=US",
                                 root_key, root_cert, not_before, not_after, error);
    if (ca_cert != NULL)
      chain_pem = esim_smdp_tls_to_pem (ca_cert);
    break;
  case ESIM_SMDP_TLS_LEGACY_EXPIRED:
    ca_key = esim_rsp_key_generate (error);
    if (ca_key != NULL)
      ca_cert = esim_smdp_tls_make_ca (
        ca_key, "CN=esim-smdp Legacy SMDP Root,O=Example Legacy Operator,C=DE", NULL, NULL,
        now - 10 * (gint64) ESIM_SMDP_YEAR, now - ESIM_SMDP_YEAR, error);
    break;
  default:
    ca_key = esim_rsp_key_load_pem (ci_key_path, error);
    if (ca_key != NULL)
      ca_cert = esim_rsp_cert_load (ci_cert_path, error);
  }
  if (ca_cert == NULL)
    return NULL;
  if (root_pem != NULL)
    *root_pem = esim_smdp_tls_to_pem (root_cert != NULL ? root_cert : ca_cert);
  if (mode == ESIM_SMDP_TLS_EXPIRED) {
    not_before = now - 2 * (gint64) ESIM_SMDP_YEAR;
    not_after = now - ESIM_SMDP_YEAR;
  }
  if (!esim_rsp_issue_tls_cert (ca_key, ca_cert,
                                mode == ESIM_SMDP_TLS_WRONG_HOST ? wrong : loopback, not_before,
                                not_after, &cert_pem, &key_pem, error))
    return NULL;
  pkcs8 = esim_smdp_tls_key_to_pkcs8 (key_pem, error);
  if (pkcs8 == NULL)
    return NULL;
  /* the certificate, the intermediate it needs, the key */
  both = g_strconcat (cert_pem, "\n", chain_pem != NULL ? chain_pem : "", "\n", pkcs8, NULL);
  return g_tls_certificate_new_from_pem (both, -1, error);
}
