/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-dbus-error.h"
#include "esim-dbus-generated.h"
#include "esim-job.h"

/* SGP.22 leaves the length open; nobody types more */
#define ESIM_JOB_CONFIRMATION_CODE_MAX 64

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
  /* coalescing: the value waiting for the next tick of the throttle */
  gdouble progress_pending;
  guint throttle_id;
  /* consent */
  gchar *starter;
  guint starter_watch_id;
  gboolean starter_gone;
  EsimJobConsentFunc consent_func;
  gpointer consent_data;
  guint consent_timeout_id;
};

/* at most ten Progress updates a second on the bus */
#define ESIM_JOB_PROGRESS_INTERVAL_MS 100

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

/* the coalesced progress goes out now, with whatever else changed */
static void
esim_job_apply_progress (EsimJob *self)
{
  if (self->progress_pending > esim_dbus_job_get_progress (self->iface))
    esim_dbus_job_set_progress (self->iface, self->progress_pending);
}

static void
esim_job_flush (EsimJob *self)
{
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->iface));
}

void
esim_job_set_stage (EsimJob *self, const gchar *stage)
{
  if (self->finished)
    return;
  /* cancelling stays until the job ends */
  if (g_cancellable_is_cancelled (self->cancellable))
    stage = "cancelling";
  if (g_strcmp0 (esim_dbus_job_get_stage (self->iface), stage) == 0)
    return;
  /* a stage change is never held back, and carries the progress so far */
  esim_job_apply_progress (self);
  esim_dbus_job_set_stage (self->iface, stage);
  esim_job_flush (self);
}

static gboolean
throttle_cb (gpointer user_data)
{
  EsimJob *self = ESIM_JOB (user_data);

  if (self->progress_pending <= esim_dbus_job_get_progress (self->iface)) {
    self->throttle_id = 0;
    return G_SOURCE_REMOVE;
  }
  esim_job_apply_progress (self);
  esim_job_flush (self);
  return G_SOURCE_CONTINUE;
}

void
esim_job_set_progress (EsimJob *self, gdouble progress)
{
  progress = CLAMP (progress, 0.0, 1.0);
  if (self->finished || progress <= self->progress_pending)
    return;
  self->progress_pending = progress;
  /* within the interval after the last update: the tick sends it */
  if (self->throttle_id != 0)
    return;
  esim_job_apply_progress (self);
  esim_job_flush (self);
  self->throttle_id = g_timeout_add (ESIM_JOB_PROGRESS_INTERVAL_MS, throttle_cb, self);
}

static void
download_stage_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  EsimJob *self = ESIM_JOB (user_data);
  EsimDownloadStage stage = esim_download_get_stage (ESIM_DOWNLOAD (object));

  /* idle and done are the job's to say; the download's cleanup after a
   * failure is no "cancelling" unless someone cancelled */
  if (stage == ESIM_DOWNLOAD_STAGE_IDLE || stage == ESIM_DOWNLOAD_STAGE_DONE
      || stage == ESIM_DOWNLOAD_STAGE_CANCELLING)
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

static void
esim_job_end_consent (EsimJob *self)
{
  self->consent_func = NULL;
  self->consent_data = NULL;
  g_clear_handle_id (&self->consent_timeout_id, g_source_remove);
}

static const gchar *
esim_job_final_stage (const GError *mapped)
{
  if (mapped == NULL)
    return "succeeded";
  /* stopped on request, not broken */
  if (mapped->code == ESIM_DBUS_ERROR_CANCELLED || mapped->code == ESIM_DBUS_ERROR_DECLINED)
    return "cancelled";
  return "failed";
}

void
esim_job_complete (EsimJob *self, const gchar *result_path, const GError *error)
{
  g_autoptr (GError) mapped = NULL;
  const gchar *result = result_path != NULL ? result_path : "/";
  const gchar *error_name = "";
  const gchar *error_message = "";

  g_return_if_fail (!self->finished);
  esim_job_unfollow (self);
  esim_job_end_consent (self);
  g_clear_handle_id (&self->throttle_id, g_source_remove);
  if (error == NULL)
    self->progress_pending = 1.0;
  esim_job_apply_progress (self);
  if (error != NULL) {
    mapped = esim_dbus_error_from_error (error);
    error_name = esim_dbus_error_to_name (mapped->code);
    error_message = mapped->message;
  }
  /* a failure can still leave something behind, e.g. a profile installed
   * whose enabling failed: the job names what exists */
  esim_dbus_job_set_result (self->iface, result);
  esim_dbus_job_set_error_name (self->iface, error_name);
  esim_dbus_job_set_error_message (self->iface, error_message);
  esim_dbus_job_set_stage (self->iface, esim_job_final_stage (mapped));
  self->finished = TRUE;
  esim_dbus_job_set_finished (self->iface, TRUE);

  if (error != NULL)
    g_message ("job %s (%s) failed: %s", self->path, esim_dbus_job_get_operation (self->iface),
               error->message);
  else
    g_message ("job %s (%s) succeeded", self->path, esim_dbus_job_get_operation (self->iface));
  /* properties first: a client that sees Completed reads Finished TRUE */
  esim_job_flush (self);
  esim_dbus_job_emit_completed (self->iface, error == NULL, error_name, error_message, result);
  self->linger_id = g_timeout_add_seconds (
    esim_context_get_config (self->context)->job_linger_seconds, linger_cb, self);
}

