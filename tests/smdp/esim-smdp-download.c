/*
 * The ES9+ functions after authentication: getBoundProfilePackage,
 * handleNotification and cancelSession.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-smdp-bpp.h"
#include "esim-smdp-error.h"
#include "esim-smdp-rsp-private.h"
#include "esim-smdp-util.h"

#define ESIM_SMDP_HASH_CC_SIZE 32

/* getBoundProfilePackage */

static gboolean
esim_smdp_check_cc (EsimSmdpSession *session, const EsimTlv *signed2, GError **error)
{
  EsimSmdpOrder *order = session->order;
  g_autoptr (GChecksum) inner = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GChecksum) outer = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[ESIM_SMDP_HASH_CC_SIZE];
  gsize digest_len = sizeof (digest);
  EsimTlv hash_cc;

  if (!session->cc_required)
    return TRUE;
  if (!esim_tlv_find (signed2, 0x04, &hash_cc)) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_CC_MISSING,
                         "a confirmation code is required");
    return FALSE;
  }
  /* hashCc = SHA-256 (SHA-256 (code as entered) || transactionId) */
  g_checksum_update (inner, (const guchar *) order->cc, strlen (order->cc));
  g_checksum_get_digest (inner, digest, &digest_len);
  g_checksum_update (outer, digest, digest_len);
  g_checksum_update (outer, session->txid, sizeof (session->txid));
  digest_len = sizeof (digest);
  g_checksum_get_digest (outer, digest, &digest_len);
  if (hash_cc.length == sizeof (digest) && memcmp (hash_cc.value, digest, sizeof (digest)) == 0)
    return TRUE;

  order->cc_failures++;
  if (order->cc_failures >= ESIM_SMDP_CC_MAX_TRIES) {
    esim_smdp_order_set_state (order, ESIM_SMDP_ORDER_BLOCKED);
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_CC_RETRIES_EXCEEDED,
                         "too many wrong confirmation codes: the order is blocked");
    return FALSE;
  }
  g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_CC_REFUSED,
               "wrong confirmation code (%u of %u tries)", order->cc_failures,
               ESIM_SMDP_CC_MAX_TRIES);
  return FALSE;
}

static GBytes *
esim_smdp_eid_bytes (const gchar *eid)
{
  return esim_smdp_hex_decode (eid);
}

static JsonObject *
esim_smdp_build_bpp_response (EsimSmdpRsp *self, EsimSmdpSession *session, const EsimTlv *signed2,
                              gboolean corrupt_signature, GError **error)
{
  EsimTlv otpk;
  EsimSmdpBppParams params = { 0 };
  g_autoptr (GBytes) txid = g_bytes_new (session->txid, sizeof (session->txid));
  g_autoptr (GBytes) euicc_otpk = NULL;
  g_autoptr (GBytes) eid = esim_smdp_eid_bytes (session->eid);
  g_autoptr (GBytes) metadata = esim_smdp_rsp_build_metadata (self, session->order);
  g_autoptr (GBytes) bpp = NULL;
  g_autofree gchar *text = NULL;
  JsonObject *response;

  if (!esim_tlv_require (signed2, 0x5F49, &otpk, NULL) || otpk.length != ESIM_RSP_POINT_SIZE
      || eid == NULL) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                         "euiccSigned2 has no usable otPK.EUICC.ECKA");
    return NULL;
  }
  euicc_otpk = esim_tlv_dup_value (&otpk);
  params.txid = txid;
  params.euicc_otpk = euicc_otpk;
  params.eid = eid;
  params.metadata = metadata;
  params.upp = session->order->upp;
  params.pb_key = self->pb_key;
  params.corrupt_signature = corrupt_signature;
  bpp = esim_smdp_bpp_build (&params, error);
  if (bpp == NULL) {
    /* a point off the curve is the card's fault, not the server's */
    g_prefix_error (error, "binding: ");
    return NULL;
  }

  if (self->tamper_package) {
    g_autoptr (GByteArray) bad = g_byte_array_new ();

    /* the last 8 bytes are the last segment's MAC; just before them lies
     * its ciphertext */
    g_byte_array_append (bad, g_bytes_get_data (bpp, NULL), g_bytes_get_size (bpp));
    bad->data[bad->len - 12] ^= 0x01;
    g_clear_pointer (&bpp, g_bytes_unref);
    bpp = g_byte_array_free_to_bytes (g_steal_pointer (&bad));
    self->tamper_package = FALSE;
  }
  g_clear_pointer (&session->order->last_otpk, g_bytes_unref);
  session->order->last_otpk = g_bytes_ref (euicc_otpk);
  g_free (session->order->last_eid);
  session->order->last_eid = g_strdup (session->eid);
  esim_smdp_order_set_state (session->order, ESIM_SMDP_ORDER_DOWNLOADED);
  session->state = ESIM_SMDP_SESSION_BPP_SENT;
  self->bpps_served++;

  response = esim_smdp_rsp_new_response ();
  json_object_set_string_member (response, "transactionId", session->txid_hex);
  text = g_base64_encode (g_bytes_get_data (bpp, NULL), g_bytes_get_size (bpp));
  json_object_set_string_member (response, "boundProfilePackage", text);
  return response;
}

