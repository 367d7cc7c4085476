/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "esim-private.h"

/**
 * EsimClient:
 *
 * The connection to esimd. It follows the daemon's object manager, so its
 * eUICCs, profiles and jobs come and go with the daemon's objects (also
 * when the daemon restarts), and their properties notify changes.
 */

struct _EsimClient {
  GObject parent_instance;
  GDBusConnection *connection;
  gchar *address;
  GDBusObjectManager *manager;
  EsimDbusManager *root;
  gulong root_notify_id;
  gboolean allow_interactive;
  GHashTable *euiccs;   /* path: EsimEuicc */
  GHashTable *profiles; /* path: EsimProfile */
  GHashTable *jobs;     /* path: EsimJob */
};

static void esim_client_initable_iface_init (GInitableIface *iface);
static void esim_client_async_initable_iface_init (GAsyncInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EsimClient, esim_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      esim_client_initable_iface_init)
                                 G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE,
                                                        esim_client_async_initable_iface_init))

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_ADDRESS,
  PROP_NAME_OWNER,
  PROP_VERSION,
  PROP_TEST_MODE,
  PROP_ALLOW_INTERACTIVE_AUTHORIZATION,
  N_PROPS,
};

static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_EUICC_ADDED,
  SIGNAL_EUICC_REMOVED,
  SIGNAL_JOB_ADDED,
  SIGNAL_JOB_REMOVED,
  SIGNAL_PROFILE_ADDED,
  SIGNAL_PROFILE_REMOVED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static const EsimPropertyMirror esim_client_mirrors[] = {
  { "version", "version" },
  { "test-mode", "test-mode" },
};

