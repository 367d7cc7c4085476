/*
 * The daemon on the bus: owns org.freedesktop.Esim1 (failing clearly when
 * another process has it, unless told to replace it), exports the object
 * manager at /org/freedesktop/Esim1 with the Manager interface, and keeps
 * the eUICCs of the configuration (ModemManager's modems later).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-context.h"

G_BEGIN_DECLS

#define ESIM_TYPE_MANAGER (esim_manager_get_type ())
G_DECLARE_FINAL_TYPE (EsimManager, esim_manager, ESIM, MANAGER, GObject)

EsimManager *esim_manager_new (EsimContext *context, GDBusConnection *connection);

/* exports the objects and makes an eUICC of each configured one; with
 * replace, takes the name from whoever has it at once */
gboolean esim_manager_start (EsimManager *self, gboolean replace, GError **error);
/* probes every eUICC (in parallel), then owns the name if not yet */
void esim_manager_probe_async (EsimManager *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_manager_probe_finish (EsimManager *self, GAsyncResult *result, GError **error);

/* a summary for sd_notify STATUS= */
gchar *esim_manager_get_status (EsimManager *self);

/* every eUICC finishes its current operation (a download is cancelled
 * first); completes after at most timeout_seconds anyway */
void esim_manager_shutdown_async (EsimManager *self, guint timeout_seconds,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_manager_shutdown_finish (EsimManager *self, GAsyncResult *result, GError **error);

G_END_DECLS
