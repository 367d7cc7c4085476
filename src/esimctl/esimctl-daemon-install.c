/*
 * esimctl daemon mode: install. Euicc.InstallProfile returns a Job at
 * once; esimctl follows its Stage and Progress until Completed, and turns
 * Ctrl-C into Job.Cancel so that no half-installed profile stays (exit
 * 130 once the job ended cancelled).
 *
 * Completed is subscribed to before InstallProfile is called, so it cannot
 * be missed however quickly the job fails; the Finished property is only a
 * last resort when the signal does not come.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "esimctl-daemon-private.h"
#include "esimctl-output.h"

#define ESIMCTL_JOB_INTERFACE "org.freedesktop.Esim1.Job"

/* how long a job that reads Finished may take to send its Completed: the
 * daemon sends the signal right after the property, so this only matters
 * when the signal was lost */
#define ESIMCTL_COMPLETED_GRACE_MS 5000

typedef struct {
  EsimCtl *ctl;
  EsimCtlProgress *progress;
  EsimDbusJob *job;
  gchar *job_path;
  /* Completed signals by job path: they may arrive before the reply that
   * names our job */
  GHashTable *completed;
  GVariant *result; /* (bsso) of our job */
  gboolean cancel_requested;
  gboolean cancel_sent;
  gboolean abandoned; /* a second Ctrl-C: stop waiting */
  gboolean daemon_gone;
  guint grace_id; /* Finished seen, Completed not yet */
  gboolean grace_over;
} EsimCtlInstall;

static void
esimctl_install_clear (EsimCtlInstall *self)
{
  g_clear_handle_id (&self->grace_id, g_source_remove);
  g_clear_object (&self->job);
  g_clear_pointer (&self->job_path, g_free);
  g_clear_pointer (&self->completed, g_hash_table_unref);
  g_clear_pointer (&self->result, g_variant_unref);
  g_clear_pointer (&self->progress, esimctl_progress_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EsimCtlInstall, esimctl_install_clear)

static void
esimctl_install_take_result (EsimCtlInstall *self)
{
  GVariant *params;

  if (self->result != NULL || self->job_path == NULL)
    return;
  params = g_hash_table_lookup (self->completed, self->job_path);
  if (params != NULL)
    self->result = g_variant_ref (params);
}

static void
esimctl_install_completed_cb (GDBusConnection *bus, const gchar *sender, const gchar *path,
                              const gchar *interface, const gchar *signal, GVariant *params,
                              gpointer user_data)
{
  EsimCtlInstall *self = user_data;

  if (!g_variant_is_of_type (params, G_VARIANT_TYPE ("(bsso)")))
    return;
  g_hash_table_insert (self->completed, g_strdup (path), g_variant_ref (params));
  esimctl_install_take_result (self);
}

static void
esimctl_install_vanished_cb (GDBusConnection *bus, const gchar *name, gpointer user_data)
{
  EsimCtlInstall *self = user_data;

  self->daemon_gone = TRUE;
}

static void
esimctl_install_draw (EsimCtlInstall *self)
{
  if (self->job == NULL || self->progress == NULL)
    return;
  esimctl_progress_update (self->progress, esim_dbus_job_get_progress (self->job),
                           esim_dbus_job_get_stage (self->job));
}

static gboolean
esimctl_install_grace_cb (gpointer user_data)
{
  EsimCtlInstall *self = user_data;

  self->grace_id = 0;
  self->grace_over = TRUE;
  return G_SOURCE_REMOVE;
}

/* Finished TRUE comes just before Completed: wait a little for the signal,
 * which carries the error, instead of reporting a nameless failure */
static void
esimctl_install_check_finished (EsimCtlInstall *self)
{
  if (self->job == NULL || self->result != NULL || self->grace_id != 0 || self->grace_over)
    return;
  if (esim_dbus_job_get_finished (self->job))
    self->grace_id = g_timeout_add (ESIMCTL_COMPLETED_GRACE_MS, esimctl_install_grace_cb, self);
}

static void
esimctl_install_properties_cb (GDBusProxy *proxy, GVariant *changed,
                               const gchar *const *invalidated, gpointer user_data)
{
  esimctl_install_draw (user_data);
  esimctl_install_check_finished (user_data);
}

static void
esimctl_install_cancel_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EsimCtlInstall *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) mapped = NULL;
  g_autoptr (GVariant) reply
    = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);

  if (reply != NULL)
    return;
  /* the job may have ended on its own meanwhile: Completed tells */
  esimctl_daemon_propagate_error (&mapped, g_steal_pointer (&error));
  if (self->progress != NULL) {
    g_autofree gchar *text = g_strdup_printf (_ ("Could not cancel: %s"), mapped->message);
    esimctl_progress_message (self->progress, text);
  }
}

