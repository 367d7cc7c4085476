/*
 * What every object of the daemon shares: the configuration, the state
 * directory, the authority, the object manager they are exported on, the
 * HTTPS client with its trust anchors, test mode, the object path counters
 * and the jobs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "esim-authority.h"
#include "esim-config.h"
#include "esim-http.h"

G_BEGIN_DECLS

#define ESIM_DBUS_NAME "org.freedesktop.Esim1"
#define ESIM_DBUS_PATH "/org/freedesktop/Esim1"

#define ESIM_TYPE_CONTEXT (esim_context_get_type ())
G_DECLARE_FINAL_TYPE (EsimContext, esim_context, ESIM, CONTEXT, GObject)

/* takes the config; fails when the trust anchors cannot be read */
EsimContext *esim_context_new (EsimConfig *config, const gchar *state_dir, GError **error);

const EsimConfig *esim_context_get_config (EsimContext *self);
const gchar *esim_context_get_state_dir (EsimContext *self);
EsimAuthority *esim_context_get_authority (EsimContext *self);
GDBusObjectManagerServer *esim_context_get_object_manager (EsimContext *self);

/* the client for SM-DP+/SM-DS, trusting the GSMA roots, TrustAnchors and,
 * in test mode, the test CI; replaced when test mode changes */
EsimHttp *esim_context_get_http (EsimContext *self);

gboolean esim_context_get_test_mode (EsimContext *self);
/* notifies ::test-mode */
gboolean esim_context_set_test_mode (EsimContext *self, gboolean test_mode, GError **error);

/* "/org/freedesktop/Esim1/<kind>/<n>", n counting per kind from 0 */
gchar *esim_context_next_path (EsimContext *self, const gchar *kind);

/* "/org/freedesktop/Esim1/Euicc/<16 hex>": the first 64 bits of
 * SHA-256 (salt || EID), the salt random and kept in the state directory
 * (euicc-path-salt) so that a card keeps its path across restarts; a path
 * in use already gets "_2", "_3"... Released with
 * esim_context_release_euicc_path() when the object leaves the bus. */
gchar *esim_context_claim_euicc_path (EsimContext *self, const gchar *eid);
void esim_context_release_euicc_path (EsimContext *self, const gchar *path);

gboolean esim_context_get_shutting_down (EsimContext *self);
void esim_context_set_shutting_down (EsimContext *self);

G_END_DECLS
