/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-notification-sender.h"
#include "esim-notifier.h"
#include "esim-retry.h"

struct _EsimNotifier {
  GObject parent_instance;
  EsimEuicc *euicc; /* unowned, owns us */
  EsimRetry retry;
  gchar *state_path; /* NULL until started */
  guint timeout_id;
  gboolean running;
  gboolean again; /* a pass was asked for while one ran */
  gboolean stopped;
  GCancellable *cancellable;
  GPtrArray *waiters;      /* of GTask, waiting for the running pass */
  GPtrArray *next_waiters; /* of GTask, waiting for the next pass */
  GPtrArray *drains;       /* of GTask, waiting for no pass to run */
  /* the running pass */
  EsimEuicc *euicc_ref; /* holds the eUICC while no queued operation does */
  GPtrArray *pending;   /* of EsimPendingNotification, as the card listed them */
  GArray *acked;        /* of guint64, the sequence numbers the servers took */
  guint delivered;
  guint failed;
};

G_DEFINE_TYPE (EsimNotifier, esim_notifier, G_TYPE_OBJECT)

typedef struct {
  guint delivered;
  guint failed;
} PassData;

static void esim_notifier_pass (EsimNotifier *self);

EsimNotifier *
esim_notifier_new (EsimEuicc *euicc)
{
  EsimNotifier *self = g_object_new (ESIM_TYPE_NOTIFIER, NULL);

  self->euicc = euicc;
  return self;
}

static gboolean
timeout_cb (gpointer user_data)
{
  EsimNotifier *self = ESIM_NOTIFIER (user_data);

  self->timeout_id = 0;
  esim_notifier_pass (self);
  return G_SOURCE_REMOVE;
}

static void
esim_notifier_schedule (EsimNotifier *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 delay = self->retry.next_due - now;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->stopped)
    return;
  if (delay <= 0) {
    esim_notifier_pass (self);
    return;
  }
  g_debug ("%s: next notification pass in %" G_GINT64_FORMAT " s (attempt %u)",
           esim_euicc_get_object_path (self->euicc), delay, self->retry.attempts + 1);
  self->timeout_id = g_timeout_add_seconds ((guint) MIN (delay, G_MAXUINT), timeout_cb, self);
}

static void
esim_notifier_save (EsimNotifier *self)
{
  g_autoptr (GError) error = NULL;

  if (self->state_path == NULL)
    return;
  if (!esim_retry_save (&self->retry, self->state_path, &error))
    g_warning ("cannot keep the notification back-off: %s", error->message);
}

static void
esim_notifier_return_waiters (GPtrArray *waiters, const PassData *pass, const GError *error)
{
  for (guint i = 0; i < waiters->len; i++) {
    GTask *task = g_ptr_array_index (waiters, i);

    if (error != NULL) {
      g_task_return_error (task, g_error_copy (error));
      continue;
    }
    *(PassData *) g_task_get_task_data (task) = *pass;
    g_task_return_boolean (task, TRUE);
  }
  g_ptr_array_set_size (waiters, 0);
}

static void
esim_notifier_return_drains (EsimNotifier *self)
{
  g_autoptr (GPtrArray) drains = g_steal_pointer (&self->drains);

  self->drains = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < drains->len; i++)
    g_task_return_boolean (g_ptr_array_index (drains, i), TRUE);
}

static void
esim_notifier_pass_result (EsimNotifier *self, const GError *error)
{
  const EsimConfig *config = esim_context_get_config (esim_euicc_get_context (self->euicc));
  PassData pass = { self->delivered, self->failed };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  self->running = FALSE;
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->acked, g_array_unref);
  esim_notifier_return_waiters (self->waiters, &pass, error);

  if (self->stopped)
    return;
  if (error != NULL || pass.failed > 0) {
    esim_retry_failed (&self->retry, now, config->notification_retry_seconds,
                       config->notification_retry_max_seconds);
    if (error != NULL)
      g_message ("%s: the notifications could not be read or removed: %s",
                 esim_euicc_get_object_path (self->euicc), error->message);
    else
      g_message ("%s: %u notification(s) delivered, %u left for a retry",
                 esim_euicc_get_object_path (self->euicc), pass.delivered, pass.failed);
  } else {
    if (pass.delivered > 0)
      g_message ("%s: %u notification(s) delivered", esim_euicc_get_object_path (self->euicc),
                 pass.delivered);
    esim_retry_succeeded (&self->retry);
  }
  esim_notifier_save (self);

  if (self->again) {
    self->again = FALSE;
    esim_notifier_pass (self);
    return;
  }
  if (self->retry.attempts > 0)
    esim_notifier_schedule (self);
}

