/*
 * The "qmi" and "qrtr" transports: the eUICC of a Qualcomm modem through
 * the QMI UIM service (libqmi).
 *
 * "qmi": DEVICE is a QMI control port (/dev/cdc-wdm0), opened through
 * qmi-proxy so that ModemManager keeps its own clients on the same port.
 * "qrtr": DEVICE is the number of a QRTR node (Qualcomm SoCs), reached
 * without a proxy; it needs libqmi and libqrtr-glib built with QRTR.
 *
 * Logical channels are opened by the modem (UIM Open Logical Channel with
 * the AID: the modem sends MANAGE CHANNEL and SELECT itself), APDUs go
 * through UIM Send APDU on that channel, and every channel opened is
 * closed again (UIM Logical Channel) by close_channel, close or dispose:
 * modems refuse new channels after a few leaked ones.
 *
 * SLOT is the physical SIM slot; 0 picks the active one from UIM Get Slot
 * Status (slot 1 when the modem does not know that message).
 *
 * Signal "card-refreshed": the modem reported that the card restarted (UIM
 * Refresh indication, stage end-with-success) or that its slot changed
 * (UIM Slot Status indication), e.g. after a profile switch.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-transport.h"

G_BEGIN_DECLS

#define ESIM_TYPE_TRANSPORT_QMI (esim_transport_qmi_get_type ())
G_DECLARE_FINAL_TYPE (EsimTransportQmi, esim_transport_qmi, ESIM, TRANSPORT_QMI, EsimTransport)

/* kind: "qmi" or "qrtr"; device: a /dev node, or the QRTR node number */
EsimTransport *esim_transport_qmi_new (const gchar *kind, const gchar *device, guint slot);

/* the abstract unix socket of the qmi-proxy to use instead of libqmi's
 * "qmi-proxy" (a proxy that owns the port elsewhere, or a test modem);
 * the device node is then not checked locally. Before open only. */
void esim_transport_qmi_set_proxy_path (EsimTransportQmi *self, const gchar *proxy_path);

/* after open: the physical slot in use and the UIM slot it is reached by */
guint esim_transport_qmi_get_slot (EsimTransportQmi *self);
guint esim_transport_qmi_get_logical_slot (EsimTransportQmi *self);
/* after open, from Get Slot Status when the modem reports them: the EID
 * (32 digits, or NULL) and whether the card in the slot is an eUICC */
const gchar *esim_transport_qmi_get_eid (EsimTransportQmi *self);
gboolean esim_transport_qmi_get_is_euicc (EsimTransportQmi *self);
/* logical channels this transport opened and has not closed yet */
guint esim_transport_qmi_get_open_channel_count (EsimTransportQmi *self);

G_END_DECLS
