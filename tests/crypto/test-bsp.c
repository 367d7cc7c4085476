/*
 * The SGP.22 key derivation and BSP (SCP03t) against the published vectors
 * in ../shared/fixtures/vectors/bsp.json, both ways: the SM-DP+ side must
 * produce the expected bytes, the card side must verify and decrypt them,
 * and a whole bound profile package must decrypt to its profile.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "esim-bsp.h"
#include "esim-test-sim.h"
#include "esim-tlv.h"

static JsonObject *vectors;

static GBytes *
unhex (const gchar *hex)
{
  gsize len = strlen (hex);
  GByteArray *buf = g_byte_array_sized_new (len / 2);

  g_assert_cmpuint (len % 2, ==, 0);
  for (gsize i = 0; i < len; i += 2) {
    guint8 b = (guint8) (g_ascii_xdigit_value (hex[i]) << 4 | g_ascii_xdigit_value (hex[i + 1]));
    g_byte_array_append (buf, &b, 1);
  }
  return g_byte_array_free_to_bytes (buf);
}

static const guint8 *
key (JsonObject *obj, const gchar *name, GPtrArray *keep)
{
  GBytes *b = unhex (json_object_get_string_member (obj, name));

  g_assert_cmpuint (g_bytes_get_size (b), ==, ESIM_BSP_KEY_SIZE);
  g_ptr_array_add (keep, b);
  return g_bytes_get_data (b, NULL);
}

static EsimBsp *
bsp_from (JsonObject *keys, const gchar *enc, const gchar *mac, const gchar *mcv)
{
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  return esim_bsp_new (key (keys, enc, keep), key (keys, mac, keep), key (keys, mcv, keep));
}

static void
assert_bytes_eq_hex (GBytes *bytes, const gchar *hex)
{
  g_autoptr (GBytes) expected = unhex (hex);

  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static void
test_bsp_kdf (void)
{
  JsonObject *params = json_object_get_object_member (vectors, "kdf_parameters");
  JsonArray *kdf = json_object_get_array_member (vectors, "kdf");
  g_autoptr (GBytes) host_id = unhex (json_object_get_string_member (params, "host_id"));
  guint8 key_type
    = (guint8) g_ascii_strtoull (json_object_get_string_member (params, "key_type"), NULL, 16);
  guint8 key_length = (guint8) json_object_get_int_member (params, "key_length");

  g_assert_cmpuint (json_array_get_length (kdf), >=, 2);
  for (guint i = 0; i < json_array_get_length (kdf); i++) {
    JsonObject *v = json_array_get_object_element (kdf, i);
    g_autoptr (GBytes) shs = unhex (json_object_get_string_member (v, "shared_secret"));
    g_autoptr (GBytes) eid = unhex (json_object_get_string_member (v, "eid"));
    g_autoptr (GBytes) s_enc = NULL;
    g_autoptr (GBytes) s_mac = NULL;
    g_autoptr (GBytes) mcv = NULL;
    guint8 enc[16], mac[16], chain[16];

    esim_bsp_derive_keys (g_bytes_get_data (shs, NULL), g_bytes_get_size (shs), key_type,
                          key_length, g_bytes_get_data (host_id, NULL), g_bytes_get_size (host_id),
                          g_bytes_get_data (eid, NULL), g_bytes_get_size (eid), enc, mac, chain);
    s_enc = g_bytes_new (enc, 16);
    s_mac = g_bytes_new (mac, 16);
    mcv = g_bytes_new (chain, 16);
    assert_bytes_eq_hex (s_enc, json_object_get_string_member (v, "s_enc"));
    assert_bytes_eq_hex (s_mac, json_object_get_string_member (v, "s_mac"));
    assert_bytes_eq_hex (mcv, json_object_get_string_member (v, "initial_mac_chaining_value"));
  }
}

/* the SM-DP+ protects each step, the card verifies what it got */
static void
run_steps (JsonObject *set, const gchar *enc, const gchar *mac, const gchar *mcv)
{
  JsonObject *keys = json_object_get_object_member (set, "keys");
  JsonArray *steps = json_object_get_array_member (set, "steps");
  g_autoptr (EsimBsp) server = bsp_from (keys, enc, mac, mcv);
  g_autoptr (EsimBsp) card = bsp_from (keys, enc, mac, mcv);

  g_assert_cmpuint (json_array_get_length (steps), >, 0);
  for (guint i = 0; i < json_array_get_length (steps); i++) {
    JsonObject *st = json_array_get_object_element (steps, i);
    const gchar *op = json_object_get_string_member (st, "op");
    guint8 tag = (guint8) g_ascii_strtoull (json_object_get_string_member (st, "tag"), NULL, 16);
    g_autoptr (GBytes) plain = unhex (json_object_get_string_member (st, "plain"));
    g_autoptr (GBytes) out = NULL;
    g_autoptr (GBytes) back = NULL;
    g_autoptr (GError) error = NULL;
    gboolean encrypt = g_str_has_prefix (op, "encrypt");

    if (encrypt)
      out = esim_bsp_encrypt_and_mac (server, tag, g_bytes_get_data (plain, NULL),
                                      g_bytes_get_size (plain));
    else
      out
        = esim_bsp_mac_only (server, tag, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
    assert_bytes_eq_hex (out, json_object_get_string_member (st, "out"));

    if (encrypt)
      back = esim_bsp_verify_and_decrypt (card, g_bytes_get_data (out, NULL),
                                          g_bytes_get_size (out), &error);
    else
      back = esim_bsp_verify_mac_only (card, g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                                       &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (back, plain));
  }
}

static void
test_bsp_segments (void)
{
  run_steps (json_object_get_object_member (vectors, "segments"), "s_enc", "s_mac",
             "initial_mac_chaining_value");
}

static void
test_bsp_ppk_segments (void)
{
  run_steps (json_object_get_object_member (vectors, "ppk_segments"), "s_enc", "s_mac",
             "initial_mac_chaining_value");
}

static void
test_bsp_tamper (void)
{
  JsonObject *set = json_object_get_object_member (vectors, "segments");
  JsonObject *keys = json_object_get_object_member (set, "keys");
  g_autoptr (EsimBsp) server = bsp_from (keys, "s_enc", "s_mac", "initial_mac_chaining_value");
  g_autoptr (EsimBsp) card = bsp_from (keys, "s_enc", "s_mac", "initial_mac_chaining_value");
  const guint8 plain[] = { 0xBF, 0x24, 0x00 };
  g_autoptr (GBytes) out = esim_bsp_encrypt_and_mac (server, 0x87, plain, sizeof (plain));
  g_autofree guint8 *bad = g_memdup2 (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) r1 = NULL;
  g_autoptr (GBytes) r2 = NULL;
  g_autoptr (GBytes) r3 = NULL;

  /* one flipped ciphertext bit fails the MAC and leaves the card's state as
   * it was, so the genuine segment still verifies afterwards */
  bad[3] ^= 0x01;
  r1 = esim_bsp_verify_and_decrypt (card, bad, g_bytes_get_size (out), &error);
  g_assert_null (r1);
  g_assert_error (error, ESIM_BSP_ERROR, ESIM_BSP_ERROR_MAC);
  g_clear_error (&error);
  r2 = esim_bsp_verify_and_decrypt (card, g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (r2, NULL), g_bytes_get_size (r2), plain, sizeof (plain));

  /* too short for a MAC */
  r3 = esim_bsp_verify_mac_only (card, (const guint8 *) "\x88\x02\x00\x00", 4, &error);
  g_assert_null (r3);
  g_assert_error (error, ESIM_BSP_ERROR, ESIM_BSP_ERROR_MALFORMED);
}

static GBytes *
decrypt_sequence (EsimBsp *bsp, const EsimTlv *seq, guint8 tag, gboolean encrypted)
{
  GByteArray *plain = g_byte_array_new ();
  EsimTlvIter iter;
  EsimTlv seg;
  guint n = 0;

  esim_tlv_iter_init (&iter, seq);
  while (esim_tlv_iter_next (&iter, &seg)) {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) part = NULL;

    g_assert_cmphex (seg.tag, ==, tag);
    /* this published trace wraps every protected TLV in a second TLV of the
     * same tag (the OCTET STRING holds the whole protected TLV); the card
     * verifies the inner one */
    if (seg.length > 2 && seg.value[0] == tag) {
      EsimTlv inner;
      g_assert_true (esim_tlv_parse_header (seg.value, seg.length, &inner, NULL));
      g_assert_cmpuint (inner.raw_length, ==, seg.length);
      seg = inner;
    }
    if (encrypted)
      part = esim_bsp_verify_and_decrypt (bsp, seg.raw, seg.raw_length, &error);
    else
      part = esim_bsp_verify_mac_only (bsp, seg.raw, seg.raw_length, &error);
    g_assert_no_error (error);
    g_byte_array_append (plain, g_bytes_get_data (part, NULL), g_bytes_get_size (part));
    n++;
  }
  g_assert_cmpuint (n, >, 0);
  return g_byte_array_free_to_bytes (plain);
}

