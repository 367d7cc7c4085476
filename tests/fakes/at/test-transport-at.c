/*
 * The AT transport against the fake AT modem: AT+CCHO/AT+CGLA/AT+CCHC,
 * the AT+CSIM fallback, a modem with neither, session bookkeeping and
 * limit, +CME ERROR mapping, timeouts, the modem going away and the
 * +CPIN lines after a profile switch (::refreshed).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "at/esim-transport-at.h"
#include "esim-es10.h"
#include "esim-test-fake-at.h"
#include "esim-test-fake-sync.h"
#include "esim-test-sim.h"

typedef struct {
  EsimTestSim *sim;
  EsimTransport *transport;
  EsimTestFakeAt *fake;
} Modem;

static void
modem_free (Modem *m)
{
  g_clear_object (&m->transport);
  g_clear_pointer (&m->sim, esim_test_sim_free);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Modem, modem_free)

static Modem *
modem_new (EsimTestFakeAtMode mode)
{
  g_autoptr (Modem) m = g_new0 (Modem, 1);
  g_autoptr (GError) error = NULL;

  m->sim = esim_test_sim_start (NULL, &error);
  g_assert_no_error (error);
  m->transport = esim_test_fake_at_transport_new (m->sim, &error);
  g_assert_no_error (error);
  m->fake = esim_test_fake_at_from_transport (m->transport);
  esim_test_fake_at_set_mode (m->fake, mode);
  return g_steal_pointer (&m);
}

static Modem *
modem_open (EsimTestFakeAtMode mode)
{
  g_autoptr (Modem) m = modem_new (mode);
  g_autoptr (GError) error = NULL;

  g_assert_true (sync_open (m->transport, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&m);
}

static void
test_ccho (void)
{
  g_autoptr (Modem) m = modem_open (ESIM_TEST_FAKE_AT_FULL);
  g_autoptr (GError) error = NULL;
  guint channel;

  g_assert_cmpstr (esim_transport_at_get_method (ESIM_TRANSPORT_AT (m->transport)), ==, "ccho");
  channel = sync_open_channel (m->transport, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channel, >=, 1);
  g_assert_cmpuint (esim_test_fake_at_get_open_sessions (m->fake), ==, 1);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_no_error (error);
  /* the probes at open, then STORE DATA and GET RESPONSE on the session */
  g_assert_cmpuint (esim_test_fake_at_count_commands (m->fake, "AT+CGLA=?"), ==, 1);
  g_assert_cmpuint (esim_test_fake_at_count_commands (m->fake, "AT+CGLA="), ==, 3);
  g_assert_cmpuint (esim_test_fake_at_count_commands (m->fake, "AT+CSIM="), ==, 1);
  g_assert_true (sync_close_channel (m->transport, channel, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (esim_test_fake_at_get_open_sessions (m->fake), ==, 0);

  /* session ids that are no channel numbers */
  esim_test_fake_at_set_session_offset (m->fake, 40);
  channel = sync_open_channel (m->transport, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channel, >=, 1);
  g_assert_cmpuint (channel, <=, 19);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_true (sync_close_channel (m->transport, channel, &error));
  g_assert_cmpuint (esim_test_fake_at_get_open_sessions (m->fake), ==, 0);
}

static void
test_csim_fallback (void)
{
  g_autoptr (Modem) m = modem_open (ESIM_TEST_FAKE_AT_CSIM_ONLY);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) fci = NULL;
  guint channel;

  g_assert_cmpstr (esim_transport_at_get_method (ESIM_TRANSPORT_AT (m->transport)), ==, "csim");
  channel = sync_open_channel_aid (m->transport, ISDR_AID, &fci, &error);
  g_assert_no_error (error);
  /* SELECT with P2 0C: no FCI to pass on */
  g_assert_null (fci);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_no_error (error);
  g_assert_true (sync_close_channel (m->transport, channel, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (esim_test_fake_at_count_commands (m->fake, "AT+CCHO=\""), ==, 0);

  /* opened and closed more often than the card has channels: none leaks */
  for (guint i = 0; i < 5; i++) {
    channel = sync_open_channel (m->transport, &error);
    g_assert_no_error (error);
    g_assert_true (sync_close_channel (m->transport, channel, &error));
  }
  /* an AID the card lacks: precise through AT+CSIM, channel given back */
  g_assert_cmpuint (
    sync_open_channel_aid (m->transport, "A0000005591010FFFFFFFF8900000999", NULL, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (sync_open_channel (m->transport, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_neither (void)
{
  g_autoptr (Modem) m = modem_new (ESIM_TEST_FAKE_AT_NEITHER);
  g_autoptr (GError) error = NULL;

  g_assert_false (sync_open (m->transport, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL);
  g_assert_nonnull (strstr (error->message, "neither AT+CCHO/AT+CGLA nor AT+CSIM"));
  g_assert_false (esim_transport_is_open (m->transport));
}

static void
test_session_limit (void)
{
  g_autoptr (Modem) m = modem_open (ESIM_TEST_FAKE_AT_FULL);
  g_autoptr (GError) error = NULL;

  esim_test_fake_at_set_max_sessions (m->fake, 2);
  g_assert_cmpuint (sync_open_channel (m->transport, &error), >, 0);
  g_assert_cmpuint (sync_open_channel (m->transport, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (sync_open_channel (m->transport, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL);
  g_assert_nonnull (strstr (error->message, "+CME ERROR: 100"));
  g_clear_error (&error);
  g_assert_cmpuint (esim_test_fake_at_get_open_sessions (m->fake), ==, 2);

  /* close() ends the sessions left open */
  esim_transport_close (m->transport);
  sync_sleep (100);
  g_assert_cmpuint (esim_test_fake_at_get_open_sessions (m->fake), ==, 0);
  g_assert_true (sync_open (m->transport, &error));
  g_assert_cmpuint (sync_open_channel (m->transport, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_cme_mapping (void)
{
  g_autoptr (Modem) m = modem_open (ESIM_TEST_FAKE_AT_FULL);
  g_autoptr (GError) error = NULL;
  guint channel = sync_open_channel (m->transport, &error);
  guint n = esim_test_fake_at_get_command_count (m->fake);

  g_assert_no_error (error);
  esim_test_fake_at_set_fail_command (m->fake, n + 1, 100);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "+CME ERROR: 100"));
  g_clear_error (&error);

  n = esim_test_fake_at_get_command_count (m->fake);
  esim_test_fake_at_set_fail_command (m->fake, n + 1, 10);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_clear_error (&error);

  /* the line is in step afterwards */
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_no_error (error);
}

static void
test_timeout (void)
{
  g_autoptr (Modem) m = modem_open (ESIM_TEST_FAKE_AT_FULL);
  g_autoptr (GError) error = NULL;
  guint channel = sync_open_channel (m->transport, &error);

  g_object_set (m->transport, "apdu-timeout", 150, NULL);
  esim_test_fake_at_set_delay (m->fake, 400);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no answer to AT+CGLA"));
  g_clear_error (&error);
  /* the late answer is dropped; then a patient call works */
  sync_sleep (500);
  esim_test_fake_at_set_delay (m->fake, 100);
  g_object_set (m->transport, "apdu-timeout", 5000, NULL);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_no_error (error);
}

static void
test_gone (void)
{
  g_autoptr (Modem) m = modem_open (ESIM_TEST_FAKE_AT_FULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) apdu = sync_bytes ("81E2910006BF3E035C015A");
  g_autoptr (GBytes) r = NULL;
  guint channel = sync_open_channel (m->transport, &error);
  gboolean gone = FALSE;
  SyncWaiter w = { 0 };

  g_signal_connect (m->transport, "gone", G_CALLBACK (sync_gone_cb), &gone);
  esim_test_fake_at_set_delay (m->fake, 200);
  esim_transport_transmit_async (m->transport, channel, apdu, NULL, sync_cb, &w);
  sync_sleep (50);
  esim_test_fake_at_hangup (m->fake);
  esim_test_wait (&w.done);
  r = esim_transport_transmit_finish (m->transport, w.result, &error);
  g_object_unref (w.result);
  g_assert_null (r);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_clear_error (&error);
  g_assert_true (gone);
  g_assert_false (esim_transport_is_open (m->transport));
  g_assert_cmpuint (sync_open_channel (m->transport, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
}

static void
test_no_modem (void)
{
  g_autoptr (EsimTransport) t = esim_transport_at_new ("/nonexistent/ttyUSB9");
  g_autoptr (GError) error = NULL;

  g_assert_false (sync_open (t, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_clear_error (&error);
  g_assert_cmpuint (sync_open_channel (t, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN);
}

static void
refreshed_cb (EsimTransport *transport, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* the +CPIN lines the modem sends after a profile switch become ::refreshed */
static void
test_refresh (void)
{
  g_autoptr (Modem) m = g_new0 (Modem, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimEs10) es10 = NULL;
  g_autofree gchar *upp = esim_test_shared_path ("fixtures/upp/TS48v1_A.der");
  g_autofree gchar *a = g_strdup_printf ("%s,iccid=8944476500001241574,state=enabled", upp);
  g_autofree gchar *c = g_strdup_printf ("%s,iccid=8944476500001241582", upp);
  const gchar *args[] = { "--profile", a, "--profile", c, NULL };
  SyncWaiter w = { 0 };
  gboolean refreshed = FALSE;

  m->sim = esim_test_sim_start (args, &error);
  g_assert_no_error (error);
  m->transport = esim_test_fake_at_transport_new (m->sim, &error);
  g_assert_no_error (error);
  m->fake = esim_test_fake_at_from_transport (m->transport);
  g_signal_connect (m->transport, "refreshed", G_CALLBACK (refreshed_cb), &refreshed);
  es10 = esim_es10_new (m->transport, NULL);
  esim_es10_open_async (es10, NULL, sync_cb, &w);
  esim_test_wait (&w.done);
  g_assert_true (esim_es10_open_finish (es10, w.result, &error));
  g_assert_no_error (error);
  g_assert_true (esim_transport_can_signal_refresh (m->transport));
  g_clear_object (&w.result);
  w.done = FALSE;
  esim_es10_enable_profile_async (es10, "8944476500001241582", NULL, FALSE, NULL, sync_cb, &w);
  esim_test_wait (&w.done);
  g_assert_true (esim_es10_enable_profile_finish (es10, w.result, &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);
  esim_test_wait (&refreshed);
  g_signal_handlers_disconnect_by_func (m->transport, refreshed_cb, &refreshed);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/at/ccho", test_ccho);
  g_test_add_func ("/at/csim-fallback", test_csim_fallback);
  g_test_add_func ("/at/neither", test_neither);
  g_test_add_func ("/at/session-limit", test_session_limit);
  g_test_add_func ("/at/cme-mapping", test_cme_mapping);
  g_test_add_func ("/at/timeout", test_timeout);
  g_test_add_func ("/at/gone", test_gone);
  g_test_add_func ("/at/no-modem", test_no_modem);
  g_test_add_func ("/at/refresh", test_refresh);
  return g_test_run ();
}
