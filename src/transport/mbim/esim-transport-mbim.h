/*
 * The "mbim" transport: the eUICC of an MBIM modem through the MS UICC Low
 * Level Access service (Open Channel, APDU, Close Channel) of libmbim.
 *
 * The device is opened through mbim-proxy so that ModemManager keeps its
 * own session. The "proxy" property turns that off (a test fake on a pty,
 * or a system without mbim-proxy); its default comes from the environment
 * variable ESIM_MBIM_PROXY ("0" for a direct open, anything else or unset
 * for the proxy), so `esimctl --card mbim:/dev/pts/N` works against a fake.
 *
 * Slot 0 is the slot the modem has mapped; slot N (1-based) is mapped with
 * MS Basic Connect Extensions Device Slot Mappings when it is not the
 * current one, and the original mapping is restored on close.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-transport.h"

G_BEGIN_DECLS

#define ESIM_TYPE_TRANSPORT_MBIM (esim_transport_mbim_get_type ())
G_DECLARE_FINAL_TYPE (EsimTransportMbim, esim_transport_mbim, ESIM, TRANSPORT_MBIM, EsimTransport)

EsimTransport *esim_transport_mbim_new (const gchar *device, guint slot);

G_END_DECLS
