/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <gnutls/crypto.h>

#include "esim-bsp.h"
#include "esim-smdp-bpp.h"
#include "esim-tlv.h"

#define ESIM_SMDP_HOST_ID_SIZE 8
#define ESIM_SMDP_KEY_TYPE_AES 0x88

/* split plain into segments of at most ESIM_BSP_MAX_PLAIN bytes, each one
 * protected TLV (tag LL ciphertext||MAC, or plaintext||MAC) */
static void
esim_smdp_bpp_add_segments (EsimTlvBuilder *b, EsimBsp *bsp, guint8 tag, gboolean encrypt,
                            GBytes *plain)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (plain, &len);

  for (gsize off = 0; off < len; off += ESIM_BSP_MAX_PLAIN) {
    gsize n = MIN (ESIM_BSP_MAX_PLAIN, len - off);
    g_autoptr (GBytes) tlv = encrypt ? esim_bsp_encrypt_and_mac (bsp, tag, data + off, n)
                                     : esim_bsp_mac_only (bsp, tag, data + off, n);

    esim_tlv_builder_add_raw (b, g_bytes_get_data (tlv, NULL), g_bytes_get_size (tlv));
  }
}

/* InitialiseSecureChannelRequest BF23; smdpSign covers the TLVs before it
 * as encoded, followed by the card's euiccOtpk as a 5F49 TLV */
static GBytes *
esim_smdp_bpp_initialise_secure_channel (const EsimSmdpBppParams *p, const guint8 *host_id,
                                         GBytes *dp_otpk, GError **error)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) head = NULL;
  g_autoptr (GBytes) signed_data = NULL;
  g_autoptr (GBytes) sig = NULL;
  const guint8 key_type = ESIM_SMDP_KEY_TYPE_AES;
  const guint8 key_len = ESIM_BSP_KEY_SIZE;

  esim_tlv_builder_add_int (b, 0x82, 1); /* installBoundProfilePackage */
  esim_tlv_builder_add_bytes (b, 0x80, p->txid);
  esim_tlv_builder_begin (b, 0xA6);
  esim_tlv_builder_add (b, 0x80, &key_type, 1);
  esim_tlv_builder_add (b, 0x81, &key_len, 1);
  esim_tlv_builder_add (b, 0x84, host_id, ESIM_SMDP_HOST_ID_SIZE);
  esim_tlv_builder_end (b);
  esim_tlv_builder_add_bytes (b, 0x5F49, dp_otpk);
  head = esim_tlv_builder_finish (b);

  signed_data = esim_rsp_isc_signed_data (g_bytes_get_data (head, NULL), g_bytes_get_size (head),
                                          p->euicc_otpk);
  sig = esim_rsp_key_sign (p->pb_key, g_bytes_get_data (signed_data, NULL),
                           g_bytes_get_size (signed_data), error);
  if (sig == NULL)
    return NULL;
  if (p->corrupt_signature) {
    g_autoptr (GByteArray) bad = g_byte_array_new ();

    g_byte_array_append (bad, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig));
    bad->data[bad->len / 2] ^= 0x01;
    g_clear_pointer (&sig, g_bytes_unref);
    sig = g_byte_array_free_to_bytes (g_steal_pointer (&bad));
  }

  esim_tlv_builder_begin (b, 0xBF23);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (head, NULL), g_bytes_get_size (head));
  esim_tlv_builder_add_bytes (b, 0x5F37, sig);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

GBytes *
esim_smdp_bpp_build (const EsimSmdpBppParams *p, GError **error)
{
  g_autoptr (EsimRspKey) otk = esim_rsp_key_generate (error);
  g_autoptr (GBytes) dp_otpk = NULL;
  g_autoptr (GBytes) shs = NULL;
  g_autoptr (GBytes) isc = NULL;
  g_autoptr (EsimBsp) session = NULL;
  g_autoptr (EsimBsp) profile = NULL;
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) configure = NULL;
  g_autoptr (GBytes) replace = NULL;
  guint8 host_id[ESIM_SMDP_HOST_ID_SIZE];
  guint8 s_enc[ESIM_BSP_KEY_SIZE], s_mac[ESIM_BSP_KEY_SIZE], mcv[ESIM_BSP_KEY_SIZE];
  guint8 ppk_enc[ESIM_BSP_KEY_SIZE], ppk_mac[ESIM_BSP_KEY_SIZE], ppk_mcv[ESIM_BSP_KEY_SIZE];

  if (otk == NULL)
    return NULL;
  dp_otpk = esim_rsp_key_get_public_point (otk);
  shs = esim_rsp_key_agree (otk, p->euicc_otpk, error);
  if (shs == NULL)
    return NULL;
  if (gnutls_rnd (GNUTLS_RND_NONCE, host_id, sizeof (host_id)) != 0
      || gnutls_rnd (GNUTLS_RND_KEY, ppk_enc, sizeof (ppk_enc)) != 0
      || gnutls_rnd (GNUTLS_RND_KEY, ppk_mac, sizeof (ppk_mac)) != 0
      || gnutls_rnd (GNUTLS_RND_KEY, ppk_mcv, sizeof (ppk_mcv)) != 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no random numbers");
    return NULL;
  }

  esim_bsp_derive_keys (g_bytes_get_data (shs, NULL), g_bytes_get_size (shs),
                        ESIM_SMDP_KEY_TYPE_AES, ESIM_BSP_KEY_SIZE, host_id, sizeof (host_id),
                        g_bytes_get_data (p->eid, NULL), g_bytes_get_size (p->eid), s_enc, s_mac,
                        mcv);
  session = esim_bsp_new (s_enc, s_mac, mcv);
  profile = esim_bsp_new (ppk_enc, ppk_mac, ppk_mcv);

  isc = esim_smdp_bpp_initialise_secure_channel (p, host_id, dp_otpk, error);
  if (isc == NULL)
    return NULL;

  /* ConfigureISDP without dpProprietaryData */
  esim_tlv_builder_begin (b, 0xBF24);
  esim_tlv_builder_end (b);
  configure = esim_tlv_builder_finish (b);

  esim_tlv_builder_begin (b, 0xBF26);
  esim_tlv_builder_add (b, 0x80, ppk_mcv, sizeof (ppk_mcv));
  esim_tlv_builder_add (b, 0x81, ppk_enc, sizeof (ppk_enc));
  esim_tlv_builder_add (b, 0x82, ppk_mac, sizeof (ppk_mac));
  esim_tlv_builder_end (b);
  replace = esim_tlv_builder_finish (b);

  esim_tlv_builder_begin (b, 0xBF36);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (isc, NULL), g_bytes_get_size (isc));
  esim_tlv_builder_begin (b, 0xA0);
  esim_smdp_bpp_add_segments (b, session, 0x87, TRUE, configure);
  esim_tlv_builder_end (b);
  esim_tlv_builder_begin (b, 0xA1);
  esim_smdp_bpp_add_segments (b, session, 0x88, FALSE, p->metadata);
  esim_tlv_builder_end (b);
  esim_tlv_builder_begin (b, 0xA2);
  esim_smdp_bpp_add_segments (b, session, 0x87, TRUE, replace);
  esim_tlv_builder_end (b);
  esim_tlv_builder_begin (b, 0xA3);
  esim_smdp_bpp_add_segments (b, profile, 0x86, TRUE, p->upp);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}
