/*
 * The HTTPS front of the test SM-DP+/SM-DS: libsoup's SoupServer with a
 * GTlsCertificate, the ES9+/ES11 paths and headers, injected faults and
 * latency, and the statistics file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "esim-smdp-rsp.h"

G_BEGIN_DECLS

/* the largest request body */
#define ESIM_SMDP_MAX_BODY (1024 * 1024)

#define ESIM_TYPE_SMDP_SERVER (esim_smdp_server_get_type ())
G_DECLARE_FINAL_TYPE (EsimSmdpServer, esim_smdp_server, ESIM, SMDP_SERVER, GObject)

EsimSmdpServer *esim_smdp_server_new (EsimSmdpRsp *rsp, GTlsCertificate *certificate,
                                      GError **error);

/* http500:FUNC[:N], timeout:FUNC, malformed-json:FUNC, bad-signature:FUNC,
 * latency:FUNC:MS, redirect:FUNC, http4xx-json:FUNC, expired:FUNC; FUNC is the last path element,
 * or * for all */
gboolean esim_smdp_server_add_fault (EsimSmdpServer *self, const gchar *spec, GError **error);
/* a --quirk of tests/smdp/esim-smdp-quirks.h */
gboolean esim_smdp_server_add_quirk (EsimSmdpServer *self, const gchar *spec, GError **error);
/* delay every response by ms */
void esim_smdp_server_set_latency (EsimSmdpServer *self, guint ms);
/* rewritten (atomically) after every request */
void esim_smdp_server_set_stats_file (EsimSmdpServer *self, const gchar *path);

/* listen on host:port (port 0: any); returns the port bound */
gboolean esim_smdp_server_listen (EsimSmdpServer *self, GInetAddress *address, guint16 port,
                                  guint16 *bound_port, GError **error);

gboolean esim_smdp_server_write_stats (EsimSmdpServer *self, GError **error);

G_END_DECLS
