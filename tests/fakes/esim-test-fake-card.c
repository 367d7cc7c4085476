/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

#include "esim-apdu.h"
#include "esim-transport-socket.h"
#include "esim-test-fake-card.h"

typedef struct {
  EsimTestFakeCard *card; /* NULL once the card is freed */
  GBytes *apdu;
  EsimTestFakeCardApduFunc func;
  gpointer user_data;
  guint8 header[4];
  guint8 *payload;
  gsize payload_len;
} Request;

struct _EsimTestFakeCard {
  GSocketConnection *connection;
  GCancellable *cancellable;
  GQueue queue;
  Request *current;
  gboolean gone;
  EsimTestFakeCardEventFunc func;
  gpointer user_data;
};

static void
request_free (Request *req)
{
  g_bytes_unref (req->apdu);
  g_free (req->payload);
  g_free (req);
}

gchar *
esim_test_fake_hex (const guint8 *data, gsize len)
{
  GString *s = g_string_sized_new (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X", data[i]);
  return g_string_free (s, FALSE);
}

GBytes *
esim_test_fake_unhex (const gchar *hex, gsize len)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();

  if (len % 2 != 0)
    return NULL;
  for (gsize i = 0; i < len; i += 2) {
    gint hi = g_ascii_xdigit_value (hex[i]);
    gint lo = g_ascii_xdigit_value (hex[i + 1]);
    guint8 b;

    if (hi < 0 || lo < 0)
      return NULL;
    b = (guint8) (hi << 4 | lo);
    g_byte_array_append (out, &b, 1);
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void fake_card_pump (EsimTestFakeCard *self);

static void
fake_card_set_gone (EsimTestFakeCard *self)
{
  if (self->gone)
    return;
  self->gone = TRUE;
  g_clear_object (&self->connection);
  self->func (ESIM_TEST_FAKE_CARD_GONE, self->user_data);
}

/* an enable or disable that went through refreshes the card */
static void
fake_card_check_refresh (EsimTestFakeCard *self, const guint8 *r, gsize len)
{
  static const guint8 enable_ok[] = { 0xBF, 0x31, 0x03, 0x80, 0x01, 0x00 };
  static const guint8 disable_ok[] = { 0xBF, 0x32, 0x03, 0x80, 0x01, 0x00 };

  if (len >= sizeof (enable_ok) + 2
      && (memcmp (r, enable_ok, sizeof (enable_ok)) == 0
          || memcmp (r, disable_ok, sizeof (disable_ok)) == 0))
    self->func (ESIM_TEST_FAKE_CARD_REFRESH, self->user_data);
}

static void
fake_card_finish (Request *req, GBytes *rapdu)
{
  EsimTestFakeCard *self = req->card;

  self->current = NULL;
  if (req->func != NULL)
    req->func (rapdu, req->user_data);
  request_free (req);
  if (rapdu == NULL)
    fake_card_set_gone (self);
  else
    fake_card_pump (self);
}

static void
fake_card_payload_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Request *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) rapdu = NULL;
  gsize got = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), res, &got, &error)
      || req->card == NULL) {
    if (req->card != NULL)
      fake_card_finish (req, NULL);
    else
      request_free (req);
    return;
  }
  if (got != req->payload_len || req->payload[0] != ESIM_SOCKET_MSG_RAPDU || got < 3) {
    fake_card_finish (req, NULL);
    return;
  }
  fake_card_check_refresh (req->card, req->payload + 1, got - 1);
  rapdu = g_bytes_new (req->payload + 1, got - 1);
  fake_card_finish (req, rapdu);
}

static void
fake_card_header_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Request *req = user_data;
  g_autoptr (GError) error = NULL;
  gsize got = 0;
  guint32 len;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), res, &got, &error)
      || req->card == NULL || got != 4) {
    if (req->card != NULL)
      fake_card_finish (req, NULL);
    else
      request_free (req);
    return;
  }
  len = ((guint32) req->header[0] << 24) | ((guint32) req->header[1] << 16)
        | ((guint32) req->header[2] << 8) | req->header[3];
  if (len < 1 || len > ESIM_SOCKET_MAX_FRAME) {
    fake_card_finish (req, NULL);
    return;
  }
  req->payload = g_malloc (len);
  req->payload_len = len;
  g_input_stream_read_all_async (G_INPUT_STREAM (source), req->payload, len, G_PRIORITY_DEFAULT,
                                 req->card->cancellable, fake_card_payload_cb, req);
}

static void
fake_card_pump (EsimTestFakeCard *self)
{
  Request *req;
  gsize len = 0;
  const guint8 *apdu;
  guint8 hdr[5];
  GOutputStream *out;

  if (self->current != NULL || g_queue_is_empty (&self->queue))
    return;
  req = g_queue_pop_head (&self->queue);
  if (self->gone || self->connection == NULL) {
    if (req->func != NULL)
      req->func (NULL, req->user_data);
    request_free (req);
    fake_card_pump (self);
    return;
  }
  self->current = req;
  apdu = g_bytes_get_data (req->apdu, &len);
  hdr[0] = (guint8) ((len + 1) >> 24);
  hdr[1] = (guint8) ((len + 1) >> 16);
  hdr[2] = (guint8) ((len + 1) >> 8);
  hdr[3] = (guint8) (len + 1);
  hdr[4] = ESIM_SOCKET_MSG_APDU;
  out = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  /* small frames on a local socket: writing them in one go does not block */
  if (!g_output_stream_write_all (out, hdr, sizeof (hdr), NULL, NULL, NULL)
      || !g_output_stream_write_all (out, apdu, len, NULL, NULL, NULL)) {
    fake_card_finish (req, NULL);
    return;
  }
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (self->connection)),
                                 req->header, 4, G_PRIORITY_DEFAULT, self->cancellable,
                                 fake_card_header_cb, req);
}

