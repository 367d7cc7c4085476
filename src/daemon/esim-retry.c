/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "esim-retry.h"

guint
esim_retry_delay (guint attempts, guint first_seconds, guint max_seconds)
{
  guint64 delay = MAX (first_seconds, 1);

  /* doubling past the maximum stops early, so no overflow */
  for (guint i = 1; i < attempts && delay < max_seconds; i++)
    delay *= 2;
  return (guint) MIN (delay, (guint64) MAX (max_seconds, 1));
}

guint
esim_retry_jitter (guint delay, GRand *rand)
{
  guint low = MAX (delay / 2, 1);
  gdouble r = rand != NULL ? g_rand_double (rand) : g_random_double ();
  guint64 value;

  if (delay <= low)
    return low;
  /* uniform in [low, delay]; r < 1 */
  value = low + (guint64) (r * ((gdouble) (delay - low) + 1.0));
  return (guint) MIN (value, (guint64) delay);
}

void
esim_retry_failed_with_rand (EsimRetry *self, gint64 now, guint first_seconds, guint max_seconds,
                             GRand *rand)
{
  guint delay;

  if (self->attempts < G_MAXUINT)
    self->attempts++;
  delay = esim_retry_delay (self->attempts, first_seconds, max_seconds);
  self->next_due = now + esim_retry_jitter (delay, rand);
}

void
esim_retry_failed (EsimRetry *self, gint64 now, guint first_seconds, guint max_seconds)
{
  esim_retry_failed_with_rand (self, now, first_seconds, max_seconds, NULL);
}

void
esim_retry_succeeded (EsimRetry *self)
{
  self->attempts = 0;
  self->next_due = 0;
}

static gboolean
esim_retry_get_int (JsonObject *obj, const gchar *member, gint64 min, gint64 max, gint64 *value,
                    const gchar *path, GError **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < min || json_node_get_int (node) > max) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: “%s” missing or out of range", path,
                 member);
    return FALSE;
  }
  *value = json_node_get_int (node);
  return TRUE;
}

gboolean
esim_retry_load (EsimRetry *self, const gchar *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error_local = NULL;
  g_autofree gchar *data = NULL;
  gsize len = 0;
  JsonNode *root;
  gint64 attempts = 0;
  gint64 next_due = 0;

  esim_retry_succeeded (self);
  if (!g_file_get_contents (path, &data, &len, &error_local)) {
    if (g_error_matches (error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      return TRUE;
    g_propagate_error (error, g_steal_pointer (&error_local));
    return FALSE;
  }
  if (!json_parser_load_from_data (parser, data, len, &error_local)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: %s", path, error_local->message);
    return FALSE;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a JSON object", path);
    return FALSE;
  }
  if (!esim_retry_get_int (json_node_get_object (root), "attempts", 0, G_MAXUINT, &attempts, path,
                           error)
      || !esim_retry_get_int (json_node_get_object (root), "nextDue", 0, G_MAXINT64, &next_due,
                              path, error))
    return FALSE;
  self->attempts = (guint) attempts;
  self->next_due = next_due;
  return TRUE;
}

gboolean
esim_retry_save (const EsimRetry *self, const gchar *path, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;

  if (self->attempts == 0) {
    if (g_unlink (path) != 0 && errno != ENOENT) {
      gint saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "removing %s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
    return TRUE;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "attempts");
  json_builder_add_int_value (b, self->attempts);
  json_builder_set_member_name (b, "nextDue");
  json_builder_add_int_value (b, self->next_due);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}
