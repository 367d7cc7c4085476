/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-tlv.h"

/* clang-format off */
G_DEFINE_QUARK (esim-tlv-error-quark, esim_tlv_error)
/* clang-format on */

gboolean
esim_tlv_is_constructed (const EsimTlv *tlv)
{
  guint32 first = tlv->tag;

  while (first > 0xff)
    first >>= 8;
  return (first & 0x20) != 0;
}

guint
esim_tlv_tag_size (guint32 tag)
{
  if (tag > 0xffffff)
    return 4;
  if (tag > 0xffff)
    return 3;
  if (tag > 0xff)
    return 2;
  return 1;
}

gboolean
esim_tlv_parse_header (const guint8 *buf, gsize len, EsimTlv *out, GError **error)
{
  gsize pos = 0;
  guint32 tag;
  gsize length = 0;

  if (len < 2) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_TRUNCATED,
                 "TLV header truncated (%" G_GSIZE_FORMAT " bytes)", len);
    return FALSE;
  }

  /* tag: first byte, then subsequent bytes while b8 is set */
  tag = buf[pos++];
  if (tag == 0x00 || tag == 0xff) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_TAG, "invalid tag byte 0x%02x", tag);
    return FALSE;
  }
  if ((tag & 0x1f) == 0x1f) {
    guint8 b;
    do {
      if (pos >= len) {
        g_set_error_literal (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_TRUNCATED,
                             "multi-byte tag truncated");
        return FALSE;
      }
      if (pos >= 4) {
        g_set_error_literal (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_TAG,
                             "tag longer than 4 bytes");
        return FALSE;
      }
      b = buf[pos++];
      tag = (tag << 8) | b;
    } while (b & 0x80);
  }

  /* length: short form, or 0x81..0x84 followed by that many bytes */
  if (pos >= len) {
    g_set_error_literal (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_TRUNCATED, "length field missing");
    return FALSE;
  }
  if (buf[pos] < 0x80) {
    length = buf[pos++];
  } else if (buf[pos] == 0x80) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_INDEFINITE_LENGTH,
                 "indefinite length in tag 0x%x", tag);
    return FALSE;
  } else {
    guint n = buf[pos++] & 0x7f;
    if (n > 4) {
      g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_LENGTH,
                   "length field of %u bytes in tag 0x%x", n, tag);
      return FALSE;
    }
    if (len - pos < n) {
      g_set_error_literal (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_TRUNCATED,
                           "length field truncated");
      return FALSE;
    }
    for (guint i = 0; i < n; i++)
      length = (length << 8) | buf[pos++];
  }

  /* pos <= len holds here, so this cannot overflow */
  if (length > len - pos) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_TRUNCATED,
                 "value of tag 0x%x needs %" G_GSIZE_FORMAT " bytes, %" G_GSIZE_FORMAT " left", tag,
                 length, len - pos);
    return FALSE;
  }

  out->tag = tag;
  out->value = buf + pos;
  out->length = length;
  out->raw = buf;
  out->raw_length = pos + length;
  return TRUE;
}

static gboolean
esim_tlv_validate_children (const EsimTlv *tlv, guint depth, GError **error)
{
  gsize pos = 0;

  if (!esim_tlv_is_constructed (tlv))
    return TRUE;
  if (depth >= ESIM_TLV_MAX_DEPTH) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_TOO_DEEP, "TLV nesting deeper than %u",
                 (guint) ESIM_TLV_MAX_DEPTH);
    return FALSE;
  }
  while (pos < tlv->length) {
    EsimTlv child;
    if (!esim_tlv_parse_header (tlv->value + pos, tlv->length - pos, &child, error)) {
      g_prefix_error (error, "in tag 0x%x: ", tlv->tag);
      return FALSE;
    }
    if (!esim_tlv_validate_children (&child, depth + 1, error))
      return FALSE;
    pos += child.raw_length;
  }
  return TRUE;
}

