/*
 * The MBIM transport against the fake MBIM modem: channel bookkeeping,
 * the channel limit, MBIM status mapping, the SELECT P2 and class byte
 * variants, slot mapping, refresh indications and the modem going away.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libmbim-glib.h>

#include "esim-es10.h"
#include "esim-test-fake-mbim.h"
#include "esim-test-fake-sync.h"
#include "esim-test-sim.h"
#include "mbim/esim-transport-mbim.h"

#define ICCID_A "8944476500001241581"
#define ICCID_C "8944476500001241582"

typedef struct {
  EsimTestSim *sim;
  EsimTransport *transport;
  EsimTestFakeMbim *fake;
} Modem;

static void
modem_free (Modem *m)
{
  g_clear_object (&m->transport);
  g_clear_pointer (&m->sim, esim_test_sim_free);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Modem, modem_free)

/* a sim with two profiles, a fake modem and an unopened transport */
static Modem *
modem_new (guint slot)
{
  g_autoptr (Modem) m = g_new0 (Modem, 1);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *upp = esim_test_shared_path ("fixtures/upp/TS48v1_A.der");
  g_autofree gchar *a = g_strdup_printf ("%s,iccid=" ICCID_A ",state=enabled", upp);
  g_autofree gchar *c = g_strdup_printf ("%s,iccid=" ICCID_C, upp);
  const gchar *args[] = { "--profile", a, "--profile", c, NULL };

  m->sim = esim_test_sim_start (args, &error);
  g_assert_no_error (error);
  m->fake = esim_test_fake_mbim_new (m->sim, &error);
  g_assert_no_error (error);
  m->transport
    = g_object_new (ESIM_TYPE_TRANSPORT_MBIM, "kind", "mbim", "device",
                    esim_test_fake_mbim_get_path (m->fake), "slot", slot, "proxy", FALSE, NULL);
  g_object_set_data_full (G_OBJECT (m->transport), "fake", m->fake,
                          (GDestroyNotify) esim_test_fake_mbim_free);
  return g_steal_pointer (&m);
}

