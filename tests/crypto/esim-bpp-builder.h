/*
 * The SM-DP+ side of a bound profile package (SGP.22 2.5.5, 5.5): binds an
 * unprotected profile package to one eUICC after PrepareDownload. Shared by
 * the test SM-DP+ and the simulated eUICC's tests, with the split into the
 * ES10 commands an LPA sends.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "esim-rsp-crypto.h"

G_BEGIN_DECLS

/* StoreMetadataRequest content; NULL/0/-1 fields are left out */
typedef struct {
  const gchar *iccid;            /* 18-20 digits (the ProfileHeader's, see esim_bpp_upp_iccid) */
  const gchar *service_provider; /* NULL: empty */
  const gchar *name;             /* NULL: empty */
  gint icon_type;                /* 0 jpg, 1 png, -1 no icon */
  GBytes *icon;
  gint profile_class;          /* 0 test, 1 provisioning, 2 operational, -1 left out */
  const gchar *notify_address; /* NULL: no notificationConfigurationInfo */
  guint32 notify_events;       /* NotificationEvent bits (bit 0 install .. 3 delete) */
  const guint8 *owner_mcc_mnc; /* 3 bytes (TS 24.008) or NULL */
  guint32 ppr;                 /* PprIds bits (1 << 1 PPR1, 1 << 2 PPR2), 0 left out */
} EsimBppMetadata;

/* the StoreMetadataRequest TLV (BF25) */
GBytes *esim_bpp_encode_metadata (const EsimBppMetadata *metadata, GError **error);

/* the ICCID digits of an unprotected profile package's ProfileHeader */
gchar *esim_bpp_upp_iccid (GBytes *upp, GError **error);

typedef struct {
  GBytes *transaction_id;
  GBytes *euicc_otpk;            /* otPK.EUICC.ECKA (5F49 of euiccSigned2), 04||X||Y */
  GBytes *signed_otpk;           /* the otPK.EUICC.ECKA smdpSign covers; NULL: euicc_otpk
                                  * (another one makes a wrong smdpSign) */
  GBytes *eid;                   /* 16 bytes */
  EsimRspKey *dppb_key;          /* SK.DPpb.ECDSA */
  EsimRspKey *smdp_otk;          /* otSK.DP.ECKA to reuse (a retry); NULL: a fresh one */
  GBytes *host_id;               /* NULL: "esimd-test-smdp" */
  const gchar *dp_oid;           /* ConfigureISDP dpProprietaryData; NULL: left out */
  GBytes *metadata;              /* StoreMetadataRequest (esim_bpp_encode_metadata) */
  GBytes *upp;                   /* the unprotected profile package */
  gboolean replace_session_keys; /* protect the profile with random PPKs (A2) */
  gsize metadata_segment_size;   /* plaintext per 88; 0: ESIM_BSP_MAX_PLAIN */
  gsize profile_segment_size;    /* plaintext per 86; 0: ESIM_BSP_MAX_PLAIN */
} EsimBppParams;

/* the BoundProfilePackage (BF36). InitialiseSecureChannel's smdpSign covers
 * its other data objects (82, 80, A6, 5F49, as encoded) followed by the
 * eUICC's otPK.EUICC.ECKA as a 5F49 TLV (SGP.22 5.5.1) */
GBytes *esim_bpp_build (const EsimBppParams *params, GError **error);

/* the ES10 commands of LoadBoundProfilePackage, as an LPA cuts the package:
 * BF36 header + BF23, A0, A1 header, each 88, A2 (if any), A3 header, each
 * 86; a GPtrArray of GBytes */
GPtrArray *esim_bpp_builder_split (GBytes *bpp, GError **error);

G_END_DECLS
