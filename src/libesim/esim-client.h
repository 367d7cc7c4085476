/*
 * EsimClient: the connection to esimd (org.freedesktop.Esim1), its eUICCs,
 * profiles and jobs, kept up to date from the daemon's object manager.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBESIM_H_INSIDE__) && !defined(LIBESIM_COMPILATION)
#error "Only <esim.h> can be included directly."
#endif

#include <gio/gio.h>

#include "esim-euicc.h"
#include "esim-job.h"
#include "esim-profile.h"

G_BEGIN_DECLS

/**
 * ESIM_TYPE_CLIENT:
 *
 * The #GType of #EsimClient.
 */
#define ESIM_TYPE_CLIENT (esim_client_get_type ())
G_DECLARE_FINAL_TYPE (EsimClient, esim_client, ESIM, CLIENT, GObject)

void esim_client_new (GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void esim_client_new_for_connection (GDBusConnection *connection, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
void esim_client_new_for_address (const gchar *address, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
EsimClient *esim_client_new_finish (GAsyncResult *res, GError **error);
EsimClient *esim_client_new_sync (GCancellable *cancellable, GError **error);
EsimClient *esim_client_new_for_connection_sync (GDBusConnection *connection,
                                                 GCancellable *cancellable, GError **error);

GDBusConnection *esim_client_get_connection (EsimClient *self);
GDBusObjectManager *esim_client_get_object_manager (EsimClient *self);
GDBusProxy *esim_client_get_manager_proxy (EsimClient *self);
gchar *esim_client_dup_name_owner (EsimClient *self);
const gchar *esim_client_get_version (EsimClient *self);
gboolean esim_client_get_test_mode (EsimClient *self);
gboolean esim_client_get_allow_interactive_authorization (EsimClient *self);
void esim_client_set_allow_interactive_authorization (EsimClient *self, gboolean allow);

GPtrArray *esim_client_get_euiccs (EsimClient *self);
GPtrArray *esim_client_get_profiles (EsimClient *self);
GPtrArray *esim_client_get_jobs (EsimClient *self);
EsimEuicc *esim_client_get_euicc_by_path (EsimClient *self, const gchar *path);
EsimEuicc *esim_client_find_euicc (EsimClient *self, const gchar *eid);
EsimProfile *esim_client_get_profile_by_path (EsimClient *self, const gchar *path);
EsimProfile *esim_client_find_profile (EsimClient *self, const gchar *iccid);
EsimJob *esim_client_get_job_by_path (EsimClient *self, const gchar *path);

void esim_client_ping_async (EsimClient *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_client_ping_finish (EsimClient *self, GAsyncResult *res, GError **error);
void esim_client_rescan_async (EsimClient *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_client_rescan_finish (EsimClient *self, GAsyncResult *res, GError **error);
void esim_client_set_test_mode_async (EsimClient *self, gboolean enabled, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_client_set_test_mode_finish (EsimClient *self, GAsyncResult *res, GError **error);
void esim_client_parse_activation_code_async (EsimClient *self, const gchar *activation_code,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
GVariant *esim_client_parse_activation_code_finish (EsimClient *self, GAsyncResult *res,
                                                    GError **error);

G_END_DECLS
