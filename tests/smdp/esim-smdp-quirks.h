/*
 * Encoding variations and habits of deployed SM-DP+ and SM-DS servers that
 * the test server reproduces on demand (--quirk NAME), for the quirks
 * suite (tests/quirks/): how answers are written (wrapped or unpadded
 * base64, lower-case transaction IDs, content type, an empty 200 for a
 * notification, an event without eventId) and what requests are refused
 * (upper-case Host or serverAddress, ES11 paths).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  ESIM_SMDP_QUIRK_WRAP_BASE64 = 1 << 0,            /* base64 members wrapped with \r\n */
  ESIM_SMDP_QUIRK_UNPADDED_BASE64 = 1 << 1,        /* base64 members without '=' */
  ESIM_SMDP_QUIRK_LOWERCASE_TXID = 1 << 2,         /* lower-case hex, echo compared exactly */
  ESIM_SMDP_QUIRK_EMPTY_200_NOTIFICATION = 1 << 3, /* handleNotification: 200, no body */
  ESIM_SMDP_QUIRK_ES11_ON_ES9PLUS_PATH = 1 << 4,   /* an SM-DS on es9plus/ paths only */
  ESIM_SMDP_QUIRK_REJECT_UPPERCASE_HOST = 1 << 5,  /* 400 for upper-case Host/smdpAddress */
  ESIM_SMDP_QUIRK_JSON_CHARSET = 1 << 6,           /* application/json;charset=UTF-8 */
  ESIM_SMDP_QUIRK_EVENT_WITHOUT_ID = 1 << 7,       /* an ES11 event entry lacks its eventId */
} EsimSmdpQuirk;

typedef struct {
  guint flags; /* EsimSmdpQuirk */
  guint wrap_columns;
} EsimSmdpQuirks;

/* NAME or wrap-base64[:COLUMNS] (64 or 76, default 64) */
gboolean esim_smdp_quirks_add (EsimSmdpQuirks *self, const gchar *spec, GError **error);

/* the interface a path's interface stands for, or NULL for a 404 */
const gchar *esim_smdp_quirks_map_interface (const EsimSmdpQuirks *self, const gchar *interface,
                                             const gchar *function);

/* the HTTP refusal of a request (0: none): Host is the request's header */
guint esim_smdp_quirks_refuse_request (const EsimSmdpQuirks *self, const gchar *host,
                                       JsonObject *request);
/* FALSE with an ESIM_SMDP_ERROR when the request does not echo the
 * transaction ID as it was sent */
gboolean esim_smdp_quirks_check_request (const EsimSmdpQuirks *self, JsonObject *request,
                                         GError **error);

/* rewrites a successful answer the way the quirks say */
void esim_smdp_quirks_apply (const EsimSmdpQuirks *self, const gchar *function,
                             JsonObject *response);

const gchar *esim_smdp_quirks_content_type (const EsimSmdpQuirks *self);

G_END_DECLS
