/*
 * One profile download, SGP.22 from the activation code to the installed
 * profile: eUICC authentication with the SM-DP+, binding, installation of
 * the bound profile package, and the installation notification. On any
 * failure after the session began, the session is cancelled on the eUICC
 * and at the SM-DP+, so no half-installed profile stays.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-es10-download.h"
#include "esim-es9p.h"
#include "esim-lpa-error.h"

G_BEGIN_DECLS

typedef enum {
  ESIM_DOWNLOAD_STAGE_IDLE,
  ESIM_DOWNLOAD_STAGE_AUTHENTICATING, /* eUICC and SM-DP+ prove who they are */
  ESIM_DOWNLOAD_STAGE_PREPARING,      /* binding: key agreement, the package is made */
  ESIM_DOWNLOAD_STAGE_INSTALLING,     /* the package goes to the eUICC */
  ESIM_DOWNLOAD_STAGE_NOTIFYING,      /* the SM-DP+ learns the result */
  ESIM_DOWNLOAD_STAGE_CANCELLING,     /* cleaning up after a failure */
  ESIM_DOWNLOAD_STAGE_DONE,
} EsimDownloadStage;

const gchar *esim_download_stage_to_string (EsimDownloadStage stage);

#define ESIM_TYPE_DOWNLOAD (esim_download_get_type ())
G_DECLARE_FINAL_TYPE (EsimDownload, esim_download, ESIM, DOWNLOAD, GObject)

/* smdp_address NULL: use the eUICC's default SM-DP+ (then matching_id is
 * usually NULL too) */
EsimDownload *esim_download_new (EsimEs10 *es10, EsimHttp *http, const gchar *smdp_address,
                                 const gchar *matching_id);
void esim_download_set_confirmation_code (EsimDownload *self, const gchar *code);
void esim_download_set_device_info (EsimDownload *self, const EsimDeviceInfo *device);

EsimDownloadStage esim_download_get_stage (EsimDownload *self);
/* 0..1, monotonic while the download runs */
gdouble esim_download_get_progress (EsimDownload *self);
/* the StoreMetadata the SM-DP+ sent (name, provider, ICCID), or NULL */
GBytes *esim_download_get_profile_metadata (EsimDownload *self);

/* hold: once the SM-DP+ named the profile (AuthenticateClient answered
 * with the profile metadata) the download emits ::authenticated and waits,
 * before PrepareDownload, for esim_download_resume() or
 * esim_download_abort(); cancelling it while it waits cancels the session
 * with reason postponed */
void esim_download_set_hold (EsimDownload *self, gboolean hold);
/* the SM-DP+ asks for a confirmation code (smdpSigned2), known once
 * authenticated */
gboolean esim_download_get_confirmation_code_required (EsimDownload *self);
void esim_download_resume (EsimDownload *self);
/* ends a held download: the session is cancelled on the card and at the
 * SM-DP+ with reason; the download fails with error (taken) */
void esim_download_abort (EsimDownload *self, EsimCancelSessionReason reason, GError *error);

void esim_download_run_async (EsimDownload *self, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
EsimInstallResult *esim_download_run_finish (EsimDownload *self, GAsyncResult *result,
                                             GError **error);

/* a TAC a real device could have, sent when no modem tells its own */
#define ESIM_DEVICE_DEFAULT_TAC "35290611"

/* a sensible DeviceInfo for a Linux host without a modem to ask: the
 * default TAC, no IMEI, E-UTRAN release 15 */
void esim_device_info_init_default (EsimDeviceInfo *device);
/* tac: 8 decimal digits, coded as TS 24.008 BCD */
gboolean esim_device_info_set_tac (EsimDeviceInfo *device, const gchar *tac, GError **error);
/* TAC and, for a 15-digit IMEI, the IMEI from an equipment identifier;
 * FALSE (device untouched) for one that is not an IMEI or IMEISV */
gboolean esim_device_info_set_equipment_id (EsimDeviceInfo *device, const gchar *equipment_id);
/* the releases of the radios the device has */
void esim_device_info_set_releases (EsimDeviceInfo *device, gboolean gsm_umts, gboolean lte);

G_END_DECLS
