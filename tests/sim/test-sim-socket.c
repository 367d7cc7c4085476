/*
 * The esim-sim program over its unix socket: framing, clients, faults,
 * restarts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gunixsocketaddress.h>

#include "esim-apdu.h"
#include "esim-transport-socket.h"
#include "esim-sim-card.h"
#include "esim-test-sim.h"
#include "test-sim-util.h"

#define ICCID_A "98001032547698103214"
#define ICCID_B "989444999999990920F3"
#define EID "89049032123451234512345678901235"

static gchar *
upp (const gchar *name, const gchar *keys)
{
  g_autofree gchar *rel = g_build_filename ("fixtures/upp", name, NULL);
  g_autofree gchar *path = esim_test_shared_path (rel);

  return keys != NULL ? g_strdup_printf ("--profile=%s,%s", path, keys)
                      : g_strdup_printf ("--profile=%s", path);
}

static EsimTestSim *
start (const gchar *fault1, const gchar *fault2)
{
  g_autofree gchar *a = upp ("TS48v1_A.der", "state=enabled");
  g_autofree gchar *b = upp ("TS48V1-A-UNIQUE.der", NULL);
  const gchar *args[] = { a, b, fault1, fault2, NULL };
  g_autoptr (GError) error = NULL;
  EsimTestSim *sim = esim_test_sim_start (args, &error);

  g_assert_no_error (error);
  return sim;
}

static void
link_socket (TestLink *link, GSocketConnection *conn)
{
  link->transmit = test_socket_transmit;
  link->target = conn;
  link->channel = 0;
}

static void
test_basic (void)
{
  g_autoptr (EsimTestSim) sim = start (NULL, NULL);
  g_autoptr (GSocketConnection) conn = test_socket_connect (esim_test_sim_get_socket (sim));
  g_autoptr (GBytes) atr = NULL;
  g_autoptr (GBytes) eid = NULL;
  g_autoptr (GBytes) brief = NULL;
  TestLink link;
  guint8 type = 0;

  atr = test_socket_exchange (conn, 0x02, NULL, 0, &type);
  g_assert_cmphex (type, ==, 0x82);
  test_assert_bytes (atr, "3B9F96801FC78031E073FE211B63F100829000 0D");
  link_socket (&link, conn);
  test_open_isdr (&link);
  eid = test_es10_hex (&link, "BF3E035C015A");
  test_assert_bytes (eid, "BF3E125A10" EID);
  brief = test_es10_hex (&link, "BF2D03 5C015A");
  test_assert_bytes (brief, "BF2D1E A01C E30C 5A0A" ICCID_A " E30C 5A0A" ICCID_B);
}

static void
test_garbage (void)
{
  g_autoptr (EsimTestSim) sim = start (NULL, NULL);
  g_autoptr (GSocketConnection) conn = test_socket_connect (esim_test_sim_get_socket (sim));
  g_autoptr (GSocketConnection) conn2 = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GBytes) eof = NULL;
  static const guint8 empty[4] = { 0, 0, 0, 0 };
  static const guint8 huge[4] = { 0x7F, 0xFF, 0xFF, 0xFF };
  static const guint8 short_apdu[2] = { 0x00, 0xA4 };
  guint8 header[4];
  gsize got = 0;
  guint8 type = 0;

  reply = test_socket_exchange (conn, 0x07, (const guint8 *) "xyz", 3, &type);
  g_assert_cmphex (type, ==, 0xFF);
  g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                   "unknown frame type 0x07", 23);
  g_clear_pointer (&reply, g_bytes_unref);
  reply = test_socket_exchange (conn, 0x01, short_apdu, sizeof (short_apdu), &type);
  g_assert_cmphex (type, ==, 0x81);
  test_assert_bytes (reply, "6700");
  g_clear_pointer (&reply, g_bytes_unref);
  reply = test_socket_exchange (conn, 0x01, NULL, 0, &type);
  test_assert_bytes (reply, "6700");

  /* an empty frame is answered, the stream stays usable */
  g_assert_true (g_output_stream_write_all (out, empty, sizeof (empty), NULL, NULL, NULL));
  g_assert_true (g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (conn)), header,
                                          4, &got, NULL, NULL));
  g_assert_cmpuint (got, ==, 4);
  g_assert_cmpuint (header[3], ==, 1 + strlen ("empty frame"));
  {
    guint8 body[12];
    g_assert_true (g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (conn)), body,
                                            sizeof (body), &got, NULL, NULL));
    g_assert_cmpmem (body, 12,
                     "\xFF"
                     "empty frame",
                     12);
  }
  g_clear_pointer (&reply, g_bytes_unref);
  reply = test_socket_exchange (conn, 0x02, NULL, 0, &type);
  g_assert_cmphex (type, ==, 0x82);

  /* an oversized length cannot be skipped: error, then hang-up */
  g_assert_true (g_output_stream_write_all (out, huge, sizeof (huge), NULL, NULL, NULL));
  g_assert_true (g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (conn)), header,
                                          4, &got, NULL, NULL));
  g_assert_cmpuint (got, ==, 4);
  {
    gsize n = header[3];
    g_autofree guint8 *body = g_malloc (n);
    g_assert_true (g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (conn)), body,
                                            n, &got, NULL, NULL));
    g_assert_cmphex (body[0], ==, 0xFF);
  }
  eof = test_socket_exchange (conn, 0x02, NULL, 0, &type);
  g_assert_null (eof);

  /* the program lives on */
  conn2 = test_socket_connect (esim_test_sim_get_socket (sim));
  g_clear_pointer (&reply, g_bytes_unref);
  reply = test_socket_exchange (conn2, 0x01, (const guint8 *) "\x00\x70\x00\x00\x01", 5, &type);
  test_assert_bytes (reply, "019000");
}

