/*
 * esimctl daemon mode: monitor. The daemon's changes as they happen, one
 * line per event: eUICCs, profiles and jobs added and removed, property
 * changes (a profile's State, a job's Stage and Progress), job completion,
 * and the daemon going away and coming back. With --json each line is one
 * JSON object. Ctrl-C or SIGTERM end it with exit status 0.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "esimctl-daemon-private.h"
#include "esimctl-output.h"

typedef struct {
  EsimCtl *ctl;
  GMainLoop *loop;
  gboolean daemon_present;
} EsimCtlMonitor;

/* the icon's bytes would only clutter a line: its presence is enough */
static gboolean
esimctl_monitor_skip_property (const gchar *name)
{
  return g_str_equal (name, "Icon");
}

static void
esimctl_monitor_value_text (GString *line, const gchar *name, GVariant *value)
{
  g_autofree gchar *printed = NULL;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
      || g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH)) {
    g_string_append_printf (line, " %s=%s", name, g_variant_get_string (value, NULL));
    return;
  }
  printed = g_variant_print (value, FALSE);
  g_string_append_printf (line, " %s=%s", name, printed);
}

/* one event: "EVENT PATH Name=value…", or the JSON object
 * {"event": EVENT, "object_path": PATH, "properties": {…}, members…} */
static void
esimctl_monitor_emit (EsimCtlMonitor *self, const gchar *event, const gchar *path,
                      GVariant *properties, JsonBuilder *extra)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GString) line = g_string_new (event);
  GVariantIter iter;
  const gchar *name;
  GVariant *value;

  if (path != NULL)
    g_string_append_printf (line, " %s", path);
  json_builder_begin_object (b);
  esimctl_json_add_string (b, "event", event);
  if (path != NULL)
    esimctl_json_add_string (b, "object_path", path);
  if (properties != NULL) {
    json_builder_set_member_name (b, "properties");
    json_builder_begin_object (b);
    g_variant_iter_init (&iter, properties);
    /* iter_loop frees the previous value on each turn, also on continue */
    while (g_variant_iter_loop (&iter, "{&sv}", &name, &value)) {
      if (esimctl_monitor_skip_property (name))
        continue;
      json_builder_set_member_name (b, name);
      json_builder_add_value (b, json_gvariant_serialize (value));
      esimctl_monitor_value_text (line, name, value);
    }
    json_builder_end_object (b);
  }
  if (extra != NULL) {
    g_autoptr (JsonNode) node = json_builder_get_root (extra);
    JsonObject *object = json_node_get_object (node);
    g_autoptr (GList) members = json_object_get_members (object);
    for (GList *l = members; l != NULL; l = l->next) {
      JsonNode *member = json_object_get_member (object, l->data);
      json_builder_set_member_name (b, l->data);
      json_builder_add_value (b, json_node_copy (member));
      if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
        g_string_append_printf (line, " %s=%s", (const gchar *) l->data,
                                json_node_get_string (member));
      else if (JSON_NODE_HOLDS_VALUE (member)
               && json_node_get_value_type (member) == G_TYPE_BOOLEAN)
        g_string_append_printf (line, " %s=%s", (const gchar *) l->data,
                                json_node_get_boolean (member) ? "true" : "false");
    }
  }
  json_builder_end_object (b);
  if (self->ctl->json) {
    esimctl_json_print_line (b);
    return;
  }
  g_print ("%s\n", line->str);
  fflush (stdout);
}

/* the cached properties of a proxy as an a{sv} */
static GVariant *
esimctl_monitor_properties (GDBusProxy *proxy)
{
  g_auto (GStrv) names = g_dbus_proxy_get_cached_property_names (proxy);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; names != NULL && names[i] != NULL; i++) {
    g_autoptr (GVariant) value = g_dbus_proxy_get_cached_property (proxy, names[i]);
    if (value != NULL)
      g_variant_builder_add (&builder, "{sv}", names[i], value);
  }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/* Progress and Stage of a job are "job-progress", the rest "KIND-changed";
 * the names and values are the daemon's, as on the bus */
static void
esimctl_monitor_changed (EsimCtlMonitor *self, const gchar *kind, GDBusProxy *proxy,
                         GVariant *changed)
{
  g_autofree gchar *event = NULL;
  gboolean progress_only = g_str_equal (kind, "job") && g_variant_n_children (changed) > 0;
  GVariantIter iter;
  const gchar *name;

  g_variant_iter_init (&iter, changed);
  while (g_variant_iter_next (&iter, "{&s@v}", &name, NULL)) {
    if (!g_str_equal (name, "Progress") && !g_str_equal (name, "Stage"))
      progress_only = FALSE;
  }
  if (g_variant_n_children (changed) == 0)
    return;
  event = progress_only ? g_strdup ("job-progress") : g_strdup_printf ("%s-changed", kind);
  esimctl_monitor_emit (self, event, g_dbus_proxy_get_object_path (proxy), changed, NULL);
}

