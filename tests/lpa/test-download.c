/*
 * Profile download end to end: the real LPA code (src/lpa, src/es9p,
 * src/es10) over the socket transport to the simulated eUICC, and over
 * verified HTTPS to the test SM-DP+/SM-DS, each a separate process.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-apdu.h"
#include "esim-discovery.h"
#include "esim-download.h"
#include "esim-notification-sender.h"
#include "esim-test-sim.h"
#include "esim-test-smdp.h"
#include "esim-test-transport.h"
#include "esim-transport-socket.h"

#define TS48 "fixtures/upp/TS48V1-A-UNIQUE.der"
#define TS48_ICCID "8949449999999990023"

typedef struct {
  EsimTestSmdp *smdp;
  EsimTestSim *sim;
  EsimTransport *transport;
  EsimEs10 *es10;
  gchar *ca;
} Peers;

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

/* "@SMDP@" in an argument stands for the SM-DP+ address, known once it runs */
static GPtrArray *
expand_args (const gchar *const *args, const gchar *address)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; args != NULL && args[i] != NULL; i++) {
    g_auto (GStrv) parts = g_strsplit (args[i], "@SMDP@", -1);
    g_ptr_array_add (out, g_strjoinv (address, parts));
  }
  g_ptr_array_add (out, NULL);
  return out;
}

static void
peers_free (Peers *p)
{
  g_clear_object (&p->es10);
  g_clear_object (&p->transport);
  g_clear_pointer (&p->sim, esim_test_sim_free);
  g_clear_pointer (&p->smdp, esim_test_smdp_free);
  g_free (p->ca);
  g_free (p);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peers, peers_free)

static void
peers_connect (Peers *p)
{
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;

  g_clear_object (&p->es10);
  g_clear_object (&p->transport);
  p->transport = esim_test_transport_new (p->sim, &error);
  g_assert_no_error (error);
  p->es10 = esim_es10_new (p->transport, NULL);
  esim_es10_open_async (p->es10, NULL, result_cb, &res);
  esim_es10_open_finish (p->es10, wait_result (&res), &error);
  g_assert_no_error (error);
}

static Peers *
peers_start (const gchar *const *smdp_args, const gchar *const *sim_args)
{
  Peers *p = g_new0 (Peers, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) expanded = NULL;

  p->ca = esim_test_shared_path ("fixtures/sgp26/CertificateIssuer/CERT_CI_ECDSA_NIST.pem");
  p->smdp = esim_test_smdp_start (smdp_args, &error);
  g_assert_no_error (error);
  expanded = expand_args (sim_args, esim_test_smdp_get_address (p->smdp));
  p->sim = esim_test_sim_start ((const gchar *const *) expanded->pdata, &error);
  g_assert_no_error (error);
  peers_connect (p);
  return p;
}

static EsimHttp *
peers_http (Peers *p)
{
  const gchar *ca[] = { p->ca, NULL };
  g_autoptr (GError) error = NULL;
  EsimHttp *http = esim_http_new (ca, &error);

  g_assert_no_error (error);
  esim_http_set_timeouts (http, 5000, 5000);
  return http;
}

static gchar *
upp (const gchar *name)
{
  return esim_test_shared_path (name);
}

static EsimInstallResult *
download_with (Peers *p, EsimHttp *http, const gchar *address, const gchar *matching_id,
               const gchar *cc, GCancellable *cancellable, GError **error)
{
  g_autoptr (EsimDownload) download = esim_download_new (p->es10, http, address, matching_id);
  g_autoptr (GAsyncResult) res = NULL;

  if (cc != NULL)
    esim_download_set_confirmation_code (download, cc);
  esim_download_run_async (download, cancellable, result_cb, &res);
  return esim_download_run_finish (download, wait_result (&res), error);
}

static EsimInstallResult *
download (Peers *p, const gchar *matching_id, const gchar *cc, GError **error)
{
  g_autoptr (EsimHttp) http = peers_http (p);

  return download_with (p, http, esim_test_smdp_get_address (p->smdp), matching_id, cc, NULL,
                        error);
}

static GPtrArray *
card_profiles (Peers *p)
{
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *list;

  esim_es10_get_profiles_info_async (p->es10, NULL, NULL, -1, NULL, NULL, result_cb, &res);
  list = esim_es10_get_profiles_info_finish (p->es10, wait_result (&res), &error);
  g_assert_no_error (error);
  return list;
}