static void
esim_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimClient *self = ESIM_CLIENT (object);

  switch (prop_id) {
  case PROP_CONNECTION:
    g_value_set_object (value, self->connection);
    return;
  case PROP_ADDRESS:
    g_value_set_string (value, self->address);
    return;
  case PROP_NAME_OWNER:
    g_value_take_string (value, esim_client_dup_name_owner (self));
    return;
  case PROP_ALLOW_INTERACTIVE_AUTHORIZATION:
    g_value_set_boolean (value, self->allow_interactive);
    return;
  default:
    if (self->root != NULL
        && esim_mirror_get (G_OBJECT (self->root), esim_client_mirrors,
                            G_N_ELEMENTS (esim_client_mirrors), pspec, value))
      return;
    if (prop_id == PROP_VERSION || prop_id == PROP_TEST_MODE) {
      g_param_value_set_default (pspec, value);
      return;
    }
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_client_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EsimClient *self = ESIM_CLIENT (object);

  switch (prop_id) {
  case PROP_CONNECTION:
    self->connection = g_value_dup_object (value);
    return;
  case PROP_ADDRESS:
    self->address = g_value_dup_string (value);
    return;
  case PROP_ALLOW_INTERACTIVE_AUTHORIZATION:
    esim_client_set_allow_interactive_authorization (self, g_value_get_boolean (value));
    return;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static EsimEuicc *
esim_client_euicc_of_profile (EsimClient *self, EsimProfile *profile)
{
  const gchar *path = esim_profile_get_euicc_path (profile);

  return path != NULL ? g_hash_table_lookup (self->euiccs, path) : NULL;
}

static void
esim_client_add_interface (EsimClient *self, GDBusInterface *iface)
{
  GDBusProxy *proxy = G_DBUS_PROXY (iface);
  const gchar *path = g_dbus_proxy_get_object_path (proxy);

  if (ESIM_DBUS_IS_EUICC (iface) && !g_hash_table_contains (self->euiccs, path)) {
    EsimEuicc *euicc = esim_euicc_new (self, ESIM_DBUS_EUICC (iface));
    GHashTableIter iter;
    gpointer value;

    g_hash_table_insert (self->euiccs, g_strdup (path), euicc);
    /* profiles announced before their eUICC */
    g_hash_table_iter_init (&iter, self->profiles);
    while (g_hash_table_iter_next (&iter, NULL, &value)) {
      if (g_strcmp0 (esim_profile_get_euicc_path (value), path) == 0)
        esim_euicc_add_profile (euicc, value);
    }
    g_signal_emit (self, signals[SIGNAL_EUICC_ADDED], 0, euicc);
    return;
  }
  if (ESIM_DBUS_IS_PROFILE (iface) && !g_hash_table_contains (self->profiles, path)) {
    EsimProfile *profile = esim_profile_new (self, ESIM_DBUS_PROFILE (iface));
    EsimEuicc *euicc;

    g_hash_table_insert (self->profiles, g_strdup (path), profile);
    euicc = esim_client_euicc_of_profile (self, profile);
    if (euicc != NULL)
      esim_euicc_add_profile (euicc, profile);
    g_signal_emit (self, signals[SIGNAL_PROFILE_ADDED], 0, profile);
    return;
  }
  /* a job may be known already from its own proxy (esim_client_get_job_async) */
  if (ESIM_DBUS_IS_JOB (iface) && !g_hash_table_contains (self->jobs, path)) {
    EsimJob *job = esim_job_new (self, ESIM_DBUS_JOB (iface));

    g_hash_table_insert (self->jobs, g_strdup (path), job);
    g_signal_emit (self, signals[SIGNAL_JOB_ADDED], 0, job);
  }
}

static void
esim_client_remove_interface (EsimClient *self, GDBusInterface *iface)
{
  const gchar *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (iface));
  /* the table owns its keys: a stolen one is ours to free */
  g_autofree gchar *key = NULL;

  if (ESIM_DBUS_IS_EUICC (iface)) {
    g_autoptr (EsimEuicc) euicc = NULL;
    if (!g_hash_table_steal_extended (self->euiccs, path, (gpointer *) &key, (gpointer *) &euicc))
      return;
    g_signal_emit (self, signals[SIGNAL_EUICC_REMOVED], 0, euicc);
    return;
  }
  if (ESIM_DBUS_IS_PROFILE (iface)) {
    g_autoptr (EsimProfile) profile = NULL;
    EsimEuicc *euicc;
    if (!g_hash_table_steal_extended (self->profiles, path, (gpointer *) &key,
                                      (gpointer *) &profile))
      return;
    euicc = esim_client_euicc_of_profile (self, profile);
    if (euicc != NULL)
      esim_euicc_remove_profile (euicc, profile);
    g_signal_emit (self, signals[SIGNAL_PROFILE_REMOVED], 0, profile);
    return;
  }
  if (ESIM_DBUS_IS_JOB (iface)) {
    g_autoptr (EsimJob) job = NULL;
    if (!g_hash_table_steal_extended (self->jobs, path, (gpointer *) &key, (gpointer *) &job))
      return;
    esim_job_set_gone (job);
    g_signal_emit (self, signals[SIGNAL_JOB_REMOVED], 0, job);
  }
}

static void
esim_client_object_added_cb (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  GList *ifaces = g_dbus_object_get_interfaces (object);

  for (GList *l = ifaces; l != NULL; l = l->next)
    esim_client_add_interface (ESIM_CLIENT (user_data), l->data);
  g_list_free_full (ifaces, g_object_unref);
}

static void
esim_client_object_removed_cb (GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
  GList *ifaces = g_dbus_object_get_interfaces (object);

  for (GList *l = ifaces; l != NULL; l = l->next)
    esim_client_remove_interface (ESIM_CLIENT (user_data), l->data);
  g_list_free_full (ifaces, g_object_unref);
}

static void
esim_client_interface_added_cb (GDBusObjectManager *manager, GDBusObject *object,
                                GDBusInterface *iface, gpointer user_data)
{
  esim_client_add_interface (ESIM_CLIENT (user_data), iface);
}

static void
esim_client_interface_removed_cb (GDBusObjectManager *manager, GDBusObject *object,
                                  GDBusInterface *iface, gpointer user_data)
{
  esim_client_remove_interface (ESIM_CLIENT (user_data), iface);
}

static void
esim_client_name_owner_cb (GObject *manager, GParamSpec *pspec, gpointer user_data)
{
  g_object_notify_by_pspec (G_OBJECT (user_data), props[PROP_NAME_OWNER]);
}

/* the daemon's objects are there: follow them */
static void
esim_client_start (EsimClient *self)
{
  GList *objects = g_dbus_object_manager_get_objects (self->manager);

  g_signal_connect_object (self->manager, "object-added", G_CALLBACK (esim_client_object_added_cb),
                           self, 0);
  g_signal_connect_object (self->manager, "object-removed",
                           G_CALLBACK (esim_client_object_removed_cb), self, 0);
  g_signal_connect_object (self->manager, "interface-added",
                           G_CALLBACK (esim_client_interface_added_cb), self, 0);
  g_signal_connect_object (self->manager, "interface-removed",
                           G_CALLBACK (esim_client_interface_removed_cb), self, 0);
  g_signal_connect_object (self->manager, "notify::name-owner",
                           G_CALLBACK (esim_client_name_owner_cb), self, 0);
  self->root_notify_id
    = esim_mirror_connect (G_OBJECT (self), G_OBJECT (self->root), esim_client_mirrors,
                           G_N_ELEMENTS (esim_client_mirrors));
  /* eUICCs first, so that every profile finds its eUICC */
  for (GList *l = objects; l != NULL; l = l->next) {
    EsimDbusEuicc *euicc = esim_dbus_object_peek_euicc (ESIM_DBUS_OBJECT (l->data));
    if (euicc != NULL)
      esim_client_add_interface (self, G_DBUS_INTERFACE (euicc));
  }
  for (GList *l = objects; l != NULL; l = l->next)
    esim_client_object_added_cb (self->manager, l->data, self);
  g_list_free_full (objects, g_object_unref);
}

static gboolean
esim_client_initable_init (GInitable *initable, GCancellable *cancellable, GError **error)
{
  EsimClient *self = ESIM_CLIENT (initable);

  if (self->connection == NULL && self->address != NULL)
    self->connection
      = g_dbus_connection_new_for_address_sync (self->address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                  | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, cancellable, error);
  else if (self->connection == NULL)
    self->connection = g_bus_get_sync (G_BUS_TYPE_SYSTEM, cancellable, error);
  if (self->connection == NULL)
    return FALSE;
  self->manager = esim_dbus_object_manager_client_new_sync (
    self->connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, ESIM_BUS_NAME, ESIM_ROOT_PATH,
    cancellable, error);
  if (self->manager == NULL)
    return FALSE;
  /* the root object is not below the object manager: its own proxy */
  self->root = esim_dbus_manager_proxy_new_sync (self->connection, G_DBUS_PROXY_FLAGS_NONE,
                                                 ESIM_BUS_NAME, ESIM_ROOT_PATH, cancellable, error);
  if (self->root == NULL)
    return FALSE;
  esim_client_start (self);
  return TRUE;
}

static void
esim_client_initable_iface_init (GInitableIface *iface)
{
  iface->init = esim_client_initable_init;
}

static void
esim_client_root_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EsimClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->root = esim_dbus_manager_proxy_new_finish (res, &error);
  if (self->root == NULL) {
    g_task_return_error (task, error);
    return;
  }
  esim_client_start (self);
  g_task_return_boolean (task, TRUE);
}

