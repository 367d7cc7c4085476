/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-profile-info.h"

const gchar *
esim_profile_state_to_string (EsimProfileState state)
{
  switch (state) {
  case ESIM_PROFILE_STATE_DISABLED:
    return "disabled";
  case ESIM_PROFILE_STATE_ENABLED:
    return "enabled";
  case ESIM_PROFILE_STATE_UNKNOWN:
  default:
    return "unknown";
  }
}

const gchar *
esim_profile_class_to_string (EsimProfileClass profile_class)
{
  switch (profile_class) {
  case ESIM_PROFILE_CLASS_TEST:
    return "test";
  case ESIM_PROFILE_CLASS_PROVISIONING:
    return "provisioning";
  case ESIM_PROFILE_CLASS_OPERATIONAL:
    return "operational";
  default:
    return "unknown";
  }
}

static GBytes *
bytes_ref0 (GBytes *bytes)
{
  return bytes != NULL ? g_bytes_ref (bytes) : NULL;
}

/* a deep copy of a GPtrArray of boxed elements */
static GPtrArray *
ptr_array_copy_deep (GPtrArray *array, GCopyFunc copy, GDestroyNotify free_func)
{
  GPtrArray *out = g_ptr_array_new_full (array->len, free_func);

  for (guint i = 0; i < array->len; i++)
    g_ptr_array_add (out, copy (g_ptr_array_index (array, i), NULL));
  return out;
}

/* operator id */

G_DEFINE_BOXED_TYPE (EsimOperatorId, esim_operator_id, esim_operator_id_copy, esim_operator_id_free)

EsimOperatorId *
esim_operator_id_new (void)
{
  return g_new0 (EsimOperatorId, 1);
}

EsimOperatorId *
esim_operator_id_copy (const EsimOperatorId *self)
{
  EsimOperatorId *copy = esim_operator_id_new ();

  copy->mcc = g_strdup (self->mcc);
  copy->mnc = g_strdup (self->mnc);
  copy->gid1 = bytes_ref0 (self->gid1);
  copy->gid2 = bytes_ref0 (self->gid2);
  return copy;
}

void
esim_operator_id_free (EsimOperatorId *self)
{
  if (self == NULL)
    return;
  g_free (self->mcc);
  g_free (self->mnc);
  g_clear_pointer (&self->gid1, g_bytes_unref);
  g_clear_pointer (&self->gid2, g_bytes_unref);
  g_free (self);
}

static gpointer
operator_id_copy_func (gconstpointer src, gpointer user_data)
{
  return esim_operator_id_copy (src);
}

/* notification configuration */

G_DEFINE_BOXED_TYPE (EsimNotificationConfig, esim_notification_config,
                     esim_notification_config_copy, esim_notification_config_free)

EsimNotificationConfig *
esim_notification_config_new (void)
{
  return g_new0 (EsimNotificationConfig, 1);
}

EsimNotificationConfig *
esim_notification_config_copy (const EsimNotificationConfig *self)
{
  EsimNotificationConfig *copy = esim_notification_config_new ();

  copy->events = self->events;
  copy->address = g_strdup (self->address);
  return copy;
}

void
esim_notification_config_free (EsimNotificationConfig *self)
{
  if (self == NULL)
    return;
  g_free (self->address);
  g_free (self);
}

static gpointer
notification_config_copy_func (gconstpointer src, gpointer user_data)
{
  return esim_notification_config_copy (src);
}

/* profile info */

G_DEFINE_BOXED_TYPE (EsimProfileInfo, esim_profile_info, esim_profile_info_copy,
                     esim_profile_info_free)

EsimProfileInfo *
esim_profile_info_new (void)
{
  EsimProfileInfo *self = g_new0 (EsimProfileInfo, 1);

  self->state = ESIM_PROFILE_STATE_UNKNOWN;
  self->icon_type = ESIM_ICON_TYPE_NONE;
  self->profile_class = ESIM_PROFILE_CLASS_OPERATIONAL;
  self->notification_configs
    = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_notification_config_free);
  return self;
}

EsimProfileInfo *
esim_profile_info_copy (const EsimProfileInfo *self)
{
  EsimProfileInfo *copy = g_new0 (EsimProfileInfo, 1);

  copy->iccid = g_strdup (self->iccid);
  copy->isdp_aid = bytes_ref0 (self->isdp_aid);
  copy->state = self->state;
  copy->nickname = g_strdup (self->nickname);
  copy->service_provider = g_strdup (self->service_provider);
  copy->name = g_strdup (self->name);
  copy->icon_type = self->icon_type;
  copy->icon = bytes_ref0 (self->icon);
  copy->profile_class = self->profile_class;
  copy->notification_configs
    = ptr_array_copy_deep (self->notification_configs, notification_config_copy_func,
                           (GDestroyNotify) esim_notification_config_free);
  if (self->owner != NULL)
    copy->owner = esim_operator_id_copy (self->owner);
  copy->dp_proprietary_data = bytes_ref0 (self->dp_proprietary_data);
  copy->policy_rules = self->policy_rules;
  return copy;
}

void
esim_profile_info_free (EsimProfileInfo *self)
{
  if (self == NULL)
    return;
  g_free (self->iccid);
  g_clear_pointer (&self->isdp_aid, g_bytes_unref);
  g_free (self->nickname);
  g_free (self->service_provider);
  g_free (self->name);
  g_clear_pointer (&self->icon, g_bytes_unref);
  g_clear_pointer (&self->notification_configs, g_ptr_array_unref);
  g_clear_pointer (&self->owner, esim_operator_id_free);
  g_clear_pointer (&self->dp_proprietary_data, g_bytes_unref);
  g_free (self);
}

/* rat rule */

G_DEFINE_BOXED_TYPE (EsimRatRule, esim_rat_rule, esim_rat_rule_copy, esim_rat_rule_free)

EsimRatRule *
esim_rat_rule_new (void)
{
  EsimRatRule *self = g_new0 (EsimRatRule, 1);

  self->allowed_operators = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_operator_id_free);
  return self;
}

EsimRatRule *
esim_rat_rule_copy (const EsimRatRule *self)
{
  EsimRatRule *copy = g_new0 (EsimRatRule, 1);

  copy->ppr_ids = self->ppr_ids;
  copy->allowed_operators = ptr_array_copy_deep (self->allowed_operators, operator_id_copy_func,
                                                 (GDestroyNotify) esim_operator_id_free);
  copy->consent_required = self->consent_required;
  return copy;
}

void
esim_rat_rule_free (EsimRatRule *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->allowed_operators, g_ptr_array_unref);
  g_free (self);
}
