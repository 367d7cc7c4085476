/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "esim-private.h"

/**
 * EsimJob:
 *
 * A long operation of esimd, mirroring org.freedesktop.Esim1.Job: the
 * stage and progress a panel draws, and the outcome once it ended. The
 * daemon removes a finished job from the bus after a while; this object
 * keeps what it learnt.
 */

struct _EsimJob {
  GObject parent_instance;
  EsimDbusJob *proxy;
  gulong notify_id;
  gulong completed_id;
  GWeakRef client;
  gboolean completed; /* the outcome below is known */
  gboolean success;
  GError *error;
  gboolean gone;
  GList *waiters; /* of GTask */
};

G_DEFINE_FINAL_TYPE (EsimJob, esim_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OBJECT_PATH,
  PROP_PROXY,
  PROP_OPERATION,
  PROP_EUICC_PATH,
  PROP_STAGE,
  PROP_PROGRESS,
  PROP_STARTED_BY_UID,
  PROP_FINISHED,
  PROP_RESULT,
  PROP_SUCCESS,
  PROP_PROFILE_METADATA,
  N_PROPS,
};

static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_COMPLETED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static const EsimPropertyMirror esim_job_mirrors[] = {
  { "operation", "operation" },
  { "euicc-path", "euicc" },
  { "stage", "stage" },
  { "progress", "progress" },
  { "started-by-uid", "started-by-uid" },
  { "finished", "finished" },
  { "result", "result" },
  { "profile-metadata", "profile-metadata" },
};

static void
esim_job_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimJob *self = ESIM_JOB (object);

  switch (prop_id) {
  case PROP_OBJECT_PATH:
    g_value_set_string (value, esim_job_get_object_path (self));
    return;
  case PROP_PROXY:
    g_value_set_object (value, self->proxy);
    return;
  case PROP_FINISHED:
    g_value_set_boolean (value, esim_job_get_finished (self));
    return;
  case PROP_SUCCESS:
    g_value_set_boolean (value, self->success);
    return;
  default:
    if (!esim_mirror_get (G_OBJECT (self->proxy), esim_job_mirrors, G_N_ELEMENTS (esim_job_mirrors),
                          pspec, value))
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_job_return (GTask *task, EsimJob *self)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  gulong *cancel_id = g_task_get_task_data (task);

  if (cancellable != NULL && *cancel_id != 0)
    g_cancellable_disconnect (cancellable, *cancel_id);
  *cancel_id = 0;
  if (self->success)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_error_copy (self->error));
  g_object_unref (task);
}

static void
esim_job_wake_waiters (EsimJob *self)
{
  GList *waiters = g_steal_pointer (&self->waiters);

  for (GList *l = waiters; l != NULL; l = l->next)
    esim_job_return (l->data, self);
  g_list_free (waiters);
}

static void
esim_job_set_outcome (EsimJob *self, gboolean success, const gchar *error_name,
                      const gchar *error_message)
{
  if (self->completed)
    return;
  self->completed = TRUE;
  self->success = success;
  if (!success)
    self->error
      = esim_error_new_for_dbus_error (error_name != NULL ? error_name : "", error_message);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SUCCESS]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FINISHED]);
  g_signal_emit (self, signals[SIGNAL_COMPLETED], 0, success);
  esim_job_wake_waiters (self);
}

static void
esim_job_completed_cb (EsimDbusJob *proxy, gboolean success, const gchar *error_name,
                       const gchar *error_message, const gchar *result, gpointer user_data)
{
  esim_job_set_outcome (ESIM_JOB (user_data), success, error_name, error_message);
}

/* the job ended before anyone here listened to Completed: the properties
 * tell what they can. A daemon with the ErrorName property tells it all;
 * an older one only whether a result exists */
