/*
 * The PC/SC transport against a real pcscd with vpcd readers and the
 * simulated eUICC as a virtual card: reader selection, channels, T=0 and
 * T=1, a card that is pulled out, what close() leaves behind, and the
 * presence watch that sees a card leave and come back with no APDU.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-apdu.h"
#include "esim-test-fake-pcsc.h"
#include "esim-test-sim.h"
#include "pcsc/esim-transport-pcsc.h"

#define ISDR_AID "A0000005591010FFFFFFFF8900000100"
/* the simulated eUICC's answer to reset: T=0 only */
#define SIM_ATR "3B9F96801FC78031E073FE211B63F1008290000D"
/* TS, T0 with TD1, TD1 offering T=1, TCK */
#define T1_ATR "3B800181"

static GBytes *
hex_bytes (const gchar *hex)
{
  gsize len = strlen (hex) / 2;
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i]
      = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (data, len);
}

static gchar *
bytes_hex (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X", data[i]);
  return g_string_free (s, FALSE);
}

/* synchronous wrappers, for the tests only */

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
  esim_test_wait (&w->done);
  return w->result;
}

static gboolean
open_sync (EsimTransport *transport, GError **error)
{
  Waiter w = { 0 };
  gboolean ok;

  esim_transport_open_async (transport, NULL, waiter_cb, &w);
  ok = esim_transport_open_finish (transport, waiter_wait (&w), error);
  g_object_unref (w.result);
  return ok;
}

static gboolean
open_aid_sync (EsimTransport *transport, const gchar *aid_hex, guint *channel, GBytes **fci,
               GError **error)
{
  g_autoptr (GBytes) aid = hex_bytes (aid_hex);
  Waiter w = { 0 };
  gboolean ok;

  esim_transport_open_channel_async (transport, aid, NULL, waiter_cb, &w);
  ok = esim_transport_open_channel_finish (transport, waiter_wait (&w), channel, fci, error);
  g_object_unref (w.result);
  return ok;
}

#define open_channel_sync(t, c, f, e) open_aid_sync (t, ISDR_AID, c, f, e)

static GBytes *
transmit_sync (EsimTransport *transport, guint channel, const gchar *apdu_hex, GError **error)
{
  g_autoptr (GBytes) apdu = hex_bytes (apdu_hex);
  Waiter w = { 0 };
  GBytes *rapdu;

  esim_transport_transmit_async (transport, channel, apdu, NULL, waiter_cb, &w);
  rapdu = esim_transport_transmit_finish (transport, waiter_wait (&w), error);
  g_object_unref (w.result);
  return rapdu;
}

static gboolean
close_channel_sync (EsimTransport *transport, guint channel, GError **error)
{
  Waiter w = { 0 };
  gboolean ok;

  esim_transport_close_channel_async (transport, channel, NULL, waiter_cb, &w);
  ok = esim_transport_close_channel_finish (transport, waiter_wait (&w), error);
  g_object_unref (w.result);
  return ok;
}

static guint16
rapdu_sw (GBytes *rapdu)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (rapdu, &len);

  g_assert_cmpuint (len, >=, 2);
  return (guint16) (data[len - 2] << 8 | data[len - 1]);
}

