/*
 * Delivers an eUICC's pending notifications (install, enable, disable,
 * delete) to the servers they name, over ES9+ handleNotification, and
 * removes each from the card only after its server took it.
 *
 * The work comes in three steps so that a caller serializing card access
 * (the daemon's queue) holds the card only for the card steps, never while
 * a server is slow to answer:
 *
 *   retrieve (card)  ->  deliver (network only)  ->  remove (card)
 *
 * run does the three in a row.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-es10.h"
#include "esim-es9p.h"

G_BEGIN_DECLS

#define ESIM_TYPE_NOTIFICATION_SENDER (esim_notification_sender_get_type ())
G_DECLARE_FINAL_TYPE (EsimNotificationSender, esim_notification_sender, ESIM, NOTIFICATION_SENDER,
                      GObject)

EsimNotificationSender *esim_notification_sender_new (EsimEs10 *es10, EsimHttp *http);

/* one pass over everything pending; a server that fails leaves its
 * notifications on the card for the next pass */
void esim_notification_sender_run_async (EsimNotificationSender *self, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
/* FALSE only when the card could not be read; delivery failures are counted */
gboolean esim_notification_sender_run_finish (EsimNotificationSender *self, GAsyncResult *result,
                                              guint *delivered, guint *failed, GError **error);

/* card step: every pending notification, of EsimPendingNotification; an
 * empty array when there is none */
void esim_notification_sender_retrieve_async (EsimNotificationSender *self,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *esim_notification_sender_retrieve_finish (EsimNotificationSender *self,
                                                     GAsyncResult *result, GError **error);

/* network step, no card access: sends each of pending (as retrieved) to
 * its server; returns the sequence numbers (guint64) the servers
 * acknowledged, failed counts the others; FALSE only when cancelled */
void esim_notification_sender_deliver_async (EsimNotificationSender *self, GPtrArray *pending,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
GArray *esim_notification_sender_deliver_finish (EsimNotificationSender *self, GAsyncResult *result,
                                                 guint *failed, GError **error);

/* card step: removes the acknowledged notifications (seq_numbers, of
 * guint64, as deliver returned them); one already gone (nothingToDelete,
 * after a memory reset for example) counts as removed, any other card
 * error only leaves it for a duplicate delivery, which servers accept;
 * FALSE only when cancelled between two removals */
void esim_notification_sender_remove_async (EsimNotificationSender *self, GArray *seq_numbers,
                                            GCancellable *cancellable, GAsyncReadyCallback callback,
                                            gpointer user_data);
gboolean esim_notification_sender_remove_finish (EsimNotificationSender *self, GAsyncResult *result,
                                                 GError **error);

G_END_DECLS
