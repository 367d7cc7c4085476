/*
 * SM-DS discovery (SGP.22 ES11): the eUICC authenticates to an SM-DS and
 * learns which SM-DP+s hold profiles waiting for it. Each event is ready to
 * download: its server address and its event ID as the matching ID.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-es10-download.h"
#include "esim-es9p.h"
#include "esim-lpa-error.h"

G_BEGIN_DECLS

#define ESIM_TYPE_DISCOVERY (esim_discovery_get_type ())
G_DECLARE_FINAL_TYPE (EsimDiscovery, esim_discovery, ESIM, DISCOVERY, GObject)

/* smds_address NULL: the root SM-DS configured on the eUICC */
EsimDiscovery *esim_discovery_new (EsimEs10 *es10, EsimHttp *http, const gchar *smds_address);
void esim_discovery_set_device_info (EsimDiscovery *self, const EsimDeviceInfo *device);

/* returns a GPtrArray of EsimRspEvent, maybe empty */
void esim_discovery_run_async (EsimDiscovery *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *esim_discovery_run_finish (EsimDiscovery *self, GAsyncResult *result, GError **error);

G_END_DECLS
