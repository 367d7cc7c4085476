/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-tlv.h"
#include "esim-sim-upp.h"

/* clang-format off */
G_DEFINE_QUARK (esim-sim-error-quark, esim_sim_error)
/* clang-format on */

gboolean
esim_sim_upp_parse_header (GBytes *upp, gchar **iccid, gchar **profile_type, GError **error)
{
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (upp, &len);
  EsimTlv header;
  EsimTlv field;

  /* only the first element matters; the rest of the package is opaque here */
  if (!esim_tlv_parse_header (buf, len, &header, error)
      || !esim_tlv_decode (header.raw, header.raw_length, &header, error)) {
    g_prefix_error (error, "not a profile package: ");
    return FALSE;
  }
  if (header.tag != 0xA0) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "profile package does not start with a ProfileHeader (tag %X)", header.tag);
    return FALSE;
  }
  if (!esim_tlv_find (&header, 0x83, &field) || field.length != 10) {
    g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                         "ProfileHeader has no 10-byte iccid");
    return FALSE;
  }
  *iccid = esim_sim_iccid_from_bcd (field.value, field.length);
  if (*iccid == NULL) {
    g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                         "ProfileHeader iccid is not BCD");
    return FALSE;
  }
  *profile_type = NULL;
  if (esim_tlv_find (&header, 0x82, &field))
    *profile_type = esim_tlv_dup_string (&field, NULL);
  return TRUE;
}

static gchar *
esim_sim_digits_from_nibbles (const guint8 *buf, gsize len, gboolean swapped)
{
  g_autoptr (GString) digits = g_string_new (NULL);
  gboolean padded = FALSE;

  for (gsize i = 0; i < len * 2; i++) {
    guint8 b = buf[i / 2];
    gboolean first = (i % 2) == 0;
    guint8 n = (first != swapped) ? (b >> 4) : (b & 0x0f);

    if (n == 0x0f) {
      padded = TRUE;
      continue;
    }
    /* a digit after padding or a nibble above 9 is not an ICCID */
    if (padded || n > 9)
      return NULL;
    g_string_append_c (digits, (gchar) ('0' + n));
  }
  if (digits->len < 18)
    return NULL;
  return g_string_free (g_steal_pointer (&digits), FALSE);
}

gchar *
esim_sim_iccid_from_ef (const guint8 *ef, gsize len)
{
  return esim_sim_digits_from_nibbles (ef, len, TRUE);
}

gchar *
esim_sim_iccid_from_bcd (const guint8 *bcd, gsize len)
{
  return esim_sim_digits_from_nibbles (bcd, len, FALSE);
}

gboolean
esim_sim_iccid_to_ef (const gchar *digits, guint8 out[10], GError **error)
{
  gsize n = strlen (digits);

  if (n < 18 || n > 20) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                 "an ICCID has 18 to 20 digits, not %" G_GSIZE_FORMAT, n);
    return FALSE;
  }
  memset (out, 0xff, 10);
  for (gsize i = 0; i < n; i++) {
    guint8 d;

    if (!g_ascii_isdigit (digits[i])) {
      g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                   "ICCID “%s” has a non-digit", digits);
      return FALSE;
    }
    d = (guint8) (digits[i] - '0');
    /* EF.ICCID: the first digit of each pair in the low nibble */
    if (i % 2 == 0)
      out[i / 2] = (guint8) ((out[i / 2] & 0xf0) | d);
    else
      out[i / 2] = (guint8) ((out[i / 2] & 0x0f) | (d << 4));
  }
  return TRUE;
}

gchar *
esim_sim_hex_encode (const guint8 *data, gsize len)
{
  gchar *out = g_malloc (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    g_snprintf (out + i * 2, 3, "%02X", data[i]);
  out[len * 2] = '\0';
  return out;
}

GBytes *
esim_sim_hex_decode (const gchar *hex, GError **error)
{
  gsize n = strlen (hex);
  g_autofree guint8 *buf = NULL;

  if (n % 2 != 0) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                 "hex string “%s” has an odd length", hex);
    return NULL;
  }
  buf = g_malloc (n / 2 + 1);
  for (gsize i = 0; i < n; i += 2) {
    gint hi = g_ascii_xdigit_value (hex[i]);
    gint lo = g_ascii_xdigit_value (hex[i + 1]);

    if (hi < 0 || lo < 0) {
      g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT, "“%s” is not hex", hex);
      return NULL;
    }
    buf[i / 2] = (guint8) ((hi << 4) | lo);
  }
  return g_bytes_new_take (g_steal_pointer (&buf), n / 2);
}

gboolean
esim_sim_mcc_mnc_encode (const gchar *text, guint8 out[3], GError **error)
{
  gsize n = strlen (text);
  guint8 d[6] = { 0xf, 0xf, 0xf, 0xf, 0xf, 0xf };

  if (n < 5 || n > 6) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                 "MCC/MNC “%s” must have 5 or 6 digits", text);
    return FALSE;
  }
  for (gsize i = 0; i < n; i++) {
    if (!g_ascii_isdigit (text[i])) {
      g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                   "MCC/MNC “%s” must be digits", text);
      return FALSE;
    }
    d[i] = (guint8) (text[i] - '0');
  }
  /* MCC2 MCC1 | MNC3 MCC3 | MNC2 MNC1; a 2-digit MNC leaves MNC3 as F */
  out[0] = (guint8) ((d[1] << 4) | d[0]);
  out[1] = (guint8) ((d[5] << 4) | d[2]);
  out[2] = (guint8) ((d[4] << 4) | d[3]);
  return TRUE;
}
