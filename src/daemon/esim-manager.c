/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-activation-code.h"
#include "esim-dbus-error.h"
#include "esim-dbus-generated.h"
#include "esim-euicc.h"
#include "esim-manager.h"
#ifdef ESIM_HAVE_MODEMMANAGER
#include "esim-modem-watcher.h"
#endif
#include "esim-transport-factory.h"

/* a card that does not answer within this does not hold up the start */
#define ESIM_MANAGER_PROBE_TIMEOUT_S 20
/* a configured eUICC that is not reachable is looked for this often */
#define ESIM_MANAGER_REPROBE_INTERVAL_S 2

/* org.freedesktop.DBus.RequestName */
#define ESIM_NAME_FLAG_ALLOW_REPLACEMENT 0x1
#define ESIM_NAME_FLAG_REPLACE_EXISTING 0x2
#define ESIM_NAME_FLAG_DO_NOT_QUEUE 0x4
#define ESIM_NAME_REPLY_PRIMARY_OWNER 1
#define ESIM_NAME_REPLY_ALREADY_OWNER 4

struct _EsimManager {
  GObject parent_instance;
  EsimContext *context;
  GDBusConnection *connection;
  EsimDbusManager *iface;
  GPtrArray *euiccs;     /* of EsimEuicc: the configured ones, then ModemManager's */
  GPtrArray *configured; /* of EsimEuicc: the configuration's */
  GHashTable *reprobing; /* EsimEuicc set: a look for the card in flight */
  guint reprobe_id;
#ifdef ESIM_HAVE_MODEMMANAGER
  EsimModemWatcher *watcher; /* NULL with ModemManager=false */
#endif
  gboolean name_owned;
  guint name_lost_id;
  gulong test_mode_id;
};

G_DEFINE_TYPE (EsimManager, esim_manager, G_TYPE_OBJECT)

enum { SIGNAL_NAME_LOST, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
esim_manager_update_euiccs (EsimManager *self)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_auto (GStrv) paths = NULL;

  for (guint i = 0; i < self->euiccs->len; i++) {
    EsimEuicc *euicc = g_ptr_array_index (self->euiccs, i);
    if (esim_euicc_is_exported (euicc))
      g_strv_builder_add (b, esim_euicc_get_object_path (euicc));
  }
  paths = g_strv_builder_end (b);
  esim_dbus_manager_set_euiccs (self->iface, (const gchar *const *) paths);
}

/* configured eUICCs come back by themselves: a reader plugged in again,
 * a simulated card restarted */

static void esim_manager_schedule_reprobe (EsimManager *self);

static void
reprobe_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimManager) self = ESIM_MANAGER (user_data);
  EsimEuicc *euicc = ESIM_EUICC (source);
  g_autoptr (GError) error = NULL;

  if (!esim_euicc_probe_finish (euicc, res, &error))
    g_debug ("eUICC %s is still not reachable: %s", esim_euicc_get_name (euicc), error->message);
  if (self->reprobing == NULL)
    return;
  g_hash_table_remove (self->reprobing, euicc);
  esim_manager_schedule_reprobe (self);
}

static void
esim_manager_reprobe (EsimManager *self, EsimEuicc *euicc)
{
  if (esim_euicc_is_exported (euicc) || g_hash_table_contains (self->reprobing, euicc))
    return;
  g_hash_table_add (self->reprobing, g_object_ref (euicc));
  esim_euicc_probe_async (euicc, NULL, reprobe_cb, g_object_ref (self));
}

static gboolean
reprobe_timeout_cb (gpointer user_data)
{
  EsimManager *self = ESIM_MANAGER (user_data);

  self->reprobe_id = 0;
  if (esim_context_get_shutting_down (self->context))
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < self->configured->len; i++)
    esim_manager_reprobe (self, g_ptr_array_index (self->configured, i));
  return G_SOURCE_REMOVE;
}

/* the transport's presence watch saw the reader or card come back: no need
 * to wait for the next periodic look */