static void
test_clients (void)
{
  g_autoptr (EsimTestSim) sim = start (NULL, NULL);
  GSocketConnection *first = test_socket_connect (esim_test_sim_get_socket (sim));
  g_autoptr (GSocketConnection) second = NULL;
  g_autoptr (GBytes) reply = NULL;
  TestLink link;
  guint8 type = 0;
  static const guint8 reset[5] = { 0, 0, 0, 1, 0x02 };

  link_socket (&link, first);
  test_open_isdr (&link);
  g_assert_cmpuint (link.channel, ==, 1);
  /* the second client waits its turn */
  second = test_socket_connect (esim_test_sim_get_socket (sim));
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (second)),
                                            reset, sizeof (reset), NULL, NULL, NULL));
  g_assert_cmphex (test_apdu (&link, "81E2910006BF3E035C015A", NULL), ==, 0x6115);
  g_io_stream_close (G_IO_STREAM (first), NULL, NULL);
  g_object_unref (first);
  {
    guint8 header[4];
    guint8 body[64];
    gsize got = 0;
    GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (second));
    g_assert_true (g_input_stream_read_all (in, header, 4, &got, NULL, NULL));
    g_assert_cmpuint (header[3], ==, 21);
    g_assert_true (g_input_stream_read_all (in, body, 21, &got, NULL, NULL));
    g_assert_cmphex (body[0], ==, 0x82);
  }
  /* and finds a fresh card: channel 1 is closed again */
  reply = test_socket_exchange (second, 0x01, (const guint8 *) "\x81\xE2\x91\x00\x03\xBF\x20\x00",
                                8, &type);
  test_assert_bytes (reply, "6881");
}

static void
test_restart (void)
{
  g_autoptr (EsimTestSim) sim = start (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *contents = NULL;

  {
    g_autoptr (GSocketConnection) conn = test_socket_connect (esim_test_sim_get_socket (sim));
    g_autoptr (GBytes) r = NULL;
    TestLink link;

    link_socket (&link, conn);
    test_open_isdr (&link);
    r = test_es10_hex (&link, "BF3111 A00C5A0A" ICCID_B " 8101FF");
    test_assert_bytes (r, "BF3103800100");
  }
  /* kill and start again, with other seeds that must be ignored */
  g_assert_true (esim_test_sim_restart (sim, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr (GSocketConnection) conn = test_socket_connect (esim_test_sim_get_socket (sim));
    g_autoptr (GBytes) states = NULL;
    g_autoptr (GBytes) notes = NULL;
    g_autoptr (GBytes) r = NULL;
    TestLink link;

    link_socket (&link, conn);
    test_open_isdr (&link);
    states = test_es10_hex (&link, "BF2D04 5C029F70");
    test_assert_bytes (states, "BF2D0E A00C E3049F700100 E3049F700101");
    notes = test_es10_hex (&link, "BF2800");
    g_assert_cmpuint (g_bytes_get_size (notes), ==, 0x57);
    r = test_es10_hex (&link, "BF3111 A00C5A0A" ICCID_A " 8101FF");
    test_assert_bytes (r, "BF3103800100");
    g_clear_pointer (&notes, g_bytes_unref);
    /* numbers 3 and 4 follow 1 and 2 */
    notes = test_es10_hex (&link, "BF2804 81020640");
    g_assert_cmpuint (g_bytes_get_size (notes), ==, 5 + 2 * 41);
    g_assert_cmphex (((const guint8 *) g_bytes_get_data (notes, NULL))[5 + 41 + 5], ==, 4);
  }

  /* a corrupt state file stops the program with an error */
  esim_test_sim_stop (sim);
  g_assert_true (g_file_get_contents (esim_test_sim_get_state_path (sim), &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"seq-counter\" : 4"));
  g_assert_true (
    g_file_set_contents (esim_test_sim_get_state_path (sim), "{\"version\": 1,", -1, NULL));
  g_assert_false (esim_test_sim_restart (sim, NULL, &error));
  g_assert_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED);
}

static void
test_duplicate_seed (void)
{
  g_autofree gchar *a = upp ("TS48v1_A.der", NULL);
  g_autofree gchar *b = upp ("TS48v2_SAIP2.3_BERTLV.der", NULL);
  const gchar *args[] = { a, b, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimTestSim) sim = esim_test_sim_start (args, &error);

  g_assert_null (sim);
  g_assert_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED);
}

