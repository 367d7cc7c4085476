/*
 * esimctl output: aligned tables and fields for people, JSON for scripts,
 * and the progress of a download on stderr.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* JSON: pretty-printed on stdout */
void esimctl_json_print (JsonBuilder *builder);
/* JSON: one line, flushed (esimctl monitor) */
void esimctl_json_print_line (JsonBuilder *builder);
/* value NULL gives null */
void esimctl_json_add_string (JsonBuilder *b, const gchar *name, const gchar *value);
/* value NULL or "" gives null: for properties where "" means "none" */
void esimctl_json_add_optional (JsonBuilder *b, const gchar *name, const gchar *value);
void esimctl_json_add_int (JsonBuilder *b, const gchar *name, gint64 value);
void esimctl_json_add_bool (JsonBuilder *b, const gchar *name, gboolean value);
void esimctl_json_add_strv (JsonBuilder *b, const gchar *name, const gchar *const *values);

/* a table of text columns, each as wide as its widest cell */
typedef struct _EsimCtlTable EsimCtlTable;

EsimCtlTable *esimctl_table_new (const gchar *first_header, ...) G_GNUC_NULL_TERMINATED;
/* one cell per column; NULL cells print empty */
void esimctl_table_add_row (EsimCtlTable *self, const gchar *first_cell, ...);
void esimctl_table_print (EsimCtlTable *self);
void esimctl_table_free (EsimCtlTable *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimCtlTable, esimctl_table_free)

/* "Label:  value" lines with the values aligned */
typedef struct _EsimCtlFields EsimCtlFields;

EsimCtlFields *esimctl_fields_new (void);
void esimctl_fields_add (EsimCtlFields *self, const gchar *label, const gchar *value);
void esimctl_fields_add_printf (EsimCtlFields *self, const gchar *label, const gchar *format, ...)
  G_GNUC_PRINTF (3, 4);
void esimctl_fields_print (EsimCtlFields *self);
void esimctl_fields_free (EsimCtlFields *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimCtlFields, esimctl_fields_free)

/* the words of the daemon and library, translated for people */
/* the outcome of delivering notifications, as text or JSON; FALSE with an
 * error when some were left for later */
gboolean esimctl_report_delivery (gboolean json, guint delivered, guint failed, GError **error);

const gchar *esimctl_stage_label (const gchar *stage);
const gchar *esimctl_state_label (const gchar *state);
const gchar *esimctl_class_label (const gchar *profile_class);

/* download progress on stderr: a bar redrawn in place on a terminal, one
 * line per stage otherwise */
typedef struct _EsimCtlProgress EsimCtlProgress;

EsimCtlProgress *esimctl_progress_new (void);
void esimctl_progress_update (EsimCtlProgress *self, gdouble fraction, const gchar *stage);
void esimctl_progress_message (EsimCtlProgress *self, const gchar *message);
/* leaves the terminal on a fresh line */
void esimctl_progress_free (EsimCtlProgress *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimCtlProgress, esimctl_progress_free)

/* the width in terminal cells of UTF-8 text (wide and combining characters) */
gsize esimctl_text_width (const gchar *text);

G_END_DECLS