void
esim_test_fake_card_apdu (EsimTestFakeCard *self, GBytes *apdu, EsimTestFakeCardApduFunc func,
                          gpointer user_data)
{
  Request *req = g_new0 (Request, 1);

  req->card = self;
  req->apdu = g_bytes_ref (apdu);
  req->func = func;
  req->user_data = user_data;
  g_queue_push_tail (&self->queue, req);
  fake_card_pump (self);
}

/* open a channel: MANAGE CHANNEL, SELECT, GET RESPONSE */

typedef struct {
  EsimTestFakeCard *card;
  GBytes *aid;
  guint8 p2;
  guint channel;
  GByteArray *fci;
  EsimTestFakeCardOpenFunc func;
  gpointer user_data;
} OpenData;

static void
open_data_finish (OpenData *data, guint16 sw)
{
  g_autoptr (GBytes) fci = NULL;

  if (data->channel > 0)
    fci = g_bytes_new (data->fci->data, data->fci->len);
  data->func (data->channel, fci, sw, data->user_data);
  g_bytes_unref (data->aid);
  g_byte_array_unref (data->fci);
  g_free (data);
}

static void open_select_cb (GBytes *rapdu, gpointer user_data);

static void
open_select_cb (GBytes *rapdu, gpointer user_data)
{
  OpenData *data = user_data;
  gsize len = 0;
  const guint8 *r;
  guint16 sw;

  if (rapdu == NULL) {
    data->channel = 0;
    open_data_finish (data, 0x6F00);
    return;
  }
  r = g_bytes_get_data (rapdu, &len);
  sw = (guint16) (r[len - 2] << 8 | r[len - 1]);
  g_byte_array_append (data->fci, r, (guint) len - 2);
  if ((sw & 0xff00) == 0x6100) {
    g_autoptr (GBytes) get = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, data->channel),
                                               ESIM_APDU_INS_GET_RESPONSE, 0, 0, NULL, 0,
                                               (sw & 0xff) == 0 ? 256 : (sw & 0xff));
    esim_test_fake_card_apdu (data->card, get, open_select_cb, data);
    return;
  }
  if (sw != ESIM_APDU_SW_OK) {
    esim_test_fake_card_close_channel (data->card, data->channel, NULL, NULL);
    data->channel = 0;
  }
  open_data_finish (data, sw);
}

static void
open_manage_cb (GBytes *rapdu, gpointer user_data)
{
  OpenData *data = user_data;
  g_autoptr (GBytes) select = NULL;
  gsize len = 0;
  const guint8 *r;

  if (rapdu == NULL) {
    open_data_finish (data, 0x6F00);
    return;
  }
  r = g_bytes_get_data (rapdu, &len);
  if (len != 3 || r[1] != 0x90 || r[2] != 0x00 || r[0] == 0) {
    open_data_finish (data, (guint16) (r[len - 2] << 8 | r[len - 1]));
    return;
  }
  data->channel = r[0];
  select = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, data->channel), ESIM_APDU_INS_SELECT,
                             0x04, data->p2, g_bytes_get_data (data->aid, NULL),
                             g_bytes_get_size (data->aid), data->p2 == 0x0C ? -1 : 0);
  esim_test_fake_card_apdu (data->card, select, open_select_cb, data);
}

void
esim_test_fake_card_open_channel (EsimTestFakeCard *self, GBytes *aid, guint8 select_p2,
                                  EsimTestFakeCardOpenFunc func, gpointer user_data)
{
  OpenData *data = g_new0 (OpenData, 1);
  g_autoptr (GBytes) manage
    = esim_apdu_encode (0x00, ESIM_APDU_INS_MANAGE_CHANNEL, 0x00, 0x00, NULL, 0, 1);

  data->card = self;
  data->aid = g_bytes_ref (aid);
  data->p2 = select_p2;
  data->fci = g_byte_array_new ();
  data->func = func;
  data->user_data = user_data;
  esim_test_fake_card_apdu (self, manage, open_manage_cb, data);
}

void
esim_test_fake_card_close_channel (EsimTestFakeCard *self, guint channel,
                                   EsimTestFakeCardApduFunc func, gpointer user_data)
{
  g_autoptr (GBytes) apdu
    = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, channel), ESIM_APDU_INS_MANAGE_CHANNEL,
                        0x80, (guint8) channel, NULL, 0, -1);

  esim_test_fake_card_apdu (self, apdu, func, user_data);
}

gboolean
esim_test_fake_card_is_gone (EsimTestFakeCard *self)
{
  return self->gone;
}

EsimTestFakeCard *
esim_test_fake_card_new (const gchar *socket_path, EsimTestFakeCardEventFunc func,
                         gpointer user_data, GError **error)
{
  g_autoptr (EsimTestFakeCard) self = g_new0 (EsimTestFakeCard, 1);
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (socket_path);

  self->func = func;
  self->user_data = user_data;
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->queue);
  self->connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, error);
  if (self->connection == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
esim_test_fake_card_free (EsimTestFakeCard *self)
{
  Request *req;

  if (self == NULL)
    return;
  /* everyone waiting hears that the card went; a read in flight completes
   * later, cancelled, and only frees its request */
  self->gone = TRUE;
  if (self->current != NULL) {
    self->current->card = NULL;
    if (self->current->func != NULL)
      self->current->func (NULL, self->current->user_data);
    self->current->func = NULL;
  }
  g_cancellable_cancel (self->cancellable);
  while ((req = g_queue_pop_head (&self->queue)) != NULL) {
    if (req->func != NULL)
      req->func (NULL, req->user_data);
    request_free (req);
  }
  g_clear_object (&self->connection);
  g_object_unref (self->cancellable);
  g_free (self);
}
