/*
 * EsimJob: a long operation of esimd (org.freedesktop.Esim1.Job), e.g. a
 * profile download, with its stage, progress and outcome.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBESIM_H_INSIDE__) && !defined(LIBESIM_COMPILATION)
#error "Only <esim.h> can be included directly."
#endif

#include <gio/gio.h>

#include "esim-profile.h"

G_BEGIN_DECLS

/**
 * ESIM_TYPE_JOB:
 *
 * The #GType of #EsimJob.
 */
#define ESIM_TYPE_JOB (esim_job_get_type ())

/**
 * EsimDeclineFlags:
 * @ESIM_DECLINE_FLAGS_NONE: "not now": the download is postponed (SGP.22
 *   reason postponed) and the order stays usable at the SM-DP+, so the
 *   same activation code works again later
 * @ESIM_DECLINE_FLAGS_REJECT: refuse the profile for good (SGP.22 reason
 *   endUserRejection): the SM-DP+ may end the order
 *
 * Options of esim_job_decline_async().
 */
typedef enum /*< flags >*/ {
  ESIM_DECLINE_FLAGS_NONE = 0,
  ESIM_DECLINE_FLAGS_REJECT = 1 << 0,
} EsimDeclineFlags;

G_DECLARE_FINAL_TYPE (EsimJob, esim_job, ESIM, JOB, GObject)

const gchar *esim_job_get_object_path (EsimJob *self);
GDBusProxy *esim_job_get_proxy (EsimJob *self);
const gchar *esim_job_get_operation (EsimJob *self);
const gchar *esim_job_get_euicc_path (EsimJob *self);
const gchar *esim_job_get_stage (EsimJob *self);
gdouble esim_job_get_progress (EsimJob *self);
guint esim_job_get_started_by_uid (EsimJob *self);
gboolean esim_job_get_finished (EsimJob *self);
const gchar *esim_job_get_result (EsimJob *self);
EsimProfile *esim_job_get_result_profile (EsimJob *self);
gboolean esim_job_get_success (EsimJob *self);
const GError *esim_job_get_error (EsimJob *self);
GVariant *esim_job_get_profile_metadata (EsimJob *self);
gboolean esim_job_get_awaiting_confirmation (EsimJob *self);

void esim_job_cancel_async (EsimJob *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
gboolean esim_job_cancel_finish (EsimJob *self, GAsyncResult *res, GError **error);
void esim_job_confirm_async (EsimJob *self, const gchar *confirmation_code,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean esim_job_confirm_finish (EsimJob *self, GAsyncResult *res, GError **error);
void esim_job_decline_async (EsimJob *self, EsimDeclineFlags flags, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_job_decline_finish (EsimJob *self, GAsyncResult *res, GError **error);
void esim_job_wait_async (EsimJob *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
gboolean esim_job_wait_finish (EsimJob *self, GAsyncResult *res, GError **error);

G_END_DECLS
