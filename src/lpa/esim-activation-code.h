/*
 * SGP.22 activation codes, as printed in QR codes:
 *   [LPA:]1$<SM-DP+ address>$<matching ID>[$<SM-DP+ OID>[$<confirmation code required flag>]]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ESIM_ACTIVATION_CODE_ERROR (esim_activation_code_error_quark ())
GQuark esim_activation_code_error_quark (void);

typedef enum {
  ESIM_ACTIVATION_CODE_ERROR_EMPTY,             /* nothing to parse */
  ESIM_ACTIVATION_CODE_ERROR_TOO_LONG,          /* longer than any real code */
  ESIM_ACTIVATION_CODE_ERROR_FORMAT,            /* AC_Format is not 1 */
  ESIM_ACTIVATION_CODE_ERROR_FIELDS,            /* too few or too many '$' fields */
  ESIM_ACTIVATION_CODE_ERROR_ADDRESS,           /* SM-DP+ address is not a host name */
  ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID,       /* control characters, '$', too long */
  ESIM_ACTIVATION_CODE_ERROR_OID,               /* SM-DP+ OID is not dotted decimal */
  ESIM_ACTIVATION_CODE_ERROR_CONFIRMATION_FLAG, /* flag other than 0 or 1 */
} EsimActivationCodeError;

#define ESIM_ACTIVATION_CODE_MAX_LENGTH 512
#define ESIM_MATCHING_ID_MAX_LENGTH 255

typedef struct {
  gchar *smdp_address; /* host name or address, optionally :port */
  gchar *matching_id;  /* may be empty, never NULL */
  gchar *smdp_oid;     /* NULL when absent */
  gboolean confirmation_code_required;
} EsimActivationCode;

#define ESIM_TYPE_ACTIVATION_CODE (esim_activation_code_get_type ())
GType esim_activation_code_get_type (void);

EsimActivationCode *esim_activation_code_parse (const gchar *text, GError **error);
EsimActivationCode *esim_activation_code_copy (const EsimActivationCode *self);
void esim_activation_code_free (EsimActivationCode *self);
/* the canonical form, with the LPA: prefix */
gchar *esim_activation_code_to_string (const EsimActivationCode *self);

/* a matching ID as an activation code can carry it: at most 255 bytes of
 * UTF-8 without control characters, '$' or white space at either end; the
 * spec's 0-9 A-Z '-' and the lower-case and other characters real codes
 * contain are all accepted */
gboolean esim_matching_id_validate (const gchar *id, GError **error);
/* an SM-DS event ID, taken as the SM-DS gave it: non-empty, at most 255
 * bytes of UTF-8 without control characters */
gboolean esim_event_id_validate (const gchar *id, GError **error);

/* a host name, IPv4 or bracketed IPv6 literal, with an optional :port */
gboolean esim_smdp_address_validate (const gchar *address, GError **error);

/* SGP.22: SHA-256 (SHA-256 (confirmation code) || transaction ID) */
GBytes *esim_confirmation_code_hash (const gchar *confirmation_code, GBytes *transaction_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimActivationCode, esim_activation_code_free)

G_END_DECLS