static void
esim_job_outcome_from_properties (EsimJob *self)
{
  g_autofree gchar *error_name = NULL;
  g_autofree gchar *error_message = NULL;
  const gchar *result;

  if (!esim_dbus_job_get_finished (self->proxy))
    return;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (self->proxy), "error-name") != NULL) {
    g_object_get (self->proxy, "error-name", &error_name, NULL);
    if (g_object_class_find_property (G_OBJECT_GET_CLASS (self->proxy), "error-message") != NULL)
      g_object_get (self->proxy, "error-message", &error_message, NULL);
    esim_job_set_outcome (self, error_name == NULL || *error_name == '\0', error_name,
                          error_message);
    return;
  }
  result = esim_dbus_job_get_result (self->proxy);
  if (result != NULL && g_strcmp0 (result, "/") != 0)
    esim_job_set_outcome (self, TRUE, NULL, NULL);
  else
    esim_job_set_outcome (self, FALSE, "org.freedesktop.Esim1.Error.Failed",
                          "the job failed before the client watched it");
}

static void
esim_job_dispose (GObject *object)
{
  EsimJob *self = ESIM_JOB (object);

  if (self->proxy != NULL) {
    g_clear_signal_handler (&self->notify_id, self->proxy);
    g_clear_signal_handler (&self->completed_id, self->proxy);
  }
  G_OBJECT_CLASS (esim_job_parent_class)->dispose (object);
}

static void
esim_job_finalize (GObject *object)
{
  EsimJob *self = ESIM_JOB (object);

  /* every waiter holds a reference, so none is left here */
  g_warn_if_fail (self->waiters == NULL);
  g_clear_object (&self->proxy);
  g_clear_error (&self->error);
  g_weak_ref_clear (&self->client);
  G_OBJECT_CLASS (esim_job_parent_class)->finalize (object);
}