static GPtrArray *
card_notifications (Peers *p)
{
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *list;

  esim_es10_list_notification_async (p->es10, ESIM_NOTIFICATION_EVENT_NONE, NULL, result_cb, &res);
  list = esim_es10_list_notification_finish (p->es10, wait_result (&res), &error);
  g_assert_no_error (error);
  return list;
}

static gint64
stats_get (Peers *p, const gchar *object, const gchar *member)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) stats = esim_test_smdp_read_stats (p->smdp, &error);
  JsonObject *o = stats;

  g_assert_no_error (error);
  if (object != NULL) {
    if (!json_object_has_member (stats, object))
      return 0;
    o = json_object_get_object_member (stats, object);
  }
  return json_object_get_int_member_with_default (o, member, 0);
}

/* nothing half-installed, no session left behind */
static void
assert_card_clean (Peers *p, guint expected_profiles)
{
  g_autoptr (GPtrArray) profiles = card_profiles (p);

  g_assert_cmpuint (profiles->len, ==, expected_profiles);
}

static void
test_download_every_package (void)
{
  const gchar *files[] = {
    "TS48V1-A-UNIQUE.der",
    "TS48V5-SAIP2-3-BERTLV-SUCI-UNIQUE.der",
    "TS48v1_A.der",
    "TS48v1_B.der",
    "TS48v2_SAIP2.3_BERTLV.der",
    "TS48v4_SAIP2.3_NoBERTLV.der",
    "TS48v5_SAIP2.3_BERTLV_SUCI.der",
  };
  g_autoptr (GPtrArray) smdp_args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (Peers) p = NULL;
  g_autoptr (GPtrArray) profiles = NULL;
  g_autoptr (GPtrArray) pending = NULL;
  const gchar *sim_args[] = { "--memory", "4000000", NULL };

  /* the generic packages share one ICCID; each gets its own here */
  for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
    g_autofree gchar *path = g_strdup_printf ("fixtures/upp/%s", files[i]);
    g_autofree gchar *file = upp (path);
    g_ptr_array_add (smdp_args, g_strdup ("--profile"));
    g_ptr_array_add (smdp_args, g_strdup_printf ("MID-%u=%s,iccid=894900000000000%04u,name=%s", i,
                                                 file, i, files[i]));
  }
  g_ptr_array_add (smdp_args, NULL);
  p = peers_start ((const gchar *const *) smdp_args->pdata, sim_args);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
    g_autofree gchar *mid = g_strdup_printf ("MID-%u", i);
    g_autofree gchar *iccid = g_strdup_printf ("894900000000000%04u", i);
    g_autoptr (GError) error = NULL;
    g_autoptr (EsimInstallResult) r = download (p, mid, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (r->success);
    g_assert_cmpstr (r->iccid, ==, iccid);
    g_assert_cmpuint (g_bytes_get_size (r->isdp_aid), ==, 16);
  }
  profiles = card_profiles (p);
  g_assert_cmpuint (profiles->len, ==, G_N_ELEMENTS (files));
  for (guint i = 0; i < profiles->len; i++) {
    EsimProfileInfo *info = g_ptr_array_index (profiles, i);
    g_assert_cmpint (info->state, ==, ESIM_PROFILE_STATE_DISABLED);
    g_assert_cmpstr (info->name, ==, files[i]);
  }
  /* every installation notification reached the SM-DP+ and left the card */
  pending = card_notifications (p);
  g_assert_cmpuint (pending->len, ==, 0);
  g_assert_cmpint (stats_get (p, "notifications", "accepted"), ==, G_N_ELEMENTS (files));
  /* one TLS handshake per download session, each with its own client */
  g_assert_cmpint (stats_get (p, NULL, "tlsHandshakes"), ==, G_N_ELEMENTS (files));
}

