/*
 * EsimEuicc: one eUICC known to esimd (org.freedesktop.Esim1.Euicc), its
 * profiles, and the operations on the card.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBESIM_H_INSIDE__) && !defined(LIBESIM_COMPILATION)
#error "Only <esim.h> can be included directly."
#endif

#include <gio/gio.h>

#include "esim-discovered-profile.h"
#include "esim-job.h"
#include "esim-profile.h"

G_BEGIN_DECLS

/**
 * EsimInstallFlags:
 * @ESIM_INSTALL_FLAGS_NONE: install only
 * @ESIM_INSTALL_FLAGS_ENABLE: enable the profile once installed
 * @ESIM_INSTALL_FLAGS_CONFIRM: ask for consent before the download: once
 *   the SM-DP+ named the profile, the job waits in stage
 *   "awaiting-confirmation" with #EsimJob:profile-metadata until
 *   esim_job_confirm_async() or esim_job_decline_async()
 *
 * Options of esim_euicc_install_profile_async().
 */
typedef enum /*< flags >*/ {
  ESIM_INSTALL_FLAGS_NONE = 0,
  ESIM_INSTALL_FLAGS_ENABLE = 1 << 0,
  ESIM_INSTALL_FLAGS_CONFIRM = 1 << 1,
} EsimInstallFlags;

/**
 * EsimResetFlags:
 * @ESIM_RESET_FLAGS_NONE: nothing
 * @ESIM_RESET_FLAGS_OPERATIONAL: delete the operational profiles
 * @ESIM_RESET_FLAGS_TEST: delete the field-loaded test profiles
 * @ESIM_RESET_FLAGS_DEFAULT_SMDP: reset the default SM-DP+ address
 *
 * What esim_euicc_reset_memory_async() resets (SGP.22 eUICCMemoryReset).
 */
typedef enum /*< flags >*/ {
  ESIM_RESET_FLAGS_NONE = 0,
  ESIM_RESET_FLAGS_OPERATIONAL = 1 << 0,
  ESIM_RESET_FLAGS_TEST = 1 << 1,
  ESIM_RESET_FLAGS_DEFAULT_SMDP = 1 << 2,
} EsimResetFlags;

/**
 * ESIM_TYPE_EUICC:
 *
 * The #GType of #EsimEuicc.
 */
#define ESIM_TYPE_EUICC (esim_euicc_get_type ())
G_DECLARE_FINAL_TYPE (EsimEuicc, esim_euicc, ESIM, EUICC, GObject)

const gchar *esim_euicc_get_object_path (EsimEuicc *self);
GDBusProxy *esim_euicc_get_proxy (EsimEuicc *self);
const gchar *esim_euicc_get_eid (EsimEuicc *self);
const gchar *esim_euicc_get_transport (EsimEuicc *self);
const gchar *esim_euicc_get_device (EsimEuicc *self);
const gchar *esim_euicc_get_modem (EsimEuicc *self);
guint esim_euicc_get_sim_slot (EsimEuicc *self);
const gchar *esim_euicc_get_sgp22_version (EsimEuicc *self);
const gchar *esim_euicc_get_profile_version (EsimEuicc *self);
const gchar *esim_euicc_get_firmware_version (EsimEuicc *self);
guint64 esim_euicc_get_free_memory (EsimEuicc *self);
const gchar *const *esim_euicc_get_ci_key_ids (EsimEuicc *self);
const gchar *esim_euicc_get_default_smdp_address (EsimEuicc *self);
const gchar *esim_euicc_get_root_smds_address (EsimEuicc *self);
guint esim_euicc_get_pending_notifications (EsimEuicc *self);
const gchar *esim_euicc_get_label (EsimEuicc *self);
gboolean esim_euicc_get_busy (EsimEuicc *self);
EsimJob *esim_euicc_get_current_job (EsimEuicc *self);
GPtrArray *esim_euicc_get_profiles (EsimEuicc *self);
EsimProfile *esim_euicc_find_profile (EsimEuicc *self, const gchar *iccid);
EsimProfile *esim_euicc_get_enabled_profile (EsimEuicc *self);

void esim_euicc_install_profile_async (EsimEuicc *self, const gchar *activation_code,
                                       const gchar *confirmation_code, EsimInstallFlags flags,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
EsimJob *esim_euicc_install_profile_finish (EsimEuicc *self, GAsyncResult *res, GError **error);
void esim_euicc_discover_async (EsimEuicc *self, const gchar *smds_address,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
GPtrArray *esim_euicc_discover_finish (EsimEuicc *self, GAsyncResult *res, GError **error);
void esim_euicc_set_default_smdp_address_async (EsimEuicc *self, const gchar *address,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_euicc_set_default_smdp_address_finish (EsimEuicc *self, GAsyncResult *res,
                                                     GError **error);
void esim_euicc_process_notifications_async (EsimEuicc *self, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_euicc_process_notifications_finish (EsimEuicc *self, GAsyncResult *res,
                                                  guint *delivered, guint *failed, GError **error);
void esim_euicc_reset_memory_async (EsimEuicc *self, EsimResetFlags what, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_euicc_reset_memory_finish (EsimEuicc *self, GAsyncResult *res, GError **error);

G_END_DECLS
