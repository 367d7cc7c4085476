/*
 * The socket front of the simulated eUICC: serves an EsimSimCard on a unix
 * socket with the framing of esim-transport-socket.h, one client at a time,
 * and injects faults (status words, latency, a card that vanishes).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "esim-sim-card.h"

G_BEGIN_DECLS

#define ESIM_SIM_TYPE_SERVER (esim_sim_server_get_type ())
G_DECLARE_FINAL_TYPE (EsimSimServer, esim_sim_server, ESIM_SIM, SERVER, GObject)

/* binds path (replacing a stale socket file) and starts listening */
EsimSimServer *esim_sim_server_new (EsimSimCard *card, const gchar *path, GError **error);

/* sw:N:XXXX, delay:N:MS, delay:*:MS, vanish:N; N counts APDU frames from 1
 * since the server started, across connections. self NULL only checks the
 * spec (before the socket listens, so that a bad one never looks started) */
gboolean esim_sim_server_add_fault (EsimSimServer *self, const gchar *spec, GError **error);

/* drops the client and stops listening; idempotent */
void esim_sim_server_stop (EsimSimServer *self);

guint64 esim_sim_server_get_apdu_count (EsimSimServer *self);

G_END_DECLS
