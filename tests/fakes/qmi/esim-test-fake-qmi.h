/*
 * The card suites over QMI: a fake QMI modem (esim-fake-qmi-modem.h) in
 * front of the simulated eUICC, and the real QMI transport talking to it
 * through libqmi as if the fake were qmi-proxy.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-fake-qmi-modem.h"
#include "esim-test-sim.h"
#include "esim-transport.h"

G_BEGIN_DECLS

/* kind: "qmi" (QRTR needs AF_QIPCRTR in the kernel and cannot be faked
 * from user space: "qrtr" fails with G_IO_ERROR_NOT_SUPPORTED). The
 * fake modem lives as long as the transport. */
EsimTransport *esim_test_fake_qmi_transport_new (EsimTestSim *sim, const gchar *kind,
                                                 GError **error);
/* the fake behind a transport made above, for knobs and counters */
EsimFakeQmiModem *esim_test_fake_qmi_get_modem (EsimTransport *transport);

G_END_DECLS
