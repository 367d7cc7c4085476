/*
 * The configuration file: defaults, every key, and errors that name the
 * file, the group and the key.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "esim-config.h"

static void
test_config_defaults (void)
{
  g_autoptr (EsimConfig) config = esim_config_new_from_data ("", "test.conf", NULL);

  g_assert_nonnull (config);
  g_assert_false (config->test_mode);
  g_assert_true (config->modem_manager);
  g_assert_cmpuint (config->job_linger_seconds, ==, 30);
  g_assert_cmpuint (config->notification_retry_seconds, ==, 30);
  g_assert_cmpuint (config->notification_retry_max_seconds, ==, 3600);
  g_assert_cmpuint (config->http_connect_timeout_seconds, ==, 15);
  g_assert_cmpuint (config->http_timeout_seconds, ==, 60);
  g_assert_cmpuint (config->http_download_timeout_seconds, ==, 600);
  g_assert_cmpuint (config->http_stall_timeout_seconds, ==, 30);
  g_assert_false (config->system_roots);
  g_assert_null (config->system_roots_file);
  g_assert_cmpuint (config->refresh_timeout_seconds, ==, 20);
  g_assert_cmpuint (g_strv_length (config->trust_anchors), ==, 0);
  g_assert_cmpuint (config->euiccs->len, ==, 0);
  g_assert_null (config->device_tac);
}

static void
test_config_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimConfig) config
    = esim_config_new_from_file ("/nonexistent/esimd.conf", TRUE, &error);
  g_autoptr (EsimConfig) config2 = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (config);
  config2 = esim_config_new_from_file ("/nonexistent/esimd.conf", FALSE, &error);
  g_assert_null (config2);
  g_assert_nonnull (error);
}

static void
test_config_full (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimConfig) config = NULL;
  const gchar *datadir = g_getenv ("ESIMD_DATADIR");
  g_autofree gchar *pem = NULL;
  g_autofree gchar *text = NULL;
  EsimConfigEuicc *euicc;

  /* meson points it at the source tree's data/ */
  if (datadir == NULL) {
    g_test_skip ("ESIMD_DATADIR is not set");
    return;
  }
  pem = g_build_filename (datadir, "ci", "gsma-ci.pem", NULL);
  text = g_strdup_printf ("[daemon]\n"
                          "TestMode=true\n"
                          "TrustAnchors=%s;%s\n"
                          "TestCi=%s\n"
                          "JobLingerSeconds=0\n"
                          "NotificationRetrySeconds=5\n"
                          "NotificationRetryMaxSeconds=50\n"
                          "HttpConnectTimeoutSeconds=3\n"
                          "HttpTimeoutSeconds=9\n"
                          "RefreshTimeoutSeconds=2\n"
                          "ModemManager=false\n"
                          "[device]\n"
                          "TAC=35290611\n"
                          "[euicc:one]\n"
                          "Transport=socket:/run/one.sock\n"
                          "[euicc:two]\n"
                          "Transport=socket:/run/two.sock\n"
                          "IsdrAid=a0000005591010ffffffff8900000100\n",
                          pem, pem, pem);

  config = esim_config_new_from_data (text, "full.conf", &error);
  g_assert_no_error (error);
  g_assert_true (config->test_mode);
  g_assert_false (config->modem_manager);
  g_assert_cmpuint (g_strv_length (config->trust_anchors), ==, 2);
  g_assert_cmpstr (config->test_ci, ==, pem);
  g_assert_cmpuint (config->job_linger_seconds, ==, 0);
  g_assert_cmpuint (config->notification_retry_seconds, ==, 5);
  g_assert_cmpuint (config->notification_retry_max_seconds, ==, 50);
  g_assert_cmpuint (config->http_connect_timeout_seconds, ==, 3);
  g_assert_cmpuint (config->http_timeout_seconds, ==, 9);
  g_assert_cmpuint (config->refresh_timeout_seconds, ==, 2);
  g_assert_cmpstr (config->device_tac, ==, "35290611");
  g_assert_cmpuint (config->euiccs->len, ==, 2);
  euicc = g_ptr_array_index (config->euiccs, 0);
  g_assert_cmpstr (euicc->name, ==, "one");
  g_assert_cmpstr (euicc->transport, ==, "socket:/run/one.sock");
  g_assert_null (euicc->isdr_aid);
  euicc = g_ptr_array_index (config->euiccs, 1);
  g_assert_cmpstr (euicc->name, ==, "two");
  g_assert_cmpuint (g_bytes_get_size (euicc->isdr_aid), ==, 16);
}