static void
test_fault_sw (void)
{
  g_autoptr (EsimTestSim) sim = start ("--fault=sw:2:6F00", "--fault=sw:4:6A84");
  g_autoptr (GSocketConnection) conn = test_socket_connect (esim_test_sim_get_socket (sim));
  g_autoptr (GSocketConnection) conn2 = NULL;
  g_autoptr (GBytes) d = NULL;
  TestLink link;

  link_socket (&link, conn);
  g_assert_cmphex (test_apdu (&link, "0070000001", &d), ==, 0x9000);
  /* not executed: channel 2 is not opened */
  g_assert_cmphex (test_apdu (&link, "0070000001", NULL), ==, 0x6F00);
  g_clear_pointer (&d, g_bytes_unref);
  g_assert_cmphex (test_apdu (&link, "0070000001", &d), ==, 0x9000);
  test_assert_bytes (d, "02");
  /* counting goes on across connections */
  g_clear_object (&conn);
  conn2 = test_socket_connect (esim_test_sim_get_socket (sim));
  link_socket (&link, conn2);
  g_assert_cmphex (test_apdu (&link, "0070000001", NULL), ==, 0x6A84);
  g_assert_cmphex (test_apdu (&link, "0070000001", NULL), ==, 0x9000);
}

static gint64
timed_apdu (TestLink *link, const gchar *hex, guint16 expected)
{
  gint64 start_time = g_get_monotonic_time ();

  g_assert_cmphex (test_apdu (link, hex, NULL), ==, expected);
  return (g_get_monotonic_time () - start_time) / 1000;
}

static void
test_fault_delay (void)
{
  g_autoptr (EsimTestSim) sim = start ("--fault=delay:2:300", "--fault=delay:*:20");
  g_autoptr (GSocketConnection) conn = test_socket_connect (esim_test_sim_get_socket (sim));
  g_autoptr (GSocketConnection) other = NULL;
  TestLink link;
  gint64 ms;

  link_socket (&link, conn);
  ms = timed_apdu (&link, "00B0000000", 0x6D00);
  g_assert_cmpint (ms, >=, 20);
  g_assert_cmpint (ms, <, 300);
  ms = timed_apdu (&link, "00B0000000", 0x6D00);
  g_assert_cmpint (ms, >=, 320);
  /* the loop is not blocked by a delay: a waiting client is accepted
   * (at the socket level) while a reply is held back */
  ms = timed_apdu (&link, "00B0000000", 0x6D00);
  g_assert_cmpint (ms, >=, 20);
  g_assert_cmpint (ms, <, 300);
  other = test_socket_connect (esim_test_sim_get_socket (sim));
  g_assert_nonnull (other);
}

