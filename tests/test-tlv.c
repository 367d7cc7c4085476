/*
 * BER-TLV codec tests: decoding limits and encoding round trips.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-tlv.h"

static GBytes *
hex_bytes (const gchar *hex)
{
  GByteArray *buf = g_byte_array_new ();

  for (const gchar *p = hex; *p != '\0';) {
    guint8 b;
    if (*p == ' ') {
      p++;
      continue;
    }
    g_assert_true (g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]));
    b = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
    g_byte_array_append (buf, &b, 1);
    p += 2;
  }
  return g_byte_array_free_to_bytes (buf);
}

static gchar *
bytes_hex (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X", data[i]);
  return g_string_free (s, FALSE);
}

static void
assert_decode_error (const gchar *hex, EsimTlvError code)
{
  g_autoptr (GBytes) b = hex_bytes (hex);
  g_autoptr (GError) error = NULL;
  EsimTlv tlv;

  g_assert_false (esim_tlv_decode_bytes (b, &tlv, &error));
  g_assert_error (error, ESIM_TLV_ERROR, (gint) code);
}

static void
test_tlv_single_byte_tag (void)
{
  g_autoptr (GBytes) b = hex_bytes ("5A0A98444765000012241586");
  g_autoptr (GError) error = NULL;
  EsimTlv tlv;

  g_assert_true (esim_tlv_decode_bytes (b, &tlv, &error));
  g_assert_no_error (error);
  g_assert_cmphex (tlv.tag, ==, 0x5A);
  g_assert_cmpuint (tlv.length, ==, 10);
  g_assert_cmphex (tlv.value[0], ==, 0x98);
  g_assert_cmpuint (tlv.raw_length, ==, 12);
  g_assert_false (esim_tlv_is_constructed (&tlv));
}

static void
test_tlv_multi_byte_tags (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) b = hex_bytes ("BF2D09A006E3049F700101");
  EsimTlv tlv, list, info, state;

  /* BF2D { A0 { E3 { 9F70 01 01 } } } with a bogus outer length first */
  g_assert_false (esim_tlv_decode_bytes (b, &tlv, &error));
  g_assert_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_TRUNCATED);
  g_clear_error (&error);
  g_clear_pointer (&b, g_bytes_unref);

  b = hex_bytes ("BF2D09A007E3059F70020001");
  g_assert_true (esim_tlv_decode_expect (b, 0xBF2D, &tlv, &error));
  g_assert_no_error (error);
  g_assert_true (esim_tlv_is_constructed (&tlv));
  g_assert_true (esim_tlv_require (&tlv, 0xA0, &list, &error));
  g_assert_true (esim_tlv_require (&list, 0xE3, &info, &error));
  g_assert_true (esim_tlv_require (&info, 0x9F70, &state, &error));
  g_assert_cmpuint (state.length, ==, 2);
  g_assert_false (esim_tlv_find (&info, 0x5A, NULL));
  g_assert_false (esim_tlv_require (&info, 0x5A, NULL, &error));
  g_assert_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_MISSING);
  g_clear_error (&error);

  /* three- and four-byte tags */
  g_clear_pointer (&b, g_bytes_unref);
  b = hex_bytes ("DF8101020102");
  g_assert_true (esim_tlv_decode_bytes (b, &tlv, &error));
  g_assert_cmphex (tlv.tag, ==, 0xDF8101);
  g_clear_pointer (&b, g_bytes_unref);
  b = hex_bytes ("DF81820300");
  g_assert_true (esim_tlv_decode_bytes (b, &tlv, &error));
  g_assert_cmphex (tlv.tag, ==, 0xDF818203);
  g_assert_cmpuint (tlv.length, ==, 0);
  /* five bytes of tag */
  assert_decode_error ("DF8182838400", ESIM_TLV_ERROR_BAD_TAG);
  /* tag that never ends */
  assert_decode_error ("BF81", ESIM_TLV_ERROR_TRUNCATED);
}

