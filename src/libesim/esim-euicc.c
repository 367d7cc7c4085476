/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "esim-private.h"

/**
 * EsimEuicc:
 *
 * One eUICC known to esimd, mirroring org.freedesktop.Esim1.Euicc: its
 * properties (with notify), its profiles, and the operations on the card.
 * Every method that changes the card asks polkit first.
 */

struct _EsimEuicc {
  GObject parent_instance;
  EsimDbusEuicc *proxy;
  gulong notify_id;
  GWeakRef client;
  GPtrArray *profiles; /* of EsimProfile, by path */
};

G_DEFINE_FINAL_TYPE (EsimEuicc, esim_euicc, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OBJECT_PATH,
  PROP_PROXY,
  PROP_EID,
  PROP_TRANSPORT,
  PROP_DEVICE,
  PROP_MODEM,
  PROP_SIM_SLOT,
  PROP_SGP22_VERSION,
  PROP_PROFILE_VERSION,
  PROP_FIRMWARE_VERSION,
  PROP_FREE_MEMORY,
  PROP_CI_KEY_IDS,
  PROP_DEFAULT_SMDP_ADDRESS,
  PROP_ROOT_SMDS_ADDRESS,
  PROP_PENDING_NOTIFICATIONS,
  PROP_LABEL,
  PROP_BUSY,
  PROP_CURRENT_JOB_PATH,
  N_PROPS,
};

static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_PROFILE_ADDED,
  SIGNAL_PROFILE_REMOVED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

/* a new D-Bus property is one line here and one pspec below */
static const EsimPropertyMirror esim_euicc_mirrors[] = {
  { "eid", "eid" },
  { "transport", "transport" },
  { "device", "device" },
  { "modem", "modem" },
  { "sim-slot", "sim-slot" },
  { "sgp22-version", "sgp22-version" },
  { "profile-version", "profile-version" },
  { "firmware-version", "firmware-version" },
  { "free-memory", "free-memory" },
  { "ci-key-ids", "ci-key-ids" },
  { "default-smdp-address", "default-smdp-address" },
  { "root-smds-address", "root-smds-address" },
  { "pending-notifications", "pending-notifications" },
  { "label", "label" },
  { "busy", "busy" },
  { "current-job-path", "current-job" },
};

