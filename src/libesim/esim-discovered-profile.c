/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "esim-private.h"

struct _EsimDiscoveredProfile {
  gchar *smdp_address;
  gchar *matching_id;
  gchar *activation_code;
};

/**
 * esim_discovered_profile_copy:
 * @self: an #EsimDiscoveredProfile
 *
 * Returns: (transfer full): a copy
 */
EsimDiscoveredProfile *
esim_discovered_profile_copy (const EsimDiscoveredProfile *self)
{
  EsimDiscoveredProfile *copy = g_new0 (EsimDiscoveredProfile, 1);

  copy->smdp_address = g_strdup (self->smdp_address);
  copy->matching_id = g_strdup (self->matching_id);
  copy->activation_code = g_strdup (self->activation_code);
  return copy;
}

/**
 * esim_discovered_profile_free:
 * @self: (transfer full): an #EsimDiscoveredProfile
 *
 * Frees @self.
 */
void
esim_discovered_profile_free (EsimDiscoveredProfile *self)
{
  g_free (self->smdp_address);
  g_free (self->matching_id);
  g_free (self->activation_code);
  g_free (self);
}

/**
 * EsimDiscoveredProfile:
 *
 * A profile an SM-DS knows waits for an eUICC, from
 * esim_euicc_discover_async().
 */
G_DEFINE_BOXED_TYPE (EsimDiscoveredProfile, esim_discovered_profile, esim_discovered_profile_copy,
                     esim_discovered_profile_free)

/**
 * esim_discovered_profile_get_smdp_address:
 * @self: an #EsimDiscoveredProfile
 *
 * Returns: the SM-DP+ that holds the profile
 */
const gchar *
esim_discovered_profile_get_smdp_address (const EsimDiscoveredProfile *self)
{
  return self->smdp_address;
}

/**
 * esim_discovered_profile_get_matching_id:
 * @self: an #EsimDiscoveredProfile
 *
 * Returns: the matching ID (personal data: do not log it)
 */
const gchar *
esim_discovered_profile_get_matching_id (const EsimDiscoveredProfile *self)
{
  return self->matching_id;
}

/**
 * esim_discovered_profile_get_activation_code:
 * @self: an #EsimDiscoveredProfile
 *
 * Returns: the activation code, ready for esim_euicc_install_profile_async()
 */
const gchar *
esim_discovered_profile_get_activation_code (const EsimDiscoveredProfile *self)
{
  return self->activation_code;
}

EsimDiscoveredProfile *
esim_discovered_profile_new (const gchar *smdp_address, const gchar *matching_id,
                             const gchar *activation_code)
{
  EsimDiscoveredProfile *self = g_new0 (EsimDiscoveredProfile, 1);

  self->smdp_address = g_strdup (smdp_address);
  self->matching_id = g_strdup (matching_id);
  self->activation_code = g_strdup (activation_code);
  return self;
}