static void
test_tlv_lengths (void)
{
  g_autoptr (GError) error = NULL;
  EsimTlv tlv;

  for (guint n = 1; n <= 4; n++) {
    /* 0x81..0x84 forms carrying a length of 3 */
    g_autoptr (GString) hex = g_string_new ("04");
    g_autoptr (GBytes) b = NULL;
    g_string_append_printf (hex, "%02X", 0x80 | n);
    for (guint i = 1; i < n; i++)
      g_string_append (hex, "00");
    g_string_append (hex, "03AABBCC");
    b = hex_bytes (hex->str);
    g_assert_true (esim_tlv_decode_bytes (b, &tlv, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (tlv.length, ==, 3);
  }
  assert_decode_error ("04850000000001AA", ESIM_TLV_ERROR_BAD_LENGTH);
  assert_decode_error ("3080020100 0000", ESIM_TLV_ERROR_INDEFINITE_LENGTH);
  /* a 4-byte length far past the buffer must not overflow */
  assert_decode_error ("04 84FFFFFFFF AA", ESIM_TLV_ERROR_TRUNCATED);
  assert_decode_error ("04 84FFFFFFF0 AA", ESIM_TLV_ERROR_TRUNCATED);
  assert_decode_error ("04 82", ESIM_TLV_ERROR_TRUNCATED);
  assert_decode_error ("04", ESIM_TLV_ERROR_TRUNCATED);
  assert_decode_error ("", ESIM_TLV_ERROR_TRUNCATED);
  assert_decode_error ("0403AABB", ESIM_TLV_ERROR_TRUNCATED);
  assert_decode_error ("00 00", ESIM_TLV_ERROR_BAD_TAG);
}

static void
test_tlv_trailing_and_nesting (void)
{
  g_autoptr (GString) deep = g_string_new (NULL);
  g_autoptr (GString) ok = g_string_new (NULL);

  assert_decode_error ("800100 00", ESIM_TLV_ERROR_TRAILING_DATA);
  /* a constructed value whose child is cut short */
  assert_decode_error ("A003800201", ESIM_TLV_ERROR_TRUNCATED);
  /* a constructed value with garbage after its children */
  assert_decode_error ("A0048000 8002", ESIM_TLV_ERROR_TRUNCATED);

  /* ESIM_TLV_MAX_DEPTH + 1 nested constructed TLVs of empty content */
  for (guint i = 0; i <= ESIM_TLV_MAX_DEPTH; i++) {
    guint remaining = ESIM_TLV_MAX_DEPTH - i;
    g_string_append_printf (deep, "A0%02X", remaining * 2);
  }
  assert_decode_error (deep->str, ESIM_TLV_ERROR_TOO_DEEP);
  /* exactly the limit is fine */
  for (guint i = 0; i < ESIM_TLV_MAX_DEPTH; i++) {
    guint remaining = ESIM_TLV_MAX_DEPTH - 1 - i;
    g_string_append_printf (ok, "A0%02X", remaining * 2);
  }
  {
    g_autoptr (GBytes) b = hex_bytes (ok->str);
    g_autoptr (GError) error = NULL;
    EsimTlv tlv;
    g_assert_true (esim_tlv_decode_bytes (b, &tlv, &error));
    g_assert_no_error (error);
  }
}

static void
test_tlv_iterate (void)
{
  g_autoptr (GBytes) b = hex_bytes ("BF280FA00DBF2F0A800101810206400C0161");
  g_autoptr (GError) error = NULL;
  EsimTlv tlv, list, child;
  EsimTlvIter iter;
  guint n = 0;

  g_assert_true (esim_tlv_decode_expect (b, 0xBF28, &tlv, &error));
  g_assert_true (esim_tlv_require (&tlv, 0xA0, &list, &error));
  g_assert_cmpuint (esim_tlv_count_children (&list), ==, 1);
  esim_tlv_iter_init (&iter, &list);
  while (esim_tlv_iter_next (&iter, &child)) {
    EsimTlv seq, op, addr;
    gint64 v = 0;
    guint32 bits = 0;
    g_autofree gchar *s = NULL;

    g_assert_cmphex (child.tag, ==, 0xBF2F);
    g_assert_true (esim_tlv_require (&child, 0x80, &seq, &error));
    g_assert_true (esim_tlv_get_int (&seq, &v, &error));
    g_assert_cmpint (v, ==, 1);
    g_assert_true (esim_tlv_require (&child, 0x81, &op, &error));
    g_assert_true (esim_tlv_get_bit_string (&op, &bits, &error));
    /* 06 40: six unused bits, second named bit set = notificationEnable */
    g_assert_cmphex (bits, ==, 0x2);
    g_assert_true (esim_tlv_require (&child, 0x0C, &addr, &error));
    s = esim_tlv_dup_string (&addr, &error);
    g_assert_cmpstr (s, ==, "a");
    n++;
  }
  g_assert_cmpuint (n, ==, 1);

  /* a primitive has no children, even when its value looks like TLVs */
  {
    g_autoptr (GBytes) prim = hex_bytes ("04035A0101");
    g_assert_true (esim_tlv_decode_bytes (prim, &tlv, &error));
    esim_tlv_iter_init (&iter, &tlv);
    g_assert_false (esim_tlv_iter_next (&iter, &child));
  }
}

static void
test_tlv_values (void)
{
  struct {
    const gchar *hex;
    gint64 v;
  } ints[] = {
    { "020100", 0 },
    { "02017F", 127 },
    { "02020080", 128 },
    { "0201FF", -1 },
    { "020180", -128 },
    { "0202FF7F", -129 },
    { "0208 7FFFFFFFFFFFFFFF", G_MAXINT64 },
  };
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ints); i++) {
    g_autoptr (GBytes) b = hex_bytes (ints[i].hex);
    g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
    g_autoptr (GBytes) enc = NULL;
    EsimTlv tlv;
    gint64 v = 0;

    g_assert_true (esim_tlv_decode_bytes (b, &tlv, &error));
    g_assert_true (esim_tlv_get_int (&tlv, &v, &error));
    g_assert_cmpint (v, ==, ints[i].v);
    /* DER minimal encoding round trips byte for byte */
    esim_tlv_builder_add_int (builder, 0x02, ints[i].v);
    enc = esim_tlv_builder_finish (builder);
    g_assert_true (g_bytes_equal (enc, b));
  }

  {
    g_autoptr (GBytes) b = hex_bytes ("8009 010203040506070809");
    EsimTlv tlv;
    guint64 u;
    gint64 v;
    g_assert_true (esim_tlv_decode_bytes (b, &tlv, &error));
    g_assert_false (esim_tlv_get_int (&tlv, &v, &error));
    g_assert_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE);
    g_clear_error (&error);
    g_assert_false (esim_tlv_get_uint (&tlv, &u, &error));
    g_assert_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE);
    g_clear_error (&error);
  }
  {
    g_autoptr (GBytes) b = hex_bytes ("8009 00FFFFFFFFFFFFFFFF");
    EsimTlv tlv;
    guint64 u = 0;
    g_assert_true (esim_tlv_decode_bytes (b, &tlv, &error));
    g_assert_true (esim_tlv_get_uint (&tlv, &u, &error));
    g_assert_cmpuint (u, ==, G_MAXUINT64);
  }
  {
    g_autoptr (GBytes) b = hex_bytes ("8000");
    EsimTlv tlv;
    gboolean v;
    guint64 u;
    g_assert_true (esim_tlv_decode_bytes (b, &tlv, &error));
    g_assert_false (esim_tlv_get_uint (&tlv, &u, &error));
    g_clear_error (&error);
    g_assert_false (esim_tlv_get_bool (&tlv, &v, &error));
    g_assert_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE);
    g_clear_error (&error);
  }
  {
    /* invalid UTF-8 and embedded NUL are refused */
    g_autoptr (GBytes) bad = hex_bytes ("9002C328");
    g_autoptr (GBytes) nul = hex_bytes ("90036100 62");
    EsimTlv tlv;
    g_autofree gchar *s1 = NULL;
    g_autofree gchar *s2 = NULL;
    g_assert_true (esim_tlv_decode_bytes (bad, &tlv, &error));
    s1 = esim_tlv_dup_string (&tlv, &error);
    g_assert_null (s1);
    g_assert_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE);
    g_clear_error (&error);
    g_assert_true (esim_tlv_decode_bytes (nul, &tlv, &error));
    s2 = esim_tlv_dup_string (&tlv, &error);
    g_assert_null (s2);
    g_clear_error (&error);
  }
  {
    /* bit strings: bad unused-bit counts */
    const gchar *bad[] = { "0300", "030108", "030207FF" };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
      g_autoptr (GBytes) b = hex_bytes (bad[i]);
      EsimTlv tlv;
      guint32 bits;
      g_assert_true (esim_tlv_decode_bytes (b, &tlv, &error));
      if (i == 2) {
        /* 7 unused bits with a full byte is legal BER, bit 0 set */
        g_assert_true (esim_tlv_get_bit_string (&tlv, &bits, &error));
        g_assert_cmphex (bits, ==, 0xff);
        continue;
      }
      g_assert_false (esim_tlv_get_bit_string (&tlv, &bits, &error));
      g_assert_error (error, ESIM_TLV_ERROR, ESIM_TLV_ERROR_BAD_VALUE);
      g_clear_error (&error);
    }
  }
}

