/*
 * EsimProfile: one profile on an eUICC (org.freedesktop.Esim1.Profile).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBESIM_H_INSIDE__) && !defined(LIBESIM_COMPILATION)
#error "Only <esim.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ESIM_TYPE_PROFILE:
 *
 * The #GType of #EsimProfile.
 */
#define ESIM_TYPE_PROFILE (esim_profile_get_type ())
G_DECLARE_FINAL_TYPE (EsimProfile, esim_profile, ESIM, PROFILE, GObject)

const gchar *esim_profile_get_object_path (EsimProfile *self);
GDBusProxy *esim_profile_get_proxy (EsimProfile *self);
const gchar *esim_profile_get_euicc_path (EsimProfile *self);
const gchar *esim_profile_get_iccid (EsimProfile *self);
const gchar *esim_profile_get_isdp_aid (EsimProfile *self);
const gchar *esim_profile_get_state (EsimProfile *self);
gboolean esim_profile_get_enabled (EsimProfile *self);
const gchar *esim_profile_get_name (EsimProfile *self);
const gchar *esim_profile_get_service_provider (EsimProfile *self);
const gchar *esim_profile_get_nickname (EsimProfile *self);
const gchar *esim_profile_get_profile_class (EsimProfile *self);
const gchar *const *esim_profile_get_policy_rules (EsimProfile *self);
const gchar *esim_profile_get_operator_id (EsimProfile *self);
const gchar *esim_profile_get_icon_type (EsimProfile *self);
GBytes *esim_profile_get_icon (EsimProfile *self);

void esim_profile_enable_async (EsimProfile *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_profile_enable_finish (EsimProfile *self, GAsyncResult *res, GError **error);
void esim_profile_disable_async (EsimProfile *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_profile_disable_finish (EsimProfile *self, GAsyncResult *res, GError **error);
void esim_profile_delete_async (EsimProfile *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_profile_delete_finish (EsimProfile *self, GAsyncResult *res, GError **error);
void esim_profile_set_nickname_async (EsimProfile *self, const gchar *nickname,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean esim_profile_set_nickname_finish (EsimProfile *self, GAsyncResult *res, GError **error);

G_END_DECLS
