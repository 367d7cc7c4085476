/*
 * Unprotected profile packages (SIMalliance/TCA interoperable format): just
 * enough to read the ProfileHeader, and the ICCID codings.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ESIM_SIM_ERROR (esim_sim_error_quark ())
GQuark esim_sim_error_quark (void);

typedef enum {
  ESIM_SIM_ERROR_FAILED,
  ESIM_SIM_ERROR_INVALID_ARGUMENT, /* a bad option or seeding spec */
  ESIM_SIM_ERROR_INVALID_DATA,     /* a corrupt state file or package */
  ESIM_SIM_ERROR_EXISTS,           /* a profile with this ICCID is already there */
  ESIM_SIM_ERROR_NO_MEMORY,        /* the simulated eUICC is full */
} EsimSimError;

/* the header of a package: the first ProfileElement, header [0] */
gboolean esim_sim_upp_parse_header (GBytes *upp, gchar **iccid, gchar **profile_type,
                                    GError **error);

/* ICCID digits (18 to 20) to and from the EF.ICCID coding (nibble swapped,
 * F padded), as used on ES10 in tag 5A */
gboolean esim_sim_iccid_to_ef (const gchar *digits, guint8 out[10], GError **error);
gchar *esim_sim_iccid_from_ef (const guint8 *ef, gsize len);
/* the same from plain BCD as in the ProfileHeader (not swapped) */
gchar *esim_sim_iccid_from_bcd (const guint8 *bcd, gsize len);

/* "00101" or "310410" to the 3 bytes of TS 24.008 */
gboolean esim_sim_mcc_mnc_encode (const gchar *text, guint8 out[3], GError **error);

gchar *esim_sim_hex_encode (const guint8 *data, gsize len);
/* upper- or lower-case hex, even length; NULL and an error otherwise */
GBytes *esim_sim_hex_decode (const gchar *hex, GError **error);

G_END_DECLS