static EsimTestSim *
sim_start (const gchar *first_arg, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  EsimTestSim *sim;
  va_list ap;

  va_start (ap, first_arg);
  for (const gchar *arg = first_arg; arg != NULL; arg = va_arg (ap, const gchar *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  sim = esim_test_sim_start ((const gchar *const *) args->pdata, &error);
  g_assert_no_error (error);
  return sim;
}

/* GetEID on the ISD-R channel, its data collected with GET RESPONSE */
static void
assert_get_eid (EsimTransport *transport, guint channel)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *store
    = g_strdup_printf ("%02XE2910006BF3E035C015A00", esim_apdu_cla_for_channel (0x80, channel));
  g_autoptr (GBytes) rapdu = transmit_sync (transport, channel, store, &error);
  g_autofree gchar *hex = NULL;
  guint16 sw;

  g_assert_no_error (error);
  sw = rapdu_sw (rapdu);
  if ((sw & 0xff00) == 0x6100) {
    g_autofree gchar *get
      = g_strdup_printf ("%02XC00000%02X", esim_apdu_cla_for_channel (0x00, channel), sw & 0xff);

    g_clear_pointer (&rapdu, g_bytes_unref);
    rapdu = transmit_sync (transport, channel, get, &error);
    g_assert_no_error (error);
    sw = rapdu_sw (rapdu);
  }
  g_assert_cmphex (sw, ==, 0x9000);
  hex = bytes_hex (rapdu);
  g_assert_true (g_str_has_prefix (hex, "BF3E125A10"));
}

static void
test_reader_by_name (void)
{
  g_autoptr (EsimTestSim) sim = sim_start (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTestVicc) vicc = esim_test_vicc_insert (sim, 0, NULL, &error);
  g_autoptr (EsimTransport) transport = NULL;
  g_autoptr (GBytes) fci = NULL;
  g_autoptr (GBytes) atr = NULL;
  g_autofree gchar *reader = NULL;
  g_autofree gchar *atr_hex = NULL;
  guint channel = 0;

  g_assert_no_error (error);
  g_assert_nonnull (vicc);
  transport = esim_transport_pcsc_new (esim_test_fake_pcsc_get_reader (0));
  g_assert_cmpstr (esim_transport_get_kind (transport), ==, "pcsc");
  g_assert_cmpstr (esim_transport_get_device (transport), ==, esim_test_fake_pcsc_get_reader (0));
  g_assert_cmpint (esim_transport_pcsc_get_protocol (ESIM_TRANSPORT_PCSC (transport)), ==, -1);
  g_assert_true (open_sync (transport, &error));
  g_assert_no_error (error);
  g_assert_true (esim_transport_is_open (transport));
  reader = esim_transport_pcsc_dup_reader (ESIM_TRANSPORT_PCSC (transport));
  g_assert_cmpstr (reader, ==, esim_test_fake_pcsc_get_reader (0));
  /* the card's ATR offers T=0 only */
  g_assert_cmpint (esim_transport_pcsc_get_protocol (ESIM_TRANSPORT_PCSC (transport)), ==, 0);
  atr = esim_transport_pcsc_dup_atr (ESIM_TRANSPORT_PCSC (transport));
  atr_hex = bytes_hex (atr);
  g_assert_cmpstr (atr_hex, ==, SIM_ATR);

  g_assert_true (open_channel_sync (transport, &channel, &fci, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (channel, ==, 1);
  /* SELECT with P2 0C: no FCI asked for, no GET RESPONSE for it */
  g_assert_cmpuint (g_bytes_get_size (fci), ==, 0);
  assert_get_eid (transport, channel);
  g_assert_true (close_channel_sync (transport, channel, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (esim_transport_get_apdu_count (transport), ==, 2);
  esim_transport_close (transport);
  g_assert_false (esim_transport_is_open (transport));
}

static void
test_first_reader_with_card (void)
{
  g_autoptr (EsimTestSim) sim = sim_start (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTransport) empty = NULL;
  g_autoptr (EsimTransport) transport = NULL;
  g_autoptr (EsimTestVicc) vicc = NULL;
  g_autofree gchar *reader = NULL;
  guint channel = 0;

  g_assert_true (esim_test_fake_pcsc_start (&error));
  g_assert_no_error (error);
  /* no card anywhere yet */
  empty = esim_transport_pcsc_new (NULL);
  g_assert_cmpstr (esim_transport_get_device (empty), ==, "");
  g_assert_false (open_sync (empty, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_assert_nonnull (strstr (error->message, "no PC/SC reader holds a card"));
  g_assert_nonnull (strstr (error->message, esim_test_fake_pcsc_get_reader (1)));
  g_clear_error (&error);

  /* the second slot has the card, the first stays empty */
  vicc = esim_test_vicc_insert (sim, 1, NULL, &error);
  g_assert_no_error (error);
  transport = esim_transport_pcsc_new (NULL);
  g_assert_true (open_sync (transport, &error));
  g_assert_no_error (error);
  reader = esim_transport_pcsc_dup_reader (ESIM_TRANSPORT_PCSC (transport));
  g_assert_cmpstr (reader, ==, esim_test_fake_pcsc_get_reader (1));
  g_assert_true (open_channel_sync (transport, &channel, NULL, &error));
  g_assert_no_error (error);
  assert_get_eid (transport, channel);
}

static void
test_unknown_reader (void)
{
  g_autoptr (EsimTestSim) sim = sim_start (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTestVicc) vicc = esim_test_vicc_insert (sim, 0, NULL, &error);
  g_autoptr (EsimTransport) transport = esim_transport_pcsc_new ("No Such Reader 00 00");
  g_autoptr (GBytes) rapdu = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (vicc);
  g_assert_false (open_sync (transport, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  /* the message names the reader asked for and those there are */
  g_assert_nonnull (strstr (error->message, "“No Such Reader 00 00”"));
  g_assert_nonnull (strstr (error->message, esim_test_fake_pcsc_get_reader (0)));
  g_clear_error (&error);
  g_assert_false (esim_transport_is_open (transport));
  rapdu = transmit_sync (transport, 0, "00A4040000", &error);
  g_assert_null (rapdu);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN);
}

static void
gone_cb (EsimTransport *transport, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_card_removal (void)
{
  g_autoptr (EsimTestSim) sim = sim_start (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTransport) transport = NULL;
  g_autoptr (GBytes) rapdu = NULL;
  guint channel = 0;
  guint gone = 0;

  transport = esim_test_fake_pcsc_transport_new (sim, &error);
  g_assert_no_error (error);
  g_signal_connect (transport, "gone", G_CALLBACK (gone_cb), &gone);
  g_assert_true (open_sync (transport, &error));
  g_assert_no_error (error);
  g_assert_true (open_channel_sync (transport, &channel, NULL, &error));
  g_assert_no_error (error);

  /* the virtual card disconnects from vpcd: pcscd sees it removed */
  esim_test_fake_pcsc_pull_card (transport);
  rapdu = transmit_sync (transport, channel, "81E2910006BF3E035C015A00", &error);
  g_assert_null (rapdu);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_assert_cmpuint (gone, ==, 1);
  g_assert_false (esim_transport_is_open (transport));
  g_clear_error (&error);

  /* it stays gone, without asking the reader */
  rapdu = transmit_sync (transport, channel, "81E2910006BF3E035C015A00", &error);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_clear_error (&error);
  g_assert_false (close_channel_sync (transport, channel, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_clear_error (&error);
  g_assert_cmpuint (gone, ==, 1);
  /* the reader is empty now */
  g_assert_false (open_sync (transport, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
}

static gboolean
wait_count_timeout_cb (gpointer user_data)
{
  g_error ("timed out waiting for %s", (const gchar *) user_data);
  return G_SOURCE_REMOVE;
}

/* runs the main loop until *count reaches n; a signal wakes it */
static void
wait_count (const guint *count, guint n, const gchar *what)
{
  guint id = g_timeout_add_seconds (30, wait_count_timeout_cb, (gpointer) what);

  while (*count < n)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
test_presence_watch (void)
{
  g_autoptr (EsimTestSim) sim = sim_start (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTransport) transport = NULL;
  g_autoptr (EsimTestVicc) vicc = NULL;
  guint channel = 0;
  guint gone = 0;
  guint appeared = 0;
  guint appeared_before;
  guint64 apdus;

  transport = esim_test_fake_pcsc_transport_new (sim, &error);
  g_assert_no_error (error);
  g_signal_connect (transport, "gone", G_CALLBACK (gone_cb), &gone);
  g_signal_connect (transport, "appeared", G_CALLBACK (gone_cb), &appeared);
  esim_transport_set_watch_presence (transport, TRUE);
  g_assert_true (open_sync (transport, &error));
  g_assert_no_error (error);
  g_assert_true (open_channel_sync (transport, &channel, NULL, &error));
  g_assert_no_error (error);
  assert_get_eid (transport, channel);

  /* the card is pulled while nobody uses it: ::gone without an APDU */
  apdus = esim_transport_get_apdu_count (transport);
  appeared_before = appeared;
  esim_test_fake_pcsc_pull_card (transport);
  wait_count (&gone, 1, "::gone after the card was pulled");
  g_assert_false (esim_transport_is_open (transport));
  g_assert_cmpuint (esim_transport_get_apdu_count (transport), ==, apdus);

  /* it comes back: ::appeared, and the link opens again */
  vicc = esim_test_vicc_insert (sim, 0, NULL, &error);
  g_assert_no_error (error);
  wait_count (&appeared, appeared_before + 1, "::appeared after the card came back");
  g_assert_cmpuint (gone, ==, 1);
  g_assert_true (open_sync (transport, &error));
  g_assert_no_error (error);
  g_assert_true (open_channel_sync (transport, &channel, NULL, &error));
  g_assert_no_error (error);
  assert_get_eid (transport, channel);

  /* and it is watched again */
  g_clear_pointer (&vicc, esim_test_vicc_remove);
  wait_count (&gone, 2, "::gone after the card was pulled again");
  /* the thread ends with the transport (ASan/LSan see to the rest) */
  g_clear_object (&transport);
}

static void
test_presence_watch_before_open (void)
{
  g_autoptr (EsimTestSim) sim = sim_start (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTransport) transport = NULL;
  g_autoptr (EsimTestVicc) vicc = NULL;
  guint appeared = 0;

  g_assert_true (esim_test_fake_pcsc_start (&error));
  g_assert_no_error (error);
  /* the named reader is empty: nothing to open yet, but it is watched */
  transport = esim_transport_pcsc_new (esim_test_fake_pcsc_get_reader (1));
  g_signal_connect (transport, "appeared", G_CALLBACK (gone_cb), &appeared);
  esim_transport_set_watch_presence (transport, TRUE);
  g_assert_false (open_sync (transport, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_clear_error (&error);
  g_assert_cmpuint (appeared, ==, 0);
  vicc = esim_test_vicc_insert (sim, 1, NULL, &error);
  g_assert_no_error (error);
  wait_count (&appeared, 1, "::appeared when a card came into the reader");
  g_assert_true (open_sync (transport, &error));
  g_assert_no_error (error);
  /* turned off, the thread ends at once */
  esim_transport_set_watch_presence (transport, FALSE);
  esim_transport_close (transport);
}

static void
test_card_vanishes_mid_exchange (void)
{
  /* MANAGE CHANNEL, SELECT (P2 0C, no FCI), then the card is gone with
   * the command in flight */
  g_autoptr (EsimTestSim) sim = sim_start ("--fault", "vanish:3", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTransport) transport = NULL;
  g_autoptr (GBytes) rapdu = NULL;
  guint channel = 0;
  guint gone = 0;

  transport = esim_test_fake_pcsc_transport_new (sim, &error);
  g_assert_no_error (error);
  g_signal_connect (transport, "gone", G_CALLBACK (gone_cb), &gone);
  g_assert_true (open_sync (transport, &error));
  g_assert_no_error (error);
  g_assert_true (open_channel_sync (transport, &channel, NULL, &error));
  g_assert_no_error (error);
  rapdu = transmit_sync (transport, channel, "81E2910006BF3E035C015A00", &error);
  g_assert_null (rapdu);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE);
  g_assert_cmpuint (gone, ==, 1);
}

/* MANAGE CHANNEL open on the basic channel, from another application */
static guint
manage_channel_open (EsimTransport *transport)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) rapdu = transmit_sync (transport, 0, "0070000001", &error);

  g_assert_no_error (error);
  g_assert_cmphex (rapdu_sw (rapdu), ==, 0x9000);
  g_assert_cmpuint (g_bytes_get_size (rapdu), ==, 3);
  return ((const guint8 *) g_bytes_get_data (rapdu, NULL))[0];
}

static void
manage_channel_close (EsimTransport *transport, guint channel)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *apdu
    = g_strdup_printf ("%02X7080%02X", esim_apdu_cla_for_channel (0x00, channel), channel);
  g_autoptr (GBytes) rapdu = transmit_sync (transport, channel, apdu, &error);

  g_assert_no_error (error);
  g_assert_cmphex (rapdu_sw (rapdu), ==, 0x9000);
}

static void
test_close_closes_channels (void)
{
  g_autoptr (EsimTestSim) sim = sim_start (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTransport) watcher = NULL;
  const gchar *reader;
  guint probe;

  watcher = esim_test_fake_pcsc_transport_new (sim, &error);
  g_assert_no_error (error);
  reader = esim_test_fake_pcsc_get_reader (0);
  /* a second application on the shared card, connected throughout, so
   * that pcscd never powers the card down in between */
  g_assert_true (open_sync (watcher, &error));
  g_assert_no_error (error);

  for (guint round = 0; round < 2; round++) {
    g_autoptr (EsimTransport) transport = esim_transport_pcsc_new (reader);
    guint first = 0;
    guint second = 0;

    g_assert_true (open_sync (transport, &error));
    g_assert_no_error (error);
    g_assert_true (open_channel_sync (transport, &first, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (open_channel_sync (transport, &second, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (first, ==, 1);
    g_assert_cmpuint (second, ==, 2);
    /* while they are open, the next free channel is 3 */
    probe = manage_channel_open (watcher);
    g_assert_cmpuint (probe, ==, 3);
    manage_channel_close (watcher, probe);
    /* close() in the first round, only the last unref in the second */
    if (round == 0) {
      esim_transport_close (transport);
      g_assert_false (esim_transport_is_open (transport));
    }
    g_clear_object (&transport);
    probe = manage_channel_open (watcher);
    g_assert_cmpuint (probe, ==, 1);
    manage_channel_close (watcher, probe);
  }
}

static void
test_protocol_t1 (void)
{
  g_autoptr (EsimTestSim) sim = sim_start (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTestVicc) vicc = esim_test_vicc_insert (sim, 0, T1_ATR, &error);
  g_autoptr (EsimTransport) transport = NULL;
  g_autoptr (GBytes) atr = NULL;
  g_autofree gchar *atr_hex = NULL;
  guint channel = 0;

  g_assert_no_error (error);
  g_assert_nonnull (vicc);
  transport = esim_transport_pcsc_new (esim_test_fake_pcsc_get_reader (0));
  g_assert_true (open_sync (transport, &error));
  g_assert_no_error (error);
  atr = esim_transport_pcsc_dup_atr (ESIM_TRANSPORT_PCSC (transport));
  atr_hex = bytes_hex (atr);
  g_assert_cmpstr (atr_hex, ==, T1_ATR);
  g_assert_cmpint (esim_transport_pcsc_get_protocol (ESIM_TRANSPORT_PCSC (transport)), ==, 1);
  g_assert_true (open_channel_sync (transport, &channel, NULL, &error));
  g_assert_no_error (error);
  assert_get_eid (transport, channel);
}

static void
test_busy_and_not_open (void)
{
  g_autoptr (EsimTestSim) sim = sim_start (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTransport) transport = esim_test_fake_pcsc_transport_new (sim, &error);
  g_autoptr (GBytes) apdu = hex_bytes ("0070000001");
  g_autoptr (GBytes) rapdu = NULL;
  g_autoptr (GBytes) short_aid = hex_bytes ("A0000005");
  Waiter w1 = { 0 };
  Waiter w2 = { 0 };
  guint channel = 0;

  g_assert_no_error (error);
  rapdu = transmit_sync (transport, 0, "0070000001", &error);
  g_assert_null (rapdu);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN);
  g_clear_error (&error);
  g_assert_true (open_sync (transport, &error));
  g_assert_no_error (error);

  /* callers serialize: a second request while one is in flight is refused */
  esim_transport_transmit_async (transport, 0, apdu, NULL, waiter_cb, &w1);
  esim_transport_transmit_async (transport, 0, apdu, NULL, waiter_cb, &w2);
  rapdu = esim_transport_transmit_finish (transport, waiter_wait (&w2), &error);
  g_assert_null (rapdu);
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_BUSY);
  g_clear_error (&error);
  rapdu = esim_transport_transmit_finish (transport, waiter_wait (&w1), &error);
  g_assert_no_error (error);
  g_assert_cmphex (rapdu_sw (rapdu), ==, 0x9000);
  g_clear_object (&w1.result);
  g_clear_object (&w2.result);
  w1.done = FALSE;

  /* an AID the card does not have, and one too short to be an AID */
  g_assert_false (
    open_aid_sync (transport, "A0000005591010FFFFFFFF8900000999", &channel, NULL, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  esim_transport_open_channel_async (transport, short_aid, NULL, waiter_cb, &w1);
  g_assert_false (
    esim_transport_open_channel_finish (transport, waiter_wait (&w1), &channel, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_object (&w1.result);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pcsc/reader-by-name", test_reader_by_name);
  g_test_add_func ("/pcsc/first-reader-with-card", test_first_reader_with_card);
  g_test_add_func ("/pcsc/unknown-reader", test_unknown_reader);
  g_test_add_func ("/pcsc/card-removal", test_card_removal);
  g_test_add_func ("/pcsc/card-vanishes-mid-exchange", test_card_vanishes_mid_exchange);
  g_test_add_func ("/pcsc/presence-watch", test_presence_watch);
  g_test_add_func ("/pcsc/presence-watch-before-open", test_presence_watch_before_open);
  g_test_add_func ("/pcsc/close-closes-channels", test_close_closes_channels);
  g_test_add_func ("/pcsc/protocol-t1", test_protocol_t1);
  g_test_add_func ("/pcsc/busy-and-not-open", test_busy_and_not_open);
  return g_test_run ();
}
