/*
 * The eUICCs in the modems ModemManager knows (libmm-glib): the watcher
 * follows org.freedesktop.ModemManager1 on the system bus, also across its
 * restarts (the objects go with the old process and come back with the new
 * one). For each modem it takes the QMI port (else the MBIM port, else
 * the AT port) and the active SIM slot, and looks for an eUICC there: a
 * probe opens the ISD-R and reads the EID (a plain SIM has no ISD-R and is
 * skipped); ModemManager's Sim.Eid, when it reports one, is checked
 * against it. A found eUICC names its modem and slot (Modem, SimSlot) and
 * gets the modem's TAC and IMEI for downloads.
 *
 * A modem port that a static [euicc:NAME] of the configuration names too
 * is left to that eUICC (the configuration wins); it is only tied to the
 * modem.
 *
 * The watcher creates the EsimEuicc objects and hands them over:
 *   ::euicc-added   (EsimEuicc) probed and exported
 *   ::euicc-removed (EsimEuicc) its modem went away: the receiver lets the
 *                   running operation finish, unexports it and closes its
 *                   transport
 * and tells an eUICC about its modem's SIM changes (esim_euicc_sim_changed()).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "esim-context.h"
#include "esim-es10-download.h"

G_BEGIN_DECLS

#define ESIM_TYPE_MODEM_WATCHER (esim_modem_watcher_get_type ())
G_DECLARE_FINAL_TYPE (EsimModemWatcher, esim_modem_watcher, ESIM, MODEM_WATCHER, GObject)

/* static_euiccs: the eUICCs of the configuration (EsimEuicc), referenced */
EsimModemWatcher *esim_modem_watcher_new (EsimContext *context, GDBusConnection *connection,
                                          GPtrArray *static_euiccs);
/* connects to ModemManager in the background; without it only the
 * static eUICCs exist until it appears */
void esim_modem_watcher_start (EsimModemWatcher *self);
/* leaves ModemManager alone: no more signals */
void esim_modem_watcher_stop (EsimModemWatcher *self);

/* the TAC (and IMEI when it is one) from ModemManager's equipment
 * identifier; FALSE when it has no TAC (an ESN or MEID) */
gboolean esim_modem_watcher_device_info_from_imei (const gchar *equipment_id,
                                                   EsimDeviceInfo *device);
/* the releases of the radios of ModemManager's MMModemCapability bits */
void esim_modem_watcher_device_info_set_capabilities (EsimDeviceInfo *device, guint capabilities);

G_END_DECLS
