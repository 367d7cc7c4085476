/*
 * A transport for the tests that passes everything to another transport
 * and records the command and response APDUs on the way, so tests can
 * assert the exact STORE DATA and GET RESPONSE traffic.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-transport.h"

G_BEGIN_DECLS

#define ES10_TEST_TYPE_TAP (es10_test_tap_get_type ())
G_DECLARE_FINAL_TYPE (Es10TestTap, es10_test_tap, ES10_TEST, TAP, EsimTransport)

/* called after each recorded response, before the caller sees it */
typedef void (*Es10TestTapHook) (Es10TestTap *tap, GBytes *command, GBytes *response,
                                 gpointer user_data);

EsimTransport *es10_test_tap_new (EsimTransport *inner);
/* of GBytes, in order; responses has NULL where the transmit failed */
GPtrArray *es10_test_tap_get_commands (Es10TestTap *self);
GPtrArray *es10_test_tap_get_responses (Es10TestTap *self);
void es10_test_tap_clear (Es10TestTap *self);
void es10_test_tap_set_hook (Es10TestTap *self, Es10TestTapHook hook, gpointer user_data);
/* "80E21100FF" style header of the n-th command: CLA INS P1 P2 (P3) */
gchar *es10_test_tap_header (Es10TestTap *self, guint n);

G_END_DECLS