static Peers *
peers_one_profile (const gchar *extra, const gchar *const *more_smdp_args)
{
  g_autofree gchar *file = upp (TS48);
  g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (args, g_strdup ("--profile"));
  g_ptr_array_add (args, g_strdup_printf ("MID-1=%s%s", file, extra != NULL ? extra : ""));
  for (guint i = 0; more_smdp_args != NULL && more_smdp_args[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (more_smdp_args[i]));
  g_ptr_array_add (args, NULL);
  return peers_start ((const gchar *const *) args->pdata, NULL);
}

static void
test_download_confirmation_code (void)
{
  g_autoptr (Peers) p = peers_one_profile (",cc=4711", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimInstallResult) r1 = NULL;
  g_autoptr (EsimInstallResult) r2 = NULL;
  g_autoptr (EsimInstallResult) r3 = NULL;

  r1 = download (p, "MID-1", NULL, &error);
  g_assert_null (r1);
  g_assert_error (error, ESIM_LPA_ERROR, ESIM_LPA_ERROR_CONFIRMATION_CODE_REQUIRED);
  g_clear_error (&error);
  assert_card_clean (p, 0);

  r2 = download (p, "MID-1", "1234", &error);
  g_assert_null (r2);
  g_assert_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_CONFIRMATION_CODE_REFUSED);
  g_clear_error (&error);
  assert_card_clean (p, 0);

  r3 = download (p, "MID-1", "4711", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r3->iccid, ==, TS48_ICCID);
  assert_card_clean (p, 1);
}

static void
test_download_matching_id (void)
{
  g_autoptr (Peers) p = peers_one_profile (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimInstallResult) r1 = NULL;
  g_autoptr (EsimInstallResult) r2 = NULL;
  g_autoptr (EsimInstallResult) r3 = NULL;

  r1 = download (p, "NO-SUCH-ID", NULL, &error);
  g_assert_null (r1);
  g_assert_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MATCHING_ID_REFUSED);
  g_clear_error (&error);
  assert_card_clean (p, 0);
  /* the failed session was cancelled on the card and at the server */
  g_assert_cmpint (stats_get (p, "requests", "es9plus/cancelSession"), ==, 1);

  r2 = download (p, "MID-1", NULL, &error);
  g_assert_no_error (error);
  /* released after the installation: no second download */
  r3 = download (p, "MID-1", NULL, &error);
  g_assert_null (r3);
  g_assert_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MATCHING_ID_REFUSED);
  assert_card_clean (p, 1);
}

static void
test_download_tls (void)
{
  const gchar *modes[] = { "unknown-ci", "expired", "wrong-host" };
  const gint codes[]
    = { ESIM_HTTP_ERROR_UNKNOWN_ROOT, ESIM_HTTP_ERROR_EXPIRED, ESIM_HTTP_ERROR_WRONG_HOST };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++) {
    const gchar *args[] = { "--tls-mode", modes[i], NULL };
    g_autoptr (Peers) p = peers_one_profile (NULL, args);
    g_autoptr (GError) error = NULL;
    g_autoptr (EsimInstallResult) r = download (p, "MID-1", NULL, &error);

    g_test_message ("tls mode %s", modes[i]);
    g_assert_null (r);
    g_assert_error (error, ESIM_HTTP_ERROR, codes[i]);
    assert_card_clean (p, 0);
    /* nothing was said to an unverified server */
    g_assert_cmpint (stats_get (p, NULL, "requestsTotal"), ==, 0);
  }
}

static void
test_download_server_faults (void)
{
  struct {
    const gchar *fault;
    GQuark domain;
    gint code;
  } cases[] = {
    { "http500:authenticateClient", 0, ESIM_RSP_ERROR_HTTP_STATUS },
    { "http500:getBoundProfilePackage", 0, ESIM_RSP_ERROR_HTTP_STATUS },
    { "malformed-json:initiateAuthentication", 0, ESIM_RSP_ERROR_MALFORMED_RESPONSE },
    { "malformed-json:getBoundProfilePackage", 0, ESIM_RSP_ERROR_MALFORMED_RESPONSE },
    { "bad-signature:initiateAuthentication", 1, ESIM_DOWNLOAD_ERROR_INVALID_SIGNATURE },
    { "bad-signature:authenticateClient", 1, ESIM_DOWNLOAD_ERROR_INVALID_SIGNATURE },
    { "timeout:getBoundProfilePackage", 2, ESIM_HTTP_ERROR_TIMEOUT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    const gchar *args[] = { "--fault", cases[i].fault, NULL };
    g_autoptr (Peers) p = peers_one_profile (NULL, args);
    g_autoptr (GError) error = NULL;
    g_autoptr (EsimInstallResult) r = NULL;
    g_autoptr (GPtrArray) pending = NULL;
    GQuark domain = cases[i].domain == 0   ? ESIM_RSP_ERROR
                    : cases[i].domain == 1 ? ESIM_DOWNLOAD_ERROR
                                           : ESIM_HTTP_ERROR;

    g_test_message ("fault %s", cases[i].fault);
    r = download (p, "MID-1", NULL, &error);
    g_assert_null (r);
    g_assert_error (error, domain, cases[i].code);
    assert_card_clean (p, 0);
    pending = card_notifications (p);
    g_assert_cmpuint (pending->len, ==, 0);
  }
}

static void
test_download_tampered_package (void)
{
  const gchar *args[] = { "--fault", "bad-signature:getBoundProfilePackage", NULL };
  g_autoptr (Peers) p = peers_one_profile (NULL, args);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimInstallResult) r = download (p, "MID-1", NULL, &error);
  g_autoptr (GPtrArray) pending = NULL;

  /* the card refuses the package and says so in a signed result, which
   * reaches the SM-DP+ like any installation result */
  g_assert_null (r);
  g_assert_error (error, ESIM_INSTALL_ERROR, ESIM_INSTALL_ERROR_INVALID_SIGNATURE);
  assert_card_clean (p, 0);
  pending = card_notifications (p);
  g_assert_cmpuint (pending->len, ==, 0);
  g_assert_cmpint (stats_get (p, "notifications", "accepted"), ==, 1);
}