static void
esim_client_manager_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EsimClient *self = g_task_get_source_object (task);
  GCancellable *cancellable;
  GError *error = NULL;

  self->manager = esim_dbus_object_manager_client_new_finish (res, &error);
  if (self->manager == NULL) {
    g_task_return_error (task, error);
    return;
  }
  cancellable = g_task_get_cancellable (task);
  esim_dbus_manager_proxy_new (self->connection, G_DBUS_PROXY_FLAGS_NONE, ESIM_BUS_NAME,
                               ESIM_ROOT_PATH, cancellable, esim_client_root_cb,
                               g_steal_pointer (&task));
}

static void
esim_client_start_manager (GTask *task)
{
  EsimClient *self = g_task_get_source_object (task);

  esim_dbus_object_manager_client_new (self->connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                       ESIM_BUS_NAME, ESIM_ROOT_PATH, g_task_get_cancellable (task),
                                       esim_client_manager_cb, task);
}

static void
esim_client_connection_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  EsimClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (self->address != NULL)
    self->connection = g_dbus_connection_new_for_address_finish (res, &error);
  else
    self->connection = g_bus_get_finish (res, &error);
  if (self->connection == NULL) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  esim_client_start_manager (task);
}

static void
esim_client_init_async (GAsyncInitable *initable, int io_priority, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  EsimClient *self = ESIM_CLIENT (initable);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, esim_client_init_async);
  if (self->connection != NULL)
    esim_client_start_manager (task);
  else if (self->address != NULL)
    g_dbus_connection_new_for_address (self->address,
                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                         | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                       NULL, cancellable, esim_client_connection_cb, task);
  else
    g_bus_get (G_BUS_TYPE_SYSTEM, cancellable, esim_client_connection_cb, task);
}

