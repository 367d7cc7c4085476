/*
 * The simulated eUICC in process: APDU layer and ES10 functions, with raw
 * bytes in and exact DER out.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "esim-apdu.h"
#include "esim-tlv.h"
#include "esim-sim-card.h"
#include "esim-sim-upp.h"
#include "esim-test-sim.h"
#include "test-sim-util.h"

/* the seeded cards: A enabled, B disabled with a nickname, C a test
 * profile with PPR2 */
#define ICCID_A "98001032547698103214"
#define ICCID_B "989444999999990920F3"
#define ICCID_C "989444999999990961F3"
#define AID_A "A0000005591010FFFFFFFF8900001000"
#define AID_B "A0000005591010FFFFFFFF8900001100"
#define AID_C "A0000005591010FFFFFFFF8900001200"
#define ICCID_X "98001032547698103299"
#define AID_X "A0000005591010FFFFFFFF8900009900"
#define EID "89049032123451234512345678901235"

typedef struct {
  EsimSimCard *card;
  TestLink link;
  gchar *dir;
  GPtrArray *specs;
} Fixture;

static void
fixture_seed (Fixture *f, const gchar *file, const gchar *keys)
{
  g_autofree gchar *rel = g_build_filename ("fixtures/upp", file, NULL);
  g_autofree gchar *path = esim_test_shared_path (rel);

  g_ptr_array_insert (f->specs, (gint) f->specs->len - 1,
                      keys != NULL ? g_strdup_printf ("%s,%s", path, keys) : g_strdup (path));
}

static void
fixture_start (Fixture *f, gboolean strict_le)
{
  f->card = test_card_new ((const gchar *const *) f->specs->pdata, NULL, strict_le);
  test_link_card (&f->link, f->card);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->specs = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (f->specs, NULL);
  f->dir = g_dir_make_tmp ("esim-sim-test-XXXXXX", NULL);
  if (data == NULL)
    return;
  fixture_seed (f, "TS48v1_A.der", "state=enabled");
  fixture_seed (f, "TS48V1-A-UNIQUE.der", "nickname=Bee");
  fixture_seed (f, "TS48V5-SAIP2-3-BERTLV-SUCI-UNIQUE.der", "class=test,ppr=2,spn=Lab");
  fixture_start (f, FALSE);
  test_open_isdr (&f->link);
}

static void
rm_rf (const gchar *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);
    g_unlink (child);
  }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->card);
  g_ptr_array_unref (f->specs);
  rm_rf (f->dir);
  g_free (f->dir);
}

/* APDU layer */

static void
test_channels (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) d1 = NULL;
  g_autoptr (GBytes) d2 = NULL;
  g_autoptr (GBytes) d3 = NULL;

  fixture_start (f, FALSE);
  g_assert_cmphex (test_apdu (&f->link, "0070000001", &d1), ==, 0x9000);
  test_assert_bytes (d1, "01");
  g_assert_cmphex (test_apdu (&f->link, "0070000001", &d2), ==, 0x9000);
  test_assert_bytes (d2, "02");
  g_assert_cmphex (test_apdu (&f->link, "0070000001", &d3), ==, 0x9000);
  test_assert_bytes (d3, "03");
  /* three extra channels at most */
  g_assert_cmphex (test_apdu (&f->link, "0070000001", NULL), ==, 0x6A81);
  /* close channel 2 from itself, then it is gone */
  g_assert_cmphex (test_apdu (&f->link, "02708002", NULL), ==, 0x9000);
  g_assert_cmphex (test_apdu (&f->link, "02A4040005A000000559", NULL), ==, 0x6881);
  g_assert_cmphex (test_apdu (&f->link, "00708002", NULL), ==, 0x6881);
  /* the freed number comes back */
  g_clear_pointer (&d2, g_bytes_unref);
  g_assert_cmphex (test_apdu (&f->link, "0070000001", &d2), ==, 0x9000);
  test_assert_bytes (d2, "02");
  /* close from the basic channel by P2; the basic channel stays */
  g_assert_cmphex (test_apdu (&f->link, "00708003", NULL), ==, 0x9000);
  g_assert_cmphex (test_apdu (&f->link, "00708000", NULL), ==, 0x6A86);
  /* channels 4..19 in the further interindustry CLA are never open */
  g_assert_cmphex (test_apdu (&f->link, "40A4040005A000000559", NULL), ==, 0x6881);
  g_assert_cmphex (test_apdu (&f->link, "4F708000", NULL), ==, 0x6881);
  /* class and instruction checks */
  g_assert_cmphex (test_apdu (&f->link, "20A40400", NULL), ==, 0x6E00);
  g_assert_cmphex (test_apdu (&f->link, "FFA40400", NULL), ==, 0x6E00);
  g_assert_cmphex (test_apdu (&f->link, "80700000", NULL), ==, 0x6E00);
  g_assert_cmphex (test_apdu (&f->link, "00B0000000", NULL), ==, 0x6D00);
  g_assert_cmphex (test_apdu (&f->link, "0070", NULL), ==, 0x6700);
  g_assert_cmphex (test_apdu (&f->link, "00A4040005A0000005", NULL), ==, 0x6700);
  g_assert_cmphex (test_apdu (&f->link, "00700100", NULL), ==, 0x6A86);
}

static void
test_select (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) fci = NULL;

  fixture_start (f, FALSE);
  /* ES10 needs the ISD-R selected */
  g_assert_cmphex (test_es10_sw (&f->link, "BF3E035C015A"), ==, 0x6985);
  g_assert_cmphex (test_apdu (&f->link, "00A4040010A0000005591010FFFFFFFF8900000199", NULL), ==,
                   0x6A82);
  g_assert_cmphex (test_apdu (&f->link, "00A4040010" ESIM_SIM_ISDR_AID "00", NULL), ==, 0x6121);
  g_assert_cmphex (test_apdu (&f->link, "00C0000021", &fci), ==, 0x9000);
  test_assert_bytes (fci, "6F1F 8410" ESIM_SIM_ISDR_AID " A504 9F6501FF E005 8203020202");
  /* GET RESPONSE with nothing pending */
  g_assert_cmphex (test_apdu (&f->link, "00C0000000", NULL), ==, 0x6985);
  /* a partial AID with "no response data" */
  g_assert_cmphex (test_apdu (&f->link, "00A4040C07A0000005591010", NULL), ==, 0x9000);
  g_assert_cmphex (test_apdu (&f->link, "00A4000002 3F00", NULL), ==, 0x6A86);
  {
    g_autoptr (GBytes) eid = test_es10_hex (&f->link, "BF3E035C015A");
    test_assert_bytes (eid, "BF3E12 5A10" EID);
  }
  /* an unknown AID leaves the selection alone */
  g_assert_cmphex (test_apdu (&f->link, "00A4040005A000000001", NULL), ==, 0x6A82);
  g_assert_cmphex (test_es10_sw (&f->link, "BF3E035C015A"), ==, 0x9000);
}