static JsonObject *
esim_smdp_get_bpp_verified (EsimSmdpRsp *self, EsimSmdpSession *session, JsonObject *request,
                            gboolean corrupt_signature, GError **error)
{
  g_autoptr (GBytes) keep = NULL;
  g_autoptr (GByteArray) data = g_byte_array_new ();
  EsimTlv root, choice, signed2, signature2, field;
  EsimTlvIter iter;

  keep = esim_smdp_rsp_get_tlv (request, "prepareDownloadResponse", 0xBF21, &root, error);
  if (keep == NULL)
    return NULL;
  esim_tlv_iter_init (&iter, &root);
  if (!esim_tlv_iter_next (&iter, &choice) || (choice.tag != 0xA0 && choice.tag != 0xA1)) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                         "PrepareDownloadResponse is neither ok nor error");
    return NULL;
  }
  if (choice.tag == 0xA1) {
    gint64 code = -1;

    if (esim_tlv_find (&choice, 0x02, &field))
      esim_tlv_get_int (&field, &code, NULL);
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_EUICC_REPORTED,
                 "the eUICC refused: error %" G_GINT64_FORMAT, code);
    return NULL;
  }
  esim_tlv_iter_init (&iter, &choice);
  if (!esim_tlv_iter_next (&iter, &signed2) || signed2.tag != 0x30
      || !esim_tlv_iter_next (&iter, &signature2) || signature2.tag != 0x5F37) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                         "PrepareDownloadResponseOk is malformed");
    return NULL;
  }
  if (!esim_tlv_require (&signed2, 0x80, &field, NULL) || field.length != sizeof (session->txid)
      || memcmp (field.value, session->txid, field.length) != 0) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_UNKNOWN_TRANSACTION,
                         "euiccSigned2 carries another transactionId");
    return NULL;
  }
  /* euiccSignature2 covers euiccSigned2 and our smdpSignature2 TLV */
  g_byte_array_append (data, signed2.raw, signed2.raw_length);
  g_byte_array_append (data, g_bytes_get_data (session->smdp_signature2, NULL),
                       g_bytes_get_size (session->smdp_signature2));
  if (!esim_smdp_rsp_verify_signature (session->euicc_cert, data->data, data->len, &signature2,
                                       error))
    return NULL;
  if (!esim_smdp_check_cc (session, &signed2, error))
    return NULL;
  return esim_smdp_build_bpp_response (self, session, &signed2, corrupt_signature, error);
}

