/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-rsp-client.h"

/* clang-format off */
G_DEFINE_QUARK (esim-rsp-error-quark, esim_rsp_error)
/* clang-format on */

struct _EsimRspClient {
  GObject parent_instance;
  EsimHttp *http;
  gchar *address;
  gchar *iface;
  gchar *fallback_iface; /* tried once on a 404, then kept */
  /* the transactionId exactly as the server wrote it, and its bytes */
  gchar *transaction_id_text;
  GBytes *transaction_id;
};

G_DEFINE_TYPE (EsimRspClient, esim_rsp_client, G_TYPE_OBJECT)

/* every SGP.22 v2.x subject / reason code an SM-DP+ or SM-DS answers to
 * the ES9+ and ES11 functions (initiateAuthentication, authenticateClient,
 * getBoundProfilePackage, handleNotification, cancelSession), from SGP.22
 * sections 5.6 and 5.8 and as independent LPAs and servers list them (lpac
 * es9p_errors.c, OpenEUICC, pySim osmo-smdpp), each with a text a person
 * can act on; a code that is not here falls back by its reason class */
static const struct {
  const gchar *subject;
  const gchar *reason;
  EsimRspError code;
  const gchar *text;
} rsp_status_codes[] = {
  /* initiateAuthentication */
  { "8.8.1", "3.8", ESIM_RSP_ERROR_INVALID_SMDP_ADDRESS,
    "the server is not the SM-DP+ the activation code names" },
  { "8.8.2", "3.1", ESIM_RSP_ERROR_UNSUPPORTED_CI,
    "the SM-DP+ supports none of this eUICC's certificate issuers" },
  { "8.8.3", "3.1", ESIM_RSP_ERROR_UNSUPPORTED_VERSION,
    "the SM-DP+ does not support this eUICC's SGP.22 version" },
  { "8.8.4", "3.7", ESIM_RSP_ERROR_NO_COMMON_CERTIFICATE,
    "the SM-DP+ has no certificate from an issuer this eUICC trusts" },
  /* authenticateClient */
  { "8.1", "4.8", ESIM_RSP_ERROR_INSUFFICIENT_MEMORY,
    "the eUICC does not have enough free memory for this profile" },
  { "8.1", "6.1", ESIM_RSP_ERROR_INVALID_SIGNATURE, "the eUICC's signature is invalid" },
  { "8.1.1", "2.1", ESIM_RSP_ERROR_EUICC_NOT_SUPPORTED, "the SM-DP+ does not support this EID" },
  { "8.1.1", "2.2", ESIM_RSP_ERROR_EID_MISMATCH, "the order names no EID for this eUICC" },
  { "8.1.1", "3.1", ESIM_RSP_ERROR_EID_MISMATCH,
    "the profile is already associated with another eUICC" },
  { "8.1.1", "3.8", ESIM_RSP_ERROR_EID_MISMATCH, "the profile is reserved for another eUICC" },
  { "8.1.1", "3.10", ESIM_RSP_ERROR_EID_MISMATCH,
    "the profile is already associated with another eUICC" },
  { "8.1.2", "6.1", ESIM_RSP_ERROR_INVALID_CERTIFICATE, "the eUICC's EUM certificate is invalid" },
  { "8.1.2", "6.3", ESIM_RSP_ERROR_INVALID_CERTIFICATE, "the eUICC's EUM certificate has expired" },
  { "8.1.3", "6.1", ESIM_RSP_ERROR_INVALID_CERTIFICATE, "the eUICC certificate is invalid" },
  { "8.1.3", "6.3", ESIM_RSP_ERROR_INVALID_CERTIFICATE, "the eUICC certificate has expired" },
  { "8.2", "1.2", ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE,
    "the operator has not released the profile yet" },
  { "8.2", "3.7", ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE,
    "the profile is not available for a new download" },
  { "8.2.1", "1.2", ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE, "the profile may not be downloaded" },
  { "8.2.1", "3.1", ESIM_RSP_ERROR_EID_MISMATCH,
    "the profile is already associated with another eUICC" },
  { "8.2.1", "3.3", ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE, "the profile is not available" },
  { "8.2.1", "3.5", ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE, "the profile cannot be released" },
  { "8.2.1", "3.9", ESIM_RSP_ERROR_PROFILE_UNKNOWN, "the SM-DP+ does not know this profile" },
  { "8.2.5", "1.2", ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE,
    "profiles of this type may not be downloaded" },
  { "8.2.5", "3.7", ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE,
    "no more profiles of this type are available" },
  { "8.2.5", "3.8", ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE,
    "the profile type does not match the profile" },
  { "8.2.5", "3.9", ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE,
    "the SM-DP+ does not know the profile type" },
  { "8.2.5", "4.3", ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE,
    "no profile is eligible for this eUICC and device" },
  { "8.2.6", "3.1", ESIM_RSP_ERROR_MATCHING_ID_REFUSED,
    "another matching ID is associated with this profile" },
  { "8.2.6", "3.3", ESIM_RSP_ERROR_MATCHING_ID_REFUSED, "the matching ID is already in use" },
  { "8.2.6", "3.8", ESIM_RSP_ERROR_MATCHING_ID_REFUSED,
    "the SM-DP+ refused the matching ID (unknown, used or expired)" },
  { "8.2.6", "3.9", ESIM_RSP_ERROR_MATCHING_ID_REFUSED,
    "the SM-DP+ does not know the matching ID" },
  { "8.8", "4.2", ESIM_RSP_ERROR_EUICC_NOT_SUPPORTED, "the SM-DP+ does not support this eUICC" },
  { "8.8.5", "4.1", ESIM_RSP_ERROR_ORDER_EXPIRED, "the download order has expired" },
  { "8.8.5", "4.10", ESIM_RSP_ERROR_ORDER_EXPIRED, "the download order has expired" },
  { "8.8.5", "6.4", ESIM_RSP_ERROR_ORDER_RETRIES_EXCEEDED,
    "the download order has been tried too often" },
  { "8.11.1", "3.9", ESIM_RSP_ERROR_UNKNOWN_CI,
    "the SM-DP+ does not trust the issuer of this eUICC's certificates" },
  { "8.10.1", "3.9", ESIM_RSP_ERROR_UNKNOWN_TRANSACTION,
    "the server no longer knows this download session" },
  /* getBoundProfilePackage */
  { "8.2.7", "2.2", ESIM_RSP_ERROR_CONFIRMATION_CODE_MISSING, "a confirmation code is required" },
  { "8.2.7", "3.8", ESIM_RSP_ERROR_CONFIRMATION_CODE_REFUSED, "the confirmation code is wrong" },
  { "8.2.7", "6.4", ESIM_RSP_ERROR_CONFIRMATION_CODE_RETRIES_EXCEEDED,
    "too many wrong confirmation codes" },
  /* cancelSession */
  { "8.8", "3.1", ESIM_RSP_ERROR_INVALID_OID,
    "the SM-DP+ OID the eUICC signed is not this server's" },
  { "8.8", "3.10", ESIM_RSP_ERROR_INVALID_OID,
    "the SM-DP+ OID the eUICC signed is not this server's" },
  /* ES11 (SM-DS) */
  { "8.9", "3.9", ESIM_RSP_ERROR_EVENT_UNKNOWN, "the SM-DS knows no such event" },
  { "8.9", "4.2", ESIM_RSP_ERROR_SMDS_UNAVAILABLE, "the root SM-DS reported an error" },
  { "8.9", "5.1", ESIM_RSP_ERROR_SMDS_UNAVAILABLE, "the root SM-DS is unavailable" },
  { "8.9.1", "3.8", ESIM_RSP_ERROR_INVALID_SMDP_ADDRESS,
    "the server is not the SM-DS that was asked for" },
  { "8.9.2", "3.1", ESIM_RSP_ERROR_UNSUPPORTED_CI,
    "the SM-DS supports none of this eUICC's certificate issuers" },
  { "8.9.3", "3.1", ESIM_RSP_ERROR_UNSUPPORTED_VERSION,
    "the SM-DS does not support this eUICC's SGP.22 version" },
  { "8.9.4", "3.7", ESIM_RSP_ERROR_NO_COMMON_CERTIFICATE,
    "the SM-DS has no certificate from an issuer this eUICC trusts" },
  { "8.9.5", "3.3", ESIM_RSP_ERROR_EVENT_UNKNOWN, "the SM-DS holds this event twice" },
  { "8.9.5", "3.9", ESIM_RSP_ERROR_EVENT_UNKNOWN, "the SM-DS knows no such event for this eUICC" },
};