static void
test_store_data (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) address = g_string_new (NULL);
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;
  g_autoptr (GBytes) response = NULL;
  g_autoptr (GBytes) addresses = NULL;
  g_autofree gchar *expected = NULL;
  g_autofree gchar *hex = NULL;

  fixture_start (f, FALSE);
  test_open_isdr (&f->link);
  /* a 600-byte request in three blocks of 255, 255 and 96 bytes */
  for (guint i = 0; i < 58; i++)
    g_string_append (address, "abcdefghi.");
  g_string_append (address, "example");
  esim_tlv_builder_begin (b, 0xBF3F);
  esim_tlv_builder_add_string (b, 0x80, address->str);
  esim_tlv_builder_end (b);
  request = esim_tlv_builder_finish (b);
  g_assert_cmpuint (g_bytes_get_size (request), >, 510);
  response = test_es10 (&f->link, request, 0);
  test_assert_bytes (response, "BF3F03800100");
  addresses = test_es10_hex (&f->link, "BF3C00");
  hex = esim_sim_hex_encode ((const guint8 *) address->str, address->len);
  expected = g_strdup_printf ("BF3C82%04X 80820%03X%s 8118%s", (guint) (4 + address->len + 26),
                              (guint) address->len, hex,
                              "74657374726F6F74736D64732E6578616D706C652E636F6D");
  test_assert_bytes (addresses, expected);

  /* tiny blocks work as well */
  g_clear_pointer (&response, g_bytes_unref);
  g_clear_pointer (&request, g_bytes_unref);
  request = test_hex ("BF3E035C015A");
  response = test_es10 (&f->link, request, 1);
  test_assert_bytes (response, "BF3E125A10" EID);

  /* a skipped block number drops the command */
  g_assert_cmphex (test_apdu (&f->link, "81E2110003BF3E03", NULL), ==, 0x9000);
  g_assert_cmphex (test_apdu (&f->link,
                              "81E2910203"
                              "5C015A",
                              NULL),
                   ==, 0x6A86);
  g_assert_cmphex (test_apdu (&f->link,
                              "81E2910103"
                              "5C015A",
                              NULL),
                   ==, 0x6A86);
  /* a continuation without a start */
  g_assert_cmphex (test_apdu (&f->link,
                              "81E2910103"
                              "5C015A",
                              NULL),
                   ==, 0x6A86);
  /* bad P1 */
  g_assert_cmphex (test_apdu (&f->link, "81E2000006BF3E035C015A", NULL), ==, 0x6A86);
  /* ISO class for a GlobalPlatform command */
  g_assert_cmphex (test_apdu (&f->link, "01E2910006BF3E035C015A", NULL), ==, 0x6E00);
  /* not exactly one TLV, a truncated one, an unknown function */
  g_assert_cmphex (test_es10_sw (&f->link, "BF3E035C015A00"), ==, 0x6A80);
  g_assert_cmphex (test_es10_sw (&f->link, "BF3E045C015A"), ==, 0x6A80);
  g_assert_cmphex (test_es10_sw (&f->link, "BF7F00"), ==, 0x6A88);
  g_assert_cmphex (test_es10_sw (&f->link, "800100"), ==, 0x6A88);
  /* and a good one still works after all that */
  g_assert_cmphex (test_es10_sw (&f->link, "BF3E035C015A"), ==, 0x9000);
}

static void
test_get_response (Fixture *f, gconstpointer data)
{
  g_autofree gchar *icon_path = g_build_filename (f->dir, "icon.png", NULL);
  g_autofree gchar *keys = g_strdup_printf ("icon=%s", icon_path);
  g_autofree guint8 *icon = g_malloc (1024);
  g_autoptr (GBytes) part = NULL;
  g_autoptr (GBytes) all = NULL;
  g_autoptr (GByteArray) joined = g_byte_array_new ();
  EsimTlv tlv;
  EsimTlv list;
  EsimTlv info;
  EsimTlv field;
  guint16 sw;

  for (guint i = 0; i < 1024; i++)
    icon[i] = (guint8) i;
  g_assert_true (g_file_set_contents (icon_path, (const gchar *) icon, 1024, NULL));
  fixture_seed (f, "TS48v1_A.der", keys);
  fixture_start (f, FALSE);
  test_open_isdr (&f->link);

  /* more than 256 bytes: 61 00, then pieces, Le may be smaller */
  g_assert_cmphex (test_apdu (&f->link, "81E2910003BF2D00", NULL), ==, 0x6100);
  sw = test_apdu (&f->link, "81C0000000", &part);
  g_assert_cmphex (sw, ==, 0x6100);
  g_assert_cmpuint (g_bytes_get_size (part), ==, 256);
  g_byte_array_append (joined, g_bytes_get_data (part, NULL), 256);
  g_clear_pointer (&part, g_bytes_unref);
  sw = test_apdu (&f->link, "01C0000010", &part);
  g_assert_cmpuint (g_bytes_get_size (part), ==, 16);
  g_byte_array_append (joined, g_bytes_get_data (part, NULL), 16);
  while ((sw & 0xff00) == 0x6100) {
    g_autoptr (GBytes) more = NULL;
    g_autofree gchar *get = g_strdup_printf ("81C00000%02X", sw & 0xff);
    sw = test_apdu (&f->link, get, &more);
    g_byte_array_append (joined, g_bytes_get_data (more, NULL), (guint) g_bytes_get_size (more));
  }
  g_assert_cmphex (sw, ==, 0x9000);
  all = g_byte_array_free_to_bytes (g_steal_pointer (&joined));
  g_assert_true (esim_tlv_decode_expect (all, 0xBF2D, &tlv, NULL));
  g_assert_true (esim_tlv_find (&tlv, 0xA0, &list));
  g_assert_true (esim_tlv_find (&list, 0xE3, &info));
  g_assert_true (esim_tlv_find (&info, 0x93, &field));
  g_assert_cmpuint (field.value[0], ==, 1);
  g_assert_true (esim_tlv_find (&info, 0x94, &field));
  g_assert_cmpmem (field.value, field.length, icon, 1024);

  /* another command in between throws the rest away */
  g_assert_cmphex (test_apdu (&f->link, "81E2910003BF2D00", NULL), ==, 0x6100);
  g_assert_cmphex (test_apdu (&f->link, "01B0000000", NULL), ==, 0x6D00);
  g_assert_cmphex (test_apdu (&f->link, "81C0000000", NULL), ==, 0x6985);
  g_assert_cmphex (test_apdu (&f->link, "81C0010000", NULL), ==, 0x6A86);
}

