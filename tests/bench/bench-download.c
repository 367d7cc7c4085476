/*
 * One profile download under injected latency: every APDU of the simulated
 * eUICC is delayed by --apdu-delay-ms, every HTTP answer of the test SM-DP+
 * by --http-delay-ms. The last line is one JSON object; floor_s is the
 * least time those delays allow for the APDUs and the round trips SGP.22
 * requires, counted from the payloads actually exchanged: each ES10
 * command needs ceil(request / 255) STORE DATA blocks and ceil(response /
 * 256) GET RESPONSE, and a download four ES9+ calls (initiateAuthentication,
 * authenticateClient, getBoundProfilePackage, handleNotification).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <sys/resource.h>

#include "es10-test-tap.h"
#include "esim-download.h"
#include "esim-test-sim.h"
#include "esim-test-smdp.h"
#include "esim-transport-socket.h"

#define REQUIRED_ES9P_CALLS 4

static void
result_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (res);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static gdouble
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (gdouble) ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (gdouble) ru.ru_stime.tv_sec
         + ru.ru_stime.tv_usec / 1e6;
}

/* the fewest APDUs that carry the same ES10 commands and answers */
static guint
floor_apdus (GPtrArray *commands, GPtrArray *responses, guint *segments)
{
  gsize request = 0, response = 0;
  guint floor = 0;

  *segments = 0;
  for (guint i = 0; i < commands->len; i++) {
    gsize clen = 0, rlen = 0;
    const guint8 *c = g_bytes_get_data (g_ptr_array_index (commands, i), &clen);
    g_bytes_get_data (g_ptr_array_index (responses, i), &rlen);

    if (clen >= 5 && c[1] == 0xE2) {
      (*segments)++;
      request += c[4];
      response += rlen - 2;
      if (c[2] & 0x80) {
        /* the end of one ES10 command */
        floor += (guint) ((request + 254) / 255);
        request = 0;
      }
    } else if (clen >= 4 && c[1] == 0xC0) {
      response += rlen - 2;
    }
    /* a response is complete when the card says 9000 */
    if (rlen >= 2
        && ((const guint8 *) g_bytes_get_data (g_ptr_array_index (responses, i), NULL))[rlen - 2]
             == 0x90) {
      floor += (guint) ((response + 255) / 256);
      response = 0;
    }
  }
  return floor;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("- benchmark one profile download");
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTestSmdp) smdp = NULL;
  g_autoptr (EsimTestSim) sim = NULL;
  g_autoptr (EsimTransport) socket_transport = NULL;
  g_autoptr (EsimTransport) tap = NULL;
  g_autoptr (EsimEs10) es10 = NULL;
  g_autoptr (EsimHttp) http = NULL;
  g_autoptr (EsimDownload) download = NULL;
  g_autoptr (EsimInstallResult) result = NULL;
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GAsyncResult) res_open = NULL;
  g_autoptr (JsonObject) stats = NULL;
  g_autofree gchar *package = NULL;
  g_autofree gchar *ca = NULL;
  g_autofree gchar *profile_spec = NULL;
  g_autofree gchar *latency = NULL;
  g_autofree gchar *apdu_fault = NULL;
  gint apdu_delay_ms = 20;
  gint http_delay_ms = 100;
  gchar *upp_name = NULL;
  guint segments = 0, required_apdus, apdus;
  gdouble t0, wall, cpu0, cpu, floor_s;
  struct rusage ru;
  const GOptionEntry entries[] = {
    { "apdu-delay-ms", 0, 0, G_OPTION_ARG_INT, &apdu_delay_ms, "delay per APDU", "MS" },
    { "http-delay-ms", 0, 0, G_OPTION_ARG_INT, &http_delay_ms, "delay per HTTP answer", "MS" },
    { "package", 0, 0, G_OPTION_ARG_STRING, &upp_name, "TS.48 package in fixtures/upp", "FILE" },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  {
    g_autofree gchar *relative
      = g_strdup_printf ("fixtures/upp/%s", upp_name != NULL ? upp_name : "TS48V1-A-UNIQUE.der");
    package = esim_test_shared_path (relative);
  }
  ca = esim_test_shared_path ("fixtures/sgp26/CertificateIssuer/CERT_CI_ECDSA_NIST.pem");
  profile_spec = g_strdup_printf ("BENCH-1=%s", package);
  latency = g_strdup_printf ("%d", http_delay_ms);
  apdu_fault = g_strdup_printf ("delay:*:%d", apdu_delay_ms);
  {
    const gchar *smdp_args[] = { "--profile", profile_spec, "--latency-ms", latency, NULL };
    const gchar *sim_args[] = { "--fault", apdu_fault, NULL };
    smdp = esim_test_smdp_start (smdp_args, &error);
    if (smdp == NULL)
      g_error ("SM-DP+: %s", error->message);
    sim = esim_test_sim_start (sim_args, &error);
    if (sim == NULL)
      g_error ("eUICC: %s", error->message);
  }

  socket_transport = esim_transport_socket_new (esim_test_sim_get_socket (sim));
  tap = es10_test_tap_new (socket_transport);
  es10 = esim_es10_new (tap, NULL);
  esim_es10_open_async (es10, NULL, result_cb, &res_open);
  if (!esim_es10_open_finish (es10, wait_result (&res_open), &error))
    g_error ("open: %s", error->message);
  es10_test_tap_clear (ES10_TEST_TAP (tap));
  {
    const gchar *cas[] = { ca, NULL };
    http = esim_http_new (cas, &error);
    if (http == NULL)
      g_error ("%s", error->message);
  }

  download = esim_download_new (es10, http, esim_test_smdp_get_address (smdp), "BENCH-1");
  cpu0 = cpu_seconds ();
  t0 = (gdouble) g_get_monotonic_time () / 1e6;
  esim_download_run_async (download, NULL, result_cb, &res);
  result = esim_download_run_finish (download, wait_result (&res), &error);
  wall = (gdouble) g_get_monotonic_time () / 1e6 - t0;
  cpu = cpu_seconds () - cpu0;
  if (result == NULL)
    g_error ("download failed: %s", error->message);

  apdus = es10_test_tap_get_commands (ES10_TEST_TAP (tap))->len;
  required_apdus = floor_apdus (es10_test_tap_get_commands (ES10_TEST_TAP (tap)),
                                es10_test_tap_get_responses (ES10_TEST_TAP (tap)), &segments);
  floor_s = (required_apdus * apdu_delay_ms + REQUIRED_ES9P_CALLS * http_delay_ms) / 1000.0;
  stats = esim_test_smdp_read_stats (smdp, &error);
  if (stats == NULL)
    g_error ("stats: %s", error->message);
  getrusage (RUSAGE_SELF, &ru);

  g_print ("package %s: %u APDUs (%u required), %u STORE DATA segments, "
           "%u HTTP requests, %u TLS handshakes (server saw %" G_GINT64_FORMAT ")\n",
           upp_name != NULL ? upp_name : "TS48V1-A-UNIQUE.der", apdus, required_apdus, segments,
           esim_http_get_request_count (http), esim_http_get_connection_count (http),
           json_object_get_int_member_with_default (stats, "tlsHandshakes", -1));
  g_print ("{\"apdus\": %u, \"required_apdus\": %u, \"store_data_segments\": %u, "
           "\"tls_handshakes\": %u, \"http_requests\": %u, \"apdu_delay_ms\": %d, "
           "\"http_delay_ms\": %d, \"wall_s\": %.3f, \"floor_s\": %.3f, \"cpu_s\": %.3f, "
           "\"peak_rss_kib\": %ld}\n",
           apdus, required_apdus, segments, esim_http_get_connection_count (http),
           esim_http_get_request_count (http), apdu_delay_ms, http_delay_ms, wall, floor_s, cpu,
           ru.ru_maxrss);
  return 0;
}