/* SGP.22's reason code classes, for codes no table row names */
static const struct {
  const gchar *prefix;
  EsimRspError code;
  const gchar *text;
} rsp_reason_classes[] = {
  { "1.", ESIM_RSP_ERROR_NOT_ALLOWED, "the server does not allow this" },
  { "2.", ESIM_RSP_ERROR_BAD_REQUEST, "the server could not read the request" },
  { "3.", ESIM_RSP_ERROR_FAILED, "the server refused the request" },
  { "4.", ESIM_RSP_ERROR_SERVER_ERROR, "the server failed to process the request" },
  { "5.", ESIM_RSP_ERROR_SERVER_ERROR, "the server could not reach a system it needs" },
  { "6.", ESIM_RSP_ERROR_FAILED, "the server's security checks failed" },
};

/* a member of the type we need, or NULL: a server's JSON may hold anything,
 * and json-glib's typed getters complain about a wrong type */
static JsonObject *
esim_rsp_json_object (JsonObject *object, const gchar *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const gchar *
esim_rsp_json_string (JsonObject *object, const gchar *member, const gchar *fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;
  return json_node_get_string (node);
}

EsimRspClient *
esim_rsp_client_new (EsimHttp *http, const gchar *address, const gchar *iface)
{
  EsimRspClient *self = g_object_new (ESIM_TYPE_RSP_CLIENT, NULL);

  self->http = g_object_ref (http);
  /* host names are case-insensitive, and some servers refuse an
   * upper-case Host or serverAddress: always the lower-case form */
  self->address = g_ascii_strdown (address, -1);
  self->iface = g_strdup (iface);
  return self;
}

const gchar *
esim_rsp_client_get_iface (EsimRspClient *self)
{
  return self->iface;
}

void
esim_rsp_client_set_fallback_iface (EsimRspClient *self, const gchar *iface)
{
  g_free (self->fallback_iface);
  self->fallback_iface = g_strdup (iface);
}

void
esim_rsp_client_remember_transaction_id (EsimRspClient *self, const gchar *text,
                                         GBytes *transaction_id)
{
  g_free (self->transaction_id_text);
  self->transaction_id_text = g_strdup (text);
  g_clear_pointer (&self->transaction_id, g_bytes_unref);
  self->transaction_id = g_bytes_ref (transaction_id);
}

gchar *
esim_rsp_client_dup_transaction_id_text (EsimRspClient *self, GBytes *transaction_id)
{
  /* servers compare it as a string: echo their spelling, not ours */
  if (self->transaction_id != NULL && g_bytes_equal (self->transaction_id, transaction_id))
    return g_strdup (self->transaction_id_text);
  return esim_rsp_transaction_id_to_string (transaction_id);
}

const gchar *
esim_rsp_client_get_address (EsimRspClient *self)
{
  return self->address;
}

EsimHttp *
esim_rsp_client_get_http (EsimRspClient *self)
{
  return self->http;
}

GBytes *
esim_rsp_json_get_base64 (JsonObject *object, const gchar *member, GError **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autoptr (GString) clean = NULL;
  g_autofree guchar *data = NULL;
  gsize pad = 0;
  gsize len = 0;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING) {
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                 "answer has no string member “%s”", member);
    return NULL;
  }
  /* some servers wrap base64 at 64 or 76 columns (MIME, PEM) and some
   * leave the padding out: both are accepted; anything else outside the
   * alphabet is refused, as g_base64_decode would silently skip it */
  clean = g_string_new (json_node_get_string (node));
  for (gsize i = 0; i < clean->len;) {
    gchar c = clean->str[i];

    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      g_string_erase (clean, (gssize) i, 1);
      continue;
    }
    if (c == '=') {
      pad++;
    } else if (pad > 0 || (!g_ascii_isalnum (c) && c != '+' && c != '/')) {
      g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                   "member “%s” is not base64", member);
      return NULL;
    }
    i++;
  }
  if (pad > 2 || (pad > 0 && clean->len % 4 != 0)) {
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                 "member “%s” has misplaced base64 padding", member);
    return NULL;
  }
  /* unpadded: a single character left over cannot be a byte */
  if (clean->len % 4 == 1) {
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                 "member “%s” is truncated base64", member);
    return NULL;
  }
  while (clean->len % 4 != 0)
    g_string_append_c (clean, '=');
  data = g_base64_decode (clean->str, &len);
  return g_bytes_new (data, len);
}

