/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "es10-test-tap.h"

struct _Es10TestTap {
  EsimTransport parent_instance;
  EsimTransport *inner;
  gulong gone_id;
  GPtrArray *commands;
  GPtrArray *responses;
  Es10TestTapHook hook;
  gpointer hook_data;
};

G_DEFINE_TYPE (Es10TestTap, es10_test_tap, ESIM_TYPE_TRANSPORT)

static void
bytes_unref0 (gpointer bytes)
{
  if (bytes != NULL)
    g_bytes_unref (bytes);
}

static void
es10_test_tap_gone_cb (EsimTransport *inner, gpointer user_data)
{
  esim_transport_set_gone (ESIM_TRANSPORT (user_data));
}

EsimTransport *
es10_test_tap_new (EsimTransport *inner)
{
  Es10TestTap *self = g_object_new (ES10_TEST_TYPE_TAP, "kind", "tap", "device",
                                    esim_transport_get_device (inner), NULL);

  self->inner = g_object_ref (inner);
  self->gone_id = g_signal_connect (inner, "gone", G_CALLBACK (es10_test_tap_gone_cb), self);
  return ESIM_TRANSPORT (self);
}

GPtrArray *
es10_test_tap_get_commands (Es10TestTap *self)
{
  return self->commands;
}

GPtrArray *
es10_test_tap_get_responses (Es10TestTap *self)
{
  return self->responses;
}

void
es10_test_tap_clear (Es10TestTap *self)
{
  g_ptr_array_set_size (self->commands, 0);
  g_ptr_array_set_size (self->responses, 0);
}

void
es10_test_tap_set_hook (Es10TestTap *self, Es10TestTapHook hook, gpointer user_data)
{
  self->hook = hook;
  self->hook_data = user_data;
}

gchar *
es10_test_tap_header (Es10TestTap *self, guint n)
{
  GBytes *apdu;
  gsize len = 0;
  const guint8 *data;
  GString *s = g_string_new (NULL);

  g_assert_cmpuint (n, <, self->commands->len);
  apdu = g_ptr_array_index (self->commands, n);
  data = g_bytes_get_data (apdu, &len);
  for (gsize i = 0; i < MIN (len, (gsize) 5); i++)
    g_string_append_printf (s, "%02X", data[i]);
  return g_string_free (s, FALSE);
}

static void
es10_test_tap_open_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  GError *error = NULL;

  if (!esim_transport_open_finish (ESIM_TRANSPORT (source), res, &error)) {
    g_task_return_error (task, error);
    return;
  }
  esim_transport_set_open (ESIM_TRANSPORT (g_task_get_source_object (task)), TRUE);
  g_task_return_boolean (task, TRUE);
}

static void
es10_test_tap_open_async (EsimTransport *transport, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  Es10TestTap *self = ES10_TEST_TAP (transport);

  esim_transport_open_async (self->inner, cancellable, es10_test_tap_open_cb,
                             g_task_new (transport, cancellable, callback, user_data));
}

static gboolean
es10_test_tap_bool_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

typedef struct {
  guint channel;
  GBytes *select_response;
} ChannelData;

static void
channel_data_free (ChannelData *data)
{
  g_clear_pointer (&data->select_response, g_bytes_unref);
  g_free (data);
}

static void
es10_test_tap_open_channel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  ChannelData *data = g_new0 (ChannelData, 1);
  GError *error = NULL;

  g_task_set_task_data (task, data, (GDestroyNotify) channel_data_free);
  if (!esim_transport_open_channel_finish (ESIM_TRANSPORT (source), res, &data->channel,
                                           &data->select_response, &error)) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
es10_test_tap_open_channel_async (EsimTransport *transport, GBytes *aid, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  Es10TestTap *self = ES10_TEST_TAP (transport);

  esim_transport_open_channel_async (self->inner, aid, cancellable, es10_test_tap_open_channel_cb,
                                     g_task_new (transport, cancellable, callback, user_data));
}

