/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "esim-private.h"

/**
 * EsimProfile:
 *
 * One profile on an eUICC, mirroring org.freedesktop.Esim1.Profile. Its
 * properties follow the daemon (with notify); the methods ask polkit.
 */

struct _EsimProfile {
  GObject parent_instance;
  EsimDbusProfile *proxy;
  gulong notify_id;
  GWeakRef client;
};

G_DEFINE_FINAL_TYPE (EsimProfile, esim_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OBJECT_PATH,
  PROP_PROXY,
  PROP_EUICC_PATH,
  PROP_ICCID,
  PROP_ISDP_AID,
  PROP_STATE,
  PROP_ENABLED,
  PROP_NAME,
  PROP_SERVICE_PROVIDER,
  PROP_NICKNAME,
  PROP_PROFILE_CLASS,
  PROP_POLICY_RULES,
  PROP_OPERATOR_ID,
  PROP_ICON_TYPE,
  PROP_ICON,
  N_PROPS,
};

static GParamSpec *props[N_PROPS];

/* a new D-Bus property is one line here and one pspec below */
static const EsimPropertyMirror esim_profile_mirrors[] = {
  { "euicc-path", "euicc" },
  { "iccid", "iccid" },
  { "isdp-aid", "isdp-aid" },
  { "state", "state" },
  { "enabled", "state" },
  { "name", "name" },
  { "service-provider", "service-provider" },
  { "nickname", "nickname" },
  { "profile-class", "class" },
  { "policy-rules", "policy-rules" },
  { "operator-id", "operator-id" },
  { "icon-type", "icon-type" },
  { "icon", "icon" },
};