void
esim_rsp_json_set_base64 (JsonObject *object, const gchar *member, GBytes *value)
{
  g_autofree gchar *text
    = g_base64_encode (g_bytes_get_data (value, NULL), g_bytes_get_size (value));

  json_object_set_string_member (object, member, text);
}

gchar *
esim_rsp_transaction_id_to_string (GBytes *transaction_id)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (transaction_id, &len);
  GString *s = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X", data[i]);
  return g_string_free (s, FALSE);
}

GBytes *
esim_rsp_json_get_transaction_id (JsonObject *object, GError **error)
{
  const gchar *text = esim_rsp_json_string (object, "transactionId", NULL);
  gsize len;
  g_autofree guint8 *data = NULL;

  len = text != NULL ? strlen (text) : 0;
  /* SGP.22: 1 to 16 bytes, as hex */
  if (len == 0 || len % 2 != 0 || len > 32) {
    g_set_error_literal (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                         "answer has no valid transactionId");
    return NULL;
  }
  data = g_malloc (len / 2);
  for (gsize i = 0; i < len; i += 2) {
    if (!g_ascii_isxdigit (text[i]) || !g_ascii_isxdigit (text[i + 1])) {
      g_set_error_literal (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                           "transactionId is not hexadecimal");
      return NULL;
    }
    data[i / 2]
      = (guint8) (g_ascii_xdigit_value (text[i]) << 4 | g_ascii_xdigit_value (text[i + 1]));
  }
  return g_bytes_new (data, len / 2);
}

