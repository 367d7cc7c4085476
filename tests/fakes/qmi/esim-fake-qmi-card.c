/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gio/gunixsocketaddress.h>

#include "esim-fake-qmi-card.h"
#include "esim-transport-socket.h"

struct _EsimFakeQmiCard {
  GObject parent_instance;
  gchar *socket_path;
  GSocketConnection *connection;
  gboolean busy;
};

G_DEFINE_TYPE (EsimFakeQmiCard, esim_fake_qmi_card, G_TYPE_OBJECT)

typedef struct {
  GByteArray *request;
  guint8 header[4];
  guint8 *reply;
  gsize reply_len;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_byte_array_unref (exchange->request);
  g_free (exchange->reply);
  g_free (exchange);
}

EsimFakeQmiCard *
esim_fake_qmi_card_new (const gchar *socket_path)
{
  EsimFakeQmiCard *self = g_object_new (ESIM_TYPE_FAKE_QMI_CARD, NULL);

  self->socket_path = g_strdup (socket_path);
  return self;
}

static void
card_lost (GTask *task, const gchar *why)
{
  EsimFakeQmiCard *self = g_task_get_source_object (task);

  self->busy = FALSE;
  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_clear_object (&self->connection);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                           "the simulated eUICC went away: %s", why);
  g_object_unref (task);
}

static void
read_payload_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimFakeQmiCard *self = g_task_get_source_object (task);
  Exchange *exchange = g_task_get_task_data (task);
  gsize got = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), res, &got, NULL)
      || got != exchange->reply_len || exchange->reply[0] != ESIM_SOCKET_MSG_RAPDU) {
    card_lost (task, "bad reply");
    return;
  }
  self->busy = FALSE;
  g_task_return_pointer (task, g_bytes_new (exchange->reply + 1, exchange->reply_len - 1),
                         (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static void
read_header_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  Exchange *exchange = g_task_get_task_data (task);
  gsize got = 0;
  guint32 len;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), res, &got, NULL) || got != 4) {
    card_lost (task, "hung up");
    return;
  }
  len = ((guint32) exchange->header[0] << 24) | ((guint32) exchange->header[1] << 16)
        | ((guint32) exchange->header[2] << 8) | exchange->header[3];
  if (len < 3 || len > ESIM_SOCKET_MAX_FRAME) {
    card_lost (task, "bad frame");
    return;
  }
  exchange->reply = g_malloc (len);
  exchange->reply_len = len;
  g_input_stream_read_all_async (G_INPUT_STREAM (source), exchange->reply, len, G_PRIORITY_DEFAULT,
                                 NULL, read_payload_cb, task);
}

static void
write_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimFakeQmiCard *self = g_task_get_source_object (task);
  Exchange *exchange = g_task_get_task_data (task);

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, NULL)) {
    card_lost (task, "write failed");
    return;
  }
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (self->connection)),
                                 exchange->header, 4, G_PRIORITY_DEFAULT, NULL, read_header_cb,
                                 task);
}

void
esim_fake_qmi_card_exchange_async (EsimFakeQmiCard *self, GBytes *apdu,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  Exchange *exchange = g_new0 (Exchange, 1);
  gsize len = g_bytes_get_size (apdu);
  guint32 n = (guint32) len + 1;
  guint8 hdr[5] = { n >> 24, n >> 16, n >> 8, n, ESIM_SOCKET_MSG_APDU };

  g_return_if_fail (!self->busy);
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);
  exchange->request = g_byte_array_sized_new (len + 5);
  g_byte_array_append (exchange->request, hdr, 5);
  g_byte_array_append (exchange->request, g_bytes_get_data (apdu, NULL), len);
  self->busy = TRUE;
  if (self->connection == NULL) {
    g_autoptr (GSocketClient) connector = g_socket_client_new ();
    g_autoptr (GSocketAddress) address = g_unix_socket_address_new (self->socket_path);

    /* a unix socket answers at once: connecting synchronously is fine */
    self->connection
      = g_socket_client_connect (connector, G_SOCKET_CONNECTABLE (address), NULL, NULL);
    if (self->connection == NULL) {
      card_lost (task, "nobody at the socket");
      return;
    }
  }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (self->connection)),
                                   exchange->request->data, exchange->request->len,
                                   G_PRIORITY_DEFAULT, NULL, write_cb, task);
}

GBytes *
esim_fake_qmi_card_exchange_finish (EsimFakeQmiCard *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
esim_fake_qmi_card_dispose (GObject *object)
{
  EsimFakeQmiCard *self = ESIM_FAKE_QMI_CARD (object);

  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (esim_fake_qmi_card_parent_class)->dispose (object);
}

static void
esim_fake_qmi_card_finalize (GObject *object)
{
  g_free (ESIM_FAKE_QMI_CARD (object)->socket_path);
  G_OBJECT_CLASS (esim_fake_qmi_card_parent_class)->finalize (object);
}

static void
esim_fake_qmi_card_init (EsimFakeQmiCard *self)
{
}

static void
esim_fake_qmi_card_class_init (EsimFakeQmiCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = esim_fake_qmi_card_dispose;
  object_class->finalize = esim_fake_qmi_card_finalize;
}
