/*
 * The helpers of every libesim wrapper: mirrored properties and method
 * calls with the client's flags and esimd's errors.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "esim-private.h"

typedef struct {
  GObject *wrapper; /* weak: the wrapper owns the proxy and disconnects first */
  const EsimPropertyMirror *mirrors;
  guint n_mirrors;
} EsimMirrorData;

static void
esim_mirror_notify_cb (GObject *proxy, GParamSpec *pspec, gpointer user_data)
{
  EsimMirrorData *data = user_data;

  for (guint i = 0; i < data->n_mirrors; i++) {
    if (g_strcmp0 (data->mirrors[i].proxy_name, pspec->name) == 0)
      g_object_notify (data->wrapper, data->mirrors[i].wrapper_name);
  }
}

gulong
esim_mirror_connect (GObject *wrapper, GObject *proxy, const EsimPropertyMirror *mirrors,
                     guint n_mirrors)
{
  EsimMirrorData *data = g_new0 (EsimMirrorData, 1);

  data->wrapper = wrapper;
  data->mirrors = mirrors;
  data->n_mirrors = n_mirrors;
  return g_signal_connect_data (proxy, "notify", G_CALLBACK (esim_mirror_notify_cb), data,
                                (GClosureNotify) (void (*) (void)) g_free, 0);
}

gboolean
esim_mirror_get (GObject *proxy, const EsimPropertyMirror *mirrors, guint n_mirrors,
                 GParamSpec *pspec, GValue *value)
{
  for (guint i = 0; i < n_mirrors; i++) {
    if (g_strcmp0 (mirrors[i].wrapper_name, pspec->name) != 0)
      continue;
    /* a property the daemon did not send (older daemon): the default */
    if (g_object_class_find_property (G_OBJECT_GET_CLASS (proxy), mirrors[i].proxy_name) == NULL)
      g_param_value_set_default (pspec, value);
    else
      g_object_get_property (proxy, mirrors[i].proxy_name, value);
    return TRUE;
  }
  return FALSE;
}

guint
esim_path_number (const gchar *path)
{
  const gchar *slash = path != NULL ? strrchr (path, '/') : NULL;
  guint64 n = 0;

  if (slash == NULL || !g_ascii_string_to_unsigned (slash + 1, 10, 0, G_MAXUINT - 1, &n, NULL))
    return G_MAXUINT;
  return (guint) n;
}

/* for g_ptr_array_sort of wrappers that have an "object-path" */
gint
esim_compare_by_path (gconstpointer a, gconstpointer b)
{
  g_autofree gchar *pa = NULL;
  g_autofree gchar *pb = NULL;
  guint na, nb;

  g_object_get (*(GObject *const *) a, "object-path", &pa, NULL);
  g_object_get (*(GObject *const *) b, "object-path", &pb, NULL);
  na = esim_path_number (pa);
  nb = esim_path_number (pb);
  return na < nb ? -1 : na > nb ? 1 : g_strcmp0 (pa, pb);
}

static void
esim_call_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);

  if (reply == NULL) {
    g_task_return_error (task, esim_error_from_call (error));
    return;
  }
  g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
}

void
esim_call_async (gpointer source, EsimClient *client, GDBusProxy *proxy, const gchar *method,
                 GVariant *parameters, const gchar *reply_type, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  GDBusCallFlags flags = client != NULL ? esim_client_get_call_flags (client) : 0;

  g_task_set_source_tag (task, tag);
  (void) esim_error_quark ();
  /* the connection call checks the reply's type, which the proxy call does not */
  g_dbus_connection_call (g_dbus_proxy_get_connection (proxy), g_dbus_proxy_get_name (proxy),
                          g_dbus_proxy_get_object_path (proxy),
                          g_dbus_proxy_get_interface_name (proxy), method, parameters,
                          reply_type != NULL ? G_VARIANT_TYPE (reply_type) : NULL, flags,
                          ESIM_CALL_TIMEOUT_MS, cancellable, esim_call_cb, task);
}

GVariant *
esim_call_finish (gpointer source, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, source), NULL);
  return g_task_propagate_pointer (G_TASK (res), error);
}

gboolean
esim_call_finish_void (gpointer source, GAsyncResult *res, GError **error)
{
  g_autoptr (GVariant) reply = esim_call_finish (source, res, error);

  return reply != NULL;
}
