/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "esim-smdp-error.h"
#include "esim-smdp-rsp-private.h"
#include "esim-smdp-util.h"

G_DEFINE_TYPE (EsimSmdpRsp, esim_smdp_rsp, G_TYPE_OBJECT)

static void
esim_smdp_rsp_finalize (GObject *object)
{
  EsimSmdpRsp *self = ESIM_SMDP_RSP (object);

  /* sessions first: they give their orders back to the catalog */
  g_hash_table_unref (self->sessions);
  g_clear_object (&self->catalog);
  g_free (self->address);
  g_clear_pointer (&self->ci_cert, esim_rsp_cert_free);
  g_clear_pointer (&self->ci_ski, g_bytes_unref);
  g_clear_pointer (&self->auth_key, esim_rsp_key_free);
  g_clear_pointer (&self->auth_cert, esim_rsp_cert_free);
  g_clear_pointer (&self->ds_auth_key, esim_rsp_key_free);
  g_clear_pointer (&self->ds_auth_cert, esim_rsp_cert_free);
  g_clear_pointer (&self->pb_key, esim_rsp_key_free);
  g_clear_pointer (&self->pb_cert, esim_rsp_cert_free);
  g_free (self->smdp_oid);
  g_ptr_array_unref (self->notification_log);
  g_array_unref (self->cancel_reasons);
  g_clear_pointer (&self->device_info, json_node_unref);
  G_OBJECT_CLASS (esim_smdp_rsp_parent_class)->finalize (object);
}

static void
esim_smdp_rsp_class_init (EsimSmdpRspClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_smdp_rsp_finalize;
}

static void
esim_smdp_rsp_init (EsimSmdpRsp *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) esim_smdp_session_free);
  self->notification_log = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->cancel_reasons = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->address = g_strdup ("127.0.0.1");
}

static gboolean
esim_smdp_rsp_load_pair (const gchar *pki_dir, const gchar *sub, const gchar *name,
                         EsimRspKey **key, EsimRspCert **cert, GError **error)
{
  g_autofree gchar *cert_name = g_strdup_printf ("CERT_S_%s_ECDSA_NIST.der", name);
  g_autofree gchar *key_name = g_strdup_printf ("SK_S_%s_ECDSA_NIST.pem", name);
  g_autofree gchar *cert_path = g_build_filename (pki_dir, sub, cert_name, NULL);
  g_autofree gchar *key_path = g_build_filename (pki_dir, sub, key_name, NULL);

  *cert = esim_rsp_cert_load (cert_path, error);
  if (*cert == NULL)
    return FALSE;
  *key = esim_rsp_key_load_pem (key_path, error);
  return *key != NULL;
}

EsimSmdpRsp *
esim_smdp_rsp_new (const gchar *pki_dir, EsimSmdpCatalog *catalog, GError **error)
{
  g_autoptr (EsimSmdpRsp) self = g_object_new (ESIM_TYPE_SMDP_RSP, NULL);
  g_autofree gchar *ci_path
    = g_build_filename (pki_dir, "CertificateIssuer", "CERT_CI_ECDSA_NIST.der", NULL);

  self->catalog = g_object_ref (catalog);
  self->ci_cert = esim_rsp_cert_load (ci_path, error);
  if (self->ci_cert == NULL)
    return NULL;
  self->ci_ski = esim_rsp_cert_get_subject_key_id (self->ci_cert);
  if (self->ci_ski == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s has no subjectKeyIdentifier",
                 ci_path);
    return NULL;
  }
  if (!esim_smdp_rsp_load_pair (pki_dir, "DPauth", "SM_DPauth", &self->auth_key, &self->auth_cert,
                                error)
      || !esim_smdp_rsp_load_pair (pki_dir, "DPauth", "SM_DP2auth", &self->ds_auth_key,
                                   &self->ds_auth_cert, error)
      || !esim_smdp_rsp_load_pair (pki_dir, "DPpb", "SM_DPpb", &self->pb_key, &self->pb_cert,
                                   error))
    return NULL;
  self->smdp_oid = esim_rsp_cert_get_registered_id (self->auth_cert);
  return g_steal_pointer (&self);
}