static void
test_tlv_builder (void)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) out = NULL;
  g_autofree gchar *hex = NULL;
  const guint8 iccid[10] = { 0x98, 0x44, 0x47, 0x65, 0x00, 0x00, 0x12, 0x24, 0x15, 0xF6 };

  /* EnableProfileRequest: BF31 { A0 { 5A iccid } 81 FF } */
  esim_tlv_builder_begin (b, 0xBF31);
  esim_tlv_builder_begin (b, 0xA0);
  esim_tlv_builder_add (b, 0x5A, iccid, sizeof (iccid));
  esim_tlv_builder_end (b);
  esim_tlv_builder_add_bool (b, 0x81, TRUE);
  esim_tlv_builder_end (b);
  out = esim_tlv_builder_finish (b);
  hex = bytes_hex (out);
  g_assert_cmpstr (hex, ==, "BF3111A00C5A0A984447650000122415F68101FF");

  /* the builder is reusable after finish */
  g_clear_pointer (&out, g_bytes_unref);
  g_clear_pointer (&hex, g_free);
  esim_tlv_builder_begin (b, 0xBF34);
  esim_tlv_builder_add_bit_string (b, 0x82, 0x5, 3);
  esim_tlv_builder_end (b);
  esim_tlv_builder_begin (b, 0xBF28);
  esim_tlv_builder_add_bit_string (b, 0x81, 0x0, 4);
  esim_tlv_builder_end (b);
  out = esim_tlv_builder_finish (b);
  hex = bytes_hex (out);
  /* 101 in named bits 0..2 = A0 with 5 unused; empty bit string = 00 */
  g_assert_cmpstr (hex, ==, "BF3404820205A0BF2803810100");
}

