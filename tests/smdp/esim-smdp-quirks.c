/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "esim-smdp-error.h"
#include "esim-smdp-quirks.h"

static const struct {
  const gchar *name;
  EsimSmdpQuirk flag;
} quirk_names[] = {
  { "wrap-base64", ESIM_SMDP_QUIRK_WRAP_BASE64 },
  { "unpadded-base64", ESIM_SMDP_QUIRK_UNPADDED_BASE64 },
  { "lowercase-transaction-id", ESIM_SMDP_QUIRK_LOWERCASE_TXID },
  { "empty-200-notification", ESIM_SMDP_QUIRK_EMPTY_200_NOTIFICATION },
  { "es11-on-es9plus-path", ESIM_SMDP_QUIRK_ES11_ON_ES9PLUS_PATH },
  { "reject-uppercase-host", ESIM_SMDP_QUIRK_REJECT_UPPERCASE_HOST },
  { "json-charset", ESIM_SMDP_QUIRK_JSON_CHARSET },
  { "event-without-id", ESIM_SMDP_QUIRK_EVENT_WITHOUT_ID },
};

/* the binary members of every answer */
static const gchar *const base64_members[] = { "serverSigned1",       "serverSignature1",
                                               "euiccCiPKIdToBeUsed", "serverCertificate",
                                               "profileMetadata",     "smdpSigned2",
                                               "smdpSignature2",      "smdpCertificate",
                                               "boundProfilePackage", NULL };

gboolean
esim_smdp_quirks_add (EsimSmdpQuirks *self, const gchar *spec, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (spec, ":", 2);

  for (guint i = 0; i < G_N_ELEMENTS (quirk_names); i++) {
    if (!g_str_equal (parts[0], quirk_names[i].name))
      continue;
    if (quirk_names[i].flag == ESIM_SMDP_QUIRK_WRAP_BASE64) {
      self->wrap_columns = 64;
      if (parts[1] != NULL && g_str_equal (parts[1], "76"))
        self->wrap_columns = 76;
      else if (parts[1] != NULL && !g_str_equal (parts[1], "64"))
        break;
    } else if (parts[1] != NULL) {
      break;
    }
    self->flags |= quirk_names[i].flag;
    return TRUE;
  }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad quirk “%s”", spec);
  return FALSE;
}

const gchar *
esim_smdp_quirks_map_interface (const EsimSmdpQuirks *self, const gchar *interface,
                                const gchar *function)
{
  if (!(self->flags & ESIM_SMDP_QUIRK_ES11_ON_ES9PLUS_PATH))
    return interface;
  /* an SM-DS that serves its two functions under the ES9+ paths only */
  if (g_str_equal (interface, "es9plus")
      && (g_str_equal (function, "initiateAuthentication")
          || g_str_equal (function, "authenticateClient")))
    return "es11";
  return NULL;
}

static gboolean
esim_smdp_has_upper (const gchar *text)
{
  for (const gchar *p = text; p != NULL && *p != '\0'; p++) {
    if (g_ascii_isupper (*p))
      return TRUE;
  }
  return FALSE;
}

guint
esim_smdp_quirks_refuse_request (const EsimSmdpQuirks *self, const gchar *host, JsonObject *request)
{
  JsonNode *node;

  if (!(self->flags & ESIM_SMDP_QUIRK_REJECT_UPPERCASE_HOST))
    return 0;
  if (esim_smdp_has_upper (host))
    return 400;
  node = request != NULL ? json_object_get_member (request, "smdpAddress") : NULL;
  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING
      && esim_smdp_has_upper (json_node_get_string (node)))
    return 400;
  return 0;
}

gboolean
esim_smdp_quirks_check_request (const EsimSmdpQuirks *self, JsonObject *request, GError **error)
{
  JsonNode *node = json_object_get_member (request, "transactionId");

  if (!(self->flags & ESIM_SMDP_QUIRK_LOWERCASE_TXID) || node == NULL
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return TRUE;
  /* the server sent lower-case hex and compares the echo as a string */
  if (!esim_smdp_has_upper (json_node_get_string (node)))
    return TRUE;
  g_set_error_literal (error, ESIM_SMDP_ERROR, ESIM_SMDP_ERROR_UNKNOWN_TRANSACTION,
                       "unknown transactionId (not the one sent)");
  return FALSE;
}

static gchar *
esim_smdp_wrap (const gchar *text, guint columns)
{
  GString *out = g_string_new (NULL);
  gsize len = strlen (text);

  for (gsize i = 0; i < len; i += columns) {
    if (i > 0)
      g_string_append (out, "\r\n");
    g_string_append_len (out, text + i, (gssize) MIN (columns, len - i));
  }
  return g_string_free (out, FALSE);
}

void
esim_smdp_quirks_apply (const EsimSmdpQuirks *self, const gchar *function, JsonObject *response)
{
  JsonNode *node;

  for (guint i = 0; base64_members[i] != NULL; i++) {
    g_autofree gchar *text = NULL;

    node = json_object_get_member (response, base64_members[i]);
    if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
      continue;
    text = g_strdup (json_node_get_string (node));
    if (self->flags & ESIM_SMDP_QUIRK_UNPADDED_BASE64) {
      gchar *pad = strchr (text, '=');

      if (pad != NULL)
        *pad = '\0';
    }
    if (self->flags & ESIM_SMDP_QUIRK_WRAP_BASE64) {
      gchar *wrapped = esim_smdp_wrap (text, self->wrap_columns);

      g_free (text);
      text = wrapped;
    }
    json_object_set_string_member (response, base64_members[i], text);
  }
  node = json_object_get_member (response, "transactionId");
  if ((self->flags & ESIM_SMDP_QUIRK_LOWERCASE_TXID) && node != NULL
      && json_node_get_value_type (node) == G_TYPE_STRING) {
    g_autofree gchar *lower = g_ascii_strdown (json_node_get_string (node), -1);

    json_object_set_string_member (response, "transactionId", lower);
  }
  node = json_object_get_member (response, "eventEntries");
  if ((self->flags & ESIM_SMDP_QUIRK_EVENT_WITHOUT_ID) && node != NULL
      && JSON_NODE_HOLDS_ARRAY (node) && g_str_equal (function, "authenticateClient")) {
    JsonArray *entries = json_node_get_array (node);
    JsonObject *entry = json_object_new ();
    JsonArray *rebuilt = json_array_new ();

    /* first, so that a client giving up on it loses the real ones */
    json_object_set_string_member (entry, "rspServerAddress", "smdp.example.com");
    json_array_add_object_element (rebuilt, entry);
    for (guint i = 0; i < json_array_get_length (entries); i++)
      json_array_add_element (rebuilt, json_node_copy (json_array_get_element (entries, i)));
    json_object_set_array_member (response, "eventEntries", rebuilt);
  }
}

const gchar *
esim_smdp_quirks_content_type (const EsimSmdpQuirks *self)
{
  if (self->flags & ESIM_SMDP_QUIRK_JSON_CHARSET)
    return "application/json;charset=UTF-8";
  return "application/json";
}
