/*
 * The three QMI UIM messages of the logical-channel APDU pipe, for the QMI
 * transport only. libqmi gained helpers for them in 1.36; with an older
 * libqmi (Debian 12 ships 1.32) the requests are built and the responses
 * parsed with the public TLV API. Both produce the same bytes on the wire
 * (data/qmi-service-uim.json in libqmi):
 *
 *   0x003B Send APDU             in: 0x01 slot (u8), 0x02 APDU (u16-length
 *                                    array), 0x10 channel (u8)
 *                                out: 0x10 response APDU (u16-length array)
 *   0x003F Logical Channel       in: 0x01 slot (u8), 0x11 channel to close (u8)
 *   0x0042 Open Logical Channel  in: 0x01 slot (u8), 0x10 AID (u8-length array)
 *                                out: 0x10 channel (u8), 0x11 card result
 *                                    (SW1, SW2), 0x12 select response
 *                                    (u8-length array)
 *
 * Every response carries the standard result TLV 0x02. Errors come back
 * in the QMI_CORE_ERROR and QMI_PROTOCOL_ERROR domains; the transport maps
 * them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libqmi-glib.h>

G_BEGIN_DECLS

#define ESIM_QMI_UIM_SEND_APDU 0x003B
#define ESIM_QMI_UIM_LOGICAL_CHANNEL 0x003F
#define ESIM_QMI_UIM_OPEN_LOGICAL_CHANNEL 0x0042

void esim_qmi_uim_open_channel_async (QmiClientUim *client, guint8 slot, GBytes *aid, guint timeout,
                                      GAsyncReadyCallback callback, gpointer user_data);
/* card_sw: the card's status word for the SELECT, or -1 when the modem
 * gave none; set on success and on failure */
gboolean esim_qmi_uim_open_channel_finish (QmiClientUim *client, GAsyncResult *result,
                                           guint8 *channel, GBytes **select_response, gint *card_sw,
                                           GError **error);

/* channel 0 sends on the basic channel (no channel TLV) */
void esim_qmi_uim_send_apdu_async (QmiClientUim *client, guint8 slot, guint8 channel, GBytes *apdu,
                                   guint timeout, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
GBytes *esim_qmi_uim_send_apdu_finish (QmiClientUim *client, GAsyncResult *result, GError **error);

void esim_qmi_uim_close_channel_async (QmiClientUim *client, guint8 slot, guint8 channel,
                                       guint timeout, GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean esim_qmi_uim_close_channel_finish (QmiClientUim *client, GAsyncResult *result,
                                            GError **error);

G_END_DECLS
