/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-apdu.h"

/* clang-format off */
G_DEFINE_QUARK (esim-apdu-error-quark, esim_apdu_error)
/* clang-format on */

GBytes *
esim_apdu_encode (guint8 cla, guint8 ins, guint8 p1, guint8 p2, const guint8 *data, gsize lc,
                  gint le)
{
  GByteArray *buf = g_byte_array_sized_new (5 + lc + 1);
  guint8 hdr[4] = { cla, ins, p1, p2 };

  g_return_val_if_fail (lc <= 255, NULL);
  g_return_val_if_fail (le >= -1 && le <= 256, NULL);

  g_byte_array_append (buf, hdr, 4);
  if (lc > 0) {
    guint8 l = (guint8) lc;
    g_byte_array_append (buf, &l, 1);
    g_byte_array_append (buf, data, lc);
  }
  if (le >= 0) {
    guint8 l = (guint8) (le == 256 ? 0 : le);
    g_byte_array_append (buf, &l, 1);
  }
  return g_byte_array_free_to_bytes (buf);
}

guint8
esim_apdu_cla_for_channel (guint8 base, guint channel)
{
  g_return_val_if_fail (channel < 20, base);
  if (channel < 4)
    return (guint8) ((base & 0x80) | channel);
  return (guint8) ((base & 0x80) | 0x40 | (channel - 4));
}

guint
esim_apdu_channel_from_cla (guint8 cla)
{
  if (cla & 0x40)
    return 4 + (cla & 0x0f);
  return cla & 0x03;
}

gboolean
esim_apdu_parse_response (GBytes *rapdu, GBytes **data, guint16 *sw, GError **error)
{
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (rapdu, &len);

  if (len < 2) {
    g_set_error (error, ESIM_APDU_ERROR, ESIM_APDU_ERROR_MALFORMED,
                 "response APDU of %" G_GSIZE_FORMAT " bytes has no status word", len);
    return FALSE;
  }
  *sw = (guint16) ((buf[len - 2] << 8) | buf[len - 1]);
  if (data != NULL)
    *data = g_bytes_new_from_bytes (rapdu, 0, len - 2);
  return TRUE;
}

typedef struct {
  guint16 sw;
  EsimApduError code;
  const gchar *text;
} EsimApduStatus;

static const EsimApduStatus status_words[] = {
  { 0x6581, ESIM_APDU_ERROR_MEMORY_FAILURE, "memory failure" },
  { 0x6700, ESIM_APDU_ERROR_WRONG_LENGTH, "wrong length" },
  { 0x6881, ESIM_APDU_ERROR_CHANNEL_NOT_SUPPORTED, "logical channel not supported" },
  { 0x6882, ESIM_APDU_ERROR_SECURE_MESSAGING, "secure messaging not supported" },
  { 0x6982, ESIM_APDU_ERROR_SECURITY_STATUS, "security status not satisfied" },
  { 0x6985, ESIM_APDU_ERROR_CONDITIONS_NOT_SATISFIED, "conditions of use not satisfied" },
  { 0x6986, ESIM_APDU_ERROR_COMMAND_NOT_ALLOWED, "command not allowed" },
  { 0x6A80, ESIM_APDU_ERROR_INCORRECT_DATA, "incorrect parameters in the data field" },
  { 0x6A81, ESIM_APDU_ERROR_FUNCTION_NOT_SUPPORTED, "function not supported" },
  { 0x6A82, ESIM_APDU_ERROR_NOT_FOUND, "application or file not found" },
  { 0x6A84, ESIM_APDU_ERROR_NOT_ENOUGH_MEMORY, "not enough memory space" },
  { 0x6A86, ESIM_APDU_ERROR_INCORRECT_P1P2, "incorrect parameters P1-P2" },
  { 0x6B00, ESIM_APDU_ERROR_INCORRECT_P1P2, "wrong parameters P1-P2" },
  { 0x6A88, ESIM_APDU_ERROR_REFERENCED_DATA_NOT_FOUND, "referenced data not found" },
  { 0x6D00, ESIM_APDU_ERROR_INS_NOT_SUPPORTED, "instruction not supported" },
  { 0x6E00, ESIM_APDU_ERROR_CLA_NOT_SUPPORTED, "class not supported" },
  { 0x6F00, ESIM_APDU_ERROR_NO_PRECISE_DIAGNOSIS, "no precise diagnosis" },
};

gboolean
esim_apdu_check_sw (guint16 sw, GError **error)
{
  /* 91xx and 92xx are success with a pending proactive command or
   * a warning from some cards; the data is still valid */
  if (sw == ESIM_APDU_SW_OK || (sw & 0xff00) == 0x9100 || (sw & 0xff00) == 0x9200)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (status_words); i++) {
    if (status_words[i].sw == sw) {
      g_set_error (error, ESIM_APDU_ERROR, status_words[i].code, "card answered %04X: %s", sw,
                   status_words[i].text);
      return FALSE;
    }
  }
  g_set_error (error, ESIM_APDU_ERROR, ESIM_APDU_ERROR_UNKNOWN_STATUS, "card answered %04X", sw);
  return FALSE;
}