gboolean
esim_smdp_rsp_use_ds_auth (EsimSmdpRsp *self, const gchar *pki_dir, GError **error)
{
  g_autofree gchar *ci_key_path
    = g_build_filename (pki_dir, "CertificateIssuer", "SK_CI_ECDSA_NIST.pem", NULL);
  g_autoptr (EsimRspKey) ci_key = esim_rsp_key_load_pem (ci_key_path, error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  EsimRspKey *key = NULL;
  EsimRspCert *cert;

  if (ci_key == NULL)
    return FALSE;
  /* SGP.26 has no CERT.DSauth: one is issued at start under the CI, valid
   * like the TLS certificate (now - 1 h .. now + 10 years) */
  cert = esim_rsp_issue_auth_cert (ci_key, self->ci_cert, ESIM_RSP_ROLE_DS_AUTH, "TEST SM-DS",
                                   now - 3600, now + (gint64) 10 * 365 * 24 * 3600, &key, error);
  if (cert == NULL)
    return FALSE;
  g_clear_pointer (&self->ds_auth_key, esim_rsp_key_free);
  g_clear_pointer (&self->ds_auth_cert, esim_rsp_cert_free);
  self->ds_auth_key = key;
  self->ds_auth_cert = cert;
  return TRUE;
}

void
esim_smdp_rsp_set_address (EsimSmdpRsp *self, const gchar *address)
{
  g_free (self->address);
  self->address = g_strdup (address);
}

const gchar *
esim_smdp_rsp_get_address (EsimSmdpRsp *self)
{
  return self->address;
}

/* helpers shared with esim-smdp-download.c */

JsonObject *
esim_smdp_rsp_new_response (void)
{
  JsonObject *response = json_object_new ();
  JsonObject *header = json_object_new ();
  JsonObject *status = json_object_new ();

  json_object_set_string_member (status, "status", "Executed-Success");
  json_object_set_object_member (header, "functionExecutionStatus", status);
  json_object_set_object_member (response, "header", header);
  return response;
}

static void
esim_smdp_set_base64 (JsonObject *obj, const gchar *member, GBytes *bytes)
{
  g_autofree gchar *text
    = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  json_object_set_string_member (obj, member, text);
}

GBytes *
esim_smdp_rsp_get_tlv (JsonObject *request, const gchar *member, guint32 tag, EsimTlv *out,
                       GError **error)
{
  g_autoptr (GBytes) bytes
    = esim_smdp_json_get_base64 (request, member, ESIM_SMDP_MAX_BINARY, error);
  g_autoptr (GError) local = NULL;

  if (bytes == NULL)
    return NULL;
  if (!esim_tlv_decode_expect (bytes, tag, out, &local)) {
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT, "%s: %s", member,
                 local->message);
    return NULL;
  }
  return g_steal_pointer (&bytes);
}

static void
esim_smdp_rsp_prune (EsimSmdpRsp *self)
{
  GHashTableIter iter;
  EsimSmdpSession *session;
  EsimSmdpSession *oldest = NULL;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session)) {
    if (session->expires <= now)
      g_hash_table_iter_remove (&iter);
  }
  if (g_hash_table_size (self->sessions) < ESIM_SMDP_MAX_SESSIONS)
    return;
  /* full: the session closest to expiry makes room */
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session)) {
    if (oldest == NULL || session->expires < oldest->expires)
      oldest = session;
  }
  g_hash_table_remove (self->sessions, oldest->txid_hex);
}

EsimSmdpSession *
esim_smdp_rsp_get_session (EsimSmdpRsp *self, JsonObject *request, gboolean es11,
                           EsimSmdpSessionState state, GError **error)
{
  const gchar *txid = esim_smdp_json_get_string (request, "transactionId", error);
  g_autofree gchar *upper = NULL;
  EsimSmdpSession *session;

  if (txid == NULL)
    return NULL;
  esim_smdp_rsp_prune (self);
  upper = g_ascii_strup (txid, -1);
  session = g_hash_table_lookup (self->sessions, upper);
  if (session == NULL || session->es11 != es11 || session->state != state) {
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_UNKNOWN_TRANSACTION,
                 "unknown transactionId (or not at this step)");
    return NULL;
  }
  return session;
}

