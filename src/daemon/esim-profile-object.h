/*
 * One profile on D-Bus, org.freedesktop.Esim1.Profile at
 * /org/freedesktop/Esim1/Profile/N: its properties from the eUICC's
 * ProfileInfo, and Enable, Disable, Delete and SetNickname, each through
 * the eUICC's queue after polkit agreed. (EsimProfileObject, not
 * EsimProfile: EsimProfileClass is the SGP.22 profile class of es10/.)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-euicc.h"
#include "esim-profile-info.h"

G_BEGIN_DECLS

#define ESIM_TYPE_PROFILE_OBJECT (esim_profile_object_get_type ())
G_DECLARE_FINAL_TYPE (EsimProfileObject, esim_profile_object, ESIM, PROFILE_OBJECT, GObject)

/* euicc is not referenced: it owns its profiles */
EsimProfileObject *esim_profile_object_new (EsimEuicc *euicc, const gchar *object_path);

const gchar *esim_profile_object_get_object_path (EsimProfileObject *self);
GDBusObjectSkeleton *esim_profile_object_get_object (EsimProfileObject *self);
const gchar *esim_profile_object_get_iccid (EsimProfileObject *self);

/* sets every property from what the card said */
void esim_profile_object_update (EsimProfileObject *self, const EsimProfileInfo *info);

/* sends the pending PropertiesChanged now */
void esim_profile_object_flush (EsimProfileObject *self);

/* the policy rules as in the PolicyRules property */
GStrv esim_profile_object_policy_rules_to_strv (EsimPprFlags rules);

G_END_DECLS
