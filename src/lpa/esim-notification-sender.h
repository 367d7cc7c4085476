/*
 * Delivers an eUICC's pending notifications (install, enable, disable,
 * delete) to the servers they name, over ES9+ handleNotification, and
 * removes each from the card only after its server took it.
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

EsimNotificationSender *esim_notification_sender_new (EsimEs10 *es10,
                                                      EsimHttp *http);

/* one pass over everything pending; a server that fails leaves its
 * notifications on the card for the next pass */
void esim_notification_sender_run_async (EsimNotificationSender *self,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
/* FALSE only when the card could not be read; delivery failures are counted */
gboolean esim_notification_sender_run_finish (EsimNotificationSender *self,
                                              GAsyncResult *result,
                                              guint *delivered,
                                              guint *failed,
                                              GError **error);

G_END_DECLS