static void
test_strict_le (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) eid = NULL;

  fixture_start (f, TRUE);
  g_assert_cmphex (test_apdu (&f->link, "0070000001", NULL), ==, 0x9000);
  g_assert_cmphex (test_apdu (&f->link,
                              "01A404000C"
                              "A0000005591010FFFFFFFF89",
                              NULL),
                   ==, 0x6121);
  /* 00 (256) is not the exact length: retry with 6C's number */
  g_assert_cmphex (test_apdu (&f->link, "01C0000000", NULL), ==, 0x6C21);
  g_assert_cmphex (test_apdu (&f->link, "01C0000010", NULL), ==, 0x6C21);
  g_assert_cmphex (test_apdu (&f->link, "01C0000021", NULL), ==, 0x9000);
  g_assert_cmphex (test_apdu (&f->link, "81E2910006BF3E035C015A", NULL), ==, 0x6115);
  g_assert_cmphex (test_apdu (&f->link, "81C00000", NULL), ==, 0x6C15);
  g_assert_cmphex (test_apdu (&f->link, "81C0000015", &eid), ==, 0x9000);
  test_assert_bytes (eid, "BF3E125A10" EID);
}

static void
test_reset (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) atr = NULL;

  fixture_start (f, FALSE);
  test_open_isdr (&f->link);
  g_assert_cmphex (test_apdu (&f->link, "81E2110003BF3E03", NULL), ==, 0x9000);
  atr = esim_sim_card_reset (f->card);
  test_assert_bytes (atr, "3B9F96801FC78031E073FE211B63F100829000 0D");
  /* channels closed, the half command gone */
  g_assert_cmphex (test_apdu (&f->link, "81E2910103 5C015A", NULL), ==, 0x6881);
  f->link.channel = 0;
  g_assert_cmphex (test_es10_sw (&f->link, "BF3E035C015A"), ==, 0x6985);
  test_open_isdr (&f->link);
  g_assert_cmpuint (f->link.channel, ==, 1);
  g_assert_cmphex (test_apdu (&f->link, "81E2910103 5C015A", NULL), ==, 0x6A86);
}

/* ES10 */

#define HEX_SPN "54657374204F70657261746F72"
#define HEX_NAME "47534D412047656E6572696320655549434320546573742050726F66696C65"
#define HEX_NOTIFY "736D64702E6578616D706C652E74657374"

static void
test_es10_info (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) info1 = test_es10_hex (&f->link, "BF2000");
  g_autoptr (GBytes) info2 = test_es10_hex (&f->link, "BF2200");
  g_autoptr (GBytes) challenge1 = test_es10_hex (&f->link, "BF2E00");
  g_autoptr (GBytes) challenge2 = test_es10_hex (&f->link, "BF2E00");
  g_autoptr (GBytes) rat = test_es10_hex (&f->link, "BF4300");
  g_autoptr (GBytes) cancel = test_es10_hex (&f->link, "BF4106800101810100");
  g_autoptr (GBytes) cancel_bad = test_es10_hex (&f->link, "BF4100");
  g_autoptr (GBytes) addresses = test_es10_hex (&f->link, "BF3C00");
  g_autoptr (GBytes) eid = test_es10_hex (&f->link, "BF3E035C015A");
  g_autoptr (GBytes) ecr = NULL;
  EsimTlv tlv;
  EsimTlv field;

  test_assert_bytes (info1, "BF2061 8203020202"
                            " A92C 0414F54172BDF98A95D65CBEB88A38A1C11D800A85C3"
                            " 0414C0BC70BA36929D43B467FF57570530E57AB8FCD8"
                            " AA2C 0414F54172BDF98A95D65CBEB88A38A1C11D800A85C3"
                            " 0414C0BC70BA36929D43B467FF57570530E57AB8FCD8");
  g_assert_true (esim_tlv_decode_expect (info2, 0xBF22, &tlv, NULL));
  g_assert_true (esim_tlv_find (&tlv, 0x82, &field));
  g_assert_cmpmem (field.value, field.length, "\x02\x02\x02", 3);
  g_assert_true (esim_tlv_find (&tlv, 0x81, &field));
  g_assert_true (esim_tlv_find (&tlv, 0x83, &field));
  g_assert_true (esim_tlv_find (&tlv, 0x85, &field));
  g_assert_true (esim_tlv_find (&tlv, 0x88, &field));
  g_assert_true (esim_tlv_find (&tlv, 0xA9, &field));
  g_assert_cmpuint (esim_tlv_count_children (&field), ==, 2);
  g_assert_true (esim_tlv_find (&tlv, 0x04, &field));
  g_assert_true (esim_tlv_find (&tlv, 0x0C, &field));
  g_assert_true (esim_tlv_find (&tlv, 0x84, &field));
  /* three profiles: 11768 + 11768 + 12284 bytes used of 1 MiB */
  ecr = esim_tlv_dup_value (&field);
  test_assert_bytes (ecr, "810103 82030F7414 83028000");

  g_assert_cmpuint (g_bytes_get_size (challenge1), ==, 21);
  g_assert_cmpmem (g_bytes_get_data (challenge1, NULL), 4, "\xBF\x2E\x12\x80", 4);
  g_assert_false (g_bytes_equal (challenge1, challenge2));
  test_assert_bytes (rat, "BF4302A000");
  test_assert_bytes (cancel, "BF4103810105");
  test_assert_bytes (cancel_bad, "BF410381017F");
  test_assert_bytes (addresses, "BF3C1A 8118 74657374726F6F74736D64732E6578616D706C652E636F6D");
  test_assert_bytes (eid, "BF3E125A10" EID);
  g_assert_cmphex (test_es10_sw (&f->link, "BF3E035C014F"), ==, 0x6A80);
}

