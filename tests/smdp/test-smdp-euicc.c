/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gnutls/crypto.h>

#include "esim-bsp.h"
#include "esim-rsp-crypto.h"
#include "esim-smdp-util.h"
#include "esim-test-sim.h"
#include "esim-tlv.h"
#include "test-smdp-euicc.h"

struct _TestEuicc {
  EsimRspKey *key;
  EsimRspCert *cert;
  EsimRspCert *eum;
  EsimRspCert *ci;
  GBytes *ci_ski;
  gchar *eid;

  guint8 challenge[16];
  GBytes *txid;
  GBytes *euicc_signature1; /* TLVs, tag and length included */
  GBytes *smdp_signature2;
  GBytes *euicc_signature2;
  EsimRspKey *otk;
  gchar *iccid_ef; /* hex of the metadata 5A, after load_bpp */
  gint64 seq;
};

static EsimRspKey *
load_key (const gchar *relative)
{
  g_autofree gchar *path = esim_test_shared_path (relative);
  g_autoptr (GError) error = NULL;
  EsimRspKey *key = esim_rsp_key_load_pem (path, &error);

  g_assert_no_error (error);
  return key;
}

static EsimRspCert *
load_cert (const gchar *relative)
{
  g_autofree gchar *path = esim_test_shared_path (relative);
  g_autoptr (GError) error = NULL;
  EsimRspCert *cert = esim_rsp_cert_load (path, &error);

  g_assert_no_error (error);
  return cert;
}

TestEuicc *
test_euicc_new (void)
{
  TestEuicc *self = g_new0 (TestEuicc, 1);

  self->key = load_key ("fixtures/sgp26/eUICC/SK_EUICC_ECDSA_NIST.pem");
  self->cert = load_cert ("fixtures/sgp26/eUICC/CERT_EUICC_ECDSA_NIST.der");
  self->eum = load_cert ("fixtures/sgp26/EUM/CERT_EUM_ECDSA_NIST.der");
  self->ci = load_cert ("fixtures/sgp26/CertificateIssuer/CERT_CI_ECDSA_NIST.der");
  self->ci_ski = esim_rsp_cert_get_subject_key_id (self->ci);
  self->eid = esim_rsp_cert_get_serial_number_attr (self->cert);
  self->seq = 1;
  return self;
}

static void
test_euicc_reset (TestEuicc *self)
{
  g_clear_pointer (&self->txid, g_bytes_unref);
  g_clear_pointer (&self->euicc_signature1, g_bytes_unref);
  g_clear_pointer (&self->smdp_signature2, g_bytes_unref);
  g_clear_pointer (&self->euicc_signature2, g_bytes_unref);
  g_clear_pointer (&self->otk, esim_rsp_key_free);
}

void
test_euicc_free (TestEuicc *self)
{
  if (self == NULL)
    return;
  test_euicc_reset (self);
  esim_rsp_key_free (self->key);
  esim_rsp_cert_free (self->cert);
  esim_rsp_cert_free (self->eum);
  esim_rsp_cert_free (self->ci);
  g_bytes_unref (self->ci_ski);
  g_free (self->eid);
  g_free (self->iccid_ef);
  g_free (self);
}

const gchar *
test_euicc_get_eid (TestEuicc *self)
{
  return self->eid;
}

GBytes *
test_euicc_get_challenge (TestEuicc *self)
{
  gnutls_rnd (GNUTLS_RND_NONCE, self->challenge, sizeof (self->challenge));
  return g_bytes_new (self->challenge, sizeof (self->challenge));
}

GBytes *
test_euicc_get_info1 (TestEuicc *self, gboolean known_ci)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  static const guint8 svn[] = { 2, 2, 2 };
  static const guint8 other[20] = { 0x01, 0x02, 0x03 };

  esim_tlv_builder_begin (b, 0xBF20);
  esim_tlv_builder_add (b, 0x82, svn, sizeof (svn));
  for (guint32 tag = 0xA9; tag <= 0xAA; tag++) {
    esim_tlv_builder_begin (b, tag);
    if (known_ci)
      esim_tlv_builder_add_bytes (b, 0x04, self->ci_ski);
    else
      esim_tlv_builder_add (b, 0x04, other, sizeof (other));
    esim_tlv_builder_end (b);
  }
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

