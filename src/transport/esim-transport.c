/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-apdu.h"
#include "esim-transport.h"

/* logical channels 1..19: the most the interindustry CLA can name */
#define MAX_CHANNEL 19
/* far more GET RESPONSE rounds than any FCI needs */
#define MAX_SELECT_ROUNDS 32

/* clang-format off */
G_DEFINE_QUARK (esim-transport-error-quark, esim_transport_error)
/* clang-format on */

typedef struct {
  gchar *kind;
  gchar *device;
  gboolean open;
  gboolean gone;
  gboolean can_signal_refresh;
  gboolean watch_presence;
  guint64 apdu_count;
  /* SELECT asks for the FCI (P2 00): the card refused P2 0C */
  gboolean select_fci;
  /* bit n: channel n was opened by the default open_channel and not yet
   * closed; main thread only */
  guint32 apdu_channels;
} EsimTransportPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (EsimTransport, esim_transport, G_TYPE_OBJECT)

enum { PROP_0, PROP_KIND, PROP_DEVICE, PROP_CAN_SIGNAL_REFRESH, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_GONE, SIGNAL_REFRESHED, SIGNAL_APPEARED, N_SIGNALS };
static guint signals[N_SIGNALS];

#define GET_PRIV(o) ((EsimTransportPrivate *) esim_transport_get_instance_private (o))

const gchar *
esim_transport_get_kind (EsimTransport *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), NULL);
  return GET_PRIV (self)->kind;
}

const gchar *
esim_transport_get_device (EsimTransport *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), NULL);
  return GET_PRIV (self)->device;
}

gboolean
esim_transport_is_open (EsimTransport *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), FALSE);
  return GET_PRIV (self)->open;
}

guint64
esim_transport_get_apdu_count (EsimTransport *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), 0);
  return GET_PRIV (self)->apdu_count;
}

gboolean
esim_transport_can_signal_refresh (EsimTransport *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), FALSE);
  return GET_PRIV (self)->can_signal_refresh;
}

void
esim_transport_set_can_signal_refresh (EsimTransport *self, gboolean can_signal_refresh)
{
  EsimTransportPrivate *priv = GET_PRIV (self);

  g_return_if_fail (ESIM_IS_TRANSPORT (self));
  if (priv->can_signal_refresh == !!can_signal_refresh)
    return;
  priv->can_signal_refresh = !!can_signal_refresh;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CAN_SIGNAL_REFRESH]);
}

void
esim_transport_emit_refreshed (EsimTransport *self)
{
  g_return_if_fail (ESIM_IS_TRANSPORT (self));
  g_debug ("%s %s: the card refreshed", GET_PRIV (self)->kind, GET_PRIV (self)->device);
  g_signal_emit (self, signals[SIGNAL_REFRESHED], 0);
}

void
esim_transport_set_watch_presence (EsimTransport *self, gboolean watch)
{
  EsimTransportPrivate *priv = GET_PRIV (self);

  g_return_if_fail (ESIM_IS_TRANSPORT (self));
  if (priv->watch_presence == !!watch)
    return;
  priv->watch_presence = !!watch;
  if (ESIM_TRANSPORT_GET_CLASS (self)->watch_presence_changed != NULL)
    ESIM_TRANSPORT_GET_CLASS (self)->watch_presence_changed (self, priv->watch_presence);
}

gboolean
esim_transport_get_watch_presence (EsimTransport *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), FALSE);
  return GET_PRIV (self)->watch_presence;
}

void
esim_transport_emit_appeared (EsimTransport *self)
{
  g_return_if_fail (ESIM_IS_TRANSPORT (self));
  g_debug ("%s %s: the card may be back", GET_PRIV (self)->kind, GET_PRIV (self)->device);
  g_signal_emit (self, signals[SIGNAL_APPEARED], 0);
}

void
esim_transport_set_open (EsimTransport *self, gboolean open)
{
  EsimTransportPrivate *priv = GET_PRIV (self);

  priv->open = open;
  /* a link that starts or stops has none of the old channels */
  priv->apdu_channels = 0;
  if (open)
    priv->gone = FALSE;
}