static void
test_es10_addresses (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) set = test_es10_hex (&f->link, "BF3F0E800C736D64702E6578616D706C65");
  g_autoptr (GBytes) get = test_es10_hex (&f->link, "BF3C00");
  g_autoptr (GBytes) bad = test_es10_hex (&f->link, "BF3F00");
  g_autoptr (GBytes) reset = test_es10_hex (&f->link, "BF3404 82020520");
  g_autoptr (GBytes) again = test_es10_hex (&f->link, "BF3404 82020520");
  g_autoptr (GBytes) after = test_es10_hex (&f->link, "BF3C00");

  test_assert_bytes (set, "BF3F03800100");
  test_assert_bytes (get, "BF3C28 800C736D64702E6578616D706C65"
                          " 8118 74657374726F6F74736D64732E6578616D706C652E636F6D");
  test_assert_bytes (bad, "BF3F0380017F");
  test_assert_bytes (reset, "BF3403800100");
  test_assert_bytes (again, "BF3403800101");
  test_assert_bytes (after, "BF3C1A 8118 74657374726F6F74736D64732E6578616D706C652E636F6D");
}

static void
test_es10_profiles_info (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) brief = test_es10_hex (&f->link, "BF2D05 5C035A9F70");
  g_autoptr (GBytes) by_iccid = test_es10_hex (&f->link, "BF2D0E A00C5A0A" ICCID_B);
  g_autoptr (GBytes) by_aid = test_es10_hex (&f->link, "BF2D17 A0124F10" AID_C " 5C0195");
  g_autoptr (GBytes) by_class = test_es10_hex (&f->link, "BF2D0A A003950100 5C034F9F70");
  g_autoptr (GBytes) unknown = test_es10_hex (&f->link, "BF2D0E A00C5A0A" ICCID_X);
  g_autoptr (GBytes) bad_class = test_es10_hex (&f->link, "BF2D05 A003950107");
  g_autoptr (GBytes) bad_iccid = test_es10_hex (&f->link, "BF2D05 A0035A0189");
  g_autoptr (GBytes) bad_empty = test_es10_hex (&f->link, "BF2D02 A000");
  g_autoptr (GBytes) bad_tags = test_es10_hex (&f->link, "BF2D03 5C019F");
  g_autoptr (GBytes) all = test_es10_hex (&f->link, "BF2D00");
  EsimTlv tlv;
  EsimTlv list;

  test_assert_bytes (brief, "BF2D38 A036"
                            " E310 5A0A" ICCID_A " 9F700101"
                            " E310 5A0A" ICCID_B " 9F700100"
                            " E310 5A0A" ICCID_C " 9F700100");
  test_assert_bytes (by_iccid, "BF2D76 A074 E372 5A0A" ICCID_B " 4F10" AID_B " 9F700100"
                               " 9003426565 910D" HEX_SPN " 921F" HEX_NAME
                               " B619 3017 800204F0 8111" HEX_NOTIFY);
  /* a test profile carries its class; operational is the DER default */
  test_assert_bytes (by_aid, "BF2D07 A005 E303 950100");
  test_assert_bytes (by_class, "BF2D1A A018 E316 4F10" AID_C " 9F700100");
  test_assert_bytes (unknown, "BF2D02A000");
  test_assert_bytes (bad_class, "BF2D03810101");
  test_assert_bytes (bad_iccid, "BF2D03810101");
  test_assert_bytes (bad_empty, "BF2D03810101");
  test_assert_bytes (bad_tags, "BF2D03810101");
  g_assert_true (esim_tlv_decode_expect (all, 0xBF2D, &tlv, NULL));
  g_assert_true (esim_tlv_find (&tlv, 0xA0, &list));
  g_assert_cmpuint (esim_tlv_count_children (&list), ==, 3);
}

static guint8
profile_state (Fixture *f, const gchar *iccid)
{
  g_autofree gchar *request = g_strdup_printf ("BF2D12 A00C5A0A%s 5C029F70", iccid);
  g_autoptr (GBytes) response = test_es10_hex (&f->link, request);
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (response, &len);

  if (len == 5)
    return 0xFF; /* no such profile */
  g_assert_cmpuint (len, ==, 11);
  return buf[10];
}

static void
assert_result (Fixture *f, const gchar *request, const gchar *expected)
{
  g_autoptr (GBytes) response = test_es10_hex (&f->link, request);

  test_assert_bytes (response, expected);
}

static void
test_es10_enable_disable (Fixture *f, gconstpointer data)
{
  /* enabling B disables A: one enabled profile at a time */
  assert_result (f, "BF3111 A00C5A0A" ICCID_B " 8101FF", "BF3103800100");
  g_assert_cmpuint (profile_state (f, ICCID_A), ==, 0);
  g_assert_cmpuint (profile_state (f, ICCID_B), ==, 1);
  assert_result (f, "BF3111 A00C5A0A" ICCID_B " 8101FF", "BF3103800102");
  assert_result (f, "BF3111 A00C5A0A" ICCID_X " 8101FF", "BF3103800101");
  assert_result (f, "BF3117 A0124F10" AID_X " 810100", "BF3103800101");
  assert_result (f, "BF3103 8101FF", "BF310380017F");
  assert_result (f, "BF310E A00C5A0A" ICCID_B, "BF310380017F");
  assert_result (f, "BF3108 A0035A0189 8101FF", "BF310380017F");
  /* by AID */
  assert_result (f, "BF3117 A0124F10" AID_C " 810100", "BF3103800100");
  g_assert_cmpuint (profile_state (f, ICCID_B), ==, 0);
  g_assert_cmpuint (profile_state (f, ICCID_C), ==, 1);
  /* disable */
  assert_result (f, "BF3211 A00C5A0A" ICCID_A " 8101FF", "BF3203800102");
  assert_result (f, "BF3211 A00C5A0A" ICCID_X " 8101FF", "BF3203800101");
  assert_result (f, "BF3200", "BF320380017F");
  assert_result (f, "BF3217 A0124F10" AID_C " 8101FF", "BF3203800100");
  g_assert_cmpuint (profile_state (f, ICCID_C), ==, 0);
  assert_result (f, "BF3217 A0124F10" AID_C " 8101FF", "BF3203800102");
}

