/*
 * The wait after a profile switch: a card that enables or disables a
 * profile restarts (the modem refreshes it), and until it is ready again
 * neither the daemon nor ModemManager can use it. Instead of a fixed sleep
 * the wait ends at the first of
 *   - the transport's ::refreshed: the modem's own indication (QMI UIM
 *     Refresh / Slot Status, MBIM Slot Info Status, AT +CPIN: READY),
 *   - ::sim-changed of the eUICC: ModemManager saw the modem's SIM change,
 *   - the timeout (RefreshTimeoutSeconds).
 *
 * It is armed before the switch is sent to the card: a modem may send its
 * indication right behind the card's answer, before the answer reached
 * the daemon's callback.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "esim-transport.h"

G_BEGIN_DECLS

#define ESIM_TYPE_REFRESH_WAIT (esim_refresh_wait_get_type ())
G_DECLARE_FINAL_TYPE (EsimRefreshWait, esim_refresh_wait, ESIM, REFRESH_WAIT, GObject)

/* what ended the wait */
typedef enum {
  ESIM_REFRESH_WAIT_REFRESHED,   /* the modem's indication */
  ESIM_REFRESH_WAIT_SIM_CHANGED, /* ModemManager's SIM change */
  ESIM_REFRESH_WAIT_TIMED_OUT,
  ESIM_REFRESH_WAIT_GONE,    /* the transport went away: nothing to wait for */
  ESIM_REFRESH_WAIT_STOPPED, /* esim_refresh_wait_stop(): the daemon is leaving */
} EsimRefreshWaitResult;

/* sim_source: an object with a "sim-changed" signal (the eUICC), or NULL;
 * listens from now on */
EsimRefreshWait *esim_refresh_wait_new (EsimTransport *transport, GObject *sim_source);

/* ends at once when a sign arrived already since esim_refresh_wait_new() */
void esim_refresh_wait_async (EsimRefreshWait *self, guint timeout_seconds,
                              GAsyncReadyCallback callback, gpointer user_data);
EsimRefreshWaitResult esim_refresh_wait_finish (EsimRefreshWait *self, GAsyncResult *result);

/* ends the wait now, with ESIM_REFRESH_WAIT_STOPPED */
void esim_refresh_wait_stop (EsimRefreshWait *self);

/* seconds from esim_refresh_wait_async() to its end, for the log */
gdouble esim_refresh_wait_get_elapsed (EsimRefreshWait *self);

G_END_DECLS
