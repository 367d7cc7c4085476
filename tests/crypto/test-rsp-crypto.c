/*
 * The RSP public-key helpers against the SGP.26 test PKI: signatures both
 * ways, the certificate chains, identifiers, ECKA and TLS certificate issuing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gnutls/x509.h>

#include "esim-rsp-crypto.h"
#include "esim-test-sim.h"

/* 2024-06-01, inside every SGP.26 validity period */
#define NOW G_GINT64_CONSTANT (1717200000)

static EsimRspCert *
load_cert (const gchar *relative)
{
  g_autofree gchar *path = esim_test_shared_path (relative);
  g_autoptr (GError) error = NULL;
  EsimRspCert *cert = esim_rsp_cert_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

static EsimRspKey *
load_key (const gchar *relative)
{
  g_autofree gchar *path = esim_test_shared_path (relative);
  g_autoptr (GError) error = NULL;
  EsimRspKey *key = esim_rsp_key_load_pem (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (key);
  return key;
}

#define SGP26 "fixtures/sgp26/"

static void
test_sign_verify (void)
{
  g_autoptr (EsimRspKey) key = load_key (SGP26 "DPauth/SK_S_SM_DPauth_ECDSA_NIST.pem");
  g_autoptr (EsimRspCert) cert = load_cert (SGP26 "DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der");
  g_autoptr (EsimRspCert) other = load_cert (SGP26 "DPpb/CERT_S_SM_DPpb_ECDSA_NIST.der");
  g_autoptr (GBytes) point = esim_rsp_key_get_public_point (key);
  g_autoptr (GBytes) cert_point = esim_rsp_cert_get_public_point (cert);
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (GError) error = NULL;
  guint8 data[100];
  guint8 tampered[64];

  for (guint i = 0; i < sizeof (data); i++)
    data[i] = (guint8) i;
  g_assert_true (g_bytes_equal (point, cert_point));
  sig = esim_rsp_key_sign (key, data, sizeof (data), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (sig), ==, 64);
  g_assert_true (esim_rsp_cert_verify_signature (cert, data, sizeof (data), sig, &error));
  g_assert_no_error (error);

  /* other data, another key, a changed signature, a wrong size */
  data[5] ^= 1;
  g_assert_false (esim_rsp_cert_verify_signature (cert, data, sizeof (data), sig, &error));
  g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  data[5] ^= 1;
  g_assert_false (esim_rsp_cert_verify_signature (other, data, sizeof (data), sig, &error));
  g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  memcpy (tampered, g_bytes_get_data (sig, NULL), 64);
  tampered[40] ^= 0x80;
  {
    g_autoptr (GBytes) bad = g_bytes_new (tampered, 64);
    g_autoptr (GBytes) short_sig = g_bytes_new (tampered, 63);

    g_assert_false (esim_rsp_cert_verify_signature (cert, data, sizeof (data), bad, &error));
    g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
    g_assert_false (esim_rsp_cert_verify_signature (cert, data, sizeof (data), short_sig, &error));
    g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
  }
  g_assert_nonnull (esim_rsp_key_get_gnutls (key));
}

static void
test_chain (void)
{
  g_autoptr (EsimRspCert) ci = load_cert (SGP26 "CertificateIssuer/CERT_CI_ECDSA_NIST.der");
  g_autoptr (EsimRspCert) ci_pem = load_cert (SGP26 "CertificateIssuer/CERT_CI_ECDSA_NIST.pem");
  g_autoptr (EsimRspCert) eum = load_cert (SGP26 "EUM/CERT_EUM_ECDSA_NIST.der");
  g_autoptr (EsimRspCert) euicc = load_cert (SGP26 "eUICC/CERT_EUICC_ECDSA_NIST.der");
  g_autoptr (EsimRspCert) dpauth = load_cert (SGP26 "DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der");
  g_autoptr (EsimRspCert) dppb = load_cert (SGP26 "DPpb/CERT_S_SM_DPpb_ECDSA_NIST.der");
  g_autoptr (GBytes) a = esim_rsp_cert_get_der (ci);
  g_autoptr (GBytes) b = esim_rsp_cert_get_der (ci_pem);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_bytes_equal (a, b));
  g_assert_true (esim_rsp_cert_verify_issued_by (eum, ci, NOW, &error));
  g_assert_no_error (error);
  g_assert_true (esim_rsp_cert_verify_issued_by (euicc, eum, NOW, &error));
  g_assert_no_error (error);
  g_assert_true (esim_rsp_cert_verify_issued_by (dpauth, ci, NOW, &error));
  g_assert_no_error (error);
  g_assert_true (esim_rsp_cert_verify_issued_by (dppb, ci_pem, 0, &error));
  g_assert_no_error (error);
  g_assert_true (esim_rsp_cert_verify_issued_by (ci, ci, NOW, &error));
  g_assert_no_error (error);

  /* wrong issuers */
  g_assert_false (esim_rsp_cert_verify_issued_by (euicc, ci, NOW, &error));
  g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_NOT_ISSUED_BY);
  g_clear_error (&error);
  g_assert_false (esim_rsp_cert_verify_issued_by (dpauth, eum, NOW, &error));
  g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_NOT_ISSUED_BY);
  g_clear_error (&error);

  /* SM-DP+ certificates of SGP.26 end in 2030 */
  g_assert_false (
    esim_rsp_cert_verify_issued_by (dpauth, ci, G_GINT64_CONSTANT (2000000000), &error));
  g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_EXPIRED);
  g_clear_error (&error);

  g_assert_true (esim_rsp_cert_has_role (dpauth, ESIM_RSP_ROLE_DP_AUTH));
  g_assert_false (esim_rsp_cert_has_role (dpauth, ESIM_RSP_ROLE_DP_PB));
  g_assert_true (esim_rsp_cert_has_role (dppb, ESIM_RSP_ROLE_DP_PB));
  g_assert_true (esim_rsp_cert_has_role (euicc, ESIM_RSP_ROLE_EUICC));
  g_assert_true (esim_rsp_cert_has_role (eum, ESIM_RSP_ROLE_EUM));
}

