/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#ifdef ESIM_HAVE_POLKIT
#include <polkit/polkit.h>
#endif

#include "esim-authority.h"
#include "esim-dbus-error.h"

struct _EsimAuthority {
  GObject parent_instance;
#ifdef ESIM_HAVE_POLKIT
  PolkitAuthority *polkit; /* NULL until the first check */
  GQueue waiting;          /* checks that arrived while it was being fetched */
#endif
};

G_DEFINE_TYPE (EsimAuthority, esim_authority, G_TYPE_OBJECT)

EsimAuthority *
esim_authority_new (void)
{
  return g_object_new (ESIM_TYPE_AUTHORITY, NULL);
}

/* uid */

static void
get_uid_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  g_autoptr (GVariant) reply = NULL;
  GError *error = NULL;
  guint32 uid = 0;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  if (reply == NULL) {
    g_task_return_new_error (task, ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_NOT_AUTHORIZED,
                             "the caller's user is unknown: %s", error->message);
    g_error_free (error);
    return;
  }
  g_variant_get (reply, "(u)", &uid);
  g_task_return_int (task, uid);
}

void
esim_authority_get_uid_async (EsimAuthority *self, GDBusMethodInvocation *invocation,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, esim_authority_get_uid_async);
  g_dbus_connection_call (
    g_dbus_method_invocation_get_connection (invocation), "org.freedesktop.DBus",
    "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixUser",
    g_variant_new ("(s)", g_dbus_method_invocation_get_sender (invocation)), G_VARIANT_TYPE ("(u)"),
    G_DBUS_CALL_FLAGS_NONE, -1, cancellable, get_uid_cb, task);
}

gboolean
esim_authority_get_uid_finish (EsimAuthority *self, GAsyncResult *result, guint *uid,
                               GError **error)
{
  gssize value = g_task_propagate_int (G_TASK (result), error);

  if (value < 0)
    return FALSE;
  if (uid != NULL)
    *uid = (guint) value;
  return TRUE;
}

/* check */

#ifdef ESIM_HAVE_POLKIT

typedef struct {
  gchar *action_id;
  PolkitSubject *subject;
  PolkitCheckAuthorizationFlags flags;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->action_id);
  g_clear_object (&data->subject);
  g_free (data);
}

static void
check_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  CheckData *data = g_task_get_task_data (task);
  g_autoptr (PolkitAuthorizationResult) result = NULL;
  g_autoptr (GError) error = NULL;

  result = polkit_authority_check_authorization_finish (POLKIT_AUTHORITY (source), res, &error);
  if (result == NULL) {
    g_task_return_new_error (task, ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_NOT_AUTHORIZED,
                             "checking %s failed: %s", data->action_id, error->message);
    return;
  }
  if (polkit_authorization_result_get_is_authorized (result)) {
    g_task_return_boolean (task, TRUE);
    return;
  }
  if (polkit_authorization_result_get_is_challenge (result)) {
    g_task_return_new_error (task, ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_NOT_AUTHORIZED,
                             "%s needs authentication; call with interactive authorization "
                             "allowed",
                             data->action_id);
    return;
  }
  g_task_return_new_error (task, ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_NOT_AUTHORIZED,
                           "not authorized for %s", data->action_id);
}

static void
esim_authority_check_polkit (EsimAuthority *self, GTask *task)
{
  CheckData *data = g_task_get_task_data (task);

  polkit_authority_check_authorization (self->polkit, data->subject, data->action_id, NULL,
                                        data->flags, g_task_get_cancellable (task), check_cb, task);
}

static void
authority_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimAuthority) self = ESIM_AUTHORITY (user_data);
  g_autoptr (GError) error = NULL;
  PolkitAuthority *authority = polkit_authority_get_finish (res, &error);
  GTask *task;

  self->polkit = authority;
  /* one fetch for all the checks that waited, handed on in arrival order so
   * that a client's calls reach the eUICC queue in the order it made them */
  while ((task = g_queue_pop_head (&self->waiting)) != NULL) {
    if (authority == NULL) {
      g_task_return_new_error (task, ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_NOT_AUTHORIZED,
                               "polkit is not available: %s", error->message);
      g_object_unref (task);
      continue;
    }
    esim_authority_check_polkit (self, task);
  }
}

void
esim_authority_check_async (EsimAuthority *self, GDBusMethodInvocation *invocation,
                            const gchar *action_id, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  CheckData *data = g_new0 (CheckData, 1);

  g_task_set_source_tag (task, esim_authority_check_async);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  data->action_id = g_strdup (action_id);
  data->subject = polkit_system_bus_name_new (g_dbus_method_invocation_get_sender (invocation));
  /* the caller says whether a password dialog may appear */
  if (g_dbus_message_get_flags (message) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
    data->flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;
  if (self->polkit != NULL) {
    esim_authority_check_polkit (self, task);
    return;
  }
  g_queue_push_tail (&self->waiting, task);
  if (self->waiting.length == 1)
    polkit_authority_get_async (NULL, authority_cb, g_object_ref (self));
}

#else /* !ESIM_HAVE_POLKIT */

static void
check_uid_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  GError *error = NULL;
  guint uid = G_MAXUINT;

  if (!esim_authority_get_uid_finish (ESIM_AUTHORITY (source), res, &uid, &error)) {
    g_task_return_error (task, error);
    return;
  }
  if (uid != 0) {
    g_task_return_new_error (task, ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_NOT_AUTHORIZED,
                             "not authorized for %s: built without polkit, only root may",
                             (const gchar *) g_task_get_task_data (task));
    return;
  }
  g_task_return_boolean (task, TRUE);
}

void
esim_authority_check_async (EsimAuthority *self, GDBusMethodInvocation *invocation,
                            const gchar *action_id, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, esim_authority_check_async);
  g_task_set_task_data (task, g_strdup (action_id), g_free);
  esim_authority_get_uid_async (self, invocation, cancellable, check_uid_cb, task);
}

#endif

gboolean
esim_authority_check_finish (EsimAuthority *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
esim_authority_finalize (GObject *object)
{
#ifdef ESIM_HAVE_POLKIT
  EsimAuthority *self = ESIM_AUTHORITY (object);

  g_clear_object (&self->polkit);
#endif
  G_OBJECT_CLASS (esim_authority_parent_class)->finalize (object);
}

static void
esim_authority_init (EsimAuthority *self)
{
}

static void
esim_authority_class_init (EsimAuthorityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_authority_finalize;
}