gboolean
esim_tlv_decode (const guint8 *buf, gsize len, EsimTlv *out, GError **error)
{
  EsimTlv tlv;

  if (!esim_tlv_parse_header (buf, len, &tlv, error))
    return FALSE;
  if (tlv.raw_length != len) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_TRAILING_DATA,
                 "%" G_GSIZE_FORMAT " bytes after tag 0x%x", len - tlv.raw_length, tlv.tag);
    return FALSE;
  }
  if (!esim_tlv_validate_children (&tlv, 0, error))
    return FALSE;
  *out = tlv;
  return TRUE;
}

gboolean
esim_tlv_decode_bytes (GBytes *bytes, EsimTlv *out, GError **error)
{
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (bytes, &len);

  return esim_tlv_decode (buf, len, out, error);
}

gboolean
esim_tlv_decode_expect (GBytes *bytes, guint32 tag, EsimTlv *out, GError **error)
{
  if (!esim_tlv_decode_bytes (bytes, out, error))
    return FALSE;
  if (out->tag != tag) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_UNEXPECTED_TAG,
                 "expected tag 0x%x, got 0x%x", tag, out->tag);
    return FALSE;
  }
  return TRUE;
}

void
esim_tlv_iter_init (EsimTlvIter *iter, const EsimTlv *parent)
{
  iter->pos = parent->value;
  iter->end = parent->value + parent->length;
  /* a primitive value has no children to walk */
  if (!esim_tlv_is_constructed (parent))
    iter->pos = iter->end;
}

gboolean
esim_tlv_iter_next (EsimTlvIter *iter, EsimTlv *child)
{
  if (iter->pos >= iter->end)
    return FALSE;
  /* decoded parents were validated; a failure here means misuse on an
   * unvalidated buffer, so stop instead of reading garbage */
  if (!esim_tlv_parse_header (iter->pos, (gsize) (iter->end - iter->pos), child, NULL)) {
    iter->pos = iter->end;
    return FALSE;
  }
  iter->pos += child->raw_length;
  return TRUE;
}

gboolean
esim_tlv_find (const EsimTlv *parent, guint32 tag, EsimTlv *child)
{
  EsimTlvIter iter;
  EsimTlv tmp;

  esim_tlv_iter_init (&iter, parent);
  while (esim_tlv_iter_next (&iter, &tmp)) {
    if (tmp.tag == tag) {
      if (child != NULL)
        *child = tmp;
      return TRUE;
    }
  }
  return FALSE;
}

gboolean
esim_tlv_require (const EsimTlv *parent, guint32 tag, EsimTlv *child, GError **error)
{
  if (esim_tlv_find (parent, tag, child))
    return TRUE;
  g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_MISSING,
               "tag 0x%x has no mandatory element 0x%x", parent->tag, tag);
  return FALSE;
}

guint
esim_tlv_count_children (const EsimTlv *parent)
{
  EsimTlvIter iter;
  EsimTlv tmp;
  guint n = 0;

  esim_tlv_iter_init (&iter, parent);
  while (esim_tlv_iter_next (&iter, &tmp))
    n++;
  return n;
}

gboolean
esim_tlv_get_int (const EsimTlv *tlv, gint64 *out, GError **error)
{
  gint64 v;

  if (tlv->length == 0 || tlv->length > 8) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE,
                 "INTEGER in tag 0x%x has %" G_GSIZE_FORMAT " bytes", tlv->tag, tlv->length);
    return FALSE;
  }
  /* sign-extend from the first byte, then shift in the rest unsigned */
  v = (gint8) tlv->value[0];
  for (gsize i = 1; i < tlv->length; i++)
    v = (gint64) (((guint64) v << 8) | tlv->value[i]);
  *out = v;
  return TRUE;
}

gboolean
esim_tlv_get_uint (const EsimTlv *tlv, guint64 *out, GError **error)
{
  guint64 v = 0;
  gsize start = 0;

  if (tlv->length == 0) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE, "empty INTEGER in tag 0x%x",
                 tlv->tag);
    return FALSE;
  }
  if (tlv->value[0] & 0x80) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE, "negative INTEGER in tag 0x%x",
                 tlv->tag);
    return FALSE;
  }
  /* a leading zero byte only carries the sign */
  if (tlv->value[0] == 0x00 && tlv->length > 1)
    start = 1;
  if (tlv->length - start > 8) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE,
                 "INTEGER in tag 0x%x does not fit 64 bits", tlv->tag);
    return FALSE;
  }
  for (gsize i = start; i < tlv->length; i++)
    v = (v << 8) | tlv->value[i];
  *out = v;
  return TRUE;
}