void
esim_transport_set_gone (EsimTransport *self)
{
  EsimTransportPrivate *priv = GET_PRIV (self);

  priv->open = FALSE;
  priv->apdu_channels = 0;
  if (priv->gone)
    return;
  priv->gone = TRUE;
  g_signal_emit (self, signals[SIGNAL_GONE], 0);
}

void
esim_transport_open_async (EsimTransport *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (ESIM_IS_TRANSPORT (self));
  ESIM_TRANSPORT_GET_CLASS (self)->open_async (self, cancellable, callback, user_data);
}

gboolean
esim_transport_open_finish (EsimTransport *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), FALSE);
  return ESIM_TRANSPORT_GET_CLASS (self)->open_finish (self, result, error);
}

void
esim_transport_open_channel_async (EsimTransport *self, GBytes *aid, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (ESIM_IS_TRANSPORT (self));
  ESIM_TRANSPORT_GET_CLASS (self)->open_channel_async (self, aid, cancellable, callback, user_data);
}

gboolean
esim_transport_open_channel_finish (EsimTransport *self, GAsyncResult *result, guint *channel,
                                    GBytes **select_response, GError **error)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), FALSE);
  if (select_response != NULL)
    *select_response = NULL;
  return ESIM_TRANSPORT_GET_CLASS (self)->open_channel_finish (self, result, channel,
                                                               select_response, error);
}

void
esim_transport_transmit_async (EsimTransport *self, guint channel, GBytes *apdu,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (ESIM_IS_TRANSPORT (self));
  GET_PRIV (self)->apdu_count++;
  ESIM_TRANSPORT_GET_CLASS (self)->transmit_async (self, channel, apdu, cancellable, callback,
                                                   user_data);
}

GBytes *
esim_transport_transmit_finish (EsimTransport *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GBytes) rapdu = NULL;

  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), NULL);
  rapdu = ESIM_TRANSPORT_GET_CLASS (self)->transmit_finish (self, result, error);
  if (rapdu == NULL)
    return NULL;
  /* every backend's answer ends with SW1 SW2; checked once for all of them */
  if (g_bytes_get_size (rapdu) < 2) {
    g_set_error (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_PROTOCOL,
                 "%s transport: response APDU without status word", esim_transport_get_kind (self));
    return NULL;
  }
  return g_steal_pointer (&rapdu);
}

void
esim_transport_close_channel_async (EsimTransport *self, guint channel, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (ESIM_IS_TRANSPORT (self));
  ESIM_TRANSPORT_GET_CLASS (self)->close_channel_async (self, channel, cancellable, callback,
                                                        user_data);
}

gboolean
esim_transport_close_channel_finish (EsimTransport *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), FALSE);
  return ESIM_TRANSPORT_GET_CLASS (self)->close_channel_finish (self, result, error);
}

void
esim_transport_close (EsimTransport *self)
{
  g_return_if_fail (ESIM_IS_TRANSPORT (self));
  if (ESIM_TRANSPORT_GET_CLASS (self)->close != NULL)
    ESIM_TRANSPORT_GET_CLASS (self)->close (self);
  GET_PRIV (self)->open = FALSE;
  GET_PRIV (self)->apdu_channels = 0;
}

gboolean
esim_transport_has_apdu_channel (EsimTransport *self, guint channel)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), FALSE);
  return channel >= 1 && channel <= MAX_CHANNEL
         && (GET_PRIV (self)->apdu_channels & (1u << channel)) != 0;
}

guint32
esim_transport_get_apdu_channels (EsimTransport *self)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), 0);
  return GET_PRIV (self)->apdu_channels;
}

/* the default logical channels: MANAGE CHANNEL and SELECT as command APDUs
 * through the class's own transmit, step by step on the main loop */

static void
esim_transport_send_apdu (EsimTransport *self, guint channel, GBytes *apdu,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  /* the vfunc, not esim_transport_transmit_async(): these APDUs are the
   * transport's own and do not count as the caller's */
  ESIM_TRANSPORT_GET_CLASS (self)->transmit_async (self, channel, apdu, cancellable, callback,
                                                   user_data);
}

