/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libsoup/soup.h>

#include "esim-smdp-error.h"
#include "esim-smdp-quirks.h"
#include "esim-smdp-server.h"

#define ESIM_SMDP_PROTOCOL "gsma/rsp/v2.2.0"
#define ESIM_SMDP_PATH_PREFIX "/gsma/rsp2/"
/* peers remembered to tell new connections from kept-alive ones */
#define ESIM_SMDP_MAX_PEERS 4096
#define ESIM_SMDP_MAX_LATENCY_MS (10 * 60 * 1000)

typedef enum {
  ESIM_SMDP_FAULT_HTTP500,
  ESIM_SMDP_FAULT_TIMEOUT,
  ESIM_SMDP_FAULT_MALFORMED_JSON,
  ESIM_SMDP_FAULT_BAD_SIGNATURE,
  ESIM_SMDP_FAULT_LATENCY,
  ESIM_SMDP_FAULT_TAMPER_SEGMENT,
  ESIM_SMDP_FAULT_REDIRECT,     /* 302 to elsewhere */
  ESIM_SMDP_FAULT_HTTP4XX_JSON, /* 400 with a JSON failure body */
  ESIM_SMDP_FAULT_EXPIRED,      /* functionExecutionStatus Expired */
  ESIM_SMDP_FAULT_SLOW_BODY,
  ESIM_SMDP_FAULT_STALL_BODY,
  ESIM_SMDP_FAULT_STATUS,
} EsimSmdpFaultKind;

typedef struct {
  EsimSmdpFaultKind kind;
  gchar *function; /* "*" for all */
  guint nth;       /* 0: every call */
  guint ms;
  guint bytes;    /* slow-body: per second; stall-body: sent before the stall (0: half) */
  gchar *subject; /* status: the subjectCode and reasonCode to answer */
  gchar *reason;
} EsimSmdpFault;

struct _EsimSmdpServer {
  GObject parent_instance;

  SoupServer *server;
  EsimSmdpRsp *rsp;
  GPtrArray *faults; /* EsimSmdpFault */
  guint latency_ms;
  gchar *stats_file;
  EsimSmdpQuirks quirks;

  guint connections; /* one TLS handshake each */
  guint requests_total;
  guint faults_injected;
  GHashTable *requests; /* "interface/function" -> count */
  GHashTable *calls;    /* function -> count, for http500:FUNC:N */
  GHashTable *statuses; /* "200" -> count */
  GHashTable *peers;    /* "ip:port" of the connections seen */
  gchar *user_agent;    /* of the last request */
};

G_DEFINE_TYPE (EsimSmdpServer, esim_smdp_server, G_TYPE_OBJECT)

static const gchar *const es9plus_functions[]
  = { "initiateAuthentication", "authenticateClient", "getBoundProfilePackage",
      "handleNotification",     "cancelSession",      NULL };
static const gchar *const es11_functions[]
  = { "initiateAuthentication", "authenticateClient", NULL };

static void
esim_smdp_fault_free (EsimSmdpFault *fault)
{
  g_free (fault->function);
  g_free (fault->subject);
  g_free (fault->reason);
  g_free (fault);
}

static void
esim_smdp_server_dispose (GObject *object)
{
  EsimSmdpServer *self = ESIM_SMDP_SERVER (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->rsp);
  G_OBJECT_CLASS (esim_smdp_server_parent_class)->dispose (object);
}

static void
esim_smdp_server_finalize (GObject *object)
{
  EsimSmdpServer *self = ESIM_SMDP_SERVER (object);

  g_ptr_array_unref (self->faults);
  g_free (self->stats_file);
  g_hash_table_unref (self->requests);
  g_hash_table_unref (self->calls);
  g_hash_table_unref (self->statuses);
  g_hash_table_unref (self->peers);
  g_free (self->user_agent);
  G_OBJECT_CLASS (esim_smdp_server_parent_class)->finalize (object);
}

static void
esim_smdp_server_class_init (EsimSmdpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = esim_smdp_server_dispose;
  object_class->finalize = esim_smdp_server_finalize;
}