static GBytes *
sign_tlv (TestEuicc *self, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) sig = esim_rsp_key_sign (self->key, data, len, &error);
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();

  g_assert_no_error (error);
  esim_tlv_builder_add_bytes (b, 0x5F37, sig);
  return esim_tlv_builder_finish (b);
}

/* a server signature (5F37 TLV) over data || extra with a certificate */
static gboolean
check_server_signature (EsimRspCert *cert, GBytes *data, GBytes *extra, GBytes *sig_tlv,
                        GError **error)
{
  g_autoptr (GByteArray) all = g_byte_array_new ();
  g_autoptr (GBytes) sig = NULL;
  EsimTlv tlv;

  if (!esim_tlv_decode_expect (sig_tlv, 0x5F37, &tlv, error))
    return FALSE;
  sig = esim_tlv_dup_value (&tlv);
  g_byte_array_append (all, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  if (extra != NULL)
    g_byte_array_append (all, g_bytes_get_data (extra, NULL), g_bytes_get_size (extra));
  return esim_rsp_cert_verify_signature (cert, all->data, all->len, sig, error);
}

static EsimRspCert *
check_server_cert (TestEuicc *self, GBytes *der, GError **error)
{
  g_autoptr (EsimRspCert) cert = esim_rsp_cert_new_from_der (der, error);

  if (cert == NULL
      || !esim_rsp_cert_verify_issued_by (cert, self->ci, g_get_real_time () / G_USEC_PER_SEC,
                                          error))
    return NULL;
  return g_steal_pointer (&cert);
}

GBytes *
test_euicc_authenticate_server (TestEuicc *self, GBytes *server_signed1, GBytes *server_signature1,
                                GBytes *server_certificate, const gchar *matching_id,
                                GError **error)
{
  g_autoptr (EsimRspCert) server = check_server_cert (self, server_certificate, error);
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) signed1 = NULL;
  g_autoptr (GBytes) euicc_der = esim_rsp_cert_get_der (self->cert);
  g_autoptr (GBytes) eum_der = esim_rsp_cert_get_der (self->eum);
  static const guint8 tac[8] = { 0x35, 0x29, 0x06, 0x11 };
  EsimTlv root, field, txid, address, challenge;

  if (server == NULL
      || !check_server_signature (server, server_signed1, NULL, server_signature1, error)
      || !esim_tlv_decode_expect (server_signed1, 0x30, &root, error)
      || !esim_tlv_require (&root, 0x80, &txid, error)
      || !esim_tlv_require (&root, 0x81, &field, error)
      || !esim_tlv_require (&root, 0x83, &address, error)
      || !esim_tlv_require (&root, 0x84, &challenge, error))
    return NULL;
  if (field.length != 16 || memcmp (field.value, self->challenge, 16) != 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "euiccChallenge mismatch");
    return NULL;
  }
  test_euicc_reset (self);
  self->txid = esim_tlv_dup_value (&txid);

  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add_raw (b, txid.raw, txid.raw_length);
  esim_tlv_builder_add_raw (b, address.raw, address.raw_length);
  esim_tlv_builder_add_raw (b, challenge.raw, challenge.raw_length);
  esim_tlv_builder_begin (b, 0xBF22);
  esim_tlv_builder_add (b, 0x81, (const guint8 *) "\x02\x03\x01", 3);
  esim_tlv_builder_end (b);
  esim_tlv_builder_begin (b, 0xA0);
  if (matching_id != NULL)
    esim_tlv_builder_add_string (b, 0x80, matching_id);
  esim_tlv_builder_begin (b, 0xA1);
  esim_tlv_builder_add (b, 0x80, tac, sizeof (tac));
  esim_tlv_builder_begin (b, 0xA1);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  signed1 = esim_tlv_builder_finish (b);
  self->euicc_signature1
    = sign_tlv (self, g_bytes_get_data (signed1, NULL), g_bytes_get_size (signed1));

  esim_tlv_builder_begin (b, 0xBF38);
  esim_tlv_builder_begin (b, 0xA0);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (signed1, NULL), g_bytes_get_size (signed1));
  esim_tlv_builder_add_raw (b, g_bytes_get_data (self->euicc_signature1, NULL),
                            g_bytes_get_size (self->euicc_signature1));
  esim_tlv_builder_add_raw (b, g_bytes_get_data (euicc_der, NULL), g_bytes_get_size (euicc_der));
  esim_tlv_builder_add_raw (b, g_bytes_get_data (eum_der, NULL), g_bytes_get_size (eum_der));
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

