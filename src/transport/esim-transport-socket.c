/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <gio/gunixsocketaddress.h>

#include "esim-transport-socket.h"

struct _EsimTransportSocket {
  EsimTransport parent_instance;
  GSocketConnection *connection;
  gboolean busy;
  /* the presence watch: the socket between exchanges, for the peer's end */
  GSource *idle_source;
};

G_DEFINE_TYPE (EsimTransportSocket, esim_transport_socket, ESIM_TYPE_TRANSPORT)

EsimTransport *
esim_transport_socket_new (const gchar *path)
{
  return g_object_new (ESIM_TYPE_TRANSPORT_SOCKET, "kind", "socket", "device", path, NULL);
}

/* the presence watch: an idle connection (no exchange in flight, so the
 * watch never reads what belongs to one) that becomes readable was closed
 * by the simulated card, which never speaks unasked. Its coming back is
 * left to the daemon's periodic probe: a connect() every few seconds costs
 * no APDU, whereas a GFileMonitor on the socket path would tell only that
 * a file appeared (a stale socket of a crashed card looks the same), so a
 * connect() would still be needed to know */

static void
esim_transport_socket_unwatch (EsimTransportSocket *self)
{
  if (self->idle_source == NULL)
    return;
  g_source_destroy (self->idle_source);
  g_clear_pointer (&self->idle_source, g_source_unref);
}

static void
esim_transport_socket_drop (EsimTransportSocket *self)
{
  esim_transport_socket_unwatch (self);
  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_clear_object (&self->connection);
}

static gboolean
esim_transport_socket_idle_cb (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  EsimTransportSocket *self = ESIM_TRANSPORT_SOCKET (user_data);
  guint8 byte;
  gssize n = 0;

  if ((condition & (G_IO_HUP | G_IO_ERR)) == 0) {
    /* a peek: nothing is taken from the stream */
    n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
      return G_SOURCE_CONTINUE;
  }
  g_debug ("socket %s: %s while idle", esim_transport_get_device (ESIM_TRANSPORT (self)),
           n > 0 ? "data out of turn" : "the simulated eUICC closed the link");
  /* the callback's own source: dropped here, it is not dispatched again */
  esim_transport_socket_drop (self);
  esim_transport_set_gone (ESIM_TRANSPORT (self));
  return G_SOURCE_REMOVE;
}