static void
esim_smdp_server_init (EsimSmdpServer *self)
{
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_smdp_fault_free);
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* a connection is counted at its first request: one TLS handshake each.
 * While a connection lives its client port is its own; the socket object
 * itself cannot carry a mark, as libsoup 3.2 never frees it */
static void
esim_smdp_server_count_connection (EsimSmdpServer *self, SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  g_autofree gchar *ip = NULL;
  gchar *key;

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    return;
  ip
    = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  key = g_strdup_printf ("%s:%u", ip,
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)));
  if (g_hash_table_contains (self->peers, key)) {
    g_free (key);
    return;
  }
  if (g_hash_table_size (self->peers) >= ESIM_SMDP_MAX_PEERS)
    g_hash_table_remove_all (self->peers);
  g_hash_table_add (self->peers, key);
  self->connections++;
}

static void
esim_smdp_count (GHashTable *table, const gchar *key)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (table, key));

  g_hash_table_insert (table, g_strdup (key), GUINT_TO_POINTER (n + 1));
}

static gboolean
esim_smdp_parse_uint (const gchar *text, guint max, guint *out)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, max, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

gboolean
esim_smdp_server_add_fault (EsimSmdpServer *self, const gchar *spec, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (spec, ":", 4);
  guint n = g_strv_length (parts);
  EsimSmdpFault *fault;
  EsimSmdpFaultKind kind;
  guint nth = 0, ms = 0, bytes = 0;
  g_autofree gchar *subject = NULL;
  g_autofree gchar *reason = NULL;
  gboolean ok = n >= 2 && *parts[1] != '\0';

  if (ok && g_str_equal (parts[0], "http500")) {
    kind = ESIM_SMDP_FAULT_HTTP500;
    ok = n == 2 || (n == 3 && esim_smdp_parse_uint (parts[2], G_MAXUINT, &nth));
  } else if (ok && g_str_equal (parts[0], "timeout")) {
    kind = ESIM_SMDP_FAULT_TIMEOUT;
    ok = n == 2;
  } else if (ok && g_str_equal (parts[0], "malformed-json")) {
    kind = ESIM_SMDP_FAULT_MALFORMED_JSON;
    ok = n == 2;
  } else if (ok && g_str_equal (parts[0], "bad-signature")) {
    kind = ESIM_SMDP_FAULT_BAD_SIGNATURE;
  } else if (ok && g_str_equal (parts[0], "tamper-segment")) {
    kind = ESIM_SMDP_FAULT_TAMPER_SEGMENT;
    ok = n == 2;
  } else if (ok && g_str_equal (parts[0], "redirect")) {
    kind = ESIM_SMDP_FAULT_REDIRECT;
    ok = n == 2;
  } else if (ok && g_str_equal (parts[0], "http4xx-json")) {
    kind = ESIM_SMDP_FAULT_HTTP4XX_JSON;
    ok = n == 2;
  } else if (ok && g_str_equal (parts[0], "expired")) {
    kind = ESIM_SMDP_FAULT_EXPIRED;
    ok = n == 2;
  } else if (ok && g_str_equal (parts[0], "status")) {
    /* status:FUNC:SUBJECT/REASON[:N], e.g. status:authenticateClient:8.8.5/4.1 */
    const gchar *slash = n >= 3 ? strchr (parts[2], '/') : NULL;

    kind = ESIM_SMDP_FAULT_STATUS;
    ok = slash != NULL && slash != parts[2] && slash[1] != '\0'
         && strspn (parts[2], "0123456789./") == strlen (parts[2])
         && (n == 3 || (n == 4 && esim_smdp_parse_uint (parts[3], G_MAXUINT, &nth)));
    if (ok) {
      subject = g_strndup (parts[2], (gsize) (slash - parts[2]));
      reason = g_strdup (slash + 1);
    }
  } else if (ok && g_str_equal (parts[0], "latency")) {
    kind = ESIM_SMDP_FAULT_LATENCY;
    ok = n == 3 && esim_smdp_parse_uint (parts[2], ESIM_SMDP_MAX_LATENCY_MS, &ms);
  } else if (ok && g_str_equal (parts[0], "slow-body")) {
    kind = ESIM_SMDP_FAULT_SLOW_BODY;
    ok = n == 3 && esim_smdp_parse_uint (parts[2], G_MAXUINT, &bytes) && bytes > 0;
  } else if (ok && g_str_equal (parts[0], "stall-body")) {
    kind = ESIM_SMDP_FAULT_STALL_BODY;
    ok = n == 2 || (n == 3 && esim_smdp_parse_uint (parts[2], G_MAXUINT, &bytes));
  } else {
    ok = FALSE;
  }
  if (!ok) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad fault “%s”", spec);
    return FALSE;
  }
  fault = g_new0 (EsimSmdpFault, 1);
  fault->kind = kind;
  fault->function = g_strdup (parts[1]);
  fault->nth = nth;
  fault->ms = ms;
  fault->bytes = bytes;
  fault->subject = g_steal_pointer (&subject);
  fault->reason = g_steal_pointer (&reason);
  g_ptr_array_add (self->faults, fault);
  return TRUE;
}