static void
esim_job_class_init (EsimJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = esim_job_get_property;
  object_class->dispose = esim_job_dispose;
  object_class->finalize = esim_job_finalize;

  /**
   * EsimJob:object-path:
   *
   * The D-Bus object path, /org/freedesktop/Esim1/Job/N.
   */
  props[PROP_OBJECT_PATH] = g_param_spec_string ("object-path", NULL, "The D-Bus object path", NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimJob:proxy:
   *
   * The D-Bus proxy of org.freedesktop.Esim1.Job behind this object.
   */
  props[PROP_PROXY] = g_param_spec_object ("proxy", NULL, "The D-Bus proxy", G_TYPE_DBUS_PROXY,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimJob:operation:
   *
   * What the job does: "install-profile".
   */
  props[PROP_OPERATION] = g_param_spec_string ("operation", NULL, "What the job does", NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimJob:euicc-path:
   *
   * The object path of the eUICC the job works on.
   */
  props[PROP_EUICC_PATH] = g_param_spec_string ("euicc-path", NULL, "The eUICC's object path", NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimJob:stage:
   *
   * While running "queued", "authenticating", "awaiting-confirmation"
   * (only with %ESIM_INSTALL_FLAGS_CONFIRM), "preparing", "installing",
   * "notifying" or "cancelling"; once finished "succeeded", "failed" or
   * "cancelled".
   */
  props[PROP_STAGE] = g_param_spec_string ("stage", NULL, "The stage", NULL,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimJob:progress:
   *
   * 0.0 to 1.0, never going back.
   */
  props[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, "0 to 1", 0.0, 1.0, 0.0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimJob:started-by-uid:
   *
   * The user who started the job.
   */
  props[PROP_STARTED_BY_UID] = g_param_spec_uint ("started-by-uid", NULL, "The user", 0, G_MAXUINT,
                                                  0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimJob:finished:
   *
   * %TRUE once the job ended, successfully or not.
   */
  props[PROP_FINISHED] = g_param_spec_boolean ("finished", NULL, "Whether it ended", FALSE,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimJob:result:
   *
   * The object path of what the job produced (the new profile), "/" when
   * nothing (yet).
   */
  props[PROP_RESULT] = g_param_spec_string ("result", NULL, "The result's object path", NULL,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimJob:success:
   *
   * %TRUE once the job ended and did what it should.
   */
  props[PROP_SUCCESS] = g_param_spec_boolean ("success", NULL, "Whether it succeeded", FALSE,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimJob:profile-metadata:
   *
   * What the SM-DP+ said about the profile it is about to send, once the
   * job reached "awaiting-confirmation" (an empty dictionary before): an
   * a{sv} with "iccid" s, "name" s, "service-provider" s, "class" s,
   * "icon-type" s, "icon" ay, "policy-rules" as, "operator-id" s and
   * "confirmation-code-required" b (pass the code to
   * esim_job_confirm_async()). See org.freedesktop.Esim1.Job.
   */
  props[PROP_PROFILE_METADATA] = g_param_spec_variant (
    "profile-metadata", NULL, "The profile the SM-DP+ offers", G_VARIANT_TYPE_VARDICT, NULL,
    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * EsimJob::completed:
   * @self: the #EsimJob
   * @success: whether the job did what it should; see esim_job_get_error()
   *
   * The job ended. Emitted once, also for a job that had ended before this
   * object was made (then from the job's properties).
   */
  signals[SIGNAL_COMPLETED]
    = g_signal_new ("completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
esim_job_init (EsimJob *self)
{
  g_weak_ref_init (&self->client, NULL);
}

EsimJob *
esim_job_new (EsimClient *client, EsimDbusJob *proxy)
{
  EsimJob *self = g_object_new (ESIM_TYPE_JOB, NULL);

  self->proxy = g_object_ref (proxy);
  g_weak_ref_set (&self->client, client);
  self->notify_id = esim_mirror_connect (G_OBJECT (self), G_OBJECT (proxy), esim_job_mirrors,
                                         G_N_ELEMENTS (esim_job_mirrors));
  self->completed_id
    = g_signal_connect (proxy, "completed", G_CALLBACK (esim_job_completed_cb), self);
  esim_job_outcome_from_properties (self);
  return self;
}

void
esim_job_set_gone (EsimJob *self)
{
  if (self->gone)
    return;
  self->gone = TRUE;
  /* a Completed may still be queued behind the removal: it came first on
   * the wire, but the properties are all that is left now */
  esim_job_outcome_from_properties (self);
  if (!self->completed)
    esim_job_set_outcome (self, FALSE, "org.freedesktop.Esim1.Error.Failed",
                          "the job left the bus before it ended (did esimd stop?)");
}

/**
 * esim_job_get_object_path:
 * @self: an #EsimJob
 *
 * Returns: the D-Bus object path
 */
const gchar *
esim_job_get_object_path (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), NULL);
  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->proxy));
}

/**
 * esim_job_get_proxy:
 * @self: an #EsimJob
 *
 * The D-Bus proxy behind this object, for members this library does not
 * wrap yet.
 *
 * Returns: (transfer none): the org.freedesktop.Esim1.Job proxy
 */
GDBusProxy *
esim_job_get_proxy (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), NULL);
  return G_DBUS_PROXY (self->proxy);
}

/**
 * esim_job_get_operation:
 * @self: an #EsimJob
 *
 * Returns: (nullable): what the job does, e.g. "install-profile"
 */
const gchar *
esim_job_get_operation (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), NULL);
  return esim_dbus_job_get_operation (self->proxy);
}

/**
 * esim_job_get_euicc_path:
 * @self: an #EsimJob
 *
 * Returns: (nullable): the object path of the eUICC the job works on
 */
const gchar *
esim_job_get_euicc_path (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), NULL);
  return esim_dbus_job_get_euicc (self->proxy);
}

/**
 * esim_job_get_stage:
 * @self: an #EsimJob
 *
 * Returns: (nullable): the stage, e.g. "installing"
 */
const gchar *
esim_job_get_stage (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), NULL);
  return esim_dbus_job_get_stage (self->proxy);
}

/**
 * esim_job_get_progress:
 * @self: an #EsimJob
 *
 * Returns: the progress, 0.0 to 1.0
 */
gdouble
esim_job_get_progress (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), 0.0);
  return esim_dbus_job_get_progress (self->proxy);
}

/**
 * esim_job_get_started_by_uid:
 * @self: an #EsimJob
 *
 * Returns: the user who started the job
 */
guint
esim_job_get_started_by_uid (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), 0);
  return esim_dbus_job_get_started_by_uid (self->proxy);
}

/**
 * esim_job_get_finished:
 * @self: an #EsimJob
 *
 * Returns: %TRUE once the job ended and its outcome is known
 */
gboolean
esim_job_get_finished (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), FALSE);
  return self->completed;
}

/**
 * esim_job_get_result:
 * @self: an #EsimJob
 *
 * Returns: (nullable): the object path of what the job produced, "/" when
 *   nothing
 */