JsonObject *
esim_smdp_rsp_get_bound_profile_package (EsimSmdpRsp *self, JsonObject *request,
                                         gboolean corrupt_signature, GError **error)
{
  EsimSmdpSession *session
    = esim_smdp_rsp_get_session (self, request, FALSE, ESIM_SMDP_SESSION_AUTHENTICATED, error);
  g_autoptr (GError) local = NULL;
  JsonObject *response;

  if (session == NULL)
    return NULL;
  response = esim_smdp_get_bpp_verified (self, session, request, corrupt_signature, &local);
  if (response != NULL)
    return response;
  /* a missing or wrong confirmation code may be given again in the same
   * session; every other error ends it */
  if (!g_error_matches (local, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_CC_MISSING)
      && !g_error_matches (local, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_CC_REFUSED))
    esim_smdp_rsp_end_session (self, session);
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

/* handleNotification */

typedef struct {
  const gchar *kind;
  gint64 seq;
  gchar *iccid;
  gchar *eid;
  gchar *matching_id;
  gchar *result;
} EsimSmdpNotice;

static void
esim_smdp_parse_metadata (const EsimTlv *metadata, EsimSmdpNotice *notice)
{
  static const gchar *const kinds[] = { "install", "enable", "disable", "delete" };
  EsimTlv field;
  guint32 bits = 0;

  if (esim_tlv_find (metadata, 0x80, &field))
    esim_tlv_get_int (&field, &notice->seq, NULL);
  if (esim_tlv_find (metadata, 0x81, &field) && esim_tlv_get_bit_string (&field, &bits, NULL)) {
    for (guint i = 0; i < G_N_ELEMENTS (kinds); i++) {
      if (bits == (1u << i))
        notice->kind = kinds[i];
    }
  }
  if (esim_tlv_find (metadata, 0x5A, &field))
    notice->iccid = esim_smdp_iccid_from_bcd (field.value, field.length, TRUE);
}

static gboolean
esim_smdp_install_result (EsimSmdpRsp *self, const EsimTlv *root, EsimSmdpNotice *notice,
                          GError **error)
{
  EsimTlv data, sig, field, final, outcome;
  EsimSmdpSession *session;
  g_autofree gchar *txid = NULL;

  if (!esim_tlv_require (root, 0xBF27, &data, error)
      || !esim_tlv_require (root, 0x5F37, &sig, error)
      || !esim_tlv_require (&data, 0x80, &field, error))
    return FALSE;
  if (esim_tlv_find (&data, 0xBF2F, &final))
    esim_smdp_parse_metadata (&final, notice);
  txid = esim_smdp_hex_encode (field.value, field.length);
  session = g_hash_table_lookup (self->sessions, txid);
  if (session == NULL || session->es11 || session->euicc_cert == NULL) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_UNKNOWN_TRANSACTION,
                         "no session for this installation result");
    return FALSE;
  }
  notice->eid = g_strdup (session->eid);
  if (!esim_smdp_rsp_verify_signature (session->euicc_cert, data.raw, data.raw_length, &sig, error))
    return FALSE;
  if (!esim_tlv_require (&data, 0xA2, &final, error))
    return FALSE;
  if (!esim_smdp_session_holds_order (session)) {
    /* verified, but its order went elsewhere meanwhile: just end it */
    notice->result = g_strdup ("stale");
  } else if (esim_tlv_find (&final, 0xA0, &outcome)) {
    notice->result = g_strdup ("success");
    notice->matching_id = g_strdup (session->order->matching_id);
    esim_smdp_order_set_state (session->order, ESIM_SMDP_ORDER_CONSUMED);
    esim_smdp_catalog_remove_event (self->catalog, session->eid, session->order->matching_id);
    self->installs_succeeded++;
  } else {
    gint64 reason = -1;

    if (esim_tlv_find (&final, 0xA1, &outcome) && esim_tlv_find (&outcome, 0x81, &field))
      esim_tlv_get_int (&field, &reason, NULL);
    notice->result = g_strdup_printf ("error %" G_GINT64_FORMAT, reason);
    notice->matching_id = g_strdup (session->order->matching_id);
    /* a failed installation gives the order back */
    esim_smdp_order_release (session->order);
    self->installs_failed++;
  }
  esim_smdp_rsp_end_session (self, session);
  return TRUE;
}