static void
test_download_tampered_segment (void)
{
  const gchar *args[] = { "--fault", "tamper-segment:getBoundProfilePackage", NULL };
  g_autoptr (Peers) p = peers_one_profile (NULL, args);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimInstallResult) r = download (p, "MID-1", NULL, &error);
  g_autoptr (GPtrArray) pending = NULL;

  /* the MAC of the last segment fails on the card: SCP03t security error,
   * nothing of the profile stays, and the signed failure reaches the SM-DP+ */
  g_assert_null (r);
  g_assert_error (error, ESIM_INSTALL_ERROR, ESIM_INSTALL_ERROR_SCP03T_SECURITY_ERROR);
  assert_card_clean (p, 0);
  pending = card_notifications (p);
  g_assert_cmpuint (pending->len, ==, 0);
  g_assert_cmpint (stats_get (p, "notifications", "accepted"), ==, 1);
  g_assert_cmpint (stats_get (p, "downloads", "installed"), ==, 0);
}

static guint64 installing_at;

static void
record_stage_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  EsimEs10 *es10 = ESIM_ES10 (user_data);

  if (installing_at == 0
      && esim_download_get_stage (ESIM_DOWNLOAD (object)) == ESIM_DOWNLOAD_STAGE_INSTALLING)
    installing_at = esim_transport_get_apdu_count (esim_es10_get_transport (es10));
}

static void
test_download_card_error (void)
{
  g_autoptr (Peers) dry = peers_one_profile (NULL, NULL);
  g_autoptr (EsimHttp) http = peers_http (dry);
  g_autoptr (EsimDownload) d
    = esim_download_new (dry->es10, http, esim_test_smdp_get_address (dry->smdp), "MID-1");
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimInstallResult) ok = NULL;
  g_autoptr (Peers) p = NULL;
  g_autoptr (EsimInstallResult) r = NULL;
  g_autofree gchar *fault = NULL;
  g_autofree gchar *file = upp (TS48);
  g_autofree gchar *spec = g_strdup_printf ("MID-1=%s", file);
  const gchar *smdp_args[] = { "--profile", spec, NULL };
  const gchar *sim_args[] = { "--fault", NULL, NULL };

  /* a dry run tells how many APDUs come before the package */
  installing_at = 0;
  g_signal_connect (d, "notify::stage", G_CALLBACK (record_stage_cb), dry->es10);
  esim_download_run_async (d, NULL, result_cb, &res);
  ok = esim_download_run_finish (d, wait_result (&res), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (installing_at, >, 0);

  /* the card fails in the middle of the package (plus the sim's own count
   * of the channel opening, which the transport does not see) */
  fault = g_strdup_printf ("sw:%" G_GUINT64_FORMAT ":6F00", installing_at + 6);
  sim_args[1] = fault;
  p = peers_start (smdp_args, sim_args);
  r = download (p, "MID-1", NULL, &error);
  g_assert_null (r);
  g_assert_error (error, ESIM_APDU_ERROR, ESIM_APDU_ERROR_NO_PRECISE_DIAGNOSIS);
  assert_card_clean (p, 0);
  /* the session was cancelled on both sides */
  g_assert_cmpint (stats_get (p, "requests", "es9plus/cancelSession"), ==, 1);
}

static void
cancel_when_installing_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  if (esim_download_get_progress (ESIM_DOWNLOAD (object)) > 0.5)
    g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
