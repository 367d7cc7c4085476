/*
 * A transport from its textual name, as configuration files and esimctl
 * write it: KIND:DEVICE[@SLOT], for example
 *   socket:/run/esim-sim.sock      a simulated eUICC
 *   qmi:/dev/cdc-wdm0@1            QMI through qmi-proxy, SIM slot 1
 *   qrtr:0                         QMI over QRTR, node 0
 *   mbim:/dev/cdc-wdm0             MBIM through mbim-proxy
 *   at:/dev/ttyUSB2                AT commands on a serial port
 *   pcsc:Reader Name               a PC/SC reader (pcsc: alone: the first)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-transport.h"

G_BEGIN_DECLS

EsimTransport *esim_transport_new_from_spec (const gchar *spec, GError **error);
/* the kinds this build supports, e.g. { "socket", "qmi", NULL } */
const gchar *const *esim_transport_get_kinds (void);

G_END_DECLS
