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
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "esimctl-daemon-private.h"
#include "esimctl-output.h"

#define ESIMCTL_IFACE_PREFIX "org.freedesktop.Esim1."

typedef struct {
  EsimCtl *ctl;
  GMainLoop *loop;
  EsimDbusManager *root; /* by the well-known name: it survives a restart */
  gboolean daemon_present;
} EsimCtlMonitor;

/* "euicc", "profile", "job", "manager" of org.freedesktop.Esim1.Euicc etc. */
static gchar *
esimctl_monitor_kind (const gchar *interface)
{
  if (!g_str_has_prefix (interface, ESIMCTL_IFACE_PREFIX))
    return g_strdup (interface);
  return g_ascii_strdown (interface + strlen (ESIMCTL_IFACE_PREFIX), -1);
}

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

static void
esimctl_monitor_object (EsimCtlMonitor *self, GDBusObject *object, const gchar *what)
{
  GList *interfaces = g_dbus_object_get_interfaces (object);

  for (GList *l = interfaces; l != NULL; l = l->next) {
    GDBusProxy *proxy = G_DBUS_PROXY (l->data);
    g_autofree gchar *kind = esimctl_monitor_kind (g_dbus_proxy_get_interface_name (proxy));
    g_autofree gchar *event = g_strdup_printf ("%s-%s", kind, what);
    g_autoptr (GVariant) properties = esimctl_monitor_properties (proxy);
    esimctl_monitor_emit (self, event, g_dbus_object_get_object_path (object), properties, NULL);
  }
  g_list_free_full (interfaces, g_object_unref);
}

static void
esimctl_monitor_added_cb (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  esimctl_monitor_object (user_data, object, "added");
}

static void
esimctl_monitor_removed_cb (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  esimctl_monitor_object (user_data, object, "removed");
}

/* Progress and Stage of a job are "job-progress", the rest "KIND-changed" */
static void
esimctl_monitor_changed (EsimCtlMonitor *self, GDBusProxy *proxy, GVariant *changed)
{
  g_autofree gchar *kind = esimctl_monitor_kind (g_dbus_proxy_get_interface_name (proxy));
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
esimctl_monitor_properties_cb (GDBusObjectManagerClient *manager, GDBusObjectProxy *object,
                               GDBusProxy *proxy, GVariant *changed,
                               const gchar *const *invalidated, gpointer user_data)
{
  esimctl_monitor_changed (user_data, proxy, changed);
}

static void
esimctl_monitor_root_changed_cb (GDBusProxy *proxy, GVariant *changed,
                                 const gchar *const *invalidated, gpointer user_data)
{
  esimctl_monitor_changed (user_data, proxy, changed);
}

static void
esimctl_monitor_completed_cb (GDBusConnection *bus, const gchar *sender, const gchar *path,
                              const gchar *interface, const gchar *signal, GVariant *params,
                              gpointer user_data)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gboolean success = FALSE;
  const gchar *error_name = NULL, *error_message = NULL, *result = NULL;

  if (!g_variant_is_of_type (params, G_VARIANT_TYPE ("(bsso)")))
    return;
  g_variant_get (params, "(b&s&s&o)", &success, &error_name, &error_message, &result);
  json_builder_begin_object (b);
  esimctl_json_add_bool (b, "success", success);
  esimctl_json_add_string (b, "result", result);
  if (!success) {
    esimctl_json_add_string (b, "error_name", error_name);
    esimctl_json_add_string (b, "error_message", error_message);
  }
  json_builder_end_object (b);
  esimctl_monitor_emit (user_data, "job-completed", path, NULL, b);
}

static void
esimctl_monitor_owner_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  EsimCtlMonitor *self = user_data;
  g_autofree gchar *owner
    = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (object));
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

gboolean
esimctl_daemon_monitor (EsimCtl *ctl, GError **error)
{
  EsimCtlDaemon *d = ctl->daemon;
  EsimCtlMonitor self = { .ctl = ctl, .daemon_present = TRUE };
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (EsimDbusManager) root = NULL;
  g_autoptr (GVariant) reply = NULL;
  GError *local = NULL;
  guint subscription, sigint, sigterm;

  root = esim_dbus_manager_proxy_new_sync (d->bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                           ESIMCTL_BUS_NAME, ESIMCTL_ROOT_PATH, NULL, &local);
  if (root == NULL) {
    esimctl_daemon_propagate_error (error, local);
    return FALSE;
  }
  self.loop = loop;
  self.root = root;
  g_signal_connect (d->manager, "object-added", G_CALLBACK (esimctl_monitor_added_cb), &self);
  g_signal_connect (d->manager, "object-removed", G_CALLBACK (esimctl_monitor_removed_cb), &self);
  g_signal_connect (d->manager, "interface-proxy-properties-changed",
                    G_CALLBACK (esimctl_monitor_properties_cb), &self);
  g_signal_connect (d->manager, "notify::name-owner", G_CALLBACK (esimctl_monitor_owner_cb), &self);
  g_signal_connect (root, "g-properties-changed", G_CALLBACK (esimctl_monitor_root_changed_cb),
                    &self);
  subscription = g_dbus_connection_signal_subscribe (
    d->bus, ESIMCTL_BUS_NAME, "org.freedesktop.Esim1.Job", "Completed", NULL, NULL,
    G_DBUS_SIGNAL_FLAGS_NONE, esimctl_monitor_completed_cb, &self, NULL);
  sigint = g_unix_signal_add (SIGINT, esimctl_monitor_quit_cb, &self);
  sigterm = g_unix_signal_add (SIGTERM, esimctl_monitor_quit_cb, &self);

  /* a round trip: the bus has our match rules before we say we listen */
  reply = g_dbus_connection_call_sync (d->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetId", NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_printerr ("%s\n", _ ("Monitoring the eSIM daemon; Ctrl-C to stop."));
  g_main_loop_run (loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_dbus_connection_signal_unsubscribe (d->bus, subscription);
  g_signal_handlers_disconnect_by_data (d->manager, &self);
  g_signal_handlers_disconnect_by_data (root, &self);
  return TRUE;
}
