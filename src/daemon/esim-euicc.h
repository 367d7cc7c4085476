/*
 * One eUICC on D-Bus, org.freedesktop.Esim1.Euicc at
 * /org/freedesktop/Esim1/Euicc/N: its transport and ES10 client, its
 * operation queue, its profile objects (cached, refreshed after every
 * change), its jobs and its notifier.
 *
 * Every operation goes through esim_euicc_run_async(): wait for the turn in
 * the queue, open the ISD-R channel when needed, do the work, re-read the
 * card when the work changed it, release the queue, then let the notifier
 * send what the change left pending.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-context.h"
#include "esim-es10.h"
#include "esim-es10-download.h"
#include "esim-transport.h"

G_BEGIN_DECLS

#define ESIM_TYPE_EUICC (esim_euicc_get_type ())
G_DECLARE_FINAL_TYPE (EsimEuicc, esim_euicc, ESIM, EUICC, GObject)

typedef enum {
  ESIM_EUICC_RUN_NONE = 0,
  ESIM_EUICC_RUN_REFRESH = 1 << 0, /* re-read profiles, addresses, memory, notifications */
  ESIM_EUICC_RUN_NOTIFY = 1 << 1,  /* then deliver the notifications the change made */
  /* the work switches profiles: wait for the card's refresh (esim-refresh-wait.h)
   * after a successful work, before re-reading the card */
  ESIM_EUICC_RUN_WAIT_REFRESH = 1 << 2,
} EsimEuiccRunFlags;

/* the work of one operation, run while it holds the card: it ends task
 * with g_task_return_boolean() or an error; g_task_get_task_data() is the
 * data given to esim_euicc_run_async() */
typedef void (*EsimEuiccWorkFunc) (EsimEuicc *self, GTask *task);

EsimEuicc *esim_euicc_new (EsimContext *context, const gchar *name, EsimTransport *transport,
                           GBytes *isdr_aid);

const gchar *esim_euicc_get_name (EsimEuicc *self);
const gchar *esim_euicc_get_object_path (EsimEuicc *self);
/* NULL until probed */
const gchar *esim_euicc_get_eid (EsimEuicc *self);
gboolean esim_euicc_is_exported (EsimEuicc *self);
EsimContext *esim_euicc_get_context (EsimEuicc *self);
EsimEs10 *esim_euicc_get_es10 (EsimEuicc *self);
/* the profiles as the card listed them at the last refresh, of
 * EsimProfileInfo, hidden test profiles included */
GPtrArray *esim_euicc_get_profile_infos (EsimEuicc *self);
EsimTransport *esim_euicc_get_transport (EsimEuicc *self);

/* the ModemManager modem (object path) and its SIM slot (1-based) this
 * eUICC is in; NULL and 0 for none (the Modem property is then "/") */
/* Label: a name for people (modem manufacturer and model); NULL: the
 * configuration's name */
void esim_euicc_set_label (EsimEuicc *self, const gchar *label);

void esim_euicc_set_modem (EsimEuicc *self, const gchar *modem_path, guint sim_slot);
const gchar *esim_euicc_get_modem (EsimEuicc *self);
/* ModemManager saw the modem's SIM change: emits ::sim-changed, which ends
 * a wait for the card's refresh */
void esim_euicc_sim_changed (EsimEuicc *self);
/* what downloads tell the SM-DP+ about the device: the modem's TAC and
 * IMEI when set, NULL for a generic host */
void esim_euicc_set_device_info (EsimEuicc *self, const EsimDeviceInfo *device);
void esim_euicc_get_device_info (EsimEuicc *self, EsimDeviceInfo *device);

void esim_euicc_run_async (EsimEuicc *self, EsimEuiccWorkFunc work, gpointer work_data,
                           GDestroyNotify work_data_free, EsimEuiccRunFlags flags,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
gboolean esim_euicc_run_finish (EsimEuicc *self, GAsyncResult *result, GError **error);
/* the work_data of a finished run */
gpointer esim_euicc_run_get_data (GAsyncResult *result);

/* reads the EID and everything else, then exports the object; again
 * when already exported: a refresh */
void esim_euicc_probe_async (EsimEuicc *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_euicc_probe_finish (EsimEuicc *self, GAsyncResult *result, GError **error);

/* the exported profile object with this ICCID, or NULL */
const gchar *esim_euicc_find_profile_path (EsimEuicc *self, const gchar *iccid);

/* the eUICC and its profiles leave the bus (the modem went away) */
void esim_euicc_unexport (EsimEuicc *self);

/* refuses new operations, cancels jobs and waits for the running
 * operation to end */
void esim_euicc_shutdown_async (EsimEuicc *self, GAsyncReadyCallback callback, gpointer user_data);
void esim_euicc_shutdown_finish (EsimEuicc *self, GAsyncResult *result);

G_END_DECLS