gboolean
esim_smdp_server_add_quirk (EsimSmdpServer *self, const gchar *spec, GError **error)
{
  return esim_smdp_quirks_add (&self->quirks, spec, error);
}

void
esim_smdp_server_set_latency (EsimSmdpServer *self, guint ms)
{
  self->latency_ms = MIN (ms, ESIM_SMDP_MAX_LATENCY_MS);
}

void
esim_smdp_server_set_stats_file (EsimSmdpServer *self, const gchar *path)
{
  g_free (self->stats_file);
  self->stats_file = g_strdup (path);
}

static void
esim_smdp_add_counts (JsonBuilder *b, const gchar *member, GHashTable *table)
{
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (table), (GCompareFunc) strcmp);

  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  for (GList *l = keys; l != NULL; l = l->next) {
    json_builder_set_member_name (b, l->data);
    json_builder_add_int_value (b, GPOINTER_TO_UINT (g_hash_table_lookup (table, l->data)));
  }
  json_builder_end_object (b);
}

gboolean
esim_smdp_server_write_stats (EsimSmdpServer *self, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;

  if (self->stats_file == NULL)
    return TRUE;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tlsHandshakes");
  json_builder_add_int_value (b, self->connections);
  json_builder_set_member_name (b, "requestsTotal");
  json_builder_add_int_value (b, self->requests_total);
  esim_smdp_add_counts (b, "requests", self->requests);
  esim_smdp_add_counts (b, "httpStatus", self->statuses);
  json_builder_set_member_name (b, "faultsInjected");
  json_builder_add_int_value (b, self->faults_injected);
  json_builder_set_member_name (b, "userAgent");
  if (self->user_agent != NULL)
    json_builder_add_string_value (b, self->user_agent);
  else
    json_builder_add_null_value (b);
  esim_smdp_rsp_add_stats (self->rsp, b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  /* g_file_set_contents writes a temporary file and renames it */
  return g_file_set_contents (self->stats_file, text, -1, error);
}

static void
esim_smdp_server_finish (EsimSmdpServer *self, guint status)
{
  g_autofree gchar *key = g_strdup_printf ("%u", status);
  g_autoptr (GError) error = NULL;

  /* 0: no response (a hung request, or just the start) */
  if (status != 0)
    esim_smdp_count (self->statuses, key);
  if (!esim_smdp_server_write_stats (self, &error))
    g_warning ("cannot write the stats: %s", error->message);
}

static void
esim_smdp_set_plain (SoupServerMessage *msg, guint status, const gchar *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
esim_smdp_set_json_type (SoupServerMessage *msg, guint status, const gchar *text,
                         const gchar *content_type)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "X-Admin-Protocol", ESIM_SMDP_PROTOCOL);
  soup_server_message_set_status (msg, status, NULL);
  if (text != NULL)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, text, strlen (text));
}

static void
esim_smdp_set_json (SoupServerMessage *msg, guint status, const gchar *text)
{
  esim_smdp_set_json_type (msg, status, text, "application/json");
}

