/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gnutls/x509.h>

#include "esim-es9p.h"
#include "esim-tlv.h"

void
esim_rsp_authentication_free (EsimRspAuthentication *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->transaction_id, g_bytes_unref);
  g_clear_pointer (&self->server_signed1, g_bytes_unref);
  g_clear_pointer (&self->server_signature1, g_bytes_unref);
  g_clear_pointer (&self->euicc_ci_pkid, g_bytes_unref);
  g_clear_pointer (&self->server_certificate, g_bytes_unref);
  g_free (self);
}

void
esim_rsp_client_authentication_free (EsimRspClientAuthentication *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->transaction_id, g_bytes_unref);
  g_clear_pointer (&self->profile_metadata, g_bytes_unref);
  g_clear_pointer (&self->smdp_signed2, g_bytes_unref);
  g_clear_pointer (&self->smdp_signature2, g_bytes_unref);
  g_clear_pointer (&self->smdp_certificate, g_bytes_unref);
  g_free (self);
}

void
esim_rsp_event_free (EsimRspEvent *self)
{
  if (self == NULL)
    return;
  g_free (self->event_id);
  g_free (self->rsp_server_address);
  g_free (self);
}

EsimRspServerRole
esim_rsp_server_role_from_certificate (GBytes *certificate)
{
  EsimRspServerRole role = ESIM_RSP_SERVER_ROLE_UNKNOWN;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t der;

  if (certificate == NULL || g_bytes_get_size (certificate) == 0
      || g_bytes_get_size (certificate) > G_MAXUINT)
    return ESIM_RSP_SERVER_ROLE_UNKNOWN;
  der.data = (guchar *) g_bytes_get_data (certificate, NULL);
  der.size = (guint) g_bytes_get_size (certificate);
  if (gnutls_x509_crt_init (&crt) < 0)
    return ESIM_RSP_SERVER_ROLE_UNKNOWN;
  if (gnutls_x509_crt_import (crt, &der, GNUTLS_X509_FMT_DER) >= 0) {
    for (guint i = 0; role == ESIM_RSP_SERVER_ROLE_UNKNOWN; i++) {
      struct gnutls_x509_policy_st policy;
      unsigned int critical = 0;

      if (gnutls_x509_crt_get_policy (crt, i, &policy, &critical) < 0)
        break;
      if (g_strcmp0 (policy.oid, ESIM_RSP_OID_ROLE_DS_AUTH) == 0)
        role = ESIM_RSP_SERVER_ROLE_SMDS;
      else if (g_strcmp0 (policy.oid, ESIM_RSP_OID_ROLE_DP_AUTH) == 0)
        role = ESIM_RSP_SERVER_ROLE_SMDP;
      gnutls_x509_policy_release (&policy);
    }
  }
  gnutls_x509_crt_deinit (crt);
  return role;
}

/* a base64 member that must hold exactly one TLV with the given tag */
static GBytes *
esim_rsp_get_tlv (JsonObject *answer, const gchar *member, guint32 tag, GError **error)
{
  g_autoptr (GBytes) value = esim_rsp_json_get_base64 (answer, member, error);
  g_autoptr (GError) tlv_error = NULL;
  EsimTlv tlv;

  if (value == NULL)
    return NULL;
  if (!esim_tlv_decode_expect (value, tag, &tlv, &tlv_error)) {
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                 "member “%s” is not a valid TLV 0x%X: %s", member, tag, tlv_error->message);
    return NULL;
  }
  return g_steal_pointer (&value);
}

/* the server must answer within the transaction it was asked about */
static GBytes *
esim_rsp_get_same_transaction (JsonObject *answer, GBytes *expected, GError **error)
{
  g_autoptr (GBytes) txid = esim_rsp_json_get_transaction_id (answer, error);

  if (txid == NULL)
    return NULL;
  if (expected != NULL && !g_bytes_equal (txid, expected)) {
    g_set_error_literal (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                         "server answered for another transaction");
    return NULL;
  }
  return g_steal_pointer (&txid);
}

/* what a function's answer yields: an extractor, or NULL for none */
typedef gpointer (*EsimRspExtractFunc) (JsonObject *answer, GBytes *transaction_id, GError **error);

typedef struct {
  EsimRspExtractFunc extract;
  GDestroyNotify free_func;
  GBytes *transaction_id;
} CallData;

static void
call_data_free (CallData *data)
{
  g_clear_pointer (&data->transaction_id, g_bytes_unref);
  g_free (data);
}

/* the server's own spelling of its transactionId goes back to it */
static void
esim_rsp_call_remember_transaction (EsimRspClient *client, JsonObject *answer)
{
  JsonNode *node = json_object_get_member (answer, "transactionId");
  g_autoptr (GBytes) txid = NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return;
  txid = esim_rsp_json_get_transaction_id (answer, NULL);
  if (txid != NULL)
    esim_rsp_client_remember_transaction_id (client, json_node_get_string (node), txid);
}

