/*
 * Small codings shared by the test SM-DP+ files: hex, base64 JSON members,
 * ICCID nibble codings, OBJECT IDENTIFIER values.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* uppercase hex */
gchar *esim_smdp_hex_encode (const guint8 *data, gsize len);
/* even number of hex digits, either case; NULL (no error) when not hex */
GBytes *esim_smdp_hex_decode (const gchar *hex);

/* a mandatory string member (MISSING_ELEMENT / INVALID_FORMAT) */
const gchar *esim_smdp_json_get_string (JsonObject *obj, const gchar *member, GError **error);
/* a mandatory base64 member (standard alphabet, padded), at most max_len
 * decoded bytes; an empty value is INVALID_FORMAT */
GBytes *esim_smdp_json_get_base64 (JsonObject *obj, const gchar *member, gsize max_len,
                                   GError **error);

/* ICCID digits (18..20) to the 10 bytes of the ProfileHeader (plain BCD,
 * first digit in the high nibble) or of EF.ICCID (swapped nibbles); both
 * padded with F */
gboolean esim_smdp_iccid_to_bcd (const gchar *digits, guint8 out[10], gboolean swapped);
/* back to digits; NULL when not an ICCID */
gchar *esim_smdp_iccid_from_bcd (const guint8 *bcd, gsize len, gboolean swapped);

/* the value of an OBJECT IDENTIFIER as dotted text; NULL when malformed */
gchar *esim_smdp_oid_to_string (const guint8 *value, gsize len);

G_END_DECLS
