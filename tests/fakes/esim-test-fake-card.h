/*
 * Test helper for the fake modems: the modem's side of the simulated
 * eUICC's unix socket (framing in esim-transport-socket.h). APDUs are sent
 * one at a time in the order asked; opening a logical channel is MANAGE
 * CHANNEL, SELECT and GET RESPONSE, as a modem's firmware does it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EsimTestFakeCard EsimTestFakeCard;

typedef enum {
  ESIM_TEST_FAKE_CARD_GONE,    /* the simulated eUICC closed the link */
  ESIM_TEST_FAKE_CARD_REFRESH, /* an EnableProfile or DisableProfile succeeded */
} EsimTestFakeCardEvent;

typedef void (*EsimTestFakeCardEventFunc) (EsimTestFakeCardEvent event, gpointer user_data);
/* rapdu: response data then SW1 SW2; NULL when the card went away */
typedef void (*EsimTestFakeCardApduFunc) (GBytes *rapdu, gpointer user_data);
/* channel 0 and no FCI when sw says why the channel could not be opened */
typedef void (*EsimTestFakeCardOpenFunc) (guint channel, GBytes *fci, guint16 sw,
                                          gpointer user_data);

EsimTestFakeCard *esim_test_fake_card_new (const gchar *socket_path, EsimTestFakeCardEventFunc func,
                                           gpointer user_data, GError **error);
void esim_test_fake_card_free (EsimTestFakeCard *self);

void esim_test_fake_card_apdu (EsimTestFakeCard *self, GBytes *apdu, EsimTestFakeCardApduFunc func,
                               gpointer user_data);
void esim_test_fake_card_open_channel (EsimTestFakeCard *self, GBytes *aid, guint8 select_p2,
                                       EsimTestFakeCardOpenFunc func, gpointer user_data);
/* func gets the response of MANAGE CHANNEL close; may be NULL */
void esim_test_fake_card_close_channel (EsimTestFakeCard *self, guint channel,
                                        EsimTestFakeCardApduFunc func, gpointer user_data);
gboolean esim_test_fake_card_is_gone (EsimTestFakeCard *self);

/* hex helpers for the line protocols */
gchar *esim_test_fake_hex (const guint8 *data, gsize len);
GBytes *esim_test_fake_unhex (const gchar *hex, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimTestFakeCard, esim_test_fake_card_free)

G_END_DECLS
