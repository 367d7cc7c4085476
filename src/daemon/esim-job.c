/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-dbus-error.h"
#include "esim-dbus-generated.h"
#include "esim-job.h"

struct _EsimJob {
  GObject parent_instance;
  EsimContext *context;
  gchar *path;
  gchar *action_id;
  EsimDbusObjectSkeleton *object;
  EsimDbusJob *iface;
  GCancellable *cancellable;
  EsimDownload *download;
  gulong stage_id;
  gulong progress_id;
  guint linger_id;
  gboolean finished;
};

G_DEFINE_TYPE (EsimJob, esim_job, G_TYPE_OBJECT)

enum { SIGNAL_EXPIRED, N_SIGNALS };
static guint signals[N_SIGNALS];

const gchar *
esim_job_get_object_path (EsimJob *self)
{
  return self->path;
}

GCancellable *
esim_job_get_cancellable (EsimJob *self)
{
  return self->cancellable;
}

gboolean
esim_job_is_finished (EsimJob *self)
{
  return self->finished;
}

void
esim_job_set_stage (EsimJob *self, const gchar *stage)
{
  if (self->finished)
    return;
  /* cancelling stays until the job ends */
  if (g_cancellable_is_cancelled (self->cancellable) && g_strcmp0 (stage, "done") != 0)
    stage = "cancelling";
  if (g_strcmp0 (esim_dbus_job_get_stage (self->iface), stage) != 0)
    esim_dbus_job_set_stage (self->iface, stage);
}

void
esim_job_set_progress (EsimJob *self, gdouble progress)
{
  progress = CLAMP (progress, 0.0, 1.0);
  if (self->finished || progress <= esim_dbus_job_get_progress (self->iface))
    return;
  esim_dbus_job_set_progress (self->iface, progress);
}

static void
download_stage_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  EsimJob *self = ESIM_JOB (user_data);
  EsimDownloadStage stage = esim_download_get_stage (ESIM_DOWNLOAD (object));

  /* idle and done are the job's to say */
  if (stage == ESIM_DOWNLOAD_STAGE_IDLE || stage == ESIM_DOWNLOAD_STAGE_DONE)
    return;
  esim_job_set_stage (self, esim_download_stage_to_string (stage));
}

static void
download_progress_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  esim_job_set_progress (ESIM_JOB (user_data), esim_download_get_progress (ESIM_DOWNLOAD (object)));
}

static void
esim_job_unfollow (EsimJob *self)
{
  if (self->download == NULL)
    return;
  g_clear_signal_handler (&self->stage_id, self->download);
  g_clear_signal_handler (&self->progress_id, self->download);
  g_clear_object (&self->download);
}

void
esim_job_follow_download (EsimJob *self, EsimDownload *download)
{
  esim_job_unfollow (self);
  self->download = g_object_ref (download);
  self->stage_id
    = g_signal_connect (download, "notify::stage", G_CALLBACK (download_stage_cb), self);
  self->progress_id
    = g_signal_connect (download, "notify::progress", G_CALLBACK (download_progress_cb), self);
}

static gboolean
linger_cb (gpointer user_data)
{
  EsimJob *self = ESIM_JOB (user_data);

  self->linger_id = 0;
  g_dbus_object_manager_server_unexport (esim_context_get_object_manager (self->context),
                                         self->path);
  g_signal_emit (self, signals[SIGNAL_EXPIRED], 0);
  return G_SOURCE_REMOVE;
}

void
esim_job_complete (EsimJob *self, const gchar *result_path, const GError *error)
{
  g_autoptr (GError) mapped = NULL;
  const gchar *result = result_path != NULL ? result_path : "/";

  g_return_if_fail (!self->finished);
  esim_job_unfollow (self);
  if (error == NULL)
    esim_job_set_progress (self, 1.0);
  /* a failure can still leave something behind, e.g. a profile installed
   * whose enabling failed: the job names what exists */
  esim_dbus_job_set_result (self->iface, result);
  esim_job_set_stage (self, "done");
  self->finished = TRUE;
  esim_dbus_job_set_finished (self->iface, TRUE);

  if (error != NULL) {
    mapped = esim_dbus_error_from_error (error);
    g_message ("job %s (%s) failed: %s", self->path, esim_dbus_job_get_operation (self->iface),
               error->message);
  } else {
    g_message ("job %s (%s) succeeded", self->path, esim_dbus_job_get_operation (self->iface));
  }
  /* properties first: a client that sees Completed reads Finished TRUE */
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->iface));
  esim_dbus_job_emit_completed (self->iface, error == NULL,
                                mapped != NULL ? esim_dbus_error_to_name (mapped->code) : "",
                                mapped != NULL ? mapped->message : "", result);
  self->linger_id = g_timeout_add_seconds (
    esim_context_get_config (self->context)->job_linger_seconds, linger_cb, self);
}