static void
transport_appeared_cb (EsimTransport *transport, gpointer user_data)
{
  EsimManager *self = ESIM_MANAGER (user_data);

  if (!self->name_owned || esim_context_get_shutting_down (self->context))
    return;
  for (guint i = 0; i < self->configured->len; i++) {
    EsimEuicc *euicc = g_ptr_array_index (self->configured, i);
    if (esim_euicc_get_transport (euicc) == transport)
      esim_manager_reprobe (self, euicc);
  }
}

/* the configured eUICCs' transports watch their card or reader while idle:
 * a removal is seen at once, not at the next operation; ModemManager's
 * modems are watched by ModemManager */
static void
esim_manager_watch_presence (EsimManager *self, gboolean watch)
{
  for (guint i = 0; self->configured != NULL && i < self->configured->len; i++) {
    EsimTransport *transport = esim_euicc_get_transport (g_ptr_array_index (self->configured, i));

    if (esim_transport_get_watch_presence (transport) == watch)
      continue;
    if (watch)
      g_signal_connect (transport, "appeared", G_CALLBACK (transport_appeared_cb), self);
    else
      g_signal_handlers_disconnect_by_data (transport, self);
    esim_transport_set_watch_presence (transport, watch);
  }
}

static void
esim_manager_schedule_reprobe (EsimManager *self)
{
  gboolean missing = FALSE;

  if (self->configured == NULL || self->reprobe_id != 0 || !self->name_owned
      || esim_context_get_shutting_down (self->context))
    return;
  for (guint i = 0; i < self->configured->len; i++) {
    EsimEuicc *euicc = g_ptr_array_index (self->configured, i);
    if (!esim_euicc_is_exported (euicc) && !g_hash_table_contains (self->reprobing, euicc))
      missing = TRUE;
  }
  if (missing)
    self->reprobe_id
      = g_timeout_add_seconds (ESIM_MANAGER_REPROBE_INTERVAL_S, reprobe_timeout_cb, self);
}

static void
euicc_exported_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  EsimManager *self = ESIM_MANAGER (user_data);

  esim_manager_update_euiccs (self);
  esim_manager_schedule_reprobe (self);
}

static void
test_mode_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  EsimManager *self = ESIM_MANAGER (user_data);

  esim_dbus_manager_set_test_mode (self->iface, esim_context_get_test_mode (self->context));
}

gchar *
esim_manager_get_status (EsimManager *self)
{
  guint n = 0;

  for (guint i = 0; i < self->euiccs->len; i++)
    n += esim_euicc_is_exported (g_ptr_array_index (self->euiccs, i)) ? 1 : 0;
  return g_strdup_printf ("%u of %u eUICC(s) reachable%s", n, self->euiccs->len,
                          esim_context_get_test_mode (self->context) ? ", test mode" : "");
}

/* the eUICCs of ModemManager's modems */

#ifdef ESIM_HAVE_MODEMMANAGER
static void
watcher_euicc_added_cb (EsimModemWatcher *watcher, EsimEuicc *euicc, gpointer user_data)
{
  EsimManager *self = ESIM_MANAGER (user_data);

  g_ptr_array_add (self->euiccs, g_object_ref (euicc));
  g_signal_connect (euicc, "notify::exported", G_CALLBACK (euicc_exported_cb), self);
  esim_manager_update_euiccs (self);
}

static void
removed_shutdown_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (EsimManager) self = ESIM_MANAGER (user_data);
  EsimEuicc *euicc = ESIM_EUICC (source);

  esim_euicc_shutdown_finish (euicc, res);
  esim_euicc_unexport (euicc);
  esim_transport_close (esim_euicc_get_transport (euicc));
  if (self->euiccs != NULL)
    esim_manager_update_euiccs (self);
}