static void
test_tlv_builder_long_lengths (void)
{
  gsize sizes[] = { 0, 127, 128, 255, 256, 65535, 65536, 70000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
    g_autofree guint8 *payload = g_malloc0 (sizes[i] + 1);
    g_autoptr (GBytes) out = NULL;
    g_autoptr (GError) error = NULL;
    EsimTlv tlv, inner;
    gsize hdr;

    memset (payload, 0xA5, sizes[i]);
    esim_tlv_builder_begin (b, 0xBF36);
    esim_tlv_builder_add (b, 0x86, payload, sizes[i]);
    esim_tlv_builder_end (b);
    out = esim_tlv_builder_finish (b);
    g_assert_true (esim_tlv_decode_expect (out, 0xBF36, &tlv, &error));
    g_assert_no_error (error);
    g_assert_true (esim_tlv_require (&tlv, 0x86, &inner, &error));
    g_assert_cmpuint (inner.length, ==, sizes[i]);
    g_assert_cmpmem (inner.value, inner.length, payload, sizes[i]);
    /* minimal length forms: 1, 2, 3 or 4 bytes */
    hdr = inner.raw_length - inner.length;
    g_assert_cmpuint (hdr, ==,
                      1
                        + (sizes[i] < 128     ? 1
                           : sizes[i] < 256   ? 2
                           : sizes[i] < 65536 ? 3
                                              : 4));
  }
}

static void
test_tlv_header_encode (void)
{
  guint8 out[9];

  g_assert_cmpuint (esim_tlv_encode_header (0x5A, 10, out), ==, 2);
  g_assert_cmpuint (esim_tlv_encode_header (0xBF2D, 0x1234, out), ==, 5);
  g_assert_cmphex (out[0], ==, 0xBF);
  g_assert_cmphex (out[2], ==, 0x82);
  g_assert_cmphex (out[3], ==, 0x12);
  g_assert_cmpuint (esim_tlv_encode_header (0xDF818203, 0x01000000, out), ==, 9);
  g_assert_cmphex (out[4], ==, 0x84);
  g_assert_cmpuint (esim_tlv_tag_size (0x9F70), ==, 2);
  g_assert_cmpuint (esim_tlv_tag_size (0xDF8101), ==, 3);
}

static void
test_tlv_parse_header_prefix (void)
{
  g_autoptr (GBytes) b = hex_bytes ("5A0101 9F700100");
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (b, &len);
  EsimTlv first, second;

  /* a stream of TLVs read one at a time */
  g_assert_true (esim_tlv_parse_header (data, len, &first, &error));
  g_assert_cmpuint (first.raw_length, ==, 3);
  g_assert_true (esim_tlv_parse_header (data + 3, len - 3, &second, &error));
  g_assert_cmphex (second.tag, ==, 0x9F70);
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tlv/single-byte-tag", test_tlv_single_byte_tag);
  g_test_add_func ("/tlv/multi-byte-tags", test_tlv_multi_byte_tags);
  g_test_add_func ("/tlv/lengths", test_tlv_lengths);
  g_test_add_func ("/tlv/trailing-and-nesting", test_tlv_trailing_and_nesting);
  g_test_add_func ("/tlv/iterate", test_tlv_iterate);
  g_test_add_func ("/tlv/values", test_tlv_values);
  g_test_add_func ("/tlv/builder", test_tlv_builder);
  g_test_add_func ("/tlv/builder-long-lengths", test_tlv_builder_long_lengths);
  g_test_add_func ("/tlv/header-encode", test_tlv_header_encode);
  g_test_add_func ("/tlv/parse-header-prefix", test_tlv_parse_header_prefix);
  return g_test_run ();
}
