/*
 * ISO/IEC 7816-4 command and response APDUs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ESIM_APDU_ERROR (esim_apdu_error_quark ())
GQuark esim_apdu_error_quark (void);

/* one code per status word the eUICC may answer with; the message always
 * carries the status word in hex */
typedef enum {
  ESIM_APDU_ERROR_UNKNOWN_STATUS,            /* any other SW */
  ESIM_APDU_ERROR_MALFORMED,                 /* a response shorter than SW1 SW2 */
  ESIM_APDU_ERROR_MEMORY_FAILURE,            /* 6581 */
  ESIM_APDU_ERROR_WRONG_LENGTH,              /* 6700 */
  ESIM_APDU_ERROR_CHANNEL_NOT_SUPPORTED,     /* 6881 */
  ESIM_APDU_ERROR_SECURE_MESSAGING,          /* 6882 */
  ESIM_APDU_ERROR_SECURITY_STATUS,           /* 6982 */
  ESIM_APDU_ERROR_CONDITIONS_NOT_SATISFIED,  /* 6985 */
  ESIM_APDU_ERROR_COMMAND_NOT_ALLOWED,       /* 6986 */
  ESIM_APDU_ERROR_INCORRECT_DATA,            /* 6A80 */
  ESIM_APDU_ERROR_FUNCTION_NOT_SUPPORTED,    /* 6A81 */
  ESIM_APDU_ERROR_NOT_FOUND,                 /* 6A82: application or file not found */
  ESIM_APDU_ERROR_NOT_ENOUGH_MEMORY,         /* 6A84 */
  ESIM_APDU_ERROR_INCORRECT_P1P2,            /* 6A86, 6B00 */
  ESIM_APDU_ERROR_REFERENCED_DATA_NOT_FOUND, /* 6A88 */
  ESIM_APDU_ERROR_INS_NOT_SUPPORTED,         /* 6D00 */
  ESIM_APDU_ERROR_CLA_NOT_SUPPORTED,         /* 6E00 */
  ESIM_APDU_ERROR_NO_PRECISE_DIAGNOSIS,      /* 6F00 */
  ESIM_APDU_ERROR_NO_CHANNEL_AVAILABLE,      /* 6A81 on MANAGE CHANNEL open */
} EsimApduError;

#define ESIM_APDU_SW_OK 0x9000

#define ESIM_APDU_INS_MANAGE_CHANNEL 0x70
#define ESIM_APDU_INS_SELECT 0xA4
#define ESIM_APDU_INS_GET_RESPONSE 0xC0
#define ESIM_APDU_INS_STORE_DATA 0xE2

/* short APDU; lc at most 255; le -1 for none, 0..256 otherwise (256 coded 00) */
GBytes *esim_apdu_encode (guint8 cla, guint8 ins, guint8 p1, guint8 p2, const guint8 *data,
                          gsize lc, gint le);

/* the CLA byte for a logical channel: 0..3 in b1-b2, 4..19 in the
 * further interindustry form; base is 0x00 or 0x80 */
guint8 esim_apdu_cla_for_channel (guint8 base, guint channel);
/* the channel number a CLA byte addresses */
guint esim_apdu_channel_from_cla (guint8 cla);

/* split a response into data and status word */
gboolean esim_apdu_parse_response (GBytes *rapdu, GBytes **data, guint16 *sw, GError **error);

/* TRUE for 9000 (and 91xx/92xx proactive variants); a specific error otherwise */
gboolean esim_apdu_check_sw (guint16 sw, GError **error);

G_END_DECLS