static gboolean
esim_rsp_check_status (JsonObject *answer, const gchar *function, GError **error)
{
  JsonObject *status
    = esim_rsp_json_object (esim_rsp_json_object (answer, "header"), "functionExecutionStatus");
  JsonObject *data;
  const gchar *verdict;
  const gchar *subject;
  const gchar *reason;
  const gchar *message;

  if (status == NULL) {
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                 "%s: answer has no functionExecutionStatus", function);
    return FALSE;
  }
  verdict = esim_rsp_json_string (status, "status", "");
  /* Executed-Success and Executed-WithWarning */
  if (g_str_has_prefix (verdict, "Executed-"))
    return TRUE;
  if (g_str_equal (verdict, "Expired")) {
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_EXPIRED,
                 "%s: the server let the function expire", function);
    return FALSE;
  }
  if (!g_str_equal (verdict, "Failed")) {
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                 "%s: unknown execution status", function);
    return FALSE;
  }
  data = esim_rsp_json_object (status, "statusCodeData");
  subject = esim_rsp_json_string (data, "subjectCode", "?");
  reason = esim_rsp_json_string (data, "reasonCode", "?");
  message = esim_rsp_json_string (data, "message", "");
  for (guint i = 0; i < G_N_ELEMENTS (rsp_status_codes); i++) {
    if (g_str_equal (rsp_status_codes[i].subject, subject)
        && g_str_equal (rsp_status_codes[i].reason, reason)) {
      g_set_error (error, ESIM_RSP_ERROR, rsp_status_codes[i].code,
                   "%s: %s (subject %s, reason %s)%s%s", function, rsp_status_codes[i].text,
                   subject, reason, message[0] != '\0' ? ": " : "", message);
      return FALSE;
    }
  }
  for (guint i = 0; i < G_N_ELEMENTS (rsp_reason_classes); i++) {
    if (g_str_has_prefix (reason, rsp_reason_classes[i].prefix)) {
      g_set_error (error, ESIM_RSP_ERROR, rsp_reason_classes[i].code,
                   "%s: %s (subject %s, reason %s)%s%s", function, rsp_reason_classes[i].text,
                   subject, reason, message[0] != '\0' ? ": " : "", message);
      return FALSE;
    }
  }
  g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_FAILED,
               "%s failed (subject %s, reason %s)%s%s", function, subject, reason,
               message[0] != '\0' ? ": " : "", message);
  return FALSE;
}

