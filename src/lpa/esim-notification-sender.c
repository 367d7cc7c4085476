/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-notification-sender.h"

struct _EsimNotificationSender {
  GObject parent_instance;
  EsimEs10 *es10;
  EsimHttp *http;
  GHashTable *clients; /* address -> EsimRspClient, so each server's connection is reused */
};

G_DEFINE_TYPE (EsimNotificationSender, esim_notification_sender, G_TYPE_OBJECT)

typedef struct {
  GPtrArray *pending; /* of EsimPendingNotification */
  guint next;
  guint delivered;
  guint failed;
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_pointer (&data->pending, g_ptr_array_unref);
  g_free (data);
}

EsimNotificationSender *
esim_notification_sender_new (EsimEs10 *es10, EsimHttp *http)
{
  EsimNotificationSender *self = g_object_new (ESIM_TYPE_NOTIFICATION_SENDER, NULL);

  self->es10 = g_object_ref (es10);
  self->http = g_object_ref (http);
  return self;
}

static EsimRspClient *
esim_notification_sender_client (EsimNotificationSender *self, const gchar *address)
{
  EsimRspClient *client = g_hash_table_lookup (self->clients, address);

  if (client == NULL) {
    client = esim_rsp_client_new (self->http, address, "es9plus");
    g_hash_table_insert (self->clients, g_strdup (address), client);
  }
  return client;
}

static void send_next (GTask *task);

static void
removed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = G_TASK (user_data);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* delivered either way; a leftover is sent again and the server sees a
   * duplicate, which it must accept */
  if (!esim_es10_remove_notification_from_list_finish (ESIM_ES10 (source), res, &error))
    g_debug ("removing a delivered notification failed: %s", error->message);
  data->delivered++;
  data->next++;
  send_next (g_steal_pointer (&task));
}

static void
handled_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = G_TASK (user_data);
  EsimNotificationSender *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  EsimPendingNotification *n = g_ptr_array_index (data->pending, data->next);
  g_autoptr(GError) error = NULL;

  if (!esim_es9p_handle_notification_finish (ESIM_RSP_CLIENT (source), res, &error)) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
    /* kept on the card for a later pass */
    g_debug ("notification %" G_GUINT64_FORMAT " not delivered: %s", n->metadata->seq_number,
             error->message);
    data->failed++;
    data->next++;
    send_next (g_steal_pointer (&task));
    return;
  }
  esim_es10_remove_notification_from_list_async (self->es10, n->metadata->seq_number, NULL,
                                                 removed_cb, g_steal_pointer (&task));
}

static void
send_next (GTask *task)
{
  EsimNotificationSender *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  EsimPendingNotification *n;

  if (data->next >= data->pending->len) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  n = g_ptr_array_index (data->pending, data->next);
  if (n->metadata->address == NULL || n->metadata->address[0] == '\0') {
    data->failed++;
    data->next++;
    send_next (task);
    return;
  }
  esim_es9p_handle_notification_async (esim_notification_sender_client (self, n->metadata->address),
                                       n->raw, g_task_get_cancellable (task), handled_cb, task);
}

static void
retrieved_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  RunData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->pending = esim_es10_retrieve_notifications_list_finish (ESIM_ES10 (source), res, &error);
  if (data->pending == NULL) {
    /* an empty list is not an error */
    if (g_error_matches (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_NO_RESULT_AVAILABLE)) {
      g_clear_error (&error);
      g_task_return_boolean (task, TRUE);
    } else {
      g_task_return_error (task, error);
    }
    g_object_unref (task);
    return;
  }
  send_next (task);
}

void
esim_notification_sender_run_async (EsimNotificationSender *self, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, esim_notification_sender_run_async);
  g_task_set_task_data (task, g_new0 (RunData, 1), (GDestroyNotify) run_data_free);
  esim_es10_retrieve_notifications_list_async (self->es10, -1, ESIM_NOTIFICATION_EVENT_NONE,
                                               cancellable, retrieved_cb, task);
}

gboolean
esim_notification_sender_run_finish (EsimNotificationSender *self, GAsyncResult *result,
                                     guint *delivered, guint *failed, GError **error)
{
  RunData *data = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (delivered != NULL)
    *delivered = data->delivered;
  if (failed != NULL)
    *failed = data->failed;
  return TRUE;
}

static void
esim_notification_sender_finalize (GObject *object)
{
  EsimNotificationSender *self = ESIM_NOTIFICATION_SENDER (object);

  g_object_unref (self->es10);
  g_object_unref (self->http);
  g_hash_table_unref (self->clients);
  G_OBJECT_CLASS (esim_notification_sender_parent_class)->finalize (object);
}

static void
esim_notification_sender_init (EsimNotificationSender *self)
{
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static void
esim_notification_sender_class_init (EsimNotificationSenderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_notification_sender_finalize;
}
