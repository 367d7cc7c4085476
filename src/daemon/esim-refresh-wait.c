/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-refresh-wait.h"

struct _EsimRefreshWait {
  GObject parent_instance;
  EsimTransport *transport;
  GObject *sim_source;
  gulong refreshed_id;
  gulong gone_id;
  gulong sim_changed_id;
  gboolean arrived;
  EsimRefreshWaitResult result;
  GTask *task;
  guint timeout_id;
  gint64 started;
  gint64 ended;
};

G_DEFINE_TYPE (EsimRefreshWait, esim_refresh_wait, G_TYPE_OBJECT)

static void
esim_refresh_wait_disconnect (EsimRefreshWait *self)
{
  g_clear_signal_handler (&self->refreshed_id, self->transport);
  g_clear_signal_handler (&self->gone_id, self->transport);
  g_clear_signal_handler (&self->sim_changed_id, self->sim_source);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

static void
esim_refresh_wait_end (EsimRefreshWait *self, EsimRefreshWaitResult result)
{
  g_autoptr (GTask) task = NULL;

  /* only the first sign counts */
  if (self->arrived)
    return;
  self->arrived = TRUE;
  self->result = result;
  esim_refresh_wait_disconnect (self);
  if (self->task == NULL)
    return;
  self->ended = g_get_monotonic_time ();
  task = g_steal_pointer (&self->task);
  g_task_return_int (task, result);
}

static void
refreshed_cb (EsimTransport *transport, gpointer user_data)
{
  esim_refresh_wait_end (ESIM_REFRESH_WAIT (user_data), ESIM_REFRESH_WAIT_REFRESHED);
}

static void
gone_cb (EsimTransport *transport, gpointer user_data)
{
  esim_refresh_wait_end (ESIM_REFRESH_WAIT (user_data), ESIM_REFRESH_WAIT_GONE);
}

static void
sim_changed_cb (GObject *source, gpointer user_data)
{
  esim_refresh_wait_end (ESIM_REFRESH_WAIT (user_data), ESIM_REFRESH_WAIT_SIM_CHANGED);
}

static gboolean
timeout_cb (gpointer user_data)
{
  EsimRefreshWait *self = ESIM_REFRESH_WAIT (user_data);

  self->timeout_id = 0;
  esim_refresh_wait_end (self, ESIM_REFRESH_WAIT_TIMED_OUT);
  return G_SOURCE_REMOVE;
}

EsimRefreshWait *
esim_refresh_wait_new (EsimTransport *transport, GObject *sim_source)
{
  EsimRefreshWait *self = g_object_new (ESIM_TYPE_REFRESH_WAIT, NULL);

  self->transport = g_object_ref (transport);
  self->refreshed_id = g_signal_connect (transport, "refreshed", G_CALLBACK (refreshed_cb), self);
  self->gone_id = g_signal_connect (transport, "gone", G_CALLBACK (gone_cb), self);
  if (sim_source != NULL) {
    self->sim_source = g_object_ref (sim_source);
    self->sim_changed_id
      = g_signal_connect (sim_source, "sim-changed", G_CALLBACK (sim_changed_cb), self);
  }
  return self;
}

void
esim_refresh_wait_async (EsimRefreshWait *self, guint timeout_seconds, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_return_if_fail (self->task == NULL);
  g_task_set_source_tag (task, esim_refresh_wait_async);
  self->started = g_get_monotonic_time ();
  self->ended = self->started;
  if (self->arrived) {
    g_task_return_int (task, self->result);
    g_object_unref (task);
    return;
  }
  self->task = task;
  self->timeout_id = g_timeout_add_seconds (timeout_seconds, timeout_cb, self);
}

EsimRefreshWaitResult
esim_refresh_wait_finish (EsimRefreshWait *self, GAsyncResult *result)
{
  return (EsimRefreshWaitResult) g_task_propagate_int (G_TASK (result), NULL);
}

void
esim_refresh_wait_stop (EsimRefreshWait *self)
{
  esim_refresh_wait_end (self, ESIM_REFRESH_WAIT_STOPPED);
}

gdouble
esim_refresh_wait_get_elapsed (EsimRefreshWait *self)
{
  return (gdouble) (self->ended - self->started) / G_USEC_PER_SEC;
}

static void
esim_refresh_wait_dispose (GObject *object)
{
  EsimRefreshWait *self = ESIM_REFRESH_WAIT (object);

  esim_refresh_wait_disconnect (self);
  G_OBJECT_CLASS (esim_refresh_wait_parent_class)->dispose (object);
}

static void
esim_refresh_wait_finalize (GObject *object)
{
  EsimRefreshWait *self = ESIM_REFRESH_WAIT (object);

  g_clear_object (&self->transport);
  g_clear_object (&self->sim_source);
  G_OBJECT_CLASS (esim_refresh_wait_parent_class)->finalize (object);
}

static void
esim_refresh_wait_init (EsimRefreshWait *self)
{
}

static void
esim_refresh_wait_class_init (EsimRefreshWaitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = esim_refresh_wait_dispose;
  object_class->finalize = esim_refresh_wait_finalize;
}
