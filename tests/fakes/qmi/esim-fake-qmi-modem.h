/*
 * A fake QMI modem that libqmi reaches as if it were qmi-proxy: it listens
 * on an abstract unix socket of its own name (QmiDevice's
 * "device-proxy-path", so it never competes with a real qmi-proxy) and
 * speaks QMUX there, in the test process's main loop:
 *
 *   CTL  0xFF00 internal proxy open, 0x0021 Get Version Info, 0x0022
 *        Allocate CID, 0x0023 Release CID, 0x0027 Sync
 *   UIM  0x002E Register Events, 0x0047 Get Slot Status, 0x0042 Open
 *        Logical Channel, 0x003B Send APDU, 0x003F Logical Channel (close);
 *        indications 0x0033 Refresh and 0x0048 Slot Status after a
 *        successful ES10c EnableProfile or DisableProfile passes through
 *
 * The eUICC is the simulated one behind its unix socket (framing of
 * esim-transport-socket.h). Like a real modem, the fake sends MANAGE
 * CHANNEL and SELECT (and GET RESPONSE) to the card itself when asked to
 * open a logical channel, refuses more than a few open channels, and keeps
 * the channels a client forgot to close.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ESIM_TYPE_FAKE_QMI_MODEM (esim_fake_qmi_modem_get_type ())
G_DECLARE_FINAL_TYPE (EsimFakeQmiModem, esim_fake_qmi_modem, ESIM, FAKE_QMI_MODEM, GObject)

EsimFakeQmiModem *esim_fake_qmi_modem_new (const gchar *sim_socket);
gboolean esim_fake_qmi_modem_start (EsimFakeQmiModem *self, GError **error);
/* hang up on every client and stop listening: the modem was unplugged */
void esim_fake_qmi_modem_stop (EsimFakeQmiModem *self);

/* takes the caller's reference: stop listening, and go once the clients
 * have hung up (they close their channels first, as they should) */
void esim_fake_qmi_modem_retire (EsimFakeQmiModem *self);

/* the abstract socket name for QmiDevice:device-proxy-path */
const gchar *esim_fake_qmi_modem_get_proxy_path (EsimFakeQmiModem *self);
/* the control port it pretends to be (it does not exist) */
const gchar *esim_fake_qmi_modem_get_device_path (EsimFakeQmiModem *self);

/* knobs */
/* at most this many logical channels open at once (default 3) */
void esim_fake_qmi_modem_set_channel_limit (EsimFakeQmiModem *self, guint limit);
/* n_slots physical slots (default 1); the eUICC sits in sim_slot, and
 * active_slot is the one mapped to UIM slot 1 */
void esim_fake_qmi_modem_set_slots (EsimFakeQmiModem *self, guint n_slots, guint sim_slot,
                                    guint active_slot);
/* the EID the modem reports in Get Slot Status (32 hex digits), or NULL */
void esim_fake_qmi_modem_set_eid (EsimFakeQmiModem *self, const gchar *eid);
/* FALSE: answer Get Slot Status like a modem that does not know it */
void esim_fake_qmi_modem_set_slot_status_supported (EsimFakeQmiModem *self, gboolean supported);
/* the nth next UIM request with this message ID fails with this QMI error */
void esim_fake_qmi_modem_fail_request (EsimFakeQmiModem *self, guint16 message_id, guint nth,
                                       guint16 qmi_error);
/* FALSE: no Refresh / Slot Status indications after a profile switch
 * (default TRUE) */
void esim_fake_qmi_modem_set_send_indications (EsimFakeQmiModem *self, gboolean send);
/* answer every UIM request this many milliseconds late */
void esim_fake_qmi_modem_set_delay (EsimFakeQmiModem *self, guint delay_ms);

/* what the tests look at */
guint esim_fake_qmi_modem_get_open_channels (EsimFakeQmiModem *self);
guint esim_fake_qmi_modem_get_client_count (EsimFakeQmiModem *self);
guint esim_fake_qmi_modem_get_indication_count (EsimFakeQmiModem *self);
guint esim_fake_qmi_modem_get_request_count (EsimFakeQmiModem *self, guint16 message_id);

G_END_DECLS