static void
esim_transport_socket_watch (EsimTransportSocket *self)
{
  if (self->idle_source != NULL || self->busy || self->connection == NULL
      || !esim_transport_get_watch_presence (ESIM_TRANSPORT (self)))
    return;
  self->idle_source = g_socket_create_source (g_socket_connection_get_socket (self->connection),
                                              G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (self->idle_source, G_SOURCE_FUNC (esim_transport_socket_idle_cb), self,
                         NULL);
  g_source_attach (self->idle_source, g_main_context_get_thread_default ());
}

static void
esim_transport_socket_set_busy (EsimTransportSocket *self, gboolean busy)
{
  self->busy = busy;
  if (busy)
    esim_transport_socket_unwatch (self);
  else
    esim_transport_socket_watch (self);
}

static void
esim_transport_socket_watch_presence_changed (EsimTransport *transport, gboolean watch)
{
  EsimTransportSocket *self = ESIM_TRANSPORT_SOCKET (transport);

  if (watch)
    esim_transport_socket_watch (self);
  else
    esim_transport_socket_unwatch (self);
}

/* one framed request and its reply */

typedef struct {
  guint8 header[4];
  GByteArray *request;
  guint8 *reply;
  gsize reply_len;
  guint8 expect_type;
} ExchangeData;

static void
exchange_data_free (ExchangeData *data)
{
  g_clear_pointer (&data->request, g_byte_array_unref);
  g_free (data->reply);
  g_free (data);
}

static void
esim_transport_socket_fail (EsimTransportSocket *self, GTask *task, GError *error)
{
  /* a broken link is a card that went away; later calls fail early */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    GError *gone = g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE,
                                "simulated eUICC at %s went away: %s",
                                esim_transport_get_device (ESIM_TRANSPORT (self)), error->message);
    g_error_free (error);
    error = gone;
  }
  /* a cancelled half-done exchange leaves the stream out of step too */
  esim_transport_socket_drop (self);
  esim_transport_socket_set_busy (self, FALSE);
  esim_transport_set_gone (ESIM_TRANSPORT (self));
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
exchange_read_payload_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportSocket *self = g_task_get_source_object (task);
  ExchangeData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gsize got = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), res, &got, &error)) {
    esim_transport_socket_fail (self, task, error);
    return;
  }
  if (got != data->reply_len) {
    esim_transport_socket_fail (self, task,
                                g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                                     "connection closed mid-frame"));
    return;
  }
  esim_transport_socket_set_busy (self, FALSE);
  if (data->reply[0] == ESIM_SOCKET_MSG_ERROR) {
    g_autofree gchar *msg = g_strndup ((const gchar *) data->reply + 1, data->reply_len - 1);
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_PROTOCOL,
                             "simulated eUICC rejected the frame: %s", msg);
    g_object_unref (task);
    return;
  }
  if (data->reply[0] != data->expect_type) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_PROTOCOL,
                             "reply type 0x%02x, expected 0x%02x", data->reply[0],
                             data->expect_type);
    g_object_unref (task);
    return;
  }
  g_task_return_pointer (task, g_bytes_new (data->reply + 1, data->reply_len - 1),
                         (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static void
exchange_read_header_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportSocket *self = g_task_get_source_object (task);
  ExchangeData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gsize got = 0;
  guint32 len;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), res, &got, &error)) {
    esim_transport_socket_fail (self, task, error);
    return;
  }
  if (got != 4) {
    esim_transport_socket_fail (
      self, task,
      g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "connection closed"));
    return;
  }
  len = ((guint32) data->header[0] << 24) | ((guint32) data->header[1] << 16)
        | ((guint32) data->header[2] << 8) | data->header[3];
  if (len < 1 || len > ESIM_SOCKET_MAX_FRAME) {
    esim_transport_socket_fail (
      self, task, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "frame of %u bytes", len));
    return;
  }
  data->reply = g_malloc (len);
  data->reply_len = len;
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (self->connection)),
                                 data->reply, len, G_PRIORITY_DEFAULT,
                                 g_task_get_cancellable (task), exchange_read_payload_cb, task);
}

static void
exchange_write_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransportSocket *self = g_task_get_source_object (task);
  ExchangeData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, &error)) {
    esim_transport_socket_fail (self, task, error);
    return;
  }
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (self->connection)),
                                 data->header, 4, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                 exchange_read_header_cb, task);
}

static void
esim_transport_socket_exchange_async (EsimTransportSocket *self, guint8 type, const guint8 *payload,
                                      gsize len, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ExchangeData *data = g_new0 (ExchangeData, 1);
  guint32 n = (guint32) len + 1;
  guint8 hdr[5] = { n >> 24, n >> 16, n >> 8, n, type };

  g_task_set_source_tag (task, esim_transport_socket_exchange_async);
  g_task_set_task_data (task, data, (GDestroyNotify) exchange_data_free);
  data->expect_type = type | 0x80;

  if (self->connection == NULL) {
    g_task_return_new_error (
      task, ESIM_TRANSPORT_ERROR,
      esim_transport_is_open (ESIM_TRANSPORT (self)) ? ESIM_TRANSPORT_ERROR_GONE
                                                     : ESIM_TRANSPORT_ERROR_NOT_OPEN,
      "no link to the simulated eUICC at %s", esim_transport_get_device (ESIM_TRANSPORT (self)));
    g_object_unref (task);
    return;
  }
  if (self->busy) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_BUSY,
                             "another APDU is in flight");
    g_object_unref (task);
    return;
  }
  if (len + 1 > ESIM_SOCKET_MAX_FRAME) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_FAILED,
                             "APDU of %" G_GSIZE_FORMAT " bytes is too long", len);
    g_object_unref (task);
    return;
  }
  esim_transport_socket_set_busy (self, TRUE);
  data->request = g_byte_array_sized_new (len + 5);
  g_byte_array_append (data->request, hdr, 5);
  g_byte_array_append (data->request, payload, len);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (self->connection)),
                                   data->request->data, data->request->len, G_PRIORITY_DEFAULT,
                                   cancellable, exchange_write_cb, task);
}

