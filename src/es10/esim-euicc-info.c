/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-euicc-info.h"

static gpointer
bytes_copy_func (gconstpointer src, gpointer user_data)
{
  return g_bytes_ref ((GBytes *) src);
}

static GPtrArray *
bytes_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static GPtrArray *
bytes_array_copy (GPtrArray *array)
{
  GPtrArray *copy = g_ptr_array_copy (array, bytes_copy_func, NULL);

  g_ptr_array_set_free_func (copy, (GDestroyNotify) g_bytes_unref);
  return copy;
}

/* info1 */

G_DEFINE_BOXED_TYPE (EsimEuiccInfo1, esim_euicc_info1, esim_euicc_info1_copy, esim_euicc_info1_free)

EsimEuiccInfo1 *
esim_euicc_info1_new (void)
{
  EsimEuiccInfo1 *self = g_new0 (EsimEuiccInfo1, 1);

  self->ci_pkids_for_verification = bytes_array_new ();
  self->ci_pkids_for_signing = bytes_array_new ();
  return self;
}

EsimEuiccInfo1 *
esim_euicc_info1_copy (const EsimEuiccInfo1 *self)
{
  EsimEuiccInfo1 *copy = g_new0 (EsimEuiccInfo1, 1);

  copy->raw = self->raw != NULL ? g_bytes_ref (self->raw) : NULL;
  copy->svn = g_strdup (self->svn);
  copy->ci_pkids_for_verification = bytes_array_copy (self->ci_pkids_for_verification);
  copy->ci_pkids_for_signing = bytes_array_copy (self->ci_pkids_for_signing);
  return copy;
}

void
esim_euicc_info1_free (EsimEuiccInfo1 *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->raw, g_bytes_unref);
  g_free (self->svn);
  g_clear_pointer (&self->ci_pkids_for_verification, g_ptr_array_unref);
  g_clear_pointer (&self->ci_pkids_for_signing, g_ptr_array_unref);
  g_free (self);
}

/* info2 */

G_DEFINE_BOXED_TYPE (EsimEuiccInfo2, esim_euicc_info2, esim_euicc_info2_copy, esim_euicc_info2_free)

EsimEuiccInfo2 *
esim_euicc_info2_new (void)
{
  EsimEuiccInfo2 *self = g_new0 (EsimEuiccInfo2, 1);

  self->ci_pkids_for_verification = bytes_array_new ();
  self->ci_pkids_for_signing = bytes_array_new ();
  self->category = ESIM_EUICC_CATEGORY_UNKNOWN;
  return self;
}

EsimEuiccInfo2 *
esim_euicc_info2_copy (const EsimEuiccInfo2 *self)
{
  EsimEuiccInfo2 *copy = g_new0 (EsimEuiccInfo2, 1);

  *copy = *self;
  copy->raw = self->raw != NULL ? g_bytes_ref (self->raw) : NULL;
  copy->profile_version = g_strdup (self->profile_version);
  copy->svn = g_strdup (self->svn);
  copy->firmware_version = g_strdup (self->firmware_version);
  copy->ext_card_resource
    = self->ext_card_resource != NULL ? g_bytes_ref (self->ext_card_resource) : NULL;
  copy->javacard_version = g_strdup (self->javacard_version);
  copy->globalplatform_version = g_strdup (self->globalplatform_version);
  copy->ci_pkids_for_verification = bytes_array_copy (self->ci_pkids_for_verification);
  copy->ci_pkids_for_signing = bytes_array_copy (self->ci_pkids_for_signing);
  copy->pp_version = g_strdup (self->pp_version);
  copy->sas_accreditation_number = g_strdup (self->sas_accreditation_number);
  copy->platform_label = g_strdup (self->platform_label);
  copy->discovery_base_url = g_strdup (self->discovery_base_url);
  return copy;
}

void
esim_euicc_info2_free (EsimEuiccInfo2 *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->raw, g_bytes_unref);
  g_free (self->profile_version);
  g_free (self->svn);
  g_free (self->firmware_version);
  g_clear_pointer (&self->ext_card_resource, g_bytes_unref);
  g_free (self->javacard_version);
  g_free (self->globalplatform_version);
  g_clear_pointer (&self->ci_pkids_for_verification, g_ptr_array_unref);
  g_clear_pointer (&self->ci_pkids_for_signing, g_ptr_array_unref);
  g_free (self->pp_version);
  g_free (self->sas_accreditation_number);
  g_free (self->platform_label);
  g_free (self->discovery_base_url);
  g_free (self);
}

/* configured addresses */

G_DEFINE_BOXED_TYPE (EsimConfiguredAddresses, esim_configured_addresses,
                     esim_configured_addresses_copy, esim_configured_addresses_free)

EsimConfiguredAddresses *
esim_configured_addresses_new (void)
{
  return g_new0 (EsimConfiguredAddresses, 1);
}

EsimConfiguredAddresses *
esim_configured_addresses_copy (const EsimConfiguredAddresses *self)
{
  EsimConfiguredAddresses *copy = esim_configured_addresses_new ();

  copy->default_dp_address = g_strdup (self->default_dp_address);
  copy->root_ds_address = g_strdup (self->root_ds_address);
  return copy;
}

void
esim_configured_addresses_free (EsimConfiguredAddresses *self)
{
  if (self == NULL)
    return;
  g_free (self->default_dp_address);
  g_free (self->root_ds_address);
  g_free (self);
}