GBytes *
test_euicc_prepare_download (TestEuicc *self, GBytes *smdp_signed2, GBytes *smdp_signature2,
                             GBytes *smdp_certificate, const gchar *cc, GError **error)
{
  g_autoptr (EsimRspCert) pb = check_server_cert (self, smdp_certificate, error);
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) signed2 = NULL;
  g_autoptr (GBytes) otpk = NULL;
  g_autoptr (GByteArray) data = g_byte_array_new ();
  EsimTlv root;

  if (pb == NULL
      || !check_server_signature (pb, smdp_signed2, self->euicc_signature1, smdp_signature2, error)
      || !esim_tlv_decode_expect (smdp_signed2, 0x30, &root, error))
    return NULL;
  g_clear_pointer (&self->smdp_signature2, g_bytes_unref);
  self->smdp_signature2 = g_bytes_ref (smdp_signature2);
  g_clear_pointer (&self->otk, esim_rsp_key_free);
  self->otk = esim_rsp_key_generate (error);
  if (self->otk == NULL)
    return NULL;
  otpk = esim_rsp_key_get_public_point (self->otk);

  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add_bytes (b, 0x80, self->txid);
  esim_tlv_builder_add_bytes (b, 0x5F49, otpk);
  if (cc != NULL) {
    g_autoptr (GChecksum) inner = g_checksum_new (G_CHECKSUM_SHA256);
    g_autoptr (GChecksum) outer = g_checksum_new (G_CHECKSUM_SHA256);
    guint8 digest[32];
    gsize len = sizeof (digest);

    g_checksum_update (inner, (const guchar *) cc, strlen (cc));
    g_checksum_get_digest (inner, digest, &len);
    g_checksum_update (outer, digest, len);
    g_checksum_update (outer, g_bytes_get_data (self->txid, NULL), g_bytes_get_size (self->txid));
    len = sizeof (digest);
    g_checksum_get_digest (outer, digest, &len);
    esim_tlv_builder_add (b, 0x04, digest, len);
  }
  esim_tlv_builder_end (b);
  signed2 = esim_tlv_builder_finish (b);
  g_byte_array_append (data, g_bytes_get_data (signed2, NULL), g_bytes_get_size (signed2));
  g_byte_array_append (data, g_bytes_get_data (smdp_signature2, NULL),
                       g_bytes_get_size (smdp_signature2));
  g_clear_pointer (&self->euicc_signature2, g_bytes_unref);
  self->euicc_signature2 = sign_tlv (self, data->data, data->len);

  esim_tlv_builder_begin (b, 0xBF21);
  esim_tlv_builder_begin (b, 0xA0);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (signed2, NULL), g_bytes_get_size (signed2));
  esim_tlv_builder_add_raw (b, g_bytes_get_data (self->euicc_signature2, NULL),
                            g_bytes_get_size (self->euicc_signature2));
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