static void
test_fault_vanish (void)
{
  g_autoptr (EsimTestSim) sim = start ("--fault=vanish:2", NULL);
  g_autoptr (GSocketConnection) conn = test_socket_connect (esim_test_sim_get_socket (sim));
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GSocketConnection) again = NULL;
  g_autoptr (GError) error = NULL;
  TestLink link;
  guint8 type = 0;

  link_socket (&link, conn);
  g_assert_cmphex (test_apdu (&link, "0070000001", NULL), ==, 0x9000);
  reply = test_socket_exchange (conn, 0x01, (const guint8 *) "\x00\x70\x00\x00\x01", 5, &type);
  g_assert_null (reply);
  /* nobody listens any more */
  address = g_unix_socket_address_new (esim_test_sim_get_socket (sim));
  again = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_null (again);
  g_assert_nonnull (error);
}

static void
transport_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_transport (void)
{
  g_autoptr (EsimTestSim) sim = start (NULL, NULL);
  g_autoptr (EsimTransport) transport = esim_transport_socket_new (esim_test_sim_get_socket (sim));
  g_autoptr (GBytes) aid = NULL;
  g_autoptr (GBytes) fci = NULL;
  g_autoptr (GBytes) apdu = NULL;
  g_autoptr (GBytes) rapdu = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GAsyncResult) r4 = NULL;
  guint channel = 0;

  aid = test_hex (ESIM_SIM_ISDR_AID);
  esim_transport_open_async (transport, NULL, transport_cb, &r1);
  g_assert_true (esim_transport_open_finish (transport, wait_result (&r1), &error));
  g_assert_no_error (error);
  esim_transport_open_channel_async (transport, aid, NULL, transport_cb, &r2);
  g_assert_true (
    esim_transport_open_channel_finish (transport, wait_result (&r2), &channel, &fci, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (channel, ==, 1);
  /* SELECT with P2 0C: no FCI asked for, none fetched */
  g_assert_cmpuint (g_bytes_get_size (fci), ==, 0);
  apdu = test_hex ("81E2910006BF3E035C015A00");
  esim_transport_transmit_async (transport, channel, apdu, NULL, transport_cb, &r3);
  rapdu = esim_transport_transmit_finish (transport, wait_result (&r3), &error);
  g_assert_no_error (error);
  test_assert_bytes (rapdu, "6115");
  g_clear_pointer (&apdu, g_bytes_unref);
  g_clear_pointer (&rapdu, g_bytes_unref);
  apdu = test_hex ("81C0000015");
  esim_transport_transmit_async (transport, channel, apdu, NULL, transport_cb, &r4);
  rapdu = esim_transport_transmit_finish (transport, wait_result (&r4), &error);
  g_assert_no_error (error);
  test_assert_bytes (rapdu, "BF3E125A10" EID "9000");
  esim_transport_close (transport);
}

static gboolean
open_channel_sync (EsimTransport *transport, const gchar *aid_hex, guint *channel, GBytes **fci,
                   GError **error)
{
  g_autoptr (GBytes) aid = test_hex (aid_hex);
  g_autoptr (GAsyncResult) res = NULL;

  esim_transport_open_channel_async (transport, aid, NULL, transport_cb, &res);
  return esim_transport_open_channel_finish (transport, wait_result (&res), channel, fci, error);
}

static gboolean
close_channel_sync (EsimTransport *transport, guint channel, GError **error)
{
  g_autoptr (GAsyncResult) res = NULL;

  esim_transport_close_channel_async (transport, channel, NULL, transport_cb, &res);
  return esim_transport_close_channel_finish (transport, wait_result (&res), error);
}

/* the base class's MANAGE CHANNEL and SELECT, counted in APDUs since start:
 * 1-4 MANAGE CHANNEL, SELECT (6Cxx), SELECT again, GET RESPONSE; 5-7
 * MANAGE CHANNEL, SELECT (6A82), MANAGE CHANNEL close; 8-10 as 1-4 without
 * the 6Cxx; 11 MANAGE CHANNEL (6A81) */
static void
test_transport_select_fci (void)
{
  /* a card that refuses P2 0C: SELECT again asking for the FCI, and from
   * then on at once */
  g_autoptr (EsimTestSim) sim = start ("--quirk=no-select-p2-0c", NULL);
  g_autoptr (EsimTransport) transport = esim_transport_socket_new (esim_test_sim_get_socket (sim));
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GError) error = NULL;

  esim_transport_open_async (transport, NULL, transport_cb, &res);
  g_assert_true (esim_transport_open_finish (transport, wait_result (&res), &error));
  for (guint i = 0; i < 2; i++) {
    g_autoptr (GBytes) fci = NULL;
    guint channel = 0;

    g_assert_true (open_channel_sync (transport, ESIM_SIM_ISDR_AID, &channel, &fci, &error));
    g_assert_no_error (error);
    test_assert_bytes (fci, "6F1F 8410" ESIM_SIM_ISDR_AID " A504 9F6501FF E005 8203020202");
    g_assert_true (close_channel_sync (transport, channel, &error));
    g_assert_no_error (error);
  }
  esim_transport_close (transport);
}

