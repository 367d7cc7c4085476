/*
 * The errors of the test SM-DP+/SM-DS and their SGP.22 status codes: every
 * failed ES9+/ES11 function answers a subjectCode/reasonCode pair taken
 * from the table in esim-smdp-error.c (documented in README.md).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ESIM_SMDP_ERROR (esim_smdp_error_quark ())
GQuark esim_smdp_error_quark (void);

typedef enum {
  ESIM_SMDP_ERROR_INVALID_FORMAT,      /* malformed JSON, base64 or ASN.1 */
  ESIM_SMDP_ERROR_MISSING_ELEMENT,     /* a mandatory JSON member is absent */
  ESIM_SMDP_ERROR_UNKNOWN_TRANSACTION, /* no such (live) transactionId */
  ESIM_SMDP_ERROR_INVALID_ADDRESS,     /* smdpAddress is not this server */
  ESIM_SMDP_ERROR_UNSUPPORTED_CI,      /* no common CI public key id */
  ESIM_SMDP_ERROR_UNKNOWN_CI,          /* CERT.EUM from an unknown CI */
  ESIM_SMDP_ERROR_EUM_CERT_INVALID,
  ESIM_SMDP_ERROR_EUM_CERT_EXPIRED,
  ESIM_SMDP_ERROR_EUICC_CERT_INVALID,
  ESIM_SMDP_ERROR_EUICC_CERT_EXPIRED,
  ESIM_SMDP_ERROR_INVALID_SIGNATURE,   /* eUICC signature or challenge */
  ESIM_SMDP_ERROR_EID_REFUSED,         /* the order is bound to another EID */
  ESIM_SMDP_ERROR_MATCHING_ID_REFUSED, /* unknown, in use, consumed or blocked */
  ESIM_SMDP_ERROR_CC_MISSING,
  ESIM_SMDP_ERROR_CC_REFUSED,
  ESIM_SMDP_ERROR_CC_RETRIES_EXCEEDED,
  ESIM_SMDP_ERROR_INVALID_OID,    /* cancelSession smdpOid is not ours */
  ESIM_SMDP_ERROR_EUICC_REPORTED, /* the eUICC answered its error branch */
  ESIM_SMDP_ERROR_INTERNAL,       /* should not happen: a server-side failure */
} EsimSmdpError;

/* the SGP.22 subjectCode and reasonCode strings of an ESIM_SMDP_ERROR */
void esim_smdp_error_get_codes (EsimSmdpError code, const gchar **subject_code,
                                const gchar **reason_code);

G_END_DECLS