static void
esim_euicc_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimEuicc *self = ESIM_EUICC (object);

  switch (prop_id) {
  case PROP_OBJECT_PATH:
    g_value_set_string (value, esim_euicc_get_object_path (self));
    return;
  case PROP_PROXY:
    g_value_set_object (value, self->proxy);
    return;
  default:
    if (!esim_mirror_get (G_OBJECT (self->proxy), esim_euicc_mirrors,
                          G_N_ELEMENTS (esim_euicc_mirrors), pspec, value))
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_euicc_dispose (GObject *object)
{
  EsimEuicc *self = ESIM_EUICC (object);

  if (self->proxy != NULL)
    g_clear_signal_handler (&self->notify_id, self->proxy);
  g_ptr_array_set_size (self->profiles, 0);
  G_OBJECT_CLASS (esim_euicc_parent_class)->dispose (object);
}

static void
esim_euicc_finalize (GObject *object)
{
  EsimEuicc *self = ESIM_EUICC (object);

  g_clear_object (&self->proxy);
  g_ptr_array_unref (self->profiles);
  g_weak_ref_clear (&self->client);
  G_OBJECT_CLASS (esim_euicc_parent_class)->finalize (object);
}

static GParamSpec *
esim_euicc_string_pspec (const gchar *name, const gchar *blurb)
{
  return g_param_spec_string (name, NULL, blurb, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
esim_euicc_class_init (EsimEuiccClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = esim_euicc_get_property;
  object_class->dispose = esim_euicc_dispose;
  object_class->finalize = esim_euicc_finalize;

  /**
   * EsimEuicc:object-path:
   *
   * The D-Bus object path, /org/freedesktop/Esim1/Euicc/N.
   */
  props[PROP_OBJECT_PATH] = esim_euicc_string_pspec ("object-path", "The D-Bus object path");
  /**
   * EsimEuicc:proxy:
   *
   * The D-Bus proxy of org.freedesktop.Esim1.Euicc behind this object.
   */
  props[PROP_PROXY] = g_param_spec_object ("proxy", NULL, "The D-Bus proxy", G_TYPE_DBUS_PROXY,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimEuicc:eid:
   *
   * The eUICC identifier, 32 decimal digits.
   */
  props[PROP_EID] = esim_euicc_string_pspec ("eid", "The EID");
  /**
   * EsimEuicc:transport:
   *
   * How the eUICC is reached: "socket", "qmi", "qrtr", "mbim", "at" or "pcsc".
   */
  props[PROP_TRANSPORT] = esim_euicc_string_pspec ("transport", "The transport kind");
  /**
   * EsimEuicc:device:
   *
   * The device of the transport: a /dev node, a socket path or a reader name.
   */
  props[PROP_DEVICE] = esim_euicc_string_pspec ("device", "The transport's device");
  /**
   * EsimEuicc:modem:
   *
   * The ModemManager modem object of this eUICC, "/" when none.
   */
  props[PROP_MODEM] = esim_euicc_string_pspec ("modem", "The ModemManager modem");
  /**
   * EsimEuicc:sim-slot:
   *
   * The modem's SIM slot (1-based), 0 when unknown.
   */
  props[PROP_SIM_SLOT] = g_param_spec_uint ("sim-slot", NULL, "The SIM slot", 0, G_MAXUINT, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimEuicc:sgp22-version:
   *
   * The SGP.22 version the eUICC implements, e.g. "2.2.2".
   */
  props[PROP_SGP22_VERSION] = esim_euicc_string_pspec ("sgp22-version", "The SGP.22 version");
  /**
   * EsimEuicc:profile-version:
   *
   * The profile package version it accepts, e.g. "2.3.1".
   */
  props[PROP_PROFILE_VERSION] = esim_euicc_string_pspec ("profile-version", "The PP version");
  /**
   * EsimEuicc:firmware-version:
   *
   * The eUICC firmware version.
   */
  props[PROP_FIRMWARE_VERSION] = esim_euicc_string_pspec ("firmware-version", "The firmware");
  /**
   * EsimEuicc:free-memory:
   *
   * Free non-volatile memory in bytes.
   */
  props[PROP_FREE_MEMORY] = g_param_spec_uint64 ("free-memory", NULL, "Free memory", 0, G_MAXUINT64,
                                                 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimEuicc:ci-key-ids:
   *
   * The GSMA CI key identifiers the eUICC trusts, as hex.
   */
  props[PROP_CI_KEY_IDS] = g_param_spec_boxed ("ci-key-ids", NULL, "Trusted CI keys", G_TYPE_STRV,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimEuicc:default-smdp-address:
   *
   * The default SM-DP+ address, "" when none.
   */
  props[PROP_DEFAULT_SMDP_ADDRESS]
    = esim_euicc_string_pspec ("default-smdp-address", "The default SM-DP+");
  /**
   * EsimEuicc:root-smds-address:
   *
   * The root SM-DS address.
   */
  props[PROP_ROOT_SMDS_ADDRESS] = esim_euicc_string_pspec ("root-smds-address", "The root SM-DS");
  /**
   * EsimEuicc:pending-notifications:
   *
   * Notifications waiting on the card to be sent to their SM-DP+.
   */
  props[PROP_PENDING_NOTIFICATIONS]
    = g_param_spec_uint ("pending-notifications", NULL, "Pending notifications", 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimEuicc:label:
   *
   * What a person calls this eUICC: the modem's model or the reader's name.
   */
  props[PROP_LABEL] = esim_euicc_string_pspec ("label", "A human label");
  /**
   * EsimEuicc:busy:
   *
   * %TRUE while the daemon works on the card (a job, a profile switch, a
   * refresh); a panel may show a spinner and keep its buttons.
   */
  props[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, "Whether the card is in use", FALSE,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimEuicc:current-job-path:
   *
   * The object path of the job running on this eUICC, "/" when none; see
   * esim_euicc_get_current_job().
   */
  props[PROP_CURRENT_JOB_PATH]
    = esim_euicc_string_pspec ("current-job-path", "The running job's object path");
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * EsimEuicc::profile-added:
   * @self: the #EsimEuicc
   * @profile: the new #EsimProfile
   *
   * A profile appeared on this eUICC (installed, or found by a rescan).
   */
  signals[SIGNAL_PROFILE_ADDED]
    = g_signal_new ("profile-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, ESIM_TYPE_PROFILE);
  /**
   * EsimEuicc::profile-removed:
   * @self: the #EsimEuicc
   * @profile: the #EsimProfile that went away
   *
   * A profile left this eUICC (deleted, or the eUICC went away).
   */
  signals[SIGNAL_PROFILE_REMOVED]
    = g_signal_new ("profile-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, ESIM_TYPE_PROFILE);
}

static void
esim_euicc_init (EsimEuicc *self)
{
  g_weak_ref_init (&self->client, NULL);
  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
}

EsimEuicc *
esim_euicc_new (EsimClient *client, EsimDbusEuicc *proxy)
{
  EsimEuicc *self = g_object_new (ESIM_TYPE_EUICC, NULL);

  self->proxy = g_object_ref (proxy);
  g_weak_ref_set (&self->client, client);
  self->notify_id = esim_mirror_connect (G_OBJECT (self), G_OBJECT (proxy), esim_euicc_mirrors,
                                         G_N_ELEMENTS (esim_euicc_mirrors));
  return self;
}

void
esim_euicc_add_profile (EsimEuicc *self, EsimProfile *profile)
{
  if (g_ptr_array_find (self->profiles, profile, NULL))
    return;
  g_ptr_array_add (self->profiles, g_object_ref (profile));
  g_ptr_array_sort (self->profiles, esim_compare_by_path);
  g_signal_emit (self, signals[SIGNAL_PROFILE_ADDED], 0, profile);
}

void
esim_euicc_remove_profile (EsimEuicc *self, EsimProfile *profile)
{
  if (!g_ptr_array_find (self->profiles, profile, NULL))
    return;
  /* the handlers still see the profile; the array lets go after them */
  g_signal_emit (self, signals[SIGNAL_PROFILE_REMOVED], 0, profile);
  g_ptr_array_remove (self->profiles, profile);
}

/**
 * esim_euicc_get_object_path:
 * @self: an #EsimEuicc
 *
 * Returns: the D-Bus object path
 */
const gchar *
esim_euicc_get_object_path (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->proxy));
}

/**
 * esim_euicc_get_proxy:
 * @self: an #EsimEuicc
 *
 * The D-Bus proxy behind this object, for members this library does not
 * wrap yet.
 *
 * Returns: (transfer none): the org.freedesktop.Esim1.Euicc proxy
 */
GDBusProxy *
esim_euicc_get_proxy (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return G_DBUS_PROXY (self->proxy);
}

/**
 * esim_euicc_get_eid:
 * @self: an #EsimEuicc
 *
 * Returns: (nullable): the EID, 32 digits
 */
const gchar *
esim_euicc_get_eid (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return esim_dbus_euicc_get_eid (self->proxy);
}

/**
 * esim_euicc_get_transport:
 * @self: an #EsimEuicc
 *
 * Returns: (nullable): the transport kind, e.g. "qmi"
 */
const gchar *
esim_euicc_get_transport (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return esim_dbus_euicc_get_transport (self->proxy);
}

/**
 * esim_euicc_get_device:
 * @self: an #EsimEuicc
 *
 * Returns: (nullable): the transport's device
 */
const gchar *
esim_euicc_get_device (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return esim_dbus_euicc_get_device (self->proxy);
}

/**
 * esim_euicc_get_modem:
 * @self: an #EsimEuicc
 *
 * Returns: (nullable): the ModemManager modem's object path, "/" when none
 */
const gchar *
esim_euicc_get_modem (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return esim_dbus_euicc_get_modem (self->proxy);
}

/**
 * esim_euicc_get_sim_slot:
 * @self: an #EsimEuicc
 *
 * Returns: the modem's SIM slot, 0 when unknown
 */
guint
esim_euicc_get_sim_slot (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), 0);
  return esim_dbus_euicc_get_sim_slot (self->proxy);
}

/**
 * esim_euicc_get_sgp22_version:
 * @self: an #EsimEuicc
 *
 * Returns: (nullable): the SGP.22 version
 */
const gchar *
esim_euicc_get_sgp22_version (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return esim_dbus_euicc_get_sgp22_version (self->proxy);
}

/**
 * esim_euicc_get_profile_version:
 * @self: an #EsimEuicc
 *
 * Returns: (nullable): the profile package version
 */
const gchar *
esim_euicc_get_profile_version (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return esim_dbus_euicc_get_profile_version (self->proxy);
}

/**
 * esim_euicc_get_firmware_version:
 * @self: an #EsimEuicc
 *
 * Returns: (nullable): the firmware version
 */
const gchar *
esim_euicc_get_firmware_version (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return esim_dbus_euicc_get_firmware_version (self->proxy);
}

/**
 * esim_euicc_get_free_memory:
 * @self: an #EsimEuicc
 *
 * Returns: free non-volatile memory in bytes
 */
guint64
esim_euicc_get_free_memory (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), 0);
  return esim_dbus_euicc_get_free_memory (self->proxy);
}

/**
 * esim_euicc_get_ci_key_ids:
 * @self: an #EsimEuicc
 *
 * Returns: (nullable) (transfer none) (array zero-terminated=1): the CI
 *   key identifiers as hex
 */
const gchar *const *
esim_euicc_get_ci_key_ids (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return esim_dbus_euicc_get_ci_key_ids (self->proxy);
}

/**
 * esim_euicc_get_default_smdp_address:
 * @self: an #EsimEuicc
 *
 * Returns: (nullable): the default SM-DP+ address, "" when none
 */
const gchar *
esim_euicc_get_default_smdp_address (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return esim_dbus_euicc_get_default_smdp_address (self->proxy);
}

/**
 * esim_euicc_get_root_smds_address:
 * @self: an #EsimEuicc
 *
 * Returns: (nullable): the root SM-DS address
 */
const gchar *
esim_euicc_get_root_smds_address (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return esim_dbus_euicc_get_root_smds_address (self->proxy);
}

/**
 * esim_euicc_get_pending_notifications:
 * @self: an #EsimEuicc
 *
 * Returns: the notifications waiting on the card
 */
guint
esim_euicc_get_pending_notifications (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), 0);
  return esim_dbus_euicc_get_pending_notifications (self->proxy);
}

/**
 * esim_euicc_get_label:
 * @self: an #EsimEuicc
 *
 * Returns: (nullable): a human label: the modem's model, the reader's name
 */
const gchar *
esim_euicc_get_label (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  return esim_dbus_euicc_get_label (self->proxy);
}

/**
 * esim_euicc_get_busy:
 * @self: an #EsimEuicc
 *
 * Returns: %TRUE while the daemon works on the card
 */
gboolean
esim_euicc_get_busy (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), FALSE);
  return esim_dbus_euicc_get_busy (self->proxy);
}

/**
 * esim_euicc_get_current_job:
 * @self: an #EsimEuicc
 *
 * The job running on this eUICC, started by anyone (another panel, a
 * script), so that a panel can show its progress.
 *
 * Returns: (transfer none) (nullable): the job, %NULL when none runs (or
 *   the client has not seen it yet)
 */
EsimJob *
esim_euicc_get_current_job (EsimEuicc *self)
{
  g_autoptr (EsimClient) client = NULL;
  const gchar *path;

  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  path = esim_dbus_euicc_get_current_job (self->proxy);
  client = g_weak_ref_get (&self->client);
  if (client == NULL || path == NULL || g_strcmp0 (path, "/") == 0)
    return NULL;
  return esim_client_get_job_by_path (client, path);
}

/**
 * esim_euicc_get_profiles:
 * @self: an #EsimEuicc
 *
 * The profiles of this eUICC, in the order of their object paths.
 *
 * Returns: (transfer container) (element-type EsimProfile): the profiles
 */
GPtrArray *
esim_euicc_get_profiles (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  /* the copy keeps the free function: each element gets its own ref, as
   * in esim_client_get_euiccs() */
  return g_ptr_array_copy (self->profiles, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
}

/**
 * esim_euicc_find_profile:
 * @self: an #EsimEuicc
 * @iccid: an ICCID (its filler F in either case)
 *
 * Returns: (transfer none) (nullable): the profile with @iccid on this eUICC
 */
EsimProfile *
esim_euicc_find_profile (EsimEuicc *self, const gchar *iccid)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  g_return_val_if_fail (iccid != NULL, NULL);
  for (guint i = 0; i < self->profiles->len; i++) {
    EsimProfile *profile = g_ptr_array_index (self->profiles, i);
    if (g_ascii_strcasecmp (esim_profile_get_iccid (profile), iccid) == 0)
      return profile;
  }
  return NULL;
}

/**
 * esim_euicc_get_enabled_profile:
 * @self: an #EsimEuicc
 *
 * Returns: (transfer none) (nullable): the enabled profile, %NULL when none
 */
EsimProfile *
esim_euicc_get_enabled_profile (EsimEuicc *self)
{
  g_return_val_if_fail (ESIM_IS_EUICC (self), NULL);
  for (guint i = 0; i < self->profiles->len; i++) {
    EsimProfile *profile = g_ptr_array_index (self->profiles, i);
    if (esim_profile_get_enabled (profile))
      return profile;
  }
  return NULL;
}

static EsimClient *
esim_euicc_ref_client (EsimEuicc *self)
{
  return g_weak_ref_get (&self->client);
}

static void
esim_euicc_install_job_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  EsimJob *job = esim_client_get_job_finish (ESIM_CLIENT (source), res, &error);

  if (job == NULL) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (task, job, g_object_unref);
}

