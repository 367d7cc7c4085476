/*
 * The transport the card suites run over. The same ES10 and download
 * tests run over every transport: $ESIM_TEST_TRANSPORT names it ("socket"
 * when unset; "qmi", "mbim", "at", "pcsc" reach the simulated eUICC
 * through a fake modem or a virtual reader that speaks the real protocol).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-test-sim.h"
#include "esim-transport.h"

G_BEGIN_DECLS

const gchar *esim_test_transport_kind (void);

/* a transport to the simulated eUICC; whatever fake modem or reader it
 * needs is started here and stopped when the transport is finalized */
EsimTransport *esim_test_transport_new (EsimTestSim *sim, GError **error);

G_END_DECLS
