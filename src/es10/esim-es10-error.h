/*
 * Errors of the ES10a/b/c client: one code per SGP.22 result an eUICC can
 * answer with, plus the ways a card answer can fail to follow rsp.asn.
 *
 * The codes are stable: the daemon registers them as D-Bus errors named
 * org.freedesktop.Esim1.Error.<nick>, so append new codes at the end only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ESIM_ES10_ERROR (esim_es10_error_quark ())
GQuark esim_es10_error_quark (void);

typedef enum {
  ESIM_ES10_ERROR_UNDEFINED,                     /* undefinedError(127) */
  ESIM_ES10_ERROR_ICCID_OR_AID_NOT_FOUND,        /* iccidOrAidNotFound(1) */
  ESIM_ES10_ERROR_PROFILE_NOT_IN_DISABLED_STATE, /* profileNotInDisabledState(2) */
  ESIM_ES10_ERROR_PROFILE_NOT_IN_ENABLED_STATE,  /* profileNotInEnabledState(2) */
  ESIM_ES10_ERROR_DISALLOWED_BY_POLICY,          /* disallowedByPolicy(3) */
  ESIM_ES10_ERROR_WRONG_PROFILE_REENABLING,      /* wrongProfileReenabling(4) */
  ESIM_ES10_ERROR_NOTHING_TO_DELETE,             /* nothingToDelete(1) */
  ESIM_ES10_ERROR_INCORRECT_INPUT_VALUES,        /* incorrectInputValues(1) */
  ESIM_ES10_ERROR_NO_RESULT_AVAILABLE,           /* noResultAvailable(1) */
  ESIM_ES10_ERROR_INVALID_TRANSACTION_ID,        /* invalidTransactionId(5) */
  ESIM_ES10_ERROR_ICCID_NOT_FOUND,               /* iccidNotFound(1), SetNickname */
  ESIM_ES10_ERROR_UNKNOWN_RESULT,                /* a result code rsp.asn does not name */
  ESIM_ES10_ERROR_MALFORMED_RESPONSE,            /* the answer is not what rsp.asn says */
  ESIM_ES10_ERROR_UNEXPECTED_RESPONSE_TAG,       /* the answer is for another function */
  ESIM_ES10_ERROR_PROTOCOL,                      /* the card broke the STORE DATA rules */
  ESIM_ES10_ERROR_RESPONSE_TOO_LARGE,            /* more GET RESPONSE data than sane */
  ESIM_ES10_ERROR_CAT_BUSY,                      /* catBusy(5), SGP.22 v2.3 and later */
  ESIM_ES10_ERROR_NOT_SUPPORTED,                 /* notSupported(1), LpaeActivation */
  ESIM_ES10_ERROR_INVALID_SIGNATURE,             /* invalidSignature(1), LoadCRL */
  ESIM_ES10_ERROR_INVALID_CRL_FORMAT,            /* invalidCRLFormat(2), LoadCRL */
  ESIM_ES10_ERROR_NOT_ENOUGH_MEMORY,             /* notEnoughMemorySpace(3), LoadCRL */
  ESIM_ES10_ERROR_VERIFICATION_KEY_NOT_FOUND,    /* verificationKeyNotFound(4), LoadCRL */
} EsimEs10Error;

#define ESIM_ES10_ERROR_LAST ESIM_ES10_ERROR_VERIFICATION_KEY_NOT_FOUND

/* CamelCase name of a code, usable as the last element of a D-Bus error
 * name; NULL for a value outside the enum */
const gchar *esim_es10_error_to_nick (EsimEs10Error code);

/* what a non-zero result code of an ES10 function means: its error domain
 * (ESIM_ES10_ERROR, or ESIM_DOWNLOAD_ERROR for AuthenticateServer and
 * PrepareDownload, ESIM_INSTALL_ERROR for a ProfileInstallationResult),
 * code and a message a person can read. tag is the function's response tag
 * (0xBF31 EnableProfile, ...). Every result rsp.asn names has an entry, plus
 * catBusy(5) of later SGP.22 versions; FALSE for a code no version names. */
gboolean esim_es10_result_lookup (guint32 tag, gint64 result, GQuark *domain, gint *code,
                                  const gchar **text);

G_END_DECLS