static gboolean
esim_rsp_body_is_blank (GBytes *body)
{
  gsize len = 0;
  const gchar *data = g_bytes_get_data (body, &len);

  for (gsize i = 0; i < len; i++) {
    if (!g_ascii_isspace (data[i]))
      return FALSE;
  }
  return TRUE;
}

/* SGP.22 functions whose answer has no data besides the header */
static gboolean
esim_rsp_function_without_output (const gchar *function)
{
  return g_str_equal (function, "handleNotification") || g_str_equal (function, "cancelSession");
}

static JsonObject *
esim_rsp_parse_json (const gchar *function, GBytes *body, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   (gssize) g_bytes_get_size (body), &local)) {
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                 "%s: answer is not JSON: %s", function, local->message);
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE,
                 "%s: answer is not a JSON object", function);
    return NULL;
  }
  return json_object_ref (json_node_get_object (root));
}

/* an HTTP error; its body may still carry the SGP.22 status codes */
static JsonObject *
esim_rsp_parse_http_error (const gchar *function, guint status, GBytes *body, GError **error)
{
  g_autoptr (JsonObject) answer = NULL;
  g_autoptr (GError) local = NULL;

  if (status >= 300 && status < 400) {
    /* never followed: the SM-DP+ address is what the eUICC verified */
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_REDIRECT, "%s: redirect refused (HTTP %u)",
                 function, status);
    return NULL;
  }
  if (g_bytes_get_size (body) > 0)
    answer = esim_rsp_parse_json (function, body, NULL);
  if (answer != NULL
      && esim_rsp_json_object (esim_rsp_json_object (answer, "header"), "functionExecutionStatus")
           != NULL
      && !esim_rsp_check_status (answer, function, &local)) {
    g_set_error (error, local->domain, local->code, "%s (HTTP %u)", local->message, status);
    return NULL;
  }
  g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_HTTP_STATUS, "%s: server answered HTTP %u",
               function, status);
  return NULL;
}