static gboolean
esim_client_init_finish (GAsyncInitable *initable, GAsyncResult *res, GError **error)
{
  return g_task_propagate_boolean (G_TASK (res), error);
}

static void
esim_client_async_initable_iface_init (GAsyncInitableIface *iface)
{
  iface->init_async = esim_client_init_async;
  iface->init_finish = esim_client_init_finish;
}

static void
esim_client_dispose (GObject *object)
{
  EsimClient *self = ESIM_CLIENT (object);

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  if (self->root != NULL)
    g_clear_signal_handler (&self->root_notify_id, self->root);
  g_hash_table_remove_all (self->jobs);
  g_hash_table_remove_all (self->profiles);
  g_hash_table_remove_all (self->euiccs);
  g_clear_object (&self->manager);
  g_clear_object (&self->root);
  G_OBJECT_CLASS (esim_client_parent_class)->dispose (object);
}

static void
esim_client_finalize (GObject *object)
{
  EsimClient *self = ESIM_CLIENT (object);

  g_hash_table_unref (self->jobs);
  g_hash_table_unref (self->profiles);
  g_hash_table_unref (self->euiccs);
  g_clear_object (&self->connection);
  g_free (self->address);
  G_OBJECT_CLASS (esim_client_parent_class)->finalize (object);
}