const gchar *
esim_job_get_result (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), NULL);
  return esim_dbus_job_get_result (self->proxy);
}

/**
 * esim_job_get_result_profile:
 * @self: an #EsimJob
 *
 * The profile the job installed. A failed job may name one too: a profile
 * installed whose enabling was then refused.
 *
 * Returns: (transfer none) (nullable): the profile, or %NULL
 */
EsimProfile *
esim_job_get_result_profile (EsimJob *self)
{
  g_autoptr (EsimClient) client = NULL;

  g_return_val_if_fail (ESIM_IS_JOB (self), NULL);
  client = g_weak_ref_get (&self->client);
  if (client == NULL)
    return NULL;
  return esim_client_get_profile_by_path (client, esim_dbus_job_get_result (self->proxy));
}

/**
 * esim_job_get_success:
 * @self: an #EsimJob
 *
 * Returns: %TRUE once the job ended successfully
 */
gboolean
esim_job_get_success (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), FALSE);
  return self->success;
}

/**
 * esim_job_get_error:
 * @self: an #EsimJob
 *
 * Why the job failed: an #EsimError with the daemon's message.
 *
 * Returns: (transfer none) (nullable): the error of a failed job, %NULL
 *   while it runs and after a success
 */
const GError *
esim_job_get_error (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), NULL);
  return self->error;
}

/**
 * esim_job_get_profile_metadata:
 * @self: an #EsimJob
 *
 * The profile a download with %ESIM_INSTALL_FLAGS_CONFIRM is about to
 * install, for the user to confirm; see #EsimJob:profile-metadata.
 *
 * Returns: (transfer none) (nullable): an a{sv} dictionary, empty (or
 *   %NULL) until the job reached "awaiting-confirmation"
 */
GVariant *
esim_job_get_profile_metadata (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), NULL);
  return esim_dbus_job_get_profile_metadata (self->proxy);
}

/**
 * esim_job_get_awaiting_confirmation:
 * @self: an #EsimJob
 *
 * Returns: %TRUE while the job waits for esim_job_confirm_async() or
 *   esim_job_decline_async()
 */
gboolean
esim_job_get_awaiting_confirmation (EsimJob *self)
{
  g_return_val_if_fail (ESIM_IS_JOB (self), FALSE);
  return !self->completed
         && g_strcmp0 (esim_dbus_job_get_stage (self->proxy), "awaiting-confirmation") == 0;
}

/**
 * esim_job_confirm_async:
 * @self: an #EsimJob waiting in "awaiting-confirmation"
 * @confirmation_code: (nullable): the confirmation code, when the SM-DP+
 *   asks for one ("confirmation-code-required" in
 *   #EsimJob:profile-metadata) and none was given to the install
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Goes on with the download. Only the connection that started the job may
 * confirm it; the daemon asks polkit for
 * org.freedesktop.esim1.install-profile again.
 */
void
esim_job_confirm_async (EsimJob *self, const gchar *confirmation_code, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (EsimClient) client = NULL;
  GVariantBuilder options;

  g_return_if_fail (ESIM_IS_JOB (self));
  client = g_weak_ref_get (&self->client);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (confirmation_code != NULL && confirmation_code[0] != '\0')
    g_variant_builder_add (&options, "{sv}", "confirmation-code",
                           g_variant_new_string (confirmation_code));
  esim_call_async (self, client, G_DBUS_PROXY (self->proxy), "Confirm",
                   g_variant_new ("(a{sv})", &options), "()", cancellable, callback, user_data,
                   esim_job_confirm_async);
}

/**
 * esim_job_confirm_finish:
 * @self: an #EsimJob
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the download goes on; esim_job_wait_async() tells
 *   how it ends
 */
gboolean
esim_job_confirm_finish (EsimJob *self, GAsyncResult *res, GError **error)
{
  return esim_call_finish_void (self, res, error);
}

/**
 * esim_job_decline_async:
 * @self: an #EsimJob waiting in "awaiting-confirmation"
 * @flags: #EsimDeclineFlags: postpone (the default) or reject
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Does not install the profile: the session is cancelled on the eUICC and
 * at the SM-DP+, and the job ends with %ESIM_ERROR_DECLINED. By default
 * the download is only postponed and the activation code can be used
 * again; %ESIM_DECLINE_FLAGS_REJECT refuses the profile for good. Only the
 * connection that started the job may decline it.
 */
