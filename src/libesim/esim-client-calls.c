/*
 * EsimClient: the daemon's own methods, and jobs quicker than the object
 * manager.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "esim-private.h"

static void
esim_client_job_proxy_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EsimClient *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (EsimDbusJob) proxy = esim_dbus_job_proxy_new_finish (res, &error);

  if (proxy == NULL) {
    g_task_return_error (task, esim_error_from_call (error));
    return;
  }
  g_task_return_pointer (task, g_object_ref (esim_client_add_job (self, proxy)), g_object_unref);
}

void
esim_client_get_job_async (EsimClient *self, const gchar *path, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  EsimJob *job = esim_client_get_job_by_path (self, path);
  g_autofree gchar *owner = NULL;

  if (job != NULL) {
    g_task_return_pointer (task, g_object_ref (job), g_object_unref);
    g_object_unref (task);
    return;
  }
  /* a job quicker than the object manager: its own proxy. The properties
   * are read at once, so a job that ended already is seen as Finished */
  owner = esim_client_dup_name_owner (self);
  esim_dbus_job_proxy_new (esim_client_get_connection (self), G_DBUS_PROXY_FLAGS_NONE,
                           owner != NULL ? owner : ESIM_BUS_NAME, path, cancellable,
                           esim_client_job_proxy_cb, task);
}

EsimJob *
esim_client_get_job_finish (EsimClient *self, GAsyncResult *res, GError **error)
{
  return g_task_propagate_pointer (G_TASK (res), error);
}

static void
esim_client_ping_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autoptr (GVariant) reply
    = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);

  if (reply == NULL) {
    g_task_return_error (task, esim_error_from_call (error));
    return;
  }
  g_task_return_boolean (task, TRUE);
}

/**
 * esim_client_ping_async:
 * @self: an #EsimClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the daemon answered or could not
 * @user_data: data for @callback
 *
 * Checks that esimd answers, starting it by D-Bus activation when it is not
 * running. A client is made without the daemon (its objects appear when it
 * starts); this tells why it is not there, e.g. for a command-line tool
 * that has nothing to wait for.
 */
void
esim_client_ping_async (EsimClient *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  GTask *task;

  g_return_if_fail (ESIM_IS_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, esim_client_ping_async);
  (void) esim_error_quark ();
  /* to the well-known name, without NO_AUTO_START: the bus starts the
   * daemon, or says why it cannot */
  g_dbus_connection_call (esim_client_get_connection (self), ESIM_BUS_NAME, ESIM_ROOT_PATH,
                          "org.freedesktop.DBus.Peer", "Ping", NULL, G_VARIANT_TYPE ("()"),
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable, esim_client_ping_cb, task);
}

/**
 * esim_client_ping_finish:
 * @self: an #EsimClient
 * @res: the #GAsyncResult
 * @error: why the daemon cannot be reached: e.g.
 *   %G_DBUS_ERROR_SERVICE_UNKNOWN when it is neither running nor
 *   activatable, %G_DBUS_ERROR_SPAWN_CHILD_EXITED when it failed to start
 *   (see esim_error_get_kind())
 *
 * Returns: %TRUE when the daemon answered
 */
gboolean
esim_client_ping_finish (EsimClient *self, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, self), FALSE);
  return g_task_propagate_boolean (G_TASK (res), error);
}

/**
 * esim_client_rescan_async:
 * @self: an #EsimClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Asks the daemon to look for eUICCs again and re-read every profile.
 */
void
esim_client_rescan_async (EsimClient *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_return_if_fail (ESIM_IS_CLIENT (self));
  esim_call_async (self, self, esim_client_get_manager_proxy (self), "Rescan", NULL, "()",
                   cancellable, callback, user_data, esim_client_rescan_async);
}

/**
 * esim_client_rescan_finish:
 * @self: an #EsimClient
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the rescan is done
 */
gboolean
esim_client_rescan_finish (EsimClient *self, GAsyncResult *res, GError **error)
{
  return esim_call_finish_void (self, res, error);
}

/**
 * esim_client_set_test_mode_async:
 * @self: an #EsimClient
 * @enabled: %TRUE to trust the SGP.26 test CI
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Turns the daemon's test mode on or off until it restarts. Needs
 * org.freedesktop.esim1.configure.
 */
void
esim_client_set_test_mode_async (EsimClient *self, gboolean enabled, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (ESIM_IS_CLIENT (self));
  esim_call_async (self, self, esim_client_get_manager_proxy (self), "SetTestMode",
                   g_variant_new ("(b)", enabled), "()", cancellable, callback, user_data,
                   esim_client_set_test_mode_async);
}

/**
 * esim_client_set_test_mode_finish:
 * @self: an #EsimClient
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the test mode was set
 */
gboolean
esim_client_set_test_mode_finish (EsimClient *self, GAsyncResult *res, GError **error)
{
  return esim_call_finish_void (self, res, error);
}

/**
 * esim_client_parse_activation_code_async:
 * @self: an #EsimClient
 * @activation_code: an SGP.22 activation code ("LPA:1$ADDRESS$MATCHING-ID")
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Checks an activation code without contacting anyone: the preview a
 * panel shows before it installs (is the code valid, which SM-DP+, does
 * it need a confirmation code). Needs no authorization; the daemon never
 * logs the code.
 */
void
esim_client_parse_activation_code_async (EsimClient *self, const gchar *activation_code,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  g_return_if_fail (ESIM_IS_CLIENT (self));
  g_return_if_fail (activation_code != NULL);
  esim_call_async (self, self, esim_client_get_manager_proxy (self), "ParseActivationCode",
                   g_variant_new ("(s)", activation_code), "(a{sv})", cancellable, callback,
                   user_data, esim_client_parse_activation_code_async);
}

/**
 * esim_client_parse_activation_code_finish:
 * @self: an #EsimClient
 * @res: the #GAsyncResult
 * @error: %ESIM_ERROR_INVALID_ACTIVATION_CODE with what is wrong
 *
 * Returns: (transfer full) (nullable): an a{sv} dictionary with
 *   "smdp-address" s, "matching-id-present" b,
 *   "confirmation-code-required" b and "smdp-oid" s, or %NULL when the
 *   code is not valid
 */
GVariant *
esim_client_parse_activation_code_finish (EsimClient *self, GAsyncResult *res, GError **error)
{
  g_autoptr (GVariant) reply = esim_call_finish (self, res, error);

  if (reply == NULL)
    return NULL;
  return g_variant_get_child_value (reply, 0);
}