void
esim_smdp_rsp_end_session (EsimSmdpRsp *self, EsimSmdpSession *session)
{
  g_hash_table_remove (self->sessions, session->txid_hex);
}

GBytes *
esim_smdp_rsp_sign (EsimRspKey *key, const guint8 *data, gsize len, gboolean corrupt,
                    GError **error)
{
  g_autoptr (GBytes) sig = esim_rsp_key_sign (key, data, len, error);
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GByteArray) value = g_byte_array_new ();

  if (sig == NULL)
    return NULL;
  g_byte_array_append (value, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig));
  /* the bad-signature fault flips one bit of s */
  if (corrupt)
    value->data[value->len - 1] ^= 0x01;
  esim_tlv_builder_add (b, 0x5F37, value->data, value->len);
  return esim_tlv_builder_finish (b);
}

gboolean
esim_smdp_rsp_verify_signature (EsimRspCert *cert, const guint8 *data, gsize len,
                                const EsimTlv *sig_tlv, GError **error)
{
  g_autoptr (GBytes) sig = esim_tlv_dup_value (sig_tlv);
  g_autoptr (GError) local = NULL;

  if (!esim_rsp_cert_verify_signature (cert, data, len, sig, &local)) {
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_SIGNATURE,
                 "eUICC signature invalid: %s", local->message);
    return FALSE;
  }
  return TRUE;
}

static gboolean
esim_smdp_rsp_check_issued (EsimRspCert *cert, EsimRspCert *issuer, const gchar *role,
                            EsimSmdpError invalid, EsimSmdpError expired, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!esim_rsp_cert_has_role (cert, role)) {
    g_set_error (error, ESIM_SMDP_ERROR, invalid, "certificate without role %s", role);
    return FALSE;
  }
  if (!esim_rsp_cert_verify_issued_by (cert, issuer, g_get_real_time () / G_USEC_PER_SEC, &local)) {
    gboolean is_expired
      = g_error_matches (local, ESIM_RSP_CRYPTO_ERROR, ESIM_RSP_CRYPTO_ERROR_EXPIRED);

    g_set_error (error, ESIM_SMDP_ERROR, is_expired ? expired : invalid, "certificate: %s",
                 local->message);
    return FALSE;
  }
  return TRUE;
}

EsimRspCert *
esim_smdp_rsp_verify_euicc_chain (EsimSmdpRsp *self, const EsimTlv *euicc_tlv,
                                  const EsimTlv *eum_tlv, GError **error)
{
  g_autoptr (GBytes) euicc_der = esim_tlv_dup_raw (euicc_tlv);
  g_autoptr (GBytes) eum_der = esim_tlv_dup_raw (eum_tlv);
  g_autoptr (EsimRspCert) euicc = NULL;
  g_autoptr (EsimRspCert) eum = NULL;
  g_autoptr (GBytes) eum_aki = NULL;
  g_autoptr (GError) local = NULL;

  eum = esim_rsp_cert_new_from_der (eum_der, &local);
  if (eum == NULL) {
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_EUM_CERT_INVALID, "CERT.EUM: %s",
                 local->message);
    return NULL;
  }
  /* an EUM of another CI (say a production one) is "unknown CI" */
  eum_aki = esim_rsp_cert_get_authority_key_id (eum);
  if (eum_aki == NULL || !g_bytes_equal (eum_aki, self->ci_ski)) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_UNKNOWN_CI,
                         "CERT.EUM is not from a known CI");
    return NULL;
  }
  if (!esim_smdp_rsp_check_issued (eum, self->ci_cert, ESIM_RSP_ROLE_EUM,
                                   ESIM_SMDP_ERROR_EUM_CERT_INVALID,
                                   ESIM_SMDP_ERROR_EUM_CERT_EXPIRED, error))
    return NULL;
  euicc = esim_rsp_cert_new_from_der (euicc_der, &local);
  if (euicc == NULL) {
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_EUICC_CERT_INVALID, "CERT.EUICC: %s",
                 local->message);
    return NULL;
  }
  if (!esim_smdp_rsp_check_issued (euicc, eum, ESIM_RSP_ROLE_EUICC,
                                   ESIM_SMDP_ERROR_EUICC_CERT_INVALID,
                                   ESIM_SMDP_ERROR_EUICC_CERT_EXPIRED, error))
    return NULL;
  return g_steal_pointer (&euicc);
}

