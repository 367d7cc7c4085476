/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gunixsocketaddress.h>

#include "esim-apdu.h"
#include "esim-sim-upp.h"
#include "esim-test-sim.h"
#include "test-sim-util.h"

GBytes *
test_hex (const gchar *hex)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *clean = g_strdup (hex);
  GBytes *bytes;
  gchar *w = clean;

  /* spaces are allowed for readability */
  for (const gchar *r = hex; *r != '\0'; r++) {
    if (*r != ' ')
      *w++ = *r;
  }
  *w = '\0';
  bytes = esim_sim_hex_decode (clean, &error);
  g_assert_no_error (error);
  return bytes;
}

void
test_assert_bytes (GBytes *bytes, const gchar *hex)
{
  g_autoptr (GBytes) expected = test_hex (hex);
  g_autofree gchar *got = NULL;
  g_autofree gchar *want = NULL;

  g_assert_nonnull (bytes);
  got = esim_sim_hex_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  want = esim_sim_hex_encode (g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  g_assert_cmpstr (got, ==, want);
}

EsimSimCard *
test_card_new (const gchar *const *profiles, const gchar *state_path, gboolean strict_le)
{
  g_autoptr (EsimSimConfig) config = esim_sim_config_new ();
  g_autoptr (GError) error = NULL;
  EsimSimCard *card;

  config->pki_dir = esim_test_shared_path ("fixtures/sgp26");
  config->state_path = g_strdup (state_path);
  config->profiles = g_strdupv ((gchar **) profiles);
  config->strict_le = strict_le;
  card = esim_sim_card_new (config, &error);
  g_assert_no_error (error);
  return card;
}

static GBytes *
test_card_transmit (gpointer target, GBytes *capdu)
{
  return esim_sim_card_transmit (target, capdu);
}

void
test_link_card (TestLink *link, EsimSimCard *card)
{
  link->transmit = test_card_transmit;
  link->target = card;
  link->channel = 0;
}

guint16
test_apdu_bytes (TestLink *link, GBytes *capdu, GBytes **data)
{
  g_autoptr (GBytes) rapdu = link->transmit (link->target, capdu);
  g_autoptr (GError) error = NULL;
  guint16 sw = 0;

  g_assert_nonnull (rapdu);
  g_assert_true (esim_apdu_parse_response (rapdu, data, &sw, &error));
  g_assert_no_error (error);
  return sw;
}

guint16
test_apdu (TestLink *link, const gchar *hex, GBytes **data)
{
  g_autoptr (GBytes) capdu = test_hex (hex);

  return test_apdu_bytes (link, capdu, data);
}

void
test_open_isdr (TestLink *link)
{
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GBytes) fci = NULL;
  g_autoptr (GBytes) select = NULL;
  g_autoptr (GBytes) aid = test_hex (ESIM_SIM_ISDR_AID);
  guint16 sw;

  sw = test_apdu (link, "0070000001", &data);
  g_assert_cmpuint (sw, ==, 0x9000);
  g_assert_cmpuint (g_bytes_get_size (data), ==, 1);
  link->channel = ((const guint8 *) g_bytes_get_data (data, NULL))[0];
  select = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, link->channel), 0xA4, 0x04, 0x00,
                             g_bytes_get_data (aid, NULL), g_bytes_get_size (aid), 0);
  sw = test_apdu_bytes (link, select, NULL);
  g_assert_cmpuint (sw & 0xff00, ==, 0x6100);
  {
    g_autoptr (GBytes) get = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, link->channel),
                                               0xC0, 0, 0, NULL, 0, sw & 0xff);
    sw = test_apdu_bytes (link, get, &fci);
  }
  g_assert_cmpuint (sw, ==, 0x9000);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (fci, NULL))[0], ==, 0x6F);
}

static guint16
test_es10_exchange (TestLink *link, GBytes *request, gsize block_size, GBytes **response)
{
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (request, &len);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint8 cla = esim_apdu_cla_for_channel (0x80, link->channel);
  gsize pos = 0;
  guint block = 0;
  guint16 sw = 0;

  if (block_size == 0)
    block_size = 255;
  do {
    gsize n = MIN (block_size, len - pos);
    gboolean last = pos + n == len;
    g_autoptr (GBytes) capdu = esim_apdu_encode (cla, 0xE2, last ? 0x91 : 0x11, (guint8) block,
                                                 buf + pos, n, last ? 0 : -1);
    sw = test_apdu_bytes (link, capdu, NULL);
    if (!last)
      g_assert_cmpuint (sw, ==, 0x9000);
    pos += n;
    block++;
  } while (pos < len);

  while ((sw & 0xff00) == 0x6100) {
    g_autoptr (GBytes) data = NULL;
    g_autoptr (GBytes) get
      = esim_apdu_encode (cla, 0xC0, 0, 0, NULL, 0, (sw & 0xff) == 0 ? 256 : (sw & 0xff));
    sw = test_apdu_bytes (link, get, &data);
    g_byte_array_append (out, g_bytes_get_data (data, NULL), (guint) g_bytes_get_size (data));
  }
  if (response != NULL)
    *response = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  return sw;
}

GBytes *
test_es10 (TestLink *link, GBytes *request, gsize block_size)
{
  GBytes *response = NULL;
  guint16 sw = test_es10_exchange (link, request, block_size, &response);

  g_assert_cmphex (sw, ==, 0x9000);
  return response;
}

GBytes *
test_es10_hex (TestLink *link, const gchar *hex)
{
  g_autoptr (GBytes) request = test_hex (hex);

  return test_es10 (link, request, 0);
}

guint16
test_es10_sw (TestLink *link, const gchar *hex)
{
  g_autoptr (GBytes) request = test_hex (hex);

  return test_es10_exchange (link, request, 0, NULL);
}

GSocketConnection *
test_socket_connect (const gchar *path)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr (GError) error = NULL;
  GSocketConnection *conn;

  conn = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_no_error (error);
  return conn;
}

GBytes *
test_socket_exchange (GSocketConnection *conn, guint8 type, const guint8 *payload, gsize len,
                      guint8 *reply_type)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  g_autoptr (GError) error = NULL;
  guint32 n = (guint32) len + 1;
  guint8 header[5]
    = { (guint8) (n >> 24), (guint8) (n >> 16), (guint8) (n >> 8), (guint8) n, type };
  g_autofree guint8 *buf = NULL;
  gsize got = 0;

  /* a peer that hung up shows as NULL, like end of stream */
  if (!g_output_stream_write_all (out, header, sizeof (header), NULL, NULL, NULL)
      || (len > 0 && !g_output_stream_write_all (out, payload, len, NULL, NULL, NULL)))
    return NULL;
  if (!g_input_stream_read_all (in, header, 4, &got, NULL, NULL) || got != 4)
    return NULL;
  n = ((guint32) header[0] << 24) | ((guint32) header[1] << 16) | ((guint32) header[2] << 8)
      | header[3];
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, 65544);
  buf = g_malloc (n);
  g_assert_true (g_input_stream_read_all (in, buf, n, &got, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, n);
  *reply_type = buf[0];
  return g_bytes_new (buf + 1, n - 1);
}

GBytes *
test_socket_transmit (gpointer conn, GBytes *capdu)
{
  guint8 type = 0;
  GBytes *reply = test_socket_exchange (conn, 0x01, g_bytes_get_data (capdu, NULL),
                                        g_bytes_get_size (capdu), &type);

  g_assert_nonnull (reply);
  g_assert_cmphex (type, ==, 0x81);
  return reply;
}