/* splits the answer to esim_transport_send_apdu() */
static gboolean
esim_transport_receive_apdu (EsimTransport *self, GAsyncResult *res, GBytes **body, guint16 *sw,
                             GError **error)
{
  g_autoptr (GBytes) rapdu = ESIM_TRANSPORT_GET_CLASS (self)->transmit_finish (self, res, error);

  return rapdu != NULL && esim_apdu_parse_response (rapdu, body, sw, error);
}

static GBytes *
esim_transport_manage_channel_close_apdu (guint channel)
{
  return esim_apdu_encode (esim_apdu_cla_for_channel (0x00, channel), ESIM_APDU_INS_MANAGE_CHANNEL,
                           0x80, (guint8) channel, NULL, 0, -1);
}

typedef struct {
  GBytes *aid;
  guint channel;
  GBytes *apdu; /* the SELECT or GET RESPONSE in flight */
  guint rounds;
  guint8 select_p2;
  GByteArray *fci;
  GError *error; /* the failure to report once the channel is given back */
} OpenChannelData;

static void
open_channel_data_free (OpenChannelData *data)
{
  g_bytes_unref (data->aid);
  g_clear_pointer (&data->apdu, g_bytes_unref);
  g_byte_array_unref (data->fci);
  g_clear_error (&data->error);
  g_free (data);
}

static void
open_channel_release_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransport *self = ESIM_TRANSPORT (source);
  OpenChannelData *data = g_task_get_task_data (task);
  GBytes *rapdu = ESIM_TRANSPORT_GET_CLASS (self)->transmit_finish (self, res, NULL);

  /* whatever the card answers, the channel is not ours any more */
  if (rapdu != NULL)
    g_bytes_unref (rapdu);
  GET_PRIV (self)->apdu_channels &= ~(1u << data->channel);
  g_task_return_error (task, g_steal_pointer (&data->error));
  g_object_unref (task);
}

/* fails the open, after giving back the channel unless the link is gone */
static void
open_channel_abandon (GTask *task, GError *error)
{
  EsimTransport *self = g_task_get_source_object (task);
  OpenChannelData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) apdu = NULL;

  if (g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_GONE)
      || g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_OPEN)) {
    GET_PRIV (self)->apdu_channels &= ~(1u << data->channel);
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  data->error = error;
  apdu = esim_transport_manage_channel_close_apdu (data->channel);
  /* the caller hears of the failure only then, so that its next request
   * does not meet this one in flight; not cancellable, the channel goes
   * back even when the caller gave up */
  esim_transport_send_apdu (self, data->channel, apdu, NULL, open_channel_release_cb, task);
}

static void open_channel_select_cb (GObject *source, GAsyncResult *res, gpointer user_data);

/* SELECT by DF name: P2 0C asks for no FCI, which nobody here reads and
 * which would cost a GET RESPONSE; P2 00 asks for it (Le 00) */
static void
open_channel_set_select (OpenChannelData *data, guint8 p2)
{
  g_clear_pointer (&data->apdu, g_bytes_unref);
  data->select_p2 = p2;
  data->apdu = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, data->channel),
                                 ESIM_APDU_INS_SELECT, 0x04, p2, g_bytes_get_data (data->aid, NULL),
                                 g_bytes_get_size (data->aid), p2 == 0x0C ? -1 : 0);
}

static void
open_channel_send (GTask *task)
{
  EsimTransport *self = g_task_get_source_object (task);
  OpenChannelData *data = g_task_get_task_data (task);

  data->rounds++;
  esim_transport_send_apdu (self, data->channel, data->apdu, g_task_get_cancellable (task),
                            open_channel_select_cb, task);
}

