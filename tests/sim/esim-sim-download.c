/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-rsp-crypto.h"
#include "esim-sim-bpp.h"
#include "esim-sim-download.h"
#include "esim-sim-upp.h"
#include "esim-tlv.h"

/* AuthenticateErrorCode and DownloadErrorCode share these numbers */
#define ERR_INVALID_CERTIFICATE 1
#define ERR_INVALID_SIGNATURE 2
#define ERR_NO_SESSION_CONTEXT 4
#define ERR_INVALID_TRANSACTION_ID 5 /* DownloadErrorCode, CancelSession */
#define ERR_CHALLENGE_MISMATCH 6
#define ERR_CI_PK_UNKNOWN 7
#define ERR_UNDEFINED 127

#define DOWNLOAD_KEY "esim-sim-download"

typedef struct {
  GBytes *transaction_id;
  gchar *server_address;
  EsimRspCert *ci;        /* owned by the crypto object */
  EsimRspCert *auth_cert; /* CERT.XXauth.ECDSA */
  gchar *smdp_oid;
  gchar *matching_id;       /* NULL when none */
  GBytes *euicc_signature1; /* the 5F37 TLV, as PrepareDownload's signature covers it */
  /* after PrepareDownload */
  EsimRspCert *pb_cert;
  GBytes *euicc_signature2;
  EsimSimBpp *bpp;
} Session;

typedef struct {
  Session *session;
  /* otSK/otPK.EUICC.ECKA outlive a session: a retried download may bind
   * the same package again (bppEuiccOtpk); gone after an installation */
  EsimRspKey *otk;
} Download;

static void
session_free (Session *s)
{
  if (s == NULL)
    return;
  g_clear_pointer (&s->transaction_id, g_bytes_unref);
  g_free (s->server_address);
  g_clear_pointer (&s->auth_cert, esim_rsp_cert_free);
  g_free (s->smdp_oid);
  g_free (s->matching_id);
  g_clear_pointer (&s->euicc_signature1, g_bytes_unref);
  g_clear_pointer (&s->pb_cert, esim_rsp_cert_free);
  g_clear_pointer (&s->euicc_signature2, g_bytes_unref);
  g_clear_pointer (&s->bpp, esim_sim_bpp_free);
  g_free (s);
}

static void
download_free (Download *d)
{
  session_free (d->session);
  g_clear_pointer (&d->otk, esim_rsp_key_free);
  g_free (d);
}

static Download *
download_get (EsimSimEs10 *es10)
{
  return g_object_get_data (G_OBJECT (es10), DOWNLOAD_KEY);
}

/* ending a session drops its keys and whatever of a profile had arrived:
 * nothing of it was stored yet */
static void
download_end_session (Download *d)
{
  g_clear_pointer (&d->session, session_free);
}

static gboolean
bytes_equal_tlv (GBytes *bytes, const EsimTlv *tlv)
{
  return bytes != NULL && g_bytes_get_size (bytes) == tlv->length
         && memcmp (g_bytes_get_data (bytes, NULL), tlv->value, tlv->length) == 0;
}

/* CHOICE error alternative: tag { A1 { 80 txid, 02 code } } */
static GBytes *
download_error (guint32 tag, const EsimTlv *txid, gint64 code)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  static const guint8 none = 0;

  esim_tlv_builder_begin (b, tag);
  esim_tlv_builder_begin (b, 0xA1);
  if (txid != NULL && txid->length >= 1 && txid->length <= 16)
    esim_tlv_builder_add (b, 0x80, txid->value, txid->length);
  else
    esim_tlv_builder_add (b, 0x80, &none, 1);
  esim_tlv_builder_add_int (b, 0x02, code);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

/* CancelSession's error alternative: BF41 { 81 code } */
static GBytes *
download_cancel_error (gint64 code)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();

  esim_tlv_builder_begin (b, 0xBF41);
  esim_tlv_builder_add_int (b, 0x81, code);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

/* the children of a SEQUENCE in their order, each with the expected tag;
 * optional ones may be missing (their tag is then 0); nothing may follow */