static void
test_tampered_cert (void)
{
  g_autoptr (EsimRspCert) ci = load_cert (SGP26 "CertificateIssuer/CERT_CI_ECDSA_NIST.der");
  g_autoptr (EsimRspCert) dpauth = load_cert (SGP26 "DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der");
  g_autoptr (GBytes) der = esim_rsp_cert_get_der (dpauth);
  g_autoptr (GBytes) changed = NULL;
  g_autoptr (EsimRspCert) forged = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
  const gchar *cn = "TEST SM-DP+";
  gsize at = 0;

  for (gsize i = 0; at == 0 && i + strlen (cn) <= g_bytes_get_size (der); i++) {
    if (memcmp (copy + i, cn, strlen (cn)) == 0)
      at = i;
  }

  /* a changed subject keeps the DER valid but breaks the CI's signature */
  g_assert_cmpuint (at, >, 0);
  copy[at] = 'X';
  changed = g_bytes_new (copy, g_bytes_get_size (der));
  forged = esim_rsp_cert_new_from_der (changed, &error);
  g_assert_no_error (error);
  g_assert_false (esim_rsp_cert_verify_issued_by (forged, ci, NOW, &error));
  g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_NOT_ISSUED_BY);
  g_clear_error (&error);

  {
    g_autoptr (GBytes) junk = g_bytes_new_static ("\x30\x03\x02\x01\x00", 5);
    g_autoptr (EsimRspCert) none = esim_rsp_cert_new_from_der (junk, &error);

    g_assert_null (none);
    g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_CERT);
  }
}

static void
assert_hex (GBytes *bytes, const gchar *hex)
{
  g_autoptr (GString) s = g_string_new (NULL);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X", data[i]);
  g_assert_cmpstr (s->str, ==, hex);
}

static void
test_identifiers (void)
{
  g_autoptr (EsimRspCert) ci = load_cert (SGP26 "CertificateIssuer/CERT_CI_ECDSA_NIST.der");
  g_autoptr (EsimRspCert) eum = load_cert (SGP26 "EUM/CERT_EUM_ECDSA_NIST.der");
  g_autoptr (EsimRspCert) euicc = load_cert (SGP26 "eUICC/CERT_EUICC_ECDSA_NIST.der");
  g_autoptr (EsimRspCert) dpauth = load_cert (SGP26 "DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der");
  g_autoptr (GBytes) ci_ski = esim_rsp_cert_get_subject_key_id (ci);
  g_autoptr (GBytes) eum_aki = esim_rsp_cert_get_authority_key_id (eum);
  g_autoptr (GBytes) eum_ski = esim_rsp_cert_get_subject_key_id (eum);
  g_autoptr (GBytes) euicc_aki = esim_rsp_cert_get_authority_key_id (euicc);
  g_autofree gchar *eid = esim_rsp_cert_get_serial_number_attr (euicc);
  g_autofree gchar *oid = esim_rsp_cert_get_registered_id (dpauth);
  g_autofree gchar *no_oid = esim_rsp_cert_get_registered_id (euicc);
  g_autofree gchar *no_serial = esim_rsp_cert_get_serial_number_attr (dpauth);

  assert_hex (ci_ski, "F54172BDF98A95D65CBEB88A38A1C11D800A85C3");
  g_assert_true (g_bytes_equal (ci_ski, eum_aki));
  assert_hex (eum_ski, "DD3DA24D350C1CC5D0AF0965F40EC34C5EE409F1");
  g_assert_true (g_bytes_equal (eum_ski, euicc_aki));
  g_assert_cmpstr (eid, ==, "89049032123451234512345678901235");
  g_assert_cmpstr (oid, ==, "2.999.10");
  g_assert_null (no_oid);
  g_assert_null (no_serial);
}