static void
esim_euicc_install_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EsimEuicc *self = g_task_get_source_object (task);
  g_autoptr (EsimClient) client = esim_euicc_ref_client (self);
  GError *error = NULL;
  g_autoptr (GVariant) reply = esim_call_finish (source, res, &error);
  GCancellable *cancellable;
  const gchar *path = NULL;

  if (reply == NULL) {
    g_task_return_error (task, error);
    return;
  }
  if (client == NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "the client went away");
    return;
  }
  g_variant_get (reply, "(&o)", &path);
  cancellable = g_task_get_cancellable (task);
  esim_client_get_job_async (client, path, cancellable, esim_euicc_install_job_cb,
                             g_steal_pointer (&task));
}

/**
 * esim_euicc_install_profile_async:
 * @self: an #EsimEuicc
 * @activation_code: (nullable): an SGP.22 activation code
 *   ("LPA:1$ADDRESS$MATCHING-ID"), or %NULL (or "") for the eUICC's default
 *   SM-DP+
 * @confirmation_code: (nullable): the confirmation code, or %NULL
 * @flags: #EsimInstallFlags
 * @cancellable: (nullable): a #GCancellable for the call (not the job)
 * @callback: called once the daemon started the job
 * @user_data: data for @callback
 *
 * Downloads and installs a profile. The daemon answers at once with a job
 * that reports progress; see esim_job_wait_async(). Needs
 * org.freedesktop.esim1.install-profile.
 */
