/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-transport.h"

G_DEFINE_QUARK (esim-transport-error-quark, esim_transport_error)

typedef struct {
  gchar *kind;
  gchar *device;
  gboolean open;
  gboolean gone;
  gboolean can_signal_refresh;
  guint64 apdu_count;
} EsimTransportPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (EsimTransport, esim_transport, G_TYPE_OBJECT)

enum { PROP_0, PROP_KIND, PROP_DEVICE, PROP_CAN_SIGNAL_REFRESH, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_GONE, SIGNAL_REFRESHED, N_SIGNALS };
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
esim_transport_set_open (EsimTransport *self, gboolean open)
{
  EsimTransportPrivate *priv = GET_PRIV (self);

  priv->open = open;
  if (open)
    priv->gone = FALSE;
}

void
esim_transport_set_gone (EsimTransport *self)
{
  EsimTransportPrivate *priv = GET_PRIV (self);

  priv->open = FALSE;
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
  ESIM_TRANSPORT_GET_CLASS (self)->transmit_async (self, channel, apdu, cancellable,
                                                   callback, user_data);
}

GBytes *
esim_transport_transmit_finish (EsimTransport *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (ESIM_IS_TRANSPORT (self), NULL);
  return ESIM_TRANSPORT_GET_CLASS (self)->transmit_finish (self, result, error);
}

void
esim_transport_close_channel_async (EsimTransport *self, guint channel, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (ESIM_IS_TRANSPORT (self));
  ESIM_TRANSPORT_GET_CLASS (self)->close_channel_async (self, channel, cancellable,
                                                        callback, user_data);
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

  props[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL,
                                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                          G_PARAM_STATIC_STRINGS);
  props[PROP_DEVICE] = g_param_spec_string ("device", NULL, NULL, NULL,
                                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                            G_PARAM_STATIC_STRINGS);
  props[PROP_CAN_SIGNAL_REFRESH] =
    g_param_spec_boolean ("can-signal-refresh", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* the card, reader or modem disappeared; every later call fails with GONE */
  signals[SIGNAL_GONE] = g_signal_new ("gone", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* the modem's own word that the card restarted and is ready again, e.g.
   * after a profile switch; only when can-signal-refresh */
  signals[SIGNAL_REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                            0);
}
