/*
 * The "pcsc" transport: a card in a PC/SC reader, through pcsc-lite.
 *
 * The reader is chosen by its exact name, or is the first reader that
 * holds a card. The card is connected in shared mode with T=0 or T=1,
 * whichever the card and reader agree on. Logical channels are opened with
 * MANAGE CHANNEL and SELECT; the transport returns raw response APDUs
 * (61xx and 6Cxx are for the caller).
 *
 * PC/SC calls block, so each operation runs in a worker thread while the
 * main loop goes on; a card or reader that disappears fails the operation
 * with ESIM_TRANSPORT_ERROR_GONE and emits ::gone.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-transport.h"

G_BEGIN_DECLS

#define ESIM_TYPE_TRANSPORT_PCSC (esim_transport_pcsc_get_type ())
G_DECLARE_FINAL_TYPE (EsimTransportPcsc, esim_transport_pcsc, ESIM, TRANSPORT_PCSC, EsimTransport)

/* reader: the exact reader name, or NULL for the first reader with a card */
EsimTransport *esim_transport_pcsc_new (const gchar *reader);

/* what open() found: the reader in use, the protocol (0 for T=0, 1 for
 * T=1) and the answer to reset; NULL and -1 while not connected */
gchar *esim_transport_pcsc_dup_reader (EsimTransportPcsc *self);
gint esim_transport_pcsc_get_protocol (EsimTransportPcsc *self);
GBytes *esim_transport_pcsc_dup_atr (EsimTransportPcsc *self);

G_END_DECLS