void
esim_job_decline_async (EsimJob *self, EsimDeclineFlags flags, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (EsimClient) client = NULL;
  GVariantBuilder options;

  g_return_if_fail (ESIM_IS_JOB (self));
  client = g_weak_ref_get (&self->client);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (flags & ESIM_DECLINE_FLAGS_REJECT)
    g_variant_builder_add (&options, "{sv}", "reject", g_variant_new_boolean (TRUE));
  esim_call_async (self, client, G_DBUS_PROXY (self->proxy), "Decline",
                   g_variant_new ("(a{sv})", &options), "()", cancellable, callback, user_data,
                   esim_job_decline_async);
}

/**
 * esim_job_decline_finish:
 * @self: an #EsimJob
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the daemon accepted; the job then ends with
 *   %ESIM_ERROR_DECLINED
 */
gboolean
esim_job_decline_finish (EsimJob *self, GAsyncResult *res, GError **error)
{
  return esim_call_finish_void (self, res, error);
}

/**
 * esim_job_cancel_async:
 * @self: an #EsimJob
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Asks the daemon to stop the job; a download is cancelled on the eUICC and
 * at the SM-DP+. The job then completes with %ESIM_ERROR_CANCELLED (or
 * with its own outcome when it ended meanwhile).
 */
void
esim_job_cancel_async (EsimJob *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr (EsimClient) client = NULL;

  g_return_if_fail (ESIM_IS_JOB (self));
  client = g_weak_ref_get (&self->client);
  esim_call_async (self, client, G_DBUS_PROXY (self->proxy), "Cancel", NULL, "()", cancellable,
                   callback, user_data, esim_job_cancel_async);
}

/**
 * esim_job_cancel_finish:
 * @self: an #EsimJob
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the daemon accepted the cancellation
 */
gboolean
esim_job_cancel_finish (EsimJob *self, GAsyncResult *res, GError **error)
{
  return esim_call_finish_void (self, res, error);
}

static gboolean
esim_job_wait_cancelled_idle (gpointer user_data)
{
  GTask *task = user_data;
  EsimJob *self = g_task_get_source_object (task);
  GList *link = g_list_find (self->waiters, task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gulong *cancel_id = g_task_get_task_data (task);

  /* the job may have ended meanwhile and answered already */
  if (link == NULL)
    return G_SOURCE_REMOVE;
  self->waiters = g_list_delete_link (self->waiters, link);
  g_cancellable_disconnect (cancellable, *cancel_id);
  *cancel_id = 0;
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
esim_job_wait_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  /* g_cancellable_disconnect may not run inside this handler: an idle */
  g_idle_add_full (G_PRIORITY_DEFAULT, esim_job_wait_cancelled_idle, g_object_ref (user_data),
                   g_object_unref);
}

/**
 * esim_job_wait_async:
 * @self: an #EsimJob
 * @cancellable: (nullable): a #GCancellable to stop waiting (not the job)
 * @callback: called when the job ended
 * @user_data: data for @callback
 *
 * Waits until the job ended; at once when it had already ended before,
 * also before this object was made.
 */
void
esim_job_wait_async (EsimJob *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  GTask *task;
  gulong *cancel_id;

  g_return_if_fail (ESIM_IS_JOB (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, esim_job_wait_async);
  cancel_id = g_new0 (gulong, 1);
  g_task_set_task_data (task, cancel_id, g_free);
  if (self->completed) {
    esim_job_return (task, self);
    return;
  }
  self->waiters = g_list_append (self->waiters, task);
  if (cancellable != NULL)
    *cancel_id
      = g_cancellable_connect (cancellable, G_CALLBACK (esim_job_wait_cancelled_cb), task, NULL);
}

/**
 * esim_job_wait_finish:
 * @self: an #EsimJob
 * @res: the #GAsyncResult
 * @error: why the job failed (an #EsimError), or %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE when the job succeeded; then esim_job_get_result_profile()
 *   names what it installed
 */
gboolean
esim_job_wait_finish (EsimJob *self, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, self), FALSE);
  return g_task_propagate_boolean (G_TASK (res), error);
}