GBytes *
esim_smdp_rsp_build_metadata (EsimSmdpRsp *self, EsimSmdpOrder *order)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  guint8 ef[10];

  /* the catalog validated the ICCID */
  esim_smdp_iccid_to_bcd (order->iccid, ef, TRUE);
  esim_tlv_builder_begin (b, 0xBF25);
  esim_tlv_builder_add (b, 0x5A, ef, sizeof (ef));
  esim_tlv_builder_add_string (b, 0x91, order->spn);
  esim_tlv_builder_add_string (b, 0x92, order->name);
  /* DER leaves out the DEFAULT (operational) */
  if (order->profile_class != ESIM_SMDP_CLASS_OPERATIONAL)
    esim_tlv_builder_add_int (b, 0x95, order->profile_class);
  /* every operation (install, enable, disable, delete) is reported here */
  esim_tlv_builder_begin (b, 0xB6);
  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add_bit_string (b, 0x80, 0x0f, 4);
  esim_tlv_builder_add_string (b, 0x81, self->address);
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  if (order->ppr_bits != 0)
    esim_tlv_builder_add_bit_string (b, 0x99, order->ppr_bits, 4);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

/* initiateAuthentication (ES9+ and ES11) */

static gboolean
esim_smdp_rsp_ci_supported (EsimSmdpRsp *self, const EsimTlv *info1)
{
  EsimTlv list, ski;
  EsimTlvIter iter;

  if (!esim_tlv_find (info1, 0xA9, &list))
    return FALSE;
  esim_tlv_iter_init (&iter, &list);
  while (esim_tlv_iter_next (&iter, &ski)) {
    g_autoptr (GBytes) value = esim_tlv_dup_value (&ski);

    if (ski.tag == 0x04 && g_bytes_equal (value, self->ci_ski))
      return TRUE;
  }
  return FALSE;
}

static JsonObject *
esim_smdp_rsp_initiate_authentication (EsimSmdpRsp *self, JsonObject *request, gboolean es11,
                                       gboolean corrupt_signature, GError **error)
{
  const gchar *address = esim_smdp_json_get_string (request, "smdpAddress", error);
  g_autoptr (GBytes) challenge = NULL;
  g_autoptr (GBytes) info1_bytes = NULL;
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) signed1 = NULL;
  g_autoptr (GBytes) signature1 = NULL;
  g_autoptr (GBytes) ci_id = NULL;
  g_autoptr (GBytes) cert = NULL;
  g_autoptr (EsimSmdpSession) session = NULL;
  JsonObject *response;
  EsimTlv info1;

  if (address == NULL)
    return NULL;
  challenge
    = esim_smdp_json_get_base64 (request, "euiccChallenge", ESIM_SMDP_CHALLENGE_SIZE, error);
  if (challenge == NULL)
    return NULL;
  if (g_bytes_get_size (challenge) != ESIM_SMDP_CHALLENGE_SIZE) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                         "euiccChallenge is not 16 bytes");
    return NULL;
  }
  info1_bytes = esim_smdp_rsp_get_tlv (request, "euiccInfo1", 0xBF20, &info1, error);
  if (info1_bytes == NULL)
    return NULL;
  if (g_ascii_strcasecmp (address, self->address) != 0) {
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_ADDRESS, "this server is %s",
                 self->address);
    return NULL;
  }
  if (!esim_smdp_rsp_ci_supported (self, &info1)) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_UNSUPPORTED_CI,
                         "none of the eUICC's CI public keys is supported");
    return NULL;
  }

  esim_smdp_rsp_prune (self);
  session = esim_smdp_session_new (es11, address, g_bytes_get_data (challenge, NULL),
                                   (gint64) ESIM_SMDP_SESSION_LIFETIME_S * G_USEC_PER_SEC);
  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add (b, 0x80, session->txid, sizeof (session->txid));
  esim_tlv_builder_add (b, 0x81, session->euicc_challenge, sizeof (session->euicc_challenge));
  esim_tlv_builder_add_string (b, 0x83, address);
  esim_tlv_builder_add (b, 0x84, session->server_challenge, sizeof (session->server_challenge));
  esim_tlv_builder_end (b);
  signed1 = esim_tlv_builder_finish (b);
  signature1 = esim_smdp_rsp_sign (es11 ? self->ds_auth_key : self->auth_key,
                                   g_bytes_get_data (signed1, NULL), g_bytes_get_size (signed1),
                                   corrupt_signature, error);
  if (signature1 == NULL)
    return NULL;
  esim_tlv_builder_add_bytes (b, 0x04, self->ci_ski);
  ci_id = esim_tlv_builder_finish (b);
  cert = esim_rsp_cert_get_der (es11 ? self->ds_auth_cert : self->auth_cert);

  response = esim_smdp_rsp_new_response ();
  json_object_set_string_member (response, "transactionId", session->txid_hex);
  esim_smdp_set_base64 (response, "serverSigned1", signed1);
  esim_smdp_set_base64 (response, "serverSignature1", signature1);
  esim_smdp_set_base64 (response, "euiccCiPKIdToBeUsed", ci_id);
  esim_smdp_set_base64 (response, "serverCertificate", cert);
  g_hash_table_insert (self->sessions, session->txid_hex, session);
  g_steal_pointer (&session);
  return response;
}

