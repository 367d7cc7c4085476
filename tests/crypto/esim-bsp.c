/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <nettle/aes.h>
#include <nettle/cbc.h>
#include <nettle/cmac.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>

#include "esim-bsp.h"
#include "esim-tlv.h"

/* clang-format off */
G_DEFINE_QUARK (esim-bsp-error-quark, esim_bsp_error)
/* clang-format on */

struct _EsimBsp {
  struct aes128_ctx enc;
  struct aes128_ctx dec;
  guint8 s_mac[ESIM_BSP_KEY_SIZE];
  guint8 mac_chaining[ESIM_BSP_KEY_SIZE];
  guint32 block_counter;
};

void
esim_bsp_derive_keys (const guint8 *shared_secret, gsize shared_secret_len, guint8 key_type,
                      guint8 key_length, const guint8 *host_id, gsize host_id_len,
                      const guint8 *eid, gsize eid_len, guint8 s_enc[ESIM_BSP_KEY_SIZE],
                      guint8 s_mac[ESIM_BSP_KEY_SIZE], guint8 mac_chaining[ESIM_BSP_KEY_SIZE])
{
  g_autoptr (GByteArray) info = g_byte_array_new ();
  guint8 out[3 * SHA256_DIGEST_SIZE];
  guint8 b;

  g_return_if_fail (host_id_len < 256 && eid_len < 256);

  /* shared info: key type, key length, host ID and EID as length-values */
  g_byte_array_append (info, &key_type, 1);
  g_byte_array_append (info, &key_length, 1);
  b = (guint8) host_id_len;
  g_byte_array_append (info, &b, 1);
  g_byte_array_append (info, host_id, host_id_len);
  b = (guint8) eid_len;
  g_byte_array_append (info, &b, 1);
  g_byte_array_append (info, eid, eid_len);

  /* X9.63: digest_i = SHA-256 (Z || counter_i || SharedInfo), counter from 1 */
  for (guint32 i = 1; i <= 2; i++) {
    struct sha256_ctx ctx;
    guint8 counter[4] = { i >> 24, i >> 16, i >> 8, i };
    sha256_init (&ctx);
    sha256_update (&ctx, shared_secret_len, shared_secret);
    sha256_update (&ctx, sizeof (counter), counter);
    sha256_update (&ctx, info->len, info->data);
    sha256_digest (&ctx, SHA256_DIGEST_SIZE, out + (i - 1) * SHA256_DIGEST_SIZE);
  }
  memcpy (mac_chaining, out, ESIM_BSP_KEY_SIZE);
  memcpy (s_enc, out + 16, ESIM_BSP_KEY_SIZE);
  memcpy (s_mac, out + 32, ESIM_BSP_KEY_SIZE);
}

EsimBsp *
esim_bsp_new (const guint8 s_enc[ESIM_BSP_KEY_SIZE], const guint8 s_mac[ESIM_BSP_KEY_SIZE],
              const guint8 mac_chaining[ESIM_BSP_KEY_SIZE])
{
  EsimBsp *self = g_new0 (EsimBsp, 1);

  aes128_set_encrypt_key (&self->enc, s_enc);
  aes128_invert_key (&self->dec, &self->enc);
  memcpy (self->s_mac, s_mac, ESIM_BSP_KEY_SIZE);
  memcpy (self->mac_chaining, mac_chaining, ESIM_BSP_KEY_SIZE);
  return self;
}

void
esim_bsp_free (EsimBsp *self)
{
  if (self == NULL)
    return;
  /* session keys do not outlive the session in freed memory */
  memset (self, 0, sizeof (*self));
  g_free (self);
}

/* C-MAC over the chaining value and the TLV header and value; the full
 * CMAC becomes the next chaining value, its first 8 bytes the MAC */
static void
esim_bsp_cmac (EsimBsp *self, const guint8 *header, gsize header_len, const guint8 *value,
               gsize value_len, guint8 mac[ESIM_BSP_MAC_SIZE])
{
  struct cmac_aes128_ctx ctx;
  guint8 full[16];

  cmac_aes128_set_key (&ctx, self->s_mac);
  cmac_aes128_update (&ctx, ESIM_BSP_KEY_SIZE, self->mac_chaining);
  cmac_aes128_update (&ctx, header_len, header);
  cmac_aes128_update (&ctx, value_len, value);
  cmac_aes128_digest (&ctx, sizeof (full), full);
  memcpy (self->mac_chaining, full, ESIM_BSP_KEY_SIZE);
  memcpy (mac, full, ESIM_BSP_MAC_SIZE);
}

static void
esim_bsp_icv (EsimBsp *self, guint8 iv[AES_BLOCK_SIZE])
{
  guint8 block[AES_BLOCK_SIZE] = { 0 };

  /* SCP03: the ICV is the encrypted block counter */
  block[12] = (guint8) (self->block_counter >> 24);
  block[13] = (guint8) (self->block_counter >> 16);
  block[14] = (guint8) (self->block_counter >> 8);
  block[15] = (guint8) self->block_counter;
  aes128_encrypt (&self->enc, AES_BLOCK_SIZE, iv, block);
}

static GBytes *
esim_bsp_finish_tlv (EsimBsp *self, guint8 tag, const guint8 *value, gsize len)
{
  guint8 header[9];
  guint8 mac[ESIM_BSP_MAC_SIZE];
  gsize hlen = esim_tlv_encode_header (tag, len + ESIM_BSP_MAC_SIZE, header);
  GByteArray *out = g_byte_array_sized_new (hlen + len + ESIM_BSP_MAC_SIZE);

  esim_bsp_cmac (self, header, hlen, value, len, mac);
  g_byte_array_append (out, header, hlen);
  g_byte_array_append (out, value, len);
  g_byte_array_append (out, mac, sizeof (mac));
  return g_byte_array_free_to_bytes (out);
}