static void
test_ecdh (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimRspKey) a = esim_rsp_key_generate (&error);
  g_autoptr (EsimRspKey) b = esim_rsp_key_generate (&error);
  g_autoptr (GBytes) pa = esim_rsp_key_get_public_point (a);
  g_autoptr (GBytes) pb = esim_rsp_key_get_public_point (b);
  g_autoptr (GBytes) ab = esim_rsp_key_agree (a, pb, &error);
  g_autoptr (GBytes) ba = esim_rsp_key_agree (b, pa, &error);
  g_autoptr (EsimRspKey) pub = esim_rsp_key_new_public (pb, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (pa), ==, 65);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (pa, NULL))[0], ==, 0x04);
  g_assert_false (g_bytes_equal (pa, pb));
  g_assert_cmpuint (g_bytes_get_size (ab), ==, 32);
  g_assert_true (g_bytes_equal (ab, ba));
  g_assert_null (esim_rsp_key_get_gnutls (pub));
  g_assert_null (esim_rsp_key_agree (pub, pa, &error));
  g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_KEY);
  g_clear_error (&error);

  /* a point off the curve, a compressed form, a wrong length */
  {
    g_autofree guint8 *bad = g_memdup2 (g_bytes_get_data (pb, NULL), 65);
    g_autoptr (GBytes) off = NULL;
    g_autoptr (GBytes) compressed = NULL;
    g_autoptr (GBytes) truncated = g_bytes_new (bad, 64);
    g_autoptr (GBytes) r1 = NULL;
    g_autoptr (GBytes) r2 = NULL;
    g_autoptr (GBytes) r3 = NULL;

    bad[64] ^= 1;
    off = g_bytes_new (bad, 65);
    bad[64] ^= 1;
    bad[0] = 0x02;
    compressed = g_bytes_new (bad, 33);
    r1 = esim_rsp_key_agree (a, off, &error);
    g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_POINT);
    g_clear_error (&error);
    r2 = esim_rsp_key_agree (a, compressed, &error);
    g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_POINT);
    g_clear_error (&error);
    r3 = esim_rsp_key_agree (a, truncated, &error);
    g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_POINT);
    g_clear_error (&error);
    g_assert_null (esim_rsp_key_new_public (off, &error));
    g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_POINT);
    g_assert_null (r1);
  }
}

static void
test_brainpool_refused (void)
{
  g_autofree gchar *path = esim_test_shared_path (SGP26 "eUICC/SK_EUICC_ECDSA_BRP.pem");
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimRspKey) key = esim_rsp_key_load_pem (path, &error);

  /* gnutls cannot parse brainpoolP256r1 at all: a clear BAD_KEY */
  g_assert_null (key);
  g_assert_error (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_BAD_KEY);
}

