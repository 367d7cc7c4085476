/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-smdp-error.h"
#include "esim-smdp-util.h"

gchar *
esim_smdp_hex_encode (const guint8 *data, gsize len)
{
  static const gchar digits[] = "0123456789ABCDEF";
  gchar *out = g_malloc (len * 2 + 1);

  for (gsize i = 0; i < len; i++) {
    out[i * 2] = digits[data[i] >> 4];
    out[i * 2 + 1] = digits[data[i] & 0x0f];
  }
  out[len * 2] = '\0';
  return out;
}

GBytes *
esim_smdp_hex_decode (const gchar *hex)
{
  gsize n = strlen (hex);
  g_autofree guint8 *out = NULL;

  if (n % 2 != 0)
    return NULL;
  out = g_malloc (n / 2 + 1);
  for (gsize i = 0; i < n / 2; i++) {
    gint hi = g_ascii_xdigit_value (hex[i * 2]);
    gint lo = g_ascii_xdigit_value (hex[i * 2 + 1]);

    if (hi < 0 || lo < 0)
      return NULL;
    out[i] = (guint8) ((hi << 4) | lo);
  }
  return g_bytes_new_take (g_steal_pointer (&out), n / 2);
}

const gchar *
esim_smdp_json_get_string (JsonObject *obj, const gchar *member, GError **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node)) {
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_MISSING_ELEMENT, "missing member “%s”",
                 member);
    return NULL;
  }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING) {
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                 "member “%s” is not a string", member);
    return NULL;
  }
  return json_node_get_string (node);
}

static gboolean
esim_smdp_is_base64 (const gchar *text)
{
  gsize n = strlen (text);
  gsize pad = 0;

  if (n == 0 || n % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < n; i++) {
    gchar c = text[i];

    if (c == '=') {
      /* padding only at the very end, at most two */
      if (i < n - 2)
        return FALSE;
      pad++;
    } else if (pad > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/')) {
      return FALSE;
    }
  }
  return TRUE;
}

GBytes *
esim_smdp_json_get_base64 (JsonObject *obj, const gchar *member, gsize max_len, GError **error)
{
  const gchar *text = esim_smdp_json_get_string (obj, member, error);
  guchar *data;
  gsize len = 0;

  if (text == NULL)
    return NULL;
  /* g_base64_decode accepts garbage silently; check the alphabet first */
  if (!esim_smdp_is_base64 (text)) {
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                 "member “%s” is not padded standard base64", member);
    return NULL;
  }
  data = g_base64_decode (text, &len);
  if (len == 0 || len > max_len) {
    g_free (data);
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                 "member “%s” has a bad length", member);
    return NULL;
  }
  return g_bytes_new_take (data, len);
}

gboolean
esim_smdp_iccid_to_bcd (const gchar *digits, guint8 out[10], gboolean swapped)
{
  gsize n = strlen (digits);

  if (n < 18 || n > 20)
    return FALSE;
  memset (out, 0xff, 10);
  for (gsize i = 0; i < n; i++) {
    guint8 d;
    gboolean high;

    if (!g_ascii_isdigit (digits[i]))
      return FALSE;
    d = (guint8) (digits[i] - '0');
    high = (i % 2 == 0) != swapped;
    if (high)
      out[i / 2] = (guint8) ((out[i / 2] & 0x0f) | (d << 4));
    else
      out[i / 2] = (guint8) ((out[i / 2] & 0xf0) | d);
  }
  return TRUE;
}

gchar *
esim_smdp_iccid_from_bcd (const guint8 *bcd, gsize len, gboolean swapped)
{
  g_autoptr (GString) digits = g_string_new (NULL);
  gboolean padded = FALSE;

  for (gsize i = 0; i < len * 2; i++) {
    gboolean high = (i % 2 == 0) != swapped;
    guint8 n = high ? (bcd[i / 2] >> 4) : (bcd[i / 2] & 0x0f);

    if (n == 0x0f) {
      padded = TRUE;
      continue;
    }
    if (padded || n > 9)
      return NULL;
    g_string_append_c (digits, (gchar) ('0' + n));
  }
  if (digits->len < 18)
    return NULL;
  return g_string_free (g_steal_pointer (&digits), FALSE);
}

gchar *
esim_smdp_oid_to_string (const guint8 *value, gsize len)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint64 arc = 0;
  gboolean first = TRUE;

  if (len == 0 || (value[len - 1] & 0x80) != 0)
    return NULL;
  for (gsize i = 0; i < len; i++) {
    if (arc > (G_MAXUINT64 >> 7))
      return NULL;
    arc = (arc << 7) | (value[i] & 0x7f);
    if (value[i] & 0x80)
      continue;
    if (first) {
      guint top = arc < 40 ? 0 : (arc < 80 ? 1 : 2);

      g_string_append_printf (out, "%u.%" G_GUINT64_FORMAT, top, arc - top * 40);
      first = FALSE;
    } else {
      g_string_append_printf (out, ".%" G_GUINT64_FORMAT, arc);
    }
    arc = 0;
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
