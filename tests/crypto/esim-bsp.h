/*
 * The SGP.22 bound profile package protection (BSP, SCP03t) and its key
 * derivation, shared by the simulated eUICC (which decrypts and verifies)
 * and the test SM-DP+ (which encrypts and MACs).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ESIM_BSP_ERROR (esim_bsp_error_quark ())
GQuark esim_bsp_error_quark (void);

typedef enum {
  ESIM_BSP_ERROR_MALFORMED, /* not a TLV, or too short for a MAC */
  ESIM_BSP_ERROR_MAC,       /* the MAC does not verify */
  ESIM_BSP_ERROR_PADDING,   /* the decrypted padding is wrong */
  ESIM_BSP_ERROR_TOO_LONG,  /* a segment beyond the SCP03t limit */
} EsimBspError;

#define ESIM_BSP_KEY_SIZE 16
#define ESIM_BSP_MAC_SIZE 8
/* the largest plaintext of one segment: 1020 bytes of TLV value after
 * padding and MAC, as SGP.22 limits each protected TLV to 1024 bytes */
#define ESIM_BSP_MAX_PLAIN 1007

typedef struct _EsimBsp EsimBsp;

/* SGP.22 Annex G: X9.63 KDF with SHA-256 over the ECKA shared secret with
 * shared info key type, key length, host ID and EID; yields the initial MAC
 * chaining value, S-ENC and S-MAC */
void esim_bsp_derive_keys (const guint8 *shared_secret, gsize shared_secret_len, guint8 key_type,
                           guint8 key_length, const guint8 *host_id, gsize host_id_len,
                           const guint8 *eid, gsize eid_len, guint8 s_enc[ESIM_BSP_KEY_SIZE],
                           guint8 s_mac[ESIM_BSP_KEY_SIZE], guint8 mac_chaining[ESIM_BSP_KEY_SIZE]);

EsimBsp *esim_bsp_new (const guint8 s_enc[ESIM_BSP_KEY_SIZE], const guint8 s_mac[ESIM_BSP_KEY_SIZE],
                       const guint8 mac_chaining[ESIM_BSP_KEY_SIZE]);
void esim_bsp_free (EsimBsp *self);

/* one protected TLV: tag, length, ciphertext (or plaintext), 8-byte MAC */
GBytes *esim_bsp_encrypt_and_mac (EsimBsp *self, guint8 tag, const guint8 *plain, gsize len);
GBytes *esim_bsp_mac_only (EsimBsp *self, guint8 tag, const guint8 *plain, gsize len);

/* the card side: verify the MAC of one protected TLV (and decrypt it) */
GBytes *esim_bsp_verify_and_decrypt (EsimBsp *self, const guint8 *tlv, gsize len, GError **error);
GBytes *esim_bsp_verify_mac_only (EsimBsp *self, const guint8 *tlv, gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimBsp, esim_bsp_free)

G_END_DECLS