static GBytes *
esim_transport_socket_exchange_finish (EsimTransportSocket *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* open */

static void
open_connect_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimTransportSocket *self = g_task_get_source_object (task);
  GError *error = NULL;
  GSocketConnection *conn;

  conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), res, &error);
  if (conn == NULL) {
    g_prefix_error (&error, "cannot reach the simulated eUICC at %s: ",
                    esim_transport_get_device (ESIM_TRANSPORT (self)));
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      error->domain = ESIM_TRANSPORT_ERROR;
      error->code = ESIM_TRANSPORT_ERROR_GONE;
    }
    g_task_return_error (task, error);
    return;
  }
  esim_transport_socket_drop (self);
  self->connection = conn;
  esim_transport_set_open (ESIM_TRANSPORT (self), TRUE);
  esim_transport_socket_watch (self);
  g_task_return_boolean (task, TRUE);
}

static void
esim_transport_socket_open_async (EsimTransport *transport, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (transport, cancellable, callback, user_data);
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketAddress) address = NULL;

  address = g_unix_socket_address_new (esim_transport_get_device (transport));
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), cancellable,
                                 open_connect_cb, task);
}

static gboolean
esim_transport_socket_open_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

/* transmit */

static void
transmit_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  GError *error = NULL;
  GBytes *rapdu;

  rapdu = esim_transport_socket_exchange_finish (ESIM_TRANSPORT_SOCKET (source), res, &error);
  if (rapdu == NULL) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (task, rapdu, (GDestroyNotify) g_bytes_unref);
}

static void
esim_transport_socket_transmit_async (EsimTransport *transport, guint channel, GBytes *apdu,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  GTask *task = g_task_new (transport, cancellable, callback, user_data);

  esim_transport_socket_exchange_async (ESIM_TRANSPORT_SOCKET (transport), ESIM_SOCKET_MSG_APDU,
                                        g_bytes_get_data (apdu, NULL), g_bytes_get_size (apdu),
                                        cancellable, transmit_cb, task);
}

static GBytes *
esim_transport_socket_transmit_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

static void
esim_transport_socket_close (EsimTransport *transport)
{
  esim_transport_socket_drop (ESIM_TRANSPORT_SOCKET (transport));
}

static void
esim_transport_socket_dispose (GObject *object)
{
  esim_transport_socket_close (ESIM_TRANSPORT (object));
  G_OBJECT_CLASS (esim_transport_socket_parent_class)->dispose (object);
}

static void
esim_transport_socket_init (EsimTransportSocket *self)
{
}

static void
esim_transport_socket_class_init (EsimTransportSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  EsimTransportClass *transport_class = ESIM_TRANSPORT_CLASS (klass);

  object_class->dispose = esim_transport_socket_dispose;
  transport_class->open_async = esim_transport_socket_open_async;
  transport_class->open_finish = esim_transport_socket_open_finish;
  /* logical channels: the base class's MANAGE CHANNEL and SELECT APDUs */
  transport_class->transmit_async = esim_transport_socket_transmit_async;
  transport_class->transmit_finish = esim_transport_socket_transmit_finish;
  transport_class->close = esim_transport_socket_close;
  transport_class->watch_presence_changed = esim_transport_socket_watch_presence_changed;
}
