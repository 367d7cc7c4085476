/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "esim-transport-socket.h"
#include "esim-sim-server.h"
#include "esim-sim-result.h"
#include "esim-sim-upp.h"

typedef enum {
  FAULT_SW,
  FAULT_DELAY,
  FAULT_VANISH,
} FaultKind;

typedef struct {
  FaultKind kind;
  guint64 apdu; /* 0: every APDU */
  guint16 sw;
  guint delay_ms;
} Fault;

/* one connection; every pending operation holds a reference, so that a
 * callback that comes after the hang-up still finds its buffers */
typedef struct {
  EsimSimServer *server; /* not a reference; NULL once the client ended */
  GSocketConnection *connection;
  GCancellable *cancellable;
  guint8 header[4];
  guint8 *frame;
  gsize frame_len;
  GBytes *reply;
  guint timer;
} Client;

static void
client_clear (Client *client)
{
  g_object_unref (client->connection);
  g_object_unref (client->cancellable);
  g_free (client->frame);
  g_clear_pointer (&client->reply, g_bytes_unref);
}

static Client *
client_ref (Client *client)
{
  return g_rc_box_acquire (client);
}

static void
client_unref (Client *client)
{
  g_rc_box_release_full (client, (GDestroyNotify) client_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_unref)

struct _EsimSimServer {
  GObject parent_instance;
  EsimSimCard *card;
  gchar *path;
  GSocketService *service;
  GArray *faults;
  guint64 apdu_count;
  Client *client;
  GQueue waiting; /* GSocketConnection: clients in line */
  gboolean stopped;
};

G_DEFINE_TYPE (EsimSimServer, esim_sim_server, G_TYPE_OBJECT)

static void client_read_header (Client *client);
static void esim_sim_server_next (EsimSimServer *self);

/* hang up: pending operations see client->server == NULL and stop */
static void
client_close (Client *client)
{
  EsimSimServer *self = client->server;

  if (self == NULL)
    return;
  client->server = NULL;
  self->client = NULL;
  if (client->timer != 0) {
    g_source_remove (client->timer);
    client->timer = 0;
  }
  g_cancellable_cancel (client->cancellable);
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);
  client_unref (client);
}

/* the client left or broke the framing: hang up and serve the next one */
static void
client_end (Client *client)
{
  EsimSimServer *self = client->server;

  g_debug ("client disconnected");
  client_close (client);
  esim_sim_server_next (self);
}

static void
client_write_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (Client) client = user_data;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, NULL);

  if (client->server == NULL)
    return;
  if (!ok) {
    client_end (client);
    return;
  }
  g_clear_pointer (&client->reply, g_bytes_unref);
  client_read_header (client);
}

static void
client_send (Client *client)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));

  g_output_stream_write_all_async (out, g_bytes_get_data (client->reply, NULL),
                                   g_bytes_get_size (client->reply), G_PRIORITY_DEFAULT,
                                   client->cancellable, client_write_cb, client_ref (client));
}

static gboolean
client_delay_cb (gpointer user_data)
{
  Client *client = user_data;

  client->timer = 0;
  client_send (client);
  return G_SOURCE_REMOVE;
}

static void
client_set_reply (Client *client, guint8 type, const guint8 *payload, gsize len)
{
  GByteArray *buf = g_byte_array_sized_new ((guint) (5 + len));
  guint32 n = (guint32) (len + 1);
  guint8 header[5]
    = { (guint8) (n >> 24), (guint8) (n >> 16), (guint8) (n >> 8), (guint8) n, type };

  g_byte_array_append (buf, header, sizeof (header));
  if (len > 0)
    g_byte_array_append (buf, payload, (guint) len);
  g_clear_pointer (&client->reply, g_bytes_unref);
  client->reply = g_byte_array_free_to_bytes (buf);
}

static void
client_set_error (Client *client, const gchar *reason)
{
  g_debug ("frame error: %s", reason);
  client_set_reply (client, ESIM_SOCKET_MSG_ERROR, (const guint8 *) reason, strlen (reason));
}

/* FALSE when the card vanished */
static gboolean
client_handle_apdu (Client *client, guint *delay_ms)
{
  EsimSimServer *self = client->server;
  guint64 number = ++self->apdu_count;
  g_autoptr (GBytes) capdu = NULL;
  g_autoptr (GBytes) rapdu = NULL;

  for (guint i = 0; i < self->faults->len; i++) {
    Fault *fault = &g_array_index (self->faults, Fault, i);

    if (fault->apdu != 0 && fault->apdu != number)
      continue;
    if (fault->kind == FAULT_VANISH) {
      g_message ("fault: the card vanishes at APDU %" G_GUINT64_FORMAT, number);
      return FALSE;
    }
    if (fault->kind == FAULT_DELAY)
      *delay_ms += fault->delay_ms;
    if (fault->kind == FAULT_SW && rapdu == NULL) {
      guint8 sw[2] = { (guint8) (fault->sw >> 8), (guint8) fault->sw };
      g_debug ("fault: APDU %" G_GUINT64_FORMAT " answered %04X", number, fault->sw);
      rapdu = g_bytes_new (sw, sizeof (sw));
    }
  }
  if (rapdu == NULL) {
    capdu = g_bytes_new (client->frame + 1, client->frame_len - 1);
    rapdu = esim_sim_card_transmit (self->card, capdu);
  }
  client_set_reply (client, ESIM_SOCKET_MSG_RAPDU, g_bytes_get_data (rapdu, NULL),
                    g_bytes_get_size (rapdu));
  return TRUE;
}