/* authenticateClient: the card's AuthenticateServerResponse */

typedef struct {
  EsimTlv signed1;    /* euiccSigned1 */
  EsimTlv signature1; /* the 5F37 TLV */
  gchar *matching_id; /* NULL when absent */
} EsimSmdpAuthResult;

static gboolean
esim_smdp_rsp_check_card_error (const EsimTlv *choice, GError **error)
{
  EsimTlv code_tlv;
  gint64 code = -1;

  if (choice->tag != 0xA1)
    return TRUE;
  if (esim_tlv_find (choice, 0x02, &code_tlv))
    esim_tlv_get_int (&code_tlv, &code, NULL);
  g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_EUICC_REPORTED,
               "the eUICC refused: error %" G_GINT64_FORMAT, code);
  return FALSE;
}

/* ctxParamsForCommonAuthentication's deviceInfo as the stats show it:
 * every element in hex, so that a test sees exactly what was sent */
static void
esim_smdp_rsp_record_device_info (EsimSmdpRsp *self, const EsimTlv *ctx)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  EsimTlv info, child, cap;
  EsimTlvIter iter, caps;

  if (!esim_tlv_find (ctx, 0xA1, &info))
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "length");
  json_builder_add_int_value (b, (gint64) info.raw_length);
  esim_tlv_iter_init (&iter, &info);
  while (esim_tlv_iter_next (&iter, &child)) {
    g_autofree gchar *hex = esim_smdp_hex_encode (child.value, child.length);

    if (child.tag == 0xA1) {
      json_builder_set_member_name (b, "capabilities");
      json_builder_begin_object (b);
      esim_tlv_iter_init (&caps, &child);
      while (esim_tlv_iter_next (&caps, &cap)) {
        g_autofree gchar *tag = g_strdup_printf ("%X", cap.tag);
        g_autofree gchar *value = esim_smdp_hex_encode (cap.value, cap.length);

        json_builder_set_member_name (b, tag);
        json_builder_add_string_value (b, value);
      }
      json_builder_end_object (b);
      continue;
    }
    json_builder_set_member_name (b, child.tag == 0x80   ? "tac"
                                     : child.tag == 0x82 ? "imei"
                                                         : "other");
    json_builder_add_string_value (b, hex);
  }
  json_builder_end_object (b);
  g_clear_pointer (&self->device_info, json_node_unref);
  self->device_info = json_builder_get_root (b);
}

