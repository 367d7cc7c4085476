/*
 * The card side of ES10b.LoadBoundProfilePackage: the bound profile package
 * arrives as a series of ES10 commands (BF36 header with BF23, A0, the A1
 * header, each 88, A2, the A3 header, each 86), is checked, decrypted and
 * installed, and ends with a signed ProfileInstallationResult that is also
 * kept as a pending install notification.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "esim-rsp-crypto.h"
#include "esim-sim-es10.h"

G_BEGIN_DECLS

/* ErrorReason of a ProfileInstallationResult */
typedef enum {
  ESIM_SIM_BPP_INCORRECT_INPUT_VALUES = 1,
  ESIM_SIM_BPP_INVALID_SIGNATURE = 2,
  ESIM_SIM_BPP_INVALID_TRANSACTION_ID = 3,
  ESIM_SIM_BPP_UNSUPPORTED_CRT_VALUES = 4,
  ESIM_SIM_BPP_UNSUPPORTED_REMOTE_OPERATION_TYPE = 5,
  ESIM_SIM_BPP_UNSUPPORTED_PROFILE_CLASS = 6,
  ESIM_SIM_BPP_SCP03T_STRUCTURE_ERROR = 7,
  ESIM_SIM_BPP_SCP03T_SECURITY_ERROR = 8,
  ESIM_SIM_BPP_ICCID_ALREADY_EXISTS = 9,
  ESIM_SIM_BPP_INSUFFICIENT_MEMORY = 10,
  ESIM_SIM_BPP_INTERRUPTION = 11,
  ESIM_SIM_BPP_PE_PROCESSING_ERROR = 12,
  ESIM_SIM_BPP_ICCID_MISMATCH = 13,
  ESIM_SIM_BPP_PPR_NOT_ALLOWED = 15,
  ESIM_SIM_BPP_UNKNOWN_ERROR = 127,
} EsimSimBppError;

#define ESIM_SIM_BPP_ERROR (esim_sim_bpp_error_quark ())
GQuark esim_sim_bpp_error_quark (void);

/* what the session knows when the package starts */
typedef struct {
  GBytes *transaction_id;
  EsimRspCert *dppb_cert; /* CERT.DPpb.ECDSA */
  EsimRspKey *otk;        /* otSK.EUICC.ECKA */
  const gchar *server_address;
} EsimSimBppSession;

typedef struct _EsimSimBpp EsimSimBpp;

/* the session's fields are referenced, not copied */
EsimSimBpp *esim_sim_bpp_new (EsimSimEs10 *es10, const EsimSimBppSession *session);
void esim_sim_bpp_free (EsimSimBpp *self);

/* whether the command is a piece of the package: a BF36 header or one of
 * A0, A1, 88, A2, A3, 86, which no other ES10 function uses */
gboolean esim_sim_bpp_is_piece (GBytes *command);

/* one ES10 command of the package. FALSE while more is expected (the card
 * answers 9000 without data); TRUE when the package ends, successfully or
 * not, with the signed ProfileInstallationResult in *result (NULL only when
 * signing failed) */
gboolean esim_sim_bpp_feed (EsimSimBpp *self, GBytes *command, GBytes **result);
/* after the end: whether the profile is on the card */
gboolean esim_sim_bpp_installed (EsimSimBpp *self);
/* a reset or lost connection mid-package: when the secure channel was up,
 * keep an installFailedDueToInterruption result as a notification */
void esim_sim_bpp_interrupt (EsimSimBpp *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimSimBpp, esim_sim_bpp_free)

G_END_DECLS