JsonObject *
esim_rsp_parse_answer (const gchar *function, guint status, GBytes *body, GError **error)
{
  g_autoptr (JsonObject) answer = NULL;

  if (status == 204)
    return json_object_new ();
  if (status < 200 || status >= 300)
    return esim_rsp_parse_http_error (function, status, body, error);
  if (esim_rsp_body_is_blank (body)) {
    /* some servers acknowledge a notification with an empty 200 */
    if (esim_rsp_function_without_output (function))
      return json_object_new ();
    g_set_error (error, ESIM_RSP_ERROR, ESIM_RSP_ERROR_MALFORMED_RESPONSE, "%s: empty answer",
                 function);
    return NULL;
  }
  answer = esim_rsp_parse_json (function, body, error);
  if (answer == NULL || !esim_rsp_check_status (answer, function, error))
    return NULL;
  return g_steal_pointer (&answer);
}

typedef struct {
  gchar *function;
  GBytes *body;
  gboolean retried; /* on the fallback interface */
} CallData;

static void
call_data_free (CallData *data)
{
  g_free (data->function);
  g_bytes_unref (data->body);
  g_free (data);
}

static void esim_rsp_client_post (EsimRspClient *self, GTask *task);

static void
esim_rsp_client_post_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EsimRspClient *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) body = NULL;
  JsonObject *answer;
  guint status = 0;

  body = esim_http_post_finish (ESIM_HTTP (source), res, &status, &error);
  if (body == NULL) {
    g_task_return_error (task, error);
    return;
  }
  /* servers differ in the path layout of one interface (ES11 under
   * es11/ or es9plus/): the other one once, then kept for this server */
  if (status == 404 && self->fallback_iface != NULL && !data->retried) {
    g_autofree gchar *old = g_steal_pointer (&self->iface);

    g_debug ("%s: 404 under %s/, trying %s/", data->function, old, self->fallback_iface);
    self->iface = g_steal_pointer (&self->fallback_iface);
    data->retried = TRUE;
    esim_rsp_client_post (self, g_steal_pointer (&task));
    return;
  }
  answer = esim_rsp_parse_answer (data->function, status, body, &error);
  if (answer == NULL) {
    g_task_return_error (task, error);
    return;
  }
  /* the layout that answered stays, the other is not tried again */
  g_clear_pointer (&self->fallback_iface, g_free);
  g_task_return_pointer (task, answer, (GDestroyNotify) json_object_unref);
}

static void
esim_rsp_client_post (EsimRspClient *self, GTask *task)
{
  CallData *data = g_task_get_task_data (task);
  g_autofree gchar *url = NULL;
  const gchar *headers[] = {
    "Content-Type: application/json",
    "Accept: application/json",
    "X-Admin-Protocol: " ESIM_RSP_ADMIN_PROTOCOL,
    NULL,
  };

  url = g_strdup_printf ("https://%s/gsma/rsp2/%s/%s", self->address, self->iface, data->function);
  esim_http_post_async (self->http, url, headers, data->body, g_task_get_cancellable (task),
                        esim_rsp_client_post_cb, task);
}

void
esim_rsp_client_call_async (EsimRspClient *self, const gchar *function, JsonObject *request,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  CallData *data = g_new0 (CallData, 1);
  gsize len = 0;
  gchar *text;

  g_task_set_source_tag (task, esim_rsp_client_call_async);
  json_node_set_object (root, request);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &len);
  data->function = g_strdup (function);
  data->body = g_bytes_new_take (text, len);
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);
  esim_rsp_client_post (self, task);
}

JsonObject *
esim_rsp_client_call_finish (EsimRspClient *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
esim_rsp_client_finalize (GObject *object)
{
  EsimRspClient *self = ESIM_RSP_CLIENT (object);

  g_object_unref (self->http);
  g_free (self->address);
  g_free (self->iface);
  g_free (self->fallback_iface);
  g_free (self->transaction_id_text);
  g_clear_pointer (&self->transaction_id, g_bytes_unref);
  G_OBJECT_CLASS (esim_rsp_client_parent_class)->finalize (object);
}

static void
esim_rsp_client_init (EsimRspClient *self)
{
}

static void
esim_rsp_client_class_init (EsimRspClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_rsp_client_finalize;
}