static void
esim_client_class_init (EsimClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = esim_client_get_property;
  object_class->set_property = esim_client_set_property;
  object_class->dispose = esim_client_dispose;
  object_class->finalize = esim_client_finalize;

  /* remote errors of any call map onto ESIM_ERROR from now on */
  (void) esim_error_quark ();

  /**
   * EsimClient:connection:
   *
   * The bus connection; the system bus unless given.
   */
  props[PROP_CONNECTION]
    = g_param_spec_object ("connection", NULL, "The bus connection", G_TYPE_DBUS_CONNECTION,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * EsimClient:address:
   *
   * The address of the bus to connect to instead of the system bus.
   */
  props[PROP_ADDRESS]
    = g_param_spec_string ("address", NULL, "A bus address", NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * EsimClient:name-owner:
   *
   * The unique name of the running daemon, %NULL when it is not running.
   */
  props[PROP_NAME_OWNER] = g_param_spec_string ("name-owner", NULL, "The daemon's unique name",
                                                NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimClient:version:
   *
   * The daemon's version, e.g. "0.1.0".
   */
  props[PROP_VERSION] = g_param_spec_string ("version", NULL, "The daemon's version", NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimClient:test-mode:
   *
   * Whether the daemon trusts the GSMA SGP.26 test PKI and shows test
   * profiles.
   */
  props[PROP_TEST_MODE] = g_param_spec_boolean ("test-mode", NULL, "Whether in test mode", FALSE,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimClient:allow-interactive-authorization:
   *
   * Whether polkit may ask the user for a password during method calls;
   * set it when someone is there to answer.
   */
  props[PROP_ALLOW_INTERACTIVE_AUTHORIZATION] = g_param_spec_boolean (
    "allow-interactive-authorization", NULL, "Whether polkit may ask", FALSE,
    G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * EsimClient::euicc-added:
   * @self: the #EsimClient
   * @euicc: the new #EsimEuicc
   *
   * The daemon found an eUICC (also when it starts again).
   */
  signals[SIGNAL_EUICC_ADDED]
    = g_signal_new ("euicc-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, ESIM_TYPE_EUICC);
  /**
   * EsimClient::euicc-removed:
   * @self: the #EsimClient
   * @euicc: the #EsimEuicc that went away
   *
   * An eUICC went away (or the daemon stopped).
   */
  signals[SIGNAL_EUICC_REMOVED]
    = g_signal_new ("euicc-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, ESIM_TYPE_EUICC);
  /**
   * EsimClient::job-added:
   * @self: the #EsimClient
   * @job: the new #EsimJob
   *
   * The daemon started a job, from this client or another one.
   */
  signals[SIGNAL_JOB_ADDED]
    = g_signal_new ("job-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, ESIM_TYPE_JOB);
  /**
   * EsimClient::job-removed:
   * @self: the #EsimClient
   * @job: the #EsimJob that left the bus
   *
   * A job left the bus: it ended a while ago (the daemon keeps a finished
   * job for a short time), or the daemon stopped. The job has completed
   * by then, see #EsimJob::completed.
   */
  signals[SIGNAL_JOB_REMOVED]
    = g_signal_new ("job-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, ESIM_TYPE_JOB);
  /**
   * EsimClient::profile-added:
   * @self: the #EsimClient
   * @profile: the new #EsimProfile
   *
   * A profile appeared on any eUICC (installed, found by a rescan, or the
   * daemon started), also one announced before its eUICC; see
   * #EsimEuicc::profile-added for the profiles of one eUICC.
   */
  signals[SIGNAL_PROFILE_ADDED]
    = g_signal_new ("profile-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, ESIM_TYPE_PROFILE);
  /**
   * EsimClient::profile-removed:
   * @self: the #EsimClient
   * @profile: the #EsimProfile that went away
   *
   * A profile went away (deleted, its eUICC removed, or the daemon
   * stopped), also after its eUICC.
   */
  signals[SIGNAL_PROFILE_REMOVED]
    = g_signal_new ("profile-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, ESIM_TYPE_PROFILE);
}

static void
esim_client_init (EsimClient *self)
{
  self->euiccs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->profiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * esim_client_new:
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the client is ready
 * @user_data: data for @callback
 *
 * Connects to esimd on the system bus (or where DBUS_SYSTEM_BUS_ADDRESS
 * points). A daemon that is not running is no error: its objects appear
 * when it starts.
 */
void
esim_client_new (GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_async_initable_new_async (ESIM_TYPE_CLIENT, G_PRIORITY_DEFAULT, cancellable, callback,
                              user_data, NULL);
}

/**
 * esim_client_new_for_connection:
 * @connection: a message bus connection
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the client is ready
 * @user_data: data for @callback
 *
 * Like esim_client_new(), on @connection (e.g. a test's private bus).
 */
void
esim_client_new_for_connection (GDBusConnection *connection, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));
  g_async_initable_new_async (ESIM_TYPE_CLIENT, G_PRIORITY_DEFAULT, cancellable, callback,
                              user_data, "connection", connection, NULL);
}

/**
 * esim_client_new_for_address:
 * @address: a D-Bus address of a message bus
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the client is ready
 * @user_data: data for @callback
 *
 * Like esim_client_new(), on the bus at @address.
 */
void
esim_client_new_for_address (const gchar *address, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (address != NULL);
  g_async_initable_new_async (ESIM_TYPE_CLIENT, G_PRIORITY_DEFAULT, cancellable, callback,
                              user_data, "address", address, NULL);
}

/**
 * esim_client_new_finish:
 * @res: the #GAsyncResult
 * @error: why the bus could not be reached
 *
 * Returns: (transfer full): the client, or %NULL on error
 */
EsimClient *
esim_client_new_finish (GAsyncResult *res, GError **error)
{
  g_autoptr (GObject) source = g_async_result_get_source_object (res);
  GObject *object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), res, error);

  return object != NULL ? ESIM_CLIENT (object) : NULL;
}

/**
 * esim_client_new_sync:
 * @cancellable: (nullable): a #GCancellable
 * @error: why the bus could not be reached
 *
 * The blocking esim_client_new(), for scripts.
 *
 * Returns: (transfer full): the client, or %NULL on error
 */
EsimClient *
esim_client_new_sync (GCancellable *cancellable, GError **error)
{
  return g_initable_new (ESIM_TYPE_CLIENT, cancellable, error, NULL);
}

/**
 * esim_client_new_for_connection_sync:
 * @connection: a message bus connection
 * @cancellable: (nullable): a #GCancellable
 * @error: why the daemon's objects could not be read
 *
 * The blocking esim_client_new_for_connection().
 *
 * Returns: (transfer full): the client, or %NULL on error
 */
EsimClient *
esim_client_new_for_connection_sync (GDBusConnection *connection, GCancellable *cancellable,
                                     GError **error)
{
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  return g_initable_new (ESIM_TYPE_CLIENT, cancellable, error, "connection", connection, NULL);
}

/**
 * esim_client_get_connection:
 * @self: an #EsimClient
 *
 * Returns: (transfer none): the bus connection
 */
GDBusConnection *
esim_client_get_connection (EsimClient *self)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  return self->connection;
}

/**
 * esim_client_get_object_manager:
 * @self: an #EsimClient
 *
 * Returns: (transfer none): the daemon's object manager client
 */
GDBusObjectManager *
esim_client_get_object_manager (EsimClient *self)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  return self->manager;
}

/**
 * esim_client_get_manager_proxy:
 * @self: an #EsimClient
 *
 * Returns: (transfer none): the proxy of org.freedesktop.Esim1.Manager
 */
GDBusProxy *
esim_client_get_manager_proxy (EsimClient *self)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  return G_DBUS_PROXY (self->root);
}

/**
 * esim_client_dup_name_owner:
 * @self: an #EsimClient
 *
 * Returns: (transfer full) (nullable): the daemon's unique bus name, %NULL
 *   when it is not running
 */
gchar *
esim_client_dup_name_owner (EsimClient *self)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  if (self->manager == NULL)
    return NULL;
  return g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (self->manager));
}

/**
 * esim_client_get_version:
 * @self: an #EsimClient
 *
 * Returns: (nullable): the daemon's version, %NULL when it is not running
 */
const gchar *
esim_client_get_version (EsimClient *self)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  return self->root != NULL ? esim_dbus_manager_get_version (self->root) : NULL;
}

/**
 * esim_client_get_test_mode:
 * @self: an #EsimClient
 *
 * Returns: whether the daemon is in test mode
 */
gboolean
esim_client_get_test_mode (EsimClient *self)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), FALSE);
  return self->root != NULL && esim_dbus_manager_get_test_mode (self->root);
}