static void
test_es10_ppr1 (Fixture *f, gconstpointer data)
{
  fixture_seed (f, "TS48v1_A.der", "state=enabled,ppr=1");
  fixture_seed (f, "TS48V1-A-UNIQUE.der", NULL);
  fixture_start (f, FALSE);
  test_open_isdr (&f->link);
  assert_result (f, "BF3111 A00C5A0A" ICCID_B " 8101FF", "BF3103800103");
  assert_result (f, "BF3211 A00C5A0A" ICCID_A " 8101FF", "BF3203800103");
  g_assert_cmpuint (profile_state (f, ICCID_A), ==, 1);
  g_assert_cmpuint (profile_state (f, ICCID_B), ==, 0);
  /* PPR1 says nothing about deleting a disabled profile */
  assert_result (f, "BF330C 5A0A" ICCID_B, "BF3303800100");
}

static guint64
free_memory (Fixture *f)
{
  g_autoptr (GBytes) info2 = test_es10_hex (&f->link, "BF2200");
  EsimTlv tlv;
  EsimTlv ecr;
  EsimTlv free_nvm;
  guint64 v = 0;

  g_assert_true (esim_tlv_decode_expect (info2, 0xBF22, &tlv, NULL));
  g_assert_true (esim_tlv_find (&tlv, 0x84, &ecr));
  /* extCardResource holds TLVs without an outer tag */
  g_assert_true (esim_tlv_parse_header (ecr.value, ecr.length, &free_nvm, NULL));
  g_assert_cmphex (free_nvm.tag, ==, 0x81);
  g_assert_true (esim_tlv_parse_header (free_nvm.value + free_nvm.length,
                                        ecr.length - free_nvm.raw_length, &free_nvm, NULL));
  g_assert_cmphex (free_nvm.tag, ==, 0x82);
  for (gsize i = 0; i < free_nvm.length; i++)
    v = (v << 8) | free_nvm.value[i];
  return v;
}

static void
test_es10_delete (Fixture *f, gconstpointer data)
{
  guint64 before = free_memory (f);

  g_assert_cmpuint (before, ==, 1048576 - 11768 - 11768 - 12284);
  assert_result (f, "BF330C 5A0A" ICCID_A, "BF3303800102");
  assert_result (f, "BF3312 4F10" AID_C, "BF3303800103");
  assert_result (f, "BF330C 5A0A" ICCID_X, "BF3303800101");
  assert_result (f, "BF3300", "BF330380017F");
  assert_result (f, "BF3303 800100", "BF330380017F");
  assert_result (f, "BF3312 4F10" AID_B, "BF3303800100");
  assert_result (f, "BF3312 4F10" AID_B, "BF3303800101");
  g_assert_cmpuint (profile_state (f, ICCID_B), ==, 0xFF);
  g_assert_cmpuint (free_memory (f), ==, before + 11768);
}

static void
test_es10_memory_reset (Fixture *f, gconstpointer data)
{
  fixture_seed (f, "TS48v1_A.der", "state=enabled,ppr=12");
  fixture_seed (f, "TS48V1-A-UNIQUE.der", NULL);
  fixture_seed (f, "TS48V5-SAIP2-3-BERTLV-SUCI-UNIQUE.der", "class=test");
  fixture_seed (f, "TS48v1_B.der", "class=provisioning,iccid=8900012345678901239");
  fixture_start (f, FALSE);
  test_open_isdr (&f->link);

  assert_result (f, "BF3400", "BF340380017F");
  /* operational profiles go whatever their state and rules */
  assert_result (f, "BF3404 82020780", "BF3403800100");
  g_assert_cmpuint (profile_state (f, ICCID_A), ==, 0xFF);
  g_assert_cmpuint (profile_state (f, ICCID_B), ==, 0xFF);
  g_assert_cmpuint (profile_state (f, ICCID_C), ==, 0);
  g_assert_cmpuint (profile_state (f, "980010325476981032F9"), ==, 0);
  assert_result (f, "BF3404 82020780", "BF3403800101");
  assert_result (f, "BF3404 82020640", "BF3403800100");
  g_assert_cmpuint (profile_state (f, ICCID_C), ==, 0xFF);
  /* provisioning profiles stay */
  assert_result (f, "BF3404 820205E0", "BF3403800101");
  g_assert_cmpuint (profile_state (f, "980010325476981032F9"), ==, 0);
  {
    /* one delete notification per deleted profile, A's first */
    g_autoptr (GBytes) list = test_es10_hex (&f->link, "BF2804 81020410");
    EsimTlv tlv;
    EsimTlv items;
    g_assert_true (esim_tlv_decode_expect (list, 0xBF28, &tlv, NULL));
    g_assert_true (esim_tlv_find (&tlv, 0xA0, &items));
    g_assert_cmpuint (esim_tlv_count_children (&items), ==, 3);
  }
  g_assert_cmpuint (free_memory (f), ==, 1048576 - 11785);
}

static void
test_es10_nickname (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) info = NULL;

  assert_result (f, "BF2911 5A0A" ICCID_A " 9003 4E6577", "BF2903800100");
  info = test_es10_hex (&f->link, "BF2D11 A00C5A0A" ICCID_A " 5C0190");
  test_assert_bytes (info, "BF2D09 A007 E305 90034E6577");
  assert_result (f, "BF290E 5A0A" ICCID_A " 9000", "BF2903800100");
  g_clear_pointer (&info, g_bytes_unref);
  info = test_es10_hex (&f->link, "BF2D11 A00C5A0A" ICCID_A " 5C0190");
  test_assert_bytes (info, "BF2D04 A002 E300");
  assert_result (f, "BF2911 5A0A" ICCID_X " 9003 4E6577", "BF2903800101");
  assert_result (f, "BF290C 5A0A" ICCID_A, "BF290380017F");
}