static gboolean
download_children (const EsimTlv *parent, const guint32 *tags, const gboolean *optional,
                   EsimTlv *out, guint n)
{
  EsimTlvIter iter;
  EsimTlv child;
  guint i = 0;
  gboolean have = FALSE;

  esim_tlv_iter_init (&iter, parent);
  have = esim_tlv_iter_next (&iter, &child);
  for (i = 0; i < n; i++) {
    memset (&out[i], 0, sizeof (out[i]));
    if (have && child.tag == tags[i]) {
      out[i] = child;
      have = esim_tlv_iter_next (&iter, &child);
    } else if (!optional[i]) {
      return FALSE;
    }
  }
  return !have;
}

static GBytes *
download_sign_tlv (EsimSimEs10 *es10, const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GBytes) sig = esim_rsp_key_sign (
    esim_sim_crypto_get_key (esim_sim_es10_get_crypto (es10)), data, len, error);
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();

  if (sig == NULL)
    return NULL;
  esim_tlv_builder_add_bytes (b, 0x5F37, sig);
  return esim_tlv_builder_finish (b);
}

static void
builder_add_gbytes_raw (EsimTlvBuilder *b, GBytes *raw)
{
  esim_tlv_builder_add_raw (b, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
}

/* a server certificate: issued by the CI the session uses (validity is not
 * checked: an eUICC has no trusted clock) and with one of the roles */
static gboolean
download_check_cert (EsimRspCert *cert, EsimRspCert *ci, const gchar *role1, const gchar *role2)
{
  g_autoptr (GError) error = NULL;

  if (!esim_rsp_cert_verify_issued_by (cert, ci, 0, &error)) {
    g_debug ("server certificate refused: %s", error->message);
    return FALSE;
  }
  return esim_rsp_cert_has_role (cert, role1)
         || (role2 != NULL && esim_rsp_cert_has_role (cert, role2));
}

/* ES10b.AuthenticateServer */
static GBytes *
download_authenticate_server (EsimSimEs10 *es10, const EsimTlv *request, guint16 *sw)
{
  static const guint32 tags[] = { 0x30, 0x5F37, 0x04, 0x30, 0xA0 };
  static const gboolean optional[] = { FALSE, FALSE, FALSE, FALSE, FALSE };
  static const guint32 signed_tags[] = { 0x80, 0x81, 0x83, 0x84 };
  static const gboolean signed_optional[] = { FALSE, FALSE, FALSE, FALSE };
  Download *d = download_get (es10);
  EsimSimCrypto *crypto = esim_sim_es10_get_crypto (es10);
  GBytes *challenge = esim_sim_es10_get_challenge (es10);
  EsimTlv parts[5] = { { 0 } }, signed1[4] = { { 0 } }, matching;
  g_autoptr (GBytes) cert_der = NULL;
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (GBytes) info2 = NULL;
  g_autoptr (GBytes) euicc_signed1 = NULL;
  g_autoptr (GBytes) signature1 = NULL;
  g_autoptr (EsimRspCert) cert = NULL;
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GError) error = NULL;
  g_autofree gchar *address = NULL;
  EsimRspCert *ci;
  Session *s;

  if (!download_children (request, tags, optional, parts, G_N_ELEMENTS (tags))
      || !download_children (&parts[0], signed_tags, signed_optional, signed1,
                             G_N_ELEMENTS (signed_tags))
      || signed1[0].length < 1 || signed1[0].length > 16 || signed1[1].length != 16
      || signed1[3].length != 16 || (address = esim_tlv_dup_string (&signed1[2], NULL)) == NULL)
    return download_error (0xBF38, parts[0].tag == 0x30 ? &signed1[0] : NULL, ERR_UNDEFINED);

  ci = esim_sim_crypto_find_ci (crypto, parts[2].value, parts[2].length);
  if (ci == NULL)
    return download_error (0xBF38, &signed1[0], ERR_CI_PK_UNKNOWN);
  cert_der = esim_tlv_dup_raw (&parts[3]);
  cert = esim_rsp_cert_new_from_der (cert_der, NULL);
  if (cert == NULL || !download_check_cert (cert, ci, ESIM_RSP_ROLE_DP_AUTH, ESIM_RSP_ROLE_DS_AUTH))
    return download_error (0xBF38, &signed1[0], ERR_INVALID_CERTIFICATE);
  sig = esim_tlv_dup_value (&parts[1]);
  if (!esim_rsp_cert_verify_signature (cert, parts[0].raw, parts[0].raw_length, sig, NULL))
    return download_error (0xBF38, &signed1[0], ERR_INVALID_SIGNATURE);
  if (challenge == NULL)
    return download_error (0xBF38, &signed1[0], ERR_NO_SESSION_CONTEXT);
  if (!bytes_equal_tlv (challenge, &signed1[1]))
    return download_error (0xBF38, &signed1[0], ERR_CHALLENGE_MISMATCH);

  info2 = esim_sim_es10_encode_euicc_info2 (es10);
  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add (b, 0x80, signed1[0].value, signed1[0].length);
  esim_tlv_builder_add (b, 0x83, signed1[2].value, signed1[2].length);
  esim_tlv_builder_add (b, 0x84, signed1[3].value, signed1[3].length);
  builder_add_gbytes_raw (b, info2);
  esim_tlv_builder_add_raw (b, parts[4].raw, parts[4].raw_length);
  esim_tlv_builder_end (b);
  euicc_signed1 = esim_tlv_builder_finish (b);
  signature1 = download_sign_tlv (es10, g_bytes_get_data (euicc_signed1, NULL),
                                  g_bytes_get_size (euicc_signed1), &error);
  if (signature1 == NULL) {
    g_warning ("cannot sign euiccSigned1: %s", error->message);
    return download_error (0xBF38, &signed1[0], ERR_UNDEFINED);
  }

  /* a new session replaces any other; the challenge is used up */
  download_end_session (d);
  esim_sim_es10_clear_challenge (es10);
  s = g_new0 (Session, 1);
  s->transaction_id = esim_tlv_dup_value (&signed1[0]);
  s->server_address = g_steal_pointer (&address);
  s->ci = ci;
  s->smdp_oid = esim_rsp_cert_get_registered_id (cert);
  s->auth_cert = g_steal_pointer (&cert);
  if (esim_tlv_find (&parts[4], 0x80, &matching))
    s->matching_id = esim_tlv_dup_string (&matching, NULL);
  s->euicc_signature1 = g_bytes_ref (signature1);
  d->session = s;

  esim_tlv_builder_begin (b, 0xBF38);
  esim_tlv_builder_begin (b, 0xA0);
  builder_add_gbytes_raw (b, euicc_signed1);
  builder_add_gbytes_raw (b, signature1);
  builder_add_gbytes_raw (b,
                          esim_sim_crypto_get_euicc_certificate (esim_sim_es10_get_crypto (es10)));
  builder_add_gbytes_raw (b, esim_sim_crypto_get_eum_certificate (esim_sim_es10_get_crypto (es10)));
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

/* the one-time key pair: the stored one when the server asks for it again */
static EsimRspKey *
download_otk (Download *d, const EsimTlv *bpp_otpk, GError **error)
{
  if (d->otk != NULL && bpp_otpk->tag == 0x5F49) {
    g_autoptr (GBytes) point = esim_rsp_key_get_public_point (d->otk);

    if (bytes_equal_tlv (point, bpp_otpk))
      return d->otk;
  }
  g_clear_pointer (&d->otk, esim_rsp_key_free);
  d->otk = esim_rsp_key_generate (error);
  return d->otk;
}

/* ES10b.PrepareDownload */
static GBytes *
download_prepare (EsimSimEs10 *es10, const EsimTlv *request, guint16 *sw)
{
  static const guint32 tags[] = { 0x30, 0x5F37, 0x04, 0x30 };
  static const gboolean optional[] = { FALSE, FALSE, TRUE, FALSE };
  static const guint32 signed_tags[] = { 0x80, 0x01, 0x5F49 };
  static const gboolean signed_optional[] = { FALSE, FALSE, TRUE };
  Download *d = download_get (es10);
  Session *s = d->session;
  EsimTlv parts[4] = { { 0 } }, signed2[3] = { { 0 } };
  g_autoptr (GByteArray) signed_data = g_byte_array_new ();
  g_autoptr (GBytes) cert_der = NULL;
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (GBytes) otpk = NULL;
  g_autoptr (GBytes) euicc_signed2 = NULL;
  g_autoptr (GBytes) signature2 = NULL;
  g_autoptr (EsimRspCert) cert = NULL;
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GError) error = NULL;
  g_autofree gchar *pb_oid = NULL;
  gboolean cc_required = FALSE;
  EsimRspKey *otk;

  if (!download_children (request, tags, optional, parts, G_N_ELEMENTS (tags))
      || !download_children (&parts[0], signed_tags, signed_optional, signed2,
                             G_N_ELEMENTS (signed_tags))
      || !esim_tlv_get_bool (&signed2[1], &cc_required, NULL)
      || (parts[2].tag == 0x04 && parts[2].length != 32))
    return download_error (0xBF21, parts[0].tag == 0x30 ? &signed2[0] : NULL, ERR_UNDEFINED);
  if (s == NULL)
    return download_error (0xBF21, &signed2[0], ERR_NO_SESSION_CONTEXT);
  if (!bytes_equal_tlv (s->transaction_id, &signed2[0]))
    return download_error (0xBF21, &signed2[0], ERR_INVALID_TRANSACTION_ID);
  cert_der = esim_tlv_dup_raw (&parts[3]);
  cert = esim_rsp_cert_new_from_der (cert_der, NULL);
  /* binding and authentication certificates belong to the same SM-DP+ */
  if (cert == NULL || !download_check_cert (cert, s->ci, ESIM_RSP_ROLE_DP_PB, NULL)
      || (pb_oid = esim_rsp_cert_get_registered_id (cert)) == NULL
      || g_strcmp0 (pb_oid, s->smdp_oid) != 0)
    return download_error (0xBF21, &signed2[0], ERR_INVALID_CERTIFICATE);
  g_byte_array_append (signed_data, parts[0].raw, (guint) parts[0].raw_length);
  g_byte_array_append (signed_data, g_bytes_get_data (s->euicc_signature1, NULL),
                       (guint) g_bytes_get_size (s->euicc_signature1));
  sig = esim_tlv_dup_value (&parts[1]);
  if (!esim_rsp_cert_verify_signature (cert, signed_data->data, signed_data->len, sig, NULL))
    return download_error (0xBF21, &signed2[0], ERR_INVALID_SIGNATURE);
  /* a confirmation code that is required but not given: the request is
   * incomplete, which DownloadErrorCode can only call undefinedError */
  if (cc_required && parts[2].tag != 0x04)
    return download_error (0xBF21, &signed2[0], ERR_UNDEFINED);

  otk = download_otk (d, &signed2[2], &error);
  if (otk == NULL) {
    g_warning ("cannot generate the one-time key: %s", error->message);
    return download_error (0xBF21, &signed2[0], ERR_UNDEFINED);
  }
  otpk = esim_rsp_key_get_public_point (otk);
  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add (b, 0x80, signed2[0].value, signed2[0].length);
  esim_tlv_builder_add_bytes (b, 0x5F49, otpk);
  if (parts[2].tag == 0x04)
    esim_tlv_builder_add_raw (b, parts[2].raw, parts[2].raw_length);
  esim_tlv_builder_end (b);
  euicc_signed2 = esim_tlv_builder_finish (b);

  g_byte_array_set_size (signed_data, 0);
  g_byte_array_append (signed_data, g_bytes_get_data (euicc_signed2, NULL),
                       (guint) g_bytes_get_size (euicc_signed2));
  g_byte_array_append (signed_data, parts[1].raw, (guint) parts[1].raw_length);
  signature2 = download_sign_tlv (es10, signed_data->data, signed_data->len, &error);
  if (signature2 == NULL) {
    g_warning ("cannot sign euiccSigned2: %s", error->message);
    return download_error (0xBF21, &signed2[0], ERR_UNDEFINED);
  }
  g_clear_pointer (&s->pb_cert, esim_rsp_cert_free);
  g_clear_pointer (&s->euicc_signature2, g_bytes_unref);
  g_clear_pointer (&s->bpp, esim_sim_bpp_free);
  s->pb_cert = g_steal_pointer (&cert);
  s->euicc_signature2 = g_bytes_ref (signature2);

  esim_tlv_builder_begin (b, 0xBF21);
  esim_tlv_builder_begin (b, 0xA0);
  builder_add_gbytes_raw (b, euicc_signed2);
  builder_add_gbytes_raw (b, signature2);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

/* ES10b.CancelSession */
static GBytes *
download_cancel_session (EsimSimEs10 *es10, const EsimTlv *request, guint16 *sw)
{
  Download *d = download_get (es10);
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) oid = NULL;
  g_autoptr (GBytes) signed_data = NULL;
  g_autoptr (GBytes) signature = NULL;
  g_autoptr (GError) error = NULL;
  EsimTlv txid, field;
  gint64 reason = 0;

  if (!esim_tlv_find (request, 0x80, &txid) || txid.length < 1 || txid.length > 16
      || !esim_tlv_find (request, 0x81, &field) || !esim_tlv_get_int (&field, &reason, NULL))
    return download_cancel_error (ERR_UNDEFINED);
  if (d->session == NULL || !bytes_equal_tlv (d->session->transaction_id, &txid))
    return download_cancel_error (ERR_INVALID_TRANSACTION_ID);

  oid = esim_rsp_oid_encode (d->session->smdp_oid);
  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add (b, 0x80, txid.value, txid.length);
  if (oid != NULL)
    esim_tlv_builder_add_bytes (b, 0x81, oid);
  esim_tlv_builder_add_int (b, 0x82, reason);
  esim_tlv_builder_end (b);
  signed_data = esim_tlv_builder_finish (b);
  signature = download_sign_tlv (es10, g_bytes_get_data (signed_data, NULL),
                                 g_bytes_get_size (signed_data), &error);
  if (signature == NULL) {
    g_warning ("cannot sign the cancellation: %s", error->message);
    return download_cancel_error (ERR_UNDEFINED);
  }
  download_end_session (d);

  esim_tlv_builder_begin (b, 0xBF41);
  esim_tlv_builder_begin (b, 0xA0);
  builder_add_gbytes_raw (b, signed_data);
  builder_add_gbytes_raw (b, signature);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

/* ES10b.LoadBoundProfilePackage: its pieces arrive as separate commands */
static gboolean
download_stream (EsimSimEs10 *es10, GBytes *request, GBytes **response, guint16 *sw)
{
  Download *d = download_get (es10);
  Session *s = d->session;
  const guint8 *buf = g_bytes_get_data (request, NULL);
  gboolean installed;

  if (!esim_sim_bpp_is_piece (request))
    return FALSE;
  if (buf[0] == 0xBF) {
    /* a package without a prepared session has nothing to be bound to */
    if (s == NULL || s->euicc_signature2 == NULL) {
      *sw = 0x6985;
      return TRUE;
    }
    g_clear_pointer (&s->bpp, esim_sim_bpp_free);
    s->bpp = esim_sim_bpp_new (es10, &(EsimSimBppSession){
                                       .transaction_id = s->transaction_id,
                                       .dppb_cert = s->pb_cert,
                                       .otk = d->otk,
                                       .server_address = s->server_address,
                                     });
  } else if (s == NULL || s->bpp == NULL) {
    return FALSE;
  }
  if (!esim_sim_bpp_feed (s->bpp, request, response)) {
    *sw = 0x9000;
    return TRUE;
  }
  installed = esim_sim_bpp_installed (s->bpp);
  download_end_session (d);
  if (installed)
    g_clear_pointer (&d->otk, esim_rsp_key_free);
  if (*response == NULL)
    *sw = 0x6F00;
  return TRUE;
}

static void
download_reset (EsimSimEs10 *es10)
{
  Download *d = download_get (es10);

  if (d->session != NULL && d->session->bpp != NULL)
    esim_sim_bpp_interrupt (d->session->bpp);
  download_end_session (d);
}

void
esim_sim_download_register (EsimSimEs10 *es10)
{
  g_object_set_data_full (G_OBJECT (es10), DOWNLOAD_KEY, g_new0 (Download, 1),
                          (GDestroyNotify) download_free);
  esim_sim_es10_register (es10, 0xBF38, download_authenticate_server);
  esim_sim_es10_register (es10, 0xBF21, download_prepare);
  esim_sim_es10_register (es10, 0xBF41, download_cancel_session);
  esim_sim_es10_set_session_hooks (es10, download_stream, download_reset);
}