/**
 * esim_client_get_allow_interactive_authorization:
 * @self: an #EsimClient
 *
 * Returns: whether polkit may ask the user during calls
 */
gboolean
esim_client_get_allow_interactive_authorization (EsimClient *self)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), FALSE);
  return self->allow_interactive;
}

/**
 * esim_client_set_allow_interactive_authorization:
 * @self: an #EsimClient
 * @allow: whether polkit may ask the user (e.g. for a password)
 *
 * Sets %G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION on every method
 * call from now on.
 */
void
esim_client_set_allow_interactive_authorization (EsimClient *self, gboolean allow)
{
  g_return_if_fail (ESIM_IS_CLIENT (self));
  if (self->allow_interactive == !!allow)
    return;
  self->allow_interactive = !!allow;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ALLOW_INTERACTIVE_AUTHORIZATION]);
}

GDBusCallFlags
esim_client_get_call_flags (EsimClient *self)
{
  return self->allow_interactive ? G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION
                                 : G_DBUS_CALL_FLAGS_NONE;
}

static GPtrArray *
esim_client_sorted (GHashTable *table)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (out, g_object_ref (value));
  g_ptr_array_sort (out, esim_compare_by_path);
  return out;
}

/**
 * esim_client_get_euiccs:
 * @self: an #EsimClient
 *
 * The eUICCs, in the order of their object paths (the order the daemon
 * found them).
 *
 * The array holds a reference to each element and drops them when it is
 * freed (the fwupd convention), so g_autoptr (GPtrArray) is all a caller
 * needs.
 *
 * Returns: (transfer container) (element-type EsimEuicc): the eUICCs
 */
