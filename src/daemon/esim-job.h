/*
 * A long operation on D-Bus, org.freedesktop.Esim1.Job at
 * /org/freedesktop/Esim1/Job/N: stage and progress (followed from an
 * EsimDownload), Cancel() for the user who started it (or who may start
 * such jobs), a Completed signal once, and removal from the bus
 * JobLingerSeconds after the end. Progress is coalesced to at most ten
 * PropertiesChanged a second; stage changes and the end always go out.
 * A download with "confirm" waits in awaiting-confirmation for Confirm()
 * or Decline() of the connection that started it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-context.h"
#include "esim-download.h"

G_BEGIN_DECLS

#define ESIM_JOB_OPERATION_INSTALL_PROFILE "install-profile"

#define ESIM_TYPE_JOB (esim_job_get_type ())
G_DECLARE_FINAL_TYPE (EsimJob, esim_job, ESIM, JOB, GObject)

/* exported at once, in stage "queued"; action_id is what Cancel() asks
 * polkit for when another user calls it */
EsimJob *esim_job_new (EsimContext *context, const gchar *operation, const gchar *action_id,
                       const gchar *euicc_path, guint started_by_uid);

const gchar *esim_job_get_object_path (EsimJob *self);
/* cancelled by Cancel() and at shutdown */
GCancellable *esim_job_get_cancellable (EsimJob *self);
gboolean esim_job_is_finished (EsimJob *self);

void esim_job_set_stage (EsimJob *self, const gchar *stage);
/* never goes back */
void esim_job_set_progress (EsimJob *self, gdouble progress);
/* stage and progress from the download's notifications */
void esim_job_follow_download (EsimJob *self, EsimDownload *download);

/* what became of a download waiting for consent */
typedef enum {
  ESIM_JOB_CONSENT_CONFIRMED,
  ESIM_JOB_CONSENT_DECLINED,    /* Decline(): postponed, the order stays */
  ESIM_JOB_CONSENT_REJECTED,    /* Decline() with "reject": endUserRejection */
  ESIM_JOB_CONSENT_CALLER_GONE, /* the starter left the bus: postponed */
  ESIM_JOB_CONSENT_TIMED_OUT,   /* ConfirmationTimeoutSeconds: postponed */
} EsimJobConsent;

/* confirmation_code: from Confirm()'s options, NULL when none */
typedef void (*EsimJobConsentFunc) (EsimJob *job, EsimJobConsent consent,
                                    const gchar *confirmation_code, gpointer user_data);

/* the unique bus name of the caller of InstallProfile: only it may
 * Confirm() or Decline(); its leaving postpones a waiting download */
void esim_job_set_starter (EsimJob *self, const gchar *unique_name);
/* stage awaiting-confirmation with the profile's metadata (a{sv}, floating
 * or not); func is called once, unless the job is cancelled or completed
 * first */
void esim_job_await_consent (EsimJob *self, GVariant *metadata, EsimJobConsentFunc func,
                             gpointer user_data);

/* error NULL for success; result_path NULL for "/"; emits Completed,
 * then ::expired after the linger time, when the job leaves the bus */
void esim_job_complete (EsimJob *self, const gchar *result_path, const GError *error);

void esim_job_cancel (EsimJob *self);

G_END_DECLS
