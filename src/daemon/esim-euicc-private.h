/*
 * Shared between the files of EsimEuicc: the core (esim-euicc.c), the
 * refresh (esim-euicc-refresh.c), the downloads and discovery
 * (esim-euicc-install.c) and the other methods (esim-euicc-methods.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-dbus-generated.h"
#include "esim-euicc.h"
#include "esim-job.h"
#include "esim-notifier.h"

G_BEGIN_DECLS

EsimDbusEuicc *esim_euicc_get_iface (EsimEuicc *self);
EsimNotifier *esim_euicc_get_notifier (EsimEuicc *self);

/* CurrentJob; NULL for "/" */
void esim_euicc_set_current_job (EsimEuicc *self, const gchar *job_path);
/* the work made no profile switch after all: no wait for a refresh */
void esim_euicc_cancel_refresh_wait (EsimEuicc *self);

/* keeps the job until it expired; cancelled at shutdown */
void esim_euicc_add_job (EsimEuicc *self, EsimJob *job);

/* the exported profile object with this ISD-P AID, or NULL */
const gchar *esim_euicc_find_profile_path_by_aid (EsimEuicc *self, GBytes *isdp_aid);

gboolean esim_euicc_handle_install_profile (EsimDbusEuicc *iface, GDBusMethodInvocation *invocation,
                                            const gchar *activation_code,
                                            const gchar *confirmation_code, GVariant *options,
                                            gpointer user_data);
gboolean esim_euicc_handle_discover (EsimDbusEuicc *iface, GDBusMethodInvocation *invocation,
                                     const gchar *smds_address, gpointer user_data);

/* takes infos (of EsimProfileInfo, as the card listed them) and makes the
 * profile objects follow them */
void esim_euicc_set_profile_infos (EsimEuicc *self, GPtrArray *infos);
/* sends the pending PropertiesChanged of the eUICC and its profiles */
void esim_euicc_flush (EsimEuicc *self);

/* esim-euicc-refresh.c: re-reads the card, while the caller holds it */
void esim_euicc_refresh_async (EsimEuicc *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_euicc_refresh_finish (EsimEuicc *self, GAsyncResult *result, GError **error);

/* esim-euicc-methods.c */
gboolean esim_euicc_handle_set_default_smdp_address (EsimDbusEuicc *iface,
                                                     GDBusMethodInvocation *invocation,
                                                     const gchar *address, gpointer user_data);
gboolean esim_euicc_handle_reset_memory (EsimDbusEuicc *iface, GDBusMethodInvocation *invocation,
                                         const gchar *const *what, gpointer user_data);
gboolean esim_euicc_handle_process_notifications (EsimDbusEuicc *iface,
                                                  GDBusMethodInvocation *invocation,
                                                  gpointer user_data);

G_END_DECLS