void
esim_euicc_install_profile_async (EsimEuicc *self, const gchar *activation_code,
                                  const gchar *confirmation_code, EsimInstallFlags flags,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (EsimClient) client = NULL;
  GTask *task;
  GVariantBuilder options;

  g_return_if_fail (ESIM_IS_EUICC (self));
  client = esim_euicc_ref_client (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, esim_euicc_install_profile_async);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (flags & ESIM_INSTALL_FLAGS_ENABLE)
    g_variant_builder_add (&options, "{sv}", "enable", g_variant_new_boolean (TRUE));
  if (flags & ESIM_INSTALL_FLAGS_CONFIRM)
    g_variant_builder_add (&options, "{sv}", "confirm", g_variant_new_boolean (TRUE));
  esim_call_async (self, client, G_DBUS_PROXY (self->proxy), "InstallProfile",
                   g_variant_new ("(ssa{sv})", activation_code != NULL ? activation_code : "",
                                  confirmation_code != NULL ? confirmation_code : "", &options),
                   "(o)", cancellable, esim_euicc_install_cb, task, NULL);
}

/**
 * esim_euicc_install_profile_finish:
 * @self: an #EsimEuicc
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: (transfer full): the job of the download, or %NULL when the
 *   daemon refused to start it
 */
EsimJob *
esim_euicc_install_profile_finish (EsimEuicc *self, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, self), NULL);
  return g_task_propagate_pointer (G_TASK (res), error);
}