static gchar *
esim_smdp_status_json (const gchar *subject, const gchar *reason, const gchar *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "header");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "functionExecutionStatus");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "Failed");
  json_builder_set_member_name (b, "statusCodeData");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "subjectCode");
  json_builder_add_string_value (b, subject);
  json_builder_set_member_name (b, "reasonCode");
  json_builder_add_string_value (b, reason);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static gchar *
esim_smdp_error_json (const GError *error)
{
  const gchar *subject = NULL;
  const gchar *reason = NULL;

  esim_smdp_error_get_codes (error->domain == ESIM_SMDP_ERROR ? (EsimSmdpError) error->code
                                                              : ESIM_SMDP_ERROR_INTERNAL,
                             &subject, &reason);
  return esim_smdp_status_json (subject, reason, error->message);
}

static EsimSmdpFault *
esim_smdp_server_find_fault (EsimSmdpServer *self, EsimSmdpFaultKind kind, const gchar *function,
                             guint call)
{
  for (guint i = 0; i < self->faults->len; i++) {
    EsimSmdpFault *fault = g_ptr_array_index (self->faults, i);

    if (fault->kind == kind
        && (g_str_equal (fault->function, "*") || g_str_equal (fault->function, function))
        && (fault->nth == 0 || fault->nth == call))
      return fault;
  }
  return NULL;
}

/* latency: the response is ready, it leaves when the timer fires */

typedef struct {
  SoupServerMessage *msg;
  gboolean gone;
} EsimSmdpDelayed;

static void
esim_smdp_delayed_gone_cb (SoupServerMessage *msg, EsimSmdpDelayed *delayed)
{
  delayed->gone = TRUE;
}

static gboolean
esim_smdp_delayed_cb (gpointer user_data)
{
  EsimSmdpDelayed *delayed = user_data;

  g_signal_handlers_disconnect_by_data (delayed->msg, delayed);
  if (!delayed->gone)
    soup_server_message_unpause (delayed->msg);
  g_object_unref (delayed->msg);
  g_free (delayed);
  return G_SOURCE_REMOVE;
}

static void
esim_smdp_delay (SoupServerMessage *msg, guint ms)
{
  EsimSmdpDelayed *delayed = g_new0 (EsimSmdpDelayed, 1);

  delayed->msg = g_object_ref (msg);
  g_signal_connect (msg, "finished", G_CALLBACK (esim_smdp_delayed_gone_cb), delayed);
  g_signal_connect (msg, "disconnected", G_CALLBACK (esim_smdp_delayed_gone_cb), delayed);
  soup_server_message_pause (msg);
  g_timeout_add (ms, esim_smdp_delayed_cb, delayed);
}

/* slow-body, stall-body: the answer is ready, its body leaves a little at
 * a time (every 100 ms), or only its first part */

#define ESIM_SMDP_TRICKLE_TICK_MS 100

typedef struct {
  SoupServerMessage *msg; /* borrowed: the timer holds a reference */
  GBytes *body;
  gsize sent;
  gsize stop_at; /* the whole body, or where it stalls */
  gsize per_tick;
  gboolean gone;
} EsimSmdpTrickle;

static void
esim_smdp_trickle_free (EsimSmdpTrickle *t)
{
  g_bytes_unref (t->body);
  g_free (t);
}

static void
esim_smdp_trickle_gone_cb (SoupServerMessage *msg, EsimSmdpTrickle *t)
{
  t->gone = TRUE;
}

static gboolean
esim_smdp_trickle_cb (gpointer user_data)
{
  EsimSmdpTrickle *t = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (t->msg);
  gsize n;

  if (t->gone || t->sent >= t->stop_at) {
    /* a stalled answer stays open, silent, until the client gives up */
    g_object_unref (t->msg);
    return G_SOURCE_REMOVE;
  }
  n = MIN (t->per_tick, t->stop_at - t->sent);
  soup_message_body_append (body, SOUP_MEMORY_COPY,
                            (const guint8 *) g_bytes_get_data (t->body, NULL) + t->sent, n);
  t->sent += n;
  if (t->sent == g_bytes_get_size (t->body))
    soup_message_body_complete (body);
  soup_server_message_unpause (t->msg);
  return G_SOURCE_CONTINUE;
}