/* the end of a pass, after any of its steps */
static void
esim_notifier_pass_end (EsimNotifier *self, const GError *error)
{
  EsimEuicc *euicc = g_steal_pointer (&self->euicc_ref);

  esim_notifier_pass_result (self, error);
  if (!self->running)
    esim_notifier_return_drains (self);
  /* the eUICC, held for the step outside its queue, may go now; last, as
   * it owns us */
  g_clear_object (&euicc);
}

/* a sender for one step: the eUICC gets a fresh ES10 client when its
 * card comes back, so none is kept across steps */
static EsimNotificationSender *
esim_notifier_sender_new (EsimNotifier *self)
{
  EsimContext *context = esim_euicc_get_context (self->euicc);

  return esim_notification_sender_new (esim_euicc_get_es10 (self->euicc),
                                       esim_context_get_http (context));
}

/* step 3, in the queue: remove what the servers acknowledged */

static void
remove_cb (GObject *source, GAsyncResult *res, gpointer user_data)
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
remove_work (EsimEuicc *euicc, GTask *task)
{
  EsimNotifier *self = g_task_get_task_data (task);
  g_autoptr (EsimNotificationSender) sender = esim_notifier_sender_new (self);

  esim_notification_sender_remove_async (sender, self->acked, g_task_get_cancellable (task),
                                         remove_cb, task);
}

static void
removed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimNotifier) self = ESIM_NOTIFIER (user_data);
  g_autoptr (GError) error = NULL;

  esim_euicc_run_finish (ESIM_EUICC (source), res, &error);
  esim_notifier_pass_end (self, error);
}

/* step 2, outside the queue: the servers may take their time, the card
 * serves other operations meanwhile */

static void
delivered_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimNotifier) self = ESIM_NOTIFIER (user_data);
  g_autoptr (GError) error = NULL;

  self->acked = esim_notification_sender_deliver_finish (ESIM_NOTIFICATION_SENDER (source), res,
                                                         &self->failed, &error);
  if (self->acked == NULL) {
    esim_notifier_pass_end (self, error);
    return;
  }
  self->delivered = self->acked->len;
  if (self->acked->len == 0) {
    esim_notifier_pass_end (self, NULL);
    return;
  }
  esim_euicc_run_async (self->euicc, remove_work, self, NULL, ESIM_EUICC_RUN_REFRESH,
                        self->cancellable, removed_cb, g_object_ref (self));
}

/* step 1, in the queue: read what is pending */

static void
retrieve_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimNotifier *self = g_task_get_task_data (task);
  GError *error = NULL;

  self->pending
    = esim_notification_sender_retrieve_finish (ESIM_NOTIFICATION_SENDER (source), res, &error);
  if (self->pending == NULL) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
retrieve_work (EsimEuicc *euicc, GTask *task)
{
  EsimNotifier *self = g_task_get_task_data (task);
  g_autoptr (EsimNotificationSender) sender = esim_notifier_sender_new (self);

  esim_notification_sender_retrieve_async (sender, g_task_get_cancellable (task), retrieve_cb,
                                           task);
}

static void
retrieved_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimNotifier) self = ESIM_NOTIFIER (user_data);
  g_autoptr (EsimNotificationSender) sender = NULL;
  g_autoptr (GError) error = NULL;

  if (!esim_euicc_run_finish (ESIM_EUICC (source), res, &error)) {
    esim_notifier_pass_end (self, error);
    return;
  }
  if (self->pending->len == 0) {
    esim_notifier_pass_end (self, NULL);
    return;
  }
  sender = esim_notifier_sender_new (self);
  esim_notification_sender_deliver_async (sender, self->pending, self->cancellable, delivered_cb,
                                          g_object_ref (self));
}