static void
esimctl_monitor_euicc_changed_cb (GDBusProxy *proxy, GVariant *changed,
                                  const gchar *const *invalidated, gpointer user_data)
{
  esimctl_monitor_changed (user_data, "euicc", proxy, changed);
}

static void
esimctl_monitor_profile_changed_cb (GDBusProxy *proxy, GVariant *changed,
                                    const gchar *const *invalidated, gpointer user_data)
{
  esimctl_monitor_changed (user_data, "profile", proxy, changed);
}

static void
esimctl_monitor_job_changed_cb (GDBusProxy *proxy, GVariant *changed,
                                const gchar *const *invalidated, gpointer user_data)
{
  esimctl_monitor_changed (user_data, "job", proxy, changed);
}

static void
esimctl_monitor_manager_changed_cb (GDBusProxy *proxy, GVariant *changed,
                                    const gchar *const *invalidated, gpointer user_data)
{
  esimctl_monitor_changed (user_data, "manager", proxy, changed);
}

/* "KIND-added" or "KIND-removed" with every property of the object; an
 * added object is followed until it is removed */
static void
esimctl_monitor_object (EsimCtlMonitor *self, const gchar *kind, GDBusProxy *proxy, gboolean added,
                        GCallback changed_cb)
{
  g_autofree gchar *event = g_strdup_printf ("%s-%s", kind, added ? "added" : "removed");
  g_autoptr (GVariant) properties = esimctl_monitor_properties (proxy);

  if (added)
    g_signal_connect (proxy, "g-properties-changed", changed_cb, self);
  else
    g_signal_handlers_disconnect_by_data (proxy, self);
  esimctl_monitor_emit (self, event, g_dbus_proxy_get_object_path (proxy), properties, NULL);
}

static void
esimctl_monitor_euicc_added_cb (EsimClient *client, EsimEuicc *euicc, gpointer user_data)
{
  esimctl_monitor_object (user_data, "euicc", esim_euicc_get_proxy (euicc), TRUE,
                          G_CALLBACK (esimctl_monitor_euicc_changed_cb));
}

static void
esimctl_monitor_euicc_removed_cb (EsimClient *client, EsimEuicc *euicc, gpointer user_data)
{
  esimctl_monitor_object (user_data, "euicc", esim_euicc_get_proxy (euicc), FALSE, NULL);
}

static void
esimctl_monitor_profile_added_cb (EsimClient *client, EsimProfile *profile, gpointer user_data)
{
  esimctl_monitor_object (user_data, "profile", esim_profile_get_proxy (profile), TRUE,
                          G_CALLBACK (esimctl_monitor_profile_changed_cb));
}

static void
esimctl_monitor_profile_removed_cb (EsimClient *client, EsimProfile *profile, gpointer user_data)
{
  esimctl_monitor_object (user_data, "profile", esim_profile_get_proxy (profile), FALSE, NULL);
}

static void
esimctl_monitor_job_completed_cb (EsimJob *job, gboolean success, gpointer user_data)
{
  EsimCtlMonitor *self = user_data;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree gchar *owner = esim_client_dup_name_owner (self->ctl->daemon->client);
  const GError *error = esim_job_get_error (job);
  const gchar *result = esim_job_get_result (job);

  /* the client drops the objects of a daemon that left before it tells the
   * name owner changed: such a job did not complete, it went away with the
   * daemon (job-removed, daemon-vanished) */
  if (owner == NULL)
    return;
  json_builder_begin_object (b);
  esimctl_json_add_bool (b, "success", success);
  esimctl_json_add_string (b, "result", result != NULL ? result : "/");
  if (!success && error != NULL) {
    g_autofree gchar *name = esim_error_dup_dbus_name (error);
    esimctl_json_add_string (b, "error_name",
                             name != NULL ? name : "org.freedesktop.Esim1.Error.Failed");
    esimctl_json_add_string (b, "error_message", error->message);
  }
  json_builder_end_object (b);
  esimctl_monitor_emit (user_data, "job-completed", esim_job_get_object_path (job), NULL, b);
}

static void
esimctl_monitor_job_added_cb (EsimClient *client, EsimJob *job, gpointer user_data)
{
  esimctl_monitor_object (user_data, "job", esim_job_get_proxy (job), TRUE,
                          G_CALLBACK (esimctl_monitor_job_changed_cb));
  /* a job that ended before it was seen has completed already: no event */
  if (!esim_job_get_finished (job))
    g_signal_connect (job, "completed", G_CALLBACK (esimctl_monitor_job_completed_cb), user_data);
}

static void
esimctl_monitor_job_removed_cb (EsimClient *client, EsimJob *job, gpointer user_data)
{
  g_signal_handlers_disconnect_by_data (job, user_data);
  esimctl_monitor_object (user_data, "job", esim_job_get_proxy (job), FALSE, NULL);
}

static void
esimctl_monitor_owner_cb (GObject *client, GParamSpec *pspec, gpointer user_data)
{
  EsimCtlMonitor *self = user_data;
  g_autofree gchar *owner = esim_client_dup_name_owner (ESIM_CLIENT (client));
  gboolean present = owner != NULL;

  if (present == self->daemon_present)
    return;
  self->daemon_present = present;
  esimctl_monitor_emit (self, present ? "daemon-appeared" : "daemon-vanished", NULL, NULL, NULL);
}