/**
 * esim_euicc_discover_async:
 * @self: an #EsimEuicc
 * @smds_address: (nullable): the SM-DS, or %NULL for the eUICC's root SM-DS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the SM-DS answered
 * @user_data: data for @callback
 *
 * Asks an SM-DS for profiles waiting for this eUICC. Needs
 * org.freedesktop.esim1.install-profile (the EID goes to the SM-DS).
 */
void
esim_euicc_discover_async (EsimEuicc *self, const gchar *smds_address, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (EsimClient) client = NULL;

  g_return_if_fail (ESIM_IS_EUICC (self));
  client = esim_euicc_ref_client (self);
  esim_call_async (self, client, G_DBUS_PROXY (self->proxy), "Discover",
                   g_variant_new ("(s)", smds_address != NULL ? smds_address : ""), "(a(sss))",
                   cancellable, callback, user_data, esim_euicc_discover_async);
}

/**
 * esim_euicc_discover_finish:
 * @self: an #EsimEuicc
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: (transfer container) (element-type EsimDiscoveredProfile): the
 *   waiting profiles, maybe none; %NULL on error
 */
GPtrArray *
esim_euicc_discover_finish (EsimEuicc *self, GAsyncResult *res, GError **error)
{
  g_autoptr (GVariant) reply = esim_call_finish (self, res, error);
  g_autoptr (GVariantIter) iter = NULL;
  GPtrArray *out;
  const gchar *address, *matching_id, *code;

  if (reply == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_discovered_profile_free);
  g_variant_get (reply, "(a(sss))", &iter);
  while (g_variant_iter_next (iter, "(&s&s&s)", &address, &matching_id, &code)) {
    g_ptr_array_add (out, esim_discovered_profile_new (address, matching_id, code));
  }
  return out;
}