static void
esim_smdp_trickle (SoupServerMessage *msg, gsize bytes_per_s, gsize stall_at)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  EsimSmdpTrickle *t = g_new0 (EsimSmdpTrickle, 1);
  gsize size;

  t->msg = msg;
  t->body = soup_message_body_flatten (body);
  size = g_bytes_get_size (t->body);
  t->stop_at = stall_at > 0 ? MIN (stall_at, size) : size;
  t->per_tick = MAX (bytes_per_s * ESIM_SMDP_TRICKLE_TICK_MS / 1000, 1);
  soup_message_body_truncate (body);
  soup_message_headers_set_content_length (headers, (goffset) size);
  g_object_set_data_full (G_OBJECT (msg), "esim-smdp-trickle", t,
                          (GDestroyNotify) esim_smdp_trickle_free);
  g_signal_connect (msg, "finished", G_CALLBACK (esim_smdp_trickle_gone_cb), t);
  g_signal_connect (msg, "disconnected", G_CALLBACK (esim_smdp_trickle_gone_cb), t);
  g_timeout_add (ESIM_SMDP_TRICKLE_TICK_MS, esim_smdp_trickle_cb, t);
  g_object_ref (msg);
}

static gboolean
esim_smdp_known_function (const gchar *interface, const gchar *function)
{
  if (g_str_equal (interface, "es9plus"))
    return g_strv_contains (es9plus_functions, function);
  if (g_str_equal (interface, "es11"))
    return g_strv_contains (es11_functions, function);
  return FALSE;
}

static gboolean
esim_smdp_protocol_ok (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const gchar *protocol = soup_message_headers_get_one (headers, "X-Admin-Protocol");

  return protocol != NULL && g_str_has_prefix (protocol, "gsma/rsp/v2.");
}

/* the JSON function call itself; returns the HTTP status */
static guint
esim_smdp_server_call (EsimSmdpServer *self, SoupServerMessage *msg, const gchar *interface,
                       const gchar *function, gboolean corrupt)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) data = soup_message_body_flatten (body);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonObject) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = NULL;
  JsonNode *root;

  if (g_bytes_get_size (data) > ESIM_SMDP_MAX_BODY) {
    esim_smdp_set_plain (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too large\n");
    return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
  }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (data, NULL),
                                   (gssize) g_bytes_get_size (data), &error)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_clear_error (&error);
    g_set_error_literal (&error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_INVALID_FORMAT,
                         "the body is not a JSON object");
  } else {
    SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
    guint refused = esim_smdp_quirks_refuse_request (
      &self->quirks, soup_message_headers_get_one (headers, "Host"), json_node_get_object (root));

    if (refused != 0) {
      esim_smdp_set_plain (msg, refused, "upper-case host name refused\n");
      return refused;
    }
    if (esim_smdp_quirks_check_request (&self->quirks, json_node_get_object (root), &error))
      response = esim_smdp_rsp_handle (self->rsp, interface, function, json_node_get_object (root),
                                       corrupt, &error);
  }
  if (response == NULL) {
    g_debug ("%s/%s failed: %s", interface, function, error->message);
    text = esim_smdp_error_json (error);
    esim_smdp_set_json_type (msg, SOUP_STATUS_OK, text,
                             esim_smdp_quirks_content_type (&self->quirks));
    return SOUP_STATUS_OK;
  }
  if (g_str_equal (function, "handleNotification")) {
    if (self->quirks.flags & ESIM_SMDP_QUIRK_EMPTY_200_NOTIFICATION) {
      esim_smdp_set_json (msg, SOUP_STATUS_OK, NULL);
      return SOUP_STATUS_OK;
    }
    esim_smdp_set_json (msg, SOUP_STATUS_NO_CONTENT, NULL);
    return SOUP_STATUS_NO_CONTENT;
  }
  esim_smdp_quirks_apply (&self->quirks, function, response);
  {
    g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), response);

    text = json_to_string (node, FALSE);
  }
  esim_smdp_set_json_type (msg, SOUP_STATUS_OK, text,
                           esim_smdp_quirks_content_type (&self->quirks));
  return SOUP_STATUS_OK;
}

