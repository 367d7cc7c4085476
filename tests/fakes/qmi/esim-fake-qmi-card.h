/*
 * The card inside the fake QMI modem: the simulated eUICC behind its unix
 * socket (framing of esim-transport-socket.h), one APDU exchange at a
 * time. A card that hung up is dialled again on the next exchange (a
 * restarted simulator is a re-inserted card).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ESIM_TYPE_FAKE_QMI_CARD (esim_fake_qmi_card_get_type ())
G_DECLARE_FINAL_TYPE (EsimFakeQmiCard, esim_fake_qmi_card, ESIM, FAKE_QMI_CARD, GObject)

EsimFakeQmiCard *esim_fake_qmi_card_new (const gchar *socket_path);
void esim_fake_qmi_card_exchange_async (EsimFakeQmiCard *self, GBytes *apdu,
                                        GAsyncReadyCallback callback, gpointer user_data);
/* the response data and SW1 SW2; NULL with an error when the card is gone */
GBytes *esim_fake_qmi_card_exchange_finish (EsimFakeQmiCard *self, GAsyncResult *result,
                                            GError **error);

G_END_DECLS
