/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-queue.h"

struct _EsimQueue {
  GObject parent_instance;
  GQueue waiting;    /* of GTask, owned */
  GPtrArray *drains; /* of GTask, owned */
  gboolean busy;
  gboolean closed;
};

G_DEFINE_TYPE (EsimQueue, esim_queue, G_TYPE_OBJECT)

/* the task data of a waiting acquire */
typedef struct {
  EsimQueue *queue; /* unowned: the task holds the queue as its source */
  gulong cancelled_id;
} AcquireData;

EsimQueue *
esim_queue_new (void)
{
  return g_object_new (ESIM_TYPE_QUEUE, NULL);
}

gboolean
esim_queue_is_busy (EsimQueue *self)
{
  return self->busy;
}

guint
esim_queue_get_waiting (EsimQueue *self)
{
  return self->waiting.length;
}

gboolean
esim_queue_is_closed (EsimQueue *self)
{
  return self->closed;
}

static void
esim_queue_disconnect (GTask *task)
{
  AcquireData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable != NULL && data->cancelled_id != 0)
    g_cancellable_disconnect (cancellable, data->cancelled_id);
  data->cancelled_id = 0;
}

static void
esim_queue_finish_drains (EsimQueue *self)
{
  g_autoptr (GPtrArray) drains = NULL;

  if (self->busy || self->drains->len == 0)
    return;
  drains = g_steal_pointer (&self->drains);
  self->drains = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < drains->len; i++)
    g_task_return_boolean (g_ptr_array_index (drains, i), TRUE);
}

/* gives the turn to the next waiting operation */
static void
esim_queue_next (EsimQueue *self)
{
  GTask *task;

  if (self->busy)
    return;
  task = g_queue_pop_head (&self->waiting);
  if (task == NULL) {
    esim_queue_finish_drains (self);
    return;
  }
  esim_queue_disconnect (task);
  self->busy = TRUE;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* runs in an idle, never inside g_cancellable_cancel(), so disconnecting
 * is safe */
static gboolean
esim_queue_cancelled_idle_cb (gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  AcquireData *data = g_task_get_task_data (task);
  EsimQueue *self = data->queue;

  /* the turn may have come meanwhile */
  if (!g_queue_remove (&self->waiting, task))
    return G_SOURCE_REMOVE;
  esim_queue_disconnect (task);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
esim_queue_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, esim_queue_cancelled_idle_cb, g_object_ref (user_data),
                   g_object_unref);
}

void
esim_queue_acquire_async (EsimQueue *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  AcquireData *data = g_new0 (AcquireData, 1);

  g_task_set_source_tag (task, esim_queue_acquire_async);
  /* a turn given is a turn taken, even if cancelled right after: the
   * caller must release it */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, data, g_free);
  data->queue = self;
  if (self->closed) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "esimd is shutting down");
    return;
  }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (cancellable != NULL)
    data->cancelled_id
      = g_cancellable_connect (cancellable, G_CALLBACK (esim_queue_cancelled_cb), task, NULL);
  g_queue_push_tail (&self->waiting, g_steal_pointer (&task));
  esim_queue_next (self);
}

gboolean
esim_queue_acquire_finish (EsimQueue *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
esim_queue_release (EsimQueue *self)
{
  g_return_if_fail (self->busy);
  self->busy = FALSE;
  esim_queue_next (self);
}

void
esim_queue_close (EsimQueue *self)
{
  GTask *task;

  self->closed = TRUE;
  while ((task = g_queue_pop_head (&self->waiting)) != NULL) {
    esim_queue_disconnect (task);
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "esimd is shutting down");
    g_object_unref (task);
  }
}

void
esim_queue_drain_async (EsimQueue *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, esim_queue_drain_async);
  g_ptr_array_add (self->drains, task);
  esim_queue_finish_drains (self);
}

gboolean
esim_queue_drain_finish (EsimQueue *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
esim_queue_dispose (GObject *object)
{
  EsimQueue *self = ESIM_QUEUE (object);

  esim_queue_close (self);
  G_OBJECT_CLASS (esim_queue_parent_class)->dispose (object);
}

static void
esim_queue_finalize (GObject *object)
{
  EsimQueue *self = ESIM_QUEUE (object);

  g_ptr_array_unref (self->drains);
  G_OBJECT_CLASS (esim_queue_parent_class)->finalize (object);
}

static void
esim_queue_init (EsimQueue *self)
{
  g_queue_init (&self->waiting);
  self->drains = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
esim_queue_class_init (EsimQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = esim_queue_dispose;
  object_class->finalize = esim_queue_finalize;
}
