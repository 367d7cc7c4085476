/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>

#include "esim-bpp-builder.h"
#include "esim-bsp.h"
#include "esim-tlv.h"

static gboolean
bpp_fail (GError **error, const gchar *message)
{
  g_set_error_literal (error, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_FAILED, message);
  return FALSE;
}

/* ES10 codes an ICCID as EF.ICCID does: nibble swapped, F padded */
static gboolean
iccid_to_ef (const gchar *digits, guint8 out[10])
{
  gsize n = digits != NULL ? strlen (digits) : 0;

  if (n < 18 || n > 20)
    return FALSE;
  memset (out, 0xff, 10);
  for (gsize i = 0; i < n; i++) {
    guint8 d;

    if (!g_ascii_isdigit (digits[i]))
      return FALSE;
    d = (guint8) (digits[i] - '0');
    if (i % 2 == 0)
      out[i / 2] = (guint8) ((out[i / 2] & 0xf0) | d);
    else
      out[i / 2] = (guint8) ((out[i / 2] & 0x0f) | (d << 4));
  }
  return TRUE;
}

GBytes *
esim_bpp_encode_metadata (const EsimBppMetadata *m, GError **error)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  guint8 ef[10];

  if (!iccid_to_ef (m->iccid, ef)) {
    bpp_fail (error, "the ICCID needs 18 to 20 digits");
    return NULL;
  }
  esim_tlv_builder_begin (b, 0xBF25);
  esim_tlv_builder_add (b, 0x5A, ef, sizeof (ef));
  esim_tlv_builder_add_string (b, 0x91, m->service_provider != NULL ? m->service_provider : "");
  esim_tlv_builder_add_string (b, 0x92, m->name != NULL ? m->name : "");
  if (m->icon_type >= 0 && m->icon != NULL) {
    esim_tlv_builder_add_int (b, 0x93, m->icon_type);
    esim_tlv_builder_add_bytes (b, 0x94, m->icon);
  }
  if (m->profile_class >= 0)
    esim_tlv_builder_add_int (b, 0x95, m->profile_class);
  if (m->notify_address != NULL) {
    esim_tlv_builder_begin (b, 0xB6);
    esim_tlv_builder_begin (b, 0x30);
    esim_tlv_builder_add_bit_string (b, 0x80, m->notify_events, 4);
    esim_tlv_builder_add_string (b, 0x81, m->notify_address);
    esim_tlv_builder_end (b);
    esim_tlv_builder_end (b);
  }
  if (m->owner_mcc_mnc != NULL) {
    esim_tlv_builder_begin (b, 0xB7);
    esim_tlv_builder_add (b, 0x80, m->owner_mcc_mnc, 3);
    esim_tlv_builder_end (b);
  }
  if (m->ppr != 0)
    esim_tlv_builder_add_bit_string (b, 0x99, m->ppr, 3);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

gchar *
esim_bpp_upp_iccid (GBytes *upp, GError **error)
{
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (upp, &len);
  g_autoptr (GString) digits = g_string_new (NULL);
  EsimTlv header, iccid;

  /* the ProfileHeader comes first; its iccid is plain BCD, F padded */
  if (!esim_tlv_parse_header (buf, len, &header, error)
      || !esim_tlv_decode (header.raw, header.raw_length, &header, error))
    return NULL;
  if (header.tag != 0xA0 || !esim_tlv_find (&header, 0x83, &iccid) || iccid.length != 10) {
    bpp_fail (error, "the package does not start with a ProfileHeader with an iccid");
    return NULL;
  }
  for (gsize i = 0; i < 20; i++) {
    guint8 n = (i % 2 == 0) ? iccid.value[i / 2] >> 4 : iccid.value[i / 2] & 0x0f;

    if (n == 0x0f)
      break;
    if (n > 9) {
      bpp_fail (error, "the ProfileHeader iccid is not BCD");
      return NULL;
    }
    g_string_append_c (digits, (gchar) ('0' + n));
  }
  return g_string_free (g_steal_pointer (&digits), FALSE);
}

static void
add_protected (EsimTlvBuilder *b, GBytes *segment)
{
  esim_tlv_builder_add_raw (b, g_bytes_get_data (segment, NULL), g_bytes_get_size (segment));
}

