/*
 * One RSP server (an SM-DP+ or an SM-DS) spoken to in the SGP.22 JSON
 * binding over HTTPS: POST https://<address>/gsma/rsp2/<interface>/<function>
 * with the X-Admin-Protocol header, and the functionExecutionStatus of
 * every answer turned into a specific error.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "esim-http.h"

G_BEGIN_DECLS

#define ESIM_RSP_ERROR (esim_rsp_error_quark ())
GQuark esim_rsp_error_quark (void);

/* the server's verdicts; the message always carries the SGP.22 subject
 * and reason codes and the server's own text */
typedef enum {
  ESIM_RSP_ERROR_FAILED,                             /* a failure without a more specific code */
  ESIM_RSP_ERROR_MALFORMED_RESPONSE,                 /* not the JSON SGP.22 describes */
  ESIM_RSP_ERROR_HTTP_STATUS,                        /* an HTTP error without SGP.22 codes */
  ESIM_RSP_ERROR_INVALID_SMDP_ADDRESS,               /* 8.8.1 3.8 */
  ESIM_RSP_ERROR_UNSUPPORTED_CI,                     /* 8.8.2 3.1 */
  ESIM_RSP_ERROR_UNSUPPORTED_VERSION,                /* 8.8.3 3.1 */
  ESIM_RSP_ERROR_INVALID_SIGNATURE,                  /* 8.1 6.1 */
  ESIM_RSP_ERROR_INVALID_CERTIFICATE,                /* 8.1.2 / 8.1.3 */
  ESIM_RSP_ERROR_EID_MISMATCH,                       /* 8.1.1 3.8 */
  ESIM_RSP_ERROR_MATCHING_ID_REFUSED,                /* 8.2.6 3.8 */
  ESIM_RSP_ERROR_PROFILE_NOT_AVAILABLE,              /* 8.2 / 8.2.5 */
  ESIM_RSP_ERROR_CONFIRMATION_CODE_MISSING,          /* 8.2.7 2.2 */
  ESIM_RSP_ERROR_CONFIRMATION_CODE_REFUSED,          /* 8.2.7 3.8 */
  ESIM_RSP_ERROR_CONFIRMATION_CODE_RETRIES_EXCEEDED, /* 8.2.7 6.4 */
  ESIM_RSP_ERROR_UNKNOWN_TRANSACTION,                /* 8.10.1 3.9 */
  ESIM_RSP_ERROR_EVENT_UNKNOWN,                      /* ES11: 8.9.x */
  ESIM_RSP_ERROR_EXPIRED,                            /* functionExecutionStatus Expired */
  ESIM_RSP_ERROR_REDIRECT,                           /* an HTTP 3xx: never followed */
  ESIM_RSP_ERROR_NO_COMMON_CERTIFICATE,              /* 8.8.4 3.7, 8.9.4 3.7 */
  ESIM_RSP_ERROR_INSUFFICIENT_MEMORY,                /* 8.1 4.8 */
  ESIM_RSP_ERROR_ORDER_EXPIRED,                      /* 8.8.5 4.1 / 4.10 */
  ESIM_RSP_ERROR_ORDER_RETRIES_EXCEEDED,             /* 8.8.5 6.4 */
  ESIM_RSP_ERROR_INVALID_OID,                        /* 8.8 3.10 */
  ESIM_RSP_ERROR_UNKNOWN_CI,                         /* 8.11.1 3.9 */
  ESIM_RSP_ERROR_EUICC_NOT_SUPPORTED,                /* 8.8 4.2, 8.1.1 2.1 */
  ESIM_RSP_ERROR_PROFILE_UNKNOWN,                    /* 8.2.1 3.9 */
  ESIM_RSP_ERROR_SMDS_UNAVAILABLE,                   /* 8.9 5.1, 8.9 4.2 */
  ESIM_RSP_ERROR_BAD_REQUEST,                        /* x 2.x: the server could not read it */
  ESIM_RSP_ERROR_NOT_ALLOWED,                        /* x 1.x: not allowed */
  ESIM_RSP_ERROR_SERVER_ERROR,                       /* x 4.x, x 5.x: the server failed */
} EsimRspError;

#define ESIM_RSP_ADMIN_PROTOCOL "gsma/rsp/v2.2.0"

#define ESIM_TYPE_RSP_CLIENT (esim_rsp_client_get_type ())
G_DECLARE_FINAL_TYPE (EsimRspClient, esim_rsp_client, ESIM, RSP_CLIENT, GObject)

/* address: host[:port] as in an activation code; iface: "es9plus" or "es11" */
EsimRspClient *esim_rsp_client_new (EsimHttp *http, const gchar *address, const gchar *iface);
/* the address in lower case, as it is sent */
const gchar *esim_rsp_client_get_address (EsimRspClient *self);
EsimHttp *esim_rsp_client_get_http (EsimRspClient *self);
/* the interface of the path now used */
const gchar *esim_rsp_client_get_iface (EsimRspClient *self);
/* a 404 on the interface's path: try this one instead, and keep it */
void esim_rsp_client_set_fallback_iface (EsimRspClient *self, const gchar *iface);

/* the transactionId as the server spelled it, echoed back exactly for
 * the same bytes; other bytes are sent as upper-case hex */
void esim_rsp_client_remember_transaction_id (EsimRspClient *self, const gchar *text,
                                              GBytes *transaction_id);
gchar *esim_rsp_client_dup_transaction_id_text (EsimRspClient *self, GBytes *transaction_id);

/* returns the answer object, or an empty object for 204 No Content */
void esim_rsp_client_call_async (EsimRspClient *self, const gchar *function, JsonObject *request,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
JsonObject *esim_rsp_client_call_finish (EsimRspClient *self, GAsyncResult *result, GError **error);

/* an HTTP answer of a server function as the JSON object SGP.22 says
 * (an empty object for 204), or the specific error */
JsonObject *esim_rsp_parse_answer (const gchar *function, guint status, GBytes *body,
                                   GError **error);

/* helpers for the JSON binding: base64 members and hex transaction IDs */
GBytes *esim_rsp_json_get_base64 (JsonObject *object, const gchar *member, GError **error);
void esim_rsp_json_set_base64 (JsonObject *object, const gchar *member, GBytes *value);
GBytes *esim_rsp_json_get_transaction_id (JsonObject *object, GError **error);
gchar *esim_rsp_transaction_id_to_string (GBytes *transaction_id);

G_END_DECLS
