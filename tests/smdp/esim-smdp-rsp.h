/*
 * The protocol side of the test SM-DP+ and SM-DS: the ES9+ and ES11
 * functions on decoded JSON requests, with their sessions, the SGP.26
 * certificates and keys, and the catalog. No HTTP here (see
 * esim-smdp-server.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "esim-smdp-catalog.h"

G_BEGIN_DECLS

#define ESIM_TYPE_SMDP_RSP (esim_smdp_rsp_get_type ())
G_DECLARE_FINAL_TYPE (EsimSmdpRsp, esim_smdp_rsp, ESIM, SMDP_RSP, GObject)

/* the limits that keep a test server from being exhausted */
#define ESIM_SMDP_MAX_SESSIONS 256
#define ESIM_SMDP_SESSION_LIFETIME_S 300
#define ESIM_SMDP_MAX_NOTIFICATION_LOG 256

/* pki_dir is the SGP.26 folder (CertificateIssuer/, DPauth/, DPpb/) */
EsimSmdpRsp *esim_smdp_rsp_new (const gchar *pki_dir, EsimSmdpCatalog *catalog, GError **error);
/* ES11 signed with a CERT.DSauth (role id-rspRole-ds-auth) issued now by
 * the SGP.26 CI for a fresh key, instead of CERT.DP2auth: an SM-DS proper */
gboolean esim_smdp_rsp_use_ds_auth (EsimSmdpRsp *self, const gchar *pki_dir, GError **error);
/* "host:port" that clients use; initiateAuthentication checks it */
void esim_smdp_rsp_set_address (EsimSmdpRsp *self, const gchar *address);
const gchar *esim_smdp_rsp_get_address (EsimSmdpRsp *self);

/* interface "es9plus" or "es11"; function the last path element.
 * corrupt_signature: the bad-signature fault. Returns the whole response
 * object (header included); NULL with an ESIM_SMDP_ERROR, or with
 * G_IO_ERROR_NOT_FOUND for an unknown function */
JsonObject *esim_smdp_rsp_handle (EsimSmdpRsp *self, const gchar *interface, const gchar *function,
                                  JsonObject *request, gboolean corrupt_signature, GError **error);

/* the notification counters and log, and the orders, as members of the
 * object being built */
/* the next bound profile package gets one ciphertext byte of its last
 * segment flipped, so that the card's MAC check fails there */
void esim_smdp_rsp_set_tamper_package (EsimSmdpRsp *self, gboolean tamper);
void esim_smdp_rsp_add_stats (EsimSmdpRsp *self, JsonBuilder *builder);

G_END_DECLS