void
esim_job_cancel (EsimJob *self)
{
  if (self->finished || g_cancellable_is_cancelled (self->cancellable))
    return;
  g_message ("cancelling job %s", self->path);
  /* a download waiting for consent sees the cancellable: it postpones */
  esim_job_end_consent (self);
  g_cancellable_cancel (self->cancellable);
  esim_job_set_stage (self, "cancelling");
}

/* consent */

static void
esim_job_consent (EsimJob *self, EsimJobConsent consent, const gchar *confirmation_code)
{
  EsimJobConsentFunc func = self->consent_func;
  gpointer data = self->consent_data;

  esim_job_end_consent (self);
  /* the caller's decision, or its absence */
  if (consent == ESIM_JOB_CONSENT_CONFIRMED)
    esim_job_set_stage (self, "preparing");
  else
    esim_job_set_stage (self, "cancelling");
  func (self, consent, confirmation_code, data);
}

static gboolean
consent_timeout_cb (gpointer user_data)
{
  EsimJob *self = ESIM_JOB (user_data);

  self->consent_timeout_id = 0;
  g_message ("job %s: no confirmation in time, postponing the download", self->path);
  esim_job_consent (self, ESIM_JOB_CONSENT_TIMED_OUT, NULL);
  return G_SOURCE_REMOVE;
}

static void
starter_vanished_cb (GDBusConnection *connection, const gchar *name, gpointer user_data)
{
  EsimJob *self = ESIM_JOB (user_data);

  self->starter_gone = TRUE;
  if (self->consent_func == NULL)
    return;
  g_message ("job %s: the caller left before confirming, postponing the download", self->path);
  esim_job_consent (self, ESIM_JOB_CONSENT_CALLER_GONE, NULL);
}

void
esim_job_set_starter (EsimJob *self, const gchar *unique_name)
{
  GDBusConnection *connection
    = g_dbus_object_manager_server_get_connection (esim_context_get_object_manager (self->context));

  g_free (self->starter);
  self->starter = g_strdup (unique_name);
  if (connection == NULL || unique_name == NULL)
    return;
  self->starter_watch_id = g_bus_watch_name_on_connection (
    connection, unique_name, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL, starter_vanished_cb, self, NULL);
  g_object_unref (connection);
}

void
esim_job_await_consent (EsimJob *self, GVariant *metadata, EsimJobConsentFunc func,
                        gpointer user_data)
{
  guint timeout = esim_context_get_config (self->context)->confirmation_timeout_seconds;

  g_return_if_fail (!self->finished && self->consent_func == NULL);
  esim_dbus_job_set_profile_metadata (self->iface, metadata);
  self->consent_func = func;
  self->consent_data = user_data;
  esim_job_set_stage (self, "awaiting-confirmation");
  /* nobody left to ask */
  if (self->starter_gone) {
    esim_job_consent (self, ESIM_JOB_CONSENT_CALLER_GONE, NULL);
    return;
  }
  self->consent_timeout_id = g_timeout_add_seconds (timeout, consent_timeout_cb, self);
}

/* Confirm() and Decline(): the starter only, and polkit like the install */

typedef struct {
  EsimJob *self;
  GDBusMethodInvocation *invocation;
  gboolean confirm;
  gboolean reject; /* Decline() with "reject" */
  gchar *confirmation_code;
} ConsentCall;

static void
consent_call_free (ConsentCall *call)
{
  g_object_unref (call->self);
  g_object_unref (call->invocation);
  if (call->confirmation_code != NULL)
    memset (call->confirmation_code, 0, strlen (call->confirmation_code));
  g_free (call->confirmation_code);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConsentCall, consent_call_free)

static gboolean
esim_job_consent_check_waiting (EsimJob *self, GDBusMethodInvocation *invocation)
{
  if (self->consent_func != NULL)
    return TRUE;
  g_dbus_method_invocation_return_error_literal (invocation, ESIM_DBUS_ERROR,
                                                 ESIM_DBUS_ERROR_FAILED,
                                                 "the job is not waiting for a confirmation");
  return FALSE;
}