static void
open_channel_select_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransport *self = ESIM_TRANSPORT (source);
  OpenChannelData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) body = NULL;
  GError *error = NULL;
  guint16 sw = 0;

  if (!esim_transport_receive_apdu (self, res, &body, &sw, &error)) {
    open_channel_abandon (task, error);
    return;
  }
  g_byte_array_append (data->fci, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if ((sw & 0xff00) == 0x6100 || (sw & 0xff00) == 0x6C00) {
    if (data->rounds >= MAX_SELECT_ROUNDS) {
      open_channel_abandon (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_PROTOCOL,
                                               "the SELECT answer did not end after %u "
                                               "GET RESPONSE",
                                               MAX_SELECT_ROUNDS));
      return;
    }
    if ((sw & 0xff00) == 0x6C00 && data->select_p2 == 0x0C) {
      /* a card that wants to answer with data after all: it gets the Le */
      open_channel_set_select (data, 0x00);
      g_bytes_unref (data->apdu);
      data->apdu
        = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, data->channel), ESIM_APDU_INS_SELECT,
                            0x04, 0x00, g_bytes_get_data (data->aid, NULL),
                            g_bytes_get_size (data->aid), (sw & 0xff) == 0 ? 256 : (sw & 0xff));
    } else if ((sw & 0xff00) == 0x6100) {
      g_bytes_unref (data->apdu);
      data->apdu = esim_apdu_encode (esim_apdu_cla_for_channel (0x00, data->channel),
                                     ESIM_APDU_INS_GET_RESPONSE, 0, 0, NULL, 0,
                                     (sw & 0xff) == 0 ? 256 : (sw & 0xff));
    } else {
      /* the same command again with the length the card asks for */
      g_autoptr (GByteArray) again = g_bytes_unref_to_array (g_steal_pointer (&data->apdu));

      again->data[again->len - 1] = sw & 0xff;
      data->apdu = g_byte_array_free_to_bytes (g_steal_pointer (&again));
    }
    open_channel_send (task);
    return;
  }
  /* a card that always answers with its FCI: once more asking for it, and
   * so from now on */
  if (sw == 0x6A86 && data->select_p2 == 0x0C && data->fci->len == 0) {
    g_debug ("%s %s: SELECT with P2 0C refused, asking for the FCI", GET_PRIV (self)->kind,
             GET_PRIV (self)->device);
    GET_PRIV (self)->select_fci = TRUE;
    open_channel_set_select (data, 0x00);
    open_channel_send (task);
    return;
  }
  if (sw == 0x6A82) {
    open_channel_abandon (task, g_error_new (ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NOT_FOUND,
                                             "the card has no application with this AID (6A82)"));
    return;
  }
  if (!esim_apdu_check_sw (sw, &error)) {
    g_prefix_error (&error, "SELECT failed: ");
    open_channel_abandon (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
open_channel_manage_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EsimTransport *self = ESIM_TRANSPORT (source);
  OpenChannelData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) body = NULL;
  GError *error = NULL;
  guint16 sw = 0;
  guint channel = 0;

  if (!esim_transport_receive_apdu (self, res, &body, &sw, &error)) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  if (g_bytes_get_size (body) == 1)
    channel = ((const guint8 *) g_bytes_get_data (body, NULL))[0];
  if (sw != ESIM_APDU_SW_OK || channel == 0 || channel > MAX_CHANNEL
      || esim_transport_has_apdu_channel (self, channel)) {
    g_task_return_new_error (task, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_NO_CHANNEL,
                             "MANAGE CHANNEL open failed (%04X)", sw);
    g_object_unref (task);
    return;
  }
  /* ours from here on: close() gives it back if nobody else does */
  data->channel = channel;
  GET_PRIV (self)->apdu_channels |= 1u << channel;
  open_channel_set_select (data, GET_PRIV (self)->select_fci ? 0x00 : 0x0C);
  open_channel_send (task);
}

static void
esim_transport_real_open_channel_async (EsimTransport *self, GBytes *aid, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  OpenChannelData *data = g_new0 (OpenChannelData, 1);
  g_autoptr (GBytes) apdu = NULL;

  g_task_set_source_tag (task, esim_transport_real_open_channel_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_channel_data_free);
  /* a channel the card gave is reported, not dropped for a late cancel */
  g_task_set_check_cancellable (task, FALSE);
  data->aid = g_bytes_ref (aid);
  data->fci = g_byte_array_new ();
  if (g_bytes_get_size (aid) < 5 || g_bytes_get_size (aid) > 16) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "an AID has 5 to 16 bytes, not %" G_GSIZE_FORMAT,
                             g_bytes_get_size (aid));
    g_object_unref (task);
    return;
  }
  apdu = esim_apdu_encode (0x00, ESIM_APDU_INS_MANAGE_CHANNEL, 0x00, 0x00, NULL, 0, 1);
  esim_transport_send_apdu (self, 0, apdu, cancellable, open_channel_manage_cb, task);
}