static void
client_read_frame_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (Client) client = user_data;
  gsize got = 0;
  guint delay_ms = 0;
  gboolean ok = g_input_stream_read_all_finish (G_INPUT_STREAM (source), res, &got, NULL);
  EsimSimServer *self = client->server;

  if (self == NULL)
    return;
  if (!ok || got != client->frame_len) {
    client_end (client);
    return;
  }

  switch (client->frame[0]) {
  case ESIM_SOCKET_MSG_APDU:
    if (!client_handle_apdu (client, &delay_ms)) {
      /* the card is gone for good: no reply, no further clients */
      esim_sim_server_stop (self);
      return;
    }
    break;
  case ESIM_SOCKET_MSG_RESET: {
    g_autoptr (GBytes) atr = esim_sim_card_reset (self->card);
    client_set_reply (client, ESIM_SOCKET_MSG_ATR, g_bytes_get_data (atr, NULL),
                      g_bytes_get_size (atr));
    break;
  }
  default: {
    g_autofree gchar *reason = g_strdup_printf ("unknown frame type 0x%02x", client->frame[0]);
    client_set_error (client, reason);
    break;
  }
  }
  g_clear_pointer (&client->frame, g_free);
  /* latency is a timer, so the main loop stays free meanwhile */
  if (delay_ms > 0)
    client->timer = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, client_delay_cb,
                                        client_ref (client), (GDestroyNotify) client_unref);
  else
    client_send (client);
}

static void
client_read_header_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (Client) client = user_data;
  gsize got = 0;
  gboolean ok = g_input_stream_read_all_finish (G_INPUT_STREAM (source), res, &got, NULL);
  guint32 n;

  if (client->server == NULL)
    return;
  /* end of stream (the client closed) or a broken socket */
  if (!ok || got != sizeof (client->header)) {
    client_end (client);
    return;
  }
  n = ((guint32) client->header[0] << 24) | ((guint32) client->header[1] << 16)
      | ((guint32) client->header[2] << 8) | client->header[3];
  if (n == 0) {
    client_set_error (client, "empty frame");
    client_send (client);
    return;
  }
  if (n > ESIM_SOCKET_MAX_FRAME) {
    /* the stream cannot be resynchronized: say why, then hang up */
    g_autofree gchar *reason = g_strdup_printf ("frame of %u bytes is too long", n);
    GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));

    client_set_error (client, reason);
    g_output_stream_write_all (out, g_bytes_get_data (client->reply, NULL),
                               g_bytes_get_size (client->reply), NULL, NULL, NULL);
    client_end (client);
    return;
  }
  client->frame_len = n;
  g_free (client->frame);
  client->frame = g_malloc (n);
  g_input_stream_read_all_async (G_INPUT_STREAM (source), client->frame, n, G_PRIORITY_DEFAULT,
                                 client->cancellable, client_read_frame_cb, client_ref (client));
}

static void
client_read_header (Client *client)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (client->connection));

  g_input_stream_read_all_async (in, client->header, sizeof (client->header), G_PRIORITY_DEFAULT,
                                 client->cancellable, client_read_header_cb, client_ref (client));
}

static void
esim_sim_server_serve (EsimSimServer *self, GSocketConnection *connection)
{
  Client *client = g_rc_box_new0 (Client);

  client->server = self;
  client->connection = connection;
  client->cancellable = g_cancellable_new ();
  self->client = client;
  /* a new client finds a freshly reset card, as after a power cycle */
  g_bytes_unref (esim_sim_card_reset (self->card));
  g_debug ("client connected");
  client_read_header (client);
}

static void
esim_sim_server_next (EsimSimServer *self)
{
  GSocketConnection *next;

  if (self->client != NULL || self->stopped)
    return;
  next = g_queue_pop_head (&self->waiting);
  if (next != NULL)
    esim_sim_server_serve (self, next);
}

static gboolean
esim_sim_server_incoming_cb (GSocketService *service, GSocketConnection *connection,
                             GObject *source, gpointer user_data)
{
  EsimSimServer *self = ESIM_SIM_SERVER (user_data);

  if (self->stopped)
    return FALSE;
  /* one client at a time; the others wait their turn */
  g_queue_push_tail (&self->waiting, g_object_ref (connection));
  esim_sim_server_next (self);
  return TRUE;
}