static gboolean
esim_smdp_rsp_verify_card (EsimSmdpRsp *self, EsimSmdpSession *session, JsonObject *request,
                           EsimSmdpAuthResult *result, GBytes **keep, GError **error)
{
  EsimTlv root, choice, child, field, ctx;
  EsimTlv parts[4];
  EsimTlvIter iter;
  guint n = 0;
  g_autofree gchar *address = NULL;

  *keep = esim_smdp_rsp_get_tlv (request, "authenticateServerResponse", 0xBF38, &root, error);
  if (*keep == NULL)
    return FALSE;
  esim_tlv_iter_init (&iter, &root);
  if (!esim_tlv_iter_next (&iter, &choice) || (choice.tag != 0xA0 && choice.tag != 0xA1)) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                         "AuthenticateServerResponse is neither ok nor error");
    return FALSE;
  }
  if (!esim_smdp_rsp_check_card_error (&choice, error))
    return FALSE;
  esim_tlv_iter_init (&iter, &choice);
  while (n < G_N_ELEMENTS (parts) && esim_tlv_iter_next (&iter, &child))
    parts[n++] = child;
  if (n != 4 || parts[0].tag != 0x30 || parts[1].tag != 0x5F37 || parts[2].tag != 0x30
      || parts[3].tag != 0x30) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                         "AuthenticateResponseOk is malformed");
    return FALSE;
  }
  result->signed1 = parts[0];
  result->signature1 = parts[1];

  if (!esim_tlv_require (&parts[0], 0x80, &field, NULL) || field.length != sizeof (session->txid)
      || memcmp (field.value, session->txid, field.length) != 0) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_UNKNOWN_TRANSACTION,
                         "euiccSigned1 carries another transactionId");
    return FALSE;
  }
  if (!esim_tlv_require (&parts[0], 0x84, &field, NULL)
      || field.length != sizeof (session->server_challenge)
      || memcmp (field.value, session->server_challenge, field.length) != 0) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_SIGNATURE,
                         "serverChallenge mismatch");
    return FALSE;
  }
  if (!esim_tlv_require (&parts[0], 0x83, &field, NULL)
      || (address = esim_tlv_dup_string (&field, NULL)) == NULL
      || g_ascii_strcasecmp (address, session->server_address) != 0) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_ADDRESS,
                         "euiccSigned1 names another server address");
    return FALSE;
  }

  session->euicc_cert = esim_smdp_rsp_verify_euicc_chain (self, &parts[2], &parts[3], error);
  if (session->euicc_cert == NULL)
    return FALSE;
  if (!esim_smdp_rsp_verify_signature (session->euicc_cert, parts[0].raw, parts[0].raw_length,
                                       &parts[1], error))
    return FALSE;
  session->eid = esim_rsp_cert_get_serial_number_attr (session->euicc_cert);
  if (session->eid == NULL) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_EUICC_CERT_INVALID,
                         "CERT.EUICC has no EID");
    return FALSE;
  }
  if (esim_tlv_find (&parts[0], 0xA0, &ctx))
    esim_smdp_rsp_record_device_info (self, &ctx);
  if (esim_tlv_find (&parts[0], 0xA0, &ctx) && esim_tlv_find (&ctx, 0x80, &field)) {
    result->matching_id = esim_tlv_dup_string (&field, NULL);
    if (result->matching_id == NULL) {
      g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                           "matchingId is not UTF-8");
      return FALSE;
    }
  }
  return TRUE;
}

/* the order for this matching ID and EID, reserved for the session */
static EsimSmdpOrder *
esim_smdp_rsp_take_order (EsimSmdpRsp *self, EsimSmdpSession *session, const gchar *matching_id,
                          GError **error)
{
  EsimSmdpOrder *order;

  if (matching_id == NULL || *matching_id == '\0') {
    order = esim_smdp_catalog_find_default (self->catalog, session->eid);
    if (order == NULL) {
      g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_MATCHING_ID_REFUSED,
                           "no default profile for this EID");
      return NULL;
    }
  } else {
    order = esim_smdp_catalog_lookup (self->catalog, matching_id);
    if (order == NULL) {
      g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_MATCHING_ID_REFUSED,
                           "unknown matching ID");
      return NULL;
    }
  }
  if (order->eid != NULL && g_strcmp0 (order->eid, session->eid) != 0) {
    g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_EID_REFUSED,
                         "the order is for another EID");
    return NULL;
  }
  if (order->state == ESIM_SMDP_ORDER_CONSUMED || order->state == ESIM_SMDP_ORDER_BLOCKED) {
    g_set_error (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_MATCHING_ID_REFUSED, "the order is %s",
                 esim_smdp_order_state_to_string (order->state));
    return NULL;
  }
  if (order->session_txid != NULL) {
    EsimSmdpSession *holder = g_hash_table_lookup (self->sessions, order->session_txid);

    /* the same eUICC trying again replaces its old session */
    if (holder != NULL && g_strcmp0 (holder->eid, session->eid) != 0) {
      g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_MATCHING_ID_REFUSED,
                           "the order is being downloaded by another eUICC");
      return NULL;
    }
    if (holder != NULL)
      esim_smdp_rsp_end_session (self, holder);
    esim_smdp_order_release (order);
  }
  esim_smdp_order_reserve (order, session->txid_hex);
  return order;
}