static gboolean
esim_transport_real_open_channel_finish (EsimTransport *self, GAsyncResult *res, guint *channel,
                                         GBytes **select_response, GError **error)
{
  OpenChannelData *data = g_task_get_task_data (G_TASK (res));

  if (!g_task_propagate_boolean (G_TASK (res), error))
    return FALSE;
  if (channel != NULL)
    *channel = data->channel;
  if (select_response != NULL)
    *select_response = g_bytes_new (data->fci->data, data->fci->len);
  return TRUE;
}

static void
close_channel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimTransport *self = ESIM_TRANSPORT (source);
  guint channel = GPOINTER_TO_UINT (g_task_get_task_data (task));
  GError *error = NULL;
  guint16 sw = 0;
  gboolean ok;

  ok
    = esim_transport_receive_apdu (self, res, NULL, &sw, &error) && esim_apdu_check_sw (sw, &error);
  /* whatever the card answers, the channel is no longer ours; a request
   * refused as busy never reached it */
  if (!g_error_matches (error, ESIM_TRANSPORT_ERROR, ESIM_TRANSPORT_ERROR_BUSY))
    GET_PRIV (self)->apdu_channels &= ~(1u << channel);
  if (!ok) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
esim_transport_real_close_channel_async (EsimTransport *self, guint channel,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GBytes) apdu = NULL;

  g_task_set_source_tag (task, esim_transport_real_close_channel_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (channel), NULL);
  if (channel == 0 || channel > MAX_CHANNEL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "there is no logical channel %u to close", channel);
    g_object_unref (task);
    return;
  }
  apdu = esim_transport_manage_channel_close_apdu (channel);
  esim_transport_send_apdu (self, channel, apdu, cancellable, close_channel_cb, task);
}

static gboolean
esim_transport_real_close_channel_finish (EsimTransport *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
esim_transport_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimTransportPrivate *priv = GET_PRIV (ESIM_TRANSPORT (object));

  switch (prop_id) {
  case PROP_KIND:
    g_value_set_string (value, priv->kind);
    break;
  case PROP_DEVICE:
    g_value_set_string (value, priv->device);
    break;
  case PROP_CAN_SIGNAL_REFRESH:
    g_value_set_boolean (value, priv->can_signal_refresh);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_transport_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EsimTransportPrivate *priv = GET_PRIV (ESIM_TRANSPORT (object));

  switch (prop_id) {
  case PROP_KIND:
    g_free (priv->kind);
    priv->kind = g_value_dup_string (value);
    break;
  case PROP_DEVICE:
    g_free (priv->device);
    priv->device = g_value_dup_string (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_transport_finalize (GObject *object)
{
  EsimTransportPrivate *priv = GET_PRIV (ESIM_TRANSPORT (object));

  g_free (priv->kind);
  g_free (priv->device);
  G_OBJECT_CLASS (esim_transport_parent_class)->finalize (object);
}

static void
esim_transport_init (EsimTransport *self)
{
}

static void
esim_transport_class_init (EsimTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = esim_transport_get_property;
  object_class->set_property = esim_transport_set_property;
  object_class->finalize = esim_transport_finalize;
  klass->open_channel_async = esim_transport_real_open_channel_async;
  klass->open_channel_finish = esim_transport_real_open_channel_finish;
  klass->close_channel_async = esim_transport_real_close_channel_async;
  klass->close_channel_finish = esim_transport_real_close_channel_finish;

  props[PROP_KIND] = g_param_spec_string (
    "kind", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_DEVICE]
    = g_param_spec_string ("device", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_CAN_SIGNAL_REFRESH]
    = g_param_spec_boolean ("can-signal-refresh", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* the card, reader or modem disappeared; every later call fails with GONE */
  signals[SIGNAL_GONE] = g_signal_new ("gone", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* the modem's own word that the card restarted and is ready again, e.g.
   * after a profile switch; only when can-signal-refresh */
  signals[SIGNAL_REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* with the presence watch: the card, reader or modem that was gone may
   * be back, worth a probe now rather than at the next periodic one */
  signals[SIGNAL_APPEARED] = g_signal_new ("appeared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
