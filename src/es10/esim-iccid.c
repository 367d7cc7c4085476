/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "esim-iccid.h"

/* clang-format off */
G_DEFINE_QUARK (esim-iccid-error-quark, esim_iccid_error)
/* clang-format on */

gboolean
esim_iccid_to_bcd_buf (const gchar *iccid, guint8 out[ESIM_ICCID_BCD_SIZE], GError **error)
{
  gsize len;

  g_return_val_if_fail (iccid != NULL, FALSE);

  len = strlen (iccid);
  for (gsize i = 0; i < len; i++) {
    if (!g_ascii_isdigit (iccid[i])) {
      g_set_error (error, ESIM_ICCID_ERROR, ESIM_ICCID_ERROR_INVALID_CHARACTER,
                   "ICCID has a non-digit at position %" G_GSIZE_FORMAT, i + 1);
      return FALSE;
    }
  }
  if (len < ESIM_ICCID_MIN_DIGITS || len > ESIM_ICCID_MAX_DIGITS) {
    g_set_error (error, ESIM_ICCID_ERROR, ESIM_ICCID_ERROR_INVALID_LENGTH,
                 "ICCID has %" G_GSIZE_FORMAT " digits, expected %d to %d", len,
                 ESIM_ICCID_MIN_DIGITS, ESIM_ICCID_MAX_DIGITS);
    return FALSE;
  }
  /* EF.ICCID keeps the first digit of each pair in the low nibble; the
   * unused nibbles at the end are 'F' */
  memset (out, 0xff, ESIM_ICCID_BCD_SIZE);
  for (gsize i = 0; i < len; i++) {
    guint8 digit = (guint8) (iccid[i] - '0');
    if (i % 2 == 0)
      out[i / 2] = (guint8) (0xf0 | digit);
    else
      out[i / 2] = (guint8) ((out[i / 2] & 0x0f) | (digit << 4));
  }
  return TRUE;
}

GBytes *
esim_iccid_to_bcd (const gchar *iccid, GError **error)
{
  guint8 buf[ESIM_ICCID_BCD_SIZE];

  if (!esim_iccid_to_bcd_buf (iccid, buf, error))
    return NULL;
  return g_bytes_new (buf, sizeof (buf));
}

gchar *
esim_iccid_from_bcd (const guint8 *bcd, gsize len, GError **error)
{
  g_autoptr (GString) digits = g_string_sized_new (ESIM_ICCID_MAX_DIGITS);
  gboolean padding = FALSE;

  if (len != ESIM_ICCID_BCD_SIZE) {
    g_set_error (error, ESIM_ICCID_ERROR, ESIM_ICCID_ERROR_INVALID_LENGTH,
                 "EF.ICCID has %" G_GSIZE_FORMAT " bytes, expected %d", len, ESIM_ICCID_BCD_SIZE);
    return NULL;
  }
  for (gsize i = 0; i < 2 * len; i++) {
    guint8 nibble = (i % 2 == 0) ? (bcd[i / 2] & 0x0f) : (bcd[i / 2] >> 4);
    if (nibble == 0x0f) {
      padding = TRUE;
      continue;
    }
    /* padding only ever follows the last digit */
    if (padding) {
      g_set_error (error, ESIM_ICCID_ERROR, ESIM_ICCID_ERROR_INVALID_PADDING,
                   "EF.ICCID has a digit after 'F' padding in byte %" G_GSIZE_FORMAT, i / 2 + 1);
      return NULL;
    }
    if (nibble > 9) {
      g_set_error (error, ESIM_ICCID_ERROR, ESIM_ICCID_ERROR_INVALID_BCD,
                   "EF.ICCID has the non-BCD nibble %X in byte %" G_GSIZE_FORMAT, nibble,
                   i / 2 + 1);
      return NULL;
    }
    g_string_append_c (digits, (gchar) ('0' + nibble));
  }
  if (digits->len < ESIM_ICCID_MIN_DIGITS) {
    g_set_error (error, ESIM_ICCID_ERROR, ESIM_ICCID_ERROR_INVALID_LENGTH,
                 "EF.ICCID holds %" G_GSIZE_FORMAT " digits, expected %d to %d", digits->len,
                 ESIM_ICCID_MIN_DIGITS, ESIM_ICCID_MAX_DIGITS);
    return NULL;
  }
  return g_string_free (g_steal_pointer (&digits), FALSE);
}

gboolean
esim_iccid_is_valid (const gchar *iccid)
{
  guint8 buf[ESIM_ICCID_BCD_SIZE];

  return iccid != NULL && esim_iccid_to_bcd_buf (iccid, buf, NULL);
}

gchar *
esim_hex_encode (const guint8 *data, gsize len)
{
  static const gchar digits[] = "0123456789ABCDEF";
  gchar *out = g_new (gchar, 2 * len + 1);

  for (gsize i = 0; i < len; i++) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0x0f];
  }
  out[2 * len] = '\0';
  return out;
}

GBytes *
esim_hex_decode (const gchar *hex, GError **error)
{
  gsize len = strlen (hex);
  g_autofree guint8 *buf = NULL;

  if (len % 2 != 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "odd number of hex digits (%" G_GSIZE_FORMAT ")", len);
    return NULL;
  }
  buf = g_malloc (len / 2 + 1);
  for (gsize i = 0; i < len; i += 2) {
    gint hi = g_ascii_xdigit_value (hex[i]);
    gint lo = g_ascii_xdigit_value (hex[i + 1]);
    if (hi < 0 || lo < 0) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "not a hex digit at position %" G_GSIZE_FORMAT, hi < 0 ? i + 1 : i + 2);
      return NULL;
    }
    buf[i / 2] = (guint8) ((hi << 4) | lo);
  }
  return g_bytes_new_take (g_steal_pointer (&buf), len / 2);
}

gchar *
esim_eid_to_string (const guint8 *eid, gsize len, GError **error)
{
  if (len != ESIM_EID_SIZE) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "an EID has %d bytes, not %" G_GSIZE_FORMAT, ESIM_EID_SIZE, len);
    return NULL;
  }
  return esim_hex_encode (eid, len);
}

gboolean
esim_plmn_decode (const guint8 *plmn, gsize len, gchar **mcc, gchar **mnc, GError **error)
{
  guint8 d[6];

  if (len != 3) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "MCC/MNC has %" G_GSIZE_FORMAT " bytes, expected 3", len);
    return FALSE;
  }
  /* MCC1 MCC2 MCC3 MNC1 MNC2 MNC3 from their places in 24.008 figure 10.5.13 */
  d[0] = plmn[0] & 0x0f;
  d[1] = plmn[0] >> 4;
  d[2] = plmn[1] & 0x0f;
  d[3] = plmn[2] & 0x0f;
  d[4] = plmn[2] >> 4;
  d[5] = plmn[1] >> 4;
  for (guint i = 0; i < 6; i++) {
    if (d[i] > 9 && !(i == 5 && d[i] == 0x0f)) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "MCC/MNC %02X%02X%02X has a non-digit nibble", plmn[0], plmn[1], plmn[2]);
      return FALSE;
    }
  }
  if (mcc != NULL)
    *mcc = g_strdup_printf ("%u%u%u", d[0], d[1], d[2]);
  if (mnc != NULL) {
    if (d[5] == 0x0f)
      *mnc = g_strdup_printf ("%u%u", d[3], d[4]);
    else
      *mnc = g_strdup_printf ("%u%u%u", d[3], d[4], d[5]);
  }
  return TRUE;
}