/* the faults that replace a function's answer; returns the HTTP status */
static guint
esim_smdp_server_answer_fault (EsimSmdpServer *self, SoupServerMessage *msg, EsimSmdpFaultKind kind)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = NULL;

  self->faults_injected++;
  switch (kind) {
  case ESIM_SMDP_FAULT_REDIRECT:
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location",
                                  "https://redirected.example.com/gsma/rsp2/es9plus/");
    esim_smdp_set_plain (msg, SOUP_STATUS_FOUND, "moved\n");
    return SOUP_STATUS_FOUND;
  case ESIM_SMDP_FAULT_HTTP4XX_JSON:
    /* a real server's refusal: the SGP.22 codes in the body of a 400 */
    g_set_error_literal (&error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_MATCHING_ID_REFUSED,
                         "injected fault: refused with HTTP 400");
    text = esim_smdp_error_json (error);
    esim_smdp_set_json (msg, SOUP_STATUS_BAD_REQUEST, text);
    return SOUP_STATUS_BAD_REQUEST;
  default:
    esim_smdp_set_json (msg, SOUP_STATUS_OK,
                        "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Expired\"}}}");
    return SOUP_STATUS_OK;
  }
}

static void
esim_smdp_server_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                          GHashTable *query, gpointer user_data)
{
  EsimSmdpServer *self = user_data;
  g_auto (GStrv) parts = NULL;
  g_autofree gchar *key = NULL;
  const gchar *interface, *function;
  guint call, status, delay = self->latency_ms;
  EsimSmdpFault *fault;

  esim_smdp_server_count_connection (self, msg);
  self->requests_total++;

  parts = g_strsplit (
    g_str_has_prefix (path, ESIM_SMDP_PATH_PREFIX) ? path + strlen (ESIM_SMDP_PATH_PREFIX) : "",
    "/", -1);
  if (g_strv_length (parts) != 2 || !esim_smdp_known_function (parts[0], parts[1])
      || (interface = esim_smdp_quirks_map_interface (&self->quirks, parts[0], parts[1])) == NULL) {
    esim_smdp_set_plain (msg, SOUP_STATUS_NOT_FOUND, "no such function\n");
    esim_smdp_server_finish (self, SOUP_STATUS_NOT_FOUND);
    return;
  }
  function = parts[1];
  /* counted by the path asked for */
  key = g_strdup_printf ("%s/%s", parts[0], function);
  esim_smdp_count (self->requests, key);

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST) {
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
    esim_smdp_set_plain (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "POST only\n");
    esim_smdp_server_finish (self, SOUP_STATUS_METHOD_NOT_ALLOWED);
    return;
  }
  if (!esim_smdp_protocol_ok (msg)) {
    esim_smdp_set_plain (msg, SOUP_STATUS_BAD_REQUEST, "X-Admin-Protocol gsma/rsp/v2.x wanted\n");
    esim_smdp_server_finish (self, SOUP_STATUS_BAD_REQUEST);
    return;
  }

  g_free (self->user_agent);
  self->user_agent = g_strdup (
    soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "User-Agent"));
  esim_smdp_count (self->calls, function);
  call = GPOINTER_TO_UINT (g_hash_table_lookup (self->calls, function));
  if (esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_TIMEOUT, function, call) != NULL) {
    /* accepted, never answered: the client has to time out */
    self->faults_injected++;
    soup_server_message_pause (msg);
    esim_smdp_server_finish (self, 0);
    return;
  }
  if (esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_HTTP500, function, call) != NULL) {
    self->faults_injected++;
    esim_smdp_set_plain (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "injected fault\n");
    status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  } else if (esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_REDIRECT, function, call) != NULL) {
    status = esim_smdp_server_answer_fault (self, msg, ESIM_SMDP_FAULT_REDIRECT);
  } else if (esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_HTTP4XX_JSON, function, call)
             != NULL) {
    status = esim_smdp_server_answer_fault (self, msg, ESIM_SMDP_FAULT_HTTP4XX_JSON);
  } else if (esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_EXPIRED, function, call) != NULL) {
    status = esim_smdp_server_answer_fault (self, msg, ESIM_SMDP_FAULT_EXPIRED);
  } else if ((fault = esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_STATUS, function, call))
             != NULL) {
    g_autofree gchar *text
      = esim_smdp_status_json (fault->subject, fault->reason, "injected status code");

    self->faults_injected++;
    esim_smdp_set_json (msg, SOUP_STATUS_OK, text);
    status = SOUP_STATUS_OK;
  } else if (esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_MALFORMED_JSON, function, call)
             != NULL) {
    self->faults_injected++;
    esim_smdp_set_json (msg, SOUP_STATUS_OK, "{\"header\":{\"functionExecutionStatus\":{\"sta");
    status = SOUP_STATUS_OK;
  } else {
    gboolean corrupt
      = esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_BAD_SIGNATURE, function, call) != NULL;

    if (corrupt)
      self->faults_injected++;
    if (esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_TAMPER_SEGMENT, function, call)
        != NULL) {
      self->faults_injected++;
      esim_smdp_rsp_set_tamper_package (self->rsp, TRUE);
    }
    status = esim_smdp_server_call (self, msg, interface, function, corrupt);
  }
  fault = esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_LATENCY, function, call);
  if (fault != NULL) {
    self->faults_injected++;
    delay += fault->ms;
  }
  if ((fault = esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_SLOW_BODY, function, call))
      != NULL) {
    self->faults_injected++;
    esim_smdp_trickle (msg, fault->bytes, 0);
  } else if ((fault
              = esim_smdp_server_find_fault (self, ESIM_SMDP_FAULT_STALL_BODY, function, call))
             != NULL) {
    gsize size = soup_server_message_get_response_body (msg)->length;

    self->faults_injected++;
    /* fast up to the stall: it is not slowness that ends the transfer */
    esim_smdp_trickle (msg, G_MAXUINT32, fault->bytes > 0 ? fault->bytes : MAX (size / 2, 1));
  } else if (delay > 0) {
    esim_smdp_delay (msg, delay);
  }
  esim_smdp_server_finish (self, status);
}