/* 87s (encrypted) or 88s (MAC only) of at most size plaintext bytes each */
static void
add_segments (EsimTlvBuilder *b, EsimBsp *bsp, guint8 tag, const guint8 *plain, gsize len,
              gsize size)
{
  for (gsize pos = 0; pos < len; pos += size) {
    gsize n = MIN (size, len - pos);
    g_autoptr (GBytes) seg = tag == 0x88 ? esim_bsp_mac_only (bsp, tag, plain + pos, n)
                                         : esim_bsp_encrypt_and_mac (bsp, tag, plain + pos, n);

    add_protected (b, seg);
  }
}

static GBytes *
build_initialise_secure_channel (const EsimBppParams *p, EsimRspKey *otk, GBytes *host_id,
                                 GError **error)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) otpk = esim_rsp_key_get_public_point (otk);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GBytes) signed_data = NULL;
  g_autoptr (GBytes) sign = NULL;
  static const guint8 key_type = 0x88, key_len = 0x10;

  esim_tlv_builder_add_int (b, 0x82, 1); /* installBoundProfilePackage */
  esim_tlv_builder_add_bytes (b, 0x80, p->transaction_id);
  esim_tlv_builder_begin (b, 0xA6);
  esim_tlv_builder_add (b, 0x80, &key_type, 1);
  esim_tlv_builder_add (b, 0x81, &key_len, 1);
  esim_tlv_builder_add_bytes (b, 0x84, host_id);
  esim_tlv_builder_end (b);
  esim_tlv_builder_add_bytes (b, 0x5F49, otpk);
  body = esim_tlv_builder_finish (b);

  signed_data = esim_rsp_isc_signed_data (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                          p->signed_otpk != NULL ? p->signed_otpk : p->euicc_otpk);
  sign = esim_rsp_key_sign (p->dppb_key, g_bytes_get_data (signed_data, NULL),
                            g_bytes_get_size (signed_data), error);
  if (sign == NULL)
    return NULL;
  esim_tlv_builder_begin (b, 0xBF23);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  esim_tlv_builder_add_bytes (b, 0x5F37, sign);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