test_download_cancel (void)
{
  g_autoptr (Peers) p = peers_one_profile (NULL, NULL);
  g_autoptr (EsimHttp) http = peers_http (p);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (EsimDownload) d
    = esim_download_new (p->es10, http, esim_test_smdp_get_address (p->smdp), "MID-1");
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimInstallResult) r = NULL;
  g_autoptr (EsimInstallResult) again = NULL;

  g_signal_connect (d, "notify::progress", G_CALLBACK (cancel_when_installing_cb), cancellable);
  esim_download_run_async (d, cancellable, result_cb, &res);
  r = esim_download_run_finish (d, wait_result (&res), &error);
  g_assert_null (r);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  assert_card_clean (p, 0);
  g_assert_cmpint (stats_get (p, "requests", "es9plus/cancelSession"), ==, 1);
  /* the matching ID is free again */
  again = download (p, "MID-1", NULL, &error);
  g_assert_no_error (error);
  assert_card_clean (p, 1);
}

static void
test_download_default_smdp (void)
{
  g_autofree gchar *file = upp (TS48);
  g_autofree gchar *spec = g_strdup_printf ("DEFAULT-1=%s,default", file);
  const gchar *smdp_args[] = { "--profile", spec, NULL };
  const gchar *sim_args[] = { "--default-smdp", "@SMDP@", NULL };
  const gchar *no_default[] = { NULL };
  g_autoptr (Peers) p = peers_start (smdp_args, sim_args);
  g_autoptr (Peers) bare = peers_start (smdp_args, no_default);
  g_autoptr (EsimHttp) http = peers_http (p);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimInstallResult) r = download_with (p, http, NULL, NULL, NULL, NULL, &error);
  g_autoptr (EsimInstallResult) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (r->iccid, ==, TS48_ICCID);
  none = download_with (bare, http, NULL, NULL, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, ESIM_LPA_ERROR, ESIM_LPA_ERROR_NO_DEFAULT_SMDP);
}

