/*
 * A fake MBIM modem on a pty, in the test process: binary MBIM control
 * messages (OPEN/CLOSE, COMMAND/COMMAND_DONE, INDICATE_STATUS) with the MS
 * UICC Low Level Access service (Open Channel, APDU, Close Channel) and MS
 * Basic Connect Extensions slot mappings and slot info, relaying APDUs to
 * the simulated eUICC. After an EnableProfile or DisableProfile goes
 * through it indicates Slot Info Status (not ready, then ready), as a modem
 * does on a card refresh. libmbim opens the pty's slave as a device file,
 * without mbim-proxy (the transport's "proxy" property is FALSE).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-test-sim.h"
#include "esim-transport.h"

G_BEGIN_DECLS

typedef struct _EsimTestFakeMbim EsimTestFakeMbim;

EsimTestFakeMbim *esim_test_fake_mbim_new (EsimTestSim *sim, GError **error);
void esim_test_fake_mbim_free (EsimTestFakeMbim *self);
const gchar *esim_test_fake_mbim_get_path (EsimTestFakeMbim *self);

/* knobs */
void esim_test_fake_mbim_set_max_channels (EsimTestFakeMbim *self, guint max);
/* the n-th COMMAND (counting from 1) is answered with this MBIM status */
void esim_test_fake_mbim_set_fail_request (EsimTestFakeMbim *self, guint n, guint status);
void esim_test_fake_mbim_set_delay (EsimTestFakeMbim *self, guint delay_ms);
/* Open Channel fails (MBIM status Failure) for these SELECT P2 values */
void esim_test_fake_mbim_refuse_select_p2 (EsimTestFakeMbim *self, guint8 p2);
/* APDUs with another class byte type fail (Invalid Parameters); -1 any */
void esim_test_fake_mbim_set_class_byte_type (EsimTestFakeMbim *self, gint type);
/* n_slots physical slots, the eUICC in esim_slot (0-based), mapped_slot
 * mapped; with n_slots 0 the modem lacks slot mappings altogether */
void esim_test_fake_mbim_set_slots (EsimTestFakeMbim *self, guint n_slots, guint esim_slot,
                                    guint mapped_slot);
/* the modem is unplugged */
void esim_test_fake_mbim_hangup (EsimTestFakeMbim *self);

/* observations */
guint esim_test_fake_mbim_get_open_channels (EsimTestFakeMbim *self);
guint esim_test_fake_mbim_get_request_count (EsimTestFakeMbim *self);
guint esim_test_fake_mbim_get_indication_count (EsimTestFakeMbim *self);
guint esim_test_fake_mbim_get_mapped_slot (EsimTestFakeMbim *self);
guint8 esim_test_fake_mbim_get_last_select_p2 (EsimTestFakeMbim *self);
gint esim_test_fake_mbim_get_last_class_byte_type (EsimTestFakeMbim *self);

/* a transport to a new fake modem for this sim; the fake stops when the
 * transport is finalized */
EsimTransport *esim_test_fake_mbim_transport_new (EsimTestSim *sim, GError **error);
EsimTestFakeMbim *esim_test_fake_mbim_from_transport (EsimTransport *transport);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimTestFakeMbim, esim_test_fake_mbim_free)

G_END_DECLS