gboolean
esim_tlv_get_bool (const EsimTlv *tlv, gboolean *out, GError **error)
{
  if (tlv->length != 1) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE,
                 "BOOLEAN in tag 0x%x has %" G_GSIZE_FORMAT " bytes", tlv->tag, tlv->length);
    return FALSE;
  }
  *out = tlv->value[0] != 0x00;
  return TRUE;
}

gchar *
esim_tlv_dup_string (const EsimTlv *tlv, GError **error)
{
  if (memchr (tlv->value, '\0', tlv->length) != NULL
      || !g_utf8_validate ((const gchar *) tlv->value, (gssize) tlv->length, NULL)) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE, "tag 0x%x is not valid UTF-8",
                 tlv->tag);
    return NULL;
  }
  return g_strndup ((const gchar *) tlv->value, tlv->length);
}

gboolean
esim_tlv_get_bit_string (const EsimTlv *tlv, guint32 *bits, GError **error)
{
  guint32 v = 0;
  guint unused;

  if (tlv->length == 0 || tlv->length > 5) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE,
                 "BIT STRING in tag 0x%x has %" G_GSIZE_FORMAT " bytes", tlv->tag, tlv->length);
    return FALSE;
  }
  unused = tlv->value[0];
  if (unused > 7 || (tlv->length == 1 && unused != 0)) {
    g_set_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE,
                 "BIT STRING in tag 0x%x has %u unused bits", tlv->tag, unused);
    return FALSE;
  }
  /* bit n of the string is the n-th most significant bit of the content */
  for (gsize i = 1; i < tlv->length; i++) {
    for (guint b = 0; b < 8; b++) {
      if (tlv->value[i] & (0x80 >> b))
        v |= 1u << ((i - 1) * 8 + b);
    }
  }
  *bits = v;
  return TRUE;
}

GBytes *
esim_tlv_dup_value (const EsimTlv *tlv)
{
  return g_bytes_new (tlv->value, tlv->length);
}

GBytes *
esim_tlv_dup_raw (const EsimTlv *tlv)
{
  return g_bytes_new (tlv->raw, tlv->raw_length);
}

/* encoding */

struct _EsimTlvBuilder {
  GByteArray *buf;
  GArray *open; /* offsets of the open constructed TLVs' values */
  GArray *open_tags;
};

EsimTlvBuilder *
esim_tlv_builder_new (void)
{
  EsimTlvBuilder *self = g_new0 (EsimTlvBuilder, 1);

  self->buf = g_byte_array_new ();
  self->open = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->open_tags = g_array_new (FALSE, FALSE, sizeof (guint32));
  return self;
}

void
esim_tlv_builder_free (EsimTlvBuilder *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->buf);
  g_array_unref (self->open);
  g_array_unref (self->open_tags);
  g_free (self);
}

static gsize
esim_tlv_encode_tag (guint32 tag, guint8 *out)
{
  guint n = esim_tlv_tag_size (tag);

  for (guint i = 0; i < n; i++)
    out[i] = (guint8) (tag >> (8 * (n - 1 - i)));
  return n;
}

gsize
esim_tlv_encode_header (guint32 tag, gsize length, guint8 *out)
{
  gsize pos = esim_tlv_encode_tag (tag, out);

  g_return_val_if_fail (length <= G_MAXUINT32, 0);
  if (length < 0x80) {
    out[pos++] = (guint8) length;
  } else {
    guint n = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
    out[pos++] = 0x80 | n;
    for (guint i = 0; i < n; i++)
      out[pos++] = (guint8) (length >> (8 * (n - 1 - i)));
  }
  return pos;
}