/* the segments of one BPP part: decrypted (or MAC-checked) and joined */
static GBytes *
open_segments (EsimBsp *bsp, const EsimTlv *part, gboolean encrypted, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  EsimTlvIter iter;
  EsimTlv seg;

  esim_tlv_iter_init (&iter, part);
  while (esim_tlv_iter_next (&iter, &seg)) {
    g_autoptr (GBytes) plain = encrypted
                                 ? esim_bsp_verify_and_decrypt (bsp, seg.raw, seg.raw_length, error)
                                 : esim_bsp_verify_mac_only (bsp, seg.raw, seg.raw_length, error);

    if (plain == NULL)
      return NULL;
    g_byte_array_append (out, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
test_euicc_load_bpp (TestEuicc *self, GBytes *bpp, GBytes **metadata, GError **error)
{
  g_autoptr (EsimRspCert) pb = NULL;
  g_autoptr (GByteArray) signed_data = g_byte_array_new ();
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (GBytes) dp_otpk = NULL;
  g_autoptr (GBytes) own_otpk = NULL;
  g_autoptr (GBytes) covered = NULL;
  g_autoptr (GBytes) shs = NULL;
  g_autoptr (GBytes) eid = esim_smdp_hex_decode (self->eid);
  g_autoptr (GBytes) configure = NULL;
  g_autoptr (GBytes) replace = NULL;
  g_autoptr (EsimBsp) session = NULL;
  g_autoptr (EsimBsp) profile = NULL;
  g_autofree gchar *pb_path
    = esim_test_shared_path ("fixtures/sgp26/DPpb/CERT_S_SM_DPpb_ECDSA_NIST.der");
  guint8 s_enc[16], s_mac[16], mcv[16];
  EsimTlv root, isc, child, host, part, keys, ppk_enc, ppk_mac, ppk_mcv, md;
  EsimTlvIter iter;

  pb = esim_rsp_cert_load (pb_path, error);
  if (pb == NULL || !esim_tlv_decode_expect (bpp, 0xBF36, &root, error)
      || !esim_tlv_require (&root, 0xBF23, &isc, error))
    return NULL;
  /* smdpSign covers the TLVs before it and our euiccOtpk (5F49) */
  esim_tlv_iter_init (&iter, &isc);
  while (esim_tlv_iter_next (&iter, &child)) {
    if (child.tag == 0x5F37)
      sig = esim_tlv_dup_value (&child);
    else
      g_byte_array_append (signed_data, child.raw, child.raw_length);
    if (child.tag == 0x5F49)
      dp_otpk = esim_tlv_dup_value (&child);
  }
  own_otpk = esim_rsp_key_get_public_point (self->otk);
  covered = esim_rsp_isc_signed_data (signed_data->data, signed_data->len, own_otpk);
  if (sig == NULL || dp_otpk == NULL
      || !esim_rsp_cert_verify_signature (pb, g_bytes_get_data (covered, NULL),
                                          g_bytes_get_size (covered), sig, error))
    return NULL;
  if (!esim_tlv_require (&isc, 0xA6, &child, error)
      || !esim_tlv_require (&child, 0x84, &host, error))
    return NULL;
  shs = esim_rsp_key_agree (self->otk, dp_otpk, error);
  if (shs == NULL)
    return NULL;
  esim_bsp_derive_keys (g_bytes_get_data (shs, NULL), g_bytes_get_size (shs), 0x88, 0x10,
                        host.value, host.length, g_bytes_get_data (eid, NULL),
                        g_bytes_get_size (eid), s_enc, s_mac, mcv);
  session = esim_bsp_new (s_enc, s_mac, mcv);

  if (!esim_tlv_require (&root, 0xA0, &part, error)
      || (configure = open_segments (session, &part, TRUE, error)) == NULL
      || !esim_tlv_require (&root, 0xA1, &part, error)
      || (*metadata = open_segments (session, &part, FALSE, error)) == NULL
      || !esim_tlv_require (&root, 0xA2, &part, error)
      || (replace = open_segments (session, &part, TRUE, error)) == NULL
      || !esim_tlv_decode_expect (replace, 0xBF26, &keys, error)
      || !esim_tlv_require (&keys, 0x80, &ppk_mcv, error)
      || !esim_tlv_require (&keys, 0x81, &ppk_enc, error)
      || !esim_tlv_require (&keys, 0x82, &ppk_mac, error)
      || !esim_tlv_require (&root, 0xA3, &part, error))
    return NULL;
  g_assert_cmpuint (ppk_enc.length, ==, 16);
  profile = esim_bsp_new (ppk_enc.value, ppk_mac.value, ppk_mcv.value);
  if (esim_tlv_decode_expect (*metadata, 0xBF25, &md, NULL) && esim_tlv_find (&md, 0x5A, &child)) {
    g_free (self->iccid_ef);
    self->iccid_ef = esim_smdp_hex_encode (child.value, child.length);
  }
  return open_segments (profile, &part, TRUE, error);
}

static void
add_metadata (TestEuicc *self, EsimTlvBuilder *b, guint event_bit, const gchar *address)
{
  g_autoptr (GBytes) iccid = self->iccid_ef != NULL ? esim_smdp_hex_decode (self->iccid_ef) : NULL;

  esim_tlv_builder_begin (b, 0xBF2F);
  esim_tlv_builder_add_int (b, 0x80, self->seq++);
  esim_tlv_builder_add_bit_string (b, 0x81, 1u << event_bit, 4);
  esim_tlv_builder_add_string (b, 0x0C, address);
  if (iccid != NULL)
    esim_tlv_builder_add_bytes (b, 0x5A, iccid);
  esim_tlv_builder_end (b);
}

GBytes *
test_euicc_install_result (TestEuicc *self, gboolean success, const gchar *address,
                           gboolean corrupt)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GBytes) sig = NULL;
  static const guint8 aid[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x10, 0x00 };

  esim_tlv_builder_begin (b, 0xBF27);
  esim_tlv_builder_add_bytes (b, 0x80, self->txid);
  add_metadata (self, b, 0, address);
  esim_tlv_builder_begin (b, 0xA2);
  if (success) {
    esim_tlv_builder_begin (b, 0xA0);
    esim_tlv_builder_add (b, 0x4F, aid, sizeof (aid));
    esim_tlv_builder_add (b, 0x04, NULL, 0);
    esim_tlv_builder_end (b);
  } else {
    esim_tlv_builder_begin (b, 0xA1);
    esim_tlv_builder_add_int (b, 0x80, 5);  /* loadProfileElements */
    esim_tlv_builder_add_int (b, 0x81, 12); /* PE processing error */
    esim_tlv_builder_end (b);
  }
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  data = esim_tlv_builder_finish (b);
  sig = sign_tlv (self, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  if (corrupt) {
    /* sign something else: a well-formed but wrong signature */
    g_clear_pointer (&sig, g_bytes_unref);
    sig = sign_tlv (self, (const guint8 *) "other", 5);
  }
  esim_tlv_builder_begin (b, 0xBF37);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  esim_tlv_builder_add_raw (b, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig));
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

GBytes *
test_euicc_other_notification (TestEuicc *self, guint event_bit, const gchar *address)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) md = NULL;
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (GBytes) euicc_der = esim_rsp_cert_get_der (self->cert);
  g_autoptr (GBytes) eum_der = esim_rsp_cert_get_der (self->eum);

  add_metadata (self, b, event_bit, address);
  md = esim_tlv_builder_finish (b);
  sig = sign_tlv (self, g_bytes_get_data (md, NULL), g_bytes_get_size (md));
  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (md, NULL), g_bytes_get_size (md));
  esim_tlv_builder_add_raw (b, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig));
  esim_tlv_builder_add_raw (b, g_bytes_get_data (euicc_der, NULL), g_bytes_get_size (euicc_der));
  esim_tlv_builder_add_raw (b, g_bytes_get_data (eum_der, NULL), g_bytes_get_size (eum_der));
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

GBytes *
test_euicc_cancel_session (TestEuicc *self, gint reason)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) signed_data = NULL;
  g_autoptr (GBytes) sig = NULL;
  /* 2.999.10, the registeredID of the SGP.26 CERT.DPauth */
  static const guint8 oid[] = { 0x88, 0x37, 0x0A };

  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add_bytes (b, 0x80, self->txid);
  esim_tlv_builder_add (b, 0x81, oid, sizeof (oid));
  esim_tlv_builder_add_int (b, 0x82, reason);
  esim_tlv_builder_end (b);
  signed_data = esim_tlv_builder_finish (b);
  sig = sign_tlv (self, g_bytes_get_data (signed_data, NULL), g_bytes_get_size (signed_data));
  esim_tlv_builder_begin (b, 0xBF41);
  esim_tlv_builder_begin (b, 0xA0);
  esim_tlv_builder_add_raw (b, g_bytes_get_data (signed_data, NULL),
                            g_bytes_get_size (signed_data));
  esim_tlv_builder_add_raw (b, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig));
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}