static gboolean
esim_smdp_other_notification (EsimSmdpRsp *self, const EsimTlv *root, EsimSmdpNotice *notice,
                              GError **error)
{
  EsimTlv parts[4], child;
  EsimTlvIter iter;
  guint n = 0;
  g_autoptr (EsimRspCert) euicc = NULL;

  esim_tlv_iter_init (&iter, root);
  while (n < G_N_ELEMENTS (parts) && esim_tlv_iter_next (&iter, &child))
    parts[n++] = child;
  if (n != 4 || parts[0].tag != 0xBF2F || parts[1].tag != 0x5F37 || parts[2].tag != 0x30
      || parts[3].tag != 0x30) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                         "OtherSignedNotification is malformed");
    return FALSE;
  }
  esim_smdp_parse_metadata (&parts[0], notice);
  euicc = esim_smdp_rsp_verify_euicc_chain (self, &parts[2], &parts[3], error);
  if (euicc == NULL)
    return FALSE;
  notice->eid = esim_rsp_cert_get_serial_number_attr (euicc);
  if (!esim_smdp_rsp_verify_signature (euicc, parts[0].raw, parts[0].raw_length, &parts[1], error))
    return FALSE;
  notice->result = g_strdup ("success");
  return TRUE;
}

static void
esim_smdp_log_notice (EsimSmdpRsp *self, EsimSmdpNotice *notice, const GError *error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, notice->kind);
  json_builder_set_member_name (b, "seqNumber");
  json_builder_add_int_value (b, notice->seq);
  json_builder_set_member_name (b, "iccid");
  json_builder_add_string_value (b, notice->iccid);
  json_builder_set_member_name (b, "eid");
  json_builder_add_string_value (b, notice->eid);
  json_builder_set_member_name (b, "matchingId");
  json_builder_add_string_value (b, notice->matching_id);
  json_builder_set_member_name (b, "accepted");
  json_builder_add_boolean_value (b, error == NULL);
  json_builder_set_member_name (b, "result");
  json_builder_add_string_value (b, error != NULL ? error->message : notice->result);
  json_builder_end_object (b);
  g_ptr_array_add (self->notification_log, json_builder_get_root (b));
  /* bounded: the oldest entries go */
  if (self->notification_log->len > ESIM_SMDP_MAX_NOTIFICATION_LOG)
    g_ptr_array_remove_index (self->notification_log, 0);
}

JsonObject *
esim_smdp_rsp_handle_notification (EsimSmdpRsp *self, JsonObject *request, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local = NULL;
  EsimSmdpNotice notice = { .kind = "unknown", .seq = -1 };
  gboolean ok = FALSE;
  EsimTlv root;

  if (esim_smdp_json_get_string (request, "pendingNotification", error) == NULL)
    return NULL;
  self->notifications_received++;
  bytes = esim_smdp_json_get_base64 (request, "pendingNotification", ESIM_SMDP_MAX_BINARY, &local);
  if (bytes != NULL && esim_tlv_decode_bytes (bytes, &root, &local)) {
    if (root.tag == 0xBF37) {
      notice.kind = "install";
      ok = esim_smdp_install_result (self, &root, &notice, &local);
    } else if (root.tag == 0x30) {
      ok = esim_smdp_other_notification (self, &root, &notice, &local);
    } else {
      g_set_error_literal (&local, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                           "not a PendingNotification");
    }
  }
  /* the LPA gets no verdict (SGP.22: no output data); the stats have it */
  if (ok)
    self->notifications_accepted++;
  else
    self->notifications_rejected++;
  esim_smdp_log_notice (self, &notice, ok ? NULL : local);
  if (!ok)
    g_message ("notification rejected: %s", local->message);
  g_free (notice.iccid);
  g_free (notice.eid);
  g_free (notice.matching_id);
  g_free (notice.result);
  return esim_smdp_rsp_new_response ();
}

