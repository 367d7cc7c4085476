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
  GArray *acked; /* of guint64 */
  guint failed;
} DeliverData;

typedef struct {
  GArray *seq_numbers; /* of guint64 */
  guint next;
} RemoveData;

typedef struct {
  guint delivered;
  guint failed;
} RunData;

static void
deliver_data_free (DeliverData *data)
{
  g_ptr_array_unref (data->pending);
  g_clear_pointer (&data->acked, g_array_unref);
  g_free (data);
}

static void
remove_data_free (RemoveData *data)
{
  g_array_unref (data->seq_numbers);
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
  /* one server, however the card spells its name */
  g_autofree gchar *key = g_ascii_strdown (address, -1);
  EsimRspClient *client = g_hash_table_lookup (self->clients, key);

  if (client == NULL) {
    client = esim_rsp_client_new (self->http, key, "es9plus");
    g_hash_table_insert (self->clients, g_steal_pointer (&key), client);
  }
  return client;
}

/* retrieve */

static void
retrieved_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  GError *error = NULL;
  GPtrArray *pending;

  pending = esim_es10_retrieve_notifications_list_finish (ESIM_ES10 (source), res, &error);
  if (pending == NULL) {
    /* an empty list is not an error */
    if (!g_error_matches (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_NO_RESULT_AVAILABLE)) {
      g_task_return_error (task, error);
      return;
    }
    g_clear_error (&error);
    pending = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_pending_notification_free);
  }
  g_task_return_pointer (task, pending, (GDestroyNotify) g_ptr_array_unref);
}

void
esim_notification_sender_retrieve_async (EsimNotificationSender *self, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, esim_notification_sender_retrieve_async);
  esim_es10_retrieve_notifications_list_async (self->es10, -1, ESIM_NOTIFICATION_EVENT_NONE,
                                               cancellable, retrieved_cb, task);
}

GPtrArray *
esim_notification_sender_retrieve_finish (EsimNotificationSender *self, GAsyncResult *result,
                                          GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* deliver */

static void deliver_next (GTask *task);

static void
handled_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  DeliverData *data = g_task_get_task_data (task);
  EsimPendingNotification *n = g_ptr_array_index (data->pending, data->next);
  g_autoptr (GError) error = NULL;

  if (!esim_es9p_handle_notification_finish (ESIM_RSP_CLIENT (source), res, &error)) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
    /* kept on the card for a later pass */
    g_debug ("notification %" G_GUINT64_FORMAT " not delivered: %s", n->metadata->seq_number,
             error->message);
    data->failed++;
  } else {
    g_array_append_val (data->acked, n->metadata->seq_number);
  }
  data->next++;
  deliver_next (task);
}

static void
deliver_next (GTask *task)
{
  EsimNotificationSender *self = g_task_get_source_object (task);
  DeliverData *data = g_task_get_task_data (task);
  EsimPendingNotification *n;

  if (data->next >= data->pending->len) {
    g_task_return_pointer (task, g_steal_pointer (&data->acked), (GDestroyNotify) g_array_unref);
    g_object_unref (task);
    return;
  }
  n = g_ptr_array_index (data->pending, data->next);
  if (n->metadata->address == NULL || n->metadata->address[0] == '\0') {
    data->failed++;
    data->next++;
    deliver_next (task);
    return;
  }
  esim_es9p_handle_notification_async (esim_notification_sender_client (self, n->metadata->address),
                                       n->raw, g_task_get_cancellable (task), handled_cb, task);
}

void
esim_notification_sender_deliver_async (EsimNotificationSender *self, GPtrArray *pending,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  DeliverData *data = g_new0 (DeliverData, 1);

  g_task_set_source_tag (task, esim_notification_sender_deliver_async);
  data->pending = g_ptr_array_ref (pending);
  data->acked = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_task_set_task_data (task, data, (GDestroyNotify) deliver_data_free);
  deliver_next (task);
}

GArray *
esim_notification_sender_deliver_finish (EsimNotificationSender *self, GAsyncResult *result,
                                         guint *failed, GError **error)
{
  DeliverData *data = g_task_get_task_data (G_TASK (result));
  GArray *acked = g_task_propagate_pointer (G_TASK (result), error);

  if (acked != NULL && failed != NULL)
    *failed = data->failed;
  return acked;
}

/* remove */

static void remove_next (GTask *task);

static void
removed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  RemoveData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  /* delivered either way; a leftover is sent again and the server sees a
   * duplicate, which it must accept; one removed meanwhile (a memory
   * reset) is what we wanted */
  if (!esim_es10_remove_notification_from_list_finish (ESIM_ES10 (source), res, &error)
      && !g_error_matches (error, ESIM_ES10_ERROR, ESIM_ES10_ERROR_NOTHING_TO_DELETE))
    g_debug ("removing a delivered notification failed: %s", error->message);
  data->next++;
  remove_next (task);
}

static void
remove_next (GTask *task)
{
  EsimNotificationSender *self = g_task_get_source_object (task);
  RemoveData *data = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task)) {
    g_object_unref (task);
    return;
  }
  if (data->next >= data->seq_numbers->len) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  /* not cancelled halfway through a removal: the card finishes what it got */
  esim_es10_remove_notification_from_list_async (
    self->es10, g_array_index (data->seq_numbers, guint64, data->next), NULL, removed_cb, task);
}

void
esim_notification_sender_remove_async (EsimNotificationSender *self, GArray *seq_numbers,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RemoveData *data = g_new0 (RemoveData, 1);

  g_task_set_source_tag (task, esim_notification_sender_remove_async);
  data->seq_numbers = g_array_ref (seq_numbers);
  g_task_set_task_data (task, data, (GDestroyNotify) remove_data_free);
  remove_next (task);
}

gboolean
esim_notification_sender_remove_finish (EsimNotificationSender *self, GAsyncResult *result,
                                        GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* run: the three in a row */

static void
run_removed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  GError *error = NULL;

  if (!esim_notification_sender_remove_finish (ESIM_NOTIFICATION_SENDER (source), res, &error)) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
run_delivered_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimNotificationSender *self = ESIM_NOTIFICATION_SENDER (source);
  RunData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  g_autoptr (GArray) acked = NULL;

  acked = esim_notification_sender_deliver_finish (self, res, &data->failed, &error);
  if (acked == NULL) {
    g_task_return_error (task, error);
    return;
  }
  data->delivered = acked->len;
  esim_notification_sender_remove_async (self, acked, cancellable, run_removed_cb,
                                         g_steal_pointer (&task));
}

static void
run_retrieved_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimNotificationSender *self = ESIM_NOTIFICATION_SENDER (source);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  g_autoptr (GPtrArray) pending = NULL;

  pending = esim_notification_sender_retrieve_finish (self, res, &error);
  if (pending == NULL) {
    g_task_return_error (task, error);
    return;
  }
  esim_notification_sender_deliver_async (self, pending, cancellable, run_delivered_cb,
                                          g_steal_pointer (&task));
}

void
esim_notification_sender_run_async (EsimNotificationSender *self, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, esim_notification_sender_run_async);
  g_task_set_task_data (task, g_new0 (RunData, 1), g_free);
  esim_notification_sender_retrieve_async (self, cancellable, run_retrieved_cb, task);
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