void
esim_tlv_builder_begin (EsimTlvBuilder *self, guint32 tag)
{
  guint8 hdr[4];
  gsize n = esim_tlv_encode_tag (tag, hdr);
  gsize offset;

  g_byte_array_append (self->buf, hdr, n);
  offset = self->buf->len;
  g_array_append_val (self->open, offset);
  g_array_append_val (self->open_tags, tag);
}

void
esim_tlv_builder_end (EsimTlvBuilder *self)
{
  gsize offset, length, n;
  guint8 hdr[9];
  guint8 lenbuf[5];

  g_return_if_fail (self->open->len > 0);
  offset = g_array_index (self->open, gsize, self->open->len - 1);
  g_array_set_size (self->open, self->open->len - 1);
  g_array_set_size (self->open_tags, self->open_tags->len - 1);
  length = self->buf->len - offset;

  /* encode only the length part: header of a one-byte dummy tag */
  n = esim_tlv_encode_header (0x01, length, hdr) - 1;
  memcpy (lenbuf, hdr + 1, n);
  g_byte_array_set_size (self->buf, self->buf->len + n);
  memmove (self->buf->data + offset + n, self->buf->data + offset, length);
  memcpy (self->buf->data + offset, lenbuf, n);
}

void
esim_tlv_builder_add (EsimTlvBuilder *self, guint32 tag, const guint8 *value, gsize length)
{
  guint8 hdr[9];
  gsize n = esim_tlv_encode_header (tag, length, hdr);

  g_byte_array_append (self->buf, hdr, n);
  if (length > 0)
    g_byte_array_append (self->buf, value, length);
}

void
esim_tlv_builder_add_bytes (EsimTlvBuilder *self, guint32 tag, GBytes *value)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (value, &len);

  esim_tlv_builder_add (self, tag, data, len);
}

void
esim_tlv_builder_add_int (EsimTlvBuilder *self, guint32 tag, gint64 value)
{
  guint8 tmp[8];
  gsize start = 0;

  for (guint i = 0; i < 8; i++)
    tmp[i] = (guint8) ((guint64) value >> (8 * (7 - i)));
  /* minimal two's complement: drop a leading byte that only repeats the sign */
  while (start < 7
         && ((tmp[start] == 0x00 && (tmp[start + 1] & 0x80) == 0)
             || (tmp[start] == 0xff && (tmp[start + 1] & 0x80) != 0)))
    start++;
  esim_tlv_builder_add (self, tag, tmp + start, 8 - start);
}

void
esim_tlv_builder_add_bool (EsimTlvBuilder *self, guint32 tag, gboolean value)
{
  guint8 v = value ? 0xff : 0x00;

  esim_tlv_builder_add (self, tag, &v, 1);
}

void
esim_tlv_builder_add_string (EsimTlvBuilder *self, guint32 tag, const gchar *value)
{
  esim_tlv_builder_add (self, tag, (const guint8 *) value, strlen (value));
}

void
esim_tlv_builder_add_bit_string (EsimTlvBuilder *self, guint32 tag, guint32 bits, guint nbits)
{
  guint8 tmp[5] = { 0 };
  guint used = 0;
  guint nbytes;

  g_return_if_fail (nbits <= 32);
  for (guint b = 0; b < nbits; b++) {
    if (bits & (1u << b)) {
      tmp[1 + b / 8] |= 0x80 >> (b % 8);
      used = b + 1;
    }
  }
  nbytes = (used + 7) / 8;
  tmp[0] = nbytes == 0 ? 0 : (guint8) (nbytes * 8 - used);
  esim_tlv_builder_add (self, tag, tmp, 1 + nbytes);
}

void
esim_tlv_builder_add_raw (EsimTlvBuilder *self, const guint8 *data, gsize length)
{
  g_byte_array_append (self->buf, data, length);
}

GBytes *
esim_tlv_builder_finish (EsimTlvBuilder *self)
{
  GBytes *out;

  g_return_val_if_fail (self->open->len == 0, NULL);
  out = g_byte_array_free_to_bytes (g_steal_pointer (&self->buf));
  self->buf = g_byte_array_new ();
  return out;
}
