/*
 * Delivers an eUICC's pending notifications (EsimNotificationSender, which
 * removes each from the card only after its server acknowledged it) after
 * every change, once at startup, and again with exponential back-off while
 * some fail. A pass holds the eUICC's queue only for the card: a short
 * queued operation reads the notifications, the servers get them with the
 * queue free, and another short one removes the acknowledged ones. The
 * back-off (EsimRetry) is kept per EID in the state directory,
 * notify-<EID>.json, so that a restart continues it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-euicc.h"

G_BEGIN_DECLS

#define ESIM_TYPE_NOTIFIER (esim_notifier_get_type ())
G_DECLARE_FINAL_TYPE (EsimNotifier, esim_notifier, ESIM, NOTIFIER, GObject)

/* euicc is not referenced: it owns the notifier */
EsimNotifier *esim_notifier_new (EsimEuicc *euicc);

/* loads the back-off of the probed eUICC and schedules the first pass:
 * at once, or when a persisted back-off says */
void esim_notifier_start (EsimNotifier *self);
/* the card changed: a pass soon, keeping the back-off count */
void esim_notifier_kick (EsimNotifier *self);
/* a pass now (ProcessNotifications) */
void esim_notifier_process_async (EsimNotifier *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_notifier_process_finish (EsimNotifier *self, GAsyncResult *result, guint *delivered,
                                       guint *failed, GError **error);
/* no more passes; a running one is cancelled between notifications */
void esim_notifier_stop (EsimNotifier *self);
/* completes once no pass runs: a pass waits for its servers outside the
 * eUICC's queue, so draining the queue does not wait for it */
void esim_notifier_drain_async (EsimNotifier *self, GAsyncReadyCallback callback,
                                gpointer user_data);
void esim_notifier_drain_finish (EsimNotifier *self, GAsyncResult *result);

G_END_DECLS