static void
watcher_euicc_removed_cb (EsimModemWatcher *watcher, EsimEuicc *euicc, gpointer user_data)
{
  EsimManager *self = ESIM_MANAGER (user_data);
  guint index = 0;

  if (!g_ptr_array_find (self->euiccs, euicc, &index))
    return;
  g_signal_handlers_disconnect_by_data (euicc, self);
  /* the operation on the card ends first; the object goes after it */
  esim_euicc_shutdown_async (euicc, removed_shutdown_cb, g_object_ref (self));
  /* the shutdown keeps it until the running operation ended */
  g_ptr_array_remove_index (self->euiccs, index);
}

static void
esim_manager_watch_modems (EsimManager *self)
{
  g_autoptr (GPtrArray) configured = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->euiccs->len; i++)
    g_ptr_array_add (configured, g_object_ref (g_ptr_array_index (self->euiccs, i)));
  self->watcher = esim_modem_watcher_new (self->context, self->connection, configured);
  g_signal_connect (self->watcher, "euicc-added", G_CALLBACK (watcher_euicc_added_cb), self);
  g_signal_connect (self->watcher, "euicc-removed", G_CALLBACK (watcher_euicc_removed_cb), self);
  esim_modem_watcher_start (self->watcher);
}
#endif

/* probing */

typedef struct {
  guint pending;
  GCancellable *timeout_cancellable;
  guint timeout_id;
} ProbeData;

static void
probe_data_free (ProbeData *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_object_unref (data->timeout_cancellable);
  g_free (data);
}

static gboolean
probe_timeout_cb (gpointer user_data)
{
  ProbeData *data = user_data;

  data->timeout_id = 0;
  g_cancellable_cancel (data->timeout_cancellable);
  return G_SOURCE_REMOVE;
}

static void
esim_manager_probe_euicc_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  ProbeData *data = g_task_get_task_data (task);
  EsimEuicc *euicc = ESIM_EUICC (source);
  g_autoptr (GError) error = NULL;

  if (!esim_euicc_probe_finish (euicc, res, &error))
    g_warning ("eUICC %s is not reachable: %s", esim_euicc_get_name (euicc), error->message);
  if (--data->pending > 0)
    return;
  g_task_return_boolean (task, TRUE);
}

/* every eUICC at once: no card waits for another */
static void
esim_manager_probe_all_async (EsimManager *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  ProbeData *data = g_new0 (ProbeData, 1);

  data->timeout_cancellable = g_cancellable_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) probe_data_free);
  if (self->euiccs->len == 0) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  data->timeout_id = g_timeout_add_seconds (ESIM_MANAGER_PROBE_TIMEOUT_S, probe_timeout_cb, data);
  data->pending = self->euiccs->len;
  for (guint i = 0; i < self->euiccs->len; i++)
    esim_euicc_probe_async (g_ptr_array_index (self->euiccs, i), data->timeout_cancellable,
                            esim_manager_probe_euicc_cb, g_object_ref (task));
  g_object_unref (task);
}

/* the bus name */

static void
name_lost_cb (GDBusConnection *connection, const gchar *sender, const gchar *path,
              const gchar *iface, const gchar *signal, GVariant *params, gpointer user_data)
{
  EsimManager *self = ESIM_MANAGER (user_data);

  if (!self->name_owned)
    return;
  self->name_owned = FALSE;
  g_message ("another process took %s", ESIM_DBUS_NAME);
  g_signal_emit (self, signals[SIGNAL_NAME_LOST], 0);
}

static gboolean
esim_manager_request_name (EsimManager *self, gboolean replace, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  guint32 flags = ESIM_NAME_FLAG_ALLOW_REPLACEMENT | ESIM_NAME_FLAG_DO_NOT_QUEUE;
  guint32 result = 0;

  if (replace)
    flags |= ESIM_NAME_FLAG_REPLACE_EXISTING;
  reply = g_dbus_connection_call_sync (
    self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
    "RequestName", g_variant_new ("(su)", ESIM_DBUS_NAME, flags), G_VARIANT_TYPE ("(u)"),
    G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (reply == NULL) {
    g_prefix_error (error, "cannot own %s: ", ESIM_DBUS_NAME);
    return FALSE;
  }
  g_variant_get (reply, "(u)", &result);
  if (result != ESIM_NAME_REPLY_PRIMARY_OWNER && result != ESIM_NAME_REPLY_ALREADY_OWNER) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                 "%s is owned by another process (is esimd running already?); "
                 "use --replace to take over",
                 ESIM_DBUS_NAME);
    return FALSE;
  }
  self->name_owned = TRUE;
  g_message ("owning %s", ESIM_DBUS_NAME);
  return TRUE;
}

