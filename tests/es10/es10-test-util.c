/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdarg.h>

#include "es10-test-util.h"

static GPtrArray *pool;

static const gchar *
keep (gchar *s)
{
  if (pool == NULL)
    pool = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (pool, s);
  return s;
}

void
es10_test_free_all (void)
{
  g_clear_pointer (&pool, g_ptr_array_unref);
}

GBytes *
es10_test_bytes (const gchar *hex)
{
  GByteArray *buf = g_byte_array_new ();
  g_autofree gchar *compact = g_strdup (hex);

  /* spaces only help reading, even inside a byte */
  g_strdelimit (compact, " ", '\x01');
  {
    gchar *w = compact;
    for (const gchar *r = compact; *r != '\0'; r++) {
      if (*r != '\x01')
        *w++ = *r;
    }
    *w = '\0';
  }
  for (const gchar *p = compact; *p != '\0';) {
    guint8 b;
    g_assert_true (g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]));
    b = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
    g_byte_array_append (buf, &b, 1);
    p += 2;
  }
  return g_byte_array_free_to_bytes (buf);
}

gchar *
es10_test_hex (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X", data[i]);
  return g_string_free (s, FALSE);
}

const gchar *
T (const gchar *tag, ...)
{
  g_autoptr (GString) value = g_string_new (NULL);
  GString *out = g_string_new (tag);
  const gchar *part;
  gsize len;
  va_list ap;

  va_start (ap, tag);
  while ((part = va_arg (ap, const gchar *)) != NULL) {
    for (const gchar *p = part; *p != '\0'; p++) {
      if (*p != ' ')
        g_string_append_c (value, *p);
    }
  }
  va_end (ap);
  g_assert_true (value->len % 2 == 0);
  len = value->len / 2;
  if (len < 0x80)
    g_string_append_printf (out, "%02X", (guint) len);
  else if (len < 0x100)
    g_string_append_printf (out, "81%02X", (guint) len);
  else
    g_string_append_printf (out, "82%04X", (guint) len);
  g_string_append (out, value->str);
  return keep (g_string_free (out, FALSE));
}

const gchar *
S (const gchar *text)
{
  GString *out = g_string_new (NULL);

  for (const gchar *p = text; *p != '\0'; p++)
    g_string_append_printf (out, "%02X", (guint8) *p);
  return keep (g_string_free (out, FALSE));
}

const gchar *
R (guint8 b, gsize n)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < n; i++)
    g_string_append_printf (out, "%02X", b);
  return keep (g_string_free (out, FALSE));
}