static void
consent_authorized_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (ConsentCall) call = user_data;
  g_autoptr (GError) error = NULL;
  EsimJob *self = call->self;

  if (!esim_authority_check_finish (ESIM_AUTHORITY (source), res, &error)) {
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  /* the wait may have ended while polkit asked */
  if (!esim_job_consent_check_waiting (self, call->invocation))
    return;
  g_message ("job %s: the caller %s the profile", self->path,
             call->confirm  ? "confirmed"
             : call->reject ? "rejected"
                            : "declined");
  if (call->confirm) {
    esim_dbus_job_complete_confirm (self->iface, call->invocation);
    esim_job_consent (self, ESIM_JOB_CONSENT_CONFIRMED, call->confirmation_code);
  } else {
    esim_dbus_job_complete_decline (self->iface, call->invocation);
    esim_job_consent (self, call->reject ? ESIM_JOB_CONSENT_REJECTED : ESIM_JOB_CONSENT_DECLINED,
                      NULL);
  }
}

static gboolean
esim_job_handle_consent (EsimJob *self, GDBusMethodInvocation *invocation, gboolean confirm,
                         GVariant *options)
{
  ConsentCall *call;
  GVariantIter iter;
  const gchar *key;
  GVariant *value;
  g_autofree gchar *code = NULL;
  gboolean reject = FALSE;

  if (g_strcmp0 (g_dbus_method_invocation_get_sender (invocation), self->starter) != 0) {
    g_dbus_method_invocation_return_error_literal (
      invocation, ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_NOT_AUTHORIZED,
      "only the caller that started the job may confirm or decline it");
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  if (!esim_job_consent_check_waiting (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  if (options != NULL) {
    g_variant_iter_init (&iter, options);
    while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
      g_autoptr (GVariant) v = value;
      if (confirm && g_strcmp0 (key, "confirmation-code") == 0
          && g_variant_is_of_type (v, G_VARIANT_TYPE_STRING)
          && strlen (g_variant_get_string (v, NULL)) <= ESIM_JOB_CONFIRMATION_CODE_MAX) {
        g_free (code);
        code = g_variant_dup_string (v, NULL);
        continue;
      }
      if (!confirm && g_strcmp0 (key, "reject") == 0
          && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN)) {
        reject = g_variant_get_boolean (v);
        continue;
      }
      g_dbus_method_invocation_return_error (
        invocation, ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_INVALID_ARGUMENT,
        "unknown or invalid option “%s” (known: %s)", key,
        confirm
          ? "confirmation-code s, at most " G_STRINGIFY (ESIM_JOB_CONFIRMATION_CODE_MAX) " bytes"
          : "reject b");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  }
  call = g_new0 (ConsentCall, 1);
  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  call->confirm = confirm;
  call->reject = reject;
  call->confirmation_code = g_steal_pointer (&code);
  esim_authority_check_async (esim_context_get_authority (self->context), invocation,
                              ESIM_ACTION_INSTALL_PROFILE, NULL, consent_authorized_cb, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_confirm_cb (EsimDbusJob *iface, GDBusMethodInvocation *invocation, GVariant *options,
                   gpointer user_data)
{
  return esim_job_handle_consent (ESIM_JOB (user_data), invocation, TRUE, options);
}

static gboolean
handle_decline_cb (EsimDbusJob *iface, GDBusMethodInvocation *invocation, GVariant *options,
                   gpointer user_data)
{
  return esim_job_handle_consent (ESIM_JOB (user_data), invocation, FALSE, options);
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
  esim_dbus_job_set_error_name (self->iface, "");
  esim_dbus_job_set_error_message (self->iface, "");
  esim_dbus_job_set_profile_metadata (self->iface, g_variant_new ("a{sv}", NULL));
  g_signal_connect (self->iface, "handle-cancel", G_CALLBACK (handle_cancel_cb), self);
  g_signal_connect (self->iface, "handle-confirm", G_CALLBACK (handle_confirm_cb), self);
  g_signal_connect (self->iface, "handle-decline", G_CALLBACK (handle_decline_cb), self);
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
  esim_job_end_consent (self);
  g_clear_handle_id (&self->linger_id, g_source_remove);
  g_clear_handle_id (&self->throttle_id, g_source_remove);
  if (self->starter_watch_id != 0) {
    g_bus_unwatch_name (self->starter_watch_id);
    self->starter_watch_id = 0;
  }
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
  g_free (self->starter);
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
