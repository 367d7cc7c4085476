/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-es10-download.h"
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
  [ESIM_ES10_ERROR_CAT_BUSY] = "CatBusy",
  [ESIM_ES10_ERROR_NOT_SUPPORTED] = "NotSupported",
  [ESIM_ES10_ERROR_INVALID_SIGNATURE] = "InvalidSignature",
  [ESIM_ES10_ERROR_INVALID_CRL_FORMAT] = "InvalidCrlFormat",
  [ESIM_ES10_ERROR_NOT_ENOUGH_MEMORY] = "NotEnoughMemory",
  [ESIM_ES10_ERROR_VERIFICATION_KEY_NOT_FOUND] = "VerificationKeyNotFound",
};

G_STATIC_ASSERT (G_N_ELEMENTS (error_nicks) == ESIM_ES10_ERROR_LAST + 1);

const gchar *
esim_es10_error_to_nick (EsimEs10Error code)
{
  if ((guint) code >= G_N_ELEMENTS (error_nicks))
    return NULL;
  return error_nicks[code];
}

/* the result codes of every ES10 function in rsp.asn (SGP.22 v2.2), with
 * catBusy(5) from v2.3 on (EnableProfile, DisableProfile) and v3 on
 * (EuiccMemoryReset); tests/es10/test-es10-results.c checks the table
 * against rsp.asn */
typedef enum {
  DOMAIN_ES10,
  DOMAIN_DOWNLOAD,
  DOMAIN_INSTALL,
} ResultDomain;

typedef struct {
  guint32 tag;
  gint64 result;
  ResultDomain domain;
  gint code;
  const gchar *text;
} ResultEntry;

#define ES10(tag, result, code, text)                                                              \
  {                                                                                                \
    tag, result, DOMAIN_ES10, ESIM_ES10_ERROR_##code, text                                         \
  }
#define DL(tag, result, code, text)                                                                \
  {                                                                                                \
    tag, result, DOMAIN_DOWNLOAD, ESIM_DOWNLOAD_ERROR_##code, text                                 \
  }
#define INST(result, code, text)                                                                   \
  {                                                                                                \
    0xBF37, result, DOMAIN_INSTALL, ESIM_INSTALL_ERROR_##code, text                                \
  }
#define UNDEFINED(tag) ES10 (tag, 127, UNDEFINED, "undefined error")

