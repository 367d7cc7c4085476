/*
 * Building the SGP.22 bound profile package (BF36) of the test SM-DP+: the
 * key agreement with the eUICC's one-time key, the session keys, and the
 * BSP-protected segments of the metadata and the profile package.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "esim-rsp-crypto.h"

G_BEGIN_DECLS

typedef struct {
  GBytes *txid;               /* the transaction id bytes */
  GBytes *euicc_otpk;         /* otPK.EUICC.ECKA, 04||X||Y */
  GBytes *eid;                /* 16 bytes */
  GBytes *metadata;           /* StoreMetadataRequest BF25 */
  GBytes *upp;                /* the unprotected profile package */
  EsimRspKey *pb_key;         /* SK.DPpb.ECDSA */
  gboolean corrupt_signature; /* fault injection: a wrong smdpSign */
} EsimSmdpBppParams;

GBytes *esim_smdp_bpp_build (const EsimSmdpBppParams *params, GError **error);

G_END_DECLS
