/*
 * Identifier codecs: the ICCID as digits and as EF.ICCID (ETSI TS 102 221:
 * BCD with swapped nibbles, 'F' padding), the EID as hex, and the MCC/MNC
 * of 3GPP TS 24.008.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ESIM_ICCID_ERROR (esim_iccid_error_quark ())
GQuark esim_iccid_error_quark (void);

typedef enum {
  ESIM_ICCID_ERROR_INVALID_LENGTH,    /* not 18..20 digits, or not 10 bytes */
  ESIM_ICCID_ERROR_INVALID_CHARACTER, /* a character that is no decimal digit */
  ESIM_ICCID_ERROR_INVALID_PADDING,   /* an 'F' nibble before the last digit */
  ESIM_ICCID_ERROR_INVALID_BCD,       /* a nibble A..E */
} EsimIccidError;

#define ESIM_ICCID_BCD_SIZE 10
#define ESIM_ICCID_MIN_DIGITS 18
#define ESIM_ICCID_MAX_DIGITS 20
#define ESIM_EID_SIZE 16

/* "8944476500001241581" -> 98 44 74 56 00 00 21 14 85 F1 */
GBytes *esim_iccid_to_bcd (const gchar *iccid, GError **error);
gboolean esim_iccid_to_bcd_buf (const gchar *iccid, guint8 out[ESIM_ICCID_BCD_SIZE],
                                GError **error);
/* the reverse; bcd must have ESIM_ICCID_BCD_SIZE bytes */
gchar *esim_iccid_from_bcd (const guint8 *bcd, gsize len, GError **error);
gboolean esim_iccid_is_valid (const gchar *iccid);

/* upper-case hex of any byte string; the EID is 16 bytes, 32 digits */
gchar *esim_hex_encode (const guint8 *data, gsize len);
/* hex digits (either case, even count) to bytes; NULL when not hex */
GBytes *esim_hex_decode (const gchar *hex, GError **error);
gchar *esim_eid_to_string (const guint8 *eid, gsize len, GError **error);

/* MCC and MNC from the 3 bytes of 24.008 (MNC digit 3 'F' for two-digit
 * MNCs); FALSE when a nibble is no digit */
gboolean esim_plmn_decode (const guint8 *plmn, gsize len, gchar **mcc, gchar **mnc, GError **error);

G_END_DECLS