/* refuse a too large body before reading it */
static void
esim_smdp_server_early_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                                GHashTable *query, gpointer user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_content_length (headers) > ESIM_SMDP_MAX_BODY)
    esim_smdp_set_plain (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too large\n");
}

EsimSmdpServer *
esim_smdp_server_new (EsimSmdpRsp *rsp, GTlsCertificate *certificate, GError **error)
{
  g_autoptr (EsimSmdpServer) self = g_object_new (ESIM_TYPE_SMDP_SERVER, NULL);

  self->rsp = g_object_ref (rsp);
  self->server
    = soup_server_new ("tls-certificate", certificate, "server-header", "esim-smdp ", NULL);
  if (self->server == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot create the server");
    return NULL;
  }
  soup_server_add_early_handler (self->server, NULL, esim_smdp_server_early_handler, self, NULL);
  soup_server_add_handler (self->server, NULL, esim_smdp_server_handler, self, NULL);
  return g_steal_pointer (&self);
}

gboolean
esim_smdp_server_listen (EsimSmdpServer *self, GInetAddress *address, guint16 port,
                         guint16 *bound_port, GError **error)
{
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (address, port);
  GSList *listeners;

  if (!soup_server_listen (self->server, addr, SOUP_SERVER_LISTEN_HTTPS, error))
    return FALSE;
  listeners = soup_server_get_listeners (self->server);
  *bound_port = port;
  if (listeners != NULL) {
    g_autoptr (GSocketAddress) local = g_socket_get_local_address (listeners->data, error);

    if (local == NULL) {
      g_slist_free (listeners);
      return FALSE;
    }
    *bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  }
  g_slist_free (listeners);
  esim_smdp_server_finish (self, 0);
  return TRUE;
}