static void
verify_signed_notification (const EsimTlv *pending, GBytes *euicc_cert)
{
  EsimTlvIter iter;
  EsimTlv tbs;
  EsimTlv sig;
  EsimTlv cert;
  EsimTlv eum;
  gnutls_x509_crt_t crt;
  gnutls_pubkey_t pub;
  gnutls_datum_t der = { NULL, 0 };
  gnutls_datum_t r;
  gnutls_datum_t s;
  gnutls_datum_t data;
  guint8 tampered[64];

  g_assert_cmphex (pending->tag, ==, 0x30);
  esim_tlv_iter_init (&iter, pending);
  g_assert_true (esim_tlv_iter_next (&iter, &tbs));
  g_assert_cmphex (tbs.tag, ==, 0xBF2F);
  g_assert_true (esim_tlv_iter_next (&iter, &sig));
  g_assert_cmphex (sig.tag, ==, 0x5F37);
  g_assert_cmpuint (sig.length, ==, 64);
  g_assert_true (esim_tlv_iter_next (&iter, &cert));
  g_assert_cmpmem (cert.raw, cert.raw_length, g_bytes_get_data (euicc_cert, NULL),
                   g_bytes_get_size (euicc_cert));
  g_assert_true (esim_tlv_iter_next (&iter, &eum));
  g_assert_cmphex (eum.tag, ==, 0x30);
  g_assert_false (esim_tlv_iter_next (&iter, &eum));

  gnutls_x509_crt_init (&crt);
  data.data = (guchar *) cert.raw;
  data.size = (guint) cert.raw_length;
  g_assert_cmpint (gnutls_x509_crt_import (crt, &data, GNUTLS_X509_FMT_DER), ==, 0);
  gnutls_pubkey_init (&pub);
  g_assert_cmpint (gnutls_pubkey_import_x509 (pub, crt, 0), ==, 0);

  r.data = (guchar *) sig.value;
  r.size = 32;
  s.data = (guchar *) sig.value + 32;
  s.size = 32;
  g_assert_cmpint (gnutls_encode_rs_value (&der, &r, &s), ==, 0);
  data.data = (guchar *) tbs.raw;
  data.size = (guint) tbs.raw_length;
  g_assert_cmpint (gnutls_pubkey_verify_data2 (pub, GNUTLS_SIGN_ECDSA_SHA256, 0, &data, &der), >=,
                   0);
  gnutls_free (der.data);

  /* a changed signature must not verify: the check above can fail */
  memcpy (tampered, sig.value, 64);
  tampered[40] ^= 0x01;
  s.data = tampered + 32;
  g_assert_cmpint (gnutls_encode_rs_value (&der, &r, &s), ==, 0);
  g_assert_cmpint (gnutls_pubkey_verify_data2 (pub, GNUTLS_SIGN_ECDSA_SHA256, 0, &data, &der), <,
                   0);
  gnutls_free (der.data);
  gnutls_pubkey_deinit (pub);
  gnutls_x509_crt_deinit (crt);
}

#define META(seq, bits, iccid) "BF2F26 8001" seq " 8102" bits " 0C11" HEX_NOTIFY " 5A0A" iccid

static void
test_es10_notifications (Fixture *f, gconstpointer data)
{
  g_autofree gchar *cert_path
    = esim_test_shared_path ("fixtures/sgp26/eUICC/CERT_EUICC_ECDSA_NIST.der");
  g_autoptr (GMappedFile) cert_file = g_mapped_file_new (cert_path, FALSE, NULL);
  g_autoptr (GBytes) cert = g_mapped_file_get_bytes (cert_file);
  g_autoptr (GBytes) empty = test_es10_hex (&f->link, "BF2800");
  g_autoptr (GBytes) list = NULL;
  g_autoptr (GBytes) enables = NULL;
  g_autoptr (GBytes) all = NULL;
  g_autoptr (GBytes) one = NULL;
  EsimTlv tlv;
  EsimTlv items;
  EsimTlv item;
  EsimTlv meta;
  EsimTlvIter iter;
  guint n = 0;

  test_assert_bytes (empty, "BF2802A000");
  assert_result (f, "BF2B00", "BF2B02A000");
  assert_result (f, "BF3111 A00C5A0A" ICCID_B " 8101FF", "BF3103800100");
  list = test_es10_hex (&f->link, "BF2800");
  test_assert_bytes (list,
                     "BF2854 A052 " META ("01", "0520", ICCID_A) " " META ("02", "0640", ICCID_B));
  enables = test_es10_hex (&f->link, "BF2804 81020640");
  test_assert_bytes (enables, "BF282B A029 " META ("02", "0640", ICCID_B));

  all = test_es10_hex (&f->link, "BF2B00");
  g_assert_true (esim_tlv_decode_expect (all, 0xBF2B, &tlv, NULL));
  g_assert_true (esim_tlv_find (&tlv, 0xA0, &items));
  esim_tlv_iter_init (&iter, &items);
  while (esim_tlv_iter_next (&iter, &item)) {
    verify_signed_notification (&item, cert);
    g_assert_true (esim_tlv_find (&item, 0xBF2F, &meta));
    g_assert_cmpuint (meta.value[2], ==, ++n);
  }
  g_assert_cmpuint (n, ==, 2);

  one = test_es10_hex (&f->link, "BF2B05 A003800102");
  g_assert_true (esim_tlv_decode_expect (one, 0xBF2B, &tlv, NULL));
  g_assert_true (esim_tlv_find (&tlv, 0xA0, &items));
  g_assert_cmpuint (esim_tlv_count_children (&items), ==, 1);
  assert_result (f, "BF2B05 A003800163", "BF2B03810101");
  assert_result (f, "BF2B06 A00481020410", "BF2B02A000");
  assert_result (f, "BF2B04 A0028100", "BF2B0381017F");

  /* removal */
  assert_result (f, "BF3003 800101", "BF3003800100");
  assert_result (f, "BF3003 800101", "BF3003800101");
  assert_result (f, "BF3000", "BF300380017F");
  /* sequence numbers keep counting */
  assert_result (f, "BF330C 5A0A" ICCID_A, "BF3303800100");
  g_clear_pointer (&list, g_bytes_unref);
  list = test_es10_hex (&f->link, "BF2800");
  test_assert_bytes (list,
                     "BF2854 A052 " META ("02", "0640", ICCID_B) " " META ("03", "0410", ICCID_A));
}

