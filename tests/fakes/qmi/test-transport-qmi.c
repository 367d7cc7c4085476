/*
 * The QMI transport against the fake QMI modem and the simulated eUICC:
 * what the shared card suites cannot see. Channel bookkeeping (nothing
 * leaks, whatever fails), the modem's channel limit, QMI errors mapped to
 * transport errors, slot selection and the EID from Get Slot Status, the
 * refresh indication after a profile switch, and a modem that goes away.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libqmi-glib.h>

#include "esim-apdu.h"
#include "esim-fake-qmi-modem.h"
#include "esim-test-sim.h"
#include "qmi/esim-transport-qmi.h"

#define EID "89049032123451234512345678901235"
#define ISDR_AID "A0000005591010FFFFFFFF8900000100"
/* EnableProfile { iccid 8944476500001241582, refreshFlag TRUE } */
#define ENABLE_C "BF3111A00C5A0A984474560000211485F28101FF"

typedef struct {
  EsimTestSim *sim;
  EsimFakeQmiModem *modem;
  EsimTransport *transport;
  guint gone;
  guint refreshed;
} Fixture;

typedef struct {
  gboolean done;
  GAsyncResult *result;
} Waiter;

static void
waiter_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Waiter *w = user_data;

  w->result = g_object_ref (res);
  w->done = TRUE;
}

static GAsyncResult *
waiter_wait (Waiter *w)
{
  g_clear_object (&w->result);
  esim_test_wait (&w->done);
  w->done = FALSE;
  return w->result;
}

static GBytes *
hex (const gchar *text)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();

  for (const gchar *p = text; *p != '\0';) {
    guint8 byte;
    if (*p == ' ') {
      p++;
      continue;
    }
    byte = (guint8) ((g_ascii_xdigit_value (p[0]) << 4) | g_ascii_xdigit_value (p[1]));
    g_byte_array_append (out, &byte, 1);
    p += 2;
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
gone_cb (EsimTransport *transport, gpointer user_data)
{
  ((Fixture *) user_data)->gone++;
}

static void
refreshed_cb (EsimTransport *transport, gpointer user_data)
{
  ((Fixture *) user_data)->refreshed++;
}

/* a sim with profile A enabled and C disabled, and a fake modem before it */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree gchar *upp = esim_test_shared_path ("fixtures/upp/TS48v1_A.der");
  g_autofree gchar *profile_a = g_strdup_printf ("%s,iccid=8944476500001241581,state=enabled", upp);
  g_autofree gchar *profile_c = g_strdup_printf ("%s,iccid=8944476500001241582", upp);
  const gchar *args[] = { "--profile", profile_a, "--profile", profile_c, NULL };
  g_autoptr (GError) error = NULL;

  f->sim = esim_test_sim_start (args, &error);
  g_assert_no_error (error);
  f->modem = esim_fake_qmi_modem_new (esim_test_sim_get_socket (f->sim));
  g_assert_true (esim_fake_qmi_modem_start (f->modem, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->transport);
  esim_fake_qmi_modem_stop (f->modem);
  g_clear_object (&f->modem);
  g_clear_pointer (&f->sim, esim_test_sim_free);
}

static EsimTransport *
transport_new (Fixture *f, guint slot)
{
  EsimTransport *transport
    = esim_transport_qmi_new ("qmi", esim_fake_qmi_modem_get_device_path (f->modem), slot);

  esim_transport_qmi_set_proxy_path (ESIM_TRANSPORT_QMI (transport),
                                     esim_fake_qmi_modem_get_proxy_path (f->modem));
  g_signal_connect (transport, "gone", G_CALLBACK (gone_cb), f);
  g_signal_connect (transport, "card-refreshed", G_CALLBACK (refreshed_cb), f);
  return transport;
}

static gboolean
transport_open (EsimTransport *transport, GError **error)
{
  Waiter w = { 0 };
  gboolean ok;

  esim_transport_open_async (transport, NULL, waiter_cb, &w);
  ok = esim_transport_open_finish (transport, waiter_wait (&w), error);
  g_clear_object (&w.result);
  return ok;
}

static guint
channel_open (EsimTransport *transport, const gchar *aid_hex, GBytes **fci, GError **error)
{
  g_autoptr (GBytes) aid = hex (aid_hex);
  Waiter w = { 0 };
  guint channel = 0;

  esim_transport_open_channel_async (transport, aid, NULL, waiter_cb, &w);
  if (!esim_transport_open_channel_finish (transport, waiter_wait (&w), &channel, fci, error))
    channel = 0;
  g_clear_object (&w.result);
  return channel;
}

static gboolean
channel_close (EsimTransport *transport, guint channel, GError **error)
{
  Waiter w = { 0 };
  gboolean ok;

  esim_transport_close_channel_async (transport, channel, NULL, waiter_cb, &w);
  ok = esim_transport_close_channel_finish (transport, waiter_wait (&w), error);
  g_clear_object (&w.result);
  return ok;
}

static GBytes *
transmit (EsimTransport *transport, guint channel, GBytes *apdu, GError **error)
{
  Waiter w = { 0 };
  GBytes *rapdu;

  esim_transport_transmit_async (transport, channel, apdu, NULL, waiter_cb, &w);
  rapdu = esim_transport_transmit_finish (transport, waiter_wait (&w), error);
  g_clear_object (&w.result);
  return rapdu;
}

/* STORE DATA of one block on the channel, then GET RESPONSE if asked */
static GBytes *
store_data (EsimTransport *transport, guint channel, const gchar *data_hex, GError **error)
{
  g_autoptr (GBytes) data = hex (data_hex);
  g_autoptr (GBytes) apdu
    = esim_apdu_encode (esim_apdu_cla_for_channel (0x80, channel), 0xE2, 0x91, 0x00,
                        g_bytes_get_data (data, NULL), g_bytes_get_size (data), -1);
  g_autoptr (GBytes) rapdu = transmit (transport, channel, apdu, error);
  const guint8 *r;
  gsize len = 0;

  if (rapdu == NULL)
    return NULL;
  r = g_bytes_get_data (rapdu, &len);
  if (len == 2 && r[0] == 0x61) {
    g_autoptr (GBytes) get = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, channel), 0xC0, 0,
                                               0, NULL, 0, r[1] == 0 ? 256 : r[1]);
    return transmit (transport, channel, get, error);
  }
  return g_steal_pointer (&rapdu);
}

