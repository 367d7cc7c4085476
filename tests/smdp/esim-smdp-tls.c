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
  static const gchar *const names[] = { [ESIM_SMDP_TLS_GOOD] = "good",
                                        [ESIM_SMDP_TLS_UNKNOWN_CI] = "unknown-ci",
                                        [ESIM_SMDP_TLS_EXPIRED] = "expired",
                                        [ESIM_SMDP_TLS_WRONG_HOST] = "wrong-host" };

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

/* a throw-away self-signed CA that nobody trusts */
static EsimRspCert *
esim_smdp_tls_make_rogue_ca (EsimRspKey *key, GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_pubkey_t pub = NULL;
  gnutls_datum_t der = { NULL, 0 };
  guint8 serial[8], ski[64];
  gsize ski_len = sizeof (ski);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const gchar *cn = "esim-smdp untrusted CA";
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
    rc = gnutls_x509_crt_set_activation_time (crt, (time_t) (now - ESIM_SMDP_HOUR));
  if (rc >= 0)
    rc = gnutls_x509_crt_set_expiration_time (crt, (time_t) (now + 10 * ESIM_SMDP_YEAR));
  if (rc >= 0)
    rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen (cn));
  if (rc >= 0)
    rc = gnutls_x509_crt_set_basic_constraints (crt, 1, -1);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
  if (rc >= 0)
    rc = gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1, ski, &ski_len);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_subject_key_id (crt, ski, ski_len);
  if (rc >= 0)
    rc = gnutls_x509_crt_privkey_sign (crt, crt, esim_rsp_key_get_gnutls (key), GNUTLS_DIG_SHA256,
                                       0);
  if (rc >= 0)
    rc = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  if (esim_smdp_tls_check (rc, "self-signed CA", error)) {
    g_autoptr (GBytes) bytes = g_bytes_new (der.data, der.size);

    cert = esim_rsp_cert_new_from_der (bytes, error);
  }
  gnutls_free (der.data);
  gnutls_pubkey_deinit (pub);
  gnutls_x509_crt_deinit (crt);
  return cert;
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
esim_smdp_tls_make_certificate (const gchar *pki_dir, EsimSmdpTlsMode mode, GError **error)
{
  static const gchar *const loopback[] = { "127.0.0.1", "::1", "localhost", NULL };
  static const gchar *const wrong[] = { "wrong.example.com", NULL };
  g_autofree gchar *ci_key_path
    = g_build_filename (pki_dir, "CertificateIssuer", "SK_CI_ECDSA_NIST.pem", NULL);
  g_autofree gchar *ci_cert_path
    = g_build_filename (pki_dir, "CertificateIssuer", "CERT_CI_ECDSA_NIST.pem", NULL);
  g_autoptr (EsimRspKey) ca_key = NULL;
  g_autoptr (EsimRspCert) ca_cert = NULL;
  g_autofree gchar *cert_pem = NULL;
  g_autofree gchar *key_pem = NULL;
  g_autofree gchar *pkcs8 = NULL;
  g_autofree gchar *both = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 not_before = now - ESIM_SMDP_HOUR;
  gint64 not_after = now + 10 * (gint64) ESIM_SMDP_YEAR;

  if (mode == ESIM_SMDP_TLS_UNKNOWN_CI) {
    ca_key = esim_rsp_key_generate (error);
    if (ca_key != NULL)
      ca_cert = esim_smdp_tls_make_rogue_ca (ca_key, error);
  } else {
    ca_key = esim_rsp_key_load_pem (ci_key_path, error);
    if (ca_key != NULL)
      ca_cert = esim_rsp_cert_load (ci_cert_path, error);
  }
  if (ca_cert == NULL)
    return NULL;
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
  both = g_strconcat (cert_pem, "\n", pkcs8, NULL);
  return g_tls_certificate_new_from_pem (both, -1, error);
}