GBytes *
esim_bsp_encrypt_and_mac (EsimBsp *self, guint8 tag, const guint8 *plain, gsize len)
{
  gsize padded = (len / AES_BLOCK_SIZE + 1) * AES_BLOCK_SIZE;
  g_autofree guint8 *buf = g_malloc0 (padded);
  guint8 iv[AES_BLOCK_SIZE];

  g_return_val_if_fail (len <= ESIM_BSP_MAX_PLAIN, NULL);
  /* ISO/IEC 9797-1 method 2 padding, always at least one byte */
  memcpy (buf, plain, len);
  buf[len] = 0x80;
  self->block_counter++;
  esim_bsp_icv (self, iv);
  cbc_encrypt (&self->enc, (nettle_cipher_func *) aes128_encrypt, AES_BLOCK_SIZE, iv, padded, buf,
               buf);
  return esim_bsp_finish_tlv (self, tag, buf, padded);
}

GBytes *
esim_bsp_mac_only (EsimBsp *self, guint8 tag, const guint8 *plain, gsize len)
{
  g_return_val_if_fail (len <= ESIM_BSP_MAX_PLAIN + ESIM_BSP_MAC_SIZE, NULL);
  /* as in SCP03, every protected command advances the counter, even one
   * that carries no ciphertext */
  self->block_counter++;
  return esim_bsp_finish_tlv (self, tag, plain, len);
}

static gboolean
esim_bsp_check_mac (EsimBsp *self, const guint8 *tlv, gsize len, EsimTlv *out, GError **error)
{
  guint8 mac[ESIM_BSP_MAC_SIZE];
  guint8 saved[ESIM_BSP_KEY_SIZE];
  gsize body;

  if (!esim_tlv_parse_header (tlv, len, out, error) || out->raw_length != len) {
    g_set_error_literal (error, ESIM_BSP_ERROR, ESIM_BSP_ERROR_MALFORMED,
                         "protected segment is not one TLV");
    return FALSE;
  }
  if (out->length < ESIM_BSP_MAC_SIZE) {
    g_set_error_literal (error, ESIM_BSP_ERROR, ESIM_BSP_ERROR_MALFORMED,
                         "protected segment is shorter than its MAC");
    return FALSE;
  }
  /* SM-DP+s differ on the exact segment limit (1020 or 1024 bytes of
   * ciphertext); anything far beyond is not a BSP segment */
  if (out->length > 4096) {
    g_set_error (error, ESIM_BSP_ERROR, ESIM_BSP_ERROR_TOO_LONG,
                 "protected segment of %" G_GSIZE_FORMAT " bytes", out->length);
    return FALSE;
  }
  body = out->length - ESIM_BSP_MAC_SIZE;
  /* a failed check must not advance the chaining value */
  memcpy (saved, self->mac_chaining, sizeof (saved));
  esim_bsp_cmac (self, tlv, (gsize) (out->value - tlv), out->value, body, mac);
  if (!nettle_memeql_sec (mac, out->value + body, ESIM_BSP_MAC_SIZE)) {
    memcpy (self->mac_chaining, saved, sizeof (saved));
    g_set_error_literal (error, ESIM_BSP_ERROR, ESIM_BSP_ERROR_MAC,
                         "MAC of the protected segment does not verify");
    return FALSE;
  }
  return TRUE;
}

GBytes *
esim_bsp_verify_and_decrypt (EsimBsp *self, const guint8 *tlv, gsize len, GError **error)
{
  EsimTlv seg;
  gsize body;
  g_autofree guint8 *buf = NULL;
  guint8 iv[AES_BLOCK_SIZE];
  gsize plain_len;

  if (!esim_bsp_check_mac (self, tlv, len, &seg, error))
    return NULL;
  body = seg.length - ESIM_BSP_MAC_SIZE;
  if (body == 0 || body % AES_BLOCK_SIZE != 0) {
    g_set_error (error, ESIM_BSP_ERROR, ESIM_BSP_ERROR_MALFORMED,
                 "ciphertext of %" G_GSIZE_FORMAT " bytes is not whole AES blocks", body);
    return NULL;
  }
  buf = g_memdup2 (seg.value, body);
  self->block_counter++;
  esim_bsp_icv (self, iv);
  cbc_decrypt (&self->dec, (nettle_cipher_func *) aes128_decrypt, AES_BLOCK_SIZE, iv, body, buf,
               buf);
  /* strip 80 00..00 */
  plain_len = body;
  while (plain_len > 0 && buf[plain_len - 1] == 0x00)
    plain_len--;
  if (plain_len == 0 || buf[plain_len - 1] != 0x80 || body - plain_len >= AES_BLOCK_SIZE) {
    g_set_error_literal (error, ESIM_BSP_ERROR, ESIM_BSP_ERROR_PADDING,
                         "decrypted segment has invalid padding");
    return NULL;
  }
  return g_bytes_new (buf, plain_len - 1);
}

GBytes *
esim_bsp_verify_mac_only (EsimBsp *self, const guint8 *tlv, gsize len, GError **error)
{
  EsimTlv seg;

  if (!esim_bsp_check_mac (self, tlv, len, &seg, error))
    return NULL;
  self->block_counter++;
  return g_bytes_new (seg.value, seg.length - ESIM_BSP_MAC_SIZE);
}
