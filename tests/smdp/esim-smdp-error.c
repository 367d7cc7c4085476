/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-smdp-error.h"

/* clang-format off */
G_DEFINE_QUARK (esim-smdp-error-quark, esim_smdp_error)
/* clang-format on */

typedef struct {
  const gchar *subject;
  const gchar *reason;
} EsimSmdpCodes;

/* SGP.22 v2.2 section 5.6 (ES9+) and 5.8 (ES11) status codes; the first two
 * rows are the generic "function" codes (subject 1.2 function provider,
 * reason 2.1 invalid format / 2.2 mandatory element missing), the last two
 * are this server's own choices where SGP.22 names no code */
static const EsimSmdpCodes codes[] = {
  [ESIM_SMDP_ERROR_INVALID_FORMAT] = { "1.2", "2.1" },
  [ESIM_SMDP_ERROR_MISSING_ELEMENT] = { "1.2", "2.2" },
  [ESIM_SMDP_ERROR_UNKNOWN_TRANSACTION] = { "8.10.1", "3.9" },
  [ESIM_SMDP_ERROR_INVALID_ADDRESS] = { "8.8.1", "3.8" },
  [ESIM_SMDP_ERROR_UNSUPPORTED_CI] = { "8.8.2", "3.1" },
  [ESIM_SMDP_ERROR_UNKNOWN_CI] = { "8.11.1", "3.9" },
  [ESIM_SMDP_ERROR_EUM_CERT_INVALID] = { "8.1.2", "6.1" },
  [ESIM_SMDP_ERROR_EUM_CERT_EXPIRED] = { "8.1.2", "6.3" },
  [ESIM_SMDP_ERROR_EUICC_CERT_INVALID] = { "8.1.3", "6.1" },
  [ESIM_SMDP_ERROR_EUICC_CERT_EXPIRED] = { "8.1.3", "6.3" },
  [ESIM_SMDP_ERROR_INVALID_SIGNATURE] = { "8.1", "6.1" },
  [ESIM_SMDP_ERROR_EID_REFUSED] = { "8.1.1", "3.8" },
  [ESIM_SMDP_ERROR_MATCHING_ID_REFUSED] = { "8.2.6", "3.8" },
  [ESIM_SMDP_ERROR_CC_MISSING] = { "8.2.7", "2.2" },
  [ESIM_SMDP_ERROR_CC_REFUSED] = { "8.2.7", "3.8" },
  [ESIM_SMDP_ERROR_CC_RETRIES_EXCEEDED] = { "8.2.7", "6.4" },
  [ESIM_SMDP_ERROR_INVALID_OID] = { "8.8", "3.10" },
  [ESIM_SMDP_ERROR_EUICC_REPORTED] = { "8.1", "4.2" },
  [ESIM_SMDP_ERROR_INTERNAL] = { "1.2", "4.2" },
};

void
esim_smdp_error_get_codes (EsimSmdpError code, const gchar **subject_code,
                           const gchar **reason_code)
{
  if ((guint) code >= G_N_ELEMENTS (codes))
    code = ESIM_SMDP_ERROR_INTERNAL;
  *subject_code = codes[code].subject;
  *reason_code = codes[code].reason;
}
