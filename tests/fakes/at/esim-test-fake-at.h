/*
 * A fake AT modem on a pty, in the test process: a line-based command
 * interpreter with echo (until ATE0), final result codes OK / ERROR /
 * +CME ERROR, AT+CCHO/AT+CGLA/AT+CCHC and AT+CSIM, relaying APDUs to the
 * simulated eUICC. After an EnableProfile or DisableProfile goes through
 * it sends unsolicited +CPIN lines, in the middle of the AT+CGLA answer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-test-sim.h"
#include "esim-transport.h"

G_BEGIN_DECLS

typedef struct _EsimTestFakeAt EsimTestFakeAt;

typedef enum {
  ESIM_TEST_FAKE_AT_FULL,      /* AT+CCHO/AT+CGLA/AT+CCHC and AT+CSIM */
  ESIM_TEST_FAKE_AT_CSIM_ONLY, /* AT+CCHO answers +CME ERROR: 4 */
  ESIM_TEST_FAKE_AT_NEITHER,   /* both answer ERROR */
} EsimTestFakeAtMode;

EsimTestFakeAt *esim_test_fake_at_new (EsimTestSim *sim, GError **error);
void esim_test_fake_at_free (EsimTestFakeAt *self);
const gchar *esim_test_fake_at_get_path (EsimTestFakeAt *self);

/* knobs */
void esim_test_fake_at_set_mode (EsimTestFakeAt *self, EsimTestFakeAtMode mode);
/* AT+CCHO sessions at once; more get +CME ERROR: 100 */
void esim_test_fake_at_set_max_sessions (EsimTestFakeAt *self, guint max);
/* session ids are the channel plus this */
void esim_test_fake_at_set_session_offset (EsimTestFakeAt *self, guint offset);
/* the n-th command line (counting from 1) gets +CME ERROR: cme */
void esim_test_fake_at_set_fail_command (EsimTestFakeAt *self, guint n, guint cme);
/* every answer waits this long */
void esim_test_fake_at_set_delay (EsimTestFakeAt *self, guint delay_ms);
/* the modem is unplugged */
void esim_test_fake_at_hangup (EsimTestFakeAt *self);

/* observations */
guint esim_test_fake_at_get_open_sessions (EsimTestFakeAt *self);
guint esim_test_fake_at_get_command_count (EsimTestFakeAt *self);
/* how many of the commands so far started with prefix, e.g. "AT+CSIM=" */
guint esim_test_fake_at_count_commands (EsimTestFakeAt *self, const gchar *prefix);

EsimTransport *esim_test_fake_at_transport_new (EsimTestSim *sim, GError **error);
EsimTestFakeAt *esim_test_fake_at_from_transport (EsimTransport *transport);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimTestFakeAt, esim_test_fake_at_free)

G_END_DECLS
