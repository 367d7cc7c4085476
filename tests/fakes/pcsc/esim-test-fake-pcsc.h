/*
 * A real pcscd with vsmartcard's vpcd reader driver, and virtual cards
 * (esim-vicc) that relay to the simulated eUICC.
 *
 * Every test process gets its own pcscd: socket-activated on a socket in a
 * private directory (PCSCLITE_CSOCK_NAME points this process there) and
 * with vpcd listening on free TCP ports of its own, so parallel suites and a
 * system pcscd do not meet. It starts on first use and stops when the
 * process exits. Paths come from the environment meson sets:
 * $ESIM_TEST_PCSCD, $ESIM_TEST_VPCD_DRIVER, $ESIM_TEST_VICC.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-test-sim.h"
#include "esim-transport.h"

G_BEGIN_DECLS

/* vpcd offers two reader slots */
#define ESIM_TEST_FAKE_PCSC_SLOTS 2

/* a pcsc transport on the name of a free vpcd reader slot, with sim
 * inserted; finalizing the transport pulls the card */
EsimTransport *esim_test_fake_pcsc_transport_new (EsimTestSim *sim, GError **error);

/* pulls the card of a transport from esim_test_fake_pcsc_transport_new()
 * and waits until pcscd sees the reader empty */
void esim_test_fake_pcsc_pull_card (EsimTransport *transport);

/* for the transport tests */
gboolean esim_test_fake_pcsc_start (GError **error);
/* the reader name of a vpcd slot, after start */
const gchar *esim_test_fake_pcsc_get_reader (guint slot);

typedef struct _EsimTestVicc EsimTestVicc;
/* inserts sim as a card into a vpcd slot and waits until pcscd sees it;
 * atr_hex presents another ATR than the card's (NULL for the card's) */
EsimTestVicc *esim_test_vicc_insert (EsimTestSim *sim, guint slot, const gchar *atr_hex,
                                     GError **error);
/* pulls the card out and waits until pcscd sees the slot empty */
void esim_test_vicc_remove (EsimTestVicc *vicc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimTestVicc, esim_test_vicc_remove)

G_END_DECLS
