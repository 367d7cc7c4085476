/*
 * EsimDiscoveredProfile: a profile an SM-DS says is waiting for an eUICC
 * (esim_euicc_discover_async()), with the activation code to install it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBESIM_H_INSIDE__) && !defined(LIBESIM_COMPILATION)
#error "Only <esim.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ESIM_TYPE_DISCOVERED_PROFILE:
 *
 * The #GType of #EsimDiscoveredProfile.
 */
#define ESIM_TYPE_DISCOVERED_PROFILE (esim_discovered_profile_get_type ())
typedef struct _EsimDiscoveredProfile EsimDiscoveredProfile;
GType esim_discovered_profile_get_type (void) G_GNUC_CONST;
EsimDiscoveredProfile *esim_discovered_profile_copy (const EsimDiscoveredProfile *self);
void esim_discovered_profile_free (EsimDiscoveredProfile *self);
const gchar *esim_discovered_profile_get_smdp_address (const EsimDiscoveredProfile *self);
const gchar *esim_discovered_profile_get_matching_id (const EsimDiscoveredProfile *self);
const gchar *esim_discovered_profile_get_activation_code (const EsimDiscoveredProfile *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimDiscoveredProfile, esim_discovered_profile_free)

G_END_DECLS