/* each bad file, and what its error must name */
static const struct {
  const gchar *text;
  const gchar *expected;
} bad_configs[] = {
  { "not a key file", "bad.conf" },
  { "[nonsense]\n", "bad.conf: [nonsense]: unknown group" },
  { "[daemon]\nTestModus=true\n", "bad.conf: [daemon] TestModus: unknown key" },
  { "[daemon]\nTestMode=maybe\n", "[daemon] TestMode: not a boolean" },
  { "[daemon]\nModemManager=1x\n", "[daemon] ModemManager: not a boolean" },
  { "[daemon]\nJobLingerSeconds=-1\n", "[daemon] JobLingerSeconds: not a whole number" },
  { "[daemon]\nJobLingerSeconds=ten\n", "[daemon] JobLingerSeconds: not a whole number" },
  { "[daemon]\nHttpTimeoutSeconds=0\n", "[daemon] HttpTimeoutSeconds: not a whole number from 1" },
  { "[tls]\nSystemRoots=sometimes\n", "bad.conf: [tls] SystemRoots: not a boolean" },
  { "[tls]\nSystemRootsFile=relative.pem\n", "[tls] SystemRootsFile: not an absolute path" },
  { "[tls]\nVerify=false\n", "bad.conf: [tls] Verify: unknown key" },
  { "[network]\nStallTimeoutSeconds=0\n", "[network] StallTimeoutSeconds: not a whole number" },
  { "[network]\nJobLingerSeconds=1\n", "[network] JobLingerSeconds: unknown key" },
  { "[daemon]\nDownloadTimeoutSeconds=1\n", "[daemon] DownloadTimeoutSeconds: unknown key" },
  { "[daemon]\nRefreshTimeoutSeconds=0\n",
    "[daemon] RefreshTimeoutSeconds: not a whole number from 1 to 600" },
  { "[daemon]\nNotificationRetrySeconds=100\nNotificationRetryMaxSeconds=10\n",
    "[daemon] NotificationRetryMaxSeconds: smaller than NotificationRetrySeconds" },
  { "[daemon]\nTrustAnchors=/nonexistent.pem\n", "[daemon] TrustAnchors: /nonexistent.pem" },
  { "[daemon]\nTrustAnchors=relative.pem\n", "[daemon] TrustAnchors: relative.pem" },
  { "[daemon]\nTestCi=relative.pem\n", "[daemon] TestCi: not an absolute path" },
  { "[daemon]\nCaDirectory=/nonexistent\n", "[daemon] CaDirectory: /nonexistent is not" },
  { "[euicc:]\nTransport=socket:/x\n", "[euicc:]: the eUICC has no name" },
  { "[euicc:a]\n", "[euicc:a] Transport: missing" },
  { "[euicc:a]\nTransport=\n", "[euicc:a] Transport: missing" },
  { "[euicc:a]\nTransport=/dev/cdc-wdm0\n", "[euicc:a] Transport: not KIND:DEVICE" },
  { "[euicc:a]\nTransport=pigeon:/dev/x\n",
    "[euicc:a] Transport: unknown transport kind “pigeon”" },
  { "[euicc:a]\nTransport=socket:/x\nIsdrAid=zz\n", "[euicc:a] IsdrAid: not an AID" },
  { "[euicc:a]\nTransport=socket:/x\nIsdrAid=A000\n", "[euicc:a] IsdrAid: not an AID" },
  { "[euicc:a]\nTransport=socket:/x\nSlot=1\n", "[euicc:a] Slot: unknown key" },
  { "[device]\nTAC=3529061\n", "[device] TAC: not 8 decimal digits" },
  { "[device]\nTAC=3529061X\n", "[device] TAC: not 8 decimal digits" },
  { "[device]\nIMEI=490154203237518\n", "[device] IMEI: unknown key" },
};