static JsonObject *
esim_smdp_rsp_authenticate_es9 (EsimSmdpRsp *self, EsimSmdpSession *session,
                                EsimSmdpAuthResult *auth, gboolean corrupt_signature,
                                GError **error)
{
  EsimSmdpOrder *order = esim_smdp_rsp_take_order (self, session, auth->matching_id, error);
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  g_autoptr (GBytes) signed2 = NULL;
  g_autoptr (GByteArray) data = g_byte_array_new ();
  g_autoptr (GBytes) metadata = NULL;
  g_autoptr (GBytes) cert = NULL;
  JsonObject *response;

  if (order == NULL)
    return NULL;
  session->order = order;
  session->cc_required = order->cc != NULL;
  esim_tlv_builder_begin (b, 0x30);
  esim_tlv_builder_add (b, 0x80, session->txid, sizeof (session->txid));
  esim_tlv_builder_add_bool (b, 0x01, session->cc_required);
  /* a retry of the same eUICC: bind to the one-time key it already has */
  if (order->last_otpk != NULL && g_strcmp0 (order->last_eid, session->eid) == 0)
    esim_tlv_builder_add_bytes (b, 0x5F49, order->last_otpk);
  esim_tlv_builder_end (b);
  signed2 = esim_tlv_builder_finish (b);

  g_byte_array_append (data, g_bytes_get_data (signed2, NULL), g_bytes_get_size (signed2));
  g_byte_array_append (data, auth->signature1.raw, auth->signature1.raw_length);
  session->smdp_signature2
    = esim_smdp_rsp_sign (self->pb_key, data->data, data->len, corrupt_signature, error);
  if (session->smdp_signature2 == NULL)
    return NULL;
  metadata = esim_smdp_rsp_build_metadata (self, order);
  cert = esim_rsp_cert_get_der (self->pb_cert);
  session->state = ESIM_SMDP_SESSION_AUTHENTICATED;

  response = esim_smdp_rsp_new_response ();
  json_object_set_string_member (response, "transactionId", session->txid_hex);
  esim_smdp_set_base64 (response, "profileMetadata", metadata);
  esim_smdp_set_base64 (response, "smdpSigned2", signed2);
  esim_smdp_set_base64 (response, "smdpSignature2", session->smdp_signature2);
  esim_smdp_set_base64 (response, "smdpCertificate", cert);
  return response;
}

static JsonObject *
esim_smdp_rsp_authenticate_es11 (EsimSmdpRsp *self, EsimSmdpSession *session)
{
  g_autoptr (GPtrArray) events = esim_smdp_catalog_list_events (self->catalog, session->eid);
  JsonObject *response = esim_smdp_rsp_new_response ();
  JsonArray *entries = json_array_new ();

  for (guint i = 0; i < events->len; i++) {
    EsimSmdpEvent *event = g_ptr_array_index (events, i);
    JsonObject *entry = json_object_new ();

    json_object_set_string_member (entry, "eventId", event->event_id);
    json_object_set_string_member (entry, "rspServerAddress",
                                   event->address != NULL ? event->address : self->address);
    json_array_add_object_element (entries, entry);
  }
  json_object_set_string_member (response, "transactionId", session->txid_hex);
  json_object_set_array_member (response, "eventEntries", entries);
  return response;
}