static gboolean
esim_manager_name_has_owner (EsimManager *self, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (
    self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
    "NameHasOwner", g_variant_new ("(s)", ESIM_DBUS_NAME), G_VARIANT_TYPE ("(b)"),
    G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (reply == NULL)
    return TRUE;
  g_variant_get (reply, "(b)", &has_owner);
  if (has_owner)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                 "%s is owned by another process (is esimd running already?); "
                 "use --replace to take over",
                 ESIM_DBUS_NAME);
  return has_owner;
}

gboolean
esim_manager_start (EsimManager *self, gboolean replace, GError **error)
{
  const EsimConfig *config = esim_context_get_config (self->context);

  for (guint i = 0; i < config->euiccs->len; i++) {
    EsimConfigEuicc *entry = g_ptr_array_index (config->euiccs, i);
    g_autoptr (EsimTransport) transport = esim_transport_new_from_spec (entry->transport, error);
    EsimEuicc *euicc;

    if (transport == NULL) {
      g_prefix_error (error,
                      "%s: [euicc:%s] Transport: ", config->path != NULL ? config->path : "config",
                      entry->name);
      return FALSE;
    }
    euicc = esim_euicc_new (self->context, entry->name, transport, entry->isdr_aid);
    g_signal_connect (euicc, "notify::exported", G_CALLBACK (euicc_exported_cb), self);
    g_ptr_array_add (self->euiccs, euicc);
    g_ptr_array_add (self->configured, g_object_ref (euicc));
  }

  g_dbus_object_manager_server_set_connection (esim_context_get_object_manager (self->context),
                                               self->connection);
  /* the object manager's own path holds no managed object: the Manager
   * interface is exported beside org.freedesktop.DBus.ObjectManager */
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->iface), self->connection,
                                         ESIM_DBUS_PATH, error))
    return FALSE;
  self->name_lost_id = g_dbus_connection_signal_subscribe (
    self->connection, "org.freedesktop.DBus", "org.freedesktop.DBus", "NameLost",
    "/org/freedesktop/DBus", ESIM_DBUS_NAME, G_DBUS_SIGNAL_FLAGS_NONE, name_lost_cb, self, NULL);
  /* the cards are not touched while another daemon has them */
  if (replace) {
    if (!esim_manager_request_name (self, TRUE, error))
      return FALSE;
  } else if (esim_manager_name_has_owner (self, error)) {
    return FALSE;
  }
#ifdef ESIM_HAVE_MODEMMANAGER
  if (config->modem_manager)
    esim_manager_watch_modems (self);
#else
  if (config->modem_manager)
    g_info ("built without ModemManager support: only the configured eUICCs are used");
#endif
  return TRUE;
}

static void
probe_all_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimManager *self = ESIM_MANAGER (source);
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (res), NULL);
  /* clients that see the name appear find the eUICCs there already */
  if (!self->name_owned && !esim_manager_request_name (self, FALSE, &error)) {
    g_task_return_error (task, error);
    return;
  }
  /* the cards that did not answer: again later */
  esim_manager_schedule_reprobe (self);
  esim_manager_watch_presence (self, TRUE);
  g_task_return_boolean (task, TRUE);
}

void
esim_manager_probe_async (EsimManager *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  esim_manager_probe_all_async (self, probe_all_cb, task);
}

