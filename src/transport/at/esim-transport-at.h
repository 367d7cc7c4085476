/*
 * The "at" transport: the eUICC behind a modem's AT command port (a tty).
 *
 * Logical channels with AT+CCHO="<AID>" (session id), AT+CGLA=<sid>,<len>,
 * "<APDU>" and AT+CCHC=<sid> (3GPP TS 27.007). A modem without AT+CCHO
 * (AT+CCHO=? or AT+CCHO itself answering ERROR or +CME ERROR: 4) is driven
 * with AT+CSIM: MANAGE CHANNEL and SELECT by AID as APDUs, then the
 * commands on the channel's class byte. A modem with neither fails open()
 * with ESIM_TRANSPORT_ERROR_NO_CHANNEL.
 *
 * Timeouts (milliseconds, properties): "command-timeout" for the short
 * commands (default 10 s), "apdu-timeout" for AT+CGLA/AT+CSIM (default
 * 120 s, as STORE DATA during a profile installation takes long).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-transport.h"

G_BEGIN_DECLS

#define ESIM_TYPE_TRANSPORT_AT (esim_transport_at_get_type ())
G_DECLARE_FINAL_TYPE (EsimTransportAt, esim_transport_at, ESIM, TRANSPORT_AT, EsimTransport)

EsimTransport *esim_transport_at_new (const gchar *device);

/* what open() found: "ccho" (AT+CCHO/AT+CGLA) or "csim"; NULL before */
const gchar *esim_transport_at_get_method (EsimTransportAt *self);

G_END_DECLS