static gboolean
es10_test_tap_open_channel_finish (EsimTransport *transport, GAsyncResult *res, guint *channel,
                                   GBytes **select_response, GError **error)
{
  ChannelData *data = g_task_get_task_data (G_TASK (res));

  if (!g_task_propagate_boolean (G_TASK (res), error))
    return FALSE;
  if (channel != NULL)
    *channel = data->channel;
  if (select_response != NULL && data->select_response != NULL)
    *select_response = g_bytes_ref (data->select_response);
  return TRUE;
}

static void
es10_test_tap_transmit_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  Es10TestTap *self = g_task_get_source_object (task);
  GBytes *command = g_task_get_task_data (task);
  GError *error = NULL;
  GBytes *rapdu;

  rapdu = esim_transport_transmit_finish (ESIM_TRANSPORT (source), res, &error);
  g_ptr_array_add (self->responses, rapdu != NULL ? g_bytes_ref (rapdu) : NULL);
  if (self->hook != NULL)
    self->hook (self, command, rapdu, self->hook_data);
  if (rapdu == NULL) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (task, rapdu, (GDestroyNotify) g_bytes_unref);
}

static void
es10_test_tap_transmit_async (EsimTransport *transport, guint channel, GBytes *apdu,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  Es10TestTap *self = ES10_TEST_TAP (transport);
  GTask *task = g_task_new (transport, cancellable, callback, user_data);

  g_task_set_task_data (task, g_bytes_ref (apdu), (GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (self->commands, g_bytes_ref (apdu));
  esim_transport_transmit_async (self->inner, channel, apdu, cancellable, es10_test_tap_transmit_cb,
                                 task);
}

static GBytes *
es10_test_tap_transmit_finish (EsimTransport *transport, GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

static void
es10_test_tap_close_channel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  GError *error = NULL;

  if (!esim_transport_close_channel_finish (ESIM_TRANSPORT (source), res, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
es10_test_tap_close_channel_async (EsimTransport *transport, guint channel,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  Es10TestTap *self = ES10_TEST_TAP (transport);

  esim_transport_close_channel_async (self->inner, channel, cancellable,
                                      es10_test_tap_close_channel_cb,
                                      g_task_new (transport, cancellable, callback, user_data));
}

static void
es10_test_tap_close (EsimTransport *transport)
{
  esim_transport_close (ES10_TEST_TAP (transport)->inner);
}

static void
es10_test_tap_dispose (GObject *object)
{
  Es10TestTap *self = ES10_TEST_TAP (object);

  if (self->inner != NULL)
    g_clear_signal_handler (&self->gone_id, self->inner);
  g_clear_object (&self->inner);
  G_OBJECT_CLASS (es10_test_tap_parent_class)->dispose (object);
}

static void
es10_test_tap_finalize (GObject *object)
{
  Es10TestTap *self = ES10_TEST_TAP (object);

  g_ptr_array_unref (self->commands);
  g_ptr_array_unref (self->responses);
  G_OBJECT_CLASS (es10_test_tap_parent_class)->finalize (object);
}

static void
es10_test_tap_init (Es10TestTap *self)
{
  self->commands = g_ptr_array_new_with_free_func (bytes_unref0);
  self->responses = g_ptr_array_new_with_free_func (bytes_unref0);
}

static void
es10_test_tap_class_init (Es10TestTapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  EsimTransportClass *transport_class = ESIM_TRANSPORT_CLASS (klass);

  object_class->dispose = es10_test_tap_dispose;
  object_class->finalize = es10_test_tap_finalize;
  transport_class->open_async = es10_test_tap_open_async;
  transport_class->open_finish = es10_test_tap_bool_finish;
  transport_class->open_channel_async = es10_test_tap_open_channel_async;
  transport_class->open_channel_finish = es10_test_tap_open_channel_finish;
  transport_class->transmit_async = es10_test_tap_transmit_async;
  transport_class->transmit_finish = es10_test_tap_transmit_finish;
  transport_class->close_channel_async = es10_test_tap_close_channel_async;
  transport_class->close_channel_finish = es10_test_tap_bool_finish;
  transport_class->close = es10_test_tap_close;
}
