/*
 * What the eUICC says about itself: EUICCInfo1 (BF20), EUICCInfo2 (BF22)
 * and its configured addresses (BF3C).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

#include "esim-profile-info.h"

G_BEGIN_DECLS

/* RspCapability named bits */
typedef enum {
  ESIM_RSP_CAPABILITY_ADDITIONAL_PROFILE = 1 << 0,
  ESIM_RSP_CAPABILITY_CRL_SUPPORT = 1 << 1,
  ESIM_RSP_CAPABILITY_RPM_SUPPORT = 1 << 2,
  ESIM_RSP_CAPABILITY_TEST_PROFILE_SUPPORT = 1 << 3,
} EsimRspCapability;

/* UICCCapability named bits, a few of the 19 spelled out; the rest are
 * bit n = 1 << n as in rsp.asn */
typedef enum {
  ESIM_UICC_CAPABILITY_CONTACTLESS = 1 << 0,
  ESIM_UICC_CAPABILITY_USIM = 1 << 1,
  ESIM_UICC_CAPABILITY_ISIM = 1 << 2,
  ESIM_UICC_CAPABILITY_CSIM = 1 << 3,
  ESIM_UICC_CAPABILITY_AKA_MILENAGE = 1 << 4,
  ESIM_UICC_CAPABILITY_JAVACARD = 1 << 14,
  ESIM_UICC_CAPABILITY_MULTOS = 1 << 15,
} EsimUiccCapability;

typedef enum {
  ESIM_EUICC_CATEGORY_UNKNOWN = -1, /* absent */
  ESIM_EUICC_CATEGORY_OTHER = 0,
  ESIM_EUICC_CATEGORY_BASIC = 1,
  ESIM_EUICC_CATEGORY_MEDIUM = 2,
  ESIM_EUICC_CATEGORY_CONTACTLESS = 3,
} EsimEuiccCategory;

/* versions are "major.minor.revision" from the 3-byte VersionType */
typedef struct {
  GBytes *raw; /* the whole EUICCInfo1 as the card sent it */
  gchar *svn;
  GPtrArray *ci_pkids_for_verification; /* of GBytes, never NULL */
  GPtrArray *ci_pkids_for_signing;      /* of GBytes, never NULL */
} EsimEuiccInfo1;

#define ESIM_TYPE_EUICC_INFO1 (esim_euicc_info1_get_type ())
GType esim_euicc_info1_get_type (void);
EsimEuiccInfo1 *esim_euicc_info1_new (void);
EsimEuiccInfo1 *esim_euicc_info1_copy (const EsimEuiccInfo1 *self);
void esim_euicc_info1_free (EsimEuiccInfo1 *self);

typedef struct {
  GBytes *raw; /* the whole EUICCInfo2 as the card sent it */
  gchar *profile_version;
  gchar *svn;
  gchar *firmware_version;
  GBytes *ext_card_resource; /* as sent; the three fields below decode it */
  guint installed_applications;
  guint64 free_nonvolatile_memory;
  guint64 free_volatile_memory;
  guint32 uicc_capability;              /* EsimUiccCapability bits */
  gchar *javacard_version;              /* NULL when absent */
  gchar *globalplatform_version;        /* NULL when absent */
  guint32 rsp_capability;               /* EsimRspCapability bits */
  GPtrArray *ci_pkids_for_verification; /* of GBytes, never NULL */
  GPtrArray *ci_pkids_for_signing;      /* of GBytes, never NULL */
  EsimEuiccCategory category;
  EsimPprFlags forbidden_profile_policy_rules;
  gchar *pp_version;
  gchar *sas_accreditation_number;
  gchar *platform_label;     /* certificationDataObject, NULL when absent */
  gchar *discovery_base_url; /* certificationDataObject, NULL when absent */
} EsimEuiccInfo2;

#define ESIM_TYPE_EUICC_INFO2 (esim_euicc_info2_get_type ())
GType esim_euicc_info2_get_type (void);
EsimEuiccInfo2 *esim_euicc_info2_new (void);
EsimEuiccInfo2 *esim_euicc_info2_copy (const EsimEuiccInfo2 *self);
void esim_euicc_info2_free (EsimEuiccInfo2 *self);

typedef struct {
  gchar *default_dp_address; /* NULL when none is configured */
  gchar *root_ds_address;
} EsimConfiguredAddresses;

#define ESIM_TYPE_CONFIGURED_ADDRESSES (esim_configured_addresses_get_type ())
GType esim_configured_addresses_get_type (void);
EsimConfiguredAddresses *esim_configured_addresses_new (void);
EsimConfiguredAddresses *esim_configured_addresses_copy (const EsimConfiguredAddresses *self);
void esim_configured_addresses_free (EsimConfiguredAddresses *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimEuiccInfo1, esim_euicc_info1_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimEuiccInfo2, esim_euicc_info2_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimConfiguredAddresses, esim_configured_addresses_free)

G_END_DECLS