/**
 * esim_euicc_set_default_smdp_address_async:
 * @self: an #EsimEuicc
 * @address: an FQDN (optionally with :port), or "" to clear it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Sets the eUICC's default SM-DP+ address. Needs
 * org.freedesktop.esim1.configure.
 */
void
esim_euicc_set_default_smdp_address_async (EsimEuicc *self, const gchar *address,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  g_autoptr (EsimClient) client = NULL;

  g_return_if_fail (ESIM_IS_EUICC (self));
  g_return_if_fail (address != NULL);
  client = esim_euicc_ref_client (self);
  esim_call_async (self, client, G_DBUS_PROXY (self->proxy), "SetDefaultSmdpAddress",
                   g_variant_new ("(s)", address), "()", cancellable, callback, user_data,
                   esim_euicc_set_default_smdp_address_async);
}

/**
 * esim_euicc_set_default_smdp_address_finish:
 * @self: an #EsimEuicc
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the address was set
 */
gboolean
esim_euicc_set_default_smdp_address_finish (EsimEuicc *self, GAsyncResult *res, GError **error)
{
  return esim_call_finish_void (self, res, error);
}

/**
 * esim_euicc_process_notifications_async:
 * @self: an #EsimEuicc
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Sends the pending notifications now. Needs
 * org.freedesktop.esim1.manage-profile.
 */
void
esim_euicc_process_notifications_async (EsimEuicc *self, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (EsimClient) client = NULL;

  g_return_if_fail (ESIM_IS_EUICC (self));
  client = esim_euicc_ref_client (self);
  esim_call_async (self, client, G_DBUS_PROXY (self->proxy), "ProcessNotifications", NULL, "(uu)",
                   cancellable, callback, user_data, esim_euicc_process_notifications_async);
}

/**
 * esim_euicc_process_notifications_finish:
 * @self: an #EsimEuicc
 * @res: the #GAsyncResult
 * @delivered: (out) (optional): notifications delivered and removed
 * @failed: (out) (optional): notifications left for a later retry
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the daemon tried them all
 */
gboolean
esim_euicc_process_notifications_finish (EsimEuicc *self, GAsyncResult *res, guint *delivered,
                                         guint *failed, GError **error)
{
  g_autoptr (GVariant) reply = esim_call_finish (self, res, error);
  guint d = 0, f = 0;

  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(uu)", &d, &f);
  if (delivered != NULL)
    *delivered = d;
  if (failed != NULL)
    *failed = f;
  return TRUE;
}

/**
 * esim_euicc_reset_memory_async:
 * @self: an #EsimEuicc
 * @what: what to reset, at least one of #EsimResetFlags
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Resets the eUICC's memory (SGP.22 eUICCMemoryReset). Needs
 * org.freedesktop.esim1.reset-memory.
 */
void
esim_euicc_reset_memory_async (EsimEuicc *self, EsimResetFlags what, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (EsimClient) client = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  g_return_if_fail (ESIM_IS_EUICC (self));
  client = esim_euicc_ref_client (self);
  if (what & ESIM_RESET_FLAGS_OPERATIONAL)
    g_ptr_array_add (names, (gpointer) "operational");
  if (what & ESIM_RESET_FLAGS_TEST)
    g_ptr_array_add (names, (gpointer) "test");
  if (what & ESIM_RESET_FLAGS_DEFAULT_SMDP)
    g_ptr_array_add (names, (gpointer) "default-smdp");
  g_ptr_array_add (names, NULL);
  esim_call_async (self, client, G_DBUS_PROXY (self->proxy), "ResetMemory",
                   g_variant_new ("(^as)", (gchar **) names->pdata), "()", cancellable, callback,
                   user_data, esim_euicc_reset_memory_async);
}

/**
 * esim_euicc_reset_memory_finish:
 * @self: an #EsimEuicc
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the memory was reset
 */
gboolean
esim_euicc_reset_memory_finish (EsimEuicc *self, GAsyncResult *res, GError **error)
{
  return esim_call_finish_void (self, res, error);
}