void
esim_job_cancel (EsimJob *self)
{
  if (self->finished || g_cancellable_is_cancelled (self->cancellable))
    return;
  g_message ("cancelling job %s", self->path);
  g_cancellable_cancel (self->cancellable);
  esim_job_set_stage (self, "cancelling");
}

/* Cancel(): the user who started the job, or whoever may start one */

typedef struct {
  EsimJob *self;
  GDBusMethodInvocation *invocation;
} CancelData;

static void
cancel_data_free (CancelData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->invocation);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CancelData, cancel_data_free)

static void
cancel_done (CancelData *data)
{
  esim_job_cancel (data->self);
  esim_dbus_job_complete_cancel (data->self->iface, data->invocation);
}

static void
cancel_authorized_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (CancelData) data = user_data;
  g_autoptr (GError) error = NULL;

  if (!esim_authority_check_finish (ESIM_AUTHORITY (source), res, &error)) {
    esim_dbus_error_return (data->invocation, error);
    return;
  }
  cancel_done (data);
}

static void
cancel_uid_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (CancelData) data = user_data;
  g_autoptr (GError) error = NULL;
  guint uid = G_MAXUINT;
  GDBusMethodInvocation *invocation;
  const gchar *action_id;

  if (!esim_authority_get_uid_finish (ESIM_AUTHORITY (source), res, &uid, &error)) {
    esim_dbus_error_return (data->invocation, error);
    return;
  }
  if (uid == esim_dbus_job_get_started_by_uid (data->self->iface)) {
    cancel_done (data);
    return;
  }
  invocation = data->invocation;
  action_id = data->self->action_id;
  esim_authority_check_async (ESIM_AUTHORITY (source), invocation, action_id, NULL,
                              cancel_authorized_cb, g_steal_pointer (&data));
}

static gboolean
handle_cancel_cb (EsimDbusJob *iface, GDBusMethodInvocation *invocation, gpointer user_data)
{
  EsimJob *self = ESIM_JOB (user_data);
  CancelData *data = g_new0 (CancelData, 1);

  data->self = g_object_ref (self);
  data->invocation = g_object_ref (invocation);
  esim_authority_get_uid_async (esim_context_get_authority (self->context), invocation, NULL,
                                cancel_uid_cb, data);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

EsimJob *
esim_job_new (EsimContext *context, const gchar *operation, const gchar *action_id,
              const gchar *euicc_path, guint started_by_uid)
{
  EsimJob *self = g_object_new (ESIM_TYPE_JOB, NULL);

  self->context = g_object_ref (context);
  self->path = esim_context_next_path (context, "Job");
  self->action_id = g_strdup (action_id);
  self->object = esim_dbus_object_skeleton_new (self->path);
  self->iface = esim_dbus_job_skeleton_new ();
  esim_dbus_job_set_operation (self->iface, operation);
  esim_dbus_job_set_euicc (self->iface, euicc_path);
  esim_dbus_job_set_stage (self->iface, "queued");
  esim_dbus_job_set_progress (self->iface, 0.0);
  esim_dbus_job_set_started_by_uid (self->iface, started_by_uid);
  esim_dbus_job_set_finished (self->iface, FALSE);
  esim_dbus_job_set_result (self->iface, "/");
  g_signal_connect (self->iface, "handle-cancel", G_CALLBACK (handle_cancel_cb), self);
  esim_dbus_object_skeleton_set_job (self->object, self->iface);
  g_dbus_object_manager_server_export (esim_context_get_object_manager (context),
                                       G_DBUS_OBJECT_SKELETON (self->object));
  return self;
}

static void
esim_job_dispose (GObject *object)
{
  EsimJob *self = ESIM_JOB (object);

  esim_job_unfollow (self);
  g_clear_handle_id (&self->linger_id, g_source_remove);
  if (self->iface != NULL)
    g_signal_handlers_disconnect_by_data (self->iface, self);
  G_OBJECT_CLASS (esim_job_parent_class)->dispose (object);
}

static void
esim_job_finalize (GObject *object)
{
  EsimJob *self = ESIM_JOB (object);

  g_clear_object (&self->iface);
  g_clear_object (&self->object);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_free (self->path);
  g_free (self->action_id);
  G_OBJECT_CLASS (esim_job_parent_class)->finalize (object);
}

static void
esim_job_init (EsimJob *self)
{
  self->cancellable = g_cancellable_new ();
}

static void
esim_job_class_init (EsimJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = esim_job_dispose;
  object_class->finalize = esim_job_finalize;
  signals[SIGNAL_EXPIRED] = g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