static void
esim_rsp_call_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  CallData *data = g_task_get_task_data (task);
  g_autoptr (JsonObject) answer = NULL;
  GError *error = NULL;
  gpointer result;

  answer = esim_rsp_client_call_finish (ESIM_RSP_CLIENT (source), res, &error);
  if (answer == NULL) {
    g_task_return_error (task, error);
    return;
  }
  esim_rsp_call_remember_transaction (ESIM_RSP_CLIENT (source), answer);
  if (data->extract == NULL) {
    g_task_return_boolean (task, TRUE);
    return;
  }
  result = data->extract (answer, data->transaction_id, &error);
  if (result == NULL) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (task, result, data->free_func);
}

static void
esim_rsp_call (EsimRspClient *client, const gchar *function, JsonObject *request,
               GBytes *transaction_id, EsimRspExtractFunc extract, GDestroyNotify free_func,
               GCancellable *cancellable, gpointer source_tag, GAsyncReadyCallback callback,
               gpointer user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  CallData *data = g_new0 (CallData, 1);

  g_task_set_source_tag (task, source_tag);
  data->extract = extract;
  data->free_func = free_func;
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);
  if (transaction_id != NULL) {
    g_autofree gchar *text = esim_rsp_client_dup_transaction_id_text (client, transaction_id);
    json_object_set_string_member (request, "transactionId", text);
    data->transaction_id = g_bytes_ref (transaction_id);
  }
  esim_rsp_client_call_async (client, function, request, cancellable, esim_rsp_call_cb, task);
}

/* initiateAuthentication */

EsimRspAuthentication *
esim_rsp_authentication_from_json (JsonObject *answer, GError **error)
{
  g_autoptr (EsimRspAuthentication) auth = g_new0 (EsimRspAuthentication, 1);

  if ((auth->transaction_id = esim_rsp_get_same_transaction (answer, NULL, error)) == NULL
      || (auth->server_signed1 = esim_rsp_get_tlv (answer, "serverSigned1", 0x30, error)) == NULL
      || (auth->server_signature1 = esim_rsp_get_tlv (answer, "serverSignature1", 0x5F37, error))
           == NULL
      || (auth->euicc_ci_pkid = esim_rsp_get_tlv (answer, "euiccCiPKIdToBeUsed", 0x04, error))
           == NULL
      || (auth->server_certificate = esim_rsp_get_tlv (answer, "serverCertificate", 0x30, error))
           == NULL)
    return NULL;
  return g_steal_pointer (&auth);
}

static gpointer
authentication_extract (JsonObject *answer, GBytes *transaction_id, GError **error)
{
  /* the server starts the transaction here: any ID is the right one */
  return esim_rsp_authentication_from_json (answer, error);
}

void
esim_rsp_initiate_authentication_async (EsimRspClient *client, GBytes *euicc_challenge,
                                        GBytes *euicc_info1, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (JsonObject) request = json_object_new ();

  esim_rsp_json_set_base64 (request, "euiccChallenge", euicc_challenge);
  esim_rsp_json_set_base64 (request, "euiccInfo1", euicc_info1);
  json_object_set_string_member (request, "smdpAddress", esim_rsp_client_get_address (client));
  esim_rsp_call (client, "initiateAuthentication", request, NULL, authentication_extract,
                 (GDestroyNotify) esim_rsp_authentication_free, cancellable,
                 esim_rsp_initiate_authentication_async, callback, user_data);
}