static void
esimctl_install_send_cancel (EsimCtlInstall *self)
{
  EsimCtlDaemon *d = self->ctl->daemon;

  if (self->cancel_sent || self->job_path == NULL)
    return;
  self->cancel_sent = TRUE;
  esimctl_progress_message (self->progress, _ ("Cancelling…"));
  g_dbus_connection_call (d->bus, d->owner, self->job_path, ESIMCTL_JOB_INTERFACE, "Cancel", NULL,
                          G_VARIANT_TYPE ("()"), d->call_flags, -1, NULL, esimctl_install_cancel_cb,
                          self);
}

static gboolean
esimctl_install_sigint_cb (gpointer user_data)
{
  EsimCtlInstall *self = user_data;

  if (self->cancel_requested) {
    self->abandoned = TRUE;
    return G_SOURCE_CONTINUE;
  }
  self->cancel_requested = TRUE;
  esimctl_install_send_cancel (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
esimctl_install_start (EsimCtlInstall *self, EsimDbusEuicc *euicc, GError **error)
{
  EsimCtl *ctl = self->ctl;
  GVariantBuilder options;
  g_autoptr (GVariant) reply = NULL;
  GError *local = NULL;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (ctl->enable)
    g_variant_builder_add (&options, "{sv}", "enable", g_variant_new_boolean (TRUE));
  reply = esimctl_daemon_call (
    ctl, euicc, "InstallProfile",
    g_variant_new ("(ssa{sv})", ctl->activation_code != NULL ? ctl->activation_code : "",
                   ctl->confirmation_code != NULL ? ctl->confirmation_code : "", &options),
    "(o)", error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(o)", &self->job_path);
  esimctl_install_take_result (self);

  self->job = esim_dbus_job_proxy_new_sync (ctl->daemon->bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                            ctl->daemon->owner, self->job_path, NULL, &local);
  if (self->job == NULL) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  g_signal_connect (self->job, "g-properties-changed", G_CALLBACK (esimctl_install_properties_cb),
                    self);
  esimctl_install_draw (self);
  esimctl_install_check_finished (self);
  /* Ctrl-C during the call above: cancel now that the job has a name */
  if (self->cancel_requested)
    esimctl_install_send_cancel (self);
  return TRUE;
}

/* the job finished but its Completed never came: the properties tell what
 * they can (ErrorName and ErrorMessage where the daemon has them) */
static void
esimctl_install_result_from_properties (EsimCtlInstall *self)
{
  GDBusProxy *proxy = G_DBUS_PROXY (self->job);
  g_autoptr (GVariant) name = g_dbus_proxy_get_cached_property (proxy, "ErrorName");
  g_autoptr (GVariant) message = g_dbus_proxy_get_cached_property (proxy, "ErrorMessage");
  const gchar *result = esim_dbus_job_get_result (self->job);
  const gchar *error_name = "org.freedesktop.Esim1.Error.Failed";

  if (result == NULL || !g_variant_is_object_path (result))
    result = "/";
  if (name != NULL && g_variant_is_of_type (name, G_VARIANT_TYPE_STRING))
    error_name = g_variant_get_string (name, NULL);
  if (*error_name == '\0') {
    self->result = g_variant_ref_sink (g_variant_new ("(bsso)", TRUE, "", "", result));
    return;
  }
  self->result = g_variant_ref_sink (
    g_variant_new ("(bsso)", FALSE, error_name,
                   message != NULL && g_variant_is_of_type (message, G_VARIANT_TYPE_STRING)
                     ? g_variant_get_string (message, NULL)
                     : "",
                   result));
}

static gboolean
esimctl_install_report (EsimCtlInstall *self, GError **error)
{
  EsimCtl *ctl = self->ctl;
  gboolean success = FALSE;
  const gchar *error_name = NULL, *error_message = NULL, *result_path = NULL;
  g_autoptr (EsimDbusProfile) profile = NULL;
  const gchar *iccid;

  g_variant_get (self->result, "(b&s&s&o)", &success, &error_name, &error_message, &result_path);
  if (!success && self->cancel_requested
      && g_str_equal (error_name, "org.freedesktop.Esim1.Error.Cancelled")) {
    g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_INTERRUPTED,
                         _ ("Interrupted; the download was cancelled"));
    esimctl_error_set_name (*error, error_name);
    return FALSE;
  }
  if (!success) {
    esimctl_daemon_set_error (error, error_name, error_message);
    return FALSE;
  }
  g_clear_pointer (&self->progress, esimctl_progress_free);
  if (g_strcmp0 (result_path, "/") == 0) {
    g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_FAILED,
                         _ ("The eSIM daemon reported success but no profile"));
    return FALSE;
  }
  profile = esimctl_daemon_profile_for_path (ctl, result_path, error);
  if (profile == NULL)
    return FALSE;
  if (ctl->json) {
    g_autoptr (JsonBuilder) b = esimctl_result_new (ctl);
    esimctl_json_add_string (b, "job", self->job_path);
    esimctl_json_add_string (b, "object_path", result_path);
    esimctl_daemon_profile_to_json (ctl, b, profile, FALSE);
    esimctl_result_print (ctl, b, NULL);
    return TRUE;
  }
  iccid = esim_dbus_profile_get_iccid (profile);
  if (g_strcmp0 (esim_dbus_profile_get_state (profile), "enabled") == 0)
    g_print (_ ("Profile %s installed and enabled.\n"), iccid != NULL ? iccid : "");
  else
    g_print (_ ("Profile %s installed.\n"), iccid != NULL ? iccid : "");
  return TRUE;
}

gboolean
esimctl_daemon_install (EsimCtl *ctl, GError **error)
{
  g_auto (EsimCtlInstall) self = { 0 };
  g_autoptr (EsimDbusEuicc) euicc = esimctl_daemon_select_euicc (ctl, error);
  guint subscription, watch, sigint;
  gboolean ok;

  if (euicc == NULL)
    return FALSE;
  self.ctl = ctl;
  self.progress = esimctl_progress_new ();
  self.completed
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  /* listen before asking, so that a job quicker than its reply is seen */
  subscription = g_dbus_connection_signal_subscribe (
    ctl->daemon->bus, ctl->daemon->owner, ESIMCTL_JOB_INTERFACE, "Completed", NULL, NULL,
    G_DBUS_SIGNAL_FLAGS_NONE, esimctl_install_completed_cb, &self, NULL);
  watch = g_bus_watch_name_on_connection (ctl->daemon->bus, ESIMCTL_BUS_NAME,
                                          G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
                                          esimctl_install_vanished_cb, &self, NULL);
  sigint = g_unix_signal_add (SIGINT, esimctl_install_sigint_cb, &self);

  ok = esimctl_install_start (&self, euicc, error);
  if (ok) {
    while (self.result == NULL && !self.abandoned && !self.daemon_gone && !self.grace_over)
      g_main_context_iteration (NULL, TRUE);
    /* a Completed already queued wins over a vanished daemon */
    for (guint i = 0; i < 100 && self.result == NULL && g_main_context_iteration (NULL, FALSE); i++)
      ;
    if (self.result == NULL && self.grace_over)
      esimctl_install_result_from_properties (&self);
  }

  g_source_remove (sigint);
  g_bus_unwatch_name (watch);
  g_dbus_connection_signal_unsubscribe (ctl->daemon->bus, subscription);
  if (!ok)
    return FALSE;
  if (self.result != NULL)
    return esimctl_install_report (&self, error);
  if (self.abandoned) {
    g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_INTERRUPTED,
                         _ ("Interrupted; the eSIM daemon goes on cancelling the download"));
    return FALSE;
  }
  g_set_error_literal (error, ESIMCTL_ERROR, ESIMCTL_EXIT_UNREACHABLE,
                       _ ("The eSIM daemon quit during the download"));
  return FALSE;
}