gboolean
esim_manager_probe_finish (EsimManager *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Rescan: no authorization, it changes nothing on any card */

static void
rescan_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GDBusMethodInvocation) invocation = user_data;
  EsimManager *self = ESIM_MANAGER (source);

  g_task_propagate_boolean (G_TASK (res), NULL);
  esim_dbus_manager_complete_rescan (self->iface, invocation);
}

static gboolean
handle_rescan_cb (EsimDbusManager *iface, GDBusMethodInvocation *invocation, gpointer user_data)
{
  EsimManager *self = ESIM_MANAGER (user_data);

  esim_manager_probe_all_async (self, rescan_cb, g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ParseActivationCode: no authorization, it contacts nobody */

static gboolean
handle_parse_activation_code_cb (EsimDbusManager *iface, GDBusMethodInvocation *invocation,
                                 const gchar *text, gpointer user_data)
{
  g_autoptr (EsimActivationCode) code = NULL;
  g_autoptr (GError) error = NULL;
  GVariantBuilder b;

  code = esim_activation_code_parse (text, &error);
  if (code == NULL) {
    esim_dbus_error_return (invocation, error);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "smdp-address", g_variant_new_string (code->smdp_address));
  g_variant_builder_add (&b, "{sv}", "matching-id-present",
                         g_variant_new_boolean (code->matching_id[0] != '\0'));
  g_variant_builder_add (&b, "{sv}", "confirmation-code-required",
                         g_variant_new_boolean (code->confirmation_code_required));
  g_variant_builder_add (&b, "{sv}", "smdp-oid",
                         g_variant_new_string (code->smdp_oid != NULL ? code->smdp_oid : ""));
  esim_dbus_manager_complete_parse_activation_code (iface, invocation, g_variant_builder_end (&b));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* SetTestMode */

typedef struct {
  EsimManager *self;
  GDBusMethodInvocation *invocation;
  gboolean enabled;
} TestModeCall;

static void
test_mode_call_free (TestModeCall *call)
{
  g_object_unref (call->self);
  g_object_unref (call->invocation);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestModeCall, test_mode_call_free)

static void
test_mode_authorized_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (TestModeCall) call = user_data;
  g_autoptr (GError) error = NULL;

  if (!esim_authority_check_finish (ESIM_AUTHORITY (source), res, &error)) {
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  if (!esim_context_set_test_mode (call->self->context, call->enabled, &error)) {
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  g_message ("test mode %s", call->enabled ? "on" : "off");
  esim_dbus_manager_complete_set_test_mode (call->self->iface, call->invocation);
}

static gboolean
handle_set_test_mode_cb (EsimDbusManager *iface, GDBusMethodInvocation *invocation,
                         gboolean enabled, gpointer user_data)
{
  EsimManager *self = ESIM_MANAGER (user_data);
  TestModeCall *call = g_new0 (TestModeCall, 1);

  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  call->enabled = enabled;
  esim_authority_check_async (esim_context_get_authority (self->context), invocation,
                              ESIM_ACTION_CONFIGURE, NULL, test_mode_authorized_cb, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* shutdown */

typedef struct {
  guint pending;
  guint timeout_id;
} ShutdownData;

static void
shutdown_data_free (ShutdownData *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_free (data);
}

static gboolean
shutdown_timeout_cb (gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  ShutdownData *data = g_task_get_task_data (task);

  data->timeout_id = 0;
  g_warning ("%u eUICC(s) still busy, leaving anyway", data->pending);
  data->pending = 0;
  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
shutdown_euicc_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  ShutdownData *data = g_task_get_task_data (task);

  esim_euicc_shutdown_finish (ESIM_EUICC (source), res);
  /* the timeout may have answered already */
  if (data->pending == 0 || --data->pending > 0)
    return;
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_task_return_boolean (task, TRUE);
}

void
esim_manager_shutdown_async (EsimManager *self, guint timeout_seconds, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  ShutdownData *data = g_new0 (ShutdownData, 1);

  g_task_set_task_data (task, data, (GDestroyNotify) shutdown_data_free);
  esim_context_set_shutting_down (self->context);
  g_clear_handle_id (&self->reprobe_id, g_source_remove);
  /* the watches end before their transports: no thread outlives the daemon */
  esim_manager_watch_presence (self, FALSE);
#ifdef ESIM_HAVE_MODEMMANAGER
  /* modems coming and going no longer matter */
  if (self->watcher != NULL)
    esim_modem_watcher_stop (self->watcher);
#endif
  if (self->euiccs->len == 0) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  data->pending = self->euiccs->len;
  data->timeout_id = g_timeout_add_seconds (timeout_seconds, shutdown_timeout_cb, task);
  for (guint i = 0; i < self->euiccs->len; i++)
    esim_euicc_shutdown_async (g_ptr_array_index (self->euiccs, i), shutdown_euicc_cb,
                               g_object_ref (task));
  g_object_unref (task);
}

gboolean
esim_manager_shutdown_finish (EsimManager *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

EsimManager *
esim_manager_new (EsimContext *context, GDBusConnection *connection)
{
  EsimManager *self = g_object_new (ESIM_TYPE_MANAGER, NULL);

  self->context = g_object_ref (context);
  self->connection = g_object_ref (connection);
  self->iface = esim_dbus_manager_skeleton_new ();
  esim_dbus_manager_set_version (self->iface, PACKAGE_VERSION);
  esim_dbus_manager_set_test_mode (self->iface, esim_context_get_test_mode (context));
  g_signal_connect (self->iface, "handle-rescan", G_CALLBACK (handle_rescan_cb), self);
  g_signal_connect (self->iface, "handle-set-test-mode", G_CALLBACK (handle_set_test_mode_cb),
                    self);
  g_signal_connect (self->iface, "handle-parse-activation-code",
                    G_CALLBACK (handle_parse_activation_code_cb), self);
  self->test_mode_id
    = g_signal_connect (context, "notify::test-mode", G_CALLBACK (test_mode_cb), self);
  return self;
}

static void
esim_manager_dispose (GObject *object)
{
  EsimManager *self = ESIM_MANAGER (object);

  if (self->name_lost_id != 0) {
    g_dbus_connection_signal_unsubscribe (self->connection, self->name_lost_id);
    self->name_lost_id = 0;
  }
  g_clear_signal_handler (&self->test_mode_id, self->context);
  g_clear_handle_id (&self->reprobe_id, g_source_remove);
  esim_manager_watch_presence (self, FALSE);
  g_clear_pointer (&self->reprobing, g_hash_table_unref);
  g_clear_pointer (&self->configured, g_ptr_array_unref);
#ifdef ESIM_HAVE_MODEMMANAGER
  if (self->watcher != NULL) {
    g_signal_handlers_disconnect_by_data (self->watcher, self);
    esim_modem_watcher_stop (self->watcher);
    g_clear_object (&self->watcher);
  }
#endif
  if (self->iface != NULL) {
    g_signal_handlers_disconnect_by_data (self->iface, self);
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->iface));
  }
  for (guint i = 0; self->euiccs != NULL && i < self->euiccs->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->euiccs, i), self);
  g_clear_pointer (&self->euiccs, g_ptr_array_unref);
  G_OBJECT_CLASS (esim_manager_parent_class)->dispose (object);
}

static void
esim_manager_finalize (GObject *object)
{
  EsimManager *self = ESIM_MANAGER (object);

  g_clear_object (&self->iface);
  g_clear_object (&self->connection);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (esim_manager_parent_class)->finalize (object);
}

static void
esim_manager_init (EsimManager *self)
{
  self->euiccs = g_ptr_array_new_with_free_func (g_object_unref);
  self->configured = g_ptr_array_new_with_free_func (g_object_unref);
  self->reprobing = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
}

static void
esim_manager_class_init (EsimManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = esim_manager_dispose;
  object_class->finalize = esim_manager_finalize;
  signals[SIGNAL_NAME_LOST] = g_signal_new ("name-lost", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