static JsonObject *
esim_smdp_rsp_authenticate_client (EsimSmdpRsp *self, JsonObject *request, gboolean es11,
                                   gboolean corrupt_signature, GError **error)
{
  EsimSmdpSession *session
    = esim_smdp_rsp_get_session (self, request, es11, ESIM_SMDP_SESSION_INITIATED, error);
  EsimSmdpAuthResult auth = { 0 };
  g_autoptr (GBytes) keep = NULL;
  JsonObject *response = NULL;

  if (session == NULL)
    return NULL;
  if (esim_smdp_rsp_verify_card (self, session, request, &auth, &keep, error)) {
    if (es11)
      response = esim_smdp_rsp_authenticate_es11 (self, session);
    else
      response = esim_smdp_rsp_authenticate_es9 (self, session, &auth, corrupt_signature, error);
  }
  g_free (auth.matching_id);
  /* an error ends the session, and so does the SM-DS answer */
  if (response == NULL || es11)
    esim_smdp_rsp_end_session (self, session);
  return response;
}

JsonObject *
esim_smdp_rsp_handle (EsimSmdpRsp *self, const gchar *interface, const gchar *function,
                      JsonObject *request, gboolean corrupt_signature, GError **error)
{
  gboolean es11 = g_str_equal (interface, "es11");

  if (g_str_equal (function, "initiateAuthentication"))
    return esim_smdp_rsp_initiate_authentication (self, request, es11, corrupt_signature, error);
  if (g_str_equal (function, "authenticateClient"))
    return esim_smdp_rsp_authenticate_client (self, request, es11, corrupt_signature, error);
  if (!es11 && g_str_equal (function, "getBoundProfilePackage"))
    return esim_smdp_rsp_get_bound_profile_package (self, request, corrupt_signature, error);
  if (!es11 && g_str_equal (function, "handleNotification"))
    return esim_smdp_rsp_handle_notification (self, request, error);
  if (!es11 && g_str_equal (function, "cancelSession"))
    return esim_smdp_rsp_cancel_session (self, request, error);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no function %s/%s", interface, function);
  return NULL;
}

void
esim_smdp_rsp_set_tamper_package (EsimSmdpRsp *self, gboolean tamper)
{
  self->tamper_package = tamper;
}

void
esim_smdp_rsp_add_stats (EsimSmdpRsp *self, JsonBuilder *builder)
{
  EsimSmdpOrder *order;

  json_builder_set_member_name (builder, "notifications");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "received");
  json_builder_add_int_value (builder, self->notifications_received);
  json_builder_set_member_name (builder, "accepted");
  json_builder_add_int_value (builder, self->notifications_accepted);
  json_builder_set_member_name (builder, "rejected");
  json_builder_add_int_value (builder, self->notifications_rejected);
  json_builder_set_member_name (builder, "log");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->notification_log->len; i++)
    json_builder_add_value (builder,
                            json_node_copy (g_ptr_array_index (self->notification_log, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "downloads");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "bppServed");
  json_builder_add_int_value (builder, self->bpps_served);
  json_builder_set_member_name (builder, "installed");
  json_builder_add_int_value (builder, self->installs_succeeded);
  json_builder_set_member_name (builder, "installFailed");
  json_builder_add_int_value (builder, self->installs_failed);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "cancelReasons");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->cancel_reasons->len; i++)
    json_builder_add_int_value (builder, g_array_index (self->cancel_reasons, gint64, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "sessions");
  json_builder_add_int_value (builder, g_hash_table_size (self->sessions));

  json_builder_set_member_name (builder, "deviceInfo");
  if (self->device_info != NULL)
    json_builder_add_value (builder, json_node_copy (self->device_info));
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "orders");
  json_builder_begin_object (builder);
  for (guint i = 0; (order = esim_smdp_catalog_get_order (self->catalog, i)) != NULL; i++) {
    json_builder_set_member_name (builder, order->matching_id);
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "state");
    json_builder_add_string_value (builder, esim_smdp_order_state_to_string (order->state));
    json_builder_set_member_name (builder, "iccid");
    json_builder_add_string_value (builder, order->iccid);
    json_builder_set_member_name (builder, "ccFailures");
    json_builder_add_int_value (builder, order->cc_failures);
    json_builder_end_object (builder);
  }
  json_builder_end_object (builder);
}