static void
test_bsp_whole_package (void)
{
  JsonObject *v = json_object_get_object_member (vectors, "bound_profile_package");
  JsonObject *sk = json_object_get_object_member (v, "session_keys");
  JsonObject *ppk = json_object_get_object_member (v, "profile_protection_keys");
  gsize bpp_len = 0, upp_len = 0;
  g_autofree guint8 *bpp_data
    = g_base64_decode (json_object_get_string_member (v, "bpp_base64"), &bpp_len);
  g_autofree guint8 *upp_data = g_base64_decode (
    json_object_get_string_member (v, "sequence_of_86_plain_upp_base64"), &upp_len);
  g_autoptr (GBytes) bpp = g_bytes_new (bpp_data, bpp_len);
  g_autoptr (EsimBsp) session = bsp_from (sk, "s_enc", "s_mac", "initial_mac_chaining_value");
  g_autoptr (EsimBsp) profile = bsp_from (ppk, "ppk_enc", "ppk_mac", "initial_mac_chaining_value");
  g_autoptr (GBytes) configure = NULL;
  g_autoptr (GBytes) metadata = NULL;
  g_autoptr (GBytes) upp = NULL;
  g_autoptr (GError) error = NULL;
  EsimTlv root, init, a0, a1, a2, a3;

  g_assert_true (esim_tlv_decode_expect (bpp, 0xBF36, &root, &error));
  g_assert_no_error (error);
  g_assert_true (esim_tlv_require (&root, 0xBF23, &init, &error));
  g_assert_true (esim_tlv_require (&root, 0xA0, &a0, &error));
  g_assert_true (esim_tlv_require (&root, 0xA1, &a1, &error));
  g_assert_true (esim_tlv_require (&root, 0xA3, &a3, &error));

  configure = decrypt_sequence (session, &a0, 0x87, TRUE);
  assert_bytes_eq_hex (configure, json_object_get_string_member (v, "first_sequence_of_87_plain"));
  metadata = decrypt_sequence (session, &a1, 0x88, FALSE);
  assert_bytes_eq_hex (metadata, json_object_get_string_member (v, "sequence_of_88_plain"));

  /* ReplaceSessionKeys, when present, hands over the keys of the 86s */
  if (esim_tlv_find (&root, 0xA2, &a2)) {
    g_autoptr (GBytes) replace = decrypt_sequence (session, &a2, 0x87, TRUE);
    EsimTlv rsk, k;
    g_assert_true (esim_tlv_decode_expect (replace, 0xBF26, &rsk, &error));
    g_assert_no_error (error);
    g_assert_true (esim_tlv_require (&rsk, 0x80, &k, &error));
    g_assert_cmpuint (k.length, ==, 16);
  }
  upp = decrypt_sequence (profile, &a3, 0x86, TRUE);
  g_assert_cmpmem (g_bytes_get_data (upp, NULL), g_bytes_get_size (upp), upp_data, upp_len);
}

int
main (int argc, char **argv)
{
  g_autofree gchar *path = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  path = esim_test_shared_path ("fixtures/vectors/bsp.json");
  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("cannot load %s: %s", path, error->message);
  vectors = json_node_get_object (json_parser_get_root (parser));

  g_test_add_func ("/bsp/kdf", test_bsp_kdf);
  g_test_add_func ("/bsp/segments", test_bsp_segments);
  g_test_add_func ("/bsp/ppk-segments", test_bsp_ppk_segments);
  g_test_add_func ("/bsp/tamper", test_bsp_tamper);
  g_test_add_func ("/bsp/whole-package", test_bsp_whole_package);
  return g_test_run ();
}