/* cancelSession */

static gboolean
esim_smdp_cancel_verified (EsimSmdpRsp *self, EsimSmdpSession *session, JsonObject *request,
                           gint64 *reason, GError **error)
{
  g_autoptr (GBytes) keep = NULL;
  g_autofree gchar *oid = NULL;
  EsimTlv root, choice, signed_tlv, sig, field;
  EsimTlvIter iter;

  keep = esim_smdp_rsp_get_tlv (request, "cancelSessionResponse", 0xBF41, &root, error);
  if (keep == NULL)
    return FALSE;
  esim_tlv_iter_init (&iter, &root);
  if (!esim_tlv_iter_next (&iter, &choice) || (choice.tag != 0xA0 && choice.tag != 0x81)) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                         "CancelSessionResponse is neither ok nor error");
    return FALSE;
  }
  if (choice.tag == 0x81) {
    gint64 code = -1;

    esim_tlv_get_int (&choice, &code, NULL);
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_EUICC_REPORTED,
                 "the eUICC refused: error %" G_GINT64_FORMAT, code);
    return FALSE;
  }
  esim_tlv_iter_init (&iter, &choice);
  if (!esim_tlv_iter_next (&iter, &signed_tlv) || signed_tlv.tag != 0x30
      || !esim_tlv_iter_next (&iter, &sig) || sig.tag != 0x5F37
      || !esim_tlv_require (&signed_tlv, 0x82, &field, NULL)
      || !esim_tlv_get_int (&field, reason, NULL)) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                         "CancelSessionResponseOk is malformed");
    return FALSE;
  }
  if (!esim_tlv_require (&signed_tlv, 0x80, &field, NULL) || field.length != sizeof (session->txid)
      || memcmp (field.value, session->txid, field.length) != 0) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_UNKNOWN_TRANSACTION,
                         "euiccCancelSessionSigned carries another transactionId");
    return FALSE;
  }
  if (!esim_tlv_require (&signed_tlv, 0x81, &field, NULL)
      || (oid = esim_smdp_oid_to_string (field.value, field.length)) == NULL
      || g_strcmp0 (oid, self->smdp_oid) != 0) {
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_OID, "smdpOid is not %s",
                 self->smdp_oid);
    return FALSE;
  }
  return esim_smdp_rsp_verify_signature (session->euicc_cert, signed_tlv.raw, signed_tlv.raw_length,
                                         &sig, error);
}

JsonObject *
esim_smdp_rsp_cancel_session (EsimSmdpRsp *self, JsonObject *request, GError **error)
{
  const gchar *txid = esim_smdp_json_get_string (request, "transactionId", error);
  g_autofree gchar *upper = NULL;
  EsimSmdpSession *session;
  gint64 reason = -1;
  gboolean ok;

  if (txid == NULL)
    return NULL;
  upper = g_ascii_strup (txid, -1);
  session = g_hash_table_lookup (self->sessions, upper);
  /* before authenticateClient there is no eUICC key to check against */
  if (session == NULL || session->es11 || session->euicc_cert == NULL) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_UNKNOWN_TRANSACTION,
                         "unknown transactionId (or not authenticated)");
    return NULL;
  }
  ok = esim_smdp_cancel_verified (self, session, request, &reason, error);
  /* endUserRejection(0) and pprNotAllowed(3) are final for the order;
   * postponed(1) and timeout(2) leave it available for a later try */
  if (ok && esim_smdp_session_holds_order (session) && (reason == 0 || reason == 3))
    esim_smdp_order_set_state (session->order, ESIM_SMDP_ORDER_CONSUMED);
  /* a request that does not verify must not end someone else's session */
  if (!ok)
    return NULL;
  if (self->cancel_reasons->len < ESIM_SMDP_MAX_NOTIFICATION_LOG)
    g_array_append_val (self->cancel_reasons, reason);
  esim_smdp_rsp_end_session (self, session);
  return esim_smdp_rsp_new_response ();
}
