/*
 * Errors of the LPA operations themselves (the card, the transport and the
 * servers have their own domains).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ESIM_LPA_ERROR (esim_lpa_error_quark ())
GQuark esim_lpa_error_quark (void);

typedef enum {
  ESIM_LPA_ERROR_FAILED,
  ESIM_LPA_ERROR_CONFIRMATION_CODE_REQUIRED, /* the SM-DP+ asks for one, none was given */
  ESIM_LPA_ERROR_SERVER_MISMATCH,            /* the server signed for another address or session */
  ESIM_LPA_ERROR_NO_DEFAULT_SMDP,            /* no activation code and no default SM-DP+ */
  ESIM_LPA_ERROR_NO_ROOT_SMDS,               /* the eUICC names no root SM-DS */
} EsimLpaError;

G_END_DECLS