static void
test_es10_notify_config (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) info = NULL;

  fixture_seed (f, "TS48v1_A.der", "state=enabled,events=none");
  fixture_seed (f, "TS48V1-A-UNIQUE.der", "notify=");
  fixture_seed (f, "TS48V5-SAIP2-3-BERTLV-SUCI-UNIQUE.der", "events=delete,notify=x.test");
  fixture_start (f, FALSE);
  test_open_isdr (&f->link);
  assert_result (f, "BF3111 A00C5A0A" ICCID_B " 8101FF", "BF3103800100");
  assert_result (f, "BF3111 A00C5A0A" ICCID_C " 8101FF", "BF3103800100");
  assert_result (f, "BF3211 A00C5A0A" ICCID_C " 8101FF", "BF3203800100");
  assert_result (f, "BF2800", "BF2802A000");
  assert_result (f, "BF330C 5A0A" ICCID_C, "BF3303800100");
  assert_result (f, "BF2800", "BF2820 A01E BF2F1B 800101 81020410 0C06782E74657374 5A0A" ICCID_C);
  info = test_es10_hex (&f->link, "BF2D11 A00C5A0A" ICCID_B " 5C01B6");
  test_assert_bytes (info, "BF2D04 A002 E300");
}

static void
test_es10_rat (Fixture *f, gconstpointer data)
{
  g_autoptr (EsimSimConfig) config = esim_sim_config_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimSimCard) card = NULL;
  const gchar *rat[] = { "12", "1:00101+310410:consent", NULL };

  config->pki_dir = esim_test_shared_path ("fixtures/sgp26");
  config->rat = g_strdupv ((gchar **) rat);
  config->eid = g_strdup ("89049032123451234512345678900000");
  config->root_smds = g_strdup ("ds.test");
  card = esim_sim_card_new (config, &error);
  g_assert_no_error (error);
  test_link_card (&f->link, card);
  test_open_isdr (&f->link);
  assert_result (f, "BF4300",
                 "BF432E A02C"
                 " 3010 80020560 A107 3005 8003EEEEEE 820100"
                 " 3018 80020640 A10E 3005 800300F110 3005 8003130014 82020780");
  assert_result (f, "BF3E035C015A", "BF3E125A1089049032123451234512345678900000");
  assert_result (f, "BF3C00", "BF3C09 8107 64732E74657374");

  g_clear_pointer (&config->rat, g_strfreev);
  config->rat = g_strsplit ("3", " ", -1);
  g_assert_null (esim_sim_card_new (config, &error));
  g_assert_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_pointer (&config->rat, g_strfreev);
  g_free (config->eid);
  config->eid = g_strdup ("8904");
  g_assert_null (esim_sim_card_new (config, &error));
  g_assert_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT);
}

/* seeding and state */

static void
test_seed_upp_files (Fixture *f, gconstpointer data)
{
  g_autofree gchar *dir_path = esim_test_shared_path ("fixtures/upp");
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  const gchar *name;
  guint files = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = g_build_filename (dir_path, name, NULL);
    g_autofree gchar *contents = NULL;
    g_autofree gchar *request = NULL;
    g_autofree gchar *expected = NULL;
    g_autofree gchar *iccid_hex = NULL;
    g_autoptr (GBytes) response = NULL;
    g_autoptr (EsimSimCard) card = NULL;
    const gchar *specs[] = { path, NULL };
    guint8 ef[10];
    gsize len = 0;
    gsize pos;

    if (!g_str_has_suffix (name, ".der"))
      continue;
    files++;
    g_ptr_array_add (all, g_strdup (path));
    /* the ICCID straight from the header bytes: 83 0A, plain BCD */
    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    for (pos = 0; pos + 12 < 64 && !(contents[pos] == '\x83' && contents[pos + 1] == 0x0A); pos++)
      ;
    g_assert_cmpuint (pos + 12, <, 64);
    for (guint i = 0; i < 10; i++) {
      guint8 b = (guint8) contents[pos + 2 + i];
      ef[i] = (guint8) ((b << 4) | (b >> 4));
    }
    iccid_hex = esim_sim_hex_encode (ef, sizeof (ef));

    card = test_card_new (specs, NULL, FALSE);
    test_link_card (&f->link, card);
    test_open_isdr (&f->link);
    response = test_es10_hex (&f->link, "BF2D03 5C015A");
    expected = g_strdup_printf ("BF2D10 A00E E30C 5A0A%s", iccid_hex);
    test_assert_bytes (response, expected);
    request = g_strdup_printf ("BF2D0E A00C5A0A%s", iccid_hex);
    g_clear_pointer (&response, g_bytes_unref);
    response = test_es10_hex (&f->link, request);
    g_assert_cmpuint (g_bytes_get_size (response), >, 100);
  }
  g_assert_cmpuint (files, >=, 7);

  /* several TS.48 packages share an ICCID: seeding them all must fail */
  {
    g_autoptr (EsimSimConfig) config = esim_sim_config_new ();
    g_autoptr (EsimSimCard) card = NULL;

    g_ptr_array_add (all, NULL);
    config->pki_dir = esim_test_shared_path ("fixtures/sgp26");
    config->profiles = g_strdupv ((gchar **) all->pdata);
    card = esim_sim_card_new (config, &error);
    g_assert_null (card);
    g_assert_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_EXISTS);
    g_assert_nonnull (strstr (error->message, "already installed"));
  }
}

