/*
 * The roots shipped in data/: every production root that real SM-DP+ TLS
 * chains end in is in the bundle the daemon loads (ci/), no test CI is, and
 * the test CIs (ci-test/) are all there for test mode.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gnutls/x509.h>

#include "esim-http.h"

typedef struct {
  gnutls_x509_crt_t *certs;
  guint n;
} Bundle;

static void
bundle_clear (Bundle *b)
{
  for (guint i = 0; i < b->n; i++)
    gnutls_x509_crt_deinit (b->certs[i]);
  gnutls_free (b->certs);
}

/* every PEM file of DATADIR/name, as the daemon finds them, as one bundle */
static gboolean
bundle_load (Bundle *b, const gchar *name)
{
  g_autofree gchar *dir = g_build_filename (g_getenv ("ESIMD_DATADIR"), name, NULL);
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) pem = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  gnutls_datum_t d;
  int rc;

  g_assert_true (esim_http_add_pem_directory (files, dir, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < files->len; i++) {
    g_autofree gchar *text = NULL;
    g_assert_true (g_file_get_contents (g_ptr_array_index (files, i), &text, NULL, NULL));
    g_string_append (pem, text);
  }
  d.data = (guchar *) pem->str;
  d.size = (guint) pem->len;
  rc = gnutls_x509_crt_list_import2 (&b->certs, &b->n, &d, GNUTLS_X509_FMT_PEM, 0);
  g_assert_cmpint (rc, >=, 0);
  return TRUE;
}

static gboolean
bundle_has (Bundle *b, const gchar *dn)
{
  for (guint i = 0; i < b->n; i++) {
    gnutls_datum_t subject = { NULL, 0 };
    gboolean same;

    g_assert_cmpint (gnutls_x509_crt_get_dn3 (b->certs[i], &subject, 0), >=, 0);
    same = subject.size == strlen (dn) && memcmp (subject.data, dn, subject.size) == 0;
    gnutls_free (subject.data);
    if (same)
      return TRUE;
  }
  return FALSE;
}

/* RFC 4514 order, as GnuTLS prints them */
static const gchar *const production[] = {
  "CN=GSM Association - RSP2 Root CI1,O=GSM Association",
  "CN=OISTE GSMA CI G1,O=OISTE Foundation,C=CH",
  ("CN=Entrust eSIM Certification Authority,OU=(c) 2016 Entrust\\, Inc. - for authorized use "
   "only,OU=See www.entrust.net/legal-terms,O=Entrust\\, Inc.,C=US"),
  "C=DE,OU=Mobile Security,O=Giesecke and Devrient GmbH,CN=\\ SubMan V4.2 CI Google Pixel",
};

static const gchar *const test_cis[] = {
  "C=IT,O=RSPTEST,OU=TESTCERT,CN=Test CI",
  "CN=Symantec Corporation RSP Test Root CA - For Test Purposes Only,O=Symantec Corporation",
};

static void
test_ca_bundle_production (void)
{
  Bundle b = { NULL, 0 };

  bundle_load (&b, "ci");
  for (guint i = 0; i < G_N_ELEMENTS (production); i++) {
    g_test_message ("%s", production[i]);
    g_assert_true (bundle_has (&b, production[i]));
  }
  for (guint i = 0; i < G_N_ELEMENTS (test_cis); i++)
    g_assert_false (bundle_has (&b, test_cis[i]));
  /* roots only: each is a self-signed CA */
  for (guint i = 0; i < b.n; i++) {
    unsigned int ca = 0;
    g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (b.certs[i], NULL, &ca, NULL), >=, 0);
    g_assert_true (ca);
    g_assert_true (gnutls_x509_crt_check_issuer (b.certs[i], b.certs[i]));
  }
  g_assert_cmpuint (b.n, ==, G_N_ELEMENTS (production));
  bundle_clear (&b);
}

static void
test_ca_bundle_test_cis (void)
{
  Bundle b = { NULL, 0 };
  guint test_ci = 0;

  bundle_load (&b, "ci-test");
  for (guint i = 0; i < G_N_ELEMENTS (test_cis); i++)
    g_assert_true (bundle_has (&b, test_cis[i]));
  for (guint i = 0; i < G_N_ELEMENTS (production); i++)
    g_assert_false (bundle_has (&b, production[i]));
  /* SGP.26 v1/v2 NIST, v3 NIST and v3 brainpool share the subject */
  for (guint i = 0; i < b.n; i++) {
    gnutls_datum_t subject = { NULL, 0 };
    g_assert_cmpint (gnutls_x509_crt_get_dn3 (b.certs[i], &subject, 0), >=, 0);
    if (g_str_equal ((const gchar *) subject.data, test_cis[0]))
      test_ci++;
    gnutls_free (subject.data);
  }
  g_assert_cmpuint (test_ci, ==, 3);
  g_assert_cmpuint (b.n, ==, 4);
  bundle_clear (&b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("ESIMD_DATADIR") == NULL) {
    g_printerr ("ESIMD_DATADIR is not set\n");
    return 77;
  }
  g_test_add_func ("/daemon/ca-bundle/production", test_ca_bundle_production);
  g_test_add_func ("/daemon/ca-bundle/test-cis", test_ca_bundle_test_cis);
  return g_test_run ();
}