static void
test_discovery (void)
{
  g_autofree gchar *file = upp (TS48);
  g_autofree gchar *spec = g_strdup_printf ("EVENT-7=%s", file);
  const gchar *smdp_args[] = {
    "--profile", spec, "--event", "89049032123451234512345678901235=EVENT-7", NULL,
  };
  const gchar *sim_args[] = { "--root-smds", "@SMDP@", NULL };
  g_autoptr (Peers) p = peers_start (smdp_args, sim_args);
  g_autoptr (EsimHttp) http = peers_http (p);
  g_autoptr (EsimDiscovery) discovery = esim_discovery_new (p->es10, http, NULL);
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (EsimInstallResult) r = NULL;
  EsimRspEvent *event;

  esim_discovery_run_async (discovery, NULL, result_cb, &res);
  events = esim_discovery_run_finish (discovery, wait_result (&res), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpstr (event->event_id, ==, "EVENT-7");
  g_assert_cmpstr (event->rsp_server_address, ==, esim_test_smdp_get_address (p->smdp));
  /* and the event is ready to download */
  r = download_with (p, http, event->rsp_server_address, event->event_id, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->iccid, ==, TS48_ICCID);
}

static void
test_notifications_processing (void)
{
  g_autofree gchar *a = upp (TS48);
  g_autofree gchar *b = upp ("fixtures/upp/TS48V5-SAIP2-3-BERTLV-SUCI-UNIQUE.der");
  g_autofree gchar *spec_a = g_strdup_printf ("%s,state=enabled,notify=@SMDP@", a);
  g_autofree gchar *spec_b = g_strdup_printf ("%s,notify=127.0.0.1:1", b);
  const gchar *sim_args[] = { "--profile", spec_a, "--profile", spec_b, NULL };
  g_autoptr (Peers) p = peers_start (NULL, sim_args);
  g_autoptr (EsimHttp) http = peers_http (p);
  g_autoptr (EsimNotificationSender) sender = esim_notification_sender_new (p->es10, http);
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GAsyncResult) res2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) left = NULL;
  guint delivered = 0, failed = 0;

  /* disabling A and enabling B: one notification for each server */
  esim_es10_enable_profile_async (p->es10, "8949449999999990163", NULL, TRUE, NULL, result_cb,
                                  &res);
  g_assert_true (esim_es10_enable_profile_finish (p->es10, wait_result (&res), &error));
  left = card_notifications (p);
  g_assert_cmpuint (left->len, ==, 2);
  g_clear_pointer (&left, g_ptr_array_unref);

  esim_notification_sender_run_async (sender, NULL, result_cb, &res2);
  g_assert_true (
    esim_notification_sender_run_finish (sender, wait_result (&res2), &delivered, &failed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (delivered, ==, 1);
  g_assert_cmpuint (failed, ==, 1);
  g_assert_cmpint (stats_get (p, "notifications", "accepted"), ==, 1);
  /* the undelivered one stays for later, the delivered one is gone */
  left = card_notifications (p);
  g_assert_cmpuint (left->len, ==, 1);
  g_assert_cmpint (((EsimNotificationMetadata *) g_ptr_array_index (left, 0))->operation, ==,
                   ESIM_NOTIFICATION_EVENT_ENABLE);
}

/* the steps the daemon runs with the card's queue held only for the card */
static void
test_notifications_steps (void)
{
  g_autofree gchar *a = upp (TS48);
  g_autofree gchar *b = upp ("fixtures/upp/TS48V5-SAIP2-3-BERTLV-SUCI-UNIQUE.der");
  g_autofree gchar *spec_a = g_strdup_printf ("%s,state=enabled,notify=@SMDP@", a);
  g_autofree gchar *spec_b = g_strdup_printf ("%s,notify=127.0.0.1:1", b);
  const gchar *sim_args[] = { "--profile", spec_a, "--profile", spec_b, NULL };
  g_autoptr (Peers) p = peers_start (NULL, sim_args);
  g_autoptr (EsimHttp) http = peers_http (p);
  g_autoptr (EsimNotificationSender) sender = esim_notification_sender_new (p->es10, http);
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pending = NULL;
  g_autoptr (GPtrArray) left = NULL;
  g_autoptr (GArray) acked = NULL;
  guint failed = 0;

  esim_es10_enable_profile_async (p->es10, "8949449999999990163", NULL, TRUE, NULL, result_cb,
                                  &res);
  g_assert_true (esim_es10_enable_profile_finish (p->es10, wait_result (&res), &error));
  g_clear_object (&res);

  esim_notification_sender_retrieve_async (sender, NULL, result_cb, &res);
  pending = esim_notification_sender_retrieve_finish (sender, wait_result (&res), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 2);
  g_clear_object (&res);

  esim_notification_sender_deliver_async (sender, pending, NULL, result_cb, &res);
  acked = esim_notification_sender_deliver_finish (sender, wait_result (&res), &failed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (acked->len, ==, 1);
  g_assert_cmpuint (failed, ==, 1);
  g_clear_object (&res);
  /* delivering touched nothing on the card */
  left = card_notifications (p);
  g_assert_cmpuint (left->len, ==, 2);
  g_clear_pointer (&left, g_ptr_array_unref);

  esim_notification_sender_remove_async (sender, acked, NULL, result_cb, &res);
  g_assert_true (esim_notification_sender_remove_finish (sender, wait_result (&res), &error));
  g_assert_no_error (error);
  g_clear_object (&res);
  left = card_notifications (p);
  g_assert_cmpuint (left->len, ==, 1);
  g_clear_pointer (&left, g_ptr_array_unref);

  /* removed meanwhile (a memory reset, another pass): nothingToDelete is done */
  esim_notification_sender_remove_async (sender, acked, NULL, result_cb, &res);
  g_assert_true (esim_notification_sender_remove_finish (sender, wait_result (&res), &error));
  g_assert_no_error (error);
  left = card_notifications (p);
  g_assert_cmpuint (left->len, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/download/every-package", test_download_every_package);
  g_test_add_func ("/download/confirmation-code", test_download_confirmation_code);
  g_test_add_func ("/download/matching-id", test_download_matching_id);
  g_test_add_func ("/download/tls", test_download_tls);
  g_test_add_func ("/download/server-faults", test_download_server_faults);
  g_test_add_func ("/download/tampered-package", test_download_tampered_package);
  g_test_add_func ("/download/tampered-segment", test_download_tampered_segment);
  g_test_add_func ("/download/card-error", test_download_card_error);
  g_test_add_func ("/download/cancel", test_download_cancel);
  g_test_add_func ("/download/default-smdp", test_download_default_smdp);
  g_test_add_func ("/download/discovery", test_discovery);
  g_test_add_func ("/download/notifications", test_notifications_processing);
  g_test_add_func ("/download/notifications-steps", test_notifications_steps);
  return g_test_run ();
}