GBytes *
esim_bpp_build (const EsimBppParams *p, GError **error)
{
  g_autoptr (EsimRspKey) fresh = NULL;
  g_autoptr (GBytes) host_id = NULL;
  g_autoptr (GBytes) shared = NULL;
  g_autoptr (GBytes) isc = NULL;
  g_autoptr (EsimBsp) bsp = NULL;
  g_autoptr (EsimBsp) ppk_bsp = NULL;
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (EsimTlvBuilder) inner = esim_tlv_builder_new ();
  g_autoptr (GBytes) request = NULL;
  gsize meta_size = p->metadata_segment_size != 0 ? p->metadata_segment_size : ESIM_BSP_MAX_PLAIN;
  gsize upp_size = p->profile_segment_size != 0 ? p->profile_segment_size : ESIM_BSP_MAX_PLAIN;
  EsimRspKey *otk = p->smdp_otk;
  guint8 s_enc[ESIM_BSP_KEY_SIZE], s_mac[ESIM_BSP_KEY_SIZE], mcv[ESIM_BSP_KEY_SIZE];

  if (meta_size > ESIM_BSP_MAX_PLAIN || upp_size > ESIM_BSP_MAX_PLAIN) {
    bpp_fail (error, "segments hold at most ESIM_BSP_MAX_PLAIN bytes");
    return NULL;
  }
  if (otk == NULL) {
    fresh = esim_rsp_key_generate (error);
    if (fresh == NULL)
      return NULL;
    otk = fresh;
  }
  host_id
    = p->host_id != NULL ? g_bytes_ref (p->host_id) : g_bytes_new_static ("esimd-test-smdp", 15);
  shared = esim_rsp_key_agree (otk, p->euicc_otpk, error);
  if (shared == NULL)
    return NULL;
  esim_bsp_derive_keys (g_bytes_get_data (shared, NULL), g_bytes_get_size (shared), 0x88, 0x10,
                        g_bytes_get_data (host_id, NULL), g_bytes_get_size (host_id),
                        g_bytes_get_data (p->eid, NULL), g_bytes_get_size (p->eid), s_enc, s_mac,
                        mcv);
  bsp = esim_bsp_new (s_enc, s_mac, mcv);
  isc = build_initialise_secure_channel (p, otk, host_id, error);
  if (isc == NULL)
    return NULL;

  esim_tlv_builder_begin (b, 0xBF36);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (isc, NULL), g_bytes_get_size (isc));

  /* ConfigureISDP */
  esim_tlv_builder_begin (inner, 0xBF24);
  if (p->dp_oid != NULL) {
    g_autoptr (GBytes) oid = esim_rsp_oid_encode (p->dp_oid);

    if (oid == NULL) {
      bpp_fail (error, "dp_oid is not a dotted OID");
      return NULL;
    }
    esim_tlv_builder_begin (inner, 0xB8);
    esim_tlv_builder_add_bytes (inner, 0x06, oid);
    esim_tlv_builder_end (inner);
  }
  esim_tlv_builder_end (inner);
  request = esim_tlv_builder_finish (inner);
  esim_tlv_builder_begin (b, 0xA0);
  add_segments (b, bsp, 0x87, g_bytes_get_data (request, NULL), g_bytes_get_size (request),
                ESIM_BSP_MAX_PLAIN);
  esim_tlv_builder_end (b);

  /* StoreMetadata, MAC only */
  esim_tlv_builder_begin (b, 0xA1);
  add_segments (b, bsp, 0x88, g_bytes_get_data (p->metadata, NULL), g_bytes_get_size (p->metadata),
                meta_size);
  esim_tlv_builder_end (b);

  /* ReplaceSessionKeys: the profile gets keys of its own */
  if (p->replace_session_keys) {
    guint8 keys[3 * ESIM_BSP_KEY_SIZE];
    g_autoptr (GBytes) rsk = NULL;

    gnutls_rnd (GNUTLS_RND_KEY, keys, sizeof (keys));
    esim_tlv_builder_begin (inner, 0xBF26);
    esim_tlv_builder_add (inner, 0x80, keys, ESIM_BSP_KEY_SIZE);
    esim_tlv_builder_add (inner, 0x81, keys + ESIM_BSP_KEY_SIZE, ESIM_BSP_KEY_SIZE);
    esim_tlv_builder_add (inner, 0x82, keys + 2 * ESIM_BSP_KEY_SIZE, ESIM_BSP_KEY_SIZE);
    esim_tlv_builder_end (inner);
    rsk = esim_tlv_builder_finish (inner);
    esim_tlv_builder_begin (b, 0xA2);
    add_segments (b, bsp, 0x87, g_bytes_get_data (rsk, NULL), g_bytes_get_size (rsk),
                  ESIM_BSP_MAX_PLAIN);
    esim_tlv_builder_end (b);
    ppk_bsp = esim_bsp_new (keys + ESIM_BSP_KEY_SIZE, keys + 2 * ESIM_BSP_KEY_SIZE, keys);
    memset (keys, 0, sizeof (keys));
  }

  /* the profile */
  esim_tlv_builder_begin (b, 0xA3);
  add_segments (b, ppk_bsp != NULL ? ppk_bsp : bsp, 0x86, g_bytes_get_data (p->upp, NULL),
                g_bytes_get_size (p->upp), upp_size);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  memset (s_enc, 0, sizeof (s_enc));
  memset (s_mac, 0, sizeof (s_mac));
  return esim_tlv_builder_finish (b);
}

static void
add_piece (GPtrArray *out, const guint8 *data, gsize len)
{
  g_ptr_array_add (out, g_bytes_new (data, len));
}

/* each child of a sequence as a command of its own, after the header */
static void
add_header_and_children (GPtrArray *out, const EsimTlv *seq)
{
  EsimTlvIter iter;
  EsimTlv child;

  add_piece (out, seq->raw, (gsize) (seq->value - seq->raw));
  esim_tlv_iter_init (&iter, seq);
  while (esim_tlv_iter_next (&iter, &child))
    add_piece (out, child.raw, child.raw_length);
}

GPtrArray *
esim_bpp_builder_split (GBytes *bpp, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  EsimTlv root, isc, a0, a1, a2, a3;
  g_autoptr (GByteArray) first = g_byte_array_new ();

  if (!esim_tlv_decode_expect (bpp, 0xBF36, &root, error)
      || !esim_tlv_require (&root, 0xBF23, &isc, error)
      || !esim_tlv_require (&root, 0xA0, &a0, error) || !esim_tlv_require (&root, 0xA1, &a1, error)
      || !esim_tlv_require (&root, 0xA3, &a3, error))
    return NULL;
  g_byte_array_append (first, root.raw, (guint) (root.value - root.raw));
  g_byte_array_append (first, isc.raw, (guint) isc.raw_length);
  add_piece (out, first->data, first->len);
  add_piece (out, a0.raw, a0.raw_length);
  add_header_and_children (out, &a1);
  if (esim_tlv_find (&root, 0xA2, &a2))
    add_piece (out, a2.raw, a2.raw_length);
  add_header_and_children (out, &a3);
  return g_steal_pointer (&out);
}