static void
test_tls_cert (void)
{
  g_autoptr (EsimRspKey) ca_key = load_key (SGP26 "CertificateIssuer/SK_CI_ECDSA_NIST.pem");
  g_autoptr (EsimRspCert) ca = load_cert (SGP26 "CertificateIssuer/CERT_CI_ECDSA_NIST.der");
  const gchar *hosts[] = { "127.0.0.1", "localhost", "::1", NULL };
  g_autofree gchar *cert_pem = NULL;
  g_autofree gchar *key_pem = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) der = NULL;
  g_autoptr (EsimRspCert) cert = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum, out = { NULL, 0 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint8 ip[16];
  gsize ip_len = sizeof (ip);
  gchar name[64];
  gsize name_len = sizeof (name);
  unsigned int status = 0;

  g_assert_true (esim_rsp_issue_tls_cert (ca_key, ca, hosts, now - 3600, now + 86400 * 365,
                                          &cert_pem, &key_pem, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (cert_pem, "-----BEGIN CERTIFICATE-----"));
  g_assert_nonnull (strstr (key_pem, "PRIVATE KEY-----"));

  gnutls_x509_crt_init (&crt);
  datum.data = (guchar *) cert_pem;
  datum.size = (guint) strlen (cert_pem);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_subject_alt_name (crt, 0, ip, &ip_len, NULL), ==,
                   GNUTLS_SAN_IPADDRESS);
  g_assert_cmpmem (ip, ip_len, "\x7f\x00\x00\x01", 4);
  g_assert_cmpint (gnutls_x509_crt_get_subject_alt_name (crt, 1, name, &name_len, NULL), ==,
                   GNUTLS_SAN_DNSNAME);
  g_assert_cmpstr (name, ==, "localhost");
  ip_len = sizeof (ip);
  g_assert_cmpint (gnutls_x509_crt_get_subject_alt_name (crt, 2, ip, &ip_len, NULL), ==,
                   GNUTLS_SAN_IPADDRESS);
  g_assert_cmpuint (ip_len, ==, 16);
  g_assert_true (gnutls_x509_crt_check_hostname (crt, "127.0.0.1"));
  g_assert_true (gnutls_x509_crt_check_hostname (crt, "localhost"));
  g_assert_false (gnutls_x509_crt_check_hostname (crt, "example.com"));
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &out), ==, 0);
  der = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);

  /* issued by the CI, by our own check and by gnutls's */
  cert = esim_rsp_cert_new_from_der (der, &error);
  g_assert_no_error (error);
  g_assert_true (esim_rsp_cert_verify_issued_by (cert, ca, now, &error));
  g_assert_no_error (error);
  g_assert_true (esim_rsp_cert_has_role (cert, ESIM_RSP_ROLE_DP_TLS));
  {
    g_autoptr (GBytes) ca_der = esim_rsp_cert_get_der (ca);
    gnutls_x509_crt_t ca_crt = NULL;
    gnutls_datum_t ca_datum
      = { (guchar *) g_bytes_get_data (ca_der, NULL), (guint) g_bytes_get_size (ca_der) };

    gnutls_x509_crt_init (&ca_crt);
    g_assert_cmpint (gnutls_x509_crt_import (ca_crt, &ca_datum, GNUTLS_X509_FMT_DER), ==, 0);
    g_assert_true (gnutls_x509_crt_check_issuer (crt, ca_crt));
    g_assert_cmpint (gnutls_x509_crt_verify (crt, &ca_crt, 1, 0, &status), ==, 0);
    g_assert_cmpuint (status, ==, 0);
    gnutls_x509_crt_deinit (ca_crt);
  }
  gnutls_x509_crt_deinit (crt);

  /* the key goes with the certificate */
  {
    g_autofree gchar *tmp = g_dir_make_tmp ("esim-rsp-XXXXXX", &error);
    g_autofree gchar *key_path = g_build_filename (tmp, "key.pem", NULL);
    g_autoptr (EsimRspKey) key = NULL;
    g_autoptr (GBytes) sig = NULL;

    g_assert_no_error (error);
    g_assert_true (g_file_set_contents (key_path, key_pem, -1, &error));
    key = esim_rsp_key_load_pem (key_path, &error);
    g_assert_no_error (error);
    sig = esim_rsp_key_sign (key, (const guint8 *) "x", 1, &error);
    g_assert_no_error (error);
    g_assert_true (esim_rsp_cert_verify_signature (cert, (const guint8 *) "x", 1, sig, &error));
    g_assert_no_error (error);
    g_unlink (key_path);
    g_rmdir (tmp);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crypto/rsp/sign-verify", test_sign_verify);
  g_test_add_func ("/crypto/rsp/chain", test_chain);
  g_test_add_func ("/crypto/rsp/tampered-cert", test_tampered_cert);
  g_test_add_func ("/crypto/rsp/identifiers", test_identifiers);
  g_test_add_func ("/crypto/rsp/ecdh", test_ecdh);
  g_test_add_func ("/crypto/rsp/brainpool-refused", test_brainpool_refused);
  g_test_add_func ("/crypto/rsp/tls-cert", test_tls_cert);
  return g_test_run ();
}