EsimRspAuthentication *
esim_rsp_initiate_authentication_finish (EsimRspClient *client, GAsyncResult *result,
                                         GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* authenticateClient (ES9+) */

EsimRspClientAuthentication *
esim_rsp_client_authentication_from_json (JsonObject *answer, GBytes *transaction_id,
                                          GError **error)
{
  g_autoptr (EsimRspClientAuthentication) auth = g_new0 (EsimRspClientAuthentication, 1);

  if ((auth->transaction_id = esim_rsp_get_same_transaction (answer, transaction_id, error)) == NULL
      || (auth->profile_metadata = esim_rsp_get_tlv (answer, "profileMetadata", 0xBF25, error))
           == NULL
      || (auth->smdp_signed2 = esim_rsp_get_tlv (answer, "smdpSigned2", 0x30, error)) == NULL
      || (auth->smdp_signature2 = esim_rsp_get_tlv (answer, "smdpSignature2", 0x5F37, error))
           == NULL
      || (auth->smdp_certificate = esim_rsp_get_tlv (answer, "smdpCertificate", 0x30, error))
           == NULL)
    return NULL;
  return g_steal_pointer (&auth);
}

void
esim_es9p_authenticate_client_async (EsimRspClient *client, GBytes *transaction_id,
                                     GBytes *authenticate_server_response,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr (JsonObject) request = json_object_new ();

  esim_rsp_json_set_base64 (request, "authenticateServerResponse", authenticate_server_response);
  esim_rsp_call (client, "authenticateClient", request, transaction_id,
                 (EsimRspExtractFunc) esim_rsp_client_authentication_from_json,
                 (GDestroyNotify) esim_rsp_client_authentication_free, cancellable,
                 esim_es9p_authenticate_client_async, callback, user_data);
}

EsimRspClientAuthentication *
esim_es9p_authenticate_client_finish (EsimRspClient *client, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* getBoundProfilePackage */

GBytes *
esim_rsp_bound_profile_package_from_json (JsonObject *answer, GBytes *transaction_id,
                                          GError **error)
{
  g_autoptr (GBytes) txid = esim_rsp_get_same_transaction (answer, transaction_id, error);

  if (txid == NULL)
    return NULL;
  return esim_rsp_get_tlv (answer, "boundProfilePackage", 0xBF36, error);
}

void
esim_es9p_get_bound_profile_package_async (EsimRspClient *client, GBytes *transaction_id,
                                           GBytes *prepare_download_response,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  g_autoptr (JsonObject) request = json_object_new ();

  esim_rsp_json_set_base64 (request, "prepareDownloadResponse", prepare_download_response);
  esim_rsp_call (client, "getBoundProfilePackage", request, transaction_id,
                 (EsimRspExtractFunc) esim_rsp_bound_profile_package_from_json,
                 (GDestroyNotify) g_bytes_unref, cancellable,
                 esim_es9p_get_bound_profile_package_async, callback, user_data);
}

GBytes *
esim_es9p_get_bound_profile_package_finish (EsimRspClient *client, GAsyncResult *result,
                                            GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* handleNotification and cancelSession: no output data */

void
esim_es9p_handle_notification_async (EsimRspClient *client, GBytes *pending_notification,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr (JsonObject) request = json_object_new ();

  esim_rsp_json_set_base64 (request, "pendingNotification", pending_notification);
  esim_rsp_call (client, "handleNotification", request, NULL, NULL, NULL, cancellable,
                 esim_es9p_handle_notification_async, callback, user_data);
}

gboolean
esim_es9p_handle_notification_finish (EsimRspClient *client, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
esim_es9p_cancel_session_async (EsimRspClient *client, GBytes *transaction_id,
                                GBytes *cancel_session_response, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (JsonObject) request = json_object_new ();

  esim_rsp_json_set_base64 (request, "cancelSessionResponse", cancel_session_response);
  esim_rsp_call (client, "cancelSession", request, transaction_id, NULL, NULL, cancellable,
                 esim_es9p_cancel_session_async, callback, user_data);
}

gboolean
esim_es9p_cancel_session_finish (EsimRspClient *client, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* authenticateClient (ES11) */

GPtrArray *
esim_rsp_events_from_json (JsonObject *answer, GBytes *transaction_id, GError **error)
{
  g_autoptr (GPtrArray) events
    = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_rsp_event_free);
  g_autoptr (GBytes) txid = esim_rsp_get_same_transaction (answer, transaction_id, error);
  JsonNode *node;
  JsonArray *entries;

  if (txid == NULL)
    return NULL;
  node = json_object_get_member (answer, "eventEntries");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)) {
    g_set_error_literal (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                         "authenticateClient: answer has no eventEntries");
    return NULL;
  }
  entries = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (entries); i++) {
    JsonNode *el = json_array_get_element (entries, i);
    JsonObject *entry = JSON_NODE_HOLDS_OBJECT (el) ? json_node_get_object (el) : NULL;
    JsonNode *id = entry != NULL ? json_object_get_member (entry, "eventId") : NULL;
    JsonNode *address = entry != NULL ? json_object_get_member (entry, "rspServerAddress") : NULL;
    EsimRspEvent *event;

    if (id == NULL || address == NULL || json_node_get_value_type (id) != G_TYPE_STRING
        || json_node_get_value_type (address) != G_TYPE_STRING
        || json_node_get_string (id)[0] == '\0') {
      /* one unusable entry does not spoil the others */
      g_debug ("authenticateClient: skipping event entry %u, it has no eventId or "
               "rspServerAddress",
               i);
      continue;
    }
    event = g_new0 (EsimRspEvent, 1);
    event->event_id = g_strdup (json_node_get_string (id));
    /* FQDNs are case-insensitive; the lower-case form is the one sent */
    event->rsp_server_address = g_ascii_strdown (json_node_get_string (address), -1);
    g_ptr_array_add (events, event);
  }
  return g_steal_pointer (&events);
}

void
esim_es11_authenticate_client_async (EsimRspClient *client, GBytes *transaction_id,
                                     GBytes *authenticate_server_response,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr (JsonObject) request = json_object_new ();

  esim_rsp_json_set_base64 (request, "authenticateServerResponse", authenticate_server_response);
  esim_rsp_call (client, "authenticateClient", request, transaction_id,
                 (EsimRspExtractFunc) esim_rsp_events_from_json, (GDestroyNotify) g_ptr_array_unref,
                 cancellable, esim_es11_authenticate_client_async, callback, user_data);
}

GPtrArray *
esim_es11_authenticate_client_finish (EsimRspClient *client, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