static void
test_transport_channels (void)
{
  g_autoptr (EsimTestSim) sim = start ("--fault=sw:2:6C21", "--fault=sw:10:6A81");
  g_autoptr (EsimTransport) transport = esim_transport_socket_new (esim_test_sim_get_socket (sim));
  g_autoptr (GAsyncResult) res = NULL;
  g_autoptr (GBytes) fci = NULL;
  g_autoptr (GError) error = NULL;
  guint channel = 0;

  esim_transport_open_async (transport, NULL, transport_cb, &res);
  g_assert_true (esim_transport_open_finish (transport, wait_result (&res), &error));
  g_assert_no_error (error);

  /* 6Cxx: the same SELECT again with the card's Le */
  g_assert_true (open_channel_sync (transport, ESIM_SIM_ISDR_AID, &channel, &fci, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (channel, ==, 1);
  test_assert_bytes (fci, "6F1F 8410" ESIM_SIM_ISDR_AID " A504 9F6501FF E005 8203020202");
  g_assert_true (esim_transport_has_apdu_channel (transport, 1));

  /* an AID the card lacks: the channel goes back before the error */
  g_assert_false (
    open_channel_sync (transport, "A0000005591010FFFFFFFF8900000999", &channel, NULL, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmphex (esim_transport_get_apdu_channels (transport), ==, 1u << 1);
  g_assert_true (open_channel_sync (transport, ESIM_SIM_ISDR_AID, &channel, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (channel, ==, 2);

  /* no channel left */
  g_assert_false (open_channel_sync (transport, ESIM_SIM_ISDR_AID, &channel, NULL, &error));
  g_assert_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL);
  g_assert_nonnull (strstr (error->message, "6A81"));
  g_clear_error (&error);

  g_assert_true (close_channel_sync (transport, 2, &error));
  g_assert_no_error (error);
  g_assert_true (close_channel_sync (transport, 1, &error));
  g_assert_no_error (error);
  g_assert_cmphex (esim_transport_get_apdu_channels (transport), ==, 0);
  /* the card's word on a channel that is not open */
  g_assert_false (close_channel_sync (transport, 1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (close_channel_sync (transport, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  /* the transport's own APDUs are not the caller's */
  g_assert_cmpuint (esim_transport_get_apdu_count (transport), ==, 0);
  esim_transport_close (transport);
}

static void
test_cli (void)
{
  const gchar *program = g_getenv ("ESIM_SIM_PATH");
  g_autofree gchar *out = NULL;
  g_autofree gchar *err = NULL;
  g_autoptr (GError) error = NULL;
  gint status = 0;
  const gchar *help[] = { program, "--help", NULL };
  const gchar *missing[] = { program, "--socket", "/nonexistent/x", NULL };

  g_assert_true (g_spawn_sync (NULL, (gchar **) help, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "--fault"));
  g_assert_nonnull (strstr (out, "vanish:N"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_true (g_spawn_sync (NULL, (gchar **) missing, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "required"));
  {
    const gchar *args[] = { "--fault=explode:1", NULL };
    g_autoptr (EsimTestSim) sim = esim_test_sim_start (args, &error);
    g_assert_null (sim);
    g_clear_error (&error);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/socket/basic", test_basic);
  g_test_add_func ("/sim/socket/garbage", test_garbage);
  g_test_add_func ("/sim/socket/clients", test_clients);
  g_test_add_func ("/sim/socket/restart", test_restart);
  g_test_add_func ("/sim/socket/duplicate-seed", test_duplicate_seed);
  g_test_add_func ("/sim/socket/fault-sw", test_fault_sw);
  g_test_add_func ("/sim/socket/fault-delay", test_fault_delay);
  g_test_add_func ("/sim/socket/fault-vanish", test_fault_vanish);
  g_test_add_func ("/sim/socket/transport", test_transport);
  g_test_add_func ("/sim/socket/transport-channels", test_transport_channels);
  g_test_add_func ("/sim/socket/transport-select-fci", test_transport_select_fci);
  g_test_add_func ("/sim/socket/cli", test_cli);
  return g_test_run ();
}