static void
esim_profile_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EsimProfile *self = ESIM_PROFILE (object);

  switch (prop_id) {
  case PROP_OBJECT_PATH:
    g_value_set_string (value, esim_profile_get_object_path (self));
    return;
  case PROP_PROXY:
    g_value_set_object (value, self->proxy);
    return;
  case PROP_ENABLED:
    g_value_set_boolean (value, esim_profile_get_enabled (self));
    return;
  case PROP_ICON:
    g_value_take_boxed (value, esim_profile_get_icon (self));
    return;
  default:
    if (!esim_mirror_get (G_OBJECT (self->proxy), esim_profile_mirrors,
                          G_N_ELEMENTS (esim_profile_mirrors), pspec, value))
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
esim_profile_dispose (GObject *object)
{
  EsimProfile *self = ESIM_PROFILE (object);

  if (self->proxy != NULL)
    g_clear_signal_handler (&self->notify_id, self->proxy);
  G_OBJECT_CLASS (esim_profile_parent_class)->dispose (object);
}

static void
esim_profile_finalize (GObject *object)
{
  EsimProfile *self = ESIM_PROFILE (object);

  g_clear_object (&self->proxy);
  g_weak_ref_clear (&self->client);
  G_OBJECT_CLASS (esim_profile_parent_class)->finalize (object);
}

static GParamSpec *
esim_profile_string_pspec (const gchar *name, const gchar *blurb)
{
  return g_param_spec_string (name, NULL, blurb, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
esim_profile_class_init (EsimProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = esim_profile_get_property;
  object_class->dispose = esim_profile_dispose;
  object_class->finalize = esim_profile_finalize;

  /**
   * EsimProfile:object-path:
   *
   * The D-Bus object path, /org/freedesktop/Esim1/Profile/N.
   */
  props[PROP_OBJECT_PATH] = esim_profile_string_pspec ("object-path", "The D-Bus object path");
  /**
   * EsimProfile:proxy:
   *
   * The D-Bus proxy of org.freedesktop.Esim1.Profile behind this object.
   */
  props[PROP_PROXY] = g_param_spec_object ("proxy", NULL, "The D-Bus proxy", G_TYPE_DBUS_PROXY,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimProfile:euicc-path:
   *
   * The object path of the eUICC holding this profile.
   */
  props[PROP_EUICC_PATH] = esim_profile_string_pspec ("euicc-path", "The eUICC's object path");
  /**
   * EsimProfile:iccid:
   *
   * The ICCID, 18 to 20 digits as printed on a SIM card.
   */
  props[PROP_ICCID] = esim_profile_string_pspec ("iccid", "The ICCID");
  /**
   * EsimProfile:isdp-aid:
   *
   * The AID of the profile's security domain, as hex.
   */
  props[PROP_ISDP_AID] = esim_profile_string_pspec ("isdp-aid", "The ISD-P AID");
  /**
   * EsimProfile:state:
   *
   * "enabled" or "disabled".
   */
  props[PROP_STATE] = esim_profile_string_pspec ("state", "enabled or disabled");
  /**
   * EsimProfile:enabled:
   *
   * Whether #EsimProfile:state is "enabled".
   */
  props[PROP_ENABLED] = g_param_spec_boolean ("enabled", NULL, "Whether it is enabled", FALSE,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimProfile:name:
   *
   * The profile name the operator gave it.
   */
  props[PROP_NAME] = esim_profile_string_pspec ("name", "The profile name");
  /**
   * EsimProfile:service-provider:
   *
   * The operator's name.
   */
  props[PROP_SERVICE_PROVIDER] = esim_profile_string_pspec ("service-provider", "The operator");
  /**
   * EsimProfile:nickname:
   *
   * The user's name for the profile, "" when none.
   */
  props[PROP_NICKNAME] = esim_profile_string_pspec ("nickname", "The user's name for it");
  /**
   * EsimProfile:profile-class:
   *
   * "test", "provisioning" or "operational".
   */
  props[PROP_PROFILE_CLASS] = esim_profile_string_pspec ("profile-class", "The profile class");
  /**
   * EsimProfile:policy-rules:
   *
   * The profile policy rules set: "ppr1", "ppr2", "ppr3".
   */
  props[PROP_POLICY_RULES]
    = g_param_spec_boxed ("policy-rules", NULL, "The policy rules", G_TYPE_STRV,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EsimProfile:operator-id:
   *
   * The owner's MCC and MNC, e.g. "001-01", "" when absent.
   */
  props[PROP_OPERATOR_ID] = esim_profile_string_pspec ("operator-id", "MCC-MNC of the owner");
  /**
   * EsimProfile:icon-type:
   *
   * "png", "jpg", or "" when the profile has no icon.
   */
  props[PROP_ICON_TYPE] = esim_profile_string_pspec ("icon-type", "png, jpg or empty");
  /**
   * EsimProfile:icon:
   *
   * The icon's bytes, %NULL when there is none.
   */
  props[PROP_ICON] = g_param_spec_boxed ("icon", NULL, "The icon", G_TYPE_BYTES,
                                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
esim_profile_init (EsimProfile *self)
{
  g_weak_ref_init (&self->client, NULL);
}

EsimProfile *
esim_profile_new (EsimClient *client, EsimDbusProfile *proxy)
{
  EsimProfile *self = g_object_new (ESIM_TYPE_PROFILE, NULL);

  self->proxy = g_object_ref (proxy);
  g_weak_ref_set (&self->client, client);
  self->notify_id = esim_mirror_connect (G_OBJECT (self), G_OBJECT (proxy), esim_profile_mirrors,
                                         G_N_ELEMENTS (esim_profile_mirrors));
  return self;
}

/**
 * esim_profile_get_object_path:
 * @self: an #EsimProfile
 *
 * Returns: the D-Bus object path
 */
const gchar *
esim_profile_get_object_path (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->proxy));
}

/**
 * esim_profile_get_proxy:
 * @self: an #EsimProfile
 *
 * The D-Bus proxy behind this object, for members this library does not
 * wrap yet.
 *
 * Returns: (transfer none): the org.freedesktop.Esim1.Profile proxy
 */
GDBusProxy *
esim_profile_get_proxy (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return G_DBUS_PROXY (self->proxy);
}

/**
 * esim_profile_get_euicc_path:
 * @self: an #EsimProfile
 *
 * Returns: (nullable): the object path of the profile's eUICC
 */
const gchar *
esim_profile_get_euicc_path (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return esim_dbus_profile_get_euicc (self->proxy);
}

/**
 * esim_profile_get_iccid:
 * @self: an #EsimProfile
 *
 * Returns: (nullable): the ICCID
 */
const gchar *
esim_profile_get_iccid (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return esim_dbus_profile_get_iccid (self->proxy);
}

/**
 * esim_profile_get_isdp_aid:
 * @self: an #EsimProfile
 *
 * Returns: (nullable): the ISD-P AID as hex
 */
const gchar *
esim_profile_get_isdp_aid (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return esim_dbus_profile_get_isdp_aid (self->proxy);
}

/**
 * esim_profile_get_state:
 * @self: an #EsimProfile
 *
 * Returns: (nullable): "enabled" or "disabled"
 */
const gchar *
esim_profile_get_state (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return esim_dbus_profile_get_state (self->proxy);
}

/**
 * esim_profile_get_enabled:
 * @self: an #EsimProfile
 *
 * Returns: whether the profile is the enabled one
 */
gboolean
esim_profile_get_enabled (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), FALSE);
  return g_strcmp0 (esim_dbus_profile_get_state (self->proxy), "enabled") == 0;
}

/**
 * esim_profile_get_name:
 * @self: an #EsimProfile
 *
 * Returns: (nullable): the operator's name of the profile
 */
const gchar *
esim_profile_get_name (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return esim_dbus_profile_get_name (self->proxy);
}

/**
 * esim_profile_get_service_provider:
 * @self: an #EsimProfile
 *
 * Returns: (nullable): the operator's name
 */
const gchar *
esim_profile_get_service_provider (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return esim_dbus_profile_get_service_provider (self->proxy);
}

/**
 * esim_profile_get_nickname:
 * @self: an #EsimProfile
 *
 * Returns: (nullable): the user's name for it, "" when none
 */
const gchar *
esim_profile_get_nickname (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return esim_dbus_profile_get_nickname (self->proxy);
}

/**
 * esim_profile_get_profile_class:
 * @self: an #EsimProfile
 *
 * Returns: (nullable): "test", "provisioning" or "operational"
 */
const gchar *
esim_profile_get_profile_class (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return esim_dbus_profile_get_class (self->proxy);
}

/**
 * esim_profile_get_policy_rules:
 * @self: an #EsimProfile
 *
 * Returns: (nullable) (transfer none) (array zero-terminated=1): the
 *   policy rules set, e.g. "ppr2"
 */
const gchar *const *
esim_profile_get_policy_rules (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return esim_dbus_profile_get_policy_rules (self->proxy);
}

/**
 * esim_profile_get_operator_id:
 * @self: an #EsimProfile
 *
 * Returns: (nullable): "MCC-MNC", "" when absent
 */
const gchar *
esim_profile_get_operator_id (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return esim_dbus_profile_get_operator_id (self->proxy);
}

/**
 * esim_profile_get_icon_type:
 * @self: an #EsimProfile
 *
 * Returns: (nullable): "png", "jpg" or "" without an icon
 */
const gchar *
esim_profile_get_icon_type (EsimProfile *self)
{
  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  return esim_dbus_profile_get_icon_type (self->proxy);
}

/**
 * esim_profile_get_icon:
 * @self: an #EsimProfile
 *
 * Returns: (transfer full) (nullable): the icon's bytes, %NULL without one
 */
GBytes *
esim_profile_get_icon (EsimProfile *self)
{
  GVariant *icon;

  g_return_val_if_fail (ESIM_IS_PROFILE (self), NULL);
  icon = esim_dbus_profile_get_icon (self->proxy);
  if (icon == NULL || !g_variant_is_of_type (icon, G_VARIANT_TYPE_BYTESTRING)
      || g_variant_get_size (icon) == 0)
    return NULL;
  return g_variant_get_data_as_bytes (icon);
}

static void
esim_profile_call (EsimProfile *self, const gchar *method, GVariant *parameters,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data,
                   gpointer tag)
{
  g_autoptr (EsimClient) client = g_weak_ref_get (&self->client);

  esim_call_async (self, client, G_DBUS_PROXY (self->proxy), method, parameters, "()", cancellable,
                   callback, user_data, tag);
}

/**
 * esim_profile_enable_async:
 * @self: an #EsimProfile
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Enables the profile (the one enabled before is disabled), once the modem
 * refreshed the card. Needs org.freedesktop.esim1.manage-profile.
 */
void
esim_profile_enable_async (EsimProfile *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (ESIM_IS_PROFILE (self));
  esim_profile_call (self, "Enable", NULL, cancellable, callback, user_data,
                     esim_profile_enable_async);
}

/**
 * esim_profile_enable_finish:
 * @self: an #EsimProfile
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the profile is enabled
 */
gboolean
esim_profile_enable_finish (EsimProfile *self, GAsyncResult *res, GError **error)
{
  return esim_call_finish_void (self, res, error);
}

/**
 * esim_profile_disable_async:
 * @self: an #EsimProfile
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Disables the profile. Needs org.freedesktop.esim1.manage-profile.
 */
void
esim_profile_disable_async (EsimProfile *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (ESIM_IS_PROFILE (self));
  esim_profile_call (self, "Disable", NULL, cancellable, callback, user_data,
                     esim_profile_disable_async);
}

/**
 * esim_profile_disable_finish:
 * @self: an #EsimProfile
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the profile is disabled
 */
gboolean
esim_profile_disable_finish (EsimProfile *self, GAsyncResult *res, GError **error)
{
  return esim_call_finish_void (self, res, error);
}

/**
 * esim_profile_delete_async:
 * @self: an #EsimProfile
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Deletes the (disabled) profile from the eUICC. Needs
 * org.freedesktop.esim1.delete-profile.
 */
void
esim_profile_delete_async (EsimProfile *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (ESIM_IS_PROFILE (self));
  esim_profile_call (self, "Delete", NULL, cancellable, callback, user_data,
                     esim_profile_delete_async);
}

/**
 * esim_profile_delete_finish:
 * @self: an #EsimProfile
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the profile was deleted
 */
gboolean
esim_profile_delete_finish (EsimProfile *self, GAsyncResult *res, GError **error)
{
  return esim_call_finish_void (self, res, error);
}

/**
 * esim_profile_set_nickname_async:
 * @self: an #EsimProfile
 * @nickname: at most 64 bytes of UTF-8; "" clears it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Names the profile. Needs org.freedesktop.esim1.manage-profile.
 */
void
esim_profile_set_nickname_async (EsimProfile *self, const gchar *nickname,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (ESIM_IS_PROFILE (self));
  g_return_if_fail (nickname != NULL);
  esim_profile_call (self, "SetNickname", g_variant_new ("(s)", nickname), cancellable, callback,
                     user_data, esim_profile_set_nickname_async);
}

/**
 * esim_profile_set_nickname_finish:
 * @self: an #EsimProfile
 * @res: the #GAsyncResult
 * @error: the #EsimError on failure
 *
 * Returns: %TRUE when the nickname was set
 */
gboolean
esim_profile_set_nickname_finish (EsimProfile *self, GAsyncResult *res, GError **error)
{
  return esim_call_finish_void (self, res, error);
}