void
esim_sim_server_stop (EsimSimServer *self)
{
  GSocketConnection *conn;

  if (self->stopped)
    return;
  self->stopped = TRUE;
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_unlink (self->path);
  if (self->client != NULL)
    client_close (self->client);
  while ((conn = g_queue_pop_head (&self->waiting)) != NULL) {
    g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    g_object_unref (conn);
  }
}

guint64
esim_sim_server_get_apdu_count (EsimSimServer *self)
{
  return self->apdu_count;
}

/* result:FUNCTION:CODE[:N]: an ES10 function answered with a result code */
static gboolean
esim_sim_server_add_result_fault (EsimSimServer *self, const gchar *spec, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (spec, ":", -1);
  guint n_parts = g_strv_length (parts);
  guint32 tag = n_parts >= 3 ? esim_sim_result_function_tag (parts[1]) : 0;
  gint64 code = 0;
  guint64 nth = 0;

  if (tag == 0 || n_parts > 4 || !g_ascii_string_to_signed (parts[2], 10, 0, 127, &code, NULL)
      || (n_parts == 4 && !g_ascii_string_to_unsigned (parts[3], 10, 1, G_MAXUINT, &nth, NULL))) {
    g_autofree gchar *names = esim_sim_result_function_names ();
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                 "bad fault “%s” (result:FUNCTION:CODE[:N], CODE 0..127, FUNCTION one of %s)", spec,
                 names);
    return FALSE;
  }
  if (self != NULL)
    esim_sim_es10_add_result_fault (esim_sim_card_get_es10 (self->card), tag, code, (guint) nth);
  return TRUE;
}

gboolean
esim_sim_server_add_fault (EsimSimServer *self, const gchar *spec, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (spec, ":", 3);
  guint n_parts = g_strv_length (parts);
  Fault fault = { 0 };
  guint64 v = 0;

  if (g_str_has_prefix (spec, "result:"))
    return esim_sim_server_add_result_fault (self, spec, error);
  if (n_parts < 2)
    goto bad;
  if (g_strcmp0 (parts[1], "*") == 0) {
    fault.apdu = 0;
  } else if (!g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT64, &fault.apdu, NULL)) {
    goto bad;
  }
  if (g_strcmp0 (parts[0], "sw") == 0 && n_parts == 3 && strlen (parts[2]) == 4
      && g_ascii_string_to_unsigned (parts[2], 16, 0, 0xFFFF, &v, NULL)) {
    fault.kind = FAULT_SW;
    fault.sw = (guint16) v;
  } else if (g_strcmp0 (parts[0], "delay") == 0 && n_parts == 3
             && g_ascii_string_to_unsigned (parts[2], 10, 0, 600000, &v, NULL)) {
    fault.kind = FAULT_DELAY;
    fault.delay_ms = (guint) v;
  } else if (g_strcmp0 (parts[0], "vanish") == 0 && n_parts == 2) {
    fault.kind = FAULT_VANISH;
  } else {
    goto bad;
  }
  if (self != NULL)
    g_array_append_val (self->faults, fault);
  return TRUE;
bad:
  g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
               "bad fault “%s” (sw:N:XXXX, delay:N|*:MS, vanish:N)", spec);
  return FALSE;
}

EsimSimServer *
esim_sim_server_new (EsimSimCard *card, const gchar *path, GError **error)
{
  g_autoptr (EsimSimServer) self = g_object_new (ESIM_SIM_TYPE_SERVER, NULL);
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (path);

  self->card = g_object_ref (card);
  self->path = g_strdup (path);
  self->service = g_socket_service_new ();
  /* a socket file left by a killed predecessor would make bind fail */
  g_unlink (path);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL,
                                      error)) {
    g_prefix_error (error, "cannot listen on %s: ", path);
    self->stopped = TRUE;
    return NULL;
  }
  g_signal_connect (self->service, "incoming", G_CALLBACK (esim_sim_server_incoming_cb), self);
  g_socket_service_start (self->service);
  return g_steal_pointer (&self);
}

static void
esim_sim_server_dispose (GObject *object)
{
  EsimSimServer *self = ESIM_SIM_SERVER (object);

  if (self->service != NULL) {
    esim_sim_server_stop (self);
    g_signal_handlers_disconnect_by_data (self->service, self);
    g_clear_object (&self->service);
  }
  g_clear_object (&self->card);
  G_OBJECT_CLASS (esim_sim_server_parent_class)->dispose (object);
}

static void
esim_sim_server_finalize (GObject *object)
{
  EsimSimServer *self = ESIM_SIM_SERVER (object);

  g_free (self->path);
  g_array_unref (self->faults);
  G_OBJECT_CLASS (esim_sim_server_parent_class)->finalize (object);
}

static void
esim_sim_server_class_init (EsimSimServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = esim_sim_server_dispose;
  object_class->finalize = esim_sim_server_finalize;
}

static void
esim_sim_server_init (EsimSimServer *self)
{
  self->faults = g_array_new (FALSE, FALSE, sizeof (Fault));
  g_queue_init (&self->waiting);
}