static const ResultEntry results[] = {
  /* ES10a */
  UNDEFINED (0xBF3F), /* SetDefaultDpAddress */
  /* ES10b: the download */
  DL (0xBF38, 1, INVALID_CERTIFICATE, "the server certificate is invalid"),
  DL (0xBF38, 2, INVALID_SIGNATURE, "the server signature is invalid"),
  DL (0xBF38, 3, UNSUPPORTED_CURVE, "the curve is not supported"),
  DL (0xBF38, 4, NO_SESSION_CONTEXT, "no session context"),
  DL (0xBF38, 5, INVALID_OID, "invalid OID"),
  DL (0xBF38, 6, CHALLENGE_MISMATCH, "eUICC challenge mismatch"),
  DL (0xBF38, 7, CI_PK_UNKNOWN, "the CI public key is unknown"),
  DL (0xBF38, 127, UNDEFINED, "the eUICC refused the server (undefined error)"),
  DL (0xBF21, 1, INVALID_CERTIFICATE, "the SM-DP+ certificate is invalid"),
  DL (0xBF21, 2, INVALID_SIGNATURE, "the SM-DP+ signature is invalid"),
  DL (0xBF21, 3, UNSUPPORTED_CURVE, "the curve is not supported"),
  DL (0xBF21, 4, NO_SESSION_CONTEXT, "no session context"),
  DL (0xBF21, 5, INVALID_TRANSACTION_ID, "invalid transaction ID"),
  DL (0xBF21, 127, UNDEFINED, "the eUICC refused to prepare the download (undefined error)"),
  INST (1, INCORRECT_INPUT_VALUES, "incorrect input values"),
  INST (2, INVALID_SIGNATURE, "invalid signature"),
  INST (3, INVALID_TRANSACTION_ID, "invalid transaction ID"),
  INST (4, UNSUPPORTED_CRT_VALUES, "unsupported key agreement parameters"),
  INST (5, UNSUPPORTED_REMOTE_OPERATION_TYPE, "unsupported remote operation"),
  INST (6, UNSUPPORTED_PROFILE_CLASS, "unsupported profile class"),
  INST (7, SCP03T_STRUCTURE_ERROR, "malformed protected package (SCP03t structure)"),
  INST (8, SCP03T_SECURITY_ERROR, "package failed its integrity check (SCP03t security)"),
  INST (9, ICCID_ALREADY_EXISTS, "a profile with this ICCID is already on the eUICC"),
  INST (10, INSUFFICIENT_MEMORY, "not enough memory on the eUICC for this profile"),
  INST (11, INTERRUPTED, "installation interrupted"),
  INST (12, PE_PROCESSING_ERROR, "profile element processing error"),
  INST (13, ICCID_MISMATCH, "the package's ICCID does not match its metadata"),
  INST (14, TEST_PROFILE_INVALID_NAA_KEY, "test profile with an invalid NAA key"),
  INST (15, PPR_NOT_ALLOWED, "the profile's policy rules are not allowed on this eUICC"),
  INST (127, UNKNOWN, "unknown installation error"),
  ES10 (0xBF41, 5, INVALID_TRANSACTION_ID, "invalid transaction id"),
  UNDEFINED (0xBF41), /* CancelSession */
  ES10 (0xBF35, 1, INVALID_SIGNATURE, "the CRL signature is invalid"),
  ES10 (0xBF35, 2, INVALID_CRL_FORMAT, "the CRL is malformed"),
  ES10 (0xBF35, 3, NOT_ENOUGH_MEMORY, "not enough memory on the eUICC for the CRL"),
  ES10 (0xBF35, 4, VERIFICATION_KEY_NOT_FOUND, "the eUICC lacks the key to verify the CRL"),
  UNDEFINED (0xBF35), /* LoadCRL */
  UNDEFINED (0xBF28), /* ListNotification */
  ES10 (0xBF2B, 1, NO_RESULT_AVAILABLE, "no result available"),
  UNDEFINED (0xBF2B), /* RetrieveNotificationsList */
  ES10 (0xBF30, 1, NOTHING_TO_DELETE, "nothing to delete"),
  UNDEFINED (0xBF30), /* NotificationSent (RemoveNotificationFromList) */
  /* ES10c: profiles */
  ES10 (0xBF2D, 1, INCORRECT_INPUT_VALUES, "incorrect input values"),
  UNDEFINED (0xBF2D), /* GetProfilesInfo */
  ES10 (0xBF31, 1, ICCID_OR_AID_NOT_FOUND, "ICCID or AID not found"),
  ES10 (0xBF31, 2, PROFILE_NOT_IN_DISABLED_STATE, "profile not in disabled state"),
  ES10 (0xBF31, 3, DISALLOWED_BY_POLICY, "disallowed by policy"),
  ES10 (0xBF31, 4, WRONG_PROFILE_REENABLING, "wrong profile reenabling"),
  ES10 (0xBF31, 5, CAT_BUSY, "the eUICC is busy with a SIM Toolkit session (cat busy), try again"),
  UNDEFINED (0xBF31), /* EnableProfile */
  ES10 (0xBF32, 1, ICCID_OR_AID_NOT_FOUND, "ICCID or AID not found"),
  ES10 (0xBF32, 2, PROFILE_NOT_IN_ENABLED_STATE, "profile not in enabled state"),
  ES10 (0xBF32, 3, DISALLOWED_BY_POLICY, "disallowed by policy"),
  ES10 (0xBF32, 5, CAT_BUSY, "the eUICC is busy with a SIM Toolkit session (cat busy), try again"),
  UNDEFINED (0xBF32), /* DisableProfile */
  ES10 (0xBF33, 1, ICCID_OR_AID_NOT_FOUND, "ICCID or AID not found"),
  ES10 (0xBF33, 2, PROFILE_NOT_IN_DISABLED_STATE, "profile not in disabled state"),
  ES10 (0xBF33, 3, DISALLOWED_BY_POLICY, "disallowed by policy"),
  UNDEFINED (0xBF33), /* DeleteProfile */
  ES10 (0xBF34, 1, NOTHING_TO_DELETE, "nothing to delete"),
  ES10 (0xBF34, 5, CAT_BUSY, "the eUICC is busy with a SIM Toolkit session (cat busy), try again"),
  UNDEFINED (0xBF34), /* EuiccMemoryReset */
  ES10 (0xBF29, 1, ICCID_NOT_FOUND, "ICCID not found"),
  UNDEFINED (0xBF29), /* SetNickname */
  ES10 (0xBF42, 1, NOT_SUPPORTED, "the eUICC has no LPA of its own"),
};

gboolean
esim_es10_result_lookup (guint32 tag, gint64 result, GQuark *domain, gint *code, const gchar **text)
{
  for (guint i = 0; i < G_N_ELEMENTS (results); i++) {
    if (results[i].tag != tag || results[i].result != result)
      continue;
    if (domain != NULL) {
      switch (results[i].domain) {
      case DOMAIN_DOWNLOAD:
        *domain = ESIM_DOWNLOAD_ERROR;
        break;
      case DOMAIN_INSTALL:
        *domain = ESIM_INSTALL_ERROR;
        break;
      case DOMAIN_ES10:
      default:
        *domain = ESIM_ES10_ERROR;
        break;
      }
    }
    if (code != NULL)
      *code = results[i].code;
    if (text != NULL)
      *text = results[i].text;
    return TRUE;
  }
  return FALSE;
}