static void
test_seed_errors (Fixture *f, gconstpointer data)
{
  g_autofree gchar *upp = esim_test_shared_path ("fixtures/upp/TS48v1_A.der");
  g_autofree gchar *cert = esim_test_shared_path ("fixtures/sgp26/eUICC/CERT_EUICC_ECDSA_NIST.der");
  const gchar *bad[] = { "state=on",    "class=gold", "ppr=3",    "iccid=12", "colour=red",
                         "events=boot", "mccmnc=1",   "noequals", NULL };

  for (guint i = 0; bad[i] != NULL; i++) {
    g_autoptr (EsimSimConfig) config = esim_sim_config_new ();
    g_autoptr (GError) error = NULL;
    g_autoptr (EsimSimCard) card = NULL;

    config->pki_dir = esim_test_shared_path ("fixtures/sgp26");
    config->profiles = g_new0 (gchar *, 2);
    config->profiles[0] = g_strdup_printf ("%s,%s", upp, bad[i]);
    card = esim_sim_card_new (config, &error);
    g_assert_null (card);
    g_assert_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT);
  }
  {
    /* not a package, a missing file, too little memory, two enabled */
    g_autoptr (EsimSimConfig) config = esim_sim_config_new ();
    g_autoptr (GError) error = NULL;

    config->pki_dir = esim_test_shared_path ("fixtures/sgp26");
    config->profiles = g_new0 (gchar *, 3);
    config->profiles[0] = g_strdup (cert);
    g_assert_null (esim_sim_card_new (config, &error));
    g_assert_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA);
    g_clear_error (&error);
    g_free (config->profiles[0]);
    config->profiles[0] = g_strdup ("/nonexistent.der");
    g_assert_null (esim_sim_card_new (config, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_clear_error (&error);
    g_free (config->profiles[0]);
    config->profiles[0] = g_strdup (upp);
    config->memory = 10000;
    g_assert_null (esim_sim_card_new (config, &error));
    g_assert_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_NO_MEMORY);
    g_clear_error (&error);
    config->memory = 0;
    g_free (config->profiles[0]);
    config->profiles[0] = g_strdup_printf ("%s,state=enabled", upp);
    config->profiles[1] = g_strdup_printf ("%s,state=enabled,iccid=8900000000000000001", upp);
    g_assert_null (esim_sim_card_new (config, &error));
    g_assert_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_state_persistence (Fixture *f, gconstpointer data)
{
  g_autofree gchar *state = g_build_filename (f->dir, "card.json", NULL);
  g_autofree gchar *upp = esim_test_shared_path ("fixtures/upp/TS48v1_A.der");
  g_autofree gchar *spec = g_strdup_printf ("%s,state=enabled,ppr=1,mccmnc=310410", upp);
  g_autofree gchar *unique = esim_test_shared_path ("fixtures/upp/TS48V1-A-UNIQUE.der");
  const gchar *specs[] = { spec, unique, NULL };
  const gchar *other[] = { unique, NULL };
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autoptr (GBytes) notes = NULL;
  g_autoptr (GError) error = NULL;

  f->card = test_card_new (specs, state, FALSE);
  test_link_card (&f->link, f->card);
  test_open_isdr (&f->link);
  assert_result (f, "BF3211 A00C5A0A" ICCID_A " 8101FF", "BF3203800103");
  assert_result (f, "BF2911 5A0A" ICCID_B " 9003 4E6577", "BF2903800100");
  assert_result (f, "BF3F0E800C736D64702E6578616D706C65", "BF3F03800100");
  assert_result (f, "BF330C 5A0A" ICCID_B, "BF3303800100");
  before = test_es10_hex (&f->link, "BF2D00");
  g_clear_object (&f->card);

  /* a restart: seeding is ignored, everything else stays */
  f->card = test_card_new (other, state, FALSE);
  test_link_card (&f->link, f->card);
  test_open_isdr (&f->link);
  after = test_es10_hex (&f->link, "BF2D00");
  g_assert_true (g_bytes_equal (before, after));
  assert_result (f, "BF3C00",
                 "BF3C28 800C736D64702E6578616D706C65"
                 " 8118 74657374726F6F74736D64732E6578616D706C652E636F6D");
  notes = test_es10_hex (&f->link, "BF2B00");
  g_assert_cmpuint (g_bytes_get_size (notes), >, 500);
  assert_result (f, "BF3003 800101", "BF3003800100");
  /* AIDs and sequence numbers are never reused, even after a reset */
  assert_result (f, "BF3404 82020780", "BF3403800100");
  assert_result (f, "BF2800", "BF282B A029 " META ("02", "0410", ICCID_A));
  g_clear_object (&f->card);

  f->card = test_card_new (specs, state, FALSE);
  test_link_card (&f->link, f->card);
  test_open_isdr (&f->link);
  assert_result (f, "BF2800", "BF282B A029 " META ("02", "0410", ICCID_A));
  assert_result (f, "BF2D00", "BF2D02A000");
  g_clear_object (&f->card);

  /* a corrupt file is an error, not a crash nor a silent reset */
  {
    const gchar *corrupt[] = {
      "{",
      "[]",
      "{\"version\": 1}",
      "{\"version\": 2, \"seq-counter\": 0}",
      "{\"version\": 1, \"seq-counter\": 0, \"isdp-counter\": 0, \"profiles\": [1], "
      "\"notifications\": []}",
      "{\"version\": 1, \"seq-counter\": 0, \"isdp-counter\": 0, \"profiles\": [{\"iccid\": "
      "\"12\"}], \"notifications\": []}",
      "{\"version\": 1, \"seq-counter\": 0, \"isdp-counter\": 0, \"profiles\": [], "
      "\"notifications\": [{\"seq\": 5, \"event\": 1, \"address\": \"a\", \"pending\": \"AA==\"}]}",
      NULL
    };
    for (guint i = 0; corrupt[i] != NULL; i++) {
      g_autoptr (EsimSimConfig) config = esim_sim_config_new ();
      g_autoptr (EsimSimCard) card = NULL;

      g_assert_true (g_file_set_contents (state, corrupt[i], -1, NULL));
      config->pki_dir = esim_test_shared_path ("fixtures/sgp26");
      config->state_path = g_strdup (state);
      card = esim_sim_card_new (config, &error);
      g_assert_null (card);
      g_assert_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA);
      g_clear_error (&error);
    }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, seeded)                                                                    \
  g_test_add ("/sim/" path, Fixture, seeded ? "" : NULL, fixture_setup, func, fixture_teardown)
  ADD ("apdu/channels", test_channels, FALSE);
  ADD ("apdu/select", test_select, FALSE);
  ADD ("apdu/store-data", test_store_data, FALSE);
  ADD ("apdu/get-response", test_get_response, FALSE);
  ADD ("apdu/strict-le", test_strict_le, FALSE);
  ADD ("apdu/reset", test_reset, FALSE);
  ADD ("es10/info", test_es10_info, TRUE);
  ADD ("es10/addresses", test_es10_addresses, TRUE);
  ADD ("es10/profiles-info", test_es10_profiles_info, TRUE);
  ADD ("es10/enable-disable", test_es10_enable_disable, TRUE);
  ADD ("es10/ppr1", test_es10_ppr1, FALSE);
  ADD ("es10/delete", test_es10_delete, TRUE);
  ADD ("es10/memory-reset", test_es10_memory_reset, FALSE);
  ADD ("es10/nickname", test_es10_nickname, TRUE);
  ADD ("es10/notifications", test_es10_notifications, TRUE);
  ADD ("es10/notify-config", test_es10_notify_config, FALSE);
  ADD ("es10/rat-eid-override", test_es10_rat, FALSE);
  ADD ("seed/upp-files", test_seed_upp_files, FALSE);
  ADD ("seed/errors", test_seed_errors, FALSE);
  ADD ("state/persistence", test_state_persistence, FALSE);
#undef ADD

  return g_test_run ();
}
