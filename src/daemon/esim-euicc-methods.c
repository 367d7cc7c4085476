/*
 * The methods of org.freedesktop.Esim1.Euicc that change the card or
 * deliver its notifications: SetDefaultSmdpAddress, ResetMemory,
 * ProcessNotifications (the downloads are in esim-euicc-install.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-activation-code.h"
#include "esim-authority.h"
#include "esim-dbus-error.h"
#include "esim-euicc-private.h"
#include "esim-notifier.h"

/* methods on the card: SetDefaultSmdpAddress, ResetMemory */

typedef struct {
  EsimEuicc *self;
  GDBusMethodInvocation *invocation;
  gchar *address;
  gchar **what;
  EsimMemoryResetOptions reset;
} EuiccCall;

static void
euicc_call_free (EuiccCall *call)
{
  g_object_unref (call->self);
  g_object_unref (call->invocation);
  g_free (call->address);
  g_strfreev (call->what);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EuiccCall, euicc_call_free)

static EuiccCall *
euicc_call_new (EsimEuicc *self, GDBusMethodInvocation *invocation)
{
  EuiccCall *call = g_new0 (EuiccCall, 1);

  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  return call;
}

static void
euicc_work_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EuiccCall *call = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  if (call->address != NULL)
    ok = esim_es10_set_default_dp_address_finish (ESIM_ES10 (source), res, &error);
  else
    ok = esim_es10_euicc_memory_reset_finish (ESIM_ES10 (source), res, &error);
  if (!ok) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
euicc_work (EsimEuicc *self, GTask *task)
{
  EuiccCall *call = g_task_get_task_data (task);

  if (call->address != NULL)
    esim_es10_set_default_dp_address_async (esim_euicc_get_es10 (self), call->address, NULL,
                                            euicc_work_cb, task);
  else
    esim_es10_euicc_memory_reset_async (esim_euicc_get_es10 (self), call->reset, NULL,
                                        euicc_work_cb, task);
}

static void
euicc_run_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EuiccCall *call = esim_euicc_run_get_data (res);
  g_autoptr (GError) error = NULL;

  if (!esim_euicc_run_finish (ESIM_EUICC (source), res, &error)) {
    g_message ("%s: %s failed: %s", esim_euicc_get_object_path (call->self),
               call->address != NULL ? "setting the default SM-DP+" : "memory reset",
               error->message);
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  if (call->address != NULL) {
    esim_dbus_euicc_complete_set_default_smdp_address (esim_euicc_get_iface (call->self),
                                                       call->invocation);
    return;
  }
  g_message ("%s: memory reset done", esim_euicc_get_object_path (call->self));
  esim_dbus_euicc_complete_reset_memory (esim_euicc_get_iface (call->self), call->invocation);
}

static gboolean
euicc_call_fail (EuiccCall *call, const gchar *message)
{
  g_dbus_method_invocation_return_error_literal (call->invocation, ESIM_DBUS_ERROR,
                                                 ESIM_DBUS_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

static gboolean
euicc_call_validate (EuiccCall *call)
{
  g_autoptr (GError) error = NULL;

  if (call->address != NULL) {
    if (call->address[0] != '\0' && !esim_smdp_address_validate (call->address, &error))
      return euicc_call_fail (call, error->message);
    return TRUE;
  }
  for (guint i = 0; call->what[i] != NULL; i++) {
    if (g_strcmp0 (call->what[i], "operational") == 0) {
      call->reset |= ESIM_MEMORY_RESET_DELETE_OPERATIONAL_PROFILES;
    } else if (g_strcmp0 (call->what[i], "test") == 0) {
      call->reset |= ESIM_MEMORY_RESET_DELETE_FIELD_LOADED_TEST_PROFILES;
    } else if (g_strcmp0 (call->what[i], "default-smdp") == 0) {
      call->reset |= ESIM_MEMORY_RESET_RESET_DEFAULT_SMDP_ADDRESS;
    } else {
      g_autofree gchar *msg
        = g_strdup_printf ("“%s” is not one of operational, test, default-smdp", call->what[i]);
      return euicc_call_fail (call, msg);
    }
  }
  if (call->reset == 0)
    return euicc_call_fail (call, "nothing to reset: name operational, test or default-smdp");
  return TRUE;
}

static void
euicc_authorized_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EuiccCall) call = user_data;
  g_autoptr (GError) error = NULL;
  EsimEuiccRunFlags flags = ESIM_EUICC_RUN_REFRESH;
  EsimEuicc *self;

  if (!esim_authority_check_finish (ESIM_AUTHORITY (source), res, &error)) {
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  if (!euicc_call_validate (call))
    return;
  /* a memory reset deletes profiles: their servers hear of it */
  if (call->address == NULL)
    flags |= ESIM_EUICC_RUN_NOTIFY;
  self = call->self;
  esim_euicc_run_async (self, euicc_work, g_steal_pointer (&call), (GDestroyNotify) euicc_call_free,
                        flags, NULL, euicc_run_cb, NULL);
}

gboolean
esim_euicc_handle_set_default_smdp_address (EsimDbusEuicc *iface, GDBusMethodInvocation *invocation,
                                            const gchar *address, gpointer user_data)
{
  EsimEuicc *self = ESIM_EUICC (user_data);
  EuiccCall *call = euicc_call_new (self, invocation);

  call->address = g_strdup (address);
  esim_authority_check_async (esim_context_get_authority (esim_euicc_get_context (self)),
                              invocation, ESIM_ACTION_CONFIGURE, NULL, euicc_authorized_cb, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
esim_euicc_handle_reset_memory (EsimDbusEuicc *iface, GDBusMethodInvocation *invocation,
                                const gchar *const *what, gpointer user_data)
{
  EsimEuicc *self = ESIM_EUICC (user_data);
  EuiccCall *call = euicc_call_new (self, invocation);

  call->what = g_strdupv ((gchar **) what);
  esim_authority_check_async (esim_context_get_authority (esim_euicc_get_context (self)),
                              invocation, ESIM_ACTION_RESET_MEMORY, NULL, euicc_authorized_cb,
                              call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ProcessNotifications */

static void
processed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EuiccCall) call = user_data;
  g_autoptr (GError) error = NULL;
  guint delivered = 0;
  guint failed = 0;

  if (!esim_notifier_process_finish (ESIM_NOTIFIER (source), res, &delivered, &failed, &error)) {
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  esim_dbus_euicc_complete_process_notifications (esim_euicc_get_iface (call->self),
                                                  call->invocation, delivered, failed);
}

static void
process_authorized_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EuiccCall) call = user_data;
  g_autoptr (GError) error = NULL;
  EsimNotifier *notifier = esim_euicc_get_notifier (call->self);

  if (!esim_authority_check_finish (ESIM_AUTHORITY (source), res, &error)) {
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  esim_notifier_process_async (notifier, NULL, processed_cb, g_steal_pointer (&call));
}

gboolean
esim_euicc_handle_process_notifications (EsimDbusEuicc *iface, GDBusMethodInvocation *invocation,
                                         gpointer user_data)
{
  EsimEuicc *self = ESIM_EUICC (user_data);

  esim_authority_check_async (esim_context_get_authority (esim_euicc_get_context (self)),
                              invocation, ESIM_ACTION_MANAGE_PROFILE, NULL, process_authorized_cb,
                              euicc_call_new (self, invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}