static void
esim_notifier_pass (EsimNotifier *self)
{
  if (self->stopped)
    return;
  if (self->running) {
    self->again = TRUE;
    return;
  }
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->running = TRUE;
  /* who asked for the next pass gets this one */
  g_ptr_array_extend_and_steal (self->waiters, g_steal_pointer (&self->next_waiters));
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->delivered = 0;
  self->failed = 0;
  /* nothing else holds the eUICC while its servers answer */
  self->euicc_ref = g_object_ref (self->euicc);
  /* the queue only for the card: reading now, removing after the servers
   * answered (removed_cb) */
  esim_euicc_run_async (self->euicc, retrieve_work, self, NULL, ESIM_EUICC_RUN_NONE,
                        self->cancellable, retrieved_cb, g_object_ref (self));
}

void
esim_notifier_start (EsimNotifier *self)
{
  const gchar *eid = esim_euicc_get_eid (self->euicc);
  const gchar *state_dir = esim_context_get_state_dir (esim_euicc_get_context (self->euicc));
  g_autofree gchar *name = NULL;
  g_autoptr (GError) error = NULL;

  if (self->stopped || eid == NULL)
    return;
  name = g_strdup_printf ("notify-%s.json", eid);
  g_free (self->state_path);
  self->state_path = g_build_filename (state_dir, name, NULL);
  if (!esim_retry_load (&self->retry, self->state_path, &error))
    g_warning ("starting the notification back-off afresh: %s", error->message);
  if (self->retry.attempts > 0)
    g_message ("%s: continuing the notification back-off, %u failed pass(es) so far",
               esim_euicc_get_object_path (self->euicc), self->retry.attempts);
  /* nothing persisted or already due: a pass at once */
  esim_notifier_schedule (self);
}

void
esim_notifier_kick (EsimNotifier *self)
{
  esim_notifier_pass (self);
}

void
esim_notifier_process_async (EsimNotifier *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, esim_notifier_process_async);
  g_task_set_task_data (task, g_new0 (PassData, 1), g_free);
  if (self->stopped) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "esimd is shutting down");
    g_object_unref (task);
    return;
  }
  /* a pass already running may have read the card before the caller's
   * change: the caller gets a pass of its own */
  g_ptr_array_add (self->next_waiters, task);
  esim_notifier_pass (self);
}

gboolean
esim_notifier_process_finish (EsimNotifier *self, GAsyncResult *result, guint *delivered,
                              guint *failed, GError **error)
{
  PassData *pass = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (delivered != NULL)
    *delivered = pass->delivered;
  if (failed != NULL)
    *failed = pass->failed;
  return TRUE;
}

void
esim_notifier_stop (EsimNotifier *self)
{
  g_autoptr (GError) error = NULL;

  self->stopped = TRUE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "esimd is shutting down");
  esim_notifier_return_waiters (self->next_waiters, NULL, error);
}

void
esim_notifier_drain_async (EsimNotifier *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, esim_notifier_drain_async);
  g_ptr_array_add (self->drains, task);
  if (!self->running)
    esim_notifier_return_drains (self);
}

void
esim_notifier_drain_finish (EsimNotifier *self, GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

static void
esim_notifier_finalize (GObject *object)
{
  EsimNotifier *self = ESIM_NOTIFIER (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_object_unref (self->cancellable);
  g_ptr_array_unref (self->waiters);
  g_ptr_array_unref (self->next_waiters);
  g_ptr_array_unref (self->drains);
  g_free (self->state_path);
  G_OBJECT_CLASS (esim_notifier_parent_class)->finalize (object);
}

static void
esim_notifier_init (EsimNotifier *self)
{
  self->cancellable = g_cancellable_new ();
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->drains = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
esim_notifier_class_init (EsimNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_notifier_finalize;
}