static void
test_config_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_configs); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (EsimConfig) config
      = esim_config_new_from_data (bad_configs[i].text, "bad.conf", &error);

    g_test_message ("%s", bad_configs[i].text);
    g_assert_null (config);
    g_assert_error (error, G_KEY_FILE_ERROR, error->code);
    if (strstr (error->message, bad_configs[i].expected) == NULL)
      g_error ("“%s” does not say “%s”", error->message, bad_configs[i].expected);
  }
}

/* [tls] and [network]; the old [daemon] names of two timeouts still work,
 * and [network] wins over them */
static void
test_config_tls_network (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimConfig) config = NULL;
  g_autoptr (EsimConfig) old = NULL;
  g_autofree gchar *roots = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *found = NULL;
  gint fd = g_file_open_tmp ("test-config-XXXXXX.pem", &roots, &error);

  g_assert_no_error (error);
  close (fd);
  text = g_strdup_printf ("[network]\nRequestTimeoutSeconds=7\nDownloadTimeoutSeconds=900\n"
                          "StallTimeoutSeconds=45\nConnectTimeoutSeconds=4\n"
                          "[daemon]\nHttpTimeoutSeconds=99\nHttpConnectTimeoutSeconds=9\n"
                          "[tls]\nSystemRoots=true\nSystemRootsFile=%s\n",
                          roots);
  config = esim_config_new_from_data (text, "test.conf", &error);
  g_unlink (roots);
  g_assert_no_error (error);
  found = esim_config_get_system_roots_file (config);
  g_assert_cmpstr (found, ==, roots);
  g_assert_cmpuint (config->http_timeout_seconds, ==, 7);
  g_assert_cmpuint (config->http_connect_timeout_seconds, ==, 4);
  g_assert_cmpuint (config->http_download_timeout_seconds, ==, 900);
  g_assert_cmpuint (config->http_stall_timeout_seconds, ==, 45);
  g_assert_true (config->system_roots);
  old = esim_config_new_from_data ("[daemon]\nHttpTimeoutSeconds=99\nHttpConnectTimeoutSeconds=9\n",
                                   "old.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (old->http_timeout_seconds, ==, 99);
  g_assert_cmpuint (old->http_connect_timeout_seconds, ==, 9);
}

static void
test_config_directories (void)
{
  g_autoptr (EsimConfig) config = esim_config_new ();
  g_autofree gchar *ca = NULL;
  g_autofree gchar *test_ci = NULL;

  g_setenv ("ESIMD_DATADIR", "/opt/esimd-data", TRUE);
  ca = esim_config_get_ca_directory (config);
  test_ci = esim_config_get_test_ci (config);
  g_assert_cmpstr (ca, ==, "/opt/esimd-data/ci");
  g_assert_cmpstr (test_ci, ==, "/opt/esimd-data/ci-test");
  g_unsetenv ("ESIMD_DATADIR");
  g_free (ca);
  ca = esim_config_get_ca_directory (config);
  g_assert_cmpstr (ca, ==, ESIM_DATADIR "/ci");
  config->ca_directory = g_strdup ("/etc/esimd/ci");
  g_free (ca);
  ca = esim_config_get_ca_directory (config);
  g_assert_cmpstr (ca, ==, "/etc/esimd/ci");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/daemon/config/defaults", test_config_defaults);
  g_test_add_func ("/daemon/config/missing-file", test_config_missing_file);
  g_test_add_func ("/daemon/config/full", test_config_full);
  g_test_add_func ("/daemon/config/errors", test_config_errors);
  g_test_add_func ("/daemon/config/directories", test_config_directories);
  g_test_add_func ("/daemon/config/tls-network", test_config_tls_network);
  return g_test_run ();
}
