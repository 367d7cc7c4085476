/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-es10-error.h"

/* clang-format off */
G_DEFINE_QUARK (esim-es10-error-quark, esim_es10_error)
/* clang-format on */

/* indexed by code; keep in the order of the enum */
static const gchar *const error_nicks[] = {
  [ESIM_ES10_ERROR_UNDEFINED] = "Undefined",
  [ESIM_ES10_ERROR_ICCID_OR_AID_NOT_FOUND] = "IccidOrAidNotFound",
  [ESIM_ES10_ERROR_PROFILE_NOT_IN_DISABLED_STATE] = "ProfileNotInDisabledState",
  [ESIM_ES10_ERROR_PROFILE_NOT_IN_ENABLED_STATE] = "ProfileNotInEnabledState",
  [ESIM_ES10_ERROR_DISALLOWED_BY_POLICY] = "DisallowedByPolicy",
  [ESIM_ES10_ERROR_WRONG_PROFILE_REENABLING] = "WrongProfileReenabling",
  [ESIM_ES10_ERROR_NOTHING_TO_DELETE] = "NothingToDelete",
  [ESIM_ES10_ERROR_INCORRECT_INPUT_VALUES] = "IncorrectInputValues",
  [ESIM_ES10_ERROR_NO_RESULT_AVAILABLE] = "NoResultAvailable",
  [ESIM_ES10_ERROR_INVALID_TRANSACTION_ID] = "InvalidTransactionId",
  [ESIM_ES10_ERROR_ICCID_NOT_FOUND] = "IccidNotFound",
  [ESIM_ES10_ERROR_UNKNOWN_RESULT] = "UnknownResult",
  [ESIM_ES10_ERROR_MALFORMED_RESPONSE] = "MalformedResponse",
  [ESIM_ES10_ERROR_UNEXPECTED_RESPONSE_TAG] = "UnexpectedResponseTag",
  [ESIM_ES10_ERROR_PROTOCOL] = "Protocol",
  [ESIM_ES10_ERROR_RESPONSE_TOO_LARGE] = "ResponseTooLarge",
};

G_STATIC_ASSERT (G_N_ELEMENTS (error_nicks) == ESIM_ES10_ERROR_LAST + 1);

const gchar *
esim_es10_error_to_nick (EsimEs10Error code)
{
  if ((guint) code >= G_N_ELEMENTS (error_nicks))
    return NULL;
  return error_nicks[code];
}