/* the fake answers asynchronously; let it catch up */
static void
wait_for_fake (EsimFakeQmiModem *modem, guint channels, guint clients)
{
  for (guint i = 0; i < 500; i++) {
    if (esim_fake_qmi_modem_get_open_channels (modem) == channels
        && esim_fake_qmi_modem_get_client_count (modem) == clients)
      return;
    g_main_context_iteration (NULL, FALSE);
    g_usleep (2000);
  }
  g_assert_cmpuint (esim_fake_qmi_modem_get_open_channels (modem), ==, channels);
  g_assert_cmpuint (esim_fake_qmi_modem_get_client_count (modem), ==, clients);
}

/* tests */

static void
test_open_transmit_close (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) fci = NULL;
  g_autoptr (GBytes) rapdu = NULL;
  g_autofree gchar *eid_hex = NULL;
  guint channel;

  esim_fake_qmi_modem_set_eid (f->modem, EID);
  f->transport = transport_new (f, 0);
  g_assert_true (transport_open (f->transport, &error));
  g_assert_no_error (error);
  g_assert_true (esim_transport_is_open (f->transport));
  g_assert_cmpuint (esim_transport_qmi_get_slot (ESIM_TRANSPORT_QMI (f->transport)), ==, 1);
  g_assert_cmpuint (esim_transport_qmi_get_logical_slot (ESIM_TRANSPORT_QMI (f->transport)), ==, 1);
  g_assert_cmpstr (esim_transport_qmi_get_eid (ESIM_TRANSPORT_QMI (f->transport)), ==, EID);
  g_assert_true (esim_transport_qmi_get_is_euicc (ESIM_TRANSPORT_QMI (f->transport)));
  g_assert_cmpuint (esim_fake_qmi_modem_get_client_count (f->modem), ==, 1);

  channel = channel_open (f->transport, ISDR_AID, &fci, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channel, >=, 1);
  g_assert_nonnull (fci);
  g_assert_cmpuint (g_bytes_get_size (fci), >, 2);
  g_assert_cmphex (((const guint8 *) g_bytes_get_data (fci, NULL))[0], ==, 0x6F);
  g_assert_cmpuint (esim_fake_qmi_modem_get_open_channels (f->modem), ==, 1);
  g_assert_cmpuint (esim_transport_qmi_get_open_channel_count (ESIM_TRANSPORT_QMI (f->transport)),
                    ==, 1);

  /* GetEuiccData { tagList 5A }: the EID, over Send APDU */
  rapdu = store_data (f->transport, channel, "BF3E035C015A", &error);
  g_assert_no_error (error);
  eid_hex = g_strdup_printf ("BF3E125A10%s9000", EID);
  {
    g_autofree gchar *got = NULL;
    GString *s = g_string_new (NULL);
    for (gsize i = 0; i < g_bytes_get_size (rapdu); i++)
      g_string_append_printf (s, "%02X", ((const guint8 *) g_bytes_get_data (rapdu, NULL))[i]);
    got = g_string_free (s, FALSE);
    g_assert_cmpstr (got, ==, eid_hex);
  }

  g_assert_true (channel_close (f->transport, channel, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (esim_fake_qmi_modem_get_open_channels (f->modem), ==, 0);

  esim_transport_close (f->transport);
  g_assert_false (esim_transport_is_open (f->transport));
  wait_for_fake (f->modem, 0, 0);
  g_assert_cmpuint (f->gone, ==, 0);
}

static void
test_channel_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint channels[3];

  f->transport = transport_new (f, 0);
  g_assert_true (transport_open (f->transport, &error));
  for (guint i = 0; i < G_N_ELEMENTS (channels); i++) {
    channels[i] = channel_open (f->transport, ISDR_AID, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (esim_fake_qmi_modem_get_open_channels (f->modem), ==, 3);
  g_assert_cmpuint (channel_open (f->transport, ISDR_AID, NULL, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL);
  g_clear_error (&error);
  g_assert_cmpuint (esim_fake_qmi_modem_get_open_channels (f->modem), ==, 3);

  /* one back, and there is room again */
  g_assert_true (channel_close (f->transport, channels[1], &error));
  channels[1] = channel_open (f->transport, ISDR_AID, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channels[1], >=, 1);

  /* close without closing the channels: the transport still gives them back */
  esim_transport_close (f->transport);
  wait_for_fake (f->modem, 0, 0);
}

static void
test_not_found (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->transport = transport_new (f, 0);
  g_assert_true (transport_open (f->transport, &error));
  g_assert_cmpuint (channel_open (f->transport, "A0000005591010FFFFFFFF8900000999", NULL, &error),
                    ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND);
  /* the modem gave the channel back to the card */
  g_assert_cmpuint (esim_fake_qmi_modem_get_open_channels (f->modem), ==, 0);
  g_assert_cmpuint (esim_transport_qmi_get_open_channel_count (ESIM_TRANSPORT_QMI (f->transport)),
                    ==, 0);
}

static void
test_error_mapping (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) apdu = hex ("80E2910006BF3E035C015A");
  g_autoptr (GBytes) rapdu = NULL;
  guint channel;

  f->transport = transport_new (f, 0);
  g_assert_true (transport_open (f->transport, &error));

  esim_fake_qmi_modem_fail_request (f->modem, 0x0042, 1, QMI_PROTOCOL_ERROR_INSUFFICIENT_RESOURCES);
  g_assert_cmpuint (channel_open (f->transport, ISDR_AID, NULL, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL);
  g_clear_error (&error);

  esim_fake_qmi_modem_fail_request (f->modem, 0x0042, 1, QMI_PROTOCOL_ERROR_SIM_FILE_NOT_FOUND);
  g_assert_cmpuint (channel_open (f->transport, ISDR_AID, NULL, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  channel = channel_open (f->transport, ISDR_AID, NULL, &error);
  g_assert_no_error (error);

  /* a channel we never opened is not sent to the modem at all */
  rapdu = transmit (f->transport, channel + 1, apdu, &error);
  g_assert_null (rapdu);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL);
  g_clear_error (&error);
  g_assert_cmpuint (esim_fake_qmi_modem_get_request_count (f->modem, 0x003B), ==, 0);

  /* the second APDU fails in the modem */
  esim_fake_qmi_modem_fail_request (f->modem, 0x003B, 2, QMI_PROTOCOL_ERROR_INTERNAL);
  rapdu = store_data (f->transport, channel, "BF3E035C015A", &error);
  g_assert_null (rapdu);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Internal"));
  g_clear_error (&error);
  g_assert_true (esim_transport_is_open (f->transport));

  /* the modem says the card left: gone */
  esim_fake_qmi_modem_fail_request (f->modem, 0x003B, 1, QMI_PROTOCOL_ERROR_NO_SIM);
  rapdu = transmit (f->transport, channel, apdu, &error);
  g_assert_null (rapdu);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_clear_error (&error);
  g_assert_cmpuint (f->gone, ==, 1);
  g_assert_false (esim_transport_is_open (f->transport));
  rapdu = transmit (f->transport, channel, apdu, &error);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
}

static void
test_not_open (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) apdu = hex ("80E2910006BF3E035C015A");
  g_autoptr (GBytes) rapdu = NULL;

  f->transport = transport_new (f, 0);
  rapdu = transmit (f->transport, 1, apdu, &error);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN);
  g_clear_error (&error);
  g_assert_true (transport_open (f->transport, &error));
  esim_transport_close (f->transport);
  g_assert_cmpuint (channel_open (f->transport, ISDR_AID, NULL, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN);
  g_clear_error (&error);
  /* and open again on the same object */
  g_assert_true (transport_open (f->transport, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (channel_open (f->transport, ISDR_AID, NULL, &error), >=, 1);
  g_clear_object (&f->transport);
  wait_for_fake (f->modem, 0, 0);
}

static void
test_modem_gone (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) apdu = hex ("80E2910006BF3E035C015A");
  g_autoptr (GBytes) rapdu = NULL;
  guint channel;

  f->transport = transport_new (f, 0);
  g_assert_true (transport_open (f->transport, &error));
  channel = channel_open (f->transport, ISDR_AID, NULL, &error);
  g_assert_no_error (error);

  esim_fake_qmi_modem_stop (f->modem);
  while (f->gone == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (esim_transport_is_open (f->transport));
  g_assert_cmpuint (esim_transport_qmi_get_open_channel_count (ESIM_TRANSPORT_QMI (f->transport)),
                    ==, 0);
  rapdu = transmit (f->transport, channel, apdu, &error);
  g_assert_null (rapdu);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_assert_cmpuint (f->gone, ==, 1);
}

static void
test_slots (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  /* a dual-slot modem with the eUICC in slot 2, which is active */
  esim_fake_qmi_modem_set_slots (f->modem, 2, 2, 2);
  esim_fake_qmi_modem_set_eid (f->modem, EID);
  f->transport = transport_new (f, 0);
  g_assert_true (transport_open (f->transport, &error));
  g_assert_cmpuint (esim_transport_qmi_get_slot (ESIM_TRANSPORT_QMI (f->transport)), ==, 2);
  g_assert_cmpuint (esim_transport_qmi_get_logical_slot (ESIM_TRANSPORT_QMI (f->transport)), ==, 1);
  g_assert_cmpstr (esim_transport_qmi_get_eid (ESIM_TRANSPORT_QMI (f->transport)), ==, EID);
  g_assert_cmpuint (channel_open (f->transport, ISDR_AID, NULL, &error), >=, 1);
  g_assert_no_error (error);
  g_clear_object (&f->transport);

  /* slot 1 is empty and inactive */
  f->transport = transport_new (f, 1);
  g_assert_false (transport_open (f->transport, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "not active"));
  g_clear_error (&error);
  g_clear_object (&f->transport);

  /* slot 3 does not exist */
  f->transport = transport_new (f, 3);
  g_assert_false (transport_open (f->transport, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED);
  g_clear_error (&error);
  g_clear_object (&f->transport);

  /* slot 2 by name */
  f->transport = transport_new (f, 2);
  g_assert_true (transport_open (f->transport, &error));
  g_assert_cmpuint (channel_open (f->transport, ISDR_AID, NULL, &error), >=, 1);
  g_clear_object (&f->transport);
  wait_for_fake (f->modem, 0, 0);
}

static void
test_slot_status_unsupported (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  esim_fake_qmi_modem_set_slot_status_supported (f->modem, FALSE);
  f->transport = transport_new (f, 0);
  g_assert_true (transport_open (f->transport, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (esim_transport_qmi_get_slot (ESIM_TRANSPORT_QMI (f->transport)), ==, 1);
  g_assert_null (esim_transport_qmi_get_eid (ESIM_TRANSPORT_QMI (f->transport)));
  g_assert_cmpuint (channel_open (f->transport, ISDR_AID, NULL, &error), >=, 1);
  g_assert_no_error (error);
}

static void
test_refresh (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) rapdu = NULL;
  guint channel;

  f->transport = transport_new (f, 0);
  g_assert_true (transport_open (f->transport, &error));
  channel = channel_open (f->transport, ISDR_AID, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (esim_fake_qmi_modem_get_indication_count (f->modem), ==, 0);

  rapdu = store_data (f->transport, channel, ENABLE_C, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (rapdu, NULL), g_bytes_get_size (rapdu),
                   "\xBF\x31\x03\x80\x01\x00\x90\x00", 8);
  /* Refresh start and end, then Slot Status */
  while (f->refreshed < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (esim_fake_qmi_modem_get_indication_count (f->modem), ==, 3);
}

static void
test_slow_modem (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) rapdu = NULL;
  gint64 start;
  guint channel;

  f->transport = transport_new (f, 0);
  g_assert_true (transport_open (f->transport, &error));
  esim_fake_qmi_modem_set_delay (f->modem, 150);
  start = g_get_monotonic_time ();
  channel = channel_open (f->transport, ISDR_AID, NULL, &error);
  g_assert_no_error (error);
  rapdu = store_data (f->transport, channel, "BF3E035C015A", &error);
  g_assert_no_error (error);
  g_assert_nonnull (rapdu);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 3 * 150 * 1000);
}

static void
test_qrtr (void)
{
  g_autoptr (EsimTransport) transport = esim_transport_qmi_new ("qrtr", "0", 0);
  g_autoptr (EsimTransport) bad = esim_transport_qmi_new ("qrtr", "node", 0);
  g_autoptr (GError) error = NULL;

  /* no QRTR bus in a test environment: a clear failure, never a hang */
  g_assert_false (transport_open (transport, &error));
  g_assert_nonnull (error);
  g_test_message ("qrtr: %s", error->message);
  g_assert_true (g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE)
                 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED));
  g_clear_error (&error);
  g_assert_false (transport_open (bad, &error));
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT)
                 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* libqmi warns (g_warning) when its proxy hangs up, which is what
   * /qmi/modem-gone does; GLib 2.74 does not ask a fatal handler about
   * it, so warnings are not fatal here (criticals still are) */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/qmi/open-transmit-close", test_open_transmit_close);
  ADD ("/qmi/channel-limit", test_channel_limit);
  ADD ("/qmi/not-found", test_not_found);
  ADD ("/qmi/error-mapping", test_error_mapping);
  ADD ("/qmi/not-open", test_not_open);
  ADD ("/qmi/modem-gone", test_modem_gone);
  ADD ("/qmi/slots", test_slots);
  ADD ("/qmi/slot-status-unsupported", test_slot_status_unsupported);
  ADD ("/qmi/refresh", test_refresh);
  ADD ("/qmi/slow-modem", test_slow_modem);
#undef ADD
  g_test_add_func ("/qmi/qrtr", test_qrtr);
  return g_test_run ();
}
