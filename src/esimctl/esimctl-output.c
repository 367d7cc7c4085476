/*
 * esimctl output: tables, fields, JSON and download progress.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "esimctl.h"
#include "esimctl-output.h"

static void
esimctl_json_print_full (JsonBuilder *builder, gboolean pretty)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree gchar *text = NULL;

  json_generator_set_pretty (gen, pretty);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

void
esimctl_json_print (JsonBuilder *builder)
{
  esimctl_json_print_full (builder, TRUE);
}

void
esimctl_json_print_line (JsonBuilder *builder)
{
  esimctl_json_print_full (builder, FALSE);
  /* a reader at the other end of a pipe sees each event at once */
  fflush (stdout);
}

void
esimctl_json_add_string (JsonBuilder *b, const gchar *name, const gchar *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
esimctl_json_add_optional (JsonBuilder *b, const gchar *name, const gchar *value)
{
  esimctl_json_add_string (b, name, value != NULL && *value != '\0' ? value : NULL);
}

void
esimctl_json_add_int (JsonBuilder *b, const gchar *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

void
esimctl_json_add_bool (JsonBuilder *b, const gchar *name, gboolean value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

void
esimctl_json_add_strv (JsonBuilder *b, const gchar *name, const gchar *const *values)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (b, values[i]);
  json_builder_end_array (b);
}

gsize
esimctl_text_width (const gchar *text)
{
  gsize width = 0;

  if (text == NULL)
    return 0;
  /* invalid UTF-8 from a card is counted byte by byte */
  if (!g_utf8_validate (text, -1, NULL))
    return strlen (text);
  for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (g_unichar_iszerowidth (c))
      continue;
    width += g_unichar_iswide (c) ? 2 : 1;
  }
  return width;
}

static void
esimctl_print_padded (const gchar *text, gsize width)
{
  gsize have = esimctl_text_width (text);

  g_print ("%s", text != NULL ? text : "");
  for (gsize i = have; i < width; i++)
    g_print (" ");
}

struct _EsimCtlTable {
  guint n_columns;
  GPtrArray *rows; /* of GStrv; the first is the header */
};

static void
esimctl_table_add_valist (EsimCtlTable *self, const gchar *first, va_list ap)
{
  gchar **row = g_new0 (gchar *, self->n_columns + 1);

  row[0] = g_strdup (first != NULL ? first : "");
  for (guint i = 1; i < self->n_columns; i++) {
    const gchar *cell = va_arg (ap, const gchar *);
    row[i] = g_strdup (cell != NULL ? cell : "");
  }
  g_ptr_array_add (self->rows, row);
}

EsimCtlTable *
esimctl_table_new (const gchar *first_header, ...)
{
  EsimCtlTable *self = g_new0 (EsimCtlTable, 1);
  va_list ap;

  /* count the headers first: the row length is fixed by them */
  self->n_columns = 1;
  va_start (ap, first_header);
  while (va_arg (ap, const gchar *) != NULL)
    self->n_columns++;
  va_end (ap);

  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  va_start (ap, first_header);
  esimctl_table_add_valist (self, first_header, ap);
  va_end (ap);
  return self;
}

void
esimctl_table_add_row (EsimCtlTable *self, const gchar *first_cell, ...)
{
  va_list ap;

  va_start (ap, first_cell);
  esimctl_table_add_valist (self, first_cell, ap);
  va_end (ap);
}

void
esimctl_table_print (EsimCtlTable *self)
{
  g_autofree gsize *widths = g_new0 (gsize, self->n_columns);

  for (guint r = 0; r < self->rows->len; r++) {
    gchar **row = g_ptr_array_index (self->rows, r);
    for (guint c = 0; c < self->n_columns; c++)
      widths[c] = MAX (widths[c], esimctl_text_width (row[c]));
  }
  for (guint r = 0; r < self->rows->len; r++) {
    gchar **row = g_ptr_array_index (self->rows, r);
    g_autoptr (GString) line = g_string_new (NULL);
    for (guint c = 0; c < self->n_columns; c++) {
      g_string_append (line, row[c]);
      for (gsize i = esimctl_text_width (row[c]); c + 1 < self->n_columns && i < widths[c] + 2; i++)
        g_string_append_c (line, ' ');
    }
    /* no trailing blanks when the last cells are empty */
    while (line->len > 0 && line->str[line->len - 1] == ' ')
      g_string_truncate (line, line->len - 1);
    g_print ("%s\n", line->str);
  }
}

void
esimctl_table_free (EsimCtlTable *self)
{
  g_ptr_array_unref (self->rows);
  g_free (self);
}

struct _EsimCtlFields {
  GPtrArray *labels;
  GPtrArray *values;
};

EsimCtlFields *
esimctl_fields_new (void)
{
  EsimCtlFields *self = g_new0 (EsimCtlFields, 1);

  self->labels = g_ptr_array_new_with_free_func (g_free);
  self->values = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
esimctl_fields_add (EsimCtlFields *self, const gchar *label, const gchar *value)
{
  g_ptr_array_add (self->labels, g_strdup_printf ("%s:", label));
  g_ptr_array_add (self->values, g_strdup (value != NULL ? value : ""));
}

void
esimctl_fields_add_printf (EsimCtlFields *self, const gchar *label, const gchar *format, ...)
{
  g_autofree gchar *value = NULL;
  va_list ap;

  va_start (ap, format);
  value = g_strdup_vprintf (format, ap);
  va_end (ap);
  esimctl_fields_add (self, label, value);
}

void
esimctl_fields_print (EsimCtlFields *self)
{
  gsize width = 0;

  for (guint i = 0; i < self->labels->len; i++)
    width = MAX (width, esimctl_text_width (g_ptr_array_index (self->labels, i)));
  for (guint i = 0; i < self->labels->len; i++) {
    esimctl_print_padded (g_ptr_array_index (self->labels, i), width + 1);
    g_print ("%s\n", (const gchar *) g_ptr_array_index (self->values, i));
  }
}

void
esimctl_fields_free (EsimCtlFields *self)
{
  g_ptr_array_unref (self->labels);
  g_ptr_array_unref (self->values);
  g_free (self);
}

static const gchar *
esimctl_lookup_label (const gchar *const (*table)[2], gsize n, const gchar *word)
{
  if (word == NULL)
    return "";
  for (gsize i = 0; i < n; i++) {
    if (g_str_equal (table[i][0], word))
      return _ (table[i][1]);
  }
  /* a word a newer daemon uses: better shown raw than hidden */
  return word;
}

const gchar *
esimctl_stage_label (const gchar *stage)
{
  static const gchar *const stages[][2] = {
    { "idle", N_ ("Starting") },
    { "queued", N_ ("Waiting for the eUICC") },
    { "authenticating", N_ ("Authenticating") },
    { "preparing", N_ ("Preparing the profile") },
    { "installing", N_ ("Installing") },
    { "notifying", N_ ("Notifying the SM-DP+") },
    { "awaiting-confirmation", N_ ("Waiting for confirmation") },
    { "cancelling", N_ ("Cancelling") },
    { "succeeded", N_ ("Done") },
    { "failed", N_ ("Failed") },
    { "cancelled", N_ ("Cancelled") },
  };
  return esimctl_lookup_label (stages, G_N_ELEMENTS (stages), stage);
}

const gchar *
esimctl_state_label (const gchar *state)
{
  static const gchar *const states[][2] = {
    /* TRANSLATORS: the state of a profile */
    { "enabled", N_ ("enabled") },
    /* TRANSLATORS: the state of a profile */
    { "disabled", N_ ("disabled") },
  };
  return esimctl_lookup_label (states, G_N_ELEMENTS (states), state);
}

const gchar *
esimctl_class_label (const gchar *profile_class)
{
  static const gchar *const classes[][2] = {
    /* TRANSLATORS: the class of a profile (SGP.22 ProfileClass) */
    { "test", N_ ("test") },
    /* TRANSLATORS: the class of a profile (SGP.22 ProfileClass) */
    { "provisioning", N_ ("provisioning") },
    /* TRANSLATORS: the class of a profile (SGP.22 ProfileClass) */
    { "operational", N_ ("operational") },
  };
  return esimctl_lookup_label (classes, G_N_ELEMENTS (classes), profile_class);
}

#define ESIMCTL_BAR_WIDTH 30

struct _EsimCtlProgress {
  gboolean tty;
  gboolean utf8;  /* block characters, or # and - in other charsets */
  gboolean drawn; /* a bar is on the current line */
  gchar *last_stage;
};

EsimCtlProgress *
esimctl_progress_new (void)
{
  EsimCtlProgress *self = g_new0 (EsimCtlProgress, 1);
  const gchar *term = g_getenv ("TERM");

  /* a dumb terminal cannot redraw a line in place */
  self->tty = isatty (STDERR_FILENO) && g_strcmp0 (term, "dumb") != 0;
  self->utf8 = g_get_charset (NULL);
  return self;
}

void
esimctl_progress_update (EsimCtlProgress *self, gdouble fraction, const gchar *stage)
{
  const gchar *label = esimctl_stage_label (stage);
  guint filled;
  g_autoptr (GString) bar = g_string_new (NULL);

  fraction = CLAMP (fraction, 0.0, 1.0);
  if (!self->tty) {
    /* logs and pipes get one line per stage, not a line per percent */
    if (g_strcmp0 (self->last_stage, stage) == 0)
      return;
    g_free (self->last_stage);
    self->last_stage = g_strdup (stage);
    g_printerr ("%s\n", label);
    return;
  }
  filled = (guint) (fraction * ESIMCTL_BAR_WIDTH + 0.5);
  for (guint i = 0; i < ESIMCTL_BAR_WIDTH; i++) {
    if (self->utf8)
      g_string_append (bar, i < filled ? "█" : "░");
    else
      g_string_append_c (bar, i < filled ? '#' : '-');
  }
  /* \r and erase-line redraw the bar in place */
  g_printerr ("\r\033[K%s %3.0f%%  %s", bar->str, fraction * 100.0, label);
  self->drawn = TRUE;
}

void
esimctl_progress_message (EsimCtlProgress *self, const gchar *message)
{
  if (self->drawn) {
    g_printerr ("\n");
    self->drawn = FALSE;
  }
  g_printerr ("%s\n", message);
}

void
esimctl_progress_free (EsimCtlProgress *self)
{
  if (self->drawn)
    g_printerr ("\n");
  g_free (self->last_stage);
  g_free (self);
}

gboolean
esimctl_report_delivery (gboolean json, guint delivered, guint failed, GError **error)
{
  /* with --json a failure is the error object alone */
  if (json && failed == 0) {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    json_builder_begin_object (b);
    esimctl_json_add_bool (b, "success", TRUE);
    esimctl_json_add_int (b, "delivered", delivered);
    esimctl_json_add_int (b, "failed", failed);
    json_builder_end_object (b);
    esimctl_json_print (b);
  } else if (!json) {
    g_print (_ ("%u notifications delivered, %u left for later.\n"), delivered, failed);
  }
  if (failed > 0) {
    g_set_error (error, ESIMCTL_ERROR, ESIMCTL_EXIT_FAILED,
                 g_dngettext (GETTEXT_PACKAGE, "%u notification could not be delivered",
                              "%u notifications could not be delivered", failed),
                 failed);
    return FALSE;
  }
  return TRUE;
}
