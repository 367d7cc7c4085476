/*
 * What GetProfilesInfo tells about one profile (ProfileInfo, tag E3), the
 * operator identification it uses, and the rules of the eUICC's Rules
 * Authorisation Table (GetRAT).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

#include "esim-notification.h"

G_BEGIN_DECLS

typedef enum {
  ESIM_PROFILE_STATE_UNKNOWN = -1, /* not asked for in the tag list */
  ESIM_PROFILE_STATE_DISABLED = 0,
  ESIM_PROFILE_STATE_ENABLED = 1,
} EsimProfileState;

typedef enum {
  ESIM_PROFILE_CLASS_TEST = 0,
  ESIM_PROFILE_CLASS_PROVISIONING = 1,
  ESIM_PROFILE_CLASS_OPERATIONAL = 2,
} EsimProfileClass;

typedef enum {
  ESIM_ICON_TYPE_NONE = -1,
  ESIM_ICON_TYPE_JPG = 0,
  ESIM_ICON_TYPE_PNG = 1,
} EsimIconType;

/* PprIds named bits */
typedef enum {
  ESIM_PPR_NONE = 0,
  ESIM_PPR_UPDATE_CONTROL = 1 << 0,
  ESIM_PPR1 = 1 << 1, /* disabling not allowed */
  ESIM_PPR2 = 1 << 2, /* deletion not allowed */
  ESIM_PPR3 = 1 << 3, /* deletion required after disabling */
} EsimPprFlags;

#define ESIM_PPR_N_BITS 4

const gchar *esim_profile_state_to_string (EsimProfileState state);
const gchar *esim_profile_class_to_string (EsimProfileClass profile_class);

/* OperatorID */
typedef struct {
  gchar *mcc;
  gchar *mnc;   /* two or three digits */
  GBytes *gid1; /* NULL when absent */
  GBytes *gid2; /* NULL when absent */
} EsimOperatorId;

#define ESIM_TYPE_OPERATOR_ID (esim_operator_id_get_type ())
GType esim_operator_id_get_type (void);
EsimOperatorId *esim_operator_id_new (void);
EsimOperatorId *esim_operator_id_copy (const EsimOperatorId *self);
void esim_operator_id_free (EsimOperatorId *self);

/* NotificationConfigurationInformation */
typedef struct {
  EsimNotificationEvent events;
  gchar *address;
} EsimNotificationConfig;

#define ESIM_TYPE_NOTIFICATION_CONFIG (esim_notification_config_get_type ())
GType esim_notification_config_get_type (void);
EsimNotificationConfig *esim_notification_config_new (void);
EsimNotificationConfig *esim_notification_config_copy (const EsimNotificationConfig *self);
void esim_notification_config_free (EsimNotificationConfig *self);

/* ProfileInfo; every element is optional on the wire (a tag list may ask
 * for a few), absent ones are NULL, UNKNOWN or NONE */
typedef struct {
  gchar *iccid;
  GBytes *isdp_aid;
  EsimProfileState state;
  gchar *nickname;
  gchar *service_provider;
  gchar *name;
  EsimIconType icon_type;
  GBytes *icon;
  EsimProfileClass profile_class;  /* operational when absent (DEFAULT) */
  GPtrArray *notification_configs; /* of EsimNotificationConfig, never NULL */
  EsimOperatorId *owner;
  GBytes *dp_proprietary_data; /* the whole B8 TLV as the card sent it */
  EsimPprFlags policy_rules;
} EsimProfileInfo;

#define ESIM_TYPE_PROFILE_INFO (esim_profile_info_get_type ())
GType esim_profile_info_get_type (void);
EsimProfileInfo *esim_profile_info_new (void);
EsimProfileInfo *esim_profile_info_copy (const EsimProfileInfo *self);
void esim_profile_info_free (EsimProfileInfo *self);

/* ProfilePolicyAuthorisationRule */
typedef struct {
  EsimPprFlags ppr_ids;
  GPtrArray *allowed_operators; /* of EsimOperatorId, never NULL */
  gboolean consent_required;    /* pprFlags bit 0 */
} EsimRatRule;

#define ESIM_TYPE_RAT_RULE (esim_rat_rule_get_type ())
GType esim_rat_rule_get_type (void);
EsimRatRule *esim_rat_rule_new (void);
EsimRatRule *esim_rat_rule_copy (const EsimRatRule *self);
void esim_rat_rule_free (EsimRatRule *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimOperatorId, esim_operator_id_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimNotificationConfig, esim_notification_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimProfileInfo, esim_profile_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimRatRule, esim_rat_rule_free)

G_END_DECLS
