/*
 * Helpers for the simulated eUICC tests: raw APDUs to an in-process card or
 * over the socket, ES10 requests split into STORE DATA blocks.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "esim-sim-card.h"

G_BEGIN_DECLS

typedef GBytes *(*TestTransmitFunc) (gpointer target, GBytes *capdu);

typedef struct {
  TestTransmitFunc transmit;
  gpointer target;
  guint channel;
} TestLink;

GBytes *test_hex (const gchar *hex);
void test_assert_bytes (GBytes *bytes, const gchar *hex);

/* a card in memory (state_path may be NULL), seeded with profiles */
EsimSimCard *test_card_new (const gchar *const *profiles, const gchar *state_path,
                            gboolean strict_le);
void test_link_card (TestLink *link, EsimSimCard *card);

/* the status word; *data (if not NULL) gets the response data */
guint16 test_apdu (TestLink *link, const gchar *hex, GBytes **data);
guint16 test_apdu_bytes (TestLink *link, GBytes *capdu, GBytes **data);
/* MANAGE CHANNEL open and SELECT ISD-R; link->channel is the new channel */
void test_open_isdr (TestLink *link);
/* STORE DATA in blocks of block_size (255 if 0) and GET RESPONSE until
 * 9000; asserts success and returns the whole response */
GBytes *test_es10 (TestLink *link, GBytes *request, gsize block_size);
GBytes *test_es10_hex (TestLink *link, const gchar *hex);
/* the final status word of a request that fails */
guint16 test_es10_sw (TestLink *link, const gchar *hex);

/* raw frames on a socket */
GSocketConnection *test_socket_connect (const gchar *path);
/* sends one frame; returns the reply payload, *type its type; NULL when
 * the peer hung up */
GBytes *test_socket_exchange (GSocketConnection *conn, guint8 type, const guint8 *payload,
                              gsize len, guint8 *reply_type);
GBytes *test_socket_transmit (gpointer conn, GBytes *capdu);

G_END_DECLS