GPtrArray *
esim_client_get_euiccs (EsimClient *self)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  return esim_client_sorted (self->euiccs);
}

/**
 * esim_client_get_profiles:
 * @self: an #EsimClient
 *
 * The profiles of every eUICC, in the order of their object paths.
 *
 * Returns: (transfer container) (element-type EsimProfile): the profiles
 */
GPtrArray *
esim_client_get_profiles (EsimClient *self)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  return esim_client_sorted (self->profiles);
}

/**
 * esim_client_get_jobs:
 * @self: an #EsimClient
 *
 * The jobs on the bus: running ones and those that ended a short while ago.
 *
 * Returns: (transfer container) (element-type EsimJob): the jobs
 */
GPtrArray *
esim_client_get_jobs (EsimClient *self)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  return esim_client_sorted (self->jobs);
}

/**
 * esim_client_get_euicc_by_path:
 * @self: an #EsimClient
 * @path: (nullable): an object path
 *
 * Returns: (transfer none) (nullable): the eUICC at @path
 */
EsimEuicc *
esim_client_get_euicc_by_path (EsimClient *self, const gchar *path)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  return path != NULL ? g_hash_table_lookup (self->euiccs, path) : NULL;
}

/**
 * esim_client_find_euicc:
 * @self: an #EsimClient
 * @eid: an EID
 *
 * Returns: (transfer none) (nullable): the eUICC with @eid
 */
EsimEuicc *
esim_client_find_euicc (EsimClient *self, const gchar *eid)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  g_return_val_if_fail (eid != NULL, NULL);
  g_hash_table_iter_init (&iter, self->euiccs);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    if (g_strcmp0 (esim_euicc_get_eid (value), eid) == 0)
      return value;
  }
  return NULL;
}

/**
 * esim_client_get_profile_by_path:
 * @self: an #EsimClient
 * @path: (nullable): an object path
 *
 * Returns: (transfer none) (nullable): the profile at @path
 */
EsimProfile *
esim_client_get_profile_by_path (EsimClient *self, const gchar *path)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  return path != NULL ? g_hash_table_lookup (self->profiles, path) : NULL;
}

/**
 * esim_client_find_profile:
 * @self: an #EsimClient
 * @iccid: an ICCID (its filler F in either case)
 *
 * The profile with @iccid on any eUICC; the first by object path when
 * several eUICCs hold it (see esim_euicc_find_profile()).
 *
 * Returns: (transfer none) (nullable): the profile
 */
EsimProfile *
esim_client_find_profile (EsimClient *self, const gchar *iccid)
{
  g_autoptr (GPtrArray) profiles = NULL;

  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  g_return_val_if_fail (iccid != NULL, NULL);
  profiles = esim_client_get_profiles (self);
  for (guint i = 0; i < profiles->len; i++) {
    EsimProfile *profile = g_ptr_array_index (profiles, i);
    if (g_ascii_strcasecmp (esim_profile_get_iccid (profile), iccid) == 0)
      return profile;
  }
  return NULL;
}

/**
 * esim_client_get_job_by_path:
 * @self: an #EsimClient
 * @path: (nullable): an object path
 *
 * Returns: (transfer none) (nullable): the job at @path
 */
EsimJob *
esim_client_get_job_by_path (EsimClient *self, const gchar *path)
{
  g_return_val_if_fail (ESIM_IS_CLIENT (self), NULL);
  return path != NULL ? g_hash_table_lookup (self->jobs, path) : NULL;
}

/* a job from its own proxy, unless the object manager announced it
 * meanwhile; returns the one that is kept */
EsimJob *
esim_client_add_job (EsimClient *self, EsimDbusJob *proxy)
{
  const gchar *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (proxy));
  EsimJob *job = g_hash_table_lookup (self->jobs, path);

  if (job != NULL)
    return job;
  job = esim_job_new (self, proxy);
  g_hash_table_insert (self->jobs, g_strdup (path), job);
  g_signal_emit (self, signals[SIGNAL_JOB_ADDED], 0, job);
  return job;
}