static gboolean
esimctl_monitor_quit_cb (gpointer user_data)
{
  EsimCtlMonitor *self = user_data;

  g_main_loop_quit (self->loop);
  /* removed by esimctl_daemon_monitor */
  return G_SOURCE_CONTINUE;
}

/* what is there now is followed for its changes, without events */
static void
esimctl_monitor_follow (EsimCtlMonitor *self, EsimClient *client)
{
  g_autoptr (GPtrArray) euiccs = esim_client_get_euiccs (client);
  g_autoptr (GPtrArray) profiles = esim_client_get_profiles (client);
  g_autoptr (GPtrArray) jobs = esim_client_get_jobs (client);

  for (guint i = 0; i < euiccs->len; i++)
    g_signal_connect (esim_euicc_get_proxy (g_ptr_array_index (euiccs, i)), "g-properties-changed",
                      G_CALLBACK (esimctl_monitor_euicc_changed_cb), self);
  for (guint i = 0; i < profiles->len; i++)
    g_signal_connect (esim_profile_get_proxy (g_ptr_array_index (profiles, i)),
                      "g-properties-changed", G_CALLBACK (esimctl_monitor_profile_changed_cb),
                      self);
  for (guint i = 0; i < jobs->len; i++) {
    EsimJob *job = g_ptr_array_index (jobs, i);
    g_signal_connect (esim_job_get_proxy (job), "g-properties-changed",
                      G_CALLBACK (esimctl_monitor_job_changed_cb), self);
    if (!esim_job_get_finished (job))
      g_signal_connect (job, "completed", G_CALLBACK (esimctl_monitor_job_completed_cb), self);
  }
}

/* the objects still there at the end */
static void
esimctl_monitor_unfollow (EsimCtlMonitor *self, EsimClient *client)
{
  g_autoptr (GPtrArray) euiccs = esim_client_get_euiccs (client);
  g_autoptr (GPtrArray) profiles = esim_client_get_profiles (client);
  g_autoptr (GPtrArray) jobs = esim_client_get_jobs (client);

  for (guint i = 0; i < euiccs->len; i++)
    g_signal_handlers_disconnect_by_data (esim_euicc_get_proxy (g_ptr_array_index (euiccs, i)),
                                          self);
  for (guint i = 0; i < profiles->len; i++)
    g_signal_handlers_disconnect_by_data (esim_profile_get_proxy (g_ptr_array_index (profiles, i)),
                                          self);
  for (guint i = 0; i < jobs->len; i++) {
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (jobs, i), self);
    g_signal_handlers_disconnect_by_data (esim_job_get_proxy (g_ptr_array_index (jobs, i)), self);
  }
}

gboolean
esimctl_daemon_monitor (EsimCtl *ctl, GError **error)
{
  EsimClient *client = ctl->daemon->client;
  EsimCtlMonitor self = { .ctl = ctl, .daemon_present = TRUE };
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GVariant) reply = NULL;
  GDBusProxy *manager = esim_client_get_manager_proxy (client);
  guint sigint, sigterm;

  self.loop = loop;
  esimctl_monitor_follow (&self, client);
  g_signal_connect (client, "euicc-added", G_CALLBACK (esimctl_monitor_euicc_added_cb), &self);
  g_signal_connect (client, "euicc-removed", G_CALLBACK (esimctl_monitor_euicc_removed_cb), &self);
  g_signal_connect (client, "profile-added", G_CALLBACK (esimctl_monitor_profile_added_cb), &self);
  g_signal_connect (client, "profile-removed", G_CALLBACK (esimctl_monitor_profile_removed_cb),
                    &self);
  g_signal_connect (client, "job-added", G_CALLBACK (esimctl_monitor_job_added_cb), &self);
  g_signal_connect (client, "job-removed", G_CALLBACK (esimctl_monitor_job_removed_cb), &self);
  g_signal_connect (client, "notify::name-owner", G_CALLBACK (esimctl_monitor_owner_cb), &self);
  /* the manager's proxy is by the well-known name: it survives a restart */
  g_signal_connect (manager, "g-properties-changed",
                    G_CALLBACK (esimctl_monitor_manager_changed_cb), &self);
  sigint = g_unix_signal_add (SIGINT, esimctl_monitor_quit_cb, &self);
  sigterm = g_unix_signal_add (SIGTERM, esimctl_monitor_quit_cb, &self);

  /* a round trip to the bus: it has the client's match rules before we
   * say we listen */
  reply = g_dbus_connection_call_sync (esim_client_get_connection (client), "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId",
                                       NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_printerr ("%s\n", _ ("Monitoring the eSIM daemon; Ctrl-C to stop."));
  g_main_loop_run (loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  esimctl_monitor_unfollow (&self, client);
  g_signal_handlers_disconnect_by_data (client, &self);
  g_signal_handlers_disconnect_by_data (manager, &self);
  return TRUE;
}
