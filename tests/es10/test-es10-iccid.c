/*
 * ICCID, EID and MCC/MNC codecs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "es10-test-util.h"
#include "esim-iccid.h"

static void
assert_iccid_roundtrip (const gchar *digits, const gchar *bcd_hex)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bcd = esim_iccid_to_bcd (digits, &error);
  g_autoptr (GBytes) expected = es10_test_bytes (bcd_hex);
  g_autofree gchar *back = NULL;

  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (bcd, expected));
  back
    = esim_iccid_from_bcd (g_bytes_get_data (expected, NULL), g_bytes_get_size (expected), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back, ==, digits);
  g_assert_true (esim_iccid_is_valid (digits));
}

static void
test_iccid_odd (void)
{
  /* 19 digits: the last digit in the low nibble, 'F' in the high one */
  assert_iccid_roundtrip ("8944476500001241581", "98447456000021148 5F1");
  assert_iccid_roundtrip ("8944476500001224158", "984474560000214251F8");
}

static void
test_iccid_even (void)
{
  assert_iccid_roundtrip ("89049032000000000017", "98400923000000000071");
  /* every nibble position swapped, nothing padded */
  assert_iccid_roundtrip ("12345678901234567890", "21436587092143658709");
  /* 18 digits: a whole padding byte */
  assert_iccid_roundtrip ("894447650000124158", "984474560000211485FF");
}

static void
assert_encode_error (const gchar *digits, EsimIccidError code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bcd = esim_iccid_to_bcd (digits, &error);

  g_assert_null (bcd);
  g_assert_error (error, ESIM_ICCID_ERROR, (gint) code);
  g_assert_false (esim_iccid_is_valid (digits));
}

static void
test_iccid_encode_errors (void)
{
  assert_encode_error ("", ESIM_ICCID_ERROR_INVALID_LENGTH);
  assert_encode_error ("89444765000012415", ESIM_ICCID_ERROR_INVALID_LENGTH);     /* 17 */
  assert_encode_error ("894447650000124158101", ESIM_ICCID_ERROR_INVALID_LENGTH); /* 21 */
  assert_encode_error ("8944a76500001241581", ESIM_ICCID_ERROR_INVALID_CHARACTER);
  assert_encode_error ("894447650000124158F", ESIM_ICCID_ERROR_INVALID_CHARACTER);
  assert_encode_error (" 8944476500001241581", ESIM_ICCID_ERROR_INVALID_CHARACTER);
  assert_encode_error ("8944476500001241581\n", ESIM_ICCID_ERROR_INVALID_CHARACTER);
}

static void
assert_decode_error (const gchar *hex, EsimIccidError code)
{
  g_autoptr (GBytes) bcd = es10_test_bytes (hex);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *digits
    = esim_iccid_from_bcd (g_bytes_get_data (bcd, NULL), g_bytes_get_size (bcd), &error);

  g_assert_null (digits);
  g_assert_error (error, ESIM_ICCID_ERROR, (gint) code);
}

static void
test_iccid_decode_errors (void)
{
  assert_decode_error ("98447456000021148 5", ESIM_ICCID_ERROR_INVALID_LENGTH); /* 9 bytes */
  assert_decode_error ("98447456000021148 5F1 00", ESIM_ICCID_ERROR_INVALID_LENGTH);
  assert_decode_error ("FFFFFFFFFFFFFFFFFFFF", ESIM_ICCID_ERROR_INVALID_LENGTH);
  /* 'F' then digits again */
  assert_decode_error ("9F447456000021148 5F1", ESIM_ICCID_ERROR_INVALID_PADDING);
  assert_decode_error ("98447456000021148FF1", ESIM_ICCID_ERROR_INVALID_PADDING);
  assert_decode_error ("984474560000211485 1F", ESIM_ICCID_ERROR_INVALID_PADDING);
  /* A..E are no digits */
  assert_decode_error ("9A447456000021148 5F1", ESIM_ICCID_ERROR_INVALID_BCD);
  assert_decode_error ("98447456000021148 5E1", ESIM_ICCID_ERROR_INVALID_BCD);
  /* too few digits before the padding */
  assert_decode_error ("98447456000021FFFFFF", ESIM_ICCID_ERROR_INVALID_LENGTH);
}

static void
test_hex (void)
{
  static const guint8 eid[ESIM_EID_SIZE] = { 0x89, 0x04, 0x90, 0x32, 0x12, 0x34, 0x51, 0x23,
                                             0x45, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x35 };
  g_autoptr (GError) error = NULL;
  g_autofree gchar *s = esim_eid_to_string (eid, sizeof (eid), &error);
  g_autofree gchar *short_eid = NULL;
  g_autoptr (GBytes) decoded = NULL;
  g_autoptr (GBytes) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (s, ==, "89049032123451234512345678901235");
  short_eid = esim_eid_to_string (eid, 15, &error);
  g_assert_null (short_eid);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  decoded = esim_hex_decode ("a0000005591010ffffffff8900000100", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (decoded), ==, 16);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (decoded, NULL))[0], ==, 0xA0);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (decoded, NULL))[15], ==, 0x00);
  bad = esim_hex_decode ("A0F", &error);
  g_assert_null (bad);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  bad = esim_hex_decode ("A0G0", &error);
  g_assert_null (bad);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_plmn (void)
{
  static const guint8 three[] = { 0x13, 0x00, 0x14 };
  static const guint8 two[] = { 0x62, 0xF2, 0x10 };
  static const guint8 bad[] = { 0x1A, 0x00, 0x14 };
  g_autoptr (GError) error = NULL;
  g_autofree gchar *mcc = NULL;
  g_autofree gchar *mnc = NULL;

  g_assert_true (esim_plmn_decode (three, 3, &mcc, &mnc, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (mcc, ==, "310");
  g_assert_cmpstr (mnc, ==, "410");
  g_clear_pointer (&mcc, g_free);
  g_clear_pointer (&mnc, g_free);
  g_assert_true (esim_plmn_decode (two, 3, &mcc, &mnc, &error));
  g_assert_cmpstr (mcc, ==, "262");
  g_assert_cmpstr (mnc, ==, "01");
  g_assert_false (esim_plmn_decode (bad, 3, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (esim_plmn_decode (three, 2, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/es10/iccid/odd", test_iccid_odd);
  g_test_add_func ("/es10/iccid/even", test_iccid_even);
  g_test_add_func ("/es10/iccid/encode-errors", test_iccid_encode_errors);
  g_test_add_func ("/es10/iccid/decode-errors", test_iccid_decode_errors);
  g_test_add_func ("/es10/iccid/hex", test_hex);
  g_test_add_func ("/es10/iccid/plmn", test_plmn);
  ret = g_test_run ();
  es10_test_free_all ();
  return ret;
}