static Modem *
modem_open (void)
{
  g_autoptr (Modem) m = modem_new (0);
  g_autoptr (GError) error = NULL;

  g_assert_true (sync_open (m->transport, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&m);
}

static void
test_channels (void)
{
  g_autoptr (Modem) m = modem_open ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) fci = NULL;
  guint channel;

  channel = sync_open_channel_aid (m->transport, ISDR_AID, &fci, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channel, >=, 1);
  g_assert_nonnull (fci);
  g_assert_cmphex (((const guint8 *) g_bytes_get_data (fci, NULL))[0], ==, 0x6F);
  g_assert_cmpuint (esim_test_fake_mbim_get_open_channels (m->fake), ==, 1);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_no_error (error);
  g_assert_true (sync_close_channel (m->transport, channel, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (esim_test_fake_mbim_get_open_channels (m->fake), ==, 0);

  /* an AID the card lacks: not found, and the channel is given back */
  channel = sync_open_channel_aid (m->transport, "A0000005591010FFFFFFFF8900000999", NULL, &error);
  g_assert_cmpuint (channel, ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  sync_sleep (50);
  g_assert_cmpuint (esim_test_fake_mbim_get_open_channels (m->fake), ==, 0);

  /* closing twice: the modem says no */
  channel = sync_open_channel (m->transport, &error);
  g_assert_true (sync_close_channel (m->transport, channel, &error));
  g_assert_false (sync_close_channel (m->transport, channel, &error));
  g_assert_nonnull (error);
}

static void
test_channel_limit (void)
{
  g_autoptr (Modem) m = modem_open ();
  g_autoptr (GError) error = NULL;
  guint c1, c2, c3;

  esim_test_fake_mbim_set_max_channels (m->fake, 2);
  c1 = sync_open_channel (m->transport, &error);
  g_assert_no_error (error);
  c2 = sync_open_channel (m->transport, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c1, !=, c2);
  c3 = sync_open_channel (m->transport, &error);
  g_assert_cmpuint (c3, ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL);
  g_clear_error (&error);
  g_assert_cmpuint (esim_test_fake_mbim_get_open_channels (m->fake), ==, 2);

  /* close() gives back what the caller left open */
  esim_transport_close (m->transport);
  g_assert_false (esim_transport_is_open (m->transport));
  sync_sleep (100);
  g_assert_cmpuint (esim_test_fake_mbim_get_open_channels (m->fake), ==, 0);
}

static void
test_status_mapping (void)
{
  g_autoptr (Modem) m = modem_open ();
  g_autoptr (GError) error = NULL;
  guint channel = sync_open_channel (m->transport, &error);
  guint n = esim_test_fake_mbim_get_request_count (m->fake);

  g_assert_no_error (error);
  esim_test_fake_mbim_set_fail_request (m->fake, n + 1, MBIM_STATUS_ERROR_BUSY);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_BUSY);
  g_clear_error (&error);

  n = esim_test_fake_mbim_get_request_count (m->fake);
  esim_test_fake_mbim_set_fail_request (m->fake, n + 1, MBIM_STATUS_ERROR_SIM_NOT_INSERTED);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_clear_error (&error);

  /* a Failure on an APDU is retried once with the other class byte type */
  n = esim_test_fake_mbim_get_request_count (m->fake);
  esim_test_fake_mbim_set_fail_request (m->fake, n + 1, MBIM_STATUS_ERROR_FAILURE);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_no_error (error);

  /* an Open Channel that fails on every P2 */
  n = esim_test_fake_mbim_get_request_count (m->fake);
  esim_test_fake_mbim_refuse_select_p2 (m->fake, 0x00);
  esim_test_fake_mbim_refuse_select_p2 (m->fake, 0x04);
  esim_test_fake_mbim_refuse_select_p2 (m->fake, 0x0C);
  g_assert_cmpuint (sync_open_channel (m->transport, &error), ==, 0);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL);
  g_assert_cmpuint (esim_test_fake_mbim_get_request_count (m->fake) - n, ==, 3);
  g_assert_cmpuint (esim_test_fake_mbim_get_open_channels (m->fake), ==, 1);
}

static void
test_select_p2 (void)
{
  g_autoptr (Modem) m = modem_open ();
  g_autoptr (GError) error = NULL;
  guint channel;
  guint n;

  g_assert_cmpuint (sync_open_channel (m->transport, &error), >, 0);
  g_assert_cmphex (esim_test_fake_mbim_get_last_select_p2 (m->fake), ==, 0x04);
  esim_transport_close (m->transport);
  g_assert_true (sync_open (m->transport, &error));

  /* a modem that takes only P2 00 */
  esim_test_fake_mbim_refuse_select_p2 (m->fake, 0x04);
  n = esim_test_fake_mbim_get_request_count (m->fake);
  channel = sync_open_channel (m->transport, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (esim_test_fake_mbim_get_request_count (m->fake) - n, ==, 2);
  g_assert_cmphex (esim_test_fake_mbim_get_last_select_p2 (m->fake), ==, 0x00);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_true (sync_close_channel (m->transport, channel, &error));
  /* and is asked with it first next time */
  n = esim_test_fake_mbim_get_request_count (m->fake);
  g_assert_cmpuint (sync_open_channel (m->transport, &error), >, 0);
  g_assert_cmpuint (esim_test_fake_mbim_get_request_count (m->fake) - n, ==, 1);
}

static void
test_class_byte_type (void)
{
  g_autoptr (Modem) m = modem_open ();
  g_autoptr (GError) error = NULL;
  guint channel = sync_open_channel (m->transport, &error);
  guint n;

  g_assert_no_error (error);
  g_assert_cmpuint (channel, <, 4);
  /* channels 0-3 go as inter-industry first */
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_cmpint (esim_test_fake_mbim_get_last_class_byte_type (m->fake), ==,
                   MBIM_UICC_CLASS_BYTE_TYPE_INTER_INDUSTRY);

  /* firmware that insists on the extended type: one retry, then learnt */
  esim_test_fake_mbim_set_class_byte_type (m->fake, MBIM_UICC_CLASS_BYTE_TYPE_EXTENDED);
  n = esim_test_fake_mbim_get_request_count (m->fake);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_no_error (error);
  g_assert_cmpuint (esim_test_fake_mbim_get_request_count (m->fake) - n, ==, 3);
  n = esim_test_fake_mbim_get_request_count (m->fake);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_cmpuint (esim_test_fake_mbim_get_request_count (m->fake) - n, ==, 2);
  g_assert_cmpint (esim_test_fake_mbim_get_last_class_byte_type (m->fake), ==,
                   MBIM_UICC_CLASS_BYTE_TYPE_EXTENDED);
}

static void
test_slow (void)
{
  g_autoptr (Modem) m = modem_open ();
  g_autoptr (GError) error = NULL;
  guint channel = sync_open_channel (m->transport, &error);
  gint64 start = g_get_monotonic_time ();

  esim_test_fake_mbim_set_delay (m->fake, 100);
  g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200 * 1000);
}

static void
test_gone (void)
{
  g_autoptr (Modem) m = modem_open ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) apdu = sync_bytes ("81E2910006BF3E035C015A");
  guint channel = sync_open_channel (m->transport, &error);
  gboolean gone = FALSE;
  SyncWaiter w = { 0 };
  g_autoptr (GBytes) r = NULL;

  g_signal_connect (m->transport, "gone", G_CALLBACK (sync_gone_cb), &gone);
  esim_test_fake_mbim_set_delay (m->fake, 200);
  esim_transport_transmit_async (m->transport, channel, apdu, NULL, sync_cb, &w);
  sync_sleep (50);
  esim_test_fake_mbim_hangup (m->fake);
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
test_slots (void)
{
  g_autoptr (GError) error = NULL;

  /* the eUICC in the second of two slots, the first one mapped */
  {
    g_autoptr (Modem) m = modem_new (2);
    guint channel;

    esim_test_fake_mbim_set_slots (m->fake, 2, 1, 0);
    g_assert_true (sync_open (m->transport, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (esim_test_fake_mbim_get_mapped_slot (m->fake), ==, 1);
    channel = sync_open_channel (m->transport, &error);
    g_assert_no_error (error);
    g_assert_cmphex (sync_get_eid (m->transport, channel, &error), ==, 0x9000);
    /* close() maps the original slot back */
    esim_transport_close (m->transport);
    sync_sleep (100);
    g_assert_cmpuint (esim_test_fake_mbim_get_mapped_slot (m->fake), ==, 0);
  }
  /* slot 0 is the mapped one, here the empty first slot */
  {
    g_autoptr (Modem) m = modem_new (0);

    esim_test_fake_mbim_set_slots (m->fake, 2, 1, 0);
    g_assert_true (sync_open (m->transport, &error));
    g_assert_cmpuint (sync_open_channel (m->transport, &error), ==, 0);
    g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
    g_clear_error (&error);
    g_assert_cmpuint (esim_test_fake_mbim_get_mapped_slot (m->fake), ==, 0);
  }
  /* a slot the modem does not have, and an empty one */
  {
    g_autoptr (Modem) m = modem_new (3);

    esim_test_fake_mbim_set_slots (m->fake, 2, 1, 1);
    g_assert_false (sync_open (m->transport, &error));
    g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  {
    g_autoptr (Modem) m = modem_new (1);

    esim_test_fake_mbim_set_slots (m->fake, 2, 1, 1);
    g_assert_false (sync_open (m->transport, &error));
    g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "empty"));
    g_clear_error (&error);
    g_assert_cmpuint (esim_test_fake_mbim_get_mapped_slot (m->fake), ==, 1);
  }
  /* a modem without slot mappings has slot 1 only */
  {
    g_autoptr (Modem) m1 = modem_new (1);
    g_autoptr (Modem) m2 = modem_new (2);

    esim_test_fake_mbim_set_slots (m1->fake, 0, 0, 0);
    esim_test_fake_mbim_set_slots (m2->fake, 0, 0, 0);
    g_assert_true (sync_open (m1->transport, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (sync_open_channel (m1->transport, &error), >, 0);
    g_assert_no_error (error);
    g_assert_false (sync_open (m2->transport, &error));
    g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND);
  }
}

static void
refreshed_cb (EsimTransport *transport, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
test_refresh_indication (void)
{
  g_autoptr (Modem) m = modem_new (0);
  g_autoptr (EsimEs10) es10 = esim_es10_new (m->transport, NULL);
  g_autoptr (GError) error = NULL;
  SyncWaiter w = { 0 };
  gboolean refreshed = FALSE;

  g_signal_connect (m->transport, "refreshed", G_CALLBACK (refreshed_cb), &refreshed);

  esim_es10_open_async (es10, NULL, sync_cb, &w);
  esim_test_wait (&w.done);
  g_assert_true (esim_es10_open_finish (es10, w.result, &error));
  g_clear_object (&w.result);
  w.done = FALSE;
  g_assert_cmpuint (esim_test_fake_mbim_get_indication_count (m->fake), ==, 0);
  esim_es10_enable_profile_async (es10, ICCID_C, NULL, FALSE, NULL, sync_cb, &w);
  esim_test_wait (&w.done);
  g_assert_true (esim_es10_enable_profile_finish (es10, w.result, &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);
  /* not ready, then ready again */
  g_assert_cmpuint (esim_test_fake_mbim_get_indication_count (m->fake), ==, 2);
  /* the transport tells: the daemon's profile switch waits for this */
  g_assert_true (esim_transport_can_signal_refresh (m->transport));
  esim_test_wait (&refreshed);
  g_signal_handlers_disconnect_by_func (m->transport, refreshed_cb, &refreshed);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mbim/channels", test_channels);
  g_test_add_func ("/mbim/channel-limit", test_channel_limit);
  g_test_add_func ("/mbim/status-mapping", test_status_mapping);
  g_test_add_func ("/mbim/select-p2", test_select_p2);
  g_test_add_func ("/mbim/class-byte-type", test_class_byte_type);
  g_test_add_func ("/mbim/slow", test_slow);
  g_test_add_func ("/mbim/gone", test_gone);
  g_test_add_func ("/mbim/slots", test_slots);
  g_test_add_func ("/mbim/refresh-indication", test_refresh_indication);
  return g_test_run ();
}
